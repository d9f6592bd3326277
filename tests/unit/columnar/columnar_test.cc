#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "columnar/builder.h"
#include "columnar/c_data.h"
#include "columnar/json.h"

namespace tide::columnar {
namespace {

std::shared_ptr<const Schema> TestSchema() {
  return std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("id", Int64(), false), MakeField("name", Utf8()), MakeField("tags", List(Utf8())),
      MakeField("m", Map(Utf8(), Int32())),
      MakeField("s", Struct({MakeField("a", Int32()), MakeField("b", Float64())})),
      MakeField("d", Decimal(10, 2)), MakeField("bin", Binary()), MakeField("day", Date32()),
      MakeField("ts", Timestamp(TimeUnit::kMicro, true)), MakeField("tsn", Timestamp(TimeUnit::kNano, false)),
      MakeField("flag", Boolean()), MakeField("f", Float32()), MakeField("u", UInt64()),
      MakeField("fb", FixedSizeBinary(2)), MakeField("t", Time64(TimeUnit::kMicro)), MakeField("n", Null())});
}

std::shared_ptr<RecordBatch> TestBatch() {
  auto schema = TestSchema();
  std::vector<std::unique_ptr<ArrayBuilder>> b;
  for (const auto& f : schema->fields()) b.push_back(MakeBuilder(f->type()));
  // Row 0: values; row 1: nulls everywhere possible; row 2: special values.
  static_cast<Int64Builder*>(b[0].get())->Append(1);
  static_cast<Int64Builder*>(b[0].get())->Append(2);
  static_cast<Int64Builder*>(b[0].get())->Append(-3);
  auto* name = static_cast<BinaryBuilder*>(b[1].get());
  name->Append("a\"b\\c\n\x01");
  name->AppendNull();
  name->Append(std::string_view("\xff ok \xc3\xa9", 7));
  auto* tags = static_cast<ListBuilder*>(b[2].get());
  auto* tv = static_cast<BinaryBuilder*>(tags->value_builder());
  tags->Append();
  tv->Append("x");
  tv->Append("y");
  tags->AppendNull();
  tags->Append();
  auto* m = static_cast<MapBuilder*>(b[3].get());
  m->Append();
  m->AppendEntry();
  static_cast<BinaryBuilder*>(m->key_builder())->Append("k");
  static_cast<Int32Builder*>(m->item_builder())->Append(7);
  m->AppendNull();
  m->Append();
  auto* s = static_cast<StructBuilder*>(b[4].get());
  s->Append();
  static_cast<Int32Builder*>(s->child(0))->Append(5);
  static_cast<Float64Builder*>(s->child(1))->Append(0.1);
  s->AppendNull();
  s->Append();
  static_cast<Int32Builder*>(s->child(0))->AppendNull();
  static_cast<Float64Builder*>(s->child(1))->Append(std::numeric_limits<double>::infinity());
  auto* d = static_cast<Decimal128Builder*>(b[5].get());
  d->Append(12345);
  d->AppendNull();
  d->Append(-5);
  auto* bin = static_cast<BinaryBuilder*>(b[6].get());
  bin->Append("hi!");
  bin->AppendNull();
  bin->Append("ab");
  auto* day = static_cast<Int32Builder*>(b[7].get());
  day->Append(0);
  day->AppendNull();
  day->Append(19000);
  auto* ts = static_cast<Int64Builder*>(b[8].get());
  ts->Append(1);
  ts->AppendNull();
  ts->Append(-1);
  auto* tsn = static_cast<Int64Builder*>(b[9].get());
  tsn->Append(1500000000123456789LL);
  tsn->AppendNull();
  tsn->Append(0);
  auto* flag = static_cast<BooleanBuilder*>(b[10].get());
  flag->Append(true);
  flag->AppendNull();
  flag->Append(false);
  auto* f = static_cast<Float32Builder*>(b[11].get());
  f->Append(0.1f);
  f->AppendNull();
  f->Append(std::nanf(""));
  auto* u = static_cast<UInt64Builder*>(b[12].get());
  u->Append(std::numeric_limits<uint64_t>::max());
  u->AppendNull();
  u->Append(0);
  auto* fb = static_cast<FixedSizeBinaryBuilder*>(b[13].get());
  EXPECT_TRUE(fb->Append("ab"));
  EXPECT_FALSE(fb->Append("abc"));
  fb->AppendNull();
  fb->Append("cd");
  auto* t = static_cast<Int64Builder*>(b[14].get());
  t->Append(3723000001LL);
  t->AppendNull();
  t->Append(0);
  b[15]->AppendNulls(3);
  std::vector<ArrayPtr> cols;
  for (auto& x : b) cols.push_back(x->Finish());
  auto r = RecordBatch::Make(schema, cols, 3);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

const char* kRow0 =
    R"({"id":1,"name":"a\"b\\c\n\u0001","tags":["x","y"],"m":[{"key":"k","value":7}],"s":{"a":5,"b":0.1},)"
    R"("d":"123.45","bin":"aGkh","day":"1970-01-01","ts":"1970-01-01T00:00:00.000001Z",)"
    R"("tsn":"2017-07-14T02:40:00.123456789","flag":true,"f":0.1,"u":18446744073709551615,"fb":"YWI=",)"
    R"("t":"01:02:03.000001","n":null})";
