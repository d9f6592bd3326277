// `tide table create|append|overwrite|delete|update|merge: write a Delta table`.
#include "cli/command.h"

namespace tide::cli {

void AddTableWriteCommands(CLI::App& table, CommandResult& result) {}

}  // namespace tide::cli
