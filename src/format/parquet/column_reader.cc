#include "format/parquet/column_reader.h"
#include "format/parquet/page_crc.h"

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstddef>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "columnar/json.h"
#include "format/compression.h"
#include "format/parquet/encoding.h"
#include "format/prefix_decompressor.h"
#include "format/snappy_decoder.h"

namespace tide::format::parquet {

namespace {

using base::Status;
namespace col = tide::columnar;

// A column chunk may hold at most this many levels plus 1024 per byte it occupies in the file:
// RLE can encode millions of nulls in a few bytes, and this bound keeps a tiny hostile file
// from making the reader allocate gigabytes while real files stay far below it.
constexpr int64_t kMaxValuesPerPage = int64_t{1} << 22;
constexpr int64_t kMaxLevelsPerByte = 1024;
// DELTA_BYTE_ARRAY rebuilds values from shared prefixes; its output may exceed the page by at
// most this factor (plus kDeltaSlack) — sorted keys with long common prefixes stay well below.
constexpr int64_t kMaxDeltaExpansion = 256;
constexpr int64_t kDeltaSlack = int64_t{16} << 20;
constexpr int64_t kMaxBinaryBytes = std::numeric_limits<int32_t>::max();

// Set bits of a byte, by table: without -mpopcnt, __builtin_popcount is a libgcc call.
constexpr auto kBitsSet = [] {
  std::array<uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = static_cast<uint8_t>((i & 1) + ((i >> 1) & 1) + ((i >> 2) & 1) + ((i >> 3) & 1) +
                                                            ((i >> 4) & 1) + ((i >> 5) & 1) + ((i >> 6) & 1) + ((i >> 7) & 1));
  return t;
}();

int PhysicalWidth(const LeafInfo& leaf) {
  switch (*leaf.element.type) {
    case PhysicalType::kBoolean: return 1;
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kFixedLenByteArray: return leaf.element.type_length;
    case PhysicalType::kByteArray: return 0;
  }
  return 0;
}

// Dense values in the physical representation (before conversion).
// Appends n bytes with one memcpy (ValueBytes' allocator constructs element by element, so
// insert() of a range would copy byte by byte).
inline void AppendBytes(ValueBytes* v, const uint8_t* p, size_t n) {
  if (n == 0) return;
  const size_t base = v->size();
  v->resize(base + n);
  std::memcpy(v->data() + base, p, n);
}

struct Phys {
  int64_t n = 0;
  ValueBytes fixed;               // n * physical width (booleans: one byte each)
  std::vector<int32_t> offsets;   // byte arrays
  std::vector<uint8_t> data;
};

// Appends n PLAIN byte arrays to offsets (non-empty: its last entry is data's size) and data.
Status AppendPlainByteArrays(const uint8_t* p, size_t size, int64_t n, std::vector<int32_t>* offsets,
                             std::vector<uint8_t>* data) {
  // Each value is at least its 4 length bytes, so n <= size / 4 bounds the offsets.
  if (static_cast<uint64_t>(n) > size / 4) return Status::Corruption("PLAIN BYTE_ARRAY: page holds fewer values than declared");
  const size_t obase = offsets->size();
  const int64_t dbase = offsets->back();
  offsets->resize(obase + n);
  int32_t* offs = offsets->data();
  size_t pos = 0;
  int64_t total = dbase;
  for (int64_t i = 0; i < n; ++i) {  // pass 1: lengths and bounds
    if (size - pos < 4) {
      offsets->resize(obase);
      return Status::Corruption("PLAIN BYTE_ARRAY: data ends early at value " + std::to_string(i));
    }
    uint32_t len;
    std::memcpy(&len, p + pos, 4);
    pos += 4;
    if (len > size - pos) {
      offsets->resize(obase);
      return Status::Corruption("PLAIN BYTE_ARRAY: value " + std::to_string(i) + " of " + std::to_string(len) +
                                " bytes runs past the page");
    }
    pos += len;
    total += len;
    if (total > kMaxBinaryBytes) {
      offsets->resize(obase);
      return Status::Unsupported("more than 2 GiB of BYTE_ARRAY data in one column chunk");
    }
    offs[obase + i] = static_cast<int32_t>(total);
  }
  data->resize(static_cast<size_t>(total));
  uint8_t* dst = data->data();
  pos = 0;
  int64_t at = dbase;
  for (int64_t i = 0; i < n; ++i) {  // pass 2: copy
    const int32_t len = offs[obase + i] - static_cast<int32_t>(at);
    if (len > 0) std::memcpy(dst + at, p + pos + 4, len);  // all-empty strings: dst may be null
    pos += 4 + len;
    at += len;
  }
  return Status::OK();
}

Status DecodePlain(const uint8_t* p, size_t size, int64_t n, const LeafInfo& leaf, Phys* out) {
  out->n = n;
  const PhysicalType t = *leaf.element.type;
  if (t == PhysicalType::kBoolean) {
    if (static_cast<uint64_t>(n) > static_cast<uint64_t>(size) * 8) return Status::Corruption("PLAIN booleans: data ends early");
    out->fixed.resize(n);
    for (int64_t i = 0; i < n; ++i) out->fixed[i] = (p[i >> 3] >> (i & 7)) & 1;
    return Status::OK();
  }
  if (t == PhysicalType::kByteArray) {
    out->offsets.assign(1, 0);
    return AppendPlainByteArrays(p, size, n, &out->offsets, &out->data);
  }
  const size_t w = PhysicalWidth(leaf);
  if (static_cast<uint64_t>(n) > size / w) {
    return Status::Corruption("PLAIN: page holds " + std::to_string(size / w) + " values, " + std::to_string(n) +
                              " expected");
  }
  out->fixed.clear();
  AppendBytes(&out->fixed, p, n * w);
  return Status::OK();
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  }
  return sign ? -v : v;
}

Status BytesToDecimal(const uint8_t* b, size_t len, __int128* out) {
  if (len == 0) {
    *out = 0;
    return Status::OK();
  }
  // Leading bytes beyond 16 must be pure sign extension.
  const uint8_t sign_byte = (b[0] & 0x80) ? 0xFF : 0x00;
  while (len > 16) {
    if (b[0] != sign_byte) return Status::Corruption("DECIMAL value wider than 128 bits");
    ++b;
    --len;
  }
  unsigned __int128 v = (b[0] & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t i = 0; i < len; ++i) v = (v << 8) | b[i];
  *out = static_cast<__int128>(v);
  return Status::OK();
}

// A DECIMAL(p, s) column holds unscaled values with |v| < 10^p (columnar/type.h): a value
// beyond it makes the file malformed, reported here rather than passed on to code that relies
// on the bound (a Parquet writer that trusts the type stores it truncated). `index` counts the
// non-null values of the page (or the dictionary).
Status DecimalOutOfRange(__int128 v, int64_t index, const LeafInfo& leaf) {
  return Status::Corruption("DECIMAL value " + col::FormatDecimal128(v, leaf.type->scale()) + " (value " +
                            std::to_string(index) + ") has more digits than its type " +
                            leaf.type->ToString());
}

// Appends INT32 / INT64 physical values as 16-byte decimals, checking them against the
// precision in the same pass: v is in (-10^p, 10^p) exactly when (uint64)(v + 10^p - 1) <=
// 2 * (10^p - 1), wrapping included (one add and compare per value, ORed, no branch); nothing to
// check at precision 10+ for INT32, 19+ for INT64. The bad value is looked up only on failure.
template <typename From>
Status AppendDecimalInts(const ValueBytes& in, int64_t n, const LeafInfo& leaf, ValueBytes* out) {
  const int precision = leaf.type->precision();
  uint64_t top = 0;  // 10^p - 1; 0 = no check
  if (precision <= std::numeric_limits<From>::digits10) {
    top = 1;
    for (int i = 0; i < precision; ++i) top *= 10;
    top -= 1;
  }
  const size_t base = out->size();
  out->resize(base + n * 16);
  const uint8_t* __restrict src = in.data();
  uint8_t* __restrict dst = out->data() + base;
  uint64_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    From f;
    std::memcpy(&f, src + i * sizeof(From), sizeof(From));
    const int64_t v = f, hi = v >> 63;
    std::memcpy(dst + i * 16, &v, 8);
    std::memcpy(dst + i * 16 + 8, &hi, 8);
    bad |= static_cast<uint64_t>(static_cast<uint64_t>(v) + top > 2 * top);
  }
  if (top == 0 || bad == 0) return Status::OK();
  for (int64_t i = 0; i < n; ++i) {
    From f;
    std::memcpy(&f, src + i * sizeof(From), sizeof(From));
    if (static_cast<uint64_t>(static_cast<int64_t>(f)) + top > 2 * top) return DecimalOutOfRange(f, i, leaf);
  }
  return Status::OK();
}

template <typename To, typename From>
void AppendCast(const ValueBytes& in, int64_t n, ValueBytes* out, To (*fn)(From)) {
  const size_t base = out->size();
  out->resize(base + n * sizeof(To));
  for (int64_t i = 0; i < n; ++i) {
    From f;
    std::memcpy(&f, in.data() + i * sizeof(From), sizeof(From));
    To t = fn(f);
    std::memcpy(out->data() + base + i * sizeof(To), &t, sizeof(To));
  }
}

