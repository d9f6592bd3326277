// Small string helpers shared by every layer.
#pragma once

#include <string>
#include <string_view>

namespace tide::base {

// `s` with ASCII 'A'..'Z' lowered; other bytes (UTF-8 included) unchanged. For keywords, type
// names and header names, which are ASCII by definition; not a locale-aware case fold.
std::string AsciiLower(std::string_view s);

}  // namespace tide::base
