#include "format/json_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "format/csv_reader.h"

namespace tide::format {
namespace {

using namespace tide::columnar;  // NOLINT

std::shared_ptr<const Schema> MakeSchema(std::vector<FieldPtr> fields) {
  return std::make_shared<const Schema>(std::move(fields));
}

// Reads `text` and returns its rows re-serialized as JSON lines.
std::string RoundTrip(const std::string& text, std::shared_ptr<const Schema> schema, JsonReadOptions opts = {}) {
  auto batches = ReadJsonLines(text, schema, opts);
  EXPECT_TRUE(batches.ok()) << batches.status().ToString();
  if (!batches.ok()) return "";
  std::ostringstream out;
  for (const auto& b : *batches) EXPECT_TRUE(WriteJsonLines(*b, out).ok());
  return out.str();
}

std::string ErrorOf(const std::string& text, std::shared_ptr<const Schema> schema, JsonReadOptions opts = {}) {
  opts.source_name = "in.json";
  auto batches = ReadJsonLines(text, schema, opts);
  EXPECT_FALSE(batches.ok());
  return batches.ok() ? "" : batches.status().ToString();
}

std::shared_ptr<const Schema> EveryTypeSchema() {
  return MakeSchema({
      MakeField("id", Int64(), false), MakeField("i8", Int8()), MakeField("i16", Int16()), MakeField("i32", Int32()),
      MakeField("u8", UInt8()), MakeField("u16", UInt16()), MakeField("u32", UInt32()), MakeField("u64", UInt64()),
      MakeField("name", Utf8()), MakeField("tags", List(Utf8())), MakeField("m", Map(Utf8(), Int32())),
      MakeField("mi", Map(Int32(), Utf8())),
      MakeField("s", Struct({MakeField("a", Int32()), MakeField("b", Float64())})), MakeField("d", Decimal(10, 2)),
      MakeField("big", Decimal(38, 0)), MakeField("bin", Binary()), MakeField("day", Date32()),
      MakeField("ts", Timestamp(TimeUnit::kMicro, true)), MakeField("tsn", Timestamp(TimeUnit::kNano, false)),
      MakeField("flag", Boolean()), MakeField("f", Float32()), MakeField("g", Float64()),
      MakeField("fb", FixedSizeBinary(2)), MakeField("t", Time64(TimeUnit::kMicro)),
      MakeField("tn", Time64(TimeUnit::kNano)), MakeField("n", Null()),
      MakeField("nested", List(Struct({MakeField("k", Utf8()), MakeField("v", List(Int64()))}))),
  });
}

TEST(JsonReader, EveryTypeRoundTripsThroughTheWriter) {
  const std::string text =
      R"({"id":1,"i8":-128,"i16":32767,"i32":-2147483648,"u8":255,"u16":65535,"u32":4294967295,"u64":18446744073709551615,)"
      R"("name":"a\"b\\c\n\u0001é","tags":["x","y"],"m":[{"key":"k","value":7}],"mi":[{"key":3,"value":"c"}],)"
      R"("s":{"a":5,"b":0.1},"d":"-12.50","big":"-99999999999999999999999999999999999999","bin":"AAEC/w==","day":"2024-02-29",)"
      R"("ts":"2024-01-02T03:04:05.123456Z","tsn":"1677-09-21T00:12:43.145224192","flag":true,"f":1.5,"g":-1e-300,)"
      R"("fb":"AQI=","t":"23:59:59.999999","tn":"00:00:00.000000001","n":null,"nested":[{"k":"a","v":[1,2]},{"k":null,"v":null}]})"
      "\n"
      R"({"id":2,"i8":null,"i16":null,"i32":null,"u8":null,"u16":null,"u32":null,"u64":null,"name":null,"tags":null,)"
      R"("m":null,"mi":null,"s":null,"d":null,"big":null,"bin":null,"day":null,"ts":null,"tsn":null,"flag":null,"f":null,)"
      R"("g":null,"fb":null,"t":null,"tn":null,"n":null,"nested":null})"
      "\n"
      R"({"id":-3,"i8":0,"i16":0,"i32":0,"u8":0,"u16":0,"u32":0,"u64":0,"name":"","tags":[],"m":[],"mi":[],)"
      R"("s":{"a":null,"b":"Infinity"},"d":"0.05","big":"0","bin":"","day":"-0001-12-31","ts":"1969-12-31T23:59:59.999999Z",)"
      R"("tsn":"2262-04-11T23:47:16.854775807","flag":false,"f":"NaN","g":"-Infinity","fb":"AAA=","t":"00:00:00.000000",)"
      R"("tn":"12:00:00.500000000","n":null,"nested":[]})"
      "\n";
  EXPECT_EQ(RoundTrip(text, EveryTypeSchema()), text);
}

TEST(JsonReader, WriterOutputOfBuiltBatchReadsBackEqual) {
  auto schema = MakeSchema({MakeField("x", Int64()), MakeField("s", Utf8()), MakeField("d", Decimal(5, 3)),
                            MakeField("l", List(Map(Utf8(), Float64())))});
  auto bx = MakeBuilder(schema->field(0)->type());
  auto bs = MakeBuilder(schema->field(1)->type());
  auto bd = MakeBuilder(schema->field(2)->type());
  auto bl = MakeBuilder(schema->field(3)->type());
  for (int i = 0; i < 1000; ++i) {
    static_cast<Int64Builder*>(bx.get())->Append(i * 7919LL - 3000000);
    static_cast<BinaryBuilder*>(bs.get())->Append(std::string(i % 13, static_cast<char>('a' + i % 26)));
    if (i % 5 == 0) {
      bd->AppendNull();
    } else {
      static_cast<Decimal128Builder*>(bd.get())->Append(static_cast<__int128>(i) * 37 - 10000);
    }
    auto* l = static_cast<ListBuilder*>(bl.get());
    auto* m = static_cast<MapBuilder*>(l->value_builder());
    l->Append();
    m->Append();
    m->AppendEntry();
    static_cast<BinaryBuilder*>(m->key_builder())->Append("k" + std::to_string(i));
    static_cast<Float64Builder*>(m->item_builder())->Append(i / 3.0);
  }
  RecordBatch batch(schema, {bx->Finish(), bs->Finish(), bd->Finish(), bl->Finish()}, 1000);
  std::ostringstream first;
  ASSERT_TRUE(WriteJsonLines(batch, first).ok());
  JsonReadOptions opts;
  opts.batch_size = 300;
  auto batches = ReadJsonLines(first.str(), schema, opts);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 4u);  // 300 + 300 + 300 + 100
  EXPECT_EQ((*batches)[3]->num_rows(), 100);
  std::ostringstream second;
  for (const auto& b : *batches) {
    ASSERT_TRUE(b->column(0)->Validate().ok());
    ASSERT_TRUE(WriteJsonLines(*b, second).ok());
  }
  EXPECT_EQ(second.str(), first.str());
}

