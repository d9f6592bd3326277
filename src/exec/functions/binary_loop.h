// Internal to src/exec/functions: the typed element-wise loops arithmetic and comparison
// kernels are built from. The hot loop is branch-free (a failed row only sets a flag); a
// second pass over the rare failing batch finds the rows and either fails (ANSI) or nulls them.
#pragma once

#include <vector>

#include "exec/functions/kernel_util.h"

namespace tide::exec::fn {

// op(A a, B b, R* r) -> bool ok. Result rows are null where an input is null, and where op
// fails when !ctx.ansi (with ctx.ansi the first failing row's `error` is returned).
template <typename A, typename B, typename R, typename Op>
base::Result<ArrayPtr> BinaryFixedLoop(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n, const TypePtr& type,
                                       Op op, const char* error) {
  int64_t nulls = 0;
  BufferPtr validity = NullIntersection(args, n, &nulls);
  FixedOut<R> out(n);
  R* o = out.data();
  const A* a = ValuesOf<A>(args[0].data());
  const B* b = ValuesOf<B>(args[1].data());
  bool bad = false;
  if (!args[0].scalar && !args[1].scalar) {
    for (int64_t i = 0; i < n; ++i) bad |= !op(a[i], b[i], &o[i]);
  } else if (args[1].scalar) {
    const B bv = b[0];
    for (int64_t i = 0; i < n; ++i) bad |= !op(a[i], bv, &o[i]);
  } else if (args[0].scalar) {
    const A av = a[0];
    for (int64_t i = 0; i < n; ++i) bad |= !op(av, b[i], &o[i]);
  }
  if (args[0].scalar && args[1].scalar) {
    R r{};
    bool ok = op(a[0], b[0], &r);
    for (int64_t i = 0; i < n; ++i) o[i] = r;
    bad = !ok;
  }
  if (bad) {
    std::vector<uint8_t> bm(bits::BytesFor(n), 0xFF);
    if (validity) std::memcpy(bm.data(), validity->data(), bm.size());
    for (int64_t i = 0; i < n; ++i) {
      if (!bits::Get(bm.data(), i)) continue;
      R r{};
      if (!op(a[args[0].scalar ? 0 : i], b[args[1].scalar ? 0 : i], &r)) {
        if (ctx.ansi) return ctx.Error(error);
        bits::Clear(bm.data(), i);
        o[i] = R{};
      }
    }
    nulls = CountNulls(bm.data(), n);
    validity = nulls == 0 ? nullptr : Buffer::FromVector(std::move(bm));
  }
  return MakeArray(type, n, validity, nulls, out.Finish());
}

// op(A a, R* r) -> bool ok.
template <typename A, typename R, typename Op>
base::Result<ArrayPtr> UnaryFixedLoop(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n, const TypePtr& type,
                                      Op op, const char* error) {
  int64_t nulls = 0;
  BufferPtr validity = NullIntersection(args, n, &nulls);
  FixedOut<R> out(n);
  R* o = out.data();
  const A* a = ValuesOf<A>(args[0].data());
  bool bad = false;
  if (args[0].scalar) {
    R r{};
    bad = !op(a[0], &r);
    for (int64_t i = 0; i < n; ++i) o[i] = r;
  } else {
    for (int64_t i = 0; i < n; ++i) bad |= !op(a[i], &o[i]);
  }
  if (bad) {
    std::vector<uint8_t> bm(bits::BytesFor(n), 0xFF);
    if (validity) std::memcpy(bm.data(), validity->data(), bm.size());
    for (int64_t i = 0; i < n; ++i) {
      if (!bits::Get(bm.data(), i)) continue;
      R r{};
      if (!op(a[args[0].scalar ? 0 : i], &r)) {
        if (ctx.ansi) return ctx.Error(error);
        bits::Clear(bm.data(), i);
        o[i] = R{};
      }
    }
    nulls = CountNulls(bm.data(), n);
    validity = nulls == 0 ? nullptr : Buffer::FromVector(std::move(bm));
  }
  return MakeArray(type, n, validity, nulls, out.Finish());
}

}  // namespace tide::exec::fn
