// Comparison kernels (= <> < <= > >= <=>), IN, IS [NOT] NULL/TRUE/FALSE, greatest/least,
// nullif, nvl2, nanvl. Comparisons run one typed loop per (type, operator, literal side) and
// produce a selection directly when used as a filter.
#include <cmath>
#include <set>
#include <string>
#include <unordered_set>

#include "exec/functions/kernel_util.h"
#include "exec/functions/registry_internal.h"
#include "exec/vector_ops.h"

namespace tide::exec::fn {

namespace {

enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe };

Cmp Flip(Cmp c) {
  switch (c) {
    case Cmp::kLt: return Cmp::kGt;
    case Cmp::kLe: return Cmp::kGe;
    case Cmp::kGt: return Cmp::kLt;
    case Cmp::kGe: return Cmp::kLe;
    default: return c;
  }
}

// Ordering as Spark's: NaN equals NaN and sorts above every other value; -0.0 == 0.0.
template <typename T>
struct Ord {
  static bool Lt(const T& a, const T& b) { return a < b; }
  static bool Eq(const T& a, const T& b) { return a == b; }
};
template <typename F>
struct FloatOrd {
  static bool Lt(F a, F b) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
    return a < b;
  }
  static bool Eq(F a, F b) { return a == b || (std::isnan(a) && std::isnan(b)); }
};
template <>
struct Ord<float> : FloatOrd<float> {};
template <>
struct Ord<double> : FloatOrd<double> {};

template <typename T, Cmp C>
inline bool Apply(const T& a, const T& b) {
  using O = Ord<T>;
  if constexpr (C == Cmp::kEq) return O::Eq(a, b);
  if constexpr (C == Cmp::kNe) return !O::Eq(a, b);
  if constexpr (C == Cmp::kLt) return O::Lt(a, b);
  if constexpr (C == Cmp::kLe) return !O::Lt(b, a);
  if constexpr (C == Cmp::kGt) return O::Lt(b, a);
  if constexpr (C == Cmp::kGe) return !O::Lt(a, b);
  return false;
}

// Accessors: value i of a column (offset applied).
template <typename T>
struct FixedAcc {
  using V = T;
  const T* p;
  explicit FixedAcc(const ArrayData& a) : p(ValuesOf<T>(a)) {}
  T operator[](int64_t i) const { return p[i]; }
};
struct BoolAcc {
  using V = bool;
  const uint8_t* b;
  int64_t off;
  explicit BoolAcc(const ArrayData& a) : b(a.buffers[1]->data()), off(a.offset) {}
  bool operator[](int64_t i) const { return bits::Get(b, off + i); }
};
struct StrAcc {
  using V = std::string_view;
  const int32_t* o;
  const char* d;
  explicit StrAcc(const ArrayData& a)
      : o(a.buffers[1]->as<int32_t>() + a.offset), d(a.buffers.size() > 2 && a.buffers[2] ? a.buffers[2]->as<char>() : "") {}
  std::string_view operator[](int64_t i) const { return {d + o[i], static_cast<size_t>(o[i + 1] - o[i])}; }
};

inline void PackBit(uint8_t* out, int64_t i, bool v) { out[i >> 3] |= static_cast<uint8_t>(v) << (i & 7); }

// Compare loops. `scalar_b`: b is one value for every row.
template <typename Acc, Cmp C>
void CompareLoop(const Acc& a, const Acc& b, bool scalar_b, int64_t n, uint8_t* out) {
  using V = typename Acc::V;
  if (scalar_b) {
    const V bv = b[0];
    for (int64_t i = 0; i < n; ++i) PackBit(out, i, Apply<V, C>(a[i], bv));
  } else {
    for (int64_t i = 0; i < n; ++i) PackBit(out, i, Apply<V, C>(a[i], b[i]));
  }
}

template <typename Acc, Cmp C>
void SelectLoop(const Acc& a, const Acc& b, bool scalar_b, int64_t n, const uint8_t* valid, std::vector<int32_t>* out) {
  using V = typename Acc::V;
  const size_t start = out->size();
  out->resize(start + n);
  int32_t* o = out->data() + start;
  int64_t k = 0;
  if (scalar_b) {
    const V bv = b[0];
    for (int64_t i = 0; i < n; ++i) {
      o[k] = static_cast<int32_t>(i);
      k += Apply<V, C>(a[i], bv);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      o[k] = static_cast<int32_t>(i);
      k += Apply<V, C>(a[i], b[i]);
    }
  }
  if (valid != nullptr) {
    int64_t j = 0;
    for (int64_t x = 0; x < k; ++x) {
      if (bits::Get(valid, o[x])) o[j++] = o[x];
    }
    k = j;
  }
  out->resize(start + k);
}

