// first/last/any_value, max_by/min_by, collect_list/collect_set, approx_count_distinct,
// percentile_approx, and the DISTINCT wrapper.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_set>

#include "columnar/builder.h"
#include "exec/aggregates/agg_util.h"
#include "exec/aggregates/aggregate.h"
#include "exec/aggregates/aggregate_internal.h"
#include "exec/operators/row_codec.h"
#include "exec/vector_ops.h"

namespace tide::exec::internal {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::TypeId;

base::Result<ArrayPtr> OneRowColumnsToArray(const columnar::TypePtr& type, const std::vector<ArrayPtr>& vals,
                                            int64_t n) {
  if (n == 0) return columnar::MakeNullArray(type, 0)->Slice(0, 0);
  ArrayPtr null_row = columnar::MakeNullArray(type, 1);
  std::vector<ArrayPtr> parts;
  parts.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    parts.push_back(i < static_cast<int64_t>(vals.size()) && vals[i] ? vals[i] : null_row);
  }
  return Concatenate(parts);
}

namespace {

// Literal arg `i` of the call as a double (percentages, rsd), or `def` when absent.
double LiteralDouble(const sql::AggregateCall& call, size_t i, double def) {
  if (call.args.size() <= i || !call.args[i]->IsLiteral()) return def;
  const ArrayData& a = *call.args[i]->literal;
  if (a.IsNull(0)) return def;
  double out = def;
  const double div = std::pow(10.0, a.type->id() == TypeId::kDecimal128 ? a.type->scale() : 0);
  VisitNumeric(a, [&](const auto* v) { out = static_cast<double>(v[0]) / div; });
  return out;
}

bool LiteralBool(const sql::AggregateCall& call, size_t i, bool def) {
  if (call.args.size() <= i || !call.args[i]->IsLiteral()) return def;
  const ArrayData& a = *call.args[i]->literal;
  if (a.IsNull(0) || a.type->id() != TypeId::kBoolean) return def;
  return a.BoolValue(0);
}

class FirstLastAgg final : public GroupedAggregate {
 public:
  FirstLastAgg(columnar::TypePtr type, bool last, bool ignore_nulls)
      : type_(std::move(type)), last_(last), ignore_nulls_(ignore_nulls) {}
  void Resize(int64_t n) override {
    vals_.resize(n);
    set_.resize(n, 0);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    touched_.clear();
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || (ignore_nulls_ && !a.IsValid(i))) continue;
      if (!last_) {
        if (set_[gi]) continue;
        vals_[gi] = ValueAt(a, i);
        set_[gi] = 1;
      } else {
        if (set_[gi] != 2) touched_.push_back(gi);
        set_[gi] = 2;  // pending: the batch row is recorded below
        pending_row_.resize(std::max<size_t>(pending_row_.size(), gi + 1), -1);
        pending_row_[gi] = static_cast<int32_t>(i);
      }
    }
    for (uint32_t gi : touched_) {
      vals_[gi] = ValueAt(a, pending_row_[gi]);
      set_[gi] = 1;
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<FirstLastAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (!other.set_[i]) continue;
      if (!last_ && set_[mi]) continue;
      vals_[mi] = other.vals_[i];
      set_[mi] = 1;
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    return OneRowColumnsToArray(type_, vals_, n);
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(vals_.capacity() * 200); }

 private:
  columnar::TypePtr type_;
  bool last_;
  bool ignore_nulls_;
  std::vector<ArrayPtr> vals_;
  std::vector<uint8_t> set_;
  std::vector<uint32_t> touched_;
  std::vector<int32_t> pending_row_;
};

