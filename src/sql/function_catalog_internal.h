// Internal to the function catalog (function_catalog*.cc): the registry of function entries
// and the type helpers the per-family registration files share. Not a contract; include only
// from src/sql/function_catalog*.cc and their tests.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/type.h"
#include "sql/bound_expr.h"
#include "sql/function_catalog.h"

namespace tide::sql::fcat {

using columnar::TypeId;
using columnar::TypePtr;
using Args = std::vector<BoundExprPtr>;

// Resolves one call; `name` is the canonical name (for messages). The registry fills in
// name and function_class afterwards.
using Resolver = std::function<base::Result<ResolvedFunction>(const std::string& name, const Args& args)>;

struct FunctionEntry {
  FunctionClass function_class = FunctionClass::kScalar;
  Resolver resolve;
};

struct Registry {
  std::map<std::string, FunctionEntry> entries;      // canonical name -> entry
  std::map<std::string, std::string> aliases;        // alias -> canonical name
  void Add(const std::string& name, FunctionClass cls, Resolver r) { entries[name] = {cls, std::move(r)}; }
  void Alias(const std::string& alias, const std::string& canonical) { aliases[alias] = canonical; }
};

void RegisterOperators(Registry* r);     // function_catalog_ops.cc
void RegisterStringFunctions(Registry* r);   // function_catalog_strings.cc
void RegisterMathDateFunctions(Registry* r); // function_catalog_datetime.cc
void RegisterCollectionFunctions(Registry* r);  // function_catalog_collections.cc
void RegisterAggregates(Registry* r);    // function_catalog_aggregates.cc

// ---- type predicates
bool IsIntegral(const columnar::DataType& t);  // int8..int64 (unsigned counted too)
bool IsFloating(const columnar::DataType& t);
bool IsDecimal(const columnar::DataType& t);
bool IsNumeric(const columnar::DataType& t);  // integral, floating, decimal
bool IsStringT(const columnar::DataType& t);
bool IsNullT(const columnar::DataType& t);
bool IsDateTime(const columnar::DataType& t);  // date or timestamp
bool IsOrderable(const columnar::DataType& t);

// Decimal type an integral type converts to without loss (Spark's DecimalType.forType).
TypePtr DecimalForIntegral(const columnar::DataType& t);
// Spark's DecimalType.adjustPrecisionScale (allowPrecisionLoss = true).
TypePtr AdjustedDecimal(int precision, int scale);
// Bounded: precision and scale each capped at 38.
TypePtr BoundedDecimal(int precision, int scale);

// ---- resolution helpers
base::Status ExpectArity(const std::string& name, const Args& args, size_t min, size_t max);
base::Status CannotApply(const std::string& name, const Args& args);
std::string TypeListText(const Args& args);
// The common type of all args (nullopt-safe: InvalidArgument naming the function).
base::Result<TypePtr> CommonOf(const std::string& name, const Args& args, size_t begin, size_t end);
// The type a comparison between a and b is evaluated in (strings vs number/date/timestamp
// cast to the other side, as Spark).
std::optional<TypePtr> ComparisonType(const TypePtr& a, const TypePtr& b);
// ResolvedFunction with these arg types and result.
ResolvedFunction Make(std::vector<TypePtr> arg_types, TypePtr result, bool nullable = true);
// Fixed signature: exactly arg_types.size() args (or between min_args and that), each cast.
Resolver Fixed(std::vector<TypePtr> arg_types, TypePtr result, size_t min_args = SIZE_MAX, bool nullable = true);
// True when every argument is nullable=false.
bool NoneNullable(const Args& args);
// A literal string argument's value (nullopt when not a non-null string literal).
std::optional<std::string> StringLiteralArg(const BoundExpr& e);
std::optional<int64_t> IntLiteralArg(const BoundExpr& e);

}  // namespace tide::sql::fcat
