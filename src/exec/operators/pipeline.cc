#include "exec/operators/pipeline.h"

#include <condition_variable>
#include <mutex>

#include "exec/vector_ops.h"

namespace tide::exec::internal {

namespace {
constexpr const char* kStopMessage = "pipeline stopped: limit reached";
}

base::Status StopStatus() { return base::Status::Cancelled(kStopMessage); }
bool IsStop(const base::Status& s) { return s.code() == base::StatusCode::kCancelled && s.message() == kStopMessage; }

namespace {

struct RunState {
  const Stream* stream = nullptr;
  QueryContext* ctx = nullptr;
  const SinkFactory* make_sink = nullptr;
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  base::Status error;
  std::vector<std::unique_ptr<LocalSink>> sinks;

  void Fail(const base::Status& s) {
    std::lock_guard<std::mutex> lock(mu);
    if (error.ok()) error = s;
    failed.store(true);
  }

  // Runs tasks until none is left (or the stream is done / failed).
  void Work(bool sequential) {
    const Stream& st = *stream;
    std::vector<std::unique_ptr<Transform>> transforms;
    for (const auto& f : st.transforms) {
      auto t = f();
      if (!t.ok()) return Fail(t.status());
      transforms.push_back(std::move(t).value());
    }
    auto sink_r = (*make_sink)();
    if (!sink_r.ok()) return Fail(sink_r.status());
    std::unique_ptr<LocalSink> sink = std::move(sink_r).value();
    const size_t nt = transforms.size();
    std::vector<Emit> emits(nt + 1);
    LocalSink* sink_ptr = sink.get();
    emits[nt] = [sink_ptr](BatchPtr b) { return sink_ptr->Consume(std::move(b)); };
    for (size_t k = nt; k-- > 0;) {
      Transform* t = transforms[k].get();
      const Emit* next_emit = &emits[k + 1];
      emits[k] = [t, next_emit](BatchPtr b) {
        if (b->num_rows() == 0 && b->num_columns() > 0) return base::Status::OK();
        return t->Push(std::move(b), *next_emit);
      };
    }
    std::atomic<bool>* done = st.done.get();
    std::atomic<bool>* failed_flag = &failed;
    QueryContext* c = ctx;
    const Emit* first = &emits[0];
    Emit entry = [done, failed_flag, c, first](BatchPtr b) -> base::Status {
      if (done->load(std::memory_order_relaxed)) return StopStatus();
      if (failed_flag->load(std::memory_order_relaxed)) return StopStatus();
      TIDE_RETURN_IF_ERROR(c->CheckCancelled());
      return (*first)(std::move(b));
    };
    while (true) {
      if (done->load() || failed.load()) break;
      if (auto s = ctx->CheckCancelled(); !s.ok()) {
        Fail(s);
        break;
      }
      int64_t task = sequential ? next.load() : next.fetch_add(1);
      if (sequential) next.store(task + 1);
      if (task >= st.source.num_tasks) break;
      base::Status s = st.source.run(task, entry);
      if (!s.ok()) {
        if (IsStop(s)) {
          if (done->load()) break;
          if (failed.load()) break;
        }
        Fail(s);
        break;
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    sinks.push_back(std::move(sink));
  }
};

struct HelperGate {
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  int finished = 0;
  bool closed = false;
};

}  // namespace

void RunWithHelpers(QueryContext* ctx, int helpers, const std::function<void(bool on_caller)>& work) {
  auto gate = std::make_shared<HelperGate>();
  if (helpers > 0) {
    auto& pool = ctx->pool();
    for (int h = 0; h < helpers; ++h) {
      const std::function<void(bool)>* wp = &work;
      pool.Post([gate, wp] {
        {
          std::lock_guard<std::mutex> lock(gate->mu);
          if (gate->closed) return;
          ++gate->started;
        }
        (*wp)(false);
        std::lock_guard<std::mutex> lock(gate->mu);
        ++gate->finished;
        gate->cv.notify_all();
      });
    }
  }
  work(true);
  std::unique_lock<std::mutex> lock(gate->mu);
  gate->closed = true;
  gate->cv.wait(lock, [&] { return gate->finished == gate->started; });
}

base::Result<std::vector<std::unique_ptr<LocalSink>>> RunStream(const Stream& stream, QueryContext* ctx,
                                                                const SinkFactory& make_sink) {
  RunState state;
  state.stream = &stream;
  state.ctx = ctx;
  state.make_sink = &make_sink;
  int helpers = 0;
  if (!stream.ordered) {
    const int64_t t = ctx->threads();
    helpers = static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(t - 1, stream.source.num_tasks - 1)));
  }
  RunWithHelpers(ctx, helpers, [&](bool on_caller) { state.Work(on_caller && stream.ordered); });
  if (!state.error.ok()) return state.error;
  return std::move(state.sinks);
}

CollectSink::~CollectSink() {
  if (reserved_ > 0) ctx_->memory().Release(reserved_);
}

base::Status CollectSink::Consume(BatchPtr batch) {
  const int64_t bytes = BatchBytes(*batch);
  if (!ctx_->memory().TryReserve(bytes)) {
    return base::Status::ResourceExhausted(op_ + ": memory limit of " + std::to_string(ctx_->memory().limit()) +
                                           " bytes exceeded");
  }
  reserved_ += bytes;
  batches_.push_back(std::move(batch));
  return base::Status::OK();
}

base::Result<std::vector<BatchPtr>> CollectStream(const Stream& stream, QueryContext* ctx, const std::string& op) {
  SinkFactory f = [ctx, op]() -> base::Result<std::unique_ptr<LocalSink>> {
    return std::unique_ptr<LocalSink>(new CollectSink(ctx, op));
  };
  TIDE_ASSIGN_OR_RETURN(auto sinks, RunStream(stream, ctx, f));
  std::vector<BatchPtr> out;
  for (auto& s : sinks) {
    auto& b = static_cast<CollectSink*>(s.get())->batches();
    for (auto& x : b) out.push_back(std::move(x));
  }
  // The memory stays reserved by the sinks only while they live; the caller owns the
  // batches now (operators that keep them account for them themselves).
  return out;
}

std::vector<BatchPtr> SplitBatch(const BatchPtr& batch, int64_t max_rows) {
  std::vector<BatchPtr> out;
  if (max_rows <= 0 || batch->num_rows() <= max_rows) {
    out.push_back(batch);
    return out;
  }
  for (int64_t off = 0; off < batch->num_rows(); off += max_rows) {
    out.push_back(batch->Slice(off, std::min(max_rows, batch->num_rows() - off)));
  }
  return out;
}

Stream MaterializedStream(std::shared_ptr<const columnar::Schema> schema, std::vector<BatchPtr> batches,
                          int64_t batch_size, bool ordered) {
  auto chunks = std::make_shared<std::vector<BatchPtr>>();
  for (auto& b : batches) {
    if (b->num_rows() == 0) continue;
    for (auto& s : SplitBatch(b, batch_size)) chunks->push_back(std::move(s));
  }
  Stream st;
  st.schema = std::move(schema);
  st.ordered = ordered;
  st.source.num_tasks = static_cast<int64_t>(chunks->size());
  st.source.run = [chunks](int64_t task, const Emit& emit) { return emit((*chunks)[task]); };
  return st;
}

int64_t ArrayBytes(const columnar::ArrayData& a) {
  int64_t n = 64;
  for (const auto& b : a.buffers) {
    if (b) n += b->size();
  }
  for (const auto& c : a.children) n += ArrayBytes(*c);
  return n;
}

int64_t BatchBytes(const columnar::RecordBatch& b) {
  int64_t n = 64;
  for (const auto& c : b.columns()) n += ArrayBytes(*c);
  return n;
}

columnar::ArrayPtr Broadcast(const columnar::ArrayData& literal, int64_t n);

namespace {
class NullSink final : public LocalSink {
 public:
  base::Status Consume(BatchPtr) override { return base::Status::OK(); }
};
}  // namespace

base::Status ParallelFor(QueryContext* ctx, int64_t n, const std::function<base::Status(int64_t)>& fn) {
  if (n <= 0) return base::Status::OK();
  Stream st;
  st.source.num_tasks = n;
  st.source.run = [&fn](int64_t task, const Emit&) { return fn(task); };
  SinkFactory f = []() -> base::Result<std::unique_ptr<LocalSink>> { return std::unique_ptr<LocalSink>(new NullSink()); };
  auto r = RunStream(st, ctx, f);
  return r.ok() ? base::Status::OK() : r.status();
}

base::Result<std::unique_ptr<ExprEval>> ExprEval::Make(const sql::BoundExprPtr& expr, QueryContext* ctx) {
  auto e = std::make_unique<ExprEval>();
  e->expr_ = expr;
  if (expr->kind != sql::BoundExprKind::kColumn && expr->kind != sql::BoundExprKind::kLiteral) {
    TIDE_ASSIGN_OR_RETURN(e->eval_, ExpressionEvaluator::Make(expr, ctx));
  }
  return e;
}

base::Result<columnar::ArrayPtr> ExprEval::Eval(const columnar::RecordBatch& batch) {
  if (expr_->kind == sql::BoundExprKind::kColumn) {
    if (expr_->column < 0 || expr_->column >= batch.num_columns()) {
      return base::Status::Internal("column #" + std::to_string(expr_->column) + " out of range in '" + expr_->sql +
                                    "'");
    }
    return batch.column(expr_->column);
  }
  if (expr_->kind == sql::BoundExprKind::kLiteral) return Broadcast(*expr_->literal, batch.num_rows());
  return eval_->Evaluate(batch);
}

base::Result<std::vector<int32_t>> ExprEval::Select(const columnar::RecordBatch& batch) {
  if (eval_) return eval_->Select(batch);
  TIDE_ASSIGN_OR_RETURN(columnar::ArrayPtr col, Eval(batch));
  std::vector<int32_t> rows;
  if (col->type->id() != columnar::TypeId::kBoolean) return rows;
  for (int64_t i = 0; i < col->length; ++i) {
    if (col->IsValid(i) && col->BoolValue(i)) rows.push_back(static_cast<int32_t>(i));
  }
  return rows;
}

}  // namespace tide::exec::internal

namespace tide::exec::internal {
columnar::ArrayPtr Broadcast(const columnar::ArrayData& literal, int64_t n) {
  std::vector<int32_t> rows(n, 0);
  return Take(literal, rows.data(), n);
}
}  // namespace tide::exec::internal
