// Internal: civil-date arithmetic and parsing of the date/timestamp text forms Delta uses in
// partition values and statistics. Not part of the public contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tide::table::timeutil {

struct ParsedTimestamp {
  int64_t micros = 0;        // since the epoch, in the stated zone (UTC when has_zone)
  bool has_zone = false;     // 'Z' or an offset was given (already applied to micros)
};

// "YYYY-MM-DD" (optionally with a leading '-' or '+' and more year digits).
std::optional<int32_t> ParseDate(std::string_view s);
// "YYYY-MM-DD", "YYYY-MM-DD[ T]HH:MM[:SS[.fffffffff]]" with optional "Z", "UTC" or "+HH:MM" /
// "-HH[:MM]"; nanosecond digits beyond micros are truncated.
std::optional<ParsedTimestamp> ParseTimestamp(std::string_view s);

}  // namespace tide::table::timeutil
