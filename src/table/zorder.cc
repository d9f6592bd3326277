#include "table/zorder.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <climits>
#include <cstdint>
#include <numeric>

namespace tide::table {

using base::Result;
using base::Status;
using columnar::TypeId;

namespace {

uint64_t DoubleKey(double d) {
  if (d == 0) d = 0.0;  // -0.0 and 0.0 are equal
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  // IEEE total order: negative numbers have every bit flipped, positive ones the sign bit set.
  return (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
}

uint64_t SignedKey(int64_t v) { return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63); }

uint64_t PrefixKey(std::string_view s) {
  uint64_t k = 0;
  for (size_t i = 0; i < 8; ++i) k = (k << 8) | (i < s.size() ? static_cast<uint8_t>(s[i]) : 0);
  return k;
}

}  // namespace

Result<std::vector<uint64_t>> ZOrderColumnKeys(const columnar::ArrayData& a) {
  const TypeId id = a.type->id();
  if (a.type->IsNested() || id == TypeId::kNull) {
    return Status::InvalidArgument("Z-order: column type " + a.type->ToString() + " cannot be clustered");
  }
  std::vector<uint64_t> keys(static_cast<size_t>(a.length), 0);
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i)) continue;  // 0: nulls first
    uint64_t k = 0;
    switch (id) {
      case TypeId::kBoolean: k = a.BoolValue(i) ? 2 : 1; break;
      case TypeId::kInt8: k = SignedKey(a.Value<int8_t>(i)); break;
      case TypeId::kInt16: k = SignedKey(a.Value<int16_t>(i)); break;
      case TypeId::kInt32:
      case TypeId::kDate32: k = SignedKey(a.Value<int32_t>(i)); break;
      case TypeId::kInt64:
      case TypeId::kTime64:
      case TypeId::kTimestamp: k = SignedKey(a.Value<int64_t>(i)); break;
      case TypeId::kUInt8: k = a.Value<uint8_t>(i); break;
      case TypeId::kUInt16: k = a.Value<uint16_t>(i); break;
      case TypeId::kUInt32: k = a.Value<uint32_t>(i); break;
      case TypeId::kUInt64: k = a.Value<uint64_t>(i); break;
      case TypeId::kFloat32: k = DoubleKey(a.Value<float>(i)); break;
      case TypeId::kFloat64: k = DoubleKey(a.Value<double>(i)); break;
      case TypeId::kDecimal128: k = DoubleKey(static_cast<double>(a.Value<__int128>(i))); break;
      case TypeId::kString:
      case TypeId::kBinary:
      case TypeId::kFixedSizeBinary: k = PrefixKey(a.BytesValue(i)); break;
      default:
        return Status::InvalidArgument("Z-order: column type " + a.type->ToString() + " cannot be clustered");
    }
    keys[static_cast<size_t>(i)] = k == 0 ? 1 : k;
  }
  return keys;
}

std::vector<uint64_t> InterleaveBits(const std::vector<std::vector<uint64_t>>& keys, int bits_per_key) {
  const size_t k = keys.size();
  if (k == 0) return {};
  const size_t rows = keys[0].size();
  const size_t total = k * static_cast<size_t>(bits_per_key);
  const size_t words = (total + 63) / 64;
  std::vector<uint64_t> out(rows * words, 0);
  for (size_t r = 0; r < rows; ++r) {
    uint64_t* w = &out[r * words];
    size_t pos = 0;  // output bit, 0 = most significant bit of word 0
    for (int b = bits_per_key - 1; b >= 0; --b) {
      for (size_t c = 0; c < k; ++c, ++pos) {
        if ((keys[c][r] >> b) & 1) w[pos / 64] |= uint64_t{1} << (63 - pos % 64);
      }
    }
  }
  return out;
}

Result<std::vector<int64_t>> ZOrderPermutation(const std::vector<std::shared_ptr<columnar::RecordBatch>>& batches,
                                               const std::vector<std::string>& columns, const ZOrderOptions& options) {
  TIDE_ASSIGN_OR_RETURN(ZOrderSorted sorted, ZOrderSort(batches, columns, options));
  return std::move(sorted.permutation);
}

