// `tide sql` statement runner and interactive shell (see sql_shell.h).
#include "cli/sql_shell.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

// libedit's readline compatibility header needs <cstdio> first.
#include <editline/readline.h>

#include "base/strings.h"
#include "sql/lexer.h"
#include "sql/parser.h"

namespace tide::cli {
namespace {

using base::Status;

// ---------------------------------------------------------------- Ctrl-C

// SIGINT writes one byte here; whoever is waiting (the line reader or the statement watcher)
// reads it. A pipe is async-signal-safe; nothing else happens in the handler.
int g_interrupt_pipe[2] = {-1, -1};

extern "C" void OnSigint(int) {
  if (g_interrupt_pipe[1] >= 0) {
    char c = 'i';
    ssize_t ignored = write(g_interrupt_pipe[1], &c, 1);
    (void)ignored;
  }
}

bool DrainInterrupts() {
  bool any = false;
  char buf[64];
  while (g_interrupt_pipe[0] >= 0 && read(g_interrupt_pipe[0], buf, sizeof buf) > 0) any = true;
  return any;
}

class SigintScope {
 public:
  SigintScope() {
    if (pipe(g_interrupt_pipe) != 0) return;
    for (int fd : g_interrupt_pipe) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa {};
    sa.sa_handler = OnSigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: poll() returns so the reader sees the byte at once
    sigaction(SIGINT, &sa, &old_);
    installed_ = true;
  }
  ~SigintScope() {
    if (installed_) sigaction(SIGINT, &old_, nullptr);
    for (int& fd : g_interrupt_pipe) {
      if (fd >= 0) close(fd);
      fd = -1;
    }
  }

 private:
  struct sigaction old_ {};
  bool installed_ = false;
};

// While a statement runs: turns Ctrl-C into Session::Cancel. Cancel is repeated until the
// statement ends, because a cancel that arrives before the query registered would be lost.
class CancelWatcher {
 public:
  explicit CancelWatcher(StatementBackend* backend) : backend_(backend) {
    if (g_interrupt_pipe[0] < 0) return;
    thread_ = std::thread([this] {
      bool cancelling = false;
      int presses = 0;
      while (!done_.load()) {
        pollfd p{g_interrupt_pipe[0], POLLIN, 0};
        poll(&p, 1, cancelling ? 20 : 100);
        if (DrainInterrupts()) {
          cancelling = true;
          // A statement that does not notice the cancel must not trap the user: the third
          // Ctrl-C ends the process (the terminal is in its normal mode while a statement runs).
          if (++presses >= 3) {
            static const char kMsg[] = "\ntide sql: statement did not stop; exiting\n";
            ssize_t ignored = write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
            (void)ignored;
            _exit(130);
          }
        }
        if (cancelling) {
          interrupted_ = true;
          backend_->Cancel();
        }
      }
    });
  }
  ~CancelWatcher() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool interrupted() const { return interrupted_.load(); }

 private:
  StatementBackend* backend_;
  std::atomic<bool> done_{false};
  std::atomic<bool> interrupted_{false};
  std::thread thread_;
};

int TerminalWidth() {
  if (!isatty(STDOUT_FILENO)) return 0;
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* cols = std::getenv("COLUMNS")) return std::atoi(cols);
  return 0;
}

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  if (!home || !*home) return "";
  return std::string(home) + "/.tide_sql_history";
}

// "line L, column C: rest" → (L, C, rest); false when the message has no position.
bool SplitPosition(const std::string& message, uint32_t* line, uint32_t* column, std::string* rest) {
  unsigned l = 0, c = 0;
  int consumed = 0;
  if (std::sscanf(message.c_str(), "line %u, column %u: %n", &l, &c, &consumed) != 2 || consumed == 0) return false;
  *line = l;
  *column = c;
  *rest = message.substr(consumed);
  return true;
}

constexpr const char* kHelp =
    "Enter SQL statements ending with ';' (Spark SQL: SELECT, CREATE TABLE, INSERT, MERGE, ...).\n"
    ".help                      this text\n"
    ".tables                    list the tables (SHOW TABLES)\n"
    ".format table|csv|json     output format\n"
    ".timing on|off             print each statement's time\n"
    ".quit                      exit (or Ctrl-D)\n"
    "Ctrl-C cancels the running statement or clears the input.\n";

