// count, sum, avg, min, max, bool_and/bool_or, count_if, variance family.
#include <cmath>
#include <limits>
#include <string>

#include "exec/aggregates/agg_util.h"
#include "exec/aggregates/aggregate.h"
#include "exec/aggregates/aggregate_internal.h"
#include "exec/vector_ops.h"

namespace tide::exec::internal {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::TypeId;

namespace {

// Whether every arg of row i is non-null.
inline bool AllValid(const std::vector<const ArrayData*>& args, int64_t i) {
  for (const ArrayData* a : args) {
    if (!a->IsValid(i)) return false;
  }
  return true;
}

class CountAgg final : public GroupedAggregate {
 public:
  explicit CountAgg(bool star) : star_(star) {}
  void Resize(int64_t n) override { counts_.resize(n, 0); }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    int64_t* c = counts_.data();
    bool any_nulls = false;
    for (const ArrayData* a : args) any_nulls |= HasNullBits(*a) || a->type->id() == TypeId::kNull;
    if (star_ || !any_nulls) {
      for (int64_t i = 0; i < n; ++i) {
        if (g[i] != kSkipRow) ++c[g[i]];
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        if (g[i] != kSkipRow && AllValid(args, i)) ++c[g[i]];
      }
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<CountAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      counts_[mi] += other.counts_[i];
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    counts_.resize(n, 0);
    return MakeFixedColumn<int64_t>(columnar::Int64(), counts_.data(), n, nullptr);
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(counts_.capacity() * 8); }

 private:
  bool star_;
  std::vector<int64_t> counts_;
};

class CountIfAgg final : public GroupedAggregate {
 public:
  void Resize(int64_t n) override { counts_.resize(n, 0); }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    for (int64_t i = 0; i < n; ++i) {
      if (g[i] != kSkipRow && a.IsValid(i) && a.BoolValue(i)) ++counts_[g[i]];
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<CountIfAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      counts_[mi] += other.counts_[i];
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    counts_.resize(n, 0);
    return MakeFixedColumn<int64_t>(columnar::Int64(), counts_.data(), n, nullptr);
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(counts_.capacity() * 8); }

 private:
  std::vector<int64_t> counts_;
};

// Integer sum into int64 (Spark: sum of integral types is BIGINT).
class SumIntAgg final : public GroupedAggregate {
 public:
  SumIntAgg(bool ansi, std::string sql) : ansi_(ansi), sql_(std::move(sql)) {}
  void Resize(int64_t n) override {
    sums_.resize(n, 0);
    has_.resize(n, 0);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    const bool nulls = HasNullBits(a);
    bool overflow = false;
    int64_t* s = sums_.data();
    uint8_t* h = has_.data();
    VisitIntegral(a, [&](const auto* v) {
      for (int64_t i = 0; i < n; ++i) {
        const uint32_t gi = g[i];
        if (gi == kSkipRow || (nulls && !a.IsValid(i))) continue;
        int64_t r;
        overflow |= __builtin_add_overflow(s[gi], static_cast<int64_t>(v[i]), &r);
        s[gi] = r;
        h[gi] = 1;
      }
    });
    if (overflow && ansi_) return Overflow();
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<SumIntAgg&>(o);
    bool overflow = false;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (!other.has_[i]) continue;
      int64_t r;
      overflow |= __builtin_add_overflow(sums_[mi], other.sums_[i], &r);
      sums_[mi] = r;
      has_[mi] = 1;
    }
    if (overflow && ansi_) return Overflow();
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    return MakeFixedColumn<int64_t>(columnar::Int64(), sums_.data(), n, has_.data());
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(sums_.capacity() * 9); }

