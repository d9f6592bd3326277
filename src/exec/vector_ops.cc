// Column kernels (vector_ops.h). Each kernel switches once per column on the physical
// layout and then runs a typed loop; nested layouts recurse into their children.
#include "exec/vector_ops.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <cstring>
#include <string>

namespace tide::exec {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::Buffer;
using columnar::BufferPtr;
using columnar::TypeId;
namespace bits = columnar::bits;

namespace {

bool HasValidity(const ArrayData& a) { return a.null_count > 0 && a.buffers.size() > 0 && a.buffers[0] != nullptr; }

// Validity of Take: bit i set when rows[i] >= 0 and src row valid. Returns null when all valid.
bool AnyNegative(const int32_t* rows, int64_t n) {
  int32_t acc = 0;
  for (int64_t i = 0; i < n; ++i) acc |= rows[i];  // sign bit set by any -1
  return acc < 0;
}

// An uninitialized buffer of `size` bytes: the caller writes every byte (a vector would
// zero-fill it first).
std::pair<BufferPtr, uint8_t*> NewBuffer(int64_t size) {
  std::shared_ptr<uint8_t> mem(new uint8_t[std::max<int64_t>(size, 1)], std::default_delete<uint8_t[]>());
  uint8_t* p = mem.get();
  return {Buffer::Wrap(p, size, std::move(mem)), p};
}

BufferPtr TakeValidity(const ArrayData& src, const int32_t* rows, int64_t n, bool any_neg, int64_t* null_count) {
  const bool src_nulls = HasValidity(src);
  *null_count = 0;
  if (!src_nulls && !any_neg) return nullptr;
  std::vector<uint8_t> bm(bits::BytesFor(n), 0);
  const uint8_t* sv = src_nulls ? src.buffers[0]->data() : nullptr;
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t r = rows[i];
    const bool valid = r >= 0 && (sv == nullptr || bits::Get(sv, src.offset + r));
    if (valid) {
      bits::Set(bm.data(), i);
    } else {
      ++nulls;
    }
  }
  *null_count = nulls;
  if (nulls == 0) return nullptr;
  return Buffer::FromVector(std::move(bm));
}

template <int W>
void TakeFixed(const uint8_t* src, int64_t src_offset, const int32_t* rows, int64_t n, uint8_t* out) {
  const uint8_t* base = src + src_offset * W;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t r = rows[i];
    if (r >= 0) {
      std::memcpy(out + i * W, base + static_cast<int64_t>(r) * W, W);
    } else {
      std::memset(out + i * W, 0, W);
    }
  }
}

// Every rows[i] >= 0: a typed gather without a branch per row.
template <typename T>
void TakeDense(const uint8_t* src, int64_t src_offset, const int32_t* rows, int64_t n, uint8_t* out) {
  // memcpy of a fixed size: plain loads and stores, valid for unaligned buffers too.
  const uint8_t* base = src + src_offset * static_cast<int64_t>(sizeof(T));
  for (int64_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, base + static_cast<int64_t>(rows[i]) * sizeof(T), sizeof(T));
    std::memcpy(out + i * sizeof(T), &v, sizeof(T));
  }
}

struct Bytes16 {
  uint64_t lo, hi;
};

void TakeFixedAny(const uint8_t* src, int64_t src_offset, int w, const int32_t* rows, int64_t n, bool any_neg,
                  uint8_t* out) {
  if (!any_neg) {
    switch (w) {
      case 1: return TakeDense<uint8_t>(src, src_offset, rows, n, out);
      case 2: return TakeDense<uint16_t>(src, src_offset, rows, n, out);
      case 4: return TakeDense<uint32_t>(src, src_offset, rows, n, out);
      case 8: return TakeDense<uint64_t>(src, src_offset, rows, n, out);
      case 16: return TakeDense<Bytes16>(src, src_offset, rows, n, out);
      default: break;
    }
  }
  switch (w) {
    case 1: return TakeFixed<1>(src, src_offset, rows, n, out);
    case 2: return TakeFixed<2>(src, src_offset, rows, n, out);
    case 4: return TakeFixed<4>(src, src_offset, rows, n, out);
    case 8: return TakeFixed<8>(src, src_offset, rows, n, out);
    case 16: return TakeFixed<16>(src, src_offset, rows, n, out);
    default: break;
  }
  const uint8_t* base = src + src_offset * w;
  for (int64_t i = 0; i < n; ++i) {
    if (rows[i] >= 0) {
      std::memcpy(out + i * w, base + static_cast<int64_t>(rows[i]) * w, w);
    } else {
      std::memset(out + i * w, 0, w);
    }
  }
}

