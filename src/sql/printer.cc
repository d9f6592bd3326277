// Canonical SQL for expressions and types, and the public ToSql functions.
#include "sql/printer.h"

#include "sql/printer_internal.h"

namespace tide::sql {
namespace internal {

void Printer::Id(const Identifier& id) {
  out += IdentifierToSql(id);
}

void Printer::Ids(const std::vector<Identifier>& ids, std::string_view sep) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += sep;
    Id(ids[i]);
  }
}

void Printer::Name(const QualifiedName& n) {
  Ids(n.parts, ".");
}

void Printer::IdList(const std::vector<Identifier>& ids) {
  out += '(';
  Ids(ids);
  out += ')';
}

void Printer::Exprs(const std::vector<ExprPtr>& es) {
  for (size_t i = 0; i < es.size(); ++i) {
    if (i) out += ", ";
    E(*es[i]);
  }
}

void Printer::Lit(const Literal& l) {
  auto suffix = [&] {
    switch (l.suffix) {
      case NumberSuffix::kNone: break;
      case NumberSuffix::kL: Add("L"); break;
      case NumberSuffix::kS: Add("S"); break;
      case NumberSuffix::kY: Add("Y"); break;
      case NumberSuffix::kBD: Add("BD"); break;
      case NumberSuffix::kD: Add("D"); break;
      case NumberSuffix::kF: Add("F"); break;
    }
  };
  switch (l.literal_kind) {
    case LiteralKind::kNull: Add("NULL"); break;
    case LiteralKind::kBoolean: Add(l.bool_value ? "TRUE" : "FALSE"); break;
    case LiteralKind::kInteger:
    case LiteralKind::kDecimal:
    case LiteralKind::kDouble:
      Add(l.text);
      suffix();
      break;
    case LiteralKind::kString: Add(QuoteString(l.text)); break;
    case LiteralKind::kBinary:
      Add("X'");
      Add(l.text);
      Add("'");
      break;
    case LiteralKind::kDate: Add("DATE "), Add(QuoteString(l.text)); break;
    case LiteralKind::kTimestamp: Add("TIMESTAMP "), Add(QuoteString(l.text)); break;
    case LiteralKind::kTimestampNtz: Add("TIMESTAMP_NTZ "), Add(QuoteString(l.text)); break;
    case LiteralKind::kTimestampLtz: Add("TIMESTAMP_LTZ "), Add(QuoteString(l.text)); break;
  }
}

void Printer::Arg(const Expr& e) {
  if (e.kind == ExprKind::kLambda) {
    Lambda(e.As<LambdaExpr>());
  } else {
    E(e);
  }
}

void Printer::Lambda(const LambdaExpr& l) {
  if (l.params.size() == 1) {
    Id(l.params[0]);
  } else {
    IdList(l.params);
  }
  Add(" -> ");
  E(*l.body);
}

void Printer::Order(const std::vector<OrderItem>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) Add(", ");
    E(*items[i].expr);
    if (items[i].direction == SortDirection::kAsc) Add(" ASC");
    if (items[i].direction == SortDirection::kDesc) Add(" DESC");
    if (items[i].nulls == NullsOrder::kFirst) Add(" NULLS FIRST");
    if (items[i].nulls == NullsOrder::kLast) Add(" NULLS LAST");
  }
}

void Printer::Bound(const FrameBound& b) {
  switch (b.kind) {
    case BoundKind::kUnboundedPreceding: Add("UNBOUNDED PRECEDING"); break;
    case BoundKind::kUnboundedFollowing: Add("UNBOUNDED FOLLOWING"); break;
    case BoundKind::kCurrentRow: Add("CURRENT ROW"); break;
    case BoundKind::kPreceding: E(*b.offset), Add(" PRECEDING"); break;
    case BoundKind::kFollowing: E(*b.offset), Add(" FOLLOWING"); break;
  }
}

