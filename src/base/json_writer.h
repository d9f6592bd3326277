// Minimal streaming JSON writer used for log lines, HTTP API bodies and metadata files.
// It escapes strings per RFC 8259 and never produces invalid JSON: bytes that are not valid
// UTF-8 are written as U+FFFD so a bad client id or topic name cannot break a log line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tide::base {

// Appends `s` as a quoted, escaped JSON string to *out.
void AppendJsonString(std::string* out, std::string_view s);

// Appends a double as JSON: shortest round-trip form; NaN and infinities become the strings
// "NaN", "Infinity", "-Infinity" (DESIGN.md row format).
void AppendJsonDouble(std::string* out, double v);

}  // namespace tide::base
