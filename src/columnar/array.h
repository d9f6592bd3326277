// Column vectors in Apache Arrow's memory layout, and record batches.
//
// Buffer: an immutable, refcounted byte range. It either owns a std::vector<uint8_t> or keeps
// alive whatever `owner` holds (an imported Arrow C array, a mapped file, ...). Slicing a column
// never copies buffers: it shares them and moves the logical offset.
//
// ArrayData: one column in Arrow's layout (see type.h for the per-type buffers):
//   buffers[0]  validity bitmap, bit i (LSB first) of byte i/8 = 1 when slot i is valid;
//               nullptr when the column has no nulls (then null_count == 0)
//   buffers[1]  values (fixed-width), int32 offsets (string, binary, list, map), or bits (bool)
//   buffers[2]  data bytes (string, binary)
//   children    list/map: one (element / entries struct); struct: one per field. As in Arrow,
//               a struct's offset applies to its children too: field j of row i is slot
//               (offset + i) of children[j].
// Invariants (checked by Validate()): slot i of the column is physical slot offset + i of every
// buffer; buffers are large enough for offset + length slots; offsets are non-decreasing and
// within the data/child; null_count equals the number of zero validity bits in range.
//
// Thread-safety: ArrayData, Buffer and RecordBatch are immutable once built; share freely.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "columnar/type.h"

namespace tide::columnar {

class Buffer {
 public:
  // Takes ownership of the bytes.
  static std::shared_ptr<Buffer> FromVector(std::vector<uint8_t> bytes);
  // Views memory kept alive by `owner` (may be null for static memory).
  static std::shared_ptr<Buffer> Wrap(const uint8_t* data, int64_t size, std::shared_ptr<const void> owner);
  // A copy of the bytes.
  static std::shared_ptr<Buffer> Copy(const void* data, int64_t size);

  const uint8_t* data() const { return data_; }
  int64_t size() const { return size_; }
  template <typename T>
  const T* as() const { return reinterpret_cast<const T*>(data_); }

 private:
  const uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  std::vector<uint8_t> owned_;
  std::shared_ptr<const void> owner_;
};
using BufferPtr = std::shared_ptr<Buffer>;

namespace bits {
inline bool Get(const uint8_t* bitmap, int64_t i) { return (bitmap[i >> 3] >> (i & 7)) & 1; }
inline void Set(uint8_t* bitmap, int64_t i) { bitmap[i >> 3] |= static_cast<uint8_t>(1u << (i & 7)); }
inline void Clear(uint8_t* bitmap, int64_t i) { bitmap[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7))); }
inline int64_t BytesFor(int64_t nbits) { return (nbits + 7) / 8; }
// Number of set bits in [offset, offset + length).
int64_t CountSet(const uint8_t* bitmap, int64_t offset, int64_t length);
}  // namespace bits

struct ArrayData;
using ArrayPtr = std::shared_ptr<const ArrayData>;

struct ArrayData {
  TypePtr type;
  int64_t length = 0;
  int64_t offset = 0;
  int64_t null_count = 0;
  std::vector<BufferPtr> buffers;
  std::vector<ArrayPtr> children;

  bool IsValid(int64_t i) const {
    if (type->id() == TypeId::kNull) return false;
    return buffers.empty() || !buffers[0] || bits::Get(buffers[0]->data(), offset + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }

  // Fixed-width values (physical slot offset + i).
  template <typename T>
  T Value(int64_t i) const {
    T v;
    std::memcpy(&v, buffers[1]->data() + (offset + i) * sizeof(T), sizeof(T));
    return v;
  }
  bool BoolValue(int64_t i) const { return bits::Get(buffers[1]->data(), offset + i); }
  // String / binary / fixed-size binary value bytes.
  std::string_view BytesValue(int64_t i) const;
  // List / map: element range [begin, end) in children[0] coordinates.
  int32_t ListBegin(int64_t i) const { return buffers[1]->as<int32_t>()[offset + i]; }
  int32_t ListEnd(int64_t i) const { return buffers[1]->as<int32_t>()[offset + i + 1]; }

  // A zero-copy view of slots [off, off + len): shares every buffer and child, moves offset.
  // Requires off + len <= length.
  ArrayPtr Slice(int64_t off, int64_t len) const;

  // Checks the invariants above (bounds of every buffer and offset); used on imported data.
  base::Status Validate() const;
};

// An all-null column of the given type and length (buffers allocated and zeroed so every layout
// is valid).
ArrayPtr MakeNullArray(const TypePtr& type, int64_t length);

class RecordBatch {
 public:
  RecordBatch(std::shared_ptr<const Schema> schema, std::vector<ArrayPtr> columns, int64_t num_rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}
  // Checks column count, types and lengths against the schema.
  static base::Result<std::shared_ptr<RecordBatch>> Make(std::shared_ptr<const Schema> schema,
                                                         std::vector<ArrayPtr> columns, int64_t num_rows);

  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  const std::vector<ArrayPtr>& columns() const { return columns_; }
  const ArrayPtr& column(int i) const { return columns_[i]; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  int64_t num_rows() const { return num_rows_; }
  std::shared_ptr<RecordBatch> Slice(int64_t offset, int64_t length) const;

 private:
  std::shared_ptr<const Schema> schema_;
  std::vector<ArrayPtr> columns_;
  int64_t num_rows_;
};

}  // namespace tide::columnar
