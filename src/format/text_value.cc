#include "format/text_value.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "columnar/json.h"

namespace tide::format::text {

using columnar::DataType;
using columnar::TimeUnit;
using columnar::TypeId;

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at s[*pos].
bool Digits(std::string_view s, size_t* pos, int n, int64_t* out) {
  if (*pos + n > s.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

// Date prefix of s: [+-]YYYY(Y…)-MM-DD; advances *pos.
bool ParseDatePrefix(std::string_view s, size_t* pos, int64_t* days) {
  size_t p = *pos;
  bool neg = false;
  if (p < s.size() && (s[p] == '-' || s[p] == '+')) {
    neg = s[p] == '-';
    ++p;
  }
  size_t start = p;
  int64_t year = 0;
  while (p < s.size() && IsDigit(s[p]) && p - start < 7) year = year * 10 + (s[p++] - '0');
  if (p - start < 4) return false;
  if (neg) year = -year;
  int64_t month, day;
  if (p >= s.size() || s[p] != '-') return false;
  ++p;
  if (!Digits(s, &p, 2, &month) || month < 1 || month > 12) return false;
  if (p >= s.size() || s[p] != '-') return false;
  ++p;
  if (!Digits(s, &p, 2, &day) || day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month))) return false;
  *days = columnar::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  *pos = p;
  return true;
}

// HH:MM[:SS[.fffffffff]] → nanoseconds of the day; advances *pos.
bool ParseTimePrefix(std::string_view s, size_t* pos, int64_t* nanos, bool* lost_precision_micro) {
  size_t p = *pos;
  int64_t h, m, sec = 0, frac = 0;
  if (!Digits(s, &p, 2, &h) || h > 23) return false;
  if (p >= s.size() || s[p] != ':') return false;
  ++p;
  if (!Digits(s, &p, 2, &m) || m > 59) return false;
  *lost_precision_micro = false;
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (!Digits(s, &p, 2, &sec) || sec > 59) return false;
    if (p < s.size() && s[p] == '.') {
      ++p;
      int n = 0;
      while (p < s.size() && IsDigit(s[p])) {
        if (n == 9) return false;
        frac = frac * 10 + (s[p++] - '0');
        ++n;
      }
      if (n == 0) return false;
      for (int i = n; i < 9; ++i) frac *= 10;
      *lost_precision_micro = frac % 1000 != 0;
    }
  }
  *nanos = ((h * 60 + m) * 60 + sec) * 1000000000LL + frac;
  *pos = p;
  return true;
}

template <typename T>
std::string AppendInteger(std::string_view text, const DataType& type, columnar::ArrayBuilder* builder) {
  std::string_view t = text;
  if (t.size() > 1 && t[0] == '+' && IsDigit(t[1])) t.remove_prefix(1);
  T v{};
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc() && ptr == t.data() + t.size()) {
    static_cast<columnar::NumericBuilder<T>*>(builder)->Append(v);
    return {};
  }
  // Tell "too big" from "not a number": an all-digit text with an optional sign.
  bool digits_only = !t.empty();
  size_t i = (t.size() > 1 && t[0] == '-') ? 1 : 0;
  bool all_zero = true;
  for (size_t j = i; j < t.size(); ++j) {
    if (!IsDigit(t[j])) digits_only = false;
    if (t[j] != '0') all_zero = false;
  }
  if (digits_only && i < t.size()) {
    if (std::is_unsigned_v<T> && i == 1 && all_zero) {  // "-0" for an unsigned column
      static_cast<columnar::NumericBuilder<T>*>(builder)->Append(0);
      return {};
    }
    return "is out of range for " + type.ToString();
  }
  return "is not a valid " + type.ToString();
}

template <typename F>
std::string AppendFloat(std::string_view text, const DataType& type, columnar::ArrayBuilder* builder) {
  auto* b = static_cast<columnar::NumericBuilder<F>*>(builder);
  std::string_view t = text;
  bool neg = false;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    neg = t[0] == '-';
    t.remove_prefix(1);
  }
  if (EqualsIgnoreCase(t, "nan")) {
    b->Append(std::numeric_limits<F>::quiet_NaN());
    return {};
  }
  if (EqualsIgnoreCase(t, "infinity") || EqualsIgnoreCase(t, "inf")) {
    b->Append(neg ? -std::numeric_limits<F>::infinity() : std::numeric_limits<F>::infinity());
    return {};
  }
  if (t.empty() || !(IsDigit(t[0]) || t[0] == '.')) return "is not a valid " + type.ToString();
  F v{};
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ptr != t.data() + t.size()) return "is not a valid " + type.ToString();
  if (ec == std::errc::result_out_of_range) {
    // Underflow rounds to zero or a subnormal (strtod does that); overflow is an error.
    std::string copy(t);
    errno = 0;
    const double d = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(d) || std::fabs(d) > static_cast<double>(std::numeric_limits<F>::max())) {
      return "is out of range for " + type.ToString();
    }
    v = static_cast<F>(d);
  } else if (ec != std::errc()) {
    return "is not a valid " + type.ToString();
  }
  b->Append(neg ? -v : v);
  return {};
}

}  // namespace

