// Scanning a Delta snapshot: plan (projection, partition pruning, data skipping) and read data
// files into record batches with the table's logical schema.
//
//   ScanOptions opts;
//   opts.columns = {"id", "region"};
//   opts.filters = {{"region", CompareOp::kEq, std::string("eu")}};
//   TIDE_ASSIGN_OR_RETURN(ScanPlan plan, PlanScan(*snapshot, opts));
//   for (const AddFile& f : plan.files)
//     TIDE_RETURN_IF_ERROR(ReadDataFile(*snapshot, f, plan.read, [&](auto batch) { ...; return Status::OK(); }));
//
// Reading one file (ReadDataFile):
//   - columns are found in the Parquet file by name (no column mapping), by physicalName (name
//     mode), or by Parquet field_id = delta.columnMapping.id (id mode), recursively in structs;
//   - partition columns are materialized from add.partitionValues;
//   - columns missing from the file (added to the table later) are all null;
//   - type widening: file values are cast to the table type (byte/short/int -> wider ints,
//     float -> double, int -> double, date -> timestamp_ntz, decimal(p,s) -> decimal(p',s') with
//     s' >= s) — a file type that does not widen to the table type is Corruption naming the column;
//   - rows deleted by the file's deletion vector are removed;
//   - with ReadOptions::filter_rows, rows not matching every filter are removed as well (a
//     filter on a column whose type it cannot compare with keeps the row: filtering is exact for
//     integers, floats, decimals, strings, booleans, dates and timestamps).
//
// Data skipping (PlanScan): a file is skipped when its partition values or its add.stats prove
// no row can match the conjunction of filters (data_skipping.h; anything unknown keeps it).
//
// Thread-safety: PlanScan and ReadDataFile are reentrant; the snapshot is only read.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "columnar/array.h"
#include "table/actions.h"
#include "table/snapshot.h"

namespace tide::table {

// A literal: integers, doubles, strings (also the text form of dates "2024-01-31", timestamps
// "2024-01-31 10:00:00[.ffffff][Z]", and decimals "12.50", converted to the column type when
// the filter is bound), booleans.
using ScanLiteral = std::variant<int64_t, double, std::string, bool>;

enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };

struct ColumnFilter {
  std::string column;          // a top-level column (logical name); "a.b" for a struct field
  FilterOp op = FilterOp::kEq;
  ScanLiteral value = int64_t{0};  // ignored for IS [NOT] NULL
};

// Parses "col op literal" / "col IS NULL" / "col IS NOT NULL" (op: = == != <> < <= > >=;
// literal: integer, decimal number, 'quoted' or "quoted" string, true/false, or a bare word
// taken as a string). InvalidArgument naming the position on error.
base::Result<ColumnFilter> ParseColumnFilter(std::string_view text);
std::string ColumnFilterToString(const ColumnFilter& filter);

struct ReadOptions {
  // Output schema: a projection of the snapshot's logical schema (set by PlanScan).
  std::shared_ptr<const columnar::Schema> output_schema;
  std::vector<ColumnFilter> filters;
  bool filter_rows = true;            // drop rows that do not match `filters`
  bool apply_deletion_vectors = true; // drop rows deleted by the file's DV
};

struct ScanOptions {
  std::vector<std::string> columns;   // projection by logical name (top level); empty = all
  std::vector<ColumnFilter> filters;  // conjunction
  bool filter_rows = true;
};

struct ScanPlan {
  std::vector<AddFile> files;         // files that may hold matching rows, in snapshot order
  int64_t files_total = 0;
  int64_t files_skipped_by_partition = 0;
  int64_t files_skipped_by_stats = 0;
  ReadOptions read;                   // pass to ReadDataFile
};

// InvalidArgument for an unknown column (in projection or filters, naming it and listing the
// table's columns) or a literal that cannot be compared with the column's type.
base::Result<ScanPlan> PlanScan(const Snapshot& snapshot, const ScanOptions& options);

using BatchCallback = std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>;

// Reads `file` of `snapshot` as described above. Errors name the data file. NotFound when the
// file is missing.
base::Status ReadDataFile(const Snapshot& snapshot, const AddFile& file, const ReadOptions& options,
                          const BatchCallback& on_batch);

// Convenience: plan + read every file in order; stops after `limit` rows (limit < 0: all).
base::Status ScanTable(const Snapshot& snapshot, const ScanOptions& options, int64_t limit,
                       const BatchCallback& on_batch, ScanPlan* plan_out = nullptr);

// Row-level evaluation of one filter on a batch column (used by ReadDataFile, exposed for DML):
// sets keep[i] = false for rows that do not match. Nulls never match comparisons.
base::Status ApplyFilter(const columnar::ArrayData& column, const ColumnFilter& filter, std::vector<bool>& keep);

}  // namespace tide::table
