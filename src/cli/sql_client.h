// Where `tide sql` runs statements: an in-process exec::Session on a data directory, or a
// running `tide server` through its POST /api/v1/sql endpoint (src/server/sql_endpoint.h).
//
// The remote backend sends each statement as one HTTP/1.1 request (Connection: close), asks for
// the result as Parquet (exact types) and streams the decoded row groups to the caller. Each
// request runs in a fresh server-side session, so SET and temporary views do not carry over
// between statements. Cancel() aborts the request being waited on; the server notices the
// closed connection and cancels the statement too.
//
// Thread-safety: Execute from one thread at a time; Cancel from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "columnar/array.h"
#include "exec/session.h"

namespace tide::cli {

using SchemaCallback = std::function<base::Status(const std::shared_ptr<const columnar::Schema>&)>;
using BatchCallback = std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>;

class StatementBackend {
 public:
  virtual ~StatementBackend() = default;
  // Runs one statement: on_schema once, then the batches in order.
  virtual base::Status Execute(std::string_view sql, const SchemaCallback& on_schema, const BatchCallback& on_batch) = 0;
  virtual void Cancel() = 0;
  // The session time zone values are shown in ("UTC" for a server).
  virtual std::string time_zone() const = 0;
  // "data directory ./tide-data", "server 127.0.0.1:8080".
  virtual std::string description() const = 0;
};

class SessionBackend : public StatementBackend {
 public:
  explicit SessionBackend(exec::Session* session) : session_(session) {}
  base::Status Execute(std::string_view sql, const SchemaCallback& on_schema, const BatchCallback& on_batch) override;
  void Cancel() override { session_->Cancel(); }
  std::string time_zone() const override { return session_->settings().time_zone; }
  std::string description() const override { return "data directory " + session_->data_dir(); }

 private:
  exec::Session* session_;
};

class RemoteBackend : public StatementBackend {
 public:
  // `host_port`: "127.0.0.1:8080" (the server's --http-listen address).
  explicit RemoteBackend(std::string host_port) : host_port_(std::move(host_port)) {}
  base::Status Execute(std::string_view sql, const SchemaCallback& on_schema, const BatchCallback& on_batch) override;
  void Cancel() override;
  std::string time_zone() const override { return "UTC"; }
  std::string description() const override { return "server " + host_port_; }

 private:
  std::string host_port_;
  std::atomic<int> fd_{-1};
  std::atomic<bool> cancelled_{false};
};

}  // namespace tide::cli
