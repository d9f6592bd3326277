// Literals, intervals and time travel constants of the binder.
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "sql/binder_internal.h"

namespace tide::sql::binder_internal {

using base::Result;
using base::Status;
using columnar::TypePtr;

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400LL * kMicrosPerSecond;

template <typename B, typename T>
BoundExprPtr NumberLiteral(TypePtr type, T v, std::string sql) {
  B b(std::move(type));
  b.Append(v);
  return MakeLiteral(b.Finish(), std::move(sql));
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Reads 1..max_digits digits at s[*i].
std::optional<int64_t> ReadInt(std::string_view s, size_t* i, int max_digits) {
  size_t start = *i;
  int64_t v = 0;
  while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i])) && static_cast<int>(*i - start) < max_digits) {
    v = v * 10 + (s[*i] - '0');
    ++*i;
  }
  if (*i == start) return std::nullopt;
  return v;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Date part "[+-]YYYY[-MM[-DD]]" at the start of s; *i moves past it.
std::optional<int64_t> ParseDatePart(std::string_view s, size_t* i) {
  bool neg = false;
  if (*i < s.size() && (s[*i] == '-' || s[*i] == '+')) {
    neg = s[*i] == '-';
    ++*i;
  }
  auto y = ReadInt(s, i, 7);
  if (!y) return std::nullopt;
  int64_t year = neg ? -*y : *y;
  int64_t month = 1, day = 1;
  if (*i < s.size() && s[*i] == '-') {
    ++*i;
    auto m = ReadInt(s, i, 2);
    if (!m) return std::nullopt;
    month = *m;
    if (*i < s.size() && s[*i] == '-') {
      ++*i;
      auto d = ReadInt(s, i, 2);
      if (!d) return std::nullopt;
      day = *d;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month))) return std::nullopt;
  return columnar::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::optional<int64_t> ParseOffsetAt(std::string_view z) {
  z = Trim(z);
  if (z.empty()) return std::nullopt;
  std::string upper;
  for (char c : z) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "Z" || upper == "UTC" || upper == "GMT" || upper == "UT") return 0;
  std::string_view rest = z;
  if (upper.rfind("UTC", 0) == 0 || upper.rfind("GMT", 0) == 0) rest = z.substr(3);
  rest = Trim(rest);
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) return std::nullopt;
  int sign = rest[0] == '-' ? -1 : 1;
  size_t i = 1;
  auto h = ReadInt(rest, &i, 2);
  if (!h) return std::nullopt;
  int64_t m = 0;
  if (i < rest.size() && rest[i] == ':') ++i;
  if (i < rest.size()) {
    auto mm = ReadInt(rest, &i, 2);
    if (!mm) return std::nullopt;
    m = *mm;
  }
  if (i != rest.size() || *h > 18 || m > 59) return std::nullopt;
  return sign * (*h * 3600 + m * 60);
}

}  // namespace

std::optional<int64_t> ParseZoneOffset(std::string_view zone) { return ParseOffsetAt(zone); }

std::optional<int32_t> ParseDateLiteral(std::string_view text) {
  text = Trim(text);
  size_t i = 0;
  auto days = ParseDatePart(text, &i);
  if (!days) return std::nullopt;
  // Spark accepts (and ignores) a time part after 'T' or a space.
  if (i != text.size() && text[i] != 'T' && text[i] != ' ') return std::nullopt;
  if (*days < INT32_MIN || *days > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(*days);
}

std::optional<int64_t> ParseTimestampLiteral(std::string_view text, bool utc, int64_t default_offset_seconds) {
  text = Trim(text);
  size_t i = 0;
  auto days = ParseDatePart(text, &i);
  if (!days) return std::nullopt;
  int64_t micros = 0;
  if (i < text.size() && (text[i] == 'T' || text[i] == ' ')) {
    size_t save = i;
    ++i;
    auto h = ReadInt(text, &i, 2);
    if (!h) {
      i = save;
    } else {
      int64_t m = 0, sec = 0, frac = 0;
      if (i >= text.size() || text[i] != ':') return std::nullopt;
      ++i;
      auto mm = ReadInt(text, &i, 2);
      if (!mm) return std::nullopt;
      m = *mm;
      if (i < text.size() && text[i] == ':') {
        ++i;
        auto ss = ReadInt(text, &i, 2);
        if (!ss) return std::nullopt;
        sec = *ss;
        if (i < text.size() && text[i] == '.') {
          ++i;
          int digits = 0;
          while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            if (digits < 6) frac = frac * 10 + (text[i] - '0');
            ++digits;
            ++i;
          }
          for (int d = digits; d < 6; ++d) frac *= 10;
        }
      }
      if (*h > 23 || m > 59 || sec > 59) return std::nullopt;
      micros = ((*h * 60 + m) * 60 + sec) * kMicrosPerSecond + frac;
    }
  }
  int64_t offset = default_offset_seconds;
  if (i < text.size()) {
    auto off = ParseOffsetAt(text.substr(i));
    if (!off || !utc) return std::nullopt;
    offset = *off;
  }
  if (*days > 106751991 || *days < -106751991) return std::nullopt;  // int64 micros range
  int64_t value = *days * kMicrosPerDay + micros;
  if (utc) value -= offset * kMicrosPerSecond;
  return value;
}

