// Parquet writer: round trips through Tide's reader for every type, nesting, nulls, codecs,
// page and row-group splitting, dictionary encoding and statistics.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"

namespace tide::format::parquet {
namespace {

namespace col = tide::columnar;

std::shared_ptr<const col::Schema> AllTypesSchema() {
  using namespace col;
  return std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("id", Int64(), false), MakeField("b", Boolean()), MakeField("i8", Int8()), MakeField("i16", Int16()),
      MakeField("i32", Int32()), MakeField("u8", UInt8()), MakeField("u16", UInt16()), MakeField("u32", UInt32()),
      MakeField("u64", UInt64()), MakeField("f", Float32()), MakeField("d", Float64()), MakeField("dec9", Decimal(9, 2)),
      MakeField("dec18", Decimal(18, 4)), MakeField("dec38", Decimal(38, 10)), MakeField("s", Utf8()),
      MakeField("bin", Binary()), MakeField("fb", FixedSizeBinary(3)), MakeField("day", Date32()),
      MakeField("t", Time64(TimeUnit::kMicro)), MakeField("tn", Time64(TimeUnit::kNano)),
      MakeField("ts", Timestamp(TimeUnit::kMicro, true)), MakeField("ntz", Timestamp(TimeUnit::kNano, false)),
      MakeField("tags", List(Utf8())), MakeField("nested", List(List(Int32()))),
      MakeField("m", Map(Utf8(), Int64())),
      MakeField("st", Struct({MakeField("x", Int32()), MakeField("y", List(Float64())), MakeField("z", Utf8(), false)})),
      MakeField("lst", List(MakeField("element", Struct({MakeField("k", Utf8())}), false)))});
}

// Row r of the test data; every third row is mostly null.
std::shared_ptr<col::RecordBatch> AllTypesBatch(int64_t rows) {
  using namespace col;
  auto schema = AllTypesSchema();
  std::vector<std::unique_ptr<ArrayBuilder>> b;
  for (const auto& f : schema->fields()) b.push_back(MakeBuilder(f->type()));
  for (int64_t r = 0; r < rows; ++r) {
    const bool n = r % 3 == 2;
    static_cast<Int64Builder*>(b[0].get())->Append(r);
    auto num = [&](int c, auto v) {
      using B = NumericBuilder<decltype(v)>;
      if (n) b[c]->AppendNull(); else static_cast<B*>(b[c].get())->Append(v);
    };
    if (n) b[1]->AppendNull(); else static_cast<BooleanBuilder*>(b[1].get())->Append(r % 2 == 0);
    num(2, static_cast<int8_t>(-r));
    num(3, static_cast<int16_t>(r * 100 - 5000));
    num(4, static_cast<int32_t>(r * 7919 - 100000));
    num(5, static_cast<uint8_t>(250 + r % 5));
    num(6, static_cast<uint16_t>(65530 + r % 5));
    num(7, static_cast<uint32_t>(4294967290u + r % 5));
    num(8, static_cast<uint64_t>(std::numeric_limits<uint64_t>::max() - r));
    num(9, r % 7 == 0 ? std::nanf("") : static_cast<float>(r) / 3.0f);
    num(10, r % 11 == 0 ? -std::numeric_limits<double>::infinity() : static_cast<double>(r) * 1.5 - 7);
    num(11, static_cast<__int128>(r * 12345 - 99999));
    num(12, static_cast<__int128>(r) * 1000000007 - 5);
    __int128 big = 1;
    for (int k = 0; k < 37; ++k) big *= 10;
    num(13, (r % 2 ? -big : big) + r);
    if (n) b[14]->AppendNull(); else static_cast<BinaryBuilder*>(b[14].get())->Append("s" + std::to_string(r % 4) + "\xc3\xa9");
    if (n) b[15]->AppendNull(); else static_cast<BinaryBuilder*>(b[15].get())->Append(std::string("\0\xff", 2) + std::to_string(r));
    if (n) b[16]->AppendNull(); else static_cast<FixedSizeBinaryBuilder*>(b[16].get())->Append(std::string("ab") + char('0' + r % 10));
    num(17, static_cast<int32_t>(r * 400 - 80000));
    num(18, static_cast<int64_t>(r) * 1000001);
    num(19, static_cast<int64_t>(r) * 1000000001);
    num(20, static_cast<int64_t>(r) * 86400000123 - 100000000);
    num(21, static_cast<int64_t>(r) * 86400000000123);
    auto* tags = static_cast<ListBuilder*>(b[22].get());
    if (n) {
      tags->AppendNull();
    } else {
      tags->Append();
      for (int k = 0; k < r % 4; ++k) {
        if (k == 1) tags->value_builder()->AppendNull();
        else static_cast<BinaryBuilder*>(tags->value_builder())->Append("t" + std::to_string(k));
      }
    }
    auto* nested = static_cast<ListBuilder*>(b[23].get());
    nested->Append();
    auto* inner = static_cast<ListBuilder*>(nested->value_builder());
    for (int k = 0; k < r % 3; ++k) {
      if (k == 1 && r % 2) {
        inner->AppendNull();
        continue;
      }
      inner->Append();
      for (int j = 0; j <= k; ++j) static_cast<Int32Builder*>(inner->value_builder())->Append(static_cast<int32_t>(r + j));
    }
    auto* m = static_cast<MapBuilder*>(b[24].get());
    if (n) {
      m->AppendNull();
    } else {
      m->Append();
      for (int k = 0; k < r % 3; ++k) {
        m->AppendEntry();
        static_cast<BinaryBuilder*>(m->key_builder())->Append("k" + std::to_string(k));
        if (k == 1) m->item_builder()->AppendNull(); else static_cast<Int64Builder*>(m->item_builder())->Append(r * k);
      }
    }
    auto* st = static_cast<StructBuilder*>(b[25].get());
    if (n && r % 2) {
      st->AppendNull();
    } else {
      st->Append();
      if (n) st->child(0)->AppendNull(); else static_cast<Int32Builder*>(st->child(0))->Append(static_cast<int32_t>(r));
      auto* y = static_cast<ListBuilder*>(st->child(1));
      y->Append();
      static_cast<Float64Builder*>(y->value_builder())->Append(0.25 * r);
      static_cast<BinaryBuilder*>(st->child(2))->Append("z");
    }
    auto* lst = static_cast<ListBuilder*>(b[26].get());
    lst->Append();
    auto* e = static_cast<StructBuilder*>(lst->value_builder());
    for (int k = 0; k < r % 2 + 1; ++k) {
      e->Append();
      static_cast<BinaryBuilder*>(e->child(0))->Append("e" + std::to_string(k));
    }
  }
  std::vector<ArrayPtr> cols;
  for (auto& x : b) cols.push_back(x->Finish());
  auto batch = RecordBatch::Make(schema, cols, rows);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return *batch;
}

