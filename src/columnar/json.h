// Rows as JSON: the row format of DESIGN.md "Public contracts", used by every `cat` command.
//
// One row is one JSON object {"<field>": value, ...} in schema order, values as:
//   null                      null
//   boolean                   true / false
//   integers (signed, unsigned) numbers
//   float, double             shortest round-trip number (std::to_chars); NaN and infinities as
//                             the strings "NaN", "Infinity", "-Infinity"
//   decimal(p,s)              string with exactly s fraction digits ("-12.50", "0.05", "7")
//   string                    JSON string (see escaping below)
//   binary, fixed binary      base64 string (RFC 4648, padded)
//   date                      "YYYY-MM-DD" (proleptic Gregorian; years after 9999 get more
//                             digits, years before 0 a minus sign: astronomical numbering,
//                             year 0 = 1 BC, -0001 = 2 BC)
//   time                      "HH:MM:SS.ffffff" (micros) or ".fffffffff" (nanos)
//   timestamp                 "YYYY-MM-DDTHH:MM:SS.ffffff" (9 fraction digits for nanos), with
//                             a trailing "Z" when the type is UTC-adjusted
//   struct                    object; list: array; map: array of {"key":…,"value":…}
// Escaping: '"', '\\' and control characters below 0x20 are escaped (\n, \t, ... or \u00XX);
// everything else is emitted as UTF-8. Invalid UTF-8 bytes (a byte that does not start or
// continue a well-formed, shortest-form, non-surrogate sequence) are each replaced by U+FFFD,
// so the output is always valid UTF-8 JSON.
//
// Thread-safety: pure functions over immutable batches.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "base/status.h"
#include "columnar/array.h"

namespace tide::columnar {

// The JSON object for one row (0 <= row < batch.num_rows()).
std::string RowToJson(const RecordBatch& batch, int64_t row);
// Appends value i of `array` as JSON.
void AppendValueJson(const ArrayData& array, int64_t i, std::string* out);
// Appends s as a quoted JSON string.
void AppendJsonString(std::string_view s, std::string* out);
// Writes every row as one line ("JSON lines"). IoError if the stream fails.
base::Status WriteJsonLines(const RecordBatch& batch, std::ostream& out);

// Formatting helpers shared with other writers.
std::string FormatDate32(int32_t days);
// Days since 1970-01-01 of a proleptic Gregorian date (any year; the inverse of FormatDate32's
// calendar arithmetic), for parsers of date and timestamp text.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
std::string FormatTimestamp(int64_t value, TimeUnit unit, bool utc_adjusted);
std::string FormatDecimal128(__int128 unscaled, int scale);
std::string Base64Encode(std::string_view bytes);

}  // namespace tide::columnar