TEST(JsonReader, LenientForms) {
  auto schema = MakeSchema({MakeField("d", Decimal(6, 2)), MakeField("ts", Timestamp(TimeUnit::kMicro, true)),
                            MakeField("m", Map(Utf8(), Int64())), MakeField("mi", Map(Int16(), Boolean())),
                            MakeField("bin", Binary()), MakeField("miss", Utf8()), MakeField("day", Timestamp(TimeUnit::kMicro, false))});
  const std::string text =
      "{\"d\": 12.5, \"ts\": \"2024-01-02 05:04:05+02:00\", \"m\": {\"a\": 1, \"b\": null}, \"mi\": {\"-7\": true},"
      " \"bin\": \"AQ\", \"day\": \"2024-03-01\"}\r\n"
      "\n   \n"
      "{\"d\": 1.25e2, \"ts\": \"2024-01-02T03:04Z\", \"m\": {}, \"mi\": [], \"bin\": \"AQI\", \"day\": \"2024-03-01T10:00:00Z\"}";
  EXPECT_EQ(RoundTrip(text, schema),
            "{\"d\":\"12.50\",\"ts\":\"2024-01-02T03:04:05.000000Z\",\"m\":[{\"key\":\"a\",\"value\":1},{\"key\":\"b\",\"value\":null}],"
            "\"mi\":[{\"key\":-7,\"value\":true}],\"bin\":\"AQ==\",\"miss\":null,\"day\":\"2024-03-01T00:00:00.000000\"}\n"
            "{\"d\":\"125.00\",\"ts\":\"2024-01-02T03:04:00.000000Z\",\"m\":[],\"mi\":[],\"bin\":\"AQI=\",\"miss\":null,"
            "\"day\":\"2024-03-01T10:00:00.000000\"}\n");
}

