// Arrays, maps and structs: constructors, element access and collection functions.
#include <algorithm>
#include <cctype>

#include "sql/function_catalog_internal.h"

namespace tide::sql::fcat {

namespace {

using columnar::Boolean;
using columnar::FieldPtr;
using columnar::Int32;
using columnar::Int64;
using columnar::Utf8;

bool IsList(const columnar::DataType& t) { return t.id() == TypeId::kList; }
bool IsMap(const columnar::DataType& t) { return t.id() == TypeId::kMap; }
const TypePtr& ElementType(const columnar::DataType& t) { return t.children()[0]->type(); }

base::Result<ResolvedFunction> ResolveArray(const std::string& name, const Args& args) {
  TIDE_ASSIGN_OR_RETURN(TypePtr t, CommonOf(name, args, 0, args.size()));
  // Spark 3+: array() is an empty ARRAY<VOID>, which coerces to any array type.
  if (args.empty()) t = columnar::Null();
  bool elem_nullable = !NoneNullable(args) || args.empty();
  return Make(std::vector<TypePtr>(args.size(), t),
              columnar::List(columnar::MakeField("element", t, elem_nullable)), false);
}

base::Result<ResolvedFunction> ResolveMap(const std::string& name, const Args& args) {
  if (args.size() % 2 != 0) {
    return base::Status::InvalidArgument("function 'map' expects an even number of arguments (key, value, ...), got " +
                                         std::to_string(args.size()));
  }
  TypePtr k = columnar::Null(), v = columnar::Null();
  for (size_t i = 0; i < args.size(); i += 2) {
    auto ck = CommonType(k, args[i]->type);
    auto cv = CommonType(v, args[i + 1]->type);
    if (!ck || !cv) return CannotApply(name, args);
    k = *ck;
    v = *cv;
  }
  // Spark 3+: map() is an empty MAP<VOID, VOID>; map(k, NULL) keeps a VOID value type.
  std::vector<TypePtr> types;
  for (size_t i = 0; i < args.size(); ++i) types.push_back(i % 2 == 0 ? k : v);
  return Make(std::move(types), columnar::Map(k, v, true), false);
}

base::Result<ResolvedFunction> ResolveNamedStruct(const std::string& name, const Args& args) {
  if (args.size() % 2 != 0 || args.empty()) {
    return base::Status::InvalidArgument("function 'named_struct' expects name, value pairs, got " +
                                         std::to_string(args.size()) + " arguments");
  }
  std::vector<FieldPtr> fields;
  std::vector<TypePtr> types;
  for (size_t i = 0; i < args.size(); i += 2) {
    auto field_name = StringLiteralArg(*args[i]);
    if (!field_name) {
      return base::Status::InvalidArgument("named_struct: field name '" + args[i]->sql + "' must be a string literal");
    }
    fields.push_back(columnar::MakeField(*field_name, args[i + 1]->type, args[i + 1]->nullable));
    types.push_back(Utf8());
    types.push_back(args[i + 1]->type);
  }
  return Make(std::move(types), columnar::Struct(std::move(fields)), false);
}

// struct(a, b, ...): fields named after column references (their SQL text), else col1, col2...
base::Result<ResolvedFunction> ResolveStruct(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, SIZE_MAX));
  std::vector<FieldPtr> fields;
  std::vector<TypePtr> types;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string field = "col" + std::to_string(i + 1);
    if (args[i]->kind == BoundExprKind::kColumn && !args[i]->sql.empty()) {
      field = args[i]->sql;
      auto dot = field.rfind('.');
      if (dot != std::string::npos) field = field.substr(dot + 1);
    }
    fields.push_back(columnar::MakeField(field, args[i]->type, args[i]->nullable));
    types.push_back(args[i]->type);
  }
  return Make(std::move(types), columnar::Struct(std::move(fields)), false);
}

// element_at(array, 1-based index) / element_at(map, key); element_at_subscript (0-based).
base::Result<ResolvedFunction> ResolveElementAt(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  const auto& t = args[0]->type;
  if (IsList(*t)) {
    if (!(IsIntegral(*args[1]->type) || IsNullT(*args[1]->type) || IsStringT(*args[1]->type))) {
      return CannotApply(name, args);
    }
    return Make({t, Int32()}, ElementType(*t), true);
  }
  if (IsMap(*t)) return Make({t, t->map_key()->type()}, t->map_value()->type(), true);
  return CannotApply(name, args);
}

