#include "table/filter_eval.h"

#include <charconv>
#include <cmath>
#include <cctype>

#include "base/strings.h"
#include "table/partition.h"

namespace tide::table::filtereval {
namespace {

namespace col = tide::columnar;
using base::Result;
using base::Status;
using T = col::TypeId;

__int128 Pow10(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

double ToDouble(const Bound& b) {
  if (b.kind == Bound::Kind::kDouble) return b.d;
  return static_cast<double>(b.i) / static_cast<double>(Pow10(b.scale));
}

std::optional<double> ParseDouble(const std::string& s) {
  std::string l = base::AsciiLower(s);
  if (l == "nan") return std::nan("");
  if (l == "infinity" || l == "inf") return INFINITY;
  if (l == "-infinity" || l == "-inf") return -INFINITY;
  double v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

Status Incomparable(const std::string& column, const col::DataType& type, const std::string& why) {
  return Status::InvalidArgument("filter on '" + column + "' (" + type.ToString() + "): " + why);
}

std::string LiteralText(const ScanLiteral& l) {
  if (const auto* s = std::get_if<std::string>(&l)) return *s;
  if (const auto* i = std::get_if<int64_t>(&l)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&l)) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, r.ptr);
  }
  return std::get<bool>(l) ? "true" : "false";
}

}  // namespace

Result<Bound> BindLiteral(const col::DataType& type, const ScanLiteral& lit, const std::string& column) {
  Bound b;
  const std::string text = LiteralText(lit);
  switch (type.id()) {
    case T::kInt8: case T::kInt16: case T::kInt32: case T::kInt64:
    case T::kUInt8: case T::kUInt16: case T::kUInt32: case T::kUInt64: {
      if (const auto* i = std::get_if<int64_t>(&lit)) { b.i = *i; return b; }
      if (const auto* d = std::get_if<double>(&lit)) { b.kind = Bound::Kind::kDouble; b.d = *d; return b; }
      if (std::holds_alternative<bool>(lit)) return Incomparable(column, type, "cannot compare with a boolean");
      int64_t v;
      auto r = std::from_chars(text.data(), text.data() + text.size(), v);
      if (r.ec == std::errc() && r.ptr == text.data() + text.size() && !text.empty()) { b.i = v; return b; }
      if (auto d = ParseDouble(text)) { b.kind = Bound::Kind::kDouble; b.d = *d; return b; }
      return Incomparable(column, type, "'" + text + "' is not a number");
    }
    case T::kFloat32: case T::kFloat64: {
      b.kind = Bound::Kind::kDouble;
      if (const auto* i = std::get_if<int64_t>(&lit)) { b.d = static_cast<double>(*i); return b; }
      if (const auto* d = std::get_if<double>(&lit)) { b.d = *d; return b; }
      if (std::holds_alternative<bool>(lit)) return Incomparable(column, type, "cannot compare with a boolean");
      if (auto d = ParseDouble(text)) { b.d = *d; return b; }
      return Incomparable(column, type, "'" + text + "' is not a number");
    }
    case T::kDecimal128: {
      b.scale = type.scale();
      if (const auto* i = std::get_if<int64_t>(&lit)) { b.i = static_cast<__int128>(*i) * Pow10(type.scale()); return b; }
      if (const auto* d = std::get_if<double>(&lit)) {
        // A decimal literal given as a double: compare exactly when its text has few enough digits.
        auto exact = ParseDecimalValue(text, 38, type.scale());
        if (exact.ok()) { b.i = *exact; return b; }
        b.kind = Bound::Kind::kDouble; b.d = *d; return b;
      }
      if (std::holds_alternative<bool>(lit)) return Incomparable(column, type, "cannot compare with a boolean");
      auto exact = ParseDecimalValue(text, 38, type.scale());
      if (exact.ok()) { b.i = *exact; return b; }
      if (auto d = ParseDouble(text)) { b.kind = Bound::Kind::kDouble; b.d = *d; return b; }
      return Incomparable(column, type, "'" + text + "' is not a decimal");
    }
    case T::kDate32: {
      if (const auto* i = std::get_if<int64_t>(&lit)) { b.i = *i; return b; }
      auto d = ParseDateValue(text);
      if (!d.ok()) return Incomparable(column, type, "'" + text + "' is not a date (YYYY-MM-DD)");
      b.i = *d;
      return b;
    }
    case T::kTimestamp: {
      if (const auto* i = std::get_if<int64_t>(&lit)) { b.i = *i; return b; }
      auto ts = ParseTimestampValue(text, type.utc_adjusted());
      if (!ts.ok()) return Incomparable(column, type, "'" + text + "' is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])");
      b.i = type.unit() == col::TimeUnit::kNano ? static_cast<__int128>(*ts) * 1000 : *ts;
      return b;
    }
    case T::kBoolean: {
      if (const auto* v = std::get_if<bool>(&lit)) { b.i = *v ? 1 : 0; return b; }
      std::string l = base::AsciiLower(text);
      if (l == "true" || l == "1") { b.i = 1; return b; }
      if (l == "false" || l == "0") { b.i = 0; return b; }
      return Incomparable(column, type, "'" + text + "' is not a boolean");
    }
    case T::kString: case T::kBinary: case T::kFixedSizeBinary:
      b.kind = Bound::Kind::kBytes;
      b.s = text;
      return b;
    default:
      return Incomparable(column, type, "filters on this type are not supported");
  }
}

