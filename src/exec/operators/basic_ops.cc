// Scan, VALUES, filter, project, limit and explode.
#include <algorithm>
#include <mutex>

#include "columnar/builder.h"
#include "exec/operators/operators.h"
#include "exec/table_source.h"
#include "exec/vector_ops.h"

namespace tide::exec::internal {

using columnar::ArrayPtr;
using columnar::RecordBatch;

namespace {

// Keeps the rows where the conjunction of `preds` is true.
// Input columns `e` reads (subquery plans are uncorrelated: they read none).
void CollectColumns(const sql::BoundExpr& e, std::vector<int>* out) {
  if (e.kind == sql::BoundExprKind::kColumn && e.column >= 0) {
    if (std::find(out->begin(), out->end(), e.column) == out->end()) out->push_back(e.column);
    return;
  }
  for (const auto& a : e.args) {
    if (a) CollectColumns(*a, out);
  }
}

class FilterTransform final : public Transform {
 public:
  std::vector<std::unique_ptr<ExprEval>> evals;
  std::vector<std::vector<int>> reads;  // per conjunct: the input columns it reads
  // A scan's runtime filters (query_context.h), applied after the conjuncts, before the
  // batch is taken to the selection. One that keeps most rows it sees is dropped.
  struct Runtime {
    std::shared_ptr<const RuntimeFilter> filter;
    int64_t seen = 0;
    int64_t kept = 0;
    bool on = true;
  };
  std::vector<Runtime> runtime;

  // Conjunct by conjunct, each over the rows the previous ones kept. The selection is kept
  // as row indexes into the input batch; a conjunct gets only the columns it reads taken
  // to the current selection (a column is taken once per selection), and the whole batch is
  // taken once at the end.
  base::Status Push(BatchPtr batch, const Emit& emit) override {
    const int ncols = batch->num_columns();
    bool all = true;  // no row dropped yet
    sel_.clear();
    taken_.assign(ncols, nullptr);
    taken_at_.assign(ncols, -1);
    int version = 0;  // bumped whenever sel_ changes
    for (size_t k = 0; k < evals.size(); ++k) {
      BatchPtr in = batch;
      if (!all) {
        std::vector<ArrayPtr> cols = batch->columns();
        for (int c : reads[k]) {
          if (c >= ncols) continue;
          if (taken_at_[c] != version) {
            taken_[c] = Take(*batch->column(c), sel_.data(), static_cast<int64_t>(sel_.size()));
            taken_at_[c] = version;
          }
          cols[c] = taken_[c];
        }
        in = std::make_shared<RecordBatch>(batch->schema(), std::move(cols), static_cast<int64_t>(sel_.size()));
      }
      TIDE_ASSIGN_OR_RETURN(std::vector<int32_t> rows, evals[k]->Select(*in));
      if (rows.empty()) return base::Status::OK();
      if (static_cast<int64_t>(rows.size()) == in->num_rows()) continue;
      if (!all) {
        for (auto& r : rows) r = sel_[r];
      }
      sel_.swap(rows);
      all = false;
      ++version;
    }
    for (auto& rf : runtime) {
      if (!rf.on) continue;
      if (all) {
        sel_.resize(batch->num_rows());
        for (int32_t i = 0; i < static_cast<int32_t>(sel_.size()); ++i) sel_[i] = i;
      }
      const int64_t before = static_cast<int64_t>(sel_.size());
      rf.filter->Apply(*batch, &sel_);
      const int64_t after = static_cast<int64_t>(sel_.size());
      rf.seen += before;
      rf.kept += after;
      if (rf.seen >= kRuntimeSample && rf.kept * 2 > rf.seen) rf.on = false;
      if (after == 0) return base::Status::OK();
      all = all && after == batch->num_rows();
    }
    if (all) return emit(std::move(batch));
    return emit(TakeBatch(*batch, sel_));
  }

