// Encodings checked against bytes derived by hand from the message schemas. Each expected
// sequence is annotated field by field; "compact" lengths are unsigned varints of length + 1.
#include <gtest/gtest.h>

#include "codec_test_util.h"
#include "kafka/protocol/request.h"

namespace tide::kafka {
namespace {

using testing::EncodeBody;
using testing::FromHex;
using testing::Hex;

RequestHeader Header(ApiKey key, int16_t version, int32_t correlation_id, std::optional<std::string> client_id) {
  RequestHeader h;
  h.api_key = key;
  h.api_version = version;
  h.correlation_id = correlation_id;
  h.client_id = std::move(client_id);
  return h;
}

TEST(KafkaGoldenTest, ApiVersionsV3RequestFrame) {
  ApiVersionsRequest body;
  body.client_software_name = "librdkafka";
  body.client_software_version = "2.0.2";
  std::vector<uint8_t> out;
  EncodeRequest(Header(ApiKey::kApiVersions, 3, 7, "rdkafka"), body, out);
  auto expected = FromHex(
      // request header v2 (ApiVersions v3 is flexible)
      "0012"                   // api_key 18
      "0003"                   // api_version 3
      "00000007"               // correlation_id
      "0007 72646b61666b61"    // client_id "rdkafka": classic int16 length even in header v2
      "00"                     // header tagged fields: none
      // body
      "0b 6c69627264 6b61666b61"  // client_software_name: compact length 10+1, "librdkafka"
      "06 322e302e32"             // client_software_version: compact length 5+1, "2.0.2"
      "00");                      // body tagged fields: none
  EXPECT_EQ(out, expected) << Hex(out);

  auto decoded = DecodeRequest(out);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->disposition, RequestDisposition::kDecoded);
  EXPECT_EQ(decoded->header_version, 2);
  EXPECT_EQ(decoded->header.correlation_id, 7);
  EXPECT_EQ(decoded->header.client_id, "rdkafka");
  const auto* req = std::get_if<ApiVersionsRequest>(&decoded->body);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->client_software_name, "librdkafka");
  EXPECT_EQ(req->client_software_version, "2.0.2");
}

TEST(KafkaGoldenTest, ApiVersionsV0Response) {
  ApiVersionsResponse resp;
  resp.api_keys.push_back({18, 0, 3});
  resp.api_keys.push_back({3, 0, 12});
  auto expected = FromHex(
      "0000"                // error_code NONE
      "00000002"            // api_keys: int32 count 2
      "0012 0000 0003"      // ApiVersions 0..3
      "0003 0000 000c");    // Metadata 0..12
  EXPECT_EQ(EncodeBody(resp, 0), expected);
}

TEST(KafkaGoldenTest, ApiVersionsV3ResponseFrameUsesHeaderV0) {
  ApiVersionsResponse resp;
  resp.api_keys.push_back({18, 0, 3});
  resp.api_keys.push_back({3, 0, 12});
  auto frame = EncodeResponseFrame(ResponseHeader{7}, resp, 3);
  auto expected = FromHex(
      "0000001a"               // size prefix: 26 bytes follow
      "00000007"               // response header v0: correlation_id only, NO tagged fields
      "0000"                   // error_code
      "03"                     // api_keys: compact count 2+1
      "0012 0000 0003 00"      // ApiVersions 0..3, no tags
      "0003 0000 000c 00"      // Metadata 0..12, no tags
      "00000000"               // throttle_time_ms
      "00");                   // tagged fields: none
  EXPECT_EQ(frame, expected) << Hex(frame);
}

TEST(KafkaGoldenTest, UnsupportedApiVersionsAnswer) {
  // A client asks ApiVersions v9 (header v2, since ApiVersions is flexible from v3).
  auto frame = FromHex("0012 0009 0000002a 0003 636c69 00  00 00 00");
  auto decoded = DecodeRequest(frame);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->disposition, RequestDisposition::kUnsupportedVersion);
  EXPECT_EQ(decoded->header.correlation_id, 42);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(decoded->body));
  // The answer is encoded at v0 whatever the request version: UNSUPPORTED_VERSION (35) and the
  // ApiVersions range Tide supports.
  auto out = EncodeResponseFrame(ResponseHeader{decoded->header.correlation_id}, MakeUnsupportedApiVersionsResponse(), 0);
  EXPECT_EQ(out, FromHex("00000010 0000002a 0023 00000001 0012 0000 0003"));
}

TEST(KafkaGoldenTest, MetadataV1Request) {
  MetadataRequest req;
  req.topics.emplace();
  req.topics->push_back({Uuid{}, "a"});
  EXPECT_EQ(EncodeBody(req, 1), FromHex("00000001 0001 61"));  // int32 count 1, string "a"
  MetadataRequest all;
  EXPECT_EQ(EncodeBody(all, 1), FromHex("ffffffff"));  // null array = all topics
  EXPECT_EQ(EncodeBody(all, 0), FromHex("00000000"));  // v0: empty array = all topics
  MetadataRequest decoded;
  auto v0 = FromHex("00000000");
  Reader r(v0);
  ASSERT_TRUE(decoded.Decode(r, 0).ok());
  EXPECT_FALSE(decoded.topics.has_value());
}

