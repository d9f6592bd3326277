#include "format/parquet/encoding.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

namespace tide::format::parquet {

using base::Status;

int BitWidthFor(uint32_t max_value) {
  int w = 0;
  while (max_value) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

namespace {
Status Truncated(const char* what) { return Status::Corruption(std::string(what) + ": data ends early"); }

bool ReadUleb(const uint8_t** p, const uint8_t* end, uint64_t* out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) return false;
    const uint8_t b = *(*p)++;
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}
}  // namespace

Status RleBitPackedDecoder::NextRun() {
  uint64_t header;
  if (!ReadUleb(&data_, end_, &header)) return Truncated("RLE/bit-packed run header");
  if (header & 1) {
    const uint64_t groups = header >> 1;
    if (groups == 0 || groups > (uint64_t{1} << 40)) return Status::Corruption("RLE: bad bit-packed run length");
    const uint64_t want_bytes = groups * static_cast<uint64_t>(bit_width_);
    const size_t avail = static_cast<size_t>(end_ - data_);
    // The last run may be cut short of its declared groups (writers pad the count, not bytes).
    const size_t bytes = static_cast<size_t>(std::min<uint64_t>(want_bytes, avail));
    packed_ = data_;
    packed_size_ = bytes;
    packed_bit_ = 0;
    packed_left_ = static_cast<int64_t>(std::min<uint64_t>(groups * 8, bytes * 8 / bit_width_));
    data_ += bytes;
    if (packed_left_ == 0) return Truncated("RLE bit-packed run");
  } else {
    rle_left_ = static_cast<int64_t>(std::min<uint64_t>(header >> 1, uint64_t{1} << 62));
    const int nbytes = (bit_width_ + 7) / 8;
    if (end_ - data_ < nbytes) return Truncated("RLE run value");
    uint64_t v = 0;
    for (int i = 0; i < nbytes; ++i) v |= static_cast<uint64_t>(data_[i]) << (8 * i);
    data_ += nbytes;
    if (bit_width_ < 64 && (v >> bit_width_) != 0) return Status::Corruption("RLE run value wider than bit width");
    rle_value_ = v;
  }
  return Status::OK();
}

namespace {

// Unpacks `groups` groups of 8 BW-bit values (BW bytes each, LSB-first) starting at `in`. The
// caller guarantees 8 readable bytes past the last group's start + BW - 1 (the 8-byte loads).
// BW is a template argument so every shift and mask is a constant and the loop unrolls.
template <int BW, typename T>
void UnpackGroupsBw(const uint8_t* in, int64_t groups, T* out) {
  constexpr uint64_t kMask = (uint64_t{1} << BW) - 1;
  for (int64_t g = 0; g < groups; ++g, in += BW, out += 8) {
    for (int j = 0; j < 8; ++j) {
      uint64_t w;
      std::memcpy(&w, in + (j * BW) / 8, 8);
      out[j] = static_cast<T>((w >> ((j * BW) % 8)) & kMask);
    }
  }
}

template <typename T, int... BWs>
void UnpackDispatch(const uint8_t* in, int bw, int64_t groups, T* out, std::integer_sequence<int, BWs...>) {
  // One branch per width 1..32; only the matching one runs.
  (void)((bw == BWs + 1 ? (UnpackGroupsBw<BWs + 1>(in, groups, out), true) : false) || ...);
}

template <typename T>
void UnpackGroups(const uint8_t* in, int bw, int64_t groups, T* out) {
  UnpackDispatch(in, bw, groups, out, std::make_integer_sequence<int, 32>{});
}

}  // namespace

template <typename T>
Status RleBitPackedDecoder::Decode(T* out, int64_t n) {
  if (bit_width_ == 0) {
    std::fill(out, out + n, T{0});
    return Status::OK();
  }
  if (bit_width_ > 64) return Status::Corruption("RLE bit width " + std::to_string(bit_width_) + " > 64");
  int64_t done = 0;
  while (done < n) {
    if (rle_left_ > 0) {
      const int64_t take = std::min(rle_left_, n - done);
      std::fill(out + done, out + done + take, static_cast<T>(rle_value_));
      rle_left_ -= take;
      done += take;
    } else if (packed_left_ > 0) {
      const int64_t take = std::min(packed_left_, n - done);
      int64_t i = 0;
      // Single values up to a group boundary (a previous call may have stopped mid-group),
      // then whole groups of 8 with the unrolled unpacker while their bytes (plus the 8-byte
      // load slack) lie inside the run, then single values again.
      while (i < take && (packed_bit_ / static_cast<uint64_t>(bit_width_)) % 8 != 0) {
        out[done + i++] = static_cast<T>(ReadBitsLsb(packed_, packed_size_, packed_bit_, bit_width_));
        packed_bit_ += bit_width_;
      }
      if (bit_width_ <= 32 && take - i >= 8) {
        const size_t slack = static_cast<size_t>(bit_width_) + 8;  // group bytes + load width
        const size_t byte = packed_bit_ >> 3;
        int64_t groups = (take - i) / 8;
        const int64_t fit = packed_size_ >= byte + slack
                                ? static_cast<int64_t>((packed_size_ - byte - slack) / bit_width_) + 1
                                : 0;
        groups = std::min(groups, fit);
        if (groups > 0) {
          UnpackGroups(packed_ + byte, bit_width_, groups, out + done + i);
          i += groups * 8;
          packed_bit_ += static_cast<uint64_t>(groups) * 8 * bit_width_;
        }
      }
      for (; i < take; ++i) {
        out[done + i] = static_cast<T>(ReadBitsLsb(packed_, packed_size_, packed_bit_, bit_width_));
        packed_bit_ += bit_width_;
      }
      packed_left_ -= take;
      done += take;
    } else {
      TIDE_RETURN_IF_ERROR(NextRun());
    }
  }
  return Status::OK();
}

template Status RleBitPackedDecoder::Decode<int16_t>(int16_t*, int64_t);
template Status RleBitPackedDecoder::Decode<uint8_t>(uint8_t*, int64_t);
template Status RleBitPackedDecoder::Decode<uint32_t>(uint32_t*, int64_t);

Status DecodeBitPackedMsb(const uint8_t* data, size_t size, int bit_width, int64_t n, int16_t* out) {
  const uint64_t need = (static_cast<uint64_t>(n) * bit_width + 7) / 8;
  if (need > size) return Truncated("BIT_PACKED levels");
  uint64_t bit = 0;
  for (int64_t i = 0; i < n; ++i) {
    int v = 0;
    for (int b = 0; b < bit_width; ++b, ++bit) {
      v = (v << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
    }
    out[i] = static_cast<int16_t>(v);
  }
  return Status::OK();
}

Status DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, int64_t max_count, std::vector<int64_t>* out,
                               size_t* consumed) {
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  uint64_t block_size, miniblocks, total, first_zz;
  if (!ReadUleb(&p, end, &block_size) || !ReadUleb(&p, end, &miniblocks) || !ReadUleb(&p, end, &total) ||
      !ReadUleb(&p, end, &first_zz)) {
    return Truncated("DELTA_BINARY_PACKED header");
  }
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20) || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Status::Corruption("DELTA_BINARY_PACKED: bad block size " + std::to_string(block_size) + " / " +
                              std::to_string(miniblocks) + " miniblocks");
  }
  if (total > static_cast<uint64_t>(max_count)) {
    return Status::Corruption("DELTA_BINARY_PACKED declares " + std::to_string(total) + " values, at most " +
                              std::to_string(max_count) + " expected");
  }
  const uint64_t per_mini = block_size / miniblocks;
  out->clear();
  out->reserve(total);
  uint64_t value = (first_zz >> 1) ^ (~(first_zz & 1) + 1);
  if (total > 0) out->push_back(static_cast<int64_t>(value));
  std::vector<uint8_t> widths(miniblocks);
  while (out->size() < total) {
    uint64_t min_zz;
    if (!ReadUleb(&p, end, &min_zz)) return Truncated("DELTA_BINARY_PACKED block header");
    const uint64_t min_delta = (min_zz >> 1) ^ (~(min_zz & 1) + 1);
    if (static_cast<uint64_t>(end - p) < miniblocks) return Truncated("DELTA_BINARY_PACKED bit widths");
    std::memcpy(widths.data(), p, miniblocks);
    p += miniblocks;
    for (uint64_t m = 0; m < miniblocks && out->size() < total; ++m) {
      const int w = widths[m];
      if (w > 64) return Status::Corruption("DELTA_BINARY_PACKED bit width " + std::to_string(w));
      const uint64_t bytes = per_mini * w / 8;
      if (static_cast<uint64_t>(end - p) < bytes) return Truncated("DELTA_BINARY_PACKED miniblock");
      const uint64_t take = std::min<uint64_t>(per_mini, total - out->size());
      for (uint64_t i = 0; i < take; ++i) {
        value += min_delta + ReadBitsLsb(p, bytes, i * w, w);
        out->push_back(static_cast<int64_t>(value));
      }
      p += bytes;
    }
  }
  *consumed = static_cast<size_t>(p - data);
  return Status::OK();
}

