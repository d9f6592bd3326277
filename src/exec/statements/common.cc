// Shared helpers of the statement families (statements.h).
#include <cmath>

#include "base/strings.h"
#include "columnar/builder.h"
#include "exec/expression.h"
#include "exec/filter_pushdown.h"
#include "exec/statements/statements.h"
#include "sql/lexer.h"
#include "sql/optimizer.h"

namespace tide::exec::stmt {

namespace col = tide::columnar;
using base::Status;

sql::BindOptions StatementEnv::bind_options() const {
  sql::BindOptions o;
  o.source = source;
  o.time_zone = settings->time_zone;
  return o;
}

std::shared_ptr<QueryContext> StatementEnv::NewContext() const { return std::make_shared<QueryContext>(*settings); }

std::optional<std::string> StatementEnv::Conf(std::string_view key) const {
  if (!conf) return std::nullopt;
  auto it = conf->find(std::string(key));
  if (it == conf->end()) return std::nullopt;
  return it->second;
}

int64_t Rows::num_rows() const {
  int64_t n = 0;
  for (const auto& b : batches) n += b->num_rows();
  return n;
}

Status ErrorAt(const StatementEnv& env, sql::SourcePos pos, base::StatusCode code, std::string_view message) {
  if (env.source.empty()) {
    return Status(code, "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ": " +
                            std::string(message));
  }
  return Status(code, sql::FormatSqlError(env.source, pos, message));
}

base::Result<sql::PlanPtr> PlanQuery(StatementEnv& env, const sql::Query& query) {
  TIDE_ASSIGN_OR_RETURN(sql::PlanPtr bound, sql::BindQuery(query, *env.catalog, env.bind_options()));
  auto ctx = env.NewContext();
  sql::OptimizerOptions oo;
  oo.fold = [ctx](const sql::BoundExprPtr& e) -> base::Result<sql::BoundExprPtr> {
    TIDE_ASSIGN_OR_RETURN(col::ArrayPtr v, EvaluateConstant(e, ctx.get()));
    return sql::MakeLiteral(std::move(v), e->sql);
  };
  return sql::Optimize(bound, oo);
}

base::Result<Rows> RunPlan(StatementEnv& env, const sql::PlanPtr& plan) {
  auto ctx = env.NewContext();
  if (env.set_running) env.set_running(ctx);
  Rows rows;
  rows.schema = plan->schema;
  auto st = ExecutePlan(
      plan, ctx.get(),
      [&](std::shared_ptr<col::RecordBatch> b) -> Status {
        if (b && b->num_rows() > 0) rows.batches.push_back(std::move(b));
        return Status::OK();
      },
      &rows.stats);
  if (env.set_running) env.set_running(nullptr);
  TIDE_RETURN_IF_ERROR(st);
  return rows;
}

base::Result<Rows> RunQuery(StatementEnv& env, const sql::Query& query) {
  TIDE_ASSIGN_OR_RETURN(sql::PlanPtr plan, PlanQuery(env, query));
  return RunPlan(env, plan);
}

base::Result<col::ArrayPtr> EvalConstant(StatementEnv& env, const sql::Expr& expr) {
  TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr bound, sql::BindConstant(expr, *env.catalog, env.bind_options()));
  auto ctx = env.NewContext();
  return EvaluateConstant(bound, ctx.get());
}

namespace {

std::optional<double> NumberAt(const col::ArrayData& a, int64_t i) {
  if (a.IsNull(i)) return std::nullopt;
  switch (a.type->id()) {
    case col::TypeId::kInt8: return a.Value<int8_t>(i);
    case col::TypeId::kInt16: return a.Value<int16_t>(i);
    case col::TypeId::kInt32: return a.Value<int32_t>(i);
    case col::TypeId::kInt64: return static_cast<double>(a.Value<int64_t>(i));
    case col::TypeId::kFloat32: return a.Value<float>(i);
    case col::TypeId::kFloat64: return a.Value<double>(i);
    case col::TypeId::kDecimal128: {
      double v = static_cast<double>(a.Value<__int128>(i));
      for (int k = 0; k < a.type->scale(); ++k) v /= 10;
      return v;
    }
    default: return std::nullopt;
  }
}

}  // namespace

base::Result<int64_t> EvalInt(StatementEnv& env, const sql::Expr& expr, const std::string& what) {
  TIDE_ASSIGN_OR_RETURN(col::ArrayPtr v, EvalConstant(env, expr));
  if (v->type->id() == col::TypeId::kInt64 && !v->IsNull(0)) return v->Value<int64_t>(0);
  auto d = NumberAt(*v, 0);
  if (!d || std::floor(*d) != *d || std::fabs(*d) > 9.2e18) {
    return ErrorAt(env, expr.pos, base::StatusCode::kInvalidArgument, what + " must be an integer");
  }
  return static_cast<int64_t>(*d);
}

