// Arrays, maps and structs. Results are assembled from element indexes into their source
// columns and gathered with one Take, so every element type (nested included) works the same.
#include <algorithm>
#include <numeric>

#include "exec/functions/kernel_util.h"
#include "exec/functions/registry_internal.h"
#include "exec/vector_ops.h"

namespace tide::exec::fn {

base::Result<ArrayPtr> ConcatStrings(KernelContext& c, const std::vector<KernelArg>& a, int64_t n);   // strings.cc
base::Result<ArrayPtr> ReverseStrings(KernelContext& c, const std::vector<KernelArg>& a, int64_t n);  // strings.cc

namespace {

using Args = std::vector<KernelArg>;

// Builds a list column row by row from indexes into one source column (-1: a null element).
class ListAssembler {
 public:
  explicit ListAssembler(int64_t n) : valid_(n) { offsets_.reserve(n + 1); offsets_.push_back(0); }
  void Add(int32_t source_index) { idx_.push_back(source_index); }
  void EndRow() { offsets_.push_back(static_cast<int32_t>(idx_.size())); }
  void NullRow() {
    valid_.Clear(static_cast<int64_t>(offsets_.size()) - 1);
    offsets_.push_back(static_cast<int32_t>(idx_.size()));
  }
  base::Result<ArrayPtr> Finish(const TypePtr& list_type, const ArrayData& source) {
    auto out = std::make_shared<ArrayData>();
    const int64_t n = static_cast<int64_t>(offsets_.size()) - 1;
    out->type = list_type;
    out->length = n;
    out->null_count = valid_.nulls();
    std::vector<uint8_t> off(offsets_.size() * sizeof(int32_t));
    std::memcpy(off.data(), offsets_.data(), off.size());
    out->buffers = {valid_.Finish(), Buffer::FromVector(std::move(off))};
    ArrayPtr child = Take(source, idx_.data(), static_cast<int64_t>(idx_.size()));
    if (list_type->id() == TypeId::kList && !child->type->Equals(*list_type->children()[0]->type())) {
      auto c = std::make_shared<ArrayData>(*child);
      c->type = list_type->children()[0]->type();
      child = c;
    }
    out->children = {child};
    return ArrayPtr(out);
  }

