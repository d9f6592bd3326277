#include "format/compression.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "base/endian.h"

namespace tide::format {
namespace {

using base::Status;

Status CorruptInput(Codec codec, std::string_view what) {
  std::string msg(CodecName(codec));
  msg += " decompression: ";
  msg += what;
  return Status::Corruption(std::move(msg));
}

Status TooLarge(Codec codec, size_t max_output) {
  return Status::ResourceExhausted(std::string(CodecName(codec)) + " decompression: output exceeds limit of " +
                                   std::to_string(max_output) + " bytes");
}

// Grows *out in chunks while a streaming decoder writes into it, never past max_output + 1
// bytes of new data: the one spare byte lets a decoder that still has output reveal that the
// limit is exceeded without us allocating anything like what a hostile input claims.
class BoundedOutput {
 public:
  BoundedOutput(std::vector<uint8_t>* out, size_t first_chunk, size_t max_output)
      : out_(out), start_(out->size()), max_(max_output), next_chunk_(std::max<size_t>(first_chunk, 1)) {}

  // Writable space after the bytes produced so far; empty once max_output + 1 bytes exist.
  std::span<uint8_t> Space() {
    size_t limit = max_ + 1 - std::min(produced_, max_ + 1);
    if (free_ == 0 && limit > 0) {
      size_t chunk = std::min({next_chunk_, limit, size_t{1} << 30});
      out_->resize(start_ + produced_ + chunk);
      free_ = chunk;
      next_chunk_ = std::max(next_chunk_, produced_ + chunk);  // roughly doubles the total
    }
    return {out_->data() + start_ + produced_, free_};
  }
  void Commit(size_t n) {
    produced_ += n;
    free_ -= n;
  }
  size_t produced() const { return produced_; }
  bool exceeded() const { return produced_ > max_; }
  // Trims unused space; keeps the output on success, drops it on failure.
  void Finish(bool ok) { out_->resize(ok ? start_ + produced_ : start_); }

 private:
  std::vector<uint8_t>* out_;
  size_t start_;
  size_t max_;
  size_t next_chunk_;
  size_t produced_ = 0;
  size_t free_ = 0;
};

size_t FirstChunk(size_t input_size, size_t size_hint) {
  if (size_hint > 0) return size_hint + 1;  // +1: room to notice the stream ends where expected
  return std::max<size_t>(input_size * 4, 64 * 1024);
}

// ---- gzip / zlib ----

Status DecompressGzip(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t hint, size_t max) {
  z_stream zs{};
  // 32 + 15: accept gzip or zlib headers, 32 KiB window.
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::Internal("gzip: inflateInit2 failed");
  BoundedOutput sink(out, FirstChunk(in.size(), hint), max);
  zs.next_in = const_cast<Bytef*>(in.data());
  size_t in_left = in.size();
  Status st;
  while (true) {
    std::span<uint8_t> space = sink.Space();
    if (space.empty()) {
      st = TooLarge(Codec::kGzip, max);
      break;
    }
    uInt in_chunk = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
    zs.avail_in = in_chunk;
    zs.next_out = space.data();
    zs.avail_out = static_cast<uInt>(space.size());
    int rc = inflate(&zs, Z_NO_FLUSH);
    in_left -= in_chunk - zs.avail_in;
    sink.Commit(space.size() - zs.avail_out);
    if (sink.exceeded()) {
      st = TooLarge(Codec::kGzip, max);
      break;
    }
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (e.g. `cat a.gz b.gz`); trailing zero padding is ignored.
      const uint8_t* rest = zs.next_in;
      if (in_left >= 2 && rest[0] == 0x1f && rest[1] == 0x8b) {
        inflateReset(&zs);
        continue;
      }
      if (std::all_of(rest, rest + in_left, [](uint8_t b) { return b == 0; })) break;
      st = CorruptInput(Codec::kGzip, "unexpected bytes after end of stream at input byte " +
                                          std::to_string(in.size() - in_left));
      break;
    }
    if (rc == Z_BUF_ERROR && in_left == 0 && zs.avail_out != 0) {
      st = CorruptInput(Codec::kGzip, "truncated stream (" + std::to_string(in.size()) + " input bytes)");
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      st = CorruptInput(Codec::kGzip, std::string(zs.msg ? zs.msg : "invalid data") + " near input byte " +
                                          std::to_string(in.size() - in_left));
      break;
    }
  }
  inflateEnd(&zs);
  sink.Finish(st.ok());
  return st;
}

Status CompressGzip(std::span<const uint8_t> in, std::vector<uint8_t>* out, int level) {
  if (in.size() > (size_t{1} << 31)) {
    return Status::InvalidArgument("gzip: input of " + std::to_string(in.size()) + " bytes is too large");
  }
  z_stream zs{};
  // 16 + 15: gzip wrapper (what Kafka and Parquet call GZIP), 32 KiB window.
  if (deflateInit2(&zs, level == 0 ? 6 : std::clamp(level, 1, 9), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::InvalidArgument("gzip: bad compression level " + std::to_string(level));
  }
  size_t start = out->size();
  size_t bound = deflateBound(&zs, static_cast<uLong>(in.size()));
  out->resize(start + bound);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out->data() + start;
  zs.avail_out = static_cast<uInt>(bound);
  int rc = deflate(&zs, Z_FINISH);
  size_t written = bound - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    out->resize(start);
    return Status::Internal("gzip: deflate did not finish");
  }
  out->resize(start + written);
  return Status::OK();
}

// ---- snappy ----

constexpr uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};

