// String, binary, regular-expression, hashing and JSON functions.
#include "sql/function_catalog_internal.h"
#include "sql/parser.h"
#include "sql/types.h"

namespace tide::sql::fcat {

namespace {

using columnar::Binary;
using columnar::Boolean;
using columnar::Int32;
using columnar::Int64;
using columnar::Utf8;


// substr / reverse / length on STRING or BINARY keep the kind of their first argument.
TypePtr StringOrBinary(const TypePtr& t) { return t->id() == TypeId::kBinary ? Binary() : Utf8(); }

base::Result<ResolvedFunction> ResolveLength(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  if (args[0]->type->IsNested()) return CannotApply(name, args);
  return Make({StringOrBinary(args[0]->type)}, Int32(), args[0]->nullable);
}

base::Result<ResolvedFunction> ResolveSubstr(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 3));
  if (args[0]->type->IsNested()) return CannotApply(name, args);
  TypePtr t = StringOrBinary(args[0]->type);
  std::vector<TypePtr> types{t, Int32()};
  if (args.size() == 3) types.push_back(Int32());
  return Make(std::move(types), t, !NoneNullable(args));
}

base::Result<ResolvedFunction> ResolveConcat(const std::string& name, const Args& args) {
  bool all_arrays = !args.empty();
  for (const auto& a : args) all_arrays = all_arrays && (a->type->id() == TypeId::kList || IsNullT(*a->type));
  bool any_array = false;
  for (const auto& a : args) any_array = any_array || a->type->id() == TypeId::kList;
  if (all_arrays && any_array) {
    TIDE_ASSIGN_OR_RETURN(TypePtr t, CommonOf(name, args, 0, args.size()));
    return Make(std::vector<TypePtr>(args.size(), t), t, !NoneNullable(args));
  }
  bool all_binary = !args.empty();
  for (const auto& a : args) {
    if (a->type->IsNested()) return CannotApply(name, args);
    all_binary = all_binary && a->type->id() == TypeId::kBinary;
  }
  TypePtr t = all_binary ? Binary() : Utf8();
  return Make(std::vector<TypePtr>(args.size(), t), t, !NoneNullable(args));
}

base::Result<ResolvedFunction> ResolveConcatWs(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, SIZE_MAX));
  std::vector<TypePtr> types{Utf8()};
  for (size_t i = 1; i < args.size(); ++i) {
    const auto& t = args[i]->type;
    if (t->id() == TypeId::kList) {
      types.push_back(columnar::List(Utf8()));
    } else if (t->IsNested()) {
      return CannotApply(name, args);
    } else {
      types.push_back(Utf8());
    }
  }
  return Make(std::move(types), Utf8(), args[0]->nullable);
}

base::Result<ResolvedFunction> ResolveFormatString(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, SIZE_MAX));
  std::vector<TypePtr> types{Utf8()};
  for (size_t i = 1; i < args.size(); ++i) types.push_back(args[i]->type);
  return Make(std::move(types), Utf8(), true);
}

base::Result<ResolvedFunction> ResolveReverse(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  if (args[0]->type->id() == TypeId::kList) return Make({args[0]->type}, args[0]->type, args[0]->nullable);
  if (args[0]->type->IsNested()) return CannotApply(name, args);
  return Make({Utf8()}, Utf8(), args[0]->nullable);
}

base::Result<ResolvedFunction> ResolveHex(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  const auto& t = args[0]->type;
  if (IsIntegral(*t) || IsNullT(*t)) return Make({Int64()}, Utf8(), args[0]->nullable);
  if (t->id() == TypeId::kBinary) return Make({Binary()}, Utf8(), args[0]->nullable);
  if (IsStringT(*t)) return Make({Utf8()}, Utf8(), args[0]->nullable);
  return CannotApply(name, args);
}

// from_json(json, schema [, options]): the schema literal decides the result type. Accepts a
// type ("STRUCT<a: INT>", "ARRAY<INT>", "MAP<STRING, INT>") or a column list ("a INT, b STRING").
base::Result<ResolvedFunction> ResolveFromJson(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 3));
  auto schema = StringLiteralArg(*args[1]);
  if (!schema) {
    return base::Status::InvalidArgument("function 'from_json' needs its schema as a string literal, got '" +
                                         args[1]->sql + "'");
  }
  TypePtr type;
  auto as_type = ParseType(*schema);
  if (as_type.ok()) {
    auto t = ToColumnarType(**as_type);
    if (t.ok()) type = *t;
  }
  if (!type) {
    auto as_struct = ParseType("STRUCT<" + *schema + ">");
    if (!as_struct.ok()) {
      return base::Status::InvalidArgument("from_json: cannot parse schema '" + *schema + "': " +
                                           as_type.status().message());
    }
    TIDE_ASSIGN_OR_RETURN(type, ToColumnarType(**as_struct));
  }
  if (!type->IsNested()) {
    return base::Status::InvalidArgument("from_json: schema '" + *schema + "' must be a STRUCT, ARRAY or MAP type");
  }
  std::vector<TypePtr> types{Utf8(), Utf8()};
  if (args.size() == 3) types.push_back(args[2]->type);
  return Make(std::move(types), type, true);
}

base::Result<ResolvedFunction> ResolveToJson(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 2));
  if (!args[0]->type->IsNested() && !IsNullT(*args[0]->type)) return CannotApply(name, args);
  std::vector<TypePtr> types{args[0]->type};
  if (args.size() == 2) types.push_back(args[1]->type);
  return Make(std::move(types), Utf8(), args[0]->nullable);
}

