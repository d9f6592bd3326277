#include "table/time_util.h"

#include <cctype>

#include "columnar/json.h"

namespace tide::table::timeutil {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Parses the date part; returns the index after it or npos.
size_t ParseDatePart(std::string_view s, int64_t* days) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    neg = s[i] == '-';
    ++i;
  }
  size_t ys = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i - ys < 4 || i - ys > 9) return std::string_view::npos;
  int64_t y = 0;
  for (size_t k = ys; k < i; ++k) y = y * 10 + (s[k] - '0');
  if (neg) y = -y;
  int64_t m, d;
  if (i >= s.size() || s[i] != '-' || !Digits(s, i + 1, 2, &m)) return std::string_view::npos;
  i += 3;
  if (i >= s.size() || s[i] != '-' || !Digits(s, i + 1, 2, &d)) return std::string_view::npos;
  i += 3;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return std::string_view::npos;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return std::string_view::npos;
  *days = columnar::DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return i;
}

}  // namespace

std::optional<int32_t> ParseDate(std::string_view s) {
  int64_t days;
  size_t end = ParseDatePart(s, &days);
  if (end != s.size()) return std::nullopt;
  if (days < INT32_MIN || days > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(days);
}

std::optional<ParsedTimestamp> ParseTimestamp(std::string_view s) {
  int64_t days;
  size_t i = ParseDatePart(s, &days);
  if (i == std::string_view::npos) return std::nullopt;
  ParsedTimestamp out;
  int64_t h = 0, mi = 0, sec = 0, frac = 0;
  if (i < s.size() && (s[i] == ' ' || s[i] == 'T')) {
    ++i;
    if (!Digits(s, i, 2, &h) || i + 2 >= s.size() || s[i + 2] != ':' || !Digits(s, i + 3, 2, &mi)) return std::nullopt;
    i += 5;
    if (i < s.size() && s[i] == ':') {
      if (!Digits(s, i + 1, 2, &sec)) return std::nullopt;
      i += 3;
      if (i < s.size() && s[i] == '.') {
        ++i;
        size_t fs = i;
        int64_t scale = 100000;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
          if (i - fs < 6) frac += (s[i] - '0') * scale, scale /= 10;
          ++i;
        }
        if (i == fs) return std::nullopt;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  }
  int64_t offset_s = 0;
  if (i < s.size()) {
    std::string_view z = s.substr(i);
    while (!z.empty() && z.front() == ' ') z.remove_prefix(1);
    if (z == "Z" || z == "UTC" || z == "z") {
      out.has_zone = true;
    } else if (!z.empty() && (z[0] == '+' || z[0] == '-')) {
      int64_t oh = 0, om = 0;
      if (!Digits(z, 1, 2, &oh)) return std::nullopt;
      size_t k = 3;
      if (k < z.size() && z[k] == ':') ++k;
      if (k < z.size()) {
        if (!Digits(z, k, 2, &om) || k + 2 != z.size()) return std::nullopt;
      }
      offset_s = (oh * 3600 + om * 60) * (z[0] == '-' ? -1 : 1);
      out.has_zone = true;
    } else {
      return std::nullopt;
    }
  }
  out.micros = ((days * 86400 + h * 3600 + mi * 60 + sec) - offset_s) * 1000000 + frac;
  return out;
}

}  // namespace tide::table::timeutil
