#include "base/logging.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace tide::base {
namespace {

TEST(LoggingTest, JsonLineCarriesAllFieldsAndParses) {
  LogField fields[] = {{"client", "rdkafka"}, {"bytes", int64_t{42}}, {"ratio", 0.5}, {"tls", false}};
  std::string line = FormatLogLine(LogFormat::kJson, 1764021408123456, LogLevel::kWarn, "kafka", "closed \"x\"",
                                   fields, 4);
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  ASSERT_FALSE(doc.HasParseError()) << line;
  EXPECT_STREQ(doc["ts"].GetString(), "2025-11-24T21:56:48.123456Z");
  EXPECT_STREQ(doc["level"].GetString(), "warn");
  EXPECT_STREQ(doc["component"].GetString(), "kafka");
  EXPECT_STREQ(doc["msg"].GetString(), "closed \"x\"");
  EXPECT_STREQ(doc["client"].GetString(), "rdkafka");
  EXPECT_EQ(doc["bytes"].GetInt64(), 42);
  EXPECT_DOUBLE_EQ(doc["ratio"].GetDouble(), 0.5);
  EXPECT_FALSE(doc["tls"].GetBool());
}

TEST(LoggingTest, TextLineIsReadable) {
  LogField fields[] = {{"addr", "127.0.0.1:9092"}, {"reason", "bad frame"}};
  std::string line = FormatLogLine(LogFormat::kText, 0, LogLevel::kInfo, "server", "listening", fields, 2);
  EXPECT_EQ(line, "1970-01-01T00:00:00.000000Z INFO  server: listening addr=127.0.0.1:9092 reason=\"bad frame\"");
}

TEST(LoggingTest, InvalidUtf8DoesNotBreakJson) {
  LogField fields[] = {{"client", std::string("bad\xff\x01")}};
  std::string line = FormatLogLine(LogFormat::kJson, 0, LogLevel::kError, "kafka", "m", fields, 1);
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  ASSERT_FALSE(doc.HasParseError()) << line;
  EXPECT_EQ(std::string(doc["client"].GetString()), "bad\xEF\xBF\xBD\x01");
}

TEST(LoggingTest, LevelFiltersAndSinkCaptures) {
  std::vector<std::string> lines;
  SetLogSink([&](std::string_view l) { lines.emplace_back(l); });
  SetLogLevel(LogLevel::kWarn);
  LogInfo("t", "dropped");
  LogWarn("t", "kept", {{"n", 1}});
  SetLogLevel(LogLevel::kInfo);
  SetLogSink(nullptr);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"msg\":\"kept\""), std::string::npos);
}

TEST(LoggingTest, ParsesLevelNames) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_FALSE(ParseLogLevel("loud").ok());
  EXPECT_FALSE(ParseLogFormat("xml").ok());
}

}  // namespace
}  // namespace tide::base