 private:
  base::Status Overflow() const {
    return base::Status::InvalidArgument("integer overflow in '" + sql_ +
                                         "' (use try_sum or set spark.sql.ansi.enabled=false)");
  }
  bool ansi_;
  std::string sql_;
  std::vector<int64_t> sums_;
  std::vector<uint8_t> has_;
};

// Floating sum (and sums of anything else cast to double).
class SumDoubleAgg final : public GroupedAggregate {
 public:
  explicit SumDoubleAgg(columnar::TypePtr type) : type_(std::move(type)) {}
  void Resize(int64_t n) override {
    sums_.resize(n, 0.0);
    has_.resize(n, 0);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    const bool nulls = HasNullBits(a);
    double* s = sums_.data();
    uint8_t* h = has_.data();
    const int scale = a.type->id() == TypeId::kDecimal128 ? a.type->scale() : 0;
    const double div = std::pow(10.0, scale);
    VisitNumeric(a, [&](const auto* v) {
      for (int64_t i = 0; i < n; ++i) {
        const uint32_t gi = g[i];
        if (gi == kSkipRow || (nulls && !a.IsValid(i))) continue;
        s[gi] += scale ? static_cast<double>(v[i]) / div : static_cast<double>(v[i]);
        h[gi] = 1;
      }
    });
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<SumDoubleAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (!other.has_[i]) continue;
      sums_[mi] += other.sums_[i];
      has_[mi] = 1;
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    if (type_->id() == TypeId::kFloat32) {
      std::vector<float> f(sums_.begin(), sums_.begin() + n);
      return MakeFixedColumn<float>(type_, f.data(), n, has_.data());
    }
    return MakeFixedColumn<double>(type_, sums_.data(), n, has_.data());
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(sums_.capacity() * 9); }

 private:
  columnar::TypePtr type_;
  std::vector<double> sums_;
  std::vector<uint8_t> has_;
};

// Why a decimal sum may skip the per-row overflow check, and how it stays exact when it does.
//
// The skipping loops add modulo 2^128 (unsigned arithmetic: defined wrap-around). A sum
// computed that way is the exact sum whenever the exact sum lies in [-2^127, 2^127), whatever
// the partial sums did on the way. `bound` >= the sum of |v * mul| over every value added so far
// (the values of every group: one bound for the whole state), so while it stays below
// 10^38 < 2^127 every group's exact sum is in range and the wrapped sum is exact.
//
// The bound is taken from the values themselves, not from the declared precision: a
// DECIMAL(p, s) column is meant to hold |v| < 10^p, but a malformed file or another producer
// that did not check could hold more, and trusting the type would then let a sum wrap around
// 128 bits silently. The loops OR together the magnitude bits of each value's high 64 bits
// (h ^ (h >> 63): h for h >= 0, -h - 1 below), so every |v| <= 2^(64 + bit_length(or)): two
// ALU operations per row in a loop bound by the scattered adds, and with small values (the
// high word only sign bits) still 5 * 10^18 rows before the bound is reached.
// When the batch turns out to break the bound, its adds are subtracted again (modular, exact)
// and the batch runs through the checked loop; from then on every batch is checked.
using U128 = unsigned __int128;

inline uint64_t MagnitudeBits(__int128 x) {
  const int64_t hi = static_cast<int64_t>(x >> 64);
  return static_cast<uint64_t>(hi ^ (hi >> 63));
}

// 2^(64 + k), k the bit length of `bits`: >= every |v| whose MagnitudeBits were ORed into it.
inline double MagnitudeBound(uint64_t bits) { return std::ldexp(1.0, 64 + (bits ? 64 - __builtin_clzll(bits) : 0)); }

// Below 2^127 (1.7e38) with room for the double rounding of the bound's arithmetic.
constexpr double kSafeDecimalBound = 1.0e38;

// Adds (kSub: subtracts) v[i] * mul modulo 2^128 to s[g[i]] for every row not skipped and
// returns the OR of their magnitude bits; adding sets bit 0 of st[g[i]] (a value was added).
template <bool kScale, bool kSub, typename T>
uint64_t AddWrapping(const T* v, const uint32_t* g, int64_t n, __int128 mul, __int128* s, uint8_t* st) {
  uint64_t bits = 0;
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t gi = g[i];
    if (gi == kSkipRow) continue;
    const __int128 x = static_cast<__int128>(v[i]);
    bits |= MagnitudeBits(x);
    const U128 d = kScale ? static_cast<U128>(x) * static_cast<U128>(mul) : static_cast<U128>(x);
    s[gi] = static_cast<__int128>(kSub ? static_cast<U128>(s[gi]) - d : static_cast<U128>(s[gi]) + d);
    if constexpr (!kSub) st[gi] |= 1;
  }
  return bits;
}