class MaxByAgg final : public GroupedAggregate {
 public:
  MaxByAgg(columnar::TypePtr type, bool is_max) : type_(std::move(type)), max_(is_max) {}
  void Resize(int64_t n) override {
    vals_.resize(n);
    ords_.resize(n);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& v = *args[0];
    const ArrayData& o = *args[1];
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || !o.IsValid(i)) continue;
      if (!ords_[gi] || Wins(CompareValues(o, i, *ords_[gi], 0))) {
        ords_[gi] = ValueAt(o, i);
        vals_[gi] = ValueAt(v, i);
      }
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& og, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<MaxByAgg&>(og);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      if (!other.ords_[i]) continue;
      const uint32_t d = mi;
      if (!ords_[d] || Wins(CompareValues(*other.ords_[i], 0, *ords_[d], 0))) {
        ords_[d] = other.ords_[i];
        vals_[d] = other.vals_[i];
      }
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    return OneRowColumnsToArray(type_, vals_, n);
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(vals_.capacity() * 400); }

 private:
  bool Wins(int c) const { return max_ ? c > 0 : c < 0; }
  columnar::TypePtr type_;
  bool max_;
  std::vector<ArrayPtr> vals_;
  std::vector<ArrayPtr> ords_;
};

class CollectAgg final : public GroupedAggregate {
 public:
  CollectAgg(columnar::TypePtr type, bool set) : type_(std::move(type)), set_(set) {}
  void Resize(int64_t n) override {
    lists_.resize(n);
    if (set_) seen_.resize(n);
  }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    std::vector<uint8_t> buf;
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t gi = g[i];
      if (gi == kSkipRow || !a.IsValid(i)) continue;
      buf.clear();
      EncodeValue(a, i, &buf);
      Add(gi, std::string(reinterpret_cast<const char*>(buf.data()), buf.size()));
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<CollectAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      for (auto& v : other.lists_[i]) Add(mi, std::move(v));
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    auto b = columnar::MakeBuilder(type_);
    auto* lb = static_cast<columnar::ListBuilder*>(b.get());
    const columnar::TypePtr& et = type_->children()[0]->type();
    for (int64_t i = 0; i < n; ++i) {
      lb->Append();
      for (const auto& v : lists_[i]) {
        const uint8_t* p = reinterpret_cast<const uint8_t*>(v.data());
        TIDE_RETURN_IF_ERROR(DecodeValue(et, &p, p + v.size(), lb->value_builder()));
      }
    }
    return b->Finish();
  }
  int64_t MemoryBytes() const override { return bytes_ + static_cast<int64_t>(lists_.capacity() * 24); }

 private:
  void Add(uint32_t g, std::string v) {
    if (set_ && !seen_[g].insert(v).second) return;
    bytes_ += static_cast<int64_t>(v.size()) + 32;
    lists_[g].push_back(std::move(v));
  }
  columnar::TypePtr type_;
  bool set_;
  int64_t bytes_ = 0;
  std::vector<std::vector<std::string>> lists_;
  std::vector<std::unordered_set<std::string>> seen_;
};

// Exact for up to kExactLimit distinct hashes per group, HyperLogLog past that.
class ApproxDistinctAgg final : public GroupedAggregate {
 public:
  explicit ApproxDistinctAgg(double rsd) {
    double m = std::pow(1.106 / std::max(rsd, 1e-6), 2.0);
    p_ = std::clamp(static_cast<int>(std::ceil(std::log2(m))), 4, 16);
  }
  void Resize(int64_t n) override { st_.resize(n); }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    hashes_.assign(n, 0);
    HashColumn(a, hashes_.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      if (g[i] == kSkipRow || !a.IsValid(i)) continue;
      AddHash(st_[g[i]], hashes_[i]);
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<ApproxDistinctAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      State& from = other.st_[i];
      State& to = st_[mi];
      if (!from.regs.empty()) {
        ToHll(to);
        for (size_t r = 0; r < to.regs.size(); ++r) to.regs[r] = std::max(to.regs[r], from.regs[r]);
      } else {
        for (uint64_t h : from.exact) AddHash(to, h);
      }
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    std::vector<int64_t> out(n, 0);
    for (int64_t i = 0; i < n; ++i) out[i] = Estimate(st_[i]);
    return MakeFixedColumn<int64_t>(columnar::Int64(), out.data(), n, nullptr);
  }
  int64_t MemoryBytes() const override { return bytes_ + static_cast<int64_t>(st_.capacity() * 80); }