namespace {
void PutUleb(uint64_t v, std::vector<uint8_t>* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<uint8_t>(v));
}

// Length of the run of equal values at i, counting at most `cap`.
template <typename T>
int64_t RunLength(const T* v, int64_t i, int64_t n, int64_t cap) {
  int64_t j = i + 1;
  while (j < n && j - i < cap && v[j] == v[i]) ++j;
  return j - i;
}
}  // namespace

template <typename T>
void EncodeRleBitPacked(const T* values, int64_t n, int bit_width, std::vector<uint8_t>* out) {
  const int value_bytes = (bit_width + 7) / 8;
  int64_t i = 0;
  while (i < n) {
    int64_t run = RunLength(values, i, n, int64_t{1} << 30);
    if (run >= 8) {
      PutUleb(static_cast<uint64_t>(run) << 1, out);
      const uint64_t v = static_cast<uint64_t>(values[i]);
      for (int b = 0; b < value_bytes; ++b) out->push_back(static_cast<uint8_t>(v >> (8 * b)));
      i += run;
      continue;
    }
    // Literal groups of 8 until a group boundary where a long run starts.
    int64_t j = i;
    do {
      j += 8;
    } while (j < n && RunLength(values, j, n, 8) < 8 && (j - i) / 8 < 63);
    const int64_t groups = (std::min(j, n) - i + 7) / 8;
    PutUleb((static_cast<uint64_t>(groups) << 1) | 1, out);
    const size_t base = out->size();
    out->resize(base + groups * bit_width, 0);
    // LSB-first packing through a 64-bit accumulator (values are at most 32 bits wide, and at
    // most 7 bits are pending, so nothing is shifted out).
    uint8_t* dst = out->data() + base;
    uint64_t acc = 0;
    int pending = 0;
    const uint64_t mask = bit_width >= 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
    for (int64_t k = 0; k < groups * 8; ++k) {
      const uint64_t v = i + k < n ? (static_cast<uint64_t>(values[i + k]) & mask) : 0;
      acc |= v << pending;
      pending += bit_width;
      while (pending >= 8) {
        *dst++ = static_cast<uint8_t>(acc);
        acc >>= 8;
        pending -= 8;
      }
    }
    i = std::min(j, n);
  }
}

