// Function catalog: Spark's type rules, common types, casts, classes, arity errors.
#include <gtest/gtest.h>

#include "columnar/builder.h"
#include "sql/bound_expr.h"
#include "sql/function_catalog.h"

namespace tide::sql {
namespace {

using columnar::TypePtr;

BoundExprPtr Arg(TypePtr t) { return MakeColumn(0, std::move(t), true, "x"); }

std::string ResultOf(const std::string& f, std::vector<TypePtr> types) {
  std::vector<BoundExprPtr> args;
  for (auto& t : types) args.push_back(Arg(t));
  auto r = ResolveFunction(f, args);
  if (!r.ok()) return "ERROR: " + r.status().message();
  return r->result_type->ToString();
}

TEST(FunctionCatalogTypes, IntegralArithmetic) {
  EXPECT_EQ(ResultOf("add", {columnar::Int32(), columnar::Int64()}), "BIGINT");
  EXPECT_EQ(ResultOf("add", {columnar::Int8(), columnar::Int16()}), "SMALLINT");
  EXPECT_EQ(ResultOf("multiply", {columnar::Int32(), columnar::Float64()}), "DOUBLE");
  EXPECT_EQ(ResultOf("divide", {columnar::Int32(), columnar::Int32()}), "DOUBLE");
  EXPECT_EQ(ResultOf("int_divide", {columnar::Int32(), columnar::Int32()}), "BIGINT");
  EXPECT_EQ(ResultOf("add", {columnar::Float32(), columnar::Float32()}), "FLOAT");
  EXPECT_EQ(ResultOf("add", {columnar::Utf8(), columnar::Int32()}), "INT");
  EXPECT_EQ(ResultOf("add", {columnar::Utf8(), columnar::Utf8()}), "DOUBLE");
  EXPECT_EQ(ResultOf("multiply", {columnar::Float32(), columnar::Int32()}), "FLOAT");
  EXPECT_EQ(ResultOf("add", {columnar::Float32(), columnar::Decimal(5, 2)}), "DOUBLE");
}

TEST(FunctionCatalogTypes, DecimalPrecision) {
  EXPECT_EQ(ResultOf("add", {columnar::Decimal(15, 2), columnar::Decimal(15, 2)}), "DECIMAL(16,2)");
  EXPECT_EQ(ResultOf("multiply", {columnar::Decimal(15, 2), columnar::Decimal(16, 2)}), "DECIMAL(32,4)");
  EXPECT_EQ(ResultOf("divide", {columnar::Decimal(10, 0), columnar::Decimal(10, 0)}), "DECIMAL(21,11)");
  EXPECT_EQ(ResultOf("add", {columnar::Decimal(10, 2), columnar::Int32()}), "DECIMAL(13,2)");
  // An integer literal counts as DECIMAL of its own digits.
  auto lit = ResolveFunction("multiply", {Arg(columnar::Decimal(10, 2)), MakeInt64Literal(2)});
  ASSERT_TRUE(lit.ok());
  EXPECT_EQ(lit->result_type->ToString(), "DECIMAL(12,2)");
  // Past 38 digits the scale gives way (Spark's adjustPrecisionScale), keeping at least 6.
  EXPECT_EQ(ResultOf("multiply", {columnar::Decimal(38, 10), columnar::Decimal(38, 10)}), "DECIMAL(38,6)");
  EXPECT_EQ(ResultOf("mod", {columnar::Decimal(10, 2), columnar::Decimal(5, 3)}), "DECIMAL(5,3)");
  EXPECT_EQ(ResultOf("add", {columnar::Decimal(10, 2), columnar::Float64()}), "DOUBLE");
}

TEST(FunctionCatalogTypes, Aggregates) {
  EXPECT_EQ(ResultOf("sum", {columnar::Int32()}), "BIGINT");
  EXPECT_EQ(ResultOf("sum", {columnar::Decimal(15, 2)}), "DECIMAL(25,2)");
  EXPECT_EQ(ResultOf("sum", {columnar::Decimal(35, 2)}), "DECIMAL(38,2)");
  EXPECT_EQ(ResultOf("sum", {columnar::Float64()}), "DOUBLE");
  EXPECT_EQ(ResultOf("avg", {columnar::Int32()}), "DOUBLE");
  EXPECT_EQ(ResultOf("avg", {columnar::Decimal(15, 2)}), "DECIMAL(19,6)");
  EXPECT_EQ(ResultOf("count", {columnar::Utf8()}), "BIGINT");
  EXPECT_EQ(ResultOf("collect_list", {columnar::Utf8()}), "ARRAY<STRING>");
  EXPECT_EQ(ResultOf("percentile_approx", {columnar::Int64(), columnar::Float64()}), "BIGINT");
  EXPECT_EQ(ResultOf("min", {columnar::Date32()}), "DATE");
  auto count = ResolveFunction("count_star", {});
  ASSERT_TRUE(count.ok());
  EXPECT_FALSE(count->result_nullable);
  EXPECT_EQ(count->function_class, FunctionClass::kAggregate);
}

TEST(FunctionCatalogTypes, CommonTypes) {
  auto ct = [](TypePtr a, TypePtr b) {
    auto c = CommonType(a, b);
    return c ? (*c)->ToString() : std::string("none");
  };
  EXPECT_EQ(ct(columnar::Int32(), columnar::Int64()), "BIGINT");
  EXPECT_EQ(ct(columnar::Decimal(10, 2), columnar::Decimal(5, 4)), "DECIMAL(12,4)");
  EXPECT_EQ(ct(columnar::Int64(), columnar::Decimal(5, 2)), "DECIMAL(22,2)");
  EXPECT_EQ(ct(columnar::Date32(), columnar::Timestamp(columnar::TimeUnit::kMicro, true)), "TIMESTAMP");
  EXPECT_EQ(ct(columnar::Utf8(), columnar::Int32()), "STRING");
  EXPECT_EQ(ct(columnar::Null(), columnar::Utf8()), "STRING");
  EXPECT_EQ(ct(columnar::Int32(), columnar::List(columnar::Int32())), "none");
  EXPECT_EQ(ct(columnar::List(columnar::Int32()), columnar::List(columnar::Int64())), "ARRAY<BIGINT>");
  EXPECT_EQ(ct(columnar::Boolean(), columnar::Int32()), "none");
}

TEST(FunctionCatalogTypes, ComparisonCoercion) {
  auto r = ResolveFunction("eq", {Arg(columnar::Utf8()), Arg(columnar::Int32())});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->arg_types[0]->ToString(), "INT");
  auto d = ResolveFunction("lt", {Arg(columnar::Date32()), Arg(columnar::Utf8())});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->arg_types[1]->ToString(), "DATE");
  auto in = ResolveFunction("in", {Arg(columnar::Int32()), Arg(columnar::Int64()), Arg(columnar::Decimal(5, 1))});
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->arg_types[0]->ToString(), "DECIMAL(21,1)");
  EXPECT_FALSE(ResolveFunction("lt", {Arg(columnar::Map(columnar::Utf8(), columnar::Int32())),
                                      Arg(columnar::Map(columnar::Utf8(), columnar::Int32()))})
                   .ok());
}

