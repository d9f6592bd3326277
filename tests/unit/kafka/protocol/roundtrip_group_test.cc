// Round trips, truncation and version normalisation for the consumer-group APIs and the
// consumer protocol's embedded payloads.
#include <gtest/gtest.h>

#include "codec_test_util.h"
#include "kafka/protocol/consumer_protocol.h"
#include "kafka/protocol/delete_groups.h"
#include "kafka/protocol/describe_groups.h"
#include "kafka/protocol/heartbeat.h"
#include "kafka/protocol/join_group.h"
#include "kafka/protocol/leave_group.h"
#include "kafka/protocol/list_groups.h"
#include "kafka/protocol/offset_commit.h"
#include "kafka/protocol/offset_delete.h"
#include "kafka/protocol/offset_fetch.h"
#include "kafka/protocol/sync_group.h"

namespace tide::kafka {
namespace {

using testing::CheckRoundTrip;
using testing::EncodeBody;
using testing::FromHex;

TEST(KafkaGroupRoundTripTest, JoinGroup) {
  JoinGroupRequest req;
  req.group_id = "g";
  req.session_timeout_ms = 10000;
  req.rebalance_timeout_ms = 300000;
  req.member_id = "m-1";
  req.group_instance_id = "static-1";
  req.protocol_type = "consumer";
  req.protocols.push_back({"range", {0, 1, 2}});
  req.protocols.push_back({"roundrobin", {}});
  req.reason = "rejoin";
  CheckRoundTrip(req, 0, 9, 9);
  JoinGroupRequest v0;
  auto v0_bytes = testing::EncodeBody(req, 0);
  Reader r(v0_bytes);
  ASSERT_TRUE(v0.Decode(r, 0).ok());
  EXPECT_EQ(v0.rebalance_timeout_ms, 10000);  // v0: the session timeout is the rebalance timeout

  JoinGroupResponse resp;
  resp.throttle_time_ms = 1;
  resp.error_code = ErrorCode::kMemberIdRequired;
  resp.generation_id = 4;
  resp.protocol_type = "consumer";
  resp.protocol_name = "range";
  resp.leader = "m-1";
  resp.skip_assignment = true;
  resp.member_id = "m-1";
  resp.members.push_back({"m-1", "static-1", {9, 8}});
  CheckRoundTrip(resp, 0, 9, 9);
}

TEST(KafkaGroupRoundTripTest, SyncGroup) {
  SyncGroupRequest req;
  req.group_id = "g";
  req.generation_id = 4;
  req.member_id = "m-1";
  req.group_instance_id = "static-1";
  req.protocol_type = "consumer";
  req.protocol_name = "range";
  req.assignments.push_back({"m-1", {1, 2, 3}});
  CheckRoundTrip(req, 0, 5, 5);
  SyncGroupResponse resp;
  resp.throttle_time_ms = 2;
  resp.error_code = ErrorCode::kRebalanceInProgress;
  resp.protocol_type = "consumer";
  resp.protocol_name = "range";
  resp.assignment = {4, 5};
  CheckRoundTrip(resp, 0, 5, 5);
}

TEST(KafkaGroupRoundTripTest, Heartbeat) {
  HeartbeatRequest req{"g", 4, "m-1", "static-1"};
  CheckRoundTrip(req, 0, 4, 4);
  HeartbeatResponse resp{3, ErrorCode::kIllegalGeneration};
  CheckRoundTrip(resp, 0, 4, 4);
}

TEST(KafkaGroupRoundTripTest, LeaveGroup) {
  LeaveGroupRequest req;
  req.group_id = "g";
  req.members.push_back({"m-1", std::nullopt, std::nullopt});
  CheckRoundTrip(req, 0, 5, 2);  // v0-2: one member id, decodes to one member
  req.members[0].group_instance_id = "static-1";
  req.members[0].reason = "shutdown";
  req.members.push_back({"m-2", std::nullopt, "bye"});
  CheckRoundTrip(req, 3, 5, 5);

  LeaveGroupResponse resp;
  resp.throttle_time_ms = 1;
  resp.error_code = ErrorCode::kNone;
  resp.members.push_back({"m-1", "static-1", ErrorCode::kUnknownMemberId});
  CheckRoundTrip(resp, 0, 5, 5);
}

TEST(KafkaGroupRoundTripTest, OffsetCommit) {
  OffsetCommitRequest req;
  req.group_id = "g";
  req.generation_id = 4;
  req.member_id = "m-1";
  req.group_instance_id = "static-1";
  OffsetCommitRequest::OffsetCommitRequestPartition p;
  p.partition_index = 0;
  p.committed_offset = 42;
  p.committed_leader_epoch = 3;
  p.committed_metadata = "meta";
  req.topics.push_back({"orders", {p}});
  CheckRoundTrip(req, 0, 8, 8);
  OffsetCommitRequest v1 = req;
  v1.group_instance_id.reset();
  v1.topics[0].partitions[0].committed_leader_epoch = -1;
  v1.topics[0].partitions[0].commit_timestamp = 1700000000000;
  CheckRoundTrip(v1, 1, 1, 1);
  OffsetCommitRequest v3 = v1;
  v3.topics[0].partitions[0].commit_timestamp = -1;
  v3.retention_time_ms = 86400000;
  CheckRoundTrip(v3, 2, 4, 4);

  OffsetCommitResponse resp;
  resp.throttle_time_ms = 1;
  resp.topics.push_back({"orders", {{0, ErrorCode::kNone}, {1, ErrorCode::kOffsetMetadataTooLarge}}});
  CheckRoundTrip(resp, 0, 8, 8);
}

TEST(KafkaGroupRoundTripTest, OffsetFetch) {
  OffsetFetchRequest req;
  req.groups.push_back({"g", std::vector<OffsetFetchRequest::OffsetFetchRequestTopics>{{"orders", {0, 1}}}});
  req.require_stable = true;
  CheckRoundTrip(req, 0, 8, 8);
  OffsetFetchRequest all;  // null topics = all offsets of the group (v2+)
  all.groups.push_back({"g", std::nullopt});
  CheckRoundTrip(all, 2, 7, 7);
  all.groups.push_back({"h", std::nullopt});
  CheckRoundTrip(all, 8, 8, 8);

  OffsetFetchResponse resp;
  resp.throttle_time_ms = 1;
  OffsetFetchResponse::OffsetFetchResponsePartitions p;
  p.partition_index = 0;
  p.committed_offset = 42;
  p.committed_leader_epoch = 3;
  p.metadata = "meta";
  p.error_code = ErrorCode::kNone;
  resp.groups.push_back({"", {{"orders", {p}}}, ErrorCode::kNotCoordinator});
  CheckRoundTrip(resp, 2, 7, 7);
  resp.groups[0].group_id = "g";
  resp.groups.push_back({"h", {}, ErrorCode::kGroupIdNotFound});
  CheckRoundTrip(resp, 0, 8, 8);
}

TEST(KafkaGroupRoundTripTest, OffsetFetchV1DecodesToOneGroup) {
  // v1 request: group_id "g", topics [ {"t", [0]} ].
  auto bytes = FromHex("0001 67 00000001 0001 74 00000001 00000000");
  OffsetFetchRequest req;
  Reader r(bytes);
  ASSERT_TRUE(req.Decode(r, 1).ok());
  ASSERT_EQ(req.groups.size(), 1u);
  EXPECT_EQ(req.groups[0].group_id, "g");
  ASSERT_TRUE(req.groups[0].topics.has_value());
  EXPECT_EQ(req.groups[0].topics->at(0).name, "t");
}

TEST(KafkaGroupRoundTripTest, ListDescribeDeleteGroups) {
  ListGroupsRequest lreq{{"Stable", "Empty"}};
  CheckRoundTrip(lreq, 0, 4, 4);
  ListGroupsResponse lresp{1, ErrorCode::kNone, {{"g", "consumer", "Stable"}}};
  CheckRoundTrip(lresp, 0, 4, 4);

  DescribeGroupsRequest dreq{{"g", "h"}, true};
  CheckRoundTrip(dreq, 0, 5, 5);
  DescribeGroupsResponse dresp;
  dresp.throttle_time_ms = 1;
  DescribeGroupsResponse::DescribedGroup g;
  g.group_id = "g";
  g.group_state = "Stable";
  g.protocol_type = "consumer";
  g.protocol_data = "range";
  g.members.push_back({"m-1", "static-1", "rdkafka", "/127.0.0.1", {1}, {2, 3}});
  g.authorized_operations = 0xff;
  dresp.groups.push_back(g);
  CheckRoundTrip(dresp, 0, 5, 5);

  DeleteGroupsRequest delreq{{"g", "h"}};
  CheckRoundTrip(delreq, 0, 2, 2);
  DeleteGroupsResponse delresp{1, {{"g", ErrorCode::kNonEmptyGroup}}};
  CheckRoundTrip(delresp, 0, 2, 2);
}

TEST(KafkaGroupRoundTripTest, OffsetDelete) {
  OffsetDeleteRequest req{"g", {{"orders", {{0}, {1}}}}};
  CheckRoundTrip(req, 0, 0, 0);
  OffsetDeleteResponse resp{ErrorCode::kNone, 1, {{"orders", {{0, ErrorCode::kGroupSubscribedToTopic}}}}};
  CheckRoundTrip(resp, 0, 0, 0);
}

TEST(KafkaGroupRoundTripTest, ConsumerProtocolPayloads) {
  ConsumerProtocolSubscription s;
  s.topics = {"orders", "payments"};
  s.user_data = std::vector<uint8_t>{7};
  s.owned_partitions.push_back({"orders", {0, 2}});
  s.generation_id = 5;
  s.rack_id = "rack-a";
  CheckRoundTrip(s, 0, 3, 3);
  for (int16_t v = 0; v <= 3; ++v) {
    auto bytes = EncodeConsumerSubscription(s, v);
    int16_t got_version = -1;
    auto decoded = DecodeConsumerSubscription(bytes, &got_version);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(got_version, v);
    EXPECT_EQ(decoded->topics, s.topics);
  }

  ConsumerProtocolAssignment a;
  a.assigned_partitions.push_back({"orders", {0, 1}});
  a.user_data = std::nullopt;
  CheckRoundTrip(a, 0, 3, 3);

  // v0 assignment as a Java/librdkafka consumer writes it: version 0, one topic "t" with
  // partitions [0, 1], null user data.
  auto golden = FromHex("0000 00000001 0001 74 00000002 00000000 00000001 ffffffff");
  ConsumerProtocolAssignment t01;
  t01.assigned_partitions.push_back({"t", {0, 1}});
  EXPECT_EQ(EncodeConsumerAssignment(t01, 0), golden);
  auto decoded = DecodeConsumerAssignment(golden);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->assigned_partitions[0].topic, "t");

  // A newer version with extra trailing bytes decodes with the v3 layout.
  auto future = EncodeConsumerAssignment(a, 3);
  future[1] = 9;  // version 9
  future.push_back(0xaa);
  EXPECT_TRUE(DecodeConsumerAssignment(future).ok());

  auto negative = FromHex("ffff 00000000 ffffffff");
  EXPECT_FALSE(DecodeConsumerAssignment(negative).ok());
  EXPECT_FALSE(DecodeConsumerSubscription(FromHex("00")).ok());
}

}  // namespace
}  // namespace tide::kafka