std::string QuoteForError(std::string_view text) {
  std::string out;
  if (text.size() > 64) {
    size_t cut = 64;
    // Do not split a UTF-8 sequence.
    while (cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80) --cut;
    columnar::AppendJsonString(text.substr(0, cut), &out);
    out.insert(out.size() - 1, "…");
  } else {
    columnar::AppendJsonString(text, &out);
  }
  return out;
}

bool ParseDate(std::string_view text, int32_t* days) {
  size_t pos = 0;
  int64_t d;
  if (!ParseDatePrefix(text, &pos, &d) || pos != text.size()) return false;
  if (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max()) return false;
  *days = static_cast<int32_t>(d);
  return true;
}

bool ParseTime(std::string_view text, TimeUnit unit, int64_t* value) {
  size_t pos = 0;
  int64_t nanos;
  bool lost;
  if (!ParseTimePrefix(text, &pos, &nanos, &lost) || pos != text.size()) return false;
  if (unit == TimeUnit::kMicro) {
    if (lost) return false;
    *value = nanos / 1000;
  } else {
    *value = nanos;
  }
  return true;
}

bool ParseTimestamp(std::string_view s, TimeUnit unit, int64_t* value, bool* had_offset, int64_t* offset_seconds,
                    std::string* why) {
  auto fail = [&](const char* reason) {
    if (why) *why = reason;
    return false;
  };
  size_t pos = 0;
  int64_t days, nanos = 0;
  bool lost = false;
  *had_offset = false;
  *offset_seconds = 0;
  if (!ParseDatePrefix(s, &pos, &days)) return fail("is not a valid timestamp (expected YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM])");
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    ++pos;
    if (!ParseTimePrefix(s, &pos, &nanos, &lost)) {
      return fail("is not a valid timestamp (expected YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM])");
    }
  }
  if (pos < s.size()) {
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
      *had_offset = true;
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int64_t oh, om = 0;
      if (!Digits(s, &pos, 2, &oh) || oh > 18) return fail("has an invalid zone offset (expected Z or +HH:MM)");
      if (pos < s.size()) {
        if (s[pos] == ':') ++pos;
        if (!Digits(s, &pos, 2, &om) || om > 59) return fail("has an invalid zone offset (expected Z or +HH:MM)");
      }
      *had_offset = true;
      *offset_seconds = sign * (oh * 3600 + om * 60);
    }
    if (pos != s.size()) return fail("is not a valid timestamp (expected YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM])");
  }
  if (unit == TimeUnit::kMicro && lost) return fail("has more fraction digits than a microsecond timestamp holds");
  // seconds since the epoch in UTC, then the unit; checked against int64 overflow.
  const __int128 secs = static_cast<__int128>(days) * 86400 + nanos / 1000000000LL - *offset_seconds;
  const int64_t sub = nanos % 1000000000LL;
  __int128 v = unit == TimeUnit::kNano ? secs * 1000000000LL + sub : secs * 1000000LL + sub / 1000;
  if (v < std::numeric_limits<int64_t>::min() || v > std::numeric_limits<int64_t>::max()) {
    return fail(unit == TimeUnit::kNano ? "is out of range for a nanosecond timestamp"
                                        : "is out of range for a timestamp");
  }
  *value = static_cast<int64_t>(v);
  return true;
}

bool ParseDecimal(std::string_view s, int precision, int scale, __int128* unscaled, std::string* why) {
  auto fail = [&](std::string reason) {
    if (why) *why = std::move(reason);
    return false;
  };
  const std::string type_name = "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  size_t p = 0;
  bool neg = false;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) neg = s[p++] == '-';
  std::string digits;
  int frac_len = 0;
  bool any = false, point = false;
  for (; p < s.size(); ++p) {
    const char c = s[p];
    if (IsDigit(c)) {
      any = true;
      if (!(digits.empty() && c == '0')) digits.push_back(c);  // drop leading zeros as we go
      if (point) ++frac_len;
      if (digits.size() > 200) return fail("is out of range for " + type_name);
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return fail("is not a valid " + type_name);
  int64_t exp = 0;
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    bool eneg = false;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) eneg = s[p++] == '-';
    size_t start = p;
    while (p < s.size() && IsDigit(s[p])) {
      if (exp < 100000) exp = exp * 10 + (s[p] - '0');
      ++p;
    }
    if (p == start) return fail("is not a valid " + type_name);
    if (eneg) exp = -exp;
  }
  if (p != s.size()) return fail("is not a valid " + type_name);
  if (digits.empty()) {
    *unscaled = 0;
    return true;
  }
  // value = digits × 10^(exp − frac_len); unscaled = digits × 10^(shift).
  const int64_t shift = exp - frac_len + scale;
  if (shift >= 0) {
    if (static_cast<int64_t>(digits.size()) + shift > precision) return fail("is out of range for " + type_name);
    digits.append(static_cast<size_t>(shift), '0');
  } else {
    const int64_t drop = -shift;
    if (drop >= static_cast<int64_t>(digits.size())) {
      if (digits.find_first_not_of('0') != std::string::npos) {
        return fail("has more than " + std::to_string(scale) + " fraction digits for " + type_name);
      }
      digits = "0";
    } else {
      const std::string tail = digits.substr(digits.size() - static_cast<size_t>(drop));
      if (tail.find_first_not_of('0') != std::string::npos) {
        return fail("has more than " + std::to_string(scale) + " fraction digits for " + type_name);
      }
      digits.erase(digits.size() - static_cast<size_t>(drop));
    }
  }
  if (static_cast<int>(digits.size()) > precision) return fail("is out of range for " + type_name);
  __int128 v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  *unscaled = neg ? -v : v;
  return true;
}