// ---------------------------------------------------------------- libedit line reading

// The callback interface lets the shell wait on stdin and the interrupt pipe together, so
// Ctrl-C while typing clears the line instead of being lost inside libedit.
char* g_line = nullptr;
bool g_line_ready = false;

extern "C" void OnLine(char* line) {
  g_line = line;
  g_line_ready = true;
  rl_callback_handler_remove();
}

enum class ReadResult { kLine, kEof, kInterrupted };

ReadResult ReadLineEdit(const char* prompt, std::string* line) {
  g_line = nullptr;
  g_line_ready = false;
  rl_callback_handler_install(prompt, OnLine);
  while (!g_line_ready) {
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {g_interrupt_pipe[0], POLLIN, 0}};
    int n = poll(fds, g_interrupt_pipe[0] >= 0 ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      rl_callback_handler_remove();
      return ReadResult::kEof;
    }
    if (fds[1].revents & POLLIN) {
      DrainInterrupts();
      rl_replace_line("", 0);
      rl_callback_handler_remove();
      std::fputs("^C\n", stdout);
      std::fflush(stdout);
      return ReadResult::kInterrupted;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) rl_callback_read_char();
  }
  if (g_line == nullptr) return ReadResult::kEof;
  *line = g_line;
  std::free(g_line);
  g_line = nullptr;
  return ReadResult::kLine;
}

}  // namespace

bool StatementComplete(std::string_view text, bool* empty) {
  *empty = false;
  auto tokens = sql::Tokenize(text);
  if (!tokens.ok()) {
    // Inside a string, quoted name or comment: more input is needed. Other lexer errors are
    // reported when the statement runs.
    return tokens.status().message().find("unterminated") == std::string::npos;
  }
  const auto& t = *tokens;
  if (t.size() <= 1) {
    *empty = true;
    return true;
  }
  return t[t.size() - 2].kind == sql::TokenKind::kSemicolon;
}

SqlRunner::SqlRunner(StatementBackend* backend, RunnerOptions options, std::ostream* out, std::ostream* err)
    : backend_(backend), options_(options), out_(out), err_(err) {}

FormatOptions SqlRunner::CurrentFormatOptions() {
  const std::string name = backend_->time_zone();
  if (name != zone_name_) {
    auto tz = TimeZone::Make(name);
    zone_ = tz.ok() ? *tz : TimeZone::Utc();
    zone_name_ = name;
  }
  FormatOptions o;
  o.time_zone = zone_;
  o.max_width = options_.fit_terminal ? TerminalWidth() : 0;
  o.max_table_rows = options_.max_table_rows;
  return o;
}

void SqlRunner::PrintError(std::string_view script, const Status& status, uint32_t line, uint32_t column) {
  std::string message = status.message();
  uint32_t l = 0, c = 0;
  std::string rest;
  if ((line != 1 || column != 1) && SplitPosition(message, &l, &c, &rest)) {
    // The session numbered lines within the statement: renumber within the script and show
    // the script's line under the caret.
    sql::SourcePos pos;
    pos.line = line + l - 1;
    pos.column = l == 1 ? column + c - 1 : c;
    message = sql::FormatSqlError(script, pos, rest.substr(0, rest.find('\n')));
  }
  *err_ << "Error: " << message << "\n";
  err_->flush();
}

bool SqlRunner::RunStatement(std::string_view script, const std::string& text, uint32_t line, uint32_t column) {
  ResultPrinter printer(options_.format, CurrentFormatOptions(), out_);
  const auto start = std::chrono::steady_clock::now();
  Status st;
  bool interrupted = false;
  {
    CancelWatcher watcher(backend_);
    st = backend_->Execute(
        text, [&](const std::shared_ptr<const columnar::Schema>& schema) { return printer.Begin(schema); },
        [&](std::shared_ptr<columnar::RecordBatch> batch) { return printer.Add(*batch); });
    interrupted = watcher.interrupted();
  }
  if (st.ok()) st = printer.Finish();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!st.ok()) {
    if (interrupted && st.code() == base::StatusCode::kCancelled) {
      *err_ << "Cancelled.\n";
    } else {
      PrintError(script, st, line, column);
    }
  }
  if (options_.timing) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "Time: %.1f ms\n", ms);
    *err_ << buf;
    err_->flush();
  }
  return st.ok();
}

