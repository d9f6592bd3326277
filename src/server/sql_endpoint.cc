// `POST /api/v1/sql` (see sql_endpoint.h).
#include "server/sql_endpoint.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "columnar/json.h"
#include "exec/session.h"
#include "format/parquet/writer.h"

namespace tide::server {
namespace {

using base::Status;
using base::StatusCode;

io::HttpResponse ErrorResponse(const Status& status) {
  int http = 500;
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict:
    case StatusCode::kUnsupported:
    case StatusCode::kOutOfRange:
      http = 400;
      break;
    case StatusCode::kResourceExhausted:
      http = 413;
      break;
    case StatusCode::kUnavailable:
    case StatusCode::kCancelled:
      http = 503;
      break;
    default:
      break;
  }
  std::string body = "{\"error\":";
  columnar::AppendJsonString(status.message(), &body);
  body += ",\"code\":";
  columnar::AppendJsonString(std::string(base::StatusCodeName(status.code())), &body);
  body += "}\n";
  return io::HttpResponse::Json(http, std::move(body));
}

std::string SchemaDdl(const columnar::Schema& schema) {
  std::string out;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i) out += ", ";
    out.push_back('`');
    for (char c : schema.field(i)->name()) {
      if (c == '`') out.push_back('`');
      // Header values are one line: other control characters become spaces.
      out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
    }
    out += "` ";
    out += schema.field(i)->type()->ToString();
  }
  return out;
}

// Registers the session with the request's cancellation (if any) while the statement runs.
class RunningScope {
 public:
  RunningScope(SqlCancellation* cancel, exec::Session* session)
      : cancel_(cancel), registered_(cancel != nullptr && cancel->Begin(session)) {}
  ~RunningScope() {
    if (registered_) cancel_->End();
  }
  RunningScope(const RunningScope&) = delete;
  RunningScope& operator=(const RunningScope&) = delete;
  // False when the request was cancelled before its statement started.
  bool may_run() const { return cancel_ == nullptr || registered_; }

 private:
  SqlCancellation* cancel_;
  bool registered_;
};

Status CancelledStatus(const char* when) {
  return Status::Cancelled(std::string("the request was cancelled (its client went away) ") + when);
}

}  // namespace

const char* SqlCancellation::StageName(Stage stage) {
  switch (stage) {
    case Stage::kQueued: return "queued";
    case Stage::kRunning: return "running";
    case Stage::kFinished: return "finished";
  }
  return "?";
}

SqlCancellation::Stage SqlCancellation::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  // Session::Cancel takes the session's own lock only; End() waits on ours, so the session
  // cannot be destroyed under us.
  if (stage_ == Stage::kRunning && session_ != nullptr) session_->Cancel();
  return stage_;
}

bool SqlCancellation::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

SqlCancellation::Stage SqlCancellation::stage() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stage_;
}

bool SqlCancellation::Begin(exec::Session* session) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cancelled_) {
    stage_ = Stage::kFinished;
    return false;
  }
  stage_ = Stage::kRunning;
  session_ = session;
  return true;
}

void SqlCancellation::End() {
  std::lock_guard<std::mutex> lock(mu_);
  stage_ = Stage::kFinished;
  session_ = nullptr;
}

SqlCancellation::Stage CancelSqlUntilStopped(io::EventLoop* loop, std::shared_ptr<SqlCancellation> cancel) {
  SqlCancellation::Stage stage = cancel->Cancel();
  if (stage == SqlCancellation::Stage::kRunning) {
    loop->RunAfter(50, [loop, cancel] { (void)CancelSqlUntilStopped(loop, cancel); });
  }
  return stage;
}

io::HttpResponse ExecuteSqlRequest(const SqlEndpointOptions& options, const io::HttpRequest& request,
                                   SqlCancellation* cancel) {
  const auto start = std::chrono::steady_clock::now();
  exec::SessionOptions so;
  so.data_dir = options.data_dir;
  so.settings.threads = options.threads;
  exec::Session session(so);
  base::Result<exec::StatementResult> result = Status::Cancelled("not run");
  {
    RunningScope running(cancel, &session);
    if (!running.may_run()) return ErrorResponse(CancelledStatus("before its statement started"));
    result = session.Execute(request.body);
  }
  if (!result.ok()) return ErrorResponse(result.status());
  // Rendering a large result takes a while too: not for a client that is gone.
  auto gone = [cancel] { return cancel != nullptr && cancel->cancelled(); };
  if (gone()) return ErrorResponse(CancelledStatus("after its statement ran"));
  const auto& schema = result->schema;
  auto accept = request.headers.find("accept");
  const bool parquet = accept != request.headers.end() &&
                       accept->second.find("application/vnd.apache.parquet") != std::string::npos;
  io::HttpResponse resp;
  resp.status = 200;
  if (!schema || schema->num_fields() == 0) {
    resp.content_type = "application/x-ndjson";
  } else if (parquet) {
    std::vector<uint8_t> bytes;
    auto writer = format::parquet::ParquetWriter::OpenBuffer(&bytes, schema);
    if (!writer.ok()) return ErrorResponse(writer.status());
    for (const auto& b : result->batches) {
      if (gone()) return ErrorResponse(CancelledStatus("while its result was written"));
      Status st = (*writer)->WriteBatch(*b);
      if (!st.ok()) return ErrorResponse(st);
      if (static_cast<int64_t>(bytes.size()) > options.max_response_bytes) break;
    }
    Status st = (*writer)->Close();
    if (!st.ok()) return ErrorResponse(st);
    resp.content_type = "application/vnd.apache.parquet";
    resp.body.assign(bytes.begin(), bytes.end());
  } else {
    resp.content_type = "application/x-ndjson";
    for (const auto& b : result->batches) {
      if (gone()) return ErrorResponse(CancelledStatus("while its result was written"));
      for (int64_t r = 0; r < b->num_rows(); ++r) {
        resp.body += columnar::RowToJson(*b, r);
        resp.body.push_back('\n');
      }
      if (static_cast<int64_t>(resp.body.size()) > options.max_response_bytes) break;
    }
  }
  if (static_cast<int64_t>(resp.body.size()) > options.max_response_bytes) {
    return ErrorResponse(Status::ResourceExhausted("the result is larger than the response limit of " +
                                                   std::to_string(options.max_response_bytes) +
                                                   " bytes; add a LIMIT or write it to a table"));
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  resp.extra_headers.emplace_back("X-Tide-Schema", schema ? SchemaDdl(*schema) : "");
  resp.extra_headers.emplace_back("X-Tide-Rows", std::to_string(result->num_rows()));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ms);
  resp.extra_headers.emplace_back("X-Tide-Elapsed-Ms", buf);
  return resp;
}

}  // namespace tide::server
