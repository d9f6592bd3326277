// Internal helpers over bound expressions and plan nodes shared by the binder and the
// optimizer: conjunct splitting, column remapping, schema construction and join-key
// extraction. Not a public contract (only src/sql uses it).
//
// Thread-safety: pure functions over immutable trees.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "columnar/type.h"
#include "sql/bound_expr.h"
#include "sql/logical_plan.h"

namespace tide::sql::planutil {

// The conjuncts of an "and" tree (a non-"and" expression is one conjunct); null adds nothing.
void SplitConjuncts(const BoundExprPtr& expr, std::vector<BoundExprPtr>* out);
std::vector<BoundExprPtr> Conjuncts(const BoundExprPtr& expr);
// and(a, and(b, ...)) of the conjuncts; nullptr for none.
BoundExprPtr MakeAnd(const std::vector<BoundExprPtr>& conjuncts);
BoundExprPtr MakeNot(const BoundExprPtr& e);

// Column indexes an expression reads (kSubquery operands included, subquery plans not).
void CollectColumns(const BoundExpr& expr, std::set<int>* out);
std::set<int> Columns(const BoundExpr& expr);
bool ReferencesOnly(const BoundExpr& expr, int begin, int end);  // every column in [begin, end)
bool HasColumns(const BoundExpr& expr);

// A copy of `expr` with its args replaced (same kind, type, function, ...).
BoundExprPtr WithArgs(const BoundExpr& expr, std::vector<BoundExprPtr> args);
// Rebuilds `expr` replacing every kColumn node by fn(node) (which may return the node itself).
// Shares unchanged subtrees.
BoundExprPtr Rewrite(const BoundExprPtr& expr, const std::function<BoundExprPtr(const BoundExprPtr&)>& fn);
// Column i -> column map[i] (map[i] must be >= 0 for every column read).
BoundExprPtr RemapColumns(const BoundExprPtr& expr, const std::vector<int>& map);
BoundExprPtr ShiftColumns(const BoundExprPtr& expr, int delta);
// Column i -> exprs[i] (substituting a projection's expressions into a predicate above it).
BoundExprPtr Substitute(const BoundExprPtr& expr, const std::vector<BoundExprPtr>& exprs);

// False for expressions whose value may differ between evaluations (rand(), uuid(), ...):
// they are never moved, duplicated or folded.
bool IsDeterministic(const BoundExpr& expr);
bool HasSubquery(const BoundExpr& expr);

// Schemas.
std::shared_ptr<const columnar::Schema> MakeSchema(std::vector<columnar::FieldPtr> fields);
std::shared_ptr<const columnar::Schema> ConcatSchemas(const columnar::Schema& a, const columnar::Schema& b,
                                                      bool a_nullable = false, bool b_nullable = false);
// The output schema of a join of the given type over these inputs.
std::shared_ptr<const columnar::Schema> JoinOutputSchema(PlanJoinType type, const columnar::Schema& left,
                                                         const columnar::Schema& right);

// Node constructors (fill the schema).
PlanPtr MakeFilter(PlanPtr child, BoundExprPtr predicate);
PlanPtr MakeProject(PlanPtr child, std::vector<BoundExprPtr> exprs, std::vector<std::string> names);
// Project of child's columns `cols` (names kept).
PlanPtr MakeColumnProject(PlanPtr child, const std::vector<int>& cols);
PlanPtr MakeJoin(PlanJoinType type, PlanPtr left, PlanPtr right, std::vector<BoundExprPtr> left_keys,
                 std::vector<BoundExprPtr> right_keys, std::vector<bool> null_safe, BoundExprPtr condition);
PlanPtr WithChildren(const PlanNode& node, std::vector<PlanPtr> children);
// Calls fn on every expression slot of `node` (scan filters, predicate, projections, group keys,
// aggregate and window arguments, join keys and condition, sort and window keys, generator);
// fn may replace the expression. Null optional slots are skipped.
void ForEachExprSlot(PlanNode& node, const std::function<void(BoundExprPtr&)>& fn);

// Moves `eq`/`null_safe_eq` conjuncts of `condition` between a left-only and a right-only side
// (columns [0, left_width) and [left_width, ...)) into keys; the rest stays as condition.
void ExtractEquiKeys(int left_width, const BoundExprPtr& condition, std::vector<BoundExprPtr>* left_keys,
                     std::vector<BoundExprPtr>* right_keys, std::vector<bool>* null_safe, BoundExprPtr* residual);
// The full condition of a join (keys as equalities over left++right columns, and the residual).
BoundExprPtr JoinConditionOf(const PlanNode& join);

}  // namespace tide::sql::planutil