void Printer::Window(const WindowSpec& w) {
  Add("(");
  bool space = false;
  auto sep = [&] {
    if (space) Add(" ");
    space = true;
  };
  if (w.base) sep(), Id(*w.base);
  if (!w.partition_by.empty()) sep(), Add("PARTITION BY "), Exprs(w.partition_by);
  if (!w.order_by.empty()) sep(), Add("ORDER BY "), Order(w.order_by);
  if (w.frame) {
    sep();
    Add(w.frame->type == FrameType::kRows ? "ROWS " : "RANGE ");
    if (w.frame->end) {
      Add("BETWEEN ");
      Bound(w.frame->start);
      Add(" AND ");
      Bound(*w.frame->end);
    } else {
      Bound(w.frame->start);
    }
  }
  Add(")");
}

void Printer::E(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral: Lit(e.As<Literal>()); break;
    case ExprKind::kInterval: {
      const auto& iv = e.As<IntervalLiteral>();
      Add("INTERVAL");
      if (iv.text) Add(" "), Add(QuoteString(*iv.text));
      for (const auto& p : iv.parts) {
        Add(" ");
        if (p.negative) Add("-");
        Add(p.is_string ? QuoteString(p.value) : p.value);
        Add(" ");
        Add(IntervalUnitSql(p.unit));
      }
      if (iv.to_unit) Add(" TO "), Add(IntervalUnitSql(*iv.to_unit));
      break;
    }
    case ExprKind::kColumnRef: Ids(e.As<ColumnRef>().parts, "."); break;
    case ExprKind::kStar: {
      const auto& s = e.As<Star>();
      for (const auto& q : s.qualifier) Id(q), Add(".");
      Add("*");
      break;
    }
    case ExprKind::kUnary: {
      const auto& u = e.As<UnaryExpr>();
      // A space after '-' keeps `- -x` from becoming the comment `--x`.
      Add(u.op == UnaryOp::kNot ? "(NOT " : u.op == UnaryOp::kNegate ? "(- " : u.op == UnaryOp::kPlus ? "(+ " : "(~ ");
      E(*u.operand);
      Add(")");
      break;
    }
    case ExprKind::kBinary: {
      const auto& b = e.As<BinaryExpr>();
      Add("(");
      E(*b.left);
      Add(" ");
      Add(BinaryOpSql(b.op));
      Add(" ");
      E(*b.right);
      Add(")");
      break;
    }
    case ExprKind::kIs: {
      const auto& is = e.As<IsExpr>();
      Add("(");
      E(*is.operand);
      Add(is.negated ? " IS NOT " : " IS ");
      Add(is.test == IsTest::kNull ? "NULL" : is.test == IsTest::kTrue ? "TRUE" : is.test == IsTest::kFalse ? "FALSE" : "UNKNOWN");
      Add(")");
      break;
    }
    case ExprKind::kBetween: {
      const auto& b = e.As<BetweenExpr>();
      Add("(");
      E(*b.operand);
      Add(b.negated ? " NOT BETWEEN " : " BETWEEN ");
      E(*b.low);
      Add(" AND ");
      E(*b.high);
      Add(")");
      break;
    }
    case ExprKind::kInList: {
      const auto& in = e.As<InListExpr>();
      Add("(");
      E(*in.operand);
      Add(in.negated ? " NOT IN (" : " IN (");
      Exprs(in.list);
      Add("))");
      break;
    }
    case ExprKind::kInSubquery: {
      const auto& in = e.As<InSubqueryExpr>();
      Add("(");
      E(*in.operand);
      Add(in.negated ? " NOT IN (" : " IN (");
      Q(*in.query);
      Add("))");
      break;
    }
    case ExprKind::kLike: {
      const auto& l = e.As<LikeExpr>();
      Add("(");
      E(*l.operand);
      if (l.negated) Add(" NOT");
      Add(l.op == LikeOp::kLike ? " LIKE " : l.op == LikeOp::kILike ? " ILIKE " : " RLIKE ");
      E(*l.pattern);
      if (l.escape) Add(" ESCAPE "), E(*l.escape);
      Add(")");
      break;
    }
    case ExprKind::kExists:
      Add("EXISTS (");
      Q(*e.As<ExistsExpr>().query);
      Add(")");
      break;
    case ExprKind::kSubquery:
      Add("(");
      Q(*e.As<SubqueryExpr>().query);
      Add(")");
      break;
    case ExprKind::kCase: {
      const auto& c = e.As<CaseExpr>();
      Add("CASE");
      if (c.operand) Add(" "), E(*c.operand);
      for (const auto& w : c.whens) {
        Add(" WHEN ");
        E(*w.condition);
        Add(" THEN ");
        E(*w.result);
      }
      if (c.else_result) Add(" ELSE "), E(*c.else_result);
      Add(" END");
      break;
    }
    case ExprKind::kCast: {
      const auto& c = e.As<CastExpr>();
      Add(c.try_cast ? "TRY_CAST(" : "CAST(");
      E(*c.operand);
      Add(" AS ");
      T(*c.type);
      Add(")");
      break;
    }
    case ExprKind::kFunction: {
      const auto& f = e.As<FunctionCall>();
      Ids(f.name, ".");
      Add("(");
      if (f.distinct) Add("DISTINCT ");
      for (size_t i = 0; i < f.args.size(); ++i) {
        if (i) Add(", ");
        Arg(*f.args[i]);
      }
      Add(")");
      if (!f.within_group.empty()) Add(" WITHIN GROUP (ORDER BY "), Order(f.within_group), Add(")");
      if (f.ignore_nulls) Add(*f.ignore_nulls ? " IGNORE NULLS" : " RESPECT NULLS");
      if (f.filter) Add(" FILTER (WHERE "), E(*f.filter), Add(")");
      if (f.over) Add(" OVER "), Window(*f.over);
      if (f.over_name) Add(" OVER "), Id(*f.over_name);
      break;
    }
    case ExprKind::kLambda:
      Add("(");
      Lambda(e.As<LambdaExpr>());
      Add(")");
      break;
    case ExprKind::kSubscript: {
      const auto& s = e.As<SubscriptExpr>();
      E(*s.base);
      Add("[");
      E(*s.index);
      Add("]");
      break;
    }
    case ExprKind::kFieldAccess: {
      const auto& f = e.As<FieldAccessExpr>();
      E(*f.base);
      Add(".");
      Id(f.field);
      break;
    }
    case ExprKind::kExtract: {
      const auto& x = e.As<ExtractExpr>();
      Add("EXTRACT(");
      Add(x.field.name);
      Add(" FROM ");
      E(*x.source);
      Add(")");
      break;
    }
  }
}

