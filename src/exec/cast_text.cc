// Spark's text forms of values (CAST to STRING), parsing of date and timestamp text, and
// time zones (fixed offsets and the system zoneinfo database).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>

#include "base/endian.h"
#include "columnar/json.h"
#include "exec/cast.h"
#include "exec/functions/datetime_util.h"

namespace tide::exec {

using columnar::ArrayData;
using columnar::TypeId;
using fn::kMicrosPerDay;
using fn::kMicrosPerSecond;

// ---------------------------------------------------------------------------- time zones

namespace {

// "+02:00", "-0530", "+3", "UTC+3", "GMT-08:00" -> seconds; false when not an offset.
bool ParseOffset(std::string_view s, int64_t* seconds) {
  if (s.rfind("UTC", 0) == 0 || s.rfind("GMT", 0) == 0) s.remove_prefix(3);
  else if (s.rfind("UT", 0) == 0) s.remove_prefix(2);
  if (s.empty()) {
    *seconds = 0;
    return true;
  }
  if (s[0] != '+' && s[0] != '-') return false;
  const int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int h = 0, m = 0, sec = 0;
  auto digits = [&](int* out, size_t max) {
    size_t k = 0;
    int v = 0;
    while (k < s.size() && k < max && s[k] >= '0' && s[k] <= '9') v = v * 10 + (s[k++] - '0');
    if (k == 0) return false;
    *out = v;
    s.remove_prefix(k);
    return true;
  };
  if (!digits(&h, 2)) return false;
  if (!s.empty() && s[0] == ':') s.remove_prefix(1);
  if (!s.empty() && !digits(&m, 2)) return false;
  if (!s.empty() && s[0] == ':') s.remove_prefix(1);
  if (!s.empty() && !digits(&sec, 2)) return false;
  if (!s.empty() || h > 18 || m > 59 || sec > 59) return false;
  *seconds = sign * (h * 3600 + m * 60 + sec);
  return true;
}

}  // namespace

const TimeZone& TimeZone::Utc() {
  static const TimeZone* utc = [] {
    auto* z = new TimeZone();
    z->name_ = "UTC";
    return z;
  }();
  return *utc;
}

base::Result<TimeZone> TimeZone::Make(const std::string& name) {
  TimeZone z;
  z.name_ = name;
  int64_t off = 0;
  if (name == "Z" || name == "UTC" || name == "GMT" || name == "Etc/UTC" || name == "Etc/GMT") return z;
  if (ParseOffset(name, &off)) {
    z.fixed_offset_ = off * kMicrosPerSecond;
    return z;
  }
  // An IANA name: only letters, digits, '_', '-', '+', '/' and no "..".
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' || c == '/')) {
      return base::Status::InvalidArgument("invalid time zone '" + name + "'");
    }
  }
  if (name.empty() || name.find("..") != std::string::npos || name[0] == '/') {
    return base::Status::InvalidArgument("invalid time zone '" + name + "'");
  }
  std::ifstream f("/usr/share/zoneinfo/" + name, std::ios::binary);
  if (!f) return base::Status::InvalidArgument("unknown time zone '" + name + "'");
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto bad = [&] { return base::Status::InvalidArgument("time zone '" + name + "': malformed zoneinfo file"); };
  auto be32 = [&](size_t p) -> int64_t {
    const auto* u = reinterpret_cast<const uint8_t*>(data.data() + p);
    return static_cast<int32_t>((uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3]);
  };
  auto be64 = [&](size_t p) -> int64_t {
    return static_cast<int64_t>((static_cast<uint64_t>(static_cast<uint32_t>(be32(p))) << 32) |
                                static_cast<uint32_t>(be32(p + 4)));
  };
  if (data.size() < 44 || data.compare(0, 4, "TZif") != 0) return bad();
  auto counts = [&](size_t p, int64_t c[6]) {
    for (int k = 0; k < 6; ++k) c[k] = be32(p + 20 + 4 * k);
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  counts(0, c);
  size_t pos = 44;
  int time_size = 4;
  if (data[4] >= '2') {
    // Skip the v1 block; use the 64-bit one.
    pos += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (data.size() < pos + 44) return bad();
    counts(pos, c);
    pos += 44;
    time_size = 8;
  }
  const int64_t timecnt = c[3], typecnt = c[4];
  if (typecnt <= 0 || data.size() < pos + timecnt * (time_size + 1) + typecnt * 6) return bad();
  std::vector<int64_t> times(timecnt);
  for (int64_t k = 0; k < timecnt; ++k) times[k] = time_size == 8 ? be64(pos + k * 8) : be32(pos + k * 4);
  pos += timecnt * time_size;
  std::vector<uint8_t> idx(timecnt);
  for (int64_t k = 0; k < timecnt; ++k) idx[k] = static_cast<uint8_t>(data[pos + k]);
  pos += timecnt;
  std::vector<int32_t> type_off(typecnt);
  for (int64_t k = 0; k < typecnt; ++k) type_off[k] = static_cast<int32_t>(be32(pos + k * 6));
  for (int64_t k = 0; k < timecnt; ++k) {
    if (idx[k] >= typecnt) return bad();
    z.transitions_.push_back(times[k]);
    z.offsets_.push_back(type_off[idx[k]]);
  }
  z.initial_offset_ = type_off[0];
  if (z.transitions_.empty()) z.fixed_offset_ = int64_t{type_off[0]} * kMicrosPerSecond;
  return z;
}

