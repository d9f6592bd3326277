// Internal state of the binder (binder.h): scopes, expression contexts and the Binder class
// whose methods are spread over binder.cc (queries, SELECT), binder_from.cc (FROM items),
// binder_expr.cc (expressions), binder_literal.cc (literals, intervals, time travel) and
// binder_subquery.cc (subqueries and decorrelation). Not a public contract.
//
// Placeholders: while binding a SELECT, aggregate calls, window calls, grouping ids and outer
// (correlated) references are bound as kColumn nodes with indexes above the k*Base constants;
// the SELECT binder replaces them by real column indexes once the aggregate / window layout is
// known (see binder.cc), and the subquery binder turns outer references into join columns.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "sql/ast.h"
#include "sql/binder.h"
#include "sql/bound_expr.h"
#include "sql/catalog.h"
#include "sql/logical_plan.h"

namespace tide::sql::binder_internal {

inline constexpr int kOuterRefBase = 1 << 24;
inline constexpr int kGroupingIdRef = (1 << 25) - 1;
inline constexpr int kAggRefBase = 1 << 25;
inline constexpr int kWinRefBase = 1 << 26;

std::string Lower(std::string_view s);

struct ScopeColumn {
  std::vector<std::string> qualifiers;  // lower-case relation aliases usable as qualifier
  std::string name;                     // as the user sees it
  columnar::TypePtr type;
  bool nullable = true;
  bool hidden = false;  // internal column (decorrelation): not in `*`, not resolvable
  bool in_star = true;  // expanded by `*` (false: resolvable by name only, like Spark's `window`)
};

struct Scope {
  std::vector<ScopeColumn> columns;  // = the input plan's columns, in order
  const Scope* outer = nullptr;      // the enclosing query's scope (correlated subqueries)
};

struct BoundRelation {
  PlanPtr plan;
  Scope scope;
};

struct PendingWindow {
  std::vector<BoundExprPtr> partition_by;
  std::vector<SortKey> order_by;
  WindowCall call;
};

// Correlation found while binding a subquery body: conjuncts of its WHERE that read outer
// columns (kOuterRefBase + i), rewritten over the subquery plan's output columns.
struct Correlation {
  bool allowed = false;                 // the caller can decorrelate
  std::vector<BoundExprPtr> conjuncts;  // over [subquery output..., outer refs as placeholders]
  int visible_columns = 0;              // the user's select items (extra columns follow)
  bool has_aggregate = false;           // a (scalar) aggregate subquery
  bool count_like = false;              // its single item is a bare count (count bug)
};

// The columns a decorrelated subquery appended to its clause's input plan (a scalar
// subquery's left join or an EXISTS mark join), and the input columns its correlation read.
// An aggregate query keeps them by grouping on them too: they are functions of the
// correlation columns, so when those are group keys the groups do not change.
struct DecorrelatedColumns {
  int first = 0;                 // first appended input column
  int count = 0;                 // how many
  std::vector<int> outer_columns;  // input columns the correlation conditions read
  SourcePos pos;                 // the subquery, for errors
};

// Spark's time window `window(ts, duration[, slide[, start]])` of one SELECT: the first call
// bound appends a column `window` (struct<start, end: TIMESTAMP>) to the SELECT's input (a
// projection for tumbling windows, an explode over the candidate windows for sliding ones,
// rows with a null time dropped as Spark does); every later call with the same arguments
// reads that column.
struct TimeWindowState {
  Scope* scope = nullptr;
  PlanPtr* plan = nullptr;
  std::string sql;  // the bound call, to compare later ones
  int column = -1;  // the appended column, -1 before the first call
  columnar::TypePtr type;
};

// Where an expression is bound and what it may contain.
struct ExprContext {
  Scope* scope = nullptr;
  // The input plan of this clause: correlated subqueries may extend it (joins appending
  // columns, recorded as hidden scope columns). nullptr: they are not allowed here.
  PlanPtr* plan = nullptr;
  std::string clause = "expression";  // "WHERE", "GROUP BY", ... for messages
  std::vector<AggregateCall>* aggregates = nullptr;  // where aggregates go (nullptr: refused)
  std::vector<PendingWindow>* windows = nullptr;     // where window calls go (nullptr: refused)
  const std::vector<const NamedWindow*>* named_windows = nullptr;
  bool allow_subqueries = true;
  bool allow_outer = false;  // outer references allowed (a correlated subquery's WHERE)
  // Select aliases usable as names (GROUP BY, HAVING, ORDER BY): alias -> item expression.
  const std::vector<std::pair<std::string, const Expr*>>* aliases = nullptr;
  bool aliases_first = false;  // ORDER BY: aliases shadow input columns
  // GROUP BY expressions for grouping()/grouping_id() (nullptr: refused).
  const std::vector<BoundExprPtr>* group_exprs = nullptr;
  bool has_grouping_sets = false;
  // Lambda parameters in scope (innermost last).
  std::vector<std::pair<std::string, columnar::TypePtr>> lambda_params;
  int outer_refs = 0;  // outer references made (output)
  // Where correlated subqueries record the columns they append (nullptr: not recorded).
  std::vector<DecorrelatedColumns>* decorrelated = nullptr;
  // The SELECT's time window (nullptr: window() is not allowed here).
  TimeWindowState* time_window = nullptr;
};

class Binder {
 public:
  Binder(Catalog& catalog, const BindOptions& options) : catalog_(catalog), options_(options) {}

