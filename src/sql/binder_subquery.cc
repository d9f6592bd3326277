// Subqueries: uncorrelated ones stay kSubquery expressions; correlated EXISTS / IN become
// semi, anti or mark joins and correlated scalar aggregates a left join with an aggregate
// grouped by the correlation keys.
#include <algorithm>

#include "columnar/builder.h"
#include "sql/binder_internal.h"
#include "sql/function_catalog.h"
#include "sql/optimizer_util.h"

namespace tide::sql::binder_internal {

using base::Result;
using base::Status;
using columnar::TypeId;

namespace {

BoundExprPtr MakeSubquery(SubqueryKind kind, PlanPtr plan, columnar::TypePtr type, bool nullable, std::string sql, SourcePos pos,
                          BoundExprPtr operand = nullptr) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundExprKind::kSubquery;
  e->subquery_kind = kind;
  e->subquery = std::move(plan);
  e->type = std::move(type);
  e->nullable = nullable;
  e->sql = std::move(sql);
  e->pos = pos;
  if (operand) e->args.push_back(std::move(operand));
  return e;
}

// Column `index` of a subquery plan as `type` (a projection with a cast when needed).
PlanPtr CastColumn(const PlanPtr& plan, int index, const columnar::TypePtr& type) {
  const auto& f = plan->schema->field(index);
  if (f->type()->Equals(*type)) return plan;
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  for (int i = 0; i < plan->schema->num_fields(); ++i) {
    const auto& fi = plan->schema->field(i);
    BoundExprPtr c = MakeColumn(i, fi->type(), fi->nullable(), fi->name());
    if (i == index) c = MakeCast(c, type, false, fi->name());
    exprs.push_back(c);
    names.push_back(fi->name());
  }
  return planutil::MakeProject(plan, std::move(exprs), std::move(names));
}

PlanPtr CastFirstColumn(const PlanPtr& plan, const columnar::TypePtr& type) { return CastColumn(plan, 0, type); }

// Records the columns a decorrelating join appended, for an aggregate query to group on.
void RecordDecorrelated(ExprContext& ctx, const Correlation& corr, int first, int count, SourcePos pos) {
  if (ctx.decorrelated == nullptr) return;
  DecorrelatedColumns d;
  d.first = first;
  d.count = count;
  d.pos = pos;
  for (const auto& c : corr.conjuncts) {
    VisitBoundExpr(*c, [&](const BoundExpr& n) {
      if (n.kind != BoundExprKind::kColumn || n.column < kOuterRefBase) return;
      int col = n.column - kOuterRefBase;
      if (std::find(d.outer_columns.begin(), d.outer_columns.end(), col) == d.outer_columns.end()) d.outer_columns.push_back(col);
    });
  }
  ctx.decorrelated->push_back(std::move(d));
}

}  // namespace

Result<PlanPtr> Binder::JoinSubquery(PlanPtr left, const BoundRelation& sub, const Correlation& corr, PlanJoinType type,
                                     std::vector<BoundExprPtr> in_operands, SourcePos pos) {
  int lw = left->schema->num_fields();
  std::vector<BoundExprPtr> conds;
  for (const auto& c : corr.conjuncts) {
    conds.push_back(planutil::Rewrite(c, [&](const BoundExprPtr& n) -> BoundExprPtr {
      auto copy = std::make_shared<BoundExpr>(*n);
      if (n->column >= kOuterRefBase) copy->column = n->column - kOuterRefBase;
      else copy->column = lw + n->column;
      return copy;
    }));
  }
  PlanPtr right = sub.plan;
  std::vector<BoundExprPtr> in_conds;
  for (size_t k = 0; k < in_operands.size(); ++k) {
    int col = static_cast<int>(k);
    const auto& rt = right->schema->field(col)->type();
    BoundExprPtr op = in_operands[k];
    if (!op->type->Equals(*rt)) {
      auto common = CommonType(op->type, rt);
      if (!common) {
        return Error(pos, "IN subquery: cannot compare " + op->type->ToString() + " with the subquery's " + rt->ToString());
      }
      if (!op->type->Equals(**common)) op = MakeCast(op, *common, false, op->sql);
      right = CastColumn(right, col, *common);
    }
    const auto& f = right->schema->field(col);
    BoundExprPtr rc = MakeColumn(lw + col, f->type(), f->nullable(), f->name());
    in_conds.push_back(MakeCall("eq", {op, rc}, columnar::Boolean(), op->nullable || rc->nullable,
                                "(" + op->sql + " = " + f->name() + ")", pos));
  }
  conds.insert(conds.begin(), in_conds.begin(), in_conds.end());
  std::vector<BoundExprPtr> lk, rk;
  std::vector<bool> ns;
  BoundExprPtr residual;
  planutil::ExtractEquiKeys(lw, planutil::MakeAnd(conds), &lk, &rk, &ns, &residual);
  return planutil::MakeJoin(type, std::move(left), std::move(right), std::move(lk), std::move(rk), std::move(ns), residual);
}

