// Binder: SELECT lists, names, types, FROM items, joins, CTEs, views, literals, intervals,
// set operations, VALUES and the error messages with positions.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "binder_test_util.h"
#include "sql/binder.h"

namespace tide::sql {
namespace {

using testing::Bind;
using testing::BindError;
using testing::BindToString;
using testing::FakeCatalog;

const PlanNode& Root(const base::Result<PlanPtr>& p) { return **p; }

std::string Names(const PlanNode& p) {
  std::string out;
  for (int i = 0; i < p.schema->num_fields(); ++i) out += (i ? "," : "") + p.schema->field(i)->name();
  return out;
}

std::string Type(const PlanNode& p, int i) { return p.schema->field(i)->type()->ToString(); }

class BinderTest : public ::testing::Test {
 protected:
  FakeCatalog cat;
};

// Reads queries separated by "----" lines from stdin and prints their plans (H1_DUMP=1 for
// bound plans, H1_DUMP=opt for optimized ones): a debugging aid, skipped otherwise.
TEST(BinderDump, Print) {
  const char* env = std::getenv("H1_DUMP");
  if (env == nullptr) GTEST_SKIP();
  FakeCatalog cat;
  std::string line, sql;
  while (std::getline(std::cin, line)) {
    if (line == "----") {
      std::cout << "== " << sql << "\n"
                << (std::string(env) == "opt" ? testing::OptimizedString(cat, sql) : BindError(cat, sql)) << "\n";
      sql.clear();
    } else {
      sql += line + "\n";
    }
  }
}

TEST_F(BinderTest, SimpleAggregateShape) {
  EXPECT_EQ(BindToString(cat, "SELECT a, sum(b) FROM t WHERE a > 1 GROUP BY a ORDER BY a"),
            "Sort [a ASC NULLS FIRST]\n"
            "  Project [a, sum(b)]\n"
            "    Aggregate group=[a] aggs=[sum(b)]\n"
            "      Filter gt(a, 1)\n"
            "        Scan t@v0 [a, b, c, d, e, f, ts, s, arr, m, flag]\n");
}

TEST_F(BinderTest, SparkOutputNamesAndTypes) {
  auto p = Bind(cat, "SELECT a, t.b, a + 1, b * 2 AS bb, count(*), sum(b), upper(c), s.x, CAST(a AS BIGINT), 'lit', 7 FROM t GROUP BY a, b, c, s.x");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Names(Root(p)), "a,b,(a + 1),bb,count(1),sum(b),upper(c),x,CAST(a AS BIGINT),lit,7");
  EXPECT_EQ(Type(Root(p), 2), "INT");
  EXPECT_EQ(Type(Root(p), 3), "BIGINT");
  EXPECT_EQ(Type(Root(p), 4), "BIGINT");
  EXPECT_EQ(Type(Root(p), 7), "INT");
}

TEST_F(BinderTest, ImplicitCastsAreExplicit) {
  auto p = Bind(cat, "SELECT b + a, e > a FROM t");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::string s = PlanToString(Root(p));
  EXPECT_NE(s.find("add(b, cast(a as BIGINT))"), std::string::npos) << s;
  EXPECT_NE(s.find("gt(e, cast(a as DOUBLE))"), std::string::npos) << s;
}

TEST_F(BinderTest, StarAndQualifiedStar) {
  auto p = Bind(cat, "SELECT u.*, w.* FROM u, w");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Names(Root(p)), "a,k,v,id,name");
  p = Bind(cat, "SELECT x.* FROM u AS x");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Names(Root(p)), "a,k,v");
  p = Bind(cat, "SELECT s.* FROM t");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Names(Root(p)), "x,y");
  EXPECT_NE(BindError(cat, "SELECT nope.* FROM t").find("cannot expand 'nope.*'"), std::string::npos);
}