Status SnappyBlock(std::span<const uint8_t> block, std::vector<uint8_t>* out, size_t max, size_t* produced,
                   size_t input_offset) {
  size_t len = 0;
  auto src = reinterpret_cast<const char*>(block.data());
  if (snappy_uncompressed_length(src, block.size(), &len) != SNAPPY_OK) {
    return CorruptInput(Codec::kSnappy, "bad block header at input byte " + std::to_string(input_offset));
  }
  if (len > max - *produced) return TooLarge(Codec::kSnappy, max);
  size_t pos = out->size();
  out->resize(pos + len);
  size_t got = len;
  if (snappy_uncompress(src, block.size(), reinterpret_cast<char*>(out->data() + pos), &got) != SNAPPY_OK ||
      got != len) {
    return CorruptInput(Codec::kSnappy, "invalid block at input byte " + std::to_string(input_offset));
  }
  *produced += len;
  return Status::OK();
}

Status DecompressSnappy(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t max) {
  size_t start = out->size();
  size_t produced = 0;
  Status st;
  if (in.size() >= 16 && std::memcmp(in.data(), kXerialMagic, 8) == 0) {
    // xerial framing: 8-byte magic, i32 version, i32 compatible version, then chunks.
    size_t pos = 16;
    while (st.ok() && pos < in.size()) {
      if (in.size() - pos < 4) {
        st = CorruptInput(Codec::kSnappy, "truncated xerial chunk length at input byte " + std::to_string(pos));
        break;
      }
      uint32_t n = base::LoadBigEndian32(in.data() + pos);
      if (n > in.size() - pos - 4) {
        st = CorruptInput(Codec::kSnappy, "xerial chunk at input byte " + std::to_string(pos) + " claims " +
                                              std::to_string(n) + " bytes but only " +
                                              std::to_string(in.size() - pos - 4) + " remain");
        break;
      }
      st = SnappyBlock(in.subspan(pos + 4, n), out, max, &produced, pos + 4);
      pos += 4 + n;
    }
  } else {
    st = SnappyBlock(in, out, max, &produced, 0);
  }
  if (!st.ok()) out->resize(start);
  return st;
}

// ---- lz4 ----

Status DecompressLz4Frame(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t hint, size_t max) {
  LZ4F_dctx* dctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) {
    return Status::Internal("lz4: cannot create decompression context");
  }
  BoundedOutput sink(out, FirstChunk(in.size(), hint), max);
  size_t pos = 0;
  size_t last = 1;  // LZ4F_decompress's hint; 0 means the current frame is complete
  Status st;
  while (pos < in.size() || last != 0) {
    std::span<uint8_t> space = sink.Space();
    if (space.empty()) {
      st = TooLarge(Codec::kLz4Frame, max);
      break;
    }
    size_t src_size = in.size() - pos;
    size_t dst_size = space.size();
    size_t rc = LZ4F_decompress(dctx, space.data(), &dst_size, in.data() + pos, &src_size, nullptr);
    if (LZ4F_isError(rc)) {
      st = CorruptInput(Codec::kLz4Frame, std::string(LZ4F_getErrorName(rc)) + " near input byte " +
                                              std::to_string(pos));
      break;
    }
    pos += src_size;
    sink.Commit(dst_size);
    if (sink.exceeded()) {
      st = TooLarge(Codec::kLz4Frame, max);
      break;
    }
    last = rc;
    if (pos >= in.size() && rc != 0 && dst_size == 0 && src_size == 0) {
      st = CorruptInput(Codec::kLz4Frame, "truncated frame (" + std::to_string(in.size()) + " input bytes)");
      break;
    }
  }
  LZ4F_freeDecompressionContext(dctx);
  sink.Finish(st.ok());
  return st;
}