// Exact 128-bit decimal (or integral) sum; result DECIMAL(p, s) where s >= input scale.
class SumDecimalAgg final : public GroupedAggregate {
 public:
  SumDecimalAgg(columnar::TypePtr type, bool ansi, std::string sql)
      : type_(std::move(type)), ansi_(ansi), sql_(std::move(sql)), limit_(Pow10(type_->precision())) {}
  void Resize(int64_t n) override {
    sums_.resize(n, 0);
    state_.resize(n, 0);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    const bool nulls = HasNullBits(a);
    const int in_scale = a.type->id() == TypeId::kDecimal128 ? a.type->scale() : 0;
    const __int128 mul = Pow10(std::max(0, type_->scale() - in_scale));
    const double scale_up = std::pow(10.0, std::max(0, type_->scale() - in_scale));
    __int128* s = sums_.data();
    uint8_t* st = state_.data();
    // See AddWrapping above: wrapped adds while the bound (from the values, not the type)
    // allows them, else checked adds.
    VisitNumeric(a, [&](const auto* v) {
      using T = std::decay_t<decltype(v[0])>;
      if constexpr (std::is_floating_point_v<T>) {
        return;
      } else {
        if (!nulls && bound_ < kSafeDecimalBound) {
          const uint64_t bits = mul == 1 ? AddWrapping<false, false>(v, g, n, 1, s, st)
                                     : AddWrapping<true, false>(v, g, n, mul, s, st);
          const double added = MagnitudeBound(bits) * scale_up * static_cast<double>(n);
          bound_ += added;
          if (bound_ < kSafeDecimalBound) return;
          // Too large to trust the wrapped sums: take the batch out again and check it.
          if (mul == 1) {
            AddWrapping<false, true>(v, g, n, 1, s, st);
          } else {
            AddWrapping<true, true>(v, g, n, mul, s, st);
          }
          AddChecked(a, v, g, n, mul, false);
          return;
        }
        const uint64_t bits = AddChecked(a, v, g, n, mul, nulls);
        bound_ += MagnitudeBound(bits) * scale_up * static_cast<double>(n);
      }
    });
    return base::Status::OK();
  }
  // Adds with a check per row (bit 1 of the state marks a 128-bit overflow of the value, its
  // scaling or the sum); returns the OR of the magnitude bits of the rows added.
  template <typename T>
  uint64_t AddChecked(const ArrayData& a, const T* v, const uint32_t* g, int64_t n, __int128 mul, bool nulls) {
    __int128* s = sums_.data();
    uint8_t* st = state_.data();
    uint64_t bits = 0;
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || (nulls && !a.IsValid(i))) continue;
      const __int128 x = static_cast<__int128>(v[i]);
      bits |= MagnitudeBits(x);
      __int128 d, r;
      bool of = __builtin_mul_overflow(x, mul, &d);
      of |= __builtin_add_overflow(s[gi], d, &r);
      s[gi] = r;
      st[gi] |= of ? 3 : 1;
      // Intermediate sums may pass the result precision as long as they stay in 128
      // bits; check at the end (Spark checks the final value).
    }
    return bits;
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<SumDecimalAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (other.state_[i] == 0) continue;
      const uint32_t d = mi;
      __int128 r;
      if (__builtin_add_overflow(sums_[d], other.sums_[i], &r) || (other.state_[i] & 2)) state_[d] |= 2;
      sums_[d] = r;
      state_[d] |= 1;
    }
    bound_ += other.bound_;
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    std::vector<uint8_t> valid(n);
    for (int64_t i = 0; i < n; ++i) {
      bool ok = state_[i] == 1 && sums_[i] < limit_ && sums_[i] > -limit_;
      if (state_[i] != 0 && !ok) {
        if (ansi_) {
          return base::Status::InvalidArgument("decimal overflow in '" + sql_ + "': the sum does not fit " +
                                               type_->ToString());
        }
      }
      valid[i] = ok;
    }
    return MakeFixedColumn<__int128>(type_, sums_.data(), n, valid.data());
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(sums_.capacity() * 17); }

 private:
  columnar::TypePtr type_;
  bool ansi_;
  std::string sql_;
  __int128 limit_;
  std::vector<__int128> sums_;
  std::vector<uint8_t> state_;  // bit 0: a value was added; bit 1: a 128-bit add overflowed
  double bound_ = 0;            // >= sum of |v * mul| added here and in merged states, see Update
};

