// Math and date/time functions.
#include <algorithm>
#include <cctype>

#include "sql/function_catalog_internal.h"

namespace tide::sql::fcat {

namespace {

using columnar::Boolean;
using columnar::Date32;
using columnar::Float64;
using columnar::Int32;
using columnar::Int64;
using columnar::Utf8;

TypePtr Ts() { return columnar::Timestamp(columnar::TimeUnit::kMicro, true); }

// ceil / floor: BIGINT for integral and floating input, DECIMAL(p - s + 1, 0) for decimals.
base::Result<ResolvedFunction> ResolveCeilFloor(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  const auto& t = args[0]->type;
  if (IsDecimal(*t)) return Make({t}, BoundedDecimal(t->precision() - t->scale() + 1, 0), args[0]->nullable);
  if (IsIntegral(*t)) return Make({Int64()}, Int64(), args[0]->nullable);
  if (IsFloating(*t) || IsStringT(*t) || IsNullT(*t)) return Make({Float64()}, Int64(), args[0]->nullable);
  return CannotApply(name, args);
}

// round / bround (x [, scale literal]): integral and floating keep their type; decimals
// get Spark's DECIMAL(p - s + 1 + min(s, d), min(s, d)).
base::Result<ResolvedFunction> ResolveRound(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 2));
  int64_t d = 0;
  if (args.size() == 2) {
    auto lit = IntLiteralArg(*args[1]);
    if (!lit) return base::Status::InvalidArgument("function '" + name + "' needs an integer literal scale, got '" + args[1]->sql + "'");
    d = *lit;
  }
  TypePtr t = args[0]->type;
  if (IsStringT(*t) || IsNullT(*t)) t = Float64();
  if (!IsNumeric(*t)) return CannotApply(name, args);
  TypePtr result = t;
  if (IsDecimal(*t)) {
    int p = t->precision(), s = t->scale();
    int ns = d < 0 ? 0 : static_cast<int>(std::min<int64_t>(s, d));
    result = BoundedDecimal(p - s + 1 + ns, ns);
  }
  std::vector<TypePtr> types{t};
  if (args.size() == 2) types.push_back(Int32());
  return Make(std::move(types), result, args[0]->nullable);
}

base::Result<ResolvedFunction> ResolveSign(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  return Make({Float64()}, Float64(), args[0]->nullable);
}

// log(x) natural logarithm, log(base, x).
base::Result<ResolvedFunction> ResolveLog(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 2));
  return Make(std::vector<TypePtr>(args.size(), Float64()), Float64(), true);
}

base::Result<ResolvedFunction> ResolveWidthBucket(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 4, 4));
  return Make({Float64(), Float64(), Float64(), Int64()}, Int64(), true);
}

// to_date(x [, fmt]): strings parse (with a Spark pattern when given), timestamps truncate.
base::Result<ResolvedFunction> ResolveToDate(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 2));
  const auto& t = args[0]->type;
  if (args.size() == 2) return Make({Utf8(), Utf8()}, Date32(), true);
  if (t->id() == TypeId::kTimestamp || t->id() == TypeId::kDate32) return Make({t}, Date32(), args[0]->nullable);
  if (IsStringT(*t) || IsNullT(*t)) return Make({Utf8()}, Date32(), true);
  return CannotApply(name, args);
}

base::Result<ResolvedFunction> ResolveToTimestamp(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 2));
  const auto& t = args[0]->type;
  if (args.size() == 2) return Make({Utf8(), Utf8()}, Ts(), true);
  if (t->id() == TypeId::kTimestamp || t->id() == TypeId::kDate32 || IsNumeric(*t)) return Make({t}, Ts(), args[0]->nullable);
  if (IsStringT(*t) || IsNullT(*t)) return Make({Utf8()}, Ts(), true);
  return CannotApply(name, args);
}

// unix_timestamp([x [, fmt]]) / to_unix_timestamp(x [, fmt]): seconds since the epoch.
base::Result<ResolvedFunction> ResolveUnixTimestamp(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, name == "unix_timestamp" ? 0 : 1, 2));
  if (args.empty()) return Make({}, Int64(), false);
  const auto& t = args[0]->type;
  if (args.size() == 2) return Make({Utf8(), Utf8()}, Int64(), true);
  if (t->id() == TypeId::kTimestamp || t->id() == TypeId::kDate32) return Make({t}, Int64(), args[0]->nullable);
  return Make({Utf8()}, Int64(), true);
}

base::Result<ResolvedFunction> ResolveTimestampSeconds(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 1, 1));
  const auto& t = args[0]->type;
  if (IsFloating(*t) || IsDecimal(*t)) return Make({Float64()}, Ts(), args[0]->nullable);
  return Make({Int64()}, Ts(), args[0]->nullable);
}

// date_part(field literal, source): INT fields, DECIMAL(8,6) for SECOND (as Spark).
base::Result<ResolvedFunction> ResolveDatePart(const std::string& name, const Args& args) {
  TIDE_RETURN_IF_ERROR(ExpectArity(name, args, 2, 2));
  auto field = StringLiteralArg(*args[0]);
  if (!field) return base::Status::InvalidArgument("function 'date_part' needs a literal field name, got '" + args[0]->sql + "'");
  std::string f;
  for (char c : *field) f.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  static const char* const kFields[] = {"YEAR", "Y", "YEARS", "YR", "YRS", "QUARTER", "QTR", "MONTH", "MON", "MONS", "MONTHS",
                                        "WEEK", "W", "WEEKS", "DAY", "D", "DAYS", "DAYOFWEEK", "DOW", "DAYOFWEEK_ISO",
                                        "DOW_ISO", "DOY", "HOUR", "H", "HOURS", "HR", "HRS", "MINUTE", "M", "MIN", "MINS",
                                        "MINUTES", "SECOND", "S", "SEC", "SECONDS", "SECS"};
  bool known = false;
  for (const char* k : kFields) known = known || f == k;
  if (!known) return base::Status::InvalidArgument("date_part: unknown field '" + *field + "'");
  const auto& t = args[1]->type;
  TypePtr src = t->id() == TypeId::kDate32 ? Date32() : Ts();
  const bool second = f == "SECOND" || f == "S" || f == "SEC" || f == "SECONDS" || f == "SECS";
  return Make({Utf8(), src}, second ? columnar::Decimal(8, 6) : Int32(), args[1]->nullable);
}

}  // namespace