void Printer::T(const TypeSpec& t) {
  switch (t.name) {
    case TypeName::kTinyInt: Add("TINYINT"); break;
    case TypeName::kSmallInt: Add("SMALLINT"); break;
    case TypeName::kInt: Add("INT"); break;
    case TypeName::kBigInt: Add("BIGINT"); break;
    case TypeName::kFloat: Add("FLOAT"); break;
    case TypeName::kDouble: Add("DOUBLE"); break;
    case TypeName::kDecimal:
      Add("DECIMAL");
      if (t.precision) {
        Add("(");
        Add(std::to_string(*t.precision));
        if (t.scale) Add(","), Add(std::to_string(*t.scale));
        Add(")");
      }
      break;
    case TypeName::kString: Add("STRING"); break;
    case TypeName::kVarchar: Add("VARCHAR("), Add(std::to_string(t.precision.value_or(0))), Add(")"); break;
    case TypeName::kChar: Add("CHAR("), Add(std::to_string(t.precision.value_or(0))), Add(")"); break;
    case TypeName::kBinary: Add("BINARY"); break;
    case TypeName::kBoolean: Add("BOOLEAN"); break;
    case TypeName::kDate: Add("DATE"); break;
    case TypeName::kTimestamp: Add("TIMESTAMP"); break;
    case TypeName::kTimestampNtz: Add("TIMESTAMP_NTZ"); break;
    case TypeName::kTimestampLtz: Add("TIMESTAMP_LTZ"); break;
    case TypeName::kVoid: Add("VOID"); break;
    case TypeName::kArray:
      Add("ARRAY<");
      if (!t.children.empty()) T(*t.children[0]);
      Add(">");
      break;
    case TypeName::kMap:
      Add("MAP<");
      if (t.children.size() == 2) T(*t.children[0]), Add(", "), T(*t.children[1]);
      Add(">");
      break;
    case TypeName::kStruct:
      Add("STRUCT<");
      for (size_t i = 0; i < t.fields.size(); ++i) {
        if (i) Add(", ");
        Id(t.fields[i].name);
        Add(": ");
        T(*t.fields[i].type);
        if (t.fields[i].not_null) Add(" NOT NULL");
        if (t.fields[i].comment) Add(" COMMENT "), Add(QuoteString(*t.fields[i].comment));
      }
      Add(">");
      break;
    case TypeName::kInterval:
      Add("INTERVAL");
      if (t.interval_from) Add(" "), Add(IntervalUnitSql(*t.interval_from));
      if (t.interval_to) Add(" TO "), Add(IntervalUnitSql(*t.interval_to));
      break;
  }
}

}  // namespace internal

