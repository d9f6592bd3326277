// Per-file column statistics for Delta `add.stats` (PROTOCOL.md "Per-file Statistics"),
// collected while a data file is written.
//
//   {"numRecords":3,"minValues":{"id":1,"s":{"x":"a"}},"maxValues":{...},"nullCount":{"id":0,"s":{"x":1}}}
//
// Which columns: the leaf columns of the file's schema in schema order (a struct's fields count
// one by one, an array or map counts as one leaf), the first `delta.dataSkippingNumIndexedCols`
// of them (default 32; -1 = all), or exactly the columns named in `delta.dataSkippingStatsColumns`
// (comma-separated logical names, nested as `a.b`, backquotes allowed) when that is set.
// Partition columns are never in data files, so they never have statistics.
// Names in the JSON are the file's (physical) names, so a column-mapped table gets physical
// names as the protocol requires; selection by name uses the logical schema.
//
// What is recorded per selected leaf:
//   nullCount  always (a struct field counts a row as null when the field or any enclosing
//              struct is null; an array/map column counts null arrays/maps).
//   min/max    for integers, floats, decimals (JSON numbers), strings, dates ("YYYY-MM-DD"),
//              timestamps (ISO-8601 truncated to milliseconds as Spark writes them:
//              "2024-01-02T03:04:05.123Z", TIMESTAMP_NTZ without the "Z"; readers add 1 ms to
//              max, because truncation can make it smaller than the true maximum).
//              Not for booleans, binary, time, arrays and maps (Spark does not either).
//   strings    compared byte-wise (UTF-8 order = code point order). min is the first 32 code
//              points of the minimum (a prefix is <= the value, so still a lower bound). max is
//              the first 32 code points of the maximum, and when that value was longer the code
//              point U+10FFFF is appended (as Delta does) so the bound stays >= every value with
//              that prefix; when the code point after the prefix is itself U+10FFFF no such bound
//              exists and max is omitted.
//   floats     NaN and infinities: when a column holds a NaN, its min and max are omitted
//              (Spark and DuckDB order NaN above every number, so a bound that ignored it would
//              let readers skip a file holding matching NaNs); an infinite min/max is omitted
//              too (JSON has no number for it). -0.0 and 0.0 compare equal.
// A leaf without any non-null value gets no min/max, only its nullCount. Objects for structs
// with nothing inside are omitted. `tightBounds` is not written (Tide writes no deletion vectors
// at write time).
//
// Thread-safety: a StatsCollector is used by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"

namespace tide::table {

struct StatsOptions {
  int32_t num_indexed_cols = 32;                         // -1 = every leaf
  std::optional<std::vector<std::vector<std::string>>> stats_columns;  // logical paths; overrides num_indexed_cols
  int32_t string_prefix_length = 32;                     // code points
};

// Reads `delta.dataSkippingNumIndexedCols` and `delta.dataSkippingStatsColumns` from a table's
// configuration. InvalidArgument naming the property when a value does not parse (a number
// below -1, an unterminated backquote, an empty name).
base::Result<StatsOptions> StatsOptionsFromConfiguration(const std::map<std::string, std::string>& configuration);

// Splits a `dataSkippingStatsColumns` value into column paths: "a, b.c, `x.y`.z" ->
// [[a], [b, c], [x.y, z]].
base::Result<std::vector<std::vector<std::string>>> ParseStatsColumns(const std::string& value);

class StatsCollector {
 public:
  // `logical` and `physical` are the same schema with logical and physical (file) names; they
  // must have the same shape (pass the same schema twice without column mapping). Batches given
  // to Update use the physical schema. Column names in stats_columns match logical names
  // case-insensitively (as Spark resolves them); a named column that does not exist is ignored.
  static base::Result<std::unique_ptr<StatsCollector>> Make(const columnar::Schema& logical,
                                                           const columnar::Schema& physical,
                                                           const StatsOptions& options);
  ~StatsCollector();

  // Folds the batch's rows into the statistics. The batch must have the physical schema's shape.
  void Update(const columnar::RecordBatch& batch);

  int64_t num_records() const { return num_records_; }
  // The stats JSON object (one line, no spaces).
  std::string ToJson() const;

  struct Node;  // one schema node and its accumulators (stats.cc)

 private:
  StatsCollector() = default;
  std::vector<std::unique_ptr<Node>> roots_;
  int64_t num_records_ = 0;
  int32_t prefix_ = 32;
};

// ISO-8601 with milliseconds, truncated toward negative infinity: "2024-01-02T03:04:05.123Z"
// (no "Z" when !utc). `value` is in `unit` since the epoch.
std::string FormatStatsTimestamp(int64_t value, columnar::TimeUnit unit, bool utc);

}  // namespace tide::table
