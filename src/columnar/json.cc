#include "columnar/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tide::columnar {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Days since 1970-01-01 → civil date (H. Hinnant's algorithm, proleptic Gregorian).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

void AppendDate(int64_t days, std::string* out) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  if (y >= 0 && y <= 9999) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  } else {
    // Outside ISO's four digits: more digits, or a minus sign (astronomical years: 0 = 1 BC).
    std::snprintf(buf, sizeof buf, y < 0 ? "%05lld-%02u-%02u" : "%lld-%02u-%02u", static_cast<long long>(y), m, d);
  }
  *out += buf;
}

void AppendTimeOfDay(int64_t frac_units_of_day, int64_t per_second, int digits, std::string* out) {
  const int64_t secs = frac_units_of_day / per_second;
  const int64_t frac = frac_units_of_day % per_second;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%0*lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60), digits,
                static_cast<long long>(frac));
  *out += buf;
}

void AppendTimestamp(int64_t v, TimeUnit unit, bool utc, std::string* out) {
  const int64_t per_second = unit == TimeUnit::kNano ? 1000000000LL : 1000000LL;
  const int64_t per_day = per_second * 86400;
  const int64_t days = FloorDiv(v, per_day);
  // The floor remainder, computed without days * per_day, which overflows near INT64_MIN.
  int64_t in_day = v % per_day;
  if (in_day < 0) in_day += per_day;
  AppendDate(days, out);
  out->push_back('T');
  AppendTimeOfDay(in_day, per_second, unit == TimeUnit::kNano ? 9 : 6, out);
  if (utc) out->push_back('Z');
}

template <typename F>
void AppendFloat(F v, std::string* out) {
  if (std::isnan(v)) {
    *out += "\"NaN\"";
  } else if (std::isinf(v)) {
    *out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out->append(buf, r.ptr);
  }
}

template <typename T>
void AppendInt(T v, std::string* out) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

void AppendDecimal(__int128 v, int scale, std::string* out) {
  const bool neg = v < 0;
  unsigned __int128 u = neg ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(v)
                            : static_cast<unsigned __int128>(v);
  char digits[48];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  } while (u != 0);
  while (n <= scale) digits[n++] = '0';  // at least one digit before the point
  if (neg) out->push_back('-');
  for (int i = n - 1; i >= 0; --i) {
    out->push_back(digits[i]);
    if (i == scale && scale > 0) out->push_back('.');
  }
}

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void AppendBase64(std::string_view in, std::string* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  size_t n = in.size(), i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out->push_back(kBase64[v >> 18]);
    out->push_back(kBase64[(v >> 12) & 63]);
    out->push_back(kBase64[(v >> 6) & 63]);
    out->push_back(kBase64[v & 63]);
  }
  if (n - i == 1) {
    uint32_t v = p[i] << 16;
    out->push_back(kBase64[v >> 18]);
    out->push_back(kBase64[(v >> 12) & 63]);
    *out += "==";
  } else if (n - i == 2) {
    uint32_t v = (p[i] << 16) | (p[i + 1] << 8);
    out->push_back(kBase64[v >> 18]);
    out->push_back(kBase64[(v >> 12) & 63]);
    out->push_back(kBase64[(v >> 6) & 63]);
    out->push_back('=');
  }
}