std::vector<int64_t> ZOrderCutPoints(const ZOrderSorted& sorted, int64_t rows_per_file) {
  const int64_t n = static_cast<int64_t>(sorted.permutation.size());
  rows_per_file = std::max<int64_t>(1, rows_per_file);
  std::vector<int64_t> cuts;
  // Bit position (0 = most significant) of the first difference between rows at p-1 and p.
  auto level = [&](int64_t p) -> size_t {
    const uint64_t* a = &sorted.keys[static_cast<size_t>(sorted.permutation[p - 1]) * sorted.words];
    const uint64_t* b = &sorted.keys[static_cast<size_t>(sorted.permutation[p]) * sorted.words];
    for (size_t w = 0; w < sorted.words; ++w) {
      if (a[w] != b[w]) return w * 64 + static_cast<size_t>(std::countl_zero(a[w] ^ b[w]));
    }
    return sorted.words * 64;  // equal keys: the worst place to cut
  };
  int64_t start = 0;
  while (n - start > rows_per_file + rows_per_file / 4) {
    const int64_t ideal = start + rows_per_file;
    const int64_t lo = std::max<int64_t>(start + 1, ideal - rows_per_file / 4);
    const int64_t hi = std::min<int64_t>(n - 1, ideal + rows_per_file / 4);
    int64_t best = ideal;
    size_t best_level = SIZE_MAX;
    for (int64_t p = lo; p <= hi; ++p) {
      const size_t l = sorted.words ? level(p) : 0;
      const int64_t dist = p > ideal ? p - ideal : ideal - p;
      const int64_t best_dist = best > ideal ? best - ideal : ideal - best;
      if (l < best_level || (l == best_level && dist < best_dist)) {
        best = p;
        best_level = l;
      }
    }
    cuts.push_back(best);
    start = best;
  }
  if (n > 0) cuts.push_back(n);
  return cuts;
}

Result<ZOrderSorted> ZOrderSort(const std::vector<std::shared_ptr<columnar::RecordBatch>>& batches,
                                const std::vector<std::string>& columns, const ZOrderOptions& options) {
  if (columns.empty()) return Status::InvalidArgument("Z-order: no columns given");
  int64_t rows = 0;
  for (const auto& b : batches) {
    if (!b->schema()->Equals(*batches[0]->schema())) {
      return Status::InvalidArgument("Z-order: batches have different schemas");
    }
    rows += b->num_rows();
  }
  ZOrderSorted out;
  std::vector<int64_t>& perm = out.permutation;
  perm.resize(static_cast<size_t>(rows));
  std::iota(perm.begin(), perm.end(), 0);
  if (batches.empty()) return out;
  const columnar::Schema& schema = *batches[0]->schema();
  std::vector<std::vector<uint64_t>> keys;
  for (const auto& name : columns) {
    const int idx = schema.FieldIndex(name);
    if (idx < 0) return Status::InvalidArgument("Z-order: unknown column '" + name + "' (columns: " + schema.ToString() + ")");
    std::vector<uint64_t> col;
    col.reserve(static_cast<size_t>(rows));
    for (const auto& b : batches) {
      auto k = ZOrderColumnKeys(*b->column(idx));
      if (!k.ok()) return Status::InvalidArgument("Z-order: column '" + name + "': " + k.status().message());
      col.insert(col.end(), k->begin(), k->end());
    }
    if (options.rank_normalize) {
      // Dense rank among the distinct keys, spread over 32 bits so every column carries the same
      // weight in the interleaved key however its values are distributed.
      std::vector<uint64_t> distinct = col;
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      const unsigned __int128 n = distinct.size();
      for (auto& v : col) {
        const uint64_t rank = static_cast<uint64_t>(std::lower_bound(distinct.begin(), distinct.end(), v) - distinct.begin());
        v = static_cast<uint64_t>((static_cast<unsigned __int128>(rank) << 32) / n);
      }
    }
    keys.push_back(std::move(col));
  }
  const int bits = options.rank_normalize ? 32 : 64;
  out.keys = InterleaveBits(keys, bits);
  const std::vector<uint64_t>& z = out.keys;
  const size_t words = (keys.size() * static_cast<size_t>(bits) + 63) / 64;
  out.words = words;
  std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
    const uint64_t* x = &z[static_cast<size_t>(a) * words];
    const uint64_t* y = &z[static_cast<size_t>(b) * words];
    for (size_t w = 0; w < words; ++w) {
      if (x[w] != y[w]) return x[w] < y[w];
    }
    return false;
  });
  return out;
}

}  // namespace tide::table