// Decodes one raw block. With `exact` the block must produce exactly that many bytes; without
// it the output size is unknown and the buffer grows up to max_output.
Status Lz4RawBlock(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t exact, bool has_exact,
                   size_t hint, size_t max) {
  if (in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return CorruptInput(Codec::kLz4Raw, "block larger than the LZ4 maximum");
  }
  size_t start = out->size();
  auto src = reinterpret_cast<const char*>(in.data());
  if (has_exact) {
    if (exact > max) return TooLarge(Codec::kLz4Raw, max);
    out->resize(start + exact);
    int got = LZ4_decompress_safe(src, reinterpret_cast<char*>(out->data() + start), static_cast<int>(in.size()),
                                  static_cast<int>(exact));
    if (got < 0 || static_cast<size_t>(got) != exact) {
      out->resize(start);
      return CorruptInput(Codec::kLz4Raw, "invalid block or wrong decompressed size");
    }
    return Status::OK();
  }
  // LZ4 expands at most 255:1, which bounds the useful capacity.
  size_t ceiling = std::min({max, in.size() * 255 + 16, static_cast<size_t>(LZ4_MAX_INPUT_SIZE)});
  size_t cap = std::min(ceiling, hint > 0 ? hint : std::max<size_t>(in.size() * 4, 64 * 1024));
  while (true) {
    out->resize(start + cap);
    int got = LZ4_decompress_safe(src, reinterpret_cast<char*>(out->data() + start), static_cast<int>(in.size()),
                                  static_cast<int>(cap));
    if (got >= 0) {
      out->resize(start + got);
      return Status::OK();
    }
    if (cap >= ceiling) break;
    cap = std::min(ceiling, cap * 2);
  }
  out->resize(start);
  if (ceiling == max && max < in.size() * 255 + 16) {
    return Status::Corruption("lz4_raw decompression: invalid block, or output exceeds limit of " +
                              std::to_string(max) + " bytes");
  }
  return CorruptInput(Codec::kLz4Raw, "invalid block");
}

// Parses Hadoop framing; returns false (with *out unchanged) when the input is not framed so.
bool TryLz4Hadoop(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t max, Status* error) {
  size_t start = out->size();
  size_t pos = 0;
  while (pos < in.size()) {
    if (in.size() - pos < 8) break;
    uint32_t raw_size = base::LoadBigEndian32(in.data() + pos);
    uint32_t comp_size = base::LoadBigEndian32(in.data() + pos + 4);
    if (comp_size > in.size() - pos - 8) break;
    if (raw_size > max - (out->size() - start)) {
      out->resize(start);
      *error = TooLarge(Codec::kLz4Hadoop, max);
      return true;
    }
    if (!Lz4RawBlock(in.subspan(pos + 8, comp_size), out, raw_size, true, 0, max).ok()) break;
    pos += 8 + comp_size;
  }
  if (pos == in.size()) return true;
  out->resize(start);
  return false;
}

Status DecompressLz4Hadoop(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t hint, size_t max) {
  Status error;
  if (TryLz4Hadoop(in, out, max, &error)) return error;
  Status st = Lz4RawBlock(in, out, 0, false, hint, max);
  if (!st.ok() && st.IsCorruption()) {
    return CorruptInput(Codec::kLz4Hadoop, "neither Hadoop-framed nor a raw LZ4 block");
  }
  return st;
}

Status CompressLz4Frame(std::span<const uint8_t> in, std::vector<uint8_t>* out, int level) {
  LZ4F_preferences_t prefs;
  std::memset(&prefs, 0, sizeof(prefs));
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.compressionLevel = level;
  size_t start = out->size();
  size_t bound = LZ4F_compressFrameBound(in.size(), &prefs);
  out->resize(start + bound);
  size_t rc = LZ4F_compressFrame(out->data() + start, bound, in.data(), in.size(), &prefs);
  if (LZ4F_isError(rc)) {
    out->resize(start);
    return Status::Internal(std::string("lz4: ") + LZ4F_getErrorName(rc));
  }
  out->resize(start + rc);
  return Status::OK();
}

