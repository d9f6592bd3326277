// Z-order (Morton order) clustering keys for OPTIMIZE ZORDER BY.
//
// Sorting rows by a Z-order key over columns c1..ck keeps rows that are close in *every* one of
// those columns close in the output, so files written in that order have narrow min/max ranges
// on all k columns at once and data skipping works for predicates on any of them.
//
// Per column, each value first becomes an order-preserving unsigned 64-bit key:
//   signed ints, dates, times, timestamps   value with the sign bit flipped
//   unsigned ints, booleans                 the value
//   float, double                           IEEE total order (negative: all bits flipped,
//                                           positive: sign bit set); -0.0 == 0.0, NaN last
//   decimal                                 the value as a double, then as float/double
//                                           (order-preserving; distinct values may tie)
//   string, binary, fixed binary            the first 8 bytes, big-endian, zero padded
//   null                                    0 (nulls first); a non-null key of 0 becomes 1
// Nested types are refused (InvalidArgument naming the column).
//
// With rank normalization (default, like Delta's range-partition-id approach) each column's
// keys are replaced by their dense rank among the rows being clustered, scaled to 32 bits, so a
// column whose values all sit in a narrow band of the 64-bit space still contributes its full
// share of bits. Then the k keys are bit-interleaved (most significant bits first, column order
// as given) into a k*W-bit key (W = 32 with ranks, 64 without) and rows are sorted by it
// (stable, ties keep input order).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"

namespace tide::table {

struct ZOrderOptions {
  bool rank_normalize = true;
};

// The order-preserving 64-bit key of every row of `column` (see above).
base::Result<std::vector<uint64_t>> ZOrderColumnKeys(const columnar::ArrayData& column);

// Interleaves per-column keys (keys[c][row], every column the same length) of `bits_per_key`
// significant bits each (1..64, taken from the top of the given width: 32 → low 32 bits hold the
// value) into one key per row of keys.size() * bits_per_key bits, stored most significant word
// first in ceil(total/64) words per row (row-major).
std::vector<uint64_t> InterleaveBits(const std::vector<std::vector<uint64_t>>& keys, int bits_per_key);

// The row order that sorts the rows of `batches` (read as one sequence: row r of batch b is
// global row offset(b) + r) by their Z-order key over `columns` (names in the batches' schema,
// at least one). Returns global row indices. Errors: unknown column, nested column type, no
// columns, batches with different schemas.
base::Result<std::vector<int64_t>> ZOrderPermutation(const std::vector<std::shared_ptr<columnar::RecordBatch>>& batches,
                                                     const std::vector<std::string>& columns,
                                                     const ZOrderOptions& options = {});

// The Z-order keys and the sorted order, for callers that also cut the sorted rows into files.
struct ZOrderSorted {
  std::vector<int64_t> permutation;  // global row indices in Z order
  std::vector<uint64_t> keys;        // `words` words per row, indexed by global row
  size_t words = 0;
};
base::Result<ZOrderSorted> ZOrderSort(const std::vector<std::shared_ptr<columnar::RecordBatch>>& batches,
                                      const std::vector<std::string>& columns, const ZOrderOptions& options = {});

// Where to cut the Z-sorted rows into files of about `rows_per_file` rows (>= 1): returns the
// end offsets (into the permutation) of each chunk, the last one == the row count. Each cut is
// placed, within +-25% of the ideal position, where consecutive keys differ in their most
// significant bit, i.e. on the boundary of the largest Z-cube nearby: a file that spans a cube
// boundary has a min/max box covering both cubes, so aligned cuts keep every file's ranges
// narrow on all the columns.
std::vector<int64_t> ZOrderCutPoints(const ZOrderSorted& sorted, int64_t rows_per_file);

}  // namespace tide::table
