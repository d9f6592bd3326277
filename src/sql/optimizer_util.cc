#include "sql/optimizer_util.h"

#include <algorithm>

namespace tide::sql::planutil {

using columnar::FieldPtr;
using columnar::Schema;

void SplitConjuncts(const BoundExprPtr& expr, std::vector<BoundExprPtr>* out) {
  if (!expr) return;
  if (expr->kind == BoundExprKind::kCall && expr->function == "and" && expr->args.size() >= 2) {
    for (const auto& a : expr->args) SplitConjuncts(a, out);
    return;
  }
  out->push_back(expr);
}

std::vector<BoundExprPtr> Conjuncts(const BoundExprPtr& expr) {
  std::vector<BoundExprPtr> out;
  SplitConjuncts(expr, &out);
  return out;
}

BoundExprPtr MakeAnd(const std::vector<BoundExprPtr>& conjuncts) {
  if (conjuncts.empty()) return nullptr;
  BoundExprPtr acc = conjuncts.back();
  for (size_t i = conjuncts.size() - 1; i-- > 0;) {
    const auto& c = conjuncts[i];
    // Long chains keep a short text (messages only need the start), not quadratic strings.
    std::string sql = acc->sql.size() > 200 ? "(" + c->sql + " AND ...)" : "(" + c->sql + " AND " + acc->sql + ")";
    acc = MakeCall("and", {c, acc}, columnar::Boolean(), c->nullable || acc->nullable, std::move(sql), c->pos);
  }
  return acc;
}

BoundExprPtr MakeNot(const BoundExprPtr& e) {
  return MakeCall("not", {e}, columnar::Boolean(), e->nullable, "(NOT " + e->sql + ")", e->pos);
}

void CollectColumns(const BoundExpr& expr, std::set<int>* out) {
  VisitBoundExpr(expr, [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kColumn) out->insert(e.column);
  });
}

std::set<int> Columns(const BoundExpr& expr) {
  std::set<int> out;
  CollectColumns(expr, &out);
  return out;
}

bool ReferencesOnly(const BoundExpr& expr, int begin, int end) {
  bool ok = true;
  VisitBoundExpr(expr, [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kColumn && (e.column < begin || e.column >= end)) ok = false;
  });
  return ok;
}

bool HasColumns(const BoundExpr& expr) {
  bool any = false;
  VisitBoundExpr(expr, [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kColumn) any = true;
  });
  return any;
}

BoundExprPtr WithArgs(const BoundExpr& expr, std::vector<BoundExprPtr> args) {
  auto copy = std::make_shared<BoundExpr>(expr);
  copy->args = std::move(args);
  return copy;
}

BoundExprPtr Rewrite(const BoundExprPtr& expr, const std::function<BoundExprPtr(const BoundExprPtr&)>& fn) {
  if (!expr) return expr;
  if (expr->kind == BoundExprKind::kColumn) return fn(expr);
  if (expr->args.empty()) return expr;
  std::vector<BoundExprPtr> args;
  args.reserve(expr->args.size());
  bool changed = false;
  for (const auto& a : expr->args) {
    args.push_back(Rewrite(a, fn));
    changed |= args.back() != a;
  }
  return changed ? WithArgs(*expr, std::move(args)) : expr;
}

BoundExprPtr RemapColumns(const BoundExprPtr& expr, const std::vector<int>& map) {
  return Rewrite(expr, [&](const BoundExprPtr& c) -> BoundExprPtr {
    int to = (c->column >= 0 && c->column < static_cast<int>(map.size())) ? map[c->column] : c->column;
    if (to == c->column) return c;
    auto copy = std::make_shared<BoundExpr>(*c);
    copy->column = to;
    return copy;
  });
}

BoundExprPtr ShiftColumns(const BoundExprPtr& expr, int delta) {
  if (delta == 0) return expr;
  return Rewrite(expr, [&](const BoundExprPtr& c) -> BoundExprPtr {
    auto copy = std::make_shared<BoundExpr>(*c);
    copy->column += delta;
    return copy;
  });
}

BoundExprPtr Substitute(const BoundExprPtr& expr, const std::vector<BoundExprPtr>& exprs) {
  return Rewrite(expr, [&](const BoundExprPtr& c) -> BoundExprPtr {
    if (c->column >= 0 && c->column < static_cast<int>(exprs.size())) return exprs[c->column];
    return c;
  });
}

