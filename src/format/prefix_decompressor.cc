#include "format/prefix_decompressor.h"

// The buffer-less zstd API (ZSTD_decompressBegin / ZSTD_decompressContinue) is in the library's
// "static linking only" section; Debian's shared libzstd exports it.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include <string>

namespace tide::format {

using base::Status;

namespace {

// One decompression context per thread, lent to one PrefixDecompressor at a time (a second
// one on the same thread gets its own): creating a context per page would cost more than a
// small page's decompression.
struct DctxCache {
  ZSTD_DCtx* ctx = nullptr;
  bool lent = false;
  ~DctxCache() { ZSTD_freeDCtx(ctx); }
};
thread_local DctxCache t_dctx;

ZSTD_DCtx* BorrowDctx() {
  if (!t_dctx.lent) {
    if (!t_dctx.ctx) t_dctx.ctx = ZSTD_createDCtx();
    if (t_dctx.ctx) {
      t_dctx.lent = true;
      return t_dctx.ctx;
    }
  }
  return ZSTD_createDCtx();
}

void ReturnDctx(ZSTD_DCtx* d) {
  if (d == nullptr) return;
  if (d == t_dctx.ctx) {
    t_dctx.lent = false;
  } else {
    ZSTD_freeDCtx(d);
  }
}

}  // namespace

PrefixDecompressor::~PrefixDecompressor() { ReturnDctx(static_cast<ZSTD_DCtx*>(zstd_)); }

Status PrefixDecompressor::Init(Codec codec, std::span<const uint8_t> input, uint8_t* out, size_t size) {
  codec_ = codec;
  input_ = input;
  out_ = out;
  size_ = size;
  produced_ = 0;
  in_pos_ = 0;
  frame_open_ = false;
  switch (codec) {
    case Codec::kSnappy:
      TIDE_RETURN_IF_ERROR(snappy_.Init(input));
      if (snappy_.uncompressed_length() != size) {
        return Status::Corruption("snappy: block declares " + std::to_string(snappy_.uncompressed_length()) +
                                  " bytes, the page " + std::to_string(size));
      }
      return Status::OK();
    case Codec::kZstd: {
      if (!zstd_) zstd_ = BorrowDctx();
      if (!zstd_) return Status::ResourceExhausted("zstd: cannot create decompression context");
      const unsigned long long declared = ZSTD_getFrameContentSize(input.data(), input.size());
      if (declared == ZSTD_CONTENTSIZE_ERROR) return Status::Corruption("zstd: bad frame header");
      // A single frame may state its size; concatenated frames are checked as they decode.
      if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared > size) {
        return Status::Corruption("zstd: frame declares " + std::to_string(declared) + " bytes, the page " +
                                  std::to_string(size));
      }
      return Status::OK();
    }
    default: return Status::InvalidArgument("prefix decompression of " + std::string(CodecName(codec)));
  }
}

Status PrefixDecompressor::Grow(size_t want) {
  size_t target = want;
  if (target < produced_ + kStep) target = produced_ + kStep;
  if (target > size_) target = size_;
  if (codec_ == Codec::kSnappy) {
    TIDE_RETURN_IF_ERROR(snappy_.DecodeTo(out_, target));
    produced_ = snappy_.produced();
    return Status::OK();
  }
  auto* d = static_cast<ZSTD_DCtx*>(zstd_);
  while (produced_ < target) {
    if (!frame_open_) {
      if (in_pos_ >= input_.size()) {
        return Status::Corruption("zstd: input ends after " + std::to_string(produced_) + " of " +
                                  std::to_string(size_) + " bytes");
      }
      const size_t rc = ZSTD_decompressBegin(d);
      if (ZSTD_isError(rc)) return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(rc));
      frame_open_ = true;
    }
    const size_t n = ZSTD_nextSrcSizeToDecompress(d);
    if (n == 0) {  // the frame is complete; another may follow
      frame_open_ = false;
      continue;
    }
    if (n > input_.size() - in_pos_) {
      return Status::Corruption("zstd: truncated frame near input byte " + std::to_string(in_pos_));
    }
    const size_t got = ZSTD_decompressContinue(d, out_ + produced_, size_ - produced_, input_.data() + in_pos_, n);
    if (ZSTD_isError(got)) {
      return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(got) + " near input byte " +
                                std::to_string(in_pos_));
    }
    in_pos_ += n;
    produced_ += got;
  }
  return Status::OK();
}

}  // namespace tide::format
