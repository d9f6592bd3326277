// Internal to the expression evaluator (expression*.cc): the compiled node tree.
//
// Each bound node compiles to one Node. Eval produces the node's values for the rows of an
// EvalInput — a column or a broadcast scalar (KernelArg). Lazy forms (and, or, case,
// coalesce, if) evaluate a child only on the rows that reach it: EvalOnRows gathers just the
// columns that child reads for those rows (Node::columns) and evaluates it on that smaller
// input, so `CASE WHEN b <> 0 THEN a / b END` never sees b = 0.
#pragma once

#include <memory>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "exec/expression.h"
#include "exec/functions.h"
#include "exec/query_context.h"
#include "sql/bound_expr.h"

namespace tide::exec::expr {

// The rows an expression is evaluated over. Columns a node does not read may be null.
struct EvalInput {
  std::vector<columnar::ArrayPtr> columns;
  int64_t num_rows = 0;
};

class Node {
 public:
  virtual ~Node() = default;
  virtual base::Result<KernelArg> Eval(const EvalInput& in) = 0;
  // Rows (ascending) where the BOOLEAN value is true.
  virtual base::Status Select(const EvalInput& in, SelectionVector* out);

  const sql::BoundExpr* expr = nullptr;
  std::vector<int> columns;  // input columns this subtree reads (sorted, unique)
  bool may_fail = true;      // whether evaluating can return an error for some input
  bool constant = false;     // no column input (value fixed for the query)
  bool deterministic = true;
};
using NodePtr = std::unique_ptr<Node>;

struct CompileContext {
  QueryContext* query = nullptr;
  // Lambda parameters are extra input columns: parameter k (kLambdaVar column k, counted over
  // all enclosing lambdas) is input column lambda_base + k. lambda_base is past every column
  // the expression reads; lambda_depth counts the parameters of the enclosing lambdas.
  int lambda_base = 0;
  int lambda_depth = 0;
};

base::Result<NodePtr> Compile(const sql::BoundExprPtr& e, CompileContext* cc);

// The lazy forms (expression_special.cc).
base::Result<NodePtr> MakeAndOr(const sql::BoundExpr& e, bool is_and, std::vector<NodePtr> children);
base::Result<NodePtr> MakeNot(const sql::BoundExpr& e, NodePtr child);
// case (cond, value pairs, optional else), if (cond, a, b): both as CASE.
base::Result<NodePtr> MakeCase(const sql::BoundExpr& e, std::vector<NodePtr> children, bool has_else);
base::Result<NodePtr> MakeCoalesce(const sql::BoundExpr& e, std::vector<NodePtr> children);
// A call with lambda arguments (transform, filter, exists, forall, aggregate, zip_with,
// map_filter, transform_values, transform_keys, array_sort with a comparator);
// expression_lambda.cc.
base::Result<NodePtr> MakeLambdaCall(const sql::BoundExprPtr& e, CompileContext* cc);
// The input column of lambda parameter slot k.
inline int LambdaSlot(const CompileContext& cc, int k) { return cc.lambda_base + k; }

// Evaluates `node` on the given rows of `in` (all rows when rows.size() == num_rows).
base::Result<KernelArg> EvalOnRows(Node& node, const EvalInput& in, const SelectionVector& rows);
// Value i of a BOOLEAN KernelArg as -1 null, 0 false, 1 true.
inline int Truth(const KernelArg& a, int64_t i) {
  const columnar::ArrayData& d = *a.array;
  const int64_t r = a.Row(i);
  if (d.type->id() == columnar::TypeId::kNull || d.IsNull(r)) return -1;
  return d.BoolValue(r) ? 1 : 0;
}
// A full column of n rows for the result.
columnar::ArrayPtr Materialize(const KernelArg& a, int64_t n);

}  // namespace tide::exec::expr
