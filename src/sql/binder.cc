// Queries, SELECT (grouping, aggregates, windows, ORDER BY, LIMIT), set operations and
// VALUES; the public entry points of binder.h.
#include "sql/binder.h"

#include <algorithm>

#include "columnar/builder.h"
#include "sql/binder_internal.h"
#include "sql/function_catalog.h"
#include "sql/optimizer_util.h"

namespace tide::sql {
namespace binder_internal {

using base::Result;
using base::Status;
using columnar::TypeId;
using columnar::TypePtr;

namespace {

bool IsPlaceholder(int c) { return c >= kOuterRefBase; }
bool IsOuterRef(int c) { return c >= kOuterRefBase && c < kGroupingIdRef; }

bool HasOuterRefs(const BoundExpr& e) {
  bool any = false;
  VisitBoundExpr(e, [&](const BoundExpr& n) {
    if (n.kind == BoundExprKind::kColumn && IsOuterRef(n.column)) any = true;
  });
  return any;
}

bool HasRefsAbove(const BoundExpr& e, int base) {
  bool any = false;
  VisitBoundExpr(e, [&](const BoundExpr& n) {
    if (n.kind == BoundExprKind::kColumn && n.column >= base && (base != kAggRefBase || n.column < kWinRefBase)) any = true;
  });
  return any;
}

bool HasAggRef(const BoundExpr& e) {
  bool any = false;
  VisitBoundExpr(e, [&](const BoundExpr& n) {
    if (n.kind == BoundExprKind::kColumn && n.column >= kAggRefBase && n.column < kWinRefBase) any = true;
  });
  return any;
}

bool HasWinRef(const BoundExpr& e) { return HasRefsAbove(e, kWinRefBase); }

void SplitAnd(const Expr& e, std::vector<const Expr*>* out) {
  if (e.kind == ExprKind::kBinary && e.As<BinaryExpr>().op == BinaryOp::kAnd) {
    SplitAnd(*e.As<BinaryExpr>().left, out);
    SplitAnd(*e.As<BinaryExpr>().right, out);
    return;
  }
  out->push_back(&e);
}

std::optional<int64_t> IntegerLiteralValue(const Expr& e) {
  if (e.kind != ExprKind::kLiteral) return std::nullopt;
  const auto& l = e.As<Literal>();
  if (l.literal_kind != LiteralKind::kInteger || l.suffix != NumberSuffix::kNone || l.text.size() > 9) return std::nullopt;
  return std::stoll(l.text);
}

PlanPtr MakeNode(PlanKind kind, PlanPtr child, std::shared_ptr<const columnar::Schema> schema) {
  auto n = std::make_shared<PlanNode>();
  n->kind = kind;
  n->schema = std::move(schema);
  n->children.push_back(std::move(child));
  return n;
}

// Appends a literal's value to a builder of the same type; false for unsupported types.
bool AppendLiteral(columnar::ArrayBuilder* b, const columnar::ArrayData& a) {
  if (a.IsNull(0)) {
    b->AppendNull();
    return true;
  }
  switch (a.type->id()) {
    case TypeId::kBoolean: static_cast<columnar::BooleanBuilder*>(b)->Append(a.BoolValue(0)); return true;
    case TypeId::kInt8: static_cast<columnar::Int8Builder*>(b)->Append(a.Value<int8_t>(0)); return true;
    case TypeId::kInt16: static_cast<columnar::Int16Builder*>(b)->Append(a.Value<int16_t>(0)); return true;
    case TypeId::kInt32:
    case TypeId::kDate32: static_cast<columnar::Int32Builder*>(b)->Append(a.Value<int32_t>(0)); return true;
    case TypeId::kInt64:
    case TypeId::kTimestamp: static_cast<columnar::Int64Builder*>(b)->Append(a.Value<int64_t>(0)); return true;
    case TypeId::kFloat32: static_cast<columnar::Float32Builder*>(b)->Append(a.Value<float>(0)); return true;
    case TypeId::kFloat64: static_cast<columnar::Float64Builder*>(b)->Append(a.Value<double>(0)); return true;
    case TypeId::kDecimal128: static_cast<columnar::Decimal128Builder*>(b)->Append(a.Value<__int128>(0)); return true;
    case TypeId::kString:
    case TypeId::kBinary: return static_cast<columnar::BinaryBuilder*>(b)->Append(a.BytesValue(0));
    default: return false;
  }
}

// A literal converted to a wider numeric type without evaluation (int -> bigint/decimal/double,
// decimal -> wider decimal/double); nullopt when that is not such a conversion.
std::optional<columnar::ArrayPtr> WidenLiteral(const columnar::ArrayData& a, const TypePtr& to) {
  if (a.IsNull(0)) return columnar::MakeNullArray(to, 1);
  __int128 iv = 0;
  int scale = 0;
  bool is_int = true;
  double dv = 0;
  switch (a.type->id()) {
    case TypeId::kInt8: iv = a.Value<int8_t>(0); break;
    case TypeId::kInt16: iv = a.Value<int16_t>(0); break;
    case TypeId::kInt32: iv = a.Value<int32_t>(0); break;
    case TypeId::kInt64: iv = a.Value<int64_t>(0); break;
    case TypeId::kDecimal128: iv = a.Value<__int128>(0); scale = a.type->scale(); break;
    case TypeId::kFloat32: dv = a.Value<float>(0); is_int = false; break;
    default: return std::nullopt;
  }
  auto as_double = [&]() {
    if (!is_int) return dv;
    double d = static_cast<double>(iv);
    for (int i = 0; i < scale; ++i) d /= 10;
    return d;
  };
  switch (to->id()) {
    case TypeId::kInt64: {
      if (!is_int || scale != 0) return std::nullopt;
      columnar::Int64Builder b(to);
      b.Append(static_cast<int64_t>(iv));
      return b.Finish();
    }
    case TypeId::kFloat64: {
      columnar::Float64Builder b(to);
      b.Append(as_double());
      return b.Finish();
    }
    case TypeId::kDecimal128: {
      if (!is_int || to->scale() < scale) return std::nullopt;
      __int128 v = iv;
      for (int i = scale; i < to->scale(); ++i) v *= 10;
      columnar::Decimal128Builder b(to);
      b.Append(v);
      return b.Finish();
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

Result<int64_t> Binder::BindCount(const Expr& e, const char* what) {
  TIDE_ASSIGN_OR_RETURN(BoundExprPtr c, BindConstant(e, catalog_, options_));
  if (!c->IsLiteral() || c->IsNullLiteral()) return Error(e.pos, std::string(what) + " must be a constant integer");
  int64_t v = 0;
  switch (c->type->id()) {
    case TypeId::kInt8: v = c->literal->Value<int8_t>(0); break;
    case TypeId::kInt16: v = c->literal->Value<int16_t>(0); break;
    case TypeId::kInt32: v = c->literal->Value<int32_t>(0); break;
    case TypeId::kInt64: v = c->literal->Value<int64_t>(0); break;
    default: return Error(e.pos, std::string(what) + " must be an integer, got " + c->type->ToString());
  }
  if (v < 0) return Error(e.pos, std::string(what) + " must not be negative, got " + std::to_string(v));
  return v;
}

Result<BoundRelation> Binder::BindQuery(const Query& query, const Scope* outer, Correlation* corr) {
  size_t saved = ctes_.size();
  for (size_t i = 0; i < query.ctes.size(); ++i) {
    const Cte& cte = query.ctes[i];
    std::string n = Lower(cte.name.name);
    for (size_t k = 0; k < i; ++k) {
      if (Lower(query.ctes[k].name.name) == n) {
        ctes_.resize(saved);
        return Error(cte.name.pos, "WITH query name '" + cte.name.name + "' is defined more than once");
      }
    }
    ctes_.push_back({n, &cte});
  }
  bool order_done = false;
  auto rel = BindBody(*query.body, outer, corr, &query.order_by, query.limit.get(), query.offset.get(), &order_done);
  if (rel.ok() && !order_done) rel = ApplyOrderLimit(std::move(*rel), query.order_by, query.limit.get(), query.offset.get());
  ctes_.resize(saved);
  return rel;
}

Result<BoundRelation> Binder::BindBody(const QueryBody& body, const Scope* outer, Correlation* corr,
                                       const std::vector<OrderItem>* order_by, const Expr* limit, const Expr* offset,
                                       bool* order_done) {
  switch (body.kind) {
    case QueryBodyKind::kSelect:
      *order_done = true;
      return BindSelect(body.As<SelectBody>(), outer, corr, order_by, limit, offset);
    case QueryBodyKind::kSetOp:
      return BindSetOp(body.As<SetOpBody>());
    case QueryBodyKind::kValues:
      return BindValuesRows(body.As<ValuesBody>().rows, body.pos);
    case QueryBodyKind::kNested:
      return BindQuery(*body.As<NestedBody>().query, outer, corr);
  }
  return Error(body.pos, "unsupported query");
}

Result<BoundRelation> Binder::BindSetOp(const SetOpBody& body) {
  bool d1 = false, d2 = false;
  TIDE_ASSIGN_OR_RETURN(BoundRelation left, BindBody(*body.left, nullptr, nullptr, nullptr, nullptr, nullptr, &d1));
  TIDE_ASSIGN_OR_RETURN(BoundRelation right, BindBody(*body.right, nullptr, nullptr, nullptr, nullptr, nullptr, &d2));
  const char* op = body.op == SetOpKind::kUnion ? "UNION" : body.op == SetOpKind::kIntersect ? "INTERSECT" : "EXCEPT";
  int n = left.plan->schema->num_fields();
  if (n != right.plan->schema->num_fields()) {
    return Error(body.pos, std::string(op) + " needs the same number of columns on both sides: " + std::to_string(n) + " and " +
                               std::to_string(right.plan->schema->num_fields()));
  }
  std::vector<TypePtr> types;
  bool lcast = false, rcast = false;
  for (int i = 0; i < n; ++i) {
    const auto& lt = left.plan->schema->field(i)->type();
    const auto& rt = right.plan->schema->field(i)->type();
    if (lt->Equals(*rt)) {
      types.push_back(lt);
      continue;
    }
    auto common = CommonType(lt, rt);
    if (!common) {
      return Error(body.pos, std::string(op) + ": column " + std::to_string(i + 1) + " has incompatible types " + lt->ToString() +
                                 " and " + rt->ToString());
    }
    types.push_back(*common);
    lcast |= !lt->Equals(**common);
    rcast |= !rt->Equals(**common);
  }
  auto cast_side = [&](BoundRelation& rel) {
    std::vector<BoundExprPtr> exprs;
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) {
      const auto& f = rel.plan->schema->field(i);
      BoundExprPtr c = MakeColumn(i, f->type(), f->nullable(), f->name());
      if (!f->type()->Equals(*types[i])) c = c->IsNullLiteral() ? MakeNullLiteral(types[i]) : MakeCast(c, types[i], false, f->name());
      exprs.push_back(c);
      names.push_back(f->name());
    }
    rel.plan = planutil::MakeProject(rel.plan, std::move(exprs), std::move(names));
  };
  if (lcast) cast_side(left);
  if (rcast) cast_side(right);
  auto node = std::make_shared<PlanNode>();
  node->kind = PlanKind::kSetOp;
  node->set_op = body.op == SetOpKind::kUnion ? PlanSetOp::kUnion : body.op == SetOpKind::kIntersect ? PlanSetOp::kIntersect : PlanSetOp::kExcept;
  node->all = body.all;
  std::vector<columnar::FieldPtr> fields;
  for (int i = 0; i < n; ++i) {
    bool nullable = left.plan->schema->field(i)->nullable();
    if (body.op == SetOpKind::kUnion) nullable = nullable || right.plan->schema->field(i)->nullable();
    if (body.op == SetOpKind::kIntersect) nullable = nullable && right.plan->schema->field(i)->nullable();
    fields.push_back(columnar::MakeField(left.scope.columns[i].name, types[i], nullable));
  }
  node->schema = planutil::MakeSchema(std::move(fields));
  node->children = {left.plan, right.plan};
  BoundRelation out;
  out.plan = node;
  out.scope = ScopeFor(*node->schema, "");
  return out;
}

Result<BoundRelation> Binder::BindValuesRows(const std::vector<std::vector<ExprPtr>>& rows, SourcePos pos) {
  if (rows.empty()) return Error(pos, "VALUES needs at least one row");
  size_t ncols = rows[0].size();
  Scope empty;
  ExprContext ctx;
  ctx.scope = &empty;
  ctx.clause = "VALUES";
  std::vector<std::vector<BoundExprPtr>> bound(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != ncols) {
      return Error(rows[r].empty() ? pos : rows[r][0]->pos, "VALUES row " + std::to_string(r + 1) + " has " +
                                                                std::to_string(rows[r].size()) + " values, expected " +
                                                                std::to_string(ncols));
    }
    for (const auto& e : rows[r]) {
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr b, Bind(*e, ctx));
      bound[r].push_back(b);
    }
  }
  std::vector<TypePtr> types(ncols);
  std::vector<bool> nullable(ncols, false);
  for (size_t c = 0; c < ncols; ++c) {
    TypePtr t = columnar::Null();
    for (size_t r = 0; r < rows.size(); ++r) {
      const auto& bt = bound[r][c]->type;
      nullable[c] = nullable[c] || bound[r][c]->nullable;
      if (bt->id() == TypeId::kNull) continue;
      if (t->id() == TypeId::kNull || t->Equals(*bt)) {
        t = bt;
        continue;
      }
      auto common = CommonType(t, bt);
      if (!common) {
        return Error(rows[r][c]->pos, "VALUES column " + std::to_string(c + 1) + " mixes types " + t->ToString() + " and " +
                                          bt->ToString());
      }
      t = *common;
    }
    types[c] = t;
  }
  std::vector<columnar::FieldPtr> fields;
  std::vector<std::string> names;
  for (size_t c = 0; c < ncols; ++c) {
    names.push_back("col" + std::to_string(c + 1));
    fields.push_back(columnar::MakeField(names.back(), types[c], nullable[c]));
  }
  auto schema = planutil::MakeSchema(fields);
  // All constants: build the columns directly.
  bool constant = true;
  std::vector<columnar::ArrayPtr> columns;
  for (size_t c = 0; c < ncols && constant; ++c) {
    auto b = columnar::MakeBuilder(types[c]);
    for (size_t r = 0; r < rows.size() && constant; ++r) {
      const auto& e = bound[r][c];
      if (!e->IsLiteral()) {
        constant = false;
        break;
      }
      columnar::ArrayPtr lit = e->literal;
      if (!lit->type->Equals(*types[c])) {
        auto w = WidenLiteral(*lit, types[c]);
        if (!w) {
          constant = false;
          break;
        }
        lit = *w;
      }
      if (types[c]->id() == TypeId::kNull) {
        b->AppendNull();
      } else if (!AppendLiteral(b.get(), *lit)) {
        constant = false;
      }
    }
    if (constant) columns.push_back(b->Finish());
  }
  if (constant) {
    auto n = std::make_shared<PlanNode>();
    n->kind = PlanKind::kValues;
    n->schema = schema;
    n->values = std::move(columns);
    n->values_rows = static_cast<int64_t>(rows.size());
    return BoundRelation{n, ScopeFor(*schema, "")};
  }
  // Otherwise: each row is a projection over a one-row VALUES, and the rows a UNION ALL.
  PlanPtr acc;
  for (size_t r = 0; r < rows.size(); ++r) {
    auto one = std::make_shared<PlanNode>();
    one->kind = PlanKind::kValues;
    one->schema = planutil::MakeSchema({});
    one->values_rows = 1;
    std::vector<BoundExprPtr> exprs;
    for (size_t c = 0; c < ncols; ++c) {
      BoundExprPtr e = bound[r][c];
      if (!e->type->Equals(*types[c])) e = e->IsNullLiteral() ? MakeNullLiteral(types[c]) : MakeCast(e, types[c], false, e->sql);
      exprs.push_back(e);
    }
    PlanPtr row = planutil::MakeProject(one, std::move(exprs), names);
    if (!acc) {
      acc = row;
      continue;
    }
    auto u = std::make_shared<PlanNode>();
    u->kind = PlanKind::kSetOp;
    u->set_op = PlanSetOp::kUnion;
    u->all = true;
    u->schema = schema;
    u->children = {acc, row};
    acc = u;
  }
  return BoundRelation{acc, ScopeFor(*schema, "")};
}

Result<BoundRelation> Binder::ApplyOrderLimit(BoundRelation rel, const std::vector<OrderItem>& order_by, const Expr* limit,
                                              const Expr* offset) {
  int width = rel.plan->schema->num_fields();
  if (!order_by.empty()) {
    std::vector<SortKey> keys;
    std::vector<BoundExprPtr> extra;
    for (const auto& item : order_by) {
      BoundExprPtr x;
      if (auto ord = IntegerLiteralValue(*item.expr)) {
        if (*ord < 1 || *ord > width) {
          return Error(item.expr->pos, "ORDER BY position " + std::to_string(*ord) + " is not in the select list (1.." +
                                           std::to_string(width) + ")");
        }
        const auto& f = rel.plan->schema->field(static_cast<int>(*ord - 1));
        x = MakeColumn(static_cast<int>(*ord - 1), f->type(), f->nullable(), rel.scope.columns[*ord - 1].name);
      } else {
        ExprContext ctx;
        ctx.scope = &rel.scope;
        ctx.clause = "ORDER BY";
        TIDE_ASSIGN_OR_RETURN(x, Bind(*item.expr, ctx));
        if (x->kind != BoundExprKind::kColumn) {
          extra.push_back(x);
          x = MakeColumn(width + static_cast<int>(extra.size()) - 1, x->type, x->nullable, x->sql);
        }
      }
      SortKey k;
      k.expr = x;
      k.ascending = item.direction != SortDirection::kDesc;
      k.nulls_first = item.nulls == NullsOrder::kDefault ? k.ascending : item.nulls == NullsOrder::kFirst;
      keys.push_back(k);
    }
    PlanPtr input = rel.plan;
    if (!extra.empty()) {
      std::vector<BoundExprPtr> exprs;
      std::vector<std::string> names;
      for (int i = 0; i < width; ++i) {
        const auto& f = input->schema->field(i);
        exprs.push_back(MakeColumn(i, f->type(), f->nullable(), f->name()));
        names.push_back(f->name());
      }
      for (auto& e : extra) {
        exprs.push_back(e);
        names.push_back(e->sql);
      }
      input = planutil::MakeProject(input, std::move(exprs), std::move(names));
    }
    auto sort = std::make_shared<PlanNode>();
    sort->kind = PlanKind::kSort;
    sort->schema = input->schema;
    sort->sort_keys = std::move(keys);
    sort->children.push_back(input);
    rel.plan = sort;
    if (!extra.empty()) {
      std::vector<int> cols;
      for (int i = 0; i < width; ++i) cols.push_back(i);
      rel.plan = planutil::MakeColumnProject(rel.plan, cols);
    }
  }
  if (limit != nullptr || offset != nullptr) {
    int64_t l = -1, o = 0;
    if (limit != nullptr) {
      TIDE_ASSIGN_OR_RETURN(l, BindCount(*limit, "LIMIT"));
    }
    if (offset != nullptr) {
      TIDE_ASSIGN_OR_RETURN(o, BindCount(*offset, "OFFSET"));
    }
    auto n = std::make_shared<PlanNode>();
    n->kind = PlanKind::kLimit;
    n->schema = rel.plan->schema;
    n->limit = l;
    n->offset = o;
    n->children.push_back(rel.plan);
    rel.plan = n;
  }
  return rel;
}

Result<BoundRelation> Binder::BindSelect(const SelectBody& select, const Scope* outer, Correlation* corr,
                                         const std::vector<OrderItem>* order_by, const Expr* limit, const Expr* offset) {
  TIDE_ASSIGN_OR_RETURN(BoundRelation from, BindFrom(select.from));
  Scope scope = std::move(from.scope);
  scope.outer = outer;
  PlanPtr plan = from.plan;
  // LATERAL VIEW: after all FROM items, before WHERE (which may read the generated columns).
  for (const auto& view : select.lateral_views) {
    if (view.generator->kind != ExprKind::kFunction) return Error(view.pos, "LATERAL VIEW needs a generator call");
    TIDE_RETURN_IF_ERROR(BindGenerator(view.generator->As<FunctionCall>(), view.outer, view.columns, true, view.table.name,
                                       scope, plan)
                             .status());
  }
  std::vector<const NamedWindow*> named_windows;
  for (const auto& w : select.windows) named_windows.push_back(&w);

  // WHERE: conjunct by conjunct, so subquery conjuncts can become joins.
  std::vector<BoundExprPtr> local, correlated;
  if (select.where) {
    std::vector<const Expr*> conjuncts;
    SplitAnd(*select.where, &conjuncts);
    ExprContext ctx;
    ctx.scope = &scope;
    ctx.plan = &plan;
    ctx.clause = "WHERE";
    ctx.allow_outer = corr != nullptr && corr->allowed;
    for (const Expr* c : conjuncts) {
      BoundExprPtr e;
      TIDE_ASSIGN_OR_RETURN(bool handled, TryBindSubqueryConjunct(*c, ctx, &e));
      if (!handled) {
        TIDE_ASSIGN_OR_RETURN(e, Bind(*c, ctx));
      }
      if (!e) continue;
      if (e->type->id() != TypeId::kBoolean && e->type->id() != TypeId::kNull) {
        return Error(c->pos, "WHERE condition must be BOOLEAN, got " + e->type->ToString() + " ('" + e->sql + "')");
      }
      (HasOuterRefs(*e) ? correlated : local).push_back(e);
    }
  }
  if (!local.empty()) plan = planutil::MakeFilter(plan, planutil::MakeAnd(local));
  TimeWindowState time_window;  // window(ts, ...) of the clauses below
  time_window.scope = &scope;
  time_window.plan = &plan;

  // Select aliases for GROUP BY / HAVING / ORDER BY.
  std::vector<std::pair<std::string, const Expr*>> aliases;
  for (const auto& item : select.items) {
    if (item.alias) aliases.emplace_back(Lower(item.alias->name), item.expr.get());
  }

  // GROUP BY.
  std::vector<BoundExprPtr> group_exprs;
  std::vector<std::vector<int>> sets;
  bool has_sets = false;
  bool group_all = false;
  std::vector<AggregateCall> aggs;
  std::vector<PendingWindow> wins;
  {
    ExprContext gctx;
    gctx.scope = &scope;
    gctx.clause = "GROUP BY";
    gctx.time_window = &time_window;
    gctx.aliases = &aliases;
    auto bind_group = [&](const Expr& e) -> Result<int> {
      const Expr* target = &e;
      if (auto ord = IntegerLiteralValue(e)) {
        if (*ord < 1 || *ord > static_cast<int64_t>(select.items.size())) {
          return Error(e.pos, "GROUP BY position " + std::to_string(*ord) + " is not in the select list (1.." +
                                  std::to_string(select.items.size()) + ")");
        }
        target = select.items[*ord - 1].expr.get();
        if (target->kind == ExprKind::kStar) return Error(e.pos, "GROUP BY position " + std::to_string(*ord) + " refers to '*'");
      }
      auto x = Bind(*target, gctx);
      if (!x.ok()) return x.status();
      for (size_t i = 0; i < group_exprs.size(); ++i) {
        if (BoundExprEquals(**x, *group_exprs[i])) return static_cast<int>(i);
      }
      group_exprs.push_back(*x);
      return static_cast<int>(group_exprs.size() - 1);
    };
    if (select.group_by.size() == 1 && select.group_by[0].kind == GroupingKind::kExpr &&
        select.group_by[0].expr->kind == ExprKind::kColumnRef) {
      const auto& ref = select.group_by[0].expr->As<ColumnRef>();
      if (ref.parts.size() == 1 && !ref.parts[0].quoted && Lower(ref.parts[0].name) == "all") {
        bool is_column = false;
        for (const auto& c : scope.columns) is_column = is_column || (!c.hidden && Lower(c.name) == "all");
        group_all = !is_column;
      }
    }
    std::vector<std::vector<int>> acc{{}};
    if (!group_all) {
      for (const auto& g : select.group_by) {
        std::vector<std::vector<int>> element_sets;
        switch (g.kind) {
          case GroupingKind::kExpr: {
            TIDE_ASSIGN_OR_RETURN(int i, bind_group(*g.expr));
            element_sets.push_back({i});
            break;
          }
          case GroupingKind::kRollup:
          case GroupingKind::kCube: {
            has_sets = true;
            std::vector<int> idx;
            for (const auto& e : g.exprs) {
              TIDE_ASSIGN_OR_RETURN(int i, bind_group(*e));
              idx.push_back(i);
            }
            if (g.kind == GroupingKind::kRollup) {
              for (size_t k = idx.size() + 1; k-- > 0;) element_sets.emplace_back(idx.begin(), idx.begin() + k);
            } else {
              if (idx.size() > 12) return Error(g.exprs[0]->pos, "CUBE of more than 12 expressions is not supported");
              size_t n = idx.size();
              for (size_t mask = (size_t{1} << n); mask-- > 0;) {
                std::vector<int> set;
                for (size_t b = 0; b < n; ++b) {
                  if (mask & (size_t{1} << (n - 1 - b))) set.push_back(idx[b]);
                }
                element_sets.push_back(set);
              }
            }
            break;
          }
          case GroupingKind::kGroupingSets: {
            has_sets = true;
            for (const auto& s : g.sets) {
              std::vector<int> set;
              for (const auto& e : s) {
                TIDE_ASSIGN_OR_RETURN(int i, bind_group(*e));
                set.push_back(i);
              }
              element_sets.push_back(set);
            }
            break;
          }
        }
        std::vector<std::vector<int>> next;
        for (const auto& a : acc) {
          for (const auto& s : element_sets) {
            std::vector<int> merged = a;
            for (int i : s) {
              if (std::find(merged.begin(), merged.end(), i) == merged.end()) merged.push_back(i);
            }
            next.push_back(merged);
          }
        }
        if (next.size() > 4096) return Error(g.expr ? g.expr->pos : select.pos, "too many grouping sets (more than 4096)");
        acc = std::move(next);
      }
    }
    if (has_sets) {
      for (auto& s : acc) std::sort(s.begin(), s.end());
      sets = std::move(acc);
    }
  }

  // A generator in the select list (explode, posexplode, inline and their _outer forms): a
  // kExplode node appends its columns, which the item then stands for.
  int generator_item = -1;
  int generator_first = -1, generator_count = 0;
  for (size_t i = 0; i < select.items.size(); ++i) {
    const auto& item = select.items[i];
    if (item.expr->kind != ExprKind::kFunction) continue;
    const auto& f = item.expr->As<FunctionCall>();
    if (f.over || f.over_name || f.name.size() != 1) continue;
    std::string fname = Lower(f.name[0].name);
    auto cls = LookupFunctionClass(fname);
    if (!cls || *cls != FunctionClass::kGenerator) continue;
    if (generator_item >= 0) return Unsupported(f.pos, "only one generator is allowed in a select list");
    if (!select.group_by.empty()) return Unsupported(f.pos, "a generator with GROUP BY is not supported");
    generator_item = static_cast<int>(i);
    generator_first = plan->schema->num_fields();
    std::vector<Identifier> names;
    if (item.alias) names.push_back(*item.alias);
    TIDE_ASSIGN_OR_RETURN(generator_count, BindGenerator(f, false, names, false, "", scope, plan));
  }

  // Select items.
  std::vector<DecorrelatedColumns> decorrelated;  // subqueries of the select list, HAVING, ORDER BY
  ExprContext sctx;
  sctx.scope = &scope;
  sctx.plan = &plan;
  sctx.decorrelated = &decorrelated;
  sctx.time_window = &time_window;
  sctx.clause = "the select list";
  sctx.aggregates = &aggs;
  sctx.windows = &wins;
  sctx.named_windows = &named_windows;
  sctx.group_exprs = &group_exprs;
  sctx.has_grouping_sets = has_sets;
  std::vector<BoundExprPtr> items;
  std::vector<std::string> names;
  std::vector<int> item_of;  // select item index of each output column
  for (size_t i = 0; i < select.items.size(); ++i) {
    const auto& item = select.items[i];
    if (static_cast<int>(i) == generator_item) {
      for (int k = 0; k < generator_count; ++k) {
        const auto& col = scope.columns[generator_first + k];
        auto e = std::const_pointer_cast<BoundExpr>(MakeColumn(generator_first + k, col.type, col.nullable, col.name));
        e->pos = item.expr->pos;
        items.push_back(e);
        names.push_back(col.name);
        item_of.push_back(static_cast<int>(i));
      }
      continue;
    }
    if (item.expr->kind == ExprKind::kStar) {
      const auto& star = item.expr->As<Star>();
      std::string qual;
      for (size_t k = 0; k < star.qualifier.size(); ++k) { if (k) qual += '.'; qual += Lower(star.qualifier[k].name); }
      bool any = false;
      size_t n = scope.columns.size();
      for (size_t c = 0; c < n; ++c) {
        const auto& col = scope.columns[c];
        if (col.hidden || !col.in_star) continue;
        if (!qual.empty() && std::find(col.qualifiers.begin(), col.qualifiers.end(), qual) == col.qualifiers.end()) continue;
        any = true;
        auto e = std::const_pointer_cast<BoundExpr>(MakeColumn(static_cast<int>(c), col.type, col.nullable, col.name));
        e->pos = star.pos;
        items.push_back(e);
        names.push_back(col.name);
        item_of.push_back(static_cast<int>(i));
      }
      if (!any && !qual.empty()) {
        // `s.*` of a struct column: its fields.
        ColumnRef ref(star.pos);
        ref.parts = star.qualifier;
        ExprContext c2 = sctx;
        auto base = Bind(ref, c2);
        if (base.ok() && (*base)->type->id() == TypeId::kStruct) {
          for (const auto& f : (*base)->type->children()) {
            Identifier id;
            id.name = f->name();
            TIDE_ASSIGN_OR_RETURN(BoundExprPtr fe, FieldAccess(*base, id, star.pos, f->name()));
            items.push_back(fe);
            names.push_back(f->name());
            item_of.push_back(static_cast<int>(i));
          }
          continue;
        }
        return Error(star.pos, "cannot expand '" + qual + ".*': no relation or struct column named '" + qual + "'");
      }
      continue;
    }
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr e, Bind(*item.expr, sctx));
    items.push_back(e);
    names.push_back(item.alias ? item.alias->name : SparkName(*item.expr));
    item_of.push_back(static_cast<int>(i));
  }
  int visible = static_cast<int>(items.size());
  if (group_all) {
    for (const auto& e : items) {
      if (HasAggRef(*e) || HasWinRef(*e)) continue;
      bool dup = false;
      for (const auto& g : group_exprs) dup = dup || BoundExprEquals(*g, *e);
      if (!dup) group_exprs.push_back(e);
    }
  }

