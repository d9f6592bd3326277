// libFuzzer target: our snappy decoder (SnappyDecoder) and the prefix decompressor built on it
// and on zstd, on arbitrary bytes. Any crash or sanitizer report is a bug; so is a block that
// libsnappy and our decoder disagree on (one accepts it and the other does not, or their
// outputs differ), and a prefix read in steps that differs from the whole block.
//
//   build/fuzz/fuzz/snappy_prefix_fuzz -max_total_time=60 CORPUS_DIR
//
// Input: byte 0 picks the codec (even: snappy, odd: zstd) and the step of the prefix reads;
// the rest is the compressed block.
#include <snappy-c.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "format/prefix_decompressor.h"
#include "format/snappy_decoder.h"

namespace {

constexpr size_t kMaxOutput = size_t{1} << 20;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "snappy_prefix_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  const std::span<const uint8_t> block(data + 1, size - 1);
  const size_t step = size_t{1} << ((mode >> 1) % 17);  // 1 B .. 64 KiB
  if ((mode & 1) == 0) {
    tide::format::SnappyDecoder d;
    if (!d.Init(block).ok()) return 0;
    const size_t n = d.uncompressed_length();
    if (n > kMaxOutput) return 0;
    // Exactly n bytes, so a write past the end is a sanitizer report.
    std::vector<uint8_t> ours(n), lib(n);
    const bool ours_ok = tide::format::SnappyDecompressAll(block, ours.data(), n).ok();
    size_t lib_n = n;
    const bool lib_ok = snappy_uncompress(reinterpret_cast<const char*>(block.data()), block.size(),
                                          reinterpret_cast<char*>(lib.data()), &lib_n) == SNAPPY_OK &&
                        lib_n == n;
    Check(ours_ok == lib_ok, "our decoder and libsnappy disagree on validity");
    if (ours_ok) Check(ours == lib, "our decoder and libsnappy decode differently");
    // The same block in steps: each step's prefix is final (equals the whole decode).
    std::vector<uint8_t> part(n);
    tide::format::SnappyDecoder p;
    Check(p.Init(block).ok(), "second Init failed");
    size_t want = 0;
    for (;;) {
      want += step;
      if (!p.DecodeTo(part.data(), want).ok()) {
        Check(!ours_ok, "a valid block failed in steps");
        break;
      }
      Check(p.produced() >= std::min(want, n), "stopped before the request");
      if (ours_ok) Check(std::memcmp(part.data(), ours.data(), p.produced()) == 0, "prefix differs");
      if (p.produced() == n) break;
    }
    return 0;
  }
  // zstd: the declared size from the frame header, else a fixed bound.
  std::vector<uint8_t> out(std::min<size_t>(kMaxOutput, 4096 + block.size() * 8));
  tide::format::PrefixDecompressor pd;
  if (!pd.Init(tide::format::Codec::kZstd, block, out.data(), out.size()).ok()) return 0;
  for (size_t want = step; want < out.size() + step; want += step) {
    if (!pd.Ensure(want).ok()) break;
    Check(pd.produced() >= std::min(want, out.size()) && pd.produced() <= out.size(), "zstd prefix size");
  }
  return 0;
}
