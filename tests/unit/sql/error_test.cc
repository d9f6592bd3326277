// Parse errors: InvalidArgument "line L, column C: expected X, found 'Y'" + the line + a caret.
#include <gtest/gtest.h>

#include <string>

#include "sql/parser.h"
#include "sql/printer.h"
#include "sql_test_util.h"

namespace tide::sql {
namespace {

using testing::ErrorOf;

TEST(SqlErrorTest, MessageHasPositionLineAndCaret) {
  auto r = ParseStatement("SELECT a,\n  b +\nFROM t");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_EQ(r.status().message(), "line 3, column 1: expected an expression, found 'FROM'\nFROM t\n^");
  auto r2 = ParseStatement("SELECT (1 + 2");
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().message(), "line 1, column 14: expected ')', found end of input\nSELECT (1 + 2\n             ^");
  auto r3 = ParseStatement("SELECT * FROM t WHERE\ta = ");
  ASSERT_FALSE(r3.ok());
  // Tabs print as spaces so the caret lines up.
  EXPECT_EQ(r3.status().message(),
            "line 1, column 27: expected an expression, found end of input\nSELECT * FROM t WHERE a = \n                          ^");
}

TEST(SqlErrorTest, LexerErrors) {
  EXPECT_EQ(ErrorOf("SELECT 'abc"), "line 1, column 8: unterminated string: expected closing '");
  EXPECT_EQ(ErrorOf("SELECT \"abc"), "line 1, column 8: unterminated string: expected closing \"");
  EXPECT_EQ(ErrorOf("SELECT `abc"), "line 1, column 8: unterminated quoted identifier: expected closing `");
  EXPECT_EQ(ErrorOf("SELECT 1 /* a /* b */"), "line 1, column 10: unterminated comment: expected '*/'");
  EXPECT_EQ(ErrorOf("SELECT a\n  # b"), "line 2, column 3: unexpected character '#'");
  EXPECT_EQ(ErrorOf("SELECT X'0G'"), "line 1, column 11: invalid binary literal: expected a hex digit");
  EXPECT_EQ(ErrorOf("SELECT X'00"), "line 1, column 8: unterminated binary literal: expected closing '");
  EXPECT_EQ(ErrorOf("SELECT 1.5x"), "line 1, column 8: invalid number '1.5x'");
  EXPECT_EQ(ErrorOf("SELECT \x01"), "line 1, column 8: unexpected character '\\x01'");
}

TEST(SqlErrorTest, ExpressionErrors) {
  EXPECT_EQ(ErrorOf("SELECT"), "line 1, column 7: expected an expression, found end of input");
  EXPECT_EQ(ErrorOf("SELECT 1 +"), "line 1, column 11: expected an expression, found end of input");
  EXPECT_EQ(ErrorOf("SELECT f(1, )"), "line 1, column 13: expected an expression, found ')'");
  EXPECT_EQ(ErrorOf("SELECT f(1"), "line 1, column 11: expected ')', found end of input");
  EXPECT_EQ(ErrorOf("SELECT a[1"), "line 1, column 11: expected ']', found end of input");
  EXPECT_EQ(ErrorOf("SELECT a."), "line 1, column 10: expected an identifier, found end of input");
  EXPECT_EQ(ErrorOf("SELECT CASE END"), "line 1, column 13: expected an expression, found 'END'");
  EXPECT_EQ(ErrorOf("SELECT CASE a END"), "line 1, column 15: expected WHEN, found 'END'");
  EXPECT_EQ(ErrorOf("SELECT CASE WHEN a THEN b"), "line 1, column 26: expected WHEN, ELSE or END, found end of input");
  EXPECT_EQ(ErrorOf("SELECT CASE WHEN a b END"), "line 1, column 20: expected THEN, found 'b'");
  EXPECT_EQ(ErrorOf("SELECT CAST(a INT)"), "line 1, column 15: expected AS, found 'INT'");
  EXPECT_EQ(ErrorOf("SELECT CAST(a AS)"), "line 1, column 17: expected a type, found ')'");
  EXPECT_EQ(ErrorOf("SELECT CAST(a AS widget)"), "line 1, column 18: expected a type, found 'widget'");
  EXPECT_EQ(ErrorOf("SELECT a IN 1"), "line 1, column 13: expected '(', found '1'");
  EXPECT_EQ(ErrorOf("SELECT a BETWEEN 1 OR 2"), "line 1, column 20: expected AND, found 'OR'");
  EXPECT_EQ(ErrorOf("SELECT a IS 5"), "line 1, column 13: expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM, found '5'");
  EXPECT_EQ(ErrorOf("SELECT a LIKE 'x' ESCAPE 1"), "line 1, column 26: expected a string, found '1'");
  EXPECT_EQ(ErrorOf("SELECT INTERVAL 1 fortnight"),
            "line 1, column 19: expected an interval unit (YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, ...), found 'fortnight'");
  EXPECT_EQ(ErrorOf("SELECT INTERVAL '1' DAY TO"), "line 1, column 27: expected an interval unit, found end of input");
  EXPECT_EQ(ErrorOf("SELECT sum(x) OVER (ORDER BY t ROWS BETWEEN 1 AND 2 PRECEDING)"),
            "line 1, column 47: expected PRECEDING or FOLLOWING, found 'AND'");
  EXPECT_EQ(ErrorOf("SELECT sum(x) OVER (ORDER BY t ROWS UNBOUNDED)"),
            "line 1, column 46: expected PRECEDING or FOLLOWING, found ')'");
  EXPECT_EQ(ErrorOf("SELECT sum(x) OVER (PARTITION BY a LIMIT)"),
            "line 1, column 36: expected PARTITION BY, ORDER BY, ROWS, RANGE or ')', found 'LIMIT'");
  EXPECT_EQ(ErrorOf("SELECT DECIMAL(x)"), "");  // a function named decimal
  EXPECT_EQ(ErrorOf("SELECT CAST(x AS DECIMAL(99, 2))"), "line 1, column 26: type parameter 99 is out of range (at most 38)");
  EXPECT_EQ(ErrorOf("SELECT CAST(x AS VARCHAR)"), "line 1, column 25: expected '(' and a length, found ')'");
  EXPECT_EQ(ErrorOf("SELECT CAST(x AS ARRAY<INT)"), "line 1, column 27: expected '>', found ')'");
  EXPECT_EQ(ErrorOf("SELECT CAST(x AS MAP<INT>)"), "line 1, column 25: expected ',', found '>'");
  EXPECT_EQ(ErrorOf("SELECT count(*"), "line 1, column 14: expected an expression, found '*'");
  EXPECT_EQ(ErrorOf("SELECT a AS FROM t"), "line 1, column 13: expected an identifier, found 'FROM'");
}

TEST(SqlErrorTest, QueryErrors) {
  EXPECT_EQ(ErrorOf("SELECT * FROM"), "line 1, column 14: expected a table name, '(' or VALUES, found end of input");
  EXPECT_EQ(ErrorOf("SELECT * FROM a LEFT b"), "line 1, column 22: expected JOIN, found 'b'");
  EXPECT_EQ(ErrorOf("SELECT * FROM a NATURAL b"), "line 1, column 25: expected JOIN, found 'b'");
  EXPECT_EQ(ErrorOf("SELECT * FROM a JOIN b USING k"), "line 1, column 30: expected '(', found 'k'");
  EXPECT_EQ(ErrorOf("SELECT * FROM (SELECT 1"), "line 1, column 24: expected ')', found end of input");
  EXPECT_EQ(ErrorOf("SELECT a FROM t GROUP a"), "line 1, column 23: expected BY, found 'a'");
  EXPECT_EQ(ErrorOf("SELECT a FROM t ORDER BY a NULLS"), "line 1, column 33: expected FIRST or LAST, found end of input");
  EXPECT_EQ(ErrorOf("SELECT 1 UNION"), "line 1, column 15: expected SELECT, VALUES, WITH or '(', found end of input");
  EXPECT_EQ(ErrorOf("WITH (SELECT 1) SELECT 1"), "line 1, column 6: expected an identifier, found '('");
  EXPECT_EQ(ErrorOf("WITH a AS SELECT 1"), "line 1, column 11: expected '(', found 'SELECT'");
  EXPECT_EQ(ErrorOf("SELECT * FROM t VERSION AS OF"), "line 1, column 30: expected an expression, found end of input");
  EXPECT_EQ(ErrorOf("SELECT a b c FROM t"), "line 1, column 12: expected ';' or end of input, found 'c'");
  EXPECT_EQ(ErrorOf("SELECT 1 LIMIT"), "line 1, column 15: expected an expression, found end of input");
}

TEST(SqlErrorTest, StatementErrors) {
  EXPECT_EQ(ErrorOf("FROBNICATE t"), "line 1, column 1: expected a statement (SELECT, INSERT, MERGE, CREATE, ...), found 'FROBNICATE'");
  EXPECT_EQ(ErrorOf(""), "line 1, column 1: expected a statement (SELECT, INSERT, MERGE, CREATE, ...), found end of input");
  EXPECT_EQ(ErrorOf("CREATE INDEX i"), "line 1, column 8: expected TABLE or VIEW, found 'INDEX'");
  EXPECT_EQ(ErrorOf("CREATE TEMP TABLE t (a INT)"), "line 1, column 13: expected VIEW, found 'TABLE'");
  EXPECT_EQ(ErrorOf("CREATE TABLE t"), "line 1, column 15: expected a column list '(' or AS query, found end of input");
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a)"), "line 1, column 18: expected a type, found ')'");
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a INT b INT)"), "line 1, column 23: expected ',' or ')', found 'b'");
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a INT) LOCATION 'x' LOCATION 'y'"), "line 1, column 37: LOCATION given twice");
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a INT) TBLPROPERTIES ('k' = x)"),
            "line 1, column 45: expected a property value (string, number or boolean), found 'x'");
  EXPECT_EQ(ErrorOf("CREATE TABLE IF EXISTS t (a INT)"), "line 1, column 17: expected NOT, found 'EXISTS'");
  EXPECT_EQ(ErrorOf("CREATE VIEW v SELECT 1"), "line 1, column 15: expected AS, found 'SELECT'");
  EXPECT_EQ(ErrorOf("DROP DATABASE d"), "line 1, column 6: expected TABLE or VIEW, found 'DATABASE'");
  EXPECT_EQ(ErrorOf("DROP TABLE IF t"), "line 1, column 15: expected EXISTS, found 't'");
  EXPECT_EQ(ErrorOf("ALTER TABLE t DROP COLUMN a"),
            "line 1, column 15: expected ADD COLUMNS, SET TBLPROPERTIES or UNSET TBLPROPERTIES, found 'DROP'");
  EXPECT_EQ(ErrorOf("ALTER TABLE t ADD x INT"), "line 1, column 19: expected COLUMNS or COLUMN, found 'x'");
  EXPECT_EQ(ErrorOf("INSERT t VALUES (1)"), "line 1, column 8: expected INTO or OVERWRITE, found 't'");
  EXPECT_EQ(ErrorOf("INSERT INTO t"), "line 1, column 14: expected a query or VALUES, found end of input");
  EXPECT_EQ(ErrorOf("UPDATE t a = 1"), "line 1, column 12: expected SET, found '='");
  EXPECT_EQ(ErrorOf("UPDATE t SET a 1"), "line 1, column 16: expected '=', found '1'");
  EXPECT_EQ(ErrorOf("DELETE t"), "line 1, column 8: expected FROM, found 't'");
  EXPECT_EQ(ErrorOf("MERGE t USING s ON a"), "line 1, column 7: expected INTO, found 't'");
  EXPECT_EQ(ErrorOf("MERGE INTO t USING s ON a"), "line 1, column 26: expected WHEN, found end of input");
  EXPECT_EQ(ErrorOf("MERGE INTO t s ON a WHEN MATCHED THEN DELETE"), "line 1, column 16: expected USING, found 'ON'");
  EXPECT_EQ(ErrorOf("MERGE INTO t USING s ON a WHEN MATCHED DELETE"), "line 1, column 40: expected THEN, found 'DELETE'");
  EXPECT_EQ(ErrorOf("MERGE INTO t USING s ON a WHEN MATCHED THEN INSERT *"),
            "line 1, column 45: expected UPDATE or DELETE, found 'INSERT'");
  EXPECT_EQ(ErrorOf("MERGE INTO t USING s ON a WHEN NOT MATCHED THEN DELETE"),
            "line 1, column 49: expected INSERT, found 'DELETE'");
  EXPECT_EQ(ErrorOf("MERGE INTO t USING s ON a WHEN NOT MATCHED BY x THEN DELETE"),
            "line 1, column 47: expected TARGET or SOURCE, found 'x'");
  EXPECT_EQ(ErrorOf("MERGE INTO t USING s ON a WHEN NOT MATCHED THEN INSERT (a, b) VALUES (1)"),
            "line 1, column 27: INSERT has 2 columns but 1 values");
  EXPECT_EQ(ErrorOf("MERGE INTO t USING s ON a WHEN NOT MATCHED BY SOURCE THEN UPDATE SET *"),
            "line 1, column 70: expected an identifier, found '*'");
  EXPECT_EQ(ErrorOf("OPTIMIZE t ZORDER (a)"), "line 1, column 19: expected BY, found '('");
  EXPECT_EQ(ErrorOf("VACUUM t RETAIN 7 DAYS"), "line 1, column 19: expected HOURS, found 'DAYS'");
  EXPECT_EQ(ErrorOf("VACUUM t DRY"), "line 1, column 13: expected RUN, found end of input");
  EXPECT_EQ(ErrorOf("RESTORE TABLE t TO 5"), "line 1, column 20: expected VERSION AS OF or TIMESTAMP AS OF, found '5'");
  EXPECT_EQ(ErrorOf("SHOW VIEWS"), "line 1, column 6: expected TABLES, COLUMNS or TBLPROPERTIES, found 'VIEWS'");
  EXPECT_EQ(ErrorOf("SHOW COLUMNS t"), "line 1, column 14: expected IN or FROM, found 't'");
  EXPECT_EQ(ErrorOf("EXPLAIN"), "line 1, column 8: expected a statement (SELECT, INSERT, MERGE, CREATE, ...), found end of input");
  EXPECT_EQ(ErrorOf("SET = 1"), "line 1, column 5: expected a configuration key, found '='");
  EXPECT_EQ(ErrorOf("DESCRIBE HISTORY t LIMIT"), "line 1, column 25: expected an expression, found end of input");
}