 private:
  // Rows a runtime filter sees before it must have shown that it drops most of them.
  static constexpr int64_t kRuntimeSample = 1 << 17;
  std::vector<int32_t> sel_;
  std::vector<ArrayPtr> taken_;
  std::vector<int> taken_at_;
};

TransformFactory FilterFactory(std::vector<sql::BoundExprPtr> preds, QueryContext* ctx,
                               std::vector<std::shared_ptr<const RuntimeFilter>> runtime = {}) {
  return [preds = std::move(preds), ctx, runtime = std::move(runtime)]() -> base::Result<std::unique_ptr<Transform>> {
    auto t = std::make_unique<FilterTransform>();
    for (const auto& f : runtime) t->runtime.push_back({f});
    for (const auto& p : preds) {
      TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(p, ctx));
      t->evals.push_back(std::move(e));
      std::vector<int> cols;
      CollectColumns(*p, &cols);
      t->reads.push_back(std::move(cols));
    }
    return std::unique_ptr<Transform>(std::move(t));
  };
}

class ProjectTransform final : public Transform {
 public:
  std::shared_ptr<const columnar::Schema> schema;
  std::vector<std::unique_ptr<ExprEval>> evals;
  base::Status Push(BatchPtr batch, const Emit& emit) override {
    std::vector<ArrayPtr> cols;
    cols.reserve(evals.size());
    for (auto& e : evals) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr c, e->Eval(*batch));
      cols.push_back(std::move(c));
    }
    return emit(std::make_shared<RecordBatch>(schema, std::move(cols), batch->num_rows()));
  }
};

struct LimitState {
  std::mutex mu;
  int64_t to_skip = 0;
  int64_t remaining = 0;  // -1: unlimited
};

class LimitTransform final : public Transform {
 public:
  std::shared_ptr<LimitState> st;
  std::shared_ptr<std::atomic<bool>> done;
  base::Status Push(BatchPtr batch, const Emit& emit) override {
    int64_t skip = 0, take = 0;
    {
      std::lock_guard<std::mutex> lock(st->mu);
      const int64_t n = batch->num_rows();
      skip = std::min(st->to_skip, n);
      st->to_skip -= skip;
      take = n - skip;
      if (st->remaining >= 0) {
        take = std::min(take, st->remaining);
        st->remaining -= take;
        if (st->remaining == 0) done->store(true);
      }
    }
    if (take <= 0) return base::Status::OK();
    if (skip == 0 && take == batch->num_rows()) return emit(std::move(batch));
    return emit(batch->Slice(skip, take));
  }
};

}  // namespace

base::Result<Stream> CompileScan(Compiler& c, const sql::PlanNode& node) {
  auto table = std::dynamic_pointer_cast<const ScanTable>(node.table);
  if (!table) {
    return base::Status::Internal("table " + (node.table ? node.table->display_name() : std::string("?")) +
                                  " cannot be scanned");
  }
  ScanPlanStats ps;
  TIDE_ASSIGN_OR_RETURN(std::vector<ScanMorsel> morsels, table->PlanMorsels(node.scan_columns, node.scan_filters, &ps));
  c.stats()->files_skipped += ps.files_skipped;
  c.stats()->row_groups_skipped += ps.row_groups_skipped;
  c.stats()->files_scanned += ps.files_total - ps.files_skipped;
  auto shared = std::make_shared<std::vector<ScanMorsel>>(std::move(morsels));
  Stream st;
  st.schema = node.schema;
  st.source.num_tasks = static_cast<int64_t>(shared->size());
  auto columns = node.scan_columns;
  auto schema = node.schema;
  st.source.run = [table, shared, columns, schema](int64_t task, const Emit& emit) {
    return table->ReadMorsel((*shared)[task], columns, [&](std::shared_ptr<RecordBatch> b) -> base::Status {
      // Sources may name columns differently; the plan's schema is what operators see.
      if (b->schema() != schema && b->num_columns() == schema->num_fields()) {
        b = std::make_shared<RecordBatch>(schema, b->columns(), b->num_rows());
      }
      return emit(std::move(b));
    });
  };
  auto runtime = c.ctx()->RuntimeFiltersFor(&node);
  if (!node.scan_filters.empty() || !runtime.empty()) {
    st.transforms.push_back(FilterFactory(node.scan_filters, c.ctx(), std::move(runtime)));
  }
  return st;
}

