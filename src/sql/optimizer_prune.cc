// Projection pruning: walks the plan top-down with the set of output columns something above
// reads; every node drops what nobody needs (projection items, aggregates, window calls,
// scan columns) and reports where each surviving column went.
#include <algorithm>

#include "sql/optimizer_internal.h"
#include "sql/optimizer_util.h"

namespace tide::sql::opt {

namespace {

struct Pruned {
  PlanPtr plan;
  std::vector<int> map;  // old output column -> new output column, -1 when dropped
};

void Need(const BoundExprPtr& e, std::vector<bool>* req) {
  if (!e) return;
  for (int c : planutil::Columns(*e)) {
    if (c >= 0 && c < static_cast<int>(req->size())) (*req)[c] = true;
  }
}

std::vector<bool> All(int n) { return std::vector<bool>(n, true); }

Pruned Prune(const PlanPtr& node, const std::vector<bool>& required);

// A plan whose output is exactly columns `cols` of the pruned child (old indexes).
PlanPtr Restore(const Pruned& p, int width, const std::shared_ptr<const columnar::Schema>& schema) {
  bool identity = p.plan->schema->num_fields() == width;
  for (int i = 0; i < width && identity; ++i) identity = p.map[i] == i;
  if (identity) return p.plan;
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  for (int i = 0; i < width; ++i) {
    int c = p.map[i];
    const auto& f = schema->field(i);
    exprs.push_back(MakeColumn(c, p.plan->schema->field(c)->type(), p.plan->schema->field(c)->nullable(), f->name()));
    names.push_back(f->name());
  }
  return planutil::MakeProject(p.plan, std::move(exprs), std::move(names));
}

// Drops columns of a join input that only the input itself needed (filter-only columns), so
// hash tables and probe outputs carry just what the join and its parents read.
Pruned Trim(Pruned p, const std::vector<bool>& required) {
  std::vector<int> keep;
  for (size_t i = 0; i < required.size(); ++i) {
    if (required[i] && p.map[i] >= 0) keep.push_back(p.map[i]);
  }
  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  if (static_cast<int>(keep.size()) == p.plan->schema->num_fields()) return p;
  std::vector<int> inv(p.plan->schema->num_fields(), -1);
  for (size_t k = 0; k < keep.size(); ++k) inv[keep[k]] = static_cast<int>(k);
  Pruned out;
  out.plan = planutil::MakeColumnProject(p.plan, keep);
  out.map.resize(p.map.size(), -1);
  for (size_t i = 0; i < p.map.size(); ++i) {
    if (p.map[i] >= 0 && required[i]) out.map[i] = inv[p.map[i]];
  }
  return out;
}

Pruned Identity(PlanPtr plan) {
  Pruned p;
  p.map.resize(plan->schema->num_fields());
  for (size_t i = 0; i < p.map.size(); ++i) p.map[i] = static_cast<int>(i);
  p.plan = std::move(plan);
  return p;
}

PlanPtr PruneAll(const PlanPtr& child) {
  int w = child->schema->num_fields();
  return Restore(Prune(child, All(w)), w, child->schema);
}

Pruned Prune(const PlanPtr& node, const std::vector<bool>& required) {
  int width = node->schema->num_fields();
  switch (node->kind) {
    case PlanKind::kScan: {
      std::vector<bool> req = required;
      for (const auto& f : node->scan_filters) Need(f, &req);
      auto n = std::make_shared<PlanNode>(*node);
      Pruned out;
      out.map.assign(width, -1);
      n->scan_columns.clear();
      std::vector<columnar::FieldPtr> fields;
      for (int i = 0; i < width; ++i) {
        if (!req[i]) continue;
        out.map[i] = static_cast<int>(n->scan_columns.size());
        n->scan_columns.push_back(node->scan_columns[i]);
        fields.push_back(node->schema->field(i));
      }
      n->schema = planutil::MakeSchema(std::move(fields));
      for (auto& f : n->scan_filters) f = planutil::RemapColumns(f, out.map);
      out.plan = n;
      return out;
    }
    case PlanKind::kValues: {
      if (node->values.empty()) return Identity(node);
      auto n = std::make_shared<PlanNode>(*node);
      Pruned out;
      out.map.assign(width, -1);
      n->values.clear();
      std::vector<columnar::FieldPtr> fields;
      for (int i = 0; i < width; ++i) {
        if (!required[i]) continue;
        out.map[i] = static_cast<int>(n->values.size());
        n->values.push_back(node->values[i]);
        fields.push_back(node->schema->field(i));
      }
      n->values_rows = node->values[0]->length;
      n->schema = planutil::MakeSchema(std::move(fields));
      out.plan = n;
      return out;
    }
    case PlanKind::kFilter: {
      std::vector<bool> req = required;
      Need(node->predicate, &req);
      Pruned child = Prune(node->children[0], req);
      auto n = std::make_shared<PlanNode>(*node);
      n->predicate = planutil::RemapColumns(node->predicate, child.map);
      n->schema = child.plan->schema;
      n->children = {child.plan};
      return Pruned{n, child.map};
    }
    case PlanKind::kProject: {
      int cw = node->children[0]->schema->num_fields();
      std::vector<bool> req(cw, false);
      std::vector<int> kept;
      for (int i = 0; i < width; ++i) {
        if (!required[i]) continue;
        kept.push_back(i);
        Need(node->exprs[i], &req);
      }
      Pruned child = Prune(node->children[0], req);
      Pruned out;
      out.map.assign(width, -1);
      std::vector<BoundExprPtr> exprs;
      std::vector<std::string> names;
      for (int i : kept) {
        out.map[i] = static_cast<int>(exprs.size());
        exprs.push_back(planutil::RemapColumns(node->exprs[i], child.map));
        names.push_back(node->schema->field(i)->name());
      }
      // A projection that passes its (pruned) input through unchanged disappears.
      bool identity = static_cast<int>(exprs.size()) == child.plan->schema->num_fields();
      for (size_t k = 0; k < exprs.size() && identity; ++k) {
        identity = exprs[k]->kind == BoundExprKind::kColumn && exprs[k]->column == static_cast<int>(k) &&
                   names[k] == child.plan->schema->field(static_cast<int>(k))->name();
      }
      if (identity) {
        out.plan = child.plan;
        return out;
      }
      out.plan = planutil::MakeProject(child.plan, std::move(exprs), std::move(names));
      return out;
    }
    case PlanKind::kAggregate: {
      int ng = static_cast<int>(node->group_exprs.size());
      int extra = node->grouping_sets.empty() ? 0 : 1;
      int cw = node->children[0]->schema->num_fields();
      std::vector<bool> req(cw, false);
      for (const auto& g : node->group_exprs) Need(g, &req);
      std::vector<int> kept_aggs;
      for (size_t a = 0; a < node->aggregates.size(); ++a) {
        if (!required[ng + extra + static_cast<int>(a)]) continue;
        kept_aggs.push_back(static_cast<int>(a));
        for (const auto& e : node->aggregates[a].args) Need(e, &req);
        Need(node->aggregates[a].filter, &req);
      }
      Pruned child = Prune(node->children[0], req);
      auto n = std::make_shared<PlanNode>(*node);
      n->children = {child.plan};
      for (auto& g : n->group_exprs) g = planutil::RemapColumns(g, child.map);
      n->aggregates.clear();
      Pruned out;
      out.map.assign(width, -1);
      std::vector<columnar::FieldPtr> fields;
      for (int i = 0; i < ng + extra; ++i) {
        out.map[i] = i;
        fields.push_back(node->schema->field(i));
      }
      for (int a : kept_aggs) {
        AggregateCall call = node->aggregates[a];
        for (auto& e : call.args) e = planutil::RemapColumns(e, child.map);
        if (call.filter) call.filter = planutil::RemapColumns(call.filter, child.map);
        out.map[ng + extra + a] = static_cast<int>(fields.size());
        fields.push_back(node->schema->field(ng + extra + a));
        n->aggregates.push_back(std::move(call));
      }
      n->schema = planutil::MakeSchema(std::move(fields));
      out.plan = n;
      return out;
    }
    case PlanKind::kJoin: {
      int lw = node->children[0]->schema->num_fields();
      int rw = node->children[1]->schema->num_fields();
      bool semi = node->join_type == PlanJoinType::kSemi || node->join_type == PlanJoinType::kAnti;
      bool mark = node->join_type == PlanJoinType::kMark;
      std::vector<bool> lreq(lw, false), rreq(rw, false);
      for (int i = 0; i < lw; ++i) lreq[i] = required[i];
      if (!semi && !mark) {
        for (int i = 0; i < rw; ++i) rreq[i] = required[lw + i];
      }
      std::vector<bool> lparent = lreq, rparent = rreq;
      for (const auto& k : node->left_keys) Need(k, &lreq);
      for (const auto& k : node->right_keys) Need(k, &rreq);
      if (node->condition) {
        for (int c : planutil::Columns(*node->condition)) {
          if (c < lw) lreq[c] = true;
          else if (c - lw < rw) rreq[c - lw] = true;
        }
      }
      Pruned l = Prune(node->children[0], lreq);
      Pruned r = Prune(node->children[1], rreq);
      l = Trim(std::move(l), lreq);
      r = Trim(std::move(r), rreq);
      int nlw = l.plan->schema->num_fields();
      std::vector<BoundExprPtr> lk, rk;
      for (const auto& k : node->left_keys) lk.push_back(planutil::RemapColumns(k, l.map));
      for (const auto& k : node->right_keys) rk.push_back(planutil::RemapColumns(k, r.map));
      BoundExprPtr cond;
      if (node->condition) {
        std::vector<int> cmap(lw + rw, -1);
        for (int i = 0; i < lw; ++i) cmap[i] = l.map[i];
        for (int i = 0; i < rw; ++i) cmap[lw + i] = r.map[i] >= 0 ? nlw + r.map[i] : -1;
        cond = planutil::RemapColumns(node->condition, cmap);
      }
      Pruned out;
      out.plan = planutil::MakeJoin(node->join_type, l.plan, r.plan, lk, rk, node->null_safe, cond);
      out.map.assign(width, -1);
      for (int i = 0; i < lw; ++i) out.map[i] = l.map[i];
      if (mark) {
        out.map[lw] = nlw;
      } else if (!semi) {
        for (int i = 0; i < rw; ++i) out.map[lw + i] = r.map[i] >= 0 ? nlw + r.map[i] : -1;
      }
      (void)lparent;
      (void)rparent;
      return out;
    }
    case PlanKind::kSort: {
      std::vector<bool> req = required;
      for (const auto& k : node->sort_keys) Need(k.expr, &req);
      Pruned child = Prune(node->children[0], req);
      auto n = std::make_shared<PlanNode>(*node);
      for (auto& k : n->sort_keys) k.expr = planutil::RemapColumns(k.expr, child.map);
      n->schema = child.plan->schema;
      n->children = {child.plan};
      return Pruned{n, child.map};
    }
    case PlanKind::kLimit: {
      Pruned child = Prune(node->children[0], required);
      auto n = std::make_shared<PlanNode>(*node);
      n->schema = child.plan->schema;
      n->children = {child.plan};
      return Pruned{n, child.map};
    }
    case PlanKind::kDistinct:
    case PlanKind::kSetOp: {
      std::vector<PlanPtr> children;
      for (const auto& c : node->children) children.push_back(PruneAll(c));
      return Identity(planutil::WithChildren(*node, std::move(children)));
    }
    case PlanKind::kWindow: {
      int cw = node->children[0]->schema->num_fields();
      std::vector<bool> req(cw, false);
      for (int i = 0; i < cw; ++i) req[i] = required[i];
      std::vector<int> kept;
      for (size_t k = 0; k < node->windows.size(); ++k) {
        if (!required[cw + static_cast<int>(k)]) continue;
        kept.push_back(static_cast<int>(k));
        for (const auto& a : node->windows[k].args) Need(a, &req);
      }
      if (kept.empty()) {
        Pruned child = Prune(node->children[0], req);
        child.map.resize(width, -1);
        return child;
      }
      for (const auto& p : node->partition_by) Need(p, &req);
      for (const auto& o : node->order_by) Need(o.expr, &req);
      Pruned child = Prune(node->children[0], req);
      auto n = std::make_shared<PlanNode>(*node);
      n->children = {child.plan};
      for (auto& p : n->partition_by) p = planutil::RemapColumns(p, child.map);
      for (auto& o : n->order_by) o.expr = planutil::RemapColumns(o.expr, child.map);
      n->windows.clear();
      std::vector<columnar::FieldPtr> fields = child.plan->schema->fields();
      int ncw = child.plan->schema->num_fields();
      Pruned out;
      out.map.assign(width, -1);
      for (int i = 0; i < cw; ++i) out.map[i] = child.map[i];
      for (int k : kept) {
        WindowCall call = node->windows[k];
        for (auto& a : call.args) a = planutil::RemapColumns(a, child.map);
        out.map[cw + k] = ncw + static_cast<int>(n->windows.size());
        fields.push_back(node->schema->field(cw + k));
        n->windows.push_back(std::move(call));
      }
      n->schema = planutil::MakeSchema(std::move(fields));
      out.plan = n;
      return out;
    }
    case PlanKind::kExplode: {
      int cw = node->children[0]->schema->num_fields();
      std::vector<bool> req(cw, false);
      for (int i = 0; i < cw; ++i) req[i] = required[i];
      Need(node->generator, &req);
      Pruned child = Prune(node->children[0], req);
      auto n = std::make_shared<PlanNode>(*node);
      n->children = {child.plan};
      n->generator = planutil::RemapColumns(node->generator, child.map);
      std::vector<columnar::FieldPtr> fields = child.plan->schema->fields();
      int ncw = child.plan->schema->num_fields();
      Pruned out;
      out.map.assign(width, -1);
      for (int i = 0; i < cw; ++i) out.map[i] = child.map[i];
      for (int i = cw; i < width; ++i) {
        out.map[i] = ncw + (i - cw);
        fields.push_back(node->schema->field(i));
      }
      n->schema = planutil::MakeSchema(std::move(fields));
      out.plan = n;
      return out;
    }
  }
  return Identity(node);
}

// Subquery plans inside expressions are pruned on their own.
BoundExprPtr PruneSubqueries(const BoundExprPtr& e);

PlanPtr PruneExprSubqueries(const PlanPtr& plan) {
  std::vector<PlanPtr> children;
  for (const auto& c : plan->children) children.push_back(PruneExprSubqueries(c));
  auto n = std::make_shared<PlanNode>(*plan);
  n->children = std::move(children);
  planutil::ForEachExprSlot(*n, [&](BoundExprPtr& e) { e = PruneSubqueries(e); });
  return n;
}

BoundExprPtr PruneSubqueries(const BoundExprPtr& e) {
  bool any = planutil::HasSubquery(*e);
  if (!any) return e;
  if (e->kind == BoundExprKind::kSubquery) {
    auto copy = std::make_shared<BoundExpr>(*e);
    for (auto& a : copy->args) a = PruneSubqueries(a);
    copy->subquery = PruneColumns(e->subquery);
    return copy;
  }
  std::vector<BoundExprPtr> args;
  for (const auto& a : e->args) args.push_back(PruneSubqueries(a));
  return planutil::WithArgs(*e, std::move(args));
}

}  // namespace

PlanPtr PruneColumns(const PlanPtr& plan) {
  PlanPtr p = PruneExprSubqueries(plan);
  int w = p->schema->num_fields();
  Pruned pruned = Prune(p, All(w));
  return Restore(pruned, w, plan->schema);
}

}  // namespace tide::sql::opt