TEST(JsonReader, UnknownFieldsErrorUnlessIgnored) {
  auto schema = MakeSchema({MakeField("a", Int32()), MakeField("s", Struct({MakeField("x", Int32())}))});
  const std::string text = "{\"a\":1}\n{\"a\":2,\"s\":{\"x\":1,\"y\":2}}\n";
  EXPECT_EQ(ErrorOf(text, schema), "InvalidArgument: in.json: line 2: field 's.y': not in the schema (unknown field; set ignore_unknown_fields to skip it)");
  JsonReadOptions opts;
  opts.ignore_unknown_fields = true;
  EXPECT_EQ(RoundTrip(text + "{\"zzz\":[1,{}],\"a\":3}\n", schema, opts),
            "{\"a\":1,\"s\":null}\n{\"a\":2,\"s\":{\"x\":1}}\n{\"a\":3,\"s\":null}\n");
}

TEST(JsonReader, ErrorsNameFileLineFieldAndValue) {
  auto ints = MakeSchema({MakeField("a", Int8()), MakeField("u", UInt32()), MakeField("l", List(Int16()))});
  EXPECT_EQ(ErrorOf("{\"a\":1}\n{\"a\":300}\n", ints), "InvalidArgument: in.json: line 2: field 'a': 300 is out of range for TINYINT");
  EXPECT_NE(ErrorOf("{\"u\":-1}", ints).find("field 'u': -1 is out of range for"), std::string::npos);
  EXPECT_EQ(ErrorOf("{\"a\":1.5}", ints), "InvalidArgument: in.json: line 1: field 'a': expected an integer for TINYINT, got 1.5");
  EXPECT_EQ(ErrorOf("{\"a\":\"1\"}", ints), "InvalidArgument: in.json: line 1: field 'a': expected TINYINT, got \"1\"");
  EXPECT_EQ(ErrorOf("{\"l\":[1,2,70000]}", ints), "InvalidArgument: in.json: line 1: field 'l[2]': 70000 is out of range for SMALLINT");
  EXPECT_EQ(ErrorOf("{\"l\":{}}", ints), "InvalidArgument: in.json: line 1: field 'l': expected ARRAY<SMALLINT>, got an object");

  auto nn = MakeSchema({MakeField("id", Int64(), false), MakeField("s", Struct({MakeField("x", Utf8(), false)}))});
  EXPECT_EQ(ErrorOf("{\"id\":1}\n\n{\"s\":null}", nn), "InvalidArgument: in.json: line 3: field 'id': missing, but the field is NOT NULL");
  EXPECT_EQ(ErrorOf("{\"id\":null}", nn), "InvalidArgument: in.json: line 1: field 'id': null in a NOT NULL field");
  EXPECT_EQ(ErrorOf("{\"id\":1,\"s\":{}}", nn), "InvalidArgument: in.json: line 1: field 's.x': missing, but the field is NOT NULL");

  auto misc = MakeSchema({MakeField("d", Decimal(4, 1)), MakeField("day", Date32()), MakeField("b", Boolean()),
                          MakeField("ts", Timestamp(TimeUnit::kMicro, false)), MakeField("fb", FixedSizeBinary(3)),
                          MakeField("m", Map(Utf8(), Int32())), MakeField("f", Float64())});
  EXPECT_EQ(ErrorOf("{\"d\":\"1.25\"}", misc), "InvalidArgument: in.json: line 1: field 'd': \"1.25\" has more than 1 fraction digits for DECIMAL(4,1)");
  EXPECT_EQ(ErrorOf("{\"d\":12345}", misc), "InvalidArgument: in.json: line 1: field 'd': 12345 is out of range for DECIMAL(4,1)");
  EXPECT_EQ(ErrorOf("{\"day\":\"2023-02-29\"}", misc), "InvalidArgument: in.json: line 1: field 'day': \"2023-02-29\" is not a valid DATE (expected YYYY-MM-DD)");
  EXPECT_EQ(ErrorOf("{\"b\":1}", misc), "InvalidArgument: in.json: line 1: field 'b': expected BOOLEAN, got 1");
  EXPECT_NE(ErrorOf("{\"ts\":\"2024-01-01T00:00:00+01:00\"}", misc).find("has a zone offset"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"fb\":\"AQI=\"}", misc).find("decodes to 2 bytes, expected 3"), std::string::npos);
  EXPECT_EQ(ErrorOf("{\"m\":[{\"key\":null,\"value\":1}]}", misc), "InvalidArgument: in.json: line 1: field 'm[0]': map entry without a key (map keys are never null)");
  EXPECT_EQ(ErrorOf("{\"m\":[{\"k\":1}]}", misc), "InvalidArgument: in.json: line 1: field 'm[0]': unexpected member \"k\" in a map entry (expected key and value)");
  EXPECT_NE(ErrorOf("{\"f\":\"abc\"}", misc).find("field 'f': expected DOUBLE (a number, \"NaN\""), std::string::npos);
  EXPECT_NE(ErrorOf("{\"b\":true,\"b\":false}", misc).find("duplicate field \"b\""), std::string::npos);
}