template <typename T>
void EncodeDeltaBinaryPacked(const T* values, int64_t n, std::vector<uint8_t>* out) {
  using U = std::make_unsigned_t<T>;
  constexpr int kBlock = 128, kMini = 4, kPerMini = kBlock / kMini;
  PutUleb(kBlock, out);
  PutUleb(kMini, out);
  PutUleb(static_cast<uint64_t>(n), out);
  const auto zigzag = [](int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); };
  PutUleb(n > 0 ? zigzag(values[0]) : 0, out);
  U deltas[kBlock];
  for (int64_t i = 1; i < n; i += kBlock) {
    const int count = static_cast<int>(std::min<int64_t>(kBlock, n - i));
    T min_delta = 0;
    for (int k = 0; k < count; ++k) {
      const T d = static_cast<T>(static_cast<U>(values[i + k]) - static_cast<U>(values[i + k - 1]));
      deltas[k] = static_cast<U>(d);
      if (k == 0 || d < min_delta) min_delta = d;
    }
    PutUleb(zigzag(min_delta), out);
    uint8_t widths[kMini] = {0, 0, 0, 0};
    for (int k = 0; k < count; ++k) deltas[k] = static_cast<U>(deltas[k] - static_cast<U>(min_delta));
    for (int k = count; k < kBlock; ++k) deltas[k] = 0;  // padding of the last miniblock
    for (int m = 0; m < kMini; ++m) {
      U all = 0;
      for (int k = m * kPerMini; k < (m + 1) * kPerMini; ++k) all |= deltas[k];
      int w = 0;
      while (w < static_cast<int>(sizeof(U) * 8) && (all >> w) != 0) ++w;
      widths[m] = static_cast<uint8_t>(w);
    }
    out->insert(out->end(), widths, widths + kMini);
    for (int m = 0; m < kMini && m * kPerMini < count; ++m) {  // miniblocks past the values are omitted
      const int w = widths[m];
      const size_t base = out->size();
      out->resize(base + static_cast<size_t>(kPerMini * w / 8), 0);
      uint8_t* dst = out->data() + base;
      unsigned __int128 acc = 0;  // up to 64 value bits plus 7 pending
      int pending = 0;
      for (int k = m * kPerMini; k < (m + 1) * kPerMini; ++k) {
        acc |= static_cast<unsigned __int128>(static_cast<uint64_t>(deltas[k])) << pending;
        pending += w;
        while (pending >= 8) {
          *dst++ = static_cast<uint8_t>(acc);
          acc >>= 8;
          pending -= 8;
        }
      }
    }
  }
}