const char* kRow1 =
    R"({"id":2,"name":null,"tags":null,"m":null,"s":null,"d":null,"bin":null,"day":null,"ts":null,)"
    R"("tsn":null,"flag":null,"f":null,"u":null,"fb":null,"t":null,"n":null})";
const char* kRow2 =
    "{\"id\":-3,\"name\":\"\xEF\xBF\xBD ok \xC3\xA9\",\"tags\":[],\"m\":[],\"s\":{\"a\":null,\"b\":\"Infinity\"},"
    "\"d\":\"-0.05\",\"bin\":\"YWI=\",\"day\":\"2022-01-08\",\"ts\":\"1969-12-31T23:59:59.999999Z\","
    "\"tsn\":\"1970-01-01T00:00:00.000000000\",\"flag\":false,\"f\":\"NaN\",\"u\":0,\"fb\":\"Y2Q=\","
    "\"t\":\"00:00:00.000000\",\"n\":null}";

TEST(ColumnarTest, SchemaToString) {
  EXPECT_EQ(TestSchema()->ToString(),
            "id BIGINT, name STRING, tags ARRAY<STRING>, m MAP<STRING, INT>, s STRUCT<a: INT, b: DOUBLE>, "
            "d DECIMAL(10,2), bin BINARY, day DATE, ts TIMESTAMP, tsn TIMESTAMP_NTZ(9), flag BOOLEAN, f FLOAT, "
            "u UBIGINT, fb BINARY(2), t TIME, n VOID");
  EXPECT_TRUE(TestSchema()->Equals(*TestSchema()));
  EXPECT_EQ(TestSchema()->FieldIndex("m"), 3);
  EXPECT_EQ(TestSchema()->FieldIndex("zz"), -1);
}

TEST(ColumnarTest, BuildersAndJson) {
  auto batch = TestBatch();
  for (const auto& c : batch->columns()) ASSERT_TRUE(c->Validate().ok()) << c->type->ToString();
  EXPECT_EQ(batch->column(0)->null_count, 0);
  EXPECT_EQ(batch->column(0)->buffers[0], nullptr);
  EXPECT_EQ(batch->column(1)->null_count, 1);
  EXPECT_EQ(RowToJson(*batch, 0), kRow0);
  EXPECT_EQ(RowToJson(*batch, 1), kRow1);
  EXPECT_EQ(RowToJson(*batch, 2), kRow2);
  std::ostringstream os;
  ASSERT_TRUE(WriteJsonLines(*batch, os).ok());
  EXPECT_EQ(os.str(), std::string(kRow0) + "\n" + kRow1 + "\n" + kRow2 + "\n");
}

