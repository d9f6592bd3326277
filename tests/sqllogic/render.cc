#include "render.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "columnar/json.h"

namespace tide::sqllogic {
namespace {

using columnar::ArrayData;
using columnar::TypeId;

bool IsIntegral(TypeId id) {
  switch (id) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64:
    case TypeId::kUInt8: case TypeId::kUInt16: case TypeId::kUInt32: case TypeId::kUInt64:
      return true;
    default:
      return false;
  }
}

// Integral values as a 128-bit integer (only for IsIntegral types).
__int128 IntegralValue(const ArrayData& a, int64_t i) {
  switch (a.type->id()) {
    case TypeId::kInt8: return a.Value<int8_t>(i);
    case TypeId::kInt16: return a.Value<int16_t>(i);
    case TypeId::kInt32: return a.Value<int32_t>(i);
    case TypeId::kInt64: return a.Value<int64_t>(i);
    case TypeId::kUInt8: return a.Value<uint8_t>(i);
    case TypeId::kUInt16: return a.Value<uint16_t>(i);
    case TypeId::kUInt32: return a.Value<uint32_t>(i);
    case TypeId::kUInt64: return a.Value<uint64_t>(i);
    default: return 0;
  }
}

std::string Int128String(__int128 v) { return columnar::FormatDecimal128(v, 0); }

// Java's rendering from the shortest round-trip digits: plain notation for
// 1e-3 <= |v| < 1e7, computerized scientific notation ("1.0E7") otherwise.
std::string JavaStyle(const char* sci, bool negative) {
  // sci: "d[.ddd]e[+-]XX"
  std::string s(sci);
  if (!s.empty() && s[0] == '-') s.erase(0, 1);
  size_t e = s.find('e');
  std::string mant = s.substr(0, e);
  int exp = std::stoi(s.substr(e + 1));
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits.push_back(c);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = negative ? "-" : "";
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      std::string ip = digits.substr(0, std::min<size_t>(digits.size(), exp + 1));
      while (static_cast<int>(ip.size()) < exp + 1) ip.push_back('0');
      std::string fp = digits.size() > static_cast<size_t>(exp + 1) ? digits.substr(exp + 1) : "0";
      out += ip + "." + fp;
    } else {
      out += "0." + std::string(-exp - 1, '0') + digits;
    }
  } else {
    out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" + std::to_string(exp);
  }
  return out;
}

void AppendEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '\t': *out += "\\t"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\\': *out += "\\\\"; break;
      default: out->push_back(c);
    }
  }
}

// "2024-01-31T10:00:00.500000" -> "2024-01-31 10:00:00.5"
std::string TrimTimestamp(std::string s) {
  size_t t = s.find('T');
  if (t != std::string::npos) s[t] = ' ';
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  size_t dot = s.rfind('.');
  if (dot != std::string::npos && s.find(':', dot) == std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string RoundDecimal3(__int128 unscaled, int scale) {
  __int128 n = unscaled;
  if (scale <= 3) {
    for (int k = scale; k < 3; k++) n *= 10;
  } else {
    __int128 div = 1;
    for (int k = 3; k < scale; k++) div *= 10;
    __int128 q = n / div, r = n % div;
    if (r < 0) r = -r;
    if (2 * r >= div) q += n < 0 ? -1 : 1;
    n = q;
  }
  return columnar::FormatDecimal128(n, 3);
}

std::string Render(const ArrayData& a, int64_t i, char letter, const RenderOptions& opt, bool nested);

std::string RenderT(const ArrayData& a, int64_t i, const RenderOptions& opt, bool nested) {
  const columnar::DataType& type = *a.type;
  switch (type.id()) {
    case TypeId::kNull:
      return nested ? "null" : "NULL";
    case TypeId::kBoolean:
      return a.BoolValue(i) ? "true" : "false";
    case TypeId::kFloat32:
      return JavaFloatString(a.Value<float>(i));
    case TypeId::kFloat64:
      return JavaDoubleString(a.Value<double>(i));
    case TypeId::kDecimal128:
      return columnar::FormatDecimal128(a.Value<__int128>(i), type.scale());
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixedSizeBinary: {
      std::string_view s = a.BytesValue(i);
      std::string out;
      if (nested) {
        out = "\"";
        AppendEscaped(s, &out);
        out += "\"";
      } else if (s.empty()) {
        out = "(empty)";
      } else {
        AppendEscaped(s, &out);
      }
      return out;
    }
    case TypeId::kDate32:
      return columnar::FormatDate32(a.Value<int32_t>(i));
    case TypeId::kTime64: {
      int64_t v = a.Value<int64_t>(i);
      int64_t per_sec = type.unit() == columnar::TimeUnit::kMicro ? 1000000 : 1000000000;
      int64_t secs = v / per_sec, frac = v % per_sec;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(secs / 3600),
                    static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
      std::string out = buf;
      if (frac != 0) {
        std::string f = std::to_string(frac);
        f = std::string((per_sec == 1000000 ? 6 : 9) - f.size(), '0') + f;
        while (f.back() == '0') f.pop_back();
        out += "." + f;
      }
      return out;
    }
    case TypeId::kTimestamp: {
      int64_t v = a.Value<int64_t>(i);
      if (type.utc_adjusted()) {
        v += opt.utc_offset_seconds * (type.unit() == columnar::TimeUnit::kMicro ? 1000000LL : 1000000000LL);
      }
      return TrimTimestamp(columnar::FormatTimestamp(v, type.unit(), false));
    }
    case TypeId::kList: {
      const ArrayData& child = *a.children[0];
      std::string out = "[";
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); k++) {
        if (k > a.ListBegin(i)) out += ",";
        out += Render(child, k, 'T', opt, true);
      }
      return out + "]";
    }
    case TypeId::kMap: {
      const ArrayData& entries = *a.children[0];
      std::vector<std::string> items;
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); k++) {
        int64_t slot = entries.offset + k;
        items.push_back(Render(*entries.children[0], slot, 'T', opt, true) + ":" +
                        Render(*entries.children[1], slot, 'T', opt, true));
      }
      std::sort(items.begin(), items.end());
      std::string out = "{";
      for (size_t k = 0; k < items.size(); k++) {
        if (k > 0) out += ",";
        out += items[k];
      }
      return out + "}";
    }
    case TypeId::kStruct: {
      std::string out = "{";
      for (size_t f = 0; f < type.children().size(); f++) {
        if (f > 0) out += ",";
        out += "\"" + type.children()[f]->name() + "\":";
        out += Render(*a.children[f], a.offset + i, 'T', opt, true);
      }
      return out + "}";
    }
    default:
      if (IsIntegral(type.id())) return Int128String(IntegralValue(a, i));
      return "<unrenderable " + type.ToString() + ">";
  }
}