// Converts physical values to the leaf's columnar representation and appends them.
Status ConvertAppend(Phys& in, const LeafInfo& leaf, LeafChunk* out) {
  const int64_t n = in.n;
  switch (leaf.conversion) {
    case LeafConversion::kNone:
    case LeafConversion::kBoolean:
      if (out->fixed.empty()) {
        out->fixed = std::move(in.fixed);
      } else {
        AppendBytes(&out->fixed, in.fixed.data(), in.fixed.size());
      }
      break;
    case LeafConversion::kInt32ToInt8:
      AppendCast<int8_t, int32_t>(in.fixed, n, &out->fixed, [](int32_t v) { return static_cast<int8_t>(v); });
      break;
    case LeafConversion::kInt32ToInt16:
      AppendCast<int16_t, int32_t>(in.fixed, n, &out->fixed, [](int32_t v) { return static_cast<int16_t>(v); });
      break;
    case LeafConversion::kInt32ToDecimal:
      TIDE_RETURN_IF_ERROR(AppendDecimalInts<int32_t>(in.fixed, n, leaf, &out->fixed));
      break;
    case LeafConversion::kInt64ToDecimal:
      TIDE_RETURN_IF_ERROR(AppendDecimalInts<int64_t>(in.fixed, n, leaf, &out->fixed));
      break;
    case LeafConversion::kMillisToMicros32:
      AppendCast<int64_t, int32_t>(in.fixed, n, &out->fixed, [](int32_t v) { return static_cast<int64_t>(v) * 1000; });
      break;
    case LeafConversion::kMillisToMicros64:
      AppendCast<int64_t, int64_t>(in.fixed, n, &out->fixed, [](int64_t v) {
        return static_cast<int64_t>(static_cast<uint64_t>(v) * 1000u);
      });
      break;
    case LeafConversion::kFloat16ToFloat32:
      AppendCast<float, uint16_t>(in.fixed, n, &out->fixed, [](uint16_t v) { return HalfToFloat(v); });
      break;
    case LeafConversion::kInt96ToMicros: {
      // INT96 = nanoseconds within the day (8 bytes) + Julian day (4 bytes). Micros, as Spark and
      // DuckDB read it: nanoseconds since 1970 overflow int64 past 2262 (Spark writes 9999-12-31).
      const size_t base = out->fixed.size();
      out->fixed.resize(base + n * 8);
      for (int64_t i = 0; i < n; ++i) {
        int64_t nanos;
        uint32_t julian;
        std::memcpy(&nanos, in.fixed.data() + i * 12, 8);
        std::memcpy(&julian, in.fixed.data() + i * 12 + 8, 4);
        const uint64_t v = static_cast<uint64_t>(static_cast<int64_t>(julian) - 2440588) * 86400000000ull +
                           static_cast<uint64_t>(nanos / 1000);
        std::memcpy(out->fixed.data() + base + i * 8, &v, 8);
      }
      break;
    }
    case LeafConversion::kBytesToDecimal: {
      __int128 limit = 1;
      for (int i = 0; i < leaf.type->precision(); ++i) limit *= 10;
      const size_t base = out->fixed.size();
      out->fixed.resize(base + n * 16);
      for (int64_t i = 0; i < n; ++i) {
        const uint8_t* b;
        size_t len;
        if (*leaf.element.type == PhysicalType::kByteArray) {
          b = in.data.data() + in.offsets[i];
          len = in.offsets[i + 1] - in.offsets[i];
        } else {
          len = leaf.element.type_length;
          b = in.fixed.data() + i * len;
        }
        __int128 v = 0;
        TIDE_RETURN_IF_ERROR(BytesToDecimal(b, len, &v));
        if (v >= limit || v <= -limit) return DecimalOutOfRange(v, i, leaf);
        std::memcpy(out->fixed.data() + base + i * 16, &v, 16);
      }
      break;
    }
    case LeafConversion::kByteArray: {
      if (out->offsets.empty()) out->offsets.push_back(0);
      const int64_t base = out->offsets.back();
      if (base + static_cast<int64_t>(in.data.size()) > kMaxBinaryBytes) {
        return Status::Unsupported("more than 2 GiB of BYTE_ARRAY data in one column chunk");
      }
      if (out->offsets.size() == 1 && out->data.empty()) {  // the first values: take the buffers
        out->offsets = std::move(in.offsets);
        out->data = std::move(in.data);
        break;
      }
      for (int64_t i = 1; i <= n; ++i) out->offsets.push_back(static_cast<int32_t>(base + in.offsets[i]));
      out->data.insert(out->data.end(), in.data.begin(), in.data.end());
      break;
    }
  }
  out->num_values += n;
  return Status::OK();
}

int TargetWidth(const LeafInfo& leaf) {
  if (leaf.conversion == LeafConversion::kBoolean) return 1;
  return leaf.type->FixedWidth();
}

Status GatherDictionary(const LeafChunk& dict, const LeafInfo& leaf, const uint32_t* idx, int64_t n, LeafChunk* out) {
  // A max reduction (vectorized) instead of a branch per index; the bad one is looked up only
  // on failure.
  uint32_t max_idx = 0;
  for (int64_t i = 0; i < n; ++i) max_idx = std::max(max_idx, idx[i]);
  if (n > 0 && max_idx >= static_cast<uint64_t>(dict.num_values)) {
    for (int64_t i = 0; i < n; ++i) {
      if (idx[i] >= static_cast<uint64_t>(dict.num_values)) {
        return Status::Corruption("dictionary index " + std::to_string(idx[i]) + " out of range (dictionary has " +
                                  std::to_string(dict.num_values) + " values)");
      }
    }
  }
  if (leaf.conversion == LeafConversion::kByteArray) {
    if (out->offsets.empty()) out->offsets.push_back(0);
    int64_t total = out->offsets.back();
    for (int64_t i = 0; i < n; ++i) total += dict.offsets[idx[i] + 1] - dict.offsets[idx[i]];
    if (total > kMaxBinaryBytes) return Status::Unsupported("more than 2 GiB of BYTE_ARRAY data in one column chunk");
    const size_t obase = out->offsets.size();
    out->offsets.resize(obase + n);
    const size_t dbase = out->data.size();
    out->data.resize(static_cast<size_t>(total));
    uint8_t* dst = out->data.data();
    int32_t* offs = out->offsets.data();
    int64_t at = static_cast<int64_t>(dbase);
    for (int64_t i = 0; i < n; ++i) {
      const int32_t b = dict.offsets[idx[i]], len = dict.offsets[idx[i] + 1] - b;
      if (len > 0) std::memcpy(dst + at, dict.data.data() + b, len);  // empty strings: buffers may be null
      at += len;
      offs[obase + i] = static_cast<int32_t>(at);
    }
  } else {
    const size_t w = TargetWidth(leaf);
    const size_t base = out->fixed.size();
    out->fixed.resize(base + n * w);
    uint8_t* dst = out->fixed.data() + base;
    const uint8_t* src = dict.fixed.data();
    switch (w) {
      case 4:
        for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * 4, src + idx[i] * size_t{4}, 4);
        break;
      case 8:
        for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * 8, src + idx[i] * size_t{8}, 8);
        break;
      default:
        for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * w, src + idx[i] * w, w);
    }
  }
  out->num_values += n;
  return Status::OK();
}

// Decodes dictionary indices [skip, skip + n) of a page's index stream (after its bit-width
// byte) and appends the values they select. Indices go through a small buffer that stays in L1
// cache (no page-sized index vector); the indices before `skip` are decoded and dropped.
Status DecodeDictionaryPage(const uint8_t* p, size_t size, int bw, int64_t skip, int64_t n, const LeafChunk& dict,
                            const LeafInfo& leaf, LeafChunk* out) {
  constexpr int64_t kIndexBatch = 4096;
  uint32_t idx[kIndexBatch];
  RleBitPackedDecoder dec(p, size, bw);
  while (skip > 0) {
    const int64_t k = std::min(skip, kIndexBatch);
    TIDE_RETURN_IF_ERROR(dec.Decode(idx, k));
    skip -= k;
  }
  for (int64_t done = 0; done < n;) {
    const int64_t k = std::min(n - done, kIndexBatch);
    TIDE_RETURN_IF_ERROR(dec.Decode(idx, k));
    TIDE_RETURN_IF_ERROR(GatherDictionary(dict, leaf, idx, k, out));
    done += k;
  }
  return Status::OK();
}

Status DecodeByteStreamSplit(const uint8_t* p, size_t size, int64_t n, const LeafInfo& leaf, Phys* out) {
  const PhysicalType t = *leaf.element.type;
  if (t == PhysicalType::kBoolean || t == PhysicalType::kByteArray || t == PhysicalType::kInt96) {
    return Status::Corruption("BYTE_STREAM_SPLIT used for " + std::string(PhysicalTypeName(t)));
  }
  const size_t w = PhysicalWidth(leaf);
  const size_t stride = size / w;
  if (static_cast<uint64_t>(n) > stride) return Status::Corruption("BYTE_STREAM_SPLIT: data ends early");
  out->n = n;
  out->fixed.resize(n * w);
  for (size_t k = 0; k < w; ++k) {
    const uint8_t* stream = p + k * stride;
    for (int64_t i = 0; i < n; ++i) out->fixed[i * w + k] = stream[i];
  }
  return Status::OK();
}

Status DecodeDeltaLengths(const uint8_t* p, size_t size, int64_t n, Phys* out, size_t* consumed) {
  std::vector<int64_t> lens;
  TIDE_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(p, size, n, &lens, consumed));
  if (static_cast<int64_t>(lens.size()) != n) {
    return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY has " + std::to_string(lens.size()) + " lengths, " +
                              std::to_string(n) + " expected");
  }
  out->n = n;
  out->offsets.assign(1, 0);
  size_t pos = *consumed;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t len = lens[i];
    if (len < 0 || static_cast<uint64_t>(len) > size - pos) return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY: value runs past the page");
    out->data.insert(out->data.end(), p + pos, p + pos + len);
    pos += len;
    out->offsets.push_back(static_cast<int32_t>(out->data.size()));
  }
  *consumed = pos;
  return Status::OK();
}

Status DecodeDeltaByteArray(const uint8_t* p, size_t size, int64_t n, const LeafInfo& leaf, Phys* out) {
  std::vector<int64_t> prefix;
  size_t used = 0;
  TIDE_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(p, size, n, &prefix, &used));
  if (static_cast<int64_t>(prefix.size()) != n) return Status::Corruption("DELTA_BYTE_ARRAY: prefix count mismatch");
  Phys suffixes;
  size_t used2 = 0;
  TIDE_RETURN_IF_ERROR(DecodeDeltaLengths(p + used, size - used, n, &suffixes, &used2));
  out->n = n;
  std::string last;
  std::string value;
  const bool fixed = *leaf.element.type == PhysicalType::kFixedLenByteArray;
  if (!fixed) out->offsets.assign(1, 0);
  for (int64_t i = 0; i < n; ++i) {
    if (prefix[i] < 0 || static_cast<uint64_t>(prefix[i]) > last.size()) {
      return Status::Corruption("DELTA_BYTE_ARRAY: prefix length " + std::to_string(prefix[i]) + " longer than the previous value");
    }
    value.assign(last, 0, prefix[i]);
    value.append(reinterpret_cast<const char*>(suffixes.data.data()) + suffixes.offsets[i],
                 suffixes.offsets[i + 1] - suffixes.offsets[i]);
    if (fixed) {
      if (static_cast<int64_t>(value.size()) != leaf.element.type_length) {
        return Status::Corruption("DELTA_BYTE_ARRAY: value length does not match FIXED_LEN_BYTE_ARRAY length");
      }
      AppendBytes(&out->fixed, reinterpret_cast<const uint8_t*>(value.data()), value.size());
    } else {
      if (out->data.size() + value.size() > static_cast<size_t>(kMaxBinaryBytes)) {
        return Status::Unsupported("more than 2 GiB of BYTE_ARRAY data in one page");
      }
      if (static_cast<int64_t>(out->data.size() + value.size()) > kMaxDeltaExpansion * static_cast<int64_t>(size) + kDeltaSlack) {
        return Status::Corruption("DELTA_BYTE_ARRAY values expand the page more than " +
                                  std::to_string(kMaxDeltaExpansion) + " times");
      }
      out->data.insert(out->data.end(), value.begin(), value.end());
      out->offsets.push_back(static_cast<int32_t>(out->data.size()));
    }
    last.swap(value);
  }
  return Status::OK();
}