TEST_F(BinderTest, UsingAndNaturalJoinMergeKeys) {
  auto p = Bind(cat, "SELECT * FROM u JOIN u AS u2 USING (a, k)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Names(Root(p)), "a,k,v,v");
  p = Bind(cat, "SELECT * FROM u NATURAL JOIN t");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Names(Root(p)).substr(0, 8), "a,k,v,b,");
  p = Bind(cat, "SELECT a, u.a, t.a FROM u FULL JOIN t USING (a)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NE(PlanToString(Root(p)).find("coalesce(a, a)"), std::string::npos) << PlanToString(Root(p));
  EXPECT_NE(BindError(cat, "SELECT * FROM u JOIN w USING (zz)").find("USING column 'zz' not found on the left side"),
            std::string::npos);
}

TEST_F(BinderTest, JoinTypesAndConditions) {
  std::string s = BindToString(cat, "SELECT * FROM t LEFT JOIN u ON t.a = u.a AND u.v > 1");
  EXPECT_NE(s.find("Join left keys=[a = a] condition=gt(v, cast(1 as DOUBLE))"), std::string::npos) << s;
  s = BindToString(cat, "SELECT * FROM t LEFT SEMI JOIN u ON t.a = u.a");
  EXPECT_NE(s.find("Join semi keys=[a = a]"), std::string::npos) << s;
  auto p = Bind(cat, "SELECT * FROM t LEFT ANTI JOIN u ON t.a = u.a");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Root(p).schema->num_fields(), 11);
  s = BindToString(cat, "SELECT * FROM t CROSS JOIN u");
  EXPECT_NE(s.find("Join cross"), std::string::npos) << s;
  s = BindToString(cat, "SELECT * FROM t JOIN u ON t.a < u.a");
  EXPECT_NE(s.find("Join inner condition=lt(a, a)"), std::string::npos) << s;
  p = Bind(cat, "SELECT u.v FROM t RIGHT JOIN u ON t.a = u.a");
  ASSERT_TRUE(p.ok());
  p = Bind(cat, "SELECT t.a FROM t RIGHT JOIN u ON t.a = u.a");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(Root(p).schema->field(0)->nullable());
}

