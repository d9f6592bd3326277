// Helpers shared by the aggregate and window state implementations.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "columnar/array.h"
#include "columnar/builder.h"

namespace tide::exec::internal {

inline bool HasNullBits(const columnar::ArrayData& a) {
  return a.null_count > 0 && !a.buffers.empty() && a.buffers[0] != nullptr;
}

// A fixed-width column from values and per-value validity bytes (nullptr: all valid).
template <typename T>
columnar::ArrayPtr MakeFixedColumn(const columnar::TypePtr& type, const T* values, int64_t n, const uint8_t* valid) {
  auto a = std::make_shared<columnar::ArrayData>();
  a->type = type;
  a->length = n;
  int64_t nulls = 0;
  if (valid != nullptr) {
    std::vector<uint8_t> bm(columnar::bits::BytesFor(n), 0);
    for (int64_t i = 0; i < n; ++i) {
      if (valid[i]) {
        columnar::bits::Set(bm.data(), i);
      } else {
        ++nulls;
      }
    }
    a->buffers.push_back(nulls > 0 ? columnar::Buffer::FromVector(std::move(bm)) : nullptr);
  } else {
    a->buffers.push_back(nullptr);
  }
  a->null_count = nulls;
  std::vector<uint8_t> bytes(static_cast<size_t>(n) * sizeof(T));
  if (n > 0) std::memcpy(bytes.data(), values, bytes.size());
  a->buffers.push_back(columnar::Buffer::FromVector(std::move(bytes)));
  return a;
}

inline columnar::ArrayPtr MakeBoolColumn(const uint8_t* values, int64_t n, const uint8_t* valid) {
  columnar::BooleanBuilder b;
  for (int64_t i = 0; i < n; ++i) {
    if (valid != nullptr && !valid[i]) {
      b.AppendNull();
    } else {
      b.Append(values[i] != 0);
    }
  }
  return b.Finish();
}

// Calls fn(const T* values) with the column's values at its offset, T its physical C type,
// for integral, date, time and timestamp columns; returns false for other types.
template <typename Fn>
bool VisitIntegral(const columnar::ArrayData& a, Fn&& fn) {
  using columnar::TypeId;
  const uint8_t* base = a.buffers.size() > 1 && a.buffers[1] ? a.buffers[1]->data() : nullptr;
  switch (a.type->id()) {
    case TypeId::kInt8: fn(reinterpret_cast<const int8_t*>(base) + a.offset); return true;
    case TypeId::kInt16: fn(reinterpret_cast<const int16_t*>(base) + a.offset); return true;
    case TypeId::kInt32:
    case TypeId::kDate32: fn(reinterpret_cast<const int32_t*>(base) + a.offset); return true;
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: fn(reinterpret_cast<const int64_t*>(base) + a.offset); return true;
    case TypeId::kUInt8: fn(reinterpret_cast<const uint8_t*>(base) + a.offset); return true;
    case TypeId::kUInt16: fn(reinterpret_cast<const uint16_t*>(base) + a.offset); return true;
    case TypeId::kUInt32: fn(reinterpret_cast<const uint32_t*>(base) + a.offset); return true;
    case TypeId::kUInt64: fn(reinterpret_cast<const uint64_t*>(base) + a.offset); return true;
    default: return false;
  }
}

// As VisitIntegral plus float, double and decimal (as __int128).
template <typename Fn>
bool VisitNumeric(const columnar::ArrayData& a, Fn&& fn) {
  using columnar::TypeId;
  const uint8_t* base = a.buffers.size() > 1 && a.buffers[1] ? a.buffers[1]->data() : nullptr;
  switch (a.type->id()) {
    case TypeId::kFloat32: fn(reinterpret_cast<const float*>(base) + a.offset); return true;
    case TypeId::kFloat64: fn(reinterpret_cast<const double*>(base) + a.offset); return true;
    case TypeId::kDecimal128: fn(reinterpret_cast<const __int128*>(base) + a.offset); return true;
    default: return VisitIntegral(a, fn);
  }
}

inline __int128 Pow10(int n) {
  __int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Rounds num / den half away from zero (den > 0).
inline __int128 DivRound(__int128 num, __int128 den) {
  __int128 q = num / den, r = num % den;
  if (r < 0) r = -r;
  if (2 * r >= den) q += num < 0 ? -1 : 1;
  return q;
}

}  // namespace tide::exec::internal