  // Queries (binder.cc).
  base::Result<BoundRelation> BindQuery(const Query& query, const Scope* outer, Correlation* corr);
  base::Result<BoundRelation> BindBody(const QueryBody& body, const Scope* outer, Correlation* corr,
                                       const std::vector<OrderItem>* order_by, const Expr* limit, const Expr* offset,
                                       bool* order_done);
  base::Result<BoundRelation> BindSelect(const SelectBody& select, const Scope* outer, Correlation* corr,
                                         const std::vector<OrderItem>* order_by, const Expr* limit, const Expr* offset);
  base::Result<BoundRelation> BindSetOp(const SetOpBody& body);
  base::Result<BoundRelation> BindValuesRows(const std::vector<std::vector<ExprPtr>>& rows, SourcePos pos);
  base::Result<BoundRelation> ApplyOrderLimit(BoundRelation rel, const std::vector<OrderItem>& order_by, const Expr* limit,
                                              const Expr* offset);
  base::Result<int64_t> BindCount(const Expr& e, const char* what);

  // FROM (binder_from.cc).
  base::Result<BoundRelation> BindFrom(const std::vector<TableRefPtr>& from);
  base::Result<BoundRelation> BindTableRef(const TableRef& ref);
  base::Result<BoundRelation> BindNamedTable(const NamedTable& t);
  base::Result<BoundRelation> BindJoin(const JoinTable& j);
  base::Result<BoundRelation> BindTableFunction(const FunctionTable& f);

  // Generators (binder_generator.cc): binds generator call `f` (explode, posexplode, inline,
  // *_outer, json_tuple) over `scope`, wraps *plan in a kExplode node and appends its columns to
  // `scope` (qualified by `qualifier` when not empty), named `names` when their count matches
  // (an error when it does not and `names_strict`). Returns the number of columns appended.
  base::Result<int> BindGenerator(const FunctionCall& f, bool outer, const std::vector<Identifier>& names, bool names_strict,
                                  const std::string& qualifier, Scope& scope, PlanPtr& plan);

  // Expressions (binder_expr.cc).
  base::Result<BoundExprPtr> Bind(const Expr& e, ExprContext& ctx);
  base::Result<BoundExprPtr> BindColumnRef(const ColumnRef& ref, ExprContext& ctx);
  base::Result<BoundExprPtr> BindFunction(const FunctionCall& f, ExprContext& ctx);
  base::Result<BoundExprPtr> BindWindowCall(const FunctionCall& f, const std::string& name, ExprContext& ctx);
  base::Result<BoundExprPtr> BindBinary(const BinaryExpr& b, ExprContext& ctx);
  base::Result<BoundExprPtr> BindLambdaCall(const FunctionCall& f, const std::string& name, ExprContext& ctx);
  // Resolves `name` over `args`, casting each arg to the kernel's type.
  base::Result<BoundExprPtr> Call(const std::string& name, std::vector<BoundExprPtr> args, SourcePos pos, std::string sql);
  base::Result<BoundExprPtr> FieldAccess(BoundExprPtr base, const Identifier& field, SourcePos pos, std::string sql);

