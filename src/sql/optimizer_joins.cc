// Join ordering: each maximal tree of inner/cross joins is flattened into leaves and
// conjuncts, then rebuilt by a greedy choice: start from the leaf with the most rows (the fact
// table stays the probe side), repeatedly join the connected input that keeps the intermediate
// result smallest, and put the smaller input on the build (right) side.
//
// An input is a leaf, or a leaf "reduced" first by joins with smaller filtered leaves that
// only it reaches (TPC-H Q3: orders joined with the customers of one segment before lineitem
// probes it), so the build side of a probe of the fact table is as small as the filters make
// it (a bushy plan: the build side may itself be a join). Column equalities are closed
// transitively (a = b and b = c add a = c), which lets a filter reach leaves through an
// equivalent column (Q5: c_nationkey = s_nationkey = n_nationkey joins customer with the
// nations of one region); an equality already implied by those a join enforces below it is
// left out, so no key is checked twice. A projection on top restores the column order.
//
// Cardinality model: a join on an equality treats the input with the smaller unfiltered row
// count as the key side (a foreign-key join): the result has the other side's rows times the
// key side's filter selectivity.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "sql/optimizer_internal.h"
#include "sql/optimizer_util.h"

namespace tide::sql::opt {

namespace {

constexpr double kUnknownRows = 1e6;
// Graphs with more leaves keep the plain left-deep greedy order (no reduced inputs), which
// bounds the planning work.
constexpr size_t kMaxReduceLeaves = 16;
// A leaf reduces an input only when it keeps at most this share of its rows.
constexpr double kMinReduction = 0.9;

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
  leaves->push_back(std::move(l));
}

int LeafOf(const std::vector<Leaf>& leaves, int column) {
  for (size_t i = 0; i < leaves.size(); ++i) {
    if (column >= leaves[i].offset && column < leaves[i].offset + leaves[i].width) return static_cast<int>(i);
  }
  return -1;
}

bool IsEquality(const BoundExpr& c) {
  return c.kind == BoundExprKind::kCall && (c.function == "eq" || c.function == "null_safe_eq");
}

// Types whose equality is transitive and exact (no floating point): integers, dates,
// timestamps, decimals, strings, booleans.
bool TransitiveType(const columnar::DataType& t) {
  switch (t.id()) {
    case columnar::TypeId::kFloat32:
    case columnar::TypeId::kFloat64:
    case columnar::TypeId::kNull: return false;
    default: return !t.IsNested();
  }
}

// `c` is eq(column, column) over two columns of one type that equality treats transitively;
// *a and *b are the column indexes.
bool ColumnEquality(const BoundExpr& c, int* a, int* b) {
  if (c.kind != BoundExprKind::kCall || c.function != "eq" || c.args.size() != 2) return false;
  const auto& x = *c.args[0];
  const auto& y = *c.args[1];
  if (x.kind != BoundExprKind::kColumn || y.kind != BoundExprKind::kColumn) return false;
  if (!x.type->Equals(*y.type) || !TransitiveType(*x.type)) return false;
  *a = x.column;
  *b = y.column;
  return true;
}

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(int n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int Find(int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  bool Union(int a, int b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    parent[a] = b;
    return true;
  }
};

// One input of a join being built: a plan, the original column each of its output columns
// is, the leaves it covers and its estimated rows (and the unfiltered rows of its biggest
// leaf, the "base" of the foreign-key model).
struct Rel {
  PlanPtr plan;
  std::vector<int> cols;
  uint64_t mask = 0;
  double rows = 1;
  double base = 1;
};

class JoinGraph {
 public:
  JoinGraph(std::vector<Leaf> leaves, std::vector<BoundExprPtr> conds)
      : leaves_(std::move(leaves)), conds_(std::move(conds)) {
    for (const auto& l : leaves_) total_ = std::max(total_, l.offset + l.width);
    for (const auto& c : conds_) masks_.push_back(MaskOf(*c));
  }

  // Moves conjuncts of one leaf into a filter on it, adds the transitive closure of the
  // column equalities, and estimates every leaf.
  void Prepare() {
    std::vector<BoundExprPtr> conds;
    std::vector<uint64_t> masks;
    for (size_t k = 0; k < conds_.size(); ++k) {
      const uint64_t m = masks_[k];
      if (m != 0 && (m & (m - 1)) == 0) {
        const int li = __builtin_ctzll(m);
        leaf_filters_[li].push_back(planutil::ShiftColumns(conds_[k], -leaves_[li].offset));
      } else if (m == 0) {
        constant_.push_back(conds_[k]);
      } else {
        conds.push_back(conds_[k]);
        masks.push_back(m);
      }
    }
    conds_ = std::move(conds);
    masks_ = std::move(masks);
    for (size_t i = 0; i < leaves_.size(); ++i) {
      Leaf& l = leaves_[i];
      auto f = leaf_filters_.find(static_cast<int>(i));
      if (f != leaf_filters_.end()) l.plan = planutil::MakeFilter(l.plan, planutil::MakeAnd(f->second));
      l.rows = std::max(1.0, EstimateRows(*l.plan));
      l.base = std::max(l.rows, BaseRows(*l.plan));
    }
    AddImpliedEqualities();
  }

  PlanPtr Build(const PlanPtr& root) {
    const size_t n = leaves_.size();
    const bool reduce = n <= kMaxReduceLeaves;
    int first = 0;
    for (size_t i = 1; i < n; ++i) {
      if (leaves_[i].base > leaves_[first].base ||
          (leaves_[i].base == leaves_[first].base && leaves_[i].rows > leaves_[first].rows)) {
        first = static_cast<int>(i);
      }
    }
    Rel tree = LeafRel(first);
    const uint64_t all = n == 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
    while (tree.mask != all) {
      bool have = false, best_conn = false;
      double best_out = 0;
      Rel best;
      for (size_t i = 0; i < n; ++i) {
        const uint64_t bit = uint64_t{1} << i;
        if (tree.mask & bit) continue;
        const bool conn = Connected(tree.mask, bit);
        Rel cand = conn && reduce ? Reduce(static_cast<int>(i), all & ~tree.mask & ~bit, tree.mask) : LeafRel(static_cast<int>(i));
        double out;
        if (conn) {
          if (cand.base <= tree.base) out = tree.rows * (cand.rows / cand.base);
          else out = cand.rows * (tree.rows / tree.base);
        } else {
          out = tree.rows * cand.rows;
        }
        const bool better = !have || (conn && !best_conn) ||
                            (conn == best_conn && (out < best_out || (out == best_out && cand.rows < best.rows)));
        if (better) {
          have = true;
          best = std::move(cand);
          best_out = out;
          best_conn = conn;
        }
      }
      // Smaller input on the build (right) side.
      const bool swap = tree.rows < best.rows;
      const double base = std::max(tree.base, best.base);
      tree = swap ? Join(best, tree) : Join(tree, best);
      tree.rows = std::max(1.0, best_out);
      tree.base = base;
    }
    if (!constant_.empty()) tree.plan = planutil::MakeFilter(tree.plan, planutil::MakeAnd(constant_));
    // Restore the original column order and names.
    std::vector<int> pos(total_, -1);
    for (size_t i = 0; i < tree.cols.size(); ++i) pos[tree.cols[i]] = static_cast<int>(i);
    bool identity = true;
    for (int i = 0; i < total_; ++i) identity = identity && pos[i] == i;
    if (identity) return tree.plan;
    std::vector<BoundExprPtr> exprs;
    std::vector<std::string> names;
    for (int i = 0; i < total_; ++i) {
      const auto& f = tree.plan->schema->field(pos[i]);
      exprs.push_back(MakeColumn(pos[i], f->type(), f->nullable(), root->schema->field(i)->name()));
      names.push_back(root->schema->field(i)->name());
    }
    return planutil::MakeProject(tree.plan, std::move(exprs), std::move(names));
  }

 private:
  uint64_t MaskOf(const BoundExpr& c) const {
    uint64_t m = 0;
    for (int col : planutil::Columns(c)) {
      const int li = LeafOf(leaves_, col);
      if (li >= 0) m |= uint64_t{1} << li;
    }
    return m;
  }

  // a = b, b = c (column equalities across leaves) add a = c for every pair of columns of one
  // equivalence class in different leaves that no conjunct equates directly.
  void AddImpliedEqualities() {
    UnionFind uf(total_);
    std::vector<BoundExprPtr> column_of(total_);
    std::set<std::pair<int, int>> direct;
    BoundExprPtr proto;
    for (const auto& c : conds_) {
      int a, b;
      if (!ColumnEquality(*c, &a, &b)) continue;
      uf.Union(a, b);
      column_of[a] = c->args[0];
      column_of[b] = c->args[1];
      direct.insert({std::min(a, b), std::max(a, b)});
      proto = c;
    }
    if (!proto) return;
    std::map<int, std::vector<int>> classes;
    for (int col = 0; col < total_; ++col) {
      if (column_of[col]) classes[uf.Find(col)].push_back(col);
    }
    for (const auto& [root, cols] : classes) {
      if (cols.size() < 3) continue;
      for (size_t i = 0; i < cols.size(); ++i) {
        for (size_t j = i + 1; j < cols.size(); ++j) {
          const int a = cols[i], b = cols[j];
          if (direct.count({a, b}) || LeafOf(leaves_, a) == LeafOf(leaves_, b)) continue;
          // The result type of an equality the query wrote.
          const bool nullable = column_of[a]->nullable || column_of[b]->nullable;
          conds_.push_back(MakeCall("eq", {column_of[a], column_of[b]}, proto->type, nullable));
          masks_.push_back(MaskOf(*conds_.back()));
        }
      }
    }
  }

  // Some equality joins the leaves of `a` with those of `b` (and no others).
  bool Connected(uint64_t a, uint64_t b) const {
    for (size_t k = 0; k < conds_.size(); ++k) {
      const uint64_t m = masks_[k];
      if ((m & a) && (m & b) && (m & ~(a | b)) == 0 && IsEquality(*conds_[k])) return true;
    }
    return false;
  }

  // Some conjunct reads leaf `leaf` and a leaf of `set`.
  bool Touches(int leaf, uint64_t set) const {
    const uint64_t bit = uint64_t{1} << leaf;
    for (uint64_t m : masks_) {
      if ((m & bit) && (m & set)) return true;
    }
    return false;
  }

  Rel LeafRel(int i) const {
    const Leaf& l = leaves_[i];
    Rel r;
    r.plan = l.plan;
    r.cols.resize(l.width);
    std::iota(r.cols.begin(), r.cols.end(), l.offset);
    r.mask = uint64_t{1} << i;
    r.rows = l.rows;
    r.base = l.base;
    return r;
  }

  // Leaf x joined first with the leaves of `avail` that reduce it: each one is a smaller
  // (key side) leaf, connected to x's input by an equality, reached by no conjunct from
  // `outer` (the inputs x is going to join: such a leaf joins there instead), whose own
  // filters (and reductions, recursively) keep at most kMinReduction of its rows.
  Rel Reduce(int x, uint64_t avail, uint64_t outer) const {
    Rel rel = LeafRel(x);
    while (true) {
      bool have = false;
      double best_sel = 0;
      Rel best;
      for (size_t m = 0; m < leaves_.size(); ++m) {
        const uint64_t bit = uint64_t{1} << m;
        if (!(avail & bit) || (rel.mask & bit)) continue;
        if (leaves_[m].base > leaves_[x].base || Touches(static_cast<int>(m), outer)) continue;
        if (!Connected(rel.mask, bit)) continue;
        Rel sub = Reduce(static_cast<int>(m), avail & ~rel.mask & ~bit, outer | rel.mask);
        const double sel = sub.rows / sub.base;
        if (sel > kMinReduction) continue;
        if (!have || sel < best_sel) {
          have = true;
          best_sel = sel;
          best = std::move(sub);
        }
      }
      if (!have) return rel;
      avail &= ~best.mask;
      const double rows = std::max(1.0, rel.rows * best_sel);
      const double base = rel.base;
      rel = best.rows > rel.rows ? Join(best, rel) : Join(rel, best);
      rel.rows = rows;
      rel.base = base;
    }
  }

  // Joins `left` (probe) with `right` (build) on the conjuncts that read both and nothing
  // else; an equality already implied by those enforced inside the inputs is left out.
  Rel Join(const Rel& left, const Rel& right) const {
    const uint64_t both = left.mask | right.mask;
    std::vector<int> pos(total_, -1);
    for (size_t i = 0; i < left.cols.size(); ++i) pos[left.cols[i]] = static_cast<int>(i);
    for (size_t j = 0; j < right.cols.size(); ++j) pos[right.cols[j]] = static_cast<int>(left.cols.size() + j);
    UnionFind uf(total_);
    for (size_t k = 0; k < conds_.size(); ++k) {
      const uint64_t m = masks_[k];
      int a, b;
      if (((m & ~left.mask) == 0 || (m & ~right.mask) == 0) && ColumnEquality(*conds_[k], &a, &b)) uf.Union(a, b);
    }
    std::vector<BoundExprPtr> here;
    for (size_t k = 0; k < conds_.size(); ++k) {
      const uint64_t m = masks_[k];
      if ((m & ~both) != 0 || !(m & left.mask) || !(m & right.mask)) continue;
      int a, b;
      if (ColumnEquality(*conds_[k], &a, &b) && !uf.Union(a, b)) continue;  // implied already
      here.push_back(planutil::RemapColumns(conds_[k], pos));
    }
    std::vector<BoundExprPtr> lk, rk;
    std::vector<bool> ns;
    BoundExprPtr residual;
    planutil::ExtractEquiKeys(static_cast<int>(left.cols.size()), planutil::MakeAnd(here), &lk, &rk, &ns, &residual);
    Rel out;
    out.plan = planutil::MakeJoin(PlanJoinType::kCross, left.plan, right.plan, lk, rk, ns, residual);
    out.cols = left.cols;
    out.cols.insert(out.cols.end(), right.cols.begin(), right.cols.end());
    out.mask = both;
    return out;
  }

  std::vector<Leaf> leaves_;
  std::vector<BoundExprPtr> conds_;
  std::vector<uint64_t> masks_;
  std::map<int, std::vector<BoundExprPtr>> leaf_filters_;
  std::vector<BoundExprPtr> constant_;
  int total_ = 0;
};

PlanPtr Reorder(const PlanPtr& node);

PlanPtr ReorderTree(const PlanPtr& root) {
  std::vector<Leaf> leaves;
  std::vector<BoundExprPtr> conds;
  Flatten(root, 0, &leaves, &conds);
  for (auto& l : leaves) l.plan = Reorder(l.plan);
  if (leaves.size() > 64) return root;  // leave huge graphs as written
  JoinGraph g(std::move(leaves), std::move(conds));
  g.Prepare();
  return g.Build(root);
}

// A hash join builds its right input. A LEFT join whose preserved (left) input is much
// smaller than the other is better run as a RIGHT join with the inputs swapped: the small side
// is built, the large one streams through the probe (TPC-H Q13: 150 000 customers built
// instead of 1.5 million orders), and a projection restores the column order.
PlanPtr BuildOnSmallerSide(const PlanPtr& node) {
  if (node->kind != PlanKind::kJoin || node->join_type != PlanJoinType::kLeft || node->left_keys.empty()) return node;
  const double left_rows = EstimateRows(*node->children[0]);
  const double right_rows = EstimateRows(*node->children[1]);
  if (!(left_rows * 4 < right_rows)) return node;
  const int lw = node->children[0]->schema->num_fields();
  const int rw = node->children[1]->schema->num_fields();
  BoundExprPtr condition;
  if (node->condition) {
    std::vector<int> map(lw + rw);
    for (int i = 0; i < lw; ++i) map[i] = rw + i;
    for (int i = 0; i < rw; ++i) map[lw + i] = i;
    condition = planutil::RemapColumns(node->condition, map);
  }
  PlanPtr swapped = planutil::MakeJoin(PlanJoinType::kRight, node->children[1], node->children[0], node->right_keys,
                                       node->left_keys, node->null_safe, condition);
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  for (int i = 0; i < lw + rw; ++i) {
    const int from = i < lw ? rw + i : i - lw;
    const auto& f = swapped->schema->field(from);
    exprs.push_back(MakeColumn(from, f->type(), f->nullable(), node->schema->field(i)->name()));
    names.push_back(node->schema->field(i)->name());
  }
  return planutil::MakeProject(swapped, std::move(exprs), std::move(names));
}

PlanPtr Reorder(const PlanPtr& node) {
  if (IsInnerLike(*node)) return ReorderTree(node);
  std::vector<PlanPtr> children;
  bool changed = false;
  for (const auto& c : node->children) {
    children.push_back(Reorder(c));
    changed |= children.back() != c;
  }
  PlanPtr out = changed ? planutil::WithChildren(*node, std::move(children)) : node;
  return BuildOnSmallerSide(out);
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
