// Partition values (PROTOCOL.md "Partition Value Serialization") and Hive-style partition
// directories.
//
// Serialized forms by type (null is std::nullopt, i.e. JSON null in the log; an empty string
// value of a string column is also written as null, as Spark does):
//   boolean "true"/"false"; byte/short/int/long decimal digits; float/double shortest round
//   trip ("NaN", "Infinity", "-Infinity"); decimal plain digits with the scale ("-12.50");
//   string as is; binary as the raw bytes (PROTOCOL.md: "encoded as a string of escaped binary
//   values" — Tide writes and reads the bytes as a UTF-8 string, "\u0001\u0002" in JSON);
//   date "YYYY-MM-DD"; timestamp (UTC) "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, also accepted in
//   ISO 8601 with a zone ("1970-01-01T00:00:00.123456Z", "+01:00"); timestamp_ntz
//   "YYYY-MM-DD HH:MM:SS[.ffffff]" (the local time).
//
// Directory names: "<col>=<value>/" per partition column in table order; column names and
// values are escaped as Hive/Spark escape path names (%XX for control characters and
// " % ' * / : = ? \ { } [ ] ^ # and DEL, plus ASCII < 0x20), null is __HIVE_DEFAULT_PARTITION__.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "table/actions.h"

namespace tide::table {

inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// The serialized partition value of row `row` of `column` (a primitive type); std::nullopt for
// null (and for an empty string). InvalidArgument for nested or unsupported types.
base::Result<std::optional<std::string>> SerializePartitionValue(const columnar::ArrayData& column, int64_t row);

// A column of `length` copies of the parsed value (all null for std::nullopt).
// InvalidArgument naming `column_name` when `value` does not parse as `type`.
base::Result<columnar::ArrayPtr> MakePartitionColumn(const columnar::TypePtr& type,
                                                     const std::optional<std::string>& value, int64_t length,
                                                     std::string_view column_name);

// Parsed forms used by pruning: a date as days, timestamps as micros since the epoch (UTC for
// timestamp, local for timestamp_ntz), decimals as the unscaled value at the type's scale.
base::Result<int32_t> ParseDateValue(std::string_view s);
base::Result<int64_t> ParseTimestampValue(std::string_view s, bool utc_adjusted);
base::Result<__int128> ParseDecimalValue(std::string_view s, int precision, int scale);

// Hive path escaping of one name or value, and its inverse (malformed %XX is kept as is).
std::string EscapePartitionPathComponent(std::string_view s);
std::string UnescapePartitionPathComponent(std::string_view s);

// "a=1/b=__HIVE_DEFAULT_PARTITION__/" for partition columns in the order given (empty string
// for an unpartitioned table). A column missing from `values` counts as null.
std::string PartitionDirectory(const std::vector<std::string>& partition_columns, const PartitionValues& values);

}  // namespace tide::table
