// Aggregate, window and generator functions: names and result types (H3's operators
// implement them; exec/functions.h only holds scalar kernels).
#include <algorithm>

#include "sql/function_catalog_internal.h"

namespace tide::sql::fcat {

namespace {

using columnar::Boolean;
using columnar::FieldPtr;
using columnar::Float64;
using columnar::Int32;
using columnar::Int64;

base::Result<ResolvedFunction> ResolveCount(const std::string& name, const Args& args) {
  if (name == "count_star") TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 0, 0));
  std::vector<TypePtr> types;
  for (const auto& a : args) types.push_back(a->type);
  return Make(std::move(types), Int64(), false);
}

// sum: BIGINT for integral input, DECIMAL(min(38, p + 10), s), DOUBLE for floating.
base::Result<ResolvedFunction> ResolveSum(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  const auto& t = args[0]->type;
  if (IsIntegral(*t) || IsNullT(*t)) return Make({Int64()}, Int64(), true);
  if (IsDecimal(*t)) return Make({t}, BoundedDecimal(t->precision() + 10, t->scale()), true);
  if (IsFloating(*t) || IsStringT(*t)) return Make({Float64()}, Float64(), true);
  return CannotApply(name, args);
}

// avg: DOUBLE, or DECIMAL(min(38, p + 4), min(38, s + 4)) for decimals.
base::Result<ResolvedFunction> ResolveAvg(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  const auto& t = args[0]->type;
  if (IsDecimal(*t)) return Make({t}, BoundedDecimal(t->precision() + 4, t->scale() + 4), true);
  if (IsNumeric(*t) || IsNullT(*t) || IsStringT(*t)) return Make({Float64()}, Float64(), true);
  return CannotApply(name, args);
}

base::Result<ResolvedFunction> ResolveMinMax(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  if (!IsOrderable(*args[0]->type)) return CannotApply(name, args);
  return Make({args[0]->type}, args[0]->type, true);
}

base::Result<ResolvedFunction> ResolveStat(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  if (!(IsNumeric(*args[0]->type) || IsNullT(*args[0]->type) || IsStringT(*args[0]->type))) return CannotApply(name, args);
  return Make({Float64()}, Float64(), true);
}

base::Result<ResolvedFunction> ResolveStat2(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  return Make({Float64(), Float64()}, Float64(), true);
}

base::Result<ResolvedFunction> ResolveApproxCountDistinct(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 2));
  std::vector<TypePtr> types{args[0]->type};
  if (args.size() == 2) types.push_back(Float64());
  return Make(std::move(types), Int64(), false);
}

// percentile_approx(x, percentage [, accuracy]): x's type, or ARRAY of it when percentage is
// an array.
base::Result<ResolvedFunction> ResolvePercentileApprox(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 3));
  TypePtr t = args[0]->type;
  if (IsStringT(*t) || IsNullT(*t)) t = Float64();
  if (!(IsNumeric(*t) || IsDateTime(*t))) return CannotApply(name, args);
  const bool many = args[1]->type->id() == TypeId::kList;
  std::vector<TypePtr> types{t, many ? columnar::List(Float64()) : Float64()};
  if (args.size() == 3) types.push_back(Int32());
  return Make(std::move(types), many ? columnar::List(t) : t, true);
}

// percentile(x, p) / median(x): exact, DOUBLE.
base::Result<ResolvedFunction> ResolvePercentile(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, name == "median" ? 1 : 2, name == "median" ? 1 : 2));
  std::vector<TypePtr> types{Float64()};
  if (args.size() == 2) types.push_back(Float64());
  return Make(std::move(types), Float64(), true);
}

base::Result<ResolvedFunction> ResolveCollect(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  TypePtr t = IsNullT(*args[0]->type) ? columnar::Utf8() : args[0]->type;
  return Make({t}, columnar::List(columnar::MakeField("element", t, false)), false);
}

// first / last / any_value (x [, ignore_nulls literal]).
base::Result<ResolvedFunction> ResolveFirst(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 2));
  std::vector<TypePtr> types{args[0]->type};
  if (args.size() == 2) types.push_back(Boolean());
  return Make(std::move(types), args[0]->type, true);
}

base::Result<ResolvedFunction> ResolveBoolAgg(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  if (!(args[0]->type->id() == TypeId::kBoolean || IsNullT(*args[0]->type))) return CannotApply(name, args);
  return Make({Boolean()}, name == "count_if" ? Int64() : Boolean(), name != "count_if");
}

base::Result<ResolvedFunction> ResolveMaxBy(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  if (!IsOrderable(*args[1]->type)) return CannotApply(name, args);
  return Make({args[0]->type, args[1]->type}, args[0]->type, true);
}

base::Result<ResolvedFunction> ResolveRanking(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 0, 0));
  const bool fraction = name == "percent_rank" || name == "cume_dist";
  return Make({}, fraction ? Float64() : Int32(), false);
}

base::Result<ResolvedFunction> ResolveNtile(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  return Make({Int32()}, Int32(), false);
}

// lag / lead (value [, offset [, default]]).
base::Result<ResolvedFunction> ResolveLag(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 3));
  TypePtr t = args[0]->type;
  if (args.size() == 3) {
    auto c = CommonType(t, args[2]->type);
    if (!c) return CannotApply(name, args);
    t = *c;
  }
  std::vector<TypePtr> types{t};
  if (args.size() >= 2) types.push_back(Int32());
  if (args.size() == 3) types.push_back(t);
  return Make(std::move(types), t, true);
}

