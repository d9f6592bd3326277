// Date and time kernels. DATE is days since the epoch; TIMESTAMP is UTC micros rendered and
// split into fields in the session time zone (cast.h TimeZone).
#include <cctype>
#include <cmath>
#include <limits>

#include "exec/cast.h"
#include "exec/functions/binary_loop.h"
#include "exec/functions/datetime_format.h"
#include "exec/functions/datetime_util.h"
#include "exec/functions/registry_internal.h"

namespace tide::exec::fn {

namespace {

using Args = std::vector<KernelArg>;

const TimeZone& Zone(KernelContext& ctx) { return SessionTimeZone(ctx.query); }

TypePtr TsType() { return columnar::Timestamp(columnar::TimeUnit::kMicro, true); }

// Micros of a timestamp argument (nanosecond columns scaled), UTC or local as stored.
inline int64_t TsMicros(const KernelArg& a, int64_t i) {
  int64_t v = ValAt<int64_t>(a, i);
  if (a.data().type->unit() == columnar::TimeUnit::kNano) v = FloorDiv(v, 1000);
  return v;
}
// The wall time of a timestamp argument in the session zone.
inline int64_t LocalMicros(KernelContext& ctx, const KernelArg& a, int64_t i) {
  int64_t v = TsMicros(a, i);
  return a.data().type->utc_adjusted() ? Zone(ctx).ToLocal(v) : v;
}

enum class Part { kYear, kQuarter, kMonth, kDay, kDayOfWeek, kWeekday, kDayOfYear, kWeekOfYear };

int32_t DatePart(Part p, int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  switch (p) {
    case Part::kYear: return static_cast<int32_t>(y);
    case Part::kQuarter: return static_cast<int32_t>((m - 1) / 3 + 1);
    case Part::kMonth: return static_cast<int32_t>(m);
    case Part::kDay: return static_cast<int32_t>(d);
    case Part::kDayOfWeek: return IsoWeekday(days) % 7 + 1;  // 1 = Sunday
    case Part::kWeekday: return IsoWeekday(days) - 1;        // 0 = Monday
    case Part::kDayOfYear: return static_cast<int32_t>(days - DaysFromCivil(y, 1, 1) + 1);
    case Part::kWeekOfYear: {
      // ISO 8601 week number.
      const int wd = IsoWeekday(days);
      const int64_t thursday = days - wd + 4;
      int64_t ty;
      unsigned tm, td;
      CivilFromDays(thursday, &ty, &tm, &td);
      return static_cast<int32_t>((thursday - DaysFromCivil(ty, 1, 1)) / 7 + 1);
    }
  }
  return 0;
}

// Days of January 1st for years 1600..2600: year() without the civil-date divisions.
constexpr int kFirstYear = 1600, kYears = 1001;
const std::vector<int32_t>& YearStarts() {
  static const std::vector<int32_t> starts = [] {
    std::vector<int32_t> v(kYears + 1);
    for (int k = 0; k <= kYears; ++k) v[k] = static_cast<int32_t>(DaysFromCivil(kFirstYear + k, 1, 1));
    return v;
  }();
  return starts;
}

inline int32_t FastYear(int32_t d, const int32_t* starts) {
  // An estimate within one year, then corrected against the table.
  int64_t k = (int64_t{d} - starts[0]) * 400 / 146097;
  if (k < 0 || k >= kYears) return DatePart(Part::kYear, d);
  if (starts[k] > d) --k;
  else if (k + 1 <= kYears && starts[k + 1] <= d) ++k;
  if (k < 0 || k >= kYears) return DatePart(Part::kYear, d);
  return kFirstYear + static_cast<int32_t>(k);
}

KernelFunction DatePartKernel(Part p) {
  if (p == Part::kYear) {
    return [](KernelContext& c, const Args& a, int64_t n) {
      const int32_t* starts = YearStarts().data();
      return UnaryFixedLoop<int32_t, int32_t>(c, a, n, columnar::Int32(), [starts](int32_t d, int32_t* r) {
        *r = FastYear(d, starts);
        return true;
      }, "");
    };
  }
  return [p](KernelContext& c, const Args& a, int64_t n) {
    return UnaryFixedLoop<int32_t, int32_t>(c, a, n, columnar::Int32(), [p](int32_t d, int32_t* r) {
      *r = DatePart(p, d);
      return true;
    }, "");
  };
}

enum class TimePart { kHour, kMinute, kSecond };

KernelFunction TimePartKernel(TimePart p) {
  return [p](KernelContext& ctx, const Args& a, int64_t n) {
    return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
      int64_t tod = FloorMod(LocalMicros(ctx, a[0], i), kMicrosPerDay) / kMicrosPerSecond;
      *out = static_cast<int32_t>(p == TimePart::kHour ? tod / 3600 : p == TimePart::kMinute ? tod / 60 % 60 : tod % 60);
      return true;
    });
  };
}