class CompareKernelBase : public ScalarKernel {
 public:
  explicit CompareKernelBase(Cmp c) : cmp_(c) {}

  base::Result<ArrayPtr> Execute(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n) override {
    int64_t nulls = 0;
    BufferPtr validity = NullIntersection(args, n, &nulls);
    std::vector<uint8_t> out(bits::BytesFor(n), 0);
    if (nulls < n) Run(args, n, out.data(), nullptr, nullptr);
    return MakeArray(columnar::Boolean(), n, validity, nulls, Buffer::FromVector(std::move(out)));
  }

  base::Status Select(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n, std::vector<int32_t>* out) override {
    int64_t nulls = 0;
    BufferPtr validity = NullIntersection(args, n, &nulls);
    if (nulls == n) return base::Status::OK();
    Run(args, n, nullptr, validity ? validity->data() : nullptr, out);
    return base::Status::OK();
  }

 protected:
  // Either fills `bits_out` or appends selected rows to `sel` (skipping rows invalid in `valid`).
  virtual void Run(const std::vector<KernelArg>& args, int64_t n, uint8_t* bits_out, const uint8_t* valid,
                   std::vector<int32_t>* sel) = 0;
  Cmp cmp_;
};

template <typename Acc>
class TypedCompareKernel final : public CompareKernelBase {
 public:
  using CompareKernelBase::CompareKernelBase;

 protected:
  void Run(const std::vector<KernelArg>& args, int64_t n, uint8_t* bits_out, const uint8_t* valid,
           std::vector<int32_t>* sel) override {
    const KernelArg* a = &args[0];
    const KernelArg* b = &args[1];
    Cmp c = cmp_;
    if (a->scalar && !b->scalar) {
      std::swap(a, b);
      c = Flip(c);
    }
    Acc aa(a->data()), ba(b->data());
    if (a->scalar) {
      // Both constant: one comparison broadcast.
      bool v = Dispatch1(c, aa, ba, true);
      for (int64_t i = 0; i < n; ++i) {
        if (bits_out) {
          PackBit(bits_out, i, v);
        } else if (v && (valid == nullptr || bits::Get(valid, i))) {
          sel->push_back(static_cast<int32_t>(i));
        }
      }
      return;
    }
    switch (c) {
#define TIDE_CMP_CASE(K)                                             \
  case Cmp::K:                                                       \
    if (bits_out) {                                                  \
      CompareLoop<Acc, Cmp::K>(aa, ba, b->scalar, n, bits_out);      \
    } else {                                                         \
      SelectLoop<Acc, Cmp::K>(aa, ba, b->scalar, n, valid, sel);     \
    }                                                                \
    break;
      TIDE_CMP_CASE(kEq)
      TIDE_CMP_CASE(kNe)
      TIDE_CMP_CASE(kLt)
      TIDE_CMP_CASE(kLe)
      TIDE_CMP_CASE(kGt)
      TIDE_CMP_CASE(kGe)
#undef TIDE_CMP_CASE
    }
  }

 private:
  static bool Dispatch1(Cmp c, const Acc& a, const Acc& b, bool) {
    using V = typename Acc::V;
    switch (c) {
      case Cmp::kEq: return Apply<V, Cmp::kEq>(a[0], b[0]);
      case Cmp::kNe: return Apply<V, Cmp::kNe>(a[0], b[0]);
      case Cmp::kLt: return Apply<V, Cmp::kLt>(a[0], b[0]);
      case Cmp::kLe: return Apply<V, Cmp::kLe>(a[0], b[0]);
      case Cmp::kGt: return Apply<V, Cmp::kGt>(a[0], b[0]);
      case Cmp::kGe: return Apply<V, Cmp::kGe>(a[0], b[0]);
    }
    return false;
  }
};

// Nested and other layouts: CompareValues per row.
class GenericCompareKernel final : public CompareKernelBase {
 public:
  using CompareKernelBase::CompareKernelBase;

