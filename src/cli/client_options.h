// Options shared by every command that talks to a Kafka-compatible broker.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/client/client.h"

namespace tide::cli {

struct BrokerArgs {
  std::string bootstrap = "127.0.0.1:9092";
  int timeout_ms = 10000;
  std::vector<std::string> properties;  // librdkafka KEY=VALUE

  void AddTo(CLI::App* cmd) {
    if (const char* env = std::getenv("TIDE_BOOTSTRAP_SERVERS")) bootstrap = env;
    cmd->add_option("-b,--bootstrap-server", bootstrap,
                    "Broker HOST:PORT[,HOST:PORT...] (default 127.0.0.1:9092 or $TIDE_BOOTSTRAP_SERVERS)");
    cmd->add_option("--timeout-ms", timeout_ms, "How long to wait for the broker (default 10000)");
    cmd->add_option("-X,--property", properties, "Client property KEY=VALUE, as librdkafka names them (repeatable)");
  }

  base::Status ToOptions(kafka::client::ClientOptions* out) const {
    out->bootstrap_servers = bootstrap;
    out->timeout_ms = timeout_ms;
    for (const auto& p : properties) {
      size_t eq = p.find('=');
      if (eq == std::string::npos || eq == 0) {
        return base::Status::InvalidArgument("--property expects KEY=VALUE, got '" + p + "'");
      }
      out->properties[p.substr(0, eq)] = p.substr(eq + 1);
    }
    return base::Status::OK();
  }
};

// Parses repeated KEY=VALUE arguments of option `flag`.
inline base::Status ParseAssignments(const std::vector<std::string>& items, const std::string& flag,
                                     std::map<std::string, std::string>* out) {
  for (const auto& item : items) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return base::Status::InvalidArgument(flag + " expects KEY=VALUE, got '" + item + "'");
    }
    (*out)[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return base::Status::OK();
}

}  // namespace tide::cli