  // HAVING.
  BoundExprPtr having;
  if (select.having) {
    ExprContext hctx = sctx;
    hctx.clause = "HAVING";
    hctx.windows = nullptr;
    // Spark resolves HAVING over the aggregate's output: a select alias wins over an input
    // column of the same name unless that column is itself a group key.
    std::vector<std::pair<std::string, const Expr*>> having_aliases;
    for (const auto& [name, e] : aliases) {
      bool grouped_column = false;
      for (const auto& g : group_exprs) {
        grouped_column = grouped_column || (g->kind == BoundExprKind::kColumn && g->column < static_cast<int>(scope.columns.size()) &&
                                            Lower(scope.columns[g->column].name) == name);
      }
      if (!grouped_column) having_aliases.emplace_back(name, e);
    }
    hctx.aliases = &having_aliases;
    hctx.aliases_first = true;
    TIDE_ASSIGN_OR_RETURN(having, Bind(*select.having, hctx));
    if (having->type->id() != TypeId::kBoolean && having->type->id() != TypeId::kNull) {
      return Error(select.having->pos, "HAVING condition must be BOOLEAN, got " + having->type->ToString());
    }
  }

  // ORDER BY: select outputs (ordinals, names), else expressions (hidden when not selected).
  std::vector<SortKey> sort_keys;
  std::vector<BoundExprPtr> hidden;
  if (order_by != nullptr && !order_by->empty()) {
    ExprContext octx = sctx;
    octx.clause = "ORDER BY";
    octx.aliases = &aliases;
    octx.aliases_first = true;
    for (const auto& item : *order_by) {
      int index = -1;
      if (auto ord = IntegerLiteralValue(*item.expr)) {
        if (*ord < 1 || *ord > visible) {
          return Error(item.expr->pos, "ORDER BY position " + std::to_string(*ord) + " is not in the select list (1.." +
                                           std::to_string(visible) + ")");
        }
        index = static_cast<int>(*ord - 1);
      } else if (item.expr->kind == ExprKind::kColumnRef && item.expr->As<ColumnRef>().parts.size() == 1) {
        std::string n = Lower(item.expr->As<ColumnRef>().parts[0].name);
        int matches = 0;
        for (int k = 0; k < visible; ++k) {
          if (Lower(names[k]) == n && select.items[item_of[k]].alias) {
            if (index < 0) index = k;
            ++matches;
          }
        }
        if (matches > 1) return Error(item.expr->pos, "ORDER BY '" + n + "' is ambiguous: several select items are named so");
      }
      BoundExprPtr x;
      if (index < 0) {
        TIDE_ASSIGN_OR_RETURN(x, Bind(*item.expr, octx));
        for (int k = 0; k < visible && index < 0; ++k) {
          if (BoundExprEquals(*x, *items[k])) index = k;
        }
        if (index < 0) {
          for (size_t k = 0; k < hidden.size() && index < 0; ++k) {
            if (BoundExprEquals(*x, *hidden[k])) index = visible + static_cast<int>(k);
          }
        }
        if (index < 0) {
          if (select.distinct) {
            return Error(item.expr->pos, "ORDER BY '" + x->sql + "' must be in the select list of a SELECT DISTINCT");
          }
          hidden.push_back(x);
          index = visible + static_cast<int>(hidden.size()) - 1;
        }
      }
      SortKey k;
      k.expr = MakeColumn(index, columnar::Null(), true, "");  // typed below
      k.ascending = item.direction != SortDirection::kDesc;
      k.nulls_first = item.nulls == NullsOrder::kDefault ? k.ascending : item.nulls == NullsOrder::kFirst;
      sort_keys.push_back(k);
    }
  }

