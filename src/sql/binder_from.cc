// FROM items: tables, views, CTE references, subqueries, VALUES, range(), joins.
#include <algorithm>

#include "columnar/builder.h"
#include "sql/binder_internal.h"
#include "sql/function_catalog.h"
#include "sql/optimizer_util.h"
#include "sql/lexer.h"
#include "sql/parser.h"

namespace tide::sql::binder_internal {

using base::Result;
using base::Status;
using columnar::TypeId;
using columnar::TypePtr;

namespace {

std::string NameText(const QualifiedName& n) {
  std::string out;
  for (size_t i = 0; i < n.parts.size(); ++i) { if (i) out += '.'; out += n.parts[i].name; }
  return out;
}

// Renames a relation's columns (t(a, b)) and sets its qualifier.
Status ApplyAlias(const Binder& b, const std::optional<TableAlias>& alias, BoundRelation* rel) {
  if (!alias) return Status::OK();
  std::string q = Lower(alias->name.name);
  for (auto& c : rel->scope.columns) c.qualifiers = {q};
  if (!alias->columns.empty()) {
    size_t visible = 0;
    for (const auto& c : rel->scope.columns) visible += c.hidden ? 0 : 1;
    if (alias->columns.size() != visible) {
      return b.Error(alias->name.pos, "alias '" + alias->name.name + "' names " + std::to_string(alias->columns.size()) +
                                          " columns but the relation has " + std::to_string(visible));
    }
    size_t k = 0;
    for (auto& c : rel->scope.columns) {
      if (!c.hidden) c.name = alias->columns[k++].name;
    }
  }
  return Status::OK();
}

}  // namespace

Result<BoundRelation> Binder::BindFrom(const std::vector<TableRefPtr>& from) {
  if (from.empty()) {
    // SELECT without FROM: one row, no columns.
    auto n = std::make_shared<PlanNode>();
    n->kind = PlanKind::kValues;
    n->schema = planutil::MakeSchema({});
    n->values_rows = 1;
    return BoundRelation{n, Scope{}};
  }
  TIDE_ASSIGN_OR_RETURN(BoundRelation acc, BindTableRef(*from[0]));
  for (size_t i = 1; i < from.size(); ++i) {
    TIDE_ASSIGN_OR_RETURN(BoundRelation next, BindTableRef(*from[i]));
    acc.plan = planutil::MakeJoin(PlanJoinType::kCross, acc.plan, next.plan, {}, {}, {}, nullptr);
    for (auto& c : next.scope.columns) acc.scope.columns.push_back(std::move(c));
  }
  return acc;
}

Result<BoundRelation> Binder::BindTableRef(const TableRef& ref) {
  if (++depth_ > kMaxNestingDepth * 4) {
    --depth_;
    return Error(ref.pos, "query nested too deeply");
  }
  struct DepthGuard {
    int* d;
    ~DepthGuard() { --*d; }
  } guard{&depth_};
  switch (ref.kind) {
    case TableRefKind::kNamed: {
      TIDE_ASSIGN_OR_RETURN(BoundRelation rel, BindNamedTable(ref.As<NamedTable>()));
      TIDE_RETURN_IF_ERROR(ApplyAlias(*this, ref.alias, &rel));
      return rel;
    }
    case TableRefKind::kSubquery: {
      const auto& s = ref.As<SubqueryTable>();
      // A derived table sees no outer columns (no LATERAL) and no correlation.
      TIDE_ASSIGN_OR_RETURN(BoundRelation rel, BindQuery(*s.query, nullptr, nullptr));
      for (auto& c : rel.scope.columns) c.qualifiers.clear();
      TIDE_RETURN_IF_ERROR(ApplyAlias(*this, ref.alias, &rel));
      return rel;
    }
    case TableRefKind::kValues: {
      const auto& v = ref.As<ValuesTable>();
      TIDE_ASSIGN_OR_RETURN(BoundRelation rel, BindValuesRows(v.rows, v.pos));
      TIDE_RETURN_IF_ERROR(ApplyAlias(*this, ref.alias, &rel));
      return rel;
    }
    case TableRefKind::kFunction: {
      TIDE_ASSIGN_OR_RETURN(BoundRelation rel, BindTableFunction(ref.As<FunctionTable>()));
      TIDE_RETURN_IF_ERROR(ApplyAlias(*this, ref.alias, &rel));
      return rel;
    }
    case TableRefKind::kJoin: {
      TIDE_ASSIGN_OR_RETURN(BoundRelation rel, BindJoin(ref.As<JoinTable>()));
      TIDE_RETURN_IF_ERROR(ApplyAlias(*this, ref.alias, &rel));
      return rel;
    }
  }
  return Error(ref.pos, "unsupported FROM item");
}

Result<BoundRelation> Binder::BindCte(size_t index, const NamedTable& ref) {
  const Cte* cte = ctes_[index].cte;
  // The CTE sees only the CTEs defined before it.
  std::vector<CteEntry> saved(ctes_.begin() + index, ctes_.end());
  ctes_.resize(index);
  auto rel = BindQuery(*cte->query, nullptr, nullptr);
  ctes_.insert(ctes_.end(), saved.begin(), saved.end());
  if (!rel.ok()) return rel.status();
  BoundRelation out = std::move(*rel);
  std::string q = Lower(cte->name.name);
  for (auto& c : out.scope.columns) c.qualifiers = {q};
  if (!cte->columns.empty()) {
    if (cte->columns.size() != out.scope.columns.size()) {
      return Error(cte->name.pos, "WITH " + cte->name.name + " names " + std::to_string(cte->columns.size()) +
                                      " columns but its query returns " + std::to_string(out.scope.columns.size()));
    }
    for (size_t i = 0; i < cte->columns.size(); ++i) out.scope.columns[i].name = cte->columns[i].name;
  }
  (void)ref;
  return out;
}

Result<BoundRelation> Binder::BindNamedTable(const NamedTable& t) {
  const auto& parts = t.name.parts;
  if (parts.size() == 1 && !t.time_travel) {
    std::string n = Lower(parts[0].name);
    for (size_t i = ctes_.size(); i-- > 0;) {
      if (ctes_[i].name == n) return BindCte(i, t);
    }
  }
  if (!t.name.IsPathTable() && !t.time_travel) {
    if (auto view = catalog_.GetView(t.name)) {
      std::string key = Lower(view->name.empty() ? NameText(t.name) : view->name);
      if (std::find(views_in_progress_.begin(), views_in_progress_.end(), key) != views_in_progress_.end()) {
        return Error(t.pos, "view '" + NameText(t.name) + "' references itself");
      }
      auto parsed = ParseQuery(view->query_sql);
      if (!parsed.ok()) {
        return Error(t.pos, "view '" + NameText(t.name) + "' cannot be parsed: " + parsed.status().message());
      }
      views_in_progress_.push_back(key);
      std::vector<CteEntry> saved_ctes;
      saved_ctes.swap(ctes_);
      BindOptions saved = options_;
      options_.source = view->query_sql;
      auto rel = BindQuery(**parsed, nullptr, nullptr);
      options_ = saved;
      ctes_.swap(saved_ctes);
      views_in_progress_.pop_back();
      if (!rel.ok()) {
        return Status(rel.status().code(), "line " + std::to_string(t.pos.line) + ", column " + std::to_string(t.pos.column) +
                                               ": in view '" + NameText(t.name) + "': " + rel.status().message());
      }
      BoundRelation out = std::move(*rel);
      std::string q = Lower(parts.back().name);
      for (auto& c : out.scope.columns) c.qualifiers = {q};
      if (!view->columns.empty()) {
        if (view->columns.size() != out.scope.columns.size()) {
          return Error(t.pos, "view '" + NameText(t.name) + "' names " + std::to_string(view->columns.size()) +
                                  " columns but its query returns " + std::to_string(out.scope.columns.size()));
        }
        for (size_t i = 0; i < view->columns.size(); ++i) out.scope.columns[i].name = view->columns[i];
      }
      return out;
    }
  }
  TIDE_ASSIGN_OR_RETURN(std::optional<TimeTravelSpec> tt, BindTimeTravel(t.time_travel));
  auto handle = catalog_.GetTable(t.name, tt);
  if (!handle.ok()) return AddPosition(handle.status(), t.pos);
  auto n = std::make_shared<PlanNode>();
  n->kind = PlanKind::kScan;
  n->table = *handle;
  n->schema = (*handle)->schema();
  for (int i = 0; i < n->schema->num_fields(); ++i) n->scan_columns.push_back(i);
  Scope scope;
  std::vector<std::string> quals;
  if (t.name.IsPathTable()) {
    quals.push_back(Lower(parts[0].name) + "." + Lower(parts[1].name));
  } else {
    quals.push_back(Lower(parts.back().name));
    if (parts.size() >= 2) quals.push_back(Lower(parts[parts.size() - 2].name) + "." + Lower(parts.back().name));
  }
  for (const auto& f : n->schema->fields()) {
    ScopeColumn c;
    c.qualifiers = quals;
    c.name = f->name();
    c.type = f->type();
    c.nullable = f->nullable();
    scope.columns.push_back(std::move(c));
  }
  return BoundRelation{n, std::move(scope)};
}

Result<BoundRelation> Binder::BindTableFunction(const FunctionTable& f) {
  std::string name;
  for (size_t i = 0; i < f.name.size(); ++i) { if (i) name += '.'; name += Lower(f.name[i].name); }
  if (name != "range") {
    return Unsupported(f.pos, "table function '" + name + "' is not supported (supported: range)");
  }
  if (f.args.empty() || f.args.size() > 4) return Error(f.pos, "range() expects 1 to 4 arguments");
  std::vector<int64_t> a;
  for (size_t i = 0; i < f.args.size() && i < 3; ++i) {
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr c, BindConstant(*f.args[i], catalog_, options_));
    int64_t v = 0;
    if (!c->IsLiteral() || c->IsNullLiteral()) return Error(f.args[i]->pos, "range() expects integer literals");
    switch (c->type->id()) {
      case TypeId::kInt8: v = c->literal->Value<int8_t>(0); break;
      case TypeId::kInt16: v = c->literal->Value<int16_t>(0); break;
      case TypeId::kInt32: v = c->literal->Value<int32_t>(0); break;
      case TypeId::kInt64: v = c->literal->Value<int64_t>(0); break;
      default: return Error(f.args[i]->pos, "range() expects integer arguments, got " + c->type->ToString());
    }
    a.push_back(v);
  }
  int64_t start = 0, end = 0, step = 1;
  if (a.size() == 1) {
    end = a[0];
  } else {
    start = a[0];
    end = a[1];
    if (a.size() >= 3) step = a[2];
  }
  if (step == 0) return Error(f.pos, "range() step must not be 0");
  __int128 count128 = 0;
  if ((step > 0 && end > start) || (step < 0 && end < start)) {
    __int128 span = static_cast<__int128>(end) - start;
    count128 = (span + (step > 0 ? step - 1 : step + 1)) / step;
  }
  constexpr int64_t kMaxRows = 64LL << 20;
  if (count128 > kMaxRows) {
    return Unsupported(f.pos, "range() of more than " + std::to_string(kMaxRows) + " rows is not supported");
  }
  int64_t count = static_cast<int64_t>(count128);
  columnar::Int64Builder b(columnar::Int64());
  for (int64_t i = 0; i < count; ++i) b.Append(start + i * step);
  auto n = std::make_shared<PlanNode>();
  n->kind = PlanKind::kValues;
  n->schema = planutil::MakeSchema({columnar::MakeField("id", columnar::Int64(), false)});
  n->values.push_back(b.Finish());
  n->values_rows = count;
  Scope scope = ScopeFor(*n->schema, "range");
  return BoundRelation{n, std::move(scope)};
}

