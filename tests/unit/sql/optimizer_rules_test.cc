// Optimizer rules, each checked where it applies and where it must not: constant folding,
// predicate pushdown (projections, joins of every type, aggregates, scans), outer-join
// simplification, join ordering, projection pruning and top-N. Plus the TPC-H corpus: every
// query binds and optimizes to a plan without cross joins and with an unchanged schema.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "binder_test_util.h"
#include "sql/optimizer.h"

namespace tide::sql {
namespace {

using testing::Bind;
using testing::BindOptimized;
using testing::FakeCatalog;

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The line after the first line containing `marker` (the node's first child), trimmed.
std::string ChildAfter(const std::string& s, const std::string& marker) {
  size_t p = s.find(marker);
  if (p == std::string::npos) return "";
  size_t nl = s.find('\n', p);
  if (nl == std::string::npos) return "";
  size_t end = s.find('\n', nl + 1);
  std::string line = s.substr(nl + 1, end == std::string::npos ? std::string::npos : end - nl - 1);
  return line.substr(line.find_first_not_of(' '));
}

class OptimizerTest : public ::testing::Test {
 protected:
  std::string Opt(const std::string& sql, bool fold = true) {
    auto p = BindOptimized(cat, sql, fold);
    if (!p.ok()) return "ERROR: " + p.status().ToString();
    // The output schema never changes.
    auto unopt = Bind(cat, sql);
    EXPECT_TRUE((*p)->schema->Equals(*(*unopt)->schema)) << sql;
    return PlanToString(**p);
  }
  FakeCatalog cat;
};

TEST_F(OptimizerTest, FiltersGoIntoScans) {
  std::string s = Opt("SELECT a FROM t WHERE a > 1 AND c = 'x'");
  EXPECT_EQ(s, "Project [a]\n  Scan t@v0 [a, c] filters=[gt(a, 1), eq(c, 'x')]\n");
}

TEST_F(OptimizerTest, FiltersMoveThroughProjectionsBySubstitution) {
  std::string s = Opt("SELECT x FROM (SELECT a + 1 AS x FROM t) q WHERE x > 5");
  EXPECT_TRUE(Has(s, "Scan t@v0 [a] filters=[gt(add(a, 1), 5)]")) << s;
  EXPECT_FALSE(Has(s, "Filter")) << s;
}

TEST_F(OptimizerTest, NonDeterministicFiltersStay) {
  std::string s = Opt("SELECT x FROM (SELECT a AS x FROM t) q WHERE rand() > 0.5");
  EXPECT_TRUE(Has(s, "Filter gt(rand()")) << s;
}

TEST_F(OptimizerTest, CrossJoinWithEqualityBecomesHashJoin) {
  std::string s = Opt("SELECT t.a, u.k FROM t, u WHERE t.a = u.a AND u.v > 1.5");
  EXPECT_TRUE(Has(s, "Join inner keys=[a = a]")) << s;
  EXPECT_TRUE(Has(s, "Scan u@v0 [a, k, v] filters=[gt(v, cast(1.5BD as DOUBLE))]")) << s;
  EXPECT_FALSE(Has(s, "cross")) << s;
  // Without an equality it stays a nested-loop join with the condition.
  s = Opt("SELECT t.a FROM t, u WHERE t.a < u.a");
  EXPECT_TRUE(Has(s, "Join inner condition=lt(a, a)") || Has(s, "Join inner condition=gt(a, a)")) << s;
}

TEST_F(OptimizerTest, SmallerSideIsTheBuildSide) {
  std::string s = Opt("SELECT w.name, t.c FROM w, t WHERE w.id = t.b");
  // t (1000 rows) probes, w (10 rows) builds.
  EXPECT_EQ(ChildAfter(s, "Join inner keys=[b = id]").substr(0, 9), "Scan t@v0") << s;
  s = Opt("SELECT w.name, t.c FROM t JOIN w ON w.id = t.b");
  EXPECT_EQ(ChildAfter(s, "Join inner keys=[b = id]").substr(0, 9), "Scan t@v0") << s;
}

TEST_F(OptimizerTest, LeftJoinKeepsNullProducingSideFilters) {
  // `v IS NULL` is true for the null rows: it cannot go below the left join.
  std::string s = Opt("SELECT t.a FROM t LEFT JOIN u ON t.a = u.a WHERE u.v IS NULL");
  EXPECT_TRUE(Has(s, "Filter is_null(v)")) << s;
  EXPECT_TRUE(Has(s, "Join left")) << s;
  // A null-rejecting filter on the right side turns the join inner and moves down.
  s = Opt("SELECT t.a FROM t LEFT JOIN u ON t.a = u.a WHERE u.v > 1");
  EXPECT_TRUE(Has(s, "Join inner")) << s;
  EXPECT_TRUE(Has(s, "Scan u@v0 [a, v] filters=[gt(v, cast(1 as DOUBLE))]")) << s;
  // Filters on the preserved side move down.
  s = Opt("SELECT t.a FROM t LEFT JOIN u ON t.a = u.a WHERE t.b > 1");
  EXPECT_TRUE(Has(s, "Join left")) << s;
  EXPECT_TRUE(Has(s, "filters=[gt(b, cast(1 as BIGINT))]")) << s;
  // ON conditions on the right side filter the right input; on the left side they stay.
  s = Opt("SELECT t.a FROM t LEFT JOIN u ON t.a = u.a AND u.k = 'x' AND t.c = 'y'");
  EXPECT_TRUE(Has(s, "Scan u@v0 [a, k] filters=[eq(k, 'x')]")) << s;
  EXPECT_TRUE(Has(s, "condition=eq(c, 'y')")) << s;
  EXPECT_FALSE(Has(s, "Scan t@v0 [a, c] filters")) << s;
}

TEST_F(OptimizerTest, RightAndFullJoins) {
  std::string s = Opt("SELECT u.a FROM t RIGHT JOIN u ON t.a = u.a WHERE t.b IS NULL");
  EXPECT_TRUE(Has(s, "Join right")) << s;
  EXPECT_TRUE(Has(s, "Filter is_null(b)")) << s;
  s = Opt("SELECT u.a FROM t FULL JOIN u ON t.a = u.a WHERE t.b > 0");
  EXPECT_TRUE(Has(s, "Join left")) << s;
  s = Opt("SELECT u.a FROM t FULL JOIN u ON t.a = u.a WHERE t.b > 0 AND u.v > 0");
  EXPECT_TRUE(Has(s, "Join inner")) << s;
  s = Opt("SELECT u.a FROM t FULL JOIN u ON t.a = u.a WHERE coalesce(t.b, 0) > 0");
  EXPECT_TRUE(Has(s, "Join full")) << s;
}

TEST_F(OptimizerTest, FiltersOnGroupKeysGoBelowAggregates) {
  std::string s = Opt("SELECT a, sum(b) FROM t GROUP BY a HAVING a > 1 AND sum(b) > 10");
  EXPECT_TRUE(Has(s, "Scan t@v0 [a, b] filters=[gt(a, 1)]")) << s;
  EXPECT_TRUE(Has(s, "Filter gt(sum(b), cast(10 as BIGINT))")) << s;
  // With grouping sets a key missing from a set is null there: the filter stays above.
  s = Opt("SELECT a, c, count(*) FROM t GROUP BY ROLLUP(a, c) HAVING c = 'x'");
  EXPECT_TRUE(Has(s, "Filter eq(c, 'x')")) << s;
  s = Opt("SELECT a, c, count(*) FROM t GROUP BY a, ROLLUP(c) HAVING a = 1");
  EXPECT_TRUE(Has(s, "filters=[eq(a, 1)]")) << s;
}

TEST_F(OptimizerTest, UnionAndExceptPushdown) {
  std::string s = Opt("SELECT * FROM (SELECT a FROM t UNION ALL SELECT a FROM u) q WHERE a = 3");
  EXPECT_TRUE(Has(s, "Scan t@v0 [a] filters=[eq(a, 3)]")) << s;
  EXPECT_TRUE(Has(s, "Scan u@v0 [a] filters=[eq(a, 3)]")) << s;
  s = Opt("SELECT * FROM (SELECT a FROM t EXCEPT SELECT a FROM u) q WHERE a = 3");
  EXPECT_TRUE(Has(s, "Scan t@v0 [a] filters=[eq(a, 3)]")) << s;
  EXPECT_FALSE(Has(s, "Scan u@v0 [a] filters")) << s;
}

TEST_F(OptimizerTest, CommonConjunctsComeOutOfOrs) {
  // TPC-H Q19's shape: the join key inside every branch becomes a hash key, and each side gets
  // the filter the OR implies for it.
  std::string s = Opt("SELECT t.a FROM t, u WHERE (t.a = u.a AND t.c = 'x' AND u.v > 1) OR (t.a = u.a AND t.c = 'y' AND u.v < 0)");
  EXPECT_TRUE(Has(s, "Join inner keys=[a = a] condition=or(")) << s;
  EXPECT_TRUE(Has(s, "filters=[or(eq(c, 'x'), eq(c, 'y'))]")) << s;
  EXPECT_TRUE(Has(s, "filters=[or(gt(v, cast(1 as DOUBLE)), lt(v, cast(0 as DOUBLE)))]")) << s;
  // A branch that is only the common part makes the OR vanish.
  s = Opt("SELECT a FROM t WHERE (a = 1 AND c = 'x') OR a = 1");
  EXPECT_TRUE(Has(s, "filters=[eq(a, 1)]")) << s;
  // No implied filter when some branch says nothing about a side.
  s = Opt("SELECT t.a FROM t, u WHERE t.a = u.a AND (t.c = 'x' OR u.v > 1)");
  EXPECT_TRUE(Has(s, "condition=or(eq(c, 'x'), gt(v, cast(1 as DOUBLE)))")) << s;
  EXPECT_FALSE(Has(s, "filters=")) << s;
}

TEST_F(OptimizerTest, SemiJoinSinksToTheSideItReads) {
  std::string s = Opt("SELECT t.a, w.name FROM t, w WHERE t.b = w.id AND t.a IN (SELECT a FROM u)");
  // The semi join filters t before the join with w.
  EXPECT_EQ(ChildAfter(s, "Join semi keys=[a = a]").substr(0, 9), "Scan t@v0") << s;
  EXPECT_EQ(ChildAfter(s, "Join inner keys=[b = id]").substr(0, 9), "Join semi") << s;
}

TEST_F(OptimizerTest, ProjectionPruning) {
  std::string s = Opt("SELECT q.x FROM (SELECT a AS x, upper(c) AS y, b FROM t) q");
  EXPECT_EQ(s, "Project [a AS x]\n  Scan t@v0 [a]\n");
  s = Opt("SELECT count(*) FROM t");
  EXPECT_TRUE(Has(s, "Scan t@v0 []")) << s;
  s = Opt("SELECT a FROM (SELECT a, sum(b) AS sb, max(e) AS me FROM t GROUP BY a) q");
  EXPECT_TRUE(Has(s, "Aggregate group=[a] aggs=[]")) << s;
  s = Opt("SELECT a FROM (SELECT a, row_number() OVER (ORDER BY b) AS rn FROM t) q");
  EXPECT_FALSE(Has(s, "Window")) << s;
  // Join inputs carry only what the join and its parents read.
  s = Opt("SELECT w.name FROM t JOIN w ON w.id = t.b WHERE t.c = 'x'");
  EXPECT_TRUE(Has(s, "Project [b]\n        Scan t@v0 [b, c] filters=[eq(c, 'x')]") ||
              Has(s, "Project [b]\n      Scan t@v0 [b, c] filters=[eq(c, 'x')]"))
      << s;
}

TEST_F(OptimizerTest, TopN) {
  std::string s = Opt("SELECT a FROM t ORDER BY a LIMIT 5");
  EXPECT_TRUE(Has(s, "Sort [a ASC NULLS FIRST] limit=5")) << s;
  s = Opt("SELECT a FROM t ORDER BY b LIMIT 5 OFFSET 2");
  EXPECT_TRUE(Has(s, "limit=7")) << s;
  EXPECT_TRUE(Has(s, "Limit 5 offset=2")) << s;
  s = Opt("SELECT a FROM t LIMIT 5");
  EXPECT_FALSE(Has(s, "Sort")) << s;
}

TEST_F(OptimizerTest, SharedAggregateInputsAreComputedOnce) {
  std::string s = Opt("SELECT sum(b * 2), sum(b * 2 + 1), max(e) FROM t");
  EXPECT_TRUE(Has(s, "aggs=[sum(__cse0), sum(add(__cse0, cast(1 as BIGINT))), max(e)]")) << s;
  EXPECT_TRUE(Has(s, "Project [b, e, multiply(b, cast(2 as BIGINT)) AS __cse0]") ||
              Has(s, "Project [e, multiply(b, cast(2 as BIGINT)) AS __cse0]"))
      << s;
  // A whole CASE may be shared, nothing inside one (it may only be valid for some rows).
  s = Opt("SELECT sum(CASE WHEN a <> 0 THEN b / a END), avg(CASE WHEN a <> 0 THEN b / a END) FROM t");
  EXPECT_TRUE(Has(s, "aggs=[sum(__cse0), avg(__cse0)]")) << s;
  s = Opt("SELECT sum(CASE WHEN a <> 0 THEN b / a END), avg(CASE WHEN a <> 0 THEN b / a + 1 END) FROM t");
  EXPECT_FALSE(Has(s, "__cse")) << s;
  s = Opt("SELECT sum(b / a) FILTER (WHERE a <> 0), avg(b / a) FILTER (WHERE a <> 0) FROM t");
  EXPECT_FALSE(Has(s, "__cse")) << s;
  s = Opt("SELECT sum(b), max(b) FROM t");
  EXPECT_FALSE(Has(s, "__cse")) << s;
}

TEST_F(OptimizerTest, ConstantFolding) {
  std::string s = Opt("SELECT a FROM t WHERE d <= DATE '1998-12-01' - INTERVAL '90' DAY");
  EXPECT_TRUE(Has(s, "filters=[le(d, DATE '1998-09-02')]")) << s;
  // Without a folder nothing is evaluated.
  s = Opt("SELECT a FROM t WHERE d <= DATE '1998-12-01' - INTERVAL '90' DAY", false);
  EXPECT_TRUE(Has(s, "date_add(DATE '1998-12-01', -90)")) << s;
  // Boolean simplification needs no folder.
  s = Opt("SELECT a FROM t WHERE true AND a > 1", false);
  EXPECT_TRUE(Has(s, "filters=[gt(a, 1)]")) << s;
  s = Opt("SELECT a FROM t WHERE false AND a > 1", false);
  EXPECT_TRUE(Has(s, "Values [a] rows=0")) << s;
  s = Opt("SELECT a FROM t WHERE a > 1 OR true", false);
  EXPECT_FALSE(Has(s, "filters")) << s;
}

TEST_F(OptimizerTest, SubqueryPlansAreOptimizedToo) {
  std::string s = Opt("SELECT a FROM t WHERE b > (SELECT max(a) FROM u WHERE k = 'x')");
  EXPECT_FALSE(Has(s, "Filter eq(k")) << s;
  auto p = BindOptimized(cat, "SELECT a FROM t WHERE b > (SELECT max(a) FROM u WHERE k = 'x')");
  ASSERT_TRUE(p.ok());
  bool found = false;
  std::function<void(const PlanNode&)> walk = [&](const PlanNode& n) {
    auto check = [&](const BoundExprPtr& e) {
      if (!e) return;
      VisitBoundExpr(*e, [&](const BoundExpr& x) {
        if (x.kind == BoundExprKind::kSubquery) {
          found = true;
          EXPECT_TRUE(Has(PlanToString(*x.subquery), "Scan u@v0 [a, k] filters=[eq(k, 'x')]")) << PlanToString(*x.subquery);
        }
      });
    };
    check(n.predicate);
    for (const auto& f : n.scan_filters) check(f);
    for (const auto& c : n.children) walk(*c);
  };
  walk(**p);
  EXPECT_TRUE(found);
}

// --------------------------------------------------------------------------- TPC-H corpus

std::vector<std::string> TpchQueries() {
  std::ifstream in(std::filesystem::path(TIDE_SOURCE_DIR) / "tests/unit/sql/corpus/tpch.sql");
  std::stringstream ss;
  ss << in.rdbuf();
  auto script = ParseScript(ss.str());
  std::vector<std::string> out;
  if (!script.ok()) return out;
  for (const auto& s : *script) out.push_back(s.text);
  return out;
}

void CheckJoins(const PlanNode& n, const std::string& sql) {
  if (n.kind == PlanKind::kJoin) {
    EXPECT_NE(n.join_type, PlanJoinType::kCross) << sql << "\n" << PlanToString(n);
    EXPECT_FALSE(n.left_keys.empty()) << sql << "\n" << PlanToString(n);
  }
  if (n.kind == PlanKind::kScan) EXPECT_LT(n.scan_columns.size(), n.table->schema()->fields().size()) << sql;
  for (const auto& c : n.children) CheckJoins(*c, sql);
}

TEST_F(OptimizerTest, TpchCorpusHasNoCrossJoins) {
  auto queries = TpchQueries();
  ASSERT_EQ(queries.size(), 7u);
  for (const auto& q : queries) {
    auto bound = Bind(cat, q);
    ASSERT_TRUE(bound.ok()) << q << "\n" << bound.status().ToString();
    auto p = BindOptimized(cat, q);
    ASSERT_TRUE(p.ok()) << q << "\n" << p.status().ToString();
    EXPECT_TRUE((*p)->schema->Equals(*(*bound)->schema)) << q;
    CheckJoins(**p, q);
    // No filter is left above a join that could have gone into a scan.
    std::string s = PlanToString(**p);
    EXPECT_FALSE(Has(s, "Filter eq(")) << q << "\n" << s;
  }
}

TEST_F(OptimizerTest, TpchQ5JoinOrderProbesLineitem) {
  auto queries = TpchQueries();
  ASSERT_GE(queries.size(), 3u);
  auto p = BindOptimized(cat, queries[2]);  // Q5
  ASSERT_TRUE(p.ok());
  std::string s = PlanToString(**p);
  // lineitem is the probe input of the deepest join, orders (filtered) builds it.
  EXPECT_TRUE(Has(s, "Join inner keys=[l_orderkey = o_orderkey]")) << s;
  EXPECT_TRUE(Has(s, "Scan orders@v0 [o_orderkey, o_custkey, o_orderdate] filters=[ge(o_orderdate, DATE '1994-01-01'), "
                     "lt(o_orderdate, DATE '1995-01-01')]"))
      << s;
}

}  // namespace
}  // namespace tide::sql