  bool is_agg = !select.group_by.empty() || !aggs.empty() || having != nullptr;

  // Correlation (a subquery's WHERE conjuncts over outer columns).
  std::vector<BoundExprPtr> extras;  // extra outputs the correlation conjuncts read
  std::vector<BoundExprPtr> corr_conjuncts;
  if (!correlated.empty()) {
    if (corr == nullptr) return Error(select.pos, "internal error: correlated conjuncts without a correlation context");
    if (limit != nullptr || offset != nullptr) {
      return Unsupported(select.pos, "correlated subquery with LIMIT or OFFSET is not supported");
    }
    if (is_agg) {
      if (has_sets) return Unsupported(select.pos, "correlated subquery with grouping sets is not supported");
      for (const auto& c : correlated) {
        bool ok = c->kind == BoundExprKind::kCall && c->function == "eq" && c->args.size() == 2;
        BoundExprPtr inner, outer_e;
        if (ok) {
          for (int side = 0; side < 2; ++side) {
            const auto& a = c->args[side];
            const auto& b = c->args[1 - side];
            if (!HasOuterRefs(*a) && planutil::HasColumns(*a) && HasOuterRefs(*b) && !planutil::HasColumns(*b)) {
              inner = a;
              outer_e = b;
            } else if (!HasOuterRefs(*a) && planutil::HasColumns(*a) && HasOuterRefs(*b)) {
              // b mixes outer refs and ... only outer refs allowed on the outer side.
              bool only_outer = true;
              VisitBoundExpr(*b, [&](const BoundExpr& n) {
                if (n.kind == BoundExprKind::kColumn && !IsOuterRef(n.column)) only_outer = false;
              });
              if (only_outer) {
                inner = a;
                outer_e = b;
              }
            }
          }
        }
        if (!inner) {
          return Unsupported(c->pos, "correlated condition '" + c->sql +
                                         "' in an aggregate subquery is not supported (only equalities with outer columns)");
        }
        int gi = -1;
        for (size_t k = 0; k < group_exprs.size(); ++k) {
          if (BoundExprEquals(*group_exprs[k], *inner)) gi = static_cast<int>(k);
        }
        if (gi < 0) {
          group_exprs.push_back(inner);
        }
        extras.push_back(inner);
        corr_conjuncts.push_back(MakeCall("eq", {MakeColumn(-1 - static_cast<int>(extras.size() - 1), inner->type, inner->nullable, inner->sql), outer_e},
                                          columnar::Boolean(), true, c->sql, c->pos));
      }
    } else {
      std::vector<int> cols;
      for (const auto& c : correlated) {
        VisitBoundExpr(*c, [&](const BoundExpr& n) {
          if (n.kind == BoundExprKind::kColumn && !IsPlaceholder(n.column) &&
              std::find(cols.begin(), cols.end(), n.column) == cols.end()) {
            cols.push_back(n.column);
          }
        });
      }
      std::vector<int> map(scope.columns.size(), -1);
      for (size_t k = 0; k < cols.size(); ++k) {
        const auto& sc = scope.columns[cols[k]];
        extras.push_back(MakeColumn(cols[k], sc.type, sc.nullable, sc.name));
        map[cols[k]] = -1 - static_cast<int>(k);
      }
      for (const auto& c : correlated) {
        corr_conjuncts.push_back(planutil::Rewrite(c, [&](const BoundExprPtr& n) -> BoundExprPtr {
          if (IsPlaceholder(n->column) || n->column < 0) return n;
          auto copy = std::make_shared<BoundExpr>(*n);
          copy->column = map[n->column];
          return copy;
        }));
      }
    }
  }
  if (corr != nullptr) {
    corr->visible_columns = visible;
    corr->has_aggregate = is_agg;
    if (is_agg && items.size() == 1 && items[0]->kind == BoundExprKind::kColumn && items[0]->column >= kAggRefBase &&
        items[0]->column < kWinRefBase) {
      const auto& f = aggs[items[0]->column - kAggRefBase].function;
      corr->count_like = f == "count" || f == "count_star" || f == "count_if" || f == "approx_count_distinct";
    }
  }

