// Binder: grouping (ordinals, aliases, ALL, ROLLUP/CUBE/GROUPING SETS), aggregate extraction,
// windows, ORDER BY, DISTINCT and subqueries (uncorrelated and decorrelated).
#include <gtest/gtest.h>

#include "binder_test_util.h"

namespace tide::sql {
namespace {

using testing::Bind;
using testing::BindError;
using testing::BindToString;
using testing::FakeCatalog;

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class BinderQueryTest : public ::testing::Test {
 protected:
  FakeCatalog cat;
};

TEST_F(BinderQueryTest, GroupByOrdinalAliasAndAll) {
  std::string s = BindToString(cat, "SELECT a + 1 AS x, count(*) FROM t GROUP BY 1");
  EXPECT_TRUE(Has(s, "Aggregate group=[add(a, 1)] aggs=[count_star()]")) << s;
  s = BindToString(cat, "SELECT a + 1 AS x, count(*) FROM t GROUP BY x");
  EXPECT_TRUE(Has(s, "Aggregate group=[add(a, 1)]")) << s;
  // (GROUP BY ALL is handled by the binder but not yet accepted by the parser.)
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t GROUP BY 3"), "GROUP BY position 3 is not in the select list"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT sum(b) FROM t GROUP BY 1"), "not allowed in GROUP BY"));
  // Input columns win over aliases in GROUP BY.
  s = BindToString(cat, "SELECT b AS a FROM t GROUP BY a, b");
  EXPECT_TRUE(Has(s, "Aggregate group=[a, b]")) << s;
}

TEST_F(BinderQueryTest, AggregateExtraction) {
  // The same aggregate twice is computed once; aggregates inside expressions; FILTER; DISTINCT.
  std::string s = BindToString(cat, "SELECT sum(b), sum(b) * 2, avg(e) + 1, count(DISTINCT c), count(*) FILTER (WHERE a > 1) FROM t");
  EXPECT_TRUE(Has(s, "Aggregate group=[] aggs=[sum(b), avg(e), count(DISTINCT c), count_star() FILTER gt(a, 1)]")) << s;
  EXPECT_TRUE(Has(s, "multiply(sum(b), cast(2 as BIGINT))")) << s;
  // HAVING alone makes a global aggregate; HAVING may use select aliases.
  s = BindToString(cat, "SELECT count(*) AS n FROM t HAVING n > 1");
  EXPECT_TRUE(Has(s, "Filter gt(count(1), cast(1 as BIGINT))")) << s;
  // An alias shadows an ungrouped input column of the same name in HAVING, not a group key.
  s = BindToString(cat, "SELECT a, count(*) AS c FROM t GROUP BY a HAVING c > 1");
  EXPECT_TRUE(Has(s, "Filter gt(count(1), cast(1 as BIGINT))")) << s;
  s = BindToString(cat, "SELECT a, max(b) AS a2, count(*) AS a FROM t GROUP BY a HAVING a > 1");
  EXPECT_TRUE(Has(s, "Filter gt(a, 1)")) << s;
  s = BindToString(cat, "SELECT a FROM t GROUP BY a HAVING max(e) > 2");
  EXPECT_TRUE(Has(s, "aggs=[max(e)]")) << s;
  EXPECT_TRUE(Has(s, "Project [a]")) << s;
  // An expression of group keys is allowed.
  auto p = Bind(cat, "SELECT a + 1, upper(c) FROM t GROUP BY a, c");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(Has(BindError(cat, "SELECT a + b FROM t GROUP BY a"), "column 'b' must appear in GROUP BY"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT count(*) FILTER (WHERE a) FROM t"), "FILTER expects a BOOLEAN condition"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT upper(DISTINCT c) FROM t"), "DISTINCT is only allowed in aggregate functions"));
}