TEST(SqlErrorTest, RemainingErrorPaths) {
  EXPECT_EQ(ErrorOf("SELECT CAST(x AS DECIMAL(a))"), "line 1, column 26: expected an integer, found 'a'");
  EXPECT_EQ(ErrorOf("SELECT CAST(x AS DECIMAL(5L))"), "line 1, column 26: expected an integer, found '5L'");
  EXPECT_EQ(ErrorOf("SELECT CAST(x AS INTERVAL DAY TO x)"), "line 1, column 34: expected an interval unit, found 'x'");
  EXPECT_EQ(ErrorOf("MERGE INTO t USING 1 ON a WHEN MATCHED THEN DELETE"),
            "line 1, column 20: expected a table name or '(', found '1'");
  EXPECT_EQ(ErrorOf("MERGE INTO t USING s ON a WHEN FOUND THEN DELETE"),
            "line 1, column 32: expected MATCHED or NOT MATCHED, found 'FOUND'");
  EXPECT_EQ(ErrorOf("CREATE GLOBAL VIEW v AS SELECT 1"), "line 1, column 15: expected TEMPORARY, found 'VIEW'");
  EXPECT_EQ(ErrorOf("CREATE OR TABLE t (a INT)"), "line 1, column 11: expected REPLACE, found 'TABLE'");
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a INT) COMMENT 'a' COMMENT 'b'"), "line 1, column 36: COMMENT given twice");
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a INT) PARTITIONED BY (a) PARTITIONED BY (a)"),
            "line 1, column 43: PARTITIONED BY given twice");
  EXPECT_EQ(ErrorOf("CREATE TABLE t (a INT) TBLPROPERTIES ('a' = 1) TBLPROPERTIES ('b' = 2)"),
            "line 1, column 48: TBLPROPERTIES given twice");
  EXPECT_EQ(ErrorOf("SELECT a FROM t GROUP BY ROLLUP(a) WITH ROLLUP"),
            "line 1, column 36: expected GROUP BY expressions before WITH ROLLUP, found 'WITH'");
  EXPECT_EQ(ErrorOf("SELECT * FROM a JOIN"), "line 1, column 21: expected a table name, '(' or VALUES, found end of input");
  EXPECT_EQ(ErrorOf("SELECT * FROM a CROSS b"), "line 1, column 23: expected JOIN, found 'b'");
  EXPECT_EQ(ErrorOf("SELECT * FROM a LEFT OUTER b"), "line 1, column 28: expected JOIN, found 'b'");
  EXPECT_EQ(ErrorOf("ALTER TABLE t SET PROPERTIES ('a' = 'b')"), "line 1, column 19: expected TBLPROPERTIES, found 'PROPERTIES'");
  EXPECT_EQ(ErrorOf("ALTER TABLE t UNSET TBLPROPERTIES IF ('a')"), "line 1, column 38: expected EXISTS, found '('");
  EXPECT_EQ(ErrorOf("ALTER VIEW v AS SELECT 1"), "line 1, column 7: expected TABLE, found 'VIEW'");
  EXPECT_EQ(ErrorOf("INSERT INTO t PARTITION (a = 1 SELECT 1"), "line 1, column 32: expected ')', found 'SELECT'");
  EXPECT_EQ(ErrorOf("SELECT f(x) FILTER (WHERE y"), "line 1, column 28: expected ')', found end of input");
  EXPECT_EQ(ErrorOf("SELECT EXISTS (SELECT 1"), "line 1, column 24: expected ')', found end of input");
  EXPECT_EQ(ErrorOf("SELECT EXTRACT(year FROM)"), "line 1, column 25: expected an expression, found ')'");
  EXPECT_EQ(ErrorOf("SELECT TRY_CAST(x AS INT"), "line 1, column 25: expected ')', found end of input");
  EXPECT_EQ(ErrorOf("SELECT p(1) WITHIN GROUP (x)"), "line 1, column 27: expected ORDER, found 'x'");
  EXPECT_EQ(ErrorOf("WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r"),
            "line 1, column 6: WITH RECURSIVE is not supported (Spark 3 has no recursive queries)");
}