std::vector<std::string> Json(const col::RecordBatch& b) {
  std::vector<std::string> out;
  for (int64_t r = 0; r < b.num_rows(); ++r) out.push_back(col::RowToJson(b, r));
  return out;
}

std::vector<std::string> ReadBack(const std::vector<uint8_t>& bytes, int* row_groups = nullptr) {
  auto r = ParquetReader::OpenBuffer(std::make_shared<std::vector<uint8_t>>(bytes), "written.parquet");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  if (row_groups) *row_groups = (*r)->num_row_groups();
  std::vector<std::string> out;
  for (int g = 0; g < (*r)->num_row_groups(); ++g) {
    auto b = (*r)->ReadRowGroup(g);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    if (!b.ok()) return {};
    for (auto& l : Json(**b)) out.push_back(std::move(l));
  }
  return out;
}

TEST(ParquetWriterTest, RoundTripsEveryTypeWithEveryCodec) {
  auto batch = AllTypesBatch(50);
  const auto want = Json(*batch);
  for (CompressionCodec c : {CompressionCodec::kUncompressed, CompressionCodec::kSnappy, CompressionCodec::kGzip,
                             CompressionCodec::kZstd, CompressionCodec::kLz4Raw, CompressionCodec::kLz4,
                             CompressionCodec::kBrotli}) {
    std::vector<uint8_t> bytes;
    WriterOptions o;
    o.codec = c;
    auto w = ParquetWriter::OpenBuffer(&bytes, batch->schema(), o);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->WriteBatch(*batch).ok());
    ASSERT_TRUE((*w)->Close().ok());
    EXPECT_EQ(ReadBack(bytes), want) << CodecName(c);
  }
  std::vector<uint8_t> bytes;
  auto w = ParquetWriter::OpenBuffer(&bytes, batch->schema());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteBatch(*batch).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = ParquetReader::OpenBuffer(std::make_shared<std::vector<uint8_t>>(bytes), "x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->schema().ToString(), batch->schema()->ToString());
}

