// Window functions.
//
// The input is materialized, sorted by (partition keys, order keys), and every function of the
// node is computed over the sorted rows partition by partition:
//   - ranking functions from partition and peer boundaries;
//   - lag/lead and first/last/nth_value as row indexes into the value column (one Take);
//   - aggregates over a frame: whole-partition frames once per partition (one grouped
//     aggregate with the partition as the group); sum/count/avg over any frame by prefix
//     sums and min/max over running frames by prefix extremes, in O(n); any other aggregate
//     and frame by feeding each row's frame rows to a grouped aggregate keyed by that row.
// Output rows come in sorted order (the plan asks for no particular order).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "columnar/builder.h"
#include "exec/aggregates/agg_util.h"
#include "exec/aggregates/aggregate.h"
#include "exec/operators/operators.h"
#include "exec/operators/row_codec.h"
#include "exec/operators/spill_partition.h"
#include "exec/spill.h"
#include "exec/vector_ops.h"

namespace tide::exec::internal {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::RecordBatch;
using columnar::TypeId;

namespace {

// Exact prefix sums of integer or decimal values: P[i] = v[0] + ... + v[i-1] as a 192-bit
// two's complement number hi * 2^128 + lo (lo unsigned). 128 bits are not enough: valid
// DECIMAL(38) values reach 10^38 - 1 > 2^126, so two of them already pass int128 (signed
// overflow, undefined), while a frame sum P[e] - P[s] may still fit. With 64 more bits no sum of
// fewer than 2^63 values can wrap, so every frame sum is exact and its overflow is a plain check
// of the difference; the cost is one add-with-carry per row.
struct WidePrefix {
  using U128 = unsigned __int128;
  std::vector<U128> lo;
  std::vector<int64_t> hi;