class AvgAgg final : public GroupedAggregate {
 public:
  AvgAgg(columnar::TypePtr type, int in_scale, bool ansi, std::string sql)
      : type_(std::move(type)), in_scale_(in_scale), ansi_(ansi), sql_(std::move(sql)) {}
  void Resize(int64_t n) override {
    dsum_.resize(n, 0.0);
    isum_.resize(n, 0);
    counts_.resize(n, 0);
    if (type_->id() == TypeId::kDecimal128) overflow_.resize(n, 0);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    const bool nulls = HasNullBits(a);
    const bool dec = type_->id() == TypeId::kDecimal128;
    const double div = std::pow(10.0, a.type->id() == TypeId::kDecimal128 ? a.type->scale() : 0);
    VisitNumeric(a, [&](const auto* v) {
      using T = std::decay_t<decltype(v[0])>;
      if constexpr (!std::is_floating_point_v<T>) {
        if (dec) {
          UpdateDecimal(a, v, g, n, nulls);
          return;
        }
      }
      for (int64_t i = 0; i < n; ++i) {
        const uint32_t gi = g[i];
        if (gi == kSkipRow || (nulls && !a.IsValid(i))) continue;
        ++counts_[gi];
        if constexpr (std::is_floating_point_v<T>) {
          dsum_[gi] += v[i];
        } else if constexpr (std::is_same_v<T, __int128>) {
          dsum_[gi] += static_cast<double>(v[i]) / div;
        } else {
          isum_[gi] += static_cast<__int128>(v[i]);  // int64 values: 2^64 rows before a wrap
        }
      }
    });
    return base::Status::OK();
  }
  // The exact sum of a DECIMAL average: wrapped adds within the bound, else checked ones, as
  // SumDecimalAgg (see AddWrapping).
  template <typename T>
  void UpdateDecimal(const ArrayData& a, const T* v, const uint32_t* g, int64_t n, bool nulls) {
    const bool wrapping = bound_ < kSafeDecimalBound;
    const uint64_t bits = wrapping ? (nulls ? AddDecimal<true, true>(a, v, g, n) : AddDecimal<true, false>(a, v, g, n))
                                   : AddDecimal<false, true>(a, v, g, n);
    bound_ += MagnitudeBound(bits) * static_cast<double>(n);
    if (!wrapping || bound_ < kSafeDecimalBound) return;
    // The batch broke the bound: take all its wrapped adds out again, then add them checked.
    __int128* s = isum_.data();
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || (nulls && !a.IsValid(i))) continue;
      s[gi] = static_cast<__int128>(static_cast<U128>(s[gi]) - static_cast<U128>(static_cast<__int128>(v[i])));
    }
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || (nulls && !a.IsValid(i))) continue;
      if (__builtin_add_overflow(s[gi], static_cast<__int128>(v[i]), &s[gi])) overflow_[gi] = 1;
    }
  }
  // Counts the rows and adds them to the sums (kWrapping: modulo 2^128, else checked); returns
  // the OR of their MagnitudeBits.
  template <bool kWrapping, bool kNulls, typename T>
  uint64_t AddDecimal(const ArrayData& a, const T* v, const uint32_t* g, int64_t n) {
    __int128* s = isum_.data();
    int64_t* c = counts_.data();
    uint64_t bits = 0;
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || (kNulls && !a.IsValid(i))) continue;
      ++c[gi];
      const __int128 x = static_cast<__int128>(v[i]);
      bits |= MagnitudeBits(x);
      if constexpr (kWrapping) {
        s[gi] = static_cast<__int128>(static_cast<U128>(s[gi]) + static_cast<U128>(x));
      } else if (__builtin_add_overflow(s[gi], x, &s[gi])) {
        overflow_[gi] = 1;
      }
    }
    return bits;
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<AvgAgg&>(o);
    const bool dec = type_->id() == TypeId::kDecimal128;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      dsum_[mi] += other.dsum_[i];
      counts_[mi] += other.counts_[i];
      if (!dec) {
        isum_[mi] += other.isum_[i];
      } else if (__builtin_add_overflow(isum_[mi], other.isum_[i], &isum_[mi]) || other.overflow_[i]) {
        overflow_[mi] = 1;
      }
    }
    bound_ += other.bound_;
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    std::vector<uint8_t> valid(n);
    for (int64_t i = 0; i < n; ++i) valid[i] = counts_[i] > 0;
    if (type_->id() == TypeId::kDecimal128) {
      std::vector<__int128> out(n, 0);
      const __int128 mul = Pow10(std::max(0, type_->scale() - in_scale_));
      const __int128 limit = Pow10(type_->precision());
      for (int64_t i = 0; i < n; ++i) {
        if (counts_[i] == 0) continue;
        // sum * mul / count, rounded, without forming sum * mul (it may pass 128 bits while
        // the average fits): q * mul + round(r * mul / count), r having q's sign.
        const __int128 q = isum_[i] / counts_[i], r = isum_[i] % counts_[i];
        __int128 qm, rm, avg;
        bool of = overflow_[i] != 0 || __builtin_mul_overflow(q, mul, &qm) || __builtin_mul_overflow(r, mul, &rm);
        of = of || __builtin_add_overflow(qm, DivRound(rm, counts_[i]), &avg);
        if (of || avg >= limit || avg <= -limit) {
          if (ansi_) {
            return base::Status::InvalidArgument("decimal overflow in '" + sql_ + "': the average does not fit " +
                                                 type_->ToString());
          }
          valid[i] = 0;
          continue;
        }
        out[i] = avg;
      }
      return MakeFixedColumn<__int128>(type_, out.data(), n, valid.data());
    }
    std::vector<double> out(n, 0.0);
    for (int64_t i = 0; i < n; ++i) {
      if (counts_[i] > 0) out[i] = (dsum_[i] + static_cast<double>(isum_[i])) / static_cast<double>(counts_[i]);
    }
    return MakeFixedColumn<double>(columnar::Float64(), out.data(), n, valid.data());
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(counts_.capacity() * 33); }

 private:
  columnar::TypePtr type_;
  int in_scale_;
  bool ansi_;
  std::string sql_;
  std::vector<double> dsum_;
  std::vector<__int128> isum_;
  std::vector<int64_t> counts_;
  std::vector<uint8_t> overflow_;  // DECIMAL results: a 128-bit add of the group's sum overflowed
  double bound_ = 0;               // DECIMAL results: >= sum of |v| added here and in merged states
};

