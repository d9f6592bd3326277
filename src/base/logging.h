// Structured logging.
//
// Every line carries a timestamp, a level, the component that wrote it, a message, and
// context fields. Two renderings:
//   JSON lines (default when stderr is not a terminal, and for log shippers):
//     {"ts":"2026-11-24T21:56:48.123456Z","level":"info","component":"server","msg":"listening","kafka":"127.0.0.1:9092"}
//   human-readable (default on a terminal):
//     2026-11-24T21:56:48.123456Z INFO  server: listening kafka=127.0.0.1:9092
//
//   LogInfo("kafka", "connection closed", {{"client", peer}, {"reason", status.message()}});
//
// Thread-safety: all functions may be called from any thread; each line is written whole.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"

namespace tide::base {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };
enum class LogFormat { kAuto, kJson, kText };

Result<LogLevel> ParseLogLevel(std::string_view name);
Result<LogFormat> ParseLogFormat(std::string_view name);
std::string_view LogLevelName(LogLevel level);

// A context field's value: text, integer, floating point or boolean.
struct LogValue {
  std::variant<std::string, int64_t, double, bool> v;
  LogValue(std::string s) : v(std::move(s)) {}              // NOLINT
  LogValue(std::string_view s) : v(std::string(s)) {}       // NOLINT
  LogValue(const char* s) : v(std::string(s)) {}            // NOLINT
  LogValue(int64_t i) : v(i) {}                             // NOLINT
  LogValue(int i) : v(static_cast<int64_t>(i)) {}           // NOLINT
  LogValue(uint64_t i) : v(static_cast<int64_t>(i)) {}      // NOLINT
  LogValue(long long i) : v(static_cast<int64_t>(i)) {}     // NOLINT
  LogValue(unsigned i) : v(static_cast<int64_t>(i)) {}      // NOLINT
  LogValue(double d) : v(d) {}                              // NOLINT
  LogValue(bool b) : v(b) {}                                // NOLINT
};
using LogField = std::pair<std::string_view, LogValue>;

// Process-wide settings. Lines below `level` are dropped cheaply.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// kAuto picks text when the sink is a terminal, JSON otherwise.
void SetLogFormat(LogFormat format);
// Redirects output (default: stderr). Tests capture lines with this; pass nullptr to restore.
void SetLogSink(std::function<void(std::string_view line)> sink);

inline bool LogEnabled(LogLevel level) { return level >= GetLogLevel(); }

void Log(LogLevel level, std::string_view component, std::string_view message,
         std::initializer_list<LogField> fields = {});
void Log(LogLevel level, std::string_view component, std::string_view message, const std::vector<LogField>& fields);

inline void LogDebug(std::string_view c, std::string_view m, std::initializer_list<LogField> f = {}) {
  if (LogEnabled(LogLevel::kDebug)) Log(LogLevel::kDebug, c, m, f);
}
inline void LogInfo(std::string_view c, std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, c, m, f);
}
inline void LogWarn(std::string_view c, std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, c, m, f);
}
inline void LogError(std::string_view c, std::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, c, m, f);
}

// Renders one line without the trailing newline (exposed for tests).
std::string FormatLogLine(LogFormat format, int64_t unix_micros, LogLevel level, std::string_view component,
                          std::string_view message, const LogField* fields, size_t num_fields);

}  // namespace tide::base
