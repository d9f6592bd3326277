// CAST kernels (cast.h): one typed loop per (source layout, target layout).
#include "exec/cast.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "exec/functions/datetime_util.h"
#include "exec/functions/kernel_util.h"

namespace tide::exec {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::TypeId;
using columnar::TypePtr;
using fn::kMicrosPerDay;
using fn::kMicrosPerSecond;

namespace {

// One source value in a wide representation.
struct Num {
  enum Kind { kInt, kFloat, kDec } kind = kInt;
  __int128 i = 0;  // kInt: value; kDec: unscaled
  double f = 0;
  int scale = 0;
};

Num ReadNum(const ArrayData& a, int64_t r) {
  Num n;
  switch (a.type->id()) {
    case TypeId::kInt8: n.i = a.Value<int8_t>(r); break;
    case TypeId::kInt16: n.i = a.Value<int16_t>(r); break;
    case TypeId::kInt32: n.i = a.Value<int32_t>(r); break;
    case TypeId::kInt64: n.i = a.Value<int64_t>(r); break;
    case TypeId::kUInt8: n.i = a.Value<uint8_t>(r); break;
    case TypeId::kUInt16: n.i = a.Value<uint16_t>(r); break;
    case TypeId::kUInt32: n.i = a.Value<uint32_t>(r); break;
    case TypeId::kUInt64: n.i = a.Value<uint64_t>(r); break;
    case TypeId::kBoolean: n.i = a.BoolValue(r) ? 1 : 0; break;
    case TypeId::kFloat32: n.kind = Num::kFloat; n.f = a.Value<float>(r); break;
    case TypeId::kFloat64: n.kind = Num::kFloat; n.f = a.Value<double>(r); break;
    case TypeId::kDecimal128: n.kind = Num::kDec; n.i = a.Value<__int128>(r); n.scale = a.type->scale(); break;
    default: break;
  }
  return n;
}

double NumToDouble(const Num& n) {
  if (n.kind == Num::kFloat) return n.f;
  if (n.kind == Num::kInt) return static_cast<double>(n.i);
  // Decimal: exact for up to 15 significant digits; long double keeps most of the rest.
  return static_cast<double>(static_cast<long double>(n.i) / static_cast<long double>(fn::Pow10(n.scale)));
}

// Integral value (truncated toward zero); false when not finite.
bool NumToInt(const Num& n, __int128* out) {
  if (n.kind == Num::kInt) {
    *out = n.i;
    return true;
  }
  if (n.kind == Num::kDec) {
    *out = n.i / fn::Pow10(n.scale);
    return true;
  }
  if (!std::isfinite(n.f) || std::fabs(n.f) > 1.7e38) return false;
  *out = static_cast<__int128>(std::trunc(n.f));
  return true;
}

bool NumToDecimal(const Num& n, int precision, int scale, __int128* out) {
  __int128 v;
  if (n.kind == Num::kInt) {
    if (__builtin_mul_overflow(n.i, fn::Pow10(scale), &v)) return false;
  } else if (n.kind == Num::kDec) {
    if (n.scale <= scale) {
      if (__builtin_mul_overflow(n.i, fn::Pow10(scale - n.scale), &v)) return false;
    } else {
      v = fn::RescaleDown(n.i, n.scale - scale);
    }
  } else {
    if (!std::isfinite(n.f)) return false;
    long double x = static_cast<long double>(n.f) * static_cast<long double>(fn::Pow10(scale));
    if (std::fabs(x) >= 1e38L) return false;
    x = x < 0 ? -std::floor(-x + 0.5L) : std::floor(x + 0.5L);
    v = static_cast<__int128>(x);
  }
  if (!fn::FitsPrecision(v, precision)) return false;
  *out = v;
  return true;
}

template <typename T>
bool IntInRange(__int128 v) {
  return v >= static_cast<__int128>(std::numeric_limits<T>::min()) && v <= static_cast<__int128>(std::numeric_limits<T>::max());
}

std::string_view TrimText(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Decimal text "[-+]ddd[.ddd][e[-+]dd]" as unscaled at `scale` (rounded half-up).
bool ParseDecimalText(std::string_view s, int precision, int scale, __int128* out) {
  s = TrimText(s);
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  std::string digits;
  int frac_digits = 0;
  bool dot = false, any = false;
  size_t k = 0;
  for (; k < s.size(); ++k) {
    char c = s[k];
    if (c >= '0' && c <= '9') {
      any = true;
      if (!(digits.empty() && c == '0')) digits += c;
      if (dot) ++frac_digits;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return false;
  int exp = 0;
  if (k < s.size()) {
    if (s[k] != 'e' && s[k] != 'E') return false;
    std::string_view e = s.substr(k + 1);
    if (!e.empty() && e[0] == '+') e.remove_prefix(1);
    auto r = std::from_chars(e.data(), e.data() + e.size(), exp);
    if (r.ec != std::errc() || r.ptr != e.data() + e.size()) return false;
  }
  // value = digits * 10^(exp - frac_digits); want unscaled at `scale`.
  int shift = scale + exp - frac_digits;
  if (static_cast<int>(digits.size()) + shift > 39) return false;
  __int128 v = 0;
  int keep = static_cast<int>(digits.size()) + std::min(shift, 0);
  for (int d = 0; d < keep; ++d) v = v * 10 + (digits[d] - '0');
  if (shift < 0 && keep >= 0 && keep < static_cast<int>(digits.size()) && digits[keep] >= '5') ++v;
  if (shift > 0) v *= fn::Pow10(shift);
  if (neg) v = -v;
  if (!fn::FitsPrecision(v, precision)) return false;
  *out = v;
  return true;
}

bool ParseIntText(std::string_view s, bool ansi, __int128* out) {
  s = TrimText(s);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty()) {
    *out = v;
    return true;
  }
  if (ansi) return false;
  // Outside ANSI mode Spark accepts a decimal and truncates it ("1.9" -> 1).
  __int128 d;
  if (!ParseDecimalText(s, 38, 0, &d)) return false;
  std::string_view t = TrimText(s);
  size_t dotp = t.find('.');
  if (dotp == std::string_view::npos) {
    *out = d;
    return true;
  }
  if (!ParseDecimalText(t.substr(0, dotp).empty() ? "0" : t.substr(0, dotp), 38, 0, &d)) return false;
  *out = d;
  return true;
}

bool ParseDoubleText(std::string_view s, double* out) {
  s = TrimText(s);
  if (EqualsIgnoreCase(s, "nan")) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualsIgnoreCase(body, "infinity") || EqualsIgnoreCase(body, "inf")) {
    *out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (!body.empty() && (body.back() == 'd' || body.back() == 'D' || body.back() == 'f' || body.back() == 'F')) body.remove_suffix(1);
  if (body.empty()) return false;
  double v = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), v);
  if (r.ec != std::errc() || r.ptr != body.data() + body.size()) return false;
  *out = neg ? -v : v;
  return true;
}

bool ParseBoolText(std::string_view s, bool* out) {
  s = TrimText(s);
  for (const char* t : {"t", "true", "y", "yes", "1"}) {
    if (EqualsIgnoreCase(s, t)) {
      *out = true;
      return true;
    }
  }
  for (const char* f : {"f", "false", "n", "no", "0"}) {
    if (EqualsIgnoreCase(s, f)) {
      *out = false;
      return true;
    }
  }
  return false;
}

std::string Quoted(const ArrayData& a, int64_t r, const TimeZone& tz) {
  std::string v;
  AppendValueText(a, r, tz, &v);
  if (v.size() > 64) v = v.substr(0, 61) + "...";
  return a.type->id() == TypeId::kString ? "'" + v + "'" : v;
}

// Row-wise cast into a fixed-width target. `conv(row, T* out) -> bool ok`.
template <typename T, typename Conv>
base::Result<ArrayPtr> CastFixed(KernelContext& ctx, const ArrayData& in, const TypePtr& to, const TimeZone& tz, Conv conv) {
  const int64_t n = in.length;
  fn::FixedOut<T> out(n);
  T* o = out.data();
  fn::BitmapOut valid(n);
  for (int64_t i = 0; i < n; ++i) {
    if (in.IsNull(i)) {
      valid.Clear(i);
      o[i] = T{};
      continue;
    }
    if (!conv(i, &o[i])) {
      if (ctx.ansi) return ctx.Error("cannot cast " + Quoted(in, i, tz) + " to " + to->ToString());
      valid.Clear(i);
      o[i] = T{};
    }
  }
  const int64_t nulls = valid.nulls();
  return fn::MakeArray(to, n, valid.Finish(), nulls, out.Finish());
}

base::Result<ArrayPtr> CastToBool(KernelContext& ctx, const ArrayData& in, const TypePtr& to, const TimeZone& tz) {
  const int64_t n = in.length;
  fn::BitmapOut values(n), valid(n);
  const TypeId from = in.type->id();
  for (int64_t i = 0; i < n; ++i) {
    if (in.IsNull(i)) {
      valid.Clear(i);
      values.Set(i, false);
      continue;
    }
    bool v = false, ok = true;
    if (from == TypeId::kString) {
      ok = ParseBoolText(in.BytesValue(i), &v);
    } else if (from == TypeId::kTimestamp) {
      v = in.Value<int64_t>(i) != 0;
    } else if (from == TypeId::kDate32) {
      ok = false;
    } else {
      Num x = ReadNum(in, i);
      v = x.kind == Num::kFloat ? x.f != 0 : x.i != 0;
    }
    if (!ok) {
      if (ctx.ansi) return ctx.Error("cannot cast " + Quoted(in, i, tz) + " to BOOLEAN");
      valid.Clear(i);
    }
    values.Set(i, ok && v);
  }
  const int64_t nulls = valid.nulls();
  return fn::MakeArray(to, n, valid.Finish(), nulls, values.FinishAlways());
}

template <typename T>
base::Result<ArrayPtr> CastToInt(KernelContext& ctx, const ArrayData& in, const TypePtr& to, const TimeZone& tz) {
  const TypeId from = in.type->id();
  if (from == TypeId::kString) {
    return CastFixed<T>(ctx, in, to, tz, [&](int64_t i, T* o) {
      __int128 v;
      if (!ParseIntText(in.BytesValue(i), ctx.ansi, &v) || !IntInRange<T>(v)) return false;
      *o = static_cast<T>(v);
      return true;
    });
  }
  if (from == TypeId::kTimestamp) {
    return CastFixed<T>(ctx, in, to, tz, [&](int64_t i, T* o) {
      __int128 v = fn::FloorDiv(in.Value<int64_t>(i), kMicrosPerSecond);
      if (!IntInRange<T>(v)) return false;
      *o = static_cast<T>(v);
      return true;
    });
  }
  if (from == TypeId::kInt32 && sizeof(T) >= 4 && std::is_signed_v<T>) {
    // Widening: a straight loop.
    return CastFixed<T>(ctx, in, to, tz, [&](int64_t i, T* o) {
      *o = static_cast<T>(in.Value<int32_t>(i));
      return true;
    });
  }
  if (ctx.legacy()) {
    // Spark's non-ANSI cast: integers wrap (Java narrowing), doubles saturate, NaN is 0.
    return CastFixed<T>(ctx, in, to, tz, [&](int64_t i, T* o) {
      Num x = ReadNum(in, i);
      if (x.kind == Num::kFloat) {
        if (std::isnan(x.f)) {
          *o = 0;
        } else if (x.f >= static_cast<double>(std::numeric_limits<T>::max())) {
          *o = std::numeric_limits<T>::max();
        } else if (x.f <= static_cast<double>(std::numeric_limits<T>::min())) {
          *o = std::numeric_limits<T>::min();
        } else {
          *o = static_cast<T>(std::trunc(x.f));
        }
        return true;
      }
      __int128 v = 0;
      NumToInt(x, &v);
      *o = static_cast<T>(v);
      return true;
    });
  }
  return CastFixed<T>(ctx, in, to, tz, [&](int64_t i, T* o) {
    __int128 v;
    if (!NumToInt(ReadNum(in, i), &v) || !IntInRange<T>(v)) return false;
    *o = static_cast<T>(v);
    return true;
  });
}

template <typename T>
base::Result<ArrayPtr> CastToFloat(KernelContext& ctx, const ArrayData& in, const TypePtr& to, const TimeZone& tz) {
  const TypeId from = in.type->id();
  if (from == TypeId::kString) {
    return CastFixed<T>(ctx, in, to, tz, [&](int64_t i, T* o) {
      double v;
      if (!ParseDoubleText(in.BytesValue(i), &v)) return false;
      *o = static_cast<T>(v);
      return true;
    });
  }
  if (from == TypeId::kTimestamp) {
    return CastFixed<T>(ctx, in, to, tz, [&](int64_t i, T* o) {
      *o = static_cast<T>(static_cast<double>(in.Value<int64_t>(i)) / 1e6);
      return true;
    });
  }
  return CastFixed<T>(ctx, in, to, tz, [&](int64_t i, T* o) {
    *o = static_cast<T>(NumToDouble(ReadNum(in, i)));
    return true;
  });
}

base::Result<ArrayPtr> CastToDecimal(KernelContext& ctx, const ArrayData& in, const TypePtr& to, const TimeZone& tz) {
  const int p = to->precision(), s = to->scale();
  if (in.type->id() == TypeId::kString) {
    return CastFixed<__int128>(ctx, in, to, tz, [&](int64_t i, __int128* o) { return ParseDecimalText(in.BytesValue(i), p, s, o); });
  }
  if (in.type->id() == TypeId::kDecimal128) {
    const int from_s = in.type->scale();
    const __int128 bound = fn::Pow10(p);
    if (from_s <= s) {
      const __int128 mul = fn::Pow10(s - from_s);
      return CastFixed<__int128>(ctx, in, to, tz, [&](int64_t i, __int128* o) {
        __int128 v;
        if (__builtin_mul_overflow(in.Value<__int128>(i), mul, &v)) return false;
        *o = v;
        return v < bound && v > -bound;
      });
    }
    return CastFixed<__int128>(ctx, in, to, tz, [&](int64_t i, __int128* o) {
      __int128 v = fn::RescaleDown(in.Value<__int128>(i), from_s - s);
      *o = v;
      return v < bound && v > -bound;
    });
  }
  return CastFixed<__int128>(ctx, in, to, tz, [&](int64_t i, __int128* o) { return NumToDecimal(ReadNum(in, i), p, s, o); });
}

base::Result<ArrayPtr> CastToDate(KernelContext& ctx, const ArrayData& in, const TypePtr& to, const TimeZone& tz) {
  if (in.type->id() == TypeId::kString) {
    return CastFixed<int32_t>(ctx, in, to, tz, [&](int64_t i, int32_t* o) { return ParseDateText(in.BytesValue(i), o); });
  }
  if (in.type->id() == TypeId::kTimestamp) {
    const bool utc = in.type->utc_adjusted();
    const bool nano = in.type->unit() == columnar::TimeUnit::kNano;
    return CastFixed<int32_t>(ctx, in, to, tz, [&](int64_t i, int32_t* o) {
      int64_t v = in.Value<int64_t>(i);
      if (nano) v = fn::FloorDiv(v, 1000);
      if (utc) v = tz.ToLocal(v);
      *o = static_cast<int32_t>(fn::FloorDiv(v, kMicrosPerDay));
      return true;
    });
  }
  return base::Status::Unsupported("cannot cast " + in.type->ToString() + " to DATE");
}

base::Result<ArrayPtr> CastToTimestamp(KernelContext& ctx, const ArrayData& in, const TypePtr& to, const TimeZone& tz) {
  const TypeId from = in.type->id();
  const bool to_utc = to->utc_adjusted();
  const TimeZone& local = to_utc ? tz : TimeZone::Utc();
  if (from == TypeId::kString) {
    return CastFixed<int64_t>(ctx, in, to, tz, [&](int64_t i, int64_t* o) { return ParseTimestampText(in.BytesValue(i), local, o); });
  }
  if (from == TypeId::kDate32) {
    return CastFixed<int64_t>(ctx, in, to, tz, [&](int64_t i, int64_t* o) {
      int64_t v = int64_t{in.Value<int32_t>(i)} * kMicrosPerDay;
      *o = to_utc ? tz.ToUtc(v) : v;
      return true;
    });
  }
  if (from == TypeId::kTimestamp) {
    const bool from_utc = in.type->utc_adjusted();
    const bool nano = in.type->unit() == columnar::TimeUnit::kNano;
    return CastFixed<int64_t>(ctx, in, to, tz, [&](int64_t i, int64_t* o) {
      int64_t v = in.Value<int64_t>(i);
      if (nano) v = fn::FloorDiv(v, 1000);
      if (from_utc && !to_utc) v = tz.ToLocal(v);
      if (!from_utc && to_utc) v = tz.ToUtc(v);
      *o = v;
      return true;
    });
  }
  // Numbers: seconds since the epoch.
  return CastFixed<int64_t>(ctx, in, to, tz, [&](int64_t i, int64_t* o) {
    Num x = ReadNum(in, i);
    if (x.kind == Num::kFloat) {
      if (!std::isfinite(x.f) || std::fabs(x.f) > 9.2e12) return false;
      *o = static_cast<int64_t>(std::floor(x.f * 1e6));
      return true;
    }
    __int128 v;
    if (x.kind == Num::kDec) {
      v = x.scale <= 6 ? x.i * fn::Pow10(6 - x.scale) : x.i / fn::Pow10(x.scale - 6);
    } else if (__builtin_mul_overflow(x.i, static_cast<__int128>(kMicrosPerSecond), &v)) {
      return false;
    }
    if (!IntInRange<int64_t>(v)) return false;
    *o = static_cast<int64_t>(v);
    return true;
  });
}

base::Result<ArrayPtr> CastToString(KernelContext& ctx, const ArrayData& in, const TypePtr& to, const TimeZone& tz) {
  const int64_t n = in.length;
  columnar::BinaryBuilder b(to);
  std::string s;
  for (int64_t i = 0; i < n; ++i) {
    if (in.IsNull(i)) {
      b.AppendNull();
      continue;
    }
    s.clear();
    AppendValueText(in, i, tz, &s);
    if (!b.Append(s)) return ctx.Error("string result larger than 2 GiB");
  }
  return b.Finish();
}

base::Result<ArrayPtr> CastToBinary(KernelContext& ctx, const ArrayData& in, const TypePtr& to, const TimeZone& tz) {
  const int64_t n = in.length;
  columnar::BinaryBuilder b(to);
  for (int64_t i = 0; i < n; ++i) {
    if (in.IsNull(i)) {
      b.AppendNull();
      continue;
    }
    if (in.type->IsBinaryLike() || in.type->id() == TypeId::kFixedSizeBinary) {
      b.Append(in.BytesValue(i));
      continue;
    }
    // Integral -> big-endian bytes of the value's width (Spark).
    Num x = ReadNum(in, i);
    int w = in.type->FixedWidth();
    std::string bytes(w, '\0');
    uint64_t u = static_cast<uint64_t>(static_cast<int64_t>(x.i));
    for (int k = w - 1; k >= 0; --k, u >>= 8) bytes[k] = static_cast<char>(u & 0xFF);
    b.Append(bytes);
  }
  return b.Finish();
}

std::shared_ptr<ArrayData> ShallowCopy(const ArrayData& in, const TypePtr& to) {
  auto out = std::make_shared<ArrayData>(in);
  out->type = to;
  return out;
}

}  // namespace

base::Result<ArrayPtr> CastArray(KernelContext& ctx, const ArrayData& in, const TypePtr& to) {
  const TimeZone& tz = SessionTimeZone(ctx.query);
  const TypeId from = in.type->id();
  if (in.type->Equals(*to)) return ArrayPtr(ShallowCopy(in, to));
  if (from == TypeId::kNull) return columnar::MakeNullArray(to, in.length);
  switch (to->id()) {
    case TypeId::kNull: return columnar::MakeNullArray(to, in.length);
    case TypeId::kBoolean: return CastToBool(ctx, in, to, tz);
    case TypeId::kInt8: return CastToInt<int8_t>(ctx, in, to, tz);
    case TypeId::kInt16: return CastToInt<int16_t>(ctx, in, to, tz);
    case TypeId::kInt32: return CastToInt<int32_t>(ctx, in, to, tz);
    case TypeId::kInt64: return CastToInt<int64_t>(ctx, in, to, tz);
    case TypeId::kUInt8: return CastToInt<uint8_t>(ctx, in, to, tz);
    case TypeId::kUInt16: return CastToInt<uint16_t>(ctx, in, to, tz);
    case TypeId::kUInt32: return CastToInt<uint32_t>(ctx, in, to, tz);
    case TypeId::kUInt64: return CastToInt<uint64_t>(ctx, in, to, tz);
    case TypeId::kFloat32: return CastToFloat<float>(ctx, in, to, tz);
    case TypeId::kFloat64: return CastToFloat<double>(ctx, in, to, tz);
    case TypeId::kDecimal128: return CastToDecimal(ctx, in, to, tz);
    case TypeId::kDate32: return CastToDate(ctx, in, to, tz);
    case TypeId::kTimestamp: return CastToTimestamp(ctx, in, to, tz);
    case TypeId::kString: return CastToString(ctx, in, to, tz);
    case TypeId::kBinary: return CastToBinary(ctx, in, to, tz);
    case TypeId::kList: {
      if (from != TypeId::kList) break;
      TIDE_ASSIGN_OR_RETURN(ArrayPtr child, CastArray(ctx, *in.children[0], to->children()[0]->type()));
      auto out = ShallowCopy(in, to);
      out->children = {child};
      return ArrayPtr(out);
    }
    case TypeId::kMap: {
      if (from != TypeId::kMap) break;
      const ArrayData& entries = *in.children[0];
      TIDE_ASSIGN_OR_RETURN(ArrayPtr keys, CastArray(ctx, *entries.children[0], to->map_key()->type()));
      TIDE_ASSIGN_OR_RETURN(ArrayPtr values, CastArray(ctx, *entries.children[1], to->map_value()->type()));
      auto e = ShallowCopy(entries, to->children()[0]->type());
      e->children = {keys, values};
      auto out = ShallowCopy(in, to);
      out->children = {ArrayPtr(e)};
      return ArrayPtr(out);
    }
    case TypeId::kStruct: {
      if (from != TypeId::kStruct || in.children.size() != to->children().size()) break;
      auto out = ShallowCopy(in, to);
      for (size_t k = 0; k < in.children.size(); ++k) {
        TIDE_ASSIGN_OR_RETURN(out->children[k], CastArray(ctx, *in.children[k], to->children()[k]->type()));
      }
      return ArrayPtr(out);
    }
    default:
      break;
  }
  return ctx.Error("cannot cast " + in.type->ToString() + " to " + to->ToString());
}

}  // namespace tide::exec
