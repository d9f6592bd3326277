#include "format/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace tide::format {
namespace {

uint32_t Crc(const std::string& s) { return Crc32c(s.data(), s.size()); }

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Crc(""), 0u);
  EXPECT_EQ(Crc("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc("a"), 0xC1D04330u);
  // RFC 3720 (iSCSI) B.4 test vectors.
  std::vector<uint8_t> zeros(32, 0), ones(32, 0xFF), inc(32), dec(32);
  for (int i = 0; i < 32; ++i) {
    inc[i] = static_cast<uint8_t>(i);
    dec[i] = static_cast<uint8_t>(31 - i);
  }
  EXPECT_EQ(Crc32c(zeros.data(), 32), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(ones.data(), 32), 0x62A8AB43u);
  EXPECT_EQ(Crc32c(inc.data(), 32), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(dec.data(), 32), 0x113FDB5Cu);
}

TEST(Crc32cTest, SoftwareMatchesHardwareAllLengthsAndAlignments) {
  std::mt19937 rng(42);
  std::vector<uint8_t> buf(1100);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t off = 0; off < 9; ++off) {
    for (size_t n = 0; n + off <= buf.size(); n += (n < 64 ? 1 : 37)) {
      ASSERT_EQ(Crc32c(buf.data() + off, n), Crc32cSoftware(buf.data() + off, n)) << off << " " << n;
    }
  }
}

TEST(Crc32cTest, SoftwareMatchesHardwareOnLargeInputs) {
  // Large inputs take the three-lane path: lengths around its threshold and lane boundaries,
  // odd tails, unaligned starts and a non-zero initial CRC.
  std::mt19937 rng(9);
  std::vector<uint8_t> buf(1 << 20);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t n : {16383u, 16384u, 16385u, 16391u, 24576u, 65536u + 13, 300001u, 1048000u}) {
    for (size_t off : {0u, 3u, 8u}) {
      ASSERT_EQ(Crc32c(buf.data() + off, n), Crc32cSoftware(buf.data() + off, n)) << off << " " << n;
      ASSERT_EQ(Crc32c(buf.data() + off, n, 0x12345678u), Crc32cSoftware(buf.data() + off, n, 0x12345678u));
    }
  }
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string s = "The quick brown fox jumps over the lazy dog, many times over and over.";
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    uint32_t a = Crc32c(s.data(), cut);
    EXPECT_EQ(Crc32c(s.data() + cut, s.size() - cut, a), Crc(s));
    EXPECT_EQ(Crc32cSoftware(s.data() + cut, s.size() - cut, Crc32cSoftware(s.data(), cut)), Crc(s));
  }
}

TEST(Crc32cTest, CombineEqualsWhole) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(5000);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t cut : {0, 1, 7, 8, 100, 2500, 4999, 5000}) {
    uint32_t a = Crc32c(buf.data(), cut);
    uint32_t b = Crc32c(buf.data() + cut, buf.size() - cut);
    EXPECT_EQ(Crc32cCombine(a, b, buf.size() - cut), Crc32c(buf.data(), buf.size())) << cut;
  }
}

}  // namespace
}  // namespace tide::format