  // window(ts, duration[, slide[, start]]) (binder_time_window.cc), see TimeWindowState.
  base::Result<BoundExprPtr> BindTimeWindow(const FunctionCall& f, ExprContext& ctx);

  // Literals and intervals (binder_literal.cc).
  base::Result<BoundExprPtr> BindLiteral(const Literal& lit, bool negate = false);
  base::Result<std::optional<TimeTravelSpec>> BindTimeTravel(const std::optional<TimeTravel>& tt);

  // Subqueries (binder_subquery.cc).
  base::Result<BoundExprPtr> BindSubqueryExpr(const Expr& e, ExprContext& ctx);
  // A WHERE conjunct that is [NOT] EXISTS / [NOT] IN (subquery): joins it into *ctx.plan (or,
  // for an uncorrelated one better evaluated once, sets *expr) and returns true; false when the
  // conjunct is something else.
  base::Result<bool> TryBindSubqueryConjunct(const Expr& e, ExprContext& ctx, BoundExprPtr* expr);
  // A semi/anti/mark join of `left` with a bound subquery and its correlation conjuncts
  // (plus `in_operands[i]` = the subquery's column i for an IN).
  base::Result<PlanPtr> JoinSubquery(PlanPtr left, const BoundRelation& sub, const Correlation& corr, PlanJoinType type,
                                     std::vector<BoundExprPtr> in_operands, SourcePos pos);

  // Errors: "line L, column C: msg" with the source line and caret when the source is known.
  base::Status Error(SourcePos pos, const std::string& msg) const;
  base::Status NotFound(SourcePos pos, const std::string& msg) const;
  base::Status Unsupported(SourcePos pos, const std::string& msg) const;
  base::Status AddPosition(const base::Status& st, SourcePos pos) const;

  const BindOptions& options() const { return options_; }
  Catalog& catalog() { return catalog_; }

 private:
  struct CteEntry {
    std::string name;  // lower case
    const Cte* cte;
  };
  base::Result<BoundRelation> BindCte(size_t index, const NamedTable& ref);

  Catalog& catalog_;
  BindOptions options_;
  std::vector<CteEntry> ctes_;
  std::vector<std::string> views_in_progress_;
  int depth_ = 0;
};

// Spark's name for an unaliased select item: `sum(b)`, `(a + 1)`, `count(1)`.
std::string SparkName(const Expr& e);
// The SQL text of an expression for messages and BoundExpr::sql.
std::string ExprSql(const Expr& e);

// A BoundRelation's scope for a plan's output columns, all qualified by `alias`.
Scope ScopeFor(const columnar::Schema& schema, const std::string& alias);
// The plan output -> scope names (hidden columns included).
std::vector<std::string> ScopeNames(const Scope& scope);

// An interval literal's value: months (years, months), days (weeks, days) and micros (hours
// and smaller), each with its sign.
struct IntervalValue {
  int64_t months = 0;
  int64_t days = 0;
  int64_t micros = 0;
};
base::Result<IntervalValue> EvalInterval(const IntervalLiteral& lit);
// Seconds east of UTC of a zone spelling: "UTC", "Z", "GMT", "+02:00", "UTC-5", ...
std::optional<int64_t> ParseZoneOffset(std::string_view zone);

// Date/time literal parsing (binder_literal.cc), exposed for tests and time travel.
std::optional<int32_t> ParseDateLiteral(std::string_view text);
// Micros since the epoch; `utc` false for TIMESTAMP_NTZ (offsets then refused).
std::optional<int64_t> ParseTimestampLiteral(std::string_view text, bool utc, int64_t default_offset_seconds);

}  // namespace tide::sql::binder_internal