TEST(ColumnarTest, SliceSharesBuffers) {
  auto batch = TestBatch();
  auto s = batch->Slice(1, 2);
  EXPECT_EQ(s->num_rows(), 2);
  EXPECT_EQ(s->column(1)->buffers[1].get(), batch->column(1)->buffers[1].get());
  EXPECT_EQ(s->column(1)->null_count, 1);
  EXPECT_EQ(RowToJson(*s, 0), kRow1);
  EXPECT_EQ(RowToJson(*s, 1), kRow2);
  for (const auto& c : s->columns()) ASSERT_TRUE(c->Validate().ok());
}

TEST(ColumnarTest, CDataRoundTrip) {
  auto batch = TestBatch()->Slice(1, 2);
  ArrowSchema cs;
  ArrowArray ca;
  ASSERT_TRUE(ExportSchema(*batch->schema(), &cs).ok());
  ASSERT_TRUE(ExportRecordBatch(*batch, &ca).ok());
  EXPECT_STREQ(cs.format, "+s");
  EXPECT_EQ(cs.n_children, 16);
  EXPECT_STREQ(cs.children[5]->format, "d:10,2");
  EXPECT_STREQ(cs.children[8]->format, "tsu:UTC");
  EXPECT_STREQ(cs.children[3]->format, "+m");
  auto schema = ImportSchema(&cs);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(cs.release, nullptr);
  EXPECT_TRUE((*schema)->Equals(*batch->schema())) << (*schema)->ToString();
  auto back = ImportRecordBatch(&ca, *schema);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ca.release, nullptr);
  ASSERT_EQ((*back)->num_rows(), 2);
  EXPECT_EQ(RowToJson(**back, 0), kRow1);
  EXPECT_EQ(RowToJson(**back, 1), kRow2);
  // Zero copy: the imported string data is the original buffer.
  EXPECT_EQ((*back)->column(1)->buffers[2]->data(), batch->column(1)->buffers[2]->data());
}

TEST(ColumnarTest, ImportRejectsBadFormat) {
  ArrowSchema cs;
  ASSERT_TRUE(ExportType(*Int32(), &cs).ok());
  cs.format = "?";
  auto f = ImportField(&cs);
  EXPECT_FALSE(f.ok());
}

TEST(ColumnarTest, Formatting) {
  EXPECT_EQ(FormatDecimal128(0, 3), "0.000");
  EXPECT_EQ(FormatDecimal128(-1, 0), "-1");
  __int128 big = 1;
  for (int i = 0; i < 38; ++i) big *= 10;
  EXPECT_EQ(FormatDecimal128(big - 1, 0), std::string(38, '9'));
  EXPECT_EQ(FormatDate32(-1), "1969-12-31");
  EXPECT_EQ(FormatDate32(-719528), "0000-01-01");
  EXPECT_EQ(FormatTimestamp(-1, TimeUnit::kNano, false), "1969-12-31T23:59:59.999999999");
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  std::string s;
  AppendJsonString("\xed\xa0\x80", &s);  // a UTF-8 encoded surrogate is invalid
  EXPECT_EQ(s, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  s.clear();
  AppendValueJson(*MakeNullArray(List(Int32()), 2), 1, &s);
  EXPECT_EQ(s, "null");
}

TEST(ColumnarTest, ValidateCatchesBadOffsets) {
  BinaryBuilder b(Utf8());
  b.Append("abc");
  auto a = std::make_shared<ArrayData>(*b.Finish());
  std::vector<int32_t> offs = {0, 10};
  a->buffers[1] = Buffer::Copy(offs.data(), 8);
  EXPECT_FALSE(a->Validate().ok());
}

}  // namespace
}  // namespace tide::columnar
