// Evaluator core: columns, literals, arithmetic, comparisons, lazy special forms, Select.
#include <gtest/gtest.h>

#include "expr_test_util.h"

namespace tide::exec::testing {
namespace {

using V = std::vector<std::string>;
using Core = EvalFixture;

TEST_F(Core, IntegerArithmeticAndNulls) {
  auto b = Batch({Int64s({1, 2, std::nullopt, 4}), Int64s({10, std::nullopt, 3, -4})});
  EXPECT_EQ(Run(Call("add", {Col(0, columnar::Int64()), Col(1, columnar::Int64())}), *b), (V{"11", "null", "null", "0"}));
  EXPECT_EQ(Run(Call("multiply", {Col(0, columnar::Int64()), Lit(3)}), *b), (V{"3", "6", "null", "12"}));
  EXPECT_EQ(Run(Call("subtract", {Lit(100), Col(0, columnar::Int64())}), *b), (V{"99", "98", "null", "96"}));
  EXPECT_EQ(Run(Call("divide", {Col(0, columnar::Int64()), Lit(2)}), *b), (V{"0.5", "1", "null", "2"}));
  EXPECT_EQ(Run(Call("mod", {Col(1, columnar::Int64()), Lit(3)}), *b), (V{"1", "null", "0", "-1"}));
  EXPECT_EQ(Run(Call("pmod", {Col(1, columnar::Int64()), Lit(3)}), *b), (V{"1", "null", "0", "2"}));
}

TEST_F(Core, IntPlusBigintWidens) {
  auto b = Batch({Int32s({1, 2147483647})});
  auto e = Call("add", {Col(0, columnar::Int32()), Lit(1)});
  EXPECT_EQ(e->type->ToString(), "BIGINT");
  EXPECT_EQ(Run(e, *b), (V{"2", "2147483648"}));
}

TEST_F(Core, OverflowAnsiErrorNamesExpression) {
  auto b = Batch({Int32s({1, 2147483647})});
  auto e = Call("add", {Col(0, columnar::Int32()), Lit32(1)}, "c0 + 1");
  auto r = Run(e, *b);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0], "ERROR: line 1, column 8: arithmetic overflow in 'c0 + 1'");
  ExecSettings s;
  s.ansi_mode = false;
  Reset(s);
  // Outside ANSI mode Spark's integer arithmetic wraps (Java semantics); try_add gives null.
  EXPECT_EQ(Run(e, *b), (V{"2", "-2147483648"}));
  EXPECT_EQ(Run(Call("try_add", {Col(0, columnar::Int32()), Lit32(1)}), *b), (V{"2", "null"}));
  EXPECT_EQ(Run(Cast(Lit(300), columnar::Int8()), *b), (V{"44", "44"}));
  EXPECT_EQ(Run(Cast(Lit(300), columnar::Int8(), true), *b), (V{"null", "null"}));
}

TEST_F(Core, DivisionByZero) {
  auto b = Batch({Int64s({1, 0})});
  auto e = Call("divide", {Lit(10), Col(0, columnar::Int64())}, "10 / c0");
  EXPECT_EQ(Run(e, *b)[0], "ERROR: line 1, column 8: division by zero in '10 / c0'");
  EXPECT_EQ(Run(Call("try_divide", {Lit(10), Col(0, columnar::Int64())}), *b), (V{"10", "null"}));
  // CASE only evaluates the branch for the rows that reach it.
  auto guarded = Call("case", {Call("ne", {Col(0, columnar::Int64()), Lit(0)}), e, Dbl(-1)});
  EXPECT_EQ(Run(guarded, *b), (V{"10", "-1"}));
}

TEST_F(Core, DecimalArithmetic) {
  auto price = Dec("1234.56", 15, 2);
  auto disc = Dec("0.05", 15, 2);
  auto e = Call("multiply", {price, Call("subtract", {Lit32(1), disc})});
  EXPECT_EQ(e->type->ToString(), "DECIMAL(32,4)");
  EXPECT_EQ(One(e), "\"1172.8320\"");
  auto d = Call("divide", {Dec("1", 10, 0), Dec("3", 10, 0)});
  EXPECT_EQ(d->type->ToString(), "DECIMAL(21,11)");
  EXPECT_EQ(One(d), "\"0.33333333333\"");
  EXPECT_EQ(One(Call("add", {Dec("0.5", 3, 1), Dec("0.25", 3, 2)})), "\"0.75\"");
}