// What one pass over a selection tells every column's take: whether it has -1 entries and
// whether it is mostly runs of consecutive rows (a filter that keeps most rows), which are
// then copied run by run instead of row by row.
struct Selection {
  bool any_neg = false;
  bool runs = false;
  std::vector<int32_t> starts;  // runs: where each maximal run of consecutive rows starts, then n
};

Selection Inspect(const int32_t* rows, int64_t n) {
  Selection s;
  s.any_neg = AnyNegative(rows, n);
  if (s.any_neg || n < 64) return s;
  int64_t breaks = 0;  // positions where a run of consecutive rows ends
  for (int64_t i = 1; i < n; ++i) breaks += rows[i] != rows[i - 1] + 1;
  // Runs of 16 rows on average or longer: a memcpy per run beats a load per row.
  s.runs = breaks * 16 <= n;
  if (s.runs) {
    s.starts.reserve(breaks + 2);
    s.starts.push_back(0);
    for (int64_t i = 1; i < n; ++i) {
      if (rows[i] != rows[i - 1] + 1) s.starts.push_back(static_cast<int32_t>(i));
    }
    s.starts.push_back(static_cast<int32_t>(n));
  }
  return s;
}

// Calls fn(i, j) for each maximal run rows[i..j) of consecutive row indexes.
template <typename Fn>
void ForEachRun(const Selection& sel, Fn&& fn) {
  for (size_t r = 0; r + 1 < sel.starts.size(); ++r) fn(sel.starts[r], sel.starts[r + 1]);
}

ArrayPtr TakeImpl(const ArrayData& src, const int32_t* rows, int64_t n, const Selection& sel);

}  // namespace

ArrayPtr Take(const ArrayData& src, const int32_t* rows, int64_t n) { return TakeImpl(src, rows, n, Inspect(rows, n)); }

