// Scans: projection, partition values, missing columns, widening, deletion vectors, column
// mapping, row filters, partition pruning and stats-based skipping.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "format/parquet/writer.h"
#include "table/array_ops.h"
#include "table/data_skipping.h"
#include "table/deletion_vector.h"
#include "table/scan.h"
#include "table/snapshot.h"
#include "read_test_util.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;
using readtest::Golden;
using readtest::kProtocol;
using readtest::TempTable;

// Writes a Parquet file with columns (int32 <id_name>, string <name_name>), ids 1..n.
void WriteDataFile(const std::string& path, int n, const std::string& id_name = "id", const std::string& name_name = "name") {
  auto schema = std::make_shared<col::Schema>(std::vector<col::FieldPtr>{col::MakeField(id_name, col::Int32()),
                                                                         col::MakeField(name_name, col::Utf8())});
  col::Int32Builder ids(col::Int32());
  col::BinaryBuilder names(col::Utf8());
  for (int i = 1; i <= n; ++i) {
    ids.Append(i);
    if (i == 2) names.AppendNull(); else names.Append("n" + std::to_string(i));
  }
  col::RecordBatch batch(schema, {ids.Finish(), names.Finish()}, n);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  auto w = format::parquet::ParquetWriter::Open(path, schema);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->WriteBatch(batch).ok());
  ASSERT_TRUE((*w)->Close().ok());
}

std::vector<std::string> Rows(const Snapshot& s, const ScanOptions& opts, ScanPlan* plan = nullptr, int64_t limit = -1) {
  std::vector<std::string> out;
  auto st = ScanTable(s, opts, limit, [&](std::shared_ptr<col::RecordBatch> b) {
    for (int64_t r = 0; r < b->num_rows(); ++r) out.push_back(col::RowToJson(*b, r));
    return base::Status::OK();
  }, plan);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::sort(out.begin(), out.end());
  return out;
}

ColumnFilter F(const std::string& text) {
  auto f = ParseColumnFilter(text);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return *f;
}

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteDataFile(t.root() + "/p=7/f1.parquet", 5);
    WriteDataFile(t.root() + "/p=8/f2.parquet", 3);
    std::string bitmap = SerializeRoaringBitmapArray({1, 3});
    std::string dv = R"(,"deletionVector":{"storageType":"i","pathOrInlineDv":")" + Z85Encode(bitmap) +
                     R"(","sizeInBytes":)" + std::to_string(bitmap.size()) + R"(,"cardinality":2})";
    t.Commit(0, {kProtocol,
                 R"({"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[)"
                 R"({\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}},)"
                 R"({\"name\":\"name\",\"type\":\"string\",\"nullable\":true,\"metadata\":{}},)"
                 R"({\"name\":\"extra\",\"type\":\"double\",\"nullable\":true,\"metadata\":{}},)"
                 R"({\"name\":\"p\",\"type\":\"integer\",\"nullable\":true,\"metadata\":{}}]}",)"
                 R"("partitionColumns":["p"],"configuration":{}}})",
                 R"({"add":{"path":"p=7/f1.parquet","partitionValues":{"p":"7"},"size":1,"modificationTime":1,"dataChange":true,)"
                 R"("stats":"{\"numRecords\":5,\"minValues\":{\"id\":1,\"name\":\"n1\"},\"maxValues\":{\"id\":5,\"name\":\"n5\"},\"nullCount\":{\"id\":0,\"name\":1,\"extra\":5}}")" +
                     dv + "}}",
                 R"({"add":{"path":"p=8/f2.parquet","partitionValues":{"p":"8"},"size":1,"modificationTime":1,"dataChange":true,)"
                 R"("stats":"{\"numRecords\":3,\"minValues\":{\"id\":1},\"maxValues\":{\"id\":3},\"nullCount\":{\"id\":0}}"}})"});
    auto s = Snapshot::Load(t.root());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    snap = *s;
  }
  TempTable t;
  std::shared_ptr<const Snapshot> snap;
};