int32_t AddMonths(int32_t days, int64_t months) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t total = y * 12 + (m - 1) + months;
  int64_t ny = FloorDiv(total, 12);
  unsigned nm = static_cast<unsigned>(FloorMod(total, 12) + 1);
  unsigned nd = std::min(d, DaysInMonth(ny, nm));
  return static_cast<int32_t>(DaysFromCivil(ny, nm, nd));
}

const char* const kDayNames[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

// 1..7 (Monday..Sunday) for "Mon", "monday", "MO", ...; 0 if unknown.
int DayOfWeekNamed(std::string_view s) {
  std::string u;
  for (char c : s) u.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  static const char* const kFull[] = {"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"};
  for (int k = 0; k < 7; ++k) {
    std::string full = kFull[k];
    if (u == kDayNames[k] || u == full || u == full.substr(0, 3)) return k + 1;
  }
  return 0;
}

std::string Upper(std::string_view s) {
  std::string u;
  for (char c : s) u.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return u;
}

// date_trunc on a local wall time; false for an unknown unit.
bool TruncLocal(std::string_view unit, int64_t local, int64_t* out) {
  std::string u = Upper(unit);
  const int64_t days = FloorDiv(local, kMicrosPerDay);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (u == "YEAR" || u == "YYYY" || u == "YY") {
    *out = DaysFromCivil(y, 1, 1) * kMicrosPerDay;
  } else if (u == "QUARTER") {
    *out = DaysFromCivil(y, (m - 1) / 3 * 3 + 1, 1) * kMicrosPerDay;
  } else if (u == "MONTH" || u == "MM" || u == "MON") {
    *out = DaysFromCivil(y, m, 1) * kMicrosPerDay;
  } else if (u == "WEEK") {
    *out = (days - (IsoWeekday(days) - 1)) * kMicrosPerDay;
  } else if (u == "DAY" || u == "DD") {
    *out = days * kMicrosPerDay;
  } else if (u == "HOUR") {
    *out = FloorDiv(local, 3600 * kMicrosPerSecond) * 3600 * kMicrosPerSecond;
  } else if (u == "MINUTE") {
    *out = FloorDiv(local, 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
  } else if (u == "SECOND") {
    *out = FloorDiv(local, kMicrosPerSecond) * kMicrosPerSecond;
  } else if (u == "MILLISECOND") {
    *out = FloorDiv(local, 1000) * 1000;
  } else if (u == "MICROSECOND") {
    *out = local;
  } else {
    return false;
  }
  return true;
}

base::Result<ArrayPtr> DateTrunc(KernelContext& ctx, const Args& a, int64_t n) {
  const TimeZone& tz = Zone(ctx);
  return MapRowsFixed<int64_t>(ctx, a, n, ctx.call->type, [&](int64_t i, int64_t* out, base::Status*) {
    int64_t local;
    if (!TruncLocal(StrAt(a[0], i), LocalMicros(ctx, a[1], i), &local)) return false;
    *out = a[1].data().type->utc_adjusted() ? tz.ToUtc(local) : local;
    return true;
  });
}

// trunc(date, fmt): year / quarter / month / week only (Spark returns null otherwise).
base::Result<ArrayPtr> TruncDate(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Date32(), [&](int64_t i, int32_t* out, base::Status*) {
    std::string u = Upper(StrAt(a[1], i));
    if (!(u == "YEAR" || u == "YYYY" || u == "YY" || u == "QUARTER" || u == "MONTH" || u == "MM" || u == "MON" || u == "WEEK")) {
      return false;
    }
    int64_t local;
    TruncLocal(u, int64_t{ValAt<int32_t>(a[0], i)} * kMicrosPerDay, &local);
    *out = static_cast<int32_t>(FloorDiv(local, kMicrosPerDay));
    return true;
  });
}

KernelFunction DateAdd(int sign) {
  return [sign](KernelContext& c, const Args& a, int64_t n) {
    return BinaryFixedLoop<int32_t, int32_t, int32_t>(c, a, n, columnar::Date32(), [sign](int32_t d, int32_t k, int32_t* r) {
      int64_t v = int64_t{d} + sign * int64_t{k};
      *r = static_cast<int32_t>(v);
      return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
    }, "date out of range");
  };
}

base::Result<ArrayPtr> DateDiff(KernelContext& c, const Args& a, int64_t n) {
  return BinaryFixedLoop<int32_t, int32_t, int32_t>(c, a, n, columnar::Int32(), [](int32_t x, int32_t y, int32_t* r) {
    *r = x - y;
    return true;
  }, "");
}

base::Result<ArrayPtr> AddMonthsKernel(KernelContext& c, const Args& a, int64_t n) {
  return BinaryFixedLoop<int32_t, int32_t, int32_t>(c, a, n, columnar::Date32(), [](int32_t d, int32_t k, int32_t* r) {
    *r = AddMonths(d, k);
    return true;
  }, "");
}

base::Result<ArrayPtr> TimestampAddMicros(KernelContext& c, const Args& a, int64_t n) {
  return BinaryFixedLoop<int64_t, int64_t, int64_t>(c, a, n, c.call->type, [](int64_t t, int64_t k, int64_t* r) {
    return !__builtin_add_overflow(t, k, r);
  }, "timestamp out of range");
}

base::Result<ArrayPtr> TimestampAddMonths(KernelContext& ctx, const Args& a, int64_t n) {
  const TimeZone& tz = Zone(ctx);
  const bool utc = ctx.call->args[0]->type->utc_adjusted();
  return MapRowsFixed<int64_t>(ctx, a, n, ctx.call->type, [&](int64_t i, int64_t* out, base::Status*) {
    int64_t local = utc ? tz.ToLocal(TsMicros(a[0], i)) : TsMicros(a[0], i);
    int64_t days = FloorDiv(local, kMicrosPerDay);
    int64_t tod = local - days * kMicrosPerDay;
    int64_t r = int64_t{AddMonths(static_cast<int32_t>(days), ValAt<int32_t>(a[1], i))} * kMicrosPerDay + tod;
    *out = utc ? tz.ToUtc(r) : r;
    return true;
  });
}

// months_between(t1, t2 [, roundOff]): Spark's rule (whole months when both are the same day
// of month or both month ends; else a 31-day month fraction), rounded to 8 digits by default.
base::Result<ArrayPtr> MonthsBetween(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<double>(ctx, a, n, columnar::Float64(), [&](int64_t i, double* out, base::Status*) {
    int64_t l1 = LocalMicros(ctx, a[0], i), l2 = LocalMicros(ctx, a[1], i);
    int64_t d1 = FloorDiv(l1, kMicrosPerDay), d2 = FloorDiv(l2, kMicrosPerDay);
    int64_t y1, y2;
    unsigned m1, m2, dd1, dd2;
    CivilFromDays(d1, &y1, &m1, &dd1);
    CivilFromDays(d2, &y2, &m2, &dd2);
    double months = static_cast<double>((y1 - y2) * 12 + (static_cast<int64_t>(m1) - static_cast<int64_t>(m2)));
    bool end1 = dd1 == DaysInMonth(y1, m1), end2 = dd2 == DaysInMonth(y2, m2);
    double v;
    if (dd1 == dd2 || (end1 && end2)) {
      v = months;
    } else {
      double s1 = static_cast<double>(dd1) * 86400 + static_cast<double>(l1 - d1 * kMicrosPerDay) / 1e6;
      double s2 = static_cast<double>(dd2) * 86400 + static_cast<double>(l2 - d2 * kMicrosPerDay) / 1e6;
      v = months + (s1 - s2) / (31.0 * 86400);
    }
    const bool round = a.size() < 3 || a[2].data().BoolValue(a[2].Row(i));
    *out = round ? std::round(v * 1e8) / 1e8 : v;
    return true;
  });
}

base::Result<ArrayPtr> LastDay(KernelContext& c, const Args& a, int64_t n) {
  return UnaryFixedLoop<int32_t, int32_t>(c, a, n, columnar::Date32(), [](int32_t d, int32_t* r) {
    int64_t y;
    unsigned m, dd;
    CivilFromDays(d, &y, &m, &dd);
    *r = static_cast<int32_t>(DaysFromCivil(y, m, DaysInMonth(y, m)));
    return true;
  }, "");
}

base::Result<ArrayPtr> NextDay(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Date32(), [&](int64_t i, int32_t* out, base::Status* err) {
    int want = DayOfWeekNamed(StrAt(a[1], i));
    if (want == 0) {
      if (ctx.ansi) *err = ctx.Error("invalid day of week '" + std::string(StrAt(a[1], i)) + "'");
      return false;
    }
    int32_t d = ValAt<int32_t>(a[0], i);
    int cur = IsoWeekday(d);
    int delta = (want - cur + 7) % 7;
    *out = d + (delta == 0 ? 7 : delta);
    return true;
  });
}

