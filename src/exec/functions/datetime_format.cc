// Spark datetime patterns (datetime_format.h).
#include "exec/functions/datetime_format.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "exec/functions/datetime_util.h"

namespace tide::exec::fn {

namespace {

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* const kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

void Pad(int64_t v, int width, std::string* out) {
  char buf[32];
  if (v < 0) {
    out->push_back('-');
    v = -v;
  }
  std::snprintf(buf, sizeof(buf), "%0*lld", width, static_cast<long long>(v));
  out->append(buf);
}

bool EqualsIgnoreCasePrefix(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(word[i]))) return false;
  }
  return true;
}

}  // namespace

base::Result<DateTimePattern> DateTimePattern::Compile(std::string_view p) {
  DateTimePattern out;
  static const std::string_view kLetters = "GyuYMLdDEeahHkKmsSnXxZzVQqw";
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '\'') {
      if (i + 1 < p.size() && p[i + 1] == '\'') {
        out.items_.push_back({0, 0, "'"});
        i += 2;
        continue;
      }
      size_t j = i + 1;
      std::string lit;
      while (j < p.size()) {
        if (p[j] == '\'') {
          if (j + 1 < p.size() && p[j + 1] == '\'') {
            lit.push_back('\'');
            j += 2;
            continue;
          }
          break;
        }
        lit.push_back(p[j++]);
      }
      if (j >= p.size()) return base::Status::InvalidArgument("unterminated quote in datetime pattern '" + std::string(p) + "'");
      out.items_.push_back({0, 0, lit});
      i = j + 1;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (kLetters.find(c) == std::string_view::npos) {
        return base::Status::InvalidArgument("unknown letter '" + std::string(1, c) + "' in datetime pattern '" + std::string(p) + "'");
      }
      size_t j = i;
      while (j < p.size() && p[j] == c) ++j;
      out.items_.push_back({c, static_cast<int>(j - i), {}});
      i = j;
      continue;
    }
    out.items_.push_back({0, 0, std::string(1, c)});
    ++i;
  }
  return out;
}

void DateTimePattern::Format(int64_t local, int64_t offset_seconds, std::string* out) const {
  const int64_t days = FloorDiv(local, kMicrosPerDay);
  const int64_t tod = local - days * kMicrosPerDay;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  const int64_t hour = tod / 3600000000LL, minute = tod / 60000000LL % 60, second = tod / 1000000 % 60, micros = tod % 1000000;
  for (const Item& it : items_) {
    if (it.letter == 0) {
      out->append(it.literal);
      continue;
    }
    const int n = it.count;
    switch (it.letter) {
      case 'G': out->append(y > 0 ? "AD" : "BC"); break;
      case 'y': case 'u': case 'Y':
        if (n == 2) {
          Pad(FloorMod(y, 100), 2, out);
        } else {
          Pad(y, n, out);
        }
        break;
      case 'M': case 'L':
        if (n >= 4) out->append(kMonths[m - 1]);
        else if (n == 3) out->append(std::string(kMonths[m - 1]).substr(0, 3));
        else Pad(m, n, out);
        break;
      case 'd': Pad(d, n, out); break;
      case 'D': Pad(days - DaysFromCivil(y, 1, 1) + 1, n, out); break;
      case 'Q': case 'q': Pad((m - 1) / 3 + 1, n, out); break;
      case 'E': {
        const char* name = kDays[IsoWeekday(days) - 1];
        out->append(n >= 4 ? std::string(name) : std::string(name).substr(0, 3));
        break;
      }
      case 'e': Pad(IsoWeekday(days) % 7 + 1, n, out); break;
      case 'a': out->append(hour < 12 ? "AM" : "PM"); break;
      case 'h': Pad(hour % 12 == 0 ? 12 : hour % 12, n, out); break;
      case 'K': Pad(hour % 12, n, out); break;
      case 'k': Pad(hour == 0 ? 24 : hour, n, out); break;
      case 'H': Pad(hour, n, out); break;
      case 'm': Pad(minute, n, out); break;
      case 's': Pad(second, n, out); break;
      case 'S': {
        char buf[16];
        std::snprintf(buf, sizeof(buf), "%06lld", static_cast<long long>(micros));
        std::string f(buf);
        if (n <= 6) {
          out->append(f.substr(0, n));
        } else {
          out->append(f + std::string(n - 6, '0'));
        }
        break;
      }
      case 'n': Pad(micros * 1000, n, out); break;
      case 'X': case 'x': case 'Z': {
        if (offset_seconds == 0 && it.letter == 'X') {
          out->push_back('Z');
          break;
        }
        int64_t o = offset_seconds < 0 ? -offset_seconds : offset_seconds;
        out->push_back(offset_seconds < 0 ? '-' : '+');
        Pad(o / 3600, 2, out);
        if (n == 1 && it.letter != 'Z') break;
        if (n >= 3 && it.letter != 'Z') out->push_back(':');
        Pad(o / 60 % 60, 2, out);
        break;
      }
      case 'z': case 'V': {
        if (offset_seconds == 0) {
          out->append("UTC");
        } else {
          int64_t o = offset_seconds < 0 ? -offset_seconds : offset_seconds;
          out->push_back(offset_seconds < 0 ? '-' : '+');
          Pad(o / 3600, 2, out);
          out->push_back(':');
          Pad(o / 60 % 60, 2, out);
        }
        break;
      }
      case 'w': {
        int64_t doy = days - DaysFromCivil(y, 1, 1);
        Pad(doy / 7 + 1, n, out);
        break;
      }
      default: break;
    }
  }
}

