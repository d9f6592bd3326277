// Internal to src/exec/functions: Spark datetime patterns (yyyy-MM-dd HH:mm:ss.SSS, ...) —
// formatting and parsing of local date-times in micros.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace tide::exec::fn {

class DateTimePattern {
 public:
  // Letters: G y u Y M L d D E e a h H k K m s S n X x Z z V Q q; 'quoted' text; '' a quote.
  static base::Result<DateTimePattern> Compile(std::string_view pattern);
  // local_micros: micros since the epoch in local wall time; offset_seconds for zone letters.
  void Format(int64_t local_micros, int64_t offset_seconds, std::string* out) const;
  // Parses the whole text; *local_micros gets the wall time, *offset_seconds the zone found
  // in the text (has_offset says whether there was one). False on mismatch.
  bool Parse(std::string_view text, int64_t* local_micros, bool* has_offset, int64_t* offset_seconds) const;

 private:
  struct Item {
    char letter = 0;  // 0: literal
    int count = 0;
    std::string literal;
  };
  std::vector<Item> items_;
};

}  // namespace tide::exec::fn