TEST_F(BinderQueryTest, GroupingSets) {
  std::string s = BindToString(cat, "SELECT a, c, count(*) FROM t GROUP BY ROLLUP(a, c)");
  EXPECT_TRUE(Has(s, "Aggregate group=[a, c] sets=[(0, 1), (0), ()]")) << s;
  s = BindToString(cat, "SELECT a, c, count(*) FROM t GROUP BY CUBE(a, c)");
  EXPECT_TRUE(Has(s, "sets=[(0, 1), (0), (1), ()]")) << s;
  s = BindToString(cat, "SELECT a, c FROM t GROUP BY GROUPING SETS ((a, c), (a), ())");
  EXPECT_TRUE(Has(s, "sets=[(0, 1), (0), ()]")) << s;
  s = BindToString(cat, "SELECT a, c FROM t GROUP BY a, ROLLUP(c)");
  EXPECT_TRUE(Has(s, "sets=[(0, 1), (0)]")) << s;
  auto p = Bind(cat, "SELECT a, grouping(a), grouping_id(), grouping_id(c, a) FROM t GROUP BY CUBE(a, c)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  s = PlanToString(**p);
  EXPECT_TRUE(Has(s, "cast(bit_and(shiftright(grouping__id, 1), 1L) as TINYINT)")) << s;
  EXPECT_TRUE((*p)->schema->field(0)->nullable());
  EXPECT_EQ((*p)->schema->field(1)->type()->ToString(), "TINYINT");
  EXPECT_EQ((*p)->schema->field(2)->type()->ToString(), "BIGINT");
  EXPECT_TRUE(Has(BindError(cat, "SELECT grouping(b) FROM t GROUP BY a"), "must be a GROUP BY expression"));
}

TEST_F(BinderQueryTest, WindowFunctions) {
  std::string s = BindToString(cat,
                               "SELECT row_number() OVER w AS rn, rank() OVER w, sum(e) OVER (PARTITION BY a ORDER BY b ROWS "
                               "BETWEEN 2 PRECEDING AND 1 FOLLOWING), avg(e) OVER (PARTITION BY a), lag(e, 1) OVER w "
                               "FROM t WINDOW w AS (PARTITION BY a ORDER BY b)");
  // One node per distinct (partition, order) spec.
  size_t windows = 0;
  for (size_t pos = s.find("Window "); pos != std::string::npos; pos = s.find("Window ", pos + 1)) ++windows;
  EXPECT_EQ(windows, 2u) << s;
  EXPECT_TRUE(Has(s, "Window partition=[a] order=[b ASC NULLS FIRST] [row_number() RANGE UNBOUNDED PRECEDING AND CURRENT ROW, "
                     "rank() RANGE UNBOUNDED PRECEDING AND CURRENT ROW, sum(e) ROWS 2 PRECEDING AND 1 FOLLOWING, lag(e, 1)"))
      << s;
  EXPECT_TRUE(Has(s, "Window partition=[a] order=[] [avg(e) ROWS UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING]")) << s;
  // RANGE frames with interval offsets are in the order key's units.
  s = BindToString(cat, "SELECT sum(e) OVER (ORDER BY d RANGE BETWEEN INTERVAL 2 DAYS PRECEDING AND CURRENT ROW), "
                        "sum(e) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND INTERVAL '30' MINUTE FOLLOWING) FROM t");
  EXPECT_TRUE(Has(s, "sum(e) RANGE 2 PRECEDING AND CURRENT ROW")) << s;
  EXPECT_TRUE(Has(s, "sum(e) RANGE 3600000000 PRECEDING AND 1800000000 FOLLOWING")) << s;
  EXPECT_TRUE(Has(BindError(cat, "SELECT sum(e) OVER (ORDER BY a ROWS BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) FROM t"),
                  "needs a RANGE frame"));
  // first_value(x, true) is IGNORE NULLS.
  s = BindToString(cat, "SELECT last_value(e, true) OVER (ORDER BY a) FROM t");
  EXPECT_TRUE(Has(s, "last_value(e) RANGE")) << s;
  // Window columns are typed, and ORDER BY may use them or other columns.
  auto p = Bind(cat, "SELECT a, sum(b) OVER (ORDER BY b) AS s, rank() OVER (ORDER BY e) FROM t ORDER BY b, s");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->schema->field(1)->type()->ToString(), "BIGINT");
  EXPECT_EQ((*p)->schema->field(2)->type()->ToString(), "INT");
  // Windows over aggregates.
  s = BindToString(cat, "SELECT a, sum(sum(b)) OVER (ORDER BY a) FROM t GROUP BY a");
  EXPECT_TRUE(Has(s, "Window partition=[] order=[a ASC NULLS FIRST] [sum(sum(b))")) << s;
  EXPECT_TRUE(Has(BindError(cat, "SELECT row_number() FROM t"), "window function 'row_number' requires an OVER clause"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t WHERE rank() OVER (ORDER BY a) = 1"), "not allowed in WHERE"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT sum(e) OVER nope FROM t"), "window 'nope' is not defined"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT sum(e) OVER (ORDER BY a ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM t"),
                  "window frame starts after it ends"));
}