template void EncodeDeltaBinaryPacked<int32_t>(const int32_t*, int64_t, std::vector<uint8_t>*);
template void EncodeDeltaBinaryPacked<int64_t>(const int64_t*, int64_t, std::vector<uint8_t>*);

void EncodeDeltaLengthByteArray(const std::string_view* values, int64_t n, std::vector<uint8_t>* out) {
  std::vector<int32_t> lengths(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) lengths[i] = static_cast<int32_t>(values[i].size());
  EncodeDeltaBinaryPacked(lengths.data(), n, out);
  for (int64_t i = 0; i < n; ++i) out->insert(out->end(), values[i].begin(), values[i].end());
}

void EncodeDeltaByteArray(const std::string_view* values, int64_t n, std::vector<uint8_t>* out) {
  std::vector<int32_t> prefixes(static_cast<size_t>(n));
  std::vector<std::string_view> suffixes(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    size_t p = 0;
    if (i > 0) {
      const std::string_view a = values[i - 1], b = values[i];
      const size_t lim = std::min(a.size(), b.size());
      while (p < lim && a[p] == b[p]) ++p;
    }
    prefixes[i] = static_cast<int32_t>(p);
    suffixes[i] = values[i].substr(p);
  }
  EncodeDeltaBinaryPacked(prefixes.data(), n, out);
  EncodeDeltaLengthByteArray(suffixes.data(), n, out);
}

template void EncodeRleBitPacked<int16_t>(const int16_t*, int64_t, int, std::vector<uint8_t>*);
template void EncodeRleBitPacked<uint32_t>(const uint32_t*, int64_t, int, std::vector<uint8_t>*);
template void EncodeRleBitPacked<uint8_t>(const uint8_t*, int64_t, int, std::vector<uint8_t>*);

}  // namespace tide::format::parquet
