// Rewrites a bound logical plan into an equivalent, cheaper one. Rules, in order:
//   1. constant folding (through `fold`, which evaluates a constant expression — the exec
//      layer provides it; without it only trivial boolean simplifications run);
//   2. predicate pushdown: filters split into conjuncts and moved below projections, joins
//      (to the side they reference; into inner-join conditions) and aggregates (group-key
//      conjuncts), down into kScan::scan_filters; WHERE equalities between the sides of a
//      cross join turn it into an inner hash join;
//   3. join ordering: inner-join graphs are reordered greedily by estimated cardinality
//      (TableHandle::EstimatedRows, filter selectivity guesses), the smaller side as build
//      (right) input; a build input may first be joined with the smaller filtered leaves only
//      it reaches (a bushy plan), and column equalities are closed transitively (a = b and
//      b = c give a = c) with no equality checked twice (optimizer_joins.cc);
//   4. projection pruning: every node keeps only the columns something above uses, down to
//      kScan::scan_columns;
//   5. sort + limit become top-N (kSort with limit).
// The result has the same output schema (names, types, order) as the input plan.
//
// Thread-safety: pure function of its inputs.
#pragma once

#include <functional>

#include "base/result.h"
#include "sql/logical_plan.h"

namespace tide::sql {

// Evaluates a constant bound expression (no columns) into a literal; an error leaves the
// expression as it is (so a runtime error such as 1/0 happens, with its message, at run time).
using ConstantFolder = std::function<base::Result<BoundExprPtr>(const BoundExprPtr&)>;

struct OptimizerOptions {
  ConstantFolder fold;
  bool reorder_joins = true;
};

base::Result<PlanPtr> Optimize(const PlanPtr& plan, const OptimizerOptions& options = {});

}  // namespace tide::sql
