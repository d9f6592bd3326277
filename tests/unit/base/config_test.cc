#include "base/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace tide::base {
namespace {

Config MakeConfig() {
  return Config({
      {"kafka.listen", ConfigType::kString, "127.0.0.1:9092", "Kafka listener"},
      {"kafka.num.partitions", ConfigType::kInt, "1", "default partitions"},
      {"kafka.auto.create.topics.enable", ConfigType::kBool, "true", "auto-create"},
      {"quality.threshold", ConfigType::kDouble, "0.5", "threshold"},
  });
}

TEST(ConfigTest, DefaultsApply) {
  Config c = MakeConfig();
  EXPECT_EQ(c.GetString("kafka.listen"), "127.0.0.1:9092");
  EXPECT_EQ(c.GetInt("kafka.num.partitions"), 1);
  EXPECT_TRUE(c.GetBool("kafka.auto.create.topics.enable"));
  EXPECT_DOUBLE_EQ(c.GetDouble("quality.threshold"), 0.5);
  EXPECT_EQ(c.Source("kafka.listen"), "default");
}

TEST(ConfigTest, NestedAndFlatYamlAreTheSameKeys) {
  Config c = MakeConfig();
  ASSERT_TRUE(c.LoadYamlString("kafka:\n  listen: 0.0.0.0:19092\n  num.partitions: 6\nquality.threshold: 0.9\n", "t.yaml").ok());
  EXPECT_EQ(c.GetString("kafka.listen"), "0.0.0.0:19092");
  EXPECT_EQ(c.GetInt("kafka.num.partitions"), 6);
  EXPECT_DOUBLE_EQ(c.GetDouble("quality.threshold"), 0.9);
  EXPECT_EQ(c.Source("kafka.listen"), "t.yaml");
}

TEST(ConfigTest, CommandLineOverridesFile) {
  Config c = MakeConfig();
  ASSERT_TRUE(c.LoadYamlString("kafka.num.partitions: 6", "t.yaml").ok());
  ASSERT_TRUE(c.SetAssignment("kafka.num.partitions=12").ok());
  EXPECT_EQ(c.GetInt("kafka.num.partitions"), 12);
  EXPECT_EQ(c.Source("kafka.num.partitions"), "command line");
}

TEST(ConfigTest, UnknownKeyIsRefusedWithItsNameAndASuggestion) {
  Config c = MakeConfig();
  Status s = c.LoadYamlString("kafka:\n  lisen: x\n", "tide.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "tide.yaml: unknown config key 'kafka.lisen' (did you mean 'kafka.listen'?)");
  Status t = c.SetAssignment("totally.unrelated=1");
  EXPECT_EQ(t.message(), "command line: unknown config key 'totally.unrelated'");
}

TEST(ConfigTest, WrongTypeNamesKeyAndType) {
  Config c = MakeConfig();
  Status s = c.Set("kafka.num.partitions", "six");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "command line: config key 'kafka.num.partitions' expects an integer, got 'six'");
  EXPECT_FALSE(c.Set("kafka.auto.create.topics.enable", "maybe").ok());
  EXPECT_FALSE(c.Set("quality.threshold", "1.5x").ok());
  EXPECT_EQ(c.GetInt("kafka.num.partitions"), 1) << "a refused value leaves the old one";
}

TEST(ConfigTest, MalformedYamlNamesLineAndColumn) {
  Config c = MakeConfig();
  Status s = c.LoadYamlString("kafka:\n  listen: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("bad.yaml:", 0), 0u) << s.message();
  EXPECT_FALSE(c.LoadYamlString("kafka:\n  listen:\n    - a\n", "list.yaml").ok());
  EXPECT_FALSE(c.LoadYamlString("- a\n- b\n", "top.yaml").ok());
  EXPECT_TRUE(c.LoadYamlString("", "empty.yaml").ok());
}

TEST(ConfigTest, MissingFileIsNotFound) {
  Config c = MakeConfig();
  Status s = c.LoadYamlFile("/nonexistent/tide.yaml");
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_NE(s.message().find("/nonexistent/tide.yaml"), std::string::npos);
}

}  // namespace
}  // namespace tide::base
