// `tide table optimize|vacuum|restore: maintain a Delta table`.
#include "cli/command.h"

namespace tide::cli {

void AddTableMaintenanceCommands(CLI::App& table, CommandResult& result) {}

}  // namespace tide::cli
