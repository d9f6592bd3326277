// Arithmetic kernels: + - * / % pmod div, unary minus, abs, bit operations and shifts over
// the integral types, FLOAT/DOUBLE and DECIMAL (int128 unscaled values, Spark's result
// precision from the function catalog, rounding half-up, overflow checked).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "exec/functions/binary_loop.h"
#include "exec/functions/registry_internal.h"

namespace tide::exec::fn {

namespace {

enum class Op { kAdd, kSub, kMul, kDiv, kMod, kPmod, kIntDiv };

constexpr const char* kOverflow = "arithmetic overflow";
constexpr const char* kDivZero = "division by zero";

bool IsTry(const sql::BoundExpr& call) { return call.function.rfind("try_", 0) == 0; }

KernelFactory WithAnsi(std::function<base::Result<KernelFunction>(const sql::BoundExpr&)> make) {
  return [make = std::move(make)](const sql::BoundExpr& call, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    TIDE_ASSIGN_OR_RETURN(KernelFunction f, make(call));
    return MakeFunctionKernel(std::move(f));
  };
}

template <typename T>
KernelFunction IntegralOp(Op op, const TypePtr& type) {
  switch (op) {
    case Op::kAdd:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        if (c.legacy()) {
          return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) { __builtin_add_overflow(x, y, r); return true; }, kOverflow);
        }
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) { return !__builtin_add_overflow(x, y, r); }, kOverflow);
      };
    case Op::kSub:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        if (c.legacy()) {
          return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) { __builtin_sub_overflow(x, y, r); return true; }, kOverflow);
        }
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) { return !__builtin_sub_overflow(x, y, r); }, kOverflow);
      };
    case Op::kMul:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        if (c.legacy()) {
          return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) { __builtin_mul_overflow(x, y, r); return true; }, kOverflow);
        }
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) { return !__builtin_mul_overflow(x, y, r); }, kOverflow);
      };
    case Op::kMod:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) {
          if (y == 0) return false;
          *r = y == -1 ? T{0} : static_cast<T>(x % y);
          return true;
        }, kDivZero);
      };
    case Op::kPmod:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) {
          if (y == 0) return false;
          if (y == -1) {
            *r = 0;
            return true;
          }
          T m = static_cast<T>(x % y);
          if (m < 0) m = static_cast<T>((m + y) % y);
          *r = m;
          return true;
        }, kDivZero);
      };
    case Op::kIntDiv:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, int64_t>(c, a, n, type, [](T x, T y, int64_t* r) {
          if (y == 0) return false;
          if (y == -1) return !__builtin_sub_overflow(int64_t{0}, static_cast<int64_t>(x), r);
          *r = static_cast<int64_t>(x / y);
          return true;
        }, kDivZero);
      };
    case Op::kDiv:
      break;
  }
  return nullptr;
}

template <typename T>
KernelFunction FloatOp(Op op, const TypePtr& type) {
  switch (op) {
    case Op::kAdd:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) { *r = x + y; return true; }, kOverflow);
      };
    case Op::kSub:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) { *r = x - y; return true; }, kOverflow);
      };
    case Op::kMul:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) { *r = x * y; return true; }, kOverflow);
      };
    case Op::kDiv:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) {
          *r = y == 0 ? T{0} : x / y;
          return y != 0;
        }, kDivZero);
      };
    case Op::kMod:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) {
          *r = y == 0 ? T{0} : std::fmod(x, y);
          return y != 0;
        }, kDivZero);
      };
    case Op::kPmod:
      return [type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, type, [](T x, T y, T* r) {
          if (y == 0) {
            *r = 0;
            return false;
          }
          T m = std::fmod(x, y);
          if (m < 0) m = std::fmod(m + y, y);
          *r = m;
          return true;
        }, kDivZero);
      };
    case Op::kIntDiv:
      break;
  }
  return nullptr;
}

