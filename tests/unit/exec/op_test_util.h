// Helpers for the operator tests: an in-memory ScanTable, column builders, plan builders and
// a runner returning rows as JSON strings.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "exec/executor.h"
#include "exec/table_source.h"
#include "sql/bound_expr.h"
#include "sql/logical_plan.h"

namespace tide::exec::testing {

using columnar::ArrayPtr;
using columnar::RecordBatch;
using columnar::TypePtr;
using sql::BoundExprPtr;
using sql::PlanNode;
using sql::PlanPtr;

// Serves its batches, one morsel each; counts the batches read.
class MemTable final : public ScanTable {
 public:
  MemTable(std::shared_ptr<const columnar::Schema> schema, std::vector<std::shared_ptr<RecordBatch>> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}
  const std::shared_ptr<const columnar::Schema>& schema() const override { return schema_; }
  std::string display_name() const override { return "mem"; }
  base::Result<std::vector<ScanMorsel>> PlanMorsels(const std::vector<int>&, const std::vector<BoundExprPtr>&,
                                                    ScanPlanStats* stats) const override {
    std::vector<ScanMorsel> out;
    for (size_t i = 0; i < batches_.size(); ++i) {
      ScanMorsel m;
      m.state = std::make_shared<size_t>(i);
      m.estimated_rows = batches_[i]->num_rows();
      out.push_back(m);
    }
    if (stats) stats->files_total = static_cast<int64_t>(batches_.size());
    return out;
  }
  base::Status ReadMorsel(const ScanMorsel& m, const std::vector<int>& columns,
                          const std::function<base::Status(std::shared_ptr<RecordBatch>)>& on_batch) const override {
    const auto& b = batches_[*static_cast<const size_t*>(m.state.get())];
    reads_++;
    std::vector<columnar::FieldPtr> f;
    std::vector<ArrayPtr> cols;
    for (int c : columns) {
      f.push_back(schema_->field(c));
      cols.push_back(b->column(c));
    }
    return on_batch(std::make_shared<RecordBatch>(std::make_shared<columnar::Schema>(f), cols, b->num_rows()));
  }
  int64_t reads() const { return reads_.load(); }

 private:
  std::shared_ptr<const columnar::Schema> schema_;
  std::vector<std::shared_ptr<RecordBatch>> batches_;
  mutable std::atomic<int64_t> reads_{0};
};

// A column from optional values (nullopt: null), through `Builder` made from `type_args`.
template <typename Builder, typename V, typename... TypeArgs>
ArrayPtr BuildColumn(const std::vector<std::optional<V>>& v, TypeArgs&&... type_args) {
  Builder b(std::forward<TypeArgs>(type_args)...);
  for (const auto& x : v) {
    if (x) {
      b.Append(*x);
    } else {
      b.AppendNull();
    }
  }
  return b.Finish();
}
inline ArrayPtr I32(const std::vector<std::optional<int32_t>>& v, columnar::TypePtr type = columnar::Int32()) {
  return BuildColumn<columnar::Int32Builder>(v, std::move(type));
}
inline ArrayPtr I64(const std::vector<std::optional<int64_t>>& v) {
  return BuildColumn<columnar::Int64Builder>(v, columnar::Int64());
}
inline ArrayPtr F64(const std::vector<std::optional<double>>& v) {
  return BuildColumn<columnar::Float64Builder>(v, columnar::Float64());
}
inline ArrayPtr Str(const std::vector<std::optional<std::string>>& v) {
  return BuildColumn<columnar::BinaryBuilder>(v, columnar::Utf8());
}

inline std::shared_ptr<const columnar::Schema> SchemaOf(const std::vector<std::string>& names,
                                                        const std::vector<ArrayPtr>& cols) {
  std::vector<columnar::FieldPtr> f;
  for (size_t i = 0; i < names.size(); ++i) f.push_back(columnar::MakeField(names[i], cols[i]->type, true));
  return std::make_shared<columnar::Schema>(f);
}

// A table of `cols` split into batches of `batch_rows`.
inline std::shared_ptr<MemTable> Table(const std::vector<std::string>& names, const std::vector<ArrayPtr>& cols,
                                       int64_t batch_rows = 1 << 30) {
  auto schema = SchemaOf(names, cols);
  const int64_t n = cols.empty() ? 0 : cols[0]->length;
  std::vector<std::shared_ptr<RecordBatch>> batches;
  for (int64_t off = 0; off < n; off += batch_rows) {
    const int64_t len = std::min(batch_rows, n - off);
    std::vector<ArrayPtr> sl;
    for (auto& c : cols) sl.push_back(c->Slice(off, len));
    batches.push_back(std::make_shared<RecordBatch>(schema, sl, len));
  }
  return std::make_shared<MemTable>(schema, batches);
}

inline BoundExprPtr Col(const PlanPtr& input, int i) {
  const auto& f = input->schema->field(i);
  return sql::MakeColumn(i, f->type(), true, f->name());
}

inline PlanPtr Scan(const std::shared_ptr<MemTable>& t, std::vector<int> cols = {},
                    std::vector<BoundExprPtr> filters = {}) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kScan;
  p->table = t;
  if (cols.empty()) {
    for (int i = 0; i < t->schema()->num_fields(); ++i) cols.push_back(i);
  }
  std::vector<columnar::FieldPtr> f;
  for (int c : cols) f.push_back(t->schema()->field(c));
  p->schema = std::make_shared<columnar::Schema>(f);
  p->scan_columns = cols;
  p->scan_filters = std::move(filters);
  return p;
}

