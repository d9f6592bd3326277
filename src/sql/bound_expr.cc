#include "sql/bound_expr.h"

#include <cstring>

#include "columnar/builder.h"
#include "columnar/json.h"

namespace tide::sql {

using columnar::ArrayPtr;
using columnar::TypePtr;

namespace {

// The JSON text of a string-valued row-format value without its quotes.
std::string Unquote(const std::string& json) {
  if (json.size() < 2 || json.front() != '"') return json;
  return json.substr(1, json.size() - 2);
}

// A literal as SQL text: strings quoted, dates/timestamps with their keyword, nested values
// in the JSON row format (only EXPLAIN shows them).
std::string LiteralToSql(const columnar::ArrayData& a) {
  if (a.IsNull(0)) return "NULL";
  std::string json;
  columnar::AppendValueJson(a, 0, &json);
  switch (a.type->id()) {
    case columnar::TypeId::kString: {
      std::string out = "'";
      for (char c : a.BytesValue(0)) {
        if (c == '\'') out += '\\';
        out += c;
      }
      return out + "'";
    }
    case columnar::TypeId::kDate32:
      return "DATE '" + Unquote(json) + "'";
    case columnar::TypeId::kTimestamp:
      return (a.type->utc_adjusted() ? "TIMESTAMP '" : "TIMESTAMP_NTZ '") + Unquote(json) + "'";
    case columnar::TypeId::kDecimal128:
      return Unquote(json) + "BD";
    case columnar::TypeId::kInt64:
      return json + "L";
    default:
      return json;
  }
}

}  // namespace

BoundExprPtr MakeColumn(int index, TypePtr type, bool nullable, std::string sql) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundExprKind::kColumn;
  e->column = index;
  e->type = std::move(type);
  e->nullable = nullable;
  e->sql = std::move(sql);
  return e;
}

BoundExprPtr MakeLiteral(ArrayPtr one_row, std::string sql) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundExprKind::kLiteral;
  e->type = one_row->type;
  e->nullable = one_row->IsNull(0);
  e->sql = sql.empty() ? LiteralToSql(*one_row) : std::move(sql);
  e->literal = std::move(one_row);
  return e;
}

BoundExprPtr MakeNullLiteral(TypePtr type) { return MakeLiteral(columnar::MakeNullArray(type, 1)); }

BoundExprPtr MakeInt64Literal(int64_t v) {
  columnar::Int64Builder b(columnar::Int64());
  b.Append(v);
  return MakeLiteral(b.Finish());
}

BoundExprPtr MakeBoolLiteral(bool v) {
  columnar::BooleanBuilder b;
  b.Append(v);
  return MakeLiteral(b.Finish(), v ? "true" : "false");
}

BoundExprPtr MakeStringLiteral(std::string_view v) {
  columnar::BinaryBuilder b(columnar::Utf8());
  b.Append(v);
  return MakeLiteral(b.Finish());
}

BoundExprPtr MakeCall(std::string function, std::vector<BoundExprPtr> args, TypePtr type, bool nullable, std::string sql,
                      SourcePos pos) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundExprKind::kCall;
  e->function = std::move(function);
  e->args = std::move(args);
  e->type = std::move(type);
  e->nullable = nullable;
  e->pos = pos;
  e->sql = sql.empty() ? BoundExprToString(*e) : std::move(sql);
  return e;
}

BoundExprPtr MakeCast(BoundExprPtr operand, TypePtr type, bool try_cast, std::string sql) {
  auto e = std::make_shared<BoundExpr>();
  e->kind = BoundExprKind::kCast;
  e->nullable = operand->nullable || try_cast;
  e->pos = operand->pos;
  e->type = std::move(type);
  e->try_cast = try_cast;
  e->args.push_back(std::move(operand));
  e->sql = sql.empty() ? BoundExprToString(*e) : std::move(sql);
  return e;
}

std::string BoundExprToString(const BoundExpr& expr, const columnar::Schema* input) {
  switch (expr.kind) {
    case BoundExprKind::kColumn:
      if (input != nullptr && expr.column >= 0 && expr.column < input->num_fields()) return input->field(expr.column)->name();
      return "#" + std::to_string(expr.column);
    case BoundExprKind::kLiteral:
      return LiteralToSql(*expr.literal);
    case BoundExprKind::kCast:
      return std::string(expr.try_cast ? "try_cast(" : "cast(") + BoundExprToString(*expr.args[0], input) + " as " +
             expr.type->ToString() + ")";
    case BoundExprKind::kSubquery: {
      const char* what = expr.subquery_kind == SubqueryKind::kScalar ? "scalar-subquery"
                         : expr.subquery_kind == SubqueryKind::kExists ? "exists"
                                                                       : "in-subquery";
      std::string out = what;
      out += "(";
      if (!expr.args.empty()) out += BoundExprToString(*expr.args[0], input);
      return out + ")";
    }
    case BoundExprKind::kLambdaVar:
      return "lambda#" + std::to_string(expr.column);
    case BoundExprKind::kLambda:
    case BoundExprKind::kCall: {
      std::string out = expr.kind == BoundExprKind::kLambda ? "lambda" : expr.function;
      out += "(";
      for (size_t i = 0; i < expr.args.size(); ++i) {
        if (i > 0) out += ", ";
        out += BoundExprToString(*expr.args[i], input);
      }
      return out + ")";
    }
  }
  return "?";
}

namespace {

bool LiteralEquals(const columnar::ArrayData& a, const columnar::ArrayData& b) {
  if (!a.type->Equals(*b.type)) return false;
  if (a.IsNull(0) || b.IsNull(0)) return a.IsNull(0) == b.IsNull(0);
  std::string ja, jb;
  columnar::AppendValueJson(a, 0, &ja);
  columnar::AppendValueJson(b, 0, &jb);
  return ja == jb;
}

}  // namespace

bool BoundExprEquals(const BoundExpr& a, const BoundExpr& b) {
  if (a.kind != b.kind || !a.type->Equals(*b.type) || a.column != b.column || a.function != b.function ||
      a.try_cast != b.try_cast || a.subquery_kind != b.subquery_kind || a.subquery != b.subquery ||
      a.args.size() != b.args.size()) {
    return false;
  }
  if (a.kind == BoundExprKind::kLiteral && !LiteralEquals(*a.literal, *b.literal)) return false;
  for (size_t i = 0; i < a.args.size(); ++i) {
    if (!BoundExprEquals(*a.args[i], *b.args[i])) return false;
  }
  return true;
}

void VisitBoundExpr(const BoundExpr& expr, const std::function<void(const BoundExpr&)>& fn) {
  fn(expr);
  for (const auto& arg : expr.args) VisitBoundExpr(*arg, fn);
}

}  // namespace tide::sql