template <typename T>
bool Better(T a, T b, bool is_max) {
  if constexpr (std::is_floating_point_v<T>) {
    // NaN is the largest value (Spark).
    if (std::isnan(a) || std::isnan(b)) {
      if (std::isnan(a) && std::isnan(b)) return false;
      return is_max ? std::isnan(a) : std::isnan(b);
    }
  }
  return is_max ? a > b : a < b;
}

// min / max of a fixed-width type.
template <typename T>
class MinMaxFixedAgg final : public GroupedAggregate {
 public:
  MinMaxFixedAgg(columnar::TypePtr type, bool is_max) : type_(std::move(type)), max_(is_max) {}
  void Resize(int64_t n) override {
    vals_.resize(n, T{});
    has_.resize(n, 0);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    const bool nulls = HasNullBits(a);
    const T* v = a.buffers[1]->as<T>() + a.offset;
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || (nulls && !a.IsValid(i))) continue;
      if (!has_[gi] || Better(v[i], vals_[gi], max_)) {
        vals_[gi] = v[i];
        has_[gi] = 1;
      }
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<MinMaxFixedAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (!other.has_[i]) continue;
      const uint32_t d = mi;
      if (!has_[d] || Better(other.vals_[i], vals_[d], max_)) {
        vals_[d] = other.vals_[i];
        has_[d] = 1;
      }
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    return MakeFixedColumn<T>(type_, vals_.data(), n, has_.data());
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(vals_.capacity() * (sizeof(T) + 1)); }

 private:
  columnar::TypePtr type_;
  bool max_;
  std::vector<T> vals_;
  std::vector<uint8_t> has_;
};

class MinMaxStringAgg final : public GroupedAggregate {
 public:
  MinMaxStringAgg(columnar::TypePtr type, bool is_max) : type_(std::move(type)), max_(is_max) {}
  void Resize(int64_t n) override {
    vals_.resize(n);
    has_.resize(n, 0);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || !a.IsValid(i)) continue;
      std::string_view v = a.BytesValue(i);
      if (!has_[gi] || (max_ ? v > std::string_view(vals_[gi]) : v < std::string_view(vals_[gi]))) {
        vals_[gi].assign(v.data(), v.size());
        has_[gi] = 1;
      }
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<MinMaxStringAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (!other.has_[i]) continue;
      const uint32_t d = mi;
      if (!has_[d] || (max_ ? other.vals_[i] > vals_[d] : other.vals_[i] < vals_[d])) {
        vals_[d] = std::move(other.vals_[i]);
        has_[d] = 1;
      }
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    columnar::BinaryBuilder b(type_);
    for (int64_t i = 0; i < n; ++i) {
      if (has_[i]) {
        b.Append(vals_[i]);
      } else {
        b.AppendNull();
      }
    }
    return b.Finish();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(vals_.capacity() * 40); }

 private:
  columnar::TypePtr type_;
  bool max_;
  std::vector<std::string> vals_;
  std::vector<uint8_t> has_;
};

