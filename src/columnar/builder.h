// Builders: append values and nulls one at a time (or n nulls at once), then Finish() into an
// immutable ArrayData in Arrow layout. Finish() resets the builder for reuse.
//
//   auto b = MakeBuilder(List(Utf8()));
//   auto* list = static_cast<ListBuilder*>(b.get());
//   auto* strings = static_cast<BinaryBuilder*>(list->value_builder());
//   list->Append(); strings->Append("a"); strings->Append("b");   // ["a","b"]
//   list->AppendNull();                                           // null
//   ArrayPtr column = b->Finish();
//
// Nested builders own their child builders. For a struct, call Append() (or AppendNull) on the
// struct and exactly one append on every child per row; AppendNulls on a struct appends nulls to
// the children itself. A map is a list of {key, value} entries: MapBuilder::Append() starts an
// entry list, then append to key_builder() and item_builder() once per entry.
// The typed Append methods are non-virtual so loops over values inline.
//
// Thread-safety: a builder is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "columnar/array.h"

namespace tide::columnar {

class ArrayBuilder {
 public:
  explicit ArrayBuilder(TypePtr type) : type_(std::move(type)) {}
  virtual ~ArrayBuilder() = default;
  ArrayBuilder(const ArrayBuilder&) = delete;
  ArrayBuilder& operator=(const ArrayBuilder&) = delete;

  const TypePtr& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  void AppendNull() { AppendNulls(1); }
  virtual void AppendNulls(int64_t n) = 0;
  virtual ArrayPtr Finish() = 0;

 protected:
  void AppendValidity(bool valid);
  void AppendValidityNulls(int64_t n);
  // The validity bitmap, or nullptr when nothing was null; resets length and null count.
  BufferPtr FinishValidity();

  TypePtr type_;
  std::vector<uint8_t> validity_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
};

class NullBuilder final : public ArrayBuilder {
 public:
  NullBuilder() : ArrayBuilder(Null()) {}
  void AppendNulls(int64_t n) override { length_ += n; }
  ArrayPtr Finish() override;
};

class BooleanBuilder final : public ArrayBuilder {
 public:
  BooleanBuilder() : ArrayBuilder(Boolean()) {}
  void Append(bool v) {
    if ((length_ >> 3) >= static_cast<int64_t>(values_.size())) values_.push_back(0);
    if (v) bits::Set(values_.data(), length_);
    AppendValidity(true);
  }
  void AppendNulls(int64_t n) override;
  ArrayPtr Finish() override;

 private:
  std::vector<uint8_t> values_;
};

// Fixed-width values of C type T: ints, floats, Date32 (int32), Time64 and Timestamp (int64),
// Decimal128 (__int128).
template <typename T>
class NumericBuilder final : public ArrayBuilder {
 public:
  explicit NumericBuilder(TypePtr type) : ArrayBuilder(std::move(type)) {}
  void Append(T v) {
    values_.push_back(v);
    AppendValidity(true);
  }
  void AppendNulls(int64_t n) override {
    values_.resize(values_.size() + n, T{});
    AppendValidityNulls(n);
  }
  ArrayPtr Finish() override;

 private:
  std::vector<T> values_;
};

using Int8Builder = NumericBuilder<int8_t>;
using Int16Builder = NumericBuilder<int16_t>;
using Int32Builder = NumericBuilder<int32_t>;
using Int64Builder = NumericBuilder<int64_t>;
using UInt8Builder = NumericBuilder<uint8_t>;
using UInt16Builder = NumericBuilder<uint16_t>;
using UInt32Builder = NumericBuilder<uint32_t>;
using UInt64Builder = NumericBuilder<uint64_t>;
using Float32Builder = NumericBuilder<float>;
using Float64Builder = NumericBuilder<double>;
using Decimal128Builder = NumericBuilder<__int128>;

// String and binary values (int32 offsets; appending past 2 GiB of data is refused by
// returning false — the caller splits the batch).
class BinaryBuilder final : public ArrayBuilder {
 public:
  explicit BinaryBuilder(TypePtr type) : ArrayBuilder(std::move(type)) { offsets_.push_back(0); }
  bool Append(std::string_view v);
  void AppendNulls(int64_t n) override;
  ArrayPtr Finish() override;

 private:
  std::vector<int32_t> offsets_;
  std::vector<uint8_t> data_;
};

class FixedSizeBinaryBuilder final : public ArrayBuilder {
 public:
  explicit FixedSizeBinaryBuilder(TypePtr type) : ArrayBuilder(std::move(type)) {}
  // v must be exactly byte_width bytes; returns false (and appends nothing) otherwise.
  bool Append(std::string_view v);
  void AppendNulls(int64_t n) override;
  ArrayPtr Finish() override;

 private:
  std::vector<uint8_t> data_;
};

class ListBuilder : public ArrayBuilder {
 public:
  ListBuilder(TypePtr type, std::unique_ptr<ArrayBuilder> value_builder)
      : ArrayBuilder(std::move(type)), values_(std::move(value_builder)) {
    offsets_.push_back(0);
  }
  // Starts a new non-null list; the elements appended to value_builder() until the next
  // Append/AppendNull belong to it.
  void Append();
  void AppendNulls(int64_t n) override;
  ArrayPtr Finish() override;
  ArrayBuilder* value_builder() { return values_.get(); }

 protected:
  void CloseLast();
  std::unique_ptr<ArrayBuilder> values_;
  std::vector<int32_t> offsets_;
};

class StructBuilder final : public ArrayBuilder {
 public:
  StructBuilder(TypePtr type, std::vector<std::unique_ptr<ArrayBuilder>> children)
      : ArrayBuilder(std::move(type)), children_(std::move(children)) {}
  // Marks the row valid; append one value to every child.
  void Append() { AppendValidity(true); }
  void AppendNulls(int64_t n) override;
  ArrayPtr Finish() override;
  ArrayBuilder* child(int i) { return children_[i].get(); }
  int num_children() const { return static_cast<int>(children_.size()); }

 private:
  std::vector<std::unique_ptr<ArrayBuilder>> children_;
};

class MapBuilder final : public ListBuilder {
 public:
  MapBuilder(TypePtr type, std::unique_ptr<StructBuilder> entries) : ListBuilder(std::move(type), std::move(entries)) {}
  // Starts a new non-null map; then call AppendEntry() and append one key and one value per entry.
  void AppendEntry() { static_cast<StructBuilder*>(values_.get())->Append(); }
  ArrayBuilder* key_builder() { return static_cast<StructBuilder*>(values_.get())->child(0); }
  ArrayBuilder* item_builder() { return static_cast<StructBuilder*>(values_.get())->child(1); }
};

// A builder for any type (recursively for nested types). Never null.
std::unique_ptr<ArrayBuilder> MakeBuilder(const TypePtr& type);

}  // namespace tide::columnar