base::Result<ResolvedFunction> ResolveGetField(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  const auto& t = args[0]->type;
  auto field = StringLiteralArg(*args[1]);
  if (t->id() != TypeId::kStruct || !field) return CannotApply(name, args);
  for (const auto& f : t->children()) {
    if (f->name() == *field) return Make({t, Utf8()}, f->type(), args[0]->nullable || f->nullable());
  }
  // Spark resolves struct fields case-insensitively.
  for (const auto& f : t->children()) {
    if (f->name().size() == field->size() &&
        std::equal(f->name().begin(), f->name().end(), field->begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); })) {
      return Make({t, Utf8()}, f->type(), args[0]->nullable || f->nullable());
    }
  }
  return base::Status::InvalidArgument("no field '" + *field + "' in " + t->ToString());
}

base::Result<ResolvedFunction> ResolveSize(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  if (!IsList(*args[0]->type) && !IsMap(*args[0]->type) && !IsNullT(*args[0]->type)) return CannotApply(name, args);
  return Make({args[0]->type}, Int32(), args[0]->nullable);
}

// f(array) -> result computed from the array type.
using ArrayRule = TypePtr (*)(const TypePtr& array);
TypePtr SameArray(const TypePtr& a) { return a; }
TypePtr Element(const TypePtr& a) { return ElementType(*a); }

Resolver OneArray(ArrayRule rule, size_t extra_min = 0, std::vector<TypePtr> extra = {}) {
  return [=](const std::string& name, const Args& args) -> base::Result<ResolvedFunction> {
    TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1 + extra_min, 1 + extra.size()));
    if (!IsList(*args[0]->type)) return CannotApply(name, args);
    std::vector<TypePtr> types{args[0]->type};
    for (size_t i = 1; i < args.size(); ++i) types.push_back(extra[i - 1]);
    return Make(std::move(types), rule(args[0]->type), true);
  };
}

// f(array, element) with the element coerced to the array's element type.
base::Result<ResolvedFunction> ResolveArrayElement(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  if (!IsList(*args[0]->type)) return CannotApply(name, args);
  auto c = CommonType(ElementType(*args[0]->type), args[1]->type);
  if (!c) return CannotApply(name, args);
  TypePtr arr = columnar::List(columnar::MakeField("element", *c, args[0]->type->children()[0]->nullable()));
  TypePtr result = name == "array_contains"  ? Boolean()
                   : name == "array_position" ? Int64()
                                              : arr;
  return Make({arr, *c}, result, true);
}

// f(array, array) over the common array type.
base::Result<ResolvedFunction> ResolveTwoArrays(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  if (!IsList(*args[0]->type) || !IsList(*args[1]->type)) return CannotApply(name, args);
  auto c = CommonType(args[0]->type, args[1]->type);
  if (!c) return CannotApply(name, args);
  return Make({*c, *c}, name == "arrays_overlap" ? Boolean() : *c, true);
}

base::Result<ResolvedFunction> ResolveArrayJoin(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 3));
  if (!IsList(*args[0]->type)) return CannotApply(name, args);
  std::vector<TypePtr> types{columnar::List(Utf8()), Utf8()};
  if (args.size() == 3) types.push_back(Utf8());
  return Make(std::move(types), Utf8(), true);
}

base::Result<ResolvedFunction> ResolveFlatten(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  const auto& t = args[0]->type;
  if (!IsList(*t) || !IsList(*ElementType(*t))) return CannotApply(name, args);
  return Make({t}, ElementType(*t), true);
}

base::Result<ResolvedFunction> ResolveSequence(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 3));
  TIDE_ASSIGN_OR_RETURN(TypePtr t, CommonOf(name, args, 0, args.size()));
  if (IsNullT(*t)) t = Int32();
  if (!IsIntegral(*t)) return CannotApply(name, args);
  if (t->id() != TypeId::kInt64) t = Int32();
  return Make(std::vector<TypePtr>(args.size(), t), columnar::List(columnar::MakeField("element", t, false)), true);
}