TEST_F(Core, ComparisonsAndSelect) {
  auto b = Batch({Int64s({5, 1, std::nullopt, 7, 3}), Strings({"a", "b", "c", std::nullopt, "b"})});
  auto gt = Call("gt", {Col(0, columnar::Int64()), Lit(2)});
  EXPECT_EQ(Run(gt, *b), (V{"true", "false", "null", "true", "true"}));
  auto ev = ExpressionEvaluator::Make(gt, ctx.get());
  ASSERT_TRUE(ev.ok());
  auto sel = (*ev)->Select(*b);
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(*sel, (SelectionVector{0, 3, 4}));
  auto both = Call("and", {gt, Call("eq", {Col(1, columnar::Utf8()), Str("b")})});
  auto ev2 = ExpressionEvaluator::Make(both, ctx.get());
  ASSERT_TRUE(ev2.ok());
  auto sel2 = (*ev2)->Select(*b);
  ASSERT_TRUE(sel2.ok());
  EXPECT_EQ(*sel2, (SelectionVector{4}));
  // Literal on the left flips the operator.
  EXPECT_EQ(Run(Call("lt", {Lit(2), Col(0, columnar::Int64())}), *b), (V{"true", "false", "null", "true", "true"}));
}

TEST_F(Core, ThreeValuedLogic) {
  auto b = Batch({Bools({true, true, true, false, false, false, std::nullopt, std::nullopt, std::nullopt}),
                  Bools({true, false, std::nullopt, true, false, std::nullopt, true, false, std::nullopt})});
  auto a = Col(0, columnar::Boolean());
  auto c = Col(1, columnar::Boolean());
  EXPECT_EQ(Run(Call("and", {a, c}), *b), (V{"true", "false", "null", "false", "false", "false", "null", "false", "null"}));
  EXPECT_EQ(Run(Call("or", {a, c}), *b), (V{"true", "true", "true", "true", "false", "null", "true", "null", "null"}));
  EXPECT_EQ(Run(Call("not", {a}), *b), (V{"false", "false", "false", "true", "true", "true", "null", "null", "null"}));
}

TEST_F(Core, CaseCoalesceIf) {
  auto b = Batch({Int64s({1, 2, 3, std::nullopt})});
  auto x = Col(0, columnar::Int64());
  auto e = Call("case", {Call("eq", {x, Lit(1)}), Str("one"), Call("eq", {x, Lit(2)}), Str("two"), Str("many")});
  EXPECT_EQ(Run(e, *b), (V{"\"one\"", "\"two\"", "\"many\"", "\"many\""}));
  auto no_else = Call("case", {Call("eq", {x, Lit(1)}), Str("one")});
  EXPECT_EQ(Run(no_else, *b), (V{"\"one\"", "null", "null", "null"}));
  EXPECT_EQ(Run(Call("coalesce", {x, Lit(0)}), *b), (V{"1", "2", "3", "0"}));
  EXPECT_EQ(Run(Call("if", {Call("gt", {x, Lit(1)}), x, Lit(-1)}), *b), (V{"-1", "2", "3", "-1"}));
  EXPECT_EQ(Run(Call("nullif", {x, Lit(2)}), *b), (V{"1", "null", "3", "null"}));
  EXPECT_EQ(Run(Call("nvl2", {x, Str("y"), Str("n")}), *b), (V{"\"y\"", "\"y\"", "\"y\"", "\"n\""}));
}

TEST_F(Core, InListThreeValued) {
  auto b = Batch({Int64s({1, 2, std::nullopt})});
  auto x = Col(0, columnar::Int64());
  EXPECT_EQ(Run(Call("in", {x, Lit(1), Lit(3)}), *b), (V{"true", "false", "null"}));
  EXPECT_EQ(Run(Call("in", {x, Lit(1), Null()}), *b), (V{"true", "null", "null"}));
  auto s = Batch({Strings({"x", "y"})});
  EXPECT_EQ(Run(Call("in", {Col(0, columnar::Utf8()), Str("y"), Str("z")}), *s), (V{"false", "true"}));
}

TEST_F(Core, IsNullFamily) {
  auto b = Batch({Bools({true, false, std::nullopt})});
  auto x = Col(0, columnar::Boolean());
  EXPECT_EQ(Run(Call("is_null", {x}), *b), (V{"false", "false", "true"}));
  EXPECT_EQ(Run(Call("is_not_true", {x}), *b), (V{"false", "true", "true"}));
  EXPECT_EQ(Run(Call("null_safe_eq", {x, Null()}), *b), (V{"false", "false", "true"}));
}

TEST_F(Core, StringVsDateComparisonCastsString) {
  auto r = sql::ResolveFunction("gt", {Col(0, columnar::Date32()), Str("2024-01-01")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->arg_types[1]->ToString(), "DATE");
}

}  // namespace
}  // namespace tide::exec::testing