base::Result<Stream> CompileValues(Compiler& c, const sql::PlanNode& node) {
  int64_t rows = node.values.empty() ? node.values_rows : node.values[0]->length;
  auto batch = std::make_shared<RecordBatch>(node.schema, node.values, rows);
  return MaterializedStream(node.schema, {batch}, c.batch_size(), false);
}

base::Result<Stream> CompileFilter(Compiler& c, const sql::PlanNode& node) {
  TIDE_ASSIGN_OR_RETURN(Stream st, c.Compile(node.children[0]));
  // A conjunction evaluates conjunct by conjunct so each narrows the next one's input.
  std::vector<sql::BoundExprPtr> preds;
  std::function<void(const sql::BoundExprPtr&)> split = [&](const sql::BoundExprPtr& e) {
    if (e->kind == sql::BoundExprKind::kCall && e->function == "and" && e->args.size() == 2) {
      split(e->args[0]);
      split(e->args[1]);
    } else {
      preds.push_back(e);
    }
  };
  split(node.predicate);
  st.transforms.push_back(FilterFactory(std::move(preds), c.ctx()));
  st.schema = node.schema;
  return st;
}

base::Result<Stream> CompileProject(Compiler& c, const sql::PlanNode& node) {
  TIDE_ASSIGN_OR_RETURN(Stream st, c.Compile(node.children[0]));
  auto exprs = node.exprs;
  auto schema = node.schema;
  QueryContext* ctx = c.ctx();
  st.transforms.push_back([exprs, schema, ctx]() -> base::Result<std::unique_ptr<Transform>> {
    auto t = std::make_unique<ProjectTransform>();
    t->schema = schema;
    for (const auto& e : exprs) {
      TIDE_ASSIGN_OR_RETURN(auto ev, ExprEval::Make(e, ctx));
      t->evals.push_back(std::move(ev));
    }
    return std::unique_ptr<Transform>(std::move(t));
  });
  st.schema = node.schema;
  return st;
}

base::Result<Stream> CompileLimit(Compiler& c, const sql::PlanNode& node) {
  TIDE_ASSIGN_OR_RETURN(Stream st, c.Compile(node.children[0]));
  auto ls = std::make_shared<LimitState>();
  ls->to_skip = std::max<int64_t>(0, node.offset);
  ls->remaining = node.limit;
  if (node.limit == 0) {
    st.done->store(true);
    st.source.num_tasks = 0;
    return st;
  }
  auto done = st.done;
  st.transforms.push_back([ls, done]() -> base::Result<std::unique_ptr<Transform>> {
    auto t = std::make_unique<LimitTransform>();
    t->st = ls;
    t->done = done;
    return std::unique_ptr<Transform>(std::move(t));
  });
  return st;
}

namespace {

// explode / posexplode / inline (and _outer) of arrays and maps.
class ExplodeTransform final : public Transform {
 public:
  std::shared_ptr<const columnar::Schema> schema;
  std::unique_ptr<ExprEval> eval;
  bool pos = false;
  bool inline_ = false;
  bool outer = false;

