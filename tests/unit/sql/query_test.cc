// Queries: select lists, FROM with joins and time travel, grouping, set operations, CTEs.
#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/printer.h"
#include "sql_test_util.h"

namespace tide::sql {
namespace {

using testing::Canon;
using testing::RoundTrip;

const SelectBody& SelectOf(const Statement& s) {
  return s.As<QueryStatement>().query->body->As<SelectBody>();
}

TEST(QueryTest, SelectListWithAliasesAndStars) {
  EXPECT_EQ(RoundTrip("select a, b as bee, c cee, t.*, * from t"), "SELECT a, b AS bee, c AS cee, t.*, * FROM t");
  EXPECT_EQ(RoundTrip("SELECT DISTINCT a FROM t"), "SELECT DISTINCT a FROM t");
  EXPECT_EQ(RoundTrip("SELECT ALL a FROM t"), "SELECT a FROM t");
  EXPECT_EQ(RoundTrip("SELECT 1"), "SELECT 1");
  EXPECT_EQ(RoundTrip("SELECT db.t.* FROM db.t"), "SELECT db.t.* FROM db.t");
  // Non-reserved keywords as implicit aliases and columns.
  EXPECT_EQ(RoundTrip("SELECT ts date, v value, k key FROM t"), "SELECT ts AS date, v AS value, k AS key FROM t");
  EXPECT_EQ(RoundTrip("SELECT `from` FROM `order`"), "SELECT `from` FROM `order`");
}

TEST(QueryTest, TablesAliasesAndTimeTravel) {
  EXPECT_EQ(RoundTrip("SELECT * FROM db.events e"), "SELECT * FROM db.events AS e");
  EXPECT_EQ(RoundTrip("SELECT * FROM delta.`/data/t` VERSION AS OF 3"), "SELECT * FROM delta.`/data/t` VERSION AS OF 3");
  EXPECT_EQ(RoundTrip("SELECT * FROM parquet.`/x/y.parquet` p"), "SELECT * FROM parquet.`/x/y.parquet` AS p");
  EXPECT_EQ(RoundTrip("SELECT * FROM t TIMESTAMP AS OF '2024-01-01' AS x"),
            "SELECT * FROM t TIMESTAMP AS OF '2024-01-01' AS x");
  EXPECT_EQ(RoundTrip("SELECT * FROM t FOR SYSTEM_VERSION AS OF 2"), "SELECT * FROM t VERSION AS OF 2");
  EXPECT_EQ(RoundTrip("SELECT * FROM (SELECT a FROM t) sub"), "SELECT * FROM (SELECT a FROM t) AS sub");
  EXPECT_EQ(RoundTrip("SELECT * FROM (SELECT a FROM t) AS sub(x)"), "SELECT * FROM (SELECT a FROM t) AS sub(x)");
  EXPECT_EQ(RoundTrip("SELECT * FROM VALUES (1, 2), (3, 4) AS v(a, b)"), "SELECT * FROM VALUES (1, 2), (3, 4) AS v(a, b)");
  EXPECT_EQ(RoundTrip("SELECT * FROM range(5) r"), "SELECT * FROM range(5) AS r");
  // `timestamp` alone after a table is an alias, not time travel.
  EXPECT_EQ(RoundTrip("SELECT * FROM t timestamp"), "SELECT * FROM t AS timestamp");

  auto stmt = ParseStatement("SELECT * FROM delta.`/data/t` VERSION AS OF 3");
  ASSERT_TRUE(stmt.ok());
  const auto& table = SelectOf(**stmt).from[0]->As<NamedTable>();
  EXPECT_TRUE(table.name.IsPathTable());
  ASSERT_EQ(table.name.parts.size(), 2u);
  EXPECT_EQ(table.name.parts[1].name, "/data/t");
  EXPECT_TRUE(table.name.parts[1].quoted);
  ASSERT_TRUE(table.time_travel);
  EXPECT_EQ(table.time_travel->kind, TimeTravelKind::kVersion);
  EXPECT_EQ(ToSql(*table.time_travel->value), "3");
}

TEST(QueryTest, Joins) {
  EXPECT_EQ(RoundTrip("SELECT * FROM a INNER JOIN b ON a.k = b.k"), "SELECT * FROM a JOIN b ON (a.k = b.k)");
  EXPECT_EQ(RoundTrip("SELECT * FROM a LEFT OUTER JOIN b USING (k, j)"), "SELECT * FROM a LEFT JOIN b USING (k, j)");
  EXPECT_EQ(RoundTrip("SELECT * FROM a RIGHT OUTER JOIN b ON TRUE"), "SELECT * FROM a RIGHT JOIN b ON TRUE");
  EXPECT_EQ(RoundTrip("SELECT * FROM a FULL OUTER JOIN b ON x"), "SELECT * FROM a FULL JOIN b ON x");
  EXPECT_EQ(RoundTrip("SELECT * FROM a SEMI JOIN b ON x"), "SELECT * FROM a LEFT SEMI JOIN b ON x");
  EXPECT_EQ(RoundTrip("SELECT * FROM a ANTI JOIN b ON x"), "SELECT * FROM a LEFT ANTI JOIN b ON x");
  EXPECT_EQ(RoundTrip("SELECT * FROM a CROSS JOIN b"), "SELECT * FROM a CROSS JOIN b");
  EXPECT_EQ(RoundTrip("SELECT * FROM a NATURAL LEFT JOIN b"), "SELECT * FROM a NATURAL LEFT JOIN b");
  EXPECT_EQ(RoundTrip("SELECT * FROM a, b c, d"), "SELECT * FROM a, b AS c, d");
  EXPECT_EQ(RoundTrip("SELECT * FROM a JOIN (b JOIN c ON b.x = c.x) ON a.y = b.y"),
            "SELECT * FROM a JOIN (b JOIN c ON (b.x = c.x)) ON (a.y = b.y)");
  EXPECT_EQ(RoundTrip("SELECT * FROM (a JOIN b ON p) j"), "SELECT * FROM (a JOIN b ON p) AS j");
  EXPECT_EQ(RoundTrip("SELECT * FROM (a JOIN b ON p)"), "SELECT * FROM a JOIN b ON p");

  // Joins are left-deep: ((a JOIN b) LEFT JOIN c).
  auto stmt = ParseStatement("SELECT * FROM a JOIN b ON p LEFT JOIN c ON q");
  ASSERT_TRUE(stmt.ok());
  const auto& top = SelectOf(**stmt).from[0]->As<JoinTable>();
  EXPECT_EQ(top.join_type, JoinType::kLeft);
  EXPECT_EQ(top.left->kind, TableRefKind::kJoin);
  EXPECT_EQ(top.right->kind, TableRefKind::kNamed);
  EXPECT_EQ(ToSql(*top.on), "q");
}

TEST(QueryTest, WhereGroupHavingOrderLimit) {
  EXPECT_EQ(RoundTrip("SELECT a, count(*) FROM t WHERE b > 1 GROUP BY a HAVING count(*) > 2 ORDER BY 2 DESC, a ASC "
                      "NULLS FIRST LIMIT 10 OFFSET 5"),
            "SELECT a, count(*) FROM t WHERE (b > 1) GROUP BY a HAVING (count(*) > 2) ORDER BY 2 DESC, a ASC NULLS FIRST "
            "LIMIT 10 OFFSET 5");
  EXPECT_EQ(RoundTrip("SELECT a FROM t GROUP BY ROLLUP(a, b)"), "SELECT a FROM t GROUP BY ROLLUP(a, b)");
  EXPECT_EQ(RoundTrip("SELECT a, sum(b) FROM t GROUP BY ALL"), "SELECT a, sum(b) FROM t GROUP BY ALL");
  EXPECT_EQ(RoundTrip("SELECT `all` FROM t GROUP BY `all`"), "SELECT `all` FROM t GROUP BY `all`");
  EXPECT_EQ(RoundTrip("SELECT a FROM t GROUP BY a, CUBE (b, c)"), "SELECT a FROM t GROUP BY a, CUBE(b, c)");
  EXPECT_EQ(RoundTrip("SELECT a FROM t GROUP BY GROUPING SETS ((a, b), a, ())"),
            "SELECT a FROM t GROUP BY GROUPING SETS ((a, b), (a), ())");
  EXPECT_EQ(RoundTrip("SELECT a FROM t GROUP BY a, b WITH ROLLUP"), "SELECT a FROM t GROUP BY ROLLUP(a, b)");
  EXPECT_EQ(RoundTrip("SELECT a FROM t LIMIT ALL"), "SELECT a FROM t");
  EXPECT_EQ(RoundTrip("SELECT a FROM t OFFSET 3"), "SELECT a FROM t OFFSET 3");

  auto stmt = ParseStatement("SELECT a FROM t GROUP BY 1, ROLLUP(b)");
  ASSERT_TRUE(stmt.ok());
  const auto& g = SelectOf(**stmt).group_by;
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].kind, GroupingKind::kExpr);
  EXPECT_EQ(g[0].expr->As<Literal>().text, "1");
  EXPECT_EQ(g[1].kind, GroupingKind::kRollup);
}

