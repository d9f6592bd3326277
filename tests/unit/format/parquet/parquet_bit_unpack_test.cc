// The RLE / bit-packed decoder's unrolled group unpacker against the encoder, for every bit
// width, with reads that start and stop mid-group and runs that end near the buffer's end
// (where the 8-byte loads must fall back to the bounded reader).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "format/parquet/encoding.h"

namespace tide::format::parquet {
namespace {

TEST(BitUnpackTest, EveryWidthAndSplit) {
  std::mt19937 rng(3);
  for (int bw = 1; bw <= 32; ++bw) {
    const uint64_t mask = bw == 32 ? 0xFFFFFFFFull : ((uint64_t{1} << bw) - 1);
    for (int64_t n : {1, 7, 8, 9, 63, 64, 65, 1000, 4099}) {
      std::vector<uint32_t> values(n);
      for (auto& v : values) v = static_cast<uint32_t>(rng() & mask);  // random: bit-packed, not RLE
      std::vector<uint8_t> enc;
      EncodeRleBitPacked(values.data(), n, bw, &enc);
      for (int64_t step : {int64_t{1}, int64_t{3}, int64_t{8}, int64_t{13}, n}) {
        RleBitPackedDecoder dec(enc.data(), enc.size(), bw);
        std::vector<uint32_t> out(n, 0xDEADBEEF);
        for (int64_t at = 0; at < n; at += step) {
          ASSERT_TRUE(dec.Decode(out.data() + at, std::min(step, n - at)).ok());
        }
        ASSERT_EQ(out, values) << "bit width " << bw << ", n " << n << ", step " << step;
      }
    }
  }
}

TEST(BitUnpackTest, NarrowTypesAndTruncatedRun) {
  std::mt19937 rng(5);
  std::vector<int16_t> levels(1001);
  for (auto& v : levels) v = static_cast<int16_t>(rng() & 3);
  std::vector<uint8_t> enc;
  EncodeRleBitPacked(levels.data(), static_cast<int64_t>(levels.size()), 2, &enc);
  std::vector<int16_t> out(levels.size());
  RleBitPackedDecoder dec(enc.data(), enc.size(), 2);
  ASSERT_TRUE(dec.Decode(out.data(), static_cast<int64_t>(out.size())).ok());
  EXPECT_EQ(out, levels);
  // Cut the data short: the decoder reports it instead of reading past the end.
  std::vector<uint8_t> cut(enc.begin(), enc.begin() + static_cast<long>(enc.size() / 2));
  RleBitPackedDecoder short_dec(cut.data(), cut.size(), 2);
  EXPECT_FALSE(short_dec.Decode(out.data(), static_cast<int64_t>(out.size())).ok());
}

}  // namespace
}  // namespace tide::format::parquet
