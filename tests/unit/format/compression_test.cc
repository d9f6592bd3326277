#include "format/compression.h"

#include <gtest/gtest.h>
#include <snappy-c.h>

#include <random>
#include <string>
#include <vector>

#include "base/endian.h"

namespace tide::format {
namespace {

constexpr Codec kAll[] = {Codec::kNone,      Codec::kGzip, Codec::kSnappy, Codec::kLz4Frame,
                          Codec::kLz4Raw,    Codec::kLz4Hadoop, Codec::kZstd, Codec::kBrotli};
constexpr size_t kBig = 1 << 30;

std::vector<uint8_t> Sample(size_t n, unsigned seed = 1) {
  // Compressible but not trivial: words from a small vocabulary plus some random bytes.
  std::mt19937 rng(seed);
  static const char* kWords[] = {"alpha ", "beta ", "gamma ", "delta ", "tide ", "kafka "};
  std::vector<uint8_t> v;
  while (v.size() < n) {
    if (rng() % 8 == 0) {
      v.push_back(static_cast<uint8_t>(rng()));
    } else {
      const char* w = kWords[rng() % 6];
      v.insert(v.end(), w, w + strlen(w));
    }
  }
  v.resize(n);
  return v;
}

class CodecTest : public ::testing::TestWithParam<Codec> {};

TEST_P(CodecTest, RoundTripSizes) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{70000}, size_t{1} << 20}) {
    auto data = Sample(n, static_cast<unsigned>(n));
    std::vector<uint8_t> compressed = {9, 9};  // pre-existing bytes must survive
    ASSERT_TRUE(Compress(GetParam(), data, &compressed).ok());
    std::vector<uint8_t> out = {7};
    auto st = Decompress(GetParam(), std::span(compressed).subspan(2), &out, 0, kBig);
    ASSERT_TRUE(st.ok()) << CodecName(GetParam()) << " n=" << n << ": " << st.ToString();
    ASSERT_EQ(out.size(), n + 1);
    EXPECT_EQ(out[0], 7);
    EXPECT_TRUE(std::equal(data.begin(), data.end(), out.begin() + 1)) << CodecName(GetParam()) << " n=" << n;
    // With an exact size hint too.
    out.clear();
    ASSERT_TRUE(Decompress(GetParam(), std::span(compressed).subspan(2), &out, n, kBig).ok());
    EXPECT_EQ(out, data);
  }
}

TEST_P(CodecTest, Levels) {
  auto data = Sample(50000);
  for (int level : {1, 5, 9}) {
    std::vector<uint8_t> c, d;
    ASSERT_TRUE(Compress(GetParam(), data, &c, level).ok());
    ASSERT_TRUE(Decompress(GetParam(), c, &d, 0, kBig).ok());
    EXPECT_EQ(d, data);
  }
}

TEST_P(CodecTest, EmptyInputDecompressesToNothing) {
  std::vector<uint8_t> out = {1, 2};
  EXPECT_TRUE(Decompress(GetParam(), {}, &out, 0, kBig).ok());
  EXPECT_EQ(out.size(), 2u);
}

TEST_P(CodecTest, MaxOutputIsEnforced) {
  auto data = Sample(200000);
  std::vector<uint8_t> c;
  ASSERT_TRUE(Compress(GetParam(), data, &c).ok());
  std::vector<uint8_t> out = {5};
  auto st = Decompress(GetParam(), c, &out, 0, 1000);
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(st.code() == base::StatusCode::kResourceExhausted || st.IsCorruption()) << st.ToString();
  EXPECT_EQ(out.size(), 1u) << "nothing appended on error";
  // Exactly at the limit is fine.
  out.clear();
  EXPECT_TRUE(Decompress(GetParam(), c, &out, 0, data.size()).ok());
  EXPECT_EQ(out, data);
  // A size hint larger than the limit does not make it allocate past the limit or succeed.
  out.clear();
  EXPECT_FALSE(Decompress(GetParam(), c, &out, data.size(), data.size() - 1).ok());
}

TEST_P(CodecTest, CorruptInputIsAnErrorNotACrash) {
  if (GetParam() == Codec::kNone) GTEST_SKIP();
  auto data = Sample(30000);
  std::vector<uint8_t> c;
  ASSERT_TRUE(Compress(GetParam(), data, &c).ok());
  std::mt19937 rng(3);
  int errors = 0;
  for (int trial = 0; trial < 200; ++trial) {
    auto bad = c;
    switch (trial % 3) {
      case 0: bad.resize(rng() % bad.size()); break;              // truncated
      case 1: bad[rng() % bad.size()] ^= 1 << (rng() % 8); break;  // bit flip
      default:
        for (int i = 0; i < 8; ++i) bad[rng() % bad.size()] = static_cast<uint8_t>(rng());
    }
    std::vector<uint8_t> out;
    auto st = Decompress(GetParam(), bad, &out, 0, 1 << 20);
    if (!st.ok()) {
      ++errors;
      EXPECT_NE(st.message().find(std::string(CodecName(GetParam())).substr(0, 3)), std::string::npos)
          << st.ToString();
      EXPECT_TRUE(out.empty());
    }
  }
  EXPECT_GT(errors, 0);
  // Plain garbage.
  std::vector<uint8_t> garbage(100, 0xAB), out;
  EXPECT_FALSE(Decompress(GetParam(), garbage, &out, 0, 1 << 20).ok());
}