 protected:
  void Run(const std::vector<KernelArg>& args, int64_t n, uint8_t* bits_out, const uint8_t* valid,
           std::vector<int32_t>* sel) override {
    for (int64_t i = 0; i < n; ++i) {
      int c = CompareValues(args[0].data(), args[0].Row(i), args[1].data(), args[1].Row(i));
      bool v = false;
      switch (cmp_) {
        case Cmp::kEq: v = c == 0; break;
        case Cmp::kNe: v = c != 0; break;
        case Cmp::kLt: v = c < 0; break;
        case Cmp::kLe: v = c <= 0; break;
        case Cmp::kGt: v = c > 0; break;
        case Cmp::kGe: v = c >= 0; break;
      }
      if (bits_out) {
        PackBit(bits_out, i, v);
      } else if (v && (valid == nullptr || bits::Get(valid, i))) {
        sel->push_back(static_cast<int32_t>(i));
      }
    }
  }
};

std::unique_ptr<ScalarKernel> MakeCompareKernel(Cmp c, const columnar::DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8: return std::make_unique<TypedCompareKernel<FixedAcc<int8_t>>>(c);
    case TypeId::kInt16: return std::make_unique<TypedCompareKernel<FixedAcc<int16_t>>>(c);
    case TypeId::kInt32:
    case TypeId::kDate32: return std::make_unique<TypedCompareKernel<FixedAcc<int32_t>>>(c);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64: return std::make_unique<TypedCompareKernel<FixedAcc<int64_t>>>(c);
    case TypeId::kUInt8: return std::make_unique<TypedCompareKernel<FixedAcc<uint8_t>>>(c);
    case TypeId::kUInt16: return std::make_unique<TypedCompareKernel<FixedAcc<uint16_t>>>(c);
    case TypeId::kUInt32: return std::make_unique<TypedCompareKernel<FixedAcc<uint32_t>>>(c);
    case TypeId::kUInt64: return std::make_unique<TypedCompareKernel<FixedAcc<uint64_t>>>(c);
    case TypeId::kFloat32: return std::make_unique<TypedCompareKernel<FixedAcc<float>>>(c);
    case TypeId::kFloat64: return std::make_unique<TypedCompareKernel<FixedAcc<double>>>(c);
    case TypeId::kDecimal128: return std::make_unique<TypedCompareKernel<FixedAcc<__int128>>>(c);
    case TypeId::kBoolean: return std::make_unique<TypedCompareKernel<BoolAcc>>(c);
    case TypeId::kString:
    case TypeId::kBinary: return std::make_unique<TypedCompareKernel<StrAcc>>(c);
    default: return std::make_unique<GenericCompareKernel>(c);
  }
}

KernelFactory CompareFactory(Cmp c) {
  return [c](const sql::BoundExpr& call, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    return MakeCompareKernel(c, *call.args[0]->type);
  };
}

// a <=> b: never null.
base::Result<ArrayPtr> NullSafeEq(KernelContext&, const std::vector<KernelArg>& args, int64_t n) {
  std::vector<uint8_t> out(bits::BytesFor(n), 0);
  for (int64_t i = 0; i < n; ++i) {
    bool na = args[0].IsNull(i), nb = args[1].IsNull(i);
    bool v = (na || nb) ? (na && nb) : CompareValues(args[0].data(), args[0].Row(i), args[1].data(), args[1].Row(i)) == 0;
    PackBit(out.data(), i, v);
  }
  return MakeArray(columnar::Boolean(), n, nullptr, 0, Buffer::FromVector(std::move(out)));
}

enum class Truth { kIsNull, kIsNotNull, kIsTrue, kIsNotTrue, kIsFalse, kIsNotFalse };

KernelFunction TruthKernel(Truth t) {
  return [t](KernelContext&, const std::vector<KernelArg>& args, int64_t n) -> base::Result<ArrayPtr> {
    std::vector<uint8_t> out(bits::BytesFor(n), 0);
    const ArrayData& a = args[0].data();
    const bool is_bool = a.type->id() == TypeId::kBoolean;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = args[0].Row(i);
      const bool valid = a.IsValid(r);
      bool v = false;
      switch (t) {
        case Truth::kIsNull: v = !valid; break;
        case Truth::kIsNotNull: v = valid; break;
        case Truth::kIsTrue: v = valid && is_bool && a.BoolValue(r); break;
        case Truth::kIsNotTrue: v = !(valid && is_bool && a.BoolValue(r)); break;
        case Truth::kIsFalse: v = valid && is_bool && !a.BoolValue(r); break;
        case Truth::kIsNotFalse: v = !(valid && is_bool && !a.BoolValue(r)); break;
      }
      PackBit(out.data(), i, v);
    }
    return MakeArray(columnar::Boolean(), n, nullptr, 0, Buffer::FromVector(std::move(out)));
  };
}

