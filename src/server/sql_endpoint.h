// `POST /api/v1/sql`: one SQL statement per request, run by an exec::Session on the server's
// data directory, off the network loop (a small pool of SQL threads).
//
// Request: the body is the statement's text (any content type; a trailing ';' is fine). Each
// request gets a fresh session: SET and temporary views do not carry over between requests.
// Response 200: the result rows, by default as JSON lines (application/x-ndjson, DESIGN.md's
// row format); with "Accept: application/vnd.apache.parquet" as one Parquet file (what
// `tide sql --server` asks for: exact types). Headers: X-Tide-Schema (the result columns as
// DDL, names back-quoted: "`n` BIGINT, `sum(x)` DECIMAL(25,2)"), X-Tide-Rows, X-Tide-Elapsed-Ms.
// A statement with no result columns (DDL) answers 200 with an empty body and an empty
// X-Tide-Schema.
// Errors: {"error": "<the session's message>", "code": "<StatusCode name>"} as JSON with 400
// for bad statements (parse, bind, not found, already exists, conflict), 413 when the result
// exceeds the response limit, 503 while the server stops or once cancelled (below), 500
// otherwise.
//
// Cancelling: a SqlCancellation passed in lets another thread stop the request (the server
// does when the HTTP client disconnects): cancelled before it starts, the statement is not
// run; while it runs, its session is cancelled (Session::Cancel: the query or the DML's row
// callbacks stop and the statement returns Cancelled; a Delta commit either happened or not);
// after it ran, building the response stops. The answer is then 503 with code "Cancelled"
// (which nobody reads when the client is gone).
//
// Thread-safety: ExecuteSqlRequest may run on any number of threads at once; SqlCancellation
// methods may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "io/event_loop.h"
#include "io/http_server.h"

namespace tide::exec {
class Session;
}

namespace tide::server {

struct SqlEndpointOptions {
  std::string data_dir;
  int threads = 0;                           // worker threads per query (0: one per core)
  int64_t max_response_bytes = 256LL << 20;  // results larger than this are refused (413)
};

// One request's "stop now" switch, shared by whoever cancels and the thread running it.
class SqlCancellation {
 public:
  // Where the request's statement is: not started yet, running, or done (ran, or was skipped
  // because the request was cancelled first).
  enum class Stage { kQueued, kRunning, kFinished };
  static const char* StageName(Stage stage);  // "queued", "running", "finished"

  // Cancels the request (idempotent) and returns where its statement is now. While it is
  // kRunning this cancels its session again on every call: Session::Cancel holds for the rest
  // of a statement once the session has begun it, but is ignored in the moment before (while
  // the text is parsed), so callers repeat it until the stage is no longer kRunning
  // (CancelSqlUntilStopped).
  Stage Cancel();
  bool cancelled() const;
  Stage stage() const;

  // For ExecuteSqlRequest: Begin registers the session that runs the statement (false: the
  // request was cancelled first; do not run it); End unregisters it, before it is destroyed.
  bool Begin(exec::Session* session);
  void End();

 private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  Stage stage_ = Stage::kQueued;
  exec::Session* session_ = nullptr;  // while kRunning
};

// Cancels `cancel` now and then again every 50 ms on `loop` (from its thread) until its
// statement is no longer running. Returns the stage at the first call. Loop thread only.
SqlCancellation::Stage CancelSqlUntilStopped(io::EventLoop* loop, std::shared_ptr<SqlCancellation> cancel);

// Runs the request's statement. `cancel` may be null (not cancellable).
io::HttpResponse ExecuteSqlRequest(const SqlEndpointOptions& options, const io::HttpRequest& request,
                                   SqlCancellation* cancel = nullptr);

}  // namespace tide::server
