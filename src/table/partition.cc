// Partition value serialization and Hive-style directory names (see partition.h).
#include "table/partition.h"

#include <charconv>
#include <cmath>
#include <cctype>

#include "base/json_writer.h"
#include "base/strings.h"
#include "columnar/builder.h"
#include "columnar/json.h"
#include "table/time_util.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;
using base::Result;
using base::Status;

bool NeedsEscape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"': case '#': case '%': case '\'': case '*': case '/': case ':': case '=': case '?':
    case '\\': case '{': case '[': case ']': case '^':
      return true;
    default:
      return false;
  }
}

template <typename T>
std::optional<T> ParseInt(std::string_view s) {
  std::string_view t = s;
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  T v{};
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || t.empty()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  std::string l = base::AsciiLower(s);
  if (l == "nan") return std::nan("");
  if (l == "infinity" || l == "+infinity" || l == "inf") return INFINITY;
  if (l == "-infinity" || l == "-inf") return -INFINITY;
  double v = 0;
  std::string_view t = s;
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || t.empty()) return std::nullopt;
  return v;
}

Status BadValue(std::string_view column, std::string_view value, const col::DataType& type) {
  return Status::InvalidArgument("partition column '" + std::string(column) + "': value '" + std::string(value) +
                                 "' is not a valid " + type.ToString());
}

std::string TrimZeroFraction(std::string s) {
  if (s.size() > 7 && s.substr(s.size() - 7) == ".000000") s.resize(s.size() - 7);
  return s;
}

}  // namespace

Result<int32_t> ParseDateValue(std::string_view s) {
  auto d = timeutil::ParseDate(s);
  if (!d) {
    // A timestamp-looking value for a date column: take its date part.
    auto ts = timeutil::ParseTimestamp(s);
    if (!ts) return Status::InvalidArgument("'" + std::string(s) + "' is not a date (YYYY-MM-DD)");
    int64_t days = ts->micros >= 0 ? ts->micros / 86400000000LL : -((-ts->micros + 86400000000LL - 1) / 86400000000LL);
    return static_cast<int32_t>(days);
  }
  return *d;
}

Result<int64_t> ParseTimestampValue(std::string_view s, bool utc_adjusted) {
  auto ts = timeutil::ParseTimestamp(s);
  if (!ts) return Status::InvalidArgument("'" + std::string(s) + "' is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])");
  // An explicit zone is applied for both types (for timestamp_ntz writers never add one; a value
  // that has one is read as that instant's UTC wall time rather than refused).
  (void)utc_adjusted;
  return ts->micros;
}

Result<__int128> ParseDecimalValue(std::string_view s, int precision, int scale) {
  std::string_view t = s;
  bool neg = false;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    neg = t[0] == '-';
    t.remove_prefix(1);
  }
  int64_t exp = 0;
  size_t e = t.find_first_of("eE");
  if (e != std::string_view::npos) {
    auto ev = ParseInt<int64_t>(t.substr(e + 1));
    if (!ev || *ev > 100 || *ev < -100) return Status::InvalidArgument("'" + std::string(s) + "' is not a decimal");
    exp = *ev;
    t = t.substr(0, e);
  }
  std::string digits;
  int frac = 0;
  bool dot = false;
  for (char c : t) {
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return Status::InvalidArgument("'" + std::string(s) + "' is not a decimal");
    digits.push_back(c);
    if (dot) ++frac;
  }
  if (digits.empty()) return Status::InvalidArgument("'" + std::string(s) + "' is not a decimal");
  int64_t shift = scale - (frac - exp);  // multiply by 10^shift
  while (shift < 0) {
    // Dropping digits: only zeros may go (no rounding of stored values).
    if (digits.back() != '0' && digits.size() > 0) {
      return Status::InvalidArgument("'" + std::string(s) + "' has more than " + std::to_string(scale) +
                                     " fraction digits");
    }
    digits.pop_back();
    ++shift;
    if (digits.empty()) digits = "0";
  }
  digits.append(static_cast<size_t>(shift), '0');
  size_t first = digits.find_first_not_of('0');
  std::string_view sig = first == std::string::npos ? std::string_view("0") : std::string_view(digits).substr(first);
  if (static_cast<int>(sig.size()) > precision && sig != "0") {
    return Status::InvalidArgument("'" + std::string(s) + "' does not fit DECIMAL(" + std::to_string(precision) + "," +
                                   std::to_string(scale) + ")");
  }
  __int128 v = 0;
  for (char c : sig) v = v * 10 + (c - '0');
  return neg ? -v : v;
}

