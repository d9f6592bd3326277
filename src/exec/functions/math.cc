// Math kernels: rounding (HALF_UP round, HALF_EVEN bround, on doubles and decimals),
// ceil/floor, the libm functions, log with a base, sign, pi/e, isnan, width_bucket, factorial.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "exec/cast.h"
#include "exec/functions/binary_loop.h"
#include "exec/functions/registry_internal.h"

namespace tide::exec::fn {

namespace {

using Args = std::vector<KernelArg>;

KernelFunction UnaryDouble(double (*f)(double)) {
  return [f](KernelContext& c, const Args& a, int64_t n) {
    return UnaryFixedLoop<double, double>(c, a, n, columnar::Float64(), [f](double x, double* r) {
      *r = f(x);
      return true;
    }, "");
  };
}

// Logarithms are null outside their domain, as Spark (log(0) is null).
KernelFunction LogKernel(double (*f)(double), double min_exclusive) {
  return [f, min_exclusive](KernelContext& c, const Args& a, int64_t n) {
    return MapRowsFixed<double>(c, a, n, columnar::Float64(), [&](int64_t i, double* out, base::Status*) {
      double x = ValAt<double>(a[0], i);
      if (!(x > min_exclusive)) return false;
      *out = f(x);
      return true;
    });
  };
}

// Rounds the decimal expansion of x (its shortest round-trip text, as Spark's
// BigDecimal(x.toString)) at `scale` digits.
double RoundDouble(double x, int scale, bool half_even) {
  if (!std::isfinite(x)) return x;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", x);
  // Prefer the shortest representation that round-trips.
  for (int prec = 1; prec <= 17; ++prec) {
    char b2[64];
    std::snprintf(b2, sizeof(b2), "%.*g", prec, x);
    if (std::strtod(b2, nullptr) == x) {
      std::snprintf(buf, sizeof(buf), "%s", b2);
      break;
    }
  }
  long double m = std::pow(10.0L, scale);
  long double v = std::strtold(buf, nullptr) * m;
  long double f = std::floor(v);
  long double diff = v - f;
  long double r;
  const long double eps = 1e-9L * std::max<long double>(1, std::fabs(v));
  if (std::fabs(diff - 0.5L) <= eps) {
    if (half_even) {
      r = std::fmod(f, 2.0L) == 0 ? f : f + 1;
    } else {
      r = v < 0 ? f : f + 1;  // HALF_UP rounds away from zero
    }
  } else {
    r = diff > 0.5L ? f + 1 : f;
  }
  return static_cast<double>(r / m);
}

__int128 RoundDecimal(__int128 v, int drop, bool half_even) {
  if (drop <= 0) return v;
  if (drop > 38) return 0;
  __int128 p = Pow10(drop);
  __int128 q = v / p, rem = v % p;
  __int128 ar = rem < 0 ? -rem : rem;
  bool up = half_even ? (ar * 2 > p || (ar * 2 == p && (q % 2 != 0))) : ar * 2 >= p;
  if (up) q += v < 0 ? -1 : 1;
  return q;
}

int64_t IntValue(const KernelArg& a, int64_t i) {
  switch (a.data().type->id()) {
    case TypeId::kInt8: return ValAt<int8_t>(a, i);
    case TypeId::kInt16: return ValAt<int16_t>(a, i);
    case TypeId::kInt32: return ValAt<int32_t>(a, i);
    default: return ValAt<int64_t>(a, i);
  }
}

// round / bround (x [, d]).
KernelFactory RoundFactory(bool half_even) {
  return [half_even](const sql::BoundExpr& call, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    const TypePtr in = call.args[0]->type;
    const TypePtr out = call.type;
    return MakeFunctionKernel([=](KernelContext& ctx, const Args& a, int64_t n) -> base::Result<ArrayPtr> {
      auto scale = [&](int64_t i) { return a.size() > 1 ? ValAt<int32_t>(a[1], i) : 0; };
      switch (in->id()) {
        case TypeId::kFloat64:
          return MapRowsFixed<double>(ctx, a, n, out, [&](int64_t i, double* o, base::Status*) {
            *o = RoundDouble(ValAt<double>(a[0], i), scale(i), half_even);
            return true;
          });
        case TypeId::kFloat32:
          return MapRowsFixed<float>(ctx, a, n, out, [&](int64_t i, float* o, base::Status*) {
            *o = static_cast<float>(RoundDouble(ValAt<float>(a[0], i), scale(i), half_even));
            return true;
          });
        case TypeId::kDecimal128: {
          const int s = in->scale(), os = out->scale();
          const __int128 bound = Pow10(out->precision());
          return MapRowsFixed<__int128>(ctx, a, n, out, [&](int64_t i, __int128* o, base::Status* err) {
            // Round to d digits (d < 0 rounds left of the point), then express at scale os.
            const int drop = s - scale(i);
            __int128 r = RoundDecimal(ValAt<__int128>(a[0], i), drop, half_even);
            int at = drop > 0 ? s - drop : s;  // the scale r is at
            if (at < 0) {
              r *= Pow10(-at);
              at = 0;
            }
            if (at < os) r *= Pow10(os - at);
            if (at > os) r = RoundDecimal(r, at - os, half_even);
            if (!(r < bound && r > -bound)) {
              if (ctx.ansi) *err = ctx.Error("arithmetic overflow");
              return false;
            }
            *o = r;
            return true;
          });
        }
        case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64: {
          // Integral values change only at negative scales (round(1250, -2) = 1300).
          TIDE_ASSIGN_OR_RETURN(ArrayPtr wide, (MapRowsFixed<int64_t>(ctx, a, n, columnar::Int64(), [&](int64_t i, int64_t* o, base::Status*) {
            const int d = scale(i);
            const int64_t v = IntValue(a[0], i);
            *o = d >= 0 ? v : static_cast<int64_t>(RoundDecimal(v, -d, half_even) * Pow10(-d));
            return true;
          })));
          if (out->id() == TypeId::kInt64) return wide;
          return CastArray(ctx, *wide, out);
        }
        default:
          return base::Status::Unsupported("round of " + in->ToString());
      }
    });
  };
}

// ceil / floor: doubles -> BIGINT; decimals -> DECIMAL(p - s + 1, 0); integral -> BIGINT.
KernelFactory CeilFloorFactory(bool ceil) {
  return [ceil](const sql::BoundExpr& call, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    const TypePtr in = call.args[0]->type;
    const TypePtr out = call.type;
    return MakeFunctionKernel([=](KernelContext& ctx, const Args& a, int64_t n) -> base::Result<ArrayPtr> {
      if (in->id() == TypeId::kDecimal128) {
        const int s = in->scale();
        const __int128 p = Pow10(s);
        return UnaryFixedLoop<__int128, __int128>(ctx, a, n, out, [=](__int128 v, __int128* r) {
          __int128 q = v / p, rem = v % p;
          if (rem != 0 && (ceil ? v > 0 : v < 0)) q += ceil ? 1 : -1;
          *r = q;
          return true;
        }, "arithmetic overflow");
      }
      if (in->id() == TypeId::kInt64) return ArgColumn(a[0], n);
      return UnaryFixedLoop<double, int64_t>(ctx, a, n, out, [=](double v, int64_t* r) {
        double x = ceil ? std::ceil(v) : std::floor(v);
        if (std::isnan(x)) {
          *r = 0;
          return true;
        }
        if (x >= 9.2233720368547758e18) {
          *r = std::numeric_limits<int64_t>::max();
        } else if (x <= -9.2233720368547758e18) {
          *r = std::numeric_limits<int64_t>::min();
        } else {
          *r = static_cast<int64_t>(x);
        }
        return true;
      }, "");
    });
  };
}

KernelFunction BinaryDouble(double (*f)(double, double)) {
  return [f](KernelContext& c, const Args& a, int64_t n) {
    return BinaryFixedLoop<double, double, double>(c, a, n, columnar::Float64(), [f](double x, double y, double* r) {
      *r = f(x, y);
      return true;
    }, "");
  };
}

base::Result<ArrayPtr> Log(KernelContext& c, const Args& a, int64_t n) {
  if (a.size() == 1) return LogKernel(static_cast<double (*)(double)>(std::log), 0)(c, a, n);
  return MapRowsFixed<double>(c, a, n, columnar::Float64(), [&](int64_t i, double* out, base::Status*) {
    double b = ValAt<double>(a[0], i), x = ValAt<double>(a[1], i);
    if (!(b > 0) || !(x > 0)) return false;
    *out = std::log(x) / std::log(b);
    return true;
  });
}

double Sign(double x) { return std::isnan(x) ? x : (x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0)); }
double Cot(double x) { return 1.0 / std::tan(x); }
double Sec(double x) { return 1.0 / std::cos(x); }
double Csc(double x) { return 1.0 / std::sin(x); }
double Degrees(double x) { return x * 180.0 / M_PI; }
double Radians(double x) { return x * M_PI / 180.0; }
double Pow(double x, double y) { return std::pow(x, y); }
double Atan2(double y, double x) { return std::atan2(y, x); }
double Hypot(double x, double y) { return std::hypot(x, y); }

KernelFunction Constant(double v) {
  return [v](KernelContext& c, const Args& a, int64_t n) {
    return MapRowsFixed<double>(c, a, n, columnar::Float64(), [v](int64_t, double* out, base::Status*) {
      *out = v;
      return true;
    });
  };
}

base::Result<ArrayPtr> IsNan(KernelContext& c, const Args& a, int64_t n) {
  return MapRowsBool(c, a, n, [&](int64_t i, bool* out, base::Status*) {
    *out = !a[0].IsNull(i) && std::isnan(ValAt<double>(a[0], i));
    return true;
  }, false);
}

// width_bucket(v, min, max, n): Spark's bucket number in 0..n+1.
base::Result<ArrayPtr> WidthBucket(KernelContext& c, const Args& a, int64_t n) {
  return MapRowsFixed<int64_t>(c, a, n, columnar::Int64(), [&](int64_t i, int64_t* out, base::Status*) {
    double v = ValAt<double>(a[0], i), lo = ValAt<double>(a[1], i), hi = ValAt<double>(a[2], i);
    int64_t k = ValAt<int64_t>(a[3], i);
    if (k <= 0 || lo == hi || std::isnan(v) || std::isnan(lo) || std::isnan(hi) || !std::isfinite(lo) || !std::isfinite(hi)) {
      return false;
    }
    if (lo < hi) {
      if (v < lo) *out = 0;
      else if (v >= hi) *out = k + 1;
      else *out = static_cast<int64_t>(static_cast<double>(k) * (v - lo) / (hi - lo)) + 1;
    } else {
      if (v > lo) *out = 0;
      else if (v <= hi) *out = k + 1;
      else *out = static_cast<int64_t>(static_cast<double>(k) * (lo - v) / (lo - hi)) + 1;
    }
    return true;
  });
}

base::Result<ArrayPtr> Factorial(KernelContext& c, const Args& a, int64_t n) {
  return MapRowsFixed<int64_t>(c, a, n, columnar::Int64(), [&](int64_t i, int64_t* out, base::Status*) {
    int32_t k = ValAt<int32_t>(a[0], i);
    if (k < 0 || k > 20) return false;
    int64_t f = 1;
    for (int j = 2; j <= k; ++j) f *= j;
    *out = f;
    return true;
  });
}

}  // namespace

