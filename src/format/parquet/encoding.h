// Low-level Parquet decoders (parquet-format Encodings.md): the RLE / bit-packed hybrid
// (levels, dictionary indices, booleans), legacy BIT_PACKED levels, DELTA_BINARY_PACKED,
// and the little-endian bit reader they share.
//
// Every decoder reads from a bounded byte range and returns Corruption instead of reading past
// it; counts declared in the data are never trusted for allocation beyond the caller's bound.
//
// Thread-safety: decoder objects are single-threaded; free functions are reentrant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tide::format::parquet {

// Bits needed to store values 0..max_value (0 for max_value == 0).
int BitWidthFor(uint32_t max_value);

// Reads `bit_width` (0..64) bits at bit position `bit_pos` (LSB-first). The caller ensures the
// bits lie inside [data, data + size). Inline: it is the inner loop of every bit-packed run.
inline uint64_t ReadBitsLsb(const uint8_t* data, size_t size, uint64_t bit_pos, int bit_width) {
  if (bit_width == 0) return 0;
  const size_t byte = bit_pos >> 3;
  const int shift = static_cast<int>(bit_pos & 7);
  if (bit_width <= 56 && byte + 8 <= size) {
    uint64_t w;
    std::memcpy(&w, data + byte, 8);
    return (w >> shift) & ((uint64_t{1} << bit_width) - 1);
  }
  uint64_t v = 0;
  int got = 0;
  size_t b = byte;
  int s = shift;
  while (got < bit_width) {
    const int take = (8 - s) < (bit_width - got) ? (8 - s) : (bit_width - got);
    v |= ((static_cast<uint64_t>(data[b]) >> s) & ((1u << take) - 1)) << got;
    got += take;
    ++b;
    s = 0;
  }
  return v;
}

// The RLE / bit-packed hybrid without its length prefix.
class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width)
      : data_(data), end_(data + size), bit_width_(bit_width) {}

  // Decodes exactly n values into out[0..n). Corruption when the data ends first or a value
  // does not fit bit_width. T is an unsigned or signed integer type wide enough for bit_width.
  template <typename T>
  base::Status Decode(T* out, int64_t n);

 private:
  base::Status NextRun();

  const uint8_t* data_;
  const uint8_t* end_;
  int bit_width_;
  int64_t rle_left_ = 0;
  uint64_t rle_value_ = 0;
  int64_t packed_left_ = 0;     // values left in the current bit-packed run
  const uint8_t* packed_ = nullptr;  // start of the run's bytes
  size_t packed_size_ = 0;
  uint64_t packed_bit_ = 0;     // next bit inside the run
};

// Legacy BIT_PACKED level encoding: values packed MSB-first, ceil(n * bit_width / 8) bytes.
base::Status DecodeBitPackedMsb(const uint8_t* data, size_t size, int bit_width, int64_t n, int16_t* out);

// DELTA_BINARY_PACKED: decodes the whole block sequence at `data`. The header's total count
// must be <= max_count (the caller's bound, e.g. the page's value count). *consumed is set to
// the bytes used (where the next section, e.g. DELTA_LENGTH_BYTE_ARRAY data, starts).
// Values are computed with wrapping 64-bit arithmetic (truncate for INT32 columns).
base::Status DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, int64_t max_count, std::vector<int64_t>* out,
                                     size_t* consumed);

// Encodes values (each < 2^bit_width) as the RLE / bit-packed hybrid, appending to *out:
// runs of 8 or more equal values become RLE runs, the rest bit-packed groups of 8 (the last
// group padded with zeros).
template <typename T>
void EncodeRleBitPacked(const T* values, int64_t n, int bit_width, std::vector<uint8_t>* out);

// DELTA_BINARY_PACKED of n values (T = int32_t or int64_t), appended to *out: blocks of 128
// values in 4 miniblocks of 32. Deltas use T's wrapping arithmetic, so no bit width exceeds
// T's (readers such as Arrow refuse wider miniblocks for INT32 columns).
template <typename T>
void EncodeDeltaBinaryPacked(const T* values, int64_t n, std::vector<uint8_t>* out);

// DELTA_LENGTH_BYTE_ARRAY: the lengths (DELTA_BINARY_PACKED int32) then the bytes.
void EncodeDeltaLengthByteArray(const std::string_view* values, int64_t n, std::vector<uint8_t>* out);
// DELTA_BYTE_ARRAY: lengths of the prefix shared with the previous value, then the suffixes
// as DELTA_LENGTH_BYTE_ARRAY.
void EncodeDeltaByteArray(const std::string_view* values, int64_t n, std::vector<uint8_t>* out);

}  // namespace tide::format::parquet
