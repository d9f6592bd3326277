// The optimizer's driver, constant folding and top-N.
#include "sql/optimizer.h"

#include "columnar/array.h"
#include "sql/optimizer_internal.h"
#include "sql/optimizer_util.h"

namespace tide::sql {
namespace opt {

namespace {

bool IsBoolLiteral(const BoundExpr& e, bool value) {
  return e.IsLiteral() && e.type->id() == columnar::TypeId::kBoolean && !e.literal->IsNull(0) && e.literal->BoolValue(0) == value;
}

bool IsFalseOrNull(const BoundExpr& e) {
  return e.IsLiteral() && (e.literal->IsNull(0) || (e.type->id() == columnar::TypeId::kBoolean && !e.literal->BoolValue(0)));
}

bool HasLambdaVars(const BoundExpr& e) {
  bool any = false;
  VisitBoundExpr(e, [&](const BoundExpr& n) {
    if (n.kind == BoundExprKind::kLambdaVar) any = true;
  });
  return any;
}

}  // namespace

BoundExprPtr FoldExpr(const BoundExprPtr& expr, const OptimizerOptions& options) {
  if (!expr) return expr;
  switch (expr->kind) {
    case BoundExprKind::kColumn:
    case BoundExprKind::kLiteral:
    case BoundExprKind::kLambdaVar:
      return expr;
    case BoundExprKind::kSubquery: {
      auto copy = std::make_shared<BoundExpr>(*expr);
      for (auto& a : copy->args) a = FoldExpr(a, options);
      auto optimized = Optimize(expr->subquery, options);
      if (optimized.ok()) copy->subquery = *optimized;
      return copy;
    }
    case BoundExprKind::kLambda:
    case BoundExprKind::kCall:
    case BoundExprKind::kCast:
      break;
  }
  std::vector<BoundExprPtr> args;
  bool changed = false;
  bool all_literal = true;
  for (const auto& a : expr->args) {
    args.push_back(FoldExpr(a, options));
    changed |= args.back() != a;
    all_literal &= args.back()->IsLiteral();
  }
  BoundExprPtr e = changed ? planutil::WithArgs(*expr, args) : expr;
  if (e->kind == BoundExprKind::kLambda) return e;
  // Boolean simplifications (no evaluation needed).
  if (e->kind == BoundExprKind::kCall && e->args.size() == 2 && (e->function == "and" || e->function == "or")) {
    bool is_and = e->function == "and";
    for (int side = 0; side < 2; ++side) {
      const auto& a = e->args[side];
      const auto& other = e->args[1 - side];
      if (IsBoolLiteral(*a, !is_and)) return a;  // false AND x, true OR x
      if (IsBoolLiteral(*a, is_and) && other->type->id() == columnar::TypeId::kBoolean) return other;  // true AND x
    }
  }
  if (!all_literal || !options.fold || HasLambdaVars(*e) || !planutil::IsDeterministic(*e)) return e;
  if (e->kind == BoundExprKind::kCall && e->args.empty()) {
    // Zero-argument calls fold only when known to be constant within a query.
    static const char* const kConstant[] = {"current_date", "current_timestamp", "now", "pi", "e", "current_timezone",
                                            "localtimestamp"};
    bool ok = false;
    for (const char* n : kConstant) ok = ok || e->function == n;
    if (!ok) return e;
  }
  auto folded = options.fold(e);
  if (!folded.ok() || !*folded || !(*folded)->IsLiteral() || !(*folded)->type->Equals(*e->type)) return e;
  return *folded;
}

PlanPtr FoldConstants(const PlanPtr& plan, const OptimizerOptions& options) {
  std::vector<PlanPtr> children;
  for (const auto& c : plan->children) children.push_back(FoldConstants(c, options));
  auto n = std::make_shared<PlanNode>(*plan);
  n->children = std::move(children);
  planutil::ForEachExprSlot(*n, [&](BoundExprPtr& e) { e = FoldExpr(e, options); });
  if (n->kind == PlanKind::kFilter) {
    if (IsBoolLiteral(*n->predicate, true)) return n->children[0];
    if (IsFalseOrNull(*n->predicate)) {
      // Nothing passes: an empty VALUES with the same columns.
      auto v = std::make_shared<PlanNode>();
      v->kind = PlanKind::kValues;
      v->schema = n->schema;
      for (const auto& field : n->schema->fields()) v->values.push_back(columnar::MakeNullArray(field->type(), 0));
      v->values_rows = 0;
      return v;
    }
  }
  if (n->kind == PlanKind::kJoin && n->condition && IsBoolLiteral(*n->condition, true)) n->condition = nullptr;
  return n;
}

PlanPtr MakeTopN(const PlanPtr& plan) {
  std::vector<PlanPtr> children;
  for (const auto& c : plan->children) children.push_back(MakeTopN(c));
  PlanPtr n = planutil::WithChildren(*plan, std::move(children));
  if (n->kind != PlanKind::kLimit || n->limit < 0) return n;
  const PlanPtr& child = n->children[0];
  auto with_topn = [&](const PlanPtr& sort) {
    auto s = std::make_shared<PlanNode>(*sort);
    s->limit = sort->limit >= 0 ? std::min(sort->limit, n->limit + n->offset) : n->limit + n->offset;
    s->offset = 0;
    return s;
  };
  if (child->kind == PlanKind::kSort) {
    return planutil::WithChildren(*n, {with_topn(child)});
  }
  if (child->kind == PlanKind::kProject && child->children[0]->kind == PlanKind::kSort) {
    // Limit(Project(Sort)) = Project(Limit(Sort)): the projection is row-wise.
    bool deterministic = true;
    for (const auto& e : child->exprs) deterministic = deterministic && planutil::IsDeterministic(*e);
    if (deterministic) {
      PlanPtr limit = planutil::WithChildren(*n, {with_topn(child->children[0])});
      auto l = std::make_shared<PlanNode>(*limit);
      l->schema = child->children[0]->schema;
      return planutil::WithChildren(*child, {l});
    }
  }
  return n;
}

}  // namespace opt

base::Result<PlanPtr> Optimize(const PlanPtr& plan, const OptimizerOptions& options) {
  if (!plan) return base::Status::InvalidArgument("Optimize: no plan");
  PlanPtr p = opt::FoldConstants(plan, options);
  p = opt::PushDownPredicates(p);
  if (options.reorder_joins) {
    p = opt::ReorderJoins(p);
    p = opt::PushDownPredicates(p);
  }
  p = opt::PruneColumns(p);
  p = opt::ShareAggregateInputs(p);
  p = opt::MakeTopN(p);
  return p;
}

}  // namespace tide::sql