base::Result<ArrayPtr> MakeDate(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Date32(), [&](int64_t i, int32_t* out, base::Status* err) {
    int64_t y = ValAt<int32_t>(a[0], i), m = ValAt<int32_t>(a[1], i), d = ValAt<int32_t>(a[2], i);
    if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(m))) {
      if (ctx.ansi) *err = ctx.Error("invalid date " + std::to_string(y) + "-" + std::to_string(m) + "-" + std::to_string(d));
      return false;
    }
    *out = static_cast<int32_t>(DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
    return true;
  });
}

// make_timestamp(y, mo, d, h, mi, sec [, zone]).
base::Result<ArrayPtr> MakeTimestamp(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int64_t>(ctx, a, n, ctx.call->type, [&](int64_t i, int64_t* out, base::Status* err) {
    int64_t y = ValAt<int32_t>(a[0], i), m = ValAt<int32_t>(a[1], i), d = ValAt<int32_t>(a[2], i);
    int64_t h = ValAt<int32_t>(a[3], i), mi = ValAt<int32_t>(a[4], i);
    double s = ValAt<double>(a[5], i);
    if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(m)) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        !(s >= 0 && s <= 60)) {
      if (ctx.ansi) *err = ctx.Error("invalid timestamp fields");
      return false;
    }
    int64_t local = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * kMicrosPerDay +
                    (h * 3600 + mi * 60) * kMicrosPerSecond + static_cast<int64_t>(std::llround(s * 1e6));
    const TimeZone* tz = &Zone(ctx);
    TimeZone named;
    if (a.size() > 6) {
      auto z = TimeZone::Make(std::string(StrAt(a[6], i)));
      if (!z.ok()) {
        *err = ctx.Error(z.status().message());
        return false;
      }
      named = *z;
      tz = &named;
    }
    *out = tz->ToUtc(local);
    return true;
  });
}