namespace {

ArrayPtr TakeImpl(const ArrayData& src, const int32_t* rows, int64_t n, const Selection& sel) {
  const TypeId id = src.type->id();
  if (id == TypeId::kNull) return columnar::MakeNullArray(src.type, n);
  auto out = std::make_shared<ArrayData>();
  out->type = src.type;
  out->length = n;
  int64_t nulls = 0;
  const bool any_neg = sel.any_neg;
  BufferPtr validity = TakeValidity(src, rows, n, any_neg, &nulls);
  out->null_count = nulls;
  out->buffers.push_back(validity);
  switch (id) {
    case TypeId::kBoolean: {
      std::vector<uint8_t> v(bits::BytesFor(n), 0);
      const uint8_t* sv = src.buffers[1]->data();
      for (int64_t i = 0; i < n; ++i) {
        if (rows[i] >= 0 && bits::Get(sv, src.offset + rows[i])) bits::Set(v.data(), i);
      }
      out->buffers.push_back(Buffer::FromVector(std::move(v)));
      return out;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      const int32_t* so = src.buffers[1]->as<int32_t>() + src.offset;
      const uint8_t* sd = src.buffers.size() > 2 && src.buffers[2] ? src.buffers[2]->data() : nullptr;
      auto [offs_buf, offs_mem] = NewBuffer((n + 1) * 4);
      int32_t* offs = reinterpret_cast<int32_t*>(offs_mem);
      int64_t total = 0;
      if (sel.runs) {
        // Offsets rebased run by run, then one copy of each run's bytes.
        ForEachRun(sel, [&](int64_t i, int64_t j) {
          const int32_t* s0 = so + rows[i];
          const int32_t base = s0[0];
          const int32_t at = static_cast<int32_t>(total);
          for (int64_t k = i; k < j; ++k) offs[k] = s0[k - i] - base + at;
          total += s0[j - i] - base;
        });
        offs[n] = static_cast<int32_t>(total);
        auto [data_buf, data] = NewBuffer(total);
        ForEachRun(sel, [&, data = data](int64_t i, int64_t j) {
          const int32_t len = offs[j] - offs[i];
          if (len > 0) std::memcpy(data + offs[i], sd + so[rows[i]], len);
        });
        out->buffers.push_back(std::move(offs_buf));
        out->buffers.push_back(std::move(data_buf));
        return out;
      }
      if (any_neg) {
        for (int64_t i = 0; i < n; ++i) {
          offs[i] = static_cast<int32_t>(total);
          if (rows[i] >= 0) total += so[rows[i] + 1] - so[rows[i]];
        }
      } else {
        for (int64_t i = 0; i < n; ++i) {
          offs[i] = static_cast<int32_t>(total);
          total += so[rows[i] + 1] - so[rows[i]];
        }
      }
      offs[n] = static_cast<int32_t>(total);
      auto [data_buf, data] = NewBuffer(total);
      for (int64_t i = 0; i < n; ++i) {
        if (rows[i] < 0) continue;
        const int32_t b = so[rows[i]];
        const int32_t len = offs[i + 1] - offs[i];
        if (len > 0) std::memcpy(data + offs[i], sd + b, len);
      }
      out->buffers.push_back(std::move(offs_buf));
      out->buffers.push_back(std::move(data_buf));
      return out;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      const int32_t* so = src.buffers[1]->as<int32_t>() + src.offset;
      std::vector<uint8_t> offs_bytes((n + 1) * 4);
      int32_t* offs = reinterpret_cast<int32_t*>(offs_bytes.data());
      std::vector<int32_t> child_rows;
      for (int64_t i = 0; i < n; ++i) {
        offs[i] = static_cast<int32_t>(child_rows.size());
        if (rows[i] < 0) continue;
        for (int32_t k = so[rows[i]]; k < so[rows[i] + 1]; ++k) child_rows.push_back(k);
      }
      offs[n] = static_cast<int32_t>(child_rows.size());
      out->buffers.push_back(Buffer::FromVector(std::move(offs_bytes)));
      out->children.push_back(Take(*src.children[0], child_rows.data(), static_cast<int64_t>(child_rows.size())));
      return out;
    }
    case TypeId::kStruct: {
      // A struct's offset applies to its children.
      std::vector<int32_t> child_rows(rows, rows + n);
      if (src.offset != 0) {
        for (auto& r : child_rows) {
          if (r >= 0) r += static_cast<int32_t>(src.offset);
        }
      }
      for (const auto& c : src.children) out->children.push_back(Take(*c, child_rows.data(), n));
      return out;
    }
    default: {
      const int w = src.type->FixedWidth();
      auto [buf, mem] = NewBuffer(static_cast<int64_t>(n) * w);
      if (sel.runs) {
        const uint8_t* base = src.buffers[1]->data() + src.offset * w;
        ForEachRun(sel, [&, mem = mem](int64_t i, int64_t j) {
          std::memcpy(mem + i * w, base + static_cast<int64_t>(rows[i]) * w, static_cast<size_t>((j - i) * w));
        });
        out->buffers.push_back(std::move(buf));
        return out;
      }
      TakeFixedAny(src.buffers[1]->data(), src.offset, w, rows, n, any_neg, mem);
      out->buffers.push_back(std::move(buf));
      return out;
    }
  }
}

}  // namespace

std::shared_ptr<columnar::RecordBatch> TakeBatch(const columnar::RecordBatch& batch, const std::vector<int32_t>& rows) {
  std::vector<ArrayPtr> cols;
  cols.reserve(batch.num_columns());
  const int64_t n = static_cast<int64_t>(rows.size());
  const Selection sel = Inspect(rows.data(), n);
  for (const auto& c : batch.columns()) cols.push_back(TakeImpl(*c, rows.data(), n, sel));
  return std::make_shared<columnar::RecordBatch>(batch.schema(), std::move(cols), static_cast<int64_t>(rows.size()));
}