Result<IntervalValue> EvalInterval(const IntervalLiteral& lit) {
  IntervalValue v;
  auto add = [&](IntervalUnit unit, double amount) -> Status {
    switch (unit) {
      case IntervalUnit::kYear: v.months += static_cast<int64_t>(amount * 12); break;
      case IntervalUnit::kMonth: v.months += static_cast<int64_t>(amount); break;
      case IntervalUnit::kWeek: v.days += static_cast<int64_t>(amount * 7); break;
      case IntervalUnit::kDay: v.days += static_cast<int64_t>(amount); break;
      case IntervalUnit::kHour: v.micros += static_cast<int64_t>(std::llround(amount * 3600.0 * kMicrosPerSecond)); break;
      case IntervalUnit::kMinute: v.micros += static_cast<int64_t>(std::llround(amount * 60.0 * kMicrosPerSecond)); break;
      case IntervalUnit::kSecond: v.micros += static_cast<int64_t>(std::llround(amount * kMicrosPerSecond)); break;
      case IntervalUnit::kMillisecond: v.micros += static_cast<int64_t>(std::llround(amount * 1000.0)); break;
      case IntervalUnit::kMicrosecond: v.micros += static_cast<int64_t>(amount); break;
    }
    return Status::OK();
  };
  auto number = [](std::string_view s, double* out) {
    s = Trim(s);
    if (s.empty()) return false;
    std::string str(s);
    char* end = nullptr;
    *out = std::strtod(str.c_str(), &end);
    return end == str.c_str() + str.size() && std::isfinite(*out);
  };
  auto bad = [&](std::string_view what) {
    return Status::InvalidArgument("invalid interval literal '" + std::string(what) + "'");
  };
  if (lit.text) {
    // INTERVAL '1 day 2 hours': pairs of number and unit word.
    std::string_view s = Trim(*lit.text);
    std::vector<std::string> words;
    std::string cur;
    for (char c : s) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!cur.empty()) words.push_back(cur), cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) words.push_back(cur);
    size_t w = 0;
    if (w < words.size() && Lower(words[w]) == "interval") ++w;
    if (w == words.size()) return bad(*lit.text);
    for (; w < words.size(); w += 2) {
      double amount = 0;
      if (w + 1 >= words.size() || !number(words[w], &amount)) return bad(*lit.text);
      std::string unit = Lower(words[w + 1]);
      if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
      static const std::pair<const char*, IntervalUnit> kUnits[] = {
          {"year", IntervalUnit::kYear},     {"month", IntervalUnit::kMonth},   {"week", IntervalUnit::kWeek},
          {"day", IntervalUnit::kDay},       {"hour", IntervalUnit::kHour},     {"minute", IntervalUnit::kMinute},
          {"second", IntervalUnit::kSecond}, {"millisecond", IntervalUnit::kMillisecond},
          {"microsecond", IntervalUnit::kMicrosecond}};
      bool found = false;
      for (const auto& [name, u] : kUnits) {
        if (unit == name) {
          TIDE_RETURN_IF_ERROR(add(u, amount));
          found = true;
        }
      }
      if (!found) return bad(*lit.text);
    }
    return v;
  }
  for (const auto& part : lit.parts) {
    double sign = part.negative ? -1 : 1;
    if (!lit.to_unit) {
      double amount = 0;
      if (!number(part.value, &amount)) return bad(part.value);
      TIDE_RETURN_IF_ERROR(add(part.unit, sign * amount));
      continue;
    }
    // 'Y-M' YEAR TO MONTH, 'D H:M:S' DAY TO SECOND, ...: fields from part.unit to to_unit.
    std::string_view s = Trim(part.value);
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
      if (s[0] == '-') sign = -sign;
      s.remove_prefix(1);
    }
    static const IntervalUnit kOrder[] = {IntervalUnit::kYear, IntervalUnit::kMonth, IntervalUnit::kDay,
                                          IntervalUnit::kHour, IntervalUnit::kMinute, IntervalUnit::kSecond};
    int from = -1, to = -1;
    for (int k = 0; k < 6; ++k) {
      if (kOrder[k] == part.unit) from = k;
      if (kOrder[k] == *lit.to_unit) to = k;
    }
    if (from < 0 || to < from) return bad(part.value);
    std::vector<std::string> fields;
    std::string cur;
    for (char c : s) {
      if (c == '-' || c == ' ' || c == ':') {
        fields.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    fields.push_back(cur);
    if (static_cast<int>(fields.size()) != to - from + 1) return bad(part.value);
    for (int k = from; k <= to; ++k) {
      double amount = 0;
      if (!number(fields[k - from], &amount)) return bad(part.value);
      TIDE_RETURN_IF_ERROR(add(kOrder[k], sign * amount));
    }
  }
  return v;
}

