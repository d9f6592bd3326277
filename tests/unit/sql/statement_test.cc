// Statements: DDL, DML, MERGE, Delta maintenance, inspection, SET, scripts.
#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/printer.h"
#include "sql_test_util.h"

namespace tide::sql {
namespace {

using testing::Canon;
using testing::RoundTrip;

TEST(StatementTest, CreateTable) {
  EXPECT_EQ(RoundTrip("create or replace table if not exists db.t (id bigint not null comment 'key', "
                      "price decimal(10,2), name varchar(20), c char(1), ok boolean, d date, ts timestamp_ntz) "
                      "using delta partitioned by (d) location '/lake/t' comment 'test' "
                      "tblproperties ('a' = 'b', delta.x = true, 'n' 5)"),
            "CREATE OR REPLACE TABLE IF NOT EXISTS db.t (id BIGINT NOT NULL COMMENT 'key', price DECIMAL(10,2), "
            "name VARCHAR(20), c CHAR(1), ok BOOLEAN, d DATE, ts TIMESTAMP_NTZ) USING delta PARTITIONED BY (d) "
            "LOCATION '/lake/t' COMMENT 'test' TBLPROPERTIES ('a' = 'b', 'delta.x' = 'true', 'n' = '5')");
  EXPECT_EQ(RoundTrip("CREATE TABLE t USING DELTA AS SELECT * FROM s"), "CREATE TABLE t USING DELTA AS SELECT * FROM s");
  EXPECT_EQ(RoundTrip("CREATE TABLE t (a INT) USING DELTA LOCATION 'x' PARTITIONED BY (a)"),
            "CREATE TABLE t (a INT) USING DELTA PARTITIONED BY (a) LOCATION 'x'");
  EXPECT_EQ(RoundTrip("CREATE TABLE t (s STRUCT<a: INT NOT NULL COMMENT 'x', b ARRAY<MAP<STRING, ARRAY<INT>>>>)"),
            "CREATE TABLE t (s STRUCT<a: INT NOT NULL COMMENT 'x', b: ARRAY<MAP<STRING, ARRAY<INT>>>>)");

  auto stmt = ParseStatement("CREATE TABLE t (`Key` LONG NOT NULL, v STRING COMMENT 'c') USING DELTA");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  const auto& c = (*stmt)->As<CreateTableStatement>();
  ASSERT_EQ(c.columns.size(), 2u);
  EXPECT_EQ(c.columns[0].name.name, "Key");
  EXPECT_TRUE(c.columns[0].name.quoted);
  EXPECT_TRUE(c.columns[0].not_null);
  EXPECT_EQ(c.columns[0].type->name, TypeName::kBigInt);
  EXPECT_EQ(c.columns[0].type->spelling, "LONG");
  EXPECT_EQ(c.columns[1].comment.value_or(""), "c");
  ASSERT_TRUE(c.provider);
  EXPECT_EQ(c.provider->name, "DELTA");
}

TEST(StatementTest, ViewsDropAlter) {
  EXPECT_EQ(RoundTrip("CREATE TEMP VIEW v AS SELECT 1"), "CREATE TEMPORARY VIEW v AS SELECT 1");
  EXPECT_EQ(RoundTrip("CREATE OR REPLACE TEMPORARY VIEW v (a, b) COMMENT 'c' AS SELECT 1, 2"),
            "CREATE OR REPLACE TEMPORARY VIEW v (a, b) COMMENT 'c' AS SELECT 1, 2");
  EXPECT_EQ(RoundTrip("CREATE GLOBAL TEMPORARY VIEW v AS SELECT 1"), "CREATE TEMPORARY VIEW v AS SELECT 1");
  EXPECT_EQ(RoundTrip("DROP TABLE IF EXISTS a.b"), "DROP TABLE IF EXISTS a.b");
  EXPECT_EQ(RoundTrip("drop view v"), "DROP VIEW v");
  EXPECT_EQ(RoundTrip("ALTER TABLE t ADD COLUMNS (a INT COMMENT 'x', b STRING NOT NULL)"),
            "ALTER TABLE t ADD COLUMNS (a INT COMMENT 'x', b STRING NOT NULL)");
  EXPECT_EQ(RoundTrip("ALTER TABLE t ADD COLUMN a INT"), "ALTER TABLE t ADD COLUMNS (a INT)");
  EXPECT_EQ(RoundTrip("ALTER TABLE t SET TBLPROPERTIES (delta.appendOnly = 'true')"),
            "ALTER TABLE t SET TBLPROPERTIES ('delta.appendOnly' = 'true')");
  EXPECT_EQ(RoundTrip("ALTER TABLE t UNSET TBLPROPERTIES ('a', b.c)"), "ALTER TABLE t UNSET TBLPROPERTIES ('a', 'b.c')");
}

TEST(StatementTest, InsertUpdateDelete) {
  EXPECT_EQ(RoundTrip("INSERT INTO t VALUES (1, 'a')"), "INSERT INTO TABLE t VALUES (1, 'a')");
  EXPECT_EQ(RoundTrip("INSERT INTO TABLE t (a, b) SELECT x, y FROM s"), "INSERT INTO TABLE t (a, b) SELECT x, y FROM s");
  EXPECT_EQ(RoundTrip("INSERT INTO t (SELECT * FROM s)"), "INSERT INTO TABLE t SELECT * FROM s");
  EXPECT_EQ(RoundTrip("INSERT OVERWRITE t PARTITION (d = '2024-01-01', h) SELECT * FROM s"),
            "INSERT OVERWRITE TABLE t PARTITION (d = '2024-01-01', h) SELECT * FROM s");
  EXPECT_EQ(RoundTrip("INSERT INTO t WITH c AS (SELECT 1) SELECT * FROM c"),
            "INSERT INTO TABLE t WITH c AS (SELECT 1) SELECT * FROM c");
  EXPECT_EQ(RoundTrip("UPDATE t SET a = a + 1, b = 'x' WHERE id = 3"),
            "UPDATE t SET a = (a + 1), b = 'x' WHERE (id = 3)");
  EXPECT_EQ(RoundTrip("UPDATE t AS x SET x.a = 1"), "UPDATE t AS x SET x.a = 1");
  EXPECT_EQ(RoundTrip("UPDATE t x SET a = NULL"), "UPDATE t AS x SET a = NULL");
  EXPECT_EQ(RoundTrip("DELETE FROM t"), "DELETE FROM t");
  EXPECT_EQ(RoundTrip("DELETE FROM t AS e WHERE e.ts < now() - INTERVAL 1 DAY"),
            "DELETE FROM t AS e WHERE (e.ts < (now() - INTERVAL 1 DAY))");
}

TEST(StatementTest, Merge) {
  EXPECT_EQ(RoundTrip("MERGE INTO t USING s ON t.id = s.id "
                      "WHEN MATCHED AND s.op = 'D' THEN DELETE "
                      "WHEN MATCHED THEN UPDATE SET * "
                      "WHEN NOT MATCHED BY TARGET THEN INSERT * "
                      "WHEN NOT MATCHED BY SOURCE AND t.old THEN UPDATE SET t.active = false "
                      "WHEN NOT MATCHED BY SOURCE THEN DELETE"),
            "MERGE INTO t USING s ON (t.id = s.id) WHEN MATCHED AND (s.op = 'D') THEN DELETE "
            "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED BY TARGET THEN INSERT * "
            "WHEN NOT MATCHED BY SOURCE AND t.old THEN UPDATE SET t.active = FALSE "
            "WHEN NOT MATCHED BY SOURCE THEN DELETE");
  EXPECT_EQ(RoundTrip("MERGE INTO t AS tgt USING (SELECT * FROM s) src ON tgt.k = src.k "
                      "WHEN NOT MATCHED THEN INSERT (k, v) VALUES (src.k, src.v)"),
            "MERGE INTO t AS tgt USING (SELECT * FROM s) AS src ON (tgt.k = src.k) "
            "WHEN NOT MATCHED THEN INSERT (k, v) VALUES (src.k, src.v)");

  auto stmt = ParseStatement("MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v, t.w = 1 "
                             "WHEN NOT MATCHED AND s.v > 0 THEN INSERT VALUES (s.k, s.v)");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  const auto& m = (*stmt)->As<MergeStatement>();
  ASSERT_EQ(m.clauses.size(), 2u);
  EXPECT_EQ(m.clauses[0].match, MergeMatch::kMatched);
  EXPECT_EQ(m.clauses[0].action, MergeActionKind::kUpdate);
  ASSERT_EQ(m.clauses[0].assignments.size(), 2u);
  EXPECT_EQ(m.clauses[0].assignments[1].target.size(), 2u);
  EXPECT_EQ(m.clauses[1].match, MergeMatch::kNotMatchedByTarget);
  EXPECT_FALSE(m.clauses[1].by_target_written);
  EXPECT_EQ(m.clauses[1].action, MergeActionKind::kInsert);
  EXPECT_TRUE(m.clauses[1].insert_columns.empty());
  EXPECT_EQ(m.clauses[1].insert_values.size(), 2u);
  EXPECT_EQ(ToSql(*m.clauses[1].condition), "(s.v > 0)");
}

TEST(StatementTest, DeltaMaintenance) {
  EXPECT_EQ(RoundTrip("OPTIMIZE events ZORDER BY (user_id)"), "OPTIMIZE events ZORDER BY (user_id)");
  EXPECT_EQ(RoundTrip("OPTIMIZE events ZORDER BY a, b"), "OPTIMIZE events ZORDER BY (a, b)");
  EXPECT_EQ(RoundTrip("OPTIMIZE delta.`/p` WHERE d > '2024'"), "OPTIMIZE delta.`/p` WHERE (d > '2024')");
  EXPECT_EQ(RoundTrip("VACUUM events RETAIN 168 HOURS"), "VACUUM events RETAIN 168 HOURS");
  EXPECT_EQ(RoundTrip("vacuum events dry run"), "VACUUM events DRY RUN");
  EXPECT_EQ(RoundTrip("RESTORE TABLE t TO VERSION AS OF 3"), "RESTORE TABLE t TO VERSION AS OF 3");
  EXPECT_EQ(RoundTrip("RESTORE t TIMESTAMP AS OF '2024-01-01'"), "RESTORE TABLE t TO TIMESTAMP AS OF '2024-01-01'");

  // Delta's utility commands also take a path string: the delta table at that path.
  EXPECT_EQ(RoundTrip("VACUUM '/data/t' RETAIN 1 HOURS"), "VACUUM delta.`/data/t` RETAIN 1 HOURS");
  EXPECT_EQ(RoundTrip("OPTIMIZE '/data/t' ZORDER BY (a)"), "OPTIMIZE delta.`/data/t` ZORDER BY (a)");
  EXPECT_EQ(RoundTrip("DESCRIBE HISTORY '/data/t'"), "DESCRIBE HISTORY delta.`/data/t`");
  EXPECT_EQ(RoundTrip("DESCRIBE DETAIL '/data/t'"), "DESCRIBE DETAIL delta.`/data/t`");
  EXPECT_EQ(RoundTrip("RESTORE '/data/t' TO VERSION AS OF 1"), "RESTORE TABLE delta.`/data/t` TO VERSION AS OF 1");

  auto stmt = ParseStatement("VACUUM events RETAIN 168 HOURS");
  ASSERT_TRUE(stmt.ok());
  const auto& v = (*stmt)->As<VacuumStatement>();
  EXPECT_EQ(v.retain_hours->As<Literal>().text, "168");
  EXPECT_FALSE(v.dry_run);
}

TEST(StatementTest, DescribeShowExplain) {
  EXPECT_EQ(RoundTrip("DESCRIBE t"), "DESCRIBE TABLE t");
  EXPECT_EQ(RoundTrip("DESC TABLE EXTENDED t"), "DESCRIBE TABLE EXTENDED t");
  EXPECT_EQ(RoundTrip("DESCRIBE FORMATTED t"), "DESCRIBE TABLE EXTENDED t");
  EXPECT_EQ(RoundTrip("DESCRIBE DETAIL t"), "DESCRIBE DETAIL t");
  EXPECT_EQ(RoundTrip("DESCRIBE HISTORY t LIMIT 1"), "DESCRIBE HISTORY t LIMIT 1");
  // Tables named like the keywords.
  EXPECT_EQ(RoundTrip("DESCRIBE history"), "DESCRIBE TABLE history");
  EXPECT_EQ(RoundTrip("DESCRIBE detail"), "DESCRIBE TABLE detail");
  EXPECT_EQ(RoundTrip("DESCRIBE HISTORY history"), "DESCRIBE HISTORY history");
  EXPECT_EQ(RoundTrip("SHOW TABLES"), "SHOW TABLES");
  EXPECT_EQ(RoundTrip("SHOW TABLES FROM db 'a*'"), "SHOW TABLES IN db LIKE 'a*'");
  EXPECT_EQ(RoundTrip("SHOW COLUMNS FROM t IN db"), "SHOW COLUMNS IN t IN db");
  EXPECT_EQ(RoundTrip("SHOW TBLPROPERTIES t"), "SHOW TBLPROPERTIES t");
  EXPECT_EQ(RoundTrip("EXPLAIN SELECT 1"), "EXPLAIN SELECT 1");
  EXPECT_EQ(RoundTrip("EXPLAIN EXTENDED MERGE INTO t USING s ON a = b WHEN MATCHED THEN DELETE"),
            "EXPLAIN EXTENDED MERGE INTO t USING s ON (a = b) WHEN MATCHED THEN DELETE");
  EXPECT_EQ(RoundTrip("USE lake"), "USE lake");
}

TEST(StatementTest, SetKeepsRawText) {
  EXPECT_EQ(RoundTrip("SET spark.sql.shuffle.partitions = 8"), "SET spark.sql.shuffle.partitions = 8");
  EXPECT_EQ(RoundTrip("SET a.b=c d"), "SET a.b = c d");
  EXPECT_EQ(RoundTrip("SET a.b"), "SET a.b");
  EXPECT_EQ(RoundTrip("SET"), "SET");
  EXPECT_EQ(RoundTrip("SET k ="), "SET k = ");
  auto stmt = ParseStatement("SET spark.databricks.delta.retentionDurationCheck.enabled = false -- why\n;");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  const auto& s = (*stmt)->As<SetStatement>();
  EXPECT_EQ(s.key.value_or(""), "spark.databricks.delta.retentionDurationCheck.enabled");
  EXPECT_EQ(s.value.value_or(""), "false");
}

TEST(StatementTest, ScriptSplitsStatementsWithTheirText) {
  auto script = ParseScript("SELECT 1;\n\n  -- comment\n  SELECT 'a;b' ; ; SET x = 1;\nDELETE FROM t");
  ASSERT_TRUE(script.ok()) << script.status().message();
  ASSERT_EQ(script->size(), 4u);
  EXPECT_EQ((*script)[0].text, "SELECT 1");
  EXPECT_EQ((*script)[1].text, "SELECT 'a;b'");
  EXPECT_EQ((*script)[1].pos.line, 4u);
  EXPECT_EQ((*script)[1].pos.column, 3u);
  EXPECT_EQ((*script)[2].text, "SET x = 1");
  EXPECT_EQ((*script)[3].text, "DELETE FROM t");
  EXPECT_EQ((*script)[3].statement->kind, StatementKind::kDelete);

  auto empty = ParseScript("  ;; -- nothing\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());

  // An error names its place in the whole script.
  auto bad = ParseScript("SELECT 1;\nSELECT FROM t;");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().substr(0, 48), "line 2, column 8: expected an expression, found ");
  // Two statements without ';' between them.
  auto glued = ParseScript("SELECT 1 SELECT 2");
  ASSERT_FALSE(glued.ok());
  EXPECT_NE(glued.status().message().find("expected ';' or end of input, found 'SELECT'"), std::string::npos);
}

TEST(StatementTest, ParseStatementAcceptsOneTrailingSemicolon) {
  EXPECT_EQ(Canon("SELECT 1;"), "SELECT 1");
  EXPECT_EQ(Canon("SELECT 1; SELECT 2").substr(0, 60), "ERROR: line 1, column 11: expected ';' or end of input, foun");
}

}  // namespace
}  // namespace tide::sql
