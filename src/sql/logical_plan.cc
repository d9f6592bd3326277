#include "sql/logical_plan.h"

namespace tide::sql {

namespace {

std::string Names(const columnar::Schema& schema) {
  std::string out = "[";
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i > 0) out += ", ";
    out += schema.field(i)->name();
  }
  return out + "]";
}

std::string Exprs(const std::vector<BoundExprPtr>& exprs, const columnar::Schema* input) {
  std::string out = "[";
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) out += ", ";
    out += BoundExprToString(*exprs[i], input);
  }
  return out + "]";
}

std::string Keys(const std::vector<SortKey>& keys, const columnar::Schema* input) {
  std::string out = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ", ";
    out += BoundExprToString(*keys[i].expr, input);
    out += keys[i].ascending ? " ASC" : " DESC";
    out += keys[i].nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  return out + "]";
}

const char* JoinName(PlanJoinType t) {
  switch (t) {
    case PlanJoinType::kInner: return "inner";
    case PlanJoinType::kLeft: return "left";
    case PlanJoinType::kRight: return "right";
    case PlanJoinType::kFull: return "full";
    case PlanJoinType::kSemi: return "semi";
    case PlanJoinType::kAnti: return "anti";
    case PlanJoinType::kCross: return "cross";
    case PlanJoinType::kMark: return "mark";
  }
  return "?";
}

std::string Edge(const FrameEdge& e, bool start) {
  if (e.unbounded) return start ? "UNBOUNDED PRECEDING" : "UNBOUNDED FOLLOWING";
  if (e.offset == 0) return "CURRENT ROW";
  return std::to_string(e.offset < 0 ? -e.offset : e.offset) + (e.offset < 0 ? " PRECEDING" : " FOLLOWING");
}

void Print(const PlanNode& n, int indent, std::string* out) {
  out->append(static_cast<size_t>(indent) * 2, ' ');
  const columnar::Schema* in = n.children.empty() ? nullptr : n.children[0]->schema.get();
  switch (n.kind) {
    case PlanKind::kScan: {
      *out += "Scan " + (n.table ? n.table->display_name() : std::string("?"));
      if (n.table && n.table->version() >= 0) *out += "@v" + std::to_string(n.table->version());
      *out += " " + Names(*n.schema);
      if (!n.scan_filters.empty()) *out += " filters=" + Exprs(n.scan_filters, n.schema.get());
      break;
    }
    case PlanKind::kValues:
      *out += "Values " + Names(*n.schema) + " rows=" + std::to_string(n.values.empty() ? n.values_rows : n.values[0]->length);
      break;
    case PlanKind::kFilter:
      *out += "Filter " + BoundExprToString(*n.predicate, in);
      break;
    case PlanKind::kProject: {
      *out += "Project [";
      for (size_t i = 0; i < n.exprs.size(); ++i) {
        if (i > 0) *out += ", ";
        std::string e = BoundExprToString(*n.exprs[i], in);
        const std::string& name = n.schema->field(static_cast<int>(i))->name();
        *out += e == name ? e : e + " AS " + name;
      }
      *out += "]";
      break;
    }
    case PlanKind::kAggregate: {
      *out += "Aggregate group=" + Exprs(n.group_exprs, in);
      if (!n.grouping_sets.empty()) {
        *out += " sets=[";
        for (size_t s = 0; s < n.grouping_sets.size(); ++s) {
          if (s > 0) *out += ", ";
          *out += "(";
          for (size_t k = 0; k < n.grouping_sets[s].size(); ++k) *out += (k ? ", " : "") + std::to_string(n.grouping_sets[s][k]);
          *out += ")";
        }
        *out += "]";
      }
      *out += " aggs=[";
      for (size_t i = 0; i < n.aggregates.size(); ++i) {
        const auto& a = n.aggregates[i];
        if (i > 0) *out += ", ";
        *out += a.function + "(" + (a.distinct ? "DISTINCT " : "");
        for (size_t k = 0; k < a.args.size(); ++k) *out += (k ? ", " : "") + BoundExprToString(*a.args[k], in);
        *out += ")";
        if (a.filter) *out += " FILTER " + BoundExprToString(*a.filter, in);
      }
      *out += "]";
      break;
    }
    case PlanKind::kJoin: {
      *out += std::string("Join ") + JoinName(n.join_type);
      const columnar::Schema* l = n.children[0]->schema.get();
      const columnar::Schema* r = n.children[1]->schema.get();
      if (!n.left_keys.empty()) {
        *out += " keys=[";
        for (size_t i = 0; i < n.left_keys.size(); ++i) {
          if (i > 0) *out += ", ";
          bool ns = i < n.null_safe.size() && n.null_safe[i];
          *out += BoundExprToString(*n.left_keys[i], l) + (ns ? " <=> " : " = ") + BoundExprToString(*n.right_keys[i], r);
        }
        *out += "]";
      }
      if (n.condition) {
        columnar::Schema both = [&] {
          std::vector<columnar::FieldPtr> f = l->fields();
          for (const auto& x : r->fields()) f.push_back(x);
          return columnar::Schema(f);
        }();
        *out += " condition=" + BoundExprToString(*n.condition, &both);
      }
      break;
    }
    case PlanKind::kSort:
      *out += "Sort " + Keys(n.sort_keys, in);
      if (n.limit >= 0) *out += " limit=" + std::to_string(n.limit);
      if (n.offset > 0) *out += " offset=" + std::to_string(n.offset);
      break;
    case PlanKind::kLimit:
      *out += "Limit " + (n.limit >= 0 ? std::to_string(n.limit) : std::string("ALL"));
      if (n.offset > 0) *out += " offset=" + std::to_string(n.offset);
      break;
    case PlanKind::kDistinct:
      *out += "Distinct";
      break;
    case PlanKind::kSetOp:
      *out += n.set_op == PlanSetOp::kUnion ? "Union" : n.set_op == PlanSetOp::kIntersect ? "Intersect" : "Except";
      *out += n.all ? " ALL" : " DISTINCT";
      *out += " " + Names(*n.schema);
      break;
    case PlanKind::kWindow: {
      *out += "Window partition=" + Exprs(n.partition_by, in) + " order=" + Keys(n.order_by, in) + " [";
      for (size_t i = 0; i < n.windows.size(); ++i) {
        const auto& w = n.windows[i];
        if (i > 0) *out += ", ";
        *out += w.function + "(";
        for (size_t k = 0; k < w.args.size(); ++k) *out += (k ? ", " : "") + BoundExprToString(*w.args[k], in);
        *out += ") ";
        *out += w.frame.unit == FrameUnit::kRows ? "ROWS " : "RANGE ";
        *out += Edge(w.frame.start, true) + " AND " + Edge(w.frame.end, false);
      }
      *out += "]";
      break;
    }
    case PlanKind::kExplode:
      *out += std::string("Explode") + (n.outer ? " OUTER " : " ") + (n.generator ? BoundExprToString(*n.generator, in) : "?") + " " +
              Names(*n.schema);
      break;
  }
  *out += "\n";
  for (const auto& c : n.children) Print(*c, indent + 1, out);
}

}  // namespace

std::string PlanToString(const PlanNode& plan) {
  std::string out;
  Print(plan, 0, &out);
  return out;
}

}  // namespace tide::sql