Result<BoundExprPtr> Binder::BindLiteral(const Literal& lit, bool negate) {
  std::string sql = (negate ? "-" : "") + ExprSql(lit);
  switch (lit.literal_kind) {
    case LiteralKind::kNull:
      return MakeNullLiteral(columnar::Null());
    case LiteralKind::kBoolean:
      return MakeBoolLiteral(lit.bool_value);
    case LiteralKind::kInteger: {
      if (lit.suffix == NumberSuffix::kD || lit.suffix == NumberSuffix::kF) {
        double d = std::strtod(lit.text.c_str(), nullptr) * (negate ? -1 : 1);
        if (lit.suffix == NumberSuffix::kF) {
          return NumberLiteral<columnar::Float32Builder>(columnar::Float32(), static_cast<float>(d), sql);
        }
        return NumberLiteral<columnar::Float64Builder>(columnar::Float64(), d, sql);
      }
      // Accumulate in 128 bits: up to 38 digits fit a DECIMAL(38, 0).
      std::string digits = lit.text;
      size_t nz = digits.find_first_not_of('0');
      digits = nz == std::string::npos ? "0" : digits.substr(nz);
      if (digits.size() > 38) return Error(lit.pos, "integer literal " + sql + " is out of range");
      __int128 v = 0;
      for (char c : digits) v = v * 10 + (c - '0');
      if (negate) v = -v;
      auto out_of_range = [&](const char* type) {
        return Error(lit.pos, "integer literal " + sql + " is out of range for " + type);
      };
      switch (lit.suffix) {
        case NumberSuffix::kY:
          if (v < INT8_MIN || v > INT8_MAX) return out_of_range("TINYINT");
          return NumberLiteral<columnar::Int8Builder>(columnar::Int8(), static_cast<int8_t>(v), sql);
        case NumberSuffix::kS:
          if (v < INT16_MIN || v > INT16_MAX) return out_of_range("SMALLINT");
          return NumberLiteral<columnar::Int16Builder>(columnar::Int16(), static_cast<int16_t>(v), sql);
        case NumberSuffix::kL:
          if (v < INT64_MIN || v > INT64_MAX) return out_of_range("BIGINT");
          return NumberLiteral<columnar::Int64Builder>(columnar::Int64(), static_cast<int64_t>(v), sql);
        case NumberSuffix::kBD:
          return NumberLiteral<columnar::Decimal128Builder>(columnar::Decimal(static_cast<int>(std::max<size_t>(digits.size(), 1)), 0),
                                                            v, sql);
        default:
          break;
      }
      if (v >= INT32_MIN && v <= INT32_MAX) {
        return NumberLiteral<columnar::Int32Builder>(columnar::Int32(), static_cast<int32_t>(v), sql);
      }
      if (v >= INT64_MIN && v <= INT64_MAX) {
        return NumberLiteral<columnar::Int64Builder>(columnar::Int64(), static_cast<int64_t>(v), sql);
      }
      return NumberLiteral<columnar::Decimal128Builder>(columnar::Decimal(static_cast<int>(digits.size()), 0), v, sql);
    }
    case LiteralKind::kDecimal: {
      std::string_view t = lit.text;
      size_t dot = t.find('.');
      std::string int_part(dot == std::string_view::npos ? t : t.substr(0, dot));
      std::string frac(dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1));
      std::string all = int_part + frac;
      size_t nz = all.find_first_not_of('0');
      std::string significant = nz == std::string::npos ? "" : all.substr(nz);
      int scale = static_cast<int>(frac.size());
      int precision = std::max<int>(static_cast<int>(significant.size()), scale);
      if (precision == 0) precision = 1;
      if (precision > 38) {
        if (lit.suffix == NumberSuffix::kBD) return Error(lit.pos, "decimal literal " + sql + " has more than 38 digits");
        double d = std::strtod(lit.text.c_str(), nullptr) * (negate ? -1 : 1);
        return NumberLiteral<columnar::Float64Builder>(columnar::Float64(), d, sql);
      }
      __int128 v = 0;
      for (char c : significant) v = v * 10 + (c - '0');
      if (negate) v = -v;
      return NumberLiteral<columnar::Decimal128Builder>(columnar::Decimal(precision, scale), v, sql);
    }
    case LiteralKind::kDouble: {
      std::string text = lit.text;
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (!std::isfinite(d)) return Error(lit.pos, "floating-point literal " + sql + " is out of range");
      if (negate) d = -d;
      if (lit.suffix == NumberSuffix::kF) {
        return NumberLiteral<columnar::Float32Builder>(columnar::Float32(), static_cast<float>(d), sql);
      }
      return NumberLiteral<columnar::Float64Builder>(columnar::Float64(), d, sql);
    }
    case LiteralKind::kString: {
      auto e = MakeStringLiteral(lit.text);
      return e;
    }
    case LiteralKind::kBinary: {
      std::string bytes;
      auto hex = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::toupper(c) - 'A' + 10); };
      for (size_t i = 0; i + 1 < lit.text.size(); i += 2) {
        bytes += static_cast<char>(hex(lit.text[i]) * 16 + hex(lit.text[i + 1]));
      }
      columnar::BinaryBuilder b(columnar::Binary());
      b.Append(bytes);
      return MakeLiteral(b.Finish(), sql);
    }
    case LiteralKind::kDate: {
      auto d = ParseDateLiteral(lit.text);
      if (!d) return Error(lit.pos, "invalid DATE literal '" + lit.text + "': expected YYYY-MM-DD");
      return NumberLiteral<columnar::NumericBuilder<int32_t>>(columnar::Date32(), *d, sql);
    }
    case LiteralKind::kTimestamp:
    case LiteralKind::kTimestampLtz:
    case LiteralKind::kTimestampNtz: {
      bool utc = lit.literal_kind != LiteralKind::kTimestampNtz;
      auto zone = ParseZoneOffset(options_.time_zone);
      if (!zone) return Error(lit.pos, "unsupported session time zone '" + options_.time_zone + "'");
      auto ts = ParseTimestampLiteral(lit.text, utc, *zone);
      if (!ts) {
        return Error(lit.pos, std::string("invalid ") + (utc ? "TIMESTAMP" : "TIMESTAMP_NTZ") + " literal '" + lit.text +
                                  "': expected YYYY-MM-DD[ HH:MM:SS[.ffffff]]" + (utc ? "[+HH:MM]" : ""));
      }
      return NumberLiteral<columnar::Int64Builder>(columnar::Timestamp(columnar::TimeUnit::kMicro, utc), *ts, sql);
    }
  }
  return Error(lit.pos, "unsupported literal");
}

