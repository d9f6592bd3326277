// Row codec: encodes the values of some columns of a batch row by row into compact byte
// strings, and decodes them back into builders. Used as the key format of hash tables
// (grouping keys, DISTINCT, set operations, distinct aggregates, collect_* values) and as
// the spill file row format.
//
// Encoding of one value: a flag byte (0 null, 1 valid), then for valid values
//   BOOLEAN 1 byte; fixed-width types their little-endian bytes (floats normalized so that
//   -0.0 == 0.0 and every NaN is one NaN: equal values encode equally); STRING/BINARY a u32
//   length and the bytes; STRUCT each field's value; LIST/MAP a u32 count and each element
//   (map entries as {key, value} structs).
// Two rows of equal types encode to equal bytes exactly when their values are equal with
// nulls equal (the grouping / DISTINCT notion of equality).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "columnar/array.h"
#include "columnar/builder.h"

namespace tide::exec::internal {

struct EncodedRows {
  std::vector<uint8_t> data;
  std::vector<uint32_t> offsets;  // num_rows + 1
  int64_t num_rows() const { return static_cast<int64_t>(offsets.size()) - 1; }
  std::string_view row(int64_t i) const {
    return {reinterpret_cast<const char*>(data.data() + offsets[i]), offsets[i + 1] - offsets[i]};
  }
};

// Encodes rows [0, n) of every column (each of length >= n) one row after another.
void EncodeRows(const std::vector<const columnar::ArrayData*>& columns, int64_t n, EncodedRows* out);

// Appends the encoding of value i of `column` to `out`.
void EncodeValue(const columnar::ArrayData& column, int64_t i, std::vector<uint8_t>* out);

// Decodes one value of `type` at *p (advancing it) into `builder` (made by MakeBuilder(type)).
// Corruption when the bytes run out before `end`.
base::Status DecodeValue(const columnar::TypePtr& type, const uint8_t** p, const uint8_t* end,
                         columnar::ArrayBuilder* builder);

// Decodes whole rows (one value per column type) into builders.
base::Status DecodeRow(std::string_view row, const std::vector<columnar::TypePtr>& types,
                       const std::vector<columnar::ArrayBuilder*>& builders);

}  // namespace tide::exec::internal
