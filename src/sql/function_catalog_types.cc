// Type rules shared by every function family: Spark's wider-type search, implicit comparison
// casts, decimal precision arithmetic and Cast.canCast.
#include <algorithm>

#include "columnar/array.h"
#include "sql/function_catalog_internal.h"

namespace tide::sql {

using columnar::DataType;
using columnar::TypeId;
using columnar::TypePtr;

namespace fcat {

bool IsIntegral(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64:
    case TypeId::kUInt8: case TypeId::kUInt16: case TypeId::kUInt32: case TypeId::kUInt64:
      return true;
    default:
      return false;
  }
}
bool IsFloating(const DataType& t) { return t.id() == TypeId::kFloat32 || t.id() == TypeId::kFloat64; }
bool IsDecimal(const DataType& t) { return t.id() == TypeId::kDecimal128; }
bool IsNumeric(const DataType& t) { return IsIntegral(t) || IsFloating(t) || IsDecimal(t); }
bool IsStringT(const DataType& t) { return t.id() == TypeId::kString; }
bool IsNullT(const DataType& t) { return t.id() == TypeId::kNull; }
bool IsDateTime(const DataType& t) { return t.id() == TypeId::kDate32 || t.id() == TypeId::kTimestamp; }
bool IsOrderable(const DataType& t) {
  if (t.id() == TypeId::kMap) return false;
  for (const auto& c : t.children()) {
    if (!IsOrderable(*c->type())) return false;
  }
  return true;
}

namespace {

// Rank among the integral types for widening (unsigned map to the next wider signed).
int IntRank(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8: return 1;
    case TypeId::kUInt8: case TypeId::kInt16: return 2;
    case TypeId::kUInt16: case TypeId::kInt32: return 3;
    case TypeId::kUInt32: case TypeId::kInt64: return 4;
    case TypeId::kUInt64: return 5;  // only fits DECIMAL(20,0)
    default: return 0;
  }
}
TypePtr IntOfRank(int r) {
  switch (r) {
    case 1: return columnar::Int8();
    case 2: return columnar::Int16();
    case 3: return columnar::Int32();
    case 4: return columnar::Int64();
    default: return columnar::Decimal(20, 0);
  }
}

}  // namespace

TypePtr DecimalForIntegral(const DataType& t) {
  switch (IntRank(t)) {
    case 1: return columnar::Decimal(3, 0);
    case 2: return columnar::Decimal(5, 0);
    case 3: return columnar::Decimal(10, 0);
    case 4: return columnar::Decimal(20, 0);
    default: return columnar::Decimal(20, 0);
  }
}

TypePtr AdjustedDecimal(int precision, int scale) {
  if (precision <= 38) return columnar::Decimal(std::max(precision, 1), scale);
  int int_digits = precision - scale;
  int min_scale = std::min(scale, 6);
  int adjusted = std::max(38 - int_digits, min_scale);
  return columnar::Decimal(38, adjusted);
}

TypePtr BoundedDecimal(int precision, int scale) {
  return columnar::Decimal(std::max(1, std::min(precision, 38)), std::min(scale, 38));
}

}  // namespace fcat

using namespace fcat;

namespace {

TypePtr WiderDecimal(const DataType& a, const DataType& b) {
  int scale = std::max(a.scale(), b.scale());
  int range = std::max(a.precision() - a.scale(), b.precision() - b.scale());
  return BoundedDecimal(range + scale, scale);
}

// Spark's findTightestCommonType + findWiderTypeForTwo for atomic numeric types.
std::optional<TypePtr> NumericWider(const TypePtr& a, const TypePtr& b) {
  if (IsIntegral(*a) && IsIntegral(*b)) return IntOfRank(std::max(IntRank(*a), IntRank(*b)));
  // Spark's numeric precedence: ... BIGINT < FLOAT < DOUBLE; FLOAT with a decimal is DOUBLE.
  if (a->id() == TypeId::kFloat64 || b->id() == TypeId::kFloat64) return columnar::Float64();
  if (IsFloating(*a) || IsFloating(*b)) {
    if (IsDecimal(*a) || IsDecimal(*b) || a->id() == TypeId::kUInt64 || b->id() == TypeId::kUInt64) return columnar::Float64();
    return columnar::Float32();
  }
  TypePtr da = IsDecimal(*a) ? a : DecimalForIntegral(*a);
  TypePtr db = IsDecimal(*b) ? b : DecimalForIntegral(*b);
  return WiderDecimal(*da, *db);
}

bool IsAtomicForStringPromotion(const DataType& t) {
  return IsNumeric(t) || IsDateTime(t) || t.id() == TypeId::kString;
}

}  // namespace

