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
// exceeds the response limit, 503 while the server stops, 500 otherwise.
//
// Thread-safety: ExecuteSqlRequest may run on any number of threads at once.
#pragma once

#include <cstdint>
#include <string>

#include "io/http_server.h"

namespace tide::server {

struct SqlEndpointOptions {
  std::string data_dir;
  int threads = 0;                           // worker threads per query (0: one per core)
  int64_t max_response_bytes = 256LL << 20;  // results larger than this are refused (413)
};

io::HttpResponse ExecuteSqlRequest(const SqlEndpointOptions& options, const io::HttpRequest& request);

}  // namespace tide::server