namespace {

ArrayPtr ConcatImpl(const columnar::TypePtr& type, const std::vector<const ArrayData*>& parts) {
  int64_t n = 0, nulls = 0;
  for (const auto* p : parts) {
    n += p->length;
    nulls += p->type->id() == TypeId::kNull ? p->length : p->null_count;
  }
  const TypeId id = type->id();
  if (id == TypeId::kNull) return columnar::MakeNullArray(type, n);
  auto out = std::make_shared<ArrayData>();
  out->type = type;
  out->length = n;
  out->null_count = nulls;
  if (nulls > 0) {
    std::vector<uint8_t> bm(bits::BytesFor(n), 0);
    int64_t pos = 0;
    for (const auto* p : parts) {
      if (HasValidity(*p)) {
        const uint8_t* sv = p->buffers[0]->data();
        for (int64_t i = 0; i < p->length; ++i) {
          if (bits::Get(sv, p->offset + i)) bits::Set(bm.data(), pos + i);
        }
      } else {
        for (int64_t i = 0; i < p->length; ++i) bits::Set(bm.data(), pos + i);
      }
      pos += p->length;
    }
    out->buffers.push_back(Buffer::FromVector(std::move(bm)));
  } else {
    out->buffers.push_back(nullptr);
  }
  switch (id) {
    case TypeId::kBoolean: {
      std::vector<uint8_t> v(bits::BytesFor(n), 0);
      int64_t pos = 0;
      for (const auto* p : parts) {
        const uint8_t* sv = p->buffers[1]->data();
        for (int64_t i = 0; i < p->length; ++i) {
          if (bits::Get(sv, p->offset + i)) bits::Set(v.data(), pos + i);
        }
        pos += p->length;
      }
      out->buffers.push_back(Buffer::FromVector(std::move(v)));
      return out;
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      std::vector<uint8_t> offs_bytes((n + 1) * 4);
      int32_t* offs = reinterpret_cast<int32_t*>(offs_bytes.data());
      int64_t total = 0;
      for (const auto* p : parts) {
        if (p->length == 0) continue;
        const int32_t* so = p->buffers[1]->as<int32_t>() + p->offset;
        total += so[p->length] - so[0];
      }
      std::vector<uint8_t> data(total);
      int64_t pos = 0, dpos = 0;
      for (const auto* p : parts) {
        if (p->length == 0) continue;
        const int32_t* so = p->buffers[1]->as<int32_t>() + p->offset;
        const int32_t base = so[0];
        for (int64_t i = 0; i < p->length; ++i) offs[pos + i] = static_cast<int32_t>(dpos + (so[i] - base));
        const int64_t len = so[p->length] - base;
        if (len > 0) std::memcpy(data.data() + dpos, p->buffers[2]->data() + base, len);
        dpos += len;
        pos += p->length;
      }
      offs[n] = static_cast<int32_t>(dpos);
      out->buffers.push_back(Buffer::FromVector(std::move(offs_bytes)));
      out->buffers.push_back(Buffer::FromVector(std::move(data)));
      return out;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      std::vector<uint8_t> offs_bytes((n + 1) * 4);
      int32_t* offs = reinterpret_cast<int32_t*>(offs_bytes.data());
      std::vector<ArrayPtr> child_slices;
      std::vector<const ArrayData*> child_parts;
      int64_t pos = 0, cpos = 0;
      for (const auto* p : parts) {
        if (p->length == 0) continue;
        const int32_t* so = p->buffers[1]->as<int32_t>() + p->offset;
        const int32_t base = so[0];
        for (int64_t i = 0; i < p->length; ++i) offs[pos + i] = static_cast<int32_t>(cpos + (so[i] - base));
        const int64_t len = so[p->length] - base;
        child_slices.push_back(p->children[0]->Slice(base, len));
        cpos += len;
        pos += p->length;
      }
      offs[n] = static_cast<int32_t>(cpos);
      for (const auto& c : child_slices) child_parts.push_back(c.get());
      out->buffers.push_back(Buffer::FromVector(std::move(offs_bytes)));
      out->children.push_back(ConcatImpl(type->children()[0]->type(), child_parts));
      return out;
    }
    case TypeId::kStruct: {
      for (size_t f = 0; f < type->children().size(); ++f) {
        std::vector<ArrayPtr> slices;
        std::vector<const ArrayData*> cp;
        for (const auto* p : parts) slices.push_back(p->children[f]->Slice(p->offset, p->length));
        for (const auto& s : slices) cp.push_back(s.get());
        out->children.push_back(ConcatImpl(type->children()[f]->type(), cp));
      }
      return out;
    }
    default: {
      const int w = type->FixedWidth();
      std::vector<uint8_t> v(static_cast<size_t>(n) * w);
      int64_t pos = 0;
      for (const auto* p : parts) {
        if (p->length > 0) std::memcpy(v.data() + pos * w, p->buffers[1]->data() + p->offset * w, p->length * w);
        pos += p->length;
      }
      out->buffers.push_back(Buffer::FromVector(std::move(v)));
      return out;
    }
  }
}

}  // namespace

