// ExecutePlan: compiles the plan into streams (operators/operators.h) and runs the root one
// into the caller's sink.
#include "exec/executor.h"

#include <mutex>

#include "exec/operators/operators.h"
#include "exec/operators/pipeline.h"

namespace tide::exec {

namespace internal {

int64_t Compiler::batch_size() const {
  const int64_t b = ctx_->settings().batch_size;
  return b > 0 ? b : 8192;
}

base::Result<Stream> Compiler::Compile(const sql::PlanPtr& plan) {
  if (!plan) return base::Status::Internal("null plan node");
  TIDE_RETURN_IF_ERROR(ctx_->CheckCancelled());
  const sql::PlanNode& node = *plan;
  auto need_children = [&](size_t n) -> base::Status {
    if (node.children.size() < n) return base::Status::Internal("plan node without its input");
    return base::Status::OK();
  };
  base::Result<Stream> out = base::Status::Internal("unknown plan node");
  switch (node.kind) {
    case sql::PlanKind::kScan: out = CompileScan(*this, node); break;
    case sql::PlanKind::kValues: out = CompileValues(*this, node); break;
    case sql::PlanKind::kFilter:
      TIDE_RETURN_IF_ERROR(need_children(1));
      out = CompileFilter(*this, node);
      break;
    case sql::PlanKind::kProject:
      TIDE_RETURN_IF_ERROR(need_children(1));
      out = CompileProject(*this, node);
      break;
    case sql::PlanKind::kAggregate:
      TIDE_RETURN_IF_ERROR(need_children(1));
      out = CompileAggregate(*this, node);
      break;
    case sql::PlanKind::kJoin:
      TIDE_RETURN_IF_ERROR(need_children(2));
      out = CompileJoin(*this, node);
      break;
    case sql::PlanKind::kSort:
      TIDE_RETURN_IF_ERROR(need_children(1));
      out = CompileSort(*this, node);
      break;
    case sql::PlanKind::kLimit:
      TIDE_RETURN_IF_ERROR(need_children(1));
      out = CompileLimit(*this, node);
      break;
    case sql::PlanKind::kDistinct:
      TIDE_RETURN_IF_ERROR(need_children(1));
      out = CompileDistinct(*this, node);
      break;
    case sql::PlanKind::kSetOp:
      TIDE_RETURN_IF_ERROR(need_children(1));
      out = CompileSetOp(*this, node);
      break;
    case sql::PlanKind::kWindow:
      TIDE_RETURN_IF_ERROR(need_children(1));
      out = CompileWindow(*this, node);
      break;
    case sql::PlanKind::kExplode:
      TIDE_RETURN_IF_ERROR(need_children(1));
      out = CompileExplode(*this, node);
      break;
  }
  if (!out.ok()) return out;
  // Plan nodes must outlive their streams (operators keep pointers into them).
  Stream st = std::move(out).value();
  st.schema = node.schema;
  auto keep = plan;
  auto run = std::move(st.source.run);
  st.source.run = [run = std::move(run), keep](int64_t task, const Emit& emit) { return run(task, emit); };
  return st;
}

namespace {
class ResultSinkAdapter final : public LocalSink {
 public:
  ResultSinkAdapter(const ResultSink* sink, std::mutex* mu, std::atomic<int64_t>* rows,
                    std::shared_ptr<const columnar::Schema> schema)
      : sink_(sink), mu_(mu), rows_(rows), schema_(std::move(schema)) {}
  base::Status Consume(BatchPtr batch) override {
    if (batch->num_rows() == 0) return base::Status::OK();
    if (batch->schema() != schema_) batch = std::make_shared<columnar::RecordBatch>(schema_, batch->columns(), batch->num_rows());
    rows_->fetch_add(batch->num_rows());
    std::lock_guard<std::mutex> lock(*mu_);
    return (*sink_)(std::move(batch));
  }

 private:
  const ResultSink* sink_;
  std::mutex* mu_;
  std::atomic<int64_t>* rows_;
  std::shared_ptr<const columnar::Schema> schema_;
};
}  // namespace

}  // namespace internal

base::Status ExecutePlan(const sql::PlanPtr& plan, QueryContext* ctx, const ResultSink& sink, ExecStats* stats) {
  internal::SharedStats shared;
  internal::Compiler compiler(ctx, &shared);
  std::mutex mu;
  std::atomic<int64_t> rows{0};
  const int64_t spilled_before = ctx->spilled_bytes();
  auto finish_stats = [&] {
    if (stats == nullptr) return;
    stats->rows_out = rows.load();
    stats->files_scanned = shared.files_scanned.load();
    stats->files_skipped = shared.files_skipped.load();
    stats->row_groups_skipped = shared.row_groups_skipped.load();
    stats->bytes_spilled = ctx->spilled_bytes() - spilled_before;
    stats->peak_memory = ctx->memory().peak();
  };
  auto st = compiler.Compile(plan);
  if (!st.ok()) {
    finish_stats();
    return st.status();
  }
  auto schema = plan->schema;
  internal::SinkFactory f = [&]() -> base::Result<std::unique_ptr<internal::LocalSink>> {
    return std::unique_ptr<internal::LocalSink>(new internal::ResultSinkAdapter(&sink, &mu, &rows, schema));
  };
  auto r = internal::RunStream(*st, ctx, f);
  finish_stats();
  return r.ok() ? base::Status::OK() : r.status();
}

base::Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> CollectPlan(const sql::PlanPtr& plan,
                                                                             QueryContext* ctx, ExecStats* stats) {
  std::vector<std::shared_ptr<columnar::RecordBatch>> out;
  TIDE_RETURN_IF_ERROR(ExecutePlan(
      plan, ctx,
      [&](std::shared_ptr<columnar::RecordBatch> b) {
        out.push_back(std::move(b));
        return base::Status::OK();
      },
      stats));
  return out;
}

}  // namespace tide::exec
