// The statement runner and interactive shell behind `tide sql`.
//
// SqlRunner runs scripts (statements separated by ';', split by sql::ParseScript) through a
// StatementBackend (an exec::Session, or a server: sql_client.h) and prints each result with a ResultPrinter (sql_format.h). Errors go to the
// error stream as the session words them, with positions relative to the whole script
// ("line 3, column 8: ..." and the caret under the script's line). With timing on, "Time:
// 12.3 ms" follows each statement on the error stream.
//
// RunInteractive: the shell. On a terminal it uses libedit (prompt "tide> ", continuation
// "   -> " until the input ends with ';' outside quotes and comments; history in
// ~/.tide_sql_history), Ctrl-C cancels the running statement (or clears the line being
// typed; a third Ctrl-C during a statement that does not stop ends the process, status 130),
// Ctrl-D exits; dot commands .help, .timing on|off, .format table|csv|json, .tables,
// .quit. Without a terminal, statements are read line by line from stdin (no prompts) and the
// first error ends the run.
//
// Thread-safety: one runner per thread; Ctrl-C handling installs a process-wide SIGINT
// handler while RunInteractive runs.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "cli/sql_client.h"
#include "cli/sql_format.h"

namespace tide::cli {

struct RunnerOptions {
  OutputFormat format = OutputFormat::kTable;
  bool timing = false;
  // Shrink tables to the terminal width when stdout is a terminal.
  bool fit_terminal = true;
  // Rows a table shows (FormatOptions::max_table_rows; 0 = all).
  int64_t max_table_rows = 10000;
};

// Whether `text` ends a statement: its last token is ';' (false inside an unterminated
// string, quoted identifier or comment). `empty` is set when it holds no tokens at all.
bool StatementComplete(std::string_view text, bool* empty);

class SqlRunner {
 public:
  SqlRunner(StatementBackend* backend, RunnerOptions options, std::ostream* out, std::ostream* err);

  // Runs every statement of `script`; false after the first failed (or cancelled) statement,
  // whose error has been printed. Statements after it do not run.
  bool RunScript(std::string_view script);

  // The shell; returns the process exit code (0, or 1 when non-interactive input failed).
  int RunInteractive();

  RunnerOptions& options() { return options_; }

 private:
  bool RunStatement(std::string_view script, const std::string& text, uint32_t line, uint32_t column);
  void PrintError(std::string_view script, const base::Status& status, uint32_t line, uint32_t column);
  // Handles a dot command; false for .quit.
  bool DotCommand(const std::string& line);
  FormatOptions CurrentFormatOptions();

  StatementBackend* backend_;
  RunnerOptions options_;
  std::ostream* out_;
  std::ostream* err_;
  std::string zone_name_;
  TimeZone zone_;
};

}  // namespace tide::cli
