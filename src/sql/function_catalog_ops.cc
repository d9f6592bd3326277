// Operators, comparisons, logic, conditionals and pattern matching.
#include <algorithm>

#include "sql/function_catalog_internal.h"

namespace tide::sql::fcat {

namespace {

using columnar::Boolean;
using columnar::Float64;
using columnar::Int32;
using columnar::Int64;
using columnar::Utf8;

// Numeric type of an arithmetic operand: strings become DOUBLE (Spark's implicit cast),
// untyped NULL takes the other side's type.
std::optional<TypePtr> ArithOperand(const TypePtr& t, const TypePtr& other) {
  if (IsNumeric(*t)) return t;
  if (IsStringT(*t)) {
    // Spark (ANSI): the string takes an integral or floating other side's type; DOUBLE else.
    if (IsIntegral(*other) || IsFloating(*other)) return other;
    return Float64();
  }
  if (IsNullT(*t)) return t;
  return std::nullopt;
}

// The decimal type of an integral operand of decimal arithmetic: a literal takes just its
// digits (Spark's DecimalType.fromLiteral: 2 is DECIMAL(1,0)), a column its type's range.
TypePtr IntegralAsDecimal(const BoundExpr& e, const TypePtr& t) {
  if (auto v = IntLiteralArg(e)) {
    __int128 x = *v < 0 ? -static_cast<__int128>(*v) : *v;
    int digits = 1;
    while (x >= 10) {
      x /= 10;
      ++digits;
    }
    return columnar::Decimal(digits, 0);
  }
  return DecimalForIntegral(*t);
}

enum class Arith { kAdd, kSub, kMul, kDiv, kMod };

base::Result<ResolvedFunction> ResolveArith(Arith op, const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  auto a = ArithOperand(args[0]->type, args[1]->type);
  auto b = ArithOperand(args[1]->type, args[0]->type);
  if (!a || !b) return CannotApply(name, args);
  TypePtr ta = *a, tb = *b;
  if (IsNullT(*ta) && IsNullT(*tb)) ta = tb = (op == Arith::kDiv ? Float64() : Int32());
  if (IsNullT(*ta)) ta = tb;
  if (IsNullT(*tb)) tb = ta;
  const bool nullable = true;  // overflow / division by zero may give null outside ANSI mode
  if (IsDecimal(*ta) || IsDecimal(*tb)) {
    if (IsFloating(*ta) || IsFloating(*tb)) return Make({Float64(), Float64()}, Float64(), nullable);
    TypePtr da = IsDecimal(*ta) ? ta : IntegralAsDecimal(*args[0], ta);
    TypePtr db = IsDecimal(*tb) ? tb : IntegralAsDecimal(*args[1], tb);
    int p1 = da->precision(), s1 = da->scale(), p2 = db->precision(), s2 = db->scale();
    TypePtr result;
    switch (op) {
      case Arith::kAdd:
      case Arith::kSub: {
        int s = std::max(s1, s2);
        result = AdjustedDecimal(std::max(p1 - s1, p2 - s2) + s + 1, s);
        break;
      }
      case Arith::kMul:
        result = AdjustedDecimal(p1 + p2 + 1, s1 + s2);
        break;
      case Arith::kDiv: {
        int s = std::max(6, s1 + p2 + 1);
        result = AdjustedDecimal(p1 - s1 + s2 + s, s);
        break;
      }
      case Arith::kMod: {
        int s = std::max(s1, s2);
        result = AdjustedDecimal(std::min(p1 - s1, p2 - s2) + s, s);
        break;
      }
    }
    return Make({da, db}, result, nullable);
  }
  if (op == Arith::kDiv) return Make({Float64(), Float64()}, Float64(), nullable);
  auto common = CommonType(ta, tb);
  if (!common) return CannotApply(name, args);
  // Unsigned 64-bit widens to DECIMAL(20,0) in CommonType: keep it as decimal arithmetic.
  if (IsDecimal(**common)) return ResolveArith(op, name, {MakeCast(args[0], *common), MakeCast(args[1], *common)});
  return Make({*common, *common}, *common, nullable);
}

Resolver ArithResolver(Arith op) {
  return [op](const std::string& name, const Args& args) { return ResolveArith(op, name, args); };
}

base::Result<ResolvedFunction> ResolveIntDivide(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  auto a = ArithOperand(args[0]->type, args[1]->type);
  auto b = ArithOperand(args[1]->type, args[0]->type);
  if (!a || !b) return CannotApply(name, args);
  if (IsDecimal(**a) || IsDecimal(**b) || IsFloating(**a) || IsFloating(**b)) {
    // Spark's `div` takes integral and decimal operands only.
    if (IsFloating(**a) || IsFloating(**b)) return CannotApply(name, args);
    TypePtr da = IsDecimal(**a) ? *a : DecimalForIntegral(**a);
    TypePtr db = IsDecimal(**b) ? *b : DecimalForIntegral(**b);
    return Make({da, db}, Int64());
  }
  return Make({Int64(), Int64()}, Int64());
}

base::Result<ResolvedFunction> ResolveUnaryNumeric(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  auto a = ArithOperand(args[0]->type, args[0]->type);
  if (!a) return CannotApply(name, args);
  TypePtr t = IsNullT(**a) ? Int32() : *a;
  return Make({t}, t, true);
}

base::Result<ResolvedFunction> ResolveBitBinary(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  TypePtr a = IsNullT(*args[0]->type) ? Int32() : args[0]->type;
  TypePtr b = IsNullT(*args[1]->type) ? a : args[1]->type;
  if (!IsIntegral(*a) || !IsIntegral(*b)) return CannotApply(name, args);
  auto c = CommonType(a, b);
  if (!c || !IsIntegral(**c)) return CannotApply(name, args);
  return Make({*c, *c}, *c, args[0]->nullable || args[1]->nullable);
}

base::Result<ResolvedFunction> ResolveBitNot(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  TypePtr a = IsNullT(*args[0]->type) ? Int32() : args[0]->type;
  if (!IsIntegral(*a)) return CannotApply(name, args);
  return Make({a}, a, args[0]->nullable);
}

base::Result<ResolvedFunction> ResolveShift(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  TypePtr a = IsNullT(*args[0]->type) ? Int32() : args[0]->type;
  if (!IsIntegral(*a) || !(IsIntegral(*args[1]->type) || IsNullT(*args[1]->type))) return CannotApply(name, args);
  TypePtr t = a->id() == TypeId::kInt64 || a->id() == TypeId::kUInt32 || a->id() == TypeId::kUInt64 ? Int64() : Int32();
  return Make({t, Int32()}, t, args[0]->nullable || args[1]->nullable);
}

base::Result<ResolvedFunction> ResolveComparison(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  auto t = ComparisonType(args[0]->type, args[1]->type);
  if (!t) return CannotApply(name, args);
  TypePtr c = IsNullT(**t) ? Boolean() : *t;
  if (name != "eq" && name != "ne" && name != "null_safe_eq" && !IsOrderable(*c)) return CannotApply(name, args);
  bool nullable = name == "null_safe_eq" ? false : (args[0]->nullable || args[1]->nullable);
  return Make({c, c}, Boolean(), nullable);
}

base::Result<ResolvedFunction> ResolveLogic(const std::string& name, const Args& args) {
  size_t n = name == "not" ? 1 : 2;
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, n, n));
  for (const auto& a : args) {
    if (!(a->type->id() == TypeId::kBoolean || IsNullT(*a->type) || IsStringT(*a->type))) return CannotApply(name, args);
  }
  std::vector<TypePtr> types(n, Boolean());
  return Make(types, Boolean(), !NoneNullable(args));
}

