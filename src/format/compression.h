// Block and stream compression codecs used by Kafka record batches and Parquet pages.
//
// One entry point per direction, codec chosen by enum. Decompression treats its input as hostile:
// it never allocates more than `max_output` (+1 byte, used to detect overflow) however the input
// claims to expand, and malformed input yields Corruption naming the codec, never a crash.
//
// Container formats accepted by Decompress:
//   kGzip      gzip or zlib streams (auto-detected), several concatenated gzip members.
//   kSnappy    raw snappy, or the xerial "snappy-java" stream framing Java Kafka producers use
//              (magic \x82SNAPPY\0, two big-endian i32 versions, then big-endian u32 length-
//              prefixed raw snappy chunks).
//   kLz4Frame  the LZ4 frame format (Kafka's "lz4"); concatenated frames are accepted.
//   kLz4Raw    one raw LZ4 block (Parquet LZ4_RAW).
//   kLz4Hadoop Parquet's legacy "LZ4": repeated [BE u32 decompressed size][BE u32 compressed
//              size][raw lz4 block]; input that does not parse as that framing is retried as one
//              raw LZ4 block, as parquet-mr and Arrow do.
//   kZstd      zstd frames (concatenated frames accepted).
//   kBrotli    a brotli stream.
// An empty input decompresses to nothing for every codec.
//
// Compress produces: gzip (RFC 1952, one member), raw snappy (which Java's xerial reader also
// accepts), an LZ4 frame with independent 64 KiB blocks (what Kafka's Java client can read),
// a raw LZ4 block, Hadoop-framed LZ4 (one block per 8 MiB of input), a zstd frame, brotli.
// `level` 0 means the codec's default (gzip 6, zstd 3, brotli 8, lz4 fast); levels are
// ignored by snappy and raw LZ4.
//
// Both functions append to *out and leave what was already there untouched; on error nothing is
// appended (out keeps its original size).
//
// Thread-safety: stateless; safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"

namespace tide::format {

enum class Codec { kNone, kGzip, kSnappy, kLz4Frame, kLz4Raw, kLz4Hadoop, kZstd, kBrotli };

// "none", "gzip", "snappy", "lz4", "lz4_raw", "lz4_hadoop", "zstd", "brotli".
std::string_view CodecName(Codec codec);

// Appends the decompressed form of `input` to *out. `size_hint` is the expected decompressed
// size when the container knows it (Parquet pages do; 0 if unknown); it is used to size the
// buffer, not trusted. `max_output` bounds the bytes appended: input that would decompress past
// it is refused with ResourceExhausted (or Corruption for raw LZ4, whose decoder cannot tell a
// too-small buffer from bad input).
base::Status Decompress(Codec codec, std::span<const uint8_t> input, std::vector<uint8_t>* out,
                        size_t size_hint, size_t max_output);

// Appends the compressed form of `input` to *out. level: codec default when 0.
base::Status Compress(Codec codec, std::span<const uint8_t> input, std::vector<uint8_t>* out,
                      int level = 0);

}  // namespace tide::format
