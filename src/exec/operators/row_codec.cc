#include "exec/operators/row_codec.h"

#include <cmath>
#include <cstring>
#include <type_traits>

namespace tide::exec::internal {

using columnar::ArrayData;
using columnar::TypeId;

namespace {

bool HasNulls(const ArrayData& a) { return a.null_count > 0 && !a.buffers.empty() && a.buffers[0] != nullptr; }

// Bytes of value i (flag included).
size_t ValueSize(const ArrayData& c, int64_t i) {
  if (!c.IsValid(i)) return 1;
  switch (c.type->id()) {
    case TypeId::kNull: return 1;
    case TypeId::kBoolean: return 2;
    case TypeId::kString:
    case TypeId::kBinary: return 5 + static_cast<size_t>(c.ListEnd(i) - c.ListBegin(i));
    case TypeId::kStruct: {
      size_t s = 1;
      for (const auto& ch : c.children) s += ValueSize(*ch, c.offset + i);
      return s;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      size_t s = 5;
      for (int32_t k = c.ListBegin(i); k < c.ListEnd(i); ++k) s += ValueSize(*c.children[0], k);
      return s;
    }
    default: return 1 + static_cast<size_t>(c.type->FixedWidth());
  }
}

uint8_t* WriteValue(const ArrayData& c, int64_t i, uint8_t* p) {
  if (!c.IsValid(i)) {
    *p = 0;
    return p + 1;
  }
  *p++ = 1;
  switch (c.type->id()) {
    case TypeId::kNull: return p;
    case TypeId::kBoolean: *p = c.BoolValue(i) ? 1 : 0; return p + 1;
    case TypeId::kFloat32: {
      float f = c.Value<float>(i);
      if (f == 0.0f) f = 0.0f;
      if (std::isnan(f)) f = std::numeric_limits<float>::quiet_NaN();
      std::memcpy(p, &f, 4);
      return p + 4;
    }
    case TypeId::kFloat64: {
      double f = c.Value<double>(i);
      if (f == 0.0) f = 0.0;
      if (std::isnan(f)) f = std::numeric_limits<double>::quiet_NaN();
      std::memcpy(p, &f, 8);
      return p + 8;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      auto v = c.BytesValue(i);
      const uint32_t len = static_cast<uint32_t>(v.size());
      std::memcpy(p, &len, 4);
      if (len > 0) std::memcpy(p + 4, v.data(), len);
      return p + 4 + len;
    }
    case TypeId::kStruct:
      for (const auto& ch : c.children) p = WriteValue(*ch, c.offset + i, p);
      return p;
    case TypeId::kList:
    case TypeId::kMap: {
      const uint32_t cnt = static_cast<uint32_t>(c.ListEnd(i) - c.ListBegin(i));
      std::memcpy(p, &cnt, 4);
      p += 4;
      for (int32_t k = c.ListBegin(i); k < c.ListEnd(i); ++k) p = WriteValue(*c.children[0], k, p);
      return p;
    }
    default: {
      const int w = c.type->FixedWidth();
      std::memcpy(p, c.buffers[1]->data() + (c.offset + i) * w, w);
      return p + w;
    }
  }
}

}  // namespace

void EncodeRows(const std::vector<const ArrayData*>& columns, int64_t n, EncodedRows* out) {
  out->offsets.assign(n + 1, 0);
  std::vector<uint32_t> sizes(n, 0);
  for (const ArrayData* c : columns) {
    const int w = c->type->FixedWidth();
    const TypeId id = c->type->id();
    if (w > 0 && id != TypeId::kFloat32 && id != TypeId::kFloat64 && !HasNulls(*c)) {
      for (int64_t i = 0; i < n; ++i) sizes[i] += 1 + w;
    } else if ((id == TypeId::kString || id == TypeId::kBinary) && !HasNulls(*c)) {
      const int32_t* o = c->buffers[1]->as<int32_t>() + c->offset;
      for (int64_t i = 0; i < n; ++i) sizes[i] += 5 + (o[i + 1] - o[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) sizes[i] += static_cast<uint32_t>(ValueSize(*c, i));
    }
  }
  uint32_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    out->offsets[i] = total;
    total += sizes[i];
  }
  out->offsets[n] = total;
  out->data.resize(total);
  // Write column by column at each row's cursor.
  std::vector<uint32_t>& cursor = sizes;
  for (int64_t i = 0; i < n; ++i) cursor[i] = out->offsets[i];
  uint8_t* base = out->data.data();
  for (const ArrayData* c : columns) {
    const int w = c->type->FixedWidth();
    const TypeId id = c->type->id();
    if (w > 0 && id != TypeId::kFloat32 && id != TypeId::kFloat64 && !HasNulls(*c)) {
      const uint8_t* v = c->buffers[1]->data() + c->offset * w;
      // Constant widths so the copies inline.
      auto copy = [&](auto width) {
        constexpr int W = decltype(width)::value;
        for (int64_t i = 0; i < n; ++i) {
          uint8_t* p = base + cursor[i];
          *p = 1;
          std::memcpy(p + 1, v + i * W, W);
          cursor[i] += 1 + W;
        }
      };
      switch (w) {
        case 1: copy(std::integral_constant<int, 1>()); break;
        case 2: copy(std::integral_constant<int, 2>()); break;
        case 4: copy(std::integral_constant<int, 4>()); break;
        case 8: copy(std::integral_constant<int, 8>()); break;
        case 16: copy(std::integral_constant<int, 16>()); break;
        default:
          for (int64_t i = 0; i < n; ++i) {
            uint8_t* p = base + cursor[i];
            *p = 1;
            std::memcpy(p + 1, v + i * w, w);
            cursor[i] += 1 + w;
          }
      }
    } else if ((id == TypeId::kString || id == TypeId::kBinary) && !HasNulls(*c)) {
      const int32_t* o = c->buffers[1]->as<int32_t>() + c->offset;
      const uint8_t* d = c->buffers.size() > 2 && c->buffers[2] ? c->buffers[2]->data() : nullptr;
      for (int64_t i = 0; i < n; ++i) {
        uint8_t* p = base + cursor[i];
        const uint32_t len = static_cast<uint32_t>(o[i + 1] - o[i]);
        *p = 1;
        std::memcpy(p + 1, &len, 4);
        if (len > 0) std::memcpy(p + 5, d + o[i], len);
        cursor[i] += 5 + len;
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        uint8_t* p = base + cursor[i];
        cursor[i] = static_cast<uint32_t>(WriteValue(*c, i, p) - base);
      }
    }
  }
}

void EncodeValue(const ArrayData& column, int64_t i, std::vector<uint8_t>* out) {
  const size_t s = ValueSize(column, i);
  const size_t at = out->size();
  out->resize(at + s);
  WriteValue(column, i, out->data() + at);
}

namespace {
base::Status Truncated() { return base::Status::Corruption("encoded row truncated"); }

template <typename T>
base::Status ReadFixed(const uint8_t** p, const uint8_t* end, columnar::ArrayBuilder* b) {
  if (end - *p < static_cast<ptrdiff_t>(sizeof(T))) return Truncated();
  T v;
  std::memcpy(&v, *p, sizeof(T));
  *p += sizeof(T);
  static_cast<columnar::NumericBuilder<T>*>(b)->Append(v);
  return base::Status::OK();
}
}  // namespace

base::Status DecodeValue(const columnar::TypePtr& type, const uint8_t** p, const uint8_t* end,
                         columnar::ArrayBuilder* b) {
  if (*p >= end) return Truncated();
  const uint8_t flag = *(*p)++;
  if (flag == 0) {
    b->AppendNull();
    return base::Status::OK();
  }
  switch (type->id()) {
    case TypeId::kNull: b->AppendNull(); return base::Status::OK();
    case TypeId::kBoolean:
      if (*p >= end) return Truncated();
      static_cast<columnar::BooleanBuilder*>(b)->Append(*(*p)++ != 0);
      return base::Status::OK();
    case TypeId::kInt8: return ReadFixed<int8_t>(p, end, b);
    case TypeId::kInt16: return ReadFixed<int16_t>(p, end, b);
    case TypeId::kInt32:
    case TypeId::kDate32: return ReadFixed<int32_t>(p, end, b);
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return ReadFixed<int64_t>(p, end, b);
    case TypeId::kUInt8: return ReadFixed<uint8_t>(p, end, b);
    case TypeId::kUInt16: return ReadFixed<uint16_t>(p, end, b);
    case TypeId::kUInt32: return ReadFixed<uint32_t>(p, end, b);
    case TypeId::kUInt64: return ReadFixed<uint64_t>(p, end, b);
    case TypeId::kFloat32: return ReadFixed<float>(p, end, b);
    case TypeId::kFloat64: return ReadFixed<double>(p, end, b);
    case TypeId::kDecimal128: return ReadFixed<__int128>(p, end, b);
    case TypeId::kFixedSizeBinary: {
      const int w = type->byte_width();
      if (end - *p < w) return Truncated();
      static_cast<columnar::FixedSizeBinaryBuilder*>(b)->Append({reinterpret_cast<const char*>(*p), size_t(w)});
      *p += w;
      return base::Status::OK();
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      if (end - *p < 4) return Truncated();
      uint32_t len;
      std::memcpy(&len, *p, 4);
      *p += 4;
      if (static_cast<uint64_t>(end - *p) < len) return Truncated();
      if (!static_cast<columnar::BinaryBuilder*>(b)->Append({reinterpret_cast<const char*>(*p), len})) {
        return base::Status::ResourceExhausted("string column over 2 GiB");
      }
      *p += len;
      return base::Status::OK();
    }
    case TypeId::kStruct: {
      auto* sb = static_cast<columnar::StructBuilder*>(b);
      sb->Append();
      for (size_t f = 0; f < type->children().size(); ++f) {
        TIDE_RETURN_IF_ERROR(DecodeValue(type->children()[f]->type(), p, end, sb->child(static_cast<int>(f))));
      }
      return base::Status::OK();
    }
    case TypeId::kList:
    case TypeId::kMap: {
      if (end - *p < 4) return Truncated();
      uint32_t cnt;
      std::memcpy(&cnt, *p, 4);
      *p += 4;
      auto* lb = static_cast<columnar::ListBuilder*>(b);
      lb->Append();
      const auto& et = type->children()[0]->type();
      for (uint32_t k = 0; k < cnt; ++k) TIDE_RETURN_IF_ERROR(DecodeValue(et, p, end, lb->value_builder()));
      return base::Status::OK();
    }
  }
  return base::Status::Internal("unknown type in row decoder");
}

base::Status DecodeRow(std::string_view row, const std::vector<columnar::TypePtr>& types,
                       const std::vector<columnar::ArrayBuilder*>& builders) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(row.data());
  const uint8_t* end = p + row.size();
  for (size_t c = 0; c < types.size(); ++c) TIDE_RETURN_IF_ERROR(DecodeValue(types[c], &p, end, builders[c]));
  return base::Status::OK();
}

}  // namespace tide::exec::internal

#include "exec/operators/hash_table.h"

namespace tide::exec::internal {

namespace {
inline uint64_t Fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}
}  // namespace

uint64_t HashKeyBytes(const void* data, size_t len) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (len * 0xC2B2AE3D27D4EB4FULL);
  size_t n = len;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ (w * 0x87C37B91114253D5ULL)) * 0x4CF5AD432745937FULL;
    h = (h << 31) | (h >> 33);
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  if (n > 0) {
    if (len >= 8) {
      // The last 8 bytes (overlapping the previous word): a fixed-size load, no memcpy call.
      std::memcpy(&w, p + n - 8, 8);
    } else {
      for (size_t i = 0; i < n; ++i) w |= static_cast<uint64_t>(p[i]) << (8 * i);
    }
  }
  h ^= w * 0x52DCE729ULL + n;
  return Fmix64(h);
}

}  // namespace tide::exec::internal
