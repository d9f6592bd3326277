// SnappyDecoder (our raw snappy decoder) and PrefixDecompressor: whole blocks equal libsnappy's
// output, prefixes stop early and resume, corrupt blocks are errors (never out-of-bounds).
#include <gtest/gtest.h>

#include <snappy-c.h>
#include <zstd.h>

#include <cstring>
#include <random>

#include "format/compression.h"
#include "format/prefix_decompressor.h"
#include "format/snappy_decoder.h"

namespace tide::format {
namespace {

std::vector<uint8_t> Snappy(const std::vector<uint8_t>& in) {
  size_t n = snappy_max_compressed_length(in.size());
  std::vector<uint8_t> out(n);
  EXPECT_EQ(snappy_compress(reinterpret_cast<const char*>(in.data()), in.size(), reinterpret_cast<char*>(out.data()), &n),
            SNAPPY_OK);
  out.resize(n);
  return out;
}

// Inputs that exercise every element kind: random bytes (literals), text-like repeats
// (copies with 1- and 2-byte offsets), short periods (overlapping copies), long runs, int64
// sequences, and a long-distance repeat (4-byte offsets are never produced by libsnappy, see
// the hand-made block below).
std::vector<std::vector<uint8_t>> Samples() {
  std::vector<std::vector<uint8_t>> v;
  std::mt19937_64 rng(7);
  v.push_back({});
  v.push_back({42});
  std::vector<uint8_t> rnd(100000);
  for (auto& b : rnd) b = static_cast<uint8_t>(rng());
  v.push_back(rnd);
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "row " + std::to_string(i % 977) + " city-" + std::to_string(rng() % 50) + ";";
  v.emplace_back(text.begin(), text.end());
  for (int period = 1; period <= 9; ++period) {
    std::vector<uint8_t> p(5000 + period);
    for (size_t i = 0; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i % period * 37 + 1);
    v.push_back(p);
  }
  std::vector<uint8_t> ints(8 * 50000);
  for (int64_t i = 0; i < 50000; ++i) std::memcpy(ints.data() + i * 8, &i, 8);
  v.push_back(ints);
  std::vector<uint8_t> far(rnd.begin(), rnd.begin() + 70000);
  far.insert(far.end(), rnd.begin(), rnd.begin() + 70000);
  v.push_back(far);
  return v;
}

TEST(SnappyDecoderTest, WholeBlocksEqualTheInput) {
  for (const auto& in : Samples()) {
    const auto c = Snappy(in);
    std::vector<uint8_t> out(in.size());
    ASSERT_TRUE(SnappyDecompressAll(c, out.data(), out.size()).ok()) << in.size();
    EXPECT_EQ(out, in);
    // The wrong expected size is refused.
    std::vector<uint8_t> big(in.size() + 1);
    EXPECT_FALSE(SnappyDecompressAll(c, big.data(), big.size()).ok());
  }
}

TEST(SnappyDecoderTest, PrefixesStopEarlyAndResume) {
  for (const auto& in : Samples()) {
    const auto c = Snappy(in);
    for (size_t step : {size_t{1}, size_t{100}, size_t{4096}, size_t{65536}}) {
      if (step == 1 && in.size() > 20000) continue;
      SnappyDecoder d;
      ASSERT_TRUE(d.Init(c).ok());
      ASSERT_EQ(d.uncompressed_length(), in.size());
      std::vector<uint8_t> out(in.size());
      size_t want = 0, checked = 0;
      while (!d.done()) {
        want += step;
        ASSERT_TRUE(d.DecodeTo(out.data(), want).ok());
        const size_t got = d.produced();
        ASSERT_GE(got, std::min(want, in.size()));
        ASSERT_LE(got, std::min(in.size(), want + 65536 + 64)) << "decoded far past the request";
        ASSERT_EQ(0, std::memcmp(out.data() + checked, in.data() + checked, got - checked)) << "step " << step;
        checked = got;
      }
      EXPECT_EQ(out, in);
    }
  }
}

// Hand-made block: a literal, then a copy with a 4-byte offset and one with a 1-byte offset
// reaching into the copy's own output (a run).
TEST(SnappyDecoderTest, FourByteOffsetsAndOverlappingCopies) {
  const std::vector<uint8_t> block = {
      23,                      // length 23
      (3 - 1) << 2, 'a', 'b', 'c',                    // literal "abc"
      static_cast<uint8_t>(((10 - 1) << 2) | 3), 3, 0, 0, 0,  // copy 10 bytes from 3 back (4-byte offset)
      static_cast<uint8_t>(((10 - 4) << 2) | 1), 1,            // copy 10 bytes from 1 back
  };
  std::vector<uint8_t> out(23);
  ASSERT_TRUE(SnappyDecompressAll(block, out.data(), out.size()).ok());
  EXPECT_EQ(std::string(out.begin(), out.end()), "abcabcabcabcaaaaaaaaaaa");
}

TEST(SnappyDecoderTest, CorruptBlocksAreErrors) {
  auto fails = [](std::vector<uint8_t> block, size_t size) {
    std::vector<uint8_t> out(size);
    return !SnappyDecompressAll(block, out.data(), out.size()).ok();
  };
  EXPECT_TRUE(fails({}, 0));                                  // no header
  EXPECT_TRUE(fails({0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 0)); // header too long
  EXPECT_TRUE(fails({5, 4 << 2, 'a'}, 5));                    // literal past the input
  EXPECT_TRUE(fails({2, (1 - 1) << 2, 'a', static_cast<uint8_t>(((1 - 1) << 2) | 2), 2, 0}, 2));  // offset before start
  EXPECT_TRUE(fails({2, (1 - 1) << 2, 'a', static_cast<uint8_t>(((1 - 1) << 2) | 2), 0, 0}, 2));  // offset 0
  EXPECT_TRUE(fails({3, (3 - 1) << 2, 'a', 'b', 'c', 0}, 3));  // trailing byte
  EXPECT_TRUE(fails({4, (3 - 1) << 2, 'a', 'b', 'c'}, 4));     // ends before its length
  EXPECT_TRUE(fails({2, (3 - 1) << 2, 'a', 'b', 'c'}, 2));     // literal past the length
  EXPECT_TRUE(fails({9, (1 - 1) << 2, 'a', static_cast<uint8_t>(((12 - 1) << 2) | 2), 1, 0}, 9));  // copy past length
  // Every truncation and every single-byte change of real blocks: an error or the right size,
  // never a crash (the sanitizer builds check the bounds).
  for (const auto& in : Samples()) {
    if (in.size() > 20000) continue;
    const auto c = Snappy(in);
    std::vector<uint8_t> out(in.size());
    for (size_t cut = 0; cut < c.size(); cut += 1 + c.size() / 200) {
      std::vector<uint8_t> t(c.begin(), c.begin() + cut);
      EXPECT_FALSE(SnappyDecompressAll(t, out.data(), out.size()).ok()) << cut;
    }
    for (size_t i = 0; i < c.size(); i += 1 + c.size() / 300) {
      auto m = c;
      m[i] ^= 0x5A;
      (void)SnappyDecompressAll(m, out.data(), out.size());
    }
  }
}

TEST(PrefixDecompressorTest, SnappyAndZstdPrefixes) {
  std::vector<uint8_t> in(3 << 20);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
  for (Codec codec : {Codec::kSnappy, Codec::kZstd}) {
    std::vector<uint8_t> c;
    ASSERT_TRUE(Compress(codec, in, &c).ok());
    if (codec == Codec::kZstd) {  // a second frame, concatenated: the prefix crosses it
      std::vector<uint8_t> more;
      ASSERT_TRUE(Compress(codec, in, &more).ok());
      c.insert(c.end(), more.begin(), more.end());
    }
    const size_t size = codec == Codec::kZstd ? 2 * in.size() : in.size();
    std::vector<uint8_t> out(size);
    PrefixDecompressor pd;
    ASSERT_TRUE(pd.Init(codec, c, out.data(), size).ok()) << CodecName(codec);
    for (size_t want : {size_t{1}, size_t{1000}, size_t{200000}, size_t{3 << 20}, size_t{(3 << 20) + 5}, size}) {
      ASSERT_TRUE(pd.Ensure(want).ok()) << CodecName(codec) << " " << want;
      ASSERT_GE(pd.produced(), std::min(want, size));
      ASSERT_LE(pd.produced(), std::min(size, want + (size_t{256} << 10))) << "decompressed far past the request";
      for (size_t i = 0; i < pd.produced(); i += 4093) ASSERT_EQ(out[i], in[i % in.size()]) << i;
    }
    EXPECT_EQ(pd.produced(), size);
    // A declared size that contradicts the block, truncated input: errors.
    PrefixDecompressor bad;
    std::vector<uint8_t> small(10);
    if (codec == Codec::kSnappy) EXPECT_FALSE(bad.Init(codec, c, small.data(), small.size()).ok());
    PrefixDecompressor cut;
    std::span<const uint8_t> half(c.data(), c.size() / 2);
    std::vector<uint8_t> out2(size);
    base::Status st = cut.Init(codec, half, out2.data(), size);
    if (st.ok()) st = cut.Ensure(size);
    EXPECT_FALSE(st.ok()) << CodecName(codec);
  }
  PrefixDecompressor none;
  uint8_t b[1];
  EXPECT_FALSE(none.Init(Codec::kGzip, {}, b, 1).ok());
  EXPECT_FALSE(PrefixDecompressor::Supports(Codec::kGzip));
}

}  // namespace
}  // namespace tide::format