// A per-call-site compiled pattern (constant) or one compiled per row.
class PatternCache {
 public:
  base::Result<const DateTimePattern*> Get(KernelContext& ctx, std::string_view p) {
    if (!pattern_ || p != text_) {
      auto c = DateTimePattern::Compile(p);
      if (!c.ok()) return ctx.Error(c.status().message());
      pattern_ = std::make_unique<DateTimePattern>(*c);
      text_ = std::string(p);
    }
    return pattern_.get();
  }

 private:
  std::string text_;
  std::unique_ptr<DateTimePattern> pattern_;
};

// Parses text (with an optional pattern) into UTC micros; false for text that does not parse.
bool ParseWith(KernelContext& ctx, PatternCache* cache, std::string_view text, const std::string_view* pattern, int64_t* utc,
               base::Status* err, bool to_utc = true) {
  const TimeZone& tz = Zone(ctx);
  if (pattern == nullptr) return ParseTimestampText(text, to_utc ? tz : TimeZone::Utc(), utc);
  auto p = cache->Get(ctx, *pattern);
  if (!p.ok()) {
    *err = p.status();
    return false;
  }
  int64_t local, off;
  bool has_off;
  if (!(*p)->Parse(text, &local, &has_off, &off)) return false;
  *utc = has_off ? local - off * kMicrosPerSecond : (to_utc ? tz.ToUtc(local) : local);
  return true;
}