 private:
  std::vector<int32_t> offsets_;
  std::vector<int32_t> idx_;
  BitmapOut valid_;
};

const ArrayData& Elements(const ArrayData& list) { return *list.children[0]; }

int Cmp(const ArrayData& a, int64_t i, const ArrayData& b, int64_t j) {
  const bool na = a.IsNull(i), nb = b.IsNull(j);
  if (na || nb) return na == nb ? 0 : (na ? -1 : 1);
  return CompareValues(a, i, b, j);
}

// The element type's column of the concatenation of the args' element columns, with the
// starting position of each arg's elements.
base::Result<ArrayPtr> ConcatElements(const Args& a, std::vector<int32_t>* base) {
  std::vector<ArrayPtr> parts;
  int32_t total = 0;
  for (const auto& x : a) {
    base->push_back(total);
    parts.push_back(x.data().children[0]);
    total += static_cast<int32_t>(x.data().children[0]->length);
  }
  return Concatenate(parts);
}

// ---- constructors

base::Result<ArrayPtr> ArrayCtor(KernelContext& ctx, const Args& a, int64_t n) {
  const TypePtr& type = ctx.call->type;
  const TypePtr& elem = type->children()[0]->type();
  ListAssembler out(n);
  if (a.empty()) {
    for (int64_t i = 0; i < n; ++i) out.EndRow();
    return out.Finish(type, *columnar::MakeNullArray(elem, 0));
  }
  std::vector<ArrayPtr> cols;
  for (const auto& x : a) cols.push_back(ArgColumn(x, n));
  TIDE_ASSIGN_OR_RETURN(ArrayPtr all, Concatenate(cols));
  for (int64_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < a.size(); ++k) out.Add(static_cast<int32_t>(k * n + i));
    out.EndRow();
  }
  return out.Finish(type, *all);
}

// A map column from per-row entry indexes into key and value source columns.
base::Result<ArrayPtr> BuildMap(const TypePtr& map_type, int64_t n, const std::vector<int32_t>& offsets,
                                const BitmapOut* valid, int64_t nulls, const std::vector<int32_t>& key_idx,
                                const std::vector<int32_t>& value_idx, const ArrayData& keys, const ArrayData& values) {
  const int64_t m = static_cast<int64_t>(key_idx.size());
  auto entries = std::make_shared<ArrayData>();
  entries->type = map_type->children()[0]->type();
  entries->length = m;
  entries->buffers = {nullptr};
  ArrayPtr k = Take(keys, key_idx.data(), m);
  ArrayPtr v = Take(values, value_idx.data(), m);
  auto retype = [](ArrayPtr x, const TypePtr& t) {
    if (x->type->Equals(*t)) return x;
    auto c = std::make_shared<ArrayData>(*x);
    c->type = t;
    return ArrayPtr(c);
  };
  entries->children = {retype(k, map_type->map_key()->type()), retype(v, map_type->map_value()->type())};
  auto out = std::make_shared<ArrayData>();
  out->type = map_type;
  out->length = n;
  std::vector<uint8_t> off(offsets.size() * sizeof(int32_t));
  std::memcpy(off.data(), offsets.data(), off.size());
  BufferPtr validity;
  if (valid != nullptr && nulls > 0) {
    validity = const_cast<BitmapOut*>(valid)->Finish();
    out->null_count = nulls;
  }
  out->buffers = {validity, Buffer::FromVector(std::move(off))};
  out->children = {ArrayPtr(entries)};
  return ArrayPtr(out);
}

base::Result<ArrayPtr> MapCtor(KernelContext& ctx, const Args& a, int64_t n) {
  const size_t pairs = a.size() / 2;
  std::vector<ArrayPtr> keys, values;
  for (size_t p = 0; p < pairs; ++p) {
    keys.push_back(ArgColumn(a[2 * p], n));
    values.push_back(ArgColumn(a[2 * p + 1], n));
  }
  const TypePtr& type = ctx.call->type;
  ArrayPtr all_k = keys.empty() ? columnar::MakeNullArray(type->map_key()->type(), 0) : nullptr;
  ArrayPtr all_v = values.empty() ? columnar::MakeNullArray(type->map_value()->type(), 0) : nullptr;
  if (!keys.empty()) {
    TIDE_ASSIGN_OR_RETURN(all_k, Concatenate(keys));
    TIDE_ASSIGN_OR_RETURN(all_v, Concatenate(values));
  }
  std::vector<int32_t> offsets{0}, ki, vi;
  for (int64_t i = 0; i < n; ++i) {
    for (size_t p = 0; p < pairs; ++p) {
      const int32_t at = static_cast<int32_t>(p * n + i);
      if (all_k->IsNull(at)) return ctx.Error("map key cannot be null");
      // Duplicate keys: the last value wins (Spark's LAST_WIN policy).
      bool dup = false;
      for (size_t e = offsets.back(); e < ki.size(); ++e) {
        if (Cmp(*all_k, ki[e], *all_k, at) == 0) {
          vi[e] = at;
          dup = true;
          break;
        }
      }
      if (!dup) {
        ki.push_back(at);
        vi.push_back(at);
      }
    }
    offsets.push_back(static_cast<int32_t>(ki.size()));
  }
  return BuildMap(type, n, offsets, nullptr, 0, ki, vi, *all_k, *all_v);
}

base::Result<ArrayPtr> StructFromColumns(const TypePtr& type, std::vector<ArrayPtr> cols, int64_t n) {
  auto out = std::make_shared<ArrayData>();
  out->type = type;
  out->length = n;
  out->buffers = {nullptr};
  for (size_t k = 0; k < cols.size(); ++k) {
    ArrayPtr c = cols[k];
    const TypePtr& ft = type->children()[k]->type();
    if (!c->type->Equals(*ft)) {
      auto r = std::make_shared<ArrayData>(*c);
      r->type = ft;
      c = r;
    }
    out->children.push_back(c);
  }
  return ArrayPtr(out);
}

base::Result<ArrayPtr> NamedStruct(KernelContext& ctx, const Args& a, int64_t n) {
  std::vector<ArrayPtr> cols;
  for (size_t k = 1; k < a.size(); k += 2) cols.push_back(ArgColumn(a[k], n));
  return StructFromColumns(ctx.call->type, std::move(cols), n);
}

base::Result<ArrayPtr> StructCtor(KernelContext& ctx, const Args& a, int64_t n) {
  std::vector<ArrayPtr> cols;
  for (const auto& x : a) cols.push_back(ArgColumn(x, n));
  return StructFromColumns(ctx.call->type, std::move(cols), n);
}

// ---- access

enum class IndexMode { kOneBased, kZeroBased, kTry };

KernelFunction ElementAt(IndexMode mode) {
  return [mode](KernelContext& ctx, const Args& a, int64_t n) -> base::Result<ArrayPtr> {
    const ArrayData& c = a[0].data();
    std::vector<int32_t> idx(n, -1);
    if (c.type->id() == TypeId::kMap) {
      const ArrayData& entries = *c.children[0];
      const ArrayData& keys = *entries.children[0];
      for (int64_t i = 0; i < n; ++i) {
        if (a[0].IsNull(i) || a[1].IsNull(i)) continue;
        const int64_t r = a[0].Row(i);
        for (int32_t e = c.ListBegin(r); e < c.ListEnd(r); ++e) {
          if (CompareValues(keys, entries.offset + e, a[1].data(), a[1].Row(i)) == 0) idx[i] = static_cast<int32_t>(entries.offset + e);
        }
      }
      return Take(*entries.children[1], idx.data(), n);
    }
    for (int64_t i = 0; i < n; ++i) {
      if (a[0].IsNull(i) || a[1].IsNull(i)) continue;
      const int64_t r = a[0].Row(i);
      const int32_t begin = c.ListBegin(r), len = c.ListEnd(r) - begin;
      int64_t k = ValAt<int32_t>(a[1], i);
      int64_t pos;
      if (mode == IndexMode::kZeroBased) {
        pos = k;
      } else {
        if (k == 0) return ctx.Error("SQL array indices start at 1");
        pos = k > 0 ? k - 1 : len + k;
      }
      if (pos < 0 || pos >= len) {
        if (ctx.ansi && mode != IndexMode::kTry) {
          return ctx.Error("array index " + std::to_string(k) + " is out of bounds for an array of " + std::to_string(len) +
                           " elements");
        }
        continue;
      }
      idx[i] = begin + static_cast<int32_t>(pos);
    }
    return Take(Elements(c), idx.data(), n);
  };
}

base::Result<ArrayPtr> GetField(KernelContext& ctx, const Args& a, int64_t n) {
  const ArrayData& s = a[0].data();
  std::string name(StrAt(a[1], 0));
  int field = -1;
  const auto& fields = s.type->children();
  for (size_t k = 0; k < fields.size(); ++k) {
    if (fields[k]->name() == name) field = static_cast<int>(k);
  }
  for (size_t k = 0; k < fields.size() && field < 0; ++k) {
    const std::string& f = fields[k]->name();
    if (f.size() == name.size() && std::equal(f.begin(), f.end(), name.begin(), [](char x, char y) {
          return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
        })) {
      field = static_cast<int>(k);
    }
  }
  if (field < 0) return ctx.Error("no field '" + name + "' in " + s.type->ToString());
  std::vector<int32_t> idx(n);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = a[0].Row(i);
    idx[i] = s.IsNull(r) ? -1 : static_cast<int32_t>(s.offset + r);
  }
  return Take(*s.children[field], idx.data(), n);
}