TEST_F(ScanTest, ReadsWithLogicalSchema) {
  auto rows = Rows(*snap, {});
  EXPECT_EQ(rows, (std::vector<std::string>{
                      R"({"id":1,"name":"n1","extra":null,"p":7})", R"({"id":1,"name":"n1","extra":null,"p":8})",
                      R"({"id":2,"name":null,"extra":null,"p":8})", R"({"id":3,"name":"n3","extra":null,"p":7})",
                      R"({"id":3,"name":"n3","extra":null,"p":8})", R"({"id":5,"name":"n5","extra":null,"p":7})"}));
  ScanOptions proj;
  proj.columns = {"p", "ID"};
  EXPECT_EQ(Rows(*snap, proj).size(), 6u);
  EXPECT_EQ(Rows(*snap, proj)[0], R"({"p":7,"id":1})");  // the table's spelling of the column
  ScanOptions bad;
  bad.columns = {"nope"};
  auto plan = PlanScan(*snap, bad);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("no column 'nope'"), std::string::npos);
  // Without applying the DV all 5 rows of f1 come back.
  ReadOptions ro;
  ro.apply_deletion_vectors = false;
  int64_t n = 0;
  ASSERT_TRUE(ReadDataFile(*snap, snap->files()[0], ro, [&](auto b) { n += b->num_rows(); return base::Status::OK(); }).ok());
  EXPECT_EQ(n, 5);
  EXPECT_EQ(Rows(*snap, {}, nullptr, 4).size(), 4u);  // limit
}

TEST_F(ScanTest, FiltersPruneSkipAndFilterRows) {
  ScanPlan plan;
  ScanOptions o;
  o.filters = {F("p = 8")};
  EXPECT_EQ(Rows(*snap, o, &plan).size(), 3u);
  EXPECT_EQ(plan.files_skipped_by_partition, 1);
  o.filters = {F("id > 3")};
  EXPECT_EQ(Rows(*snap, o, &plan), (std::vector<std::string>{R"({"id":5,"name":"n5","extra":null,"p":7})"}));
  EXPECT_EQ(plan.files_skipped_by_stats, 1);  // f2's max id is 3
  o.filters = {F("id >= 10")};
  EXPECT_TRUE(Rows(*snap, o, &plan).empty());
  EXPECT_EQ(plan.files_skipped_by_stats, 2);
  o.filters = {F("name IS NULL")};
  EXPECT_EQ(Rows(*snap, o, &plan), (std::vector<std::string>{R"({"id":2,"name":null,"extra":null,"p":8})"}));
  o.filters = {F("extra IS NOT NULL")};
  EXPECT_TRUE(Rows(*snap, o, &plan).empty());
  EXPECT_EQ(plan.files_skipped_by_stats, 1);  // f1: nullCount == numRecords
  o.filters = {F("name = 'n3'"), F("p <> 7")};
  EXPECT_EQ(Rows(*snap, o), (std::vector<std::string>{R"({"id":3,"name":"n3","extra":null,"p":8})"}));
  o.filters = {F("id = 'x'")};
  EXPECT_FALSE(PlanScan(*snap, o).ok());
  o.filters = {F("zzz = 1")};
  auto p = PlanScan(*snap, o);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("unknown column 'zzz'"), std::string::npos);
  // Rows kept unfiltered on request (pruning still applies).
  o.filters = {F("id > 3")};
  o.filter_rows = false;
  EXPECT_EQ(Rows(*snap, o).size(), 3u);
}