// Decimal operands at scales s1, s2; result precision p and scale s.
KernelFunction DecimalOp(Op op, int p1, int s1, int p2, int s2, int p, int s, const TypePtr& type) {
  using I = __int128;
  const I bound = Pow10(p);
  const int cs = std::max(s1, s2);
  const I ma = Pow10(cs - s1), mb = Pow10(cs - s2);
  switch (op) {
    case Op::kAdd:
    case Op::kSub: {
      const bool sub = op == Op::kSub;
      const int down = cs - s;
      if (down == 0 && std::max(p1 - s1, p2 - s2) + cs + 1 <= p && p <= 38) {
        // The result type holds every sum of the operands: no checks. The operand at the
        // common scale already (multiplier 1) is not multiplied: a 128-bit multiply per row
        // is most of the work of `1 - l_discount`.
        if (mb == 1) {
          return [=](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
            return BinaryFixedLoop<I, I, I>(c, a, n, type, [=](I x, I y, I* r) {
              *r = sub ? x * ma - y : x * ma + y;
              return true;
            }, kOverflow);
          };
        }
        if (ma == 1) {
          return [=](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
            return BinaryFixedLoop<I, I, I>(c, a, n, type, [=](I x, I y, I* r) {
              *r = sub ? x - y * mb : x + y * mb;
              return true;
            }, kOverflow);
          };
        }
        return [=](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
          return BinaryFixedLoop<I, I, I>(c, a, n, type, [=](I x, I y, I* r) {
            *r = sub ? x * ma - y * mb : x * ma + y * mb;
            return true;
          }, kOverflow);
        };
      }
      return [=](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<I, I, I>(c, a, n, type, [=](I x, I y, I* r) {
          I xa, yb, t;
          bool of = __builtin_mul_overflow(x, ma, &xa) | __builtin_mul_overflow(y, mb, &yb);
          of |= sub ? __builtin_sub_overflow(xa, yb, &t) : __builtin_add_overflow(xa, yb, &t);
          if (down > 0) t = RescaleDown(t, down);
          *r = t;
          return !of && t < bound && t > -bound;
        }, kOverflow);
      };
    }
    case Op::kMul: {
      const int down = s1 + s2 - s;
      if (down == 0 && p1 <= 18 && p2 <= 18 && p1 + p2 <= p) {
        // Both operands fit in int64 and the product cannot pass the result's precision:
        // one 64x64->128 multiply per row, no checks (TPC-H's price * (1 - discount)).
        return [=](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
          return BinaryFixedLoop<I, I, I>(c, a, n, type, [](I x, I y, I* r) {
            *r = static_cast<I>(static_cast<int64_t>(x)) * static_cast<int64_t>(y);
            return true;
          }, kOverflow);
        };
      }
      return [=](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<I, I, I>(c, a, n, type, [=](I x, I y, I* r) {
          I t;
          bool of = false;
          const int64_t xl = static_cast<int64_t>(x), yl = static_cast<int64_t>(y);
          if (xl == x && yl == y) {
            // Wide types holding small values (TPC-H's charge, DECIMAL(32, 4) times
            // DECIMAL(16, 2)): one 64x64->128 multiply, which cannot overflow.
            t = static_cast<I>(xl) * yl;
          } else {
            of = __builtin_mul_overflow(x, y, &t);
          }
          if (down > 0) t = RescaleDown(t, down);
          *r = t;
          return !of && t < bound && t > -bound;
        }, kOverflow);
      };
    }
    case Op::kDiv: {
      // x / y at scale s: x * 10^(s - s1 + s2) / y, rounded half-up.
      const int k = s - s1 + s2;
      const I mk = Pow10(k >= 0 ? k : 0);
      const int kd = k < 0 ? -k : 0;
      return [=](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<I, I, I>(c, a, n, type, [=](I x, I y, I* r) {
          if (y == 0) {
            *r = 0;
            return false;
          }
          I num;
          bool of = __builtin_mul_overflow(x, mk, &num);
          I q = num / y, rem = num % y;
          if (rem < 0) rem = -rem;
          I ay = y < 0 ? -y : y;
          if (rem >= ay - rem) q += ((num < 0) != (y < 0)) ? -1 : 1;
          if (kd > 0) q = RescaleDown(q, kd);
          *r = q;
          return !of && q < bound && q > -bound;
        }, kDivZero);
      };
    }
    case Op::kMod:
    case Op::kPmod: {
      const bool pmod = op == Op::kPmod;
      const int down = cs - s;
      return [=](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<I, I, I>(c, a, n, type, [=](I x, I y, I* r) {
          I xa, yb;
          bool of = __builtin_mul_overflow(x, ma, &xa) | __builtin_mul_overflow(y, mb, &yb);
          if (yb == 0) {
            *r = 0;
            return false;
          }
          I m = xa % yb;
          if (pmod && m < 0) m = (m + yb) % yb;
          if (down > 0) m = RescaleDown(m, down);
          *r = m;
          return !of;
        }, kDivZero);
      };
    }
    case Op::kIntDiv:
      return [=](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<I, I, int64_t>(c, a, n, type, [=](I x, I y, int64_t* r) {
          I xa, yb;
          bool of = __builtin_mul_overflow(x, ma, &xa) | __builtin_mul_overflow(y, mb, &yb);
          if (yb == 0) {
            *r = 0;
            return false;
          }
          I q = xa / yb;
          *r = static_cast<int64_t>(q);
          return !of && q <= std::numeric_limits<int64_t>::max() && q >= std::numeric_limits<int64_t>::min();
        }, kDivZero);
      };
  }
  return nullptr;
}