base::Result<ResolvedFunction> ResolveArraysZip(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, SIZE_MAX));
  std::vector<FieldPtr> fields;
  std::vector<TypePtr> types;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!IsList(*args[i]->type)) return CannotApply(name, args);
    std::string field = std::to_string(i);
    if (args[i]->kind == BoundExprKind::kColumn && !args[i]->sql.empty()) field = args[i]->sql;
    fields.push_back(columnar::MakeField(field, ElementType(*args[i]->type), true));
    types.push_back(args[i]->type);
  }
  return Make(std::move(types), columnar::List(columnar::MakeField("element", columnar::Struct(fields), false)), true);
}

base::Result<ResolvedFunction> ResolveArrayRepeat(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  return Make({args[0]->type, Int32()}, columnar::List(columnar::MakeField("element", args[0]->type, args[0]->nullable)),
              true);
}

base::Result<ResolvedFunction> ResolveMapPart(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  const auto& t = args[0]->type;
  if (!IsMap(*t)) return CannotApply(name, args);
  TypePtr result;
  if (name == "map_keys") {
    result = columnar::List(columnar::MakeField("element", t->map_key()->type(), false));
  } else if (name == "map_values") {
    result = columnar::List(columnar::MakeField("element", t->map_value()->type(), t->map_value()->nullable()));
  } else {
    result = columnar::List(columnar::MakeField("element", t->children()[0]->type(), false));
  }
  return Make({t}, result, args[0]->nullable);
}

base::Result<ResolvedFunction> ResolveMapContainsKey(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  const auto& t = args[0]->type;
  if (!IsMap(*t)) return CannotApply(name, args);
  return Make({t, t->map_key()->type()}, Boolean(), true);
}

base::Result<ResolvedFunction> ResolveMapFromArrays(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  if (!IsList(*args[0]->type) || !IsList(*args[1]->type)) return CannotApply(name, args);
  return Make({args[0]->type, args[1]->type}, columnar::Map(ElementType(*args[0]->type), ElementType(*args[1]->type)), true);
}

base::Result<ResolvedFunction> ResolveStrToMap(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 3));
  return Make(std::vector<TypePtr>(args.size(), Utf8()), columnar::Map(Utf8(), Utf8()), true);
}

bool IsLambda(const BoundExpr& e) { return e.kind == BoundExprKind::kLambda; }

// Higher-order functions: the binder binds lambda bodies with the parameter types (element,
// index, accumulator ...) and passes kLambda arguments typed by their body.
base::Result<ResolvedFunction> ResolveHigherOrder(const std::string& name, const Args& args) {
  const bool is_agg = name == "aggregate" || name == "reduce";
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, is_agg || name == "zip_with" ? 3 : 2, is_agg ? 4 : (name == "zip_with" ? 3 : 2)));
  const auto& t = args[0]->type;
  std::vector<TypePtr> types;
  for (const auto& a : args) types.push_back(a->type);
  const size_t fn_arg = is_agg ? 2 : (name == "zip_with" ? 2 : 1);
  if (!IsLambda(*args[fn_arg])) {
    return base::Status::InvalidArgument("function '" + name + "' expects a lambda function as argument " + std::to_string(fn_arg + 1));
  }
  const TypePtr& body = args[fn_arg]->type;
  auto want_bool = [&]() -> base::Status {
    if (body->id() != TypeId::kBoolean && !IsNullT(*body)) {
      return base::Status::InvalidArgument("the lambda of '" + name + "' must return BOOLEAN, got " + body->ToString());
    }
    return base::Status::OK();
  };
  if (name == "map_filter" || name == "transform_values" || name == "transform_keys") {
    if (!IsMap(*t)) return CannotApply(name, args);
    if (name == "map_filter") {
      TIDE_RETURN_IF_ERROR(want_bool());
      return Make(types, t, args[0]->nullable);
    }
    if (name == "transform_values") return Make(types, columnar::Map(t->map_key()->type(), body), args[0]->nullable);
    return Make(types, columnar::Map(body, t->map_value()->type()), args[0]->nullable);
  }
  if (!IsList(*t)) return CannotApply(name, args);
  if (name == "transform" || name == "zip_with") {
    if (name == "zip_with" && !IsList(*args[1]->type)) return CannotApply(name, args);
    return Make(types, columnar::List(columnar::MakeField("element", body, true)), true);
  }
  if (name == "filter") {
    TIDE_RETURN_IF_ERROR(want_bool());
    return Make(types, t, args[0]->nullable);
  }
  if (name == "exists" || name == "forall") {
    TIDE_RETURN_IF_ERROR(want_bool());
    return Make(types, columnar::Boolean(), true);
  }
  if (is_agg) {
    // The accumulator keeps the initial value's type; the finish lambda decides the result.
    TypePtr result = args.size() == 4 ? args[3]->type : args[1]->type;
    return Make(types, result, true);
  }
  return CannotApply(name, args);
}