TEST(ParquetWriterTest, SplitsPagesAndRowGroupsAndSlices) {
  auto batch = AllTypesBatch(1000)->Slice(7, 900);  // a sliced batch: offsets everywhere
  std::vector<uint8_t> bytes;
  WriterOptions o;
  o.max_row_group_rows = 256;
  o.max_page_rows = 37;
  o.target_page_bytes = 500;
  auto w = ParquetWriter::OpenBuffer(&bytes, batch->schema(), o);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteBatch(*batch).ok());
  ASSERT_TRUE((*w)->WriteBatch(*batch->Slice(0, 10)).ok());
  ASSERT_TRUE((*w)->Close().ok());
  int groups = 0;
  auto got = ReadBack(bytes, &groups);
  auto want = Json(*batch);
  for (auto& l : Json(*batch->Slice(0, 10))) want.push_back(l);
  EXPECT_EQ(groups, 5);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << "row " << i;
}

TEST(ParquetWriterTest, DictionaryStatisticsAndPruning) {
  using namespace col;
  auto schema = std::make_shared<Schema>(std::vector<FieldPtr>{MakeField("k", Utf8()), MakeField("v", Int64()),
                                                               MakeField("u", UInt32()), MakeField("x", Float64())});
  std::vector<uint8_t> bytes;
  auto w = ParquetWriter::OpenBuffer(&bytes, schema);
  ASSERT_TRUE(w.ok());
  for (int g = 0; g < 3; ++g) {  // three row groups: v in [g*100, g*100+99]
    BinaryBuilder k(Utf8());
    Int64Builder v(Int64());
    UInt32Builder u(UInt32());
    Float64Builder x(Float64());
    for (int i = 0; i < 100; ++i) {
      k.Append(i % 2 ? "beta" : "alpha");
      if (i == 5) v.AppendNull(); else v.Append(g * 100 + i);
      u.Append(g == 2 ? 4000000000u : static_cast<uint32_t>(i));
      x.Append(i == 3 ? std::nan("") : g * 10.0 + i / 100.0);
    }
    auto b = RecordBatch::Make(schema, {k.Finish(), v.Finish(), u.Finish(), x.Finish()}, 100);
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE((*w)->WriteBatch(**b).ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto r = ParquetReader::OpenBuffer(std::make_shared<std::vector<uint8_t>>(bytes), "stats.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& md = (*r)->metadata();
  ASSERT_EQ(md.row_groups.size(), 3u);
  const auto& k = *md.row_groups[0].columns[0].meta_data;
  EXPECT_TRUE(k.dictionary_page_offset.has_value());
  EXPECT_NE(std::find(k.encodings.begin(), k.encodings.end(), Encoding::kRleDictionary), k.encodings.end());
  const auto& v = *md.row_groups[1].columns[1].meta_data->statistics;
  EXPECT_EQ(*v.null_count, 1);
  int64_t lo, hi;
  std::memcpy(&lo, v.min_value->data(), 8);
  std::memcpy(&hi, v.max_value->data(), 8);
  EXPECT_EQ(lo, 100);
  EXPECT_EQ(hi, 199);
  auto skipped = [&](Predicate p) {
    int n = 0;
    for (int g = 0; g < 3; ++g) n += RowGroupCannotMatch(**r, g, p);
    return n;
  };
  EXPECT_EQ(skipped({"v", CompareOp::kEq, int64_t{150}}), 2);
  EXPECT_EQ(skipped({"v", CompareOp::kGe, int64_t{200}}), 2);
  EXPECT_EQ(skipped({"k", CompareOp::kEq, std::string("gamma")}), 3);
  EXPECT_EQ(skipped({"k", CompareOp::kEq, std::string("beta")}), 0);
  EXPECT_EQ(skipped({"u", CompareOp::kGt, int64_t{3000000000}}), 2);  // unsigned order
  EXPECT_EQ(skipped({"x", CompareOp::kLt, 5.0}), 2);                   // NaN excluded from bounds
  std::string meta = DescribeMetadata(**r);
  EXPECT_NE(meta.find("\"min_value\":\"alpha\""), std::string::npos) << meta;
  EXPECT_NE(meta.find("RLE_DICTIONARY"), std::string::npos);
  EXPECT_EQ(ReadBack(bytes).size(), 300u);
}

TEST(ParquetWriterTest, ErrorsAreValues) {
  using namespace col;
  auto schema = std::make_shared<Schema>(std::vector<FieldPtr>{MakeField("a", Int32(), false)});
  std::vector<uint8_t> bytes;
  auto w = ParquetWriter::OpenBuffer(&bytes, schema);
  ASSERT_TRUE(w.ok());
  Int32Builder b(Int32());
  b.AppendNull();
  auto batch = std::make_shared<RecordBatch>(schema, std::vector<ArrayPtr>{b.Finish()}, 1);
  auto st = (*w)->WriteBatch(*batch);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("NOT NULL"), std::string::npos) << st.ToString();
  EXPECT_FALSE((*w)->Close().ok());  // the earlier error sticks
  auto other = std::make_shared<Schema>(std::vector<FieldPtr>{MakeField("b", Int64())});
  std::vector<uint8_t> bytes2;
  auto w2 = ParquetWriter::OpenBuffer(&bytes2, schema);
  ASSERT_TRUE(w2.ok());
  Int64Builder b2(Int64());
  b2.Append(1);
  EXPECT_FALSE((*w2)->WriteBatch(RecordBatch(other, {b2.Finish()}, 1)).ok());
  auto v = std::make_shared<Schema>(std::vector<FieldPtr>{MakeField("n", Null())});
  std::vector<uint8_t> bytes3;
  EXPECT_FALSE(ParquetWriter::OpenBuffer(&bytes3, v).ok());
  EXPECT_FALSE(ParquetWriter::Open("/nonexistent-dir/x.parquet", schema).ok());
}

TEST(ParquetWriterTest, WritesFilesAndRewrites) {
  auto dir = std::filesystem::temp_directory_path() / ("tide_pq_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "a.parquet").string();
  auto batch = AllTypesBatch(20);
  {
    auto w = ParquetWriter::Open(path, batch->schema());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->WriteBatch(*batch).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  const std::string copy = (dir / "b.parquet").string();
  ASSERT_TRUE(RewriteParquetFile(path, copy).ok());
  auto r = ParquetReader::Open(copy);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto b = (*r)->ReadRowGroup(0);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Json(**b), Json(*batch));
  std::filesystem::remove_all(dir);
}

// Page v2, the DELTA encodings and dictionary on/off: every combination reads back equal,
// and the column metadata lists the encodings used.
TEST(ParquetWriterTest, PageV2AndDeltaEncodingsRoundTrip) {
  auto batch = AllTypesBatch(300);
  const auto want = Json(*batch);
  for (bool v2 : {false, true}) {
    for (Encoding ie : {Encoding::kPlain, Encoding::kDeltaBinaryPacked}) {
      for (Encoding be : {Encoding::kPlain, Encoding::kDeltaLengthByteArray, Encoding::kDeltaByteArray}) {
        for (bool dict : {true, false}) {
          WriterOptions o;
          o.data_page_v2 = v2;
          o.integer_encoding = ie;
          o.byte_array_encoding = be;
          o.dictionary = dict;
          o.max_page_rows = 64;
          o.codec = v2 ? CompressionCodec::kZstd : CompressionCodec::kSnappy;
          std::vector<uint8_t> bytes;
          auto w = ParquetWriter::OpenBuffer(&bytes, batch->schema(), o);
          ASSERT_TRUE(w.ok()) << w.status().ToString();
          ASSERT_TRUE((*w)->WriteBatch(*batch).ok());
          ASSERT_TRUE((*w)->Close().ok());
          const std::string what = std::string(v2 ? "v2 " : "v1 ") + EncodingName(ie) + " " + EncodingName(be) +
                                   (dict ? " dict" : "");
          ASSERT_EQ(ReadBack(bytes), want) << what;
          auto r = ParquetReader::OpenBuffer(std::make_shared<std::vector<uint8_t>>(bytes), "enc.parquet");
          ASSERT_TRUE(r.ok());
          const auto& cols = (*r)->metadata().row_groups[0].columns;
          auto has = [&](int leaf, Encoding e) {
            const auto& es = cols[leaf].meta_data->encodings;
            return std::find(es.begin(), es.end(), e) != es.end();
          };
          EXPECT_EQ(has(0, Encoding::kDeltaBinaryPacked), ie == Encoding::kDeltaBinaryPacked) << what;  // id
          EXPECT_FALSE(has(10, Encoding::kDeltaBinaryPacked)) << what;  // doubles stay PLAIN
          if (!dict) {
            EXPECT_EQ(has(15, be), true) << what;              // bin: unique values
          }
        }
      }
    }
  }
  WriterOptions bad;
  bad.integer_encoding = Encoding::kDeltaByteArray;
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(ParquetWriter::OpenBuffer(&bytes, batch->schema(), bad).status().IsInvalidArgument());
  bad = WriterOptions();
  bad.byte_array_encoding = Encoding::kRleDictionary;
  EXPECT_TRUE(ParquetWriter::OpenBuffer(&bytes, batch->schema(), bad).status().IsInvalidArgument());
}

TEST(ParquetWriterTest, SizeStatisticsCountBytesAndLevels) {
  using namespace col;
  auto schema = std::make_shared<Schema>(std::vector<FieldPtr>{MakeField("s", Utf8()), MakeField("id", Int64(), false),
                                                               MakeField("l", List(Int32()))});
  BinaryBuilder s(Utf8());
  Int64Builder id(Int64());
  auto l = MakeBuilder(List(Int32()));
  auto* lb = static_cast<ListBuilder*>(l.get());
  // s: "a", null, "bcd", ""; l: [1, null], null, [], [7]
  s.Append("a");
  s.AppendNull();
  s.Append("bcd");
  s.Append("");
  for (int i = 0; i < 4; ++i) id.Append(i);
  lb->Append();
  static_cast<Int32Builder*>(lb->value_builder())->Append(1);
  lb->value_builder()->AppendNull();
  lb->AppendNull();
  lb->Append();
  lb->Append();
  static_cast<Int32Builder*>(lb->value_builder())->Append(7);
  auto batch = RecordBatch::Make(schema, {s.Finish(), id.Finish(), l->Finish()}, 4);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  std::vector<uint8_t> bytes;
  auto w = ParquetWriter::OpenBuffer(&bytes, schema);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteBatch(**batch).ok());
  ASSERT_TRUE((*w)->Close().ok());
  auto r = ParquetReader::OpenBuffer(std::make_shared<std::vector<uint8_t>>(bytes), "size.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& cols = (*r)->metadata().row_groups[0].columns;
  const auto& zs = *cols[0].meta_data->size_statistics;
  EXPECT_EQ(zs.unencoded_byte_array_data_bytes, 4);
  EXPECT_EQ(zs.definition_level_histogram, (std::vector<int64_t>{1, 3}));
  EXPECT_TRUE(zs.repetition_level_histogram.empty());
  const auto& zi = *cols[1].meta_data->size_statistics;  // required, flat: nothing to count
  EXPECT_FALSE(zi.unencoded_byte_array_data_bytes.has_value());
  EXPECT_TRUE(zi.definition_level_histogram.empty());
  // l.list.element: max_def 3 (list null 0, empty 1, element null 2, value 3), max_rep 1.
  const auto& zl = *cols[2].meta_data->size_statistics;
  EXPECT_EQ(zl.definition_level_histogram, (std::vector<int64_t>{1, 1, 1, 2}));
  EXPECT_EQ(zl.repetition_level_histogram, (std::vector<int64_t>{4, 1}));
  EXPECT_NE(DescribeMetadata(**r).find("\"size_statistics\""), std::string::npos);
  WriterOptions off;
  off.size_statistics = false;
  bytes.clear();
  w = ParquetWriter::OpenBuffer(&bytes, schema, off);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteBatch(**batch).ok());
  ASSERT_TRUE((*w)->Close().ok());
  r = ParquetReader::OpenBuffer(std::make_shared<std::vector<uint8_t>>(bytes), "size.parquet");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)->metadata().row_groups[0].columns[0].meta_data->size_statistics.has_value());
}