  // x[i] for rows where valid(i), 0 elsewhere.
  template <typename T, typename Valid>
  void Build(const T* x, int64_t n, Valid valid) {
    lo.assign(n + 1, 0);
    hi.assign(n + 1, 0);
    for (int64_t i = 0; i < n; ++i) {
      const __int128 v = valid(i) ? static_cast<__int128>(x[i]) : 0;
      const U128 l = lo[i] + static_cast<U128>(v);
      lo[i + 1] = l;
      hi[i + 1] = hi[i] + static_cast<int64_t>(l < lo[i]) - static_cast<int64_t>(v < 0);
    }
  }
  // P[e] - P[s] into *out; false when it does not fit int128.
  bool Range(int64_t s, int64_t e, __int128* out) const {
    const U128 l = lo[e] - lo[s];
    const int64_t h = hi[e] - hi[s] - static_cast<int64_t>(lo[e] < lo[s]);
    *out = static_cast<__int128>(l);
    return h == (*out < 0 ? -1 : 0);
  }
  double RangeDouble(int64_t s, int64_t e) const {
    __int128 r;
    if (Range(s, e, &r)) return static_cast<double>(r);
    const U128 l = lo[e] - lo[s];
    const int64_t h = hi[e] - hi[s] - static_cast<int64_t>(lo[e] < lo[s]);
    return std::ldexp(static_cast<double>(h), 128) + static_cast<double>(l);
  }
};

struct Bounds {
  int64_t n = 0;
  std::vector<int64_t> ps, pe;  // partition [ps, pe) of each row
  std::vector<int64_t> gs, ge;  // peer group [gs, ge) of each row
  std::vector<int64_t> part;    // partition index of each row
  int64_t num_parts = 0;
};

ArrayPtr IntResult(const columnar::TypePtr& type, const std::vector<int64_t>& v, const std::vector<uint8_t>* valid) {
  const int64_t n = static_cast<int64_t>(v.size());
  const uint8_t* vp = valid ? valid->data() : nullptr;
  if (type->id() == TypeId::kInt32) {
    std::vector<int32_t> w(v.begin(), v.end());
    return MakeFixedColumn<int32_t>(type, w.data(), n, vp);
  }
  return MakeFixedColumn<int64_t>(type->id() == TypeId::kInt64 ? type : columnar::Int64(), v.data(), n, vp);
}

// Order key value as a double (numeric, date, timestamp) for RANGE offsets.
bool KeyAsDouble(const ArrayData& a, int64_t i, double* out) {
  const double div = std::pow(10.0, a.type->id() == TypeId::kDecimal128 ? a.type->scale() : 0);
  bool ok = VisitNumeric(a, [&](const auto* v) { *out = static_cast<double>(v[i]) / div; });
  return ok;
}

struct Frames {
  std::vector<int64_t> fs, fe;
  bool whole = false;    // every frame is its whole partition
  bool running = false;  // every frame starts at its partition start
};

base::Result<Frames> ComputeFrames(const sql::WindowFrameSpec& spec, bool has_order, const Bounds& b,
                                   const std::vector<ArrayPtr>& order_cols, const std::vector<sql::SortKey>& order) {
  Frames f;
  const int64_t n = b.n;
  f.fs.resize(n);
  f.fe.resize(n);
  if (!has_order || (spec.start.unbounded && spec.end.unbounded)) {
    f.whole = true;
    f.running = true;
    for (int64_t i = 0; i < n; ++i) {
      f.fs[i] = b.ps[i];
      f.fe[i] = b.pe[i];
    }
    return f;
  }
  f.running = spec.start.unbounded;
  if (spec.unit == sql::FrameUnit::kRows) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t s = spec.start.unbounded ? b.ps[i] : std::clamp(i + spec.start.offset, b.ps[i], b.pe[i]);
      int64_t e = spec.end.unbounded ? b.pe[i] : std::clamp(i + spec.end.offset + 1, b.ps[i], b.pe[i]);
      if (e < s) e = s;
      f.fs[i] = s;
      f.fe[i] = e;
    }
    return f;
  }
  const bool offsets = (!spec.start.unbounded && spec.start.offset != 0) || (!spec.end.unbounded && spec.end.offset != 0);
  if (!offsets) {
    for (int64_t i = 0; i < n; ++i) {
      f.fs[i] = spec.start.unbounded ? b.ps[i] : b.gs[i];
      f.fe[i] = spec.end.unbounded ? b.pe[i] : b.ge[i];
    }
    return f;
  }
  if (order_cols.size() != 1) {
    return base::Status::InvalidArgument("a RANGE frame with offsets needs exactly one ORDER BY key");
  }
  const ArrayData& key = *order_cols[0];
  const bool asc = order[0].ascending;
  std::vector<double> k(n, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    if (!key.IsValid(i)) continue;
    double v = 0;
    if (!KeyAsDouble(key, i, &v)) {
      return base::Status::InvalidArgument("a RANGE frame with offsets needs a numeric, date or timestamp ORDER BY key, got " +
                                           key.type->ToString());
    }
    k[i] = asc ? v : -v;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (!key.IsValid(i)) {
      // Null keys: the frame is the null peers (or the partition end for unbounded ends).
      f.fs[i] = spec.start.unbounded ? b.ps[i] : b.gs[i];
      f.fe[i] = spec.end.unbounded ? b.pe[i] : b.ge[i];
      continue;
    }
    // The non-null section of this partition.
    int64_t lo = b.ps[i], hi = b.pe[i];
    while (lo < hi && !key.IsValid(lo)) ++lo;  // nulls first
    while (hi > lo && !key.IsValid(hi - 1)) --hi;  // nulls last
    const double* kb = k.data();
    if (spec.start.unbounded) {
      f.fs[i] = b.ps[i];
    } else {
      const double t = k[i] + static_cast<double>(spec.start.offset);
      f.fs[i] = std::lower_bound(kb + lo, kb + hi, t) - kb;
    }
    if (spec.end.unbounded) {
      f.fe[i] = b.pe[i];
    } else {
      const double t = k[i] + static_cast<double>(spec.end.offset);
      f.fe[i] = std::upper_bound(kb + lo, kb + hi, t) - kb;
    }
    if (f.fe[i] < f.fs[i]) f.fe[i] = f.fs[i];
  }
  return f;
}

class WindowComputer {
 public:
  WindowComputer(const sql::PlanNode& node, QueryContext* ctx, BatchPtr sorted, const Bounds& b,
                 std::vector<ArrayPtr> order_cols)
      : node_(node), ctx_(ctx), sorted_(std::move(sorted)), b_(b), order_cols_(std::move(order_cols)) {}