// array_sort(a) or array_sort(a, (l, r) -> comparator INT).
base::Result<ResolvedFunction> ResolveArraySort(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 2));
  if (!IsList(*args[0]->type)) return CannotApply(name, args);
  std::vector<TypePtr> types{args[0]->type};
  if (args.size() == 2) {
    if (!IsLambda(*args[1]) || !IsIntegral(*args[1]->type)) {
      return base::Status::InvalidArgument("array_sort's comparator must be a lambda returning an integer");
    }
    types.push_back(args[1]->type);
  }
  return Make(std::move(types), args[0]->type, args[0]->nullable);
}

}  // namespace

void RegisterCollectionFunctions(Registry* r) {
  constexpr auto S = FunctionClass::kScalar;
  r->Add("array", S, ResolveArray);
  r->Add("map", S, ResolveMap);
  r->Add("named_struct", S, ResolveNamedStruct);
  r->Add("struct", S, ResolveStruct);
  r->Add("element_at", S, ResolveElementAt);
  r->Add("element_at_subscript", S, ResolveElementAt);
  r->Add("try_element_at", S, ResolveElementAt);
  r->Add("get_field", S, ResolveGetField);
  r->Add("size", S, ResolveSize);
  r->Alias("cardinality", "size");
  r->Alias("array_size", "size");
  r->Add("array_contains", S, ResolveArrayElement);
  r->Add("array_position", S, ResolveArrayElement);
  r->Add("array_remove", S, ResolveArrayElement);
  r->Add("array_append", S, ResolveArrayElement);
  r->Add("array_distinct", S, OneArray(SameArray));
  r->Add("array_union", S, ResolveTwoArrays);
  r->Add("array_intersect", S, ResolveTwoArrays);
  r->Add("array_except", S, ResolveTwoArrays);
  r->Add("arrays_overlap", S, ResolveTwoArrays);
  r->Add("array_join", S, ResolveArrayJoin);
  r->Add("array_max", S, OneArray(Element));
  r->Add("array_min", S, OneArray(Element));
  r->Add("sort_array", S, OneArray(SameArray, 0, {Boolean()}));
  r->Add("array_sort", S, ResolveArraySort);
  for (const char* f : {"transform", "filter", "exists", "forall", "aggregate", "zip_with", "map_filter", "transform_values",
                        "transform_keys"}) {
    r->Add(f, S, ResolveHigherOrder);
  }
  r->Alias("reduce", "aggregate");
  r->Add("slice", S, OneArray(SameArray, 2, {Int32(), Int32()}));
  r->Add("array_compact", S, OneArray(SameArray));
  r->Add("flatten", S, ResolveFlatten);
  r->Add("sequence", S, ResolveSequence);
  r->Add("arrays_zip", S, ResolveArraysZip);
  r->Add("array_repeat", S, ResolveArrayRepeat);
  r->Add("map_keys", S, ResolveMapPart);
  r->Add("map_values", S, ResolveMapPart);
  r->Add("map_entries", S, ResolveMapPart);
  r->Add("map_contains_key", S, ResolveMapContainsKey);
  r->Add("map_from_arrays", S, ResolveMapFromArrays);
  r->Add("str_to_map", S, ResolveStrToMap);
}

}  // namespace tide::sql::fcat
