// `tide server`: one process holding every part of Tide (DESIGN.md, "What runs where").
//
// Start() takes the data directory's lock, opens storage, binds the Kafka and HTTP listeners
// and returns once clients can connect. Stop() closes the listeners, finishes in-flight
// requests, flushes the log and releases the lock; it is what SIGINT/SIGTERM trigger.
//
// Thread-safety: Start and Stop from one controlling thread. Accessors are safe after Start.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/metrics.h"
#include "base/result.h"

namespace tide::server {

// Every key `tide server` accepts in its YAML file or through `--set KEY=VALUE`.
std::vector<base::ConfigKey> ServerConfigSchema();

class Server {
 public:
  static base::Result<std::unique_ptr<Server>> Start(const base::Config& config);
  ~Server();

  // Idempotent. Returns the first error met while flushing (the server is stopped regardless).
  base::Status Stop();

  // Bound addresses ("127.0.0.1:9092"), with the real port when port 0 was configured.
  const std::string& kafka_address() const;
  const std::string& http_address() const;
  base::MetricsRegistry& metrics();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tide::server
