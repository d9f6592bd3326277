#include "log/log_manager.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace tide::log {
namespace {

using testing::MakeBatch;
using testing::TempDir;

class LogManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<LogManager> OpenManager(BrokerLogDefaults defaults = {}) {
    LogManagerOptions opt;
    opt.data_dir = dir_.path();
    opt.defaults = defaults;
    opt.warn = [this](const std::string& m) { warnings_.push_back(m); };
    auto m = LogManager::Open(opt);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(*m) : nullptr;
  }
  TempDir dir_;
  std::vector<std::string> warnings_;
};

TEST_F(LogManagerTest, CreateDescribeListAndPersist) {
  {
    auto m = OpenManager();
    ASSERT_TRUE(m->CreateTopic("orders", 3, {{"retention.ms", "1000"}, {"cleanup.policy", "compact,delete"}}).ok());
    ASSERT_TRUE(m->CreateTopic("a.b_c-1", 1).ok());
    EXPECT_EQ(m->ListTopics(), (std::vector<std::string>{"a.b_c-1", "orders"}));
    auto d = m->DescribeTopic("orders");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->partitions, 3);
    EXPECT_EQ(d->config.retention_ms, 1000);
    EXPECT_TRUE(d->config.cleanup_compact);
    EXPECT_TRUE(d->config.cleanup_delete);
    EXPECT_EQ(d->overrides.size(), 2u);
    EXPECT_TRUE(std::filesystem::is_directory(dir_.path() + "/log/orders-2"));
    EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/meta/topics/orders.json"));
    auto p = m->GetPartition("orders", 1);
    ASSERT_NE(p, nullptr);
    ASSERT_TRUE(p->Append(MakeBatch(4, 1000)).ok());
    EXPECT_EQ(m->GetPartition("orders", 3), nullptr);
    EXPECT_EQ(m->GetPartition("nope", 0), nullptr);
    EXPECT_EQ(m->CreateTopic("orders", 1).code(), base::StatusCode::kAlreadyExists);
  }
  auto m = OpenManager();
  EXPECT_EQ(m->ListTopics().size(), 2u);
  auto d = m->DescribeTopic("orders");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->partitions, 3);
  EXPECT_EQ(d->config.retention_ms, 1000);
  EXPECT_EQ(m->GetPartition("orders", 1)->log_end_offset(), 4);
  EXPECT_EQ(m->GetPartition("orders", 0)->log_end_offset(), 0);
}

TEST_F(LogManagerTest, TopicNameRules) {
  auto m = OpenManager();
  EXPECT_TRUE(m->CreateTopic("", 1).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic(".", 1).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic("..", 1).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic("has space", 1).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic("slash/x", 1).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic(std::string(250, 'a'), 1).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic(std::string(249, 'a'), 1).ok());
  EXPECT_TRUE(m->CreateTopic("x", 0).IsInvalidArgument());
  ASSERT_TRUE(m->CreateTopic("metrics.cpu", 1).ok());
  EXPECT_TRUE(m->CreateTopic("metrics_cpu", 1).IsInvalidArgument());
}

TEST_F(LogManagerTest, ConfigValidation) {
  auto m = OpenManager();
  auto st = m->CreateTopic("t", 1, {{"retention.mss", "5"}});
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("retention.mss"), std::string::npos) << st.ToString();
  st = m->CreateTopic("t", 1, {{"segment.bytes", "abc"}});
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_NE(st.message().find("segment.bytes"), std::string::npos);
  EXPECT_TRUE(m->CreateTopic("t", 1, {{"segment.bytes", "10"}}).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic("t", 1, {{"cleanup.policy", "forever"}}).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic("t", 1, {{"message.timestamp.type", "Now"}}).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic("t", 1, {{"compression.type", "brotli"}}).IsInvalidArgument());
  EXPECT_TRUE(m->CreateTopic("t", 1,
                             {{"compression.type", "zstd"},
                              {"unclean.leader.election.enable", "true"},
                              {"min.insync.replicas", "1"},
                              {"retention.bytes", "-1"},
                              {"message.timestamp.type", "LogAppendTime"}})
                  .ok());
  EXPECT_FALSE(m->HasTopic("nothing-created-on-error"));
}

TEST_F(LogManagerTest, AlterConfigAppliesAndPersists) {
  {
    auto m = OpenManager();
    ASSERT_TRUE(m->CreateTopic("t", 2, {{"retention.ms", "1000"}}).ok());
    ASSERT_TRUE(m->AlterTopicConfig("t", {{"segment.bytes", "2048"}}, {"retention.ms"}).ok());
    auto d = m->DescribeTopic("t");
    EXPECT_EQ(d->config.segment_bytes, 2048);
    EXPECT_EQ(d->config.retention_ms, LogConfig{}.retention_ms);
    EXPECT_EQ(m->GetPartition("t", 1)->config().segment_bytes, 2048);
    // Invalid changes are refused and change nothing.
    EXPECT_TRUE(m->AlterTopicConfig("t", {{"segment.bytes", "x"}}).IsInvalidArgument());
    EXPECT_TRUE(m->AlterTopicConfig("t", {}, {"bogus.key"}).IsInvalidArgument());
    EXPECT_EQ(m->DescribeTopic("t")->config.segment_bytes, 2048);
    EXPECT_TRUE(m->AlterTopicConfig("missing", {}).IsNotFound());
  }
  auto m = OpenManager();
  auto d = m->DescribeTopic("t");
  EXPECT_EQ(d->config.segment_bytes, 2048);
  EXPECT_EQ(d->overrides.count("retention.ms"), 0u);
}