  base::Result<ArrayPtr> Compute(const sql::WindowCall& w) {
    const std::string& f = w.function;
    const int64_t n = b_.n;
    if (f == "row_number" || f == "rank" || f == "dense_rank" || f == "ntile") {
      std::vector<int64_t> out(n);
      int64_t dense = 0;
      int64_t k = 1;
      if (f == "ntile") {
        if (w.args.empty() || !w.args[0]->IsLiteral()) return base::Status::InvalidArgument("ntile needs a constant");
        double kd = 0;
        if (!KeyAsDouble(*w.args[0]->literal, 0, &kd) || kd <= 0) {
          return base::Status::InvalidArgument("ntile's argument must be positive in '" + w.sql + "'");
        }
        k = static_cast<int64_t>(kd);
      }
      for (int64_t i = 0; i < n; ++i) {
        const int64_t r = i - b_.ps[i];
        if (f == "row_number") {
          out[i] = r + 1;
        } else if (f == "rank") {
          out[i] = b_.gs[i] - b_.ps[i] + 1;
        } else if (f == "dense_rank") {
          if (i == b_.ps[i]) dense = 0;
          if (i == b_.gs[i]) ++dense;
          out[i] = dense;
        } else {
          const int64_t np = b_.pe[i] - b_.ps[i];
          const int64_t size = np / k, rem = np % k;
          if (r < rem * (size + 1)) {
            out[i] = r / (size + 1) + 1;
          } else {
            out[i] = size == 0 ? r + 1 : (r - rem * (size + 1)) / size + rem + 1;
          }
        }
      }
      return IntResult(w.type, out, nullptr);
    }
    if (f == "percent_rank" || f == "cume_dist") {
      std::vector<double> out(n);
      for (int64_t i = 0; i < n; ++i) {
        const double np = static_cast<double>(b_.pe[i] - b_.ps[i]);
        if (f == "percent_rank") {
          out[i] = np <= 1 ? 0.0 : static_cast<double>(b_.gs[i] - b_.ps[i]) / (np - 1);
        } else {
          out[i] = static_cast<double>(b_.ge[i] - b_.ps[i]) / np;
        }
      }
      return MakeFixedColumn<double>(columnar::Float64(), out.data(), n, nullptr);
    }
    if (f == "lag" || f == "lead") return LagLead(w);
    TIDE_ASSIGN_OR_RETURN(Frames fr, ComputeFrames(w.frame, !node_.order_by.empty(), b_, order_cols_, node_.order_by));
    if (f == "first_value" || f == "last_value" || f == "nth_value" ||
        ((f == "first" || f == "last") && !w.args.empty())) {
      return ValueInFrame(w, fr);
    }
    return AggregateOverFrames(w, fr);
  }