// min / max of any comparable type (booleans, nested values): one-row columns per group.
class MinMaxGenericAgg final : public GroupedAggregate {
 public:
  MinMaxGenericAgg(columnar::TypePtr type, bool is_max) : type_(std::move(type)), max_(is_max) {}
  void Resize(int64_t n) override { vals_.resize(n); }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || !a.IsValid(i)) continue;
      if (!vals_[gi] || Wins(CompareValues(a, i, *vals_[gi], 0))) vals_[gi] = ValueAt(a, i);
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<MinMaxGenericAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (!other.vals_[i]) continue;
      const uint32_t d = mi;
      if (!vals_[d] || Wins(CompareValues(*other.vals_[i], 0, *vals_[d], 0))) vals_[d] = other.vals_[i];
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    return OneRowColumnsToArray(type_, vals_, n);
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(vals_.capacity() * 200); }

 private:
  bool Wins(int c) const { return max_ ? c > 0 : c < 0; }
  columnar::TypePtr type_;
  bool max_;
  std::vector<ArrayPtr> vals_;
};

class BoolAgg final : public GroupedAggregate {
 public:
  explicit BoolAgg(bool is_and) : and_(is_and) {}
  void Resize(int64_t n) override { st_.resize(n, 0); }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || !a.IsValid(i)) continue;
      Apply(gi, a.BoolValue(i) ? 2 : 1);
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<BoolAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (other.st_[i] != 0) Apply(mi, other.st_[i]);
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    std::vector<uint8_t> v(n), valid(n);
    for (int64_t i = 0; i < n; ++i) {
      valid[i] = st_[i] != 0;
      v[i] = st_[i] == 2;
    }
    return MakeBoolColumn(v.data(), n, valid.data());
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(st_.capacity()); }

 private:
  // state: 0 none, 1 false, 2 true
  void Apply(uint32_t g, uint8_t v) {
    if (st_[g] == 0) {
      st_[g] = v;
    } else if (and_) {
      st_[g] = std::min(st_[g], v);
    } else {
      st_[g] = std::max(st_[g], v);
    }
  }
  bool and_;
  std::vector<uint8_t> st_;
};

enum class VarKind { kVarSamp, kVarPop, kStddevSamp, kStddevPop };

class VarianceAgg final : public GroupedAggregate {
 public:
  explicit VarianceAgg(VarKind kind) : kind_(kind) {}
  void Resize(int64_t n) override {
    n_.resize(n, 0);
    mean_.resize(n, 0.0);
    m2_.resize(n, 0.0);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    const bool nulls = HasNullBits(a);
    const double div = std::pow(10.0, a.type->id() == TypeId::kDecimal128 ? a.type->scale() : 0);
    VisitNumeric(a, [&](const auto* v) {
      for (int64_t i = 0; i < n; ++i) {
        const uint32_t gi = g[i];
        if (gi == kSkipRow || (nulls && !a.IsValid(i))) continue;
        const double x = static_cast<double>(v[i]) / div;
        const double cnt = static_cast<double>(++n_[gi]);
        const double d = x - mean_[gi];
        mean_[gi] += d / cnt;
        m2_[gi] += d * (x - mean_[gi]);
      }
    });
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<VarianceAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (other.n_[i] == 0) continue;
      const uint32_t d = mi;
      if (n_[d] == 0) {
        n_[d] = other.n_[i];
        mean_[d] = other.mean_[i];
        m2_[d] = other.m2_[i];
        continue;
      }
      const double na = static_cast<double>(n_[d]), nb = static_cast<double>(other.n_[i]);
      const double delta = other.mean_[i] - mean_[d];
      const double total = na + nb;
      mean_[d] += delta * nb / total;
      m2_[d] += other.m2_[i] + delta * delta * na * nb / total;
      n_[d] += other.n_[i];
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    std::vector<double> out(n, 0.0);
    std::vector<uint8_t> valid(n, 0);
    const bool samp = kind_ == VarKind::kVarSamp || kind_ == VarKind::kStddevSamp;
    const bool sq = kind_ == VarKind::kStddevSamp || kind_ == VarKind::kStddevPop;
    for (int64_t i = 0; i < n; ++i) {
      if (n_[i] == 0 || (samp && n_[i] < 2)) continue;
      double var = m2_[i] / static_cast<double>(samp ? n_[i] - 1 : n_[i]);
      if (var < 0) var = 0;
      out[i] = sq ? std::sqrt(var) : var;
      valid[i] = 1;
    }
    return MakeFixedColumn<double>(columnar::Float64(), out.data(), n, valid.data());
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(n_.capacity() * 24); }

