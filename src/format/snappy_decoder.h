// A decoder of the raw snappy format (one block: a varint uncompressed length, then literal and
// copy elements) that can stop once a given number of output bytes exists and resume later.
//
// Why our own: libsnappy decodes a block only as a whole. A Parquet scan that needs the first
// rows of a 1 Mi-row page (the values of rows < k are a prefix of the uncompressed page) would
// decompress the whole page to use a tenth of it. Whole pages still go through libsnappy (the
// one-shot fast path); this decoder serves the prefix reads.
//
// Contract: the output buffer is the caller's, `uncompressed_length()` bytes long, and the same
// buffer is passed to every DecodeTo call of one block (copies refer back into earlier output).
// DecodeTo(out, want) decodes whole elements until at least min(want, length) bytes exist: it
// stops at the end of the element that reaches `want` (a copy is at most 64 bytes; libsnappy's
// literals at most 64 KiB, as it compresses 64 KiB fragments), so a prefix costs about its own
// size.
//
// Hostile input: every element is checked against the input's end, the output's end and the
// output produced so far (a copy may not reach before the block's start); a violation is
// Corruption naming the input byte, never a read or write outside the two buffers. A block that
// ends before its declared length is Corruption once DecodeTo is asked for bytes past the end.
// The decoder never allocates.
//
// Thread-safety: an instance is used by one thread at a time; instances are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/status.h"

namespace tide::format {

class SnappyDecoder {
 public:
  // Parses the block's length header. Corruption when it is malformed or above 2^32 - 1.
  base::Status Init(std::span<const uint8_t> input);

  // The declared uncompressed size (valid after a successful Init).
  size_t uncompressed_length() const { return length_; }
  // Output bytes produced so far.
  size_t produced() const { return op_; }
  // True when the whole block is decoded (every input byte consumed, length reached).
  bool done() const { return op_ == length_ && ip_ == input_.size(); }

  // Decodes into out[0, uncompressed_length()) until produced() >= min(want, length). When the
  // length is reached the input must be exhausted too (trailing bytes are Corruption).
  base::Status DecodeTo(uint8_t* out, size_t want);

 private:
  base::Status Corrupt(const char* what) const;

  std::span<const uint8_t> input_;
  size_t ip_ = 0;      // next input byte
  size_t op_ = 0;      // next output byte
  size_t length_ = 0;  // declared output size
};

// Decompresses a whole raw snappy block into out[0, out_size) with the decoder above; out_size
// must equal the block's declared length (Corruption otherwise). For tests and the benchmark.
base::Status SnappyDecompressAll(std::span<const uint8_t> input, uint8_t* out, size_t out_size);

}  // namespace tide::format
