// Entry point of the `tide` binary: subcommand dispatch and exit codes.
#include <csignal>
#include <cstdio>
#include <iostream>

#include "cli/command.h"

namespace {

// CLI11's own exit codes differ per error kind; Tide promises 2 for every usage error.
constexpr int kUsageError = 2;
constexpr int kRuntimeError = 1;

CLI::App* FindSubcommand(CLI::App* parent, const std::string& name) {
  auto found = parent->get_subcommands([&](CLI::App* sub) { return sub->get_name() == name; });
  return found.empty() ? nullptr : found.front();
}

// "tide topic create" for argv = {tide, topic, create, ...}: the deepest subcommand named.
std::string CommandPath(CLI::App& app, int argc, char** argv) {
  std::string path = "tide";
  CLI::App* current = &app;
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    CLI::App* next = FindSubcommand(current, argv[i]);
    if (next == nullptr) break;
    path += " ";
    path += argv[i];
    current = next;
  }
  return path;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"Tide: a real-time streaming lakehouse in one binary.\n"
               "Kafka-compatible broker, Delta Lake tables, SQL and continuous queries.",
               "tide"};
  app.set_version_flag("--version", std::string("tide ") + TIDE_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  app.footer("Run 'tide COMMAND --help' for a command's options.");

  tide::cli::CommandResult result;
  tide::cli::AddServerCommand(app, result);
  tide::cli::AddTopicCommands(app, result);
  tide::cli::AddProduceConsumeCommands(app, result);
  tide::cli::AddGroupCommands(app, result);
  tide::cli::AddParquetCommands(app, result);
  tide::cli::AddSqlCommand(app, result);
  tide::cli::AddGenCommands(app, result);
  CLI::App* table = app.add_subcommand("table", "Create, change, inspect and maintain Delta Lake tables");
  table->require_subcommand(1);
  tide::cli::AddTableReadCommands(*table, result);
  tide::cli::AddTableWriteCommands(*table, result);
  tide::cli::AddTableMaintenanceCommands(*table, result);

  if (argc > 1 && argv[1][0] != '-' && FindSubcommand(&app, argv[1]) == nullptr) {
    std::fprintf(stderr, "tide: error: unknown command '%s' (see 'tide --help')\n", argv[1]);
    return kUsageError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    std::string command = CommandPath(app, argc, argv);
    std::fprintf(stderr, "tide: error: %s (see '%s --help')\n", what.c_str(), command.c_str());
    return kUsageError;
  }
  if (!result.status.ok()) {
    std::string message = result.status.message();
    if (result.status.code() == tide::base::StatusCode::kInvalidArgument) {
      std::fprintf(stderr, "tide: error: %s\n", message.c_str());
      return kUsageError;
    }
    std::fprintf(stderr, "tide: error: %s\n", message.c_str());
    return kRuntimeError;
  }
  return result.exit_code;
}
