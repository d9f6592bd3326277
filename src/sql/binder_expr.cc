// Expression binding: names, operators, function calls (scalar, aggregate, window, lambda).
#include <algorithm>

#include "columnar/builder.h"
#include "sql/binder_internal.h"
#include "sql/function_catalog.h"
#include "sql/lexer.h"
#include "sql/optimizer_util.h"
#include "sql/parser.h"
#include "sql/printer.h"
#include "sql/types.h"

namespace tide::sql::binder_internal {

using base::Result;
using base::Status;
using columnar::TypeId;
using columnar::TypePtr;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ExprSql(const Expr& e) {
  // The canonical text parenthesizes every operator; drop the pair around the whole
  // expression so messages read as written: 'age / (id - 1)'.
  std::string s = ToSql(e);
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
    int depth = 0;
    bool wraps = true;
    bool in_string = false;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '\'') in_string = false;
        continue;
      }
      if (c == '\'') in_string = true;
      else if (c == '(') ++depth;
      else if (c == ')' && --depth == 0 && i + 1 < s.size()) {
        wraps = false;
        break;
      }
    }
    if (wraps) return s.substr(1, s.size() - 2);
  }
  return s;
}

namespace {

std::string SparkNameList(const std::vector<ExprPtr>& args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    out += SparkName(*args[i]);
  }
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

BoundExprPtr Int32Literal(int64_t v) {
  columnar::Int32Builder b(columnar::Int32());
  b.Append(static_cast<int32_t>(v));
  return MakeLiteral(b.Finish());
}

bool IsIntegral(const TypePtr& t) {
  switch (t->id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return true;
    default:
      return false;
  }
}

const char* BinaryFunction(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr: return "or";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kEq: return "eq";
    case BinaryOp::kNe: return "ne";
    case BinaryOp::kLt: return "lt";
    case BinaryOp::kLe: return "le";
    case BinaryOp::kGt: return "gt";
    case BinaryOp::kGe: return "ge";
    case BinaryOp::kNullSafeEq: return "null_safe_eq";
    case BinaryOp::kIsDistinctFrom: return "null_safe_eq";
    case BinaryOp::kIsNotDistinctFrom: return "null_safe_eq";
    case BinaryOp::kBitOr: return "bit_or";
    case BinaryOp::kBitXor: return "bit_xor";
    case BinaryOp::kBitAnd: return "bit_and";
    case BinaryOp::kShiftLeft: return "shiftleft";
    case BinaryOp::kShiftRight: return "shiftright";
    case BinaryOp::kShiftRightUnsigned: return "shiftrightunsigned";
    case BinaryOp::kAdd: return "add";
    case BinaryOp::kSubtract: return "subtract";
    case BinaryOp::kConcat: return "concat";
    case BinaryOp::kMultiply: return "multiply";
    case BinaryOp::kDivide: return "divide";
    case BinaryOp::kModulo: return "mod";
    case BinaryOp::kIntDivide: return "int_divide";
  }
  return "?";
}

}  // namespace

std::string SparkName(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kColumnRef:
      return e.As<ColumnRef>().parts.back().name;
    case ExprKind::kFieldAccess:
      return e.As<FieldAccessExpr>().field.name;
    case ExprKind::kLiteral: {
      const auto& l = e.As<Literal>();
      switch (l.literal_kind) {
        case LiteralKind::kNull: return "NULL";
        case LiteralKind::kBoolean: return l.bool_value ? "true" : "false";
        case LiteralKind::kString: return l.text;
        case LiteralKind::kInteger:
        case LiteralKind::kDecimal:
        case LiteralKind::kDouble: return l.text;
        default: return ToSql(e);
      }
    }
    case ExprKind::kFunction: {
      const auto& f = e.As<FunctionCall>();
      std::string name;
      for (size_t i = 0; i < f.name.size(); ++i) { if (i) name += '.'; name += Lower(f.name[i].name); }
      if (name == "window" && !f.over && !f.over_name) return "window";  // Spark's time window column
      std::string args;
      if (f.args.size() == 1 && f.args[0]->kind == ExprKind::kStar && f.args[0]->As<Star>().qualifier.empty()) {
        args = name == "count" ? "1" : "*";
      } else {
        args = SparkNameList(f.args);
      }
      std::string out = name + "(" + (f.distinct ? "DISTINCT " : "") + args + ")";
      if (f.over_name) out += " OVER " + f.over_name->name;
      if (f.over) {
        std::string spec;
        if (f.over->base) spec += f.over->base->name;
        if (!f.over->partition_by.empty()) spec += std::string(spec.empty() ? "" : " ") + "PARTITION BY " + SparkNameList(f.over->partition_by);
        if (!f.over->order_by.empty()) {
          spec += std::string(spec.empty() ? "" : " ") + "ORDER BY ";
          for (size_t i = 0; i < f.over->order_by.size(); ++i) {
            const auto& o = f.over->order_by[i];
            if (i > 0) spec += ", ";
            spec += SparkName(*o.expr);
            bool asc = o.direction != SortDirection::kDesc;
            spec += asc ? " ASC" : " DESC";
            bool nulls_first = o.nulls == NullsOrder::kDefault ? asc : o.nulls == NullsOrder::kFirst;
            spec += nulls_first ? " NULLS FIRST" : " NULLS LAST";
          }
        }
        out += " OVER (" + spec + ")";
      }
      return out;
    }
    case ExprKind::kBinary: {
      const auto& b = e.As<BinaryExpr>();
      return "(" + SparkName(*b.left) + " " + std::string(BinaryOpSql(b.op)) + " " + SparkName(*b.right) + ")";
    }
    case ExprKind::kUnary: {
      const auto& u = e.As<UnaryExpr>();
      switch (u.op) {
        case UnaryOp::kNot: return "(NOT " + SparkName(*u.operand) + ")";
        case UnaryOp::kNegate: return "(- " + SparkName(*u.operand) + ")";
        case UnaryOp::kPlus: return "(+ " + SparkName(*u.operand) + ")";
        case UnaryOp::kBitNot: return "~" + SparkName(*u.operand);
      }
      break;
    }
    case ExprKind::kCast: {
      const auto& c = e.As<CastExpr>();
      return std::string(c.try_cast ? "TRY_CAST(" : "CAST(") + SparkName(*c.operand) + " AS " + ToSql(*c.type) + ")";
    }
    default:
      break;
  }
  return ToSql(e);
}

