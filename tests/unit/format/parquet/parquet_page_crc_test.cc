#include "format/parquet/page_crc.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace tide::format::parquet {
namespace {

TEST(PageCrcTest, KnownValue) {
  const char* s = "123456789";
  EXPECT_EQ(Crc32(0, reinterpret_cast<const uint8_t*>(s), 9), 0xCBF43926u);
  std::vector<uint8_t> zeros(4096, 0);
  EXPECT_EQ(Crc32(0, zeros.data(), zeros.size()), Crc32Reference(0, zeros.data(), zeros.size()));
}

TEST(PageCrcTest, MatchesZlibForEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(3000);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t off = 0; off < 16; ++off) {
    for (size_t n = 0; n + off <= buf.size(); n += (n < 300 ? 1 : 97)) {
      ASSERT_EQ(Crc32(0, buf.data() + off, n), Crc32Reference(0, buf.data() + off, n)) << "offset " << off << " n " << n;
    }
  }
}

TEST(PageCrcTest, ChainsLikeZlib) {
  std::mt19937 rng(11);
  std::vector<uint8_t> buf(1 << 20);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  const uint32_t whole = Crc32Reference(0, buf.data(), buf.size());
  EXPECT_EQ(Crc32(0, buf.data(), buf.size()), whole);
  uint32_t c = Crc32(0, buf.data(), 1000);
  c = Crc32(c, buf.data() + 1000, 77);
  c = Crc32(c, buf.data() + 1077, buf.size() - 1077);
  EXPECT_EQ(c, whole);
  // A single flipped bit changes the CRC.
  buf[123456] ^= 0x10;
  EXPECT_NE(Crc32(0, buf.data(), buf.size()), whole);
}

}  // namespace
}  // namespace tide::format::parquet
