// UPDATE, DELETE and MERGE INTO: SQL expressions bound over the table (and source) columns
// become the callbacks of table/dml.h.
#include <algorithm>

#include "base/strings.h"
#include "exec/expression.h"
#include "exec/filter_pushdown.h"
#include "exec/statements/statements.h"
#include "sql/parser.h"
#include "sql/printer.h"
#include "table/dml.h"
#include "table/snapshot.h"

namespace tide::exec::stmt {

namespace col = tide::columnar;
using base::Status;
using base::StatusCode;

namespace {

// Callbacks evaluate through a per-call evaluator (evaluators hold scratch state and the
// table layer may call from several threads); the context is shared (thread-safe).
table::RowPredicate MakePredicate(sql::BoundExprPtr expr, std::shared_ptr<QueryContext> ctx) {
  if (!expr) return nullptr;
  return [expr, ctx](const col::RecordBatch& batch) -> base::Result<std::vector<uint8_t>> {
    TIDE_RETURN_IF_ERROR(ctx->CheckCancelled());
    TIDE_ASSIGN_OR_RETURN(auto eval, ExpressionEvaluator::Make(expr, ctx.get()));
    TIDE_ASSIGN_OR_RETURN(SelectionVector rows, eval->Select(batch));
    std::vector<uint8_t> out(static_cast<size_t>(batch.num_rows()), 0);
    for (int32_t r : rows) out[static_cast<size_t>(r)] = 1;
    return out;
  };
}

table::ColumnExpr MakeColumnExpr(sql::BoundExprPtr expr, std::shared_ptr<QueryContext> ctx) {
  return [expr, ctx](const col::RecordBatch& batch) -> base::Result<col::ArrayPtr> {
    TIDE_ASSIGN_OR_RETURN(auto eval, ExpressionEvaluator::Make(expr, ctx.get()));
    return eval->Evaluate(batch);
  };
}

sql::BoundExprPtr AndAll(const std::vector<sql::BoundExprPtr>& conjuncts) {
  if (conjuncts.empty()) return nullptr;
  sql::BoundExprPtr out = conjuncts[0];
  for (size_t i = 1; i < conjuncts.size(); ++i) {
    out = sql::MakeCall("and", {out, conjuncts[i]}, col::Boolean(), out->nullable || conjuncts[i]->nullable,
                        "(" + out->sql + " AND " + conjuncts[i]->sql + ")");
  }
  return out;
}

struct TableTarget {
  std::string root;
  std::string name;   // as written
  std::string alias;  // qualifier for columns
  std::shared_ptr<const table::Snapshot> snapshot;
};

base::Result<TableTarget> LoadTarget(StatementEnv& env, const sql::QualifiedName& qn,
                                     const std::optional<sql::Identifier>& alias) {
  TableTarget t;
  TIDE_ASSIGN_OR_RETURN(t.root, env.catalog->ResolveDeltaRoot(qn));
  t.name = QualifiedNameText(qn);
  t.alias = alias ? alias->name : (qn.IsPathTable() ? std::string() : qn.parts.back().name);
  auto snap = table::Snapshot::Load(t.root);
  if (!snap.ok()) {
    if (snap.status().code() == StatusCode::kNotFound) {
      return ErrorAt(env, qn.pos, StatusCode::kNotFound,
                     "table " + t.name + " not found (no Delta table at " + t.root + ")");
    }
    return snap.status();
  }
  t.snapshot = *snap;
  return t;
}

// The table column an assignment sets (t.col or col; nested fields are not supported).
base::Result<int> AssignmentTarget(StatementEnv& env, const sql::Assignment& a, const col::Schema& schema,
                                   const std::string& alias, const std::string& table_name) {
  std::string name = a.target.back().name;
  if (a.target.size() > 2 ||
      (a.target.size() == 2 && base::AsciiLower(a.target[0].name) != base::AsciiLower(alias) &&
       base::AsciiLower(a.target[0].name) != base::AsciiLower(table_name))) {
    if (a.target.size() == 2 && FindColumn(schema, a.target[0].name) >= 0) {
      return ErrorAt(env, a.pos, StatusCode::kUnsupported, "assigning a nested field is not supported");
    }
    return ErrorAt(env, a.pos, StatusCode::kInvalidArgument,
                   "cannot assign '" + a.target[0].name + "." + name + "': '" + a.target[0].name +
                       "' is not the target table");
  }
  int idx = FindColumn(schema, name);
  if (idx < 0) {
    std::string cols;
    for (const auto& f : schema.fields()) cols += (cols.empty() ? "" : ", ") + f->name();
    return ErrorAt(env, a.pos, StatusCode::kInvalidArgument,
                   "column '" + name + "' not found in " + table_name + " (columns: " + cols + ")");
  }
  return idx;
}

// A column reference, possibly under casts (the binder casts keys of different types).
const sql::BoundExpr* UnwrapColumn(const sql::BoundExpr* e) {
  while (e && e->kind == sql::BoundExprKind::kCast && e->args.size() == 1) e = e->args[0].get();
  return e && e->kind == sql::BoundExprKind::kColumn ? e : nullptr;
}

// Whether every conjunct of `where` is a comparison (or IS [NOT] NULL) of a partition column
// with a literal, so the pruning filters alone decide the rows exactly.
bool PartitionFiltersAreExact(const sql::BoundExprPtr& where, const table::Snapshot& snap) {
  std::vector<sql::BoundExprPtr> conjuncts;
  SplitConjuncts(where, &conjuncts);
  const auto& schema = *snap.schema();
  std::vector<std::string> names;
  for (const auto& f : schema.fields()) names.push_back(f->name());
  for (const auto& c : conjuncts) {
    if (c->kind != sql::BoundExprKind::kCall || c->function == "in") return false;
    auto fs = ToColumnFilters({c}, names);
    if (fs.size() != 1) return false;
    const auto& parts = snap.partition_columns();
    if (std::find(parts.begin(), parts.end(), fs[0].column) == parts.end()) return false;
    // Only types whose partition-value comparison is exact in the table layer.
    int idx = FindColumn(schema, fs[0].column);
    switch (schema.field(idx)->type()->id()) {
      case col::TypeId::kString: case col::TypeId::kInt8: case col::TypeId::kInt16: case col::TypeId::kInt32:
      case col::TypeId::kInt64: case col::TypeId::kDate32: case col::TypeId::kBoolean:
        break;
      default:
        return false;
    }
  }
  return !conjuncts.empty();
}

}  // namespace

base::Result<StatementResult> Delete(StatementEnv& env, const sql::DeleteStatement& s) {
  TIDE_ASSIGN_OR_RETURN(TableTarget t, LoadTarget(env, s.table, s.alias));
  auto ctx = env.NewContext();
  table::DmlOptions opts;
  opts.snapshot = t.snapshot;
  table::RowPredicate pred;
  if (s.where) {
    TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr where, BindOverTable(env, *s.where, t.snapshot->schema(), t.alias));
    opts.filters = PruningFilters(where, *t.snapshot->schema());
    opts.predicate_text = sql::ToSql(*s.where);
    // When the filters say exactly what WHERE says and only about partition columns, leave
    // the predicate unset: the table layer then drops whole partitions without reading them.
    if (!PartitionFiltersAreExact(where, *t.snapshot)) pred = MakePredicate(where, ctx);
  }
  env.set_running(ctx);
  auto r = table::Delete(t.root, pred, opts);
  env.set_running(nullptr);
  if (!r.ok()) return r.status().WithContext("DELETE FROM " + t.name);
  return MetricsResult({{"num_affected_rows", Metric(r->metrics, "numDeletedRows")}});
}