Scope ScopeFor(const columnar::Schema& schema, const std::string& alias) {
  Scope s;
  for (const auto& f : schema.fields()) {
    ScopeColumn c;
    if (!alias.empty()) c.qualifiers.push_back(Lower(alias));
    c.name = f->name();
    c.type = f->type();
    c.nullable = f->nullable();
    s.columns.push_back(std::move(c));
  }
  return s;
}

std::vector<std::string> ScopeNames(const Scope& scope) {
  std::vector<std::string> names;
  for (const auto& c : scope.columns) names.push_back(c.name);
  return names;
}

Status Binder::Error(SourcePos pos, const std::string& msg) const {
  return Status::InvalidArgument(FormatSqlError(options_.source, pos, msg));
}
Status Binder::NotFound(SourcePos pos, const std::string& msg) const {
  return Status::NotFound(FormatSqlError(options_.source, pos, msg));
}
Status Binder::Unsupported(SourcePos pos, const std::string& msg) const {
  return Status::Unsupported(FormatSqlError(options_.source, pos, msg));
}
Status Binder::AddPosition(const Status& st, SourcePos pos) const {
  if (st.ok()) return st;
  // Messages that already carry a position (from a nested bind) are kept as they are.
  if (st.message().rfind("line ", 0) == 0) return st;
  return Status(st.code(), FormatSqlError(options_.source, pos, st.message()));
}

Result<BoundExprPtr> Binder::Call(const std::string& name, std::vector<BoundExprPtr> args, SourcePos pos, std::string sql) {
  auto rf = ResolveFunction(name, args);
  if (!rf.ok()) return AddPosition(rf.status(), pos);
  for (size_t i = 0; i < args.size() && i < rf->arg_types.size(); ++i) {
    const auto& want = rf->arg_types[i];
    if (!want || args[i]->kind == BoundExprKind::kLambda || args[i]->type->Equals(*want)) continue;
    if (args[i]->IsNullLiteral()) {
      args[i] = MakeNullLiteral(want);
    } else {
      args[i] = MakeCast(args[i], want, false, args[i]->sql);
    }
  }
  auto e = std::const_pointer_cast<BoundExpr>(
      MakeCall(rf->name, std::move(args), rf->result_type, rf->result_nullable, std::move(sql), pos));
  return BoundExprPtr(e);
}

Result<BoundExprPtr> Binder::FieldAccess(BoundExprPtr base, const Identifier& field, SourcePos pos, std::string sql) {
  if (base->type->id() != TypeId::kStruct) {
    return Error(pos, "cannot access field '" + field.name + "' of '" + base->sql + "' of type " + base->type->ToString() +
                          ": not a struct");
  }
  std::string lower = Lower(field.name);
  std::string exact;
  std::vector<std::string> names;
  for (const auto& f : base->type->children()) {
    names.push_back(f->name());
    if (f->name() == field.name) exact = f->name();
  }
  if (exact.empty()) {
    for (const auto& f : base->type->children()) {
      if (Lower(f->name()) == lower) {
        if (!exact.empty()) return Error(pos, "field '" + field.name + "' is ambiguous in " + base->type->ToString());
        exact = f->name();
      }
    }
  }
  if (exact.empty()) {
    std::string list;
    for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
    return Error(pos, "field '" + field.name + "' not found in '" + base->sql + "' (fields: " + list + ")");
  }
  return Call("get_field", {base, MakeStringLiteral(exact)}, pos, std::move(sql));
}

