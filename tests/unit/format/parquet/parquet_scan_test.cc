// Row ranges, batches and row filtering: ReadRowGroupRows / ReadRowGroupBatches must return
// exactly the rows a whole-row-group read returns (for every corpus file and for nested data
// written with tiny pages), and Scan with filter_rows exactly the rows a brute-force filter keeps.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"

namespace tide::format::parquet {
namespace {

namespace fs = std::filesystem;
namespace col = tide::columnar;

const std::string kData = std::string(TIDE_TESTDATA_DIR) + "/parquet-testing/data/";

std::vector<std::string> Json(const col::RecordBatch& b) {
  std::vector<std::string> out;
  for (int64_t r = 0; r < b.num_rows(); ++r) out.push_back(col::RowToJson(b, r));
  return out;
}

std::shared_ptr<const col::Schema> MixedSchema() {
  using namespace col;
  return std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("id", Int64(), false), MakeField("n", Int32()), MakeField("s", Utf8()), MakeField("d", Float64()),
      MakeField("b", Boolean()), MakeField("u", UInt16()), MakeField("dec", Decimal(10, 2)),
      MakeField("tags", List(Utf8())), MakeField("st", Struct({MakeField("x", Int32()), MakeField("y", List(Int64()))})),
      MakeField("m", Map(Utf8(), Int32()))});
}

// Row r: nulls every 3rd/5th row, lists of 0..3 elements, NaN every 7th double.
std::shared_ptr<col::RecordBatch> MixedBatch(int64_t rows) {
  using namespace col;
  auto schema = MixedSchema();
  Int64Builder id(Int64());
  Int32Builder n(Int32());
  BinaryBuilder s(Utf8());
  Float64Builder d(Float64());
  BooleanBuilder b;
  UInt16Builder u(UInt16());
  Decimal128Builder dec(Decimal(10, 2));
  auto tags = MakeBuilder(List(Utf8()));
  auto st = MakeBuilder(schema->field(8)->type());
  auto m = MakeBuilder(schema->field(9)->type());
  for (int64_t r = 0; r < rows; ++r) {
    id.Append(r);
    if (r % 3 == 1) n.AppendNull(); else n.Append(static_cast<int32_t>((r * 7919) % 1000 - 500));
    if (r % 5 == 2) s.AppendNull(); else s.Append("k" + std::to_string(r % 17));
    if (r % 11 == 4) d.AppendNull(); else d.Append(r % 7 == 0 ? std::nan("") : static_cast<double>(r % 100) - 50.5);
    if (r % 4 == 3) b.AppendNull(); else b.Append(r % 2 == 0);
    u.Append(static_cast<uint16_t>(65535 - r % 1000));
    dec.Append(static_cast<__int128>(r * 25 - 1000));
    auto* lb = static_cast<ListBuilder*>(tags.get());
    if (r % 6 == 5) {
      lb->AppendNull();
    } else {
      lb->Append();
      for (int k = 0; k < r % 4; ++k) static_cast<BinaryBuilder*>(lb->value_builder())->Append("t" + std::to_string(k));
    }
    auto* sb = static_cast<StructBuilder*>(st.get());
    if (r % 9 == 8) {
      sb->AppendNull();
    } else {
      sb->Append();
      static_cast<Int32Builder*>(sb->child(0))->Append(static_cast<int32_t>(r));
      auto* yl = static_cast<ListBuilder*>(sb->child(1));
      yl->Append();
      for (int k = 0; k < r % 3; ++k) static_cast<Int64Builder*>(yl->value_builder())->Append(r * 10 + k);
    }
    auto* mb = static_cast<MapBuilder*>(m.get());
    mb->Append();
    for (int k = 0; k < r % 3; ++k) {
      mb->AppendEntry();
      static_cast<BinaryBuilder*>(mb->key_builder())->Append("key" + std::to_string(k));
      static_cast<Int32Builder*>(mb->item_builder())->Append(k);
    }
  }
  return std::make_shared<RecordBatch>(
      schema,
      std::vector<ArrayPtr>{id.Finish(), n.Finish(), s.Finish(), d.Finish(), b.Finish(), u.Finish(), dec.Finish(),
                            tags->Finish(), st->Finish(), m->Finish()},
      rows);
}

std::shared_ptr<std::vector<uint8_t>> WriteMixed(int64_t rows, WriterOptions o) {
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  auto batch = MixedBatch(rows);
  auto w = ParquetWriter::OpenBuffer(bytes.get(), batch->schema(), o);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE((*w)->WriteBatch(*batch).ok());
  EXPECT_TRUE((*w)->Close().ok());
  return bytes;
}