namespace tide::exec::testing {
namespace {

using V2 = std::vector<std::string>;
using More = EvalFixture;

TEST_F(More, AndSelectShortCircuitsErrors) {
  auto b = Batch({Int64s({10, 5, 8}), Int64s({2, 0, 4})});
  auto a = Col(0, columnar::Int64()), d = Col(1, columnar::Int64());
  auto e = Call("and", {Call("ne", {d, Lit(0)}), Call("gt", {Call("divide", {a, d}), Dbl(2.5)})});
  auto ev = ExpressionEvaluator::Make(e, ctx.get());
  ASSERT_TRUE(ev.ok());
  auto sel = (*ev)->Select(*b);
  ASSERT_TRUE(sel.ok()) << sel.status().ToString();
  EXPECT_EQ(*sel, (SelectionVector{0}));
  // Evaluate (not Select) is lazy too.
  EXPECT_EQ(Run(e, *b), (V2{"true", "false", "false"}));
}

TEST_F(More, NestedAndSpecialComparisons) {
  EXPECT_EQ(One(Call("eq", {Call("array", {Lit(1), Lit(2)}), Call("array", {Lit(1), Lit(2)})})), "true");
  EXPECT_EQ(One(Call("lt", {Call("array", {Lit(1), Lit(2)}), Call("array", {Lit(1), Lit(3)})})), "true");
  EXPECT_EQ(One(Call("eq", {Call("named_struct", {Str("a"), Lit(1)}), Call("named_struct", {Str("a"), Lit(1)})})), "true");
  auto nan = Call("divide", {Dbl(0), Dbl(0)});
  ExecSettings s;
  s.ansi_mode = false;
  Reset(s);
  EXPECT_EQ(One(Call("eq", {Cast(Str("NaN"), columnar::Float64()), Cast(Str("NaN"), columnar::Float64())})), "true");
  EXPECT_EQ(One(Call("gt", {Cast(Str("NaN"), columnar::Float64()), Dbl(1e308)})), "true");
  EXPECT_EQ(One(nan), "null");  // 0/0 outside ANSI mode: division by zero gives null
  EXPECT_EQ(One(Call("lt", {Cast(Str("2024-01-01"), columnar::Date32()),
                            Cast(Str("2024-01-01 00:00:01"), columnar::Timestamp(columnar::TimeUnit::kMicro, true))})),
            "true");
  EXPECT_EQ(One(Call("eq", {Str("abc"), Str("abc")})), "true");
  EXPECT_EQ(One(Call("lt", {Str("ab"), Str("abc")})), "true");
}

TEST_F(More, StringInListAndLikeOnSlices) {
  auto col = Strings({"MAIL", "SHIP", "AIR", std::nullopt, "RAIL"});
  auto b = Batch({col->Slice(1, 4)});  // offset arrays
  auto s = Col(0, columnar::Utf8());
  EXPECT_EQ(Run(Call("in", {s, Str("MAIL"), Str("SHIP")}), *b), (V2{"true", "false", "null", "false"}));
  EXPECT_EQ(Run(Call("like", {s, Str("%AI%")}), *b), (V2{"false", "true", "null", "true"}));
  EXPECT_EQ(Run(Call("upper", {Call("lower", {s})}), *b), (V2{"\"SHIP\"", "\"AIR\"", "null", "\"RAIL\""}));
}

TEST_F(More, DecimalOverflowAndRounding) {
  // DECIMAL(38,0) + DECIMAL(38,0) overflows its 38 digits.
  auto big = Dec("99999999999999999999999999999999999999", 38, 0);
  EXPECT_EQ(One(Call("add", {big, big}, "big + big")), "ERROR: line 1, column 8: arithmetic overflow in 'big + big'");
  EXPECT_EQ(One(Call("try_add", {big, big})), "null");
  EXPECT_EQ(One(Call("divide", {Dec("2", 1, 0), Dec("3", 1, 0)})), "\"0.666667\"");
  EXPECT_EQ(One(Call("divide", {Dec("-2", 1, 0), Dec("3", 1, 0)})), "\"-0.666667\"");
  EXPECT_EQ(One(Call("mod", {Dec("7.5", 2, 1), Dec("2", 1, 0)})), "\"1.5\"");
  EXPECT_EQ(One(Cast(Dec("1.25", 3, 2), columnar::Decimal(2, 1))), "\"1.3\"");
  EXPECT_EQ(One(Cast(Dec("-1.25", 3, 2), columnar::Decimal(2, 1))), "\"-1.3\"");
}

}  // namespace
}  // namespace tide::exec::testing
