// Bound expressions: what the binder (binder.h) turns an AST expression into, and what the
// exec layer evaluates over columnar batches (exec/expression.h).
//
// A bound expression is fully resolved and typed:
//   - column references are indexes into the columns of the plan node's input (for a join
//     condition: the left input's columns followed by the right input's);
//   - every node has its result type, and whether it can be null;
//   - implicit conversions are explicit: the binder applies Spark's coercion rules and wraps
//     arguments in kCast nodes so that each function receives exactly the argument types its
//     kernel is registered for (function_catalog.h lists them). `1 + x` with x BIGINT arrives
//     as add(cast(1 as BIGINT), x); `d > '2024-01-01'` with d DATE as gt(d, cast('..' as DATE)).
//   - special forms are ordinary kCall nodes with reserved names whose evaluation is lazy or
//     null-aware (see function_catalog.h): "and", "or", "not", "case" (args: cond1, value1,
//     cond2, value2, ..., [else]), "coalesce", "if", "in" (args: operand, list...),
//     "is_null", "is_not_null", "is_true", ...
//
// Literals are one-row columns (ArrayPtr of length 1) of the node's type, so any value the
// columnar layer can hold — including structs, arrays and maps — can be a constant, and
// evaluating a literal is broadcasting its row.
//
// Subqueries that survive binding (not turned into joins) are kSubquery nodes holding the
// subquery's plan; they are uncorrelated by construction (the binder decorrelates or refuses),
// so exec evaluates each once per query and reuses the result.
//
// Nodes are immutable and shared (BoundExprPtr is a shared_ptr to const), so optimizer
// rewrites share unchanged subtrees. `sql` is the expression's SQL text as written by the
// user (for column names of unaliased select items, EXPLAIN and runtime error messages:
// "division by zero in 'a / b' (line 1, column 12)").
//
// Thread-safety: immutable; share across threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/array.h"
#include "columnar/type.h"
#include "sql/ast.h"

namespace tide::sql {

struct PlanNode;
using PlanPtr = std::shared_ptr<const PlanNode>;

struct BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

enum class BoundExprKind : uint8_t {
  kColumn,    // input column `column`
  kLiteral,   // `literal`, a one-row column of `type`
  kCall,      // scalar function `function` over `args` (special forms included, see above)
  kCast,      // cast args[0] to `type`; `try_cast` returns null instead of failing
  kSubquery,  // an uncorrelated subquery, see SubqueryKind
  kLambdaVar, // a lambda parameter (higher-order functions): `column` is its index among the
              // enclosing lambdas' parameters, innermost last
  kLambda,    // a lambda body args[0] with `column` parameters (argument of a kCall only)
};

enum class SubqueryKind : uint8_t {
  kScalar,  // the single value of the plan's single column (null when no row; more than one
            // row is a runtime error naming the subquery)
  kExists,  // whether the plan returns any row
  kIn,      // args[0] IN (the plan's single column), with SQL's three-valued logic
};

struct BoundExpr {
  BoundExprKind kind = BoundExprKind::kLiteral;
  columnar::TypePtr type;  // never null; columnar::Null() for an untyped NULL literal
  bool nullable = true;
  SourcePos pos;
  std::string sql;  // the text as written (see header comment)

  int column = -1;                    // kColumn, kLambdaVar, kLambda
  columnar::ArrayPtr literal;         // kLiteral
  std::string function;               // kCall: lower-case canonical name (function_catalog.h)
  std::vector<BoundExprPtr> args;     // kCall, kCast (one), kSubquery kIn (the operand), kLambda
  bool try_cast = false;              // kCast
  SubqueryKind subquery_kind = SubqueryKind::kScalar;  // kSubquery
  PlanPtr subquery;                   // kSubquery

  bool IsLiteral() const { return kind == BoundExprKind::kLiteral; }
  // A literal whose one value is null.
  bool IsNullLiteral() const { return kind == BoundExprKind::kLiteral && literal->IsNull(0); }
};

// Constructors for binder, optimizer and tests. `sql` defaults to a rendering of the node.
BoundExprPtr MakeColumn(int index, columnar::TypePtr type, bool nullable, std::string sql);
BoundExprPtr MakeLiteral(columnar::ArrayPtr one_row, std::string sql = {});
BoundExprPtr MakeNullLiteral(columnar::TypePtr type);
BoundExprPtr MakeInt64Literal(int64_t v);
BoundExprPtr MakeBoolLiteral(bool v);
BoundExprPtr MakeStringLiteral(std::string_view v);
BoundExprPtr MakeCall(std::string function, std::vector<BoundExprPtr> args, columnar::TypePtr type, bool nullable,
                      std::string sql = {}, SourcePos pos = {});
BoundExprPtr MakeCast(BoundExprPtr operand, columnar::TypePtr type, bool try_cast = false, std::string sql = {});

// Canonical text of a bound expression for EXPLAIN: columns as #index (or their name when
// `input` is given), literals in SQL syntax, calls as name(args).
std::string BoundExprToString(const BoundExpr& expr, const columnar::Schema* input = nullptr);

// Structural equality (same kind, type, function, args, literal value, column index).
bool BoundExprEquals(const BoundExpr& a, const BoundExpr& b);

// Visits every node (pre-order). Subquery plans are not entered.
void VisitBoundExpr(const BoundExpr& expr, const std::function<void(const BoundExpr&)>& fn);

}  // namespace tide::sql