std::optional<TypePtr> CommonType(const TypePtr& a, const TypePtr& b) {
  if (a->Equals(*b)) return a;
  if (IsNullT(*a)) return b;
  if (IsNullT(*b)) return a;
  if (IsNumeric(*a) && IsNumeric(*b)) return NumericWider(a, b);
  if (IsDateTime(*a) && IsDateTime(*b)) {
    // DATE with TIMESTAMP -> the timestamp; TIMESTAMP_NTZ with TIMESTAMP -> TIMESTAMP.
    if (a->id() == TypeId::kDate32) return b;
    if (b->id() == TypeId::kDate32) return a;
    return columnar::Timestamp(columnar::TimeUnit::kMicro, true);
  }
  if ((IsStringT(*a) && IsAtomicForStringPromotion(*b)) || (IsStringT(*b) && IsAtomicForStringPromotion(*a))) {
    return columnar::Utf8();
  }
  if (a->id() != b->id()) return std::nullopt;
  switch (a->id()) {
    case TypeId::kList: {
      auto e = CommonType(a->children()[0]->type(), b->children()[0]->type());
      if (!e) return std::nullopt;
      return columnar::List(columnar::MakeField("element", *e, a->children()[0]->nullable() || b->children()[0]->nullable()));
    }
    case TypeId::kMap: {
      auto k = CommonType(a->map_key()->type(), b->map_key()->type());
      auto v = CommonType(a->map_value()->type(), b->map_value()->type());
      if (!k || !v) return std::nullopt;
      return columnar::Map(*k, *v, a->map_value()->nullable() || b->map_value()->nullable());
    }
    case TypeId::kStruct: {
      if (a->children().size() != b->children().size()) return std::nullopt;
      std::vector<columnar::FieldPtr> fields;
      for (size_t i = 0; i < a->children().size(); ++i) {
        const auto& fa = a->children()[i];
        const auto& fb = b->children()[i];
        auto t = CommonType(fa->type(), fb->type());
        if (!t) return std::nullopt;
        fields.push_back(columnar::MakeField(fa->name(), *t, fa->nullable() || fb->nullable()));
      }
      return columnar::Struct(std::move(fields));
    }
    case TypeId::kTimestamp:
      return columnar::Timestamp(columnar::TimeUnit::kMicro, true);
    default:
      return std::nullopt;
  }
}

