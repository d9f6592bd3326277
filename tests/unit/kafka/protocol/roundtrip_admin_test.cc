// Round trips and truncation for the transaction, config, partition, records, cluster and SASL
// APIs.
#include <gtest/gtest.h>

#include "codec_test_util.h"
#include "kafka/protocol/add_offsets_to_txn.h"
#include "kafka/protocol/add_partitions_to_txn.h"
#include "kafka/protocol/alter_configs.h"
#include "kafka/protocol/create_partitions.h"
#include "kafka/protocol/delete_records.h"
#include "kafka/protocol/describe_cluster.h"
#include "kafka/protocol/describe_configs.h"
#include "kafka/protocol/end_txn.h"
#include "kafka/protocol/incremental_alter_configs.h"
#include "kafka/protocol/offset_for_leader_epoch.h"
#include "kafka/protocol/sasl_authenticate.h"
#include "kafka/protocol/sasl_handshake.h"
#include "kafka/protocol/txn_offset_commit.h"

namespace tide::kafka {
namespace {

using testing::CheckRoundTrip;

TEST(KafkaAdminRoundTripTest, Transactions) {
  AddPartitionsToTxnRequest apreq{"txn-1", 1000, 2, {{"orders", {0, 1}}}};
  CheckRoundTrip(apreq, 0, 3, 3);
  AddPartitionsToTxnResponse apresp{1, {{"orders", {{0, ErrorCode::kNone}, {1, ErrorCode::kConcurrentTransactions}}}}};
  CheckRoundTrip(apresp, 0, 3, 3);

  AddOffsetsToTxnRequest aoreq{"txn-1", 1000, 2, "g"};
  CheckRoundTrip(aoreq, 0, 3, 3);
  AddOffsetsToTxnResponse aoresp{1, ErrorCode::kInvalidProducerEpoch};
  CheckRoundTrip(aoresp, 0, 3, 3);

  EndTxnRequest ereq{"txn-1", 1000, 2, true};
  CheckRoundTrip(ereq, 0, 3, 3);
  EndTxnResponse eresp{1, ErrorCode::kProducerFenced};
  CheckRoundTrip(eresp, 0, 3, 3);

  TxnOffsetCommitRequest treq;
  treq.transactional_id = "txn-1";
  treq.group_id = "g";
  treq.producer_id = 1000;
  treq.producer_epoch = 2;
  treq.generation_id = 4;
  treq.member_id = "m-1";
  treq.group_instance_id = "static-1";
  treq.topics.push_back({"orders", {{0, 42, 3, "meta"}, {1, 43, -1, std::nullopt}}});
  CheckRoundTrip(treq, 0, 3, 3);
  TxnOffsetCommitResponse tresp{1, {{"orders", {{0, ErrorCode::kNone}}}}};
  CheckRoundTrip(tresp, 0, 3, 3);
}

TEST(KafkaAdminRoundTripTest, OffsetForLeaderEpoch) {
  OffsetForLeaderEpochRequest req;
  req.replica_id = -1;
  req.topics.push_back({"orders", {{0, 5, 4}}});
  CheckRoundTrip(req, 0, 4, 4);
  OffsetForLeaderEpochResponse resp;
  resp.throttle_time_ms = 1;
  resp.topics.push_back({"orders", {{ErrorCode::kFencedLeaderEpoch, 0, 4, 1234}}});
  CheckRoundTrip(resp, 0, 4, 4);
}

TEST(KafkaAdminRoundTripTest, DescribeConfigs) {
  DescribeConfigsRequest req;
  req.resources.push_back({2, "orders", std::vector<std::string>{"retention.ms"}});
  req.resources.push_back({4, "1", std::nullopt});
  req.include_synonyms = true;
  req.include_documentation = true;
  CheckRoundTrip(req, 0, 4, 4);

  DescribeConfigsResponse resp;
  resp.throttle_time_ms = 1;
  DescribeConfigsResponse::DescribeConfigsResourceResult c;
  c.name = "retention.ms";
  c.value = "604800000";
  c.read_only = false;
  c.config_source = 5;
  c.is_sensitive = false;
  c.synonyms.push_back({"log.retention.ms", std::nullopt, 4});
  c.config_type = 5;
  c.documentation = "How long to keep data";
  resp.results.push_back({ErrorCode::kNone, std::nullopt, 2, "orders", {c}});
  CheckRoundTrip(resp, 0, 4, 4);
  DescribeConfigsResponse v0;
  DescribeConfigsResponse::DescribeConfigsResourceResult c0;
  c0.name = "retention.ms";
  c0.is_default = true;
  v0.results.push_back({ErrorCode::kNone, "x", 2, "orders", {c0}});
  CheckRoundTrip(v0, 0, 0, 0);
}

TEST(KafkaAdminRoundTripTest, AlterConfigs) {
  AlterConfigsRequest req{{{2, "orders", {{"retention.ms", "1000"}, {"cleanup.policy", std::nullopt}}}}, true};
  CheckRoundTrip(req, 0, 2, 2);
  AlterConfigsResponse resp{1, {{ErrorCode::kInvalidConfig, "bad", 2, "orders"}}};
  CheckRoundTrip(resp, 0, 2, 2);

  IncrementalAlterConfigsRequest ireq{{{2, "orders", {{"retention.ms", 0, "1000"}, {"x", 1, std::nullopt}}}}, false};
  CheckRoundTrip(ireq, 0, 1, 1);
  IncrementalAlterConfigsResponse iresp{1, {{ErrorCode::kNone, std::nullopt, 2, "orders"}}};
  CheckRoundTrip(iresp, 0, 1, 1);
}

TEST(KafkaAdminRoundTripTest, CreatePartitionsAndDeleteRecords) {
  CreatePartitionsRequest req;
  req.topics.push_back({"orders", 6, std::vector<CreatePartitionsRequest::CreatePartitionsAssignment>{{{1}}, {{1}}}});
  req.topics.push_back({"payments", 3, std::nullopt});
  req.timeout_ms = 1000;
  req.validate_only = true;
  CheckRoundTrip(req, 0, 3, 3);
  CreatePartitionsResponse resp{1, {{"orders", ErrorCode::kInvalidPartitions, "fewer"}}};
  CheckRoundTrip(resp, 0, 3, 3);

  DeleteRecordsRequest dreq{{{"orders", {{0, 100}, {1, -1}}}}, 1000};
  CheckRoundTrip(dreq, 0, 2, 2);
  DeleteRecordsResponse dresp{1, {{"orders", {{0, 100, ErrorCode::kNone}}}}};
  CheckRoundTrip(dresp, 0, 2, 2);
}

TEST(KafkaAdminRoundTripTest, DescribeClusterAndSasl) {
  DescribeClusterRequest req{true};
  CheckRoundTrip(req, 0, 0, 0);
  DescribeClusterResponse resp;
  resp.throttle_time_ms = 1;
  resp.error_message = "none";
  resp.cluster_id = "tide";
  resp.controller_id = 1;
  resp.brokers.push_back({1, "localhost", 9092, std::nullopt});
  resp.cluster_authorized_operations = 0x7f;
  CheckRoundTrip(resp, 0, 0, 0);

  SaslHandshakeRequest hreq{"SCRAM-SHA-256"};
  CheckRoundTrip(hreq, 0, 1, 1);
  SaslHandshakeResponse hresp{ErrorCode::kUnsupportedSaslMechanism, {"PLAIN", "SCRAM-SHA-256"}};
  CheckRoundTrip(hresp, 0, 1, 1);

  SaslAuthenticateRequest areq{{0, 'u', 0, 'p'}};
  CheckRoundTrip(areq, 0, 2, 2);
  SaslAuthenticateResponse aresp{ErrorCode::kSaslAuthenticationFailed, "bad password", {1, 2}, 3600000};
  CheckRoundTrip(aresp, 0, 2, 2);
}

}  // namespace
}  // namespace tide::kafka