base::Result<ResolvedFunction> ResolveIsNull(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  return Make({args[0]->type}, Boolean(), false);
}

base::Result<ResolvedFunction> ResolveIsTruth(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  if (!(args[0]->type->id() == TypeId::kBoolean || IsNullT(*args[0]->type))) return CannotApply(name, args);
  return Make({Boolean()}, Boolean(), false);
}

base::Result<ResolvedFunction> ResolveIn(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, SIZE_MAX));
  TypePtr t = args[0]->type;
  for (size_t i = 1; i < args.size(); ++i) {
    auto c = ComparisonType(t, args[i]->type);
    if (!c) return CannotApply(name, args);
    t = *c;
  }
  if (IsNullT(*t)) t = Boolean();
  return Make(std::vector<TypePtr>(args.size(), t), Boolean(), !NoneNullable(args));
}

base::Result<ResolvedFunction> ResolveCase(const std::string& name, const Args& args) {
  if (args.size() < 2) return ExpectArity(name, args, 2, SIZE_MAX);
  const bool has_else = args.size() % 2 == 1;
  const size_t pairs = args.size() / 2;
  TypePtr t = columnar::Null();
  bool nullable = !has_else;
  for (size_t i = 0; i < pairs; ++i) {
    const auto& cond = args[2 * i];
    if (!(cond->type->id() == TypeId::kBoolean || IsNullT(*cond->type))) {
      return base::Status::InvalidArgument("CASE condition '" + cond->sql + "' must be BOOLEAN, got " +
                                           cond->type->ToString());
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const bool is_value = (i % 2 == 1) || (has_else && i == args.size() - 1);
    if (!is_value) continue;
    auto c = CommonType(t, args[i]->type);
    if (!c) {
      return base::Status::InvalidArgument("CASE branches have no common type: " + t->ToString() + " and " +
                                           args[i]->type->ToString());
    }
    t = *c;
    nullable = nullable || args[i]->nullable;
  }
  if (IsNullT(*t)) t = columnar::Null();
  std::vector<TypePtr> types;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_value = (i % 2 == 1) || (has_else && i == args.size() - 1);
    types.push_back(is_value ? t : Boolean());
  }
  return Make(std::move(types), t, nullable);
}