base::Result<double> EvalDouble(StatementEnv& env, const sql::Expr& expr, const std::string& what) {
  TIDE_ASSIGN_OR_RETURN(col::ArrayPtr v, EvalConstant(env, expr));
  auto d = NumberAt(*v, 0);
  if (!d) return ErrorAt(env, expr.pos, base::StatusCode::kInvalidArgument, what + " must be a number");
  return *d;
}

base::Result<sql::TimeTravelSpec> EvalTimeTravel(StatementEnv& env, const sql::TimeTravel& tt) {
  sql::TimeTravelSpec spec;
  spec.kind = tt.kind;
  if (tt.kind == sql::TimeTravelKind::kVersion) {
    TIDE_ASSIGN_OR_RETURN(spec.version, EvalInt(env, *tt.value, "VERSION AS OF"));
    return spec;
  }
  TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr bound, sql::BindConstant(*tt.value, *env.catalog, env.bind_options()));
  TIDE_ASSIGN_OR_RETURN(bound, sql::CoerceTo(bound, col::Timestamp(col::TimeUnit::kMicro, true), "TIMESTAMP AS OF"));
  auto ctx = env.NewContext();
  TIDE_ASSIGN_OR_RETURN(col::ArrayPtr v, EvaluateConstant(bound, ctx.get()));
  if (v->IsNull(0)) return ErrorAt(env, tt.pos, base::StatusCode::kInvalidArgument, "TIMESTAMP AS OF NULL");
  spec.timestamp_micros = v->Value<int64_t>(0);
  return spec;
}

// ---------------------------------------------------------------- results

StatementResult TextResult(const std::vector<std::string>& columns, const std::vector<TextRow>& rows) {
  std::vector<col::FieldPtr> fields;
  std::vector<col::ArrayPtr> arrays;
  for (size_t c = 0; c < columns.size(); ++c) {
    fields.push_back(col::MakeField(columns[c], col::Utf8(), true));
    col::BinaryBuilder b(col::Utf8());
    for (const auto& r : rows) {
      if (c < r.size() && r[c]) {
        b.Append(*r[c]);
      } else {
        b.AppendNull();
      }
    }
    arrays.push_back(b.Finish());
  }
  StatementResult out;
  out.schema = std::make_shared<col::Schema>(std::move(fields));
  if (!rows.empty()) {
    out.batches.push_back(std::make_shared<col::RecordBatch>(out.schema, std::move(arrays), static_cast<int64_t>(rows.size())));
  }
  out.stats.rows_out = static_cast<int64_t>(rows.size());
  return out;
}

namespace {

StatementResult MetricsRow(std::vector<col::FieldPtr> fields, std::vector<col::ArrayPtr> arrays,
                           const std::vector<std::pair<std::string, int64_t>>& metrics) {
  for (const auto& [name, v] : metrics) {
    fields.push_back(col::MakeField(name, col::Int64(), true));
    col::Int64Builder b(col::Int64());
    b.Append(v);
    arrays.push_back(b.Finish());
  }
  StatementResult out;
  out.schema = std::make_shared<col::Schema>(std::move(fields));
  out.batches.push_back(std::make_shared<col::RecordBatch>(out.schema, std::move(arrays), 1));
  out.stats.rows_out = 1;
  return out;
}

}  // namespace

StatementResult MetricsResult(const std::vector<std::pair<std::string, int64_t>>& metrics) {
  return MetricsRow({}, {}, metrics);
}

StatementResult PathAndMetrics(const std::string& path, const std::vector<std::pair<std::string, int64_t>>& metrics) {
  col::BinaryBuilder pb(col::Utf8());
  pb.Append(path);
  return MetricsRow({col::MakeField("path", col::Utf8(), true)}, {pb.Finish()}, metrics);
}

int64_t Metric(const std::map<std::string, int64_t>& metrics, const std::string& key) {
  auto it = metrics.find(key);
  return it == metrics.end() ? 0 : it->second;
}

StatementResult EmptyResult() {
  StatementResult out;
  out.schema = std::make_shared<col::Schema>();
  return out;
}

StatementResult FromRows(Rows rows) {
  StatementResult out;
  out.schema = std::move(rows.schema);
  out.batches = std::move(rows.batches);
  out.stats = rows.stats;
  out.stats.rows_out = 0;
  for (const auto& b : out.batches) out.stats.rows_out += b->num_rows();
  return out;
}

