// The optimizer's passes (optimizer.h), one file each: folding and top-N (optimizer.cc),
// predicate pushdown (optimizer_pushdown.cc), join ordering (optimizer_joins.cc) and
// projection pruning (optimizer_prune.cc). Not a public contract.
#pragma once

#include <vector>

#include "base/result.h"
#include "sql/logical_plan.h"
#include "sql/optimizer.h"

namespace tide::sql::opt {

// Constant folding of every expression (and the plans of subqueries, optimized recursively);
// Filter(true) disappears and Filter(false/null) becomes an empty VALUES.
PlanPtr FoldConstants(const PlanPtr& plan, const OptimizerOptions& options);
BoundExprPtr FoldExpr(const BoundExprPtr& expr, const OptimizerOptions& options);

// Predicate pushdown (see optimizer.h rule 2), including outer-join simplification and
// semi/anti joins moved to the join input they reference.
PlanPtr PushDownPredicates(const PlanPtr& plan);

// Greedy reordering of inner-join graphs (rule 3).
PlanPtr ReorderJoins(const PlanPtr& plan);

// Projection pruning (rule 4); the result has the input's exact output schema.
PlanPtr PruneColumns(const PlanPtr& plan);

// Expressions shared by several aggregate inputs computed once below the aggregate.
PlanPtr ShareAggregateInputs(const PlanPtr& plan);

// Sort + Limit -> top-N (rule 5).
PlanPtr MakeTopN(const PlanPtr& plan);

// Cardinality estimate of a plan's output and of a leaf's unfiltered input.
double EstimateRows(const PlanNode& plan);
double BaseRows(const PlanNode& plan);
double Selectivity(const BoundExpr& predicate);

// Whether `expr` is null or false whenever every column in [begin, end) is null.
bool NullRejecting(const BoundExpr& expr, int begin, int end);

}  // namespace tide::sql::opt
