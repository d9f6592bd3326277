// Common subexpressions of an aggregate's inputs: an expression that several aggregate
// arguments (or group keys) share — TPC-H Q1's l_extendedprice * (1 - l_discount) in two sums
// — is computed once by a projection below the aggregate.
#include "sql/optimizer_internal.h"
#include "sql/optimizer_util.h"

namespace tide::sql::opt {

namespace {

struct Candidate {
  BoundExprPtr expr;
  int count = 0;
};

bool IsLazy(const BoundExpr& x) {
  static const char* const kLazy[] = {"case", "if", "coalesce", "and", "or", "nvl", "nvl2", "nullif"};
  if (x.kind != BoundExprKind::kCall) return false;
  for (const char* l : kLazy) {
    if (x.function == l) return true;
  }
  return false;
}

bool Eligible(const BoundExpr& e) {
  if (e.kind != BoundExprKind::kCall && e.kind != BoundExprKind::kCast) return false;
  if (!planutil::HasColumns(e) || !planutil::IsDeterministic(e) || planutil::HasSubquery(e)) return false;
  bool lambda = false;
  VisitBoundExpr(e, [&](const BoundExpr& x) {
    if (x.kind == BoundExprKind::kLambda || x.kind == BoundExprKind::kLambdaVar) lambda = true;
  });
  return !lambda;
}

void Collect(const BoundExprPtr& e, std::vector<Candidate>* out) {
  if (!e) return;
  if (Eligible(*e)) {
    bool found = false;
    for (auto& c : *out) {
      if (BoundExprEquals(*c.expr, *e)) {
        ++c.count;
        found = true;
        break;
      }
    }
    if (!found) out->push_back({e, 1});
  }
  // A lazy form (CASE, IF, COALESCE, AND, OR) evaluates its branches only for some rows:
  // hoisting a part of it would evaluate that part for every row (1 / 0 under ANSI mode).
  if (IsLazy(*e)) return;
  for (const auto& a : e->args) Collect(a, out);
}

bool Contains(const BoundExpr& outer, const BoundExpr& inner) {
  bool found = false;
  for (const auto& a : outer.args) {
    VisitBoundExpr(*a, [&](const BoundExpr& x) {
      if (!found && BoundExprEquals(x, inner)) found = true;
    });
  }
  return found;
}

BoundExprPtr Replace(const BoundExprPtr& e, const std::vector<BoundExprPtr>& shared, int base) {
  if (!e) return e;
  for (size_t k = 0; k < shared.size(); ++k) {
    if (BoundExprEquals(*e, *shared[k])) {
      auto c = std::const_pointer_cast<BoundExpr>(MakeColumn(base + static_cast<int>(k), e->type, e->nullable, e->sql));
      c->pos = e->pos;
      return c;
    }
  }
  if (e->args.empty()) return e;
  std::vector<BoundExprPtr> args;
  bool changed = false;
  for (const auto& a : e->args) {
    args.push_back(Replace(a, shared, base));
    changed |= args.back() != a;
  }
  return changed ? planutil::WithArgs(*e, std::move(args)) : e;
}

PlanPtr Cse(const PlanPtr& plan) {
  std::vector<PlanPtr> children;
  bool changed = false;
  for (const auto& c : plan->children) {
    children.push_back(Cse(c));
    changed |= children.back() != c;
  }
  PlanPtr n = changed ? planutil::WithChildren(*plan, std::move(children)) : plan;
  if (n->kind != PlanKind::kAggregate) return n;
  std::vector<Candidate> cands;
  for (const auto& g : n->group_exprs) Collect(g, &cands);
  for (const auto& a : n->aggregates) {
    // A FILTER-ed aggregate may evaluate its arguments only for the rows that pass.
    if (a.filter) continue;
    for (const auto& e : a.args) Collect(e, &cands);
  }
  std::vector<BoundExprPtr> shared;
  for (const auto& c : cands) {
    if (c.count < 2) continue;
    // Keep the largest shared expressions: skip one that only occurs inside another.
    bool inside = false;
    for (const auto& o : cands) {
      if (&o != &c && o.count >= c.count && o.count >= 2 && Contains(*o.expr, *c.expr)) inside = true;
    }
    if (!inside) shared.push_back(c.expr);
  }
  if (shared.empty()) return n;
  const PlanPtr& child = n->children[0];
  int width = child->schema->num_fields();
  auto agg = std::make_shared<PlanNode>(*n);
  for (auto& g : agg->group_exprs) g = Replace(g, shared, width);
  for (auto& a : agg->aggregates) {
    for (auto& e : a.args) e = Replace(e, shared, width);
    if (a.filter) a.filter = Replace(a.filter, shared, width);
  }
  // The projection passes on only the input columns the aggregate still reads.
  std::set<int> used;
  for (const auto& g : agg->group_exprs) planutil::CollectColumns(*g, &used);
  for (const auto& a : agg->aggregates) {
    for (const auto& e : a.args) planutil::CollectColumns(*e, &used);
    if (a.filter) planutil::CollectColumns(*a.filter, &used);
  }
  std::vector<int> map(width + shared.size(), -1);
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  for (int i = 0; i < width; ++i) {
    if (!used.count(i)) continue;
    const auto& f = child->schema->field(i);
    map[i] = static_cast<int>(exprs.size());
    exprs.push_back(MakeColumn(i, f->type(), f->nullable(), f->name()));
    names.push_back(f->name());
  }
  for (size_t k = 0; k < shared.size(); ++k) {
    map[width + k] = static_cast<int>(exprs.size());
    exprs.push_back(shared[k]);
    names.push_back("__cse" + std::to_string(k));
  }
  for (auto& g : agg->group_exprs) g = planutil::RemapColumns(g, map);
  for (auto& a : agg->aggregates) {
    for (auto& e : a.args) e = planutil::RemapColumns(e, map);
    if (a.filter) a.filter = planutil::RemapColumns(a.filter, map);
  }
  agg->children = {planutil::MakeProject(child, std::move(exprs), std::move(names))};
  return agg;
}

}  // namespace

PlanPtr ShareAggregateInputs(const PlanPtr& plan) { return Cse(plan); }

}  // namespace tide::sql::opt