TEST(SqlErrorTest, LongTokensAreShortenedInMessages) {
  std::string name(100, 'x');
  std::string msg = ErrorOf("SELECT 1 AS a " + name);
  EXPECT_EQ(msg, "line 1, column 15: expected ';' or end of input, found '" + std::string(40, 'x') + "...'");
}

TEST(SqlErrorTest, NestingIsBounded) {
  auto expect_too_deep = [](const std::string& sql) {
    auto r = ParseStatement(sql);
    ASSERT_FALSE(r.ok()) << sql.substr(0, 50);
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_NE(r.status().message().find("expression nested too deeply (more than 1000 levels)"), std::string::npos)
        << r.status().message().substr(0, 200);
  };
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  expect_too_deep("SELECT " + repeat("(", 100000) + "1" + repeat(")", 100000));
  expect_too_deep("SELECT " + repeat("- ", 5000) + "1");
  expect_too_deep("SELECT " + repeat("NOT ", 5000) + "1");
  expect_too_deep("SELECT 1" + repeat(" + 1", 5000));
  expect_too_deep("SELECT 1" + repeat(" AND 1", 5000));
  expect_too_deep("SELECT 1" + repeat(" OR 1", 5000));
  expect_too_deep("SELECT a" + repeat("[0]", 5000));
  expect_too_deep("SELECT a" + repeat(" IS NULL", 5000));
  expect_too_deep("SELECT f(" + repeat("f(", 5000));
  expect_too_deep("SELECT CAST(1 AS " + repeat("ARRAY<", 5000) + "INT");
  expect_too_deep("SELECT * FROM t" + repeat(" JOIN t", 5000));
  expect_too_deep("SELECT 1" + repeat(" UNION SELECT 1", 5000));
  expect_too_deep(repeat("(", 5000) + "SELECT 1");
  expect_too_deep("SELECT * FROM " + repeat("(SELECT * FROM ", 5000) + "t");
  expect_too_deep(repeat("EXPLAIN ", 5000) + "SELECT 1");
  expect_too_deep("SELECT " + repeat("CASE WHEN ", 5000));
  expect_too_deep("SELECT " + repeat("x -> ", 5000) + "1");
  // Just below the limit still parses, and prints and re-parses.
  std::string ok = "SELECT " + repeat("(", 400) + "1" + repeat(")", 400);
  auto r = ParseStatement(ok);
  ASSERT_TRUE(r.ok()) << r.status().message().substr(0, 200);
  EXPECT_EQ(ToSql(**r), "SELECT 1");
  std::string chain = "SELECT 1" + repeat(" + 1", 900);
  auto c = ParseStatement(chain);
  ASSERT_TRUE(c.ok()) << c.status().message().substr(0, 200);
  // Its canonical text is fully parenthesized, hence deeper: it parses with the re-parse budget.
  EXPECT_FALSE(ParseStatement(ToSql(**c)).ok());
  EXPECT_TRUE(ParseStatement(ToSql(**c), {.max_depth = kCanonicalReparseDepth}).ok());
}

