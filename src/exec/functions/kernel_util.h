// Internal to src/exec (functions, casts, the evaluator): building Arrow-layout columns
// directly from typed loops, and reading arguments without per-row virtual calls.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/array.h"
#include "columnar/builder.h"
#include "exec/functions.h"

namespace tide::exec::fn {

namespace bits = columnar::bits;
using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::Buffer;
using columnar::BufferPtr;
using columnar::TypeId;
using columnar::TypePtr;

// The validity bits of `a` (physical, use with offset) or nullptr when it has no nulls.
inline const uint8_t* ValidityOf(const ArrayData& a) {
  if (a.type->id() == TypeId::kNull) return nullptr;
  return a.null_count > 0 && !a.buffers.empty() && a.buffers[0] ? a.buffers[0]->data() : nullptr;
}

template <typename T>
inline const T* ValuesOf(const ArrayData& a) {
  return a.buffers[1]->as<T>() + a.offset;
}

// A writable bitmap of n bits, all set; Clear marks nulls.
class BitmapOut {
 public:
  explicit BitmapOut(int64_t n) : bytes_(bits::BytesFor(n), 0xFF), n_(n) {}
  void Clear(int64_t i) {
    bits::Clear(bytes_.data(), i);
    ++nulls_;
  }
  void Set(int64_t i, bool v) {
    if (v) {
      bits::Set(bytes_.data(), i);
    } else {
      bits::Clear(bytes_.data(), i);
    }
  }
  uint8_t* data() { return bytes_.data(); }
  int64_t nulls() const { return nulls_; }
  void set_nulls(int64_t n) { nulls_ = n; }
  // The buffer, or nullptr when no bit was cleared through Clear().
  BufferPtr Finish() { return nulls_ == 0 ? nullptr : Buffer::FromVector(std::move(bytes_)); }
  BufferPtr FinishAlways() { return Buffer::FromVector(std::move(bytes_)); }

 private:
  std::vector<uint8_t> bytes_;
  int64_t n_;
  int64_t nulls_ = 0;
};

// n fixed-width values written in place.
template <typename T>
class FixedOut {
 public:
  // Not zero-filled: every user writes each of the n values (zero-filling 16-byte decimals
  // cost as much as the arithmetic that then overwrote them).
  explicit FixedOut(int64_t n)
      : size_(static_cast<int64_t>(static_cast<size_t>(n) * sizeof(T))),
        mem_(new uint8_t[static_cast<size_t>(std::max<int64_t>(size_, 1))], std::default_delete<uint8_t[]>()) {}
  T* data() { return reinterpret_cast<T*>(mem_.get()); }
  BufferPtr Finish() {
    const uint8_t* p = mem_.get();
    return Buffer::Wrap(p, size_, std::move(mem_));
  }

 private:
  int64_t size_;
  std::shared_ptr<uint8_t> mem_;
};

inline ArrayPtr MakeArray(TypePtr type, int64_t n, BufferPtr validity, int64_t null_count, BufferPtr values) {
  auto a = std::make_shared<ArrayData>();
  a->type = std::move(type);
  a->length = n;
  a->null_count = validity ? null_count : 0;
  a->buffers = {validity, std::move(values)};
  return a;
}

// Counts the zero bits of a freshly written bitmap of n bits.
inline int64_t CountNulls(const uint8_t* bitmap, int64_t n) { return n - bits::CountSet(bitmap, 0, n); }

// Copies the validity of `a` (n rows from its offset) into a fresh bitmap; nullptr when no nulls.
BufferPtr CopyValidity(const ArrayData& a, int64_t n);

// String value i of an argument (scalar-aware).
inline std::string_view StrAt(const KernelArg& a, int64_t i) { return a.array->BytesValue(a.Row(i)); }

template <typename T>
inline T ValAt(const KernelArg& a, int64_t i) {
  return a.array->Value<T>(a.Row(i));
}

// True when every argument row i is valid.
inline bool AllValid(const std::vector<KernelArg>& args, int64_t i) {
  for (const auto& a : args) {
    if (a.IsNull(i)) return false;
  }
  return true;
}

// Row-at-a-time kernels for functions off the hot path: `f(i, out)` returns false for a null
// result, or sets *err for a runtime error. Rows with a null argument are null (unless
// null_in_null_out is false).
template <typename F>
base::Result<ArrayPtr> MapRowsString(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n, const TypePtr& type,
                                     F&& f, bool null_in_null_out = true) {
  columnar::BinaryBuilder b(type);
  std::string out;
  for (int64_t i = 0; i < n; ++i) {
    if (null_in_null_out && !AllValid(args, i)) {
      b.AppendNull();
      continue;
    }
    out.clear();
    base::Status err;
    bool valid = f(i, &out, &err);
    if (!err.ok()) return err;
    if (valid) {
      if (!b.Append(out)) return ctx.Error("result larger than 2 GiB");
    } else {
      b.AppendNull();
    }
  }
  return b.Finish();
}

template <typename T, typename F>
base::Result<ArrayPtr> MapRowsFixed(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n, const TypePtr& type,
                                    F&& f, bool null_in_null_out = true) {
  FixedOut<T> out(n);
  BitmapOut valid(n);
  T* o = out.data();
  for (int64_t i = 0; i < n; ++i) {
    if (null_in_null_out && !AllValid(args, i)) {
      valid.Clear(i);
      o[i] = T{};
      continue;
    }
    base::Status err;
    T v{};
    bool ok = f(i, &v, &err);
    if (!err.ok()) return err;
    o[i] = v;
    if (!ok) valid.Clear(i);
  }
  int64_t nulls = valid.nulls();
  return MakeArray(type, n, valid.Finish(), nulls, out.Finish());
}

template <typename F>
base::Result<ArrayPtr> MapRowsBool(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n, F&& f,
                                   bool null_in_null_out = true) {
  BitmapOut values(n);
  BitmapOut valid(n);
  for (int64_t i = 0; i < n; ++i) {
    if (null_in_null_out && !AllValid(args, i)) {
      valid.Clear(i);
      values.Set(i, false);
      continue;
    }
    base::Status err;
    bool v = false;
    bool ok = f(i, &v, &err);
    if (!err.ok()) return err;
    values.Set(i, v);
    if (!ok) valid.Clear(i);
  }
  int64_t nulls = valid.nulls();
  return MakeArray(columnar::Boolean(), n, valid.Finish(), nulls, values.FinishAlways());
}

// A kernel factory over a KernelFunction that does not depend on the call site.
inline KernelFactory Stateless(KernelFunction f, bool deterministic = true) {
  return [f = std::move(f), deterministic](const sql::BoundExpr&, QueryContext*) -> base::Result<std::unique_ptr<ScalarKernel>> {
    return MakeFunctionKernel(f, deterministic);
  };
}

// Powers of ten as __int128 (0..38).
__int128 Pow10(int k);
// Digits of |v| (0 for 0 counts as 1).
int DecimalDigits(__int128 v);
// v / 10^k rounded half-up (k >= 0).
__int128 RescaleDown(__int128 v, int k);
// Whether |v| fits `precision` digits.
inline bool FitsPrecision(__int128 v, int precision) {
  __int128 a = v < 0 ? -v : v;
  return a < Pow10(precision);
}

}  // namespace tide::exec::fn