  // Correlated subqueries of an aggregate query's select list, HAVING or ORDER BY were joined
  // to the input; their columns join the group keys (see DecorrelatedColumns).
  if (is_agg) {
    for (const auto& d : decorrelated) {
      if (has_sets) return Unsupported(d.pos, "a correlated subquery with grouping sets is not supported");
      for (int col : d.outer_columns) {
        bool grouped = false;
        for (const auto& g : group_exprs) grouped = grouped || (g->kind == BoundExprKind::kColumn && g->column == col);
        if (!grouped) {
          return Error(d.pos, "a correlated subquery of an aggregate query may use only GROUP BY columns of the outer "
                              "query; '" + scope.columns[col].name + "' is not one");
        }
      }
      for (int i = 0; i < d.count; ++i) {
        const auto& sc = scope.columns[d.first + i];
        BoundExprPtr c = MakeColumn(d.first + i, sc.type, sc.nullable, sc.name);
        bool dup = false;
        for (const auto& g : group_exprs) dup = dup || BoundExprEquals(*g, *c);
        if (!dup) group_exprs.push_back(c);
      }
    }
  }

  // Aggregation.
  std::vector<int> outputs_visible;
  if (is_agg) {
    int ng = static_cast<int>(group_exprs.size());
    int gid_index = has_sets ? ng : -1;
    int agg_base = ng + (has_sets ? 1 : 0);
    std::vector<columnar::FieldPtr> fields;
    for (int i = 0; i < ng; ++i) {
      fields.push_back(columnar::MakeField(group_exprs[i]->sql, group_exprs[i]->type, group_exprs[i]->nullable || has_sets));
    }
    if (has_sets) fields.push_back(columnar::MakeField("grouping__id", columnar::Int64(), false));
    for (const auto& a : aggs) fields.push_back(columnar::MakeField(a.sql, a.type, a.nullable));
    auto node = std::make_shared<PlanNode>();
    node->kind = PlanKind::kAggregate;
    node->schema = planutil::MakeSchema(fields);
    node->group_exprs = group_exprs;
    node->grouping_sets = sets;
    node->aggregates = aggs;
    node->children.push_back(plan);
    // Rebase select-level expressions over the aggregate's output.
    std::function<Result<BoundExprPtr>(const BoundExprPtr&)> rebase = [&](const BoundExprPtr& e) -> Result<BoundExprPtr> {
      if (e->kind == BoundExprKind::kColumn) {
        if (e->column >= kWinRefBase || e->column < 0) return e;
        if (e->column >= kAggRefBase) {
          auto copy = std::make_shared<BoundExpr>(*e);
          copy->column = agg_base + (e->column - kAggRefBase);
          return BoundExprPtr(copy);
        }
        if (e->column == kGroupingIdRef) {
          auto copy = std::make_shared<BoundExpr>(*e);
          copy->column = gid_index;
          return BoundExprPtr(copy);
        }
      }
      if (e->kind != BoundExprKind::kLiteral) {
        for (int i = 0; i < ng; ++i) {
          if (BoundExprEquals(*e, *group_exprs[i])) {
            auto c = std::const_pointer_cast<BoundExpr>(MakeColumn(i, e->type, e->nullable || has_sets, e->sql));
            c->pos = e->pos;
            return BoundExprPtr(c);
          }
        }
      }
      if (e->kind == BoundExprKind::kColumn) {
        if (IsOuterRef(e->column)) return e;
        const auto& col = scope.columns[e->column];
        return Error(e->pos, "column '" + col.name + "' must appear in GROUP BY or be used in an aggregate function");
      }
      if (e->args.empty()) return e;
      std::vector<BoundExprPtr> args;
      for (const auto& a : e->args) {
        TIDE_ASSIGN_OR_RETURN(BoundExprPtr r, rebase(a));
        args.push_back(r);
      }
      return planutil::WithArgs(*e, std::move(args));
    };
    for (auto& e : items) {
      TIDE_ASSIGN_OR_RETURN(e, rebase(e));
    }
    for (auto& e : hidden) {
      TIDE_ASSIGN_OR_RETURN(e, rebase(e));
    }
    for (auto& e : extras) {
      TIDE_ASSIGN_OR_RETURN(e, rebase(e));
    }
    for (auto& w : wins) {
      for (auto& p : w.partition_by) {
        TIDE_ASSIGN_OR_RETURN(p, rebase(p));
      }
      for (auto& o : w.order_by) {
        TIDE_ASSIGN_OR_RETURN(o.expr, rebase(o.expr));
      }
      for (auto& a : w.call.args) {
        TIDE_ASSIGN_OR_RETURN(a, rebase(a));
      }
    }
    plan = node;
    if (having) {
      TIDE_ASSIGN_OR_RETURN(having, rebase(having));
      plan = planutil::MakeFilter(plan, having);
    }
  } else {
    // No aggregation: grouping ids cannot occur (grouping() needs GROUP BY expressions).
    for (const auto& e : items) {
      VisitBoundExpr(*e, [&](const BoundExpr&) {});
    }
  }