TEST(FunctionCatalogTypes, CaseCoalesceIf) {
  EXPECT_EQ(ResultOf("case", {columnar::Boolean(), columnar::Int32(), columnar::Int64()}), "BIGINT");
  EXPECT_EQ(ResultOf("coalesce", {columnar::Int32(), columnar::Decimal(10, 2)}), "DECIMAL(12,2)");
  EXPECT_EQ(ResultOf("if", {columnar::Boolean(), columnar::Utf8(), columnar::Null()}), "STRING");
  EXPECT_EQ(ResultOf("case", {columnar::Int32(), columnar::Int32()}).substr(0, 6), "ERROR:");
}

TEST(FunctionCatalogTypes, CanCast) {
  EXPECT_TRUE(CanCast(*columnar::Utf8(), *columnar::Int32()));
  EXPECT_TRUE(CanCast(*columnar::Int32(), *columnar::Utf8()));
  EXPECT_TRUE(CanCast(*columnar::Date32(), *columnar::Timestamp(columnar::TimeUnit::kMicro, true)));
  EXPECT_FALSE(CanCast(*columnar::Date32(), *columnar::Int32()));
  EXPECT_TRUE(CanCast(*columnar::List(columnar::Int32()), *columnar::List(columnar::Utf8())));
  EXPECT_FALSE(CanCast(*columnar::List(columnar::Int32()), *columnar::Int32()));
  EXPECT_TRUE(CanCast(*columnar::Struct({columnar::MakeField("a", columnar::Int32())}),
                      *columnar::Struct({columnar::MakeField("b", columnar::Int64())})));
}