// Numeric columns get a dictionary when their distinct values are few (bit-exact: NaN, -0.0
// and +0.0 stay distinct), and keep PLAIN when nearly every value differs.
TEST(ParquetWriterTest, NumericDictionaryWhenItPays) {
  using namespace col;
  auto schema = std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("few", Int32()), MakeField("many", Int64(), false), MakeField("d", Float64()), MakeField("i8", Int8())});
  Int32Builder few(Int32());
  Int64Builder many(Int64());
  Float64Builder d(Float64());
  Int8Builder i8(Int8());
  const double specials[] = {0.0, -0.0, std::nan(""), 1.5, -std::numeric_limits<double>::infinity()};
  for (int i = 0; i < 5000; ++i) {
    if (i % 10 == 0) few.AppendNull(); else few.Append(i % 37 - 18);
    many.Append(int64_t{i} * 1000003);
    d.Append(specials[i % 5]);
    i8.Append(static_cast<int8_t>(i % 3 - 1));
  }
  auto batch = RecordBatch::Make(schema, {few.Finish(), many.Finish(), d.Finish(), i8.Finish()}, 5000);
  ASSERT_TRUE(batch.ok());
  std::vector<uint8_t> bytes;
  WriterOptions o;
  o.max_page_rows = 700;
  auto w = ParquetWriter::OpenBuffer(&bytes, schema, o);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->WriteBatch(**batch).ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(ReadBack(bytes), Json(**batch));
  auto r = ParquetReader::OpenBuffer(std::make_shared<std::vector<uint8_t>>(bytes), "numdict.parquet");
  ASSERT_TRUE(r.ok());
  const auto& cols = (*r)->metadata().row_groups[0].columns;
  auto dict = [&](int c) { return cols[c].meta_data->dictionary_page_offset.has_value(); };
  EXPECT_TRUE(dict(0));
  EXPECT_FALSE(dict(1));
  EXPECT_TRUE(dict(2));
  EXPECT_TRUE(dict(3));
  // Statistics still come from the values: few in [-18, 18].
  int32_t lo, hi;
  std::memcpy(&lo, cols[0].meta_data->statistics->min_value->data(), 4);
  std::memcpy(&hi, cols[0].meta_data->statistics->max_value->data(), 4);
  EXPECT_EQ(lo, -18);
  EXPECT_EQ(hi, 18);
  // Batched reads of dictionary pages.
  std::vector<std::string> got;
  ASSERT_TRUE((*r)->ReadRowGroupBatches(0, 333, {}, [&](std::shared_ptr<RecordBatch> b) {
    for (auto& l : Json(*b)) got.push_back(l);
    return base::Status::OK();
  }).ok());
  EXPECT_EQ(got, Json(**batch));
}

}  // namespace
}  // namespace tide::format::parquet

