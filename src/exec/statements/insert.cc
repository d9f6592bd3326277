// INSERT INTO / INSERT OVERWRITE [PARTITION (c = v, ...)] [(cols)] query | VALUES.
#include <algorithm>

#include "base/strings.h"
#include "columnar/json.h"
#include "exec/expression.h"
#include "exec/statements/statements.h"
#include "table/snapshot.h"
#include "table/table.h"

namespace tide::exec::stmt {

namespace col = tide::columnar;
using base::Status;
using base::StatusCode;

namespace {

// A partition value as replaceWhere text: 'text' (quotes doubled) or a bare number/boolean.
std::string PredicateLiteral(const col::ArrayData& v) {
  std::string json;
  col::AppendValueJson(v, 0, &json);
  if (json.size() >= 2 && json.front() == '"') {
    // The JSON form of a date/timestamp/decimal/string: the text between the quotes (the
    // values used as partition values need no JSON unescaping beyond \" and \\).
    std::string inner;
    for (size_t i = 1; i + 1 < json.size(); ++i) {
      if (json[i] == '\\' && i + 2 < json.size()) ++i;
      inner += json[i];
    }
    std::string out = "'";
    for (char c : inner) {
      if (c == '\'') out += '\'';
      out += c;
    }
    return out + "'";
  }
  return json;
}

}  // namespace

base::Result<StatementResult> Insert(StatementEnv& env, const sql::InsertStatement& s) {
  TIDE_ASSIGN_OR_RETURN(std::string root, env.catalog->ResolveDeltaRoot(s.table));
  auto snap_or = table::Snapshot::Load(root);
  if (!snap_or.ok()) {
    if (snap_or.status().code() == StatusCode::kNotFound) {
      return ErrorAt(env, s.table.pos, StatusCode::kNotFound,
                     "table " + QualifiedNameText(s.table) + " not found (no Delta table at " + root + ")");
    }
    return snap_or.status();
  }
  auto snap = *snap_or;
  const auto& tschema = snap->schema();
  const std::string tname = QualifiedNameText(s.table);
  const int ncols = tschema->num_fields();

  // Static partition values.
  std::vector<sql::BoundExprPtr> fixed(ncols);
  std::vector<bool> dynamic_partition(ncols, false);
  std::string replace_where;
  for (const auto& p : s.partition) {
    int idx = FindColumn(*tschema, p.column.name);
    if (idx < 0) {
      return ErrorAt(env, p.column.pos, StatusCode::kInvalidArgument,
                     "PARTITION column '" + p.column.name + "' is not a column of " + tname);
    }
    bool is_partition = false;
    for (const auto& pc : snap->partition_columns()) {
      if (base::AsciiLower(pc) == base::AsciiLower(tschema->field(idx)->name())) is_partition = true;
    }
    if (!is_partition) {
      return ErrorAt(env, p.column.pos, StatusCode::kInvalidArgument,
                     "'" + p.column.name + "' is not a partition column of " + tname);
    }
    if (!p.value) {
      dynamic_partition[idx] = true;
      continue;
    }
    TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr v, sql::BindConstant(*p.value, *env.catalog, env.bind_options()));
    TIDE_ASSIGN_OR_RETURN(v, sql::CoerceTo(v, tschema->field(idx)->type(),
                                           "column '" + tschema->field(idx)->name() + "' of table " + tname));
    auto ctx = env.NewContext();
    TIDE_ASSIGN_OR_RETURN(col::ArrayPtr value, EvaluateConstant(v, ctx.get()));
    fixed[idx] = sql::MakeLiteral(value, v->sql);
    if (!replace_where.empty()) replace_where += " AND ";
    if (value->IsNull(0)) {
      replace_where += tschema->field(idx)->name() + " IS NULL";
    } else {
      replace_where += tschema->field(idx)->name() + " = " + PredicateLiteral(*value);
    }
  }