bool CanCast(const DataType& from, const DataType& to) {
  if (from.Equals(to)) return true;
  if (from.id() == TypeId::kNull) return true;
  const bool from_atomic = !from.IsNested();
  switch (to.id()) {
    case TypeId::kString:
      return true;  // every type renders as a string (Spark's Cast to StringType)
    case TypeId::kBinary:
      return from.id() == TypeId::kString || IsIntegral(from) || from.id() == TypeId::kBinary;
    case TypeId::kBoolean:
      return IsNumeric(from) || from.id() == TypeId::kString || from.id() == TypeId::kBoolean ||
             from.id() == TypeId::kTimestamp || from.id() == TypeId::kDate32;
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64:
    case TypeId::kUInt8: case TypeId::kUInt16: case TypeId::kUInt32: case TypeId::kUInt64:
    case TypeId::kFloat32: case TypeId::kFloat64: case TypeId::kDecimal128:
      // DATE to a number is refused as in Spark's ANSI mode (the legacy result was null).
      return from_atomic && from.id() != TypeId::kBinary && from.id() != TypeId::kFixedSizeBinary &&
             from.id() != TypeId::kTime64 && from.id() != TypeId::kDate32;
    case TypeId::kDate32:
      return from.id() == TypeId::kString || from.id() == TypeId::kTimestamp || from.id() == TypeId::kDate32;
    case TypeId::kTimestamp:
      return from.id() == TypeId::kString || from.id() == TypeId::kDate32 || from.id() == TypeId::kTimestamp ||
             IsNumeric(from) || from.id() == TypeId::kBoolean;
    case TypeId::kList:
      return from.id() == TypeId::kList && CanCast(*from.children()[0]->type(), *to.children()[0]->type());
    case TypeId::kMap:
      return from.id() == TypeId::kMap && CanCast(*from.map_key()->type(), *to.map_key()->type()) &&
             CanCast(*from.map_value()->type(), *to.map_value()->type());
    case TypeId::kStruct: {
      if (from.id() != TypeId::kStruct || from.children().size() != to.children().size()) return false;
      for (size_t i = 0; i < to.children().size(); ++i) {
        if (!CanCast(*from.children()[i]->type(), *to.children()[i]->type())) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

namespace fcat {

std::optional<TypePtr> ComparisonType(const TypePtr& a, const TypePtr& b) {
  if (a->Equals(*b)) return a;
  if (IsNullT(*a)) return b;
  if (IsNullT(*b)) return a;
  // A string against a number, date, timestamp or boolean is cast to that side (Spark's
  // implicit cast in comparisons).
  if (IsStringT(*a) && !b->IsNested() && b->id() != TypeId::kBinary) return b;
  if (IsStringT(*b) && !a->IsNested() && a->id() != TypeId::kBinary) return a;
  return CommonType(a, b);
}

std::string TypeListText(const Args& args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += i + 1 == args.size() ? " and " : ", ";
    out += args[i]->type->ToString();
  }
  return out;
}

base::Status ExpectArity(const std::string& name, const Args& args, size_t min, size_t max) {
  if (args.size() >= min && args.size() <= max) return base::Status::OK();
  std::string expected;
  if (min == max) {
    expected = std::to_string(min);
  } else if (max == SIZE_MAX) {
    expected = "at least " + std::to_string(min);
  } else if (max == min + 1) {
    expected = std::to_string(min) + " or " + std::to_string(max);
  } else {
    expected = std::to_string(min) + " to " + std::to_string(max);
  }
  return base::Status::InvalidArgument("function '" + name + "' expects " + expected + " argument" +
                                       (min == max && min == 1 ? "" : "s") + ", got " + std::to_string(args.size()));
}

base::Status CannotApply(const std::string& name, const Args& args) {
  if (args.empty()) return base::Status::InvalidArgument("cannot apply '" + name + "' to no arguments");
  return base::Status::InvalidArgument("cannot apply '" + name + "' to " + TypeListText(args));
}

base::Result<TypePtr> CommonOf(const std::string& name, const Args& args, size_t begin, size_t end) {
  TypePtr t = columnar::Null();
  for (size_t i = begin; i < end && i < args.size(); ++i) {
    auto c = CommonType(t, args[i]->type);
    if (!c) {
      return base::Status::InvalidArgument("cannot find a common type for " + t->ToString() + " and " +
                                           args[i]->type->ToString() + " in '" + name + "'");
    }
    t = *c;
  }
  return t;
}

ResolvedFunction Make(std::vector<TypePtr> arg_types, TypePtr result, bool nullable) {
  ResolvedFunction f;
  f.arg_types = std::move(arg_types);
  f.result_type = std::move(result);
  f.result_nullable = nullable;
  return f;
}

Resolver Fixed(std::vector<TypePtr> arg_types, TypePtr result, size_t min_args, bool nullable) {
  size_t max_args = arg_types.size();
  if (min_args == SIZE_MAX) min_args = max_args;
  return [arg_types = std::move(arg_types), result = std::move(result), min_args, max_args, nullable](
             const std::string& name, const Args& args) -> base::Result<ResolvedFunction> {
    TIDE_RETURN_IF_ERROR(ExpectArity(name, args, min_args, max_args));
    std::vector<TypePtr> types(arg_types.begin(), arg_types.begin() + args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      if (!args[i]->type->Equals(*types[i]) && !CanCast(*args[i]->type, *types[i])) return CannotApply(name, args);
    }
    return Make(std::move(types), result, nullable || !NoneNullable(args));
  };
}

bool NoneNullable(const Args& args) {
  for (const auto& a : args) {
    if (a->nullable) return false;
  }
  return true;
}

std::optional<std::string> StringLiteralArg(const BoundExpr& e) {
  const BoundExpr* p = &e;
  while (p->kind == BoundExprKind::kCast && p->args.size() == 1) p = p->args[0].get();
  if (!p->IsLiteral() || p->literal->IsNull(0) || p->literal->type->id() != TypeId::kString) return std::nullopt;
  return std::string(p->literal->BytesValue(0));
}

std::optional<int64_t> IntLiteralArg(const BoundExpr& e) {
  const BoundExpr* p = &e;
  while (p->kind == BoundExprKind::kCast && p->args.size() == 1) p = p->args[0].get();
  if (!p->IsLiteral() || p->literal->IsNull(0)) return std::nullopt;
  switch (p->literal->type->id()) {
    case TypeId::kInt8: return p->literal->Value<int8_t>(0);
    case TypeId::kInt16: return p->literal->Value<int16_t>(0);
    case TypeId::kInt32: return p->literal->Value<int32_t>(0);
    case TypeId::kInt64: return p->literal->Value<int64_t>(0);
    default: return std::nullopt;
  }
}

}  // namespace fcat
}  // namespace tide::sql