TEST(ScanFilterTest, ParseColumnFilter) {
  auto a = ParseColumnFilter("  price >= 12.50 ");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->column, "price");
  EXPECT_EQ(a->op, FilterOp::kGe);
  EXPECT_EQ(std::get<std::string>(a->value), "12.50");
  auto b = ParseColumnFilter("name = 'O''Brien'");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(std::get<std::string>(b->value), "O'Brien");
  auto c = ParseColumnFilter("s.a is not null");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->column, "s.a");
  EXPECT_EQ(c->op, FilterOp::kIsNotNull);
  EXPECT_EQ(std::get<int64_t>(ParseColumnFilter("x != -3")->value), -3);
  EXPECT_EQ(std::get<bool>(ParseColumnFilter("flag = TRUE")->value), true);
  EXPECT_EQ(ParseColumnFilter("`odd col` <> 1")->column, "odd col");
  for (const char* bad : {"", "= 3", "x ~ 3", "x =", "x = 'open", "x IS MAYBE", "x = NULL"}) {
    auto r = ParseColumnFilter(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << bad;
  }
}

TEST(ScanFilterTest, ApplyFilterTypes) {
  col::Decimal128Builder d(col::Decimal(10, 2));
  d.Append(1250);  // 12.50
  d.Append(-5);    // -0.05
  d.AppendNull();
  auto dec = d.Finish();
  std::vector<bool> keep(3, true);
  ASSERT_TRUE(ApplyFilter(*dec, F("c >= 12.5"), keep).ok());
  EXPECT_EQ(keep, (std::vector<bool>{true, false, false}));
  keep.assign(3, true);
  ASSERT_TRUE(ApplyFilter(*dec, F("c < 0"), keep).ok());
  EXPECT_EQ(keep, (std::vector<bool>{false, true, false}));
  keep.assign(3, true);
  ASSERT_TRUE(ApplyFilter(*dec, F("c IS NULL"), keep).ok());
  EXPECT_EQ(keep, (std::vector<bool>{false, false, true}));

  col::Int64Builder ts(col::Timestamp(col::TimeUnit::kMicro, true));
  ts.Append(1704067200000000);  // 2024-01-01T00:00:00Z
  ts.Append(1704067200000001);
  auto tsa = ts.Finish();
  keep.assign(2, true);
  ASSERT_TRUE(ApplyFilter(*tsa, F("t > '2024-01-01 00:00:00'"), keep).ok());
  EXPECT_EQ(keep, (std::vector<bool>{false, true}));
  col::Int32Builder dt(col::Date32());
  dt.Append(19723);  // 2024-01-01
  auto dta = dt.Finish();
  keep.assign(1, true);
  ASSERT_TRUE(ApplyFilter(*dta, F("d = '2024-01-01'"), keep).ok());
  EXPECT_TRUE(keep[0]);
  EXPECT_FALSE(ApplyFilter(*dta, F("d = 'soon'"), keep).ok());

  col::Float64Builder fb(col::Float64());
  fb.Append(std::nan(""));
  fb.Append(1.5);
  auto fa = fb.Finish();
  keep.assign(2, true);
  ASSERT_TRUE(ApplyFilter(*fa, F("f > 100"), keep).ok());  // NaN is larger than every number
  EXPECT_EQ(keep, (std::vector<bool>{true, false}));
}