// Every row range of `r`'s row group g read in parts of `step` rows equals the whole read.
void ExpectBatchesEqualWhole(const ParquetReader& r, int g, int64_t step, const std::string& what) {
  auto whole = r.ReadRowGroup(g);
  ASSERT_TRUE(whole.ok()) << what << ": " << whole.status().ToString();
  const auto want = Json(**whole);
  std::vector<std::string> got;
  int batches = 0;
  auto st = r.ReadRowGroupBatches(g, step, {}, [&](std::shared_ptr<col::RecordBatch> b) {
    for (const auto& c : b->columns()) {
      auto v = c->Validate();
      if (!v.ok()) return v;
    }
    if (step > 0 && b->num_rows() > step) return base::Status::Internal("batch too large");
    for (auto& l : Json(*b)) got.push_back(std::move(l));
    ++batches;
    return base::Status::OK();
  });
  ASSERT_TRUE(st.ok()) << what << " step " << step << ": " << st.ToString();
  ASSERT_EQ(got.size(), want.size()) << what << " step " << step;
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << what << " step " << step << " row " << i;
}

TEST(ParquetRowRangeTest, RangesOfTinyPagesMatchTheWholeRowGroup) {
  for (bool v2 : {false, true}) {
    WriterOptions o;
    o.max_row_group_rows = 300;
    o.max_page_rows = 37;
    o.target_page_bytes = 300;
    o.data_page_v2 = v2;
    auto bytes = WriteMixed(700, o);
    auto r = ParquetReader::OpenBuffer(bytes, "mixed.parquet");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ((*r)->num_row_groups(), 3);
    for (int g = 0; g < 3; ++g) {
      for (int64_t step : {1, 7, 36, 37, 38, 100, 299, 300, 0}) ExpectBatchesEqualWhole(**r, g, step, v2 ? "v2" : "v1");
    }
    // Single ranges, including empty, clamped and past-the-end ones.
    auto whole = (*r)->ReadRowGroup(1);
    ASSERT_TRUE(whole.ok());
    const auto all = Json(**whole);
    for (auto [first, n] : std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {0, 1}, {5, 50}, {36, 2}, {37, 37},
                                                                     {299, 5}, {100, 1000}, {300, 3}, {400, 0}}) {
      auto b = (*r)->ReadRowGroupRows(1, first, n, {0, 2, 7, 9});
      ASSERT_TRUE(b.ok()) << first << "+" << n << ": " << b.status().ToString();
      const int64_t want_n = std::max<int64_t>(0, std::min<int64_t>(n, 300 - first));
      ASSERT_EQ((*b)->num_rows(), want_n) << first << "+" << n;
      ASSERT_EQ((*b)->num_columns(), 4);
      auto proj = (*r)->ReadRowGroup(1, {0, 2, 7, 9});
      ASSERT_TRUE(proj.ok());
      const auto pj = Json(**proj);
      const auto got = Json(**b);
      for (int64_t i = 0; i < want_n; ++i) EXPECT_EQ(got[i], pj[first + i]) << first << "+" << n << " row " << i;
    }
    EXPECT_FALSE((*r)->ReadRowGroupRows(1, -1, 5).ok());
    EXPECT_FALSE((*r)->ReadRowGroupRows(3, 0, 5).ok());
  }
}

