// Expressions: precedence, literals, predicates, calls, windows, lambdas, casts.
#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/printer.h"
#include "sql_test_util.h"

namespace tide::sql {
namespace {

using testing::ExprSql;

TEST(ExprPrecedenceTest, ArithmeticBindsMultiplicationTighter) {
  EXPECT_EQ(ExprSql("a + b * c"), "(a + (b * c))");
  EXPECT_EQ(ExprSql("a * b + c"), "((a * b) + c)");
  EXPECT_EQ(ExprSql("a - b - c"), "((a - b) - c)");
  EXPECT_EQ(ExprSql("a / b % c DIV d"), "(((a / b) % c) DIV d)");
  EXPECT_EQ(ExprSql("(a + b) * c"), "((a + b) * c)");
  EXPECT_EQ(ExprSql("a || b + c"), "((a || b) + c)");
}

TEST(ExprPrecedenceTest, BooleanOperators) {
  EXPECT_EQ(ExprSql("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(ExprSql("a AND b OR c AND d"), "((a AND b) OR (c AND d))");
  EXPECT_EQ(ExprSql("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(ExprSql("NOT a AND b"), "((NOT a) AND b)");
  EXPECT_EQ(ExprSql("NOT NOT a"), "(NOT (NOT a))");
  EXPECT_EQ(ExprSql("! a"), "(NOT a)");
  EXPECT_EQ(ExprSql("a = 1 OR NOT b IS NULL"), "((a = 1) OR (NOT (b IS NULL)))");
}

TEST(ExprPrecedenceTest, UnaryAndBitwise) {
  // ^ is bitwise XOR in Spark, looser than unary minus.
  EXPECT_EQ(ExprSql("-x^2"), "((- x) ^ 2)");
  EXPECT_EQ(ExprSql("-x * y"), "((- x) * y)");
  EXPECT_EQ(ExprSql("- -x"), "(- (- x))");
  EXPECT_EQ(ExprSql("~a & b | c ^ d"), "(((~ a) & b) | (c ^ d))");
  EXPECT_EQ(ExprSql("a | b & c"), "(a | (b & c))");
  EXPECT_EQ(ExprSql("a << 2 + 1"), "(a << (2 + 1))");
  EXPECT_EQ(ExprSql("a & b = c"), "((a & b) = c)");
  EXPECT_EQ(ExprSql("-x::int"), "(- CAST(x AS INT))");
  EXPECT_EQ(ExprSql("+a"), "(+ a)");
}

TEST(ExprPrecedenceTest, ComparisonsAndPredicates) {
  EXPECT_EQ(ExprSql("a = b == c"), "((a = b) = c)");
  EXPECT_EQ(ExprSql("a != b"), "(a <> b)");
  EXPECT_EQ(ExprSql("a <=> b"), "(a <=> b)");
  EXPECT_EQ(ExprSql("a + 1 > b * 2"), "((a + 1) > (b * 2))");
  EXPECT_EQ(ExprSql("x BETWEEN 1 AND 10 AND y"), "((x BETWEEN 1 AND 10) AND y)");
  EXPECT_EQ(ExprSql("x NOT BETWEEN a + 1 AND b"), "(x NOT BETWEEN (a + 1) AND b)");
  EXPECT_EQ(ExprSql("x IN (1, 2, 3)"), "(x IN (1, 2, 3))");
  EXPECT_EQ(ExprSql("x NOT IN ('a')"), "(x NOT IN ('a'))");
  EXPECT_EQ(ExprSql("x IN (SELECT id FROM t)"), "(x IN (SELECT id FROM t))");
  EXPECT_EQ(ExprSql("x IS NULL"), "(x IS NULL)");
  EXPECT_EQ(ExprSql("x IS NOT NULL AND y IS TRUE"), "((x IS NOT NULL) AND (y IS TRUE))");
  EXPECT_EQ(ExprSql("x IS NOT FALSE"), "(x IS NOT FALSE)");
  EXPECT_EQ(ExprSql("a IS DISTINCT FROM b"), "(a IS DISTINCT FROM b)");
  EXPECT_EQ(ExprSql("a IS NOT DISTINCT FROM b"), "(a IS NOT DISTINCT FROM b)");
  EXPECT_EQ(ExprSql("a = b IS NULL"), "((a = b) IS NULL)");
  EXPECT_EQ(ExprSql("s LIKE 'a%'"), "(s LIKE 'a%')");
  EXPECT_EQ(ExprSql("s NOT ILIKE 'a!%' ESCAPE '!'"), "(s NOT ILIKE 'a!%' ESCAPE '!')");
  EXPECT_EQ(ExprSql("s REGEXP '^a' OR s NOT RLIKE 'b'"), "((s RLIKE '^a') OR (s NOT RLIKE 'b'))");
  EXPECT_EQ(ExprSql("EXISTS (SELECT 1 FROM t WHERE t.a = u.a)"), "EXISTS (SELECT 1 FROM t WHERE (t.a = u.a))");
  EXPECT_EQ(ExprSql("NOT EXISTS (SELECT 1)"), "(NOT EXISTS (SELECT 1))");
  EXPECT_EQ(ExprSql("(SELECT max(x) FROM t) + 1"), "((SELECT max(x) FROM t) + 1)");
}

TEST(ExprLiteralTest, Numbers) {
  EXPECT_EQ(ExprSql("42"), "42");
  EXPECT_EQ(ExprSql("42l"), "42L");
  EXPECT_EQ(ExprSql("7S"), "7S");
  EXPECT_EQ(ExprSql("7Y"), "7Y");
  EXPECT_EQ(ExprSql("1.50"), "1.50");
  EXPECT_EQ(ExprSql("1.5bd"), "1.5BD");
  EXPECT_EQ(ExprSql("12BD"), "12BD");
  EXPECT_EQ(ExprSql("1e3"), "1e3");
  EXPECT_EQ(ExprSql("1.5E-2"), "1.5E-2");
  EXPECT_EQ(ExprSql("2D"), "2D");
  EXPECT_EQ(ExprSql(".5"), ".5");
  EXPECT_EQ(ExprSql("5."), "5.");
  EXPECT_EQ(ExprSql("1.5F"), "1.5F");
}

TEST(ExprLiteralTest, StringsAndTypedLiterals) {
  EXPECT_EQ(ExprSql("'it''s'"), "'its'");  // adjacent strings concatenate, as in Spark
  EXPECT_EQ(ExprSql("'a' \"b\" 'c'"), "'abc'");
  EXPECT_EQ(ExprSql("'tab\\there'"), "'tab\\there'");
  EXPECT_EQ(ExprSql("'q\\'s'"), "'q\\'s'");
  EXPECT_EQ(ExprSql("\"dq \\\" inside\""), "'dq \" inside'");
  EXPECT_EQ(ExprSql("'\\u00e9'"), "'\xc3\xa9'");
  EXPECT_EQ(ExprSql("'50\\%'"), "'50\\\\%'");  // \% stays two characters (for LIKE)
  EXPECT_EQ(ExprSql("r'C:\\path'"), "'C:\\\\path'");
  EXPECT_EQ(ExprSql("X'0aff'"), "X'0AFF'");
  EXPECT_EQ(ExprSql("x'abc'"), "X'0ABC'");
  EXPECT_EQ(ExprSql("TRUE AND false"), "(TRUE AND FALSE)");
  EXPECT_EQ(ExprSql("null"), "NULL");
  EXPECT_EQ(ExprSql("DATE '2024-01-31'"), "DATE '2024-01-31'");
  EXPECT_EQ(ExprSql("timestamp '2024-01-31 10:00:00'"), "TIMESTAMP '2024-01-31 10:00:00'");
  EXPECT_EQ(ExprSql("TIMESTAMP_NTZ '2024-01-31 10:00:00'"), "TIMESTAMP_NTZ '2024-01-31 10:00:00'");
  EXPECT_EQ(ExprSql("TIMESTAMP_LTZ '2024-01-31'"), "TIMESTAMP_LTZ '2024-01-31'");
}

TEST(ExprLiteralTest, Intervals) {
  EXPECT_EQ(ExprSql("INTERVAL '1' DAY"), "INTERVAL '1' DAY");
  EXPECT_EQ(ExprSql("INTERVAL 1 DAY 2 HOURS"), "INTERVAL 1 DAY 2 HOUR");
  EXPECT_EQ(ExprSql("INTERVAL 30 days"), "INTERVAL 30 DAY");
  EXPECT_EQ(ExprSql("INTERVAL '1-2' YEAR TO MONTH"), "INTERVAL '1-2' YEAR TO MONTH");
  EXPECT_EQ(ExprSql("INTERVAL '1 day 2 hours'"), "INTERVAL '1 day 2 hours'");
  EXPECT_EQ(ExprSql("INTERVAL -5 MINUTES"), "INTERVAL -5 MINUTE");
  EXPECT_EQ(ExprSql("current_timestamp() - INTERVAL 30 DAYS"), "(current_timestamp() - INTERVAL 30 DAY)");
  // `interval` alone is a name.
  EXPECT_EQ(ExprSql("interval + 1"), "(interval + 1)");
}

TEST(ExprTest, CaseCastAndFunctions) {
  EXPECT_EQ(ExprSql("CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END"),
            "CASE WHEN (a > 0) THEN 'pos' WHEN (a < 0) THEN 'neg' ELSE 'zero' END");
  EXPECT_EQ(ExprSql("case status when 1 then 'a' end"), "CASE status WHEN 1 THEN 'a' END");
  EXPECT_EQ(ExprSql("CAST(x AS DECIMAL(12, 2))"), "CAST(x AS DECIMAL(12,2))");
  EXPECT_EQ(ExprSql("try_cast(s AS long)"), "TRY_CAST(s AS BIGINT)");
  EXPECT_EQ(ExprSql("x::string"), "CAST(x AS STRING)");
  EXPECT_EQ(ExprSql("count(*)"), "count(*)");
  EXPECT_EQ(ExprSql("count(DISTINCT a, b)"), "count(DISTINCT a, b)");
  EXPECT_EQ(ExprSql("sum(x) FILTER (WHERE y > 0)"), "sum(x) FILTER (WHERE (y > 0))");
  EXPECT_EQ(ExprSql("db.my_udf(1)"), "db.my_udf(1)");
  EXPECT_EQ(ExprSql("named_struct('a', 1, 'b', array(1, 2), 'c', map('k', 1))"),
            "named_struct('a', 1, 'b', array(1, 2), 'c', map('k', 1))");
  EXPECT_EQ(ExprSql("left(s, 3) || right(s, 2)"), "(left(s, 3) || right(s, 2))");
  EXPECT_EQ(ExprSql("if(a, 1, 2)"), "if(a, 1, 2)");
  EXPECT_EQ(ExprSql("extract(year FROM o_orderdate)"), "EXTRACT(year FROM o_orderdate)");
  EXPECT_EQ(ExprSql("first(x) IGNORE NULLS OVER (ORDER BY t)"), "first(x) IGNORE NULLS OVER (ORDER BY t)");
  EXPECT_EQ(ExprSql("(a, b)"), "struct(a, b)");
  EXPECT_EQ(ExprSql("percentile_cont(0.5) within group (order by x desc)"),
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY x DESC)");
}

TEST(ExprTest, WindowFunctions) {
  EXPECT_EQ(ExprSql("row_number() OVER (PARTITION BY user_id ORDER BY ts DESC NULLS LAST)"),
            "row_number() OVER (PARTITION BY user_id ORDER BY ts DESC NULLS LAST)");
  EXPECT_EQ(ExprSql("sum(x) over (order by t rows between unbounded preceding and current row)"),
            "sum(x) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
  EXPECT_EQ(ExprSql("avg(x) OVER (PARTITION BY a, b ORDER BY t RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING)"),
            "avg(x) OVER (PARTITION BY a, b ORDER BY t RANGE BETWEEN 3 PRECEDING AND 2 FOLLOWING)");
  EXPECT_EQ(ExprSql("max(x) OVER (ORDER BY t ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"),
            "max(x) OVER (ORDER BY t ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)");
  EXPECT_EQ(ExprSql("count(*) OVER (ORDER BY t ROWS 5 PRECEDING)"), "count(*) OVER (ORDER BY t ROWS 5 PRECEDING)");
  EXPECT_EQ(ExprSql("sum(x) OVER w"), "sum(x) OVER w");
  EXPECT_EQ(ExprSql("sum(x) OVER (w ORDER BY t)"), "sum(x) OVER (w ORDER BY t)");
  EXPECT_EQ(ExprSql("sum(x) OVER ()"), "sum(x) OVER ()");
  EXPECT_EQ(ExprSql("sum(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW)"),
            "sum(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW)");
}

TEST(ExprTest, AccessAndLambdas) {
  EXPECT_EQ(ExprSql("a[0]"), "a[0]");
  EXPECT_EQ(ExprSql("m['k'].f"), "m['k'].f");
  EXPECT_EQ(ExprSql("s.f.g"), "s.f.g");
  EXPECT_EQ(ExprSql("t.`weird col`"), "t.`weird col`");
  EXPECT_EQ(ExprSql("f(x).y[1]"), "f(x).y[1]");
  EXPECT_EQ(ExprSql("transform(arr, x -> x + 1)"), "transform(arr, x -> (x + 1))");
  EXPECT_EQ(ExprSql("aggregate(arr, 0, (acc, x) -> acc + x)"), "aggregate(arr, 0, (acc, x) -> (acc + x))");
  EXPECT_EQ(ExprSql("filter(arr, x -> x > 0 AND x < 10)"), "filter(arr, x -> ((x > 0) AND (x < 10)))");
  EXPECT_EQ(ExprSql("exists(arr, x -> x IS NULL)"), "exists(arr, x -> (x IS NULL))");
  EXPECT_EQ(ExprSql("a[i + 1]"), "a[(i + 1)]");
}

// After a dot every word is a name, reserved ones too (Spark's `window.end`, `s.order`).
TEST(ExprTest, ReservedWordsAfterADotAreNames) {
  // Printed back unquoted, which parses again to the same tree.
  for (const char* e : {"window.end", "f(x).end", "m['k'].from"}) {
    EXPECT_EQ(ExprSql(e), e);
    EXPECT_EQ(ExprSql(ExprSql(e)), e);
  }
  EXPECT_EQ(ExprSql("t.s.order + 1"), "(t.s.order + 1)");
}

TEST(ExprTest, NonReservedKeywordsAreNames) {
  EXPECT_EQ(ExprSql("date"), "date");
  EXPECT_EQ(ExprSql("timestamp > date"), "(timestamp > date)");
  EXPECT_EQ(ExprSql("year + key + value + comment + location + offset + window"),
            "((((((year + key) + value) + comment) + location) + offset) + window)");
  EXPECT_EQ(ExprSql("date(ts)"), "date(ts)");
  EXPECT_EQ(ExprSql("window(event_time, '5 minutes')"), "window(event_time, '5 minutes')");
  EXPECT_EQ(ExprSql("`select`"), "`select`");
}

}  // namespace
}  // namespace tide::sql

namespace tide::sql {
namespace {

TEST(ExprStandardFormTest, KeywordFormsBecomePlainCalls) {
  EXPECT_EQ(testing::ExprSql("SUBSTRING(s FROM 2 FOR 3)"), "SUBSTRING(s, 2, 3)");
  EXPECT_EQ(testing::ExprSql("substr(s FROM 2)"), "substr(s, 2)");
  EXPECT_EQ(testing::ExprSql("substring(s, 2, 3)"), "substring(s, 2, 3)");
  EXPECT_EQ(testing::ExprSql("TRIM(s)"), "TRIM(s)");
  EXPECT_EQ(testing::ExprSql("TRIM(BOTH 'x' FROM s)"), "trim(s, 'x')");
  EXPECT_EQ(testing::ExprSql("TRIM(LEADING FROM s)"), "ltrim(s)");
  EXPECT_EQ(testing::ExprSql("trim(trailing 'ab' from s || t)"), "rtrim((s || t), 'ab')");
  EXPECT_EQ(testing::ExprSql("trim('x' FROM s)"), "trim(s, 'x')");
  EXPECT_EQ(testing::ExprSql("POSITION('b' IN s)"), "locate('b', s)");
  EXPECT_EQ(testing::ExprSql("position(a || b IN s)"), "locate((a || b), s)");
  EXPECT_EQ(testing::ExprSql("overlay(s PLACING 'x' FROM 2 FOR 1)"), "overlay(s, 'x', 2, 1)");
  EXPECT_EQ(testing::ExprSql("overlay(s, 'x', 2)"), "overlay(s, 'x', 2)");
}

TEST(ExprStandardFormTest, IncompleteKeywordFormsAreErrors) {
  EXPECT_FALSE(ParseExpression("TRIM(BOTH 'x' s)").ok());
  EXPECT_FALSE(ParseExpression("overlay(s PLACING 'x')").ok());
  EXPECT_FALSE(ParseExpression("substring(s FROM)").ok());
}

}  // namespace
}  // namespace tide::sql