 private:
  static constexpr size_t kExactLimit = 1024;
  struct State {
    std::unordered_set<uint64_t> exact;
    std::vector<uint8_t> regs;
  };
  void AddHash(State& s, uint64_t h) {
    if (s.regs.empty()) {
      if (s.exact.insert(h).second) bytes_ += 16;
      if (s.exact.size() > kExactLimit) ToHll(s);
      return;
    }
    const uint64_t idx = h >> (64 - p_);
    const uint64_t w = (h << p_) | (uint64_t{1} << (p_ - 1));
    const uint8_t rank = static_cast<uint8_t>(__builtin_clzll(w) + 1);
    if (rank > s.regs[idx]) s.regs[idx] = rank;
  }
  void ToHll(State& s) {
    if (!s.regs.empty()) return;
    s.regs.assign(size_t{1} << p_, 0);
    bytes_ += static_cast<int64_t>(s.regs.size());
    auto exact = std::move(s.exact);
    s.exact.clear();
    for (uint64_t h : exact) AddHash(s, h);
  }
  int64_t Estimate(const State& s) const {
    if (s.regs.empty()) return static_cast<int64_t>(s.exact.size());
    const double m = static_cast<double>(s.regs.size());
    double sum = 0;
    int zeros = 0;
    for (uint8_t r : s.regs) {
      sum += std::ldexp(1.0, -r);
      zeros += r == 0;
    }
    const double alpha = 0.7213 / (1.0 + 1.079 / m);
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / zeros);
    return static_cast<int64_t>(std::llround(e));
  }
  int p_;
  int64_t bytes_ = 0;
  std::vector<State> st_;
  std::vector<uint64_t> hashes_;
};

// Exact percentiles (Spark's percentile_approx definition: the smallest value v with at
// least p of the values <= v) over the values kept per group.
template <typename T>
class PercentileAgg final : public GroupedAggregate {
 public:
  // interpolate: Spark's exact percentile (linear interpolation at p * (n - 1), DOUBLE
  // results) instead of percentile_approx's smallest-value definition.
  PercentileAgg(columnar::TypePtr result, columnar::TypePtr elem, std::vector<double> ps, bool array,
                bool interpolate = false)
      : result_(std::move(result)), elem_(std::move(elem)), ps_(std::move(ps)), array_(array),
        interpolate_(interpolate) {}
  void Resize(int64_t n) override { vals_.resize(n); }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    const ArrayData& a = *args[0];
    const T* v = a.buffers[1]->as<T>() + a.offset;
    for (int64_t i = 0; i < n; ++i) {
      if (g[i] == kSkipRow || !a.IsValid(i)) continue;
      vals_[g[i]].push_back(v[i]);
    }
    bytes_ += n * static_cast<int64_t>(sizeof(T));
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<PercentileAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      auto& d = vals_[mi];
      d.insert(d.end(), other.vals_[i].begin(), other.vals_[i].end());
      bytes_ += static_cast<int64_t>(other.vals_[i].size() * sizeof(T));
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    Resize(n);
    auto b = columnar::MakeBuilder(result_);
    for (int64_t i = 0; i < n; ++i) {
      auto& v = vals_[i];
      if (v.empty()) {
        b->AppendNull();
        continue;
      }
      std::sort(v.begin(), v.end(), [](T x, T y) {
        if constexpr (std::is_floating_point_v<T>) {
          if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
        }
        return x < y;
      });
      auto pick = [&](double p) {
        const double cnt = static_cast<double>(v.size());
        int64_t idx = static_cast<int64_t>(std::ceil(p * cnt)) - 1;
        idx = std::clamp<int64_t>(idx, 0, static_cast<int64_t>(v.size()) - 1);
        return v[idx];
      };
      if (interpolate_) {
        auto value = [&](double p) {
          const double pos = p * static_cast<double>(v.size() - 1);
          const int64_t lo = static_cast<int64_t>(std::floor(pos)), hi = static_cast<int64_t>(std::ceil(pos));
          const double a = static_cast<double>(v[lo]), c = static_cast<double>(v[hi]);
          return lo == hi ? a : a + (pos - static_cast<double>(lo)) * (c - a);
        };
        if (array_) {
          auto* lb = static_cast<columnar::ListBuilder*>(b.get());
          lb->Append();
          for (double p : ps_) static_cast<columnar::Float64Builder*>(lb->value_builder())->Append(value(p));
        } else {
          static_cast<columnar::Float64Builder*>(b.get())->Append(value(ps_[0]));
        }
        continue;
      }
      if (array_) {
        auto* lb = static_cast<columnar::ListBuilder*>(b.get());
        lb->Append();
        auto* eb = static_cast<columnar::NumericBuilder<T>*>(lb->value_builder());
        for (double p : ps_) eb->Append(pick(p));
      } else {
        static_cast<columnar::NumericBuilder<T>*>(b.get())->Append(pick(ps_[0]));
      }
    }
    return b->Finish();
  }
  int64_t MemoryBytes() const override { return bytes_ + static_cast<int64_t>(vals_.capacity() * 24); }

 private:
  columnar::TypePtr result_;
  columnar::TypePtr elem_;
  std::vector<double> ps_;
  bool array_;
  bool interpolate_;
  int64_t bytes_ = 0;
  std::vector<std::vector<T>> vals_;
};

