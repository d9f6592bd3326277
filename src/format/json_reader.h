// JSON lines → record batches of a given schema: the inverse of columnar/json.h.
//
// Input is one JSON object per line ("JSON lines" / NDJSON); blank lines (only spaces, tabs,
// '\r') are skipped, a trailing '\r' (CRLF files) and a UTF-8 byte order mark at the start are
// ignored. Each object's members are matched
// to the schema's fields by exact name; values are converted by the field's type:
//   null                      only null
//   boolean                   true / false
//   integers                  a JSON integer (no fraction, no exponent) within the type's range
//   float, double             any JSON number, or the strings "NaN", "Infinity", "-Infinity"
//   decimal(p,s)              a string or a number ("-12.50", 12.5, 1.25e1); at most p digits,
//                             fraction digits beyond s must be zeros (never rounded)
//   string                    a JSON string
//   binary                    base64 string (RFC 4648, padding optional);
//   fixed binary(n)           base64 string decoding to exactly n bytes
//   date                      "YYYY-MM-DD" (also the extended years json.h prints: "10000-01-01",
//                             "-0001-01-01")
//   time                      "HH:MM:SS[.f…]" up to 9 fraction digits (digits the unit cannot
//                             hold must be zeros)
//   timestamp                 "YYYY-MM-DD[T or space]HH:MM[:SS[.f…]]" with an optional "Z" or
//                             "±HH:MM" / "±HHMM" offset, or a bare date (midnight). For a
//                             UTC-adjusted type an offset converts to UTC (no offset = UTC); a
//                             local type (TIMESTAMP_NTZ) refuses an offset other than "Z"/"+00:00"
//   struct                    an object (members by name; missing members are null)
//   list                      an array
//   map                       an array of {"key": k, "value": v} objects (a missing "value" is
//                             null), or an object whose member names are the keys (converted to
//                             the key type from their text, e.g. "1" for an INT key)
// Missing fields are null. Unknown members are an error unless ignore_unknown_fields is set.
//
// Errors (all InvalidArgument, first one wins, no partial batch is returned): malformed JSON, a
// line that is not an object, a value of the wrong type, an integer out of range, a null (or
// missing value) in a NOT NULL field, duplicate member names. The message names the source, the
// 1-based line, the field path and the offending value (cut to 64 bytes):
//   orders.json: line 3: field 'items[2].qty': 300 is out of range for TINYINT
// Limits: a line longer than max_line_bytes is ResourceExhausted; nesting deeper than 256 is
// InvalidArgument; a batch is cut early once its input lines exceed max_batch_bytes so string
// columns never overflow their 2 GiB offsets.
//
// Thread-safety: a reader is used by one thread at a time; the free functions are reentrant.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "columnar/type.h"

namespace tide::format {

struct JsonReadOptions {
  int64_t batch_size = 64 * 1024;            // rows per batch (>= 1)
  bool ignore_unknown_fields = false;        // skip members the schema does not name
  std::string source_name = "<input>";       // the "file" in error messages
  int64_t max_line_bytes = 64ll << 20;       // longer lines: ResourceExhausted
  int64_t max_batch_bytes = 256ll << 20;     // input bytes per batch before it is cut early
};

// Streams batches from `in` (not owned; must outlive the reader).
class JsonLinesReader {
 public:
  JsonLinesReader(std::istream* in, std::shared_ptr<const columnar::Schema> schema, JsonReadOptions options = {});
  ~JsonLinesReader();
  JsonLinesReader(const JsonLinesReader&) = delete;
  JsonLinesReader& operator=(const JsonLinesReader&) = delete;

  // The next batch (1..batch_size rows), or nullptr at the end of the input. After an error
  // every later call returns the same error.
  base::Result<std::shared_ptr<columnar::RecordBatch>> Next();

  // Lines consumed so far (including blank ones).
  int64_t lines_read() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads all of `text` / the file at `path` (source_name defaults to the path).
base::Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> ReadJsonLines(
    std::string_view text, std::shared_ptr<const columnar::Schema> schema, JsonReadOptions options = {});
base::Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> ReadJsonLinesFile(
    const std::string& path, std::shared_ptr<const columnar::Schema> schema, JsonReadOptions options = {});

// Schema inference from the first `max_lines` non-blank lines: fields in first-seen order,
// every field nullable; integers → BIGINT (DOUBLE when any value of the field has a fraction or
// exponent), booleans → BOOLEAN, objects → STRUCT, arrays → ARRAY (element types merged),
// strings → TIMESTAMP when every non-null value parses as one (with a zone → UTC-adjusted),
// else STRING; a field that is null everywhere is STRING. Conflicting kinds (a number and a
// string) widen to STRING. Errors: malformed JSON or a non-object line (with its line number).
base::Result<std::shared_ptr<const columnar::Schema>> InferJsonSchema(std::string_view text, int64_t max_lines = 1000,
                                                                     std::string_view source_name = "<input>");

}  // namespace tide::format
