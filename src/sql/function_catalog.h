// The functions SQL can call: names, classes and type rules. The binder resolves every call
// (operators included) through ResolveFunction; the exec layer registers one kernel per
// canonical name (exec/functions.h) and a unit test checks that every function listed here
// has one.
//
// Operators map to functions: + add, - subtract, * multiply, / divide, % mod, DIV int_divide,
// unary - negate, = eq, <> ne, < lt, <= le, > gt, >= ge, <=> null_safe_eq, || concat,
// & bit_and, | bit_or, ^ bit_xor, ~ bit_not, << shiftleft, >> shiftright, >>> shiftrightunsigned,
// AND and, OR or, NOT not, IS NULL is_null, IS NOT NULL is_not_null, IS [NOT] TRUE/FALSE
// is_true / is_not_true / is_false / is_not_false, IN (list) in, LIKE like, ILIKE ilike,
// RLIKE/REGEXP rlike, CASE case, a[i] element_at_subscript (arrays 0-based as in Spark's
// subscript; element_at is 1-based), s.f get_field (args: struct, literal field name).
//
// Type rules follow Spark (ANSI mode decides only runtime behaviour, not types):
//   - integral + integral -> the wider of the two; with FLOAT -> FLOAT, with DOUBLE -> DOUBLE
//     (Spark's numeric precedence; FLOAT with DECIMAL -> DOUBLE); decimal with
//     decimal/integral -> DECIMAL by Spark's precision/scale rules (an integer literal counts
//     as DECIMAL of its digits; capped at 38 with the scale reduced, as DecimalPrecision);
//     a STRING operand takes the other side's integral/floating type (else DOUBLE);
//   - `/` is DOUBLE for integral and floating operands, DECIMAL for decimals;
//   - comparisons and CASE/COALESCE/IN/IF/UNION find the wider common type; a string compared
//     with a number, date or timestamp is cast to that type (Spark's implicit cast);
//   - date +/- integer -> DATE (date_add), timestamp +/- interval literal -> TIMESTAMP.
// ResolveFunction returns the argument types the kernel wants; the binder casts each argument
// whose type differs (bound_expr.h: the casts are explicit in the tree).
//
// Thread-safety: the catalog is immutable static data; call from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "columnar/type.h"
#include "sql/bound_expr.h"

namespace tide::sql {

enum class FunctionClass : uint8_t {
  kScalar,     // one value per row
  kAggregate,  // count, sum, ... (also usable as window functions)
  kWindow,     // row_number, rank, lag, ... (OVER only)
  kGenerator,  // explode, posexplode, inline (a row per element)
};

struct ResolvedFunction {
  std::string name;                          // canonical lower-case name (aliases resolved:
                                             // "ucase" -> "upper", "std" -> "stddev_samp", ...)
  FunctionClass function_class = FunctionClass::kScalar;
  std::vector<columnar::TypePtr> arg_types;  // what each argument must be cast to
  columnar::TypePtr result_type;
  bool result_nullable = true;
  // Generators: the columns produced per element ("col"; "pos", "col"; struct fields).
  std::vector<columnar::FieldPtr> generated;
};

// Resolves `name` (case-insensitive, as written) applied to `args` (bound, before coercion;
// literal args are inspected for functions whose type depends on a constant, e.g. from_json's
// schema or get_field's name). Errors (InvalidArgument) name the function and say what is
// wrong: "function 'substr' expects 2 or 3 arguments, got 1", "cannot apply 'add' to STRING
// and BOOLEAN"; an unknown name is NotFound "undefined function 'foo'" (the binder adds the
// position).
base::Result<ResolvedFunction> ResolveFunction(std::string_view name, const std::vector<BoundExprPtr>& args);

// The class of a function name, or nullopt for an unknown name.
std::optional<FunctionClass> LookupFunctionClass(std::string_view name);

// Every canonical function name (for SHOW FUNCTIONS and the kernel-coverage test).
std::vector<std::string> ListFunctions();

// The wider type both convert to without losing information, as Spark's findWiderTypeForTwo
// (with string promotion when one side is a string, as its implicit casts); nullopt when
// there is none ("cannot find a common type for INT and ARRAY<INT>").
std::optional<columnar::TypePtr> CommonType(const columnar::TypePtr& a, const columnar::TypePtr& b);

// Whether a value of `from` can be CAST to `to` at all (Spark's Cast.canCast).
bool CanCast(const columnar::DataType& from, const columnar::DataType& to);

}  // namespace tide::sql