class ParseKernel final : public ScalarKernel {
 public:
  enum Kind { kToDate, kToTimestamp, kUnixTimestamp };
  explicit ParseKernel(Kind k) : kind_(k) {}

  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    const TypeId in = a.empty() ? TypeId::kNull : a[0].data().type->id();
    if (kind_ == kUnixTimestamp && a.empty()) {
      return MapRowsFixed<int64_t>(ctx, a, n, columnar::Int64(), [&](int64_t, int64_t* out, base::Status*) {
        *out = FloorDiv(ctx.query->start_time_micros(), kMicrosPerSecond);
        return true;
      });
    }
    if (in == TypeId::kString) {
      auto parse = [&](int64_t i, int64_t* utc, base::Status* err) {
        std::string_view fmt;
        const std::string_view* fp = nullptr;
        if (a.size() > 1) {
          fmt = StrAt(a[1], i);
          fp = &fmt;
        }
        std::string_view text = StrAt(a[0], i);
        if (ParseWith(ctx, &cache_, text, fp, utc, err, ctx.call->type->id() != TypeId::kTimestamp ||
                                                          ctx.call->type->utc_adjusted())) {
          return true;
        }
        if (err->ok() && ctx.ansi) *err = ctx.Error("cannot parse '" + std::string(text) + "' as a " +
                                                    (kind_ == kToDate ? "date" : "timestamp") +
                                                    (fp ? " with pattern '" + std::string(*fp) + "'" : std::string()));
        return false;
      };
      if (kind_ == kToDate) {
        const TimeZone& tz = Zone(ctx);
        return MapRowsFixed<int32_t>(ctx, a, n, columnar::Date32(), [&](int64_t i, int32_t* out, base::Status* err) {
          if (a.size() == 1) {
            if (ParseDateText(StrAt(a[0], i), out)) return true;
          }
          int64_t utc;
          if (!parse(i, &utc, err)) return false;
          *out = static_cast<int32_t>(FloorDiv(tz.ToLocal(utc), kMicrosPerDay));
          return true;
        });
      }
      if (kind_ == kToTimestamp) {
        return MapRowsFixed<int64_t>(ctx, a, n, ctx.call->type, [&](int64_t i, int64_t* out, base::Status* err) {
          return parse(i, out, err);
        });
      }
      return MapRowsFixed<int64_t>(ctx, a, n, columnar::Int64(), [&](int64_t i, int64_t* out, base::Status* err) {
        int64_t utc;
        if (!parse(i, &utc, err)) return false;
        *out = FloorDiv(utc, kMicrosPerSecond);
        return true;
      });
    }
    // DATE / TIMESTAMP / numeric input.
    KernelArg arg = a[0];
    TIDE_ASSIGN_OR_RETURN(ArrayPtr col, CastArray(ctx, arg.data(), kind_ == kToDate ? columnar::Date32() : TsType()));
    if (kind_ != kUnixTimestamp) return ArgColumn(KernelArg{col, arg.scalar}, n);
    KernelArg ts{col, arg.scalar};
    return MapRowsFixed<int64_t>(ctx, {ts}, n, columnar::Int64(), [&](int64_t i, int64_t* out, base::Status*) {
      *out = FloorDiv(ValAt<int64_t>(ts, i), kMicrosPerSecond);
      return true;
    });
  }

 private:
  Kind kind_;
  PatternCache cache_;
};