void RegisterMathKernels(KernelRegistry* r) {
  r->Add("round", RoundFactory(false));
  r->Add("bround", RoundFactory(true));
  r->Add("ceil", CeilFloorFactory(true));
  r->Add("floor", CeilFloorFactory(false));
  r->AddFn("sqrt", UnaryDouble(std::sqrt));
  r->AddFn("cbrt", UnaryDouble(std::cbrt));
  r->AddFn("exp", UnaryDouble(std::exp));
  r->AddFn("expm1", UnaryDouble(std::expm1));
  r->AddFn("ln", LogKernel(std::log, 0));
  r->AddFn("log10", LogKernel(std::log10, 0));
  r->AddFn("log2", LogKernel(std::log2, 0));
  r->AddFn("log1p", LogKernel(std::log1p, -1));
  r->AddFn("log", Log);
  r->AddFn("sin", UnaryDouble(std::sin));
  r->AddFn("cos", UnaryDouble(std::cos));
  r->AddFn("tan", UnaryDouble(std::tan));
  r->AddFn("asin", UnaryDouble(std::asin));
  r->AddFn("acos", UnaryDouble(std::acos));
  r->AddFn("atan", UnaryDouble(std::atan));
  r->AddFn("sinh", UnaryDouble(std::sinh));
  r->AddFn("cosh", UnaryDouble(std::cosh));
  r->AddFn("tanh", UnaryDouble(std::tanh));
  r->AddFn("cot", UnaryDouble(Cot));
  r->AddFn("sec", UnaryDouble(Sec));
  r->AddFn("csc", UnaryDouble(Csc));
  r->AddFn("rint", UnaryDouble(std::rint));
  r->AddFn("degrees", UnaryDouble(Degrees));
  r->AddFn("radians", UnaryDouble(Radians));
  r->AddFn("sign", UnaryDouble(Sign));
  r->AddFn("pow", BinaryDouble(Pow));
  r->AddFn("atan2", BinaryDouble(Atan2));
  r->AddFn("hypot", BinaryDouble(Hypot));
  r->AddFn("pi", Constant(M_PI));
  r->AddFn("e", Constant(M_E));
  r->AddFn("isnan", IsNan);
  r->AddFn("width_bucket", WidthBucket);
  r->AddFn("factorial", Factorial);
}

}  // namespace tide::exec::fn