TEST(DataSkippingTest, StatsBounds) {
  auto schema = ParseDeltaSchema(R"J({"type":"struct","fields":[
      {"name":"i","type":"integer","nullable":true,"metadata":{}},
      {"name":"s","type":"string","nullable":true,"metadata":{}},
      {"name":"ts","type":"timestamp","nullable":true,"metadata":{}},
      {"name":"d","type":"decimal(10,2)","nullable":true,"metadata":{}},
      {"name":"n","type":{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,"metadata":{"delta.columnMapping.physicalName":"col-x"}}]},"nullable":true,"metadata":{"delta.columnMapping.physicalName":"col-n"}}]})J");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  auto stats = ParseFileStats(R"({"numRecords":10,"minValues":{"i":5,"s":"b","ts":"2024-01-01T10:00:00.123Z","d":1.50,"col-n":{"col-x":-4}},
      "maxValues":{"i":9,"s":"k","ts":"2024-01-01T10:00:00.500Z","d":99.99,"col-n":{"col-x":4}},
      "nullCount":{"i":0,"s":2,"ts":0,"d":0,"col-n":{"col-x":10}}})", *schema, ColumnMappingMode::kName);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->min_values.at("n.x"), "-4");
  auto skip = [&](const std::string& f) { return StatsCannotMatch(*stats, *schema, {F(f)}); };
  EXPECT_TRUE(skip("i < 5"));
  EXPECT_FALSE(skip("i <= 5"));
  EXPECT_TRUE(skip("i > 9"));
  EXPECT_FALSE(skip("i = 7"));
  EXPECT_TRUE(skip("i = 10"));
  EXPECT_TRUE(skip("i IS NULL"));
  EXPECT_FALSE(skip("s IS NULL"));
  EXPECT_TRUE(skip("s < 'a'"));
  EXPECT_FALSE(skip("s > 'j'"));
  EXPECT_TRUE(skip("s > 'k'"));
  // Millisecond-truncated max: a value 0.5 ms after the recorded max may still be in the file.
  EXPECT_FALSE(skip("ts = '2024-01-01 10:00:00.500500'"));
  EXPECT_TRUE(skip("ts > '2024-01-01 10:00:00.501'"));
  EXPECT_TRUE(skip("d > 100"));
  EXPECT_FALSE(skip("d >= 99.99"));
  EXPECT_TRUE(skip("n.x IS NOT NULL"));  // all null
  EXPECT_TRUE(skip("n.x = 1"));
  EXPECT_FALSE(skip("i != 7"));
  // Unknown or unusable stats never skip.
  auto none = ParseFileStats(R"({"numRecords":10})", *schema, ColumnMappingMode::kName);
  EXPECT_FALSE(StatsCannotMatch(*none, *schema, {F("i = 1000")}));
  EXPECT_FALSE(ParseFileStats("[1]", *schema, ColumnMappingMode::kNone).ok());
}

TEST(GoldenScanTest, ColumnMappingTypeWideningAndDeletionVectors) {
  // dv-with-columnmapping: DVs + name mapping, partitioned; DeletionVectorsSuite's expected rows.
  auto dv = Snapshot::Load(Golden("dv-with-columnmapping"));
  ASSERT_TRUE(dv.ok()) << dv.status().ToString();
  auto rows = Rows(**dv, {});
  std::vector<std::string> expected;
  for (int x = 0; x < 50; ++x) {
    if (x % 2 == 0 && x < 30) continue;
    expected.push_back(R"({"part":)" + std::to_string(x % 10) + R"(,"col1":)" + std::to_string(x) + R"(,"col2":"foo)" +
                       std::to_string(x % 5) + R"("})");
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rows, expected);
  ScanOptions o;
  o.filters = {F("part = 0")};
  ScanPlan plan;
  EXPECT_EQ(Rows(**dv, o, &plan).size(), 2u);  // (0, 30) and (0, 40) survive: the kernel example's 2 rows
  EXPECT_GT(plan.files_skipped_by_partition, 0);

  // Column mapping id mode: Parquet field ids.
  auto id = Snapshot::Load(Golden("table-with-columnmapping-mode-id"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ((*id)->column_mapping_mode(), ColumnMappingMode::kId);
  ScanOptions cols;
  cols.columns = {"ByteType", "decimal", "map_of_prims"};
  auto r = Rows(**id, cols);
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0], R"({"ByteType":0,"decimal":"0.00","map_of_prims":[{"key":0,"value":1},{"key":2,"value":3}]})");
  EXPECT_EQ(r[5], R"({"ByteType":null,"decimal":null,"map_of_prims":null})");

  // Type widening: byte -> long, date -> timestamp_ntz etc.
  auto tw = Snapshot::Load(Golden("type-widening"));
  ASSERT_TRUE(tw.ok()) << tw.status().ToString();
  ScanOptions w;
  w.columns = {"byte_long", "date_timestamp_ntz", "decimal_decimal_greater_scale"};
  EXPECT_EQ(Rows(**tw, w), (std::vector<std::string>{
                               R"({"byte_long":1,"date_timestamp_ntz":"2024-09-09T00:00:00.000000","decimal_decimal_greater_scale":"67.89000"})",
                               R"({"byte_long":9223372036854775807,"date_timestamp_ntz":"2024-09-09T12:34:56.123456","decimal_decimal_greater_scale":"12345678901.23456"})"}));
  // Stats-based skipping on the column-mapped stats table.
  auto ds = Snapshot::Load(Golden("data-skipping-basic-stats-all-types-columnmapping-name"));
  ASSERT_TRUE(ds.ok());
  ScanOptions s;
  s.filters = {F("as_int = 1000")};
  EXPECT_TRUE(Rows(**ds, s, &plan).empty());
  EXPECT_EQ(plan.files_skipped_by_stats, plan.files_total);
}

