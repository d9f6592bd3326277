// `tide server`: runs the embedded server until SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>

#include "base/logging.h"
#include "cli/command.h"
#include "server/server.h"

namespace tide::cli {
namespace {

struct ServerArgs {
  std::string config_file;
  std::string data_dir;
  std::string kafka_listen;
  std::string http_listen;
  std::string log_level;
  std::string log_format;
  std::vector<std::string> sets;
  bool print_config = false;
};

base::Status BuildConfig(const ServerArgs& args, base::Config* config) {
  if (!args.config_file.empty()) TIDE_RETURN_IF_ERROR(config->LoadYamlFile(args.config_file));
  // Dedicated flags are shorthands for --set of the same key; they win over the file.
  const std::pair<const char*, const std::string*> shorthands[] = {
      {"data_dir", &args.data_dir},     {"kafka.listen", &args.kafka_listen}, {"http.listen", &args.http_listen},
      {"log.level", &args.log_level},   {"log.format", &args.log_format},
  };
  for (const auto& [key, value] : shorthands) {
    if (!value->empty()) TIDE_RETURN_IF_ERROR(config->Set(key, *value));
  }
  for (const auto& s : args.sets) TIDE_RETURN_IF_ERROR(config->SetAssignment(s));
  return base::Status::OK();
}

base::Status ApplyLogSettings(const base::Config& config) {
  TIDE_ASSIGN_OR_RETURN(base::LogLevel level, base::ParseLogLevel(config.GetString("log.level")));
  TIDE_ASSIGN_OR_RETURN(base::LogFormat format, base::ParseLogFormat(config.GetString("log.format")));
  base::SetLogLevel(level);
  base::SetLogFormat(format);
  return base::Status::OK();
}

base::Status RunServer(const ServerArgs& args) {
  base::Config config(server::ServerConfigSchema());
  TIDE_RETURN_IF_ERROR(BuildConfig(args, &config));
  if (args.print_config) {
    for (const auto& key : config.schema()) {
      std::printf("%s = %s  # %s (from %s)\n", key.name.c_str(), config.GetString(key.name).c_str(),
                  key.doc.c_str(), config.Source(key.name).c_str());
    }
    return base::Status::OK();
  }
  TIDE_RETURN_IF_ERROR(ApplyLogSettings(config).WithContext("invalid configuration"));

  // Block the stop signals in every thread (threads inherit the mask), then wait for them here:
  // the shutdown runs on this thread, outside any signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::vector<base::LogField> fields;
  fields.emplace_back("version", TIDE_VERSION);
  auto effective = config.Effective();
  for (const auto& [key, value] : effective) fields.emplace_back(key, value);
  base::Log(base::LogLevel::kInfo, "server", "starting", fields);

  TIDE_ASSIGN_OR_RETURN(auto server, server::Server::Start(config));
  base::LogInfo("server", "ready", {{"kafka", server->kafka_address()}, {"http", server->http_address()}});

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  base::LogInfo("server", "stopping", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
  return server->Stop();
}

}  // namespace

void AddServerCommand(CLI::App& app, CommandResult& result) {
  auto args = std::make_shared<ServerArgs>();
  CLI::App* cmd = app.add_subcommand("server", "Run the embedded Tide server (Kafka broker, HTTP API, metrics)");
  cmd->add_option("--config", args->config_file, "YAML configuration file")->check(CLI::ExistingFile);
  cmd->add_option("--data-dir", args->data_dir, "Data directory (default ./tide-data)");
  cmd->add_option("--kafka-listen", args->kafka_listen, "Kafka listener HOST:PORT (default 127.0.0.1:9092)");
  cmd->add_option("--http-listen", args->http_listen, "HTTP listener HOST:PORT (default 127.0.0.1:8080)");
  cmd->add_option("--log-level", args->log_level, "debug, info, warn or error (default info)");
  cmd->add_option("--log-format", args->log_format, "json, text or auto (default auto)");
  cmd->add_option("--set", args->sets, "Override any configuration key: --set KEY=VALUE (repeatable)");
  cmd->add_flag("--print-config", args->print_config, "Print every configuration key with its value and exit");
  cmd->callback([args, &result] { result.status = RunServer(*args); });
}

}  // namespace tide::cli