TEST_F(BinderTest, UnknownColumnSuggestsClosestName) {
  std::string e = BindError(cat, "SELECT nme FROM w");
  EXPECT_NE(e.find("InvalidArgument: line 1, column 8: column 'nme' not found; did you mean 'name'? (columns: id, name)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("\nSELECT nme FROM w\n       ^"), std::string::npos) << e;
}

TEST_F(BinderTest, AmbiguousColumnListsCandidates) {
  std::string e = BindError(cat, "SELECT a FROM t, u");
  EXPECT_NE(e.find("line 1, column 8: column reference 'a' is ambiguous; it could be: t.a, u.a"), std::string::npos) << e;
}

TEST_F(BinderTest, UnknownTableAndFunction) {
  std::string e = BindError(cat, "SELECT 1 FROM\n  nosuch");
  EXPECT_NE(e.find("NotFound: line 2, column 3: table or view 'nosuch' not found"), std::string::npos) << e;
  e = BindError(cat, "SELECT foo(a) FROM t");
  EXPECT_NE(e.find("NotFound: line 1, column 8: undefined function 'foo'"), std::string::npos) << e;
}

TEST_F(BinderTest, NonGroupedColumnIsAnError) {
  std::string e = BindError(cat, "SELECT a, b FROM t GROUP BY a");
  EXPECT_NE(e.find("line 1, column 11: column 'b' must appear in GROUP BY or be used in an aggregate function"),
            std::string::npos)
      << e;
  e = BindError(cat, "SELECT a FROM t WHERE sum(b) > 1");
  EXPECT_NE(e.find("aggregate function 'sum' is not allowed in WHERE"), std::string::npos) << e;
  e = BindError(cat, "SELECT sum(sum(b)) FROM t");
  EXPECT_NE(e.find("is not allowed in the argument of aggregate function 'sum'"), std::string::npos) << e;
}

TEST_F(BinderTest, WrongArgumentTypesNamePosition) {
  std::string e = BindError(cat, "SELECT a FROM t WHERE\n  substr(a) = 'x'");
  EXPECT_NE(e.find("line 2, column 3:"), std::string::npos) << e;
  e = BindError(cat, "SELECT CAST(arr AS DATE) FROM t");
  EXPECT_NE(e.find("line 1, column 8: cannot cast 'arr' of type ARRAY<INT> to DATE"), std::string::npos) << e;
  e = BindError(cat, "SELECT a FROM t WHERE a + 1");
  EXPECT_NE(e.find("WHERE condition must be BOOLEAN"), std::string::npos) << e;
}

TEST_F(BinderTest, Literals) {
  auto p = Bind(cat, "SELECT 1, 2147483648, 99999999999999999999, 1.50, .5, 1e3, 1L, 1S, 1Y, 2BD, 1.5D, 1.5F, X'0AFF', "
                     "DATE '2024-02-29', TIMESTAMP '2024-01-01 10:00:00+02:00', TIMESTAMP_NTZ '2024-01-01 10:00:00', NULL, true, "
                     "-2147483648");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const char* expected[] = {"INT",       "BIGINT",    "DECIMAL(20,0)", "DECIMAL(3,2)", "DECIMAL(1,1)", "DOUBLE", "BIGINT",
                            "SMALLINT",  "TINYINT",   "DECIMAL(1,0)",  "DOUBLE",       "FLOAT",        "BINARY", "DATE",
                            "TIMESTAMP", "TIMESTAMP_NTZ", "VOID",      "BOOLEAN",      "INT"};
  for (int i = 0; i < 19; ++i) EXPECT_EQ(Type(Root(p), i), expected[i]) << i;
  std::string s = PlanToString(Root(p));
  EXPECT_NE(s.find("TIMESTAMP '2024-01-01T08:00:00.000000Z'"), std::string::npos) << s;
  EXPECT_NE(s.find("-2147483648"), std::string::npos) << s;
}

TEST_F(BinderTest, BadLiteralsNamePosition) {
  std::string e = BindError(cat, "SELECT DATE '2024-02-30'");
  EXPECT_NE(e.find("line 1, column 8: invalid DATE literal '2024-02-30'"), std::string::npos) << e;
  e = BindError(cat, "SELECT TIMESTAMP '2024-01-01 25:00:00'");
  EXPECT_NE(e.find("line 1, column 8: invalid TIMESTAMP literal"), std::string::npos) << e;
  e = BindError(cat, "SELECT 300Y");
  EXPECT_NE(e.find("out of range for TINYINT"), std::string::npos) << e;
  e = BindError(cat, "SELECT 999999999999999999999999999999999999999");
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
}

TEST_F(BinderTest, IntervalArithmetic) {
  std::string s = BindToString(cat, "SELECT d + INTERVAL 3 DAY, d - INTERVAL '1' MONTH, d + INTERVAL '1' YEAR, "
                                    "ts - INTERVAL '2' HOUR, ts + INTERVAL 1 MONTH, d - 1, d + 2, d - d FROM t");
  EXPECT_NE(s.find("date_add(d, 3)"), std::string::npos) << s;
  EXPECT_NE(s.find("add_months(d, -1)"), std::string::npos) << s;
  EXPECT_NE(s.find("add_months(d, 12)"), std::string::npos) << s;
  EXPECT_NE(s.find("timestamp_add_micros(ts, -7200000000L)"), std::string::npos) << s;
  EXPECT_NE(s.find("timestamp_add_months(ts, 1)"), std::string::npos) << s;
  EXPECT_NE(s.find("date_sub(d, 1)"), std::string::npos) << s;
  EXPECT_NE(s.find("date_add(d, 2)"), std::string::npos) << s;
  EXPECT_NE(s.find("datediff(d, d)"), std::string::npos) << s;
  s = BindToString(cat, "SELECT ts + INTERVAL '1 day 2 hours', d + INTERVAL '1-2' YEAR TO MONTH FROM t");
  EXPECT_NE(s.find("timestamp_add_micros(ts, 93600000000L)"), std::string::npos) << s;
  EXPECT_NE(s.find("add_months(d, 14)"), std::string::npos) << s;
  std::string e = BindError(cat, "SELECT a + INTERVAL 1 DAY FROM t");
  EXPECT_NE(e.find("line 1, column 10: cannot add an interval to 'a' of type INT"), std::string::npos) << e;
  e = BindError(cat, "SELECT INTERVAL 1 DAY");
  EXPECT_NE(e.find("line 1, column 8: an interval is only supported"), std::string::npos) << e;
}

TEST_F(BinderTest, SpecialForms) {
  std::string s = BindToString(cat, "SELECT CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' END, a BETWEEN 1 AND 3, a NOT BETWEEN 1 AND 3, "
                                    "c LIKE 'a!%' ESCAPE '!', c RLIKE '^a', a IN (1, 2), a NOT IN (1), a IS NULL, flag IS NOT TRUE, "
                                    "a IS DISTINCT FROM b, a <=> b, EXTRACT(year FROM d), nullif(a, 1), if(flag, a, b) FROM t");
  EXPECT_NE(s.find("case(eq(a, 1), 'x', eq(a, 2), 'y')"), std::string::npos) << s;
  EXPECT_NE(s.find("and(ge(a, 1), le(a, 3))"), std::string::npos) << s;
  EXPECT_NE(s.find("not(and(ge(a, 1), le(a, 3)))"), std::string::npos) << s;
  EXPECT_NE(s.find("like(c, 'a!%', '!')"), std::string::npos) << s;
  EXPECT_NE(s.find("rlike(c, '^a')"), std::string::npos) << s;
  EXPECT_NE(s.find("in(a, 1, 2)"), std::string::npos) << s;
  EXPECT_NE(s.find("not(in(a, 1))"), std::string::npos) << s;
  EXPECT_NE(s.find("is_null(a)"), std::string::npos) << s;
  EXPECT_NE(s.find("is_not_true(flag)"), std::string::npos) << s;
  EXPECT_NE(s.find("not(null_safe_eq(cast(a as BIGINT), b))"), std::string::npos) << s;
  EXPECT_NE(s.find("year(d)"), std::string::npos) << s;
}

TEST_F(BinderTest, NestedAccess) {
  std::string s = BindToString(cat, "SELECT s.x, t.s.y, arr[0], m['k'], named_struct('p', a).p FROM t");
  EXPECT_NE(s.find("get_field(s, 'x')"), std::string::npos) << s;
  EXPECT_NE(s.find("get_field(s, 'y')"), std::string::npos) << s;
  EXPECT_NE(s.find("element_at_subscript(arr, 0)"), std::string::npos) << s;
  EXPECT_NE(s.find("element_at_subscript(m, 'k')"), std::string::npos) << s;
  std::string e = BindError(cat, "SELECT s.z FROM t");
  EXPECT_NE(e.find("field 'z' not found"), std::string::npos) << e;
  e = BindError(cat, "SELECT a.z FROM t");
  EXPECT_NE(e.find("not a struct"), std::string::npos) << e;
}

TEST_F(BinderTest, TimeTravel) {
  auto p = Bind(cat, "SELECT * FROM t VERSION AS OF 3");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(cat.last_time_travel.has_value());
  EXPECT_EQ(cat.last_time_travel->version, 3);
  p = Bind(cat, "SELECT * FROM t TIMESTAMP AS OF '2024-01-02 00:00:01'");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(cat.last_time_travel->kind, TimeTravelKind::kTimestamp);
  EXPECT_EQ(cat.last_time_travel->timestamp_micros, (19724LL * 86400 + 1) * 1000000);
  p = Bind(cat, "SELECT * FROM t TIMESTAMP AS OF '2024-01-02T02:00:01+02:00'");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(cat.last_time_travel->timestamp_micros, (19724LL * 86400 + 1) * 1000000);
  // current_timestamp() +/- intervals are evaluated at bind time.
  p = Bind(cat, "SELECT * FROM t TIMESTAMP AS OF current_timestamp() - INTERVAL 1 DAY");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(cat.last_time_travel->timestamp_micros), static_cast<double>(now - 86400LL * 1000000), 60e6);
  p = Bind(cat, "SELECT * FROM t TIMESTAMP AS OF date_sub(DATE '2024-01-03', 1)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(cat.last_time_travel->timestamp_micros, 19724LL * 86400 * 1000000);
  EXPECT_NE(BindError(cat, "SELECT * FROM t TIMESTAMP AS OF upper('x')").find("TIMESTAMP AS OF expects a literal"), std::string::npos);
  std::string e = BindError(cat, "SELECT * FROM t VERSION AS OF 'x'");
  EXPECT_NE(e.find("VERSION AS OF expects an integer version"), std::string::npos) << e;
  e = BindError(cat, "SELECT * FROM t TIMESTAMP AS OF 'yesterday'");
  EXPECT_NE(e.find("TIMESTAMP AS OF: invalid timestamp 'yesterday'"), std::string::npos) << e;
}

TEST_F(BinderTest, CtesAreInlinedAndScoped) {
  auto p = Bind(cat, "WITH x AS (SELECT a, b FROM t), y(p) AS (SELECT a FROM x) SELECT p FROM y");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Names(Root(p)), "p");
  // Each reference is its own copy.
  std::string s = BindToString(cat, "WITH x AS (SELECT a FROM u) SELECT * FROM x AS l JOIN x AS r ON l.a = r.a");
  EXPECT_EQ(std::count(s.begin(), s.end(), 'S') >= 2, true);
  EXPECT_NE(BindError(cat, "WITH x AS (SELECT 1), x AS (SELECT 2) SELECT * FROM x").find("defined more than once"), std::string::npos);
  // A CTE shadows a table of the same name, and sees only earlier CTEs.
  p = Bind(cat, "WITH t AS (SELECT 1 AS z) SELECT z FROM t");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NE(BindError(cat, "WITH a1 AS (SELECT * FROM b1), b1 AS (SELECT 1) SELECT * FROM a1").find("'b1' not found"),
            std::string::npos);
  EXPECT_NE(BindError(cat, "WITH x(p, q) AS (SELECT 1) SELECT * FROM x").find("names 2 columns"), std::string::npos);
}

TEST_F(BinderTest, Views) {
  auto p = Bind(cat, "SELECT * FROM v2");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Names(Root(p)), "y");
  p = Bind(cat, "SELECT v1.c FROM v1 WHERE v1.a < 3");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::string e = BindError(cat, "SELECT * FROM loop");
  EXPECT_NE(e.find("line 1, column 15: in view 'loop'"), std::string::npos) << e;
  EXPECT_NE(e.find("references itself"), std::string::npos) << e;
}

