// Internal to the session (session.h): one function per statement family, each in its own
// file under statements/, sharing the StatementEnv the session builds per statement.
//
// Results follow session.h: DDL returns an empty result (no columns), DML Spark's metric
// columns, DESCRIBE/SHOW their rows (helpers below build them).
//
// Thread-safety: a StatementEnv belongs to the session's thread for one statement.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "exec/catalog.h"
#include "exec/executor.h"
#include "exec/query_context.h"
#include "exec/session.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/logical_plan.h"
#include "table/scan.h"

namespace tide::exec::stmt {

// Settings keys with a meaning (docs/sql.md "SET").
inline constexpr std::string_view kAnsiKey = "spark.sql.ansi.enabled";
inline constexpr std::string_view kTimeZoneKey = "spark.sql.session.timeZone";
inline constexpr std::string_view kThreadsKey = "tide.threads";
inline constexpr std::string_view kMemoryLimitKey = "tide.memory_limit";
inline constexpr std::string_view kBatchSizeKey = "tide.batch_size";
inline constexpr std::string_view kRetentionCheckKey = "spark.databricks.delta.retentionDurationCheck.enabled";

struct StatementEnv {
  std::string_view source;  // the statement's text (for error carets)
  Catalog* catalog = nullptr;
  ExecSettings* settings = nullptr;                 // the session's (SET changes them)
  std::map<std::string, std::string>* conf = nullptr;  // every SET key as written
  // Registers the running query's context with the session (for Cancel) / clears it.
  std::function<void(std::shared_ptr<QueryContext>)> set_running;

  sql::BindOptions bind_options() const;
  std::shared_ptr<QueryContext> NewContext() const;
  // A conf value, if SET.
  std::optional<std::string> Conf(std::string_view key) const;
};

// A materialized result.
struct Rows {
  std::shared_ptr<const columnar::Schema> schema;
  std::vector<std::shared_ptr<columnar::RecordBatch>> batches;
  ExecStats stats;
  int64_t num_rows() const;
};

// Binds and optimizes a query.
base::Result<sql::PlanPtr> PlanQuery(StatementEnv& env, const sql::Query& query);
// Runs a plan to completion, registered for Cancel.
base::Result<Rows> RunPlan(StatementEnv& env, const sql::PlanPtr& plan);
base::Result<Rows> RunQuery(StatementEnv& env, const sql::Query& query);
// Evaluates a constant expression (VERSION AS OF n, RETAIN n HOURS, LIMIT n).
base::Result<columnar::ArrayPtr> EvalConstant(StatementEnv& env, const sql::Expr& expr);
base::Result<int64_t> EvalInt(StatementEnv& env, const sql::Expr& expr, const std::string& what);
base::Result<double> EvalDouble(StatementEnv& env, const sql::Expr& expr, const std::string& what);
// A time-travel clause as the catalog wants it (the timestamp in the session time zone).
base::Result<sql::TimeTravelSpec> EvalTimeTravel(StatementEnv& env, const sql::TimeTravel& tt);

// "line L, column C: <message>" plus the source line and a caret.
base::Status ErrorAt(const StatementEnv& env, sql::SourcePos pos, base::StatusCode code, std::string_view message);

// ---------------------------------------------------------------- result builders

// A result of string columns (null = nullopt), one vector per row.
using TextRow = std::vector<std::optional<std::string>>;
StatementResult TextResult(const std::vector<std::string>& columns, const std::vector<TextRow>& rows);
// Named BIGINT metric columns, one row.
StatementResult MetricsResult(const std::vector<std::pair<std::string, int64_t>>& metrics);
// The same row with a leading `path` STRING column (OPTIMIZE's result, as Delta's).
StatementResult PathAndMetrics(const std::string& path, const std::vector<std::pair<std::string, int64_t>>& metrics);
// metrics[key], 0 when the table layer did not report it.
int64_t Metric(const std::map<std::string, int64_t>& metrics, const std::string& key);
// No columns, no rows (DDL).
StatementResult EmptyResult();
StatementResult FromRows(Rows rows);

// Spark's SQL name of a type: bigint, string, decimal(10,2), array<int>, struct<a:int,b:string>,
// map<string,int>, timestamp, timestamp_ntz.
std::string SparkTypeName(const columnar::DataType& type);
std::string QualifiedNameText(const sql::QualifiedName& name);

// Case-insensitive field lookup; -1 when absent.
int FindColumn(const columnar::Schema& schema, std::string_view name);

// ---------------------------------------------------------------- statement families

base::Result<StatementResult> CreateTable(StatementEnv& env, const sql::CreateTableStatement& s);
base::Result<StatementResult> CreateView(StatementEnv& env, const sql::CreateViewStatement& s);
base::Result<StatementResult> Drop(StatementEnv& env, const sql::DropStatement& s);
base::Result<StatementResult> AlterTable(StatementEnv& env, const sql::AlterTableStatement& s);
base::Result<StatementResult> Insert(StatementEnv& env, const sql::InsertStatement& s);
base::Result<StatementResult> Update(StatementEnv& env, const sql::UpdateStatement& s);
base::Result<StatementResult> Delete(StatementEnv& env, const sql::DeleteStatement& s);
base::Result<StatementResult> Merge(StatementEnv& env, const sql::MergeStatement& s);
base::Result<StatementResult> Optimize(StatementEnv& env, const sql::OptimizeStatement& s);
base::Result<StatementResult> Vacuum(StatementEnv& env, const sql::VacuumStatement& s);
base::Result<StatementResult> Restore(StatementEnv& env, const sql::RestoreStatement& s);
base::Result<StatementResult> Describe(StatementEnv& env, const sql::DescribeStatement& s);
base::Result<StatementResult> Show(StatementEnv& env, const sql::ShowStatement& s);
base::Result<StatementResult> Explain(StatementEnv& env, const sql::ExplainStatement& s);
base::Result<StatementResult> Set(StatementEnv& env, const sql::SetStatement& s);

// Helpers for DML over a table schema.
// Binds `expr` over one relation (the table, qualified by `alias` and the table's name).
base::Result<sql::BoundExprPtr> BindOverTable(StatementEnv& env, const sql::Expr& expr,
                                              const std::shared_ptr<const columnar::Schema>& schema,
                                              const std::string& alias);
// Constant subtrees folded into literals (deterministic functions only).
sql::BoundExprPtr FoldConstants(StatementEnv& env, const sql::BoundExprPtr& expr);
// A message without its leading "line L, column C: " (and caret lines).
std::string StripPosition(const std::string& message);
// The conjuncts of a bound predicate convertible to pruning filters (top-level columns only).
std::vector<table::ColumnFilter> PruningFilters(const sql::BoundExprPtr& predicate, const columnar::Schema& schema);

}  // namespace tide::exec::stmt
