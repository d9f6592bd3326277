// DecodeRequest / EncodeRequest / EncodeResponse / DecodeResponse over every supported API and
// version, plus the error paths: unsupported versions, unknown keys, truncation and garbage.
#include <gtest/gtest.h>

#include <random>

#include "codec_test_util.h"
#include "base/endian.h"
#include "kafka/protocol/request.h"

namespace tide::kafka {
namespace {

using testing::FromHex;

// APIs whose old versions decode into the newest shape (e.g. a one-element list made of
// top-level fields), so an empty default body does not survive a round trip at those versions; their
// bytes still must.
bool Normalizes(ApiKey key) {
  return key == ApiKey::kFindCoordinator || key == ApiKey::kOffsetFetch || key == ApiKey::kLeaveGroup ||
         key == ApiKey::kJoinGroup;  // v0: rebalance_timeout_ms := session_timeout_ms
}

// A default-constructed request body for each alternative of RequestBody, in variant order.
template <class V, size_t... I>
std::vector<V> AllBodies(std::index_sequence<I...>) {
  return {V(std::in_place_index<I + 1>)...};
}
std::vector<RequestBody> AllRequestBodies() {
  return AllBodies<RequestBody>(std::make_index_sequence<std::variant_size_v<RequestBody> - 1>{});
}
std::vector<ResponseBody> AllResponseBodies() {
  return AllBodies<ResponseBody>(std::make_index_sequence<std::variant_size_v<ResponseBody> - 1>{});
}

TEST(KafkaDispatchTest, EverySupportedApiHasACodec) {
  auto bodies = AllRequestBodies();
  auto responses = AllResponseBodies();
  ASSERT_EQ(bodies.size(), SupportedApis().size());
  ASSERT_EQ(responses.size(), SupportedApis().size());
  for (const ApiVersionRange& range : SupportedApis()) {
    bool found = false;
    for (const auto& b : bodies) found |= RequestBodyApiKey(b) == range.api_key;
    EXPECT_TRUE(found) << ApiKeyName(range.api_key);
    found = false;
    for (const auto& b : responses) found |= ResponseBodyApiKey(b) == range.api_key;
    EXPECT_TRUE(found) << ApiKeyName(range.api_key);
  }
}

TEST(KafkaDispatchTest, RequestsRoundTripAtEveryVersionAndEveryPrefixFails) {
  for (const RequestBody& body : AllRequestBodies()) {
    ApiKey key = RequestBodyApiKey(body);
    const ApiVersionRange* range = FindSupportedApi(key);
    ASSERT_NE(range, nullptr);
    for (int16_t v = range->min_version; v <= range->max_version; ++v) {
      SCOPED_TRACE(std::string(ApiKeyName(key)) + " v" + std::to_string(v));
      RequestHeader h;
      h.api_key = key;
      h.api_version = v;
      h.correlation_id = 99;
      h.client_id = "test-client";
      std::vector<uint8_t> frame;
      EncodeRequest(h, body, frame);
      auto decoded = DecodeRequest(frame);
      ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
      EXPECT_EQ(decoded->disposition, RequestDisposition::kDecoded);
      EXPECT_EQ(decoded->header, h);
      EXPECT_EQ(decoded->header_version, RequestHeaderVersion(key, v));
      if (!Normalizes(key)) {
        EXPECT_TRUE(decoded->body == body);
      }
      std::vector<uint8_t> again;
      EncodeRequest(decoded->header, decoded->body, again);
      EXPECT_EQ(again, frame);
      EXPECT_EQ(decoded->trailing_bytes, 0u);
      for (size_t len = 0; len < frame.size(); ++len) {
        auto partial = DecodeRequest(std::span<const uint8_t>(frame.data(), len));
        EXPECT_FALSE(partial.ok()) << "prefix " << len << " of " << frame.size();
      }
    }
  }
}

TEST(KafkaDispatchTest, ResponsesRoundTripAtEveryVersion) {
  for (const ResponseBody& body : AllResponseBodies()) {
    ApiKey key = ResponseBodyApiKey(body);
    const ApiVersionRange* range = FindSupportedApi(key);
    ASSERT_NE(range, nullptr);
    for (int16_t v = range->min_version; v <= range->max_version; ++v) {
      SCOPED_TRACE(std::string(ApiKeyName(key)) + " v" + std::to_string(v));
      auto frame = EncodeResponseFrame(ResponseHeader{12}, body, v);
      ASSERT_GE(frame.size(), 4u);
      EXPECT_EQ(static_cast<size_t>(base::LoadBigEndian32(frame.data())), frame.size() - 4);
      auto decoded = DecodeResponse(key, v, std::span<const uint8_t>(frame).subspan(4));
      ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
      EXPECT_EQ(decoded->header.correlation_id, 12);
      if (!Normalizes(key)) {
        EXPECT_TRUE(decoded->body == body);
      }
      EXPECT_EQ(EncodeResponseFrame(decoded->header, decoded->body, v), frame);
    }
  }
}

TEST(KafkaDispatchTest, UnsupportedVersionKeepsTheHeader) {
  // Produce v99 (header v1 as far as we know: Produce is flexible from v9, so header v2).
  auto frame = FromHex("0000 0063 00000005 0001 78 00 ffff");
  auto decoded = DecodeRequest(frame);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->disposition, RequestDisposition::kUnsupportedVersion);
  EXPECT_EQ(decoded->header.api_key, ApiKey::kProduce);
  EXPECT_EQ(decoded->header.api_version, 99);
  EXPECT_EQ(decoded->header.correlation_id, 5);
  EXPECT_EQ(decoded->header.client_id, "x");