 private:
  base::Result<ArrayPtr> Arg(const sql::WindowCall& w, size_t i) {
    TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(w.args[i], ctx_));
    return e->Eval(*sorted_);
  }

  int64_t LiteralInt(const sql::WindowCall& w, size_t i, int64_t def) {
    if (w.args.size() <= i || !w.args[i]->IsLiteral() || w.args[i]->literal->IsNull(0)) return def;
    double d = static_cast<double>(def);
    KeyAsDouble(*w.args[i]->literal, 0, &d);
    return static_cast<int64_t>(d);
  }

  base::Result<ArrayPtr> LagLead(const sql::WindowCall& w) {
    if (w.args.empty()) return base::Status::InvalidArgument(w.function + " needs an argument");
    TIDE_ASSIGN_OR_RETURN(ArrayPtr v, Arg(w, 0));
    int64_t off = LiteralInt(w, 1, 1);
    if (w.function == "lag") off = -off;
    const int64_t n = b_.n;
    ArrayPtr src = v;
    bool has_default = w.args.size() > 2 && !w.args[2]->IsNullLiteral();
    if (has_default) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr d, Arg(w, 2));
      if (!d->type->Equals(*v->type)) return base::Status::Internal("lag/lead default of another type");
      TIDE_ASSIGN_OR_RETURN(src, Concatenate({v, d}));
    }
    std::vector<int32_t> idx(n, -1);
    if (!w.ignore_nulls) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t j = i + off;
        if (j >= b_.ps[i] && j < b_.pe[i]) {
          idx[i] = static_cast<int32_t>(j);
        } else if (has_default) {
          idx[i] = static_cast<int32_t>(n + i);
        }
      }
    } else {
      // Non-null positions per partition; the |off|-th one before/after row i.
      std::vector<int64_t> nn;
      for (int64_t p = 0; p < n;) {
        const int64_t pe = b_.pe[p];
        nn.clear();
        for (int64_t j = p; j < pe; ++j) {
          if (v->IsValid(j)) nn.push_back(j);
        }
        for (int64_t i = p; i < pe; ++i) {
          int64_t target = -1;
          if (off < 0) {
            auto it = std::lower_bound(nn.begin(), nn.end(), i);  // first >= i
            const int64_t before = it - nn.begin();
            if (before + off >= 0) target = nn[before + off];
          } else if (off > 0) {
            auto it = std::upper_bound(nn.begin(), nn.end(), i);  // first > i
            const int64_t at = (it - nn.begin()) + off - 1;
            if (at < static_cast<int64_t>(nn.size())) target = nn[at];
          } else {
            target = i;
          }
          if (target >= 0) {
            idx[i] = static_cast<int32_t>(target);
          } else if (has_default) {
            idx[i] = static_cast<int32_t>(n + i);
          }
        }
        p = pe;
      }
    }
    return Take(*src, idx.data(), n);
  }

  base::Result<ArrayPtr> ValueInFrame(const sql::WindowCall& w, const Frames& fr) {
    TIDE_ASSIGN_OR_RETURN(ArrayPtr v, Arg(w, 0));
    const int64_t n = b_.n;
    const std::string& f = w.function;
    bool ignore = w.ignore_nulls;
    if ((f == "first" || f == "last") && w.args.size() > 1 && w.args[1]->IsLiteral() &&
        w.args[1]->literal->type->id() == TypeId::kBoolean && w.args[1]->literal->IsValid(0)) {
      ignore = ignore || w.args[1]->literal->BoolValue(0);
    }
    const bool first = f == "first_value" || f == "first";
    const bool nth = f == "nth_value";
    const int64_t k = nth ? LiteralInt(w, 1, 1) : 1;
    if (nth && k < 1) return base::Status::InvalidArgument("nth_value's offset must be positive in '" + w.sql + "'");
    // prefix count of non-null values, and positions of non-nulls, for IGNORE NULLS.
    std::vector<int64_t> cnt(n + 1, 0), pos;
    for (int64_t i = 0; i < n; ++i) {
      cnt[i + 1] = cnt[i] + (v->IsValid(i) ? 1 : 0);
      if (v->IsValid(i)) pos.push_back(i);
    }
    std::vector<int32_t> idx(n, -1);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t s = fr.fs[i], e = fr.fe[i];
      if (s >= e) continue;
      if (!ignore) {
        if (nth) {
          if (s + k - 1 < e) idx[i] = static_cast<int32_t>(s + k - 1);
        } else {
          idx[i] = static_cast<int32_t>(first ? s : e - 1);
        }
        continue;
      }
      const int64_t avail = cnt[e] - cnt[s];
      if (avail == 0) continue;
      if (nth) {
        if (k <= avail) idx[i] = static_cast<int32_t>(pos[cnt[s] + k - 1]);
      } else {
        idx[i] = static_cast<int32_t>(first ? pos[cnt[s]] : pos[cnt[e] - 1]);
      }
    }
    return Take(*v, idx.data(), n);
  }

  // sum / count / avg over any frame by prefix sums; nullptr when not applicable.
  base::Result<ArrayPtr> PrefixAggregate(const sql::WindowCall& w, const Frames& fr) {
    const std::string& f = w.function;
    const int64_t n = b_.n;
    const bool star = f == "count_star" || (f == "count" && w.args.empty());
    if (w.distinct) return ArrayPtr();
    if (!(f == "sum" || f == "count" || f == "count_star" || f == "avg")) return ArrayPtr();
    ArrayPtr v;
    if (!star) {
      if (f == "count" && w.args.size() != 1) return ArrayPtr();
      TIDE_ASSIGN_OR_RETURN(v, Arg(w, 0));
    }
    std::vector<int64_t> cnt(n + 1, 0);
    for (int64_t i = 0; i < n; ++i) cnt[i + 1] = cnt[i] + ((star || v->IsValid(i)) ? 1 : 0);
    if (f == "count" || f == "count_star") {
      std::vector<int64_t> out(n);
      for (int64_t i = 0; i < n; ++i) out[i] = cnt[fr.fe[i]] - cnt[fr.fs[i]];
      return IntResult(w.type, out, nullptr);
    }
    const TypeId rt = w.type->id();
    const TypeId it = v->type->id();
    std::vector<uint8_t> valid(n);
    for (int64_t i = 0; i < n; ++i) valid[i] = cnt[fr.fe[i]] > cnt[fr.fs[i]];
    if (rt == TypeId::kFloat64 || rt == TypeId::kFloat32) {
      const bool dec_in = it == TypeId::kDecimal128;
      const bool int_in = !dec_in && it != TypeId::kFloat32 && it != TypeId::kFloat64;
      std::vector<double> out(n, 0.0);
      if (f == "avg" && (int_in || dec_in)) {
        // Exact integer prefix sums (see WidePrefix), divided at the end.
        WidePrefix ps;
        VisitNumeric(*v, [&](const auto* x) {
          using T = std::decay_t<decltype(x[0])>;
          if constexpr (!std::is_floating_point_v<T>) ps.Build(x, n, [&](int64_t i) { return v->IsValid(i); });
        });
        const double div = dec_in ? std::pow(10.0, v->type->scale()) : 1.0;
        for (int64_t i = 0; i < n; ++i) {
          if (!valid[i]) continue;
          out[i] = ps.RangeDouble(fr.fs[i], fr.fe[i]) / div / static_cast<double>(cnt[fr.fe[i]] - cnt[fr.fs[i]]);
        }
      } else {
        if (!fr.running) return ArrayPtr();  // sliding double sums: recompute exactly (generic path)
        std::vector<double> ps(n + 1, 0.0);
        const double div = it == TypeId::kDecimal128 ? std::pow(10.0, v->type->scale()) : 1.0;
        VisitNumeric(*v, [&](const auto* x) {
          for (int64_t i = 0; i < n; ++i) {
            if (i == b_.ps[i]) ps[i] = 0.0;  // restart per partition for exact running sums
            ps[i + 1] = ps[i] + (v->IsValid(i) ? static_cast<double>(x[i]) / div : 0.0);
          }
        });
        for (int64_t i = 0; i < n; ++i) {
          if (!valid[i]) continue;
          // Running frames start at the partition start, where the prefix restarted at 0.
          out[i] = ps[fr.fe[i]];
          if (f == "avg") out[i] /= static_cast<double>(cnt[fr.fe[i]] - cnt[fr.fs[i]]);
        }
      }
      if (rt == TypeId::kFloat32) {
        std::vector<float> o32(out.begin(), out.end());
        return MakeFixedColumn<float>(w.type, o32.data(), n, valid.data());
      }
      return MakeFixedColumn<double>(w.type, out.data(), n, valid.data());
    }
    if (rt == TypeId::kInt64 || rt == TypeId::kDecimal128) {
      if (it == TypeId::kFloat32 || it == TypeId::kFloat64) return ArrayPtr();
      WidePrefix ps;
      VisitNumeric(*v, [&](const auto* x) {
        using T = std::decay_t<decltype(x[0])>;
        if constexpr (!std::is_floating_point_v<T>) ps.Build(x, n, [&](int64_t i) { return v->IsValid(i); });
      });
      const bool ansi = ctx_->settings().ansi_mode;
      if (rt == TypeId::kInt64) {
        std::vector<int64_t> out(n, 0);
        for (int64_t i = 0; i < n; ++i) {
          if (!valid[i]) continue;
          __int128 s = 0;
          const bool fits = ps.Range(fr.fs[i], fr.fe[i], &s);  // always: 64-bit inputs
          if (!fits || s > INT64_MAX || s < INT64_MIN) {
            if (ansi) return base::Status::InvalidArgument("integer overflow in '" + w.sql + "'");
          }
          out[i] = static_cast<int64_t>(s);
        }
        return MakeFixedColumn<int64_t>(w.type, out.data(), n, valid.data());
      }
      // The same rules as the grouped SumDecimalAgg / AvgAgg: the exact frame sum (scaled to the
      // result) must fit 128 bits and the result precision, else ANSI mode fails the query and
      // without it the value is null.
      const bool avg = f == "avg";
      const int in_scale = it == TypeId::kDecimal128 ? v->type->scale() : 0;
      const __int128 mul = Pow10(std::max(0, w.type->scale() - in_scale));
      std::vector<__int128> out(n, 0);
      const __int128 lim = Pow10(w.type->precision());
      for (int64_t i = 0; i < n; ++i) {
        if (!valid[i]) continue;
        __int128 s = 0, r = 0;
        bool of = !ps.Range(fr.fs[i], fr.fe[i], &s);
        if (!of && avg) {
          // s * mul / c rounded, without forming s * mul (see AvgAgg::Finalize):
          // q * mul + round(rem * mul / c), rem having q's sign.
          const int64_t c = cnt[fr.fe[i]] - cnt[fr.fs[i]];
          const __int128 q = s / c, rem = s % c;
          __int128 qm = 0, rm = 0;
          of = __builtin_mul_overflow(q, mul, &qm) || __builtin_mul_overflow(rem, mul, &rm) ||
               __builtin_add_overflow(qm, DivRound(rm, c), &r);
        } else if (!of) {
          of = __builtin_mul_overflow(s, mul, &r);
        }
        if (of || r >= lim || r <= -lim) {
          if (ansi) {
            return base::Status::InvalidArgument("decimal overflow in '" + w.sql + "': the " +
                                                 (avg ? "average" : "sum") + " does not fit " + w.type->ToString());
          }
          valid[i] = 0;
          r = 0;
        }
        out[i] = r;
      }
      return MakeFixedColumn<__int128>(w.type, out.data(), n, valid.data());
    }
    return ArrayPtr();
  }

  base::Result<ArrayPtr> AggregateOverFrames(const sql::WindowCall& w, const Frames& fr) {
    const int64_t n = b_.n;
    sql::AggregateCall call;
    call.function = w.function;
    call.args = w.args;
    call.distinct = w.distinct;
    call.type = w.type;
    call.nullable = w.nullable;
    call.sql = w.sql;
    if (!fr.whole) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr fast, PrefixAggregate(w, fr));
      if (fast) return fast;
    }
    TIDE_ASSIGN_OR_RETURN(auto agg, MakeGroupedAggregate(call, ctx_));
    std::vector<ArrayPtr> args;
    for (int i : AggregateInputArgs(call)) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr a, Arg(w, static_cast<size_t>(i)));
      args.push_back(std::move(a));
    }
    if (fr.whole) {
      // One group per partition.
      agg->Resize(b_.num_parts);
      std::vector<uint32_t> g(n);
      for (int64_t i = 0; i < n; ++i) g[i] = static_cast<uint32_t>(b_.part[i]);
      std::vector<const ArrayData*> ap;
      for (auto& a : args) ap.push_back(a.get());
      TIDE_RETURN_IF_ERROR(agg->Update(ap, g.data(), n));
      TIDE_ASSIGN_OR_RETURN(ArrayPtr per_part, agg->Finalize(b_.num_parts));
      std::vector<int32_t> idx(n);
      for (int64_t i = 0; i < n; ++i) idx[i] = static_cast<int32_t>(b_.part[i]);
      return Take(*per_part, idx.data(), n);
    }
    // Each row is its own group fed with its frame's rows, in chunks of pairs.
    agg->Resize(n);
    std::vector<int32_t> rows;
    std::vector<uint32_t> groups;
    auto flush = [&]() -> base::Status {
      if (rows.empty()) return base::Status::OK();
      std::vector<ArrayPtr> taken;
      std::vector<const ArrayData*> ap;
      for (auto& a : args) taken.push_back(Take(*a, rows.data(), static_cast<int64_t>(rows.size())));
      for (auto& t : taken) ap.push_back(t.get());
      TIDE_RETURN_IF_ERROR(agg->Update(ap, groups.data(), static_cast<int64_t>(rows.size())));
      rows.clear();
      groups.clear();
      return ctx_->CheckCancelled();
    };
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = fr.fs[i]; j < fr.fe[i]; ++j) {
        rows.push_back(static_cast<int32_t>(j));
        groups.push_back(static_cast<uint32_t>(i));
      }
      if (rows.size() >= (1u << 20)) TIDE_RETURN_IF_ERROR(flush());
    }
    TIDE_RETURN_IF_ERROR(flush());
    return agg->Finalize(n);
  }

  const sql::PlanNode& node_;
  QueryContext* ctx_;
  BatchPtr sorted_;
  const Bounds& b_;
  std::vector<ArrayPtr> order_cols_;
};