  // Which table column each query column fills.
  std::vector<int> targets;
  if (!s.columns.empty()) {
    for (const auto& c : s.columns) {
      int idx = FindColumn(*tschema, c.name);
      if (idx < 0) {
        return ErrorAt(env, c.pos, StatusCode::kInvalidArgument, "column '" + c.name + "' is not a column of " + tname);
      }
      if (fixed[idx]) {
        return ErrorAt(env, c.pos, StatusCode::kInvalidArgument,
                       "column '" + c.name + "' has a static PARTITION value and cannot be listed too");
      }
      if (std::find(targets.begin(), targets.end(), idx) != targets.end()) {
        return ErrorAt(env, c.pos, StatusCode::kInvalidArgument, "column '" + c.name + "' is listed twice");
      }
      targets.push_back(idx);
    }
  } else {
    for (int i = 0; i < ncols; ++i) {
      if (!fixed[i]) targets.push_back(i);
    }
  }

  TIDE_ASSIGN_OR_RETURN(sql::PlanPtr plan, PlanQuery(env, *s.query));
  const auto& qschema = plan->schema;
  if (qschema->num_fields() != static_cast<int>(targets.size())) {
    std::string expected;
    for (size_t i = 0; i < targets.size(); ++i) expected += (i ? ", " : "") + tschema->field(targets[i])->name();
    return ErrorAt(env, s.query->pos, StatusCode::kInvalidArgument,
                   "cannot write to " + tname + ": the query produces " + std::to_string(qschema->num_fields()) +
                       " columns but " + std::to_string(targets.size()) + " are expected (" + expected + ")");
  }
  std::vector<sql::BoundExprPtr> exprs(ncols);
  for (size_t i = 0; i < targets.size(); ++i) {
    const auto& qf = qschema->field(static_cast<int>(i));
    const auto& tf = tschema->field(targets[i]);
    auto colref = sql::MakeColumn(static_cast<int>(i), qf->type(), qf->nullable(), qf->name());
    auto coerced = sql::CoerceTo(colref, tf->type(), "column '" + tf->name() + "' of table " + tname);
    if (!coerced.ok()) return ErrorAt(env, s.query->pos, coerced.status().code(), StripPosition(coerced.status().message()));
    exprs[targets[i]] = *coerced;
  }
  for (int i = 0; i < ncols; ++i) {
    if (!exprs[i]) exprs[i] = fixed[i] ? fixed[i] : sql::MakeNullLiteral(tschema->field(i)->type());
  }
  auto project = std::make_shared<sql::PlanNode>();
  project->kind = sql::PlanKind::kProject;
  project->children = {plan};
  project->exprs = exprs;
  std::vector<col::FieldPtr> fields;
  for (int i = 0; i < ncols; ++i) fields.push_back(col::MakeField(tschema->field(i)->name(), tschema->field(i)->type(), true));
  project->schema = std::make_shared<col::Schema>(fields);

  TIDE_ASSIGN_OR_RETURN(Rows rows, RunPlan(env, project));
  auto out_schema = std::make_shared<col::Schema>(*tschema);
  std::vector<std::shared_ptr<col::RecordBatch>> batches;
  for (auto& b : rows.batches) batches.push_back(std::make_shared<col::RecordBatch>(out_schema, b->columns(), b->num_rows()));
  int64_t n = rows.num_rows();
  if (s.overwrite) {
    table::OverwriteOptions o;
    if (!replace_where.empty()) o.replace_where = replace_where;
    auto r = table::DeltaTable::Overwrite(root, std::move(batches), o);
    if (!r.ok()) return r.status().WithContext("INSERT OVERWRITE " + tname);
  } else {
    if (batches.empty()) return MetricsResult({{"num_affected_rows", 0}, {"num_inserted_rows", 0}});
    auto r = table::DeltaTable::Append(root, std::move(batches));
    if (!r.ok()) return r.status().WithContext("INSERT INTO " + tname);
  }
  return MetricsResult({{"num_affected_rows", n}, {"num_inserted_rows", n}});
}

}  // namespace tide::exec::stmt