  // Windows: one node per distinct (PARTITION BY, ORDER BY).
  if (!wins.empty()) {
    std::vector<int> win_column(wins.size(), -1);
    std::vector<bool> done(wins.size(), false);
    for (size_t i = 0; i < wins.size(); ++i) {
      if (done[i]) continue;
      auto same_spec = [&](const PendingWindow& a, const PendingWindow& b) {
        if (a.partition_by.size() != b.partition_by.size() || a.order_by.size() != b.order_by.size()) return false;
        for (size_t k = 0; k < a.partition_by.size(); ++k) {
          if (!BoundExprEquals(*a.partition_by[k], *b.partition_by[k])) return false;
        }
        for (size_t k = 0; k < a.order_by.size(); ++k) {
          if (!BoundExprEquals(*a.order_by[k].expr, *b.order_by[k].expr) || a.order_by[k].ascending != b.order_by[k].ascending ||
              a.order_by[k].nulls_first != b.order_by[k].nulls_first) {
            return false;
          }
        }
        return true;
      };
      auto node = std::make_shared<PlanNode>();
      node->kind = PlanKind::kWindow;
      node->partition_by = wins[i].partition_by;
      node->order_by = wins[i].order_by;
      std::vector<columnar::FieldPtr> fields = plan->schema->fields();
      int base = plan->schema->num_fields();
      for (size_t j = i; j < wins.size(); ++j) {
        if (done[j] || !same_spec(wins[i], wins[j])) continue;
        done[j] = true;
        win_column[j] = base + static_cast<int>(node->windows.size());
        node->windows.push_back(wins[j].call);
        fields.push_back(columnar::MakeField(wins[j].call.sql, wins[j].call.type, wins[j].call.nullable));
      }
      node->schema = planutil::MakeSchema(std::move(fields));
      node->children.push_back(plan);
      plan = node;
    }
    auto subst = [&](const BoundExprPtr& e) {
      return planutil::Rewrite(e, [&](const BoundExprPtr& c) -> BoundExprPtr {
        if (c->column < kWinRefBase) return c;
        auto copy = std::make_shared<BoundExpr>(*c);
        copy->column = win_column[c->column - kWinRefBase];
        return copy;
      });
    };
    for (auto& e : items) e = subst(e);
    for (auto& e : hidden) e = subst(e);
  }

