// Column kernels shared by operators and expressions: take rows, filter by selection,
// concatenate, compare and hash values. Typed loops per physical layout; nested types
// recursively.
//
// Thread-safety: pure functions over immutable arrays.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"

namespace tide::exec {

// A new column holding src[rows[0]], src[rows[1]], ... (any order, repeats allowed; a row
// index of -1 produces null, which outer joins use).
columnar::ArrayPtr Take(const columnar::ArrayData& src, const int32_t* rows, int64_t n);
std::shared_ptr<columnar::RecordBatch> TakeBatch(const columnar::RecordBatch& batch, const std::vector<int32_t>& rows);

// The columns one after another (all of one type).
base::Result<columnar::ArrayPtr> Concatenate(const std::vector<columnar::ArrayPtr>& parts);
base::Result<std::shared_ptr<columnar::RecordBatch>> ConcatenateBatches(
    const std::shared_ptr<const columnar::Schema>& schema, const std::vector<std::shared_ptr<columnar::RecordBatch>>& parts);

// One-row column: value i of src.
columnar::ArrayPtr ValueAt(const columnar::ArrayData& src, int64_t i);

// Three-way comparison (-1, 0, 1) of two scalars.
template <typename T>
int CompareScalars(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}
// The same for floating point: NaN sorts above every other value and equals NaN (Spark);
// -0.0 equals 0.0.
template <typename T>
int CompareFloats(T a, T b) {
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  return CompareScalars(a, b);
}

// Three-way comparison of a[i] and b[j] of equal types (nulls compare equal to each other;
// null vs value is decided by the caller, this returns 0 only for equal values). NaN sorts
// above every other double and equals NaN, as in Spark.
int CompareValues(const columnar::ArrayData& a, int64_t i, const columnar::ArrayData& b, int64_t j);

// Hashes every row of `column` and mixes it into hashes[0..n) (hashes[i] = mix(hashes[i], h)).
// Nulls hash to a fixed value; equal values of equal types hash equally; -0.0 == 0.0, NaNs equal.
void HashColumn(const columnar::ArrayData& column, uint64_t* hashes, int64_t n);

}  // namespace tide::exec