TEST(JsonReader, MalformedInput) {
  auto schema = MakeSchema({MakeField("a", Int32())});
  EXPECT_NE(ErrorOf("{\"a\":1}\n{\"a\":", schema).find("in.json: line 2: malformed JSON at column"), std::string::npos);
  EXPECT_EQ(ErrorOf("[1]", schema), "InvalidArgument: in.json: line 1: expected a JSON object, got an array");
  EXPECT_NE(ErrorOf("{\"a\":1} {\"a\":2}", schema).find("line 1: malformed JSON"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"a\":NaN}", schema).find("malformed JSON"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"a\":\"\xff\"}", schema).find("malformed JSON"), std::string::npos);
  // Deep nesting is refused, not a stack overflow.
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_NE(ErrorOf(deep, schema).find("nested deeper than 256"), std::string::npos);
  // An over-long line is refused without reading it all into memory.
  JsonReadOptions opts;
  opts.max_line_bytes = 1000;
  auto r = ReadJsonLines("{\"a\":\"" + std::string(5000, 'x') + "\"}", schema, opts);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kResourceExhausted);
}

TEST(JsonReader, StreamingReaderStopsAtFirstErrorAndStaysFailed) {
  auto schema = MakeSchema({MakeField("a", Int32())});
  std::istringstream in("{\"a\":1}\n{\"a\":2}\n{\"a\":\"x\"}\n{\"a\":4}\n");
  JsonReadOptions opts;
  opts.batch_size = 2;
  JsonLinesReader reader(&in, schema, opts);
  auto b1 = reader.Next();
  ASSERT_TRUE(b1.ok());
  ASSERT_TRUE(*b1);
  EXPECT_EQ((*b1)->num_rows(), 2);
  auto b2 = reader.Next();
  ASSERT_FALSE(b2.ok());
  EXPECT_NE(b2.status().message().find("line 3"), std::string::npos);
  EXPECT_EQ(reader.Next().status(), b2.status());
}