bool IsDeterministic(const BoundExpr& expr) {
  static const char* const kNonDeterministic[] = {"rand", "randn", "random", "uuid", "shuffle",
                                                  "monotonically_increasing_id", "spark_partition_id",
                                                  "input_file_name"};
  bool det = true;
  VisitBoundExpr(expr, [&](const BoundExpr& e) {
    if (e.kind != BoundExprKind::kCall) return;
    for (const char* n : kNonDeterministic) {
      if (e.function == n) det = false;
    }
  });
  return det;
}

bool HasSubquery(const BoundExpr& expr) {
  bool any = false;
  VisitBoundExpr(expr, [&](const BoundExpr& e) {
    if (e.kind == BoundExprKind::kSubquery) any = true;
  });
  return any;
}

std::shared_ptr<const Schema> MakeSchema(std::vector<FieldPtr> fields) {
  return std::make_shared<const Schema>(std::move(fields));
}

namespace {
FieldPtr Nullable(const FieldPtr& f) {
  if (f->nullable()) return f;
  return columnar::MakeField(f->name(), f->type(), true, f->metadata());
}
}  // namespace

std::shared_ptr<const Schema> ConcatSchemas(const Schema& a, const Schema& b, bool a_nullable, bool b_nullable) {
  std::vector<FieldPtr> fields;
  fields.reserve(a.num_fields() + b.num_fields());
  for (const auto& f : a.fields()) fields.push_back(a_nullable ? Nullable(f) : f);
  for (const auto& f : b.fields()) fields.push_back(b_nullable ? Nullable(f) : f);
  return MakeSchema(std::move(fields));
}

std::shared_ptr<const Schema> JoinOutputSchema(PlanJoinType type, const Schema& left, const Schema& right) {
  switch (type) {
    case PlanJoinType::kInner:
    case PlanJoinType::kCross:
      return ConcatSchemas(left, right);
    case PlanJoinType::kLeft:
      return ConcatSchemas(left, right, false, true);
    case PlanJoinType::kRight:
      return ConcatSchemas(left, right, true, false);
    case PlanJoinType::kFull:
      return ConcatSchemas(left, right, true, true);
    case PlanJoinType::kSemi:
    case PlanJoinType::kAnti:
      return MakeSchema(left.fields());
    case PlanJoinType::kMark: {
      std::vector<FieldPtr> fields = left.fields();
      fields.push_back(columnar::MakeField("mark", columnar::Boolean(), true));
      return MakeSchema(std::move(fields));
    }
  }
  return MakeSchema(left.fields());
}

PlanPtr MakeFilter(PlanPtr child, BoundExprPtr predicate) {
  auto n = std::make_shared<PlanNode>();
  n->kind = PlanKind::kFilter;
  n->schema = child->schema;
  n->predicate = std::move(predicate);
  n->children.push_back(std::move(child));
  return n;
}

PlanPtr MakeProject(PlanPtr child, std::vector<BoundExprPtr> exprs, std::vector<std::string> names) {
  auto n = std::make_shared<PlanNode>();
  n->kind = PlanKind::kProject;
  std::vector<FieldPtr> fields;
  for (size_t i = 0; i < exprs.size(); ++i) {
    fields.push_back(columnar::MakeField(i < names.size() ? names[i] : exprs[i]->sql, exprs[i]->type, exprs[i]->nullable));
  }
  n->schema = MakeSchema(std::move(fields));
  n->exprs = std::move(exprs);
  n->children.push_back(std::move(child));
  return n;
}

PlanPtr MakeColumnProject(PlanPtr child, const std::vector<int>& cols) {
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  for (int c : cols) {
    const auto& f = child->schema->field(c);
    exprs.push_back(MakeColumn(c, f->type(), f->nullable(), f->name()));
    names.push_back(f->name());
  }
  auto n = std::static_pointer_cast<const PlanNode>(MakeProject(std::move(child), std::move(exprs), std::move(names)));
  return n;
}