int64_t TimeZone::OffsetAtUtc(int64_t utc_micros) const {
  if (transitions_.empty()) return fixed_offset_;
  const int64_t s = fn::FloorDiv(utc_micros, kMicrosPerSecond);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (it == transitions_.begin()) return int64_t{initial_offset_} * kMicrosPerSecond;
  return int64_t{offsets_[it - transitions_.begin() - 1]} * kMicrosPerSecond;
}

int64_t TimeZone::OffsetAtLocal(int64_t local_micros) const {
  if (transitions_.empty()) return fixed_offset_;
  // Try the offsets around: the earlier valid interpretation wins (java.time's default).
  int64_t o1 = OffsetAtUtc(local_micros - OffsetAtUtc(local_micros - kMicrosPerDay));
  int64_t o2 = OffsetAtUtc(local_micros - OffsetAtUtc(local_micros + kMicrosPerDay));
  int64_t best = o1;
  if (OffsetAtUtc(local_micros - o1) != o1) best = o2;
  else if (o1 != o2 && OffsetAtUtc(local_micros - o2) == o2) best = std::max(o1, o2);
  return best;
}

const TimeZone& SessionTimeZone(QueryContext* ctx) {
  if (ctx == nullptr) return TimeZone::Utc();
  const std::string& name = ctx->settings().time_zone;
  if (name.empty() || name == "UTC") return TimeZone::Utc();
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<TimeZone>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(name);
  if (it != cache.end()) return *it->second;
  auto z = TimeZone::Make(name);
  auto& slot = cache[name];
  slot = std::make_unique<TimeZone>(z.ok() ? *z : TimeZone::Utc());
  return *slot;
}

// ---------------------------------------------------------------------------- text forms