Status DecodeValues(Encoding enc, const uint8_t* p, size_t size, int64_t n, const LeafInfo& leaf, const LeafChunk* dict,
                    LeafChunk* out) {
  const PhysicalType t = *leaf.element.type;
  Phys phys;
  switch (enc) {
    case Encoding::kPlain:
      if (leaf.conversion == LeafConversion::kNone) {  // the page bytes are the values
        const size_t w = PhysicalWidth(leaf);
        if (static_cast<uint64_t>(n) > size / w) {
          return Status::Corruption("PLAIN: page holds " + std::to_string(size / w) + " values, " + std::to_string(n) +
                                    " expected");
        }
        AppendBytes(&out->fixed, p, n * w);
        out->num_values += n;
        return Status::OK();
      }
      if (leaf.conversion == LeafConversion::kByteArray) {  // straight into the chunk's buffers
        if (out->offsets.empty()) out->offsets.push_back(0);
        TIDE_RETURN_IF_ERROR(AppendPlainByteArrays(p, size, n, &out->offsets, &out->data));
        out->num_values += n;
        return Status::OK();
      }
      TIDE_RETURN_IF_ERROR(DecodePlain(p, size, n, leaf, &phys));
      break;
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (!dict) return Status::Corruption("dictionary-encoded page but the column chunk has no dictionary page");
      if (n == 0) return Status::OK();
      if (size < 1) return Status::Corruption("dictionary-encoded page without a bit width");
      const int bw = p[0];
      if (bw > 32) return Status::Corruption("dictionary index bit width " + std::to_string(bw));
      return DecodeDictionaryPage(p + 1, size - 1, bw, 0, n, *dict, leaf, out);
    }
    case Encoding::kRle: {
      if (t != PhysicalType::kBoolean) return Status::Corruption("RLE value encoding for a non-boolean column");
      if (size < 4) return Status::Corruption("RLE booleans: missing length");
      uint32_t len;
      std::memcpy(&len, p, 4);
      if (len > size - 4) return Status::Corruption("RLE booleans: length past the page");
      phys.n = n;
      phys.fixed.resize(n);
      RleBitPackedDecoder dec(p + 4, len, 1);
      TIDE_RETURN_IF_ERROR(dec.Decode(phys.fixed.data(), n));
      break;
    }
    case Encoding::kDeltaBinaryPacked: {
      if (t != PhysicalType::kInt32 && t != PhysicalType::kInt64) {
        return Status::Corruption("DELTA_BINARY_PACKED for a " + std::string(PhysicalTypeName(t)) + " column");
      }
      std::vector<int64_t> v;
      size_t used;
      TIDE_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(p, size, n, &v, &used));
      if (static_cast<int64_t>(v.size()) != n) {
        return Status::Corruption("DELTA_BINARY_PACKED has " + std::to_string(v.size()) + " values, " +
                                  std::to_string(n) + " expected");
      }
      phys.n = n;
      if (t == PhysicalType::kInt32) {
        phys.fixed.resize(n * 4);
        for (int64_t i = 0; i < n; ++i) {
          const int32_t x = static_cast<int32_t>(v[i]);
          std::memcpy(phys.fixed.data() + i * 4, &x, 4);
        }
      } else {
        phys.fixed.resize(n * 8);
        if (n) std::memcpy(phys.fixed.data(), v.data(), n * 8);
      }
      break;
    }
    case Encoding::kDeltaLengthByteArray: {
      if (t != PhysicalType::kByteArray) return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY for a non-BYTE_ARRAY column");
      size_t used;
      TIDE_RETURN_IF_ERROR(DecodeDeltaLengths(p, size, n, &phys, &used));
      break;
    }
    case Encoding::kDeltaByteArray:
      if (t != PhysicalType::kByteArray && t != PhysicalType::kFixedLenByteArray) {
        return Status::Corruption("DELTA_BYTE_ARRAY for a " + std::string(PhysicalTypeName(t)) + " column");
      }
      TIDE_RETURN_IF_ERROR(DecodeDeltaByteArray(p, size, n, leaf, &phys));
      break;
    case Encoding::kByteStreamSplit: TIDE_RETURN_IF_ERROR(DecodeByteStreamSplit(p, size, n, leaf, &phys)); break;
    default:
      return Status::Unsupported("value encoding " + std::string(EncodingName(enc)) + " (" +
                                 std::to_string(static_cast<int>(enc)) + ")");
  }
  return ConvertAppend(phys, leaf, out);
}

// Decodes n levels (v1 pages carry a 4-byte length before RLE levels; v2 pages give the
// length in the header: pass v1 = false and size = that length).
// Only the first `decode` of the n levels are decoded into out (the pointer still moves past
// all n).
Status DecodeLevels(Encoding enc, bool v1, const uint8_t** p, size_t* remaining, int16_t max_level, int64_t n,
                    int64_t decode, int16_t* out, const char* what) {
  const int bw = BitWidthFor(static_cast<uint32_t>(max_level));
  if (enc == Encoding::kRle || !v1) {
    size_t len = *remaining;
    const uint8_t* data = *p;
    if (v1) {
      if (*remaining < 4) return Status::Corruption(std::string(what) + " levels: missing length");
      uint32_t l;
      std::memcpy(&l, *p, 4);
      if (l > *remaining - 4) return Status::Corruption(std::string(what) + " levels: length past the page");
      len = l;
      data = *p + 4;
      *p += 4 + l;
      *remaining -= 4 + l;
    } else {
      *p += len;
      *remaining = 0;
    }
    RleBitPackedDecoder dec(data, len, bw);
    TIDE_RETURN_IF_ERROR(dec.Decode(out, decode).WithContext(std::string(what) + " levels"));
  } else if (enc == Encoding::kBitPacked) {
    const uint64_t bytes = (static_cast<uint64_t>(n) * bw + 7) / 8;
    if (bytes > *remaining) return Status::Corruption(std::string(what) + " levels: BIT_PACKED levels: data ends early");
    TIDE_RETURN_IF_ERROR(DecodeBitPackedMsb(*p, *remaining, bw, decode, out).WithContext(std::string(what) + " levels"));
    *p += bytes;
    *remaining -= bytes;
  } else {
    return Status::Unsupported(std::string(what) + " level encoding " + EncodingName(enc));
  }
  for (int64_t i = 0; i < decode; ++i) {
    if (out[i] < 0 || out[i] > max_level) {
      return Status::Corruption(std::string(what) + " level " + std::to_string(out[i]) + " above the maximum " +
                                std::to_string(max_level));
    }
  }
  return Status::OK();
}

base::Result<Codec> CodecFor(CompressionCodec c) {
  switch (c) {
    case CompressionCodec::kUncompressed: return Codec::kNone;
    case CompressionCodec::kSnappy: return Codec::kSnappy;
    case CompressionCodec::kGzip: return Codec::kGzip;
    case CompressionCodec::kBrotli: return Codec::kBrotli;
    case CompressionCodec::kLz4: return Codec::kLz4Hadoop;
    case CompressionCodec::kZstd: return Codec::kZstd;
    case CompressionCodec::kLz4Raw: return Codec::kLz4Raw;
    default:
      return Status::Unsupported("compression codec " + std::string(CodecName(c)) + " (" +
                                 std::to_string(static_cast<int>(c)) + ")");
  }
}

// Whether `in` plausibly decompresses to `size` bytes, checked before a buffer of that size is
// allocated: a snappy block states its length and expands at most ~21x (a 3-byte copy element
// yields 64 bytes); zstd pages are taken up to 64x (a frame claiming more takes the streaming
// path, which allocates as the output really arrives instead of trusting the claim).
// one_shot: additionally a single zstd frame stating exactly `size` (what ZSTD_decompress needs).
bool Plausible(Codec codec, std::span<const uint8_t> in, size_t size, bool one_shot) {
  if (in.empty()) return false;
  if (codec == Codec::kSnappy) {
    size_t len = 0;
    return snappy_uncompressed_length(reinterpret_cast<const char*>(in.data()), in.size(), &len) == SNAPPY_OK &&
           len == size && size <= in.size() * 22 + 32;
  }
  if (codec == Codec::kZstd) {
    if (size > in.size() * 64 + 65536) return false;
    return !one_shot || (ZSTD_findFrameCompressedSize(in.data(), in.size()) == in.size() &&
                         ZSTD_getFrameContentSize(in.data(), in.size()) == size);
  }
  return false;
}

// One-shot decompression of a snappy block or a single zstd frame into dst[0, size), when
// Plausible(..., one_shot = true): straight into the destination (no zero-filling of bytes about
// to be overwritten). False otherwise (or on bad input): the caller then takes Decompress's
// general path, which has the error messages. Snappy goes through our own decoder
// (snappy_decoder.h): it takes about 0.75 of libsnappy's time on Parquet pages (bench:
// snappy_decode_ratio; TPC-H Q6 went from 1.38x to 1.17x DuckDB) and the fuzzer holds it to
// libsnappy's output and verdicts.
bool UncompressInto(Codec codec, std::span<const uint8_t> in, uint8_t* dst, size_t size) {
  if (!Plausible(codec, in, size, true)) return false;
  if (codec == Codec::kSnappy) return SnappyDecompressAll(in, dst, size).ok();
  const size_t got = ZSTD_decompress(dst, size, in.data(), in.size());
  return !ZSTD_isError(got) && got == size;
}

// Decompresses `in` into *buf (expected size `size`); for kNone returns `in` itself.
base::Result<std::span<const uint8_t>> Uncompress(Codec codec, std::span<const uint8_t> in, int64_t size,
                                                   std::vector<uint8_t>* buf) {
  if (codec == Codec::kNone) return in;
  if (size < 0) return Status::Corruption("negative uncompressed page size");
  // Snappy blocks and single zstd frames state their size: decompress straight into the reused
  // buffer, which only grows (no zero-filling of bytes about to be overwritten). Anything else,
  // or a size that disagrees with the header, takes the general path (and its error messages).
  const size_t want = static_cast<size_t>(size);
  if (Plausible(codec, in, want, true)) {
    if (buf->size() < want) buf->resize(want);
    if (UncompressInto(codec, in, buf->data(), want)) return std::span<const uint8_t>(buf->data(), want);
  }
  buf->clear();
  const size_t hint = static_cast<size_t>(std::min<int64_t>(size, static_cast<int64_t>(in.size()) * 16 + 4096));
  TIDE_RETURN_IF_ERROR(Decompress(codec, in, buf, hint, static_cast<size_t>(size)));
  if (static_cast<int64_t>(buf->size()) != size) {
    return Status::Corruption("page decompressed to " + std::to_string(buf->size()) + " bytes, header says " +
                              std::to_string(size));
  }
  return std::span<const uint8_t>(buf->data(), buf->size());
}