PlanPtr MakeJoin(PlanJoinType type, PlanPtr left, PlanPtr right, std::vector<BoundExprPtr> left_keys,
                 std::vector<BoundExprPtr> right_keys, std::vector<bool> null_safe, BoundExprPtr condition) {
  auto n = std::make_shared<PlanNode>();
  n->kind = PlanKind::kJoin;
  if (type == PlanJoinType::kCross && (!left_keys.empty() || condition)) type = PlanJoinType::kInner;
  n->join_type = type;
  n->schema = JoinOutputSchema(type, *left->schema, *right->schema);
  n->left_keys = std::move(left_keys);
  n->right_keys = std::move(right_keys);
  n->null_safe = std::move(null_safe);
  n->null_safe.resize(n->left_keys.size(), false);
  n->condition = std::move(condition);
  n->children.push_back(std::move(left));
  n->children.push_back(std::move(right));
  return n;
}

PlanPtr WithChildren(const PlanNode& node, std::vector<PlanPtr> children) {
  auto n = std::make_shared<PlanNode>(node);
  n->children = std::move(children);
  return n;
}

void ExtractEquiKeys(int left_width, const BoundExprPtr& condition, std::vector<BoundExprPtr>* left_keys,
                     std::vector<BoundExprPtr>* right_keys, std::vector<bool>* null_safe, BoundExprPtr* residual) {
  std::vector<BoundExprPtr> rest;
  for (const auto& c : Conjuncts(condition)) {
    bool is_eq = c->kind == BoundExprKind::kCall && (c->function == "eq" || c->function == "null_safe_eq") &&
                 c->args.size() == 2 && c->args[0]->type->Equals(*c->args[1]->type) && IsDeterministic(*c) &&
                 !HasSubquery(*c);
    if (is_eq) {
      const auto& a = c->args[0];
      const auto& b = c->args[1];
      bool a_left = HasColumns(*a) && ReferencesOnly(*a, 0, left_width);
      bool a_right = HasColumns(*a) && ReferencesOnly(*a, left_width, 1 << 30);
      bool b_left = HasColumns(*b) && ReferencesOnly(*b, 0, left_width);
      bool b_right = HasColumns(*b) && ReferencesOnly(*b, left_width, 1 << 30);
      const BoundExprPtr* l = nullptr;
      const BoundExprPtr* r = nullptr;
      if (a_left && b_right) {
        l = &a;
        r = &b;
      } else if (b_left && a_right) {
        l = &b;
        r = &a;
      }
      if (l != nullptr) {
        left_keys->push_back(*l);
        right_keys->push_back(ShiftColumns(*r, -left_width));
        null_safe->push_back(c->function == "null_safe_eq");
        continue;
      }
    }
    rest.push_back(c);
  }
  *residual = MakeAnd(rest);
}

BoundExprPtr JoinConditionOf(const PlanNode& join) {
  std::vector<BoundExprPtr> parts;
  int lw = join.children[0]->schema->num_fields();
  for (size_t i = 0; i < join.left_keys.size(); ++i) {
    const auto& l = join.left_keys[i];
    auto r = ShiftColumns(join.right_keys[i], lw);
    bool ns = i < join.null_safe.size() && join.null_safe[i];
    parts.push_back(MakeCall(ns ? "null_safe_eq" : "eq", {l, r}, columnar::Boolean(), ns ? false : (l->nullable || r->nullable),
                             "(" + l->sql + (ns ? " <=> " : " = ") + r->sql + ")", l->pos));
  }
  SplitConjuncts(join.condition, &parts);
  return MakeAnd(parts);
}

void ForEachExprSlot(PlanNode& n, const std::function<void(BoundExprPtr&)>& fn) {
  auto f = [&](BoundExprPtr& e) {
    if (e) fn(e);
  };
  for (auto& e : n.scan_filters) f(e);
  f(n.predicate);
  for (auto& e : n.exprs) f(e);
  for (auto& e : n.group_exprs) f(e);
  for (auto& a : n.aggregates) {
    for (auto& e : a.args) f(e);
    f(a.filter);
  }
  for (auto& e : n.left_keys) f(e);
  for (auto& e : n.right_keys) f(e);
  f(n.condition);
  for (auto& k : n.sort_keys) f(k.expr);
  for (auto& e : n.partition_by) f(e);
  for (auto& k : n.order_by) f(k.expr);
  for (auto& w : n.windows) {
    for (auto& e : w.args) f(e);
  }
  f(n.generator);
}

}  // namespace tide::sql::planutil