bool DecodeBase64(std::string_view text, std::string* bytes) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  size_t n = text.size();
  if (n % 4 == 0 && n >= 1 && text[n - 1] == '=') --n;
  if (n % 4 == 3 && n >= 1 && text[n - 1] == '=') --n;  // second '=' of "xx=="
  if (n % 4 == 1) return false;
  bytes->clear();
  bytes->reserve(n * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    const int v = value(text[i]);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

std::string AppendParsedText(const DataType& type, std::string_view text, columnar::ArrayBuilder* builder) {
  switch (type.id()) {
    case TypeId::kNull:
      return "is not null (a VOID column holds only nulls)";
    case TypeId::kBoolean: {
      auto* b = static_cast<columnar::BooleanBuilder*>(builder);
      if (EqualsIgnoreCase(text, "true")) {
        b->Append(true);
      } else if (EqualsIgnoreCase(text, "false")) {
        b->Append(false);
      } else {
        return "is not a valid BOOLEAN (expected true or false)";
      }
      return {};
    }
    case TypeId::kInt8: return AppendInteger<int8_t>(text, type, builder);
    case TypeId::kInt16: return AppendInteger<int16_t>(text, type, builder);
    case TypeId::kInt32: return AppendInteger<int32_t>(text, type, builder);
    case TypeId::kInt64: return AppendInteger<int64_t>(text, type, builder);
    case TypeId::kUInt8: return AppendInteger<uint8_t>(text, type, builder);
    case TypeId::kUInt16: return AppendInteger<uint16_t>(text, type, builder);
    case TypeId::kUInt32: return AppendInteger<uint32_t>(text, type, builder);
    case TypeId::kUInt64: return AppendInteger<uint64_t>(text, type, builder);
    case TypeId::kFloat32: return AppendFloat<float>(text, type, builder);
    case TypeId::kFloat64: return AppendFloat<double>(text, type, builder);
    case TypeId::kDecimal128: {
      __int128 v;
      std::string why;
      if (!ParseDecimal(text, type.precision(), type.scale(), &v, &why)) return why;
      static_cast<columnar::Decimal128Builder*>(builder)->Append(v);
      return {};
    }
    case TypeId::kString:
      if (!static_cast<columnar::BinaryBuilder*>(builder)->Append(text)) return "does not fit: the batch's strings exceed 2 GiB";
      return {};
    case TypeId::kBinary: {
      std::string bytes;
      if (!DecodeBase64(text, &bytes)) return "is not valid base64";
      if (!static_cast<columnar::BinaryBuilder*>(builder)->Append(bytes)) return "does not fit: the batch's data exceeds 2 GiB";
      return {};
    }
    case TypeId::kFixedSizeBinary: {
      std::string bytes;
      if (!DecodeBase64(text, &bytes)) return "is not valid base64";
      if (!static_cast<columnar::FixedSizeBinaryBuilder*>(builder)->Append(bytes)) {
        return "decodes to " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(type.byte_width()) +
               " for " + type.ToString();
      }
      return {};
    }
    case TypeId::kDate32: {
      int32_t d;
      if (!ParseDate(text, &d)) return "is not a valid DATE (expected YYYY-MM-DD)";
      static_cast<columnar::Int32Builder*>(builder)->Append(d);
      return {};
    }
    case TypeId::kTime64: {
      int64_t v;
      if (!ParseTime(text, type.unit(), &v)) {
        return type.unit() == TimeUnit::kMicro ? "is not a valid TIME (expected HH:MM:SS[.ffffff])"
                                               : "is not a valid TIME (expected HH:MM:SS[.fffffffff])";
      }
      static_cast<columnar::Int64Builder*>(builder)->Append(v);
      return {};
    }
    case TypeId::kTimestamp: {
      int64_t v, offset;
      bool had_offset;
      std::string why;
      if (!ParseTimestamp(text, type.unit(), &v, &had_offset, &offset, &why)) return why;
      if (!type.utc_adjusted() && offset != 0) {
        return "has a zone offset, but " + type.ToString() + " holds local date-times without a zone";
      }
      static_cast<columnar::Int64Builder*>(builder)->Append(v);
      return {};
    }
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap:
      return "cannot be read as text: " + type.ToString() + " is a nested type";
  }
  return "has an unsupported type";
}

}  // namespace tide::format::text