// Length of the well-formed UTF-8 sequence at p (1..4), or 0 when the byte at p starts none.
size_t Utf8SequenceLength(const uint8_t* p, size_t avail) {
  const uint8_t c = p[0];
  auto cont = [&](size_t k) { return k < avail && (p[k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[1] >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const uint8_t c = p[i];
    if (c < 0x80) {
      switch (c) {
        case '"': *out += "\\\""; break;
        case '\\': *out += "\\\\"; break;
        case '\n': *out += "\\n"; break;
        case '\r': *out += "\\r"; break;
        case '\t': *out += "\\t"; break;
        case '\b': *out += "\\b"; break;
        case '\f': *out += "\\f"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            *out += buf;
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(p + i, n - i);
    if (len == 0) {
      *out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out->append(reinterpret_cast<const char*>(p + i), len);
      i += len;
    }
  }
  out->push_back('"');
}

void AppendValueJson(const ArrayData& a, int64_t i, std::string* out) {
  if (!a.IsValid(i)) {
    *out += "null";
    return;
  }
  const DataType& t = *a.type;
  switch (t.id()) {
    case TypeId::kNull: *out += "null"; return;
    case TypeId::kBoolean: *out += a.BoolValue(i) ? "true" : "false"; return;
    case TypeId::kInt8: AppendInt(a.Value<int8_t>(i), out); return;
    case TypeId::kInt16: AppendInt(a.Value<int16_t>(i), out); return;
    case TypeId::kInt32: AppendInt(a.Value<int32_t>(i), out); return;
    case TypeId::kInt64: AppendInt(a.Value<int64_t>(i), out); return;
    case TypeId::kUInt8: AppendInt(a.Value<uint8_t>(i), out); return;
    case TypeId::kUInt16: AppendInt(a.Value<uint16_t>(i), out); return;
    case TypeId::kUInt32: AppendInt(a.Value<uint32_t>(i), out); return;
    case TypeId::kUInt64: AppendInt(a.Value<uint64_t>(i), out); return;
    case TypeId::kFloat32: AppendFloat(a.Value<float>(i), out); return;
    case TypeId::kFloat64: AppendFloat(a.Value<double>(i), out); return;
    case TypeId::kDecimal128:
      out->push_back('"');
      AppendDecimal(a.Value<__int128>(i), t.scale(), out);
      out->push_back('"');
      return;
    case TypeId::kString: AppendJsonString(a.BytesValue(i), out); return;
    case TypeId::kBinary:
    case TypeId::kFixedSizeBinary:
      out->push_back('"');
      AppendBase64(a.BytesValue(i), out);
      out->push_back('"');
      return;
    case TypeId::kDate32:
      out->push_back('"');
      AppendDate(a.Value<int32_t>(i), out);
      out->push_back('"');
      return;
    case TypeId::kTime64: {
      const int64_t per_second = t.unit() == TimeUnit::kNano ? 1000000000LL : 1000000LL;
      int64_t v = a.Value<int64_t>(i);
      const int64_t per_day = per_second * 86400;
      v = v - FloorDiv(v, per_day) * per_day;
      out->push_back('"');
      AppendTimeOfDay(v, per_second, t.unit() == TimeUnit::kNano ? 9 : 6, out);
      out->push_back('"');
      return;
    }
    case TypeId::kTimestamp:
      out->push_back('"');
      AppendTimestamp(a.Value<int64_t>(i), t.unit(), t.utc_adjusted(), out);
      out->push_back('"');
      return;
    case TypeId::kStruct: {
      out->push_back('{');
      for (size_t c = 0; c < a.children.size(); ++c) {
        if (c) out->push_back(',');
        AppendJsonString(t.children()[c]->name(), out);
        out->push_back(':');
        AppendValueJson(*a.children[c], a.offset + i, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kList: {
      out->push_back('[');
      const ArrayData& child = *a.children[0];
      for (int32_t j = a.ListBegin(i), e = a.ListEnd(i); j < e; ++j) {
        if (j != a.ListBegin(i)) out->push_back(',');
        AppendValueJson(child, j, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('[');
      const ArrayData& entries = *a.children[0];
      for (int32_t j = a.ListBegin(i), e = a.ListEnd(i); j < e; ++j) {
        if (j != a.ListBegin(i)) out->push_back(',');
        *out += "{\"key\":";
        AppendValueJson(*entries.children[0], entries.offset + j, out);
        *out += ",\"value\":";
        AppendValueJson(*entries.children[1], entries.offset + j, out);
        out->push_back('}');
      }
      out->push_back(']');
      return;
    }
  }
}

std::string RowToJson(const RecordBatch& batch, int64_t row) {
  std::string out = "{";
  const Schema& schema = *batch.schema();
  for (int c = 0; c < batch.num_columns(); ++c) {
    if (c) out.push_back(',');
    AppendJsonString(schema.field(c)->name(), &out);
    out.push_back(':');
    AppendValueJson(*batch.column(c), row, &out);
  }
  out.push_back('}');
  return out;
}

base::Status WriteJsonLines(const RecordBatch& batch, std::ostream& out) {
  std::string line;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    line = RowToJson(batch, r);
    line.push_back('\n');
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    if (!out) return base::Status::IoError("writing JSON lines: output stream failed");
  }
  return base::Status::OK();
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // H. Hinnant's days_from_civil: shift the year to start in March so leap days come last.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string FormatDate32(int32_t days) {
  std::string s;
  AppendDate(days, &s);
  return s;
}

std::string FormatTimestamp(int64_t value, TimeUnit unit, bool utc_adjusted) {
  std::string s;
  AppendTimestamp(value, unit, utc_adjusted, &s);
  return s;
}

std::string FormatDecimal128(__int128 unscaled, int scale) {
  std::string s;
  AppendDecimal(unscaled, scale, &s);
  return s;
}

std::string Base64Encode(std::string_view bytes) {
  std::string s;
  AppendBase64(bytes, &s);
  return s;
}

}  // namespace tide::columnar