  base::Status Push(BatchPtr batch, const Emit& emit) override {
    TIDE_ASSIGN_OR_RETURN(ArrayPtr col, eval->Eval(*batch));
    const auto& c = *col;
    const bool is_map = c.type->id() == columnar::TypeId::kMap;
    if (c.type->id() != columnar::TypeId::kList && !is_map) {
      return base::Status::InvalidArgument("explode expects an array or a map, got " + c.type->ToString());
    }
    std::vector<int32_t> in_rows, elems, positions;
    const int64_t n = batch->num_rows();
    for (int64_t i = 0; i < n; ++i) {
      const bool valid = c.IsValid(i);
      const int32_t b = valid ? c.ListBegin(i) : 0, e = valid ? c.ListEnd(i) : 0;
      if (b == e) {
        if (outer) {
          in_rows.push_back(static_cast<int32_t>(i));
          elems.push_back(-1);
          positions.push_back(-1);
        }
        continue;
      }
      for (int32_t k = b; k < e; ++k) {
        in_rows.push_back(static_cast<int32_t>(i));
        elems.push_back(k);
        positions.push_back(k - b);
      }
    }
    const int64_t m = static_cast<int64_t>(in_rows.size());
    if (m == 0) return base::Status::OK();
    std::vector<ArrayPtr> cols;
    for (const auto& bc : batch->columns()) cols.push_back(Take(*bc, in_rows.data(), m));
    if (pos) {
      columnar::Int32Builder pb(columnar::Int32());
      for (int32_t p : positions) {
        if (p < 0) {
          pb.AppendNull();
        } else {
          pb.Append(p);
        }
      }
      cols.push_back(pb.Finish());
    }
    const auto& child = *c.children[0];
    if (is_map) {
      // entries struct: key, value (struct offset applies to children).
      std::vector<int32_t> er(elems);
      for (auto& r : er) {
        if (r >= 0) r += static_cast<int32_t>(child.offset);
      }
      cols.push_back(Take(*child.children[0], er.data(), m));
      cols.push_back(Take(*child.children[1], er.data(), m));
    } else if (inline_) {
      ArrayPtr structs = Take(child, elems.data(), m);
      for (const auto& f : structs->children) {
        // Null structs (and outer rows) give null fields.
        if (structs->null_count == 0) {
          cols.push_back(f);
          continue;
        }
        std::vector<int32_t> fr(m);
        for (int64_t i = 0; i < m; ++i) fr[i] = structs->IsValid(i) ? static_cast<int32_t>(i) : -1;
        cols.push_back(Take(*f, fr.data(), m));
      }
    } else {
      cols.push_back(Take(child, elems.data(), m));
    }
    if (static_cast<int>(cols.size()) != schema->num_fields()) {
      return base::Status::Internal("explode produced " + std::to_string(cols.size()) + " columns, plan expects " +
                                    std::to_string(schema->num_fields()));
    }
    // Slice the output to the batch size target so one wide array does not make one huge batch.
    return emit(std::make_shared<RecordBatch>(schema, std::move(cols), m));
  }
};

}  // namespace

base::Result<Stream> CompileExplode(Compiler& c, const sql::PlanNode& node) {
  TIDE_ASSIGN_OR_RETURN(Stream st, c.Compile(node.children[0]));
  const auto& gen = node.generator;
  if (!gen || gen->kind != sql::BoundExprKind::kCall || gen->args.empty()) {
    return base::Status::Internal("explode node without a generator call");
  }
  std::string f = gen->function;
  bool outer = node.outer;
  if (f.size() > 6 && f.compare(f.size() - 6, 6, "_outer") == 0) {
    outer = true;
    f = f.substr(0, f.size() - 6);
  }
  const bool pos = f == "posexplode";
  const bool inl = f == "inline";
  if (f != "explode" && !pos && !inl) return base::Status::Unsupported("generator '" + gen->function + "'");
  auto arg = gen->args[0];
  auto schema = node.schema;
  QueryContext* ctx = c.ctx();
  st.transforms.push_back([=]() -> base::Result<std::unique_ptr<Transform>> {
    auto t = std::make_unique<ExplodeTransform>();
    t->schema = schema;
    TIDE_ASSIGN_OR_RETURN(t->eval, ExprEval::Make(arg, ctx));
    t->pos = pos;
    t->inline_ = inl;
    t->outer = outer;
    return std::unique_ptr<Transform>(std::move(t));
  });
  st.schema = node.schema;
  return st;
}

}  // namespace tide::exec::internal