constexpr const char* kWindowOp = "window";

bool IsWindowOverflow(const base::Status& s) {
  return s.code() == base::StatusCode::kResourceExhausted && s.message().rfind(kWindowOp, 0) == 0;
}

// Computes the node's window functions over `all` (every row of some set of partitions).
base::Result<BatchPtr> ComputeWindow(QueryContext* ctx, const sql::PlanNode& node, BatchPtr all) {
  const int64_t n = all->num_rows();
  const int64_t bytes = BatchBytes(*all) * 2;
  if (!ctx->memory().TryReserve(bytes)) {
    return base::Status::ResourceExhausted(std::string(kWindowOp) + ": memory limit of " + std::to_string(ctx->memory().limit()) +
                                           " bytes exceeded");
  }
  struct Release {
    QueryContext* ctx;
    int64_t bytes;
    ~Release() { ctx->memory().Release(bytes); }
  } release{ctx, bytes};

  std::vector<ArrayPtr> keys;
  std::vector<sql::SortKey> spec;
  const size_t np = node.partition_by.size();
  for (const auto& p : node.partition_by) {
    TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(p, ctx));
    TIDE_ASSIGN_OR_RETURN(ArrayPtr col, e->Eval(*all));
    keys.push_back(std::move(col));
    sql::SortKey k;
    k.expr = p;
    spec.push_back(k);
  }
  for (const auto& o : node.order_by) {
    TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(o.expr, ctx));
    TIDE_ASSIGN_OR_RETURN(ArrayPtr col, e->Eval(*all));
    keys.push_back(std::move(col));
    spec.push_back(o);
  }
  std::vector<int32_t> perm = SortPermutation(keys, spec, n, ctx);
  BatchPtr sorted = TakeBatch(*all, perm);
  all.reset();
  std::vector<ArrayPtr> skeys;
  for (auto& k : keys) skeys.push_back(Take(*k, perm.data(), n));
  keys.clear();
  std::vector<ArrayPtr> part_cols(skeys.begin(), skeys.begin() + np);
  std::vector<ArrayPtr> order_cols(skeys.begin() + np, skeys.end());

  Bounds b;
  b.n = n;
  b.ps.resize(n);
  b.pe.resize(n);
  b.gs.resize(n);
  b.ge.resize(n);
  b.part.resize(n);
  {
    EncodedRows pe, oe;
    std::vector<const ArrayData*> pp, op;
    for (auto& p : part_cols) pp.push_back(p.get());
    for (auto& o : order_cols) op.push_back(o.get());
    EncodeRows(pp, n, &pe);
    EncodeRows(op, n, &oe);
    int64_t start = 0, gstart = 0, part = -1;
    for (int64_t i = 0; i < n; ++i) {
      const bool new_part = i == 0 || pe.row(i) != pe.row(i - 1);
      if (new_part) {
        start = i;
        ++part;
      }
      if (new_part || oe.row(i) != oe.row(i - 1)) gstart = i;
      b.ps[i] = start;
      b.gs[i] = gstart;
      b.part[i] = part;
    }
    b.num_parts = part + 1;
    int64_t end = n, gend = n;
    for (int64_t i = n - 1; i >= 0; --i) {
      if (i + 1 < n && b.ps[i + 1] != b.ps[i]) end = i + 1;
      if (i + 1 < n && b.gs[i + 1] != b.gs[i]) gend = i + 1;
      b.pe[i] = end;
      b.ge[i] = gend;
    }
  }
  WindowComputer wc(node, ctx, sorted, b, order_cols);
  std::vector<ArrayPtr> cols = sorted->columns();
  for (const auto& w : node.windows) {
    TIDE_RETURN_IF_ERROR(ctx->CheckCancelled());
    TIDE_ASSIGN_OR_RETURN(ArrayPtr col, wc.Compute(w));
    cols.push_back(std::move(col));
  }
  return std::make_shared<RecordBatch>(node.schema, std::move(cols), n);
}

}  // namespace

