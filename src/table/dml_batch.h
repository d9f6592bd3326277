// Private helpers of dml.cc and maintenance.cc: row selection and column renaming on record
// batches (copying through builders, so results are compact and independent of the inputs).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "table/scan.h"

namespace tide::table::dml_internal {

using BatchPtr = std::shared_ptr<columnar::RecordBatch>;

// Rows `rows` (in that order) of `batch`.
BatchPtr TakeRows(const columnar::RecordBatch& batch, const std::vector<int64_t>& rows);
// Rows where keep[i] != 0.
BatchPtr FilterRows(const columnar::RecordBatch& batch, const std::vector<uint8_t>& keep, bool keep_value = true);
// All rows of `batches` (same schema) as one batch; nullptr when there are none; `schema` is used
// for an empty input.
BatchPtr Concat(const std::vector<BatchPtr>& batches, const std::shared_ptr<const columnar::Schema>& schema);
// The same columns under "<prefix><name>" (zero copy).
BatchPtr Prefixed(const columnar::RecordBatch& batch, std::string_view prefix);
// Columns of a then b side by side (same row count, zero copy).
BatchPtr SideBySide(const columnar::RecordBatch& a, const columnar::RecordBatch& b);
// `batch` with column `index` replaced (same type; zero copy of the others).
BatchPtr WithColumn(const columnar::RecordBatch& batch, int index, columnar::ArrayPtr column);
// `batch` plus a STRING column `name` holding `value` in every row.
BatchPtr WithConstantString(const columnar::RecordBatch& batch, const std::string& name, const std::string& value);

// Evaluates every filter on `batch` (AND); columns are found by name ("a.b" walks structs).
// keep[i] is 1 when row i matches all. InvalidArgument for an unknown column.
base::Result<std::vector<uint8_t>> EvaluateFilters(const columnar::RecordBatch& batch,
                                                   const std::vector<ColumnFilter>& filters);

}  // namespace tide::table::dml_internal