Result<std::optional<std::string>> SerializePartitionValue(const col::ArrayData& a, int64_t row) {
  using T = col::TypeId;
  if (a.IsNull(row)) return std::optional<std::string>();
  const auto& type = *a.type;
  std::string out;
  switch (type.id()) {
    case T::kBoolean: out = a.BoolValue(row) ? "true" : "false"; break;
    case T::kInt8: out = std::to_string(a.Value<int8_t>(row)); break;
    case T::kInt16: out = std::to_string(a.Value<int16_t>(row)); break;
    case T::kInt32: out = std::to_string(a.Value<int32_t>(row)); break;
    case T::kInt64: out = std::to_string(a.Value<int64_t>(row)); break;
    case T::kFloat32:
    case T::kFloat64: {
      double v = type.id() == T::kFloat32 ? a.Value<float>(row) : a.Value<double>(row);
      if (std::isnan(v)) out = "NaN";
      else if (std::isinf(v)) out = v > 0 ? "Infinity" : "-Infinity";
      else {
        char buf[64];
        auto r = type.id() == T::kFloat32 ? std::to_chars(buf, buf + sizeof buf, a.Value<float>(row))
                                          : std::to_chars(buf, buf + sizeof buf, v);
        out.assign(buf, r.ptr);
      }
      break;
    }
    case T::kDecimal128: out = col::FormatDecimal128(a.Value<__int128>(row), type.scale()); break;
    case T::kString:
    case T::kBinary: out = std::string(a.BytesValue(row)); break;
    case T::kDate32: out = col::FormatDate32(a.Value<int32_t>(row)); break;
    case T::kTimestamp: {
      if (type.unit() != col::TimeUnit::kMicro) return Status::InvalidArgument("partition column: nanosecond timestamps are not supported");
      std::string s = col::FormatTimestamp(a.Value<int64_t>(row), col::TimeUnit::kMicro, false);
      for (auto& c : s) if (c == 'T') c = ' ';
      out = TrimZeroFraction(s);
      break;
    }
    default:
      return Status::InvalidArgument("type " + type.ToString() + " cannot be a partition column");
  }
  if (out.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(out));
}

Result<col::ArrayPtr> MakePartitionColumn(const col::TypePtr& type, const std::optional<std::string>& value,
                                          int64_t length, std::string_view column_name) {
  using T = col::TypeId;
  // PROTOCOL.md: an empty string is a null partition value for every type.
  if (!value || value->empty()) {
    return col::MakeNullArray(type, length);
  }
  const std::string& v = *value;
  auto builder = col::MakeBuilder(type);
  auto bad = [&]() { return BadValue(column_name, v, *type); };
  switch (type->id()) {
    case T::kBoolean: {
      std::string l = base::AsciiLower(v);
      if (l != "true" && l != "false") return bad();
      auto* b = static_cast<col::BooleanBuilder*>(builder.get());
      for (int64_t i = 0; i < length; ++i) b->Append(l == "true");
      break;
    }
#define TIDE_INT_CASE(ID, CT)                                           \
  case T::ID: {                                                         \
    auto x = ParseInt<CT>(v);                                           \
    if (!x) return bad();                                               \
    auto* b = static_cast<col::NumericBuilder<CT>*>(builder.get());     \
    for (int64_t i = 0; i < length; ++i) b->Append(*x);                 \
    break;                                                              \
  }
    TIDE_INT_CASE(kInt8, int8_t)
    TIDE_INT_CASE(kInt16, int16_t)
    TIDE_INT_CASE(kInt32, int32_t)
    TIDE_INT_CASE(kInt64, int64_t)
#undef TIDE_INT_CASE
    case T::kFloat32: {
      auto x = ParseDouble(v);
      if (!x) return bad();
      auto* b = static_cast<col::Float32Builder*>(builder.get());
      for (int64_t i = 0; i < length; ++i) b->Append(static_cast<float>(*x));
      break;
    }
    case T::kFloat64: {
      auto x = ParseDouble(v);
      if (!x) return bad();
      auto* b = static_cast<col::Float64Builder*>(builder.get());
      for (int64_t i = 0; i < length; ++i) b->Append(*x);
      break;
    }
    case T::kDecimal128: {
      auto x = ParseDecimalValue(v, type->precision(), type->scale());
      if (!x.ok()) return bad();
      auto* b = static_cast<col::Decimal128Builder*>(builder.get());
      for (int64_t i = 0; i < length; ++i) b->Append(*x);
      break;
    }
    case T::kString:
    case T::kBinary: {
      auto* b = static_cast<col::BinaryBuilder*>(builder.get());
      for (int64_t i = 0; i < length; ++i) {
        if (!b->Append(v)) return Status::ResourceExhausted("partition column '" + std::string(column_name) + "': too much data");
      }
      break;
    }
    case T::kDate32: {
      auto x = ParseDateValue(v);
      if (!x.ok()) return bad();
      auto* b = static_cast<col::Int32Builder*>(builder.get());
      for (int64_t i = 0; i < length; ++i) b->Append(*x);
      break;
    }
    case T::kTimestamp: {
      auto x = ParseTimestampValue(v, type->utc_adjusted());
      if (!x.ok()) return bad();
      int64_t val = *x;
      if (type->unit() == col::TimeUnit::kNano) val *= 1000;
      auto* b = static_cast<col::Int64Builder*>(builder.get());
      for (int64_t i = 0; i < length; ++i) b->Append(val);
      break;
    }
    default:
      return Status::Unsupported("partition column '" + std::string(column_name) + "' has type " + type->ToString() +
                                 ", which cannot be a partition column");
  }
  return builder->Finish();
}

std::string EscapePartitionPathComponent(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (NeedsEscape(c)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string UnescapePartitionPathComponent(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex(s[i + 1]);
      int lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string PartitionDirectory(const std::vector<std::string>& partition_columns, const PartitionValues& values) {
  std::string out;
  for (const auto& c : partition_columns) {
    auto it = values.find(c);
    out += EscapePartitionPathComponent(c);
    out += '=';
    if (it == values.end() || !it->second || it->second->empty()) {
      out += kHiveDefaultPartition;
    } else {
      out += EscapePartitionPathComponent(*it->second);
    }
    out += '/';
  }
  return out;
}

}  // namespace tide::table
