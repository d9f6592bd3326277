// libFuzzer target: run arbitrary bytes as a SQL query through the whole engine — parser,
// binder, optimizer (with constant folding), expressions and operators — against small Delta
// tables with columns of every common type, nulls included. Every input must end in a result or
// an error Status; a crash, hang or sanitizer report is a bug.
//
// Only queries (SELECT / VALUES / WITH / EXPLAIN) run: statements that write would make inputs
// depend on each other. Inputs that name functions whose output size is a parameter
// (range, repeat, lpad, sequence, ...) are skipped: `repeat('x', 2000000000)` is a correct
// query that needs gigabytes, which libFuzzer would report as an out-of-memory crash.
//
//   build/fuzz/fuzz/sql_query_fuzz -max_total_time=60 CORPUS_DIR tests/fuzz/corpus/sql_query_fuzz
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "exec/session.h"
#include "sql/parser.h"
#include "large_stack.h"

namespace {

tide::exec::Session* g_session = nullptr;
std::string* g_data_dir = nullptr;

// libFuzzer ends a timed run with exit(): the tables go with it. After a crash the directory
// stays, with the tables the crashing input ran against.
void RemoveDataDir() {
  std::error_code ec;
  if (g_data_dir != nullptr) std::filesystem::remove_all(*g_data_dir, ec);
}

// Tables t and u share key `k` so joins match; nested and temporal types exercise their kernels.
constexpr const char* kSetup[] = {
    "CREATE TABLE t (k INT, s STRING, d DOUBLE, m DECIMAL(10,2), dt DATE, ts TIMESTAMP, b BOOLEAN, "
    "a ARRAY<INT>, mp MAP<STRING, INT>, st STRUCT<x: INT, y: STRING>)",
    "INSERT INTO t VALUES "
    "(1, 'alpha', 1.5, 10.25, DATE '2024-01-31', TIMESTAMP '2024-01-31 10:00:00', true, array(1, 2), map('a', 1), "
    "named_struct('x', 1, 'y', 'p')), "
    "(2, 'Beta', -0.0, -3.10, DATE '1999-12-31', TIMESTAMP '1970-01-01 00:00:00', false, array(), map(), "
    "named_struct('x', 2, 'y', 'q')), "
    "(3, '', CAST('NaN' AS DOUBLE), 0.00, DATE '2000-02-29', TIMESTAMP '2038-01-19 03:14:07', NULL, NULL, NULL, NULL), "
    "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, array(NULL, 3), map('b', NULL), named_struct('x', NULL, 'y', NULL)), "
    "(2, 'γειά', 1e300, 99999999.99, DATE '0001-01-01', TIMESTAMP '9999-12-31 23:59:59', true, array(7), "
    "map('c', 3), named_struct('x', 5, 'y', ''))",
    "CREATE TABLE u (k BIGINT, v STRING) USING DELTA PARTITIONED BY (v)",
    "INSERT INTO u VALUES (1, 'x'), (2, 'y'), (2, NULL), (4, 'x')",
};

constexpr const char* kSizeParameterFunctions[] = {
    "range", "repeat", "lpad", "rpad", "space", "sequence", "array_repeat", "explode", "posexplode", "inline",
    "stack", "format_string", "printf", "overlay",
};

bool NamesSizeParameterFunction(std::string_view sql) {
  std::string lower(sql);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* name : kSizeParameterFunctions) {
    if (lower.find(name) != std::string::npos) return true;
  }
  return false;
}

struct Input {
  std::string_view sql;
};

void* Run(void* arg) {
  std::string_view sql = static_cast<Input*>(arg)->sql;
  auto parsed = tide::sql::ParseStatement(sql);
  if (!parsed.ok()) return nullptr;
  auto kind = (*parsed)->kind;
  if (kind != tide::sql::StatementKind::kQuery && kind != tide::sql::StatementKind::kExplain) return nullptr;
  auto result = g_session->Execute(sql);
  if (!result.ok() && result.status().code() == tide::base::StatusCode::kInternal) {
    std::fprintf(stderr, "sql_query_fuzz: internal error for:\n%.*s\n%s\n", static_cast<int>(sql.size()), sql.data(),
                 result.status().ToString().c_str());
    std::abort();
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char dir_template[] = "/tmp/tide-sql-fuzz-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  g_data_dir = new std::string(dir);
  std::atexit(RemoveDataDir);
  tide::exec::SessionOptions options;
  options.data_dir = dir;
  options.settings.threads = 1;
  options.settings.memory_limit = int64_t{256} << 20;
  g_session = new tide::exec::Session(options);
  for (const char* statement : kSetup) {
    auto r = g_session->Execute(statement);
    if (!r.ok()) {
      std::fprintf(stderr, "sql_query_fuzz: setup failed: %s\n%s\n", statement, r.status().ToString().c_str());
      std::abort();
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // queries, not scripts: longer inputs only slow the search down
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  if (NamesSizeParameterFunction(sql)) return 0;
  Input input{sql};
  // Deeply nested expressions recurse through the binder and evaluator; sanitizer frames are
  // large, so run on a thread with a roomy stack.
  tide::fuzz::RunOnLargeStack(Run, &input);
  return 0;
}