inline std::shared_ptr<const columnar::Schema> Fields(std::vector<columnar::FieldPtr> f) {
  return std::make_shared<columnar::Schema>(std::move(f));
}

inline PlanPtr Project(const PlanPtr& in, std::vector<BoundExprPtr> exprs, std::vector<std::string> names) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kProject;
  p->children = {in};
  std::vector<columnar::FieldPtr> f;
  for (size_t i = 0; i < exprs.size(); ++i) f.push_back(columnar::MakeField(names[i], exprs[i]->type, true));
  p->schema = Fields(f);
  p->exprs = std::move(exprs);
  return p;
}

inline PlanPtr Filter(const PlanPtr& in, BoundExprPtr pred) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kFilter;
  p->children = {in};
  p->schema = in->schema;
  p->predicate = std::move(pred);
  return p;
}

inline sql::AggregateCall Agg(std::string fn, std::vector<BoundExprPtr> args, TypePtr type, bool distinct = false,
                              BoundExprPtr filter = nullptr) {
  sql::AggregateCall c;
  c.function = std::move(fn);
  c.args = std::move(args);
  c.type = std::move(type);
  c.distinct = distinct;
  c.filter = std::move(filter);
  c.sql = c.function;
  return c;
}

inline PlanPtr Aggregate(const PlanPtr& in, std::vector<BoundExprPtr> groups, std::vector<sql::AggregateCall> aggs,
                         std::vector<std::vector<int>> sets = {}) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kAggregate;
  p->children = {in};
  std::vector<columnar::FieldPtr> f;
  for (size_t i = 0; i < groups.size(); ++i) f.push_back(columnar::MakeField("g" + std::to_string(i), groups[i]->type));
  if (!sets.empty()) f.push_back(columnar::MakeField("grouping_id", columnar::Int64(), false));
  for (size_t i = 0; i < aggs.size(); ++i) f.push_back(columnar::MakeField("a" + std::to_string(i), aggs[i].type));
  p->schema = Fields(f);
  p->group_exprs = std::move(groups);
  p->aggregates = std::move(aggs);
  p->grouping_sets = std::move(sets);
  return p;
}

inline PlanPtr Join(const PlanPtr& l, const PlanPtr& r, sql::PlanJoinType type, std::vector<BoundExprPtr> lk,
                    std::vector<BoundExprPtr> rk, BoundExprPtr cond = nullptr, std::vector<bool> null_safe = {}) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kJoin;
  p->children = {l, r};
  p->join_type = type;
  std::vector<columnar::FieldPtr> f = l->schema->fields();
  if (type == sql::PlanJoinType::kMark) {
    f.push_back(columnar::MakeField("mark", columnar::Boolean()));
  } else if (type != sql::PlanJoinType::kSemi && type != sql::PlanJoinType::kAnti) {
    for (const auto& x : r->schema->fields()) f.push_back(x);
  }
  p->schema = Fields(f);
  p->left_keys = std::move(lk);
  p->right_keys = std::move(rk);
  p->condition = std::move(cond);
  p->null_safe = null_safe.empty() ? std::vector<bool>(p->left_keys.size(), false) : null_safe;
  return p;
}

inline sql::SortKey Key(BoundExprPtr e, bool asc = true, std::optional<bool> nulls_first = std::nullopt) {
  sql::SortKey k;
  k.expr = std::move(e);
  k.ascending = asc;
  k.nulls_first = nulls_first.value_or(asc);
  return k;
}

inline PlanPtr Sort(const PlanPtr& in, std::vector<sql::SortKey> keys, int64_t limit = -1, int64_t offset = 0) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kSort;
  p->children = {in};
  p->schema = in->schema;
  p->sort_keys = std::move(keys);
  p->limit = limit;
  p->offset = offset;
  return p;
}

inline PlanPtr Limit(const PlanPtr& in, int64_t limit, int64_t offset = 0) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kLimit;
  p->children = {in};
  p->schema = in->schema;
  p->limit = limit;
  p->offset = offset;
  return p;
}

inline BoundExprPtr Call(std::string fn, std::vector<BoundExprPtr> args, TypePtr type) {
  return sql::MakeCall(std::move(fn), std::move(args), std::move(type), true);
}

struct RunResult {
  base::Status status;
  std::vector<std::string> rows;  // JSON rows in output order
  ExecStats stats;
};

inline RunResult RunPlan(const PlanPtr& plan, const ExecSettings& s) {
  QueryContext ctx(s);
  RunResult r;
  auto out = CollectPlan(plan, &ctx, &r.stats);
  if (!out.ok()) {
    r.status = out.status();
    return r;
  }
  for (const auto& b : *out) {
    for (int64_t i = 0; i < b->num_rows(); ++i) r.rows.push_back(columnar::RowToJson(*b, i));
  }
  return r;
}

inline RunResult RunPlan(const PlanPtr& plan, int threads = 1, int64_t memory_limit = 0, int64_t batch_size = 8192) {
  ExecSettings s;
  s.threads = threads;
  s.memory_limit = memory_limit;
  s.batch_size = batch_size;
  return RunPlan(plan, s);
}

inline std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace tide::exec::testing