base::Result<ResolvedFunction> ResolveNthValue(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 3));
  std::vector<TypePtr> types{args[0]->type, Int32()};
  if (args.size() == 3) types.push_back(Boolean());
  return Make(std::move(types), args[0]->type, true);
}

// Generators: the columns produced per element.
base::Result<ResolvedFunction> ResolveGenerator(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  const auto& t = args[0]->type;
  const bool pos = name.rfind("posexplode", 0) == 0;
  std::vector<FieldPtr> out;
  if (pos) out.push_back(columnar::MakeField("pos", Int32(), false));
  if (name == "inline" || name == "inline_outer") {
    if (t->id() != TypeId::kList || t->children()[0]->type()->id() != TypeId::kStruct) return CannotApply(name, args);
    for (const auto& f : t->children()[0]->type()->children()) out.push_back(columnar::MakeField(f->name(), f->type(), true));
  } else if (t->id() == TypeId::kList) {
    out.push_back(columnar::MakeField("col", t->children()[0]->type(), true));
  } else if (t->id() == TypeId::kMap) {
    out.push_back(columnar::MakeField("key", t->map_key()->type(), name.find("outer") != std::string::npos));
    out.push_back(columnar::MakeField("value", t->map_value()->type(), true));
  } else {
    return CannotApply(name, args);
  }
  ResolvedFunction f = Make({t}, columnar::Struct(out), false);
  f.generated = std::move(out);
  return f;
}

// json_tuple(json, k1, ..., kn): one row of STRING columns c0..cn-1 (the binder rewrites it to
// inline over get_json_object, so no kernel of its own).
base::Result<ResolvedFunction> ResolveJsonTuple(const std::string& name, const Args& args) {
  if (args.size() < 2) {
    return base::Status::InvalidArgument("function 'json_tuple' needs a JSON string and at least one key, got " +
                                         std::to_string(args.size()) + " argument(s)");
  }
  std::vector<FieldPtr> out;
  std::vector<TypePtr> types;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto id = args[i]->type->id();
    if (id != columnar::TypeId::kString && id != columnar::TypeId::kNull) return CannotApply(name, args);
    types.push_back(columnar::Utf8());
    if (i) out.push_back(columnar::MakeField("c" + std::to_string(i - 1), columnar::Utf8(), true));
  }
  ResolvedFunction f = Make(std::move(types), columnar::Struct(out), false);
  f.generated = std::move(out);
  return f;
}

}  // namespace

void RegisterAggregates(Registry* r) {
  constexpr auto A = FunctionClass::kAggregate;
  r->Add("count", A, ResolveCount);
  r->Add("count_star", A, ResolveCount);
  r->Add("sum", A, ResolveSum);
  r->Add("avg", A, ResolveAvg);
  r->Alias("mean", "avg");
  r->Add("min", A, ResolveMinMax);
  r->Add("max", A, ResolveMinMax);
  r->Add("stddev_samp", A, ResolveStat);
  r->Add("stddev_pop", A, ResolveStat);
  r->Add("var_samp", A, ResolveStat);
  r->Add("var_pop", A, ResolveStat);
  r->Add("stddev", A, ResolveStat);
  r->Add("variance", A, ResolveStat);
  r->Alias("std", "stddev");
  r->Add("corr", A, ResolveStat2);
  r->Add("covar_samp", A, ResolveStat2);
  r->Add("covar_pop", A, ResolveStat2);
  r->Add("approx_count_distinct", A, ResolveApproxCountDistinct);
  r->Add("percentile_approx", A, ResolvePercentileApprox);
  r->Alias("approx_percentile", "percentile_approx");
  r->Add("percentile", A, ResolvePercentile);
  r->Add("median", A, ResolvePercentile);
  r->Add("collect_list", A, ResolveCollect);
  r->Alias("array_agg", "collect_list");
  r->Add("collect_set", A, ResolveCollect);
  r->Add("first", A, ResolveFirst);
  r->Add("last", A, ResolveFirst);
  r->Add("any_value", A, ResolveFirst);
  r->Add("bool_and", A, ResolveBoolAgg);
  r->Alias("every", "bool_and");
  r->Add("bool_or", A, ResolveBoolAgg);
  r->Alias("some", "bool_or");
  r->Alias("any", "bool_or");
  r->Add("count_if", A, ResolveBoolAgg);
  r->Add("max_by", A, ResolveMaxBy);
  r->Add("min_by", A, ResolveMaxBy);

  constexpr auto W = FunctionClass::kWindow;
  for (const char* f : {"row_number", "rank", "dense_rank", "percent_rank", "cume_dist"}) r->Add(f, W, ResolveRanking);
  r->Add("ntile", W, ResolveNtile);
  r->Add("lag", W, ResolveLag);
  r->Add("lead", W, ResolveLag);
  r->Add("first_value", W, ResolveFirst);
  r->Add("last_value", W, ResolveFirst);
  r->Add("nth_value", W, ResolveNthValue);

  constexpr auto G = FunctionClass::kGenerator;
  for (const char* f : {"explode", "posexplode", "inline", "explode_outer", "posexplode_outer", "inline_outer"}) {
    r->Add(f, G, ResolveGenerator);
  }
  r->Add("json_tuple", G, ResolveJsonTuple);
}

}  // namespace tide::sql::fcat
