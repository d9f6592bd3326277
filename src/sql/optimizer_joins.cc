// Join ordering: each maximal tree of inner/cross joins is flattened into leaves and
// conjuncts, then rebuilt left-deep by a greedy choice: start from the leaf with the most
// rows (the fact table stays the probe side), repeatedly join the connected leaf that keeps
// the intermediate result smallest, and put the smaller input on the build (right) side.
// A projection on top restores the original column order.
#include <algorithm>
#include <cmath>

#include "sql/optimizer_internal.h"
#include "sql/optimizer_util.h"

namespace tide::sql::opt {

namespace {

constexpr double kUnknownRows = 1e6;

bool IsInnerLike(const PlanNode& n) {
  return n.kind == PlanKind::kJoin && (n.join_type == PlanJoinType::kInner || n.join_type == PlanJoinType::kCross);
}

struct Leaf {
  PlanPtr plan;
  int offset = 0;  // first column in the flattened (original) column space
  int width = 0;
  double rows = 0;
  double base = 0;
};

void Flatten(const PlanPtr& node, int offset, std::vector<Leaf>* leaves, std::vector<BoundExprPtr>* conds) {
  if (IsInnerLike(*node)) {
    int lw = node->children[0]->schema->num_fields();
    Flatten(node->children[0], offset, leaves, conds);
    Flatten(node->children[1], offset + lw, leaves, conds);
    for (auto& c : planutil::Conjuncts(planutil::JoinConditionOf(*node))) conds->push_back(planutil::ShiftColumns(c, offset));
    return;
  }
  Leaf l;
  l.plan = node;
  l.offset = offset;
  l.width = node->schema->num_fields();
  l.rows = std::max(1.0, EstimateRows(*node));
  l.base = std::max(l.rows, BaseRows(*node));
  leaves->push_back(std::move(l));
}

int LeafOf(const std::vector<Leaf>& leaves, int column) {
  for (size_t i = 0; i < leaves.size(); ++i) {
    if (column >= leaves[i].offset && column < leaves[i].offset + leaves[i].width) return static_cast<int>(i);
  }
  return -1;
}

PlanPtr Reorder(const PlanPtr& node);

PlanPtr ReorderTree(const PlanPtr& root) {
  std::vector<Leaf> leaves;
  std::vector<BoundExprPtr> conds;
  Flatten(root, 0, &leaves, &conds);
  for (auto& l : leaves) l.plan = Reorder(l.plan);
  size_t n = leaves.size();
  if (n > 64) return root;  // leave huge graphs as written
  // Leaves each conjunct reads (bitmask).
  std::vector<uint64_t> masks;
  for (const auto& c : conds) {
    uint64_t m = 0;
    for (int col : planutil::Columns(*c)) {
      int li = LeafOf(leaves, col);
      if (li >= 0) m |= uint64_t{1} << li;
    }
    masks.push_back(m);
  }
  auto connected = [&](uint64_t set, int leaf) {
    uint64_t bit = uint64_t{1} << leaf;
    for (size_t k = 0; k < conds.size(); ++k) {
      uint64_t m = masks[k];
      if ((m & bit) && (m & set) && (m & ~(set | bit)) == 0) {
        // An equality between the set and the leaf makes a hash join.
        const auto& c = conds[k];
        if (c->kind == BoundExprKind::kCall && (c->function == "eq" || c->function == "null_safe_eq")) return true;
      }
    }
    return false;
  };
  // Greedy order.
  std::vector<int> order;
  std::vector<bool> used(n, false);
  int first = 0;
  for (size_t i = 1; i < n; ++i) {
    if (leaves[i].base > leaves[first].base || (leaves[i].base == leaves[first].base && leaves[i].rows > leaves[first].rows)) {
      first = static_cast<int>(i);
    }
  }
  order.push_back(first);
  used[first] = true;
  uint64_t set = uint64_t{1} << first;
  double cur_rows = leaves[first].rows;
  double cur_base = leaves[first].base;
  while (order.size() < n) {
    int best = -1;
    double best_out = 0;
    bool best_conn = false;
    for (size_t i = 0; i < n; ++i) {
      if (used[i]) continue;
      bool conn = connected(set, static_cast<int>(i));
      const Leaf& l = leaves[i];
      double out;
      if (conn) {
        // Foreign-key join heuristic: the side with the smaller base is the key side; the
        // result has the other side's rows times the key side's filter selectivity.
        if (l.base <= cur_base) out = cur_rows * (l.rows / l.base);
        else out = l.rows * (cur_rows / cur_base);
      } else {
        out = cur_rows * l.rows;
      }
      bool better = best < 0 || (conn && !best_conn) ||
                    (conn == best_conn && (out < best_out || (out == best_out && l.rows < leaves[best].rows)));
      if (better) {
        best = static_cast<int>(i);
        best_out = out;
        best_conn = conn;
      }
    }
    used[best] = true;
    order.push_back(best);
    set |= uint64_t{1} << best;
    cur_base = std::max(cur_base, leaves[best].base);
    cur_rows = std::max(1.0, best_out);
  }
  // Build left-deep. new_pos[orig column] = position in the current tree's output.
  int total = 0;
  for (const auto& l : leaves) total += l.width;
  std::vector<int> pos(total, -1);
  std::vector<bool> cond_used(conds.size(), false);
  PlanPtr tree = leaves[order[0]].plan;
  uint64_t in_tree = uint64_t{1} << order[0];
  int width = leaves[order[0]].width;
  for (int c = 0; c < leaves[order[0]].width; ++c) pos[leaves[order[0]].offset + c] = c;
  double tree_rows = leaves[order[0]].rows;
  for (size_t k = 1; k < n; ++k) {
    const Leaf& l = leaves[order[k]];
    uint64_t next = in_tree | (uint64_t{1} << order[k]);
    // Smaller input on the build (right) side.
    bool swap = l.rows > tree_rows * 1.0 && k >= 1 && tree_rows < l.rows;
    std::vector<int> new_pos = pos;
    if (!swap) {
      for (int c = 0; c < l.width; ++c) new_pos[l.offset + c] = width + c;
    } else {
      for (int i = 0; i < total; ++i) {
        if (pos[i] >= 0) new_pos[i] = l.width + pos[i];
      }
      for (int c = 0; c < l.width; ++c) new_pos[l.offset + c] = c;
    }
    std::vector<BoundExprPtr> here;
    for (size_t ci = 0; ci < conds.size(); ++ci) {
      if (cond_used[ci] || (masks[ci] & ~next) != 0) continue;
      cond_used[ci] = true;
      here.push_back(planutil::RemapColumns(conds[ci], new_pos));
    }
    int lw = swap ? l.width : width;
    std::vector<BoundExprPtr> lk, rk;
    std::vector<bool> ns;
    BoundExprPtr residual;
    planutil::ExtractEquiKeys(lw, planutil::MakeAnd(here), &lk, &rk, &ns, &residual);
    PlanPtr left = swap ? l.plan : tree;
    PlanPtr right = swap ? tree : l.plan;
    tree = planutil::MakeJoin(PlanJoinType::kCross, left, right, lk, rk, ns, residual);
    pos = std::move(new_pos);
    width += l.width;
    in_tree = next;
    // Output estimate for the next build-side choice.
    tree_rows = std::max(1.0, EstimateRows(*tree));
  }
  std::vector<BoundExprPtr> rest;
  for (size_t ci = 0; ci < conds.size(); ++ci) {
    if (!cond_used[ci]) rest.push_back(planutil::RemapColumns(conds[ci], pos));
  }
  if (!rest.empty()) tree = planutil::MakeFilter(tree, planutil::MakeAnd(rest));
  // Restore the original column order and names.
  bool identity = true;
  for (int i = 0; i < total; ++i) identity = identity && pos[i] == i;
  if (identity) return tree;
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  for (int i = 0; i < total; ++i) {
    const auto& f = tree->schema->field(pos[i]);
    exprs.push_back(MakeColumn(pos[i], f->type(), f->nullable(), root->schema->field(i)->name()));
    names.push_back(root->schema->field(i)->name());
  }
  return planutil::MakeProject(tree, std::move(exprs), std::move(names));
}

PlanPtr Reorder(const PlanPtr& node) {
  if (IsInnerLike(*node)) return ReorderTree(node);
  std::vector<PlanPtr> children;
  bool changed = false;
  for (const auto& c : node->children) {
    children.push_back(Reorder(c));
    changed |= children.back() != c;
  }
  if (!changed) return node;
  return planutil::WithChildren(*node, std::move(children));
}

}  // namespace

double Selectivity(const BoundExpr& p) {
  if (p.kind != BoundExprKind::kCall) return 0.5;
  const std::string& f = p.function;
  if (f == "and") {
    double s = 1;
    for (const auto& a : p.args) s *= Selectivity(*a);
    return s;
  }
  if (f == "or") {
    double s = 0;
    for (const auto& a : p.args) s += Selectivity(*a);
    return std::min(1.0, s);
  }
  if (f == "not") return 1 - Selectivity(*p.args[0]);
  bool has_literal = false;
  for (const auto& a : p.args) has_literal = has_literal || a->IsLiteral();
  if (f == "eq" || f == "null_safe_eq") return has_literal ? 0.1 : 0.2;
  if (f == "ne") return 0.9;
  if (f == "lt" || f == "le" || f == "gt" || f == "ge") return 0.4;
  if (f == "like" || f == "ilike" || f == "rlike") return 0.1;
  if (f == "in") return std::min(0.5, 0.1 * static_cast<double>(p.args.size() - 1));
  if (f == "is_null") return 0.1;
  if (f == "is_not_null") return 0.9;
  return 0.5;
}

double BaseRows(const PlanNode& n) {
  switch (n.kind) {
    case PlanKind::kScan: {
      int64_t r = n.table ? n.table->EstimatedRows() : -1;
      return r >= 0 ? static_cast<double>(r) : kUnknownRows;
    }
    case PlanKind::kFilter:
    case PlanKind::kProject:
      return BaseRows(*n.children[0]);
    default:
      return EstimateRows(n);
  }
}

double EstimateRows(const PlanNode& n) {
  switch (n.kind) {
    case PlanKind::kScan: {
      double rows = BaseRows(n);
      for (const auto& f : n.scan_filters) rows *= Selectivity(*f);
      return rows;
    }
    case PlanKind::kValues:
      return static_cast<double>(n.values.empty() ? n.values_rows : n.values[0]->length);
    case PlanKind::kFilter:
      return EstimateRows(*n.children[0]) * Selectivity(*n.predicate);
    case PlanKind::kProject:
    case PlanKind::kSort:
    case PlanKind::kWindow:
      if (n.kind == PlanKind::kSort && n.limit >= 0) return std::min<double>(n.limit, EstimateRows(*n.children[0]));
      return EstimateRows(*n.children[0]);
    case PlanKind::kExplode:
      return EstimateRows(*n.children[0]) * 4;
    case PlanKind::kAggregate:
      if (n.group_exprs.empty()) return 1;
      return std::max(1.0, EstimateRows(*n.children[0]) * 0.25);
    case PlanKind::kDistinct:
      return EstimateRows(*n.children[0]) * 0.5;
    case PlanKind::kLimit: {
      double c = EstimateRows(*n.children[0]);
      return n.limit >= 0 ? std::min<double>(c, n.limit) : c;
    }
    case PlanKind::kSetOp: {
      double a = EstimateRows(*n.children[0]), b = EstimateRows(*n.children[1]);
      return n.set_op == PlanSetOp::kUnion ? a + b : a;
    }
    case PlanKind::kJoin: {
      double l = EstimateRows(*n.children[0]), r = EstimateRows(*n.children[1]);
      switch (n.join_type) {
        case PlanJoinType::kCross:
          return l * r;
        case PlanJoinType::kSemi:
        case PlanJoinType::kAnti:
          return l * 0.5;
        case PlanJoinType::kMark:
          return l;
        case PlanJoinType::kLeft:
          return std::max(l, n.left_keys.empty() ? l * r : l);
        case PlanJoinType::kRight:
          return r;
        case PlanJoinType::kFull:
          return l + r;
        case PlanJoinType::kInner: {
          if (n.left_keys.empty()) return l * r * (n.condition ? Selectivity(*n.condition) : 1.0);
          double lb = BaseRows(*n.children[0]), rb = BaseRows(*n.children[1]);
          double out = lb >= rb ? l * (r / std::max(1.0, rb)) : r * (l / std::max(1.0, lb));
          return std::max(1.0, out);
        }
      }
      return l;
    }
  }
  return kUnknownRows;
}

PlanPtr ReorderJoins(const PlanPtr& plan) { return Reorder(plan); }

}  // namespace tide::sql::opt