// A projection naming a column twice, in any order, reads in batches like whole.
TEST(ParquetRowRangeTest, BatchesOfARepeatedProjection) {
  WriterOptions o;
  o.max_page_rows = 30;
  auto bytes = WriteMixed(200, o);
  auto r = ParquetReader::OpenBuffer(bytes, "mixed.parquet");
  ASSERT_TRUE(r.ok());
  const std::vector<int> cols = {2, 7, 2, 0};
  auto whole = (*r)->ReadRowGroup(0, cols);
  ASSERT_TRUE(whole.ok());
  std::vector<std::string> got;
  ASSERT_TRUE((*r)->ReadRowGroupBatches(0, 45, cols, [&](std::shared_ptr<col::RecordBatch> b) {
    EXPECT_EQ(b->num_columns(), 4);
    for (auto& l : Json(*b)) got.push_back(std::move(l));
    return base::Status::OK();
  }).ok());
  EXPECT_EQ(got, Json(**whole));
  EXPECT_FALSE((*r)->ReadRowGroupBatches(0, 45, {99}, [](std::shared_ptr<col::RecordBatch>) {
    return base::Status::OK();
  }).ok());
  // The callback's error stops the batches.
  int calls = 0;
  auto st = (*r)->ReadRowGroupBatches(0, 45, {}, [&](std::shared_ptr<col::RecordBatch>) {
    ++calls;
    return base::Status::Internal("stop");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(calls, 1);
}

TEST(ParquetRowRangeTest, CorpusFilesReadInBatchesEqualWholeReads) {
  int files = 0;
  for (const auto& e : fs::directory_iterator(kData)) {
    if (e.path().extension() != ".parquet" || fs::file_size(e.path()) > (8 << 20)) continue;
    auto r = ParquetReader::Open(e.path().string());
    if (!r.ok()) continue;
    bool readable = true;
    for (int g = 0; g < (*r)->num_row_groups() && readable; ++g) readable = (*r)->ReadRowGroup(g).ok();
    if (!readable) continue;  // files refused on purpose (CRC, malformed) are covered elsewhere
    ++files;
    for (int g = 0; g < (*r)->num_row_groups(); ++g) {
      for (int64_t step : {1, 3, 1000}) ExpectBatchesEqualWhole(**r, g, step, e.path().filename().string());
    }
  }
  EXPECT_GT(files, 50);
}

// large_string_map.brotli.parquet: 2 rows whose map keys hold 2 GiB of strings together,
// more than one array with int32 offsets can hold, so the row group is refused whole; one row
// per batch reads.
TEST(ParquetRowRangeTest, HugeStringRowGroupReadsInBatches) {
  auto r = ParquetReader::Open(kData + "large_string_map.brotli.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto whole = (*r)->ReadRowGroup(0);
  ASSERT_FALSE(whole.ok());
  EXPECT_NE(whole.status().message().find("2 GiB"), std::string::npos) << whole.status().ToString();
  int64_t rows = 0, key_bytes = 0;
  auto st = (*r)->ReadRowGroupBatches(0, 1, {}, [&](std::shared_ptr<col::RecordBatch> b) {
    rows += b->num_rows();
    const col::ArrayData& map = *b->column(0);
    const col::ArrayData& keys = *map.children[0]->children[0];
    for (int64_t i = 0; i < keys.length; ++i) key_bytes += static_cast<int64_t>(keys.BytesValue(i).size());
    return base::Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows, 2);
  EXPECT_GT(key_bytes, int64_t{INT32_MAX});  // more than one int32-offset array holds
}

// Brute force: the rows of the whole file whose column `c` satisfies `keep`.
std::vector<std::string> Expected(const ParquetReader& r, const std::function<bool(const col::ArrayData&, int64_t)>& keep,
                                  int c) {
  std::vector<std::string> out;
  for (int g = 0; g < r.num_row_groups(); ++g) {
    auto b = r.ReadRowGroup(g);
    EXPECT_TRUE(b.ok());
    const col::ArrayData& a = *(*b)->column(c);
    for (int64_t i = 0; i < (*b)->num_rows(); ++i) {
      if (a.IsValid(i) && keep(a, i)) out.push_back(col::RowToJson(**b, i));
    }
  }
  return out;
}

std::vector<std::string> Scanned(const ParquetReader& r, ScanOptions o, ScanStats* stats = nullptr) {
  std::vector<std::string> out;
  auto st = Scan(r, o, [&](std::shared_ptr<col::RecordBatch> b) {
    for (const auto& c : b->columns()) {
      auto v = c->Validate();
      if (!v.ok()) return v;
    }
    if (o.batch_rows > 0 && b->num_rows() > o.batch_rows) return base::Status::Internal("batch too large");
    for (auto& l : Json(*b)) out.push_back(std::move(l));
    return base::Status::OK();
  }, stats);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(ParquetScanTest, FilterRowsKeepsExactlyTheMatchingRows) {
  WriterOptions wo;
  wo.max_row_group_rows = 250;
  wo.max_page_rows = 40;
  auto bytes = WriteMixed(1000, wo);
  auto r = ParquetReader::OpenBuffer(bytes, "mixed.parquet");
  ASSERT_TRUE(r.ok());
  struct Case {
    Predicate p;
    int col;
    std::function<bool(const col::ArrayData&, int64_t)> keep;
  };
  auto nan_cmp = [](double v, double lit) { return std::isnan(v) ? 1 : v < lit ? -1 : v > lit ? 1 : 0; };
  std::vector<Case> cases = {
      {{"id", CompareOp::kLt, int64_t{10}}, 0, [](const col::ArrayData& a, int64_t i) { return a.Value<int64_t>(i) < 10; }},
      {{"id", CompareOp::kGe, int64_t{990}}, 0, [](const col::ArrayData& a, int64_t i) { return a.Value<int64_t>(i) >= 990; }},
      {{"id", CompareOp::kEq, int64_t{600}}, 0, [](const col::ArrayData& a, int64_t i) { return a.Value<int64_t>(i) == 600; }},
      {{"id", CompareOp::kGt, 995.5}, 0, [](const col::ArrayData& a, int64_t i) { return a.Value<int64_t>(i) > 995.5; }},
      {{"n", CompareOp::kLe, int64_t{-400}}, 1, [](const col::ArrayData& a, int64_t i) { return a.Value<int32_t>(i) <= -400; }},
      {{"n", CompareOp::kNe, int64_t{0}}, 1, [](const col::ArrayData& a, int64_t i) { return a.Value<int32_t>(i) != 0; }},
      {{"s", CompareOp::kEq, std::string("k3")}, 2, [](const col::ArrayData& a, int64_t i) { return a.BytesValue(i) == "k3"; }},
      {{"s", CompareOp::kGt, std::string("k5")}, 2, [](const col::ArrayData& a, int64_t i) { return a.BytesValue(i) > "k5"; }},
      {{"d", CompareOp::kGt, 40.0}, 3,
       [&](const col::ArrayData& a, int64_t i) { return nan_cmp(a.Value<double>(i), 40.0) > 0; }},  // NaN matches
      {{"d", CompareOp::kLt, -49.0}, 3,
       [&](const col::ArrayData& a, int64_t i) { return nan_cmp(a.Value<double>(i), -49.0) < 0; }},
      {{"d", CompareOp::kEq, std::nan("")}, 3, [](const col::ArrayData& a, int64_t i) { return std::isnan(a.Value<double>(i)); }},
      {{"b", CompareOp::kEq, true}, 4, [](const col::ArrayData& a, int64_t i) { return a.BoolValue(i); }},
      {{"u", CompareOp::kGt, int64_t{65000}}, 5, [](const col::ArrayData& a, int64_t i) { return a.Value<uint16_t>(i) > 65000; }},
      {{"dec", CompareOp::kLt, int64_t{-5}}, 6,  // -5.00 = -500 unscaled
       [](const col::ArrayData& a, int64_t i) { return a.Value<__int128>(i) < -500; }},
      {{"id", CompareOp::kLt, int64_t{-1}}, 0, [](const col::ArrayData&, int64_t) { return false; }},
  };
  for (const auto& c : cases) {
    const auto want = Expected(**r, c.keep, c.col);
    for (int64_t batch : {0, 1, 33, 100}) {
      ScanOptions o;
      o.predicate = c.p;
      o.filter_rows = true;
      o.batch_rows = batch;
      ScanStats stats;
      const auto got = Scanned(**r, o, &stats);
      ASSERT_EQ(got, want) << c.p.column << " batch " << batch;
      EXPECT_EQ(stats.rows_read, static_cast<int64_t>(want.size()));
    }
    // A projection without the predicate column, and one with it in another position.
    ScanOptions o;
    o.predicate = c.p;
    o.filter_rows = true;
    o.columns = {"tags", c.p.column};
    EXPECT_EQ(Scanned(**r, o).size(), want.size());
    o.columns = {"m"};
    EXPECT_EQ(Scanned(**r, o).size(), want.size());
  }
  // Row-group pruning still applies, and batches without a match are dropped.
  ScanOptions o;
  o.predicate = Predicate{"id", CompareOp::kLt, int64_t{100}};
  o.filter_rows = true;
  o.batch_rows = 50;
  ScanStats stats;
  EXPECT_EQ(Scanned(**r, o, &stats).size(), 100u);
  EXPECT_EQ(stats.row_groups_skipped, 3);
  EXPECT_EQ(stats.batches_skipped, 3);  // rows 100..249 of the first row group
  // Without filter_rows, whole row groups (in batches) are delivered.
  o.filter_rows = false;
  EXPECT_EQ(Scanned(**r, o, &stats).size(), 250u);
}

TEST(ParquetScanTest, FilterRowsErrors) {
  auto bytes = WriteMixed(10, {});
  auto r = ParquetReader::OpenBuffer(bytes, "mixed.parquet");
  ASSERT_TRUE(r.ok());
  auto run = [&](Predicate p) {
    ScanOptions o;
    o.predicate = p;
    o.filter_rows = true;
    return Scan(**r, o, [](std::shared_ptr<col::RecordBatch>) { return base::Status::OK(); });
  };
  EXPECT_TRUE(run({"nope", CompareOp::kEq, int64_t{1}}).IsNotFound());
  auto st = run({"tags", CompareOp::kEq, int64_t{1}});
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  st = run({"s", CompareOp::kEq, int64_t{1}});
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("does not fit"), std::string::npos) << st.ToString();
  EXPECT_TRUE(run({"id", CompareOp::kEq, std::string("x")}).IsInvalidArgument());
  EXPECT_TRUE(run({"dec", CompareOp::kEq, 1.5}).IsInvalidArgument());
  // The callback's error stops the scan.
  ScanOptions o;
  o.predicate = Predicate{"id", CompareOp::kGe, int64_t{0}};
  o.filter_rows = true;
  EXPECT_FALSE(Scan(**r, o, [](std::shared_ptr<col::RecordBatch>) { return base::Status::Internal("stop"); }).ok());
}

}  // namespace
}  // namespace tide::format::parquet
