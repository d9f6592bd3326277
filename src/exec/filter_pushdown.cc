#include "exec/filter_pushdown.h"

#include <algorithm>
#include <variant>

#include "columnar/json.h"

namespace tide::exec {
namespace {

namespace col = tide::columnar;
namespace pq = tide::format::parquet;
using sql::BoundExpr;
using sql::BoundExprKind;
using sql::BoundExprPtr;

// A literal value in the form both storage layers take (int64 / double / string / bool),
// keeping the decimal's unscaled value aside for Parquet's whole-number rule.
struct Value {
  std::variant<int64_t, double, std::string, bool> v;
  bool is_decimal = false;
  __int128 unscaled = 0;
  int scale = 0;
};

std::optional<Value> LiteralValue(const BoundExpr& e) {
  if (e.kind != BoundExprKind::kLiteral || !e.literal || e.literal->length < 1 || e.literal->IsNull(0)) {
    return std::nullopt;
  }
  const col::ArrayData& a = *e.literal;
  Value out;
  switch (a.type->id()) {
    case col::TypeId::kBoolean: out.v = a.BoolValue(0); break;
    case col::TypeId::kInt8: out.v = int64_t{a.Value<int8_t>(0)}; break;
    case col::TypeId::kInt16: out.v = int64_t{a.Value<int16_t>(0)}; break;
    case col::TypeId::kInt32: out.v = int64_t{a.Value<int32_t>(0)}; break;
    case col::TypeId::kInt64: out.v = a.Value<int64_t>(0); break;
    case col::TypeId::kDate32: out.v = int64_t{a.Value<int32_t>(0)}; break;
    case col::TypeId::kTimestamp: out.v = a.Value<int64_t>(0); break;
    case col::TypeId::kFloat32: out.v = double{a.Value<float>(0)}; break;
    case col::TypeId::kFloat64: out.v = a.Value<double>(0); break;
    case col::TypeId::kString: out.v = std::string(a.BytesValue(0)); break;
    case col::TypeId::kDecimal128: {
      out.is_decimal = true;
      out.unscaled = a.Value<__int128>(0);
      out.scale = a.type->scale();
      out.v = col::FormatDecimal128(out.unscaled, out.scale);
      break;
    }
    default: return std::nullopt;
  }
  return out;
}

enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };

std::optional<Op> ComparisonOp(const std::string& f) {
  if (f == "eq") return Op::kEq;
  if (f == "ne") return Op::kNe;
  if (f == "lt") return Op::kLt;
  if (f == "le") return Op::kLe;
  if (f == "gt") return Op::kGt;
  if (f == "ge") return Op::kGe;
  return std::nullopt;
}

Op Flip(Op op) {
  switch (op) {
    case Op::kLt: return Op::kGt;
    case Op::kLe: return Op::kGe;
    case Op::kGt: return Op::kLt;
    case Op::kGe: return Op::kLe;
    default: return op;
  }
}

bool IsPlainColumn(const BoundExpr& e, size_t num_columns) {
  return e.kind == BoundExprKind::kColumn && e.column >= 0 && static_cast<size_t>(e.column) < num_columns;
}

// One simple condition: column `column` op value.
struct Simple {
  int column = -1;
  Op op = Op::kEq;
  Value value;
};

// The simple conditions a conjunct implies (IN becomes a min..max range).
void Extract(const BoundExpr& e, size_t num_columns, std::vector<Simple>* out) {
  if (e.kind != BoundExprKind::kCall) return;
  if (e.function == "and") {
    for (const auto& a : e.args) Extract(*a, num_columns, out);
    return;
  }
  if ((e.function == "is_null" || e.function == "is_not_null") && e.args.size() == 1 &&
      IsPlainColumn(*e.args[0], num_columns)) {
    out->push_back({e.args[0]->column, e.function == "is_null" ? Op::kIsNull : Op::kIsNotNull, {}});
    return;
  }
  if (auto op = ComparisonOp(e.function); op && e.args.size() == 2) {
    const BoundExpr& l = *e.args[0];
    const BoundExpr& r = *e.args[1];
    if (IsPlainColumn(l, num_columns)) {
      if (auto v = LiteralValue(r)) out->push_back({l.column, *op, std::move(*v)});
    } else if (IsPlainColumn(r, num_columns)) {
      if (auto v = LiteralValue(l)) out->push_back({r.column, Flip(*op), std::move(*v)});
    }
    return;
  }
  if (e.function == "in" && e.args.size() >= 2 && IsPlainColumn(*e.args[0], num_columns)) {
    // Every list item must be a usable literal of one kind; nulls in the list never match.
    std::optional<Value> lo, hi;
    for (size_t i = 1; i < e.args.size(); ++i) {
      const BoundExpr& item = *e.args[i];
      if (item.IsLiteral() && item.IsNullLiteral()) continue;
      auto v = LiteralValue(item);
      if (!v) return;
      if (lo && v->v.index() != lo->v.index()) return;
      auto less = [](const Value& a, const Value& b) {
        if (a.is_decimal) return a.unscaled < b.unscaled;
        return a.v < b.v;
      };
      if (!lo || less(*v, *lo)) lo = *v;
      if (!hi || less(*hi, *v)) hi = *v;
    }
    if (!lo) return;
    int c = e.args[0]->column;
    out->push_back({c, Op::kGe, std::move(*lo)});
    out->push_back({c, Op::kLe, std::move(*hi)});
  }
}

__int128 Pow10(int n) {
  __int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

}  // namespace

void SplitConjuncts(const BoundExprPtr& expr, std::vector<BoundExprPtr>* out) {
  if (!expr) return;
  if (expr->kind == BoundExprKind::kCall && expr->function == "and") {
    for (const auto& a : expr->args) SplitConjuncts(a, out);
    return;
  }
  out->push_back(expr);
}

std::vector<table::ColumnFilter> ToColumnFilters(const std::vector<BoundExprPtr>& conjuncts,
                                                 const std::vector<std::string>& column_names) {
  std::vector<Simple> simple;
  for (const auto& c : conjuncts) {
    if (c) Extract(*c, column_names.size(), &simple);
  }
  std::vector<table::ColumnFilter> out;
  for (auto& s : simple) {
    table::ColumnFilter f;
    f.column = column_names[s.column];
    switch (s.op) {
      case Op::kEq: f.op = table::FilterOp::kEq; break;
      case Op::kNe: f.op = table::FilterOp::kNe; break;
      case Op::kLt: f.op = table::FilterOp::kLt; break;
      case Op::kLe: f.op = table::FilterOp::kLe; break;
      case Op::kGt: f.op = table::FilterOp::kGt; break;
      case Op::kGe: f.op = table::FilterOp::kGe; break;
      case Op::kIsNull: f.op = table::FilterOp::kIsNull; break;
      case Op::kIsNotNull: f.op = table::FilterOp::kIsNotNull; break;
    }
    if (s.op != Op::kIsNull && s.op != Op::kIsNotNull) {
      // A NaN bound proves nothing about ordering; leave such filters out.
      if (const double* d = std::get_if<double>(&s.value.v); d && *d != *d) continue;
      std::visit([&](auto&& v) { f.value = v; }, s.value.v);
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<pq::Predicate> ToParquetPredicates(const std::vector<BoundExprPtr>& conjuncts,
                                               const std::vector<std::string>& column_names,
                                               const std::vector<col::TypePtr>& column_types) {
  std::vector<Simple> simple;
  for (const auto& c : conjuncts) {
    if (c) Extract(*c, column_names.size(), &simple);
  }
  std::vector<pq::Predicate> out;
  for (auto& s : simple) {
    pq::Predicate p;
    p.column = column_names[s.column];
    switch (s.op) {
      case Op::kEq: p.op = pq::CompareOp::kEq; break;
      case Op::kNe: p.op = pq::CompareOp::kNe; break;
      case Op::kLt: p.op = pq::CompareOp::kLt; break;
      case Op::kLe: p.op = pq::CompareOp::kLe; break;
      case Op::kGt: p.op = pq::CompareOp::kGt; break;
      case Op::kGe: p.op = pq::CompareOp::kGe; break;
      default: continue;  // row-group statistics predicates have no IS [NOT] NULL
    }
    const col::DataType* type = column_types[s.column].get();
    if (s.value.is_decimal) {
      // Parquet predicates take whole decimals: round the bound outwards (weaker predicate).
      __int128 p10 = Pow10(s.value.scale);
      __int128 q = s.value.unscaled / p10;
      __int128 r = s.value.unscaled % p10;
      if (r != 0) {
        if (p.op == pq::CompareOp::kEq) continue;  // cannot equal a fraction: leave it to the filter
        if (p.op == pq::CompareOp::kNe) continue;
        __int128 floor = r < 0 ? q - 1 : q;
        // x < 12.5 => x <= 13 is weaker; x > 12.5 => x >= 12.
        if (p.op == pq::CompareOp::kLt || p.op == pq::CompareOp::kLe) {
          q = floor + 1;
          p.op = pq::CompareOp::kLe;
        } else {
          q = floor;
          p.op = pq::CompareOp::kGe;
        }
      }
      if (q > INT64_MAX || q < INT64_MIN) continue;
      p.value = static_cast<int64_t>(q);
    } else if (type && type->id() == col::TypeId::kTimestamp && std::holds_alternative<int64_t>(s.value.v)) {
      // Bound literals are in the column's type (the binder cast them), so no scaling needed
      // unless the file unit is nanoseconds and the literal micros: the types are equal here.
      p.value = std::get<int64_t>(s.value.v);
    } else {
      if (const double* d = std::get_if<double>(&s.value.v); d && *d != *d) continue;
      std::visit([&](auto&& v) { p.value = v; }, s.value.v);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace tide::exec
