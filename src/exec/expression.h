// Vectorized evaluation of bound expressions (sql/bound_expr.h) over record batches.
//
//   TIDE_ASSIGN_OR_RETURN(auto eval, ExpressionEvaluator::Make(expr, ctx));
//   TIDE_ASSIGN_OR_RETURN(ArrayPtr out, eval->Evaluate(batch));        // batch.num_rows() values
//   TIDE_ASSIGN_OR_RETURN(SelectionVector rows, eval->Select(batch));  // rows where true
//
// Make() compiles the tree once: it looks every function up in the kernel registry
// (functions.h), precomputes constant sub-expressions and per-node state (compiled regular
// expressions, parsed from_json schemas, LIKE matchers), so Evaluate does no per-batch
// lookups. Kernels run over whole columns in tight typed loops; literals are broadcast.
//
// Semantics are Spark's: three-valued logic for and/or/not (lazy: the right side is only
// evaluated for rows the left does not decide), CASE/IF/COALESCE evaluate a branch only for the
// rows that reach it, so `CASE WHEN b <> 0 THEN a / b END` never divides by zero. Under ANSI
// mode (QueryContext settings) division by zero, integer/decimal overflow and invalid casts
// fail with InvalidArgument naming the expression and its position:
//   "line 1, column 8: division by zero in 'a / b'"
//   "line 2, column 3: cannot cast 'abc' to INT in 'CAST(s AS INT)'"
// Otherwise (and always for TRY_CAST / try_* functions) they produce null.
//
// Thread-safety: an evaluator holds scratch state; use one per thread (Make is cheap).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "exec/query_context.h"
#include "sql/bound_expr.h"

namespace tide::exec {

// Row indexes (ascending) into a batch.
using SelectionVector = std::vector<int32_t>;

class ExpressionEvaluator {
 public:
  virtual ~ExpressionEvaluator() = default;
  static base::Result<std::unique_ptr<ExpressionEvaluator>> Make(const sql::BoundExprPtr& expr, QueryContext* ctx);

  // One value per row of `batch`; the result's type is expr->type.
  virtual base::Result<columnar::ArrayPtr> Evaluate(const columnar::RecordBatch& batch) = 0;
  // For BOOLEAN expressions: the rows where the value is true (null and false excluded).
  virtual base::Result<SelectionVector> Select(const columnar::RecordBatch& batch) = 0;
};

// Evaluates an expression without input columns (constant folding, VALUES rows, LIMIT n,
// time-travel and DML constants): a one-row column.
base::Result<columnar::ArrayPtr> EvaluateConstant(const sql::BoundExprPtr& expr, QueryContext* ctx);

}  // namespace tide::exec
