// The binder: resolves names and types of a parsed query (ast.h) against a catalog and turns
// it into a logical plan (logical_plan.h) with bound expressions (bound_expr.h).
//
// Resolution rules are Spark's: identifiers are case-insensitive; a dotted name a.b.c is tried
// as table.column.field, then column.field.field; an ambiguous column ("id" in both sides of a
// join) is an error listing the candidates; select aliases may be used in GROUP BY, HAVING and
// ORDER BY (and ORDER BY may use input columns not selected); GROUP BY ordinals and ORDER BY
// ordinals refer to select items; `GROUP BY ALL` groups by the non-aggregate items.
//
// What the binder builds:
//   - FROM items become scans, VALUES, subquery plans and joins (comma items are cross joins
//     the optimizer turns into hash joins using WHERE equalities); CTEs are inlined per use;
//     views are parsed from their text and bound in place.
//   - aggregates and window functions are pulled out of the select list, HAVING and ORDER BY
//     into kAggregate / kWindow nodes; a column not grouped nor aggregated is an error naming it.
//   - subqueries: uncorrelated scalar/IN/EXISTS stay as kSubquery expressions; correlated
//     EXISTS / IN with equality correlations become semi/anti (or mark) joins; a correlated
//     scalar aggregate subquery becomes a left join with a grouped aggregate; other correlated
//     forms are Unsupported naming the position.
//   - every implicit conversion is an explicit cast (function_catalog.h type rules).
//
// Errors are InvalidArgument (or NotFound for unknown tables and functions) with the line and
// column of the offending node and what was expected, formatted like the parser's errors
// (lexer.h FormatSqlError) when the source text is given:
//   "line 1, column 8: column 'nme' not found; did you mean 'name'? (columns: id, name)"
//
// Thread-safety: binding reads the catalog and builds new trees; one call per thread at a time
// per catalog.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/type.h"
#include "sql/ast.h"
#include "sql/bound_expr.h"
#include "sql/catalog.h"
#include "sql/logical_plan.h"

namespace tide::sql {

struct BindOptions {
  std::string_view source;        // the statement's text, for error carets (may be empty)
  std::string time_zone = "UTC";  // for TIMESTAMP literals without an offset
};

// Columns visible to an expression: relations with their alias, in input column order.
// For a join condition or MERGE's ON: the target/left relation first, then the source/right.
struct BindScope {
  struct Relation {
    std::string alias;  // qualifier usable as alias.column (empty: none)
    std::shared_ptr<const columnar::Schema> schema;
  };
  std::vector<Relation> relations;
};

// A query to a plan (unoptimized; pass it to Optimize).
base::Result<PlanPtr> BindQuery(const Query& query, Catalog& catalog, const BindOptions& options = {});

// One expression over the columns of `scope` (no aggregates, windows or subqueries over
// other tables unless `allow_subqueries`): for WHERE of UPDATE/DELETE, SET values, MERGE
// conditions, CHECK constraints, OPTIMIZE ... WHERE, and stream filters.
base::Result<BoundExprPtr> BindExpression(const Expr& expr, const BindScope& scope, Catalog& catalog,
                                          const BindOptions& options = {}, bool allow_subqueries = true);

// A constant expression (LIMIT n, VERSION AS OF n, TBLPROPERTIES values, VACUUM RETAIN n):
// bound with no columns in scope.
base::Result<BoundExprPtr> BindConstant(const Expr& expr, Catalog& catalog, const BindOptions& options = {});

// Casts `expr` to `type` (nothing when equal), checking CanCast; `what` names the target in
// errors ("column 'amount' of table 'sales'"). INSERT and MERGE use it to fit values to
// table columns.
base::Result<BoundExprPtr> CoerceTo(BoundExprPtr expr, const columnar::TypePtr& type, const std::string& what);

}  // namespace tide::sql
