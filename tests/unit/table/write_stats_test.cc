// Per-file statistics (table/stats.h): the add.stats JSON Tide writes.
#include <gtest/gtest.h>

#include "table/stats.h"
#include "write_test_util.h"

namespace tide::table {
namespace {

using testing::Ddl;
using testing::Rows;

std::string StatsOf(const std::string& ddl, const std::string& jsonl, StatsOptions options = {}) {
  auto schema = Ddl(ddl);
  auto c = StatsCollector::Make(*schema, *schema, options);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  auto batch = Rows(ddl, jsonl);
  (*c)->Update(*batch);
  return (*c)->ToJson();
}

TEST(WriteStats, NumbersStringsAndNulls) {
  EXPECT_EQ(StatsOf("id BIGINT, s STRING, x DOUBLE, b BOOLEAN",
                    "{\"id\":5,\"s\":\"b\",\"x\":1.5,\"b\":true}\n"
                    "{\"id\":-3,\"s\":\"a\",\"x\":null,\"b\":null}\n"
                    "{\"id\":7,\"s\":null,\"x\":-0.25,\"b\":false}\n"),
            "{\"numRecords\":3,\"minValues\":{\"id\":-3,\"s\":\"a\",\"x\":-0.25},"
            "\"maxValues\":{\"id\":7,\"s\":\"b\",\"x\":1.5},"
            "\"nullCount\":{\"id\":0,\"s\":1,\"x\":1,\"b\":1}}");
}

TEST(WriteStats, AllNullColumnHasOnlyNullCount) {
  EXPECT_EQ(StatsOf("id INT, s STRING", "{\"id\":1}\n{\"id\":2}\n"),
            "{\"numRecords\":2,\"minValues\":{\"id\":1},\"maxValues\":{\"id\":2},\"nullCount\":{\"id\":0,\"s\":2}}");
}

TEST(WriteStats, NestedStructsAreNestedObjects) {
  // A null struct makes its fields null for nullCount.
  EXPECT_EQ(StatsOf("st STRUCT<a: INT, inner: STRUCT<z: STRING>>, tags ARRAY<STRING>",
                    "{\"st\":{\"a\":2,\"inner\":{\"z\":\"q\"}},\"tags\":[\"x\"]}\n"
                    "{\"st\":null,\"tags\":null}\n"
                    "{\"st\":{\"a\":null,\"inner\":null},\"tags\":[]}\n"),
            "{\"numRecords\":3,\"minValues\":{\"st\":{\"a\":2,\"inner\":{\"z\":\"q\"}}},"
            "\"maxValues\":{\"st\":{\"a\":2,\"inner\":{\"z\":\"q\"}}},"
            "\"nullCount\":{\"st\":{\"a\":2,\"inner\":{\"z\":2}},\"tags\":1}}");
}

TEST(WriteStats, LongStringsAreTruncatedToAPrefix) {
  const std::string long_a(40, 'a'), long_z(40, 'z');
  const std::string json = StatsOf("s STRING", "{\"s\":\"" + long_a + "\"}\n{\"s\":\"" + long_z + "\"}\n");
  // min: 32 code points; max: 32 code points + U+10FFFF (still >= every value with that prefix).
  EXPECT_NE(json.find("\"minValues\":{\"s\":\"" + std::string(32, 'a') + "\"}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"maxValues\":{\"s\":\"" + std::string(32, 'z') + "\xF4\x8F\xBF\xBF\"}"), std::string::npos)
      << json;
}

TEST(WriteStats, TruncationCountsCodePointsNotBytes) {
  std::string s;
  for (int i = 0; i < 33; ++i) s += "\xC3\xA9";  // é, 2 bytes each
  const std::string json = StatsOf("s STRING", "{\"s\":\"" + s + "\"}\n");
  std::string prefix;
  for (int i = 0; i < 32; ++i) prefix += "\xC3\xA9";
  EXPECT_NE(json.find("\"minValues\":{\"s\":\"" + prefix + "\"}"), std::string::npos) << json;
}

TEST(WriteStats, ShortStringMaxIsExact) {
  const std::string json = StatsOf("s STRING", "{\"s\":\"abc\"}\n{\"s\":\"abd\"}\n");
  EXPECT_NE(json.find("\"maxValues\":{\"s\":\"abd\"}"), std::string::npos) << json;
}

TEST(WriteStats, NaNDropsFloatBounds) {
  EXPECT_EQ(StatsOf("x DOUBLE, y FLOAT", "{\"x\":1.0,\"y\":\"NaN\"}\n{\"x\":\"NaN\",\"y\":2.5}\n"),
            "{\"numRecords\":2,\"minValues\":{},\"maxValues\":{},\"nullCount\":{\"x\":0,\"y\":0}}");
  EXPECT_EQ(StatsOf("x DOUBLE", "{\"x\":1.0}\n{\"x\":\"Infinity\"}\n"),
            "{\"numRecords\":2,\"minValues\":{\"x\":1},\"maxValues\":{},\"nullCount\":{\"x\":0}}");
  EXPECT_EQ(StatsOf("y FLOAT", "{\"y\":0.1}\n"),
            "{\"numRecords\":1,\"minValues\":{\"y\":0.1},\"maxValues\":{\"y\":0.1},\"nullCount\":{\"y\":0}}");
}

TEST(WriteStats, DatesTimestampsDecimals) {
  EXPECT_EQ(StatsOf("d DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ, m DECIMAL(10,2)",
                    "{\"d\":\"2024-02-29\",\"ts\":\"2024-01-02T03:04:05.123999Z\",\"ntz\":\"2024-01-02 03:04:05.5\","
                    "\"m\":\"-12.50\"}\n"
                    "{\"d\":\"1969-12-31\",\"ts\":\"1969-12-31T23:59:59.999999Z\",\"ntz\":\"2030-01-01 00:00:00\","
                    "\"m\":\"7.05\"}\n"),
            "{\"numRecords\":2,"
            "\"minValues\":{\"d\":\"1969-12-31\",\"ts\":\"1969-12-31T23:59:59.999Z\","
            "\"ntz\":\"2024-01-02T03:04:05.500\",\"m\":-12.50},"
            "\"maxValues\":{\"d\":\"2024-02-29\",\"ts\":\"2024-01-02T03:04:05.123Z\","
            "\"ntz\":\"2030-01-01T00:00:00.000\",\"m\":7.05},"
            "\"nullCount\":{\"d\":0,\"ts\":0,\"ntz\":0,\"m\":0}}");
}

TEST(WriteStats, FormatStatsTimestampFloorsNegatives) {
  EXPECT_EQ(FormatStatsTimestamp(-1, columnar::TimeUnit::kMicro, true), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatStatsTimestamp(1500, columnar::TimeUnit::kNano, false), "1970-01-01T00:00:00.000");
  EXPECT_EQ(FormatStatsTimestamp(86400000000LL + 1000, columnar::TimeUnit::kMicro, true), "1970-01-02T00:00:00.001Z");
}

TEST(WriteStats, NumIndexedColsCountsLeaves) {
  StatsOptions o;
  o.num_indexed_cols = 2;
  EXPECT_EQ(StatsOf("st STRUCT<a: INT, b: INT>, c INT", "{\"st\":{\"a\":1,\"b\":2},\"c\":3}\n", o),
            "{\"numRecords\":1,\"minValues\":{\"st\":{\"a\":1,\"b\":2}},\"maxValues\":{\"st\":{\"a\":1,\"b\":2}},"
            "\"nullCount\":{\"st\":{\"a\":0,\"b\":0}}}");
  o.num_indexed_cols = 0;
  EXPECT_EQ(StatsOf("c INT", "{\"c\":3}\n", o), "{\"numRecords\":1,\"minValues\":{},\"maxValues\":{},\"nullCount\":{}}");
}

TEST(WriteStats, DefaultIndexesThe32FirstLeaves) {
  std::string ddl, row = "{";
  for (int i = 0; i < 33; ++i) {
    ddl += (i ? ", c" : "c") + std::to_string(i) + " INT";
    row += (i ? ",\"c" : "\"c") + std::to_string(i) + "\":" + std::to_string(i);
  }
  row += "}\n";
  const std::string json = StatsOf(ddl, row);
  EXPECT_NE(json.find("\"c31\":31"), std::string::npos);
  EXPECT_EQ(json.find("\"c32\""), std::string::npos) << json;
}

TEST(WriteStats, StatsColumnsSelectByLogicalName) {
  StatsOptions o;
  auto cols = ParseStatsColumns("C, st.b");
  ASSERT_TRUE(cols.ok());
  o.stats_columns = *cols;
  EXPECT_EQ(StatsOf("st STRUCT<a: INT, b: INT>, c INT", "{\"st\":{\"a\":1,\"b\":2},\"c\":3}\n", o),
            "{\"numRecords\":1,\"minValues\":{\"st\":{\"b\":2},\"c\":3},\"maxValues\":{\"st\":{\"b\":2},\"c\":3},"
            "\"nullCount\":{\"st\":{\"b\":0},\"c\":0}}");
}

TEST(WriteStats, PhysicalNamesInJson) {
  auto logical = Ddl("id INT");
  columnar::Schema physical({columnar::MakeField("col-1234", columnar::Int32())});
  auto c = StatsCollector::Make(*logical, physical, {});
  ASSERT_TRUE(c.ok());
  auto batch = Rows("id INT", "{\"id\":4}\n");
  (*c)->Update(*batch);
  EXPECT_EQ((*c)->ToJson(), "{\"numRecords\":1,\"minValues\":{\"col-1234\":4},\"maxValues\":{\"col-1234\":4},"
                            "\"nullCount\":{\"col-1234\":0}}");
}

TEST(WriteStats, SeveralBatchesAccumulate) {
  auto schema = Ddl("id INT");
  auto c = StatsCollector::Make(*schema, *schema, {});
  ASSERT_TRUE(c.ok());
  (*c)->Update(*Rows("id INT", "{\"id\":4}\n{\"id\":null}\n"));
  (*c)->Update(*Rows("id INT", "{\"id\":-9}\n")->Slice(0, 1));
  EXPECT_EQ((*c)->num_records(), 3);
  EXPECT_EQ((*c)->ToJson(),
            "{\"numRecords\":3,\"minValues\":{\"id\":-9},\"maxValues\":{\"id\":4},\"nullCount\":{\"id\":1}}");
}

TEST(WriteStats, SlicedColumnsUseTheirOffset) {
  auto batch = Rows("id INT, s STRING", "{\"id\":1,\"s\":\"z\"}\n{\"id\":2,\"s\":\"b\"}\n{\"id\":3,\"s\":null}\n");
  auto schema = batch->schema();
  auto c = StatsCollector::Make(*schema, *schema, {});
  ASSERT_TRUE(c.ok());
  (*c)->Update(*batch->Slice(1, 2));
  EXPECT_EQ((*c)->ToJson(), "{\"numRecords\":2,\"minValues\":{\"id\":2,\"s\":\"b\"},\"maxValues\":{\"id\":3,\"s\":\"b\"},"
                            "\"nullCount\":{\"id\":0,\"s\":1}}");
}

TEST(WriteStats, ParseStatsColumns) {
  auto cols = ParseStatsColumns(" a , `b.c`.d,`x``y` ");
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  ASSERT_EQ(cols->size(), 3u);
  EXPECT_EQ((*cols)[0], std::vector<std::string>({"a"}));
  EXPECT_EQ((*cols)[1], std::vector<std::string>({"b.c", "d"}));
  EXPECT_EQ((*cols)[2], std::vector<std::string>({"x`y"}));
  EXPECT_FALSE(ParseStatsColumns("a,,b").ok());
  EXPECT_FALSE(ParseStatsColumns("`a").ok());
}

TEST(WriteStats, OptionsFromConfiguration) {
  auto o = StatsOptionsFromConfiguration({{"delta.dataSkippingNumIndexedCols", "-1"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->num_indexed_cols, -1);
  auto bad = StatsOptionsFromConfiguration({{"delta.dataSkippingNumIndexedCols", "-2"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("dataSkippingNumIndexedCols"), std::string::npos);
  auto cols = StatsOptionsFromConfiguration({{"delta.dataSkippingStatsColumns", "a,b"}});
  ASSERT_TRUE(cols.ok());
  ASSERT_TRUE(cols->stats_columns.has_value());
  EXPECT_EQ(cols->stats_columns->size(), 2u);
}

}  // namespace
}  // namespace tide::table