void RegisterMathDateFunctions(Registry* r) {
  constexpr auto S = FunctionClass::kScalar;
  auto d = Float64();
  r->Add("ceil", S, ResolveCeilFloor);
  r->Alias("ceiling", "ceil");
  r->Add("floor", S, ResolveCeilFloor);
  r->Add("round", S, ResolveRound);
  r->Add("bround", S, ResolveRound);
  for (const char* f : {"sqrt", "cbrt", "exp", "expm1", "ln", "log10", "log2", "log1p", "sin", "cos", "tan", "asin",
                        "acos", "atan", "sinh", "cosh", "tanh", "degrees", "radians", "cot", "sec", "csc", "rint"}) {
    r->Add(f, S, Fixed({d}, d));
  }
  r->Add("pow", S, Fixed({d, d}, d));
  r->Alias("power", "pow");
  r->Add("atan2", S, Fixed({d, d}, d));
  r->Add("hypot", S, Fixed({d, d}, d));
  r->Add("log", S, ResolveLog);
  r->Add("sign", S, ResolveSign);
  r->Alias("signum", "sign");
  r->Add("pi", S, Fixed({}, d, SIZE_MAX, false));
  r->Add("e", S, Fixed({}, d, SIZE_MAX, false));
  r->Add("isnan", S, Fixed({d}, Boolean(), SIZE_MAX, false));
  r->Add("width_bucket", S, ResolveWidthBucket);
  r->Add("factorial", S, Fixed({Int32()}, Int64()));

  auto dt = Date32();
  auto ts = Ts();
  auto s = Utf8();
  auto i = Int32();
  auto l = Int64();
  r->Add("current_date", S, Fixed({}, dt, SIZE_MAX, false));
  r->Alias("curdate", "current_date");
  r->Add("current_timestamp", S, Fixed({}, ts, SIZE_MAX, false));
  r->Alias("now", "current_timestamp");
  r->Alias("localtimestamp", "current_timestamp");
  r->Add("current_timezone", S, Fixed({}, s, SIZE_MAX, false));
  r->Add("to_date", S, ResolveToDate);
  r->Add("to_timestamp", S, ResolveToTimestamp);
  r->Add("try_to_timestamp", S, ResolveToTimestamp);
  r->Add("date_part", S, ResolveDatePart);
  r->Alias("datepart", "date_part");
  r->Add("date_trunc", S, Fixed({s, ts}, ts));
  r->Add("trunc", S, Fixed({dt, s}, dt));
  r->Add("date_add", S, Fixed({dt, i}, dt));
  r->Alias("dateadd", "date_add");
  r->Add("date_sub", S, Fixed({dt, i}, dt));
  r->Add("datediff", S, Fixed({dt, dt}, i));
  r->Alias("date_diff", "datediff");
  r->Add("add_months", S, Fixed({dt, i}, dt));
  r->Add("months_between", S, Fixed({ts, ts, Boolean()}, d, 2));
  r->Add("last_day", S, Fixed({dt}, dt));
  r->Add("next_day", S, Fixed({dt, s}, dt));
  r->Add("make_date", S, Fixed({i, i, i}, dt));
  r->Add("make_timestamp", S, Fixed({i, i, i, i, i, d, s}, ts, 6));
  for (const char* f : {"year", "quarter", "month", "day", "dayofweek", "weekday", "dayofyear", "weekofyear"}) {
    r->Add(f, S, Fixed({dt}, i));
  }
  r->Alias("dayofmonth", "day");
  for (const char* f : {"hour", "minute", "second"}) r->Add(f, S, Fixed({ts}, i));
  r->Add("date_format", S, Fixed({ts, s}, s));
  r->Add("from_unixtime", S, Fixed({l, s}, s, 1));
  r->Add("unix_timestamp", S, ResolveUnixTimestamp);
  r->Add("to_unix_timestamp", S, ResolveUnixTimestamp);
  r->Add("timestamp_seconds", S, ResolveTimestampSeconds);
  r->Add("timestamp_millis", S, Fixed({l}, ts));
  r->Add("timestamp_micros", S, Fixed({l}, ts));
  r->Add("unix_seconds", S, Fixed({ts}, l));
  r->Add("unix_millis", S, Fixed({ts}, l));
  r->Add("unix_micros", S, Fixed({ts}, l));
  r->Add("unix_date", S, Fixed({dt}, i));
  r->Add("date_from_unix_date", S, Fixed({i}, dt));
  r->Add("from_utc_timestamp", S, Fixed({ts, s}, ts));
  r->Add("to_utc_timestamp", S, Fixed({ts, s}, ts));
  r->Add("timestamp_add_micros", S, Fixed({ts, l}, ts));
  r->Add("timestamp_add_months", S, Fixed({ts, i}, ts));
}

}  // namespace tide::sql::fcat