INSTANTIATE_TEST_SUITE_P(All, CodecTest, ::testing::ValuesIn(kAll),
                         [](const auto& info) { return std::string(CodecName(info.param)); });

TEST(CompressionTest, CodecNames) {
  EXPECT_EQ(CodecName(Codec::kZstd), "zstd");
  EXPECT_EQ(CodecName(Codec::kLz4Frame), "lz4");
  EXPECT_EQ(CodecName(Codec::kNone), "none");
}

std::vector<uint8_t> RawSnappy(std::span<const uint8_t> in) {
  size_t len = snappy_max_compressed_length(in.size());
  std::vector<uint8_t> out(len);
  EXPECT_EQ(snappy_compress(reinterpret_cast<const char*>(in.data()), in.size(),
                            reinterpret_cast<char*>(out.data()), &len),
            SNAPPY_OK);
  out.resize(len);
  return out;
}

TEST(CompressionTest, XerialSnappyFraming) {
  auto data = Sample(100000);
  std::vector<uint8_t> framed = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
  for (size_t pos = 0; pos < data.size(); pos += 32768) {
    auto chunk = RawSnappy(std::span(data).subspan(pos, std::min<size_t>(32768, data.size() - pos)));
    uint8_t len[4];
    base::StoreBigEndian32(len, static_cast<uint32_t>(chunk.size()));
    framed.insert(framed.end(), len, len + 4);
    framed.insert(framed.end(), chunk.begin(), chunk.end());
  }
  std::vector<uint8_t> out;
  ASSERT_TRUE(Decompress(Codec::kSnappy, framed, &out, 0, kBig).ok());
  EXPECT_EQ(out, data);
  // Limit applies across chunks.
  out.clear();
  EXPECT_EQ(Decompress(Codec::kSnappy, framed, &out, 0, 50000).code(), base::StatusCode::kResourceExhausted);
  // A chunk length running past the end is corruption.
  framed.resize(framed.size() - 3);
  out.clear();
  auto st = Decompress(Codec::kSnappy, framed, &out, 0, kBig);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("snappy"), std::string::npos);
}

TEST(CompressionTest, SnappyHostileLengthIsRefusedWithoutAllocating) {
  // Varint length 0xFFFFFFFF (4 GiB) then nothing.
  std::vector<uint8_t> bad = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00};
  std::vector<uint8_t> out;
  EXPECT_EQ(Decompress(Codec::kSnappy, bad, &out, 0, 1 << 20).code(), base::StatusCode::kResourceExhausted);
}

TEST(CompressionTest, GzipMultipleMembers) {
  auto a = Sample(1000, 1), b = Sample(2000, 2);
  std::vector<uint8_t> c;
  ASSERT_TRUE(Compress(Codec::kGzip, a, &c).ok());
  ASSERT_TRUE(Compress(Codec::kGzip, b, &c).ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(Decompress(Codec::kGzip, c, &out, 0, kBig).ok());
  auto expected = a;
  expected.insert(expected.end(), b.begin(), b.end());
  EXPECT_EQ(out, expected);
}

TEST(CompressionTest, ZstdMultipleFrames) {
  auto a = Sample(1000, 1), b = Sample(2000, 2);
  std::vector<uint8_t> c;
  ASSERT_TRUE(Compress(Codec::kZstd, a, &c).ok());
  ASSERT_TRUE(Compress(Codec::kZstd, b, &c).ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(Decompress(Codec::kZstd, c, &out, 0, kBig).ok());
  EXPECT_EQ(out.size(), 3000u);
}

TEST(CompressionTest, Lz4HadoopFallsBackToRawBlock) {
  auto data = Sample(5000);
  std::vector<uint8_t> raw;
  ASSERT_TRUE(Compress(Codec::kLz4Raw, data, &raw).ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(Decompress(Codec::kLz4Hadoop, raw, &out, data.size(), kBig).ok());
  EXPECT_EQ(out, data);
}

TEST(CompressionTest, Lz4HadoopMultipleBlocks) {
  auto a = Sample(3000, 1), b = Sample(4000, 2);
  std::vector<uint8_t> c;
  ASSERT_TRUE(Compress(Codec::kLz4Hadoop, a, &c).ok());
  ASSERT_TRUE(Compress(Codec::kLz4Hadoop, b, &c).ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(Decompress(Codec::kLz4Hadoop, c, &out, 0, kBig).ok());
  EXPECT_EQ(out.size(), 7000u);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), out.begin()));
}

}  // namespace
}  // namespace tide::format