base::Result<std::unique_ptr<GroupedAggregate>> MakePercentile(const sql::AggregateCall& call,
                                                               const columnar::TypePtr& it) {
  std::vector<double> ps;
  bool array = false;
  if (call.args.size() < 2 || !call.args[1]->IsLiteral()) {
    return base::Status::InvalidArgument("'" + call.sql + "': the percentage must be a constant");
  }
  const ArrayData& lit = *call.args[1]->literal;
  if (lit.IsNull(0)) return base::Status::InvalidArgument("'" + call.sql + "': the percentage is null");
  if (lit.type->id() == TypeId::kList) {
    array = true;
    const ArrayData& el = *lit.children[0];
    const double div = std::pow(10.0, el.type->id() == TypeId::kDecimal128 ? el.type->scale() : 0);
    for (int32_t k = lit.ListBegin(0); k < lit.ListEnd(0); ++k) {
      double p = 0;
      VisitNumeric(el, [&](const auto* v) { p = static_cast<double>(v[k]) / div; });
      ps.push_back(p);
    }
  } else {
    ps.push_back(LiteralDouble(call, 1, 0.5));
  }
  for (double p : ps) {
    if (!(p >= 0.0 && p <= 1.0)) {
      return base::Status::InvalidArgument("'" + call.sql + "': percentage " + std::to_string(p) +
                                           " is not between 0.0 and 1.0");
    }
  }
  const columnar::TypePtr& rt = call.type;
  switch (it->id()) {
#define TIDE_PCT(ID, T) \
  case TypeId::ID: return std::unique_ptr<GroupedAggregate>(new PercentileAgg<T>(rt, it, ps, array));
    TIDE_PCT(kInt8, int8_t)
    TIDE_PCT(kInt16, int16_t)
    TIDE_PCT(kInt32, int32_t)
    TIDE_PCT(kDate32, int32_t)
    TIDE_PCT(kInt64, int64_t)
    TIDE_PCT(kTimestamp, int64_t)
    TIDE_PCT(kTime64, int64_t)
    TIDE_PCT(kFloat32, float)
    TIDE_PCT(kFloat64, double)
    TIDE_PCT(kDecimal128, __int128)
#undef TIDE_PCT
    default: break;
  }
  return base::Status::Unsupported("'" + call.sql + "' over " + it->ToString());
}