base::Result<KernelFunction> ArithKernel(Op op, const sql::BoundExpr& call) {
  const TypePtr& t = call.type;
  const TypePtr& a0 = call.args[0]->type;
  const TypePtr& a1 = call.args[1]->type;
  if (a0->id() == TypeId::kDecimal128 && a1->id() == TypeId::kDecimal128) {
    int p = t->id() == TypeId::kDecimal128 ? t->precision() : 38;
    int s = t->id() == TypeId::kDecimal128 ? t->scale() : 0;
    auto f = DecimalOp(op, a0->precision(), a0->scale(), a1->precision(), a1->scale(), p, s, t);
    if (f) return f;
  }
  KernelFunction f;
  switch (a0->id()) {
    case TypeId::kInt8: f = IntegralOp<int8_t>(op, t); break;
    case TypeId::kInt16: f = IntegralOp<int16_t>(op, t); break;
    case TypeId::kInt32: f = IntegralOp<int32_t>(op, t); break;
    case TypeId::kInt64: f = IntegralOp<int64_t>(op, t); break;
    case TypeId::kFloat32: f = FloatOp<float>(op, t); break;
    case TypeId::kFloat64: f = FloatOp<double>(op, t); break;
    default: break;
  }
  if (!f || !a0->Equals(*a1)) {
    return base::Status::Unsupported("no kernel for '" + call.function + "' on " + a0->ToString() + " and " + a1->ToString());
  }
  return f;
}

KernelFactory ArithFactory(Op op) {
  return [op](const sql::BoundExpr& call, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    TIDE_ASSIGN_OR_RETURN(KernelFunction f, ArithKernel(op, call));
    if (IsTry(call)) {
      return MakeFunctionKernel([f](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        KernelContext lenient = c;
        lenient.ansi = false;
        lenient.try_mode = true;
        return f(lenient, a, n);
      });
    }
    return MakeFunctionKernel(std::move(f));
  };
}

// Unary minus and abs.
template <typename T>
KernelFunction UnaryIntegral(bool abs, const TypePtr& type) {
  return [abs, type](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
    const bool wrap = c.legacy();
    return UnaryFixedLoop<T, T>(c, a, n, type, [abs, wrap](T x, T* r) {
      if (abs && x >= 0) {
        *r = x;
        return true;
      }
      return !__builtin_sub_overflow(T{0}, x, r) || wrap;
    }, kOverflow);
  };
}

base::Result<KernelFunction> UnaryKernel(const sql::BoundExpr& call) {
  const std::string& f = call.function;
  const TypePtr& t = call.type;
  if (f == "positive") {
    return KernelFunction([](KernelContext&, const std::vector<KernelArg>& a, int64_t n) -> base::Result<ArrayPtr> {
      return ArgColumn(a[0], n);
    });
  }
  const bool abs = f == "abs";
  switch (t->id()) {
    case TypeId::kInt8: return UnaryIntegral<int8_t>(abs, t);
    case TypeId::kInt16: return UnaryIntegral<int16_t>(abs, t);
    case TypeId::kInt32: return UnaryIntegral<int32_t>(abs, t);
    case TypeId::kInt64: return UnaryIntegral<int64_t>(abs, t);
    case TypeId::kFloat32:
      return KernelFunction([abs, t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return UnaryFixedLoop<float, float>(c, a, n, t, [abs](float x, float* r) { *r = abs ? std::fabs(x) : -x; return true; }, kOverflow);
      });
    case TypeId::kFloat64:
      return KernelFunction([abs, t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return UnaryFixedLoop<double, double>(c, a, n, t, [abs](double x, double* r) { *r = abs ? std::fabs(x) : -x; return true; }, kOverflow);
      });
    case TypeId::kDecimal128:
      return KernelFunction([abs, t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return UnaryFixedLoop<__int128, __int128>(c, a, n, t, [abs](__int128 x, __int128* r) { *r = abs && x >= 0 ? x : -x; return true; }, kOverflow);
      });
    default:
      return base::Status::Unsupported("no kernel for '" + f + "' on " + t->ToString());
  }
}