TEST_F(LogManagerTest, DeleteTopicAndRecreate) {
  auto m = OpenManager();
  ASSERT_TRUE(m->CreateTopic("t", 2).ok());
  auto p = m->GetPartition("t", 0);
  ASSERT_TRUE(p->Append(MakeBatch(2, 1)).ok());
  ASSERT_TRUE(m->DeleteTopic("t").ok());
  EXPECT_FALSE(m->HasTopic("t"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/log/t-0"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/meta/topics/t.json"));
  EXPECT_FALSE(p->Append(MakeBatch(1, 1)).ok()) << "a deleted partition refuses appends";
  EXPECT_TRUE(m->DeleteTopic("t").IsNotFound());
  ASSERT_TRUE(m->CreateTopic("t", 1).ok());
  EXPECT_EQ(m->GetPartition("t", 0)->log_end_offset(), 0);
  m.reset();
  m = OpenManager();
  EXPECT_EQ(m->ListTopics(), std::vector<std::string>{"t"});
}

TEST_F(LogManagerTest, OrphanDirectoriesAreRemovedOnOpen) {
  {
    auto m = OpenManager();
    ASSERT_TRUE(m->CreateTopic("t", 1).ok());
  }
  std::filesystem::create_directories(dir_.path() + "/log/ghost-0");
  std::filesystem::create_directories(dir_.path() + "/log/t-5");
  auto m = OpenManager();
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/log/ghost-0"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/log/t-5"));
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/log/t-0"));
  EXPECT_EQ(warnings_.size(), 2u);
}

TEST_F(LogManagerTest, CreatePartitions) {
  {
    auto m = OpenManager();
    ASSERT_TRUE(m->CreateTopic("t", 2).ok());
    EXPECT_TRUE(m->CreatePartitions("t", 2).IsInvalidArgument());
    EXPECT_TRUE(m->CreatePartitions("nope", 5).IsNotFound());
    ASSERT_TRUE(m->CreatePartitions("t", 5).ok());
    EXPECT_NE(m->GetPartition("t", 4), nullptr);
  }
  auto m = OpenManager();
  EXPECT_EQ(m->DescribeTopic("t")->partitions, 5);
  EXPECT_NE(m->GetPartition("t", 4), nullptr);
}

TEST_F(LogManagerTest, BrokerDefaultsAndRetentionAcrossTopics) {
  auto defaults = BrokerDefaultsFromProperties({{"log.segment.bytes", "1000"}, {"log.retention.bytes", "2000"}});
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  auto m = OpenManager(*defaults);
  ASSERT_TRUE(m->CreateTopic("a", 1).ok());
  ASSERT_TRUE(m->CreateTopic("b", 1, {{"retention.bytes", "-1"}}).ok());
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(m->GetPartition("a", 0)->Append(MakeBatch(2, 1)).ok());
    ASSERT_TRUE(m->GetPartition("b", 0)->Append(MakeBatch(2, 1)).ok());
  }
  size_t before_b = m->GetPartition("b", 0)->segment_count();
  auto deleted = m->RunRetention(2);
  ASSERT_TRUE(deleted.ok());
  EXPECT_GT(*deleted, 0u);
  EXPECT_GT(m->GetPartition("a", 0)->log_start_offset(), 0);
  EXPECT_EQ(m->GetPartition("b", 0)->segment_count(), before_b);
}

TEST_F(LogManagerTest, ValidateOnlyAndTopicIds) {
  auto m = OpenManager();
  EXPECT_TRUE(m->ValidateNewTopic("v", 3, {{"retention.ms", "5"}}).ok());
  EXPECT_FALSE(m->HasTopic("v"));
  EXPECT_TRUE(m->ValidateNewTopic("v", 3, {{"retention.mss", "5"}}).IsInvalidArgument());
  ASSERT_TRUE(m->CreateTopic("v", 1).ok());
  EXPECT_EQ(m->ValidateNewTopic("v", 1).code(), base::StatusCode::kAlreadyExists);
  auto id = m->DescribeTopic("v")->id;
  EXPECT_NE(id, (std::array<uint8_t, 16>{}));
  EXPECT_EQ(m->TopicNameForId(id), "v");
  m.reset();
  m = OpenManager();
  EXPECT_EQ(m->DescribeTopic("v")->id, id) << "the id survives restarts";
  EXPECT_EQ(m->TopicNameForId(std::array<uint8_t, 16>{}), std::nullopt);
}

TEST(LogConfigTest, BrokerProperties) {
  auto d = BrokerDefaultsFromProperties({{"log.retention.hours", "1"}, {"log.roll.ms", "5000"}});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->retention_ms, 3600000);
  EXPECT_EQ(d->segment_ms, 5000);
  d = BrokerDefaultsFromProperties({{"log.retention.hours", "1"}, {"log.retention.ms", "7"}});
  EXPECT_EQ(d->retention_ms, 7);
  EXPECT_TRUE(BrokerDefaultsFromProperties({{"log.unknown", "1"}}).status().IsInvalidArgument());
  EXPECT_EQ(LogConfig{}.segment_bytes, 1LL << 30);
  EXPECT_EQ(LogConfig{}.retention_ms, 168LL * 3600 * 1000);
}

TEST(LogConfigTest, EntriesCoverEveryKnownKey) {
  for (const auto& [k, v] : ConfigEntries(LogConfig{})) {
    EXPECT_TRUE(IsKnownTopicConfig(k)) << k;
    EXPECT_TRUE(ValidateTopicConfig(k, v).ok()) << k << "=" << v;
  }
  EXPECT_FALSE(IsKnownTopicConfig("nope"));
}

}  // namespace
}  // namespace tide::log