bool SqlRunner::RunScript(std::string_view script) {
  auto parsed = sql::ParseScript(script);
  if (!parsed.ok()) {
    PrintError(script, parsed.status(), 1, 1);
    return false;
  }
  for (const auto& s : *parsed) {
    if (!RunStatement(script, s.text, s.pos.line, s.pos.column)) return false;
  }
  return true;
}

bool SqlRunner::DotCommand(const std::string& line) {
  std::vector<std::string> words;
  for (size_t i = 0; i < line.size();) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    size_t j = i;
    while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
    if (j > i) words.push_back(line.substr(i, j - i));
    i = j;
  }
  if (words.empty()) return true;
  const std::string cmd = base::AsciiLower(words[0]);
  if (cmd == ".quit" || cmd == ".exit" || cmd == ".q") return false;
  if (cmd == ".help") {
    *out_ << kHelp;
  } else if (cmd == ".tables") {
    RunScript("SHOW TABLES");
  } else if (cmd == ".timing") {
    if (words.size() == 2 && (base::AsciiLower(words[1]) == "on" || base::AsciiLower(words[1]) == "off")) {
      options_.timing = base::AsciiLower(words[1]) == "on";
    } else {
      *err_ << "usage: .timing on|off (now " << (options_.timing ? "on" : "off") << ")\n";
    }
  } else if (cmd == ".format" || cmd == ".mode") {
    auto f = words.size() == 2 ? ParseOutputFormat(words[1]) : base::Result<OutputFormat>(Status::InvalidArgument(""));
    if (f.ok()) {
      options_.format = *f;
    } else {
      *err_ << "usage: .format table|csv|json (now " << OutputFormatName(options_.format) << ")\n";
    }
  } else {
    *err_ << "unknown command " << words[0] << " (see .help)\n";
  }
  out_->flush();
  return true;
}

int SqlRunner::RunInteractive() {
  const bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
  SigintScope sigint;
  std::string buffer;
  if (!tty) {
    // Piped input: statements as they complete, no prompts; the first error ends the run.
    std::string line;
    while (std::getline(std::cin, line)) {
      if (buffer.empty() && !line.empty() && line[0] == '.') {
        if (!DotCommand(line)) return 0;
        continue;
      }
      buffer += line;
      buffer += '\n';
      bool empty = false;
      if (StatementComplete(buffer, &empty)) {
        if (!empty && !RunScript(buffer)) return 1;
        buffer.clear();
      }
    }
    bool empty = false;
    StatementComplete(buffer, &empty);
    if (!empty && !RunScript(buffer)) return 1;
    return 0;
  }

  rl_readline_name = "tide";
  rl_catch_signals = 0;
  using_history();
  stifle_history(2000);
  const std::string history = HistoryPath();
  if (!history.empty()) read_history(history.c_str());
  *out_ << "tide " << TIDE_VERSION << " SQL shell on " << backend_->description()
        << ". Statements end with ';'. Type .help for help.\n";
  out_->flush();
  for (;;) {
    std::string line;
    ReadResult r = ReadLineEdit(buffer.empty() ? "tide> " : "   -> ", &line);
    if (r == ReadResult::kEof) {
      std::fputs("\n", stdout);
      break;
    }
    if (r == ReadResult::kInterrupted) {
      buffer.clear();
      continue;
    }
    if (buffer.empty()) {
      std::string trimmed = line;
      trimmed.erase(0, trimmed.find_first_not_of(" \t"));
      if (!trimmed.empty() && trimmed[0] == '.') {
        add_history(trimmed.c_str());
        if (!history.empty()) write_history(history.c_str());
        if (!DotCommand(trimmed)) break;
        continue;
      }
    }
    buffer += line;
    bool empty = false;
    if (!StatementComplete(buffer, &empty)) {
      buffer += '\n';
      continue;
    }
    if (!empty) {
      // History keeps the statement on one line, as it is recalled.
      // (unless a '--' comment would then swallow the rest of it).
      std::string entry = buffer;
      if (entry.find("--") == std::string::npos) {
        for (char& c : entry) {
          if (c == '\n') c = ' ';
        }
      }
      add_history(entry.c_str());
      if (!history.empty()) write_history(history.c_str());
      DrainInterrupts();
      RunScript(buffer);
    }
    buffer.clear();
  }
  return 0;
}

}  // namespace tide::cli