base::Result<ArrayPtr> Concatenate(const std::vector<ArrayPtr>& parts) {
  if (parts.empty()) return base::Status::InvalidArgument("Concatenate needs at least one column");
  if (parts.size() == 1) return parts[0];
  std::vector<const ArrayData*> ps;
  int64_t total = 0;
  for (const auto& p : parts) {
    if (!p->type->Equals(*parts[0]->type)) {
      return base::Status::InvalidArgument("Concatenate: column of type " + p->type->ToString() + " after " +
                                           parts[0]->type->ToString());
    }
    total += p->length;
    ps.push_back(p.get());
  }
  if (total > INT32_MAX) return base::Status::ResourceExhausted("Concatenate: more than 2^31 rows in one column");
  return ConcatImpl(parts[0]->type, ps);
}

base::Result<std::shared_ptr<columnar::RecordBatch>> ConcatenateBatches(
    const std::shared_ptr<const columnar::Schema>& schema,
    const std::vector<std::shared_ptr<columnar::RecordBatch>>& parts) {
  int64_t rows = 0;
  for (const auto& p : parts) rows += p->num_rows();
  if (parts.size() == 1) return std::make_shared<columnar::RecordBatch>(schema, parts[0]->columns(), rows);
  std::vector<ArrayPtr> cols;
  for (int c = 0; c < schema->num_fields(); ++c) {
    if (parts.empty()) {
      cols.push_back(Take(*columnar::MakeNullArray(schema->field(c)->type(), 0), nullptr, 0));
      continue;
    }
    std::vector<ArrayPtr> col_parts;
    col_parts.reserve(parts.size());
    for (const auto& p : parts) {
      if (p->num_columns() != schema->num_fields()) {
        return base::Status::InvalidArgument("ConcatenateBatches: batch with " + std::to_string(p->num_columns()) +
                                             " columns, schema has " + std::to_string(schema->num_fields()));
      }
      col_parts.push_back(p->column(c));
    }
    TIDE_ASSIGN_OR_RETURN(ArrayPtr col, Concatenate(col_parts));
    cols.push_back(std::move(col));
  }
  return std::make_shared<columnar::RecordBatch>(schema, std::move(cols), rows);
}

ArrayPtr ValueAt(const ArrayData& src, int64_t i) {
  const int32_t row = static_cast<int32_t>(i);
  return Take(src, &row, 1);
}

namespace {

// Nulls inside nested values sort first.
int CompareNullable(const ArrayData& a, int64_t i, const ArrayData& b, int64_t j) {
  const bool va = a.IsValid(i), vb = b.IsValid(j);
  if (!va || !vb) return va == vb ? 0 : (va ? 1 : -1);
  return CompareValues(a, i, b, j);
}

}  // namespace