  // Projection: [items..., hidden order keys..., correlation extras...].
  std::vector<BoundExprPtr> exprs = items;
  std::vector<std::string> out_names = names;
  for (size_t k = 0; k < hidden.size(); ++k) {
    exprs.push_back(hidden[k]);
    out_names.push_back("__order" + std::to_string(k));
  }
  for (size_t k = 0; k < extras.size(); ++k) {
    exprs.push_back(extras[k]);
    out_names.push_back("__corr" + std::to_string(k));
  }
  for (const auto& e : exprs) {
    bool bad = false;
    VisitBoundExpr(*e, [&](const BoundExpr& n) {
      if (n.kind == BoundExprKind::kColumn && n.column >= kGroupingIdRef && !IsOuterRef(n.column)) bad = true;
    });
    if (bad) return Error(e->pos, "'" + e->sql + "' is not allowed here");
    if (HasOuterRefs(*e)) {
      return Unsupported(e->pos, "correlated reference in the select list of a subquery is not supported ('" + e->sql + "')");
    }
  }
  plan = planutil::MakeProject(plan, std::move(exprs), out_names);
  if (select.distinct) {
    plan = MakeNode(PlanKind::kDistinct, plan, plan->schema);
  }
  if (!sort_keys.empty()) {
    for (auto& k : sort_keys) {
      const auto& f = plan->schema->field(k.expr->column);
      int idx = k.expr->column;
      k.expr = MakeColumn(idx, f->type(), f->nullable(), idx < visible ? names[idx] : hidden[idx - visible]->sql);
    }
    auto sort = std::make_shared<PlanNode>();
    sort->kind = PlanKind::kSort;
    sort->schema = plan->schema;
    sort->sort_keys = std::move(sort_keys);
    sort->children.push_back(plan);
    plan = sort;
    if (!hidden.empty()) {
      std::vector<int> cols;
      for (int i = 0; i < visible; ++i) cols.push_back(i);
      for (size_t k = 0; k < extras.size(); ++k) cols.push_back(visible + static_cast<int>(hidden.size() + k));
      plan = planutil::MakeColumnProject(plan, cols);
    }
  }
  if (limit != nullptr || offset != nullptr) {
    int64_t l = -1, o = 0;
    if (limit != nullptr) {
      TIDE_ASSIGN_OR_RETURN(l, BindCount(*limit, "LIMIT"));
    }
    if (offset != nullptr) {
      TIDE_ASSIGN_OR_RETURN(o, BindCount(*offset, "OFFSET"));
    }
    auto n = std::make_shared<PlanNode>();
    n->kind = PlanKind::kLimit;
    n->schema = plan->schema;
    n->limit = l;
    n->offset = o;
    n->children.push_back(plan);
    plan = n;
  }
  if (corr != nullptr && !corr_conjuncts.empty()) {
    // Extras sit after the visible columns: placeholder -1 - k is column visible + k.
    for (auto& c : corr_conjuncts) {
      c = planutil::Rewrite(c, [&](const BoundExprPtr& n) -> BoundExprPtr {
        if (n->column >= 0) return n;
        auto copy = std::make_shared<BoundExpr>(*n);
        copy->column = visible + (-1 - n->column);
        return copy;
      });
    }
    corr->conjuncts = std::move(corr_conjuncts);
  }
  BoundRelation out;
  out.plan = plan;
  for (int i = 0; i < plan->schema->num_fields(); ++i) {
    ScopeColumn c;
    c.name = i < visible ? names[i] : plan->schema->field(i)->name();
    c.type = plan->schema->field(i)->type();
    c.nullable = plan->schema->field(i)->nullable();
    c.hidden = i >= visible;
    out.scope.columns.push_back(std::move(c));
  }
  return out;
}

}  // namespace binder_internal

using binder_internal::Binder;
using binder_internal::BoundRelation;
using binder_internal::ExprContext;
using binder_internal::Scope;
using binder_internal::ScopeColumn;

base::Result<PlanPtr> BindQuery(const Query& query, Catalog& catalog, const BindOptions& options) {
  Binder binder(catalog, options);
  TIDE_ASSIGN_OR_RETURN(BoundRelation rel, binder.BindQuery(query, nullptr, nullptr));
  // The output carries the names the user sees (scope names may differ from node names after
  // aliases such as t(a, b)); hidden columns are dropped.
  bool same = true;
  std::vector<int> visible;
  for (size_t i = 0; i < rel.scope.columns.size(); ++i) {
    const auto& c = rel.scope.columns[i];
    if (c.hidden) {
      same = false;
      continue;
    }
    visible.push_back(static_cast<int>(i));
    if (c.name != rel.plan->schema->field(static_cast<int>(i))->name()) same = false;
  }
  if (same) return rel.plan;
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  for (int i : visible) {
    const auto& f = rel.plan->schema->field(i);
    exprs.push_back(MakeColumn(i, f->type(), f->nullable(), rel.scope.columns[i].name));
    names.push_back(rel.scope.columns[i].name);
  }
  return planutil::MakeProject(rel.plan, std::move(exprs), std::move(names));
}

base::Result<BoundExprPtr> BindExpression(const Expr& expr, const BindScope& scope, Catalog& catalog, const BindOptions& options,
                                          bool allow_subqueries) {
  Binder binder(catalog, options);
  Scope s;
  for (const auto& rel : scope.relations) {
    for (const auto& f : rel.schema->fields()) {
      ScopeColumn c;
      if (!rel.alias.empty()) c.qualifiers.push_back(binder_internal::Lower(rel.alias));
      c.name = f->name();
      c.type = f->type();
      c.nullable = f->nullable();
      s.columns.push_back(std::move(c));
    }
  }
  ExprContext ctx;
  ctx.scope = &s;
  ctx.allow_subqueries = allow_subqueries;
  return binder.Bind(expr, ctx);
}

base::Result<BoundExprPtr> BindConstant(const Expr& expr, Catalog& catalog, const BindOptions& options) {
  Binder binder(catalog, options);
  Scope s;
  ExprContext ctx;
  ctx.scope = &s;
  ctx.clause = "a constant expression";
  return binder.Bind(expr, ctx);
}

namespace {

bool IsNumeric(columnar::TypeId id) {
  using columnar::TypeId;
  switch (id) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64:
    case TypeId::kFloat32: case TypeId::kFloat64: case TypeId::kDecimal128:
      return true;
    default:
      return false;
  }
}

// Spark's ANSI store assignment (spark.sql.storeAssignmentPolicy=ANSI, the default): numbers
// to numbers, anything atomic to STRING, dates and timestamps to each other, nested types
// element-wise. Also (more lenient than Spark) a STRING to DATE / TIMESTAMP, as written in
// time-travel and INSERT literals. Refused: STRING to numbers or BOOLEAN, BOOLEAN to numbers.
bool StoreAssignable(const columnar::DataType& from, const columnar::DataType& to) {
  using columnar::TypeId;
  if (from.Equals(to) || from.id() == TypeId::kNull) return true;
  if (IsNumeric(from.id()) && IsNumeric(to.id())) return true;
  if (to.id() == TypeId::kString && !from.IsNested()) return true;
  bool from_time = from.id() == TypeId::kDate32 || from.id() == TypeId::kTimestamp;
  bool to_time = to.id() == TypeId::kDate32 || to.id() == TypeId::kTimestamp;
  if (from_time && to_time) return true;
  if (from.id() == TypeId::kString && to_time) return true;
  if (from.id() != to.id()) return false;
  switch (from.id()) {
    case TypeId::kList:
      return StoreAssignable(*from.children()[0]->type(), *to.children()[0]->type());
    case TypeId::kMap:
      return StoreAssignable(*from.map_key()->type(), *to.map_key()->type()) &&
             StoreAssignable(*from.map_value()->type(), *to.map_value()->type());
    case TypeId::kStruct:
      if (from.children().size() != to.children().size()) return false;
      for (size_t i = 0; i < from.children().size(); ++i) {
        if (!StoreAssignable(*from.children()[i]->type(), *to.children()[i]->type())) return false;
      }
      return true;
    default:
      return false;
  }
}

}  // namespace

base::Result<BoundExprPtr> CoerceTo(BoundExprPtr expr, const columnar::TypePtr& type, const std::string& what) {
  if (expr->type->Equals(*type)) return expr;
  if (expr->IsNullLiteral() || expr->type->id() == columnar::TypeId::kNull) return MakeNullLiteral(type);
  if (!StoreAssignable(*expr->type, *type) || !CanCast(*expr->type, *type)) {
    std::string msg = "cannot assign '" + expr->sql + "' of type " + expr->type->ToString() + " to " + what + " of type " +
                      type->ToString();
    if (expr->pos.line > 0) msg = "line " + std::to_string(expr->pos.line) + ", column " + std::to_string(expr->pos.column) + ": " + msg;
    return base::Status::InvalidArgument(msg);
  }
  return MakeCast(std::move(expr), type, false, {});
}

}  // namespace tide::sql