TEST_F(BinderQueryTest, WindowOutputNames) {
  auto p = Bind(cat, "SELECT rank() OVER (PARTITION BY a ORDER BY b DESC), sum(e) OVER w FROM t WINDOW w AS (ORDER BY a)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->schema->field(0)->name(), "rank() OVER (PARTITION BY a ORDER BY b DESC NULLS LAST)");
  EXPECT_EQ((*p)->schema->field(1)->name(), "sum(e) OVER w");
}

TEST_F(BinderQueryTest, Generators) {
  auto p = Bind(cat, "SELECT a, explode(arr) AS x FROM t WHERE a > 0");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::string s = PlanToString(**p);
  EXPECT_TRUE(Has(s, "Explode explode(arr)")) << s;
  EXPECT_EQ((*p)->schema->field(1)->name(), "x");
  EXPECT_EQ((*p)->schema->field(1)->type()->ToString(), "INT");
  p = Bind(cat, "SELECT posexplode_outer(m) FROM t");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->schema->num_fields(), 3);
  EXPECT_EQ((*p)->schema->field(0)->name(), "pos");
  EXPECT_EQ((*p)->schema->field(2)->name(), "value");
  EXPECT_TRUE(Has(PlanToString(**p), "Explode OUTER")) << PlanToString(**p);
  EXPECT_TRUE(Has(BindError(cat, "SELECT explode(arr), explode(arr) FROM t"), "only one generator"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t WHERE explode(arr) > 1"), "only supported as a select item"));
  // The generated column can be filtered and pruned like any other.
  auto o = testing::BindOptimized(cat, "SELECT x FROM (SELECT a, explode(arr) AS x FROM t) q WHERE a > 1");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  s = PlanToString(**o);
  EXPECT_TRUE(Has(s, "Scan t@v0 [a, arr] filters=[gt(a, 1)]")) << s;
}

TEST_F(BinderQueryTest, OrderBy) {
  // Hidden sort column, then projected away.
  std::string s = BindToString(cat, "SELECT a FROM t ORDER BY b DESC");
  EXPECT_EQ(s,
            "Project [a]\n"
            "  Sort [__order0 DESC NULLS LAST]\n"
            "    Project [a, b AS __order0]\n"
            "      Scan t@v0 [a, b, c, d, e, f, ts, s, arr, m, flag]\n");
  s = BindToString(cat, "SELECT a AS x, b FROM t ORDER BY x NULLS LAST, 2 DESC NULLS FIRST");
  EXPECT_TRUE(Has(s, "Sort [x ASC NULLS LAST, b DESC NULLS FIRST]")) << s;
  // Aliases shadow input columns in ORDER BY.
  s = BindToString(cat, "SELECT b AS a FROM t ORDER BY a");
  EXPECT_TRUE(Has(s, "Sort [a ASC NULLS FIRST]\n  Project [b AS a]")) << s;
  s = BindToString(cat, "SELECT a, count(*) FROM t GROUP BY a ORDER BY count(*) DESC, max(e)");
  EXPECT_TRUE(Has(s, "aggs=[count_star(), max(e)]")) << s;
  EXPECT_TRUE(Has(BindError(cat, "SELECT DISTINCT a FROM t ORDER BY b"), "must be in the select list of a SELECT DISTINCT"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t ORDER BY 2"), "ORDER BY position 2 is not in the select list"));
  s = BindToString(cat, "SELECT DISTINCT a FROM t ORDER BY a");
  EXPECT_TRUE(Has(s, "Sort [a ASC NULLS FIRST]\n  Distinct")) << s;
}

TEST_F(BinderQueryTest, UncorrelatedSubqueries) {
  std::string s = BindToString(cat, "SELECT a, (SELECT max(v) FROM u) FROM t WHERE EXISTS (SELECT 1 FROM w) AND a NOT IN (SELECT a FROM u)");
  EXPECT_TRUE(Has(s, "scalar-subquery()")) << s;
  EXPECT_TRUE(Has(s, "exists()")) << s;
  EXPECT_TRUE(Has(s, "not(in-subquery(a))")) << s;
  // IN as a WHERE conjunct is a semi join; elsewhere an expression.
  s = BindToString(cat, "SELECT a FROM t WHERE b IN (SELECT a FROM u)");
  EXPECT_TRUE(Has(s, "Join semi keys=[b = a]")) << s;
  EXPECT_TRUE(Has(s, "cast(a as BIGINT)")) << s;
  s = BindToString(cat, "SELECT a IN (SELECT a FROM u) FROM t");
  EXPECT_TRUE(Has(s, "in-subquery(a)")) << s;
  EXPECT_TRUE(Has(BindError(cat, "SELECT (SELECT a, k FROM u) FROM t"), "scalar subquery must return one column, got 2"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t WHERE a IN (SELECT a, k FROM u)"), "IN subquery must return 1 column, got 2"));
  // Row values: one key per element.
  s = BindToString(cat, "SELECT a FROM t WHERE (a, c) IN (SELECT a, k FROM u)");
  EXPECT_TRUE(Has(s, "Join semi keys=[a = a, c = k]")) << s;
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t WHERE (a, c) IN (SELECT a FROM u)"), "must return 2 columns, got 1"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t WHERE (a, c) NOT IN (SELECT a, k FROM u)"), "use NOT EXISTS"));
}

TEST_F(BinderQueryTest, CorrelatedExistsAndIn) {
  std::string s = BindToString(cat, "SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a AND u.v > t.e)");
  EXPECT_TRUE(Has(s, "Join semi keys=[a = __corr0] condition=gt(__corr1, e)")) << s;
  s = BindToString(cat, "SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.a = t.a)");
  EXPECT_TRUE(Has(s, "Join anti keys=[a = __corr0]")) << s;
  s = BindToString(cat, "SELECT a FROM t WHERE c IN (SELECT k FROM u WHERE u.a = t.a)");
  EXPECT_TRUE(Has(s, "Join semi keys=[c = k, a = __corr0]")) << s;
  // EXISTS inside an expression: a mark join.
  s = BindToString(cat, "SELECT a FROM t WHERE a = 1 OR EXISTS (SELECT 1 FROM u WHERE u.a = t.a)");
  EXPECT_TRUE(Has(s, "Join mark keys=[a = __corr0]")) << s;
  EXPECT_TRUE(Has(s, "coalesce(mark, false)")) << s;
  // NOT IN over nullable correlated values is refused clearly.
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t WHERE c NOT IN (SELECT k FROM u WHERE u.a = t.a)"), "use NOT EXISTS"));
  s = BindToString(cat, "SELECT id FROM w WHERE id NOT IN (SELECT id FROM w AS w2 WHERE w2.name = w.name)");
  EXPECT_TRUE(Has(s, "Join anti")) << s;
}

TEST_F(BinderQueryTest, CorrelatedScalarAggregate) {
  std::string s = BindToString(cat, "SELECT a FROM t WHERE e < (SELECT avg(v) FROM u WHERE u.a = t.a)");
  EXPECT_TRUE(Has(s, "Join left keys=[a = __corr0]")) << s;
  EXPECT_TRUE(Has(s, "Aggregate group=[a] aggs=[avg(v)]")) << s;
  EXPECT_TRUE(Has(s, "Filter lt(e, avg(v))")) << s;
  // count(*) of no rows is 0, not null.
  s = BindToString(cat, "SELECT a, (SELECT count(*) FROM u WHERE u.a = t.a) AS n FROM t");
  EXPECT_TRUE(Has(s, "coalesce(count(1), 0L)")) << s;
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t WHERE e < (SELECT avg(v) FROM u WHERE u.a > t.a)"),
                  "only equalities with outer columns"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t WHERE e < (SELECT v FROM u WHERE u.a = t.a)"),
                  "correlated scalar subquery without an aggregate is not supported"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT a FROM t WHERE e < (SELECT t.e FROM u)"), "correlated subquery reference 't.e'"));
}

TEST_F(BinderQueryTest, TpchQ17StyleSubquery) {
  std::string s = BindToString(cat,
                               "SELECT sum(l_extendedprice) / 7.0 AS avg_yearly FROM lineitem, part WHERE p_partkey = l_partkey "
                               "AND p_brand = 'Brand#23' AND l_quantity < (SELECT 0.2 * avg(l_quantity) FROM lineitem AS l2 "
                               "WHERE l2.l_partkey = part.p_partkey)");
  EXPECT_TRUE(Has(s, "Join left keys=[p_partkey = __corr0]")) << s;
  EXPECT_TRUE(Has(s, "Aggregate group=[l_partkey] aggs=[avg(l_quantity)]")) << s;
}

}  // namespace
}  // namespace tide::sql