// x IN (list): a hash set over constant lists of common layouts, else a scan of the list.
class InKernel final : public ScalarKernel {
 public:
  base::Result<ArrayPtr> Execute(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n) override {
    std::vector<uint8_t> values(bits::BytesFor(n), 0);
    std::vector<uint8_t> valid(bits::BytesFor(n), 0xFF);
    int64_t nulls = 0;
    bool all_scalar = true;
    for (size_t k = 1; k < args.size(); ++k) all_scalar = all_scalar && args[k].scalar;
    const ArrayData& x = args[0].data();
    if (all_scalar && Prepare(args)) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t r = args[0].Row(i);
        if (x.IsNull(r)) {
          bits::Clear(valid.data(), i);
          ++nulls;
          continue;
        }
        bool found = Contains(x, r);
        if (found) {
          PackBit(values.data(), i, true);
        } else if (list_has_null_) {
          bits::Clear(valid.data(), i);
          ++nulls;
        }
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t r = args[0].Row(i);
        if (x.IsNull(r)) {
          bits::Clear(valid.data(), i);
          ++nulls;
          continue;
        }
        bool found = false, saw_null = false;
        for (size_t k = 1; k < args.size() && !found; ++k) {
          if (args[k].IsNull(i)) {
            saw_null = true;
            continue;
          }
          found = CompareValues(x, r, args[k].data(), args[k].Row(i)) == 0;
        }
        if (found) {
          PackBit(values.data(), i, true);
        } else if (saw_null) {
          bits::Clear(valid.data(), i);
          ++nulls;
        }
      }
    }
    return MakeArray(columnar::Boolean(), n, nulls ? Buffer::FromVector(std::move(valid)) : nullptr, nulls,
                     Buffer::FromVector(std::move(values)));
  }

 private:
  enum class Kind { kNone, kInt, kString };
  static Kind KindOf(const columnar::DataType& t) {
    switch (t.id()) {
      case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64: case TypeId::kDate32:
      case TypeId::kTimestamp:
        return Kind::kInt;
      case TypeId::kString: case TypeId::kBinary:
        return Kind::kString;
      default:
        return Kind::kNone;
    }
  }
  static int64_t IntValue(const ArrayData& a, int64_t r) {
    switch (a.type->id()) {
      case TypeId::kInt8: return a.Value<int8_t>(r);
      case TypeId::kInt16: return a.Value<int16_t>(r);
      case TypeId::kInt32: case TypeId::kDate32: return a.Value<int32_t>(r);
      default: return a.Value<int64_t>(r);
    }
  }
  // Builds the set once (constant list); false when the layout has no fast path.
  bool Prepare(const std::vector<KernelArg>& args) {
    if (prepared_) return kind_ != Kind::kNone;
    prepared_ = true;
    kind_ = KindOf(*args[0].data().type);
    for (size_t k = 1; k < args.size(); ++k) {
      const ArrayData& v = args[k].data();
      if (v.IsNull(0)) {
        list_has_null_ = true;
        continue;
      }
      if (kind_ == Kind::kInt) ints_.insert(IntValue(v, 0));
      if (kind_ == Kind::kString) {
        storage_.emplace_back(v.BytesValue(0));
      }
    }
    // Views into storage_, which no longer changes.
    for (const auto& str : storage_) strings_.insert(std::string_view(str));
    return kind_ != Kind::kNone;
  }
  bool Contains(const ArrayData& x, int64_t r) const {
    if (kind_ == Kind::kInt) return ints_.count(IntValue(x, r)) > 0;
    return strings_.count(x.BytesValue(r)) > 0;
  }

  bool prepared_ = false;
  Kind kind_ = Kind::kNone;
  bool list_has_null_ = false;
  std::unordered_set<int64_t> ints_;
  std::vector<std::string> storage_;
  std::unordered_set<std::string_view> strings_;
};