enum class BitOp { kAnd, kOr, kXor, kNot, kShl, kShr, kShru };

template <typename T>
KernelFunction BitKernel(BitOp op, const TypePtr& t) {
  using U = std::make_unsigned_t<T>;
  constexpr int width = sizeof(T) * 8;
  switch (op) {
    case BitOp::kAnd:
      return [t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, t, [](T x, T y, T* r) { *r = x & y; return true; }, kOverflow);
      };
    case BitOp::kOr:
      return [t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, t, [](T x, T y, T* r) { *r = x | y; return true; }, kOverflow);
      };
    case BitOp::kXor:
      return [t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, T, T>(c, a, n, t, [](T x, T y, T* r) { *r = x ^ y; return true; }, kOverflow);
      };
    case BitOp::kNot:
      return [t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return UnaryFixedLoop<T, T>(c, a, n, t, [](T x, T* r) { *r = static_cast<T>(~x); return true; }, kOverflow);
      };
    // Java semantics: the shift distance is taken modulo the width.
    case BitOp::kShl:
      return [t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, int32_t, T>(c, a, n, t, [](T x, int32_t y, T* r) {
          *r = static_cast<T>(static_cast<U>(x) << (y & (width - 1)));
          return true;
        }, kOverflow);
      };
    case BitOp::kShr:
      return [t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, int32_t, T>(c, a, n, t, [](T x, int32_t y, T* r) { *r = static_cast<T>(x >> (y & (width - 1))); return true; }, kOverflow);
      };
    case BitOp::kShru:
      return [t](KernelContext& c, const std::vector<KernelArg>& a, int64_t n) {
        return BinaryFixedLoop<T, int32_t, T>(c, a, n, t, [](T x, int32_t y, T* r) {
          *r = static_cast<T>(static_cast<U>(x) >> (y & (width - 1)));
          return true;
        }, kOverflow);
      };
  }
  return nullptr;
}

KernelFactory BitFactory(BitOp op) {
  return WithAnsi([op](const sql::BoundExpr& call) -> base::Result<KernelFunction> {
    const TypePtr& t = call.type;
    switch (t->id()) {
      case TypeId::kInt8: return BitKernel<int8_t>(op, t);
      case TypeId::kInt16: return BitKernel<int16_t>(op, t);
      case TypeId::kInt32: return BitKernel<int32_t>(op, t);
      case TypeId::kInt64: return BitKernel<int64_t>(op, t);
      default: return base::Status::Unsupported("no kernel for '" + call.function + "' on " + t->ToString());
    }
  });
}

}  // namespace

void RegisterArithmeticKernels(KernelRegistry* r) {
  r->Add("add", ArithFactory(Op::kAdd));
  r->Add("subtract", ArithFactory(Op::kSub));
  r->Add("multiply", ArithFactory(Op::kMul));
  r->Add("divide", ArithFactory(Op::kDiv));
  r->Add("mod", ArithFactory(Op::kMod));
  r->Add("pmod", ArithFactory(Op::kPmod));
  r->Add("int_divide", ArithFactory(Op::kIntDiv));
  r->Add("try_add", ArithFactory(Op::kAdd));
  r->Add("try_subtract", ArithFactory(Op::kSub));
  r->Add("try_multiply", ArithFactory(Op::kMul));
  r->Add("try_divide", ArithFactory(Op::kDiv));
  r->Add("try_mod", ArithFactory(Op::kMod));
  for (const char* f : {"negate", "abs", "positive"}) r->Add(f, WithAnsi(UnaryKernel));
  r->Add("bit_and", BitFactory(BitOp::kAnd));
  r->Add("bit_or", BitFactory(BitOp::kOr));
  r->Add("bit_xor", BitFactory(BitOp::kXor));
  r->Add("bit_not", BitFactory(BitOp::kNot));
  r->Add("shiftleft", BitFactory(BitOp::kShl));
  r->Add("shiftright", BitFactory(BitOp::kShr));
  r->Add("shiftrightunsigned", BitFactory(BitOp::kShru));
}

}  // namespace tide::exec::fn