TEST_F(BinderTest, DerivedTablesWithColumnAliases) {
  auto p = Bind(cat, "SELECT q.x, y FROM (SELECT a, c FROM t) AS q(x, y) WHERE x > 1");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Names(Root(p)), "x,y");
  EXPECT_NE(BindError(cat, "SELECT * FROM (SELECT a FROM t) q(x, y)").find("names 2 columns but the relation has 1"),
            std::string::npos);
  EXPECT_NE(BindError(cat, "SELECT t.a FROM (SELECT a FROM t) q").find("column 't.a' not found"), std::string::npos);
}

TEST_F(BinderTest, ValuesAndRange) {
  auto p = Bind(cat, "VALUES (1, 'a'), (2, NULL), (3000000000, 'c')");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Root(p).kind, PlanKind::kValues);
  EXPECT_EQ(Names(Root(p)), "col1,col2");
  EXPECT_EQ(Type(Root(p), 0), "BIGINT");
  EXPECT_EQ(Root(p).values[0]->length, 3);
  EXPECT_EQ(Root(p).values[0]->Value<int64_t>(2), 3000000000LL);
  EXPECT_TRUE(Root(p).values[1]->IsNull(1));
  p = Bind(cat, "SELECT x FROM VALUES (1), (1 + 1) AS v(x)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_NE(PlanToString(Root(p)).find("Union ALL"), std::string::npos) << PlanToString(Root(p));
  p = Bind(cat, "SELECT id FROM range(1, 10, 3)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::string s = PlanToString(Root(p));
  EXPECT_NE(s.find("Values [id] rows=3"), std::string::npos) << s;
  p = Bind(cat, "SELECT * FROM range(5, 0, -2)");
  ASSERT_TRUE(p.ok());
  EXPECT_NE(PlanToString(Root(p)).find("rows=3"), std::string::npos);
  EXPECT_NE(BindError(cat, "VALUES (1, 2), (3)").find("row 2 has 1 values, expected 2"), std::string::npos);
  EXPECT_NE(BindError(cat, "SELECT * FROM range(1, 2, 0)").find("step must not be 0"), std::string::npos);
  p = Bind(cat, "SELECT 1 + 1 AS two");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Names(Root(p)), "two");
}

