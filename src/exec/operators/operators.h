// Internal: the executor's per-node compilers. Each turns a plan node into a Stream
// (pipeline.h), running the pipelines it depends on (children of pipeline breakers) first.
#pragma once

#include <atomic>

#include "base/result.h"
#include "exec/executor.h"
#include "exec/operators/pipeline.h"
#include "sql/logical_plan.h"

namespace tide::exec::internal {

struct SharedStats {
  std::atomic<int64_t> files_scanned{0};
  std::atomic<int64_t> files_skipped{0};
  std::atomic<int64_t> row_groups_skipped{0};
};

class Compiler {
 public:
  Compiler(QueryContext* ctx, SharedStats* stats) : ctx_(ctx), stats_(stats) {}
  base::Result<Stream> Compile(const sql::PlanPtr& plan);
  QueryContext* ctx() const { return ctx_; }
  SharedStats* stats() const { return stats_; }
  int64_t batch_size() const;

 private:
  QueryContext* ctx_;
  SharedStats* stats_;
};

base::Result<Stream> CompileScan(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileValues(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileFilter(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileProject(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileLimit(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileExplode(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileAggregate(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileDistinct(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileSetOp(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileJoin(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileSort(Compiler& c, const sql::PlanNode& node);
base::Result<Stream> CompileWindow(Compiler& c, const sql::PlanNode& node);

// Sorting helpers shared by sort and window: a stable permutation of rows [0, n) of `keys`
// (one column per key). With `ctx`, a large sort runs on the query's threads (same result).
std::vector<int32_t> SortPermutation(const std::vector<columnar::ArrayPtr>& keys,
                                     const std::vector<sql::SortKey>& spec, int64_t n, QueryContext* ctx = nullptr);
// Compares row i and row j of the sort key columns under `spec`.
int CompareSortRows(const std::vector<columnar::ArrayPtr>& keys, const std::vector<sql::SortKey>& spec, int64_t i,
                    int64_t j);

// Concatenates batches of `schema` into one (an empty batch for none).
base::Result<BatchPtr> ConcatAll(const std::shared_ptr<const columnar::Schema>& schema,
                                 const std::vector<BatchPtr>& batches);

}  // namespace tide::exec::internal