namespace {

// Java's Double.toString: shortest round-trip digits, plain for 1e-3 <= |v| < 1e7, else
// d.dddE[-]x.
std::string JavaFloating(double v, bool is_float) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  std::to_chars_result r = is_float ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(v), std::chars_format::scientific)
                                    : std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  // sci: [-]d[.ddd]e[+-]xx
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = neg ? "-" : "";
  double a = std::fabs(v);
  if (a >= 1e-3 && a < 1e7) {
    if (exp >= 0) {
      std::string ip = digits.substr(0, std::min<size_t>(digits.size(), exp + 1));
      while (static_cast<int>(ip.size()) < exp + 1) ip += '0';
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

void AppendTimestampText(int64_t local_micros, std::string* out) {
  int64_t days = fn::FloorDiv(local_micros, kMicrosPerDay);
  int64_t rem = local_micros - days * kMicrosPerDay;
  out->append(columnar::FormatDate32(static_cast<int32_t>(days)));
  int64_t secs = rem / kMicrosPerSecond;
  int64_t frac = rem % kMicrosPerSecond;
  char buf[32];
  std::snprintf(buf, sizeof(buf), " %02d:%02d:%02d", static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  out->append(buf);
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06d", static_cast<int>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out->append(f);
  }
}

}  // namespace

std::string FormatDoubleSpark(double v) { return JavaFloating(v, false); }
std::string FormatFloatSpark(float v) { return JavaFloating(v, true); }

void AppendValueText(const ArrayData& a, int64_t i, const TimeZone& tz, std::string* out) {
  switch (a.type->id()) {
    case TypeId::kNull: out->append("null"); return;
    case TypeId::kBoolean: out->append(a.BoolValue(i) ? "true" : "false"); return;
    case TypeId::kInt8: out->append(std::to_string(a.Value<int8_t>(i))); return;
    case TypeId::kInt16: out->append(std::to_string(a.Value<int16_t>(i))); return;
    case TypeId::kInt32: out->append(std::to_string(a.Value<int32_t>(i))); return;
    case TypeId::kInt64: out->append(std::to_string(a.Value<int64_t>(i))); return;
    case TypeId::kUInt8: out->append(std::to_string(a.Value<uint8_t>(i))); return;
    case TypeId::kUInt16: out->append(std::to_string(a.Value<uint16_t>(i))); return;
    case TypeId::kUInt32: out->append(std::to_string(a.Value<uint32_t>(i))); return;
    case TypeId::kUInt64: out->append(std::to_string(a.Value<uint64_t>(i))); return;
    case TypeId::kFloat32: out->append(FormatFloatSpark(a.Value<float>(i))); return;
    case TypeId::kFloat64: out->append(FormatDoubleSpark(a.Value<double>(i))); return;
    case TypeId::kDecimal128: out->append(columnar::FormatDecimal128(a.Value<__int128>(i), a.type->scale())); return;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixedSizeBinary: out->append(a.BytesValue(i)); return;
    case TypeId::kDate32: out->append(columnar::FormatDate32(a.Value<int32_t>(i))); return;
    case TypeId::kTime64: {
      int64_t v = a.Value<int64_t>(i);
      if (a.type->unit() == columnar::TimeUnit::kNano) v /= 1000;
      std::string t;
      AppendTimestampText(v, &t);
      out->append(t.substr(t.find(' ') + 1));
      return;
    }
    case TypeId::kTimestamp: {
      int64_t v = a.Value<int64_t>(i);
      if (a.type->unit() == columnar::TimeUnit::kNano) v = fn::FloorDiv(v, 1000);
      AppendTimestampText(a.type->utc_adjusted() ? tz.ToLocal(v) : v, out);
      return;
    }
    case TypeId::kList: {
      out->push_back('[');
      const auto& child = *a.children[0];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) {
        if (k > a.ListBegin(i)) out->append(", ");
        if (child.IsNull(k)) {
          out->append("null");
        } else {
          AppendValueText(child, k, tz, out);
        }
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      const auto& entries = *a.children[0];
      const auto& keys = *entries.children[0];
      const auto& values = *entries.children[1];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) {
        if (k > a.ListBegin(i)) out->append(", ");
        const int64_t p = entries.offset + k;
        AppendValueText(keys, p, tz, out);
        out->append(" -> ");
        if (values.IsNull(p)) {
          out->append("null");
        } else {
          AppendValueText(values, p, tz, out);
        }
      }
      out->push_back('}');
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      for (size_t f = 0; f < a.children.size(); ++f) {
        if (f > 0) out->append(", ");
        const auto& child = *a.children[f];
        const int64_t p = a.offset + i;
        if (child.IsNull(p)) {
          out->append("null");
        } else {
          AppendValueText(child, p, tz, out);
        }
      }
      out->push_back('}');
      return;
    }
  }
}