base::Result<StatementResult> Update(StatementEnv& env, const sql::UpdateStatement& s) {
  TIDE_ASSIGN_OR_RETURN(TableTarget t, LoadTarget(env, s.table, s.alias));
  const auto& schema = t.snapshot->schema();
  auto ctx = env.NewContext();
  table::DmlOptions opts;
  opts.snapshot = t.snapshot;
  table::RowPredicate pred;
  if (s.where) {
    TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr where, BindOverTable(env, *s.where, schema, t.alias));
    opts.filters = PruningFilters(where, *schema);
    opts.predicate_text = sql::ToSql(*s.where);
    pred = MakePredicate(where, ctx);
  }
  table::Assignments assignments;
  std::vector<int> seen;
  for (const auto& a : s.assignments) {
    TIDE_ASSIGN_OR_RETURN(int idx, AssignmentTarget(env, a, *schema, t.alias, t.name));
    if (std::find(seen.begin(), seen.end(), idx) != seen.end()) {
      return ErrorAt(env, a.pos, StatusCode::kInvalidArgument,
                     "column '" + schema->field(idx)->name() + "' is assigned twice");
    }
    seen.push_back(idx);
    TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr v, BindOverTable(env, *a.value, schema, t.alias));
    auto coerced = sql::CoerceTo(v, schema->field(idx)->type(), "column '" + schema->field(idx)->name() + "' of table " + t.name);
    if (!coerced.ok()) return ErrorAt(env, a.pos, coerced.status().code(), StripPosition(coerced.status().message()));
    assignments.emplace_back(schema->field(idx)->name(), MakeColumnExpr(*coerced, ctx));
  }
  env.set_running(ctx);
  auto r = table::Update(t.root, pred, assignments, opts);
  env.set_running(nullptr);
  if (!r.ok()) return r.status().WithContext("UPDATE " + t.name);
  return MetricsResult({{"num_affected_rows", Metric(r->metrics, "numUpdatedRows")}});
}