Result<BoundExprPtr> Binder::BindColumnRef(const ColumnRef& ref, ExprContext& ctx) {
  const auto& parts = ref.parts;
  std::string full;
  for (size_t i = 0; i < parts.size(); ++i) { if (i) full += '.'; full += parts[i].name; }
  std::string sql = ExprSql(ref);

  // Lambda parameters shadow columns (innermost first).
  for (size_t k = ctx.lambda_params.size(); k-- > 0;) {
    if (Lower(ctx.lambda_params[k].first) == Lower(parts[0].name)) {
      auto v = std::make_shared<BoundExpr>();
      v->kind = BoundExprKind::kLambdaVar;
      v->column = static_cast<int>(k);
      v->type = ctx.lambda_params[k].second;
      v->sql = parts[0].name;
      v->pos = ref.pos;
      BoundExprPtr out = v;
      for (size_t i = 1; i < parts.size(); ++i) {
        TIDE_ASSIGN_OR_RETURN(out, FieldAccess(out, parts[i], parts[i].pos, i + 1 == parts.size() ? sql : out->sql + "." + parts[i].name));
      }
      return out;
    }
  }

  auto alias_expr = [&]() -> const Expr* {
    if (ctx.aliases == nullptr || parts.size() != 1) return nullptr;
    std::string n = Lower(parts[0].name);
    for (const auto& [alias, e] : *ctx.aliases) {
      if (alias == n) return e;
    }
    return nullptr;
  };
  auto bind_alias = [&](const Expr* e) -> Result<BoundExprPtr> {
    ExprContext sub = ctx;
    sub.aliases = nullptr;  // no lateral alias chains
    auto r = Bind(*e, sub);
    ctx.outer_refs = sub.outer_refs;
    return r;
  };
  if (ctx.aliases_first) {
    if (const Expr* e = alias_expr()) return bind_alias(e);
  }

  // Candidates in one scope: table.column[.field...] first, then column[.field...].
  struct Candidate {
    int index;
    size_t next_part;
  };
  auto find = [&](const Scope& s) -> std::vector<Candidate> {
    std::vector<Candidate> out;
    for (size_t qual_parts = std::min<size_t>(parts.size() - 1, 2); qual_parts >= 1; --qual_parts) {
      std::string qual;
      for (size_t i = 0; i < qual_parts; ++i) { if (i) qual += '.'; qual += Lower(parts[i].name); }
      std::string name = Lower(parts[qual_parts].name);
      for (size_t c = 0; c < s.columns.size(); ++c) {
        const auto& col = s.columns[c];
        if (col.hidden || Lower(col.name) != name) continue;
        if (std::find(col.qualifiers.begin(), col.qualifiers.end(), qual) != col.qualifiers.end()) {
          out.push_back({static_cast<int>(c), qual_parts + 1});
        }
      }
      if (!out.empty()) return out;
    }
    std::string name = Lower(parts[0].name);
    for (size_t c = 0; c < s.columns.size(); ++c) {
      const auto& col = s.columns[c];
      if (!col.hidden && Lower(col.name) == name) out.push_back({static_cast<int>(c), 1});
    }
    return out;
  };
  auto ambiguous = [&](const Scope& s, const std::vector<Candidate>& cands) {
    std::string list;
    for (size_t i = 0; i < cands.size(); ++i) {
      const auto& col = s.columns[cands[i].index];
      list += (i ? ", " : "") + (col.qualifiers.empty() ? col.name : col.qualifiers[0] + "." + col.name);
    }
    return Error(ref.pos, "column reference '" + full + "' is ambiguous; it could be: " + list);
  };
  auto finish = [&](BoundExprPtr col, size_t next) -> Result<BoundExprPtr> {
    for (size_t i = next; i < parts.size(); ++i) {
      TIDE_ASSIGN_OR_RETURN(col, FieldAccess(col, parts[i], parts[i].pos, i + 1 == parts.size() ? sql : col->sql + "." + parts[i].name));
    }
    return col;
  };

  if (ctx.scope != nullptr) {
    auto cands = find(*ctx.scope);
    if (cands.size() > 1) return ambiguous(*ctx.scope, cands);
    if (cands.size() == 1) {
      const auto& col = ctx.scope->columns[cands[0].index];
      auto e = std::const_pointer_cast<BoundExpr>(MakeColumn(cands[0].index, col.type, col.nullable, sql));
      e->pos = ref.pos;
      if (cands[0].next_part < parts.size()) e->sql = col.name;
      return finish(e, cands[0].next_part);
    }
  }
  if (!ctx.aliases_first) {
    if (const Expr* e = alias_expr()) return bind_alias(e);
  }
  // Outer (correlated) references.
  if (ctx.scope != nullptr && ctx.scope->outer != nullptr) {
    const Scope& outer = *ctx.scope->outer;
    auto cands = find(outer);
    if (cands.size() > 1) return ambiguous(outer, cands);
    if (cands.size() == 1) {
      if (!ctx.allow_outer) {
        return Unsupported(ref.pos, "correlated subquery reference '" + full + "' in " + ctx.clause +
                                        " is not supported (outer columns may be used in the subquery's WHERE)");
      }
      const auto& col = outer.columns[cands[0].index];
      auto e = std::const_pointer_cast<BoundExpr>(MakeColumn(kOuterRefBase + cands[0].index, col.type, col.nullable, sql));
      e->pos = ref.pos;
      ++ctx.outer_refs;
      return finish(e, cands[0].next_part);
    }
    for (const Scope* s = outer.outer; s != nullptr; s = s->outer) {
      if (!find(*s).empty()) {
        return Unsupported(ref.pos, "correlated subquery reference '" + full +
                                        "' to a query two or more levels out is not supported");
      }
    }
  }

  // Spark's niladic functions may be written without parentheses.
  if (parts.size() == 1 && !parts[0].quoted) {
    std::string n = Lower(parts[0].name);
    if (n == "current_timestamp" || n == "current_date" || n == "current_timezone" || n == "current_user" ||
        n == "localtimestamp" || n == "current_catalog" || n == "current_database" || n == "current_schema") {
      if (LookupFunctionClass(n)) return Call(n, {}, ref.pos, n + "()");
    }
  }

  // Not found: suggest the closest visible name.
  std::vector<std::string> names;
  if (ctx.scope != nullptr) {
    for (const auto& c : ctx.scope->columns) {
      if (!c.hidden) names.push_back(c.name);
    }
  }
  std::string best;
  size_t best_d = SIZE_MAX;
  std::string target = Lower(parts.back().name);
  if (parts.size() >= 2) target = Lower(parts[parts.size() >= 2 ? 1 : 0].name);
  for (const auto& n : names) {
    size_t d = EditDistance(Lower(n), Lower(parts.size() >= 2 ? parts[1].name : parts[0].name));
    d = std::min(d, EditDistance(Lower(n), Lower(parts[0].name)));
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  std::string msg = "column '" + full + "' not found";
  size_t limit = std::max<size_t>(2, parts[0].name.size() / 3);
  if (!best.empty() && best_d <= limit) msg += "; did you mean '" + best + "'?";
  std::string list;
  for (size_t i = 0; i < names.size() && i < 50; ++i) list += (i ? ", " : "") + names[i];
  if (names.size() > 50) list += ", ...";
  msg += " (columns: " + (names.empty() ? std::string("none") : list) + ")";
  return Error(ref.pos, msg);
}

Result<BoundExprPtr> Binder::BindBinary(const BinaryExpr& b, ExprContext& ctx) {
  std::string sql = ExprSql(b);
  bool left_iv = b.left->kind == ExprKind::kInterval;
  bool right_iv = b.right->kind == ExprKind::kInterval;
  if (left_iv || right_iv) {
    if (b.op != BinaryOp::kAdd && b.op != BinaryOp::kSubtract) {
      return Error(b.pos, "an interval may only be added to or subtracted from a date or timestamp");
    }
    if (left_iv && right_iv) return Unsupported(b.pos, "arithmetic between two intervals is not supported");
    if (left_iv && b.op == BinaryOp::kSubtract) return Error(b.pos, "cannot subtract a date or timestamp from an interval");
    const auto& iv_expr = (left_iv ? *b.left : *b.right).As<IntervalLiteral>();
    auto iv = EvalInterval(iv_expr);
    if (!iv.ok()) return AddPosition(iv.status(), iv_expr.pos);
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(left_iv ? *b.right : *b.left, ctx));
    int64_t sign = b.op == BinaryOp::kSubtract ? -1 : 1;
    if (x->type->id() == TypeId::kString) x = MakeCast(x, columnar::Timestamp(columnar::TimeUnit::kMicro, true));
    if (x->type->id() == TypeId::kDate32) {
      if (iv->micros != 0) {
        return Unsupported(b.pos, "adding an interval with hours, minutes or seconds to a DATE is not supported; cast the date to TIMESTAMP");
      }
      BoundExprPtr out = x;
      if (iv->months != 0) {
        TIDE_ASSIGN_OR_RETURN(out, Call("add_months", {out, Int32Literal(sign * iv->months)}, b.pos, sql));
      }
      if (iv->days != 0 || iv->months == 0) {
        TIDE_ASSIGN_OR_RETURN(out, Call("date_add", {out, Int32Literal(sign * iv->days)}, b.pos, sql));
      }
      return out;
    }
    if (x->type->id() == TypeId::kTimestamp) {
      BoundExprPtr out = x;
      if (iv->months != 0) {
        TIDE_ASSIGN_OR_RETURN(out, Call("timestamp_add_months", {out, Int32Literal(sign * iv->months)}, b.pos, sql));
      }
      if (iv->days != 0 || iv->micros != 0 || iv->months == 0) {
        int64_t micros = sign * (iv->days * 86400LL * 1000000LL + iv->micros);
        columnar::Int64Builder mb(columnar::Int64());
        mb.Append(micros);
        TIDE_ASSIGN_OR_RETURN(out, Call("timestamp_add_micros", {out, MakeLiteral(mb.Finish())}, b.pos, sql));
      }
      return out;
    }
    return Error(b.pos, "cannot add an interval to '" + x->sql + "' of type " + x->type->ToString() +
                            ": expected a DATE or TIMESTAMP");
  }
  TIDE_ASSIGN_OR_RETURN(BoundExprPtr l, Bind(*b.left, ctx));
  TIDE_ASSIGN_OR_RETURN(BoundExprPtr r, Bind(*b.right, ctx));
  if (b.op == BinaryOp::kAdd || b.op == BinaryOp::kSubtract) {
    bool ld = l->type->id() == TypeId::kDate32, rd = r->type->id() == TypeId::kDate32;
    if (ld && IsIntegral(r->type)) return Call(b.op == BinaryOp::kAdd ? "date_add" : "date_sub", {l, r}, b.pos, sql);
    if (rd && IsIntegral(l->type) && b.op == BinaryOp::kAdd) return Call("date_add", {r, l}, b.pos, sql);
    if (ld && rd && b.op == BinaryOp::kSubtract) return Call("datediff", {l, r}, b.pos, sql);
  }
  if (b.op == BinaryOp::kIsDistinctFrom) {
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr eq, Call("null_safe_eq", {l, r}, b.pos, sql));
    return Call("not", {eq}, b.pos, sql);
  }
  return Call(BinaryFunction(b.op), {l, r}, b.pos, sql);
}

