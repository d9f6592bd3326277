// The kernel registry (exec/functions.h) and the helpers kernels share.
#include <set>

#include "exec/functions/kernel_util.h"
#include "exec/functions/registry_internal.h"
#include "exec/vector_ops.h"

namespace tide::exec {

namespace {

// Evaluated by ExpressionEvaluator itself (lazy or null-aware control flow).
const std::set<std::string, std::less<>>& SpecialForms() {
  static const std::set<std::string, std::less<>> forms{"and", "or", "not", "case", "coalesce", "if",
                                                        // higher-order functions (lambda arguments)
                                                        "transform", "filter", "exists", "forall", "aggregate", "zip_with",
                                                        "map_filter", "transform_values", "transform_keys"};
  return forms;
}

class FunctionKernel final : public ScalarKernel {
 public:
  FunctionKernel(KernelFunction f, bool deterministic) : f_(std::move(f)), deterministic_(deterministic) {}
  base::Result<columnar::ArrayPtr> Execute(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n) override {
    return f_(ctx, args, n);
  }
  bool deterministic() const override { return deterministic_; }

 private:
  KernelFunction f_;
  bool deterministic_;
};

const fn::KernelRegistry& Registry() {
  static const fn::KernelRegistry* r = [] {
    auto* reg = new fn::KernelRegistry();
    fn::RegisterArithmeticKernels(reg);
    fn::RegisterCompareKernels(reg);
    fn::RegisterStringKernels(reg);
    fn::RegisterPatternKernels(reg);
    fn::RegisterMathKernels(reg);
    fn::RegisterDateTimeKernels(reg);
    fn::RegisterCollectionKernels(reg);
    fn::RegisterJsonKernels(reg);
    fn::RegisterMiscKernels(reg);
    return reg;
  }();
  return *r;
}

}  // namespace

base::Status KernelContext::Error(std::string_view what) const {
  std::string msg;
  if (call != nullptr) {
    msg = "line " + std::to_string(call->pos.line) + ", column " + std::to_string(call->pos.column) + ": ";
  }
  msg += what;
  if (call != nullptr && !call->sql.empty()) msg += " in '" + call->sql + "'";
  return base::Status::InvalidArgument(std::move(msg));
}

base::Status ScalarKernel::Select(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n, std::vector<int32_t>* out) {
  TIDE_ASSIGN_OR_RETURN(columnar::ArrayPtr v, Execute(ctx, args, n));
  const uint8_t* valid = fn::ValidityOf(*v);
  const uint8_t* b = v->buffers[1]->data();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t p = v->offset + i;
    if (columnar::bits::Get(b, p) && (valid == nullptr || columnar::bits::Get(valid, p))) out->push_back(static_cast<int32_t>(i));
  }
  return base::Status::OK();
}

std::unique_ptr<ScalarKernel> MakeFunctionKernel(KernelFunction fn, bool deterministic) {
  return std::make_unique<FunctionKernel>(std::move(fn), deterministic);
}

void fn::KernelRegistry::AddFn(const std::string& name, KernelFunction f, bool deterministic) {
  factories[name] = fn::Stateless(std::move(f), deterministic);
}

const KernelFactory* FindKernel(std::string_view name) {
  const auto& r = Registry();
  auto it = r.factories.find(std::string(name));
  return it == r.factories.end() ? nullptr : &it->second;
}

bool HasKernel(std::string_view name) { return SpecialForms().count(name) > 0 || FindKernel(name) != nullptr; }

std::vector<std::string> ListKernels() {
  std::vector<std::string> out(SpecialForms().begin(), SpecialForms().end());
  for (const auto& [name, f] : Registry().factories) out.push_back(name);
  return out;
}

columnar::BufferPtr NullIntersection(const std::vector<KernelArg>& args, int64_t n, int64_t* null_count) {
  *null_count = 0;
  std::vector<uint8_t> bm;
  for (const auto& a : args) {
    if (a.array->type->id() == columnar::TypeId::kNull) {
      *null_count = n;
      return columnar::Buffer::FromVector(std::vector<uint8_t>(columnar::bits::BytesFor(n), 0));
    }
    if (a.scalar) {
      if (a.array->IsNull(0)) {
        *null_count = n;
        return columnar::Buffer::FromVector(std::vector<uint8_t>(columnar::bits::BytesFor(n), 0));
      }
      continue;
    }
    const uint8_t* v = fn::ValidityOf(*a.array);
    if (v == nullptr) continue;
    if (bm.empty()) bm.assign(columnar::bits::BytesFor(n), 0xFF);
    const int64_t off = a.array->offset;
    if (off % 8 == 0) {
      const uint8_t* src = v + off / 8;
      for (size_t k = 0; k < bm.size(); ++k) bm[k] &= src[k];
    } else {
      for (int64_t i = 0; i < n; ++i) {
        if (!columnar::bits::Get(v, off + i)) columnar::bits::Clear(bm.data(), i);
      }
    }
  }
  if (bm.empty()) return nullptr;
  *null_count = fn::CountNulls(bm.data(), n);
  if (*null_count == 0) return nullptr;
  return columnar::Buffer::FromVector(std::move(bm));
}

columnar::ArrayPtr Broadcast(const columnar::ArrayData& src, int64_t row, int64_t n) {
  std::vector<int32_t> rows(static_cast<size_t>(n), static_cast<int32_t>(row));
  return Take(src, rows.data(), n);
}

columnar::ArrayPtr ArgColumn(const KernelArg& arg, int64_t n) {
  if (!arg.scalar) return arg.array;
  return Broadcast(*arg.array, 0, n);
}

namespace fn {

BufferPtr CopyValidity(const ArrayData& a, int64_t n) {
  const uint8_t* v = ValidityOf(a);
  if (v == nullptr) return nullptr;
  std::vector<uint8_t> bm(bits::BytesFor(n), 0xFF);
  for (int64_t i = 0; i < n; ++i) {
    if (!bits::Get(v, a.offset + i)) bits::Clear(bm.data(), i);
  }
  return Buffer::FromVector(std::move(bm));
}

__int128 Pow10(int k) {
  static const auto table = [] {
    std::vector<__int128> t(39);
    t[0] = 1;
    for (int i = 1; i < 39; ++i) t[i] = t[i - 1] * 10;
    return t;
  }();
  if (k < 0) return 1;
  if (k > 38) return table[38];
  return table[k];
}

int DecimalDigits(__int128 v) {
  if (v < 0) v = -v;
  int d = 1;
  while (d < 39 && v >= Pow10(d)) ++d;
  return d;
}

__int128 RescaleDown(__int128 v, int k) {
  if (k <= 0) return v;
  if (k > 38) return 0;
  __int128 p = Pow10(k);
  __int128 q = v / p;
  __int128 r = v % p;
  if (r < 0) r = -r;
  if (r * 2 >= p) q += v < 0 ? -1 : 1;
  return q;
}

}  // namespace fn
}  // namespace tide::exec