// Appends dense values [v0, v0 + nv) of a decoded page to *dst.
Status AppendValues(const LeafChunk& src, const LeafInfo& leaf, int64_t v0, int64_t nv, LeafChunk* dst) {
  if (nv == 0) return Status::OK();
  if (leaf.conversion == LeafConversion::kByteArray) {
    if (dst->offsets.empty()) dst->offsets.push_back(0);
    const int64_t base = dst->offsets.back();
    const int32_t first = src.offsets[v0], last = src.offsets[v0 + nv];
    if (base + (last - first) > kMaxBinaryBytes) {
      return Status::Unsupported("more than 2 GiB of BYTE_ARRAY data in one batch (read the row group in smaller batches)");
    }
    for (int64_t k = 1; k <= nv; ++k) dst->offsets.push_back(static_cast<int32_t>(base + src.offsets[v0 + k] - first));
    dst->data.insert(dst->data.end(), src.data.begin() + first, src.data.begin() + last);
  } else {
    const size_t w = TargetWidth(leaf);
    AppendBytes(&dst->fixed, src.fixed.data() + v0 * w, nv * w);
  }
  dst->num_values += nv;
  return Status::OK();
}

// Appends levels [l0, l1) of a decoded page to *dst.
void AppendLevels(const LeafChunk& src, int64_t l0, int64_t l1, LeafChunk* dst) {
  if (!src.def.empty()) dst->def.insert(dst->def.end(), src.def.begin() + l0, src.def.begin() + l1);
  if (!src.rep.empty()) dst->rep.insert(dst->rep.end(), src.rep.begin() + l0, src.rep.begin() + l1);
  dst->num_levels += l1 - l0;
}

// Decodes only dense values [v0, v0 + nv) of a page holding `n` values: PLAIN fixed-width values
// are copied from their place, PLAIN strings skipped by their lengths, dictionary indices
// decoded only up to v0 + nv and gathered from v0. Other encodings decode the whole page.
Status DecodeValuesRange(Encoding enc, const uint8_t* p, size_t size, int64_t n, int64_t v0, int64_t nv,
                         const LeafInfo& leaf, const LeafChunk* dict, LeafChunk* out) {
  if (nv == 0) return Status::OK();
  if (enc == Encoding::kPlain && leaf.conversion == LeafConversion::kNone) {
    const size_t w = PhysicalWidth(leaf);
    if (static_cast<uint64_t>(n) > size / w) {
      return Status::Corruption("PLAIN: page holds " + std::to_string(size / w) + " values, " + std::to_string(n) +
                                " expected");
    }
    AppendBytes(&out->fixed, p + v0 * w, nv * w);
    out->num_values += nv;
    return Status::OK();
  }
  if (enc == Encoding::kPlain && leaf.conversion == LeafConversion::kByteArray) {
    size_t pos = 0;
    for (int64_t i = 0; i < v0; ++i) {
      uint32_t len;
      if (size - pos < 4) return Status::Corruption("PLAIN BYTE_ARRAY: data ends early at value " + std::to_string(i));
      std::memcpy(&len, p + pos, 4);
      if (len > size - pos - 4) return Status::Corruption("PLAIN BYTE_ARRAY: value " + std::to_string(i) + " runs past the page");
      pos += 4 + len;
    }
    if (out->offsets.empty()) out->offsets.push_back(0);
    TIDE_RETURN_IF_ERROR(AppendPlainByteArrays(p + pos, size - pos, nv, &out->offsets, &out->data));
    out->num_values += nv;
    return Status::OK();
  }
  if ((enc == Encoding::kRleDictionary || enc == Encoding::kPlainDictionary) && dict && nv > 0) {
    if (size < 1) return Status::Corruption("dictionary-encoded page without a bit width");
    const int bw = p[0];
    if (bw > 32) return Status::Corruption("dictionary index bit width " + std::to_string(bw));
    return DecodeDictionaryPage(p + 1, size - 1, bw, v0, nv, *dict, leaf, out);
  }
  LeafChunk all;
  TIDE_RETURN_IF_ERROR(DecodeValues(enc, p, size, n, leaf, dict, &all));
  if (v0 + nv > all.num_values) return Status::Corruption("page holds fewer values than its levels say");
  return AppendValues(all, leaf, v0, nv, out);
}

// Decompressed page bytes, reused by every page this thread reads: a fresh multi-megabyte
// buffer per page costs more in page faults and zeroing than decompressing. Page bytes are
// consumed (decoded into a LeafChunk) before the next page is decompressed, so readers of one
// thread can share it; a buffer grown past kKeepScratch is released when its reader is done.
constexpr size_t kKeepScratch = size_t{64} << 20;
std::vector<uint8_t>& Scratch() {
  thread_local std::vector<uint8_t> buf;
  return buf;
}

}  // namespace

// Outside the anonymous namespace: LeafChunkReader (column_reader.h) holds one.
class ChunkReader {
 public:
  ChunkReader(const ChunkContext& ctx, const ColumnChunk& chunk, const LeafInfo& leaf)
      : ctx_(ctx), chunk_(chunk), leaf_(leaf) {}
  ~ChunkReader() {
    if (Scratch().capacity() > kKeepScratch) std::vector<uint8_t>().swap(Scratch());
  }

  // Appends rows [r.begin, r.end) to *out. Ranges must ascend (r.begin >= the previous end).
  // The reader serves one range only (ReadLeafChunk): pages need not be kept for later ranges.
  void set_single_range() { single_range_ = true; }

  Status Read(RowRange r, LeafChunk* out) {
    if (!init_) {
      init_ = true;
      init_status_ = Init();
    }
    TIDE_RETURN_IF_ERROR(init_status_);
    if (r.begin < 0 || r.end < r.begin) return Status::InvalidArgument("bad row range");
    if (r.begin < next_row_) return Status::InvalidArgument("row ranges of a column chunk must ascend");
    next_row_ = r.end;
    range_ = r;
    out_ = out;
    ranged_ = r.begin > 0 || r.end != RowRange().end;
    Status st = ReadRange();
    if (leaf_.conversion == LeafConversion::kByteArray && out_->offsets.empty()) out_->offsets.push_back(0);
    return st;
  }

 private:
  Status Init() {
    if (chunk_.file_path) return Status::Unsupported("column data in another file (" + *chunk_.file_path + ")");
    if (chunk_.has_encrypted_column_metadata || chunk_.has_crypto_metadata) {
      return Status::Unsupported("encrypted column (Parquet modular encryption is not supported)");
    }
    if (!chunk_.meta_data) return Status::Corruption("column chunk without metadata");
    meta_ = &*chunk_.meta_data;
    if (meta_->type != *leaf_.element.type) {
      return Status::Corruption(std::string("column chunk type ") + PhysicalTypeName(meta_->type) +
                                " differs from the schema's " + PhysicalTypeName(*leaf_.element.type));
    }
    TIDE_ASSIGN_OR_RETURN(codec_, CodecFor(meta_->codec));
    int64_t start = meta_->data_page_offset;
    if (meta_->dictionary_page_offset && *meta_->dictionary_page_offset > 0 && *meta_->dictionary_page_offset < start) {
      start = *meta_->dictionary_page_offset;
    }
    if (meta_->num_values < 0) return Status::Corruption("negative num_values");
    if (meta_->num_values == 0) return Status::OK();  // empty: some writers leave its offsets at 0
    const int64_t len = meta_->total_compressed_size;
    const int64_t data_end = static_cast<int64_t>(ctx_.data_end);
    if (start < 4 || len < 0 || start > data_end || len > data_end - start) {
      return Status::Corruption("column chunk at bytes [" + std::to_string(start) + ", +" + std::to_string(len) +
                                ") lies outside the file's data area (4.." + std::to_string(data_end) + ")");
    }
    pos_ = start;
    end_ = start + len;
    return Status::OK();
  }

  Status ReadRange() {
    if (meta_->num_values == 0 || range_.begin == range_.end) return Status::OK();
    if (!ranged_) {
      // Strings live in one buffer with int32 offsets: refuse a chunk whose pages hold more than
      // 2 GiB of string bytes up front instead of after decompressing gigabytes. (Row ranges are
      // checked as their values arrive: part of a huge chunk may fit.)
      if (leaf_.conversion == LeafConversion::kByteArray &&
          meta_->total_uncompressed_size - 4 * meta_->num_values > kMaxBinaryBytes) {
        return Status::Unsupported("more than 2 GiB of BYTE_ARRAY data in one column chunk (" +
                                   std::to_string(meta_->total_uncompressed_size) +
                                   " bytes uncompressed; read the row group in batches)");
      }
      // Reserve what the metadata promises, within the plausibility bound (saves regrowth copies).
      const int64_t expect = std::min(meta_->num_values, kMaxValuesPerPage + kMaxLevelsPerByte * (end_ - pos_));
      if (leaf_.max_def > 0) out_->def.reserve(expect);
      if (leaf_.max_rep > 0) out_->rep.reserve(expect);
      if (leaf_.conversion == LeafConversion::kByteArray) {
        out_->offsets.reserve(expect + 1);
      } else {
        out_->fixed.reserve(expect * TargetWidth(leaf_));
      }
    } else if (leaf_.max_rep == 0) {
      // A flat column's range holds one level per row: reserve it so pages append without
      // regrowing (and recopying) the batch's buffers.
      // Within the same plausibility bound as above (num_values is only declared).
      const int64_t cap = std::min(meta_->num_values, kMaxValuesPerPage + kMaxLevelsPerByte * (end_ - pos_));
      const int64_t rows = std::min(range_.end, cap) - range_.begin;
      if (rows > 0) {
        if (leaf_.max_def > 0) out_->def.reserve(out_->def.size() + rows);
        if (leaf_.conversion == LeafConversion::kByteArray) {
          out_->offsets.reserve(out_->offsets.size() + rows + 1);
        } else {
          out_->fixed.reserve(out_->fixed.size() + rows * TargetWidth(leaf_));
        }
      }
    }
    for (;;) {
      if (pending_) {
        TIDE_RETURN_IF_ERROR(TakePending().WithContext("page " + std::to_string(pending_index_)));
        if (pending_last_row_ >= range_.end) return Status::OK();  // the page holds later rows: keep it
        pending_ = false;
      }
      if (pos_ >= end_ || levels_seen_ >= meta_->num_values) break;
      const int64_t at = pos_;
      const int index = page_index_;
      bool stop = false;
      Status st = Page(&stop);
      // The page's bytes are decoded: a huge decompression buffer is not kept for the next.
      if (Scratch().capacity() > kKeepScratch) std::vector<uint8_t>().swap(Scratch());
      if (!st.ok()) return st.WithContext("page " + std::to_string(index) + " at byte " + std::to_string(at));
      if (stop) return Status::OK();
    }
    if (levels_seen_ != meta_->num_values) {
      return Status::Corruption("column chunk holds " + std::to_string(levels_seen_) + " values, metadata says " +
                                std::to_string(meta_->num_values));
    }
    return Status::OK();
  }