TEST_F(BinderTest, SetOperationsCoerceTypes) {
  auto p = Bind(cat, "SELECT a FROM t UNION SELECT b FROM t");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(Type(Root(p), 0), "BIGINT");
  std::string s = PlanToString(Root(p));
  EXPECT_NE(s.find("Union DISTINCT [a]"), std::string::npos) << s;
  EXPECT_NE(s.find("cast(a as BIGINT)"), std::string::npos) << s;
  s = BindToString(cat, "SELECT a FROM t INTERSECT ALL SELECT a FROM u EXCEPT SELECT a FROM u");
  EXPECT_NE(s.find("Except DISTINCT"), std::string::npos) << s;
  EXPECT_NE(s.find("Intersect ALL"), std::string::npos) << s;
  std::string e = BindError(cat, "SELECT a, b FROM t UNION SELECT a FROM u");
  EXPECT_NE(e.find("UNION needs the same number of columns on both sides: 2 and 1"), std::string::npos) << e;
  e = BindError(cat, "SELECT arr FROM t UNION SELECT a FROM u");
  EXPECT_NE(e.find("incompatible types"), std::string::npos) << e;
  s = BindToString(cat, "(SELECT a FROM t ORDER BY a LIMIT 2) UNION ALL (SELECT a FROM u) ORDER BY 1 DESC LIMIT 5 OFFSET 1");
  EXPECT_NE(s.find("Limit 5 offset=1\n  Sort [a DESC NULLS LAST]\n    Union ALL"), std::string::npos) << s;
  EXPECT_NE(s.find("Limit 2"), std::string::npos) << s;
}