Status CompressLz4Block(std::span<const uint8_t> in, std::vector<uint8_t>* out, int* written) {
  if (in.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
    return Status::InvalidArgument("lz4: input of " + std::to_string(in.size()) + " bytes is too large for a block");
  }
  size_t start = out->size();
  int bound = LZ4_compressBound(static_cast<int>(in.size()));
  out->resize(start + bound);
  int n = LZ4_compress_default(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out->data() + start),
                               static_cast<int>(in.size()), bound);
  if (n <= 0) {
    out->resize(start);
    return Status::Internal("lz4: block compression failed");
  }
  out->resize(start + n);
  *written = n;
  return Status::OK();
}

Status CompressLz4Hadoop(std::span<const uint8_t> in, std::vector<uint8_t>* out) {
  constexpr size_t kChunk = 8 << 20;
  size_t start = out->size();
  for (size_t pos = 0; pos < in.size(); pos += kChunk) {
    auto piece = in.subspan(pos, std::min(kChunk, in.size() - pos));
    size_t header = out->size();
    out->resize(header + 8);
    int n = 0;
    Status st = CompressLz4Block(piece, out, &n);
    if (!st.ok()) {
      out->resize(start);
      return st;
    }
    base::StoreBigEndian32(out->data() + header, static_cast<uint32_t>(piece.size()));
    base::StoreBigEndian32(out->data() + header + 4, static_cast<uint32_t>(n));
  }
  return Status::OK();
}

// ---- zstd ----

Status DecompressZstd(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t hint, size_t max) {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr) return Status::ResourceExhausted("zstd: cannot create decompression context");
  BoundedOutput sink(out, FirstChunk(in.size(), hint), max);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  size_t last = 1;
  Status st;
  while (src.pos < src.size || last != 0) {
    std::span<uint8_t> space = sink.Space();
    if (space.empty()) {
      st = TooLarge(Codec::kZstd, max);
      break;
    }
    ZSTD_outBuffer dst{space.data(), space.size(), 0};
    size_t before = src.pos;
    size_t rc = ZSTD_decompressStream(dctx, &dst, &src);
    if (ZSTD_isError(rc)) {
      st = CorruptInput(Codec::kZstd, std::string(ZSTD_getErrorName(rc)) + " near input byte " +
                                          std::to_string(src.pos));
      break;
    }
    sink.Commit(dst.pos);
    if (sink.exceeded()) {
      st = TooLarge(Codec::kZstd, max);
      break;
    }
    last = rc;
    if (src.pos == src.size && rc != 0 && dst.pos < dst.size && before == src.pos) {
      st = CorruptInput(Codec::kZstd, "truncated frame (" + std::to_string(in.size()) + " input bytes)");
      break;
    }
  }
  ZSTD_freeDCtx(dctx);
  sink.Finish(st.ok());
  return st;
}

Status CompressZstd(std::span<const uint8_t> in, std::vector<uint8_t>* out, int level) {
  size_t start = out->size();
  size_t bound = ZSTD_compressBound(in.size());
  out->resize(start + bound);
  size_t rc = ZSTD_compress(out->data() + start, bound, in.data(), in.size(), level == 0 ? 3 : level);
  if (ZSTD_isError(rc)) {
    out->resize(start);
    return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(rc));
  }
  out->resize(start + rc);
  return Status::OK();
}

// ---- brotli ----

Status DecompressBrotli(std::span<const uint8_t> in, std::vector<uint8_t>* out, size_t hint, size_t max) {
  BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (state == nullptr) return Status::ResourceExhausted("brotli: cannot create decoder");
  BoundedOutput sink(out, FirstChunk(in.size(), hint), max);
  const uint8_t* next_in = in.data();
  size_t avail_in = in.size();
  Status st;
  while (true) {
    std::span<uint8_t> space = sink.Space();
    if (space.empty()) {
      st = TooLarge(Codec::kBrotli, max);
      break;
    }
    uint8_t* next_out = space.data();
    size_t avail_out = space.size();
    BrotliDecoderResult rc = BrotliDecoderDecompressStream(state, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    sink.Commit(space.size() - avail_out);
    if (sink.exceeded()) {
      st = TooLarge(Codec::kBrotli, max);
      break;
    }
    if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
      if (avail_in != 0) {
        st = CorruptInput(Codec::kBrotli, "unexpected bytes after end of stream at input byte " +
                                              std::to_string(in.size() - avail_in));
      }
      break;
    }
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
      st = CorruptInput(Codec::kBrotli, "truncated stream (" + std::to_string(in.size()) + " input bytes)");
      break;
    }
    if (rc == BROTLI_DECODER_RESULT_ERROR) {
      st = CorruptInput(Codec::kBrotli,
                        std::string(BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state))) +
                            " near input byte " + std::to_string(in.size() - avail_in));
      break;
    }
    // NEEDS_MORE_OUTPUT: loop for more space.
  }
  BrotliDecoderDestroyInstance(state);
  sink.Finish(st.ok());
  return st;
}