TEST(JsonReader, DecimalTextForms) {
  auto schema = MakeSchema({MakeField("d", Decimal(6, 2))});
  EXPECT_EQ(RoundTrip("{\"d\":1e-2}\n{\"d\":\"-0.00\"}\n{\"d\":\"00012.3400\"}\n{\"d\":\"9999.99\"}\n{\"d\":-5}\n{\"d\":\".5\"}\n", schema),
            "{\"d\":\"0.01\"}\n{\"d\":\"0.00\"}\n{\"d\":\"12.34\"}\n{\"d\":\"9999.99\"}\n{\"d\":\"-5.00\"}\n{\"d\":\"0.50\"}\n");
  EXPECT_NE(ErrorOf("{\"d\":\"10000\"}", schema).find("is out of range for DECIMAL(6,2)"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"d\":\"1.2.3\"}", schema).find("is not a valid DECIMAL(6,2)"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"d\":\"1e999999999\"}", schema).find("out of range"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"d\":\"\"}", schema).find("is not a valid DECIMAL(6,2)"), std::string::npos);
}

TEST(JsonReader, ByteOrderMarkIsSkipped) {
  auto schema = MakeSchema({MakeField("a", Int32())});
  EXPECT_EQ(RoundTrip("\xEF\xBB\xBF{\"a\":1}\n", schema), "{\"a\":1}\n");
}

TEST(JsonReader, EmptyInputHasNoBatches) {
  auto schema = MakeSchema({MakeField("a", Int32())});
  auto r = ReadJsonLines("", schema);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  r = ReadJsonLines("\n\n", schema);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(JsonReader, InfersSchema) {
  auto schema = InferJsonSchema(
      "{\"id\":1,\"name\":\"a\",\"score\":1,\"at\":\"2024-01-01T00:00:00Z\",\"tags\":[\"x\"],\"s\":{\"a\":true},\"n\":null}\n"
      "{\"id\":2,\"name\":3,\"score\":2.5,\"at\":\"2024-01-02T00:00:00\",\"tags\":[],\"s\":{\"b\":[1]},\"extra\":\"2024\"}\n");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ((*schema)->ToString(),
            "id BIGINT, name STRING, score DOUBLE, at TIMESTAMP, tags ARRAY<STRING>, s STRUCT<a: BOOLEAN, b: ARRAY<BIGINT>>, "
            "n STRING, extra STRING");
  EXPECT_FALSE(InferJsonSchema("{\"a\":1}\n[2]\n").ok());
}

}  // namespace
}  // namespace tide::format

namespace tide::format {
namespace {

TEST(JsonReader, FilesNameThemselvesInErrors) {
  auto schema = std::make_shared<const columnar::Schema>(std::vector<columnar::FieldPtr>{columnar::MakeField("a", columnar::Int32())});
  auto missing = ReadJsonLinesFile("/nonexistent-dir/x.json", schema);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent-dir/x.json"), std::string::npos);
  char tmpl[] = "/tmp/tide_json_reader_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/in.json";
  {
    std::ofstream out(path);
    // Bigger than the reader's 1 MiB input chunk, so lines span refills.
    for (int i = 0; i < 200000; ++i) out << "{\"a\":" << i << "}\n";
    out << "{\"a\":\"x\"}\n";
  }
  auto r = ReadJsonLinesFile(path, schema);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), path + ": line 200001: field 'a': expected INT, got \"x\"");
  auto csv_missing = ReadCsvFile("/nonexistent-dir/x.csv", schema);
  EXPECT_FALSE(csv_missing.ok());
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace tide::format
