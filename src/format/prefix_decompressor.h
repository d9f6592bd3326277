// Decompresses one compressed buffer whose uncompressed size is known (a Parquet page) a prefix
// at a time, into a caller's buffer of that size: Ensure(n) makes at least the first n bytes
// exist and decompresses little more than that.
//
// Why: a scan that needs the first rows of a large page needs only a prefix of its
// uncompressed bytes (PLAIN values and dictionary indices of rows < k precede those of rows
// >= k); decompressing the whole page would cost up to ten times the work.
//
// Codecs: raw snappy (our SnappyDecoder, element by element) and zstd frames (concatenated
// frames accepted; libzstd's buffer-less API decodes block by block, straight into the buffer,
// at most one 128 KiB block past what was asked). Others are not supported (Supports()).
//
// Bounds and errors: output never exceeds the buffer; input that does not decode, declares a
// different size or ends before `size` bytes is Corruption naming the codec. Bytes past
// produced() are the buffer's old contents and must not be read.
//
// Thread-safety: an instance is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/status.h"
#include "format/compression.h"
#include "format/snappy_decoder.h"

namespace tide::format {

class PrefixDecompressor {
 public:
  PrefixDecompressor() = default;
  ~PrefixDecompressor();
  PrefixDecompressor(const PrefixDecompressor&) = delete;
  PrefixDecompressor& operator=(const PrefixDecompressor&) = delete;

  static bool Supports(Codec codec) { return codec == Codec::kSnappy || codec == Codec::kZstd; }

  // Starts decompressing `input` (which must stay valid) into out[0, size). Corruption when
  // the input's own header contradicts `size` (snappy states its length; a zstd frame may).
  base::Status Init(Codec codec, std::span<const uint8_t> input, uint8_t* out, size_t size);

  // Makes produced() >= min(want, size()). Decompresses in steps of at least kStep bytes
  // so callers can ask value by value.
  base::Status Ensure(size_t want) {
    if (produced_ >= want || produced_ == size_) return base::Status::OK();
    return Grow(want);
  }

  size_t produced() const { return produced_; }
  size_t size() const { return size_; }
  const uint8_t* data() const { return out_; }

  static constexpr size_t kStep = size_t{64} << 10;

 private:
  base::Status Grow(size_t want);

  Codec codec_ = Codec::kNone;
  std::span<const uint8_t> input_;
  uint8_t* out_ = nullptr;
  size_t size_ = 0;
  size_t produced_ = 0;
  size_t in_pos_ = 0;       // zstd: next input byte
  bool frame_open_ = false; // zstd: inside a frame
  void* zstd_ = nullptr;    // ZSTD_DCtx, borrowed from the thread's cache
  SnappyDecoder snappy_;
};

}  // namespace tide::format
