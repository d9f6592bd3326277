// Predicate pushdown: conjuncts move down through projections, joins (to the side they
// read, into join conditions), aggregates (group-key conjuncts), sorts, distincts and set
// operations, and end in kScan::scan_filters. Outer joins whose null-producing side a filter
// rejects become inner (or one-sided) joins; filters never cross an outer join's
// null-producing side otherwise.
#include <algorithm>

#include "sql/optimizer_internal.h"
#include "sql/optimizer_util.h"

namespace tide::sql::opt {

using planutil::Columns;

namespace {

// Functions that return null when any argument is null.
bool IsStrict(const std::string& f) {
  static const char* const kStrict[] = {
      "eq", "ne", "lt", "le", "gt", "ge", "add", "subtract", "multiply", "divide", "mod", "int_divide", "negate",
      "like", "ilike", "rlike", "abs", "upper", "lower", "substr", "substring", "length", "trim", "ltrim", "rtrim",
      "year", "month", "day", "dayofmonth", "quarter", "hour", "minute", "second", "date_add", "date_sub", "datediff",
      "add_months", "timestamp_add_micros", "timestamp_add_months", "get_field", "bit_and", "bit_or", "bit_xor",
      "shiftleft", "shiftright", "startswith", "endswith", "contains", "date_trunc", "trunc", "round", "floor", "ceil",
      "sqrt", "exp", "ln", "log10", "pow", "power", "left", "right", "lpad", "rpad", "to_date", "extract"};
  for (const char* s : kStrict) {
    if (f == s) return true;
  }
  return false;
}

// The expression is null whenever the columns in [b, e) are null.
bool NullIfNull(const BoundExpr& x, int b, int e) {
  switch (x.kind) {
    case BoundExprKind::kColumn:
      return x.column >= b && x.column < e;
    case BoundExprKind::kLiteral:
      return x.IsNullLiteral();
    case BoundExprKind::kCast:
      return NullIfNull(*x.args[0], b, e);
    case BoundExprKind::kCall:
      if (x.function == "not") return NullIfNull(*x.args[0], b, e);
      if (!IsStrict(x.function)) return false;
      for (const auto& a : x.args) {
        if (NullIfNull(*a, b, e)) return true;
      }
      return false;
    default:
      return false;
  }
}

bool IsInnerLike(PlanJoinType t) { return t == PlanJoinType::kInner || t == PlanJoinType::kCross; }

bool IsOr(const BoundExpr& e) { return e.kind == BoundExprKind::kCall && e.function == "or" && e.args.size() == 2; }

void Disjuncts(const BoundExprPtr& e, std::vector<BoundExprPtr>* out) {
  if (IsOr(*e)) {
    for (const auto& a : e->args) Disjuncts(a, out);
    return;
  }
  out->push_back(e);
}

BoundExprPtr MakeOr(const std::vector<BoundExprPtr>& ds) {
  BoundExprPtr acc = ds.back();
  for (size_t i = ds.size() - 1; i-- > 0;) {
    std::string sql = acc->sql.size() > 200 ? "(" + ds[i]->sql + " OR ...)" : "(" + ds[i]->sql + " OR " + acc->sql + ")";
    acc = MakeCall("or", {ds[i], acc}, columnar::Boolean(), ds[i]->nullable || acc->nullable, std::move(sql), ds[i]->pos);
  }
  return acc;
}

// (a AND x) OR (b AND x) = x AND (a OR b): conjuncts common to every disjunct come out, so a
// join key written inside each branch (TPC-H Q19) becomes a key.
std::vector<BoundExprPtr> FactorOr(const BoundExprPtr& e) {
  if (!IsOr(*e) || !planutil::IsDeterministic(*e)) return {e};
  std::vector<BoundExprPtr> ds;
  Disjuncts(e, &ds);
  std::vector<std::vector<BoundExprPtr>> parts;
  for (const auto& d : ds) parts.push_back(planutil::Conjuncts(d));
  std::vector<BoundExprPtr> common;
  for (const auto& c : parts[0]) {
    bool everywhere = true;
    for (size_t k = 1; k < parts.size() && everywhere; ++k) {
      bool found = false;
      for (const auto& x : parts[k]) found = found || BoundExprEquals(*x, *c);
      everywhere = found;
    }
    bool dup = false;
    for (const auto& x : common) dup = dup || BoundExprEquals(*x, *c);
    if (everywhere && !dup) common.push_back(c);
  }
  if (common.empty()) return {e};
  std::vector<BoundExprPtr> rest;
  bool always = false;  // a disjunct that is only common conjuncts: the OR adds nothing
  for (auto& p : parts) {
    std::vector<BoundExprPtr> left;
    for (const auto& x : p) {
      bool is_common = false;
      for (const auto& c : common) is_common = is_common || BoundExprEquals(*x, *c);
      if (!is_common) left.push_back(x);
    }
    if (left.empty()) always = true;
    else rest.push_back(planutil::MakeAnd(left));
  }
  if (!always) common.push_back(MakeOr(rest));
  return common;
}

// A predicate implied by an OR for the columns [b, e): the OR of each disjunct's conjuncts
// over those columns only; nullptr when some disjunct has none.
BoundExprPtr ImpliedFor(const BoundExprPtr& e, int b, int end) {
  if (!IsOr(*e)) return nullptr;
  std::vector<BoundExprPtr> ds;
  Disjuncts(e, &ds);
  std::vector<BoundExprPtr> out;
  for (const auto& d : ds) {
    std::vector<BoundExprPtr> mine;
    for (const auto& c : planutil::Conjuncts(d)) {
      if (planutil::HasColumns(*c) && planutil::ReferencesOnly(*c, b, end) && planutil::IsDeterministic(*c)) mine.push_back(c);
    }
    if (mine.empty()) return nullptr;
    out.push_back(planutil::MakeAnd(mine));
  }
  return MakeOr(out);
}

std::vector<BoundExprPtr> Normalize(const std::vector<BoundExprPtr>& preds) {
  std::vector<BoundExprPtr> out;
  for (const auto& p : preds) {
    for (const auto& c : planutil::Conjuncts(p)) {
      for (const auto& f : FactorOr(c)) planutil::SplitConjuncts(f, &out);
    }
  }
  return out;
}

PlanPtr WithFilter(PlanPtr plan, const std::vector<BoundExprPtr>& preds) {
  if (preds.empty()) return plan;
  return planutil::MakeFilter(std::move(plan), planutil::MakeAnd(preds));
}

PlanPtr Push(const PlanPtr& node, std::vector<BoundExprPtr> preds);

PlanPtr PushChildrenOnly(const PlanNode& node) {
  std::vector<PlanPtr> children;
  for (const auto& c : node.children) children.push_back(Push(c, {}));
  return planutil::WithChildren(node, std::move(children));
}

// Moves a semi/anti join below an inner join when only one side of that join is read.
PlanPtr SinkSemiJoin(const PlanPtr& node) {
  if (node->kind != PlanKind::kJoin || (node->join_type != PlanJoinType::kSemi && node->join_type != PlanJoinType::kAnti)) {
    return node;
  }
  const PlanPtr& inner = node->children[0];
  if (inner->kind != PlanKind::kJoin || !IsInnerLike(inner->join_type)) return node;
  int lw = inner->schema->num_fields();
  int ilw = inner->children[0]->schema->num_fields();
  std::set<int> refs;
  for (const auto& k : node->left_keys) planutil::CollectColumns(*k, &refs);
  if (node->condition) {
    for (int c : Columns(*node->condition)) {
      if (c < lw) refs.insert(c);
    }
  }
  bool left_only = std::all_of(refs.begin(), refs.end(), [&](int c) { return c < ilw; });
  bool right_only = !refs.empty() && std::all_of(refs.begin(), refs.end(), [&](int c) { return c >= ilw; });
  if (!left_only && !right_only) return node;
  const PlanPtr& side = left_only ? inner->children[0] : inner->children[1];
  int shift = left_only ? 0 : -ilw;
  int side_w = side->schema->num_fields();
  std::vector<BoundExprPtr> lk;
  for (const auto& k : node->left_keys) lk.push_back(planutil::ShiftColumns(k, shift));
  BoundExprPtr cond;
  if (node->condition) {
    // Left columns shift by `shift`; right columns move from lw.. to side_w..
    cond = planutil::Rewrite(node->condition, [&](const BoundExprPtr& c) -> BoundExprPtr {
      auto copy = std::make_shared<BoundExpr>(*c);
      copy->column = c->column < lw ? c->column + shift : c->column - lw + side_w;
      return copy;
    });
  }
  PlanPtr semi = planutil::MakeJoin(node->join_type, side, node->children[1], lk, node->right_keys, node->null_safe, cond);
  semi = SinkSemiJoin(semi);
  std::vector<PlanPtr> children = inner->children;
  children[left_only ? 0 : 1] = semi;
  return planutil::WithChildren(*inner, std::move(children));
}

PlanPtr PushJoin(const PlanNode& node, std::vector<BoundExprPtr> preds) {
  int lw = node.children[0]->schema->num_fields();
  int rw = node.children[1]->schema->num_fields();
  PlanJoinType type = node.join_type;
  auto only = [&](const BoundExpr& e, int b, int end) {
    auto cols = Columns(e);
    return !cols.empty() && std::all_of(cols.begin(), cols.end(), [&](int c) { return c >= b && c < end; });
  };
  // Outer joins a filter above rejects the null rows of become inner / one-sided.
  if (type == PlanJoinType::kLeft || type == PlanJoinType::kRight || type == PlanJoinType::kFull) {
    bool rej_left = false, rej_right = false;
    for (const auto& p : preds) {
      if (!planutil::IsDeterministic(*p)) continue;
      rej_left = rej_left || NullRejecting(*p, 0, lw);
      rej_right = rej_right || NullRejecting(*p, lw, lw + rw);
    }
    if (type == PlanJoinType::kLeft && rej_right) type = PlanJoinType::kInner;
    else if (type == PlanJoinType::kRight && rej_left) type = PlanJoinType::kInner;
    else if (type == PlanJoinType::kFull) {
      if (rej_left && rej_right) type = PlanJoinType::kInner;
      else if (rej_left) type = PlanJoinType::kLeft;
      else if (rej_right) type = PlanJoinType::kRight;
    }
  }
  std::vector<BoundExprPtr> left_push, right_push, keep, cond;
  preds = Normalize(preds);
  for (auto& p : preds) {
    if (!planutil::IsDeterministic(*p)) {
      keep.push_back(p);
      continue;
    }
    bool l = only(*p, 0, lw), r = only(*p, lw, lw + rw);
    bool none = Columns(*p).empty();
    switch (type) {
      case PlanJoinType::kInner:
      case PlanJoinType::kCross:
        if (l || none) left_push.push_back(p);
        else if (r) right_push.push_back(planutil::ShiftColumns(p, -lw));
        else cond.push_back(p);
        break;
      case PlanJoinType::kLeft:
        if (l || none) left_push.push_back(p);
        else keep.push_back(p);
        break;
      case PlanJoinType::kRight:
        if (r) right_push.push_back(planutil::ShiftColumns(p, -lw));
        else keep.push_back(p);
        break;
      case PlanJoinType::kFull:
        keep.push_back(p);
        break;
      case PlanJoinType::kSemi:
      case PlanJoinType::kAnti:
        left_push.push_back(p);
        break;
      case PlanJoinType::kMark:
        if (l || none) left_push.push_back(p);
        else keep.push_back(p);
        break;
    }
  }
  // The join's own condition.
  for (auto& c : Normalize(planutil::Conjuncts(planutil::JoinConditionOf(node)))) {
    bool l = only(*c, 0, lw), r = only(*c, lw, lw + rw);
    bool det = planutil::IsDeterministic(*c);
    bool to_left = false, to_right = false;
    if (det) {
      switch (type) {
        case PlanJoinType::kInner:
        case PlanJoinType::kCross:
        case PlanJoinType::kSemi:
          to_left = l;
          to_right = r;
          break;
        case PlanJoinType::kLeft:
        case PlanJoinType::kAnti:
        case PlanJoinType::kMark:
          to_right = r;
          break;
        case PlanJoinType::kRight:
          to_left = l;
          break;
        case PlanJoinType::kFull:
          break;
      }
    }
    if (to_left) left_push.push_back(c);
    else if (to_right) right_push.push_back(planutil::ShiftColumns(c, -lw));
    else cond.push_back(c);
  }
  // An OR over both sides of an inner join implies a filter on each side (Q19's branches).
  if (IsInnerLike(type) || type == PlanJoinType::kSemi) {
    for (const auto& c : cond) {
      if (!IsOr(*c) || !planutil::IsDeterministic(*c)) continue;
      if (auto l = ImpliedFor(c, 0, lw)) left_push.push_back(l);
      if (auto r = ImpliedFor(c, lw, lw + rw)) right_push.push_back(planutil::ShiftColumns(r, -lw));
    }
  }
  PlanPtr left = Push(node.children[0], std::move(left_push));
  PlanPtr right = Push(node.children[1], std::move(right_push));
  std::vector<BoundExprPtr> lk, rk;
  std::vector<bool> ns;
  BoundExprPtr residual;
  planutil::ExtractEquiKeys(lw, planutil::MakeAnd(cond), &lk, &rk, &ns, &residual);
  if (type == PlanJoinType::kCross && (!lk.empty() || residual)) type = PlanJoinType::kInner;
  if (type == PlanJoinType::kInner && lk.empty() && !residual) type = PlanJoinType::kCross;
  PlanPtr join = planutil::MakeJoin(type, left, right, lk, rk, ns, residual);
  // Join output nullability follows the (possibly changed) join type; the parent's expressions
  // keep their own nullability flags, which stay conservative.
  return WithFilter(join, keep);
}

PlanPtr Push(const PlanPtr& node, std::vector<BoundExprPtr> preds) {
  switch (node->kind) {
    case PlanKind::kFilter: {
      for (auto& c : Normalize(planutil::Conjuncts(node->predicate))) preds.push_back(c);
      std::vector<BoundExprPtr> movable, fixed;
      // A non-deterministic conjunct pins itself and everything above it.
      bool pinned = false;
      for (auto& p : preds) {
        if (!planutil::IsDeterministic(*p)) pinned = true;
        (pinned ? fixed : movable).push_back(p);
      }
      if (!fixed.empty()) return WithFilter(Push(node->children[0], movable), fixed);
      return Push(node->children[0], std::move(preds));
    }
    case PlanKind::kProject: {
      std::vector<BoundExprPtr> down, keep;
      for (auto& p : preds) {
        bool ok = planutil::IsDeterministic(*p);
        for (int c : Columns(*p)) {
          if (c >= static_cast<int>(node->exprs.size()) || !planutil::IsDeterministic(*node->exprs[c])) ok = false;
        }
        if (ok) down.push_back(planutil::Substitute(p, node->exprs));
        else keep.push_back(p);
      }
      PlanPtr child = Push(node->children[0], std::move(down));
      return WithFilter(planutil::WithChildren(*node, {child}), keep);
    }
    case PlanKind::kJoin: {
      PlanPtr sunk = SinkSemiJoin(node);
      if (sunk != node) return Push(sunk, std::move(preds));
      return PushJoin(*node, std::move(preds));
    }
    case PlanKind::kAggregate: {
      int ng = static_cast<int>(node->group_exprs.size());
      std::vector<BoundExprPtr> down, keep;
      for (auto& p : preds) {
        auto cols = Columns(*p);
        bool ok = !cols.empty() && planutil::IsDeterministic(*p);
        for (int c : cols) {
          if (c >= ng) ok = false;
          // With grouping sets a key is null in the sets without it: only keys in every set move.
          for (const auto& set : node->grouping_sets) {
            if (std::find(set.begin(), set.end(), c) == set.end()) ok = false;
          }
        }
        if (ok) down.push_back(planutil::Substitute(p, node->group_exprs));
        else keep.push_back(p);
      }
      PlanPtr child = Push(node->children[0], std::move(down));
      return WithFilter(planutil::WithChildren(*node, {child}), keep);
    }
    case PlanKind::kSort:
      if (node->limit >= 0) break;
      return planutil::WithChildren(*node, {Push(node->children[0], std::move(preds))});
    case PlanKind::kDistinct:
      return planutil::WithChildren(*node, {Push(node->children[0], std::move(preds))});
    case PlanKind::kSetOp: {
      std::vector<PlanPtr> children;
      for (size_t i = 0; i < node->children.size(); ++i) {
        bool gets = node->set_op != PlanSetOp::kExcept || i == 0;
        children.push_back(Push(node->children[i], gets ? preds : std::vector<BoundExprPtr>{}));
      }
      return planutil::WithChildren(*node, std::move(children));
    }
    case PlanKind::kScan: {
      auto n = std::make_shared<PlanNode>(*node);
      std::vector<BoundExprPtr> keep;
      for (auto& p : preds) {
        if (planutil::HasSubquery(*p) || !planutil::IsDeterministic(*p)) {
          keep.push_back(p);
          continue;
        }
        bool dup = false;
        for (const auto& f : n->scan_filters) dup = dup || BoundExprEquals(*f, *p);
        if (!dup) n->scan_filters.push_back(p);
      }
      return WithFilter(n, keep);
    }
    case PlanKind::kExplode: {
      // Conjuncts over the input columns only commute with the generator.
      int cw = node->children[0]->schema->num_fields();
      std::vector<BoundExprPtr> down, keep;
      for (auto& p : preds) {
        bool ok = planutil::IsDeterministic(*p) && planutil::ReferencesOnly(*p, 0, cw);
        (ok ? down : keep).push_back(p);
      }
      return WithFilter(planutil::WithChildren(*node, {Push(node->children[0], std::move(down))}), keep);
    }
    case PlanKind::kWindow: {
      // Conjuncts over partition keys only (plain input columns) commute with the window.
      std::vector<int> keys;
      for (const auto& p : node->partition_by) {
        if (p->kind == BoundExprKind::kColumn) keys.push_back(p->column);
      }
      std::vector<BoundExprPtr> down, keep;
      for (auto& p : preds) {
        auto cols = Columns(*p);
        bool ok = !cols.empty() && planutil::IsDeterministic(*p);
        for (int c : cols) ok = ok && std::find(keys.begin(), keys.end(), c) != keys.end();
        (ok ? down : keep).push_back(p);
      }
      return WithFilter(planutil::WithChildren(*node, {Push(node->children[0], std::move(down))}), keep);
    }
    default:
      break;
  }
  return WithFilter(PushChildrenOnly(*node), preds);
}

}  // namespace

bool NullRejecting(const BoundExpr& x, int b, int e) {
  if (x.kind == BoundExprKind::kCall) {
    if (x.function == "and") {
      for (const auto& a : x.args) {
        if (NullRejecting(*a, b, e)) return true;
      }
      return false;
    }
    if (x.function == "or") {
      for (const auto& a : x.args) {
        if (!NullRejecting(*a, b, e)) return false;
      }
      return !x.args.empty();
    }
    if (x.function == "is_not_null" || x.function == "is_true" || x.function == "in") {
      return NullIfNull(*x.args[0], b, e);
    }
    if (x.function == "not") return NullIfNull(*x.args[0], b, e);
  }
  return NullIfNull(x, b, e);
}

PlanPtr PushDownPredicates(const PlanPtr& plan) { return Push(plan, {}); }

}  // namespace tide::sql::opt