namespace {

// row_number / rank / dense_rank over the input sorted (by the spilling sort) by partition and
// order keys, one batch after another with the counters carried across batches.
class RankingTransform final : public Transform {
 public:
  RankingTransform(const sql::PlanNode* node, QueryContext* ctx) : node_(node), ctx_(ctx) {}
  base::Status Init() {
    for (const auto& p : node_->partition_by) {
      TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(p, ctx_));
      part_.push_back(std::move(e));
    }
    for (const auto& o : node_->order_by) {
      TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(o.expr, ctx_));
      order_.push_back(std::move(e));
    }
    return base::Status::OK();
  }
  base::Status Push(BatchPtr batch, const Emit& emit) override {
    const int64_t n = batch->num_rows();
    std::vector<ArrayPtr> pc, oc;
    std::vector<const ArrayData*> pp, op;
    for (auto& e : part_) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr a, e->Eval(*batch));
      pc.push_back(std::move(a));
    }
    for (auto& e : order_) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr a, e->Eval(*batch));
      oc.push_back(std::move(a));
    }
    for (auto& a : pc) pp.push_back(a.get());
    for (auto& a : oc) op.push_back(a.get());
    EncodedRows pe, oe;
    EncodeRows(pp, n, &pe);
    EncodeRows(op, n, &oe);
    std::vector<int64_t> rn(n), rk(n), dr(n);
    for (int64_t i = 0; i < n; ++i) {
      const bool new_part = !started_ || pe.row(i) != prev_part_;
      const bool new_peer = new_part || oe.row(i) != prev_order_;
      if (new_part) {
        row_ = 0;
        rank_ = 0;
        dense_ = 0;
      }
      ++row_;
      if (new_peer) {
        rank_ = row_;
        ++dense_;
      }
      rn[i] = row_;
      rk[i] = rank_;
      dr[i] = dense_;
      if (new_part) prev_part_.assign(pe.row(i));
      if (new_peer) prev_order_.assign(oe.row(i));
      started_ = true;
    }
    std::vector<ArrayPtr> cols = batch->columns();
    for (const auto& w : node_->windows) {
      cols.push_back(IntResult(w.type, w.function == "row_number" ? rn : (w.function == "rank" ? rk : dr), nullptr));
    }
    return emit(std::make_shared<RecordBatch>(node_->schema, std::move(cols), n));
  }

 private:
  const sql::PlanNode* node_;
  QueryContext* ctx_;
  std::vector<std::unique_ptr<ExprEval>> part_, order_;
  bool started_ = false;
  std::string prev_part_, prev_order_;
  int64_t row_ = 0, rank_ = 0, dense_ = 0;
};