int CompareValues(const ArrayData& a, int64_t i, const ArrayData& b, int64_t j) {
  switch (a.type->id()) {
    case TypeId::kNull: return 0;
    case TypeId::kBoolean: return CompareScalars<int>(a.BoolValue(i), b.BoolValue(j));
    case TypeId::kInt8: return CompareScalars(a.Value<int8_t>(i), b.Value<int8_t>(j));
    case TypeId::kInt16: return CompareScalars(a.Value<int16_t>(i), b.Value<int16_t>(j));
    case TypeId::kInt32:
    case TypeId::kDate32: return CompareScalars(a.Value<int32_t>(i), b.Value<int32_t>(j));
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return CompareScalars(a.Value<int64_t>(i), b.Value<int64_t>(j));
    case TypeId::kUInt8: return CompareScalars(a.Value<uint8_t>(i), b.Value<uint8_t>(j));
    case TypeId::kUInt16: return CompareScalars(a.Value<uint16_t>(i), b.Value<uint16_t>(j));
    case TypeId::kUInt32: return CompareScalars(a.Value<uint32_t>(i), b.Value<uint32_t>(j));
    case TypeId::kUInt64: return CompareScalars(a.Value<uint64_t>(i), b.Value<uint64_t>(j));
    case TypeId::kFloat32: return CompareFloats(a.Value<float>(i), b.Value<float>(j));
    case TypeId::kFloat64: return CompareFloats(a.Value<double>(i), b.Value<double>(j));
    case TypeId::kDecimal128: return CompareScalars(a.Value<__int128>(i), b.Value<__int128>(j));
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixedSizeBinary: {
      const int c = a.BytesValue(i).compare(b.BytesValue(j));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeId::kStruct: {
      for (size_t f = 0; f < a.children.size(); ++f) {
        const int c = CompareNullable(*a.children[f], a.offset + i, *b.children[f], b.offset + j);
        if (c != 0) return c;
      }
      return 0;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      const int32_t ab = a.ListBegin(i), ae = a.ListEnd(i), bb = b.ListBegin(j), be = b.ListEnd(j);
      const int32_t n = std::min(ae - ab, be - bb);
      for (int32_t k = 0; k < n; ++k) {
        const int c = CompareNullable(*a.children[0], ab + k, *b.children[0], bb + k);
        if (c != 0) return c;
      }
      return CompareScalars(ae - ab, be - bb);
    }
  }
  return 0;
}

namespace {

constexpr uint64_t kNullHash = 0x2545F4914F6CDD1DULL;

inline uint64_t Fmix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

inline uint64_t Mix(uint64_t seed, uint64_t h) { return Fmix(seed * 0x9E3779B97F4A7C15ULL + h); }

inline uint64_t HashBytes(const uint8_t* p, size_t n) {
  uint64_t h = 0x27D4EB2F165667C5ULL ^ (n * 0x9E3779B97F4A7C15ULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ Fmix(w)) * 0x9FB21C651E98DF25ULL;
    h = (h << 27) | (h >> 37);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ Fmix(w ^ (static_cast<uint64_t>(n) << 56))) * 0x9FB21C651E98DF25ULL;
  }
  return Fmix(h);
}

template <typename T, typename Conv>
void HashFixed(const ArrayData& c, uint64_t* hashes, int64_t n, Conv conv) {
  const T* v = c.buffers[1]->as<T>() + c.offset;
  if (!HasValidity(c)) {
    for (int64_t i = 0; i < n; ++i) hashes[i] = Mix(hashes[i], Fmix(conv(v[i])));
    return;
  }
  const uint8_t* bm = c.buffers[0]->data();
  for (int64_t i = 0; i < n; ++i) {
    hashes[i] = Mix(hashes[i], bits::Get(bm, c.offset + i) ? Fmix(conv(v[i])) : kNullHash);
  }
}

inline uint64_t DoubleBits(double d) {
  if (d == 0.0) d = 0.0;  // -0.0 == 0.0
  if (std::isnan(d)) return 0x7ff8000000000000ULL;
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return u;
}

}  // namespace