// size: null for a null input, or -1 outside ANSI mode (Spark's legacy sizeOfNull).
base::Result<ArrayPtr> Size(KernelContext& ctx, const Args& a, int64_t n) {
  const bool minus_one = ctx.legacy();
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    if (a[0].IsNull(i)) {
      *out = -1;
      return minus_one;
    }
    const int64_t r = a[0].Row(i);
    *out = a[0].data().ListEnd(r) - a[0].data().ListBegin(r);
    return true;
  }, false);
}

// ---- search

// array_contains / array_position / arrays_overlap share the element scan.
base::Result<ArrayPtr> ArrayContains(KernelContext& ctx, const Args& a, int64_t n) {
  const ArrayData& c = a[0].data();
  const ArrayData& e = Elements(c);
  return MapRowsBool(ctx, a, n, [&](int64_t i, bool* out, base::Status*) {
    const int64_t r = a[0].Row(i);
    bool saw_null = false;
    for (int32_t k = c.ListBegin(r); k < c.ListEnd(r); ++k) {
      if (e.IsNull(k)) {
        saw_null = true;
        continue;
      }
      if (CompareValues(e, k, a[1].data(), a[1].Row(i)) == 0) {
        *out = true;
        return true;
      }
    }
    *out = false;
    return !saw_null;
  });
}

base::Result<ArrayPtr> ArrayPosition(KernelContext& ctx, const Args& a, int64_t n) {
  const ArrayData& c = a[0].data();
  const ArrayData& e = Elements(c);
  return MapRowsFixed<int64_t>(ctx, a, n, columnar::Int64(), [&](int64_t i, int64_t* out, base::Status*) {
    const int64_t r = a[0].Row(i);
    *out = 0;
    for (int32_t k = c.ListBegin(r); k < c.ListEnd(r); ++k) {
      if (!e.IsNull(k) && CompareValues(e, k, a[1].data(), a[1].Row(i)) == 0) {
        *out = k - c.ListBegin(r) + 1;
        break;
      }
    }
    return true;
  });
}