base::Result<ResolvedFunction> ResolveStringArgs(const std::string& name, const Args& args, size_t min, size_t max,
                                                 TypePtr result) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, min, max));
  for (const auto& a : args) {
    if (a->type->IsNested()) return CannotApply(name, args);
  }
  return Make(std::vector<TypePtr>(args.size(), Utf8()), std::move(result), !NoneNullable(args));
}

Resolver Strings(size_t min, size_t max, TypePtr result) {
  return [=](const std::string& name, const Args& args) { return ResolveStringArgs(name, args, min, max, result); };
}

}  // namespace

void RegisterStringFunctions(Registry* r) {
  constexpr auto S = FunctionClass::kScalar;
  auto s = Utf8();
  auto i = Int32();
  r->Add("upper", S, Strings(1, 1, s));
  r->Add("lower", S, Strings(1, 1, s));
  r->Alias("ucase", "upper");
  r->Alias("lcase", "lower");
  r->Add("length", S, ResolveLength);
  r->Alias("char_length", "length");
  r->Alias("character_length", "length");
  r->Alias("len", "length");
  r->Add("octet_length", S, ResolveLength);
  r->Add("bit_length", S, ResolveLength);
  r->Add("substr", S, ResolveSubstr);
  r->Alias("substring", "substr");
  r->Add("concat", S, ResolveConcat);
  r->Add("concat_ws", S, ResolveConcatWs);
  r->Add("trim", S, Strings(1, 2, s));
  r->Add("ltrim", S, Strings(1, 2, s));
  r->Add("rtrim", S, Strings(1, 2, s));
  r->Add("btrim", S, Strings(1, 2, s));
  r->Add("lpad", S, Fixed({s, i, s}, s, 2));
  r->Add("rpad", S, Fixed({s, i, s}, s, 2));
  r->Add("replace", S, Strings(2, 3, s));
  r->Add("instr", S, Strings(2, 2, i));
  r->Add("locate", S, Fixed({s, s, i}, i, 2));
  r->Alias("position", "locate");
  r->Add("split", S, Fixed({s, s, i}, columnar::List(s), 2));
  r->Add("split_part", S, Fixed({s, s, i}, s));
  r->Add("substring_index", S, Fixed({s, s, i}, s));
  r->Add("initcap", S, Strings(1, 1, s));
  r->Add("reverse", S, ResolveReverse);
  r->Add("repeat", S, Fixed({s, i}, s));
  r->Add("space", S, Fixed({i}, s));
  r->Add("left", S, Fixed({s, i}, s));
  r->Add("right", S, Fixed({s, i}, s));
  r->Add("startswith", S, Strings(2, 2, Boolean()));
  r->Add("endswith", S, Strings(2, 2, Boolean()));
  r->Add("contains", S, Strings(2, 2, Boolean()));
  r->Alias("starts_with", "startswith");
  r->Alias("ends_with", "endswith");
  r->Add("ascii", S, Strings(1, 1, i));
  r->Add("chr", S, Fixed({Int64()}, s));
  r->Alias("char", "chr");
  r->Add("translate", S, Strings(3, 3, s));
  r->Add("levenshtein", S, Strings(2, 2, i));
  r->Add("format_string", S, ResolveFormatString);
  r->Alias("printf", "format_string");
  r->Add("md5", S, Fixed({Binary()}, s));
  r->Add("sha1", S, Fixed({Binary()}, s));
  r->Alias("sha", "sha1");
  r->Add("sha2", S, Fixed({Binary(), i}, s));
  r->Add("crc32", S, Fixed({Binary()}, Int64()));
  r->Add("hex", S, ResolveHex);
  r->Add("unhex", S, Fixed({s}, Binary()));
  r->Add("base64", S, Fixed({Binary()}, s));
  r->Add("unbase64", S, Fixed({s}, Binary()));
  r->Add("regexp_extract", S, Fixed({s, s, i}, s, 2));
  r->Add("regexp_extract_all", S, Fixed({s, s, i}, columnar::List(s), 2));
  r->Add("regexp_replace", S, Fixed({s, s, s, i}, s, 3));
  r->Add("regexp_count", S, Strings(2, 2, i));
  r->Add("regexp_substr", S, Strings(2, 2, s));
  r->Add("regexp_instr", S, Fixed({s, s, i}, i, 2));
  r->Add("overlay", S, Fixed({s, s, i, i}, s, 3));
  r->Add("elt", S, [](const std::string& name, const Args& args) -> base::Result<ResolvedFunction> {
    TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, SIZE_MAX));
    std::vector<TypePtr> types{Int32()};
    for (size_t k = 1; k < args.size(); ++k) types.push_back(Utf8());
    return Make(std::move(types), Utf8(), true);
  });
  r->Add("conv", S, Fixed({s, i, i}, s));
  r->Add("find_in_set", S, Strings(2, 2, i));
  r->Add("schema_of_json", S, Strings(1, 2, s));
  r->Add("get_json_object", S, Strings(2, 2, s));
  r->Add("json_array_length", S, Strings(1, 1, i));
  r->Add("json_object_keys", S, Strings(1, 1, columnar::List(s)));
  r->Add("from_json", S, ResolveFromJson);
  r->Add("to_json", S, ResolveToJson);
}

}  // namespace tide::sql::fcat
