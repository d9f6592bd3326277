#include "base/logging.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>

#include "base/clock.h"
#include "base/json_writer.h"

namespace tide::base {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kAuto};

std::mutex& SinkMutex() {
  static std::mutex m;
  return m;
}
std::function<void(std::string_view)>& Sink() {
  static std::function<void(std::string_view)> sink;
  return sink;
}

bool ValueNeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  for (char c : s) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

void AppendValue(std::string* out, const LogValue& value, bool json) {
  if (auto* s = std::get_if<std::string>(&value.v)) {
    if (json || ValueNeedsQuotes(*s)) {
      AppendJsonString(out, *s);
    } else {
      out->append(*s);
    }
  } else if (auto* i = std::get_if<int64_t>(&value.v)) {
    out->append(std::to_string(*i));
  } else if (auto* d = std::get_if<double>(&value.v)) {
    AppendJsonDouble(out, *d);
  } else {
    out->append(std::get<bool>(value.v) ? "true" : "false");
  }
}

}  // namespace

Result<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn" || name == "warning") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  if (name == "off") return LogLevel::kOff;
  return Status::InvalidArgument("unknown log level '" + std::string(name) + "' (expected debug, info, warn, error or off)");
}

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "auto") return LogFormat::kAuto;
  if (name == "json") return LogFormat::kJson;
  if (name == "text") return LogFormat::kText;
  return Status::InvalidArgument("unknown log format '" + std::string(name) + "' (expected auto, json or text)");
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: return "off";
  }
  return "unknown";
}

void SetLogLevel(LogLevel level) { g_level.store(level); }
LogLevel GetLogLevel() { return g_level.load(std::memory_order_relaxed); }
void SetLogFormat(LogFormat format) { g_format.store(format); }

void SetLogSink(std::function<void(std::string_view)> sink) {
  std::lock_guard<std::mutex> lock(SinkMutex());
  Sink() = std::move(sink);
}

std::string FormatLogLine(LogFormat format, int64_t unix_micros, LogLevel level, std::string_view component,
                          std::string_view message, const LogField* fields, size_t num_fields) {
  std::string line;
  line.reserve(128);
  if (format == LogFormat::kText) {
    line.append(FormatIso8601Micros(unix_micros));
    line.push_back(' ');
    std::string lvl(LogLevelName(level));
    for (auto& c : lvl) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    lvl.resize(5, ' ');
    line.append(lvl);
    line.push_back(' ');
    line.append(component);
    line.append(": ");
    line.append(message);
    for (size_t i = 0; i < num_fields; ++i) {
      line.push_back(' ');
      line.append(fields[i].first);
      line.push_back('=');
      AppendValue(&line, fields[i].second, false);
    }
    return line;
  }
  line.append("{\"ts\":\"");
  line.append(FormatIso8601Micros(unix_micros));
  line.append("\",\"level\":\"");
  line.append(LogLevelName(level));
  line.append("\",\"component\":");
  AppendJsonString(&line, component);
  line.append(",\"msg\":");
  AppendJsonString(&line, message);
  for (size_t i = 0; i < num_fields; ++i) {
    line.push_back(',');
    AppendJsonString(&line, fields[i].first);
    line.push_back(':');
    AppendValue(&line, fields[i].second, true);
  }
  line.push_back('}');
  return line;
}

static void LogImpl(LogLevel level, std::string_view component, std::string_view message, const LogField* fields,
                    size_t n) {
  if (!LogEnabled(level) || level == LogLevel::kOff) return;
  LogFormat format = g_format.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(SinkMutex());
  if (format == LogFormat::kAuto) {
    format = (!Sink() && isatty(STDERR_FILENO)) ? LogFormat::kText : LogFormat::kJson;
  }
  std::string line = FormatLogLine(format, WallMicros(), level, component, message, fields, n);
  if (Sink()) {
    Sink()(line);
    return;
  }
  line.push_back('\n');
  // One write per line so concurrent processes sharing stderr do not interleave within a line.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

void Log(LogLevel level, std::string_view component, std::string_view message, std::initializer_list<LogField> fields) {
  LogImpl(level, component, message, fields.begin(), fields.size());
}

void Log(LogLevel level, std::string_view component, std::string_view message, const std::vector<LogField>& fields) {
  LogImpl(level, component, message, fields.data(), fields.size());
}

}  // namespace tide::base