TEST(SqlErrorTest, EveryPrefixOfTheCorpusFailsCleanly) {
  // Truncated statements must give an error or a tree, never a crash or hang.
  const char* statements[] = {
      "MERGE INTO t AS a USING (SELECT * FROM s WHERE x IN (1, 2)) AS b ON a.k = b.k WHEN MATCHED AND b.d THEN DELETE "
      "WHEN MATCHED THEN UPDATE SET a.v = b.v WHEN NOT MATCHED THEN INSERT (k, v) VALUES (b.k, b.v)",
      "SELECT a, sum(b) OVER (PARTITION BY c ORDER BY d ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t JOIN u USING (k) "
      "WHERE CAST(x AS ARRAY<STRUCT<a: INT>>)[0].a > INTERVAL '1' DAY GROUP BY ROLLUP(a) HAVING count(DISTINCT b) > 1 "
      "ORDER BY 1 DESC NULLS LAST LIMIT 5",
      "CREATE TABLE t (a INT NOT NULL COMMENT 'x', m MAP<STRING, ARRAY<INT>>) USING DELTA PARTITIONED BY (a) "
      "TBLPROPERTIES ('k' = 'v') AS WITH c AS (VALUES (1, 'a')) SELECT * FROM c",
  };
  for (const char* full : statements) {
    std::string s(full);
    ASSERT_TRUE(ParseStatement(s).ok()) << s;
    for (size_t n = 0; n < s.size(); ++n) {
      auto r = ParseStatement(s.substr(0, n));
      if (!r.ok()) {
        EXPECT_TRUE(r.status().IsInvalidArgument());
        EXPECT_EQ(r.status().message().rfind("line 1, column ", 0), 0u) << r.status().message();
      } else {
        EXPECT_EQ(testing::RoundTrip(ToSql(**r)), ToSql(**r));
      }
    }
  }
}

}  // namespace
}  // namespace tide::sql