base::Result<ResolvedFunction> ResolveCoalesce(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, SIZE_MAX));
  TIDE_ASSIGN_OR_RETURN(TypePtr t, CommonOf(name, args, 0, args.size()));
  bool nullable = true;
  for (const auto& a : args) nullable = nullable && a->nullable;
  return Make(std::vector<TypePtr>(args.size(), t), t, nullable);
}

base::Result<ResolvedFunction> ResolveIf(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 3, 3));
  if (!(args[0]->type->id() == TypeId::kBoolean || IsNullT(*args[0]->type))) return CannotApply(name, args);
  TIDE_ASSIGN_OR_RETURN(TypePtr t, CommonOf(name, args, 1, 3));
  return Make({Boolean(), t, t}, t, args[1]->nullable || args[2]->nullable);
}

base::Result<ResolvedFunction> ResolveNullIf(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  auto t = ComparisonType(args[0]->type, args[1]->type);
  if (!t) return CannotApply(name, args);
  return Make({*t, *t}, *t, true);
}

base::Result<ResolvedFunction> ResolveNvl2(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 3, 3));
  TIDE_ASSIGN_OR_RETURN(TypePtr t, CommonOf(name, args, 1, 3));
  return Make({args[0]->type, t, t}, t, args[1]->nullable || args[2]->nullable);
}

base::Result<ResolvedFunction> ResolveGreatest(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, SIZE_MAX));
  TIDE_ASSIGN_OR_RETURN(TypePtr t, CommonOf(name, args, 0, args.size()));
  if (!IsOrderable(*t)) return CannotApply(name, args);
  bool nullable = true;
  for (const auto& a : args) nullable = nullable && a->nullable;
  return Make(std::vector<TypePtr>(args.size(), t), t, nullable);
}

base::Result<ResolvedFunction> ResolveLike(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, name == "rlike" ? 2 : 3));
  for (const auto& a : args) {
    if (!(IsStringT(*a->type) || IsNullT(*a->type))) return CannotApply(name, args);
  }
  return Make(std::vector<TypePtr>(args.size(), Utf8()), Boolean(), args[0]->nullable || args[1]->nullable);
}

base::Result<ResolvedFunction> ResolveNanvl(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  return Make({Float64(), Float64()}, Float64(), args[0]->nullable || args[1]->nullable);
}

base::Result<ResolvedFunction> ResolveTypeof(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  return Make({args[0]->type}, Utf8(), false);
}

base::Result<ResolvedFunction> ResolveHash(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, SIZE_MAX));
  std::vector<TypePtr> types;
  for (const auto& a : args) types.push_back(a->type);
  return Make(std::move(types), name == "xxhash64" ? Int64() : Int32(), false);
}

}  // namespace

