#include "columnar/builder.h"

#include <limits>

namespace tide::columnar {

namespace {
template <typename T>
BufferPtr VectorBuffer(std::vector<T>& v) {
  std::vector<uint8_t> bytes(v.size() * sizeof(T));
  if (!v.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
  v.clear();
  return Buffer::FromVector(std::move(bytes));
}
}  // namespace

void ArrayBuilder::AppendValidity(bool valid) {
  if ((length_ >> 3) >= static_cast<int64_t>(validity_.size())) validity_.push_back(0);
  if (valid) {
    bits::Set(validity_.data(), length_);
  } else {
    ++null_count_;
  }
  ++length_;
}

void ArrayBuilder::AppendValidityNulls(int64_t n) {
  validity_.resize(bits::BytesFor(length_ + n), 0);
  length_ += n;
  null_count_ += n;
}

BufferPtr ArrayBuilder::FinishValidity() {
  BufferPtr out;
  if (null_count_ > 0) {
    validity_.resize(bits::BytesFor(length_), 0);
    out = Buffer::FromVector(std::move(validity_));
  }
  validity_.clear();
  length_ = 0;
  null_count_ = 0;
  return out;
}

namespace {
std::shared_ptr<ArrayData> Start(const TypePtr& type, int64_t length, int64_t null_count) {
  auto a = std::make_shared<ArrayData>();
  a->type = type;
  a->length = length;
  a->null_count = null_count;
  return a;
}
}  // namespace

ArrayPtr NullBuilder::Finish() {
  auto a = Start(type_, length_, length_);
  length_ = 0;
  return a;
}

void BooleanBuilder::AppendNulls(int64_t n) {
  values_.resize(bits::BytesFor(length_ + n), 0);
  AppendValidityNulls(n);
}

ArrayPtr BooleanBuilder::Finish() {
  auto a = Start(type_, length_, null_count_);
  values_.resize(bits::BytesFor(length_), 0);
  a->buffers.push_back(FinishValidity());
  a->buffers.push_back(Buffer::FromVector(std::move(values_)));
  values_.clear();
  return a;
}

template <typename T>
ArrayPtr NumericBuilder<T>::Finish() {
  auto a = Start(this->type_, this->length_, this->null_count_);
  a->buffers.push_back(this->FinishValidity());
  a->buffers.push_back(VectorBuffer(values_));
  return a;
}

template class NumericBuilder<int8_t>;
template class NumericBuilder<int16_t>;
template class NumericBuilder<int32_t>;
template class NumericBuilder<int64_t>;
template class NumericBuilder<uint8_t>;
template class NumericBuilder<uint16_t>;
template class NumericBuilder<uint32_t>;
template class NumericBuilder<uint64_t>;
template class NumericBuilder<float>;
template class NumericBuilder<double>;
template class NumericBuilder<__int128>;

bool BinaryBuilder::Append(std::string_view v) {
  if (data_.size() + v.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) return false;
  data_.insert(data_.end(), v.begin(), v.end());
  offsets_.push_back(static_cast<int32_t>(data_.size()));
  AppendValidity(true);
  return true;
}

void BinaryBuilder::AppendNulls(int64_t n) {
  offsets_.resize(offsets_.size() + n, static_cast<int32_t>(data_.size()));
  AppendValidityNulls(n);
}

ArrayPtr BinaryBuilder::Finish() {
  auto a = Start(type_, length_, null_count_);
  a->buffers.push_back(FinishValidity());
  a->buffers.push_back(VectorBuffer(offsets_));
  a->buffers.push_back(Buffer::FromVector(std::move(data_)));
  data_.clear();
  offsets_.push_back(0);
  return a;
}

bool FixedSizeBinaryBuilder::Append(std::string_view v) {
  if (static_cast<int64_t>(v.size()) != type_->byte_width()) return false;
  data_.insert(data_.end(), v.begin(), v.end());
  AppendValidity(true);
  return true;
}

void FixedSizeBinaryBuilder::AppendNulls(int64_t n) {
  data_.resize(data_.size() + n * type_->byte_width(), 0);
  AppendValidityNulls(n);
}

ArrayPtr FixedSizeBinaryBuilder::Finish() {
  auto a = Start(type_, length_, null_count_);
  a->buffers.push_back(FinishValidity());
  a->buffers.push_back(Buffer::FromVector(std::move(data_)));
  data_.clear();
  return a;
}

void ListBuilder::CloseLast() { offsets_.back() = static_cast<int32_t>(values_->length()); }

void ListBuilder::Append() {
  CloseLast();
  offsets_.push_back(static_cast<int32_t>(values_->length()));
  AppendValidity(true);
}

void ListBuilder::AppendNulls(int64_t n) {
  CloseLast();
  offsets_.resize(offsets_.size() + n, static_cast<int32_t>(values_->length()));
  AppendValidityNulls(n);
}

ArrayPtr ListBuilder::Finish() {
  CloseLast();
  auto a = Start(type_, length_, null_count_);
  a->buffers.push_back(FinishValidity());
  a->buffers.push_back(VectorBuffer(offsets_));
  a->children.push_back(values_->Finish());
  offsets_.push_back(0);
  return a;
}

void StructBuilder::AppendNulls(int64_t n) {
  for (auto& c : children_) c->AppendNulls(n);
  AppendValidityNulls(n);
}

ArrayPtr StructBuilder::Finish() {
  auto a = Start(type_, length_, null_count_);
  a->buffers.push_back(FinishValidity());
  for (auto& c : children_) a->children.push_back(c->Finish());
  return a;
}

std::unique_ptr<ArrayBuilder> MakeBuilder(const TypePtr& type) {
  switch (type->id()) {
    case TypeId::kNull: return std::make_unique<NullBuilder>();
    case TypeId::kBoolean: return std::make_unique<BooleanBuilder>();
    case TypeId::kInt8: return std::make_unique<Int8Builder>(type);
    case TypeId::kInt16: return std::make_unique<Int16Builder>(type);
    case TypeId::kInt32:
    case TypeId::kDate32: return std::make_unique<Int32Builder>(type);
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return std::make_unique<Int64Builder>(type);
    case TypeId::kUInt8: return std::make_unique<UInt8Builder>(type);
    case TypeId::kUInt16: return std::make_unique<UInt16Builder>(type);
    case TypeId::kUInt32: return std::make_unique<UInt32Builder>(type);
    case TypeId::kUInt64: return std::make_unique<UInt64Builder>(type);
    case TypeId::kFloat32: return std::make_unique<Float32Builder>(type);
    case TypeId::kFloat64: return std::make_unique<Float64Builder>(type);
    case TypeId::kDecimal128: return std::make_unique<Decimal128Builder>(type);
    case TypeId::kString:
    case TypeId::kBinary: return std::make_unique<BinaryBuilder>(type);
    case TypeId::kFixedSizeBinary: return std::make_unique<FixedSizeBinaryBuilder>(type);
    case TypeId::kList: return std::make_unique<ListBuilder>(type, MakeBuilder(type->children()[0]->type()));
    case TypeId::kStruct: {
      std::vector<std::unique_ptr<ArrayBuilder>> children;
      for (const auto& f : type->children()) children.push_back(MakeBuilder(f->type()));
      return std::make_unique<StructBuilder>(type, std::move(children));
    }
    case TypeId::kMap: {
      const TypePtr& entries = type->children()[0]->type();
      std::vector<std::unique_ptr<ArrayBuilder>> children;
      for (const auto& f : entries->children()) children.push_back(MakeBuilder(f->type()));
      return std::make_unique<MapBuilder>(type, std::make_unique<StructBuilder>(entries, std::move(children)));
    }
  }
  return std::make_unique<NullBuilder>();
}

}  // namespace tide::columnar