TEST_F(BinderTest, BindExpressionAndCoerce) {
  auto expr = ParseExpression("amount * 2 > 10 AND s.name = 'x'");
  ASSERT_TRUE(expr.ok());
  BindScope scope;
  scope.relations.push_back({"s", std::make_shared<const columnar::Schema>(std::vector<columnar::FieldPtr>{
                                        columnar::MakeField("amount", columnar::Int32()),
                                        columnar::MakeField("name", columnar::Utf8())})});
  auto b = BindExpression(**expr, scope, cat);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*b)->type->ToString(), "BOOLEAN");
  auto c = BindConstant(**ParseExpression("1 + 2"), cat);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->type->ToString(), "INT");
  auto co = CoerceTo(*c, columnar::Int64(), "column 'x'");
  ASSERT_TRUE(co.ok());
  EXPECT_EQ((*co)->kind, BoundExprKind::kCast);
  auto bad = CoerceTo(*c, columnar::List(columnar::Int32()), "column 'tags' of table 'sales'");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("to column 'tags' of table 'sales' of type ARRAY<INT>"), std::string::npos)
      << bad.status().ToString();
  // ANSI store assignment: no STRING to INT, but numbers widen and narrow, anything goes to STRING.
  EXPECT_FALSE(CoerceTo(MakeStringLiteral("5"), columnar::Int32(), "column 'a'").ok());
  EXPECT_FALSE(CoerceTo(MakeBoolLiteral(true), columnar::Int32(), "column 'a'").ok());
  EXPECT_TRUE(CoerceTo(MakeInt64Literal(5), columnar::Int16(), "column 'a'").ok());
  EXPECT_TRUE(CoerceTo(MakeInt64Literal(5), columnar::Utf8(), "column 'a'").ok());
  EXPECT_TRUE(CoerceTo(MakeStringLiteral("2024-01-01"), columnar::Date32(), "column 'd'").ok());
  auto n = CoerceTo(MakeNullLiteral(columnar::Null()), columnar::Utf8(), "x");
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE((*n)->IsNullLiteral());
  EXPECT_EQ((*n)->type->ToString(), "STRING");
}

TEST_F(BinderTest, ExpressionTextInMessagesIsAsWritten) {
  auto p = Bind(cat, "SELECT a / (b - 1) FROM t");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)->exprs[0]->sql, "a / (b - 1)");
  EXPECT_EQ((*p)->schema->field(0)->name(), "(a / (b - 1))");
  p = Bind(cat, "SELECT (a + 1) * (b + 2), current_date FROM t");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->exprs[0]->sql, "(a + 1) * (b + 2)");
  EXPECT_EQ((*p)->exprs[1]->function, "current_date");
}

TEST_F(BinderTest, LimitOffset) {
  std::string s = BindToString(cat, "SELECT a FROM t LIMIT 5 OFFSET 2");
  EXPECT_NE(s.find("Limit 5 offset=2"), std::string::npos) << s;
  EXPECT_NE(BindError(cat, "SELECT a FROM t LIMIT -1").find("LIMIT must not be negative"), std::string::npos);
  EXPECT_NE(BindError(cat, "SELECT a FROM t LIMIT a").find("column 'a' not found"), std::string::npos);
}

}  // namespace
}  // namespace tide::sql