TEST(QueryTest, SetOperationsPrecedence) {
  // INTERSECT binds tighter than UNION and EXCEPT, which are left-associative.
  auto stmt = ParseStatement("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4");
  ASSERT_TRUE(stmt.ok());
  const auto& top = (*stmt)->As<QueryStatement>().query->body->As<SetOpBody>();
  EXPECT_EQ(top.op, SetOpKind::kExcept);
  const auto& left = top.left->As<SetOpBody>();
  EXPECT_EQ(left.op, SetOpKind::kUnion);
  EXPECT_EQ(left.right->As<SetOpBody>().op, SetOpKind::kIntersect);
  EXPECT_EQ(ToSql(**stmt), "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4");

  EXPECT_EQ(RoundTrip("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3"), "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
  EXPECT_EQ(RoundTrip("SELECT 1 UNION (SELECT 2 UNION SELECT 3)"), "SELECT 1 UNION (SELECT 2 UNION SELECT 3)");
  EXPECT_EQ(RoundTrip("SELECT 1 UNION ALL SELECT 2 MINUS SELECT 3"), "SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3");
  EXPECT_EQ(RoundTrip("SELECT 1 INTERSECT ALL SELECT 2 EXCEPT DISTINCT SELECT 3"),
            "SELECT 1 INTERSECT ALL SELECT 2 EXCEPT SELECT 3");
  EXPECT_EQ(RoundTrip("(SELECT a FROM x ORDER BY a LIMIT 1) UNION SELECT b FROM y ORDER BY 1"),
            "(SELECT a FROM x ORDER BY a LIMIT 1) UNION SELECT b FROM y ORDER BY 1");
  EXPECT_EQ(RoundTrip("((SELECT 1))"), "SELECT 1");
  EXPECT_EQ(RoundTrip("VALUES (1, 'a'), (2, 'b')"), "VALUES (1, 'a'), (2, 'b')");
  EXPECT_EQ(RoundTrip("VALUES 1, 2"), "VALUES (1), (2)");
  EXPECT_EQ(RoundTrip("TABLE events"), "SELECT * FROM events");
}

TEST(QueryTest, CommonTableExpressions) {
  EXPECT_EQ(RoundTrip("WITH a AS (SELECT 1 x), b (y) AS (SELECT x FROM a) SELECT * FROM a, b"),
            "WITH a AS (SELECT 1 AS x), b(y) AS (SELECT x FROM a) SELECT * FROM a, b");
  EXPECT_EQ(RoundTrip("WITH a AS (SELECT 1) SELECT * FROM a UNION ALL SELECT * FROM a ORDER BY 1 LIMIT 3"),
            "WITH a AS (SELECT 1) SELECT * FROM a UNION ALL SELECT * FROM a ORDER BY 1 LIMIT 3");
  EXPECT_EQ(RoundTrip("SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c) d"),
            "SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c) AS d");
  auto stmt = ParseStatement("WITH a AS (SELECT 1), b AS (SELECT 2) SELECT 3");
  ASSERT_TRUE(stmt.ok());
  const auto& q = *(*stmt)->As<QueryStatement>().query;
  ASSERT_EQ(q.ctes.size(), 2u);
  EXPECT_EQ(q.ctes[1].name.name, "b");
}

TEST(QueryTest, NamedWindows) {
  EXPECT_EQ(RoundTrip("SELECT sum(x) OVER w, avg(x) OVER (w2 ORDER BY t) FROM t "
                      "WINDOW w AS (PARTITION BY k), w2 AS (PARTITION BY j)"),
            "SELECT sum(x) OVER w, avg(x) OVER (w2 ORDER BY t) FROM t WINDOW w AS (PARTITION BY k), w2 AS (PARTITION BY j)");
  // `window` is still a column and a function name.
  EXPECT_EQ(RoundTrip("SELECT window FROM t"), "SELECT window FROM t");
  EXPECT_EQ(RoundTrip("SELECT count(*) FROM t GROUP BY window(ts, '1 minute')"),
            "SELECT count(*) FROM t GROUP BY window(ts, '1 minute')");
}

TEST(QueryTest, SubqueriesInExpressions) {
  EXPECT_EQ(RoundTrip("SELECT (SELECT max(a) FROM t) m FROM u WHERE x IN (SELECT y FROM v) AND EXISTS (SELECT 1)"),
            "SELECT (SELECT max(a) FROM t) AS m FROM u WHERE ((x IN (SELECT y FROM v)) AND EXISTS (SELECT 1))");
  EXPECT_EQ(RoundTrip("SELECT * FROM t WHERE x NOT IN (WITH c AS (SELECT 1) SELECT * FROM c)"),
            "SELECT * FROM t WHERE (x NOT IN (WITH c AS (SELECT 1) SELECT * FROM c))");
}

TEST(QueryTest, CaseInsensitiveKeywordsAndComments) {
  EXPECT_EQ(Canon("sElEcT /* a /* nested */ comment */ a -- trailing\nFrOm t wHeRe a iS nOt NuLl"),
            "SELECT a FROM t WHERE (a IS NOT NULL)");
  EXPECT_EQ(Canon("SELECT /*+ BROADCAST(t) */ a FROM t"), "SELECT a FROM t");
}

}  // namespace
}  // namespace tide::sql