TEST(GoldenScanTest, MissingDataFileIsNotFound) {
  auto s = Snapshot::Load(Golden("checkpoint"));
  ASSERT_TRUE(s.ok());
  auto st = ReadDataFile(**s, (*s)->files()[0], {}, [](auto) { return base::Status::OK(); });
  EXPECT_TRUE(st.IsNotFound());
  EXPECT_NE(st.message().find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace tide::table

namespace tide::table {
namespace {

TEST(WideningTest, CastsAndChecks) {
  col::Int32Builder ib(col::Int32());
  ib.Append(5);
  ib.AppendNull();
  ib.Append(300);
  auto ints = ib.Finish();
  auto l = arrayops::WidenPrimitive(ints, col::Int64(), "c");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ((*l)->Value<int64_t>(2), 300);
  EXPECT_TRUE((*l)->IsNull(1));
  auto narrow = arrayops::WidenPrimitive(ints, col::Int8(), "small_col");
  ASSERT_FALSE(narrow.ok());
  EXPECT_NE(narrow.status().message().find("column 'small_col': value at row 2 does not fit TINYINT"), std::string::npos)
      << narrow.status().ToString();
  auto dec = arrayops::WidenPrimitive(ints, col::Decimal(6, 2), "d");
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(static_cast<int64_t>((*dec)->Value<__int128>(2)), 30000);
  EXPECT_FALSE(arrayops::WidenPrimitive(ints, col::Decimal(4, 2), "d").ok());  // 300.00 needs 5 digits
  auto dbl = arrayops::WidenPrimitive(ints, col::Float64(), "x");
  ASSERT_TRUE(dbl.ok());
  EXPECT_EQ((*dbl)->Value<double>(0), 5.0);

  col::Int32Builder db(col::Date32());
  db.Append(1);
  auto ts = arrayops::WidenPrimitive(db.Finish(), col::Timestamp(col::TimeUnit::kMicro, false), "t");
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ((*ts)->Value<int64_t>(0), 86400LL * 1000000);

  col::Decimal128Builder d2(col::Decimal(5, 2));
  d2.Append(12345);  // 123.45
  auto wider = arrayops::WidenPrimitive(d2.Finish(), col::Decimal(10, 5), "w");
  ASSERT_TRUE(wider.ok());
  EXPECT_EQ(static_cast<int64_t>((*wider)->Value<__int128>(0)), 12345000);

  col::BinaryBuilder bb(col::Binary());
  bb.Append("ab");
  auto s = arrayops::WidenPrimitive(bb.Finish(), col::Utf8(), "s");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->BytesValue(0), "ab");
  EXPECT_FALSE(arrayops::CanWiden(*col::Utf8(), *col::Int32()));
  EXPECT_FALSE(arrayops::CanWiden(*col::Float64(), *col::Float32()));
  EXPECT_FALSE(arrayops::CanWiden(*col::Decimal(10, 4), *col::Decimal(10, 2)));
}

}  // namespace
}  // namespace tide::table