Result<BoundExprPtr> Binder::Bind(const Expr& e, ExprContext& ctx) {
  if (++depth_ > kMaxNestingDepth * 4) {
    --depth_;
    return Error(e.pos, "expression nested too deeply");
  }
  struct DepthGuard {
    int* d;
    ~DepthGuard() { --*d; }
  } guard{&depth_};
  std::string sql;
  switch (e.kind) {
    case ExprKind::kLiteral:
      return BindLiteral(e.As<Literal>());
    case ExprKind::kInterval:
      return Error(e.pos, "an interval is only supported added to or subtracted from a DATE or TIMESTAMP");
    case ExprKind::kColumnRef:
      return BindColumnRef(e.As<ColumnRef>(), ctx);
    case ExprKind::kStar:
      return Error(e.pos, "'*' is only allowed in the select list or as count(*)");
    case ExprKind::kUnary: {
      const auto& u = e.As<UnaryExpr>();
      sql = ExprSql(e);
      if (u.op == UnaryOp::kNegate && u.operand->kind == ExprKind::kLiteral) {
        const auto& lit = u.operand->As<Literal>();
        if (lit.literal_kind == LiteralKind::kInteger || lit.literal_kind == LiteralKind::kDecimal ||
            lit.literal_kind == LiteralKind::kDouble) {
          return BindLiteral(lit, true);
        }
      }
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*u.operand, ctx));
      switch (u.op) {
        case UnaryOp::kNot: return Call("not", {x}, e.pos, sql);
        case UnaryOp::kNegate: return Call("negate", {x}, e.pos, sql);
        case UnaryOp::kPlus: return x;
        case UnaryOp::kBitNot: return Call("bit_not", {x}, e.pos, sql);
      }
      break;
    }
    case ExprKind::kBinary:
      return BindBinary(e.As<BinaryExpr>(), ctx);
    case ExprKind::kIs: {
      const auto& is = e.As<IsExpr>();
      sql = ExprSql(e);
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*is.operand, ctx));
      const char* fn = nullptr;
      switch (is.test) {
        case IsTest::kNull: fn = is.negated ? "is_not_null" : "is_null"; break;
        case IsTest::kUnknown:
          if (x->type->id() != TypeId::kBoolean && x->type->id() != TypeId::kNull) {
            return Error(is.pos, "IS UNKNOWN expects a BOOLEAN operand, got " + x->type->ToString());
          }
          fn = is.negated ? "is_not_null" : "is_null";
          break;
        case IsTest::kTrue: fn = is.negated ? "is_not_true" : "is_true"; break;
        case IsTest::kFalse: fn = is.negated ? "is_not_false" : "is_false"; break;
      }
      return Call(fn, {x}, e.pos, sql);
    }
    case ExprKind::kBetween: {
      const auto& b = e.As<BetweenExpr>();
      sql = ExprSql(e);
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*b.operand, ctx));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr lo, Bind(*b.low, ctx));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr hi, Bind(*b.high, ctx));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr ge, Call("ge", {x, lo}, b.pos, "(" + x->sql + " >= " + lo->sql + ")"));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr le, Call("le", {x, hi}, b.pos, "(" + x->sql + " <= " + hi->sql + ")"));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr both, Call("and", {ge, le}, b.pos, sql));
      if (b.negated) return Call("not", {both}, b.pos, sql);
      return both;
    }
    case ExprKind::kInList: {
      const auto& in = e.As<InListExpr>();
      sql = ExprSql(e);
      std::vector<BoundExprPtr> args;
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*in.operand, ctx));
      args.push_back(x);
      for (const auto& item : in.list) {
        TIDE_ASSIGN_OR_RETURN(BoundExprPtr v, Bind(*item, ctx));
        args.push_back(v);
      }
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr call, Call("in", std::move(args), in.pos, sql));
      if (in.negated) return Call("not", {call}, in.pos, sql);
      return call;
    }
    case ExprKind::kInSubquery:
    case ExprKind::kExists:
    case ExprKind::kSubquery:
      return BindSubqueryExpr(e, ctx);
    case ExprKind::kLike: {
      const auto& l = e.As<LikeExpr>();
      sql = ExprSql(e);
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*l.operand, ctx));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr p, Bind(*l.pattern, ctx));
      std::vector<BoundExprPtr> args{x, p};
      if (l.escape) {
        TIDE_ASSIGN_OR_RETURN(BoundExprPtr esc, Bind(*l.escape, ctx));
        if (!esc->IsLiteral() || esc->type->id() != TypeId::kString || esc->literal->BytesValue(0).size() != 1) {
          return Error(l.escape->pos, "ESCAPE expects a one-character string literal");
        }
        args.push_back(esc);
      }
      const char* fn = l.op == LikeOp::kLike ? "like" : l.op == LikeOp::kILike ? "ilike" : "rlike";
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr call, Call(fn, std::move(args), l.pos, sql));
      if (l.negated) return Call("not", {call}, l.pos, sql);
      return call;
    }
    case ExprKind::kCase: {
      const auto& c = e.As<CaseExpr>();
      sql = ExprSql(e);
      std::vector<BoundExprPtr> args;
      BoundExprPtr operand;
      if (c.operand) {
        TIDE_ASSIGN_OR_RETURN(operand, Bind(*c.operand, ctx));
      }
      for (const auto& w : c.whens) {
        TIDE_ASSIGN_OR_RETURN(BoundExprPtr cond, Bind(*w.condition, ctx));
        if (operand) {
          TIDE_ASSIGN_OR_RETURN(cond, Call("eq", {operand, cond}, w.condition->pos, "(" + operand->sql + " = " + cond->sql + ")"));
        }
        TIDE_ASSIGN_OR_RETURN(BoundExprPtr val, Bind(*w.result, ctx));
        args.push_back(cond);
        args.push_back(val);
      }
      if (c.else_result) {
        TIDE_ASSIGN_OR_RETURN(BoundExprPtr val, Bind(*c.else_result, ctx));
        args.push_back(val);
      }
      return Call("case", std::move(args), c.pos, sql);
    }
    case ExprKind::kCast: {
      const auto& c = e.As<CastExpr>();
      sql = ExprSql(e);
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*c.operand, ctx));
      auto type = ToColumnarType(*c.type);
      if (!type.ok()) return AddPosition(type.status(), c.type->pos);
      if (x->IsNullLiteral()) return MakeNullLiteral(*type);
      if (!CanCast(*x->type, **type)) {
        return Error(c.pos, "cannot cast '" + x->sql + "' of type " + x->type->ToString() + " to " + (*type)->ToString());
      }
      auto out = std::const_pointer_cast<BoundExpr>(MakeCast(x, *type, c.try_cast, sql));
      out->pos = c.pos;
      return BoundExprPtr(out);
    }
    case ExprKind::kFunction:
      return BindFunction(e.As<FunctionCall>(), ctx);
    case ExprKind::kLambda:
      return Error(e.pos, "a lambda function is only allowed as an argument of a higher-order function");
    case ExprKind::kSubscript: {
      const auto& s = e.As<SubscriptExpr>();
      sql = ExprSql(e);
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr base, Bind(*s.base, ctx));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr index, Bind(*s.index, ctx));
      if (base->type->id() != TypeId::kList && base->type->id() != TypeId::kMap) {
        return Error(s.pos, "cannot subscript '" + base->sql + "' of type " + base->type->ToString() + ": expected an ARRAY or MAP");
      }
      return Call("element_at_subscript", {base, index}, s.pos, sql);
    }
    case ExprKind::kFieldAccess: {
      const auto& f = e.As<FieldAccessExpr>();
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr base, Bind(*f.base, ctx));
      return FieldAccess(base, f.field, f.pos, ExprSql(e));
    }
    case ExprKind::kExtract: {
      const auto& x = e.As<ExtractExpr>();
      sql = ExprSql(e);
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr src, Bind(*x.source, ctx));
      std::string field = Lower(x.field.name);
      static const std::pair<const char*, const char*> kFields[] = {
          {"years", "year"},         {"yr", "year"},         {"months", "month"},   {"mon", "month"},
          {"days", "day"},           {"dayofmonth", "day"},  {"hours", "hour"},     {"hr", "hour"},
          {"minutes", "minute"},     {"min", "minute"},      {"seconds", "second"}, {"sec", "second"},
          {"dow", "dayofweek"},      {"doy", "dayofyear"},   {"weeks", "weekofyear"}, {"week", "weekofyear"},
          {"qtr", "quarter"},        {"quarters", "quarter"}};
      for (const auto& [from, to] : kFields) {
        if (field == from) field = to;
      }
      auto r = Call(field, {src}, x.pos, sql);
      if (!r.ok() && r.status().IsNotFound()) {
        return Error(x.field.pos, "EXTRACT: unknown field '" + x.field.name + "'");
      }
      return r;
    }
  }
  return Error(e.pos, "unsupported expression");
}