std::string Render(const ArrayData& a, int64_t i, char letter, const RenderOptions& opt, bool nested) {
  if (a.IsNull(i)) return nested ? "null" : "NULL";
  TypeId id = a.type->id();
  if (letter == 'R' && !nested) {
    if (id == TypeId::kFloat64) return RoundDouble3(a.Value<double>(i));
    if (id == TypeId::kFloat32) return RoundDouble3(a.Value<float>(i));
    if (id == TypeId::kDecimal128) return RoundDecimal3(a.Value<__int128>(i), a.type->scale());
    if (IsIntegral(id)) return RoundDecimal3(IntegralValue(a, i), 0);
  }
  if (letter == 'I' && !nested && id == TypeId::kDecimal128 && a.type->scale() == 0) {
    return Int128String(a.Value<__int128>(i));
  }
  return RenderT(a, i, opt, nested);
}

}  // namespace

std::string JavaDoubleString(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  *res.ptr = '\0';
  return JavaStyle(buf, v < 0);
}

std::string JavaFloatString(float v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  *res.ptr = '\0';
  return JavaStyle(buf, v < 0);
}

std::string RoundDouble3(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  // An exact tie (v * 2000 an odd integer; exact in an 80-bit long double) rounds away from
  // zero, as JavaScript's toFixed does, so both sides of the DuckDB cross-check agree.
  long double p = static_cast<long double>(v) * 2000.0L;
  std::string out;
  if (std::fabs(p) < 1e18L && p == std::floor(p) && static_cast<long long>(std::fabs(p)) % 2 == 1) {
    long long n = (static_cast<long long>(std::fabs(p)) + 1) / 2;
    out = columnar::FormatDecimal128(v < 0 ? -static_cast<__int128>(n) : n, 3);
  } else {
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    out = buf;
  }
  if (out == "-0.000") out = "0.000";
  return out;
}

std::string RenderValue(const columnar::ArrayData& column, int64_t row, char letter, const RenderOptions& options) {
  return Render(column, row, letter, options, false);
}

std::string CheckColumnType(const columnar::DataType& type, char letter) {
  TypeId id = type.id();
  if (id == TypeId::kNull) return {};  // an all-NULL column fits any letter
  if (letter == 'I' && !IsIntegral(id)) return "an I column holds " + type.ToString() + ", not an integral type";
  if (letter == 'R' && id != TypeId::kFloat32 && id != TypeId::kFloat64 && id != TypeId::kDecimal128) {
    return "an R column holds " + type.ToString() + ", not FLOAT, DOUBLE or DECIMAL";
  }
  return {};
}

}  // namespace tide::sqllogic