Result<bool> Binder::TryBindSubqueryConjunct(const Expr& e, ExprContext& ctx, BoundExprPtr* expr) {
  const Expr* x = &e;
  bool negated = false;
  if (x->kind == ExprKind::kUnary && x->As<UnaryExpr>().op == UnaryOp::kNot &&
      (x->As<UnaryExpr>().operand->kind == ExprKind::kExists || x->As<UnaryExpr>().operand->kind == ExprKind::kInSubquery)) {
    negated = true;
    x = x->As<UnaryExpr>().operand.get();
  }
  if (ctx.plan == nullptr || !ctx.allow_subqueries) return false;
  if (x->kind == ExprKind::kExists) {
    Correlation corr;
    corr.allowed = true;
    TIDE_ASSIGN_OR_RETURN(BoundRelation sub, BindQuery(*x->As<ExistsExpr>().query, ctx.scope, &corr));
    if (corr.conjuncts.empty()) {
      BoundExprPtr ex = MakeSubquery(SubqueryKind::kExists, sub.plan, columnar::Boolean(), false, ExprSql(*x), x->pos);
      *expr = negated ? planutil::MakeNot(ex) : ex;
      return true;
    }
    TIDE_ASSIGN_OR_RETURN(*ctx.plan, JoinSubquery(*ctx.plan, sub, corr, negated ? PlanJoinType::kAnti : PlanJoinType::kSemi,
                                                  {}, x->pos));
    *expr = nullptr;
    return true;
  }
  if (x->kind == ExprKind::kInSubquery) {
    const auto& in = x->As<InSubqueryExpr>();
    bool neg = negated != in.negated;
    // (a, b) IN (SELECT x, y ...): one key per element of the row value.
    std::vector<BoundExprPtr> operands;
    if (in.operand->kind == ExprKind::kFunction) {
      const auto& f = in.operand->As<FunctionCall>();
      if (f.name.size() == 1 && Lower(f.name[0].name) == "struct" && f.args.size() > 1 && !f.over) {
        for (const auto& a : f.args) {
          TIDE_ASSIGN_OR_RETURN(BoundExprPtr op, Bind(*a, ctx));
          operands.push_back(op);
        }
      }
    }
    if (operands.empty()) {
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr operand, Bind(*in.operand, ctx));
      if (planutil::Columns(*operand).empty() || operand->type->id() == TypeId::kStruct) return false;
      operands.push_back(operand);
    }
    Correlation corr;
    corr.allowed = true;
    TIDE_ASSIGN_OR_RETURN(BoundRelation sub, BindQuery(*in.query, ctx.scope, &corr));
    int visible = corr.conjuncts.empty() ? sub.plan->schema->num_fields() : corr.visible_columns;
    if (visible != static_cast<int>(operands.size())) {
      return Error(in.query->pos, "IN subquery must return " + std::to_string(operands.size()) + " column" +
                                      (operands.size() == 1 ? "" : "s") + ", got " + std::to_string(visible));
    }
    if (neg) {
      bool nullable = false;
      for (int k = 0; k < visible; ++k) nullable = nullable || operands[k]->nullable || sub.plan->schema->field(k)->nullable();
      if (corr.conjuncts.empty() && operands.size() == 1) return false;  // three-valued NOT IN: an expression
      if (nullable) {
        return Unsupported(in.pos, std::string("NOT IN with a ") + (corr.conjuncts.empty() ? "multi-column" : "correlated") +
                                       " subquery over nullable values is not supported; use NOT EXISTS");
      }
      TIDE_ASSIGN_OR_RETURN(*ctx.plan, JoinSubquery(*ctx.plan, sub, corr, PlanJoinType::kAnti, operands, in.pos));
    } else {
      // x IN (subquery) as a WHERE conjunct: a semi join (a null x or a null in the subquery
      // never matches, and a WHERE drops unknown like false).
      TIDE_ASSIGN_OR_RETURN(*ctx.plan, JoinSubquery(*ctx.plan, sub, corr, PlanJoinType::kSemi, operands, in.pos));
    }
    *expr = nullptr;
    return true;
  }
  return false;
}

