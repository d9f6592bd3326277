// `tide table cat|describe|history|check|files: read a Delta table`.
#include "cli/command.h"

namespace tide::cli {

void AddTableReadCommands(CLI::App& table, CommandResult& result) {}

}  // namespace tide::cli
