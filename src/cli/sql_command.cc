// `tide sql`: runs Spark SQL statements against a data directory (or a running server with
// --server, sql_client.h) — from -e, from -f, or in an interactive shell (sql_shell.h) — and
// prints the results (sql_format.h).
//
// Exit codes: 0; 1 when a statement fails (its error on stderr; later statements do not run);
// 2 for usage errors.
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "cli/command.h"
#include "cli/sql_client.h"
#include "cli/sql_format.h"
#include "cli/sql_shell.h"
#include "exec/session.h"

namespace tide::cli {
namespace {

struct SqlArgs {
  std::string data_dir = "./tide-data";  // tide server's default
  std::vector<std::string> statements;   // -e, repeatable
  std::string file;                      // -f
  std::string format = "table";
  std::string memory_limit;
  std::string server;                    // HOST:PORT of a running tide server
  bool timing = false;
  int threads = 0;
  int64_t max_rows = 10000;
};

// "1073741824", "64MB", "1.5GiB", "512k": bytes (K/M/G/T are powers of 1024, as DuckDB reads
// memory_limit).
base::Result<int64_t> ParseByteSize(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0) return base::Status::InvalidArgument("--memory-limit: expected a size such as 512MB, got '" + text + "'");
  double number = 0;
  try {
    number = std::stod(text.substr(0, i));
  } catch (...) {
    return base::Status::InvalidArgument("--memory-limit: expected a size such as 512MB, got '" + text + "'");
  }
  std::string unit;
  for (size_t j = i; j < text.size(); ++j) {
    if (!std::isspace(static_cast<unsigned char>(text[j]))) unit.push_back(static_cast<char>(std::toupper(text[j])));
  }
  double factor = 1;
  if (unit.empty() || unit == "B") {
    factor = 1;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    factor = 1024.0;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    factor = 1024.0 * 1024;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    factor = 1024.0 * 1024 * 1024;
  } else if (unit == "T" || unit == "TB" || unit == "TIB") {
    factor = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return base::Status::InvalidArgument("--memory-limit: unknown unit '" + unit + "' in '" + text +
                                         "' (use B, KB, MB, GB or TB)");
  }
  double bytes = number * factor;
  if (bytes < 1 || bytes > 9.0e18) return base::Status::InvalidArgument("--memory-limit: '" + text + "' is out of range");
  return static_cast<int64_t>(bytes);
}

base::Result<std::string> ReadScriptFile(const std::string& path) {
  if (path == "-") {
    return std::string((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::NotFound("cannot open SQL file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return base::Status::IoError("cannot read SQL file " + path);
  return text;
}

void RunSql(const SqlArgs& args, CommandResult* result) {
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) {
    result->status = base::Status::InvalidArgument("--format: " + format.status().message());
    return;
  }
  if (!args.statements.empty() && !args.file.empty()) {
    result->status = base::Status::InvalidArgument("give either -e or -f, not both");
    return;
  }
  if (args.max_rows < 0) {
    result->status = base::Status::InvalidArgument("--max-rows must be 0 (all) or more");
    return;
  }
  if (args.threads < 0) {
    result->status = base::Status::InvalidArgument("--threads must be 0 (one per core) or more");
    return;
  }
  exec::SessionOptions so;
  so.data_dir = args.data_dir;
  so.settings.threads = args.threads;
  if (!args.memory_limit.empty()) {
    auto limit = ParseByteSize(args.memory_limit);
    if (!limit.ok()) {
      result->status = limit.status();
      return;
    }
    so.settings.memory_limit = *limit;
  }
  std::string script;
  if (!args.file.empty()) {
    auto text = ReadScriptFile(args.file);
    if (!text.ok()) {
      result->status = text.status();
      return;
    }
    script = std::move(*text);
  }
  if (!args.server.empty() && (args.threads != 0 || !args.memory_limit.empty())) {
    result->status = base::Status::InvalidArgument("--threads and --memory-limit apply to local sessions, not --server");
    return;
  }
  std::unique_ptr<exec::Session> session;
  std::unique_ptr<StatementBackend> backend;
  if (args.server.empty()) {
    session = std::make_unique<exec::Session>(so);
    backend = std::make_unique<SessionBackend>(session.get());
  } else {
    backend = std::make_unique<RemoteBackend>(args.server);
  }
  RunnerOptions ro;
  ro.format = *format;
  ro.timing = args.timing;
  ro.max_table_rows = args.max_rows;
  SqlRunner runner(backend.get(), ro, &std::cout, &std::cerr);
  // Errors were printed by the runner as the session words them (parse errors are
  // InvalidArgument, which must not turn into main()'s usage-error exit code 2).
  if (!args.statements.empty()) {
    for (const auto& s : args.statements) {
      if (!runner.RunScript(s)) {
        result->exit_code = 1;
        return;
      }
    }
    return;
  }
  if (!args.file.empty()) {
    result->exit_code = runner.RunScript(script) ? 0 : 1;
    return;
  }
  result->exit_code = runner.RunInteractive();
}

}  // namespace

void AddSqlCommand(CLI::App& app, CommandResult& result) {
  auto args = std::make_shared<SqlArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sql", "Run Spark SQL against the tables of a data directory (an interactive shell without -e/-f)");
  cmd->add_option("--data-dir,-d", args->data_dir, "Data directory; table NAME is DIR/tables/NAME (default ./tide-data)");
  cmd->add_option("-e,--execute", args->statements, "Run these statements (';'-separated; repeatable) and exit");
  cmd->add_option("-f,--file", args->file, "Run the statements in this file ('-' for stdin) and exit");
  cmd->add_option("--format", args->format, "Output format: table (default), csv or json (JSON lines)");
  cmd->add_option("--server", args->server,
                  "Run the statements on a running tide server (its --http-listen HOST:PORT) instead of --data-dir");
  cmd->add_flag("--timing", args->timing, "Print each statement's time on stderr");
  cmd->add_option("--max-rows", args->max_rows, "Rows a table shows (default 10000; 0 = all; csv and json print all)");
  cmd->add_option("--threads", args->threads, "Worker threads per query (default one per core)");
  cmd->add_option("--memory-limit", args->memory_limit, "Memory for a query's operators, e.g. 512MB (default 60% of RAM)");
  cmd->callback([args, &result] { RunSql(*args, &result); });
}

}  // namespace tide::cli