  // Handles the page at pos_. *stop: the page starts after the range (flat columns; it is left
  // for the next range).
  Status Page(bool* stop) {
    size_t hlen = 0;
    auto header_bytes = ctx_.file.subspan(pos_, end_ - pos_);
    TIDE_ASSIGN_OR_RETURN(PageHeader h, DecodePageHeader(header_bytes, &hlen));
    if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0) return Status::Corruption("negative page size");
    if (static_cast<int64_t>(hlen) + h.compressed_page_size > end_ - pos_) {
      return Status::Corruption("page of " + std::to_string(h.compressed_page_size) + " bytes runs past the column chunk");
    }
    auto payload = ctx_.file.subspan(pos_ + hlen, h.compressed_page_size);
    const int64_t next = pos_ + static_cast<int64_t>(hlen) + h.compressed_page_size;
    int64_t n = 0;
    if (h.type == PageType::kDataPage || h.type == PageType::kDataPageV2) {
      if (h.type == PageType::kDataPage && !h.data_page_header) return Status::Corruption("data page without its header");
      if (h.type == PageType::kDataPageV2 && !h.data_page_header_v2) {
        return Status::Corruption("data page v2 without its header");
      }
      n = h.type == PageType::kDataPage ? h.data_page_header->num_values : h.data_page_header_v2->num_values;
      TIDE_RETURN_IF_ERROR(CheckCount(n));
      // A flat column has one level per row, so a page outside the range is skipped without
      // decompressing (or checksumming) it.
      if (ranged_ && leaf_.max_rep == 0) {
        if (rows_seen_ >= range_.end) {
          *stop = true;
          return Status::OK();
        }
        if (rows_seen_ + n <= range_.begin) {
          rows_seen_ += n;
          levels_seen_ += n;
          pos_ = next;
          ++page_index_;
          return Status::OK();
        }
      }
    }
    pos_ = next;
    const int index = page_index_++;
    if (h.crc) {
      const uint32_t crc = Crc32(0, payload.data(), payload.size());
      if (crc != static_cast<uint32_t>(*h.crc)) {
        return Status::Corruption("page CRC mismatch (stored " + std::to_string(static_cast<uint32_t>(*h.crc)) +
                                  ", computed " + std::to_string(crc) + ")");
      }
    }
    switch (h.type) {
      case PageType::kDictionaryPage: return DictionaryPage(h, payload);
      case PageType::kDataPage:
      case PageType::kDataPageV2: return DataPage(h, payload, n, index);
      default: return Status::OK();  // index pages and unknown pages carry no values
    }
  }

  Status CheckCount(int64_t n) {
    const int64_t cap = kMaxValuesPerPage + kMaxLevelsPerByte * meta_->total_compressed_size;
    if (n < 0 || levels_seen_ + n > cap) {
      return Status::Corruption("page declares " + std::to_string(n) + " values, more than a column chunk of " +
                                std::to_string(meta_->total_compressed_size) + " bytes can plausibly hold");
    }
    if (n > meta_->num_values - levels_seen_) {
      return Status::Corruption("pages hold more values than the column chunk's " + std::to_string(meta_->num_values));
    }
    return Status::OK();
  }

  Status DictionaryPage(const PageHeader& h, std::span<const uint8_t> payload) {
    if (!h.dictionary_page_header) return Status::Corruption("dictionary page without its header");
    if (has_dict_) return Status::Corruption("second dictionary page in a column chunk");
    if (levels_seen_ > 0) return Status::Corruption("dictionary page after data pages");
    const auto& d = *h.dictionary_page_header;
    if (d.encoding != Encoding::kPlain && d.encoding != Encoding::kPlainDictionary) {
      return Status::Unsupported("dictionary page encoding " + std::string(EncodingName(d.encoding)));
    }
    if (d.num_values < 0) return Status::Corruption("negative dictionary size");
    TIDE_ASSIGN_OR_RETURN(auto bytes, Uncompress(codec_, payload, h.uncompressed_page_size, &Scratch()));
    Phys phys;
    TIDE_RETURN_IF_ERROR(DecodePlain(bytes.data(), bytes.size(), d.num_values, leaf_, &phys).WithContext("dictionary"));
    TIDE_RETURN_IF_ERROR(ConvertAppend(phys, leaf_, &dict_).WithContext("dictionary"));
    if (leaf_.conversion == LeafConversion::kByteArray && dict_.offsets.empty()) dict_.offsets.push_back(0);
    has_dict_ = true;
    return Status::OK();
  }

  // Where a page's values start, once its levels are decoded.
  struct PageValues {
    Encoding encoding = Encoding::kPlain;
    const uint8_t* data = nullptr;
    size_t size = 0;
    int64_t non_null = 0;
  };

  // A data page (v1 or v2) of n levels. Pages entirely inside the range (every page, when the
  // whole chunk is read) decode straight into the output; the others decode into page_, which
  // stays pending while later ranges may still need its rows.
  Status DataPage(const PageHeader& h, std::span<const uint8_t> payload, int64_t n, int index) {
    const bool direct = !ranged_ || (leaf_.max_rep == 0 && rows_seen_ >= range_.begin && rows_seen_ + n <= range_.end);
    LeafChunk* dst = direct ? out_ : &page_;
    if (!direct) {
      page_.def.clear();
      page_.rep.clear();
      page_.fixed.clear();
      page_.offsets.clear();
      page_.data.clear();
      page_.num_levels = page_.num_values = 0;
    }
    if (direct) {
      bool used = false;
      TIDE_RETURN_IF_ERROR(DirectPlain(h, payload, n, &used));
      if (used) {
        levels_seen_ += n;
        if (ranged_) rows_seen_ += n;
        return Status::OK();
      }
    }
    const size_t level_base = leaf_.max_rep > 0 ? dst->rep.size() : 0;
    PageValues pv;
    // A flat page read for one range needs only the levels before the range's end, when its
    // values can be decoded as a prefix (PLAIN, dictionary indices).
    const Encoding enc = h.type == PageType::kDataPage ? h.data_page_header->encoding : h.data_page_header_v2->encoding;
    if (!direct && single_range_ && leaf_.max_rep == 0 &&
        (enc == Encoding::kPlain || enc == Encoding::kRleDictionary || enc == Encoding::kPlainDictionary)) {
      decode_limit_ = range_.end - rows_seen_;
    }
    Status lst;
    bool prefix = false;
    if (decode_limit_ >= 0 && PrefixWorthIt(n)) lst = PrefixLevels(h, payload, n, dst, &pv, &prefix);
    if (!prefix && lst.ok()) {
      lst = h.type == PageType::kDataPage ? LevelsV1(h, payload, dst, &pv) : LevelsV2(h, payload, dst, &pv);
    }
    decode_limit_ = -1;
    TIDE_RETURN_IF_ERROR(lst);
    levels_seen_ += n;
    const LeafChunk* dict = has_dict_ ? &dict_ : nullptr;
    if (direct) {
      if (ranged_) rows_seen_ += n;  // flat: one level per row
      return DecodeValues(pv.encoding, pv.data, pv.size, pv.non_null, leaf_, dict, out_);
    }
    // Rows that start in this page; leading levels with rep > 0 continue the previous row.
    int64_t started = n;
    if (leaf_.max_rep > 0) started = std::count(page_.rep.begin() + level_base, page_.rep.end(), int16_t{0});
    const int64_t first_row = rows_seen_;
    rows_seen_ += started;
    const int64_t last_row = rows_seen_ - 1;
    if (last_row < range_.begin) return Status::OK();  // nothing wanted now or later
    if (single_range_) {
      // No later range will want this page: decode only the values of the range's rows.
      int64_t row = first_row - 1, l0 = -1, l1 = -1;
      const int16_t* rep = leaf_.max_rep > 0 ? page_.rep.data() : nullptr;
      if (!rep) {
        RowSpan(first_row, page_.num_levels, &l0, &l1);
      } else {
        for (int64_t i = 0; i < page_.num_levels; ++i) {
          if (rep[i] == 0) ++row;
          if (row >= range_.end) break;
          if (row >= range_.begin) {
            if (l0 < 0) l0 = i;
            l1 = i + 1;
          }
        }
      }
      if (l0 < 0) return Status::OK();
      int64_t v0 = l0, nv = l1 - l0;
      if (leaf_.max_def > 0) {
        const int16_t* d = page_.def.data();
        v0 = nv = 0;
        for (int64_t i = 0; i < l0; ++i) v0 += d[i] == leaf_.max_def;
        for (int64_t i = l0; i < l1; ++i) nv += d[i] == leaf_.max_def;
      }
      if (v0 + nv > pv.non_null) return Status::Corruption("page holds fewer values than its levels say");
      AppendLevels(page_, l0, l1, out_);
      return DecodeValuesRange(pv.encoding, pv.data, pv.size, pv.non_null, v0, nv, leaf_, dict, out_);
    }
    TIDE_RETURN_IF_ERROR(DecodeValues(pv.encoding, pv.data, pv.size, pv.non_null, leaf_, dict, &page_));
    pending_ = true;
    pending_first_row_ = first_row;
    pending_last_row_ = last_row;
    pending_index_ = index;
    return Status::OK();
  }

  // Flat columns (one level per row): the levels [*l0, *l1) of a page whose level i is row
  // first_row + i that fall inside range_ (*l0 = -1 when none do). Arithmetic, not a scan.
  void RowSpan(int64_t first_row, int64_t num_levels, int64_t* l0, int64_t* l1) const {
    const int64_t lo = std::max(range_.begin, first_row);
    const int64_t hi = std::min(range_.end, first_row + num_levels);
    if (hi <= lo) {
      *l0 = *l1 = -1;
      return;
    }
    *l0 = lo - first_row;
    *l1 = hi - first_row;
  }

  // Appends the rows of the range that page_ holds.
  Status TakePending() {
    const int16_t* rep = leaf_.max_rep > 0 ? page_.rep.data() : nullptr;
    int64_t row = pending_first_row_ - 1, l0 = -1, l1 = -1;
    if (!rep) {
      RowSpan(pending_first_row_, page_.num_levels, &l0, &l1);
    } else {
      for (int64_t i = 0; i < page_.num_levels; ++i) {
        if (rep[i] == 0) ++row;
        if (row >= range_.begin && row < range_.end) {
          if (l0 < 0) l0 = i;
          l1 = i + 1;
        } else if (row >= range_.end) {
          break;
        }
      }
    }
    if (l0 < 0) return Status::OK();
    int64_t v0 = l0, nv = l1 - l0;
    if (leaf_.max_def > 0) {
      const int16_t* d = page_.def.data();
      v0 = nv = 0;
      for (int64_t i = 0; i < l0; ++i) v0 += d[i] == leaf_.max_def;
      for (int64_t i = l0; i < l1; ++i) nv += d[i] == leaf_.max_def;
    }
    if (v0 + nv > page_.num_values) return Status::Corruption("page holds fewer values than its levels say");
    AppendLevels(page_, l0, l1, out_);
    const bool out_empty = out_->num_values == 0 && out_->data.empty() && out_->fixed.empty() &&
                           out_->offsets.size() <= 1;
    if (out_empty && v0 == 0 && nv == page_.num_values && pending_last_row_ < range_.end) {
      // The rest of the page is all this range wants and no later range needs it: hand over
      // its buffers instead of copying them (pages of huge strings).
      out_->fixed = std::move(page_.fixed);
      out_->offsets = std::move(page_.offsets);
      out_->data = std::move(page_.data);
      if (leaf_.conversion == LeafConversion::kByteArray && out_->offsets.empty()) out_->offsets.push_back(0);
      out_->num_values = nv;
      return Status::OK();
    }
    return AppendValues(page_, leaf_, v0, nv, out_);
  }

  // Whether a v2 data page's level byte lengths are sane: neither negative, and the levels
  // (stored uncompressed in front of the values) fit both the stored payload and the page's
  // uncompressed size. DirectPlain leaves a page that breaks this to the general path;
  // PrefixLevels and LevelsV2 report it (CheckV2LevelLengths).
  static bool V2LevelLengthsFit(const PageHeader& h, size_t payload_size) {
    const auto& d = *h.data_page_header_v2;
    const int64_t rl = d.repetition_levels_byte_length, dl = d.definition_levels_byte_length;
    return rl >= 0 && dl >= 0 && rl + dl <= static_cast<int64_t>(payload_size) && rl + dl <= h.uncompressed_page_size;
  }
  static Status CheckV2LevelLengths(const PageHeader& h, size_t payload_size) {
    if (V2LevelLengthsFit(h, payload_size)) return Status::OK();
    return Status::Corruption("data page v2 level lengths exceed the page");
  }

  // The compressed part of a data page and its uncompressed size (h.uncompressed_page_size >=
  // 0): the whole payload for v1; for v2 what follows the levels (rl + dl bytes stored
  // uncompressed in front), less their size. kBadLevels when the v2 level lengths do not fit
  // (V2LevelLengthsFit), kUncompressed when the v2 values are stored uncompressed.
  struct CompressedValues {
    std::span<const uint8_t> compressed;
    size_t size = 0;
    int64_t rl = 0, dl = 0;
  };
  enum class CompressedValuesResult { kOk, kBadLevels, kUncompressed };
  static CompressedValuesResult FindCompressedValues(const PageHeader& h, std::span<const uint8_t> payload,
                                                     CompressedValues* out) {
    out->compressed = payload;
    out->size = static_cast<size_t>(h.uncompressed_page_size);
    if (h.type == PageType::kDataPage) return CompressedValuesResult::kOk;
    const auto& d = *h.data_page_header_v2;
    out->rl = d.repetition_levels_byte_length;
    out->dl = d.definition_levels_byte_length;
    if (!V2LevelLengthsFit(h, payload.size())) return CompressedValuesResult::kBadLevels;
    if (!d.is_compressed) return CompressedValuesResult::kUncompressed;
    out->compressed = payload.subspan(out->rl + out->dl);
    out->size -= static_cast<size_t>(out->rl + out->dl);
    return CompressedValuesResult::kOk;
  }

  // Appends n levels' worth of defs/reps to *dst and returns the number of non-null values.
  Status Levels(Encoding def_enc, Encoding rep_enc, bool v1, const uint8_t** p, size_t* remaining, size_t rep_len,
                size_t def_len, int64_t n, LeafChunk* dst, int64_t* non_null) {
    const int64_t decode = decode_limit_ >= 0 ? std::min(n, decode_limit_) : n;
    if (leaf_.max_rep > 0) {
      const size_t base = dst->rep.size();
      dst->rep.resize(base + decode);
      size_t r = v1 ? *remaining : rep_len;
      const uint8_t* q = *p;
      TIDE_RETURN_IF_ERROR(DecodeLevels(rep_enc, v1, &q, &r, leaf_.max_rep, n, decode, dst->rep.data() + base, "repetition"));
      if (v1) {
        *remaining = r;
        *p = q;
      } else {
        *p += rep_len;
      }
      if (levels_seen_ == 0 && n > 0 && dst->rep[base] != 0) return Status::Corruption("first repetition level is not 0");
    } else if (!v1) {
      *p += rep_len;
    }
    if (leaf_.max_def > 0) {
      const size_t base = dst->def.size();
      dst->def.resize(base + decode);
      size_t r = v1 ? *remaining : def_len;
      const uint8_t* q = *p;
      TIDE_RETURN_IF_ERROR(DecodeLevels(def_enc, v1, &q, &r, leaf_.max_def, n, decode, dst->def.data() + base, "definition"));
      if (v1) {
        *remaining = r;
        *p = q;
      } else {
        *p += def_len;
      }
      int64_t c = 0;
      const int16_t* d = dst->def.data() + base;
      for (int64_t i = 0; i < decode; ++i) c += d[i] == leaf_.max_def;
      *non_null = c;
    } else {
      if (!v1) *p += def_len;
      *non_null = decode;
    }
    dst->num_levels += decode;
    return Status::OK();
  }

  // Refuses a PLAIN BYTE_ARRAY page whose strings would take the chunk past 2 GiB before
  // decompressing it (each value costs at most 4 length bytes and its levels ~6 bytes).
  Status CheckBinarySize(Encoding enc, int64_t uncompressed, int64_t n, const LeafChunk& dst) {
    if (leaf_.conversion != LeafConversion::kByteArray || enc != Encoding::kPlain) return Status::OK();
    const int64_t at_least = uncompressed - 10 * n - 64;
    if (static_cast<int64_t>(dst.data.size()) + at_least > kMaxBinaryBytes) {
      return Status::Unsupported("more than 2 GiB of BYTE_ARRAY data in one column chunk");
    }
    return Status::OK();
  }

  Status LevelsV1(const PageHeader& h, std::span<const uint8_t> payload, LeafChunk* dst, PageValues* pv) {
    const auto& d = *h.data_page_header;
    TIDE_RETURN_IF_ERROR(CheckBinarySize(d.encoding, h.uncompressed_page_size, d.num_values, *dst));
    TIDE_ASSIGN_OR_RETURN(auto bytes, Uncompress(codec_, payload, h.uncompressed_page_size, &Scratch()));
    const uint8_t* p = bytes.data();
    size_t remaining = bytes.size();
    TIDE_RETURN_IF_ERROR(Levels(d.definition_level_encoding, d.repetition_level_encoding, true, &p, &remaining, 0, 0,
                                d.num_values, dst, &pv->non_null));
    pv->encoding = d.encoding;
    pv->data = p;
    pv->size = remaining;
    return Status::OK();
  }

  // A flat page of PLAIN fixed-width values that need no conversion, read whole into out_:
  // decompressed straight into out_->fixed, where its values already are the column's bytes (no
  // copy out of a decompression buffer). A page's levels stay in front of its values: as
  // out_->fixed_offset for the chunk's first page when that keeps the values aligned, else the
  // values are moved down over them
  // (required columns have none). *used = false when the page does not qualify (other codecs,
  // encodings or types; a block whose header contradicts the page): the general path takes it.
  Status DirectPlain(const PageHeader& h, std::span<const uint8_t> payload, int64_t n, bool* used) {
    *used = false;
    if (leaf_.max_rep > 0 || leaf_.conversion != LeafConversion::kNone) return Status::OK();
    const PhysicalType t = *leaf_.element.type;
    if (t == PhysicalType::kBoolean || t == PhysicalType::kByteArray) return Status::OK();
    if (codec_ != Codec::kSnappy && codec_ != Codec::kZstd) return Status::OK();
    if (h.uncompressed_page_size < 0) return Status::OK();
    const bool v1 = h.type == PageType::kDataPage;
    if ((v1 ? h.data_page_header->encoding : h.data_page_header_v2->encoding) != Encoding::kPlain) return Status::OK();
    CompressedValues cv;
    // A v2 page with bad level lengths or uncompressed values takes the general path.
    if (FindCompressedValues(h, payload, &cv) != CompressedValuesResult::kOk) return Status::OK();
    const std::span<const uint8_t> compressed = cv.compressed;
    const size_t size = cv.size;
    const int64_t rl = cv.rl, dl = cv.dl;
    if (!Plausible(codec_, compressed, size, true)) return Status::OK();
    ValueBytes& f = out_->fixed;
    const size_t base = f.size();
    f.resize(base + size);
    if (!UncompressInto(codec_, compressed, f.data() + base, size)) {
      f.resize(base);
      return Status::OK();
    }
    *used = true;
    const uint8_t* p;
    size_t remaining;
    int64_t non_null = 0;
    Status st;
    if (v1) {
      p = f.data() + base;
      remaining = size;
      st = Levels(h.data_page_header->definition_level_encoding, h.data_page_header->repetition_level_encoding, true, &p,
                  &remaining, 0, 0, n, out_, &non_null);
    } else {
      p = payload.data();
      remaining = payload.size();
      st = Levels(Encoding::kRle, Encoding::kRle, false, &p, &remaining, rl, dl, n, out_, &non_null);
      p = f.data() + base;
      remaining = size;
    }
    const size_t w = PhysicalWidth(leaf_);
    if (st.ok() && static_cast<uint64_t>(non_null) > remaining / w) {
      st = Status::Corruption("PLAIN: page holds " + std::to_string(remaining / w) + " values, " +
                              std::to_string(non_null) + " expected");
    }
    if (!st.ok()) {
      f.resize(base);
      return st;
    }
    const size_t lv = static_cast<size_t>(p - (f.data() + base));
    const size_t bytes = static_cast<size_t>(non_null) * w;
    // The values stay behind the levels only where that keeps them aligned for their type
    // (the vector's storage is malloc-aligned); otherwise they move down, as on later pages.
    if (lv > 0 && base == 0 && lv % alignof(std::max_align_t) == 0) {
      out_->fixed_offset = lv;
      f.resize(lv + bytes);
    } else {
      if (lv > 0) std::memmove(f.data() + base, f.data() + base + lv, bytes);
      f.resize(base + bytes);
    }
    out_->num_values += non_null;
    return Status::OK();
  }

  // Whether a page of n levels of which the first decode_limit_ are wanted is decompressed only
  // as far as those need: whenever part of it is not wanted. Our snappy decoder runs at about
  // libsnappy's speed (bench/parquet_duckdb_bench: snappy_decode_ratio) and zstd's block-by-block
  // decoding costs what one-shot decoding does, so a prefix never costs more than the page.
  bool PrefixWorthIt(int64_t n) const { return PrefixDecompressor::Supports(codec_) && decode_limit_ < n; }

  // The prefix path: levels and values of a flat page's first decode_limit_ levels (PLAIN or
  // dictionary-encoded values: those of earlier rows precede those of later ones), decompressing
  // only the bytes they occupy. *used = false when the page is left to the whole-page path
  // (uncompressed v2 values, or a compressed payload whose header contradicts the page's: that
  // path reports it). Decompression stops where the wanted values end, so corruption past them
  // goes unseen; the page CRC, when present, was checked on the whole compressed page before.
  Status PrefixLevels(const PageHeader& h, std::span<const uint8_t> payload, int64_t n, LeafChunk* dst, PageValues* pv,
                      bool* used) {
    *used = false;
    const bool v1 = h.type == PageType::kDataPage;
    const Encoding enc = v1 ? h.data_page_header->encoding : h.data_page_header_v2->encoding;
    TIDE_RETURN_IF_ERROR(CheckBinarySize(enc, h.uncompressed_page_size, n, *dst));
    if (h.uncompressed_page_size < 0) return Status::OK();
    CompressedValues cv;
    switch (FindCompressedValues(h, payload, &cv)) {
      case CompressedValuesResult::kOk: break;
      case CompressedValuesResult::kBadLevels: return CheckV2LevelLengths(h, payload.size());
      case CompressedValuesResult::kUncompressed: return Status::OK();
    }
    const std::span<const uint8_t> compressed = cv.compressed;
    const size_t size = cv.size;
    const int64_t rl = cv.rl, dl = cv.dl;
    if (!Plausible(codec_, compressed, size, false)) return Status::OK();
    std::vector<uint8_t>& buf = Scratch();
    if (buf.size() < size) buf.resize(size);
    PrefixDecompressor pd;
    if (!pd.Init(codec_, compressed, buf.data(), size).ok()) return Status::OK();
    *used = true;
    const uint8_t* p;
    size_t remaining;
    if (v1) {
      // Levels precede the values: decompress through them.
      if (leaf_.max_def > 0) {
        uint64_t end = 0;
        if (h.data_page_header->definition_level_encoding == Encoding::kRle) {
          TIDE_RETURN_IF_ERROR(pd.Ensure(4));
          if (pd.produced() >= 4) {
            uint32_t l;
            std::memcpy(&l, buf.data(), 4);
            end = uint64_t{4} + l;
          }
        } else if (h.data_page_header->definition_level_encoding == Encoding::kBitPacked) {
          end = (static_cast<uint64_t>(n) * BitWidthFor(static_cast<uint32_t>(leaf_.max_def)) + 7) / 8;
        }
        TIDE_RETURN_IF_ERROR(pd.Ensure(static_cast<size_t>(std::min<uint64_t>(end, size))));
      }
      p = buf.data();
      remaining = pd.produced();
      TIDE_RETURN_IF_ERROR(Levels(h.data_page_header->definition_level_encoding,
                                  h.data_page_header->repetition_level_encoding, true, &p, &remaining, 0, 0, n, dst,
                                  &pv->non_null));
    } else {
      p = payload.data();
      remaining = payload.size();
      TIDE_RETURN_IF_ERROR(Levels(Encoding::kRle, Encoding::kRle, false, &p, &remaining, rl, dl, n, dst, &pv->non_null));
      p = buf.data();
    }
    const size_t off = static_cast<size_t>(p - buf.data());
    TIDE_RETURN_IF_ERROR(EnsureValues(enc, pv->non_null, off, &pd));
    pv->encoding = enc;
    pv->data = p;
    pv->size = pd.produced() - off;
    return Status::OK();
  }

  // Decompresses (at least) the bytes that the first m values of a page take, its values
  // starting at byte `off` of the output. Stops early at data that does not parse: the decoder
  // then reports it, on the bytes there are.
  Status EnsureValues(Encoding enc, int64_t m, size_t off, PrefixDecompressor* pd) {
    const uint8_t* b = pd->data();
    const size_t size = pd->size();
    auto want = [&](uint64_t rel) { return pd->Ensure(static_cast<size_t>(std::min<uint64_t>(off + rel, size))); };
    const PhysicalType t = *leaf_.element.type;
    if (enc == Encoding::kPlain) {
      if (t == PhysicalType::kBoolean) return want((static_cast<uint64_t>(m) + 7) / 8);
      if (t != PhysicalType::kByteArray) return want(static_cast<uint64_t>(m) * PhysicalWidth(leaf_));
      uint64_t pos = 0;
      for (int64_t i = 0; i < m; ++i) {
        TIDE_RETURN_IF_ERROR(want(pos + 4));
        if (off + pos + 4 > pd->produced()) return Status::OK();
        uint32_t len;
        std::memcpy(&len, b + off + pos, 4);
        pos += 4 + uint64_t{len};
      }
      return want(pos);
    }
    // Dictionary indices: a bit-width byte, then the RLE / bit-packed hybrid. Walk its run
    // headers to where the m-th index ends.
    TIDE_RETURN_IF_ERROR(want(1));
    if (off + 1 > pd->produced()) return Status::OK();
    const int bw = b[off];
    if (bw > 32) return Status::OK();
    uint64_t pos = 1;
    int64_t left = m;
    while (left > 0) {
      TIDE_RETURN_IF_ERROR(want(pos + 10));  // a run header is at most 10 bytes
      const uint8_t* q = b + off + pos;
      const uint8_t* end = b + pd->produced();
      uint64_t header = 0;
      bool ok = false;
      for (int shift = 0; shift < 64 && q < end; shift += 7) {
        const uint8_t byte = *q++;
        header |= static_cast<uint64_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80)) {
          ok = true;
          break;
        }
      }
      if (!ok) return Status::OK();
      pos = static_cast<uint64_t>(q - (b + off));
      if (header & 1) {  // bit-packed groups of 8
        const uint64_t groups = header >> 1;
        if (groups == 0 || groups > (uint64_t{1} << 40)) return Status::OK();
        if (groups * 8 >= static_cast<uint64_t>(left)) {
          // The run holds the last wanted index: its bytes up to there, plus the 8-byte load
          // slack of the unpacker.
          return want(pos + (static_cast<uint64_t>(left) * bw + 7) / 8 + 8);
        }
        pos += groups * bw;
        left -= static_cast<int64_t>(groups * 8);
      } else {
        pos += (bw + 7) / 8;
        const uint64_t count = header >> 1;
        if (count >= static_cast<uint64_t>(left)) return want(pos);
        left -= static_cast<int64_t>(count);
      }
      if (off + pos > size) return Status::OK();
    }
    return want(pos);
  }

  Status LevelsV2(const PageHeader& h, std::span<const uint8_t> payload, LeafChunk* dst, PageValues* pv) {
    const auto& d = *h.data_page_header_v2;
    TIDE_RETURN_IF_ERROR(CheckBinarySize(d.encoding, h.uncompressed_page_size, d.num_values, *dst));
    TIDE_RETURN_IF_ERROR(CheckV2LevelLengths(h, payload.size()));
    const int64_t rl = d.repetition_levels_byte_length, dl = d.definition_levels_byte_length;
    const uint8_t* p = payload.data();
    size_t remaining = payload.size();
    TIDE_RETURN_IF_ERROR(
        Levels(Encoding::kRle, Encoding::kRle, false, &p, &remaining, rl, dl, d.num_values, dst, &pv->non_null));
    auto values = payload.subspan(rl + dl);
    std::span<const uint8_t> bytes = values;
    if (d.is_compressed && codec_ != Codec::kNone) {
      TIDE_ASSIGN_OR_RETURN(bytes, Uncompress(codec_, values, h.uncompressed_page_size - rl - dl, &Scratch()));
    }
    pv->encoding = d.encoding;
    pv->data = bytes.data();
    pv->size = bytes.size();
    return Status::OK();
  }

  const ChunkContext ctx_;
  const ColumnChunk& chunk_;
  const LeafInfo& leaf_;
  const ColumnMetaData* meta_ = nullptr;
  bool init_ = false;
  Status init_status_;
  int64_t pos_ = 0, end_ = 0;  // the chunk's next page and end in the file
  int page_index_ = 0;
  int64_t next_row_ = 0;       // the previous range's end
  RowRange range_;
  LeafChunk* out_ = nullptr;
  bool ranged_ = false;
  bool single_range_ = false;
  int64_t decode_limit_ = -1;  // >= 0: Levels() decodes at most this many levels of a page
  int64_t levels_seen_ = 0;  // levels of the data pages passed so far (read or skipped)
  int64_t rows_seen_ = 0;    // rows started in them (ranged reads only)
  Codec codec_ = Codec::kNone;
  LeafChunk dict_;
  bool has_dict_ = false;
  LeafChunk page_;  // a decoded page partly outside the range
  bool pending_ = false;
  int64_t pending_first_row_ = 0, pending_last_row_ = 0;
  int pending_index_ = 0;
};

