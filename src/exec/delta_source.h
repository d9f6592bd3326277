// DeltaScanTable: a Delta table at one snapshot as a scan source (table_source.h).
//
// PlanMorsels turns the conjuncts it understands (filter_pushdown.h) into table::ColumnFilters
// and plans with table::PlanScan, so files are pruned by partition values and add.stats. Each
// remaining file is one morsel, except large files (>= kSplitFileBytes, or any file when the
// scan has fewer than kFewFiles files) that can be read directly (below): their footers are
// read at plan time and each row group not excluded by its statistics is a morsel, so a table
// of a few big files still keeps every core busy.
//
// Reading: a file without a deletion vector, in a table without column mapping, whose
// projected columns all sit in the file under their own name with exactly the table's type
// (or are partition columns) is read directly with the Parquet reader: only the projected
// columns, row groups skipped by statistics, in batches of at most batch_rows rows. Any other
// file goes through table::ReadDataFile (deletion vectors, column mapping, type widening,
// missing columns as nulls), projecting only the requested columns. filter_rows is never used:
// the scan operator evaluates the filters exactly. EstimatedRows sums add.stats numRecords
// (-1 when a file lacks stats).
//
// Thread-safety: immutable after Make; ReadMorsel may run on many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "exec/table_source.h"
#include "table/snapshot.h"

namespace tide::exec {

class DeltaScanTable : public ScanTable {
 public:
  // `display_name`: "sales" or "delta.`/data/t`".
  static std::shared_ptr<DeltaScanTable> Make(std::shared_ptr<const table::Snapshot> snapshot, std::string display_name,
                                              int64_t batch_rows = 65536, int64_t split_file_bytes = kSplitFileBytes);
  // Files at least this large are split into row-group morsels (see above).
  static constexpr int64_t kSplitFileBytes = 16 << 20;
  // Scans of fewer files than this split every multi-row-group file.
  static constexpr size_t kFewFiles = 8;

  const std::shared_ptr<const columnar::Schema>& schema() const override { return snapshot_->schema(); }
  std::string display_name() const override { return display_name_; }
  int64_t version() const override { return snapshot_->version(); }
  std::vector<std::string> partition_columns() const override { return snapshot_->partition_columns(); }
  int64_t EstimatedRows() const override { return estimated_rows_; }

  base::Result<std::vector<ScanMorsel>> PlanMorsels(const std::vector<int>& columns,
                                                    const std::vector<sql::BoundExprPtr>& filters,
                                                    ScanPlanStats* stats) const override;
  base::Status ReadMorsel(const ScanMorsel& morsel, const std::vector<int>& columns,
                          const std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>& on_batch) const override;

  const std::shared_ptr<const table::Snapshot>& snapshot() const { return snapshot_; }

  DeltaScanTable() = default;  // use Make; public for make_shared

 private:
  std::shared_ptr<const table::Snapshot> snapshot_;
  std::string display_name_;
  int64_t estimated_rows_ = -1;
  int64_t batch_rows_ = 65536;
  int64_t split_file_bytes_ = kSplitFileBytes;
};

// numRecords of an add.stats JSON document, or -1.
int64_t StatsNumRecords(const std::string& stats_json);

}  // namespace tide::exec