std::string SparkTypeName(const col::DataType& t) {
  switch (t.id()) {
    case col::TypeId::kNull: return "void";
    case col::TypeId::kBoolean: return "boolean";
    case col::TypeId::kInt8: return "tinyint";
    case col::TypeId::kInt16: return "smallint";
    case col::TypeId::kInt32: return "int";
    case col::TypeId::kInt64: return "bigint";
    case col::TypeId::kUInt8: return "smallint";
    case col::TypeId::kUInt16: return "int";
    case col::TypeId::kUInt32: return "bigint";
    case col::TypeId::kUInt64: return "decimal(20,0)";
    case col::TypeId::kFloat32: return "float";
    case col::TypeId::kFloat64: return "double";
    case col::TypeId::kDecimal128: return "decimal(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) + ")";
    case col::TypeId::kString: return "string";
    case col::TypeId::kBinary: case col::TypeId::kFixedSizeBinary: return "binary";
    case col::TypeId::kDate32: return "date";
    case col::TypeId::kTime64: return "time";
    case col::TypeId::kTimestamp: return t.utc_adjusted() ? "timestamp" : "timestamp_ntz";
    case col::TypeId::kList: return "array<" + SparkTypeName(*t.children()[0]->type()) + ">";
    case col::TypeId::kMap: return "map<" + SparkTypeName(*t.map_key()->type()) + "," + SparkTypeName(*t.map_value()->type()) + ">";
    case col::TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < t.children().size(); ++i) {
        if (i) s += ",";
        s += t.children()[i]->name() + ":" + SparkTypeName(*t.children()[i]->type());
      }
      return s + ">";
    }
  }
  return t.ToString();
}

std::string QualifiedNameText(const sql::QualifiedName& name) {
  std::string out;
  for (size_t i = 0; i < name.parts.size(); ++i) {
    if (i) out += ".";
    out += name.parts[i].quoted ? "`" + name.parts[i].name + "`" : name.parts[i].name;
  }
  return out;
}

int FindColumn(const col::Schema& schema, std::string_view name) {
  std::string lower = base::AsciiLower(name);
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (base::AsciiLower(schema.field(i)->name()) == lower) return i;
  }
  return -1;
}

namespace {

bool Nondeterministic(const std::string& f) {
  return f == "rand" || f == "random" || f == "randn" || f == "uuid" || f == "shuffle" ||
         f == "monotonically_increasing_id" || f == "spark_partition_id" || f == "input_file_name";
}

// Folds constant subtrees (casts of literals, calls over literals) into literals, so DML
// conditions such as `id >= 2` (bound as ge(id, cast(2 as bigint))) prune files. A subtree
// whose evaluation fails is left alone: the error then happens, with its message, per row.
sql::BoundExprPtr Fold(const sql::BoundExprPtr& e, QueryContext* ctx) {
  if (!e || (e->kind != sql::BoundExprKind::kCall && e->kind != sql::BoundExprKind::kCast)) return e;
  std::vector<sql::BoundExprPtr> args;
  bool changed = false, all_literal = true;
  for (const auto& a : e->args) {
    auto f = Fold(a, ctx);
    changed |= f != a;
    all_literal &= f && f->IsLiteral();
    args.push_back(std::move(f));
  }
  if (e->kind == sql::BoundExprKind::kCall && Nondeterministic(e->function)) all_literal = false;
  sql::BoundExprPtr out = e;
  if (changed) {
    auto copy = std::make_shared<sql::BoundExpr>(*e);
    copy->args = args;
    out = copy;
  }
  // Zero-argument calls fold too (current_date(), current_timestamp(): fixed per statement).
  if (all_literal) {
    auto v = EvaluateConstant(out, ctx);
    if (v.ok()) return sql::MakeLiteral(*v, e->sql);
  }
  return out;
}

}  // namespace

base::Result<sql::BoundExprPtr> BindOverTable(StatementEnv& env, const sql::Expr& expr,
                                              const std::shared_ptr<const col::Schema>& schema, const std::string& alias) {
  sql::BindScope scope;
  scope.relations.push_back({alias, schema});
  TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr bound,
                        sql::BindExpression(expr, scope, *env.catalog, env.bind_options(), /*allow_subqueries=*/true));
  auto ctx = env.NewContext();
  return Fold(bound, ctx.get());
}

sql::BoundExprPtr FoldConstants(StatementEnv& env, const sql::BoundExprPtr& expr) {
  auto ctx = env.NewContext();
  return Fold(expr, ctx.get());
}

std::string StripPosition(const std::string& message) {
  // "line L, column C: rest" -> "rest" (the caller re-anchors the message at its own node).
  if (message.rfind("line ", 0) != 0) return message;
  size_t colon = message.find(": ");
  if (colon == std::string::npos || message.find(", column ") > colon) return message;
  std::string rest = message.substr(colon + 2);
  size_t nl = rest.find('\n');
  return nl == std::string::npos ? rest : rest.substr(0, nl);
}

std::vector<table::ColumnFilter> PruningFilters(const sql::BoundExprPtr& predicate, const col::Schema& schema) {
  std::vector<sql::BoundExprPtr> conjuncts;
  SplitConjuncts(predicate, &conjuncts);
  std::vector<std::string> names;
  for (const auto& f : schema.fields()) names.push_back(f->name());
  return ToColumnFilters(conjuncts, names);
}

}  // namespace tide::exec::stmt