Result<BoundExprPtr> Binder::BindFunction(const FunctionCall& f, ExprContext& ctx) {
  std::string name;
  for (size_t i = 0; i < f.name.size(); ++i) { if (i) name += '.'; name += Lower(f.name[i].name); }
  std::string sql = SparkName(f);
  if (f.over || f.over_name) return BindWindowCall(f, name, ctx);

  if (name == "grouping" || name == "grouping_id") {
    if (ctx.group_exprs == nullptr || ctx.aggregates == nullptr) {
      return Error(f.pos, name + "() is only allowed with GROUP BY, in the select list, HAVING or ORDER BY");
    }
    const auto& groups = *ctx.group_exprs;
    int n = static_cast<int>(groups.size());
    auto gid = std::const_pointer_cast<BoundExpr>(MakeColumn(kGroupingIdRef, columnar::Int64(), false, "grouping__id"));
    if (!ctx.has_grouping_sets) {
      // Without grouping sets every group expr is in the (only) set.
      columnar::Int64Builder zero(columnar::Int64());
      zero.Append(0);
      gid = std::const_pointer_cast<BoundExpr>(MakeLiteral(zero.Finish(), "0"));
    }
    ExprContext sub = ctx;
    sub.aggregates = nullptr;
    sub.windows = nullptr;
    std::vector<int> indexes;
    for (const auto& a : f.args) {
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*a, sub));
      int found = -1;
      for (int i = 0; i < n; ++i) {
        if (BoundExprEquals(*x, *groups[i])) found = i;
      }
      if (found < 0) return Error(a->pos, "argument of " + name + "() must be a GROUP BY expression, got '" + x->sql + "'");
      indexes.push_back(found);
    }
    if (name == "grouping") {
      if (indexes.size() != 1) return Error(f.pos, "grouping() expects exactly one argument");
      columnar::Int32Builder sb(columnar::Int32());
      sb.Append(n - 1 - indexes[0]);
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr shifted, Call("shiftright", {gid, MakeLiteral(sb.Finish())}, f.pos, sql));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr bit, Call("bit_and", {shifted, MakeInt64Literal(1)}, f.pos, sql));
      return BoundExprPtr(MakeCast(bit, columnar::Int8(), false, sql));
    }
    if (indexes.empty()) return BoundExprPtr(gid);
    // grouping_id(c1, ..., ck): the bits of the listed columns, c1 most significant.
    BoundExprPtr acc;
    for (size_t k = 0; k < indexes.size(); ++k) {
      columnar::Int32Builder sb(columnar::Int32());
      sb.Append(n - 1 - indexes[k]);
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr shifted, Call("shiftright", {gid, MakeLiteral(sb.Finish())}, f.pos, sql));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr bit, Call("bit_and", {shifted, MakeInt64Literal(1)}, f.pos, sql));
      columnar::Int32Builder lb(columnar::Int32());
      lb.Append(static_cast<int32_t>(indexes.size() - 1 - k));
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr placed, Call("shiftleft", {bit, MakeLiteral(lb.Finish())}, f.pos, sql));
      if (!acc) {
        acc = placed;
      } else {
        TIDE_ASSIGN_OR_RETURN(acc, Call("bit_or", {acc, placed}, f.pos, sql));
      }
    }
    return acc;
  }

  auto cls = LookupFunctionClass(name);
  if (!cls && name == "window") return BindTimeWindow(f, ctx);
  // Spark's cast functions: double(x), int(x), date(x), ... are CAST(x AS <name>).
  static constexpr const char* kCastFunctions[] = {"boolean", "tinyint", "smallint", "int",    "bigint", "float",
                                                   "double",  "decimal", "date",     "timestamp", "string", "binary"};
  if (!cls && f.args.size() == 1 && !f.distinct && f.args[0]->kind != ExprKind::kStar &&
      std::find(std::begin(kCastFunctions), std::end(kCastFunctions), name) != std::end(kCastFunctions)) {
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*f.args[0], ctx));
    auto spec = ParseType(name);
    if (!spec.ok()) return AddPosition(spec.status(), f.pos);
    auto type = ToColumnarType(**spec);
    if (!type.ok()) return AddPosition(type.status(), f.pos);
    if (x->IsNullLiteral()) return MakeNullLiteral(*type);
    if (!CanCast(*x->type, **type)) {
      return Error(f.pos, "cannot cast '" + x->sql + "' of type " + x->type->ToString() + " to " + (*type)->ToString());
    }
    auto out = std::const_pointer_cast<BoundExpr>(MakeCast(x, *type, false, sql));
    out->pos = f.pos;
    return BoundExprPtr(out);
  }
  bool star_arg = f.args.size() == 1 && f.args[0]->kind == ExprKind::kStar;
  if (!cls) {
    if (name == "count_star") cls = FunctionClass::kAggregate;
    else return NotFound(f.name.front().pos, "undefined function '" + name + "'");
  }
  for (const auto& a : f.args) {
    if (a->kind == ExprKind::kLambda) return BindLambdaCall(f, name, ctx);
  }
  if (star_arg && !(name == "count" && *cls == FunctionClass::kAggregate)) {
    return Error(f.args[0]->pos, "'*' is only allowed as the argument of count");
  }

  if (*cls == FunctionClass::kWindow) {
    return Error(f.pos, "window function '" + name + "' requires an OVER clause");
  }
  if (*cls == FunctionClass::kGenerator) {
    return Unsupported(f.pos, "generator '" + name + "' is only supported as a select item or in LATERAL VIEW");
  }
  if (*cls == FunctionClass::kScalar) {
    if (f.distinct) return Error(f.pos, "DISTINCT is only allowed in aggregate functions, not in '" + name + "'");
    if (f.filter) return Error(f.filter->pos, "FILTER is only allowed in aggregate functions, not in '" + name + "'");
    std::vector<BoundExprPtr> args;
    for (const auto& a : f.args) {
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*a, ctx));
      args.push_back(x);
    }
    return Call(name, std::move(args), f.pos, sql);
  }

  // Aggregate.
  if (ctx.aggregates == nullptr) {
    return Error(f.pos, "aggregate function '" + name + "' is not allowed in " + ctx.clause);
  }
  ExprContext sub = ctx;
  sub.aggregates = nullptr;
  sub.windows = nullptr;
  sub.clause = "the argument of aggregate function '" + name + "'";
  std::vector<BoundExprPtr> args;
  std::string fname = name;
  if (star_arg) {
    if (f.distinct) return Error(f.pos, "count(DISTINCT *) is not supported");
    fname = "count_star";
  } else {
    for (const auto& a : f.args) {
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*a, sub));
      args.push_back(x);
    }
  }
  for (const auto& w : f.within_group) {
    // percentile_cont(p) WITHIN GROUP (ORDER BY x): the ordered value first.
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*w.expr, sub));
    args.insert(args.begin(), x);
  }
  BoundExprPtr filter;
  if (f.filter) {
    sub.clause = "FILTER";
    TIDE_ASSIGN_OR_RETURN(filter, Bind(*f.filter, sub));
    if (filter->type->id() != TypeId::kBoolean) {
      return Error(f.filter->pos, "FILTER expects a BOOLEAN condition, got " + filter->type->ToString());
    }
  }
  ctx.outer_refs = sub.outer_refs;
  auto rf = ResolveFunction(fname, args);
  if (!rf.ok()) return AddPosition(rf.status(), f.pos);
  for (size_t i = 0; i < args.size() && i < rf->arg_types.size(); ++i) {
    if (rf->arg_types[i] && !args[i]->type->Equals(*rf->arg_types[i])) {
      args[i] = args[i]->IsNullLiteral() ? MakeNullLiteral(rf->arg_types[i]) : MakeCast(args[i], rf->arg_types[i], false, args[i]->sql);
    }
  }
  AggregateCall call;
  call.function = rf->name;
  call.args = std::move(args);
  call.distinct = f.distinct;
  call.filter = filter;
  call.type = rf->result_type;
  call.nullable = rf->result_nullable;
  call.sql = sql;
  auto& aggs = *ctx.aggregates;
  int index = -1;
  for (size_t i = 0; i < aggs.size(); ++i) {
    const auto& a = aggs[i];
    if (a.function != call.function || a.distinct != call.distinct || a.args.size() != call.args.size()) continue;
    if ((a.filter == nullptr) != (call.filter == nullptr)) continue;
    if (a.filter && !BoundExprEquals(*a.filter, *call.filter)) continue;
    bool same = true;
    for (size_t k = 0; k < a.args.size(); ++k) same = same && BoundExprEquals(*a.args[k], *call.args[k]);
    if (same) index = static_cast<int>(i);
  }
  if (index < 0) {
    index = static_cast<int>(aggs.size());
    aggs.push_back(call);
  }
  auto ref = std::const_pointer_cast<BoundExpr>(MakeColumn(kAggRefBase + index, call.type, call.nullable, sql));
  ref->pos = f.pos;
  return BoundExprPtr(ref);
}

