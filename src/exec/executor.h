// Runs a logical plan (sql/logical_plan.h) to completion.
//
// The executor turns the plan into pipelines, DuckDB/HyPer style (morsel-driven): a pipeline
// is a source (a scan split into morsels — Delta files or Parquet row groups —, or a
// materialized intermediate result split into chunks) followed by streaming operators (filter,
// project, hash-join probe, explode) and ending in a sink (hash aggregation, hash-join build,
// sort, window, the result). The query's worker threads (QueryContext::threads) each take the
// next morsel and push it through the whole pipeline into their own thread-local sink state,
// merged when the pipeline finishes; a pipeline starts when the pipelines it depends on (the
// build side of its joins) have finished.
//
// Operators that hold data (aggregation, join build, sort, window, distinct, set operations)
// stay within QueryContext::memory() and spill to disk past it (partitioned spill files for
// aggregation and join, sorted runs merged for sort), so results are correct at any limit.
//
// Results arrive at `sink` in order when the plan's root is a sort (or below a limit over a
// sort); otherwise in any order. `sink` is called from one thread at a time.
//
// Errors: the first error of any worker stops the query and is returned; cancellation returns
// Status::Cancelled.
//
// Thread-safety: run any number of plans at once, each with its own QueryContext.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "columnar/array.h"
#include "exec/query_context.h"
#include "sql/logical_plan.h"

namespace tide::exec {

using ResultSink = std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>;

// Execution figures for EXPLAIN ANALYZE, `tide sql --timing` and tests.
struct ExecStats {
  int64_t rows_out = 0;
  int64_t files_scanned = 0;
  int64_t files_skipped = 0;       // by partition values or statistics
  int64_t row_groups_skipped = 0;
  int64_t bytes_spilled = 0;
  int64_t peak_memory = 0;
};

base::Status ExecutePlan(const sql::PlanPtr& plan, QueryContext* ctx, const ResultSink& sink, ExecStats* stats = nullptr);

// Convenience: every result batch.
base::Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> CollectPlan(const sql::PlanPtr& plan, QueryContext* ctx,
                                                                             ExecStats* stats = nullptr);

}  // namespace tide::exec
