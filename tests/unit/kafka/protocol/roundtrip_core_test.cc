// Round trips (every version of each message), strict-prefix truncation and equality at the
// highest version, for the core APIs: ApiVersions, Metadata, Produce, Fetch, ListOffsets,
// CreateTopics, DeleteTopics, FindCoordinator, InitProducerId.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "codec_test_util.h"
#include "kafka/protocol/api_versions.h"
#include "kafka/protocol/create_topics.h"
#include "kafka/protocol/delete_topics.h"
#include "kafka/protocol/fetch.h"
#include "kafka/protocol/find_coordinator.h"
#include "kafka/protocol/init_producer_id.h"
#include "kafka/protocol/list_offsets.h"
#include "kafka/protocol/metadata.h"
#include "kafka/protocol/produce.h"

namespace tide::kafka {
namespace {

using testing::CheckRoundTrip;

const std::vector<uint8_t> kBatch = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

Uuid SomeUuid() {
  Uuid u{};
  for (int i = 0; i < 16; ++i) u[i] = static_cast<uint8_t>(0xa0 + i);
  return u;
}

TEST(KafkaRoundTripTest, ApiVersions) {
  ApiVersionsRequest req;
  req.client_software_name = "librdkafka";
  req.client_software_version = "2.0.2";
  CheckRoundTrip(req, 0, 3, 3);

  ApiVersionsResponse resp = MakeApiVersionsResponse();
  resp.throttle_time_ms = 5;
  resp.supported_features.push_back({"metadata.version", 1, 7});
  resp.finalized_features_epoch = 3;
  resp.finalized_features.push_back({"metadata.version", 7, 1});
  resp.zk_migration_ready = true;
  CheckRoundTrip(resp, 0, 3, 3);
  CheckRoundTrip(MakeUnsupportedApiVersionsResponse(), 0, 0, 0);
}

TEST(KafkaRoundTripTest, Metadata) {
  MetadataRequest req;
  req.topics.emplace();
  req.topics->push_back({Uuid{}, "orders"});
  req.topics->push_back({Uuid{}, "payments"});
  req.allow_auto_topic_creation = false;
  req.include_topic_authorized_operations = true;
  CheckRoundTrip(req, 0, 12, 12);
  MetadataRequest all;  // null topics: all topics, also at v0 (as an empty list)
  CheckRoundTrip(all, 0, 12, 12);
  CheckRoundTrip(all, 0, 0, 0);

  MetadataResponse resp;
  resp.throttle_time_ms = 1;
  resp.brokers.push_back({1, "localhost", 9092, "rack-a"});
  resp.brokers.push_back({2, "other", 9093, std::nullopt});
  resp.cluster_id = "tide-cluster";
  resp.controller_id = 1;
  MetadataResponse::MetadataResponseTopic t;
  t.name = "orders";
  t.topic_id = SomeUuid();
  t.is_internal = true;
  t.topic_authorized_operations = 0x0f;
  MetadataResponse::MetadataResponsePartition p;
  p.error_code = ErrorCode::kLeaderNotAvailable;
  p.partition_index = 3;
  p.leader_id = 1;
  p.leader_epoch = 7;
  p.replica_nodes = {1, 2};
  p.isr_nodes = {1};
  p.offline_replicas = {2};
  t.partitions.push_back(p);
  resp.topics.push_back(t);
  CheckRoundTrip(resp, 0, 12, 12);
  resp.cluster_authorized_operations = 0x1f;  // only v8-10
  CheckRoundTrip(resp, 8, 10, 10);
}

TEST(KafkaRoundTripTest, Produce) {
  ProduceRequest req;
  req.transactional_id = "txn-1";
  req.acks = -1;
  req.timeout_ms = 30000;
  req.topic_data.push_back({"orders", {{0, Records::Of(kBatch)}, {1, Records::Null()}}});
  CheckRoundTrip(req, 0, 9, 9);

  ProduceResponse resp;
  ProduceResponse::PartitionProduceResponse p;
  p.index = 2;
  p.error_code = ErrorCode::kInvalidRecord;
  p.base_offset = 1234;
  p.log_append_time_ms = 99;
  p.log_start_offset = 10;
  p.record_errors.push_back({4, "bad record"});
  p.record_errors.push_back({5, std::nullopt});
  p.error_message = "batch dropped";
  resp.responses.push_back({"orders", {p}});
  resp.throttle_time_ms = 17;
  CheckRoundTrip(resp, 0, 9, 9);
}

TEST(KafkaRoundTripTest, Fetch) {
  FetchRequest req;
  req.cluster_id = "tide-cluster";
  req.replica_id = -1;
  req.max_wait_ms = 500;
  req.min_bytes = 1;
  req.max_bytes = 52428800;
  req.isolation_level = 1;
  req.session_id = 12;
  req.session_epoch = 3;
  FetchRequest::FetchPartition fp;
  fp.partition = 1;
  fp.current_leader_epoch = 4;
  fp.fetch_offset = 100;
  fp.last_fetched_epoch = 2;
  fp.log_start_offset = 5;
  fp.partition_max_bytes = 1048576;
  req.topics.push_back({"orders", {fp}});
  req.forgotten_topics_data.push_back({"old", {0, 1}});
  req.rack_id = "rack-a";
  CheckRoundTrip(req, 0, 12, 12);

  FetchResponse resp;
  resp.throttle_time_ms = 1;
  resp.error_code = ErrorCode::kNone;
  resp.session_id = 12;
  FetchResponse::PartitionData pd;
  pd.partition_index = 1;
  pd.error_code = ErrorCode::kOffsetOutOfRange;
  pd.high_watermark = 200;
  pd.last_stable_offset = 150;
  pd.log_start_offset = 5;
  pd.diverging_epoch = {3, 120};
  pd.current_leader = {1, 4};
  pd.snapshot_id = {100, 2};
  pd.aborted_transactions.emplace();
  pd.aborted_transactions->push_back({77, 130});
  pd.preferred_read_replica = 2;
  pd.records = Records::Of(kBatch);
  resp.responses.push_back({"orders", {pd}});
  CheckRoundTrip(resp, 0, 12, 12);
  FetchResponse::PartitionData plain;  // no tags, null aborted list, empty records
  resp.responses[0].partitions = {plain};
  CheckRoundTrip(resp, 0, 12, 12);
}

TEST(KafkaRoundTripTest, FetchRecordsFromFileRegionsEncodeLikeRecordsInMemory) {
  // Zero-copy fetch: records named by file regions must produce the same wire bytes as the
  // same records in memory, whether the Writer reads them in (no sink) or leaves them to be
  // spliced in by the sender (sink). 300 bytes: a two-byte varint length in flexible versions.
  std::vector<uint8_t> content(1000);
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i * 7);
  char path[] = "/tmp/tide-fetch-region-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::unlink(path);
  ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
  const io::FileRegion regions[2] = {{nullptr, fd, 100, 300}, {nullptr, fd, 600, 5}};
  for (int16_t v = 0; v <= 12; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    FetchResponse in_memory, in_file;
    for (int i = 0; i < 2; ++i) {
      FetchResponse::PartitionData pd;
      pd.partition_index = i;
      pd.high_watermark = 10;
      pd.records = Records::Of(std::span<const uint8_t>(content).subspan(regions[i].offset, regions[i].length));
      in_memory.responses.push_back({"t" + std::to_string(i), {pd}});
      pd.records = Records{};
      pd.records.file = &regions[i];
      in_file.responses.push_back({"t" + std::to_string(i), {pd}});
    }
    std::vector<uint8_t> expected, read_in, spliced;
    Writer we(expected);
    in_memory.Encode(we, v);
    Writer wr(read_in);
    in_file.Encode(wr, v);
    EXPECT_EQ(read_in, expected);
    Writer ws(spliced);
    Writer::FileSink sink;
    ws.set_file_sink(&sink);
    in_file.Encode(ws, v);
    ASSERT_EQ(sink.size(), 2u);
    EXPECT_EQ(spliced.size(), expected.size() - 305);
    std::vector<uint8_t> joined;
    size_t pos = 0;
    for (const auto& [at, region] : sink) {
      joined.insert(joined.end(), spliced.begin() + pos, spliced.begin() + at);
      joined.insert(joined.end(), content.begin() + region.offset, content.begin() + region.offset + region.length);
      pos = at;
    }
    joined.insert(joined.end(), spliced.begin() + pos, spliced.end());
    EXPECT_EQ(joined, expected);
    FetchResponse decoded;
    Reader r(joined);
    ASSERT_TRUE(decoded.Decode(r, v).ok());
    EXPECT_EQ(decoded, in_memory);
  }
  ::close(fd);
}

TEST(KafkaRoundTripTest, ListOffsets) {
  ListOffsetsRequest req;
  req.replica_id = -1;
  req.isolation_level = 1;
  ListOffsetsRequest::ListOffsetsPartition p;
  p.partition_index = 0;
  p.current_leader_epoch = 3;
  p.timestamp = ListOffsetsRequest::kEarliestTimestamp;
  req.topics.push_back({"orders", {p}});
  CheckRoundTrip(req, 0, 7, 7);
  ListOffsetsRequest v0req;
  ListOffsetsRequest::ListOffsetsPartition p0;
  p0.timestamp = ListOffsetsRequest::kLatestTimestamp;
  p0.max_num_offsets = 5;
  v0req.topics.push_back({"orders", {p0}});
  CheckRoundTrip(v0req, 0, 0, 0);

  ListOffsetsResponse resp;
  resp.throttle_time_ms = 2;
  ListOffsetsResponse::ListOffsetsPartitionResponse rp;
  rp.partition_index = 0;
  rp.error_code = ErrorCode::kNone;
  rp.timestamp = 1700000000000;
  rp.offset = 42;
  rp.leader_epoch = 3;
  resp.topics.push_back({"orders", {rp}});
  CheckRoundTrip(resp, 0, 7, 7);
  ListOffsetsResponse v0;
  ListOffsetsResponse::ListOffsetsPartitionResponse old;
  old.old_style_offsets = {42, 0};
  old.offset = 42;  // decoding v0 exposes the first listed offset as `offset`
  v0.topics.push_back({"orders", {old}});
  CheckRoundTrip(v0, 0, 0, 0);
  // A handler that only sets `offset` gets a one-element list at v0.
  ListOffsetsResponse modern;
  ListOffsetsResponse::ListOffsetsPartitionResponse mp;
  mp.offset = 42;
  modern.topics.push_back({"t", {mp}});
  EXPECT_EQ(testing::EncodeBody(modern, 0),
            testing::FromHex("00000001 0001 74 00000001 00000000 0000 00000001 000000000000002a"));
}

TEST(KafkaRoundTripTest, CreateTopics) {
  CreateTopicsRequest req;
  CreateTopicsRequest::CreatableTopic t;
  t.name = "orders";
  t.num_partitions = -1;
  t.replication_factor = -1;
  t.assignments.push_back({0, {1, 2}});
  t.configs.push_back({"cleanup.policy", "compact"});
  t.configs.push_back({"retention.ms", std::nullopt});
  req.topics.push_back(t);
  req.timeout_ms = 30000;
  req.validate_only = true;
  CheckRoundTrip(req, 0, 7, 7);

  CreateTopicsResponse resp;
  resp.throttle_time_ms = 3;
  CreateTopicsResponse::CreatableTopicResult r;
  r.name = "orders";
  r.topic_id = SomeUuid();
  r.error_code = ErrorCode::kTopicAlreadyExists;
  r.error_message = "exists";
  r.topic_config_error_code = ErrorCode::kTopicAuthorizationFailed;
  r.num_partitions = 3;
  r.replication_factor = 1;
  r.configs.emplace();
  r.configs->push_back({"cleanup.policy", "delete", false, 5, false});
  r.configs->push_back({"password", std::nullopt, true, 1, true});
  resp.topics.push_back(r);
  CheckRoundTrip(resp, 0, 7, 7);
}

TEST(KafkaRoundTripTest, DeleteTopics) {
  DeleteTopicsRequest req;
  req.topics.push_back({"orders", Uuid{}});
  req.topics.push_back({"payments", Uuid{}});
  req.timeout_ms = 1000;
  CheckRoundTrip(req, 0, 6, 6);
  DeleteTopicsRequest by_id;
  by_id.topics.push_back({std::nullopt, SomeUuid()});
  CheckRoundTrip(by_id, 6, 6, 6);

  DeleteTopicsResponse resp;
  resp.throttle_time_ms = 4;
  resp.responses.push_back({"orders", SomeUuid(), ErrorCode::kUnknownTopicOrPartition, "no such topic"});
  CheckRoundTrip(resp, 0, 6, 6);
}

TEST(KafkaRoundTripTest, FindCoordinator) {
  FindCoordinatorRequest req;
  req.key_type = FindCoordinatorRequest::kTransactionKeyType;
  req.coordinator_keys = {"txn-1"};
  CheckRoundTrip(req, 0, 4, 4);
  CheckRoundTrip(req, 1, 1, 1);  // v1-3 carry exactly one key and the key type
  req.coordinator_keys = {"group-a", "group-b"};
  CheckRoundTrip(req, 4, 4, 4);

  FindCoordinatorResponse resp;
  resp.throttle_time_ms = 9;
  resp.coordinators.push_back({"", 1, "localhost", 9092, ErrorCode::kNone, "ok"});
  CheckRoundTrip(resp, 1, 3, 3);
  resp.coordinators[0].key = "group-a";
  resp.coordinators.push_back({"group-b", 1, "localhost", 9092, ErrorCode::kCoordinatorNotAvailable, std::nullopt});
  CheckRoundTrip(resp, 0, 4, 4);
}

TEST(KafkaRoundTripTest, InitProducerId) {
  InitProducerIdRequest req;
  req.transactional_id = "txn-1";
  req.transaction_timeout_ms = 60000;
  req.producer_id = 1000;
  req.producer_epoch = 5;
  CheckRoundTrip(req, 0, 4, 4);
  InitProducerIdResponse resp;
  resp.throttle_time_ms = 1;
  resp.error_code = ErrorCode::kConcurrentTransactions;
  resp.producer_id = 1000;
  resp.producer_epoch = 6;
  CheckRoundTrip(resp, 0, 4, 4);
}

}  // namespace
}  // namespace tide::kafka