// Picks, per row, value idx[i] (>= 0: row of the concatenation of `columns`; -1: null).
base::Result<ArrayPtr> Pick(const std::vector<ArrayPtr>& columns, const std::vector<int32_t>& idx) {
  TIDE_ASSIGN_OR_RETURN(ArrayPtr all, Concatenate(columns));
  return Take(*all, idx.data(), static_cast<int64_t>(idx.size()));
}

KernelFunction GreatestLeast(bool greatest) {
  return [greatest](KernelContext&, const std::vector<KernelArg>& args, int64_t n) -> base::Result<ArrayPtr> {
    std::vector<ArrayPtr> cols;
    for (const auto& a : args) cols.push_back(ArgColumn(a, n));
    std::vector<int32_t> idx(n, -1);
    for (int64_t i = 0; i < n; ++i) {
      int best = -1;
      for (size_t k = 0; k < cols.size(); ++k) {
        if (cols[k]->IsNull(i)) continue;
        if (best < 0) {
          best = static_cast<int>(k);
          continue;
        }
        int c = CompareValues(*cols[k], i, *cols[best], i);
        if (greatest ? c > 0 : c < 0) best = static_cast<int>(k);
      }
      if (best >= 0) idx[i] = static_cast<int32_t>(best * n + i);
    }
    return Pick(cols, idx);
  };
}

base::Result<ArrayPtr> NullIf(KernelContext&, const std::vector<KernelArg>& args, int64_t n) {
  ArrayPtr a = ArgColumn(args[0], n);
  std::vector<int32_t> idx(n);
  for (int64_t i = 0; i < n; ++i) {
    bool equal = !a->IsNull(i) && !args[1].IsNull(i) && CompareValues(*a, i, args[1].data(), args[1].Row(i)) == 0;
    idx[i] = equal ? -1 : static_cast<int32_t>(i);
  }
  return Take(*a, idx.data(), n);
}

base::Result<ArrayPtr> Nvl2(KernelContext&, const std::vector<KernelArg>& args, int64_t n) {
  std::vector<ArrayPtr> cols{ArgColumn(args[1], n), ArgColumn(args[2], n)};
  std::vector<int32_t> idx(n);
  for (int64_t i = 0; i < n; ++i) idx[i] = static_cast<int32_t>(args[0].IsNull(i) ? n + i : i);
  return Pick(cols, idx);
}

base::Result<ArrayPtr> Nanvl(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n) {
  return MapRowsFixed<double>(ctx, args, n, columnar::Float64(), [&](int64_t i, double* out, base::Status*) {
    if (args[0].IsNull(i)) return false;
    double a = ValAt<double>(args[0], i);
    if (!std::isnan(a)) {
      *out = a;
      return true;
    }
    if (args[1].IsNull(i)) return false;
    *out = ValAt<double>(args[1], i);
    return true;
  }, false);
}

}  // namespace

void RegisterCompareKernels(KernelRegistry* r) {
  r->Add("eq", CompareFactory(Cmp::kEq));
  r->Add("ne", CompareFactory(Cmp::kNe));
  r->Add("lt", CompareFactory(Cmp::kLt));
  r->Add("le", CompareFactory(Cmp::kLe));
  r->Add("gt", CompareFactory(Cmp::kGt));
  r->Add("ge", CompareFactory(Cmp::kGe));
  r->AddFn("null_safe_eq", NullSafeEq);
  r->AddFn("is_null", TruthKernel(Truth::kIsNull));
  r->AddFn("is_not_null", TruthKernel(Truth::kIsNotNull));
  r->AddFn("is_true", TruthKernel(Truth::kIsTrue));
  r->AddFn("is_not_true", TruthKernel(Truth::kIsNotTrue));
  r->AddFn("is_false", TruthKernel(Truth::kIsFalse));
  r->AddFn("is_not_false", TruthKernel(Truth::kIsNotFalse));
  r->Add("in", [](const sql::BoundExpr&, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    return std::make_unique<InKernel>();
  });
  r->AddFn("greatest", GreatestLeast(true));
  r->AddFn("least", GreatestLeast(false));
  r->AddFn("nullif", NullIf);
  r->AddFn("nvl2", Nvl2);
  r->AddFn("nanvl", Nanvl);
}

}  // namespace tide::exec::fn
