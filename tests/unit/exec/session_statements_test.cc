// exec::Session end to end: every statement family against a temporary data directory,
// including the book's Spark statements (MERGE upserts, time travel, CDC MERGE with deletes,
// retention DELETE, OPTIMIZE ZORDER BY, VACUUM RETAIN 168 HOURS).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "columnar/json.h"
#include "exec/session.h"
#include "session_test_util.h"

namespace tide::exec {
namespace {

namespace fs = std::filesystem;

class SessionTest : public testing::SessionFixture {
 protected:
  base::Status Fail(const std::string& sql) {
    auto r = session_->Execute(sql);
    EXPECT_FALSE(r.ok()) << sql;
    return r.ok() ? base::Status::OK() : r.status();
  }
};

TEST_F(SessionTest, CreateInsertSelect) {
  Run("CREATE TABLE sales (id BIGINT NOT NULL, region STRING COMMENT 'where', amount DECIMAL(10,2)) "
      "USING DELTA PARTITIONED BY (region) TBLPROPERTIES ('delta.checkpointInterval' = '5')");
  EXPECT_TRUE(fs::exists(dir_ + "/tables/sales/_delta_log"));
  EXPECT_EQ(One("INSERT INTO sales VALUES (1, 'eu', 10.50), (2, 'us', 3), (3, 'eu', 7.25)"),
            R"({"num_affected_rows":3,"num_inserted_rows":3})");
  EXPECT_EQ(SortedRows("SELECT region, sum(amount) AS total FROM sales GROUP BY region"),
            (std::vector<std::string>{R"({"region":"eu","total":"17.75"})", R"({"region":"us","total":"3.00"})"}));
  EXPECT_EQ(One("SELECT count(*) AS n FROM default.sales"), R"({"n":3})");
  EXPECT_EQ(One("SELECT count(*) AS n FROM spark_catalog.default.SALES WHERE region = 'eu'"), R"({"n":2})");

  // Column list, by name; others null.
  Run("INSERT INTO sales (region, id) VALUES ('ap', 4)");
  EXPECT_EQ(One("SELECT id, amount FROM sales WHERE region = 'ap'"), R"({"id":4,"amount":null})");
  // Static partition.
  Run("INSERT INTO sales PARTITION (region = 'sa') SELECT 5, 1.00");
  EXPECT_EQ(One("SELECT id FROM sales WHERE region = 'sa'"), R"({"id":5})");
  // OVERWRITE of one partition keeps the others.
  Run("INSERT OVERWRITE sales PARTITION (region = 'eu') VALUES (9, 9.99)");
  EXPECT_EQ(SortedRows("SELECT id FROM sales WHERE region = 'eu'"), (std::vector<std::string>{R"({"id":9})"}));
  EXPECT_EQ(One("SELECT count(*) AS n FROM sales"), R"({"n":4})");
  // OVERWRITE of the table.
  Run("INSERT OVERWRITE sales SELECT 100, 'eu', 1.00");
  EXPECT_EQ(One("SELECT count(*) AS n FROM sales"), R"({"n":1})");
}

TEST_F(SessionTest, CreateErrorsAndVariants) {
  Run("CREATE TABLE t (a INT)");
  auto exists = Fail("CREATE TABLE t (a INT)");
  EXPECT_EQ(exists.code(), base::StatusCode::kAlreadyExists);
  Run("CREATE TABLE IF NOT EXISTS t (b STRING)");
  EXPECT_EQ(Rows("DESCRIBE t").size(), 1u);
  auto parquet = Fail("CREATE TABLE p (a INT) USING PARQUET");
  EXPECT_EQ(parquet.code(), base::StatusCode::kUnsupported);
  EXPECT_NE(parquet.message().find("USING PARQUET"), std::string::npos) << parquet.message();

  Run("CREATE TABLE c AS SELECT 1 AS x, 'a' AS y");
  EXPECT_EQ(One("SELECT * FROM c"), R"({"x":1,"y":"a"})");
  Run("CREATE OR REPLACE TABLE c AS SELECT 2 AS z");
  EXPECT_EQ(One("SELECT * FROM c"), R"({"z":2})");
  // One commit each, as Delta: v0 CREATE TABLE AS SELECT (with the rows), v1 the replace.
  EXPECT_EQ(One("SELECT count(*) AS n FROM c VERSION AS OF 0"), R"({"n":1})");
  auto hist = Rows("DESCRIBE HISTORY c");
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_NE(hist[0].find("CREATE OR REPLACE TABLE AS SELECT"), std::string::npos) << hist[0];
  EXPECT_NE(hist[1].find("\"operation\":\"CREATE TABLE AS SELECT\""), std::string::npos) << hist[1];
  // Partitioned CTAS.
  Run("CREATE TABLE pc PARTITIONED BY (k) AS SELECT 'a' AS k, 1 AS v UNION ALL SELECT 'b', 2");
  EXPECT_EQ(SortedRows("SELECT k, v FROM pc WHERE k = 'b'"), (std::vector<std::string>{R"({"k":"b","v":2})"}));
  auto bad_ctas = Fail("CREATE TABLE bad AS SELECT nope");
  EXPECT_FALSE(fs::exists(dir_ + "/tables/bad"));

  auto bad_part = Fail("CREATE TABLE q (a INT) PARTITIONED BY (nope)");
  EXPECT_NE(bad_part.message().find("nope"), std::string::npos);

  // External LOCATION: DROP forgets the name, keeps the data.
  std::string loc = dir_ + "/elsewhere/ext";
  Run("CREATE TABLE ext (a INT) LOCATION '" + loc + "'");
  Run("INSERT INTO ext VALUES (1)");
  EXPECT_EQ(One("SELECT a FROM delta.`" + loc + "`"), R"({"a":1})");
  Run("DROP TABLE ext");
  EXPECT_TRUE(fs::exists(loc + "/_delta_log"));
  EXPECT_EQ(Fail("SELECT * FROM ext").code(), base::StatusCode::kNotFound);

  Run("DROP TABLE t");
  EXPECT_FALSE(fs::exists(dir_ + "/tables/t"));
  EXPECT_EQ(Fail("DROP TABLE t").code(), base::StatusCode::kNotFound);
  Run("DROP TABLE IF EXISTS t");
}

TEST_F(SessionTest, UnknownTableAndBadInsert) {
  auto st = Fail("SELECT * FROM missing_table");
  EXPECT_EQ(st.code(), base::StatusCode::kNotFound);
  EXPECT_NE(st.message().find("missing_table"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("line 1"), std::string::npos) << st.message();

  Run("CREATE TABLE t (a BIGINT, b STRING)");
  auto count = Fail("INSERT INTO t VALUES (1)");
  EXPECT_NE(count.message().find("2 are expected"), std::string::npos) << count.message();
  auto type = Fail("INSERT INTO t SELECT array(1), 'x'");
  EXPECT_NE(type.message().find("column 'a'"), std::string::npos) << type.message();
  auto not_null = Fail("INSERT INTO missing VALUES (1)");
  EXPECT_EQ(not_null.code(), base::StatusCode::kNotFound);
}

TEST_F(SessionTest, UpdateDeleteWithMetrics) {
  Run("CREATE TABLE t (id BIGINT, v STRING, n INT) PARTITIONED BY (v)");
  Run("INSERT INTO t VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 30), (4, 'c', NULL)");
  EXPECT_EQ(One("UPDATE t SET n = n + 1 WHERE id >= 2 AND v <> 'c'"), R"({"num_affected_rows":2})");
  EXPECT_EQ(SortedRows("SELECT id, n FROM t"),
            (std::vector<std::string>{R"({"id":1,"n":10})", R"({"id":2,"n":21})", R"({"id":3,"n":31})",
                                      R"({"id":4,"n":null})"}));
  EXPECT_EQ(One("UPDATE t AS x SET x.n = 0 WHERE x.n IS NULL"), R"({"num_affected_rows":1})");
  EXPECT_EQ(One("DELETE FROM t WHERE v = 'a'"), R"({"num_affected_rows":2})");  // a whole partition
  EXPECT_EQ(One("SELECT count(*) AS c FROM t WHERE v = 'a'"), R"({"c":0})");
  EXPECT_EQ(One("DELETE FROM t WHERE id = 999"), R"({"num_affected_rows":0})");
  EXPECT_EQ(One("SELECT count(*) AS c FROM t"), R"({"c":2})");
  auto bad = Fail("UPDATE t SET nope = 1");
  EXPECT_NE(bad.message().find("nope"), std::string::npos);
  EXPECT_EQ(One("DELETE FROM t"), R"({"num_affected_rows":2})");
}

TEST_F(SessionTest, BookMergeUpsertKeyedOnEventId) {
  Run("CREATE TABLE events (event_id STRING, user_id BIGINT, event_time TIMESTAMP, amount DOUBLE) USING DELTA");
  Run("INSERT INTO events VALUES ('e1', 1, TIMESTAMP '2024-01-01 10:00:00', 1.0), "
      "('e2', 2, TIMESTAMP '2024-01-01 11:00:00', 2.0)");
  Run("CREATE TEMP VIEW updates AS SELECT * FROM VALUES "
      "('e2', 2, TIMESTAMP '2024-01-02 11:00:00', 20.0), ('e3', 3, TIMESTAMP '2024-01-02 12:00:00', 3.0) "
      "AS u(event_id, user_id, event_time, amount)");
  EXPECT_EQ(One("MERGE INTO events AS t USING updates AS s ON t.event_id = s.event_id "
                "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"),
            R"({"num_affected_rows":2,"num_updated_rows":1,"num_deleted_rows":0,"num_inserted_rows":1})");
  EXPECT_EQ(SortedRows("SELECT event_id, amount FROM events"),
            (std::vector<std::string>{R"({"event_id":"e1","amount":1})", R"({"event_id":"e2","amount":20})",
                                      R"({"event_id":"e3","amount":3})"}));
  // Explicit SET / VALUES, a subquery source, and NOT MATCHED BY SOURCE.
  EXPECT_EQ(One("MERGE INTO events t USING (SELECT 'e1' AS id, 5.0 AS amt) s ON t.event_id = s.id "
                "WHEN MATCHED AND s.amt > 1 THEN UPDATE SET amount = s.amt "
                "WHEN NOT MATCHED THEN INSERT (event_id, amount) VALUES (s.id, s.amt) "
                "WHEN NOT MATCHED BY SOURCE AND t.event_id = 'e3' THEN DELETE"),
            R"({"num_affected_rows":2,"num_updated_rows":1,"num_deleted_rows":1,"num_inserted_rows":0})");
  EXPECT_EQ(SortedRows("SELECT event_id, amount FROM events"),
            (std::vector<std::string>{R"({"event_id":"e1","amount":5})", R"({"event_id":"e2","amount":20})"}));
}

TEST_F(SessionTest, BookCdcMergeWithDeletes) {
  Run("CREATE TABLE customers (id BIGINT, name STRING, city STRING)");
  Run("INSERT INTO customers VALUES (1, 'ann', 'oslo'), (2, 'bob', 'rome'), (3, 'cy', 'lima')");
  Run("CREATE TABLE cdc (id BIGINT, name STRING, city STRING, op STRING)");
  Run("INSERT INTO cdc VALUES (1, 'ann', 'bergen', 'UPDATE'), (2, NULL, NULL, 'DELETE'), (4, 'dan', 'kyiv', 'INSERT')");
  EXPECT_EQ(One("MERGE INTO customers t USING cdc s ON t.id = s.id "
                "WHEN MATCHED AND s.op = 'DELETE' THEN DELETE "
                "WHEN MATCHED THEN UPDATE SET t.name = s.name, t.city = s.city "
                "WHEN NOT MATCHED AND s.op <> 'DELETE' THEN INSERT (id, name, city) VALUES (s.id, s.name, s.city)"),
            R"({"num_affected_rows":3,"num_updated_rows":1,"num_deleted_rows":1,"num_inserted_rows":1})");
  EXPECT_EQ(SortedRows("SELECT id, city FROM customers"),
            (std::vector<std::string>{R"({"id":1,"city":"bergen"})", R"({"id":3,"city":"lima"})",
                                      R"({"id":4,"city":"kyiv"})"}));
}

TEST_F(SessionTest, MergeWithoutEqualityKeyIsRefused) {
  Run("CREATE TABLE a (id BIGINT)");
  Run("CREATE TABLE b (id BIGINT)");
  auto st = Fail("MERGE INTO a USING b ON a.id < b.id WHEN MATCHED THEN DELETE");
  EXPECT_EQ(st.code(), base::StatusCode::kUnsupported);
  EXPECT_NE(st.message().find("equality"), std::string::npos) << st.message();
}

TEST_F(SessionTest, BookTimeTravel) {
  Run("CREATE TABLE t (x INT)");                 // v0
  Run("INSERT INTO t VALUES (1)");               // v1
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto between = std::chrono::system_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Run("INSERT INTO t VALUES (2)");               // v2
  EXPECT_EQ(One("SELECT count(*) AS n FROM t VERSION AS OF 1"), R"({"n":1})");
  EXPECT_EQ(One("SELECT count(*) AS n FROM t"), R"({"n":2})");
  // TIMESTAMP AS OF a time between v1 and v2 (UTC text, the session time zone).
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(between.time_since_epoch()).count();
  std::string ts = columnar::FormatTimestamp(us, columnar::TimeUnit::kMicro, false);
  std::replace(ts.begin(), ts.end(), 'T', ' ');
  EXPECT_EQ(One("SELECT count(*) AS n FROM t TIMESTAMP AS OF '" + ts + "'"), R"({"n":1})");
  auto before = Fail("SELECT * FROM t TIMESTAMP AS OF '2000-01-01 00:00:00'");
  EXPECT_NE(before.message().find("before"), std::string::npos) << before.message();
  auto missing = Fail("SELECT * FROM t VERSION AS OF 42");
  EXPECT_NE(missing.message().find("42"), std::string::npos) << missing.message();

  EXPECT_EQ(Rows("RESTORE TABLE t TO VERSION AS OF 1").size(), 1u);
  EXPECT_EQ(One("SELECT count(*) AS n FROM t"), R"({"n":1})");
  auto hist = Rows("DESCRIBE HISTORY t");
  ASSERT_EQ(hist.size(), 4u);
  EXPECT_NE(hist[0].find("\"operation\":\"RESTORE\""), std::string::npos) << hist[0];
  EXPECT_EQ(Rows("DESCRIBE HISTORY t LIMIT 2").size(), 2u);
}

TEST_F(SessionTest, BookRetentionDelete) {
  Run("CREATE TABLE events (event_id STRING, event_time TIMESTAMP, kind STRING)");
  Run("INSERT INTO events VALUES ('old', TIMESTAMP '2001-01-01 00:00:00', 'a')");
  Run("INSERT INTO events SELECT 'new', current_timestamp(), 'b'");
  EXPECT_EQ(One("DELETE FROM events WHERE event_time < current_timestamp() - INTERVAL 30 DAYS"),
            R"({"num_affected_rows":1})");
  EXPECT_EQ(SortedRows("SELECT event_id FROM events"), (std::vector<std::string>{R"({"event_id":"new"})"}));
}

TEST_F(SessionTest, BookOptimizeZorderAndVacuum) {
  Run("CREATE TABLE events (event_id STRING, event_time TIMESTAMP, kind STRING)");
  Run("INSERT INTO events VALUES ('old', TIMESTAMP '2001-01-01 00:00:00', 'a')");
  Run("INSERT INTO events VALUES ('new', TIMESTAMP '2024-01-01 00:00:00', 'b')");
  Run("INSERT INTO events VALUES ('new2', TIMESTAMP '2024-02-01 00:00:00', 'a')");
  EXPECT_EQ(One("DELETE FROM events WHERE event_time < TIMESTAMP '2020-01-01 00:00:00'"), R"({"num_affected_rows":1})");
  auto opt = Rows("OPTIMIZE events ZORDER BY (kind)");
  ASSERT_EQ(opt.size(), 1u);
  EXPECT_NE(opt[0].find("\"numFilesRemoved\":2"), std::string::npos) << opt[0];
  EXPECT_EQ(SortedRows("SELECT event_id FROM events"),
            (std::vector<std::string>{R"({"event_id":"new"})", R"({"event_id":"new2"})"}));
  EXPECT_EQ(Rows("VACUUM events RETAIN 168 HOURS").size(), 1u);
  auto refused = Fail("VACUUM events RETAIN 0 HOURS");
  EXPECT_NE(refused.message().find("retentionDurationCheck"), std::string::npos) << refused.message();
  Run("SET spark.databricks.delta.retentionDurationCheck.enabled = false");
  auto dry = Rows("VACUUM events RETAIN 0 HOURS DRY RUN");
  EXPECT_EQ(dry.size(), 3u);  // the three files OPTIMIZE and DELETE removed
  Run("VACUUM events RETAIN 0 HOURS");
  EXPECT_EQ(Rows("VACUUM events RETAIN 0 HOURS DRY RUN").size(), 0u);
  EXPECT_EQ(One("SELECT count(*) AS n FROM events"), R"({"n":2})");
  auto bad_z = Fail("OPTIMIZE events ZORDER BY (nope)");
  EXPECT_NE(bad_z.message().find("nope"), std::string::npos);
}

TEST_F(SessionTest, DescribeShowAlter) {
  Run("CREATE TABLE t (id BIGINT COMMENT 'key', p STRING) PARTITIONED BY (p) COMMENT 'a table' "
      "TBLPROPERTIES ('owner' = 'me')");
  auto desc = Rows("DESCRIBE TABLE t");
  ASSERT_GE(desc.size(), 2u);
  EXPECT_EQ(desc[0], R"({"col_name":"id","data_type":"bigint","comment":"key"})");
  EXPECT_EQ(desc[1], R"({"col_name":"p","data_type":"string","comment":null})");
  auto ext = Rows("DESCRIBE EXTENDED t");
  EXPECT_GT(ext.size(), desc.size());
  auto detail = One("DESCRIBE DETAIL t");
  EXPECT_NE(detail.find("\"format\":\"delta\""), std::string::npos) << detail;
  EXPECT_NE(detail.find("\"partitionColumns\":[\"p\"]"), std::string::npos) << detail;
  EXPECT_NE(detail.find("\"numFiles\":0"), std::string::npos) << detail;
  EXPECT_NE(detail.find("\"description\":\"a table\""), std::string::npos) << detail;

  Run("ALTER TABLE t ADD COLUMNS (extra DOUBLE COMMENT 'new', more INT)");
  EXPECT_EQ(SortedRows("SHOW COLUMNS IN t").size(), 4u);
  Run("INSERT INTO t VALUES (1, 'x', 1.5, 2)");
  EXPECT_EQ(One("SELECT extra, more FROM t"), R"({"extra":1.5,"more":2})");
  EXPECT_NE(Fail("ALTER TABLE t ADD COLUMNS (id INT)").message().find("already exists"), std::string::npos);

  Run("ALTER TABLE t SET TBLPROPERTIES ('delta.appendOnly' = 'false', 'team' = 'data')");
  auto props = Rows("SHOW TBLPROPERTIES t");
  EXPECT_NE(std::find(props.begin(), props.end(), R"({"key":"team","value":"data"})"), props.end());
  Run("ALTER TABLE t UNSET TBLPROPERTIES ('team')");
  props = Rows("SHOW TBLPROPERTIES t");
  EXPECT_EQ(std::find(props.begin(), props.end(), R"({"key":"team","value":"data"})"), props.end());
  EXPECT_FALSE(session_->Execute("ALTER TABLE t UNSET TBLPROPERTIES ('team')").ok());
  Run("ALTER TABLE t UNSET TBLPROPERTIES IF EXISTS ('team')");
  EXPECT_FALSE(session_->Execute("ALTER TABLE t SET TBLPROPERTIES ('delta.checkpointInterval' = 'soon')").ok());

  Run("CREATE TABLE other (a INT)");
  Run("CREATE TEMP VIEW tv AS SELECT 1 AS one");
  EXPECT_EQ(Rows("SHOW TABLES"),
            (std::vector<std::string>{R"({"namespace":"default","tableName":"other","isTemporary":false})",
                                      R"({"namespace":"default","tableName":"t","isTemporary":false})",
                                      R"({"namespace":"","tableName":"tv","isTemporary":true})"}));
  EXPECT_EQ(Rows("SHOW TABLES LIKE 'oth*'").size(), 1u);
  EXPECT_EQ(Rows("SHOW TABLES LIKE 't|other'").size(), 2u);
  Run("USE default");
  EXPECT_FALSE(session_->Execute("USE nope").ok());
}

TEST_F(SessionTest, Views) {
  Run("CREATE TABLE t (a INT)");
  Run("INSERT INTO t VALUES (1), (5), (9)");
  Run("CREATE VIEW big AS SELECT a FROM t WHERE a > 3");
  EXPECT_EQ(One("SELECT count(*) AS n FROM big"), R"({"n":2})");
  EXPECT_TRUE(fs::exists(dir_ + "/meta/views/big.json"));
  EXPECT_FALSE(session_->Execute("CREATE VIEW big AS SELECT 1").ok());
  Run("CREATE OR REPLACE VIEW big (x) AS SELECT a FROM t WHERE a > 8");
  EXPECT_EQ(One("SELECT x FROM big"), R"({"x":9})");
  Run("CREATE TEMPORARY VIEW tv AS SELECT a * 2 AS b FROM t");
  EXPECT_EQ(SortedRows("SELECT b FROM tv"),
            (std::vector<std::string>{R"({"b":10})", R"({"b":18})", R"({"b":2})"}));
  auto bad = Fail("CREATE VIEW broken AS SELECT nope FROM t");
  EXPECT_NE(bad.message().find("nope"), std::string::npos);
  Run("DROP VIEW tv");
  Run("DROP VIEW big");
  EXPECT_EQ(Fail("SELECT * FROM big").code(), base::StatusCode::kNotFound);
  Run("DROP VIEW IF EXISTS big");
}

TEST_F(SessionTest, PathTablesAndExplain) {
  std::string loc = dir_ + "/raw";
  Run("CREATE TABLE delta.`" + loc + "` (a INT, b STRING)");
  Run("INSERT INTO delta.`" + loc + "` VALUES (1, 'x'), (2, 'y')");
  EXPECT_EQ(One("SELECT count(*) AS n FROM delta.`" + loc + "` WHERE a = 2"), R"({"n":1})");
  // EXPLAIN: one row per line of the indented plan.
  auto plan = Rows("EXPLAIN SELECT a, count(*) FROM delta.`" + loc + "` WHERE a > 1 GROUP BY a");
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_NE(plan[0].find("Aggregate"), std::string::npos) << plan[0];
  EXPECT_NE(plan[1].find("\"  Scan"), std::string::npos) << plan[1];
  std::string extended;
  for (const auto& line : Rows("EXPLAIN EXTENDED SELECT a FROM delta.`" + loc + "`")) extended += line + "\n";
  EXPECT_NE(extended.find("Analyzed"), std::string::npos) << extended;
  EXPECT_NE(extended.find("Optimized"), std::string::npos) << extended;
  // The Delta table's data files read as plain Parquet files.
  EXPECT_EQ(One("SELECT count(*) AS n FROM parquet.`" + loc + "`"), R"({"n":2})");
}

TEST_F(SessionTest, SetKeys) {
  EXPECT_EQ(One("SET spark.sql.ansi.enabled"), R"({"key":"spark.sql.ansi.enabled","value":"true"})");
  Run("SET spark.sql.ansi.enabled = false");
  EXPECT_FALSE(session_->settings().ansi_mode);
  Run("SET tide.memory_limit = 64MB");
  EXPECT_EQ(session_->settings().memory_limit, 64 << 20);
  Run("SET tide.threads = 1");
  EXPECT_EQ(session_->settings().threads, 1);
  Run("SET spark.sql.session.timeZone = +02:00");
  EXPECT_EQ(session_->settings().time_zone, "+02:00");
  EXPECT_FALSE(session_->Execute("SET spark.sql.ansi.enabled = maybe").ok());
  EXPECT_FALSE(session_->Execute("SET tide.memory_limit = lots").ok());
  Run("SET my.custom.key = hello");
  EXPECT_EQ(One("SET my.custom.key"), R"({"key":"my.custom.key","value":"hello"})");
  EXPECT_EQ(One("SET never.set"), R"({"key":"never.set","value":"<undefined>"})");
  EXPECT_GE(Rows("SET").size(), 6u);
}

}  // namespace
}  // namespace tide::exec

namespace tide::exec {
namespace {

// Cancels `session` every few milliseconds until `done`.
void CancelUntilDone(Session& session, const std::atomic<bool>& done) {
  while (!done) {
    session.Cancel();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

TEST_F(SessionTest, CancelStopsARunningQuery) {
  // Small batches: the pipeline checks for cancellation between morsels.
  Run("SET tide.batch_size = 64");
  std::atomic<bool> done{false};
  base::Status status;
  std::thread runner([&] {
    auto r = session_->Execute("SELECT count(*) FROM range(30000) a CROSS JOIN range(30000) b WHERE a.id + b.id < 0");
    status = r.ok() ? base::Status::OK() : r.status();
    done = true;
  });
  CancelUntilDone(*session_, done);
  runner.join();
  EXPECT_EQ(status.code(), base::StatusCode::kCancelled) << status.ToString();
  // The session stays usable.
  EXPECT_EQ(One("SELECT 1 AS x"), R"({"x":1})");
}

TEST_F(SessionTest, OneCancelStopsTheStatementAndTheNextOneRuns) {
  // With no statement running, Cancel does nothing: the next statement is not affected.
  session_->Cancel();
  EXPECT_EQ(One("SELECT 1 AS x"), R"({"x":1})");
  Run("SET tide.batch_size = 64");
  // One cancel, not repeated, whenever it lands (while the big range() is generated at bind
  // time, before any query context exists, or later): the statement stops.
  base::Status status;
  std::atomic<bool> done{false};
  std::thread runner([&] {
    auto r = session_->Execute(
        "SELECT count(*) FROM range(2000000) a CROSS JOIN range(30000) b WHERE a.id + b.id < 0");
    status = r.ok() ? base::Status::OK() : r.status();
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  session_->Cancel();
  // A lost cancel fails here instead of hanging (the query would run for hours).
  for (int i = 0; i < 2000 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(done.load()) << "one Cancel() did not stop the statement within 20 s";
  CancelUntilDone(*session_, done);
  runner.join();
  EXPECT_EQ(status.code(), base::StatusCode::kCancelled) << status.ToString();
  // The cancel ended with that statement.
  EXPECT_EQ(One("SELECT count(*) AS n FROM range(1000)"), R"({"n":1000})");
}

}  // namespace
}  // namespace tide::exec

namespace tide::exec {
namespace {

TEST_F(SessionTest, MergeSourceAliasColumnsAndKeyCasts) {
  Run("CREATE TABLE t (id BIGINT, amount DOUBLE)");
  Run("INSERT INTO t VALUES (1, 1.5)");
  // INT source key against a BIGINT target key (the binder casts one side); renamed columns.
  EXPECT_EQ(One("MERGE INTO t USING (SELECT 1, 2.5 UNION ALL SELECT 7, 7.5) AS s(k, v) ON t.id = s.k "
                "WHEN MATCHED THEN UPDATE SET amount = s.v WHEN NOT MATCHED THEN INSERT (id, amount) VALUES (s.k, s.v)"),
            R"({"num_affected_rows":2,"num_updated_rows":1,"num_deleted_rows":0,"num_inserted_rows":1})");
  EXPECT_EQ(SortedRows("SELECT id, amount FROM t"),
            (std::vector<std::string>{R"({"id":1,"amount":2.5})", R"({"id":7,"amount":7.5})"}));
  // A target row matched twice is refused, as in Spark.
  auto dup = Fail("MERGE INTO t USING (SELECT 1 AS k UNION ALL SELECT 1) s ON t.id = s.k WHEN MATCHED THEN DELETE");
  EXPECT_NE(dup.message().find("multiple source rows"), std::string::npos) << dup.message();
}

}  // namespace
}  // namespace tide::exec

namespace tide::exec {
namespace {

TEST_F(SessionTest, JsonAndCsvPathTables) {
  fs::create_directories(dir_ + "/raw");
  {
    std::ofstream j(dir_ + "/raw/a.json");
    j << "{\"id\": 1, \"name\": \"ann\"}\n{\"id\": 2, \"name\": \"bob\", \"extra\": true}\n";
    std::ofstream c(dir_ + "/raw/b.csv");
    c << "1,\"x, y\"\n2,z\n";
  }
  EXPECT_EQ(SortedRows("SELECT id, name FROM json.`" + dir_ + "/raw/a.json` WHERE id > 0"),
            (std::vector<std::string>{R"({"id":1,"name":"ann"})", R"({"id":2,"name":"bob"})"}));
  EXPECT_EQ(SortedRows("SELECT _c1 FROM csv.`" + dir_ + "/raw`"),
            (std::vector<std::string>{R"({"_c1":"x, y"})", R"({"_c1":"z"})"}));
  EXPECT_EQ(Fail("SELECT * FROM avro.`" + dir_ + "/raw`").code(), base::StatusCode::kUnsupported);
}

}  // namespace
}  // namespace tide::exec

namespace tide::exec {
namespace {

TEST_F(SessionTest, BookOptimizeWherePartitionsAndNotNull) {
  Run("CREATE TABLE events (event_id STRING NOT NULL, user_id BIGINT, event_time TIMESTAMP, event_date DATE) "
      "USING DELTA PARTITIONED BY (event_date)");
  Run("INSERT INTO events VALUES ('e1', 1, now(), current_date())");
  Run("INSERT INTO events VALUES ('e2', 2, now(), current_date())");
  Run("INSERT INTO events VALUES ('e0', 3, TIMESTAMP '2020-01-01 00:00:00', DATE '2020-01-01')");
  Run("INSERT INTO events VALUES ('e9', 4, TIMESTAMP '2020-01-01 00:00:00', DATE '2020-01-01')");
  // Only the recent partition is compacted (the WHERE folds to a partition filter).
  auto opt = One("OPTIMIZE events WHERE event_date >= date_sub(current_date(), 7) ZORDER BY (user_id, event_time)");
  EXPECT_NE(opt.find("\"numFilesRemoved\":2"), std::string::npos) << opt;
  EXPECT_NE(opt.find("\"partitionsOptimized\":1"), std::string::npos) << opt;
  auto st = Fail("INSERT INTO events VALUES (NULL, 1, now(), current_date())");
  EXPECT_NE(st.message().find("event_id"), std::string::npos) << st.message();
  EXPECT_EQ(One("SELECT count(*) AS n FROM events"), R"({"n":4})");
}

}  // namespace
}  // namespace tide::exec

namespace tide::exec {
namespace {

TEST_F(SessionTest, ExecuteStreamingDeliversSchemaThenBatches) {
  Run("CREATE TABLE t (a INT)");
  Run("INSERT INTO t VALUES (1), (2), (3)");
  for (std::string sql : {"SELECT a FROM t ORDER BY a", "SHOW COLUMNS IN t"}) {
    int schemas = 0;
    int64_t rows = 0;
    ExecStats stats;
    auto st = session_->ExecuteStreaming(
        sql,
        [&](const std::shared_ptr<const columnar::Schema>& s) {
          ++schemas;
          EXPECT_EQ(s->num_fields(), 1);
          EXPECT_EQ(rows, 0);
          return base::Status::OK();
        },
        [&](std::shared_ptr<columnar::RecordBatch> b) {
          rows += b->num_rows();
          return base::Status::OK();
        },
        &stats);
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(schemas, 1);
    EXPECT_EQ(rows, sql[0] == 'S' && sql[1] == 'E' ? 3 : 1);
  }
  EXPECT_FALSE(session_->ExecuteStreaming("SELEC 1", [](auto&) { return base::Status::OK(); },
                                          [](auto) { return base::Status::OK(); })
                   .ok());
}

}  // namespace
}  // namespace tide::exec
