// Result formatting for `tide sql`: a boxed table, CSV or JSON lines.
//
// Values in table and CSV output render as Spark prints them (FormatSqlValue): NULL (top
// level; "null" inside arrays, maps and structs), true/false, integers, floats and doubles in
// Java's shortest round-trip form (1.0, 0.1, 1.0E10, NaN, Infinity), decimals with their
// exact scale, dates YYYY-MM-DD, timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]' (fraction without
// trailing zeros) in the session time zone (UTC-adjusted timestamps only; TIMESTAMP_NTZ as
// stored), binary as [0A FF], arrays [1, 2], maps {a -> 1}, structs {1, x}.
//
// Formats:
//   table  a box with column names and types in the header, numbers right-aligned, others
//          left-aligned, a footer "N rows"; when `max_width` > 0 the widest columns shrink
//          until the table fits and cut values end with "…". Control characters in values
//          are shown escaped (\n, \t) so each row stays on one line. Results with no columns
//          (DDL) print nothing. Buffers the rows it shows (widths need them all): at most
//          max_table_rows, the footer then says "N rows (M shown)".
//   csv    RFC 4180: a header line of column names, fields quoted when they contain a comma,
//          quote, CR or LF (quotes doubled), NULL as an empty field, lines ending in LF.
//          Streams batch by batch.
//   json   one JSON object per row in DESIGN.md's row format (columnar/json.h). Streams.
//
// Thread-safety: a ResultPrinter is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "columnar/array.h"

namespace tide::cli {

enum class OutputFormat { kTable, kCsv, kJson };

base::Result<OutputFormat> ParseOutputFormat(std::string_view name);
std::string_view OutputFormatName(OutputFormat format);

// How timestamps are shown: "UTC", a fixed offset ("+02:00", "-0530", "UTC+3", "GMT-01:00")
// or an IANA zone name ("Europe/Paris", looked up in the system's tz database).
class TimeZone {
 public:
  // InvalidArgument for a name that is neither an offset nor a zone the system knows.
  static base::Result<TimeZone> Make(std::string_view name);
  static TimeZone Utc() { return TimeZone(); }
  // Offset from UTC in seconds at the UTC instant `utc_seconds`.
  int64_t OffsetSeconds(int64_t utc_seconds) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_ = "UTC";
  bool fixed_ = true;
  int64_t fixed_offset_ = 0;
  std::shared_ptr<const void> zone_;  // the zone's transitions (sql_format.cc), shared by copies
};

struct FormatOptions {
  TimeZone time_zone;
  // Terminal width for the table format; 0 = no limit.
  int max_width = 0;
  // Rows the table format shows (it holds them in memory to size the columns); the footer
  // counts every row. 0 = all.
  int64_t max_table_rows = 10000;
};

// One value rendered for table and CSV output (top-level null → "NULL").
std::string FormatSqlValue(const columnar::ArrayData& array, int64_t row, const FormatOptions& options);
// Type names for the table header: lower-case Spark names ("bigint", "decimal(15,2)").
std::string SqlTypeName(const columnar::DataType& type);

class ResultPrinter {
 public:
  ResultPrinter(OutputFormat format, FormatOptions options, std::ostream* out);
  ~ResultPrinter();

  base::Status Begin(const std::shared_ptr<const columnar::Schema>& schema);
  base::Status Add(const columnar::RecordBatch& batch);
  // Prints what is buffered (table) and the footer; flushes. IoError when the stream failed.
  base::Status Finish();

 private:
  OutputFormat format_;
  FormatOptions options_;
  std::ostream* out_;
  std::shared_ptr<const columnar::Schema> schema_;
  std::vector<std::vector<std::string>> rows_;  // table: rendered cells
  int64_t row_count_ = 0;
};

}  // namespace tide::cli