bool DateTimePattern::Parse(std::string_view s, int64_t* local, bool* has_offset, int64_t* offset_seconds) const {
  int64_t y = 1970, mo = 1, d = 1, h = 0, mi = 0, sec = 0, frac = 0, doy = -1;
  bool pm = false, has_ampm = false;
  *has_offset = false;
  *offset_seconds = 0;
  size_t p = 0;
  auto number = [&](int min, int max, int64_t* v) {
    size_t k = 0;
    bool neg = false;
    if (p < s.size() && (s[p] == '-' || s[p] == '+') && max > 4) {
      neg = s[p] == '-';
      ++p;
    }
    int64_t x = 0;
    while (k < static_cast<size_t>(max) && p + k < s.size() && s[p + k] >= '0' && s[p + k] <= '9') x = x * 10 + (s[p + k++] - '0');
    if (k < static_cast<size_t>(min)) return false;
    p += k;
    *v = neg ? -x : x;
    return true;
  };
  for (size_t idx = 0; idx < items_.size(); ++idx) {
    const Item& it = items_[idx];
    if (it.letter == 0) {
      if (s.compare(p, it.literal.size(), it.literal) != 0) return false;
      p += it.literal.size();
      continue;
    }
    // A numeric field directly followed by another numeric field takes exactly its width.
    const bool adjacent = idx + 1 < items_.size() && items_[idx + 1].letter != 0;
    const int n = it.count;
    const int maxw = adjacent ? n : std::max(n, 2);
    switch (it.letter) {
      case 'y': case 'u': case 'Y':
        if (n == 2) {
          if (!number(2, 2, &y)) return false;
          y += 2000;
        } else if (!number(n, adjacent ? n : 9, &y)) {
          return false;
        }
        break;
      case 'M': case 'L':
        if (n >= 3) {
          bool found = false;
          for (int k = 0; k < 12 && !found; ++k) {
            std::string full = kMonths[k];
            std::string name = n >= 4 ? full : full.substr(0, 3);
            if (EqualsIgnoreCasePrefix(s.substr(p), name)) {
              mo = k + 1;
              p += name.size();
              found = true;
            }
          }
          if (!found) return false;
        } else if (!number(n, maxw, &mo)) {
          return false;
        }
        break;
      case 'd': if (!number(n, maxw, &d)) return false; break;
      case 'D': if (!number(n, 3, &doy)) return false; break;
      case 'H': case 'k': if (!number(n, maxw, &h)) return false; break;
      case 'h': case 'K':
        if (!number(n, maxw, &h)) return false;
        break;
      case 'm': if (!number(n, maxw, &mi)) return false; break;
      case 's': if (!number(n, maxw, &sec)) return false; break;
      case 'S': {
        size_t k = 0;
        int64_t x = 0;
        while (p + k < s.size() && k < static_cast<size_t>(std::max(n, 1)) && s[p + k] >= '0' && s[p + k] <= '9') {
          if (k < 6) x = x * 10 + (s[p + k] - '0');
          ++k;
        }
        if (k == 0) return false;
        for (size_t z = k; z < 6; ++z) x *= 10;
        frac = x;
        p += k;
        break;
      }
      case 'a':
        if (EqualsIgnoreCasePrefix(s.substr(p), "AM")) {
          has_ampm = true;
        } else if (EqualsIgnoreCasePrefix(s.substr(p), "PM")) {
          has_ampm = pm = true;
        } else {
          return false;
        }
        p += 2;
        break;
      case 'E': {
        bool found = false;
        for (int k = 0; k < 7 && !found; ++k) {
          std::string full = kDays[k];
          for (const std::string& name : {full, full.substr(0, 3)}) {
            if (!found && EqualsIgnoreCasePrefix(s.substr(p), name)) {
              p += name.size();
              found = true;
            }
          }
        }
        if (!found) return false;
        break;
      }
      case 'X': case 'x': case 'Z': case 'z': case 'V': {
        if (p < s.size() && s[p] == 'Z') {
          ++p;
          *has_offset = true;
          break;
        }
        if (EqualsIgnoreCasePrefix(s.substr(p), "UTC")) {
          p += 3;
          *has_offset = true;
          if (p >= s.size() || (s[p] != '+' && s[p] != '-')) break;
        }
        if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return false;
        int sign = s[p] == '-' ? -1 : 1;
        ++p;
        int64_t oh = 0, om = 0;
        if (!number(2, 2, &oh)) return false;
        if (p < s.size() && s[p] == ':') ++p;
        if (p < s.size() && s[p] >= '0' && s[p] <= '9' && !number(2, 2, &om)) return false;
        *has_offset = true;
        *offset_seconds = sign * (oh * 3600 + om * 60);
        break;
      }
      default:
        return false;
    }
  }
  if (p != s.size()) return false;
  if (has_ampm) {
    if (h < 1 || h > 12) return false;
    h = h % 12 + (pm ? 12 : 0);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(mo)) || h > 23 || mi > 59 || sec > 59) return false;
  int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  if (doy > 0) days = DaysFromCivil(y, 1, 1) + doy - 1;
  *local = days * kMicrosPerDay + ((h * 60 + mi) * 60 + sec) * kMicrosPerSecond + frac;
  return true;
}

}  // namespace tide::exec::fn
