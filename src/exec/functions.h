// The scalar kernel registry: one kernel factory per canonical scalar function name of
// sql/function_catalog.h. ExpressionEvaluator::Make (expression.h) looks each kCall up here
// once, and the factory builds a kernel for that call site: it sees the call's bound
// argument types (already coerced to what ResolveFunction declared) and its constant
// arguments, so it can precompile (regular expressions, LIKE matchers, from_json schemas,
// date patterns) and pick a typed loop once.
//
// Kernels receive their arguments evaluated over the rows being computed; an argument is
// either a column of `n` rows or a scalar (a one-row column broadcast to every row — what a
// literal or constant sub-expression evaluates to), so kernels can special-case the literal
// side of `x < 10`. A kernel returns exactly `n` values of the call's type. Null handling is
// the kernel's: most functions are null when any argument is null (see NullIntersection).
//
// Errors: a kernel that fails at runtime (ANSI division by zero, overflow, invalid input)
// returns ctx.Error("division by zero"), which names the expression and its position:
// "line 1, column 8: division by zero in 'a / b'". When ctx.ansi is false (ANSI mode off,
// or a try_* function) the kernel produces null instead.
//
// Special forms (and, or, not, case, coalesce, if) are evaluated lazily by the evaluator
// itself and have no kernel here; HasKernel() reports them as known.
//
// Thread-safety: the registry is immutable after first use; a kernel object is used by one
// evaluator (one thread) at a time and may keep scratch state.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "exec/query_context.h"
#include "sql/bound_expr.h"

namespace tide::exec {

// One evaluated argument: a column of the batch's row count, or a broadcast scalar.
struct KernelArg {
  columnar::ArrayPtr array;
  bool scalar = false;

  bool IsNull(int64_t i) const { return array->IsNull(scalar ? 0 : i); }
  int64_t Row(int64_t i) const { return scalar ? 0 : i; }
  const columnar::ArrayData& data() const { return *array; }
};

// What a kernel knows about its call site while running.
struct KernelContext {
  QueryContext* query = nullptr;
  const sql::BoundExpr* call = nullptr;
  bool ansi = true;       // fail on bad input (false: null, or Spark's legacy result)
  bool try_mode = false;  // TRY_CAST / try_*: null on bad input, never a legacy result
  // Spark's non-ANSI (legacy) behaviour: integer overflow wraps, narrowing casts of
  // integers wrap and of doubles saturate (division by zero and bad text are still null).
  bool legacy() const { return !ansi && !try_mode; }

  // InvalidArgument "line L, column C: <what> in '<call sql>'".
  base::Status Error(std::string_view what) const;
};

class ScalarKernel {
 public:
  virtual ~ScalarKernel() = default;
  // n values of the call's type from args (one per call argument).
  virtual base::Result<columnar::ArrayPtr> Execute(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n) = 0;
  // False for kernels whose result changes between calls with equal input (rand, uuid,
  // monotonically_increasing_id): the evaluator never folds them into constants.
  virtual bool deterministic() const { return true; }
  // For BOOLEAN kernels: appends to *out the rows (ascending) where the value is true. The
  // default evaluates Execute and scans the bits; comparison kernels override it to produce
  // the selection straight from their loop.
  virtual base::Status Select(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n, std::vector<int32_t>* out);
};

using KernelFunction =
    std::function<base::Result<columnar::ArrayPtr>(KernelContext& ctx, const std::vector<KernelArg>& args, int64_t n)>;

// A stateless kernel from a function.
std::unique_ptr<ScalarKernel> MakeFunctionKernel(KernelFunction fn, bool deterministic = true);

// Builds the kernel of one call site (call.kind == kCall, call.function canonical).
using KernelFactory = std::function<base::Result<std::unique_ptr<ScalarKernel>>(const sql::BoundExpr& call, QueryContext* ctx)>;

// The factory for a canonical scalar name, or nullptr.
const KernelFactory* FindKernel(std::string_view name);
// True when `name` has a kernel or is a special form the evaluator handles itself.
bool HasKernel(std::string_view name);
// Every name with a kernel (special forms included).
std::vector<std::string> ListKernels();

// ---- helpers for kernels

// The validity bitmap (n bits, nullptr = all valid) of rows where every arg is valid, and the
// null count; scalars that are null make every row null.
columnar::BufferPtr NullIntersection(const std::vector<KernelArg>& args, int64_t n, int64_t* null_count);
// A column of n copies of row `row` of `src` (for broadcasting scalars).
columnar::ArrayPtr Broadcast(const columnar::ArrayData& src, int64_t row, int64_t n);
// Materializes an argument as a full column of n rows.
columnar::ArrayPtr ArgColumn(const KernelArg& arg, int64_t n);

}  // namespace tide::exec