class DateFormatKernel final : public ScalarKernel {
 public:
  explicit DateFormatKernel(bool from_unix) : from_unix_(from_unix) {}
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const Args& a, int64_t n) override {
    const TimeZone& tz = Zone(ctx);
    return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status* err) {
      std::string_view fmt = a.size() > 1 ? StrAt(a[1], i) : std::string_view("yyyy-MM-dd HH:mm:ss");
      auto p = cache_.Get(ctx, fmt);
      if (!p.ok()) {
        *err = p.status();
        return false;
      }
      int64_t utc, local;
      if (from_unix_) {
        int64_t secs = ValAt<int64_t>(a[0], i);
        if (__builtin_mul_overflow(secs, kMicrosPerSecond, &utc)) return false;
        local = tz.ToLocal(utc);
      } else {
        utc = TsMicros(a[0], i);
        local = a[0].data().type->utc_adjusted() ? tz.ToLocal(utc) : utc;
      }
      (*p)->Format(local, (local - utc) / kMicrosPerSecond, out);
      return true;
    });
  }

 private:
  bool from_unix_;
  PatternCache cache_;
};

// timestamp_seconds / millis / micros: numbers since the epoch -> TIMESTAMP.
KernelFunction FromEpoch(int64_t unit) {
  return [unit](KernelContext& ctx, const Args& a, int64_t n) -> base::Result<ArrayPtr> {
    if (a[0].data().type->id() == TypeId::kFloat64) {
      return MapRowsFixed<int64_t>(ctx, a, n, ctx.call->type, [&](int64_t i, int64_t* out, base::Status* err) {
        double v = ValAt<double>(a[0], i) * static_cast<double>(unit);
        if (!std::isfinite(v) || std::fabs(v) > 9.2e18) {
          if (ctx.ansi) *err = ctx.Error("timestamp out of range");
          return false;
        }
        *out = static_cast<int64_t>(std::floor(v));
        return true;
      });
    }
    return UnaryFixedLoop<int64_t, int64_t>(ctx, a, n, ctx.call->type, [unit](int64_t v, int64_t* r) {
      return !__builtin_mul_overflow(v, unit, r);
    }, "timestamp out of range");
  };
}

KernelFunction ToEpoch(int64_t unit) {
  return [unit](KernelContext& ctx, const Args& a, int64_t n) {
    return UnaryFixedLoop<int64_t, int64_t>(ctx, a, n, columnar::Int64(), [unit](int64_t v, int64_t* r) {
      *r = FloorDiv(v, unit);
      return true;
    }, "");
  };
}

base::Result<ArrayPtr> UnixDate(KernelContext& ctx, const Args& a, int64_t n) {
  return UnaryFixedLoop<int32_t, int32_t>(ctx, a, n, columnar::Int32(), [](int32_t v, int32_t* r) {
    *r = v;
    return true;
  }, "");
}

base::Result<ArrayPtr> DateFromUnixDate(KernelContext& ctx, const Args& a, int64_t n) {
  return UnaryFixedLoop<int32_t, int32_t>(ctx, a, n, columnar::Date32(), [](int32_t v, int32_t* r) {
    *r = v;
    return true;
  }, "");
}