std::string_view BinaryOpSql(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr: return "OR";
    case BinaryOp::kAnd: return "AND";
    case BinaryOp::kEq: return "=";
    case BinaryOp::kNe: return "<>";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kNullSafeEq: return "<=>";
    case BinaryOp::kIsDistinctFrom: return "IS DISTINCT FROM";
    case BinaryOp::kIsNotDistinctFrom: return "IS NOT DISTINCT FROM";
    case BinaryOp::kBitOr: return "|";
    case BinaryOp::kBitXor: return "^";
    case BinaryOp::kBitAnd: return "&";
    case BinaryOp::kShiftLeft: return "<<";
    case BinaryOp::kShiftRight: return ">>";
    case BinaryOp::kShiftRightUnsigned: return ">>>";
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSubtract: return "-";
    case BinaryOp::kConcat: return "||";
    case BinaryOp::kMultiply: return "*";
    case BinaryOp::kDivide: return "/";
    case BinaryOp::kModulo: return "%";
    case BinaryOp::kIntDivide: return "DIV";
  }
  return "?";
}

std::string_view IntervalUnitSql(IntervalUnit unit) {
  switch (unit) {
    case IntervalUnit::kYear: return "YEAR";
    case IntervalUnit::kMonth: return "MONTH";
    case IntervalUnit::kWeek: return "WEEK";
    case IntervalUnit::kDay: return "DAY";
    case IntervalUnit::kHour: return "HOUR";
    case IntervalUnit::kMinute: return "MINUTE";
    case IntervalUnit::kSecond: return "SECOND";
    case IntervalUnit::kMillisecond: return "MILLISECOND";
    case IntervalUnit::kMicrosecond: return "MICROSECOND";
  }
  return "?";
}

std::string IdentifierToSql(const Identifier& id) {
  if (!id.quoted) return id.name;
  std::string out = "`";
  for (char c : id.name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

std::string QuoteString(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "'";
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          // \u escapes, not octal \0: "\0" followed by digits would read back as octal.
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '\'';
  return out;
}

std::string ToSql(const Statement& stmt) {
  internal::Printer p;
  p.S(stmt);
  return std::move(p.out);
}
std::string ToSql(const Query& query) {
  internal::Printer p;
  p.Q(query);
  return std::move(p.out);
}
std::string ToSql(const Expr& expr) {
  internal::Printer p;
  p.E(expr);
  return std::move(p.out);
}
std::string ToSql(const TypeSpec& type) {
  internal::Printer p;
  p.T(type);
  return std::move(p.out);
}
std::string ToSql(const TableRef& table) {
  internal::Printer p;
  p.R(table);
  return std::move(p.out);
}

}  // namespace tide::sql