base::Result<ArrayPtr> ArraysOverlap(KernelContext& ctx, const Args& a, int64_t n) {
  const ArrayData &x = a[0].data(), &y = a[1].data();
  const ArrayData &ex = Elements(x), &ey = Elements(y);
  return MapRowsBool(ctx, a, n, [&](int64_t i, bool* out, base::Status*) {
    const int64_t rx = a[0].Row(i), ry = a[1].Row(i);
    bool saw_null = false;
    for (int32_t p = x.ListBegin(rx); p < x.ListEnd(rx); ++p) {
      if (ex.IsNull(p)) {
        saw_null = true;
        continue;
      }
      for (int32_t q = y.ListBegin(ry); q < y.ListEnd(ry); ++q) {
        if (ey.IsNull(q)) {
          saw_null = true;
          continue;
        }
        if (CompareValues(ex, p, ey, q) == 0) {
          *out = true;
          return true;
        }
      }
    }
    *out = false;
    const bool both_nonempty = x.ListEnd(rx) > x.ListBegin(rx) && y.ListEnd(ry) > y.ListBegin(ry);
    return !(saw_null && both_nonempty);
  });
}

// ---- set-like and reshaping functions over one source of elements

enum class ArrayOp { kDistinct, kUnion, kIntersect, kExcept, kRemove, kAppend, kCompact, kReverse, kConcat, kFlatten };

base::Result<ArrayPtr> ArrayTransform(ArrayOp op, KernelContext& ctx, const Args& a, int64_t n) {
  const TypePtr& type = ctx.call->type;
  ListAssembler out(n);
  if (op == ArrayOp::kAppend || op == ArrayOp::kRemove) {
    const ArrayData& c = a[0].data();
    ArrayPtr value = ArgColumn(a[1], n);
    std::vector<ArrayPtr> parts{c.children[0], value};
    TIDE_ASSIGN_OR_RETURN(ArrayPtr src, Concatenate(parts));
    const int32_t vbase = static_cast<int32_t>(c.children[0]->length);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = a[0].Row(i);
      if (c.IsNull(r) || (op == ArrayOp::kRemove && value->IsNull(i))) {
        out.NullRow();
        continue;
      }
      for (int32_t k = c.ListBegin(r); k < c.ListEnd(r); ++k) {
        if (op == ArrayOp::kRemove && !src->IsNull(k) && CompareValues(*src, k, *value, i) == 0) continue;
        out.Add(k);
      }
      if (op == ArrayOp::kAppend) out.Add(vbase + static_cast<int32_t>(i));
      out.EndRow();
    }
    return out.Finish(type, *src);
  }
  if (op == ArrayOp::kFlatten) {
    const ArrayData& c = a[0].data();
    const ArrayData& inner = Elements(c);
    const ArrayData& leaf = Elements(inner);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = a[0].Row(i);
      bool null = c.IsNull(r);
      for (int32_t k = c.ListBegin(r); k < c.ListEnd(r) && !null; ++k) null = inner.IsNull(k);
      if (null) {
        out.NullRow();
        continue;
      }
      for (int32_t k = c.ListBegin(r); k < c.ListEnd(r); ++k) {
        for (int32_t j = inner.ListBegin(k); j < inner.ListEnd(k); ++j) out.Add(j);
      }
      out.EndRow();
    }
    return out.Finish(type, leaf);
  }
  std::vector<int32_t> base;
  TIDE_ASSIGN_OR_RETURN(ArrayPtr src, ConcatElements(a, &base));
  std::vector<int32_t> row;
  for (int64_t i = 0; i < n; ++i) {
    bool any_null = false;
    for (const auto& x : a) any_null = any_null || x.IsNull(i);
    if (any_null) {
      out.NullRow();
      continue;
    }
    auto range = [&](size_t k, int32_t* b, int32_t* e) {
      const ArrayData& c = a[k].data();
      const int64_t r = a[k].Row(i);
      *b = base[k] + c.ListBegin(r);
      *e = base[k] + c.ListEnd(r);
    };
    auto contains = [&](const std::vector<int32_t>& v, int32_t x) {
      for (int32_t y : v) {
        if (Cmp(*src, y, *src, x) == 0) return true;
      }
      return false;
    };
    row.clear();
    int32_t b0, e0;
    range(0, &b0, &e0);
    switch (op) {
      case ArrayOp::kDistinct:
      case ArrayOp::kUnion:
        for (size_t k = 0; k < a.size(); ++k) {
          int32_t b, e;
          range(k, &b, &e);
          for (int32_t x = b; x < e; ++x) {
            if (!contains(row, x)) row.push_back(x);
          }
        }
        break;
      case ArrayOp::kIntersect:
      case ArrayOp::kExcept: {
        int32_t b1, e1;
        range(1, &b1, &e1);
        std::vector<int32_t> other;
        for (int32_t x = b1; x < e1; ++x) other.push_back(x);
        for (int32_t x = b0; x < e0; ++x) {
          bool in_other = contains(other, x);
          if ((op == ArrayOp::kIntersect) == in_other && !contains(row, x)) row.push_back(x);
        }
        break;
      }
      case ArrayOp::kCompact:
        for (int32_t x = b0; x < e0; ++x) {
          if (!src->IsNull(x)) row.push_back(x);
        }
        break;
      case ArrayOp::kReverse:
        for (int32_t x = e0 - 1; x >= b0; --x) row.push_back(x);
        break;
      case ArrayOp::kConcat:
        for (size_t k = 0; k < a.size(); ++k) {
          int32_t b, e;
          range(k, &b, &e);
          for (int32_t x = b; x < e; ++x) row.push_back(x);
        }
        break;
      default:
        break;
    }
    for (int32_t x : row) out.Add(x);
    out.EndRow();
  }
  return out.Finish(type, *src);
}