// from_utc_timestamp(ts, zone): treats ts as UTC wall time and shifts it to zone's wall time;
// to_utc_timestamp the reverse (both as Spark, on the UTC-normalized representation).
KernelFunction ShiftZone(bool from_utc) {
  return [from_utc](KernelContext& ctx, const Args& a, int64_t n) {
    return MapRowsFixed<int64_t>(ctx, a, n, ctx.call->type, [&](int64_t i, int64_t* out, base::Status* err) {
      auto z = TimeZone::Make(std::string(StrAt(a[1], i)));
      if (!z.ok()) {
        *err = ctx.Error(z.status().message());
        return false;
      }
      const TimeZone& session = Zone(ctx);
      int64_t v = TsMicros(a[0], i);
      // The session-zone wall time of v, reinterpreted.
      int64_t wall = session.ToLocal(v);
      int64_t shifted = from_utc ? z->ToLocal(wall) : z->ToUtc(wall);
      *out = session.ToUtc(shifted);
      return true;
    });
  };
}

KernelFunction Now(bool date) {
  return [date](KernelContext& ctx, const Args& a, int64_t n) -> base::Result<ArrayPtr> {
    const int64_t now = ctx.query->start_time_micros();
    if (date) {
      int32_t d = static_cast<int32_t>(FloorDiv(Zone(ctx).ToLocal(now), kMicrosPerDay));
      return MapRowsFixed<int32_t>(ctx, a, n, columnar::Date32(), [&](int64_t, int32_t* out, base::Status*) {
        *out = d;
        return true;
      });
    }
    return MapRowsFixed<int64_t>(ctx, a, n, ctx.call->type, [&](int64_t, int64_t* out, base::Status*) {
      *out = now;
      return true;
    });
  };
}

base::Result<ArrayPtr> CurrentTimezone(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t, std::string* out, base::Status*) {
    out->assign(ctx.query->settings().time_zone);
    return true;
  });
}

// date_part(field, source).
base::Result<ArrayPtr> DatePartKernel2(KernelContext& ctx, const Args& a, int64_t n) {
  std::string f;
  for (char c : StrAt(a[0], 0)) f.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  const bool is_date = a[1].data().type->id() == TypeId::kDate32;
  auto local = [&](int64_t i) { return is_date ? int64_t{ValAt<int32_t>(a[1], i)} * kMicrosPerDay : LocalMicros(ctx, a[1], i); };
  auto in = [&](std::initializer_list<const char*> names) {
    for (const char* x : names) {
      if (f == x) return true;
    }
    return false;
  };
  if (in({"SECOND", "S", "SEC", "SECONDS", "SECS"})) {
    return MapRowsFixed<__int128>(ctx, {a[1]}, n, ctx.call->type, [&](int64_t i, __int128* out, base::Status*) {
      *out = FloorMod(local(i), 60 * kMicrosPerSecond);  // DECIMAL(8,6): seconds with micros
      return true;
    });
  }
  return MapRowsFixed<int32_t>(ctx, {a[1]}, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    const int64_t l = local(i);
    const int32_t days = static_cast<int32_t>(FloorDiv(l, kMicrosPerDay));
    const int64_t tod = l - int64_t{days} * kMicrosPerDay;
    if (in({"YEAR", "Y", "YEARS", "YR", "YRS"})) *out = DatePart(Part::kYear, days);
    else if (in({"QUARTER", "QTR"})) *out = DatePart(Part::kQuarter, days);
    else if (in({"MONTH", "MON", "MONS", "MONTHS"})) *out = DatePart(Part::kMonth, days);
    else if (in({"WEEK", "W", "WEEKS"})) *out = DatePart(Part::kWeekOfYear, days);
    else if (in({"DAY", "D", "DAYS"})) *out = DatePart(Part::kDay, days);
    else if (in({"DAYOFWEEK", "DOW"})) *out = DatePart(Part::kDayOfWeek, days);
    else if (in({"DAYOFWEEK_ISO", "DOW_ISO"})) *out = IsoWeekday(days);
    else if (in({"DOY"})) *out = DatePart(Part::kDayOfYear, days);
    else if (in({"HOUR", "H", "HOURS", "HR", "HRS"})) *out = static_cast<int32_t>(tod / 3600000000LL);
    else *out = static_cast<int32_t>(tod / 60000000LL % 60);
    return true;
  });
}