TEST(KafkaGoldenTest, MetadataV9RequestFrame) {
  MetadataRequest req;
  req.topics.emplace();
  req.topics->push_back({Uuid{}, "a"});
  std::vector<uint8_t> out;
  EncodeRequest(Header(ApiKey::kMetadata, 9, 1, "cli"), req, out);
  auto expected = FromHex(
      "0003 0009 00000001 0003 636c69 00"  // header v2: key 3, v9, corr 1, client_id "cli", no tags
      "02"                                  // topics: compact count 1+1
      "02 61 00"                            //   name: compact "a"; topic tags: none
      "01"                                  // allow_auto_topic_creation = true (default)
      "00"                                  // include_cluster_authorized_operations (v8-10)
      "00"                                  // include_topic_authorized_operations
      "00");                                // tagged fields
  EXPECT_EQ(out, expected) << Hex(out);
  auto decoded = DecodeRequest(out);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(std::get<MetadataRequest>(decoded->body), req);
}

TEST(KafkaGoldenTest, ProduceV3Request) {
  const std::vector<uint8_t> batch = {0xaa, 0xbb, 0xcc};
  ProduceRequest req;
  req.acks = -1;
  req.timeout_ms = 30000;
  req.topic_data.push_back({"t", {{0, Records::Of(batch)}}});
  auto expected = FromHex(
      "ffff"          // transactional_id: null
      "ffff"          // acks -1
      "00007530"      // timeout_ms 30000
      "00000001"      // topic_data: 1 topic
      "0001 74"       //   name "t"
      "00000001"      //   partition_data: 1 partition
      "00000000"      //     index 0
      "00000003 aabbcc");  // records: int32 length 3 + raw bytes
  EXPECT_EQ(EncodeBody(req, 3), expected);
  ProduceRequest decoded;
  Reader r(expected);
  ASSERT_TRUE(decoded.Decode(r, 3).ok());
  // Zero-copy: the records point into the decoded buffer.
  EXPECT_EQ(decoded.topic_data[0].partition_data[0].records.bytes.data(), expected.data() + expected.size() - 3);
}

TEST(KafkaGoldenTest, FetchV4Request) {
  FetchRequest req;
  req.max_wait_ms = 500;
  req.min_bytes = 1;
  req.max_bytes = 1048576;
  req.isolation_level = 1;
  FetchRequest::FetchPartition p;
  p.fetch_offset = 5;
  p.partition_max_bytes = 1048576;
  req.topics.push_back({"t", {p}});
  auto expected = FromHex(
      "ffffffff"           // replica_id -1 (consumer)
      "000001f4"           // max_wait_ms 500
      "00000001"           // min_bytes 1
      "00100000"           // max_bytes 1 MiB (v3+)
      "01"                 // isolation_level READ_COMMITTED (v4+)
      "00000001 0001 74"   // topics: 1, "t"
      "00000001"           //   partitions: 1
      "00000000"           //     partition 0
      "0000000000000005"   //     fetch_offset 5
      "00100000");         //     partition_max_bytes
  EXPECT_EQ(EncodeBody(req, 4), expected) << Hex(EncodeBody(req, 4));
}

TEST(KafkaGoldenTest, FetchV11Request) {
  FetchRequest req;
  req.max_wait_ms = 500;
  req.min_bytes = 1;
  req.max_bytes = 1048576;
  req.isolation_level = 1;
  FetchRequest::FetchPartition p;
  p.fetch_offset = 5;
  p.partition_max_bytes = 1048576;
  req.topics.push_back({"t", {p}});
  auto expected = FromHex(
      "ffffffff 000001f4 00000001 00100000 01"  // as v4
      "00000000"           // session_id 0 (v7+)
      "ffffffff"           // session_epoch -1: full fetch, no session (v7+)
      "00000001 0001 74 00000001 00000000"
      "ffffffff"           //     current_leader_epoch -1 (v9+)
      "0000000000000005"   //     fetch_offset
      "ffffffffffffffff"   //     log_start_offset -1 (v5+)
      "00100000"           //     partition_max_bytes
      "00000000"           // forgotten_topics_data: empty (v7+)
      "0000");             // rack_id "" (v11+)
  EXPECT_EQ(EncodeBody(req, 11), expected) << Hex(EncodeBody(req, 11));
}

TEST(KafkaGoldenTest, FetchV12ClusterIdIsATaggedField) {
  FetchRequest req;
  req.cluster_id = "c";
  auto bytes = EncodeBody(req, 12);
  // ... topics (compact, empty) 01, forgotten 01, rack_id "" 01, then tags: count 1, tag 0,
  // size 2, compact string "c" (02 63).
  auto tail = FromHex("01 01 01 01 00 02 02 63");
  ASSERT_GE(bytes.size(), tail.size());
  EXPECT_EQ(std::vector<uint8_t>(bytes.end() - static_cast<ptrdiff_t>(tail.size()), bytes.end()), tail) << Hex(bytes);
}

TEST(KafkaGoldenTest, FlexibleResponseHeaderHasTags) {
  HeartbeatResponse resp;
  auto frame = EncodeResponseFrame(ResponseHeader{5}, resp, 4);
  // size 12 | correlation_id 5 | header tags 00 | throttle 0 | error 0 | body tags 00
  EXPECT_EQ(frame, FromHex("0000000c 00000005 00 00000000 0000 00"));
  auto decoded = DecodeResponse(ApiKey::kHeartbeat, 4, std::span<const uint8_t>(frame).subspan(4));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->header.correlation_id, 5);
}

}  // namespace
}  // namespace tide::kafka
