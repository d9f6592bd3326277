// Data skipping from file statistics (add.stats, PROTOCOL.md "Per-file Statistics").
//
// add.stats is JSON: {"numRecords": n, "minValues": {...}, "maxValues": {...},
// "nullCount": {...}, "tightBounds": bool}; the value objects nest like the schema's structs
// and use physical column names under column mapping. Strings may be truncated prefixes (Spark
// truncates to 32 chars, the max bound then gets a tie-breaker suffix), so string bounds are
// used conservatively: min as a lower bound, max only when the file's max is not truncated
// ... Tide treats max strings as upper bounds only for '=', '<', '<=' filters whose literal is
// not longer than the bound prefix (see data_skipping.cc).
// Timestamps in stats are millisecond-truncated ISO strings ("2024-01-01T10:00:00.123Z"), so
// their max is widened by 1 ms before comparing.
//
// Conservative by construction: a missing, unparsable or unknown statistic never skips a file.
//
// Thread-safety: pure functions over immutable values.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/type.h"
#include "table/actions.h"
#include "table/delta_schema.h"
#include "table/scan.h"

namespace tide::table {

// Parsed add.stats. Values are kept as JSON text keyed by the logical dotted column path
// ("a.b"), mapped from physical names with the schema.
struct FileStats {
  std::optional<int64_t> num_records;
  std::map<std::string, std::string> min_values;   // JSON text of the bound
  std::map<std::string, std::string> max_values;
  std::map<std::string, int64_t> null_count;
  std::optional<bool> tight_bounds;
};

// Corruption for text that is not a JSON object; unknown fields are ignored.
base::Result<FileStats> ParseFileStats(std::string_view stats_json, const columnar::Schema& logical_schema,
                                       ColumnMappingMode mode);

// True when the stats prove no row can match every filter (so the file may be skipped).
// `filters` columns are logical names resolved against `logical_schema`. Never errors:
// anything it does not understand keeps the file.
bool StatsCannotMatch(const FileStats& stats, const columnar::Schema& logical_schema,
                      const std::vector<ColumnFilter>& filters);

// True when the partition values prove no row can match (filters on partition columns only;
// partitionValues keys are physical names under column mapping). Evaluated exactly like row
// filters (ApplyFilter on the materialized value).
bool PartitionCannotMatch(const PartitionValues& values, const columnar::Schema& logical_schema,
                          const std::vector<std::string>& partition_columns,
                          const std::vector<ColumnFilter>& filters,
                          ColumnMappingMode mode = ColumnMappingMode::kNone);

}  // namespace tide::table