KernelFunction Transform(ArrayOp op) {
  return [op](KernelContext& ctx, const Args& a, int64_t n) { return ArrayTransform(op, ctx, a, n); };
}

base::Result<ArrayPtr> ConcatKernel(KernelContext& ctx, const Args& a, int64_t n) {
  if (ctx.call->type->id() == TypeId::kList) return ArrayTransform(ArrayOp::kConcat, ctx, a, n);
  return ConcatStrings(ctx, a, n);
}

base::Result<ArrayPtr> ReverseKernel(KernelContext& ctx, const Args& a, int64_t n) {
  if (ctx.call->type->id() == TypeId::kList) return ArrayTransform(ArrayOp::kReverse, ctx, a, n);
  return ReverseStrings(ctx, a, n);
}

// sort_array(arr [, asc]): nulls first ascending, last descending; array_sort: ascending,
// nulls last.
KernelFunction SortArray(bool array_sort) {
  return [array_sort](KernelContext& ctx, const Args& a, int64_t n) -> base::Result<ArrayPtr> {
    const ArrayData& c = a[0].data();
    const ArrayData& e = Elements(c);
    ListAssembler out(n);
    std::vector<int32_t> row;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = a[0].Row(i);
      if (c.IsNull(r) || (a.size() > 1 && a[1].IsNull(i))) {
        out.NullRow();
        continue;
      }
      const bool asc = a.size() > 1 ? a[1].data().BoolValue(a[1].Row(i)) : true;
      const bool nulls_first = array_sort ? false : asc;
      row.clear();
      for (int32_t k = c.ListBegin(r); k < c.ListEnd(r); ++k) row.push_back(k);
      std::stable_sort(row.begin(), row.end(), [&](int32_t x, int32_t y) {
        const bool nx = e.IsNull(x), ny = e.IsNull(y);
        if (nx || ny) return nx != ny && (nulls_first ? nx : ny);
        int cmp = CompareValues(e, x, e, y);
        return asc ? cmp < 0 : cmp > 0;
      });
      for (int32_t x : row) out.Add(x);
      out.EndRow();
    }
    return out.Finish(ctx.call->type, e);
  };
}

KernelFunction ArrayExtreme(bool max) {
  return [max](KernelContext& ctx, const Args& a, int64_t n) -> base::Result<ArrayPtr> {
    const ArrayData& c = a[0].data();
    const ArrayData& e = Elements(c);
    std::vector<int32_t> idx(n, -1);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = a[0].Row(i);
      if (c.IsNull(r)) continue;
      for (int32_t k = c.ListBegin(r); k < c.ListEnd(r); ++k) {
        if (e.IsNull(k)) continue;
        if (idx[i] < 0) {
          idx[i] = k;
          continue;
        }
        int cmp = CompareValues(e, k, e, idx[i]);
        if (max ? cmp > 0 : cmp < 0) idx[i] = k;
      }
    }
    return Take(e, idx.data(), n);
  };
}

