#include "kafka/protocol/api_keys.h"

#include <gtest/gtest.h>

#include "kafka/protocol/error_codes.h"

namespace tide::kafka {
namespace {

TEST(KafkaApiKeysTest, SupportedRanges) {
  struct Expect {
    ApiKey key;
    int16_t min, max;
  } expected[] = {
      {ApiKey::kProduce, 0, 9},          {ApiKey::kFetch, 0, 12},
      {ApiKey::kListOffsets, 0, 7},      {ApiKey::kMetadata, 0, 12},
      {ApiKey::kOffsetCommit, 0, 8},     {ApiKey::kOffsetFetch, 0, 8},
      {ApiKey::kFindCoordinator, 0, 4},  {ApiKey::kJoinGroup, 0, 9},
      {ApiKey::kHeartbeat, 0, 4},        {ApiKey::kLeaveGroup, 0, 5},
      {ApiKey::kSyncGroup, 0, 5},        {ApiKey::kDescribeGroups, 0, 5},
      {ApiKey::kListGroups, 0, 4},       {ApiKey::kSaslHandshake, 0, 1},
      {ApiKey::kApiVersions, 0, 3},      {ApiKey::kCreateTopics, 0, 7},
      {ApiKey::kDeleteTopics, 0, 6},     {ApiKey::kDeleteRecords, 0, 2},
      {ApiKey::kInitProducerId, 0, 4},   {ApiKey::kOffsetForLeaderEpoch, 0, 4},
      {ApiKey::kAddPartitionsToTxn, 0, 3}, {ApiKey::kAddOffsetsToTxn, 0, 3},
      {ApiKey::kEndTxn, 0, 3},           {ApiKey::kTxnOffsetCommit, 0, 3},
      {ApiKey::kDescribeConfigs, 0, 4},  {ApiKey::kAlterConfigs, 0, 2},
      {ApiKey::kSaslAuthenticate, 0, 2}, {ApiKey::kCreatePartitions, 0, 3},
      {ApiKey::kDeleteGroups, 0, 2},     {ApiKey::kIncrementalAlterConfigs, 0, 1},
      {ApiKey::kOffsetDelete, 0, 0},     {ApiKey::kDescribeCluster, 0, 0},
  };
  EXPECT_EQ(SupportedApis().size(), std::size(expected));
  for (const auto& e : expected) {
    const ApiVersionRange* r = FindSupportedApi(e.key);
    ASSERT_NE(r, nullptr) << ApiKeyName(e.key);
    EXPECT_EQ(r->min_version, e.min) << ApiKeyName(e.key);
    EXPECT_EQ(r->max_version, e.max) << ApiKeyName(e.key);
  }
  EXPECT_FALSE(IsSupportedVersion(ApiKey::kFetch, 13));
  EXPECT_FALSE(IsSupportedVersion(ApiKey::kElectLeaders, 0));
  EXPECT_EQ(FindSupportedApi(static_cast<ApiKey>(1000)), nullptr);
}

TEST(KafkaApiKeysTest, FlexibleVersionsAndHeaderVersions) {
  EXPECT_FALSE(IsFlexible(ApiKey::kProduce, 8));
  EXPECT_TRUE(IsFlexible(ApiKey::kProduce, 9));
  EXPECT_FALSE(IsFlexible(ApiKey::kFetch, 11));
  EXPECT_TRUE(IsFlexible(ApiKey::kFetch, 12));
  EXPECT_TRUE(IsFlexible(ApiKey::kMetadata, 9));
  EXPECT_TRUE(IsFlexible(ApiKey::kApiVersions, 3));
  EXPECT_FALSE(IsFlexible(ApiKey::kSaslHandshake, 1));
  EXPECT_FALSE(IsFlexible(ApiKey::kOffsetDelete, 0));
  EXPECT_TRUE(IsFlexible(ApiKey::kDescribeCluster, 0));
  EXPECT_FALSE(IsFlexible(static_cast<ApiKey>(-5), 3));

  EXPECT_EQ(RequestHeaderVersion(ApiKey::kProduce, 8), 1);
  EXPECT_EQ(RequestHeaderVersion(ApiKey::kProduce, 9), 2);
  EXPECT_EQ(RequestHeaderVersion(ApiKey::kControlledShutdown, 0), 0);
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kProduce, 8), 0);
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kProduce, 9), 1);
  // ApiVersions responses always use header v0, even at flexible versions.
  EXPECT_EQ(RequestHeaderVersion(ApiKey::kApiVersions, 3), 2);
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kApiVersions, 3), 0);
}

TEST(KafkaApiKeysTest, Names) {
  EXPECT_EQ(ApiKeyName(ApiKey::kOffsetForLeaderEpoch), "OffsetForLeaderEpoch");
  EXPECT_EQ(ApiKeyName(static_cast<ApiKey>(999)), "Unknown");
  EXPECT_EQ(static_cast<int>(ApiKey::kDescribeCluster), 60);
  EXPECT_EQ(static_cast<int>(ApiKey::kConsumerGroupHeartbeat), 68);
}

TEST(KafkaErrorCodesTest, NumbersAndNamesMatchKafka) {
  EXPECT_EQ(ToWire(ErrorCode::kUnknownServerError), -1);
  EXPECT_EQ(ToWire(ErrorCode::kUnknownTopicOrPartition), 3);
  EXPECT_EQ(ToWire(ErrorCode::kNotLeaderOrFollower), 6);
  EXPECT_EQ(ToWire(ErrorCode::kNotCoordinator), 16);
  EXPECT_EQ(ToWire(ErrorCode::kUnsupportedVersion), 35);
  EXPECT_EQ(ToWire(ErrorCode::kInvalidProducerEpoch), 47);
  EXPECT_EQ(ToWire(ErrorCode::kMemberIdRequired), 79);
  EXPECT_EQ(ToWire(ErrorCode::kProducerFenced), 90);
  EXPECT_EQ(ToWire(ErrorCode::kUnknownTopicId), 100);
  EXPECT_EQ(ToWire(ErrorCode::kTransactionAbortable), 120);
  EXPECT_EQ(ErrorCodeName(ErrorCode::kCoordinatorLoadInProgress), "COORDINATOR_LOAD_IN_PROGRESS");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kNone), "NONE");
  EXPECT_EQ(ErrorCodeName(static_cast<ErrorCode>(5000)), "UNKNOWN_ERROR_CODE");
}

}  // namespace
}  // namespace tide::kafka