namespace {

// Resolves OVER w / OVER (w ...) against the WINDOW clause into one effective spec.
struct EffectiveWindow {
  const std::vector<ExprPtr>* partition_by = nullptr;
  const std::vector<OrderItem>* order_by = nullptr;
  const WindowFrame* frame = nullptr;
};

}  // namespace

Result<BoundExprPtr> Binder::BindWindowCall(const FunctionCall& f, const std::string& name, ExprContext& ctx) {
  std::string sql = SparkName(f);
  if (ctx.windows == nullptr) return Error(f.pos, "window function '" + name + "' is not allowed in " + ctx.clause);
  EffectiveWindow win;
  auto apply = [&](const WindowSpec& spec) {
    if (!spec.partition_by.empty() || win.partition_by == nullptr) win.partition_by = &spec.partition_by;
    if (!spec.order_by.empty() || win.order_by == nullptr) win.order_by = &spec.order_by;
    if (spec.frame) win.frame = &*spec.frame;
  };
  // The chain of named bases, outermost first.
  std::vector<const WindowSpec*> chain;
  std::optional<Identifier> base = f.over_name;
  if (f.over) {
    chain.push_back(f.over.get());
    base = f.over->base;
  }
  int guard = 0;
  while (base) {
    const NamedWindow* found = nullptr;
    if (ctx.named_windows != nullptr) {
      for (const NamedWindow* w : *ctx.named_windows) {
        if (Lower(w->name.name) == Lower(base->name)) found = w;
      }
    }
    if (found == nullptr) return Error(base->pos, "window '" + base->name + "' is not defined in the WINDOW clause");
    if (++guard > 100) return Error(base->pos, "window '" + base->name + "' is defined in terms of itself");
    chain.push_back(&found->spec);
    base = found->spec.base;
  }
  for (size_t i = chain.size(); i-- > 0;) apply(*chain[i]);

  ExprContext sub = ctx;
  sub.windows = nullptr;
  sub.clause = "a window specification";
  PendingWindow pw;
  if (win.partition_by != nullptr) {
    for (const auto& p : *win.partition_by) {
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*p, sub));
      pw.partition_by.push_back(x);
    }
  }
  if (win.order_by != nullptr) {
    for (const auto& o : *win.order_by) {
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*o.expr, sub));
      SortKey k;
      k.expr = x;
      k.ascending = o.direction != SortDirection::kDesc;
      k.nulls_first = o.nulls == NullsOrder::kDefault ? k.ascending : o.nulls == NullsOrder::kFirst;
      pw.order_by.push_back(k);
    }
  }
  // Arguments: aggregates inside are the query's (sum(sum(x)) OVER ()), not the window's.
  ExprContext argctx = sub;
  argctx.clause = "the argument of window function '" + name + "'";
  std::vector<BoundExprPtr> args;
  std::string fname = name;
  bool star_arg = f.args.size() == 1 && f.args[0]->kind == ExprKind::kStar;
  if (star_arg) {
    if (name != "count") return Error(f.args[0]->pos, "'*' is only allowed as the argument of count");
    fname = "count_star";
  } else {
    for (const auto& a : f.args) {
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr x, Bind(*a, argctx));
      args.push_back(x);
    }
  }
  ctx.outer_refs = argctx.outer_refs;
  bool ignore_nulls = f.ignore_nulls.value_or(false);
  if ((fname == "first_value" || fname == "last_value" || fname == "first" || fname == "last") && args.size() == 2 &&
      args[1]->IsLiteral() && args[1]->type->id() == TypeId::kBoolean) {
    // first_value(x, true): Spark's isIgnoreNull argument.
    ignore_nulls = !args[1]->IsNullLiteral() && args[1]->literal->BoolValue(0);
    args.pop_back();
  }
  auto cls = LookupFunctionClass(fname);
  if (!cls) return NotFound(f.name.front().pos, "undefined function '" + name + "'");
  if (*cls != FunctionClass::kAggregate && *cls != FunctionClass::kWindow) {
    return Error(f.pos, "function '" + name + "' cannot be used as a window function");
  }
  if (f.filter) return Unsupported(f.filter->pos, "FILTER in a window function is not supported");
  auto rf = ResolveFunction(fname, args);
  if (!rf.ok()) return AddPosition(rf.status(), f.pos);
  for (size_t i = 0; i < args.size() && i < rf->arg_types.size(); ++i) {
    if (rf->arg_types[i] && !args[i]->type->Equals(*rf->arg_types[i])) {
      args[i] = args[i]->IsNullLiteral() ? MakeNullLiteral(rf->arg_types[i]) : MakeCast(args[i], rf->arg_types[i], false, args[i]->sql);
    }
  }
  WindowCall& call = pw.call;
  call.function = rf->name;
  call.args = std::move(args);
  call.ignore_nulls = ignore_nulls;
  call.distinct = f.distinct;
  call.type = rf->result_type;
  call.nullable = rf->result_nullable;
  call.sql = sql;
  if (pw.order_by.empty()) {
    call.frame.unit = FrameUnit::kRows;
    call.frame.start = {true, 0};
    call.frame.end = {true, 0};
  }
  if (win.frame != nullptr) {
    const WindowFrame& fr = *win.frame;
    call.frame.unit = fr.type == FrameType::kRows ? FrameUnit::kRows : FrameUnit::kRange;
    auto edge = [&](const FrameBound& b, bool is_start) -> Result<FrameEdge> {
      FrameEdge e;
      switch (b.kind) {
        case BoundKind::kUnboundedPreceding:
          if (!is_start) return Error(f.over ? f.over->pos : f.pos, "a frame cannot end at UNBOUNDED PRECEDING");
          e.unbounded = true;
          return e;
        case BoundKind::kUnboundedFollowing:
          if (is_start) return Error(f.over ? f.over->pos : f.pos, "a frame cannot start at UNBOUNDED FOLLOWING");
          e.unbounded = true;
          return e;
        case BoundKind::kCurrentRow:
          return e;
        case BoundKind::kPreceding:
        case BoundKind::kFollowing: {
          if (b.offset->kind == ExprKind::kInterval) {
            // RANGE BETWEEN INTERVAL 1 DAY PRECEDING ...: days for a DATE key, micros for a
            // TIMESTAMP key (the order key's units).
            auto iv = EvalInterval(b.offset->As<IntervalLiteral>());
            if (!iv.ok()) return AddPosition(iv.status(), b.offset->pos);
            TypeId key = pw.order_by.size() == 1 ? pw.order_by[0].expr->type->id() : TypeId::kNull;
            if (fr.type != FrameType::kRange || (key != TypeId::kDate32 && key != TypeId::kTimestamp)) {
              return Error(b.offset->pos, "an INTERVAL frame offset needs a RANGE frame over one DATE or TIMESTAMP ORDER BY key");
            }
            if (iv->months != 0) return Unsupported(b.offset->pos, "month and year frame offsets are not supported");
            int64_t n = 0;
            if (key == TypeId::kDate32) {
              if (iv->micros != 0) return Error(b.offset->pos, "a frame offset over a DATE key must be whole days");
              n = iv->days;
            } else {
              n = iv->days * 86400LL * 1000000LL + iv->micros;
            }
            if (n < 0) return Error(b.offset->pos, "a window frame offset must not be negative");
            e.offset = b.kind == BoundKind::kPreceding ? -n : n;
            return e;
          }
          TIDE_ASSIGN_OR_RETURN(int64_t n, BindCount(*b.offset, "a window frame offset"));
          e.offset = b.kind == BoundKind::kPreceding ? -n : n;
          return e;
        }
      }
      return e;
    };
    TIDE_ASSIGN_OR_RETURN(call.frame.start, edge(fr.start, true));
    if (fr.end) {
      TIDE_ASSIGN_OR_RETURN(call.frame.end, edge(*fr.end, false));
    } else {
      call.frame.end = FrameEdge{false, 0};
    }
    if (!call.frame.start.unbounded && !call.frame.end.unbounded && call.frame.start.offset > call.frame.end.offset) {
      return Error(f.over ? f.over->pos : f.pos, "window frame starts after it ends");
    }
    if (call.frame.unit == FrameUnit::kRange && pw.order_by.size() != 1 &&
        ((!call.frame.start.unbounded && call.frame.start.offset != 0) || (!call.frame.end.unbounded && call.frame.end.offset != 0))) {
      return Error(f.over ? f.over->pos : f.pos, "a RANGE frame with offsets needs exactly one ORDER BY expression");
    }
  }
  auto& wins = *ctx.windows;
  int index = static_cast<int>(wins.size());
  columnar::TypePtr type = call.type;
  bool nullable = call.nullable;
  wins.push_back(std::move(pw));  // `call` refers into pw: read it before this
  auto ref = std::const_pointer_cast<BoundExpr>(MakeColumn(kWinRefBase + index, type, nullable, sql));
  ref->pos = f.pos;
  return BoundExprPtr(ref);
}