Result<BoundRelation> Binder::BindJoin(const JoinTable& j) {
  TIDE_ASSIGN_OR_RETURN(BoundRelation left, BindTableRef(*j.left));
  TIDE_ASSIGN_OR_RETURN(BoundRelation right, BindTableRef(*j.right));
  PlanJoinType type = PlanJoinType::kInner;
  switch (j.join_type) {
    case JoinType::kInner: type = PlanJoinType::kInner; break;
    case JoinType::kLeft: type = PlanJoinType::kLeft; break;
    case JoinType::kRight: type = PlanJoinType::kRight; break;
    case JoinType::kFull: type = PlanJoinType::kFull; break;
    case JoinType::kLeftSemi: type = PlanJoinType::kSemi; break;
    case JoinType::kLeftAnti: type = PlanJoinType::kAnti; break;
    case JoinType::kCross: type = PlanJoinType::kCross; break;
  }
  int lw = static_cast<int>(left.scope.columns.size());
  Scope combined;
  combined.columns = left.scope.columns;
  for (const auto& c : right.scope.columns) combined.columns.push_back(c);
  bool semi = type == PlanJoinType::kSemi || type == PlanJoinType::kAnti;

  std::vector<Identifier> using_cols = j.using_columns;
  if (j.natural) {
    for (const auto& lc : left.scope.columns) {
      if (lc.hidden) continue;
      for (const auto& rc : right.scope.columns) {
        if (!rc.hidden && Lower(rc.name) == Lower(lc.name)) {
          Identifier id;
          id.name = lc.name;
          id.pos = j.pos;
          using_cols.push_back(id);
          break;
        }
      }
    }
  }

  if (j.on) {
    ExprContext ctx;
    ctx.scope = &combined;
    ctx.clause = "a join condition";
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr cond, Bind(*j.on, ctx));
    if (cond->type->id() != TypeId::kBoolean && cond->type->id() != TypeId::kNull) {
      return Error(j.on->pos, "join condition must be BOOLEAN, got " + cond->type->ToString());
    }
    if (type == PlanJoinType::kCross) type = PlanJoinType::kInner;
    std::vector<BoundExprPtr> lk, rk;
    std::vector<bool> ns;
    BoundExprPtr residual;
    planutil::ExtractEquiKeys(lw, cond, &lk, &rk, &ns, &residual);
    BoundRelation out;
    out.plan = planutil::MakeJoin(type, left.plan, right.plan, lk, rk, ns, residual);
    out.scope = semi ? left.scope : combined;
    if (type == PlanJoinType::kLeft || type == PlanJoinType::kFull) {
      for (size_t i = lw; i < out.scope.columns.size(); ++i) out.scope.columns[i].nullable = true;
    }
    if (type == PlanJoinType::kRight || type == PlanJoinType::kFull) {
      for (int i = 0; i < lw; ++i) out.scope.columns[i].nullable = true;
    }
    return out;
  }
  if (using_cols.empty()) {
    if (j.natural) {
      // NATURAL JOIN without common columns is a cross join.
      type = type == PlanJoinType::kInner ? PlanJoinType::kCross : type;
    }
    if (type != PlanJoinType::kCross && type != PlanJoinType::kInner) {
      return Error(j.pos, "this join needs an ON or USING condition");
    }
    BoundRelation out;
    out.plan = planutil::MakeJoin(PlanJoinType::kCross, left.plan, right.plan, {}, {}, {}, nullptr);
    out.scope = combined;
    return out;
  }

  // USING / NATURAL: equalities on the named columns; the output has each key once
  // (coalesced for FULL), then the other left columns, then the other right columns.
  auto find = [&](const Scope& s, const Identifier& id, const char* side) -> Result<int> {
    int found = -1;
    for (size_t i = 0; i < s.columns.size(); ++i) {
      if (s.columns[i].hidden || Lower(s.columns[i].name) != Lower(id.name)) continue;
      if (found >= 0) return Error(id.pos, "USING column '" + id.name + "' is ambiguous on the " + side + " side of the join");
      found = static_cast<int>(i);
    }
    if (found < 0) return Error(id.pos, "USING column '" + id.name + "' not found on the " + std::string(side) + " side of the join");
    return found;
  };
  std::vector<int> lkeys, rkeys;
  std::vector<BoundExprPtr> lk, rk;
  for (const auto& id : using_cols) {
    TIDE_ASSIGN_OR_RETURN(int li, find(left.scope, id, "left"));
    TIDE_ASSIGN_OR_RETURN(int ri, find(right.scope, id, "right"));
    const auto& lc = left.scope.columns[li];
    const auto& rc = right.scope.columns[ri];
    BoundExprPtr l = MakeColumn(li, lc.type, lc.nullable, lc.name);
    BoundExprPtr r = MakeColumn(ri, rc.type, rc.nullable, rc.name);
    if (!l->type->Equals(*r->type)) {
      auto common = CommonType(l->type, r->type);
      if (!common) {
        return Error(id.pos, "USING column '" + id.name + "' has incompatible types " + l->type->ToString() + " and " +
                                 r->type->ToString());
      }
      if (!l->type->Equals(**common)) l = MakeCast(l, *common, false, l->sql);
      if (!r->type->Equals(**common)) r = MakeCast(r, *common, false, r->sql);
    }
    lkeys.push_back(li);
    rkeys.push_back(ri);
    lk.push_back(l);
    rk.push_back(r);
  }
  if (type == PlanJoinType::kCross) type = PlanJoinType::kInner;
  PlanPtr join = planutil::MakeJoin(type, left.plan, right.plan, lk, rk, {}, nullptr);
  if (semi) return BoundRelation{join, left.scope};
  std::vector<BoundExprPtr> exprs;
  std::vector<std::string> names;
  Scope scope;
  for (size_t k = 0; k < lkeys.size(); ++k) {
    const auto& lc = left.scope.columns[lkeys[k]];
    const auto& rc = right.scope.columns[rkeys[k]];
    BoundExprPtr l = planutil::ShiftColumns(lk[k], 0);
    BoundExprPtr r = planutil::ShiftColumns(rk[k], lw);
    BoundExprPtr key;
    bool l_null = lc.nullable || type == PlanJoinType::kRight || type == PlanJoinType::kFull;
    bool r_null = rc.nullable || type == PlanJoinType::kLeft || type == PlanJoinType::kFull;
    auto set_nullable = [](BoundExprPtr e, bool nullable) {
      auto copy = std::make_shared<BoundExpr>(*e);
      copy->nullable = nullable;
      return BoundExprPtr(copy);
    };
    if (type == PlanJoinType::kFull) {
      TIDE_ASSIGN_OR_RETURN(key, Call("coalesce", {set_nullable(l, true), set_nullable(r, true)}, using_cols[k].pos, lc.name));
    } else if (type == PlanJoinType::kRight) {
      key = set_nullable(r, r_null);
    } else {
      key = set_nullable(l, l_null);
    }
    exprs.push_back(key);
    names.push_back(lc.name);
    ScopeColumn c;
    c.qualifiers = lc.qualifiers;
    for (const auto& q : rc.qualifiers) c.qualifiers.push_back(q);
    c.name = lc.name;
    c.type = key->type;
    c.nullable = key->nullable;
    scope.columns.push_back(std::move(c));
  }
  auto add_rest = [&](const Scope& s, const std::vector<int>& keys, int offset, bool nullable) {
    for (size_t i = 0; i < s.columns.size(); ++i) {
      if (std::find(keys.begin(), keys.end(), static_cast<int>(i)) != keys.end()) continue;
      ScopeColumn c = s.columns[i];
      c.nullable = c.nullable || nullable;
      exprs.push_back(MakeColumn(offset + static_cast<int>(i), c.type, c.nullable, c.name));
      names.push_back(c.name);
      scope.columns.push_back(std::move(c));
    }
  };
  add_rest(left.scope, lkeys, 0, type == PlanJoinType::kRight || type == PlanJoinType::kFull);
  add_rest(right.scope, rkeys, lw, type == PlanJoinType::kLeft || type == PlanJoinType::kFull);
  return BoundRelation{planutil::MakeProject(join, std::move(exprs), std::move(names)), std::move(scope)};
}

}  // namespace tide::sql::binder_internal