base::Result<Stream> StreamingRanking(Compiler& c, const sql::PlanNode& node) {
  auto sort = std::make_shared<sql::PlanNode>();
  sort->kind = sql::PlanKind::kSort;
  sort->children = node.children;
  sort->schema = node.children[0]->schema;
  for (const auto& p : node.partition_by) {
    sql::SortKey k;
    k.expr = p;
    sort->sort_keys.push_back(k);
  }
  for (const auto& o : node.order_by) sort->sort_keys.push_back(o);
  TIDE_ASSIGN_OR_RETURN(Stream st, c.Compile(sort));
  if (!st.ordered) return base::Status::Internal("window: sorted input expected");
  const sql::PlanNode* np = &node;
  QueryContext* ctx = c.ctx();
  st.transforms.push_back([np, ctx]() -> base::Result<std::unique_ptr<Transform>> {
    auto t = std::make_unique<RankingTransform>(np, ctx);
    TIDE_RETURN_IF_ERROR(t->Init());
    return std::unique_ptr<Transform>(std::move(t));
  });
  st.schema = node.schema;
  return st;
}

}  // namespace

namespace {

base::Result<SpillPartitions> PartitionWindowInput(QueryContext* ctx, const sql::PlanNode& node, const Stream& input,
                                                   int depth) {
  PartitionSpec ps;
  ps.ctx = ctx;
  ps.tag = "window";
  ps.num_partitions = 32;
  ps.seed = 7 + static_cast<uint64_t>(depth);
  ps.keys = node.partition_by;
  return SpillStreamPartitioned(input, ps);
}

// Computes one spilled partition; one that still does not fit is partitioned again (with
// another hash seed) and computed piece by piece.
base::Status WindowPartition(QueryContext* ctx, const sql::PlanNode& node, const SpillPartitions& parts, int p,
                             int64_t bs, int depth, const Emit& emit) {
  if (parts.rows[p] == 0) return base::Status::OK();
  std::vector<BatchPtr> batches;
  TIDE_RETURN_IF_ERROR(ReadSpillFiles(parts.files[p], parts.schema, bs, &batches));
  TIDE_ASSIGN_OR_RETURN(BatchPtr all, ConcatAll(node.children[0]->schema, batches));
  batches.clear();
  auto res = ComputeWindow(ctx, node, std::move(all));
  if (res.ok()) {
    for (auto& piece : SplitBatch(*res, bs)) TIDE_RETURN_IF_ERROR(emit(std::move(piece)));
    return base::Status::OK();
  }
  if (!IsWindowOverflow(res.status()) || depth >= 3) {
    return base::Status::ResourceExhausted(res.status().message() + " (in a spilled partition of " +
                                           std::to_string(parts.rows[p]) + " rows)");
  }
  TIDE_ASSIGN_OR_RETURN(SpillPartitions sub, PartitionWindowInput(ctx, node, PartitionStream(parts, p, bs), depth + 1));
  for (int q = 0; q < sub.num_partitions; ++q) TIDE_RETURN_IF_ERROR(WindowPartition(ctx, node, sub, q, bs, depth + 1, emit));
  return base::Status::OK();
}

}  // namespace

