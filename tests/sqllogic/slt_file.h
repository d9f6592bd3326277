// Parsing of sqllogictest files (.slt), the format SQLite and DuckDB use for SQL test corpora.
// tests/sql/README.md and docs/sql.md ("Testing SQL") describe the format as Tide uses it:
//
//   # a comment
//   statement ok
//   CREATE TABLE t (a INT, b STRING)
//
//   statement error <substring, or /regex/>
//   SELECT nope FROM t
//
//   onlyif tide
//   query IT rowsort [columns=1,3]
//   SELECT a, b FROM t
//   -- duckdb: SELECT a, b FROM t    (optional DuckDB spelling of the same statement)
//   ----
//   1	x
//   2	NULL
//
// Records are separated by blank lines. Conditions (`onlyif ENGINE`, `skipif ENGINE`) apply to
// the record that follows them; `halt` stops the file; `mode skip` / `mode unskip` skip the
// records between them; `sleep N seconds|milliseconds` pauses (for TIMESTAMP AS OF tests that
// need commits far enough apart). `-- duckdb:` lines are left out of the SQL Tide runs.
//
// Errors: a malformed record is InvalidArgument naming the file and line.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace tide::sqllogic {

enum class RecordKind { kStatementOk, kStatementError, kQuery, kHalt, kSleep };
enum class SortMode { kNoSort, kRowSort, kValueSort };

struct Record {
  RecordKind kind = RecordKind::kStatementOk;
  int line = 0;                      // 1-based line of the record's header
  std::vector<std::string> onlyif;   // engines the record is limited to
  std::vector<std::string> skipif;   // engines that skip the record
  std::string sql;                   // the statement (without `-- duckdb:` lines)
  std::string duckdb_sql;            // the DuckDB variant, empty when none
  std::string error_pattern;         // kStatementError: substring or /regex/ (may be empty)
  std::string types;                 // kQuery: one letter per column (I, R, T)
  SortMode sort = SortMode::kNoSort;
  // kQuery: `columns=version,operation` (names, case-insensitive, or 1-based positions)
  // compares only those result columns, in that order — for results with columns that differ
  // per run (DESCRIBE HISTORY timestamps, table ids); `types` then has one letter per listed
  // column. Empty: every column.
  std::vector<std::string> columns;
  std::vector<std::string> expected; // kQuery: result lines, values separated by tabs
  int64_t sleep_ms = 0;              // kSleep

  // Whether `engine` ("tide", "duckdb") runs this record.
  bool RunsOn(const std::string& engine) const;
};

// Parses the text of one file; `path` only names the file in errors.
base::Result<std::vector<Record>> ParseSlt(const std::string& text, const std::string& path);

}  // namespace tide::sqllogic