namespace {

// Micros since the epoch of a time-travel timestamp expression without evaluating it through
// exec: literals, current_timestamp()/now()/current_date() and date/timestamp arithmetic on
// them with literal amounts (what `TIMESTAMP AS OF current_timestamp() - INTERVAL 1 DAY`
// binds to).
std::optional<int64_t> TimeConstant(const BoundExpr& e, int64_t zone_offset_seconds) {
  if (e.IsLiteral()) {
    if (e.IsNullLiteral()) return std::nullopt;
    const auto& a = *e.literal;
    switch (a.type->id()) {
      case columnar::TypeId::kTimestamp: return a.Value<int64_t>(0);
      case columnar::TypeId::kDate32: return static_cast<int64_t>(a.Value<int32_t>(0)) * kMicrosPerDay;
      case columnar::TypeId::kString: return ParseTimestampLiteral(a.BytesValue(0), true, zone_offset_seconds);
      default: return std::nullopt;
    }
  }
  auto int_arg = [](const BoundExpr& x) -> std::optional<int64_t> {
    const BoundExpr* v = &x;
    while (v->kind == BoundExprKind::kCast) v = v->args[0].get();
    if (!v->IsLiteral() || v->IsNullLiteral()) return std::nullopt;
    switch (v->type->id()) {
      case columnar::TypeId::kInt32: return v->literal->Value<int32_t>(0);
      case columnar::TypeId::kInt64: return v->literal->Value<int64_t>(0);
      default: return std::nullopt;
    }
  };
  if (e.kind == BoundExprKind::kCast) {
    if (e.type->id() != columnar::TypeId::kTimestamp && e.type->id() != columnar::TypeId::kDate32) return std::nullopt;
    auto v = TimeConstant(*e.args[0], zone_offset_seconds);
    if (v && e.type->id() == columnar::TypeId::kDate32) {
      int64_t days = *v >= 0 ? *v / kMicrosPerDay : -((-*v + kMicrosPerDay - 1) / kMicrosPerDay);
      return days * kMicrosPerDay;
    }
    return v;
  }
  if (e.kind != BoundExprKind::kCall) return std::nullopt;
  const std::string& f = e.function;
  if (e.args.empty() && (f == "current_timestamp" || f == "now" || f == "localtimestamp" || f == "current_date")) {
    int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (f == "current_date") return (now / kMicrosPerDay) * kMicrosPerDay;
    return now;
  }
  if (e.args.size() != 2) return std::nullopt;
  auto base = TimeConstant(*e.args[0], zone_offset_seconds);
  auto n = int_arg(*e.args[1]);
  if (!base || !n) return std::nullopt;
  if (f == "timestamp_add_micros") return *base + *n;
  if (f == "date_add") return *base + *n * kMicrosPerDay;
  if (f == "date_sub") return *base - *n * kMicrosPerDay;
  return std::nullopt;
}

}  // namespace