base::Result<ArrayPtr> Slice(KernelContext& ctx, const Args& a, int64_t n) {
  const ArrayData& c = a[0].data();
  ListAssembler out(n);
  for (int64_t i = 0; i < n; ++i) {
    if (!AllValid(a, i)) {
      out.NullRow();
      continue;
    }
    const int64_t r = a[0].Row(i);
    const int32_t begin = c.ListBegin(r), len = c.ListEnd(r) - begin;
    int64_t start = ValAt<int32_t>(a[1], i), count = ValAt<int32_t>(a[2], i);
    if (start == 0) return ctx.Error("slice start must not be 0 (indices start at 1)");
    if (count < 0) return ctx.Error("slice length must not be negative, got " + std::to_string(count));
    int64_t from = start > 0 ? start - 1 : len + start;
    if (from < 0) from = 0;
    for (int64_t k = from; k < std::min<int64_t>(len, from + count); ++k) out.Add(begin + static_cast<int32_t>(k));
    out.EndRow();
  }
  return out.Finish(ctx.call->type, Elements(c));
}

base::Result<ArrayPtr> ArrayJoin(KernelContext& ctx, const Args& a, int64_t n) {
  const ArrayData& c = a[0].data();
  const ArrayData& e = Elements(c);
  return MapRowsString(ctx, {a[0], a[1]}, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status*) {
    const int64_t r = a[0].Row(i);
    std::string_view sep = StrAt(a[1], i);
    bool first = true;
    for (int32_t k = c.ListBegin(r); k < c.ListEnd(r); ++k) {
      std::string_view v;
      if (e.IsNull(k)) {
        if (a.size() < 3 || a[2].IsNull(i)) continue;
        v = StrAt(a[2], i);
      } else {
        v = e.BytesValue(k);
      }
      if (!first) out->append(sep);
      out->append(v);
      first = false;
    }
    return true;
  });
}

template <typename T>
base::Result<ArrayPtr> SequenceT(KernelContext& ctx, const Args& a, int64_t n) {
  auto builder = columnar::MakeBuilder(ctx.call->type);
  auto* list = static_cast<columnar::ListBuilder*>(builder.get());
  auto* values = static_cast<columnar::NumericBuilder<T>*>(list->value_builder());
  for (int64_t i = 0; i < n; ++i) {
    if (!AllValid(a, i)) {
      list->AppendNull();
      continue;
    }
    const int64_t start = ValAt<T>(a[0], i), stop = ValAt<T>(a[1], i);
    const int64_t step = a.size() > 2 ? ValAt<T>(a[2], i) : (start <= stop ? 1 : -1);
    if (step == 0 || (step > 0 && start > stop) || (step < 0 && start < stop)) {
      if (start == stop) {
        list->Append();
        values->Append(static_cast<T>(start));
        continue;
      }
      return ctx.Error("sequence step " + std::to_string(step) + " cannot go from " + std::to_string(start) + " to " +
                       std::to_string(stop));
    }
    const __int128 count = (static_cast<__int128>(stop) - start) / step + 1;
    if (count > (1 << 24)) return ctx.Error("sequence of " + std::to_string(static_cast<int64_t>(count)) + " elements is too long");
    list->Append();
    for (__int128 k = 0; k < count; ++k) values->Append(static_cast<T>(start + k * step));
  }
  return list->Finish();
}

base::Result<ArrayPtr> Sequence(KernelContext& ctx, const Args& a, int64_t n) {
  if (ctx.call->args[0]->type->id() == TypeId::kInt64) return SequenceT<int64_t>(ctx, a, n);
  return SequenceT<int32_t>(ctx, a, n);
}