base::Result<StatementResult> Merge(StatementEnv& env, const sql::MergeStatement& s) {
  TIDE_ASSIGN_OR_RETURN(TableTarget t, LoadTarget(env, s.target, s.target_alias));
  const auto& tschema = t.snapshot->schema();
  const int nt = tschema->num_fields();

  // The source rows.
  Rows source;
  std::string source_alias;
  if (s.source->kind == sql::TableRefKind::kSubquery) {
    TIDE_ASSIGN_OR_RETURN(source, RunQuery(env, *s.source->As<sql::SubqueryTable>().query));
    if (s.source->alias) source_alias = s.source->alias->name.name;
  } else if (s.source->kind == sql::TableRefKind::kNamed) {
    const auto& nt_ref = s.source->As<sql::NamedTable>();
    source_alias = s.source->alias ? s.source->alias->name.name
                                   : (nt_ref.name.IsPathTable() ? std::string() : nt_ref.name.parts.back().name);
    // Read the source through an ordinary query so views, path tables and time travel work.
    std::string text = "SELECT * FROM " + sql::ToSql(*s.source);
    TIDE_ASSIGN_OR_RETURN(sql::StatementPtr q, sql::ParseStatement(text));
    TIDE_ASSIGN_OR_RETURN(source, RunQuery(env, *q->As<sql::QueryStatement>().query));
  } else {
    return ErrorAt(env, s.source->pos, StatusCode::kUnsupported, "MERGE's source must be a table or a (query)");
  }
  // MERGE ... USING (query) AS s(a, b): the alias names the source columns.
  if (s.source->alias && !s.source->alias->columns.empty()) {
    const auto& names = s.source->alias->columns;
    if (static_cast<int>(names.size()) != source.schema->num_fields()) {
      return ErrorAt(env, s.source->pos, StatusCode::kInvalidArgument,
                     "the source alias names " + std::to_string(names.size()) + " columns but the source has " +
                         std::to_string(source.schema->num_fields()));
    }
    std::vector<col::FieldPtr> fields;
    for (int i = 0; i < source.schema->num_fields(); ++i) {
      const auto& f = source.schema->field(i);
      fields.push_back(col::MakeField(names[i].name, f->type(), f->nullable(), f->metadata()));
    }
    auto renamed = std::make_shared<col::Schema>(std::move(fields));
    for (auto& b : source.batches) b = std::make_shared<col::RecordBatch>(renamed, b->columns(), b->num_rows());
    source.schema = renamed;
  }
  const auto& sschema = source.schema;
  std::vector<std::shared_ptr<col::RecordBatch>> source_batches = source.batches;
  if (source_batches.empty()) {
    source_batches.push_back(std::make_shared<col::RecordBatch>(
        sschema, [&] {
          std::vector<col::ArrayPtr> cols;
          for (const auto& f : sschema->fields()) cols.push_back(col::MakeNullArray(f->type(), 0));
          return cols;
        }(), 0));
  }

  sql::BindScope both;
  both.relations.push_back({t.alias, tschema});
  both.relations.push_back({source_alias, sschema});
  sql::BindScope target_only;
  target_only.relations.push_back({t.alias, tschema});
  sql::BindScope source_only;
  source_only.relations.push_back({source_alias, sschema});
  auto bind = [&](const sql::Expr& e, const sql::BindScope& scope) -> base::Result<sql::BoundExprPtr> {
    TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr b, sql::BindExpression(e, scope, *env.catalog, env.bind_options(), true));
    return FoldConstants(env, b);
  };

  auto ctx = env.NewContext();
  table::MergeSpec spec;
  TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr on, bind(*s.on, both));
  std::vector<sql::BoundExprPtr> conjuncts, rest;
  SplitConjuncts(on, &conjuncts);
  for (const auto& c : conjuncts) {
    if (c->kind == sql::BoundExprKind::kCall && c->function == "eq" && c->args.size() == 2) {
      const sql::BoundExpr* a = UnwrapColumn(c->args[0].get());
      const sql::BoundExpr* b = UnwrapColumn(c->args[1].get());
      if (a && b && (a->column < nt) != (b->column < nt)) {
        if (a->column >= nt) std::swap(a, b);
        spec.target_keys.push_back(tschema->field(a->column)->name());
        spec.source_keys.push_back(sschema->field(b->column - nt)->name());
        continue;
      }
    }
    rest.push_back(c);
  }
  if (spec.target_keys.empty()) {
    return ErrorAt(env, s.on->pos, StatusCode::kUnsupported,
                   "MERGE needs at least one equality between a target column and a source column in ON "
                   "(e.g. ON t.id = s.id)");
  }
  spec.extra_condition = MakePredicate(AndAll(rest), ctx);

  bool has_not_matched_by_source = false;
  for (const auto& c : s.clauses) {
    table::MergeClause mc;
    const sql::BindScope* scope = &both;
    switch (c.match) {
      case sql::MergeMatch::kMatched: mc.when = table::MergeClause::When::kMatched; break;
      case sql::MergeMatch::kNotMatchedByTarget:
        mc.when = table::MergeClause::When::kNotMatched;
        scope = &source_only;
        break;
      case sql::MergeMatch::kNotMatchedBySource:
        mc.when = table::MergeClause::When::kNotMatchedBySource;
        scope = &target_only;
        has_not_matched_by_source = true;
        break;
    }
    if (c.condition) {
      TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr cond, bind(*c.condition, *scope));
      mc.condition = MakePredicate(cond, ctx);
    }
    // The column a source column of the same name lands in (UPDATE SET * / INSERT *), coerced.
    auto star = [&](bool source_offset) -> Status {
      for (int i = 0; i < nt; ++i) {
        int si = FindColumn(*sschema, tschema->field(i)->name());
        if (si < 0) continue;
        const auto& sf = sschema->field(si);
        auto ref = sql::MakeColumn(source_offset ? nt + si : si, sf->type(), sf->nullable(), sf->name());
        auto coerced = sql::CoerceTo(ref, tschema->field(i)->type(),
                                     "column '" + tschema->field(i)->name() + "' of table " + t.name);
        if (!coerced.ok()) return ErrorAt(env, c.pos, coerced.status().code(), StripPosition(coerced.status().message()));
        mc.assignments.emplace_back(tschema->field(i)->name(), MakeColumnExpr(*coerced, ctx));
      }
      return Status::OK();
    };
    switch (c.action) {
      case sql::MergeActionKind::kDelete: mc.action = table::MergeClause::Action::kDelete; break;
      case sql::MergeActionKind::kUpdateStar:
        if (c.match != sql::MergeMatch::kMatched) {
          return ErrorAt(env, c.pos, StatusCode::kInvalidArgument, "UPDATE SET * needs WHEN MATCHED");
        }
        mc.action = table::MergeClause::Action::kUpdate;
        TIDE_RETURN_IF_ERROR(star(true));
        break;
      case sql::MergeActionKind::kInsertStar:
        mc.action = table::MergeClause::Action::kInsert;
        TIDE_RETURN_IF_ERROR(star(false));
        break;
      case sql::MergeActionKind::kUpdate: {
        mc.action = table::MergeClause::Action::kUpdate;
        std::vector<int> seen;
        for (const auto& a : c.assignments) {
          TIDE_ASSIGN_OR_RETURN(int idx, AssignmentTarget(env, a, *tschema, t.alias, t.name));
          if (std::find(seen.begin(), seen.end(), idx) != seen.end()) {
            return ErrorAt(env, a.pos, StatusCode::kInvalidArgument,
                           "column '" + tschema->field(idx)->name() + "' is assigned twice");
          }
          seen.push_back(idx);
          TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr v, bind(*a.value, *scope));
          auto coerced = sql::CoerceTo(v, tschema->field(idx)->type(),
                                       "column '" + tschema->field(idx)->name() + "' of table " + t.name);
          if (!coerced.ok()) return ErrorAt(env, a.pos, coerced.status().code(), StripPosition(coerced.status().message()));
          mc.assignments.emplace_back(tschema->field(idx)->name(), MakeColumnExpr(*coerced, ctx));
        }
        break;
      }
      case sql::MergeActionKind::kInsert: {
        mc.action = table::MergeClause::Action::kInsert;
        std::vector<int> targets;
        if (c.insert_columns.empty()) {
          for (int i = 0; i < nt; ++i) targets.push_back(i);
        } else {
          for (const auto& id : c.insert_columns) {
            int idx = FindColumn(*tschema, id.name);
            if (idx < 0) {
              return ErrorAt(env, id.pos, StatusCode::kInvalidArgument,
                             "column '" + id.name + "' not found in " + t.name);
            }
            if (std::find(targets.begin(), targets.end(), idx) != targets.end()) {
              return ErrorAt(env, id.pos, StatusCode::kInvalidArgument, "column '" + id.name + "' is listed twice");
            }
            targets.push_back(idx);
          }
        }
        if (targets.size() != c.insert_values.size()) {
          return ErrorAt(env, c.pos, StatusCode::kInvalidArgument,
                         "INSERT lists " + std::to_string(targets.size()) + " columns but " +
                             std::to_string(c.insert_values.size()) + " values");
        }
        for (size_t i = 0; i < targets.size(); ++i) {
          const auto& tf = tschema->field(targets[i]);
          TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr v, bind(*c.insert_values[i], source_only));
          auto coerced = sql::CoerceTo(v, tf->type(), "column '" + tf->name() + "' of table " + t.name);
          if (!coerced.ok()) return ErrorAt(env, c.insert_values[i]->pos, coerced.status().code(), StripPosition(coerced.status().message()));
          mc.assignments.emplace_back(tf->name(), MakeColumnExpr(*coerced, ctx));
        }
        break;
      }
    }
    spec.clauses.push_back(std::move(mc));
  }

  table::DmlOptions opts;
  opts.snapshot = t.snapshot;
  opts.predicate_text = sql::ToSql(*s.on);
  // Target-only ON conjuncts prune target files — unless NOT MATCHED BY SOURCE clauses must see
  // the rows those conjuncts exclude (they are unmatched, hence affected).
  if (!has_not_matched_by_source) {
    std::vector<std::string> names;
    for (const auto& f : tschema->fields()) names.push_back(f->name());
    opts.filters = ToColumnFilters(rest, names);
  }
  env.set_running(ctx);
  auto r = table::Merge(t.root, source_batches, spec, opts);
  env.set_running(nullptr);
  if (!r.ok()) return r.status().WithContext("MERGE INTO " + t.name);
  int64_t updated = Metric(r->metrics, "numTargetRowsUpdated");
  int64_t deleted = Metric(r->metrics, "numTargetRowsDeleted");
  int64_t inserted = Metric(r->metrics, "numTargetRowsInserted");
  return MetricsResult({{"num_affected_rows", updated + deleted + inserted},
                        {"num_updated_rows", updated},
                        {"num_deleted_rows", deleted},
                        {"num_inserted_rows", inserted}});
}

}  // namespace tide::exec::stmt