Status CompressBrotli(std::span<const uint8_t> in, std::vector<uint8_t>* out, int level) {
  size_t start = out->size();
  size_t bound = BrotliEncoderMaxCompressedSize(in.size());
  if (bound == 0) bound = in.size() + 1024;
  out->resize(start + bound);
  size_t written = bound;
  int quality = level == 0 ? 8 : std::clamp(level, BROTLI_MIN_QUALITY, BROTLI_MAX_QUALITY);
  if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, in.size(), in.data(), &written,
                             out->data() + start)) {
    out->resize(start);
    return Status::Internal("brotli: compression failed");
  }
  out->resize(start + written);
  return Status::OK();
}

}  // namespace

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNone: return "none";
    case Codec::kGzip: return "gzip";
    case Codec::kSnappy: return "snappy";
    case Codec::kLz4Frame: return "lz4";
    case Codec::kLz4Raw: return "lz4_raw";
    case Codec::kLz4Hadoop: return "lz4_hadoop";
    case Codec::kZstd: return "zstd";
    case Codec::kBrotli: return "brotli";
  }
  return "unknown";
}

base::Status Decompress(Codec codec, std::span<const uint8_t> input, std::vector<uint8_t>* out, size_t size_hint,
                        size_t max_output) {
  if (input.empty()) return Status::OK();
  switch (codec) {
    case Codec::kNone:
      if (input.size() > max_output) return TooLarge(codec, max_output);
      out->insert(out->end(), input.begin(), input.end());
      return Status::OK();
    case Codec::kGzip: return DecompressGzip(input, out, size_hint, max_output);
    case Codec::kSnappy: return DecompressSnappy(input, out, max_output);
    case Codec::kLz4Frame: return DecompressLz4Frame(input, out, size_hint, max_output);
    case Codec::kLz4Raw: return Lz4RawBlock(input, out, 0, false, size_hint, max_output);
    case Codec::kLz4Hadoop: return DecompressLz4Hadoop(input, out, size_hint, max_output);
    case Codec::kZstd: return DecompressZstd(input, out, size_hint, max_output);
    case Codec::kBrotli: return DecompressBrotli(input, out, size_hint, max_output);
  }
  return Status::InvalidArgument("unknown codec " + std::to_string(static_cast<int>(codec)));
}

base::Status Compress(Codec codec, std::span<const uint8_t> input, std::vector<uint8_t>* out, int level) {
  switch (codec) {
    case Codec::kNone:
      out->insert(out->end(), input.begin(), input.end());
      return Status::OK();
    case Codec::kGzip: return CompressGzip(input, out, level);
    case Codec::kSnappy: {
      size_t start = out->size();
      size_t len = snappy_max_compressed_length(input.size());
      out->resize(start + len);
      if (snappy_compress(reinterpret_cast<const char*>(input.data()), input.size(),
                          reinterpret_cast<char*>(out->data() + start), &len) != SNAPPY_OK) {
        out->resize(start);
        return Status::Internal("snappy: compression failed");
      }
      out->resize(start + len);
      return Status::OK();
    }
    case Codec::kLz4Frame: return CompressLz4Frame(input, out, level);
    case Codec::kLz4Raw: {
      int n = 0;
      return CompressLz4Block(input, out, &n);
    }
    case Codec::kLz4Hadoop: return CompressLz4Hadoop(input, out);
    case Codec::kZstd: return CompressZstd(input, out, level);
    case Codec::kBrotli: return CompressBrotli(input, out, level);
  }
  return Status::InvalidArgument("unknown codec " + std::to_string(static_cast<int>(codec)));
}

}  // namespace tide::format