// Window partitions are independent: past the memory limit the input goes to partition files
// by a hash of the PARTITION BY keys and each file is computed as one task.
base::Result<Stream> CompileWindow(Compiler& c, const sql::PlanNode& node) {
  QueryContext* ctx = c.ctx();
  const auto& in_schema = node.children[0]->schema;
  TIDE_ASSIGN_OR_RETURN(Stream input, c.Compile(node.children[0]));
  base::Status st;
  {
    auto batches = CollectStream(input, ctx, kWindowOp);
    if (batches.ok()) {
      TIDE_ASSIGN_OR_RETURN(BatchPtr all, ConcatAll(in_schema, *batches));
      batches->clear();
      auto out = ComputeWindow(ctx, node, std::move(all));
      if (out.ok()) return MaterializedStream(node.schema, {*out}, c.batch_size(), false);
      st = out.status();
    } else {
      st = batches.status();
    }
  }
  if (!IsWindowOverflow(st)) return st;
  bool streamable = true;
  for (const auto& w : node.windows) {
    streamable &= w.function == "row_number" || w.function == "rank" || w.function == "dense_rank";
  }
  if (streamable) return StreamingRanking(c, node);
  if (node.partition_by.empty()) {
    return base::Status::ResourceExhausted(st.message() + "; a window without PARTITION BY cannot spill");
  }
  TIDE_ASSIGN_OR_RETURN(Stream again, c.Compile(node.children[0]));
  const int64_t bs = c.batch_size();
  const sql::PlanNode* np = &node;
  TIDE_ASSIGN_OR_RETURN(SpillPartitions parts, PartitionWindowInput(ctx, node, again, 1));
  auto shared = std::make_shared<SpillPartitions>(std::move(parts));
  Stream out;
  out.schema = node.schema;
  out.source.num_tasks = shared->num_partitions;
  out.source.run = [shared, ctx, np, bs](int64_t p, const Emit& emit) -> base::Status {
    return WindowPartition(ctx, *np, *shared, static_cast<int>(p), bs, 1, emit);
  };
  return out;
}

}  // namespace tide::exec::internal
