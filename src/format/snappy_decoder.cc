#include "format/snappy_decoder.h"

#include <cstring>
#include <string>

namespace tide::format {

using base::Status;

namespace {

Status CorruptAt(const char* what, size_t at) {
  return Status::Corruption(std::string("snappy: ") + what + " at input byte " + std::to_string(at));
}

}  // namespace

Status SnappyDecoder::Init(std::span<const uint8_t> input) {
  input_ = input;
  ip_ = op_ = length_ = 0;
  uint64_t v = 0;
  size_t i = 0;
  for (;; ++i) {
    if (i >= input.size() || i >= 5) return CorruptAt("bad length header", i);
    const uint8_t b = input[i];
    v |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) break;
  }
  if (v > 0xFFFFFFFFu) return CorruptAt("length header above 2^32 - 1", 0);
  length_ = static_cast<size_t>(v);
  ip_ = i + 1;
  return Status::OK();
}

Status SnappyDecoder::Corrupt(const char* what) const { return CorruptAt(what, ip_); }

Status SnappyDecoder::DecodeTo(uint8_t* out, size_t want) {
  if (want > length_) want = length_;
  const uint8_t* const ibase = input_.data();
  const uint8_t* const iend = ibase + input_.size();
  const uint8_t* ip = ibase + ip_;
  uint8_t* op = out + op_;
  uint8_t* const oend = out + length_;
  uint8_t* const owant = out + want;
  // The position of the element being decoded, for error messages.
  auto fail = [&](const uint8_t* at, const char* what) {
    ip_ = static_cast<size_t>(at - ibase);
    op_ = static_cast<size_t>(op - out);
    return Corrupt(what);
  };
  while (op < owant) {
    const uint8_t* const elem = ip;
    if (ip >= iend) return fail(elem, "block ends before its declared length");
    const uint8_t tag = *ip++;
    size_t len, offset;
    switch (tag & 3) {
      case 0: {  // literal
        len = tag >> 2;
        if (len < 60) {
          ++len;
          // Short literal with room on both sides: one 16-byte copy (the bytes past len are
          // overwritten by the next elements; they lie inside both buffers).
          if (len <= 16 && iend - ip >= 16 && oend - op >= 16) {
            std::memcpy(op, ip, 16);
            op += len;
            ip += len;
            continue;
          }
        } else {
          const size_t nb = len - 59;  // 1..4 length bytes
          if (static_cast<size_t>(iend - ip) < nb) return fail(elem, "truncated literal length");
          uint32_t v = 0;
          for (size_t i = 0; i < nb; ++i) v |= static_cast<uint32_t>(ip[i]) << (8 * i);
          ip += nb;
          len = static_cast<size_t>(v) + 1;
        }
        if (len > static_cast<size_t>(iend - ip)) return fail(elem, "literal runs past the input");
        if (len > static_cast<size_t>(oend - op)) return fail(elem, "literal runs past the declared length");
        std::memcpy(op, ip, len);
        op += len;
        ip += len;
        continue;
      }
      case 1:  // copy, 11-bit offset
        if (ip >= iend) return fail(elem, "truncated copy");
        len = ((tag >> 2) & 7) + 4;
        offset = (static_cast<size_t>(tag >> 5) << 8) | *ip++;
        break;
      case 2:  // copy, 16-bit offset
        if (iend - ip < 2) return fail(elem, "truncated copy");
        len = (tag >> 2) + 1;
        offset = ip[0] | (static_cast<size_t>(ip[1]) << 8);
        ip += 2;
        break;
      default:  // copy, 32-bit offset
        if (iend - ip < 4) return fail(elem, "truncated copy");
        len = (tag >> 2) + 1;
        offset = ip[0] | (static_cast<size_t>(ip[1]) << 8) | (static_cast<size_t>(ip[2]) << 16) |
                 (static_cast<size_t>(ip[3]) << 24);
        ip += 4;
        break;
    }
    // A copy: len <= 64 here.
    if (offset == 0 || offset > static_cast<size_t>(op - out)) return fail(elem, "copy reaches before the block start");
    if (len > static_cast<size_t>(oend - op)) return fail(elem, "copy runs past the declared length");
    const uint8_t* src = op - offset;
    if (oend - op >= 80) {
      // Room for copying in 8-byte chunks that may write up to 7 bytes past len.
      if (offset >= 8) {
        // Each chunk reads only bytes written before it (offset >= 8).
        for (size_t i = 0; i < len; i += 8) std::memcpy(op + i, src + i, 8);
      } else {
        // A short period: lay down the first 16 bytes one by one (the pattern), then copy in
        // chunks from a multiple of the period that is at least 8 bytes back.
        for (size_t i = 0; i < 16; ++i) op[i] = src[i];
        const size_t d = offset * ((8 + offset - 1) / offset);  // 8..14
        for (size_t i = 16; i < len; i += 8) std::memcpy(op + i, op + i - d, 8);
      }
    } else if (offset >= len) {
      std::memcpy(op, src, len);
    } else {
      for (size_t i = 0; i < len; ++i) op[i] = src[i];
    }
    op += len;
  }
  ip_ = static_cast<size_t>(ip - ibase);
  op_ = static_cast<size_t>(op - out);
  if (op_ == length_ && ip_ != input_.size()) return Corrupt("bytes after the declared length");
  return Status::OK();
}

Status SnappyDecompressAll(std::span<const uint8_t> input, uint8_t* out, size_t out_size) {
  SnappyDecoder d;
  TIDE_RETURN_IF_ERROR(d.Init(input));
  if (d.uncompressed_length() != out_size) {
    return Status::Corruption("snappy: block declares " + std::to_string(d.uncompressed_length()) + " bytes, " +
                              std::to_string(out_size) + " expected");
  }
  TIDE_RETURN_IF_ERROR(d.DecodeTo(out, out_size));
  if (!d.done()) return Status::Corruption("snappy: block does not end at its declared length");
  return Status::OK();
}

}  // namespace tide::format