base::Result<ArrayPtr> ArraysZip(KernelContext& ctx, const Args& a, int64_t n) {
  const TypePtr& type = ctx.call->type;
  const TypePtr& st = type->children()[0]->type();
  std::vector<std::vector<int32_t>> idx(a.size());
  std::vector<int32_t> offsets{0};
  BitmapOut valid(n);
  int32_t total = 0;
  for (int64_t i = 0; i < n; ++i) {
    bool null = false;
    for (const auto& x : a) null = null || x.IsNull(i);
    if (null) {
      valid.Clear(i);
      offsets.push_back(total);
      continue;
    }
    int32_t len = 0;
    for (const auto& x : a) len = std::max(len, x.data().ListEnd(x.Row(i)) - x.data().ListBegin(x.Row(i)));
    for (size_t k = 0; k < a.size(); ++k) {
      const ArrayData& c = a[k].data();
      const int64_t r = a[k].Row(i);
      for (int32_t j = 0; j < len; ++j) idx[k].push_back(c.ListBegin(r) + j < c.ListEnd(r) ? c.ListBegin(r) + j : -1);
    }
    total += len;
    offsets.push_back(total);
  }
  std::vector<ArrayPtr> fields;
  for (size_t k = 0; k < a.size(); ++k) fields.push_back(Take(Elements(a[k].data()), idx[k].data(), total));
  TIDE_ASSIGN_OR_RETURN(ArrayPtr structs, StructFromColumns(st, std::move(fields), total));
  auto out = std::make_shared<ArrayData>();
  out->type = type;
  out->length = n;
  out->null_count = valid.nulls();
  std::vector<uint8_t> off(offsets.size() * sizeof(int32_t));
  std::memcpy(off.data(), offsets.data(), off.size());
  out->buffers = {valid.Finish(), Buffer::FromVector(std::move(off))};
  out->children = {structs};
  return ArrayPtr(out);
}

base::Result<ArrayPtr> ArrayRepeat(KernelContext& ctx, const Args& a, int64_t n) {
  ArrayPtr v = ArgColumn(a[0], n);
  ListAssembler out(n);
  for (int64_t i = 0; i < n; ++i) {
    if (a[1].IsNull(i)) {
      out.NullRow();
      continue;
    }
    int32_t k = ValAt<int32_t>(a[1], i);
    if (k > (1 << 24)) return ctx.Error("array_repeat count " + std::to_string(k) + " is too large");
    for (int32_t j = 0; j < k; ++j) out.Add(static_cast<int32_t>(i));
    out.EndRow();
  }
  return out.Finish(ctx.call->type, *v);
}

enum class MapPart { kKeys, kValues, kEntries };

KernelFunction MapParts(MapPart part) {
  return [part](KernelContext& ctx, const Args& a, int64_t n) -> base::Result<ArrayPtr> {
    const ArrayData& m = a[0].data();
    const ArrayData& entries = *m.children[0];
    ListAssembler out(n);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = a[0].Row(i);
      if (m.IsNull(r)) {
        out.NullRow();
        continue;
      }
      for (int32_t e = m.ListBegin(r); e < m.ListEnd(r); ++e) out.Add(static_cast<int32_t>(entries.offset + e));
      out.EndRow();
    }
    const ArrayData& source = part == MapPart::kKeys     ? *entries.children[0]
                              : part == MapPart::kValues ? *entries.children[1]
                                                         : entries;
    // Struct children are in the struct's physical coordinates: gather from an offset-0 view.
    if (part == MapPart::kEntries) {
      auto view = std::make_shared<ArrayData>(entries);
      view->length = entries.offset + entries.length;
      view->offset = 0;
      return out.Finish(ctx.call->type, *view);
    }
    return out.Finish(ctx.call->type, source);
  };
}

base::Result<ArrayPtr> MapContainsKey(KernelContext& ctx, const Args& a, int64_t n) {
  const ArrayData& m = a[0].data();
  const ArrayData& entries = *m.children[0];
  return MapRowsBool(ctx, a, n, [&](int64_t i, bool* out, base::Status*) {
    const int64_t r = a[0].Row(i);
    *out = false;
    for (int32_t e = m.ListBegin(r); e < m.ListEnd(r) && !*out; ++e) {
      *out = CompareValues(*entries.children[0], entries.offset + e, a[1].data(), a[1].Row(i)) == 0;
    }
    return true;
  });
}

base::Result<ArrayPtr> MapFromArrays(KernelContext& ctx, const Args& a, int64_t n) {
  const ArrayData &k = a[0].data(), &v = a[1].data();
  std::vector<int32_t> offsets{0}, ki, vi;
  BitmapOut valid(n);
  for (int64_t i = 0; i < n; ++i) {
    if (!AllValid(a, i)) {
      valid.Clear(i);
      offsets.push_back(static_cast<int32_t>(ki.size()));
      continue;
    }
    const int64_t rk = a[0].Row(i), rv = a[1].Row(i);
    const int32_t lk = k.ListEnd(rk) - k.ListBegin(rk), lv = v.ListEnd(rv) - v.ListBegin(rv);
    if (lk != lv) return ctx.Error("map_from_arrays needs arrays of equal length, got " + std::to_string(lk) + " and " + std::to_string(lv));
    for (int32_t j = 0; j < lk; ++j) {
      if (Elements(k).IsNull(k.ListBegin(rk) + j)) return ctx.Error("map key cannot be null");
      ki.push_back(k.ListBegin(rk) + j);
      vi.push_back(v.ListBegin(rv) + j);
    }
    offsets.push_back(static_cast<int32_t>(ki.size()));
  }
  const int64_t nulls = valid.nulls();
  return BuildMap(ctx.call->type, n, offsets, &valid, nulls, ki, vi, Elements(k), Elements(v));
}