  // Even a header whose client_id is unreadable gives the correlation id back.
  auto broken = FromHex("0012 0063 00000006 7fff");
  auto d2 = DecodeRequest(broken);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->disposition, RequestDisposition::kUnsupportedVersion);
  EXPECT_EQ(d2->header.correlation_id, 6);
}

TEST(KafkaDispatchTest, UnknownApiKey) {
  auto frame = FromHex("03e8 0000 00000001 ffff");  // key 1000
  auto decoded = DecodeRequest(frame);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->disposition, RequestDisposition::kUnknownApiKey);
  EXPECT_EQ(decoded->header.correlation_id, 1);
  auto elect = FromHex("002b 0000 00000002 ffff");  // ElectLeaders: a real key Tide does not implement
  auto d2 = DecodeRequest(elect);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->disposition, RequestDisposition::kUnknownApiKey);
}

TEST(KafkaDispatchTest, MalformedBodyIsACorruptionNamingTheRequest) {
  // Produce v3: header, then transactional_id claiming 100 bytes.
  auto frame = FromHex("0000 0003 00000009 ffff 0064 00");
  auto decoded = DecodeRequest(frame);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), base::StatusCode::kCorruption);
  EXPECT_NE(decoded.status().message().find("Produce v3 request"), std::string::npos) << decoded.status().ToString();
  EXPECT_NE(decoded.status().message().find("transactional_id"), std::string::npos);
  EXPECT_FALSE(DecodeRequest(FromHex("0000 00")).ok());
}

TEST(KafkaDispatchTest, HugeCountsDoNotAllocate) {
  // Metadata v1 with topics count 2^31-1 and nothing after it.
  auto frame = FromHex("0003 0001 00000001 ffff 7fffffff");
  EXPECT_FALSE(DecodeRequest(frame).ok());
  // Metadata v9 (compact) with a 5-byte varint count of ~4 billion.
  auto flex = FromHex("0003 0009 00000001 ffff 00 ffffffff0f");
  EXPECT_FALSE(DecodeRequest(flex).ok());
  // Produce v9 with a records length of 2^31.
  auto produce = FromHex("0000 0009 00000001 ffff 00 00 ffff 00000000 02 02 74 02 00000000 8080808008");
  EXPECT_FALSE(DecodeRequest(produce).ok());
}

TEST(KafkaDispatchTest, RandomGarbageNeverCrashes) {
  std::mt19937 rng(1234);
  auto bodies = AllRequestBodies();
  for (int iter = 0; iter < 20000; ++iter) {
    const RequestBody& body = bodies[rng() % bodies.size()];
    ApiKey key = RequestBodyApiKey(body);
    const ApiVersionRange* range = FindSupportedApi(key);
    int16_t v = static_cast<int16_t>(range->min_version + rng() % (range->max_version - range->min_version + 1));
    std::vector<uint8_t> frame;
    uint8_t hdr[4];
    base::StoreBigEndian16(hdr, static_cast<uint16_t>(key));
    base::StoreBigEndian16(hdr + 2, static_cast<uint16_t>(v));
    frame.insert(frame.end(), hdr, hdr + 4);
    size_t n = rng() % 64;
    for (size_t i = 0; i < n; ++i) {
      // Bias towards small and 0xff bytes so lengths and counts take interesting values.
      uint32_t x = rng();
      frame.push_back(x % 4 == 0 ? 0xff : x % 4 == 1 ? 0 : static_cast<uint8_t>(x >> 8));
    }
    auto decoded = DecodeRequest(frame);
    if (decoded.ok() && decoded->disposition == RequestDisposition::kDecoded) {
      // Whatever decoded must re-encode to something that decodes to the same request.
      std::vector<uint8_t> again;
      EncodeRequest(decoded->header, decoded->body, again);
      auto redecoded = DecodeRequest(again);
      ASSERT_TRUE(redecoded.ok()) << redecoded.status().ToString();
      EXPECT_TRUE(redecoded->body == decoded->body);
    }
  }
}

}  // namespace
}  // namespace tide::kafka
