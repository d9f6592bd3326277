// CAST between SQL types with Spark's semantics, and Spark's text rendering of values.
//
//   numbers <-> numbers   narrowing checks range (ANSI: error, else null); double -> integral
//                         truncates toward zero; decimal rescale rounds half-up and checks
//                         precision
//   string -> number / boolean / date / timestamp / decimal / binary   parsed with Spark's
//                         rules (trimmed; 'true'/'t'/'yes'/'y'/'1' etc.); bad text is an error
//                         under ANSI, else null
//   anything -> string    Spark's rendering: doubles as Java's Double.toString ("1.0E10",
//                         "0.1"), timestamps in the session zone ("2024-01-02 03:04:05.5"),
//                         arrays "[1, 2]", structs "{1, a}", maps "{a -> 1}", null elements "null"
//   date <-> timestamp    in the session time zone
//   timestamp <-> numbers seconds since the epoch
//   arrays, maps          element-wise; structs by position
// Errors (InvalidArgument through KernelContext::Error) name the value and the target type:
// "cannot cast 'abc' to INT".
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "base/result.h"
#include "columnar/array.h"
#include "exec/functions.h"

namespace tide::exec {

// A time zone: UTC, a fixed offset ("+02:00", "-0530", "UTC+3", "GMT-8"), or an IANA name
// read from the system's zoneinfo database (/usr/share/zoneinfo, TZif v2+).
class TimeZone {
 public:
  static base::Result<TimeZone> Make(const std::string& name);
  static const TimeZone& Utc();
  // Offset from UTC (micros) at the UTC instant `utc_micros`.
  int64_t OffsetAtUtc(int64_t utc_micros) const;
  // Offset to subtract from a local wall time to get UTC (the earlier offset in an overlap,
  // the offset before a gap, as java.time does for LocalDateTime.atZone).
  int64_t OffsetAtLocal(int64_t local_micros) const;
  int64_t ToLocal(int64_t utc_micros) const { return utc_micros + OffsetAtUtc(utc_micros); }
  int64_t ToUtc(int64_t local_micros) const { return local_micros - OffsetAtLocal(local_micros); }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  int64_t fixed_offset_ = 0;
  // Transitions (UTC seconds) and the offset (seconds) in force from each; empty: fixed.
  std::vector<int64_t> transitions_;
  std::vector<int32_t> offsets_;
  int32_t initial_offset_ = 0;
};

// The session time zone of a query (settings().time_zone), parsed once per context; UTC when
// the name is unknown.
const TimeZone& SessionTimeZone(QueryContext* ctx);

// Casts every row of `in` to `to`. ctx.ansi decides error vs null for bad values.
base::Result<columnar::ArrayPtr> CastArray(KernelContext& ctx, const columnar::ArrayData& in, const columnar::TypePtr& to);

// Appends Spark's string form of value i of `a` (not null) to *out.
void AppendValueText(const columnar::ArrayData& a, int64_t i, const TimeZone& tz, std::string* out);
// Spark's rendering of a double / float (Java Double.toString / Float.toString).
std::string FormatDoubleSpark(double v);
std::string FormatFloatSpark(float v);

// Parsing helpers shared with date/time functions. Return false for text that is not valid.
bool ParseDateText(std::string_view s, int32_t* days);
// A timestamp literal "yyyy-MM-dd[ HH:mm:ss[.ffffff]][zone]"; without a zone the text is local
// to `tz`. Result: UTC micros.
bool ParseTimestampText(std::string_view s, const TimeZone& tz, int64_t* micros);

}  // namespace tide::exec