base::Result<ArrayPtr> StrToMap(KernelContext& ctx, const Args& a, int64_t n) {
  columnar::BinaryBuilder keys(columnar::Utf8()), values(columnar::Utf8());
  std::vector<int32_t> offsets{0}, ki, vi;
  BitmapOut valid(n);
  int32_t count = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (!AllValid(a, i)) {
      valid.Clear(i);
      offsets.push_back(static_cast<int32_t>(ki.size()));
      continue;
    }
    std::string_view s = StrAt(a[0], i);
    std::string_view pd = a.size() > 1 ? StrAt(a[1], i) : ",";
    std::string_view kd = a.size() > 2 ? StrAt(a[2], i) : ":";
    size_t p = 0;
    while (true) {
      size_t q = pd.empty() ? std::string_view::npos : s.find(pd, p);
      std::string_view pair = s.substr(p, q == std::string_view::npos ? std::string_view::npos : q - p);
      size_t c = kd.empty() ? std::string_view::npos : pair.find(kd);
      std::string_view key = pair.substr(0, c);
      keys.Append(key);
      if (c == std::string_view::npos) {
        values.AppendNull();
      } else {
        values.Append(pair.substr(c + kd.size()));
      }
      ki.push_back(count);
      vi.push_back(count);
      ++count;
      if (q == std::string_view::npos) break;
      p = q + pd.size();
    }
    offsets.push_back(static_cast<int32_t>(ki.size()));
  }
  ArrayPtr k = keys.Finish(), v = values.Finish();
  const int64_t nulls = valid.nulls();
  return BuildMap(ctx.call->type, n, offsets, &valid, nulls, ki, vi, *k, *v);
}

}  // namespace

void RegisterCollectionKernels(KernelRegistry* r) {
  r->AddFn("array", ArrayCtor);
  r->AddFn("map", MapCtor);
  r->AddFn("named_struct", NamedStruct);
  r->AddFn("struct", StructCtor);
  r->AddFn("element_at", ElementAt(IndexMode::kOneBased));
  r->AddFn("try_element_at", ElementAt(IndexMode::kTry));
  r->AddFn("element_at_subscript", ElementAt(IndexMode::kZeroBased));
  r->AddFn("get_field", GetField);
  r->AddFn("size", Size);
  r->AddFn("array_contains", ArrayContains);
  r->AddFn("array_position", ArrayPosition);
  r->AddFn("arrays_overlap", ArraysOverlap);
  r->AddFn("array_distinct", Transform(ArrayOp::kDistinct));
  r->AddFn("array_union", Transform(ArrayOp::kUnion));
  r->AddFn("array_intersect", Transform(ArrayOp::kIntersect));
  r->AddFn("array_except", Transform(ArrayOp::kExcept));
  r->AddFn("array_remove", Transform(ArrayOp::kRemove));
  r->AddFn("array_append", Transform(ArrayOp::kAppend));
  r->AddFn("array_compact", Transform(ArrayOp::kCompact));
  r->AddFn("flatten", Transform(ArrayOp::kFlatten));
  r->AddFn("concat", ConcatKernel);
  r->AddFn("reverse", ReverseKernel);
  r->AddFn("sort_array", SortArray(false));
  r->AddFn("array_sort", SortArray(true));
  r->AddFn("array_max", ArrayExtreme(true));
  r->AddFn("array_min", ArrayExtreme(false));
  r->AddFn("slice", Slice);
  r->AddFn("array_join", ArrayJoin);
  r->AddFn("sequence", Sequence);
  r->AddFn("arrays_zip", ArraysZip);
  r->AddFn("array_repeat", ArrayRepeat);
  r->AddFn("map_keys", MapParts(MapPart::kKeys));
  r->AddFn("map_values", MapParts(MapPart::kValues));
  r->AddFn("map_entries", MapParts(MapPart::kEntries));
  r->AddFn("map_contains_key", MapContainsKey);
  r->AddFn("map_from_arrays", MapFromArrays);
  r->AddFn("str_to_map", StrToMap);
}

}  // namespace tide::exec::fn