Result<BoundExprPtr> Binder::BindLambdaCall(const FunctionCall& f, const std::string& name, ExprContext& ctx) {
  std::string sql = SparkName(f);
  // Bind the non-lambda arguments first: they decide the lambda parameters' types.
  std::vector<BoundExprPtr> args(f.args.size());
  for (size_t i = 0; i < f.args.size(); ++i) {
    if (f.args[i]->kind == ExprKind::kLambda) continue;
    TIDE_ASSIGN_OR_RETURN(args[i], Bind(*f.args[i], ctx));
  }
  auto element = [&](size_t i) -> TypePtr {
    if (i < args.size() && args[i] && args[i]->type->id() == TypeId::kList) return args[i]->type->children()[0]->type();
    return nullptr;
  };
  for (size_t i = 0; i < f.args.size(); ++i) {
    if (f.args[i]->kind != ExprKind::kLambda) continue;
    const auto& lam = f.args[i]->As<LambdaExpr>();
    std::vector<TypePtr> types;
    const TypePtr& a0 = args[0] ? args[0]->type : nullptr;
    if (!a0) return Error(f.args[i]->pos, "the first argument of '" + name + "' cannot be a lambda");
    if (a0->id() == TypeId::kMap) {
      types = {a0->map_key()->type(), a0->map_value()->type()};
      if (name == "map_zip_with" && args.size() > 1 && args[1] && args[1]->type->id() == TypeId::kMap) {
        types.push_back(args[1]->type->map_value()->type());
      }
    } else if (a0->id() == TypeId::kList) {
      TypePtr el = element(0);
      if (name == "aggregate" || name == "reduce") {
        if (i == 2) types = {args[1] ? args[1]->type : el, el};
        else types = {args[1] ? args[1]->type : el};
      } else if (name == "array_sort") {
        types = {el, el};
      } else if (name == "zip_with") {
        types = {el, element(1) ? element(1) : el};
      } else {
        types = {el, columnar::Int32()};  // transform/filter (x[, i]), exists, forall
      }
    } else {
      return Error(f.args[0]->pos, "'" + name + "' expects an ARRAY or MAP, got " + a0->ToString());
    }
    if (lam.params.size() > types.size()) {
      return Error(lam.pos, "lambda of '" + name + "' takes at most " + std::to_string(types.size()) + " parameters");
    }
    ExprContext sub = ctx;
    sub.aggregates = nullptr;
    sub.windows = nullptr;
    for (size_t p = 0; p < lam.params.size(); ++p) sub.lambda_params.emplace_back(lam.params[p].name, types[p]);
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr body, Bind(*lam.body, sub));
    auto l = std::make_shared<BoundExpr>();
    l->kind = BoundExprKind::kLambda;
    l->column = static_cast<int>(lam.params.size());
    l->type = body->type;
    l->nullable = body->nullable;
    l->pos = lam.pos;
    l->sql = ExprSql(lam);
    l->args.push_back(body);
    args[i] = l;
  }
  return Call(name, std::move(args), f.pos, sql);
}

}  // namespace tide::sql::binder_internal