void HashColumn(const ArrayData& c, uint64_t* hashes, int64_t n) {
  switch (c.type->id()) {
    case TypeId::kNull:
      for (int64_t i = 0; i < n; ++i) hashes[i] = Mix(hashes[i], kNullHash);
      return;
    case TypeId::kBoolean:
      for (int64_t i = 0; i < n; ++i) {
        hashes[i] = Mix(hashes[i], c.IsValid(i) ? Fmix(c.BoolValue(i) ? 2 : 1) : kNullHash);
      }
      return;
    case TypeId::kInt8: return HashFixed<int8_t>(c, hashes, n, [](int8_t v) { return static_cast<uint64_t>(v); });
    case TypeId::kInt16: return HashFixed<int16_t>(c, hashes, n, [](int16_t v) { return static_cast<uint64_t>(v); });
    case TypeId::kInt32:
    case TypeId::kDate32: return HashFixed<int32_t>(c, hashes, n, [](int32_t v) { return static_cast<uint64_t>(v); });
    case TypeId::kInt64:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
      return HashFixed<int64_t>(c, hashes, n, [](int64_t v) { return static_cast<uint64_t>(v); });
    case TypeId::kUInt8: return HashFixed<uint8_t>(c, hashes, n, [](uint8_t v) { return static_cast<uint64_t>(v); });
    case TypeId::kUInt16: return HashFixed<uint16_t>(c, hashes, n, [](uint16_t v) { return static_cast<uint64_t>(v); });
    case TypeId::kUInt32: return HashFixed<uint32_t>(c, hashes, n, [](uint32_t v) { return static_cast<uint64_t>(v); });
    case TypeId::kUInt64: return HashFixed<uint64_t>(c, hashes, n, [](uint64_t v) { return v; });
    case TypeId::kFloat32: return HashFixed<float>(c, hashes, n, [](float v) { return DoubleBits(v); });
    case TypeId::kFloat64: return HashFixed<double>(c, hashes, n, [](double v) { return DoubleBits(v); });
    case TypeId::kDecimal128:
      return HashFixed<__int128>(c, hashes, n, [](__int128 v) {
        const auto u = static_cast<unsigned __int128>(v);
        return static_cast<uint64_t>(u) ^ Fmix(static_cast<uint64_t>(u >> 64));
      });
    case TypeId::kString:
    case TypeId::kBinary: {
      const int32_t* so = c.buffers[1]->as<int32_t>() + c.offset;
      const uint8_t* sd = c.buffers.size() > 2 && c.buffers[2] ? c.buffers[2]->data() : nullptr;
      const bool nulls = HasValidity(c);
      for (int64_t i = 0; i < n; ++i) {
        if (nulls && !c.IsValid(i)) {
          hashes[i] = Mix(hashes[i], kNullHash);
        } else {
          hashes[i] = Mix(hashes[i], HashBytes(sd + so[i], static_cast<size_t>(so[i + 1] - so[i])));
        }
      }
      return;
    }
    case TypeId::kFixedSizeBinary:
      for (int64_t i = 0; i < n; ++i) {
        if (!c.IsValid(i)) {
          hashes[i] = Mix(hashes[i], kNullHash);
        } else {
          auto v = c.BytesValue(i);
          hashes[i] = Mix(hashes[i], HashBytes(reinterpret_cast<const uint8_t*>(v.data()), v.size()));
        }
      }
      return;
    case TypeId::kStruct: {
      std::vector<uint64_t> h(n, 0x51ED270B27E3B4A9ULL);
      for (const auto& child : c.children) {
        auto s = child->Slice(c.offset, n);
        HashColumn(*s, h.data(), n);
      }
      for (int64_t i = 0; i < n; ++i) hashes[i] = Mix(hashes[i], c.IsValid(i) ? h[i] : kNullHash);
      return;
    }
    case TypeId::kList:
    case TypeId::kMap: {
      const auto& child = *c.children[0];
      const int64_t cn = n == 0 ? 0 : c.ListEnd(n - 1) - c.ListBegin(0);
      const int32_t base = n == 0 ? 0 : c.ListBegin(0);
      std::vector<uint64_t> ch(cn, 0);
      if (cn > 0) {
        auto s = child.Slice(base, cn);
        HashColumn(*s, ch.data(), cn);
      }
      for (int64_t i = 0; i < n; ++i) {
        if (!c.IsValid(i)) {
          hashes[i] = Mix(hashes[i], kNullHash);
          continue;
        }
        uint64_t h = 0x3C6EF372FE94F82BULL;
        for (int32_t k = c.ListBegin(i); k < c.ListEnd(i); ++k) h = Mix(h, ch[k - base]);
        hashes[i] = Mix(hashes[i], h);
      }
      return;
    }
  }
}

}  // namespace tide::exec