namespace {

// ---------------------------------------------------------------- assembly

struct Slots {
  bool identity = false;
  int64_t count = 0;
  std::vector<int64_t> pos;
};

Slots ComputeSlots(const LeafChunk& c, int16_t rep_level, int16_t parent_def) {
  Slots s;
  if (c.rep.empty() && (parent_def == 0 || c.def.empty())) {
    s.identity = true;
    s.count = c.num_levels;
    return s;
  }
  for (int64_t i = 0; i < c.num_levels; ++i) {
    if ((c.rep.empty() || c.rep[i] <= rep_level) && (c.def.empty() || c.def[i] >= parent_def)) s.pos.push_back(i);
  }
  s.count = static_cast<int64_t>(s.pos.size());
  return s;
}

// Wraps int32 offsets without copying them.
col::BufferPtr OffsetsBuffer(std::vector<int32_t> offsets) {
  auto owner = std::make_shared<std::vector<int32_t>>(std::move(offsets));
  return col::Buffer::Wrap(reinterpret_cast<const uint8_t*>(owner->data()), static_cast<int64_t>(owner->size() * 4), owner);
}

col::BufferPtr ValidityBuffer(std::vector<uint8_t>& bits, int64_t null_count) {
  if (null_count == 0) return nullptr;
  return col::Buffer::FromVector(std::move(bits));
}

// Validity of each slot: def >= def_level. Returns the null count.
int64_t SlotValidity(const LeafChunk& c, const Slots& s, int16_t def_level, std::vector<uint8_t>* bits) {
  bits->assign(col::bits::BytesFor(s.count), 0);
  if (c.def.empty() || def_level == 0) {
    std::fill(bits->begin(), bits->end(), 0xFF);
    return 0;
  }
  int64_t valid = 0;
  uint8_t* out = bits->data();
  const int16_t* def = c.def.data();
  if (s.identity) {
    int64_t j = 0;
    for (; j + 8 <= s.count; j += 8) {
      uint8_t byte = 0;
      for (int k = 0; k < 8; ++k) byte |= static_cast<uint8_t>((def[j + k] >= def_level) << k);
      out[j >> 3] = byte;
      valid += kBitsSet[byte];
    }
    for (; j < s.count; ++j) {
      if (def[j] >= def_level) {
        col::bits::Set(out, j);
        ++valid;
      }
    }
  } else {
    for (int64_t j = 0; j < s.count; ++j) {
      if (def[s.pos[j]] >= def_level) {
        col::bits::Set(out, j);
        ++valid;
      }
    }
  }
  return s.count - valid;
}

template <size_t W>
void ScatterFixed(const uint8_t* dense, const uint8_t* valid, int64_t n, uint8_t* out, size_t w) {
  int64_t k = 0;
  const size_t width = W ? W : w;
  for (int64_t j = 0; j < n; ++j) {
    if (col::bits::Get(valid, j)) {
      std::memcpy(out + j * width, dense + k * width, W ? W : w);
      ++k;
    }
  }
}

base::Result<col::ArrayPtr> Build(const SchemaNode& node, const std::vector<LeafInfo>& leaves,
                                  std::vector<LeafChunk>& chunks, int depth);

base::Result<col::ArrayPtr> BuildLeaf(const SchemaNode& node, const std::vector<LeafInfo>& leaves,
                                      std::vector<LeafChunk>& chunks) {
  LeafChunk& c = chunks[node.leaf];
  const LeafInfo& info = leaves[node.leaf];
  const Slots s = ComputeSlots(c, node.rep_level, node.parent_def);
  std::vector<uint8_t> valid;
  const int64_t nulls = SlotValidity(c, s, node.def_level, &valid);
  const int64_t n = s.count;
  if (n - nulls != c.num_values) {
    return Status::Corruption("column " + info.path + ": " + std::to_string(c.num_values) + " values for " +
                              std::to_string(n - nulls) + " non-null slots");
  }
  auto a = std::make_shared<col::ArrayData>();
  a->type = info.type;
  a->length = n;
  a->null_count = nulls;
  if (info.conversion == LeafConversion::kBoolean) {
    std::vector<uint8_t> bits(col::bits::BytesFor(n), 0);
    int64_t k = 0;
    for (int64_t j = 0; j < n; ++j) {
      if (nulls == 0 || col::bits::Get(valid.data(), j)) {
        if (c.fixed[k]) col::bits::Set(bits.data(), j);
        ++k;
      }
    }
    a->buffers.push_back(ValidityBuffer(valid, nulls));
    a->buffers.push_back(col::Buffer::FromVector(std::move(bits)));
  } else if (info.conversion == LeafConversion::kByteArray) {
    std::vector<int32_t> offs;
    if (nulls == 0) {
      offs = std::move(c.offsets);
    } else {
      offs.resize(n + 1);
      offs[0] = 0;
      int64_t k = 0;
      for (int64_t j = 0; j < n; ++j) {
        if (col::bits::Get(valid.data(), j)) ++k;
        offs[j + 1] = c.offsets[k];
      }
    }
    a->buffers.push_back(ValidityBuffer(valid, nulls));
    a->buffers.push_back(OffsetsBuffer(std::move(offs)));
    a->buffers.push_back(col::Buffer::FromVector(std::move(c.data)));
  } else {
    const size_t w = info.type->FixedWidth();
    ValueBytes values;
    size_t skip = 0;  // bytes in front of the values (a page's levels)
    if (nulls == 0) {
      values = std::move(c.fixed);
      skip = c.fixed_offset;
    } else {
      values.assign(n * w, 0);
      const uint8_t* dense = c.fixed.data() + c.fixed_offset;
      switch (w) {
        case 1: ScatterFixed<1>(dense, valid.data(), n, values.data(), w); break;
        case 2: ScatterFixed<2>(dense, valid.data(), n, values.data(), w); break;
        case 4: ScatterFixed<4>(dense, valid.data(), n, values.data(), w); break;
        case 8: ScatterFixed<8>(dense, valid.data(), n, values.data(), w); break;
        case 16: ScatterFixed<16>(dense, valid.data(), n, values.data(), w); break;
        default: ScatterFixed<0>(dense, valid.data(), n, values.data(), w);
      }
    }
    a->buffers.push_back(ValidityBuffer(valid, nulls));
    // Wrapped, not copied: the array owns the decoded vector.
    auto owner = std::make_shared<ValueBytes>(std::move(values));
    a->buffers.push_back(
        col::Buffer::Wrap(owner->data() + skip, static_cast<int64_t>(owner->size() - skip), owner));
  }
  return col::ArrayPtr(a);
}

base::Result<col::ArrayPtr> Build(const SchemaNode& node, const std::vector<LeafInfo>& leaves,
                                  std::vector<LeafChunk>& chunks, int depth) {
  if (depth > 300) return Status::Corruption("nesting too deep");
  if (node.kind == SchemaNode::Kind::kLeaf) return BuildLeaf(node, leaves, chunks);
  if (node.num_leaves == 0) return Status::Corruption("group without leaves");
  const LeafChunk& c = chunks[node.first_leaf];
  auto a = std::make_shared<col::ArrayData>();
  a->type = node.field->type();
  if (node.kind == SchemaNode::Kind::kStruct) {
    const Slots s = ComputeSlots(c, node.rep_level, node.parent_def);
    std::vector<uint8_t> valid;
    const int64_t nulls = SlotValidity(c, s, node.def_level, &valid);
    a->length = s.count;
    a->null_count = nulls;
    a->buffers.push_back(ValidityBuffer(valid, nulls));
    for (const auto& child : node.children) {
      TIDE_ASSIGN_OR_RETURN(auto ca, Build(child, leaves, chunks, depth + 1));
      if (ca->length != s.count) {
        return Status::Corruption("field " + child.field->name() + " has " + std::to_string(ca->length) +
                                  " values, its struct " + std::to_string(s.count));
      }
      a->children.push_back(std::move(ca));
    }
    return col::ArrayPtr(a);
  }
  // List or map.
  std::vector<int32_t> offsets;
  std::vector<uint8_t> valid;
  int64_t nulls = 0, elems = 0, n = 0;
  const int16_t elem_rep = static_cast<int16_t>(node.rep_level + 1);
  for (int64_t p = 0; p < c.num_levels; ++p) {
    const int16_t r = c.rep.empty() ? 0 : c.rep[p];
    const int16_t d = c.def.empty() ? 0 : c.def[p];
    if (r <= node.rep_level && d >= node.parent_def) {
      if (elems > std::numeric_limits<int32_t>::max()) return Status::Unsupported("list with more than 2^31 elements");
      offsets.push_back(static_cast<int32_t>(elems));
      if ((n >> 3) >= static_cast<int64_t>(valid.size())) valid.push_back(0);
      if (d >= node.def_level) {
        col::bits::Set(valid.data(), n);
      } else {
        ++nulls;
      }
      ++n;
    }
    if (r <= elem_rep && d >= node.elem_def) {
      if (n == 0) return Status::Corruption("list element before any list");
      ++elems;
    }
  }
  if (elems > std::numeric_limits<int32_t>::max()) return Status::Unsupported("list with more than 2^31 elements");
  offsets.push_back(static_cast<int32_t>(elems));
  TIDE_ASSIGN_OR_RETURN(auto child, Build(node.children[0], leaves, chunks, depth + 1));
  if (child->length != elems) {
    return Status::Corruption("list " + node.field->name() + " has " + std::to_string(elems) + " elements, its values " +
                              std::to_string(child->length));
  }
  a->length = n;
  a->null_count = nulls;
  a->buffers.push_back(ValidityBuffer(valid, nulls));
  a->buffers.push_back(OffsetsBuffer(std::move(offsets)));
  a->children.push_back(std::move(child));
  return col::ArrayPtr(a);
}

}  // namespace

