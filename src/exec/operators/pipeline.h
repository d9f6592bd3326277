// Internal pipeline machinery of the executor (executor.h describes the model).
//
// A Stream is a source split into tasks (scan morsels or chunks of a materialized result)
// followed by streaming transforms. RunStream runs the tasks on the query's workers: each
// worker takes the next task, pushes its batches through its own instances of the transforms
// into its own LocalSink; the caller merges the sinks afterwards. The calling thread works
// too and only waits for helpers that actually started, so a pipeline started from inside a
// worker (an uncorrelated subquery) never deadlocks on a busy pool.
//
// An ordered stream (the output of a sort) runs its tasks one after another on the calling
// thread so the order is kept.
//
// Early stop: a transform (LIMIT) sets `done`; the source stops reading, and the runner
// treats the resulting stop as success.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "columnar/array.h"
#include "exec/expression.h"
#include "exec/query_context.h"
#include "sql/bound_expr.h"

namespace tide::exec::internal {

using BatchPtr = std::shared_ptr<columnar::RecordBatch>;
using Emit = std::function<base::Status(BatchPtr)>;

// One thread's instance of a streaming operator.
class Transform {
 public:
  virtual ~Transform() = default;
  // Pushes zero or more output batches for `batch` to `emit`.
  virtual base::Status Push(BatchPtr batch, const Emit& emit) = 0;
};
using TransformFactory = std::function<base::Result<std::unique_ptr<Transform>>()>;

struct Source {
  int64_t num_tasks = 0;
  std::function<base::Status(int64_t task, const Emit& emit)> run;
};

struct Stream {
  std::shared_ptr<const columnar::Schema> schema;
  Source source;
  std::vector<TransformFactory> transforms;
  bool ordered = false;
  std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
};

// The status a source sees from emit once the stream is done (LIMIT reached).
base::Status StopStatus();
bool IsStop(const base::Status& s);

// One thread's sink.
class LocalSink {
 public:
  virtual ~LocalSink() = default;
  virtual base::Status Consume(BatchPtr batch) = 0;
};
using SinkFactory = std::function<base::Result<std::unique_ptr<LocalSink>>()>;

// Runs `work` on the calling thread and on up to `helpers` of the query's pool threads at
// once; returns when every call that started has returned. A helper that gets no thread before
// the caller's own call returns is skipped, so this cannot deadlock when called from inside a
// worker (nested pipelines, a sort inside a sink): `work` must claim its share dynamically (loop
// taking the next piece until none is left) and never count on a helper running.
void RunWithHelpers(QueryContext* ctx, int helpers, const std::function<void(bool on_caller)>& work);

// Runs `stream` to completion; returns the sinks the workers created (one per worker that
// saw data, at least one).
base::Result<std::vector<std::unique_ptr<LocalSink>>> RunStream(const Stream& stream, QueryContext* ctx,
                                                                const SinkFactory& make_sink);

// Collects batches (reserving their memory under `op`).
class CollectSink final : public LocalSink {
 public:
  CollectSink(QueryContext* ctx, std::string op) : ctx_(ctx), op_(std::move(op)) {}
  ~CollectSink() override;
  base::Status Consume(BatchPtr batch) override;
  std::vector<BatchPtr>& batches() { return batches_; }
  int64_t reserved() const { return reserved_; }

 private:
  QueryContext* ctx_;
  std::string op_;
  std::vector<BatchPtr> batches_;
  int64_t reserved_ = 0;
};

// Runs the stream and returns every batch (in order for ordered streams).
base::Result<std::vector<BatchPtr>> CollectStream(const Stream& stream, QueryContext* ctx, const std::string& op);

// A stream over materialized batches (split into chunks of at most batch_size rows).
Stream MaterializedStream(std::shared_ptr<const columnar::Schema> schema, std::vector<BatchPtr> batches,
                          int64_t batch_size, bool ordered);

// Approximate bytes held by a column / batch (buffers it references).
int64_t ArrayBytes(const columnar::ArrayData& a);
int64_t BatchBytes(const columnar::RecordBatch& b);

// Evaluates one bound expression per thread: column references and literals directly,
// anything else through ExpressionEvaluator.
class ExprEval {
 public:
  static base::Result<std::unique_ptr<ExprEval>> Make(const sql::BoundExprPtr& expr, QueryContext* ctx);
  base::Result<columnar::ArrayPtr> Eval(const columnar::RecordBatch& batch);
  // Rows where a BOOLEAN expression is true.
  base::Result<std::vector<int32_t>> Select(const columnar::RecordBatch& batch);

 private:
  sql::BoundExprPtr expr_;
  std::unique_ptr<ExpressionEvaluator> eval_;
};

// A column of n copies of the one-row `literal`.
columnar::ArrayPtr Broadcast(const columnar::ArrayData& literal, int64_t n);

// Runs fn(0) ... fn(n - 1) on the query's workers (the caller works too); the first error
// stops the rest.
base::Status ParallelFor(QueryContext* ctx, int64_t n, const std::function<base::Status(int64_t)>& fn);

// Splits a batch into slices of at most `max_rows` rows.
std::vector<BatchPtr> SplitBatch(const BatchPtr& batch, int64_t max_rows);

}  // namespace tide::exec::internal