template <typename K, typename... A>
KernelFactory Make(A... args) {
  return [=](const sql::BoundExpr&, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    return std::unique_ptr<ScalarKernel>(std::make_unique<K>(args...));
  };
}

}  // namespace

void RegisterDateTimeKernels(KernelRegistry* r) {
  r->AddFn("year", DatePartKernel(Part::kYear));
  r->AddFn("quarter", DatePartKernel(Part::kQuarter));
  r->AddFn("month", DatePartKernel(Part::kMonth));
  r->AddFn("day", DatePartKernel(Part::kDay));
  r->AddFn("dayofweek", DatePartKernel(Part::kDayOfWeek));
  r->AddFn("weekday", DatePartKernel(Part::kWeekday));
  r->AddFn("dayofyear", DatePartKernel(Part::kDayOfYear));
  r->AddFn("weekofyear", DatePartKernel(Part::kWeekOfYear));
  r->AddFn("hour", TimePartKernel(TimePart::kHour));
  r->AddFn("minute", TimePartKernel(TimePart::kMinute));
  r->AddFn("second", TimePartKernel(TimePart::kSecond));
  r->AddFn("date_trunc", DateTrunc);
  r->AddFn("trunc", TruncDate);
  r->AddFn("date_add", DateAdd(1));
  r->AddFn("date_sub", DateAdd(-1));
  r->AddFn("datediff", DateDiff);
  r->AddFn("add_months", AddMonthsKernel);
  r->AddFn("timestamp_add_micros", TimestampAddMicros);
  r->AddFn("timestamp_add_months", TimestampAddMonths);
  r->AddFn("months_between", MonthsBetween);
  r->AddFn("last_day", LastDay);
  r->AddFn("next_day", NextDay);
  r->AddFn("make_date", MakeDate);
  r->AddFn("make_timestamp", MakeTimestamp);
  r->Add("to_date", Make<ParseKernel>(ParseKernel::kToDate));
  r->Add("to_timestamp", Make<ParseKernel>(ParseKernel::kToTimestamp));
  r->Add("try_to_timestamp", [](const sql::BoundExpr&, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    auto inner = std::make_shared<ParseKernel>(ParseKernel::kToTimestamp);
    return MakeFunctionKernel([inner](KernelContext& c, const Args& a, int64_t n) {
      KernelContext lenient = c;
      lenient.ansi = false;
      lenient.try_mode = true;
      return inner->Execute(lenient, a, n);
    });
  });
  r->AddFn("date_part", DatePartKernel2);
  r->Add("unix_timestamp", Make<ParseKernel>(ParseKernel::kUnixTimestamp));
  r->Add("to_unix_timestamp", Make<ParseKernel>(ParseKernel::kUnixTimestamp));
  r->Add("date_format", Make<DateFormatKernel>(false));
  r->Add("from_unixtime", Make<DateFormatKernel>(true));
  r->AddFn("timestamp_seconds", FromEpoch(kMicrosPerSecond));
  r->AddFn("timestamp_millis", FromEpoch(1000));
  r->AddFn("timestamp_micros", FromEpoch(1));
  r->AddFn("unix_seconds", ToEpoch(kMicrosPerSecond));
  r->AddFn("unix_millis", ToEpoch(1000));
  r->AddFn("unix_micros", ToEpoch(1));
  r->AddFn("unix_date", UnixDate);
  r->AddFn("date_from_unix_date", DateFromUnixDate);
  r->AddFn("from_utc_timestamp", ShiftZone(true));
  r->AddFn("to_utc_timestamp", ShiftZone(false));
  r->AddFn("current_date", Now(true));
  r->AddFn("current_timestamp", Now(false));
  r->AddFn("current_timezone", CurrentTimezone);
}

}  // namespace tide::exec::fn