TEST(FunctionCatalogTypes, ErrorsNameTheFunction) {
  auto unknown = ResolveFunction("no_such_fn", {});
  EXPECT_TRUE(unknown.status().IsNotFound());
  EXPECT_EQ(unknown.status().message(), "undefined function 'no_such_fn'");
  auto arity = ResolveFunction("substr", {Arg(columnar::Utf8())});
  EXPECT_EQ(arity.status().message(), "function 'substr' expects 2 or 3 arguments, got 1");
  auto types = ResolveFunction("add", {Arg(columnar::Utf8()), Arg(columnar::Boolean())});
  EXPECT_EQ(types.status().message(), "cannot apply 'add' to STRING and BOOLEAN");
}

TEST(FunctionCatalogTypes, AliasesAndClasses) {
  auto r = ResolveFunction("UCASE", {Arg(columnar::Utf8())});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->name, "upper");
  EXPECT_EQ(LookupFunctionClass("std"), FunctionClass::kAggregate);
  EXPECT_EQ(LookupFunctionClass("row_number"), FunctionClass::kWindow);
  EXPECT_EQ(LookupFunctionClass("explode"), FunctionClass::kGenerator);
  EXPECT_EQ(LookupFunctionClass("upper"), FunctionClass::kScalar);
  EXPECT_FALSE(LookupFunctionClass("nope").has_value());
  auto g = ResolveFunction("posexplode", {Arg(columnar::List(columnar::Utf8()))});
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->generated.size(), 2u);
  EXPECT_EQ(g->generated[0]->name(), "pos");
  EXPECT_EQ(g->generated[1]->name(), "col");
}

TEST(FunctionCatalogTypes, FromJsonSchemaLiteral) {
  auto schema = MakeStringLiteral("a INT, b ARRAY<STRING>");
  auto r = ResolveFunction("from_json", {Arg(columnar::Utf8()), schema});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->result_type->ToString(), "STRUCT<a: INT, b: ARRAY<STRING>>");
  auto m = ResolveFunction("from_json", {Arg(columnar::Utf8()), MakeStringLiteral("MAP<STRING, INT>")});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->result_type->ToString(), "MAP<STRING, INT>");
  EXPECT_FALSE(ResolveFunction("from_json", {Arg(columnar::Utf8()), MakeStringLiteral("a INT,,")}).ok());
}

TEST(FunctionCatalogTypes, GetFieldAndElementAt) {
  auto st = columnar::Struct({columnar::MakeField("Name", columnar::Utf8())});
  auto r = ResolveFunction("get_field", {Arg(st), MakeStringLiteral("name")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->result_type->ToString(), "STRING");
  EXPECT_EQ(ResultOf("element_at", {columnar::Map(columnar::Utf8(), columnar::Int64()), columnar::Utf8()}), "BIGINT");
  EXPECT_EQ(ResultOf("element_at", {columnar::List(columnar::Date32()), columnar::Int32()}), "DATE");
}

}  // namespace
}  // namespace tide::sql
