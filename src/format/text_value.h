// Text → typed value conversion shared by the JSON-lines and CSV readers (json_reader.h,
// csv_reader.h): the parsing half of columnar/json.h's formatting, for primitive types.
//
// AppendParsedText converts `text` to a value of `type` and appends it to `builder` (which must
// have been made by columnar::MakeBuilder for that type). On failure nothing is appended and the
// reason is returned as a phrase the caller puts after the quoted value, e.g.
//   "is out of range for TINYINT", "is not a valid DATE (expected YYYY-MM-DD)".
// Accepted text per type is documented in json_reader.h; integers accept a leading '+' or '-',
// booleans true/false in any case, floats also inf/nan spellings in any case.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "columnar/builder.h"
#include "columnar/type.h"

namespace tide::format::text {

// Empty string on success, else the reason.
std::string AppendParsedText(const columnar::DataType& type, std::string_view text, columnar::ArrayBuilder* builder);

// Individual parsers (true on success).
bool ParseDate(std::string_view text, int32_t* days);
// Local or zoned timestamp in `unit`. *had_offset tells whether an explicit zone was present.
// `why` gets a reason on failure (may be null).
bool ParseTimestamp(std::string_view text, columnar::TimeUnit unit, int64_t* value, bool* had_offset,
                    int64_t* offset_seconds, std::string* why);
bool ParseTime(std::string_view text, columnar::TimeUnit unit, int64_t* value);
// Unscaled value at `scale` with at most `precision` digits; `why` as above.
bool ParseDecimal(std::string_view text, int precision, int scale, __int128* unscaled, std::string* why);
bool DecodeBase64(std::string_view text, std::string* bytes);

// `text` as a JSON string for error messages, cut to 64 bytes ("…" appended when cut).
std::string QuoteForError(std::string_view text);

// Every remaining batch of a streaming reader (CsvReader, JsonLinesReader: Next() returns
// nullptr at the end), stopping at the first error.
template <typename Reader>
base::Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> ReadAllBatches(Reader& reader) {
  std::vector<std::shared_ptr<columnar::RecordBatch>> out;
  for (;;) {
    TIDE_ASSIGN_OR_RETURN(auto batch, reader.Next());
    if (!batch) return out;
    out.push_back(std::move(batch));
  }
}

}  // namespace tide::format::text