std::optional<Bound> ValueAt(const col::ArrayData& a, int64_t i) {
  Bound b;
  switch (a.type->id()) {
    case T::kInt8: b.i = a.Value<int8_t>(i); return b;
    case T::kInt16: b.i = a.Value<int16_t>(i); return b;
    case T::kInt32: case T::kDate32: b.i = a.Value<int32_t>(i); return b;
    case T::kInt64: case T::kTimestamp: case T::kTime64: b.i = a.Value<int64_t>(i); return b;
    case T::kUInt8: b.i = a.Value<uint8_t>(i); return b;
    case T::kUInt16: b.i = a.Value<uint16_t>(i); return b;
    case T::kUInt32: b.i = a.Value<uint32_t>(i); return b;
    case T::kUInt64: b.i = a.Value<uint64_t>(i); return b;
    case T::kFloat32: b.kind = Bound::Kind::kDouble; b.d = a.Value<float>(i); return b;
    case T::kFloat64: b.kind = Bound::Kind::kDouble; b.d = a.Value<double>(i); return b;
    case T::kDecimal128: b.i = a.Value<__int128>(i); b.scale = a.type->scale(); return b;
    case T::kBoolean: b.i = a.BoolValue(i) ? 1 : 0; return b;
    case T::kString: case T::kBinary: case T::kFixedSizeBinary:
      b.kind = Bound::Kind::kBytes;
      b.s = std::string(a.BytesValue(i));
      return b;
    default: return std::nullopt;
  }
}

std::optional<int> Compare(const Bound& a, const Bound& b) {
  using K = Bound::Kind;
  if (a.kind == K::kBytes || b.kind == K::kBytes) {
    if (a.kind != b.kind) return std::nullopt;
    int c = a.s.compare(b.s);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.kind == K::kInt && b.kind == K::kInt) {
    __int128 x = a.i, y = b.i;
    if (a.scale != b.scale) {
      // Bring both decimals to the larger scale (literals are bound at the column's scale, so this
      // happens only for stats of another precision).
      if (a.scale < b.scale) x *= Pow10(b.scale - a.scale); else y *= Pow10(a.scale - b.scale);
    }
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  // Doubles: NaN is the largest value and equal to itself (Spark's order).
  double x = ToDouble(a), y = ToDouble(b);
  bool xn = std::isnan(x), yn = std::isnan(y);
  if (xn || yn) return xn && yn ? 0 : (xn ? 1 : -1);
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool Satisfies(FilterOp op, int c) {
  switch (op) {
    case FilterOp::kEq: return c == 0;
    case FilterOp::kNe: return c != 0;
    case FilterOp::kLt: return c < 0;
    case FilterOp::kLe: return c <= 0;
    case FilterOp::kGt: return c > 0;
    case FilterOp::kGe: return c >= 0;
    default: return false;
  }
}

const col::Field* ResolveField(const col::Schema& schema, const std::string& column, std::vector<int>* indexes) {
  // Whole name first (a top-level column may contain dots), then dotted struct paths.
  auto find = [](const std::vector<col::FieldPtr>& fields, const std::string& name) -> int {
    for (size_t i = 0; i < fields.size(); ++i) if (fields[i]->name() == name) return static_cast<int>(i);
    std::string l = base::AsciiLower(name);
    for (size_t i = 0; i < fields.size(); ++i) if (base::AsciiLower(fields[i]->name()) == l) return static_cast<int>(i);
    return -1;
  };
  if (indexes) indexes->clear();
  int whole = find(schema.fields(), column);
  if (whole >= 0) {
    if (indexes) indexes->push_back(whole);
    return schema.field(whole).get();
  }
  const std::vector<col::FieldPtr>* fields = &schema.fields();
  const col::Field* current = nullptr;
  size_t pos = 0;
  while (pos <= column.size()) {
    size_t dot = column.find('.', pos);
    if (dot == std::string::npos) dot = column.size();
    std::string part = column.substr(pos, dot - pos);
    if (!fields) return nullptr;
    int idx = find(*fields, part);
    if (idx < 0) return nullptr;
    if (indexes) indexes->push_back(idx);
    current = (*fields)[idx].get();
    fields = current->type()->id() == T::kStruct ? &current->type()->children() : nullptr;
    pos = dot + 1;
    if (dot == column.size()) break;
  }
  return current;
}

}  // namespace tide::table::filtereval