namespace tide::format::parquet {
namespace {

// Field ids given as "PARQUET:field_id" metadata land in the file's schema (top level, in
// structs and in list elements) so id-based readers (Delta column mapping "id" mode) find them.
TEST(ParquetWriterFieldIds, WrittenFromFieldMetadata) {
  using namespace tide::columnar;
  KeyValueMetadata id7 = {{kFieldIdMetadataKey, "7"}};
  KeyValueMetadata id9 = {{kFieldIdMetadataKey, "9"}};
  auto schema = std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("a", Int64(), true, id7), MakeField("s", Struct({MakeField("x", Int32(), true, id9)})),
      MakeField("plain", Utf8())});
  auto elements = ToParquetSchema(*schema);
  ASSERT_TRUE(elements.ok()) << elements.status().ToString();
  std::map<std::string, std::optional<int32_t>> ids;
  for (const auto& e : *elements) ids[e.name] = e.field_id;
  EXPECT_EQ(ids["a"], 7);
  EXPECT_EQ(ids["x"], 9);
  EXPECT_EQ(ids["plain"], std::nullopt);

  std::vector<uint8_t> bytes;
  auto writer = ParquetWriter::OpenBuffer(&bytes, schema);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto reader = ParquetReader::OpenBuffer(std::make_shared<const std::vector<uint8_t>>(bytes), "ids.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  bool found = false;
  for (const auto& e : (*reader)->metadata().schema) {
    if (e.name == "a") {
      found = true;
      EXPECT_EQ(e.field_id, 7);
    }
  }
  EXPECT_TRUE(found);
}

TEST(ParquetWriterFieldIds, RejectsNonIntegerId) {
  using namespace tide::columnar;
  auto schema = std::make_shared<Schema>(
      std::vector<FieldPtr>{MakeField("a", Int64(), true, KeyValueMetadata{{kFieldIdMetadataKey, "x1"}})});
  auto elements = ToParquetSchema(*schema);
  ASSERT_FALSE(elements.ok());
  EXPECT_NE(elements.status().message().find("field id 'x1'"), std::string::npos) << elements.status().ToString();
}

}  // namespace
}  // namespace tide::format::parquet
