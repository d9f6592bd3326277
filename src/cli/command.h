// The `tide` command line: each file in src/cli/ registers one subcommand group on the root
// CLI11 app. A subcommand's callback returns through CommandResult so main() owns exit codes:
// 0 ok, 1 runtime error (message on stderr, one line), 2 usage error.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "base/status.h"

namespace tide::cli {

// Set by a subcommand's callback; read by main() after parsing.
struct CommandResult {
  base::Status status;
  int exit_code = 0;  // used when status is OK (a command may report "not found" as 1 itself)
};

void AddServerCommand(CLI::App& app, CommandResult& result);
void AddTopicCommands(CLI::App& app, CommandResult& result);
void AddProduceConsumeCommands(CLI::App& app, CommandResult& result);
void AddGroupCommands(CLI::App& app, CommandResult& result);
void AddParquetCommands(CLI::App& app, CommandResult& result);
void AddSqlCommand(CLI::App& app, CommandResult& result);   // tide sql (sql_command.cc)
void AddGenCommands(CLI::App& app, CommandResult& result);  // tide gen tpch (gen_command.cc)
// `tide table ...`: the subcommands live in three files, each adding its own to `table`.
void AddTableReadCommands(CLI::App& table, CommandResult& result);         // cat, describe, history, check, files
void AddTableWriteCommands(CLI::App& table, CommandResult& result);        // create, append, overwrite
void AddTableMaintenanceCommands(CLI::App& table, CommandResult& result);  // optimize, vacuum, restore

}  // namespace tide::cli