 private:
  VarKind kind_;
  std::vector<int64_t> n_;
  std::vector<double> mean_;
  std::vector<double> m2_;
};

enum class CoKind { kCovarSamp, kCovarPop, kCorr };

// covar_samp / covar_pop / corr over rows where both values are non-null (co-moments merged
// pairwise, as Spark's Covariance and Corr).
class CoMomentAgg final : public GroupedAggregate {
 public:
  explicit CoMomentAgg(CoKind kind) : kind_(kind) {}
  void Resize(int64_t n) override { st_.resize(n); }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& xa = *args[0];
    const ArrayData& ya = *args[1];
    auto read = [](const ArrayData& a, int64_t i) {
      double out = 0;
      const double div = std::pow(10.0, a.type->id() == TypeId::kDecimal128 ? a.type->scale() : 0);
      VisitNumeric(a, [&](const auto* v) { out = static_cast<double>(v[i]) / div; });
      return out;
    };
    for (int64_t i = 0; i < n; ++i) {
      if (g[i] == kSkipRow || !xa.IsValid(i) || !ya.IsValid(i)) continue;
      Add(st_[g[i]], read(xa, i), read(ya, i));
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<CoMomentAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const S& b = other.st_[src[k]];
      S& a = st_[dst[k]];
      if (b.n == 0) continue;
      if (a.n == 0) {
        a = b;
        continue;
      }
      const double na = a.n, nb = b.n, t = na + nb;
      const double dx = b.mx - a.mx, dy = b.my - a.my;
      a.c2 += b.c2 + dx * dy * na * nb / t;
      a.m2x += b.m2x + dx * dx * na * nb / t;
      a.m2y += b.m2y + dy * dy * na * nb / t;
      a.mx += dx * nb / t;
      a.my += dy * nb / t;
      a.n += b.n;
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    std::vector<double> out(n, 0.0);
    std::vector<uint8_t> valid(n, 0);
    for (int64_t i = 0; i < n; ++i) {
      const S& s = st_[i];
      switch (kind_) {
        case CoKind::kCovarPop:
          if (s.n == 0) continue;
          out[i] = s.c2 / s.n;
          break;
        case CoKind::kCovarSamp:
          if (s.n < 2) continue;
          out[i] = s.c2 / (s.n - 1);
          break;
        case CoKind::kCorr:
          if (s.n < 2) continue;
          out[i] = s.c2 / std::sqrt(s.m2x * s.m2y);
          break;
      }
      valid[i] = 1;
    }
    return MakeFixedColumn<double>(columnar::Float64(), out.data(), n, valid.data());
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(st_.capacity() * sizeof(S)); }

 private:
  struct S {
    double n = 0, mx = 0, my = 0, c2 = 0, m2x = 0, m2y = 0;
  };
  static void Add(S& s, double x, double y) {
    s.n += 1;
    const double dx = x - s.mx;
    s.mx += dx / s.n;
    const double dy = y - s.my;
    s.my += dy / s.n;
    s.c2 += dx * (y - s.my);
    s.m2x += dx * (x - s.mx);
    s.m2y += dy * (y - s.my);
  }
  CoKind kind_;
  std::vector<S> st_;
};

}  // namespace

