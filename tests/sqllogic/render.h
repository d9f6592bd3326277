// Rendering of query results as sqllogictest text, by the rules the DuckDB cross-check
// (tests/integration/test_sql_duckdb_crosscheck.mjs) applies to DuckDB's results too:
//
//   NULL                 NULL (inside nested values: null)
//   boolean              true / false
//   I column             the integer ("-12")
//   R column             the number rounded to 3 fraction digits, ties away from zero
//                        ("2.500", "-0.333", "0.000" — never "-0.000"); NaN, Infinity, -Infinity
//   T column             the value as Spark's SQL shell prints it (HiveResult.toHiveString):
//     integers           "12"
//     double / float     Java's Double/Float.toString: shortest digits, "1.0", "0.5",
//                        "1.0E7", "1.0E-4", "NaN", "Infinity"
//     decimal(p, s)      exactly s fraction digits ("12.50")
//     string             as is; the empty string as (empty); tab, newline, CR and backslash
//                        escaped as \t \n \r \\ so a row stays one line
//     binary             the bytes as text
//     date               2024-01-31
//     timestamp          2024-01-31 10:00:00, fraction digits only when non-zero and without
//                        trailing zeros (10:00:00.5); TIMESTAMP in the session time zone
//     array              [1,2,null] — nested strings quoted: ["a","b"]
//     map                {"a":1,"b":2}, entries sorted by their text
//     struct             {"f1":1,"f2":"x"}
// An I column must have an integral type and an R column a float, double or decimal type;
// the runner reports a column of another type (Spark's typing is part of what is tested).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "columnar/array.h"

namespace tide::sqllogic {

struct RenderOptions {
  // Offset of the session time zone from UTC in seconds, for TIMESTAMP values.
  int64_t utc_offset_seconds = 0;
};

// The text of value `row` of `column` in a column of type letter `letter` (I, R or T).
std::string RenderValue(const columnar::ArrayData& column, int64_t row, char letter, const RenderOptions& options);

// Empty when `type` may appear in a column of letter `letter`, else what is wrong.
std::string CheckColumnType(const columnar::DataType& type, char letter);

// Java's Double.toString / Float.toString.
std::string JavaDoubleString(double v);
std::string JavaFloatString(float v);
// Rounds to 3 fraction digits, ties away from zero.
std::string RoundDouble3(double v);

}  // namespace tide::sqllogic
