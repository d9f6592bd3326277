// Readable tables for the scan operator: the exec layer's TableHandle (sql/catalog.h) adds
// what a scan needs. Implementations: Delta tables at a snapshot (files as morsels) and
// Parquet files or directories (row groups as morsels), made by the catalog (catalog.h).
//
// Pushdown contract: PlanMorsels gets the scan's projected columns and its filter conjunction
// (bound over the projected columns). It uses them only to skip what cannot match — Delta
// partition pruning and file statistics, Parquet row-group statistics — and never drops a row
// that could match; the scan operator evaluates the filters exactly on every batch read.
//
// Thread-safety: handles are immutable; ReadMorsel is called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "columnar/array.h"
#include "sql/bound_expr.h"
#include "sql/catalog.h"

namespace tide::exec {

struct ScanMorsel {
  std::shared_ptr<const void> state;  // the implementation's (file, row group, ...)
  int64_t estimated_rows = 0;
  std::string description;           // "part-0001.parquet row group 3"
};

struct ScanPlanStats {
  int64_t files_total = 0;
  int64_t files_skipped = 0;
  int64_t row_groups_total = 0;
  int64_t row_groups_skipped = 0;
};

class ScanTable : public sql::TableHandle {
 public:
  // columns: indexes into schema(); filters: over those columns in that order.
  virtual base::Result<std::vector<ScanMorsel>> PlanMorsels(const std::vector<int>& columns,
                                                            const std::vector<sql::BoundExprPtr>& filters,
                                                            ScanPlanStats* stats) const = 0;
  // Batches of the projected columns (in `columns` order) of one morsel.
  virtual base::Status ReadMorsel(const ScanMorsel& morsel, const std::vector<int>& columns,
                                  const std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>& on_batch) const = 0;
};

}  // namespace tide::exec