Status ReadLeafChunk(const ChunkContext& ctx, const ColumnChunk& chunk, const LeafInfo& leaf, LeafChunk* out) {
  return ReadLeafChunk(ctx, chunk, leaf, RowRange(), out);
}

Status ReadLeafChunk(const ChunkContext& ctx, const ColumnChunk& chunk, const LeafInfo& leaf, RowRange rows,
                     LeafChunk* out) {
  ChunkReader reader(ctx, chunk, leaf);
  reader.set_single_range();
  return reader.Read(rows, out);
}

LeafChunkReader::LeafChunkReader(const ChunkContext& ctx, const ColumnChunk& chunk, const LeafInfo& leaf)
    : impl_(std::make_unique<ChunkReader>(ctx, chunk, leaf)) {}

LeafChunkReader::~LeafChunkReader() = default;

Status LeafChunkReader::Read(RowRange rows, LeafChunk* out) { return impl_->Read(rows, out); }

base::Result<col::ArrayPtr> AssembleField(const SchemaNode& field, const std::vector<LeafInfo>& leaves,
                                          std::vector<LeafChunk>& chunks, int64_t num_rows) {
  TIDE_ASSIGN_OR_RETURN(auto a, Build(field, leaves, chunks, 0));
  if (a->length != num_rows) {
    return Status::Corruption("field " + field.field->name() + " has " + std::to_string(a->length) +
                              " rows, the row group " + std::to_string(num_rows));
  }
  return a;
}

}  // namespace tide::format::parquet