void RegisterOperators(Registry* r) {
  constexpr auto S = FunctionClass::kScalar;
  r->Add("add", S, ArithResolver(Arith::kAdd));
  r->Add("subtract", S, ArithResolver(Arith::kSub));
  r->Add("multiply", S, ArithResolver(Arith::kMul));
  r->Add("divide", S, ArithResolver(Arith::kDiv));
  r->Add("mod", S, ArithResolver(Arith::kMod));
  r->Add("pmod", S, ArithResolver(Arith::kMod));
  r->Add("try_add", S, ArithResolver(Arith::kAdd));
  r->Add("try_subtract", S, ArithResolver(Arith::kSub));
  r->Add("try_multiply", S, ArithResolver(Arith::kMul));
  r->Add("try_divide", S, ArithResolver(Arith::kDiv));
  r->Add("try_mod", S, ArithResolver(Arith::kMod));
  r->Add("int_divide", S, ResolveIntDivide);
  r->Add("negate", S, ResolveUnaryNumeric);
  r->Add("positive", S, ResolveUnaryNumeric);
  r->Add("abs", S, ResolveUnaryNumeric);
  r->Add("bit_and", S, ResolveBitBinary);
  r->Add("bit_or", S, ResolveBitBinary);
  r->Add("bit_xor", S, ResolveBitBinary);
  r->Add("bit_not", S, ResolveBitNot);
  r->Add("shiftleft", S, ResolveShift);
  r->Add("shiftright", S, ResolveShift);
  r->Add("shiftrightunsigned", S, ResolveShift);
  r->Alias("div", "int_divide");
  r->Alias("negative", "negate");

  for (const char* c : {"eq", "ne", "lt", "le", "gt", "ge", "null_safe_eq"}) r->Add(c, S, ResolveComparison);
  r->Alias("equal_null", "null_safe_eq");
  r->Add("and", S, ResolveLogic);
  r->Add("or", S, ResolveLogic);
  r->Add("not", S, ResolveLogic);
  r->Add("is_null", S, ResolveIsNull);
  r->Add("is_not_null", S, ResolveIsNull);
  r->Alias("isnull", "is_null");
  r->Alias("isnotnull", "is_not_null");
  for (const char* c : {"is_true", "is_not_true", "is_false", "is_not_false"}) r->Add(c, S, ResolveIsTruth);
  r->Add("in", S, ResolveIn);
  r->Add("case", S, ResolveCase);
  r->Add("coalesce", S, ResolveCoalesce);
  r->Alias("nvl", "coalesce");
  r->Alias("ifnull", "coalesce");
  r->Add("if", S, ResolveIf);
  r->Alias("iff", "if");
  r->Add("nullif", S, ResolveNullIf);
  r->Add("nvl2", S, ResolveNvl2);
  r->Add("nanvl", S, ResolveNanvl);
  r->Add("greatest", S, ResolveGreatest);
  r->Add("least", S, ResolveGreatest);
  r->Add("like", S, ResolveLike);
  r->Add("ilike", S, ResolveLike);
  r->Add("rlike", S, ResolveLike);
  r->Alias("regexp", "rlike");
  r->Alias("regexp_like", "rlike");
  r->Add("typeof", S, ResolveTypeof);
  r->Add("hash", S, ResolveHash);
  r->Add("xxhash64", S, ResolveHash);
  r->Add("monotonically_increasing_id", S, Fixed({}, Int64(), SIZE_MAX, false));
  r->Add("spark_partition_id", S, Fixed({}, Int32(), SIZE_MAX, false));
  r->Add("input_file_name", S, Fixed({}, Utf8(), SIZE_MAX, false));
  r->Add("uuid", S, Fixed({}, Utf8(), SIZE_MAX, false));
  r->Add("current_database", S, Fixed({}, Utf8(), SIZE_MAX, false));
  r->Alias("current_schema", "current_database");
  r->Add("rand", S, Fixed({Int64()}, Float64(), 0, false));
  r->Alias("random", "rand");
  r->Add("randn", S, Fixed({Int64()}, Float64(), 0, false));
}

}  // namespace tide::sql::fcat