Result<std::optional<TimeTravelSpec>> Binder::BindTimeTravel(const std::optional<TimeTravel>& tt) {
  if (!tt) return std::optional<TimeTravelSpec>();
  TimeTravelSpec spec;
  spec.kind = tt->kind;
  TIDE_ASSIGN_OR_RETURN(BoundExprPtr v, BindConstant(*tt->value, catalog_, options_));
  if (tt->kind == TimeTravelKind::kTimestamp && !v->IsLiteral()) {
    if (auto micros = TimeConstant(*v, ParseZoneOffset(options_.time_zone).value_or(0))) {
      spec.timestamp_micros = *micros;
      return std::optional<TimeTravelSpec>(spec);
    }
  }
  if (!v->IsLiteral() || v->IsNullLiteral()) {
    return Unsupported(tt->value->pos, std::string(tt->kind == TimeTravelKind::kVersion ? "VERSION" : "TIMESTAMP") +
                                           " AS OF expects a literal, got '" + ExprSql(*tt->value) + "'");
  }
  const auto& a = *v->literal;
  if (tt->kind == TimeTravelKind::kVersion) {
    switch (a.type->id()) {
      case columnar::TypeId::kInt8: spec.version = a.Value<int8_t>(0); break;
      case columnar::TypeId::kInt16: spec.version = a.Value<int16_t>(0); break;
      case columnar::TypeId::kInt32: spec.version = a.Value<int32_t>(0); break;
      case columnar::TypeId::kInt64: spec.version = a.Value<int64_t>(0); break;
      default:
        return Error(tt->value->pos, "VERSION AS OF expects an integer version, got " + a.type->ToString());
    }
    if (spec.version < 0) return Error(tt->value->pos, "VERSION AS OF expects a version >= 0");
    return std::optional<TimeTravelSpec>(spec);
  }
  switch (a.type->id()) {
    case columnar::TypeId::kString: {
      auto zone = ParseZoneOffset(options_.time_zone);
      auto ts = ParseTimestampLiteral(a.BytesValue(0), true, zone.value_or(0));
      if (!ts) {
        return Error(tt->value->pos, "TIMESTAMP AS OF: invalid timestamp '" + std::string(a.BytesValue(0)) +
                                         "': expected YYYY-MM-DD[ HH:MM:SS[.ffffff]][+HH:MM]");
      }
      spec.timestamp_micros = *ts;
      break;
    }
    case columnar::TypeId::kTimestamp:
      spec.timestamp_micros = a.Value<int64_t>(0);
      break;
    case columnar::TypeId::kDate32:
      spec.timestamp_micros = static_cast<int64_t>(a.Value<int32_t>(0)) * kMicrosPerDay;
      break;
    default:
      return Error(tt->value->pos, "TIMESTAMP AS OF expects a timestamp, got " + a.type->ToString());
  }
  return std::optional<TimeTravelSpec>(spec);
}

}  // namespace tide::sql::binder_internal