// ---------------------------------------------------------------------------- parsing

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// Reads 1..max digits.
bool Digits(std::string_view* s, int min, int max, int64_t* v) {
  int k = 0;
  int64_t x = 0;
  while (k < max && k < static_cast<int>(s->size()) && (*s)[k] >= '0' && (*s)[k] <= '9') x = x * 10 + ((*s)[k++] - '0');
  if (k < min) return false;
  *v = x;
  s->remove_prefix(k);
  return true;
}

// yyyy[-[m]m[-[d]d]] with an optional sign on the year; leaves the rest in *s.
bool ParseDatePart(std::string_view* s, int32_t* days) {
  int sign = 1;
  if (!s->empty() && ((*s)[0] == '-' || (*s)[0] == '+')) {
    sign = (*s)[0] == '-' ? -1 : 1;
    s->remove_prefix(1);
  }
  int64_t y = 0, m = 1, d = 1;
  if (!Digits(s, 4, 7, &y)) return false;
  if (!s->empty() && (*s)[0] == '-') {
    s->remove_prefix(1);
    if (!Digits(s, 1, 2, &m)) return false;
    if (!s->empty() && (*s)[0] == '-') {
      s->remove_prefix(1);
      if (!Digits(s, 1, 2, &d)) return false;
    }
  }
  y *= sign;
  if (m < 1 || m > 12 || d < 1 || d > fn::DaysInMonth(y, static_cast<unsigned>(m))) return false;
  *days = static_cast<int32_t>(fn::DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
  return true;
}

}  // namespace

bool ParseDateText(std::string_view s, int32_t* days) {
  s = Trim(s);
  if (!ParseDatePart(&s, days)) return false;
  // Spark accepts a trailing time part ("2024-01-02 10:00:00", "2024-01-02T...").
  return s.empty() || s[0] == ' ' || s[0] == 'T';
}

bool ParseTimestampText(std::string_view s, const TimeZone& tz, int64_t* micros) {
  s = Trim(s);
  int32_t days = 0;
  if (!ParseDatePart(&s, &days)) return false;
  int64_t h = 0, mi = 0, sec = 0, frac = 0;
  if (!s.empty() && (s[0] == ' ' || s[0] == 'T')) {
    s.remove_prefix(1);
    if (!Digits(&s, 1, 2, &h)) return s.empty() ? false : false;
    if (s.empty() || s[0] != ':') return false;
    s.remove_prefix(1);
    if (!Digits(&s, 1, 2, &mi)) return false;
    if (!s.empty() && s[0] == ':') {
      s.remove_prefix(1);
      if (!Digits(&s, 1, 2, &sec)) return false;
      if (!s.empty() && s[0] == '.') {
        s.remove_prefix(1);
        int k = 0;
        while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
          if (k < 6) frac = frac * 10 + (s[0] - '0');
          ++k;
          s.remove_prefix(1);
        }
        for (; k < 6; ++k) frac *= 10;
      }
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return false;
  const int64_t local = days * kMicrosPerDay + ((h * 60 + mi) * 60 + sec) * kMicrosPerSecond + frac;
  std::string_view zone = Trim(s);
  if (zone.empty()) {
    *micros = tz.ToUtc(local);
    return true;
  }
  if (zone == "Z") {
    *micros = local;
    return true;
  }
  auto z = TimeZone::Make(std::string(zone));
  if (!z.ok()) return false;
  *micros = z->ToUtc(local);
  return true;
}

}  // namespace tide::exec