class DistinctAgg final : public GroupedAggregate {
 public:
  DistinctAgg(std::unique_ptr<GroupedAggregate> inner, std::vector<columnar::TypePtr> types)
      : inner_(std::move(inner)), types_(std::move(types)) {}
  void Resize(int64_t n) override { sets_.resize(n); }
  base::Status Update(const std::vector<const ArrayData*>& args, const uint32_t* g, int64_t n) override {
    EncodeRows(args, n, &enc_);
    for (int64_t i = 0; i < n; ++i) {
      if (g[i] == kSkipRow) continue;
      auto r = enc_.row(i);
      if (sets_[g[i]].emplace(r.data(), r.size()).second) bytes_ += static_cast<int64_t>(r.size()) + 48;
    }
    return base::Status::OK();
  }
  base::Status Merge(GroupedAggregate& o, const uint32_t* src, const uint32_t* dst, int64_t n) override {
    auto& other = static_cast<DistinctAgg&>(o);
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = src[k];
      const uint32_t mi = dst[k];
      for (const auto& v : other.sets_[i]) {
        if (sets_[mi].insert(v).second) bytes_ += static_cast<int64_t>(v.size()) + 48;
      }
    }
    return base::Status::OK();
  }
  base::Result<ArrayPtr> Finalize(int64_t n) override {
    TIDE_ASSIGN_OR_RETURN(auto inner, ReduceDistinct(n));
    return inner->Finalize(n);
  }
  base::Result<std::unique_ptr<GroupedAggregate>> ReduceDistinct(int64_t n) override {
    Resize(n);
    std::vector<std::unique_ptr<columnar::ArrayBuilder>> builders;
    std::vector<columnar::ArrayBuilder*> bp;
    for (const auto& t : types_) {
      builders.push_back(columnar::MakeBuilder(t));
      bp.push_back(builders.back().get());
    }
    std::vector<uint32_t> groups;
    for (int64_t g = 0; g < n; ++g) {
      for (const auto& v : sets_[g]) {
        TIDE_RETURN_IF_ERROR(DecodeRow(v, types_, bp));
        groups.push_back(static_cast<uint32_t>(g));
      }
    }
    std::vector<ArrayPtr> cols;
    std::vector<const ArrayData*> cp;
    for (auto& b : builders) cols.push_back(b->Finish());
    for (auto& c : cols) cp.push_back(c.get());
    inner_->Resize(n);
    TIDE_RETURN_IF_ERROR(inner_->Update(cp, groups.data(), static_cast<int64_t>(groups.size())));
    sets_.clear();
    return std::move(inner_);
  }
  int64_t MemoryBytes() const override { return bytes_ + static_cast<int64_t>(sets_.capacity() * 56); }

 private:
  std::unique_ptr<GroupedAggregate> inner_;
  std::vector<columnar::TypePtr> types_;
  std::vector<std::unordered_set<std::string>> sets_;
  EncodedRows enc_;
  int64_t bytes_ = 0;
};

}  // namespace

std::unique_ptr<GroupedAggregate> MakeDistinctAggregate(std::unique_ptr<GroupedAggregate> inner,
                                                        std::vector<columnar::TypePtr> in_types) {
  return std::unique_ptr<GroupedAggregate>(new DistinctAgg(std::move(inner), std::move(in_types)));
}

base::Result<std::unique_ptr<GroupedAggregate>> MakeComplexAggregate(const sql::AggregateCall& call,
                                                                     const std::vector<columnar::TypePtr>& in_types,
                                                                     QueryContext* /*ctx*/) {
  const std::string& f = call.function;
  if (in_types.empty()) return nullptr;
  if (f == "first" || f == "first_value" || f == "any_value") {
    return std::unique_ptr<GroupedAggregate>(new FirstLastAgg(call.type, false, LiteralBool(call, 1, false)));
  }
  if (f == "last" || f == "last_value") {
    return std::unique_ptr<GroupedAggregate>(new FirstLastAgg(call.type, true, LiteralBool(call, 1, false)));
  }
  if ((f == "max_by" || f == "min_by") && in_types.size() >= 2) {
    return std::unique_ptr<GroupedAggregate>(new MaxByAgg(call.type, f == "max_by"));
  }
  if (f == "collect_list" || f == "array_agg") return std::unique_ptr<GroupedAggregate>(new CollectAgg(call.type, false));
  if (f == "collect_set") return std::unique_ptr<GroupedAggregate>(new CollectAgg(call.type, true));
  if (f == "approx_count_distinct") {
    return std::unique_ptr<GroupedAggregate>(new ApproxDistinctAgg(LiteralDouble(call, 1, 0.05)));
  }
  if (f == "percentile_approx" || f == "approx_percentile") return MakePercentile(call, in_types[0]);
  if ((f == "percentile" || f == "median") && in_types[0]->id() == TypeId::kFloat64) {
    const double p = f == "median" ? 0.5 : LiteralDouble(call, 1, -1.0);
    if (!(p >= 0.0 && p <= 1.0)) {
      return base::Status::InvalidArgument("'" + call.sql + "': the percentage must be a constant between 0.0 and 1.0");
    }
    return std::unique_ptr<GroupedAggregate>(
        new PercentileAgg<double>(columnar::Float64(), in_types[0], std::vector<double>{p}, false, true));
  }
  return nullptr;
}

}  // namespace tide::exec::internal