base::Result<std::unique_ptr<GroupedAggregate>> MakeBasicAggregate(const sql::AggregateCall& call,
                                                                   const std::vector<columnar::TypePtr>& in_types,
                                                                   QueryContext* ctx) {
  const std::string& f = call.function;
  const bool ansi = ctx->settings().ansi_mode;
  const columnar::TypePtr& rt = call.type;
  if (f == "count_star") return std::unique_ptr<GroupedAggregate>(new CountAgg(true));
  if (f == "count") return std::unique_ptr<GroupedAggregate>(new CountAgg(in_types.empty()));
  if (f == "count_if") return std::unique_ptr<GroupedAggregate>(new CountIfAgg());
  if (in_types.empty()) return nullptr;
  const columnar::TypePtr& it = in_types[0];
  if (f == "sum" || f == "try_sum") {
    const bool a = f == "sum" && ansi;
    switch (rt->id()) {
      case TypeId::kDecimal128: return std::unique_ptr<GroupedAggregate>(new SumDecimalAgg(rt, a, call.sql));
      case TypeId::kFloat32:
      case TypeId::kFloat64: return std::unique_ptr<GroupedAggregate>(new SumDoubleAgg(rt));
      case TypeId::kInt64:
        if (it->id() == TypeId::kDecimal128 || it->id() == TypeId::kFloat64 || it->id() == TypeId::kFloat32) break;
        return std::unique_ptr<GroupedAggregate>(new SumIntAgg(a, call.sql));
      default: break;
    }
    return base::Status::Unsupported("sum over " + it->ToString() + " returning " + rt->ToString());
  }
  if (f == "avg" || f == "mean") {
    return std::unique_ptr<GroupedAggregate>(
        new AvgAgg(rt, it->id() == TypeId::kDecimal128 ? it->scale() : 0, ansi, call.sql));
  }
  if (f == "min" || f == "max") {
    const bool mx = f == "max";
    switch (it->id()) {
      case TypeId::kInt8: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<int8_t>(it, mx));
      case TypeId::kInt16: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<int16_t>(it, mx));
      case TypeId::kInt32:
      case TypeId::kDate32: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<int32_t>(it, mx));
      case TypeId::kInt64:
      case TypeId::kTime64:
      case TypeId::kTimestamp: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<int64_t>(it, mx));
      case TypeId::kUInt8: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<uint8_t>(it, mx));
      case TypeId::kUInt16: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<uint16_t>(it, mx));
      case TypeId::kUInt32: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<uint32_t>(it, mx));
      case TypeId::kUInt64: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<uint64_t>(it, mx));
      case TypeId::kFloat32: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<float>(it, mx));
      case TypeId::kFloat64: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<double>(it, mx));
      case TypeId::kDecimal128: return std::unique_ptr<GroupedAggregate>(new MinMaxFixedAgg<__int128>(it, mx));
      case TypeId::kString:
      case TypeId::kBinary: return std::unique_ptr<GroupedAggregate>(new MinMaxStringAgg(it, mx));
      default: return std::unique_ptr<GroupedAggregate>(new MinMaxGenericAgg(it, mx));
    }
  }
  if (f == "bool_and" || f == "every") return std::unique_ptr<GroupedAggregate>(new BoolAgg(true));
  if (f == "bool_or" || f == "some" || f == "any") return std::unique_ptr<GroupedAggregate>(new BoolAgg(false));
  if (f == "var_samp" || f == "variance") return std::unique_ptr<GroupedAggregate>(new VarianceAgg(VarKind::kVarSamp));
  if (f == "var_pop") return std::unique_ptr<GroupedAggregate>(new VarianceAgg(VarKind::kVarPop));
  if (f == "stddev_samp" || f == "stddev" || f == "std") {
    return std::unique_ptr<GroupedAggregate>(new VarianceAgg(VarKind::kStddevSamp));
  }
  if (f == "stddev_pop") return std::unique_ptr<GroupedAggregate>(new VarianceAgg(VarKind::kStddevPop));
  if (in_types.size() == 2) {
    if (f == "covar_samp") return std::unique_ptr<GroupedAggregate>(new CoMomentAgg(CoKind::kCovarSamp));
    if (f == "covar_pop") return std::unique_ptr<GroupedAggregate>(new CoMomentAgg(CoKind::kCovarPop));
    if (f == "corr") return std::unique_ptr<GroupedAggregate>(new CoMomentAgg(CoKind::kCorr));
  }
  return nullptr;
}

}  // namespace tide::exec::internal
