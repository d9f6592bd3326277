// CSV (RFC 4180) → record batches of a given schema of primitive types.
//
// Syntax: records end with LF or CRLF (a lone CR is data); fields are separated by `delimiter`;
// a field that starts with `quote` runs to the matching quote, may hold delimiters and line
// breaks, and writes a quote as two quotes (or as escape+quote when `escape` is set, which then
// also escapes itself). Text after a closing quote other than a delimiter or line end is an
// error. A UTF-8 byte order mark at the start is skipped; an empty last line is ignored, other
// empty lines are records with one empty field (an error unless the schema has one column).
//
// Columns: with has_header (default), the first record names the columns and they are matched
// to schema fields by exact name, in any order: a header naming no field is an error unless
// ignore_unknown_columns; a schema field missing from the header is an error when it is
// NOT NULL or when require_all_columns is set, otherwise it is all null; duplicate header names
// are an error. Without a header, records hold the schema's fields in order.
// Every record must have exactly as many fields as the header (or schema).
//
// Values: an unquoted field equal to null_string (default: empty) is null; a quoted field is
// never null. Conversion follows the JSON reader's text rules (json_reader.h): booleans
// true/false (any case), integers in range, floats incl. NaN/Infinity/-Infinity, decimals
// without rounding, dates, times, timestamps with optional offsets, binary as base64. Nested
// types (struct, list, map) are refused when the reader is created (Unsupported, naming the
// column). Surrounding spaces are part of the value (so " 1" is not an integer).
//
// Errors are InvalidArgument naming the source, 1-based line of the record's start, the column
// and the value, e.g. `people.csv: line 7: column 'age': "x1" is not a valid INT`.
// A record or field longer than max_record_bytes is ResourceExhausted (an unterminated quote
// cannot make the reader buffer the whole input).
//
// Thread-safety: a reader is used by one thread at a time; the free functions are reentrant.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "columnar/type.h"

namespace tide::format {

struct CsvReadOptions {
  int64_t batch_size = 64 * 1024;           // rows per batch (>= 1)
  bool has_header = true;
  char delimiter = ',';
  char quote = '"';
  std::optional<char> escape;               // unset: quotes are escaped by doubling them
  std::string null_string;                  // unquoted fields equal to this are null
  bool ignore_unknown_columns = false;
  bool require_all_columns = false;
  std::string source_name = "<input>";      // the "file" in error messages
  int64_t max_record_bytes = 64ll << 20;
};

class CsvReader {
 public:
  // `in` is not owned and must outlive the reader. A schema with nested types or bad options
  // (delimiter == quote, batch_size < 1) makes the first Next() return the error.
  CsvReader(std::istream* in, std::shared_ptr<const columnar::Schema> schema, CsvReadOptions options = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The next batch (1..batch_size rows), or nullptr at the end. The header is read on the
  // first call. After an error every later call returns the same error.
  base::Result<std::shared_ptr<columnar::RecordBatch>> Next();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

base::Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> ReadCsv(
    std::string_view text, std::shared_ptr<const columnar::Schema> schema, CsvReadOptions options = {});
// source_name defaults to the path.
base::Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> ReadCsvFile(
    const std::string& path, std::shared_ptr<const columnar::Schema> schema, CsvReadOptions options = {});

}  // namespace tide::format
