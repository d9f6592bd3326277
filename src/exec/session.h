// A SQL session: parses, binds, optimizes and executes statements against a data directory.
// This is the one entry point the `tide sql` shell, the server's SQL endpoint, the SQL logic
// tests and the benchmarks use.
//
//   Session session({.data_dir = "/var/lib/tide"});
//   TIDE_ASSIGN_OR_RETURN(StatementResult r, session.Execute("SELECT count(*) FROM sales"));
//
// Tables named `name` live at DATA_DIR/tables/name (Delta); delta.`path` and parquet.`path`
// read files anywhere. Statements (docs/sql.md): queries; CREATE TABLE [AS SELECT], CREATE
// [TEMP] VIEW, DROP, ALTER TABLE; INSERT INTO/OVERWRITE, UPDATE, DELETE, MERGE INTO; OPTIMIZE,
// VACUUM, RESTORE; DESCRIBE [DETAIL|HISTORY], SHOW TABLES/COLUMNS/TBLPROPERTIES; EXPLAIN; SET.
//
// Every statement's result is a table: queries their rows; DML Spark's metric columns
// (num_affected_rows, num_inserted_rows, ...); DDL an empty result; DESCRIBE/SHOW their rows.
//
// Errors: parse and bind errors are InvalidArgument/NotFound with "line L, column C: ..." and
// the source line with a caret; runtime errors name the expression; Cancelled after Cancel().
//
// Thread-safety: one statement at a time per session; Cancel() may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "exec/executor.h"
#include "exec/query_context.h"

namespace tide::exec {

struct SessionOptions {
  std::string data_dir;
  ExecSettings settings;
};

struct StatementResult {
  std::shared_ptr<const columnar::Schema> schema;
  std::vector<std::shared_ptr<columnar::RecordBatch>> batches;
  ExecStats stats;
  int64_t elapsed_micros = 0;
  int64_t num_rows() const;
};

class Catalog;  // catalog.h
namespace stmt {
struct StatementEnv;  // statements/statements.h
}

class Session {
 public:
  explicit Session(SessionOptions options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Exactly one statement (a trailing ';' is fine).
  base::Result<StatementResult> Execute(std::string_view sql);
  // Streams a statement's result: `on_schema` once, then the batches in order.
  base::Status ExecuteStreaming(std::string_view sql,
                                const std::function<base::Status(const std::shared_ptr<const columnar::Schema>&)>& on_schema,
                                const ResultSink& on_batch, ExecStats* stats = nullptr);

  // Cancels the running statement (if any); thread-safe. It holds for the rest of that
  // statement: a cancel that lands while no query runs yet (binding, which may already read or
  // generate data) or between the queries of a DML stops the next one at once. With no
  // statement running it does nothing (the next statement is not affected).
  void Cancel();

  // Current settings (changed by SET).
  const ExecSettings& settings() const { return options_.settings; }
  const std::string& data_dir() const { return options_.data_dir; }

 private:
  // Points a statement's environment at this session's catalog, settings and running query.
  void InitEnv(stmt::StatementEnv* env, std::string_view sql);

  SessionOptions options_;
  std::unique_ptr<Catalog> catalog_;
  // Marks the statement that Cancel() applies to (Execute / ExecuteStreaming, after parsing).
  void BeginStatement();
  void EndStatement();

  std::mutex running_mu_;
  std::shared_ptr<QueryContext> running_;  // under running_mu_, as are the two below
  bool in_statement_ = false;
  bool cancel_requested_ = false;  // Cancel() during the current statement
  // Every SET key = value as written (Spark shows unknown keys back); the known ones also
  // change options_.settings.
  std::map<std::string, std::string> conf_;
};

}  // namespace tide::exec