Result<BoundExprPtr> Binder::BindSubqueryExpr(const Expr& e, ExprContext& ctx) {
  std::string sql = ExprSql(e);
  if (!ctx.allow_subqueries) return Error(e.pos, "subqueries are not allowed in " + ctx.clause);
  Correlation corr;
  corr.allowed = ctx.plan != nullptr;
  auto correlated_unsupported = [&]() {
    return Unsupported(e.pos, "correlated subquery in " + ctx.clause + " is not supported here");
  };
  switch (e.kind) {
    case ExprKind::kExists: {
      TIDE_ASSIGN_OR_RETURN(BoundRelation sub, BindQuery(*e.As<ExistsExpr>().query, ctx.scope, &corr));
      if (corr.conjuncts.empty()) return MakeSubquery(SubqueryKind::kExists, sub.plan, columnar::Boolean(), false, sql, e.pos);
      if (ctx.plan == nullptr) return correlated_unsupported();
      // EXISTS inside a larger expression: a mark join appends a BOOLEAN column.
      int width = (*ctx.plan)->schema->num_fields();
      TIDE_ASSIGN_OR_RETURN(*ctx.plan, JoinSubquery(*ctx.plan, sub, corr, PlanJoinType::kMark, {}, e.pos));
      RecordDecorrelated(ctx, corr, width, 1, e.pos);
      ScopeColumn c;
      c.name = "__exists" + std::to_string(width);
      c.type = columnar::Boolean();
      c.nullable = true;
      c.hidden = true;
      ctx.scope->columns.push_back(c);
      auto col = std::const_pointer_cast<BoundExpr>(MakeColumn(width, columnar::Boolean(), true, sql));
      col->pos = e.pos;
      // The mark is null for a null correlation key (IN's logic); EXISTS is false there.
      return Call("coalesce", {col, MakeBoolLiteral(false)}, e.pos, sql);
    }
    case ExprKind::kInSubquery: {
      const auto& in = e.As<InSubqueryExpr>();
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr operand, Bind(*in.operand, ctx));
      TIDE_ASSIGN_OR_RETURN(BoundRelation sub, BindQuery(*in.query, ctx.scope, &corr));
      if (!corr.conjuncts.empty()) {
        return Unsupported(e.pos, "correlated IN subquery is only supported as a condition of WHERE (AND-ed with others)");
      }
      if (sub.plan->schema->num_fields() != 1) {
        return Error(in.query->pos, "IN subquery must return one column, got " + std::to_string(sub.plan->schema->num_fields()));
      }
      const auto& rt = sub.plan->schema->field(0)->type();
      PlanPtr plan = sub.plan;
      if (!operand->type->Equals(*rt)) {
        auto common = CommonType(operand->type, rt);
        if (!common) {
          return Error(in.pos, "IN subquery: cannot compare " + operand->type->ToString() + " with the subquery's " + rt->ToString());
        }
        if (!operand->type->Equals(**common)) operand = MakeCast(operand, *common, false, operand->sql);
        plan = CastFirstColumn(plan, *common);
      }
      BoundExprPtr r = MakeSubquery(SubqueryKind::kIn, plan, columnar::Boolean(), true, sql, in.pos, operand);
      return in.negated ? planutil::MakeNot(r) : r;
    }
    case ExprKind::kSubquery: {
      TIDE_ASSIGN_OR_RETURN(BoundRelation sub, BindQuery(*e.As<SubqueryExpr>().query, ctx.scope, &corr));
      int visible = corr.conjuncts.empty() ? sub.plan->schema->num_fields() : corr.visible_columns;
      if (visible != 1) return Error(e.pos, "scalar subquery must return one column, got " + std::to_string(visible));
      const auto& f = sub.plan->schema->field(0);
      if (corr.conjuncts.empty()) return MakeSubquery(SubqueryKind::kScalar, sub.plan, f->type(), true, sql, e.pos);
      if (ctx.plan == nullptr) return correlated_unsupported();
      if (!corr.has_aggregate) {
        return Unsupported(e.pos, "correlated scalar subquery without an aggregate is not supported (it may return several rows)");
      }
      int width = (*ctx.plan)->schema->num_fields();
      TIDE_ASSIGN_OR_RETURN(*ctx.plan, JoinSubquery(*ctx.plan, sub, corr, PlanJoinType::kLeft, {}, e.pos));
      RecordDecorrelated(ctx, corr, width, sub.plan->schema->num_fields(), e.pos);
      for (int i = 0; i < sub.plan->schema->num_fields(); ++i) {
        ScopeColumn c;
        c.name = "__scalar" + std::to_string(width + i);
        c.type = sub.plan->schema->field(i)->type();
        c.nullable = true;
        c.hidden = true;
        ctx.scope->columns.push_back(c);
      }
      auto col = std::const_pointer_cast<BoundExpr>(MakeColumn(width, f->type(), true, sql));
      col->pos = e.pos;
      if (corr.count_like) {
        // No matching row means count = 0, not null (the left join's "count bug").
        BoundExprPtr zero = MakeInt64Literal(0);
        if (!f->type()->Equals(*columnar::Int64())) zero = MakeCast(zero, f->type());
        return Call("coalesce", {col, zero}, e.pos, sql);
      }
      return BoundExprPtr(col);
    }
    default:
      break;
  }
  return Error(e.pos, "unsupported subquery");
}

}  // namespace tide::sql::binder_internal
