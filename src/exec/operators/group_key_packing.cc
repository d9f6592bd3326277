#include "exec/operators/group_key_packing.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

namespace tide::exec::internal {

using columnar::ArrayData;
using columnar::TypeId;

namespace {

// Value bits of a fixed-width key type, or 0 when it does not pack (strings are sized apart).
int FixedValueBits(const columnar::DataType& t) {
  switch (t.id()) {
    case TypeId::kBoolean: return 1;
    case TypeId::kInt8:
    case TypeId::kUInt8: return 8;
    case TypeId::kInt16:
    case TypeId::kUInt16: return 16;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kDate32: return 32;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return 64;
    case TypeId::kDecimal128: return t.precision() <= 18 ? 64 : 0;
    default: return 0;
  }
}

bool HasNullBits(const ArrayData& a) { return a.null_count > 0 && !a.buffers.empty() && a.buffers[0] != nullptr; }

// Shifts each key left by the column's field width and ors in the field. value(i, &bits)
// returns false for a valid row whose value does not pack.
template <typename ValueFn>
void AppendField(const ArrayData& a, const GroupKeyPacker::Column& col, int64_t n, PackedKey* keys, uint8_t* ok,
                 ValueFn value) {
  const bool nulls = HasNullBits(a);
  const int shift = col.value_bits + (col.nullable ? 1 : 0);
  const uint8_t* validity = nulls ? a.buffers[0]->data() : nullptr;
  for (int64_t i = 0; i < n; ++i) {
    PackedKey field = 0;
    const bool valid = validity == nullptr || columnar::bits::Get(validity, a.offset + i);
    if (valid) {
      PackedKey v;
      if (!value(i, &v)) {
        ok[i] = 0;
      } else {
        field = col.nullable ? ((v << 1) | 1) : v;
      }
    } else if (!col.nullable) {
      ok[i] = 0;  // a null where the plan promised none: the general path decides
    }
    keys[i] = (keys[i] << shift) | field;
  }
}

template <typename T>
const T* FixedValues(const ArrayData& a) {
  return reinterpret_cast<const T*>(a.buffers[1]->data()) + a.offset;
}

template <typename T>
void AppendFixed(const ArrayData& a, const GroupKeyPacker::Column& col, int64_t n, PackedKey* keys, uint8_t* ok) {
  using U = std::make_unsigned_t<T>;
  const T* v = FixedValues<T>(a);
  AppendField(a, col, n, keys, ok, [v](int64_t i, PackedKey* out) {
    *out = static_cast<U>(v[i]);
    return true;
  });
}

// Strings of at most 7 bytes in a column without nulls: one 8-byte load per row, no
// branches. Returns the rows it did (a prefix: the rows whose 8-byte load stays inside the
// data buffer).
int64_t AppendShortStringsDense(const int32_t* so, const uint8_t* sd, int64_t size, const GroupKeyPacker::Column& col,
                                int64_t n, PackedKey* keys, uint8_t* ok) {
  // Offsets ascend, so the rows whose load fits are a prefix.
  int64_t m = n;
  while (m > 0 && static_cast<int64_t>(so[m - 1]) + 8 > size) --m;
  if (m == 0) return 0;
  static constexpr uint64_t kMask[9] = {0,           0xFF,           0xFFFF,           0xFFFFFF,
                                        0xFFFFFFFF,  0xFFFFFFFFFF,   0xFFFFFFFFFFFF,   0xFFFFFFFFFFFFFF,
                                        ~uint64_t{0}};
  const int cap = col.string_cap;
  const int len_shift = 8 * cap;
  const int shift = col.value_bits + (col.nullable ? 1 : 0);
  const int valid_shift = col.nullable ? 1 : 0;
  const uint64_t valid_bit = col.nullable ? 1 : 0;
  for (int64_t i = 0; i < m; ++i) {
    const int32_t b = so[i];
    const uint32_t len = static_cast<uint32_t>(so[i + 1] - b);
    uint64_t w;
    std::memcpy(&w, sd + b, 8);
    const uint32_t l8 = len < 8 ? len : 8;
    ok[i] &= static_cast<uint8_t>(len <= static_cast<uint32_t>(cap));
    const uint64_t field = ((((static_cast<uint64_t>(l8) << len_shift) | (w & kMask[l8]))) << valid_shift) | valid_bit;
    keys[i] = (keys[i] << shift) | field;
  }
  return m;
}

void AppendString(const ArrayData& a, const GroupKeyPacker::Column& col, int64_t n, PackedKey* keys, uint8_t* ok,
                  bool try_dense = true) {
  const int32_t* so = a.buffers[1]->as<int32_t>() + a.offset;
  const bool has_data = a.buffers.size() > 2 && a.buffers[2] != nullptr;
  const uint8_t* sd = has_data ? a.buffers[2]->data() : nullptr;
  const int64_t size = has_data ? a.buffers[2]->size() : 0;
  const int cap = col.string_cap;
  const int len_shift = 8 * cap;
  if (try_dense && cap <= 7 && !HasNullBits(a) && has_data) {
    const int64_t done = AppendShortStringsDense(so, sd, size, col, n, keys, ok);
    if (done == n) return;
    // The last rows (near the end of the data buffer) the careful way.
    ArrayData rest = a;
    rest.offset += done;
    rest.length -= done;
    return AppendString(rest, col, n - done, keys + done, ok + done, false);
  }
  AppendField(a, col, n, keys, ok, [=](int64_t i, PackedKey* out) {
    const int64_t b = so[i];
    const int64_t len = so[i + 1] - b;
    if (len > cap || len < 0) return false;
    PackedKey bytes = 0;
    if (len > 0) {
      if (len <= 8 && b + 8 <= size) {
        // One fixed-size load, the bytes past the string masked off.
        uint64_t w;
        std::memcpy(&w, sd + b, 8);
        if (len < 8) w &= (uint64_t{1} << (8 * len)) - 1;
        bytes = w;
      } else if (b + 16 <= size) {
        uint64_t w[2];
        std::memcpy(w, sd + b, 16);
        bytes = (static_cast<PackedKey>(w[1]) << 64) | w[0];
        if (len < 16) bytes &= (static_cast<PackedKey>(1) << (8 * len)) - 1;
      } else {
        uint8_t tmp[16] = {};
        std::memcpy(tmp, sd + b, static_cast<size_t>(len));
        uint64_t w[2];
        std::memcpy(w, tmp, 16);
        bytes = (static_cast<PackedKey>(w[1]) << 64) | w[0];
      }
    }
    *out = (static_cast<PackedKey>(len) << len_shift) | bytes;
    return true;
  });
}

}  // namespace

std::unique_ptr<GroupKeyPacker> GroupKeyPacker::Make(const std::vector<columnar::TypePtr>& types,
                                                     const std::vector<bool>& nullable) {
  if (types.empty() || types.size() != nullable.size()) return nullptr;
  auto p = std::make_unique<GroupKeyPacker>();
  int fixed_bits = 0;
  int strings = 0;
  for (size_t i = 0; i < types.size(); ++i) {
    Column c;
    c.id = types[i]->id();
    c.nullable = nullable[i];
    if (c.id == TypeId::kString || c.id == TypeId::kBinary) {
      ++strings;
      fixed_bits += c.nullable ? 1 : 0;
    } else {
      c.value_bits = FixedValueBits(*types[i]);
      if (c.value_bits == 0) return nullptr;
      fixed_bits += c.value_bits + (c.nullable ? 1 : 0);
    }
    p->columns_.push_back(c);
  }
  if (fixed_bits > 128) return nullptr;
  if (strings > 0) {
    // The bits left shared evenly; each string takes 4 length bits and whole bytes.
    const int per = (128 - fixed_bits) / strings;
    const int cap = std::min(15, (per - 4) / 8);
    if (cap < 1) return nullptr;
    for (auto& c : p->columns_) {
      if (c.id == TypeId::kString || c.id == TypeId::kBinary) {
        c.string_cap = cap;
        c.value_bits = 4 + 8 * cap;
      }
    }
  }
  return p;
}

int64_t GroupKeyPacker::Pack(const std::vector<const ArrayData*>& columns, int64_t begin, int64_t n,
                             std::vector<PackedKey>* keys, std::vector<uint8_t>* ok) const {
  keys->assign(n, 0);
  ok->assign(n, 1);
  PackedKey* k = keys->data();
  uint8_t* o = ok->data();
  for (size_t c = 0; c < columns_.size(); ++c) {
    ArrayData view = *columns[c];  // rows [begin, begin + n) as rows [0, n)
    view.offset += begin;
    view.length = n;
    const ArrayData& a = view;
    const Column& col = columns_[c];
    switch (col.id) {
      case TypeId::kBoolean: {
        const uint8_t* bv = a.buffers[1]->data();
        AppendField(a, col, n, k, o, [bv, off = a.offset](int64_t i, PackedKey* out) {
          *out = columnar::bits::Get(bv, off + i) ? 1 : 0;
          return true;
        });
        break;
      }
      case TypeId::kInt8: AppendFixed<int8_t>(a, col, n, k, o); break;
      case TypeId::kUInt8: AppendFixed<uint8_t>(a, col, n, k, o); break;
      case TypeId::kInt16: AppendFixed<int16_t>(a, col, n, k, o); break;
      case TypeId::kUInt16: AppendFixed<uint16_t>(a, col, n, k, o); break;
      case TypeId::kInt32:
      case TypeId::kDate32: AppendFixed<int32_t>(a, col, n, k, o); break;
      case TypeId::kUInt32: AppendFixed<uint32_t>(a, col, n, k, o); break;
      case TypeId::kInt64:
      case TypeId::kTime64:
      case TypeId::kTimestamp: AppendFixed<int64_t>(a, col, n, k, o); break;
      case TypeId::kUInt64: AppendFixed<uint64_t>(a, col, n, k, o); break;
      case TypeId::kDecimal128: {
        const uint8_t* base = a.buffers[1]->data() + a.offset * 16;
        AppendField(a, col, n, k, o, [base](int64_t i, PackedKey* out) {
          __int128 v;
          std::memcpy(&v, base + i * 16, 16);
          const int64_t lo = static_cast<int64_t>(v);
          *out = static_cast<uint64_t>(lo);
          return static_cast<__int128>(lo) == v;
        });
        break;
      }
      case TypeId::kString:
      case TypeId::kBinary: AppendString(a, col, n, k, o); break;
      default: std::fill(o, o + n, 0); break;  // not reached: Make refuses these types
    }
  }
  int64_t packed = 0;
  for (int64_t i = 0; i < n; ++i) packed += o[i];
  return packed;
}

}  // namespace tide::exec::internal
