#include "format/csv_reader.h"

#include <gtest/gtest.h>

#include <sstream>

#include "columnar/json.h"
#include "format/json_reader.h"

namespace tide::format {
namespace {

using namespace tide::columnar;  // NOLINT

std::shared_ptr<const Schema> MakeSchema(std::vector<FieldPtr> fields) {
  return std::make_shared<const Schema>(std::move(fields));
}

std::string AsJson(const std::string& csv, std::shared_ptr<const Schema> schema, CsvReadOptions opts = {}) {
  auto batches = ReadCsv(csv, schema, opts);
  EXPECT_TRUE(batches.ok()) << batches.status().ToString();
  if (!batches.ok()) return "";
  std::ostringstream out;
  for (const auto& b : *batches) EXPECT_TRUE(WriteJsonLines(*b, out).ok());
  return out.str();
}

std::string ErrorOf(const std::string& csv, std::shared_ptr<const Schema> schema, CsvReadOptions opts = {}) {
  opts.source_name = "in.csv";
  auto batches = ReadCsv(csv, schema, opts);
  EXPECT_FALSE(batches.ok());
  return batches.ok() ? "" : batches.status().ToString();
}

std::shared_ptr<const Schema> Primitives() {
  return MakeSchema({MakeField("id", Int64(), false), MakeField("i8", Int8()), MakeField("u16", UInt16()),
                     MakeField("name", Utf8()), MakeField("d", Decimal(9, 3)), MakeField("bin", Binary()),
                     MakeField("day", Date32()), MakeField("ts", Timestamp(TimeUnit::kMicro, true)),
                     MakeField("tsn", Timestamp(TimeUnit::kNano, false)), MakeField("flag", Boolean()),
                     MakeField("f", Float32()), MakeField("g", Float64()), MakeField("fb", FixedSizeBinary(1)),
                     MakeField("t", Time64(TimeUnit::kMicro))});
}

TEST(CsvReader, EveryPrimitiveTypeAndNulls) {
  const std::string csv =
      "id,i8,u16,name,d,bin,day,ts,tsn,flag,f,g,fb,t\r\n"
      "1,-128,65535,\"a,\"\"b\"\"\nc\",-12.5,AAEC,2024-02-29,2024-01-02T03:04:05.5+01:00,2000-01-01 00:00:00.000000001,TRUE,1.5,NaN,/w==,01:02:03\r\n"
      "2,,,,,,,,,,,,,\n"
      "3,+7,0,\"\",0.001,\"\",1970-01-01,1970-01-01,1970-01-01T00:00,false,-Infinity,1e308,AA,00:00:00.000001\n";
  EXPECT_EQ(AsJson(csv, Primitives()),
            "{\"id\":1,\"i8\":-128,\"u16\":65535,\"name\":\"a,\\\"b\\\"\\nc\",\"d\":\"-12.500\",\"bin\":\"AAEC\",\"day\":\"2024-02-29\","
            "\"ts\":\"2024-01-02T02:04:05.500000Z\",\"tsn\":\"2000-01-01T00:00:00.000000001\",\"flag\":true,\"f\":1.5,\"g\":\"NaN\","
            "\"fb\":\"/w==\",\"t\":\"01:02:03.000000\"}\n"
            "{\"id\":2,\"i8\":null,\"u16\":null,\"name\":null,\"d\":null,\"bin\":null,\"day\":null,\"ts\":null,\"tsn\":null,"
            "\"flag\":null,\"f\":null,\"g\":null,\"fb\":null,\"t\":null}\n"
            "{\"id\":3,\"i8\":7,\"u16\":0,\"name\":\"\",\"d\":\"0.001\",\"bin\":\"\",\"day\":\"1970-01-01\",\"ts\":\"1970-01-01T00:00:00.000000Z\","
            "\"tsn\":\"1970-01-01T00:00:00.000000000\",\"flag\":false,\"f\":\"-Infinity\",\"g\":1e+308,\"fb\":\"AA==\","
            "\"t\":\"00:00:00.000001\"}\n");
}

TEST(CsvReader, HeaderOrderMissingAndExtraColumns) {
  auto schema = MakeSchema({MakeField("a", Int32(), false), MakeField("b", Utf8()), MakeField("c", Float64())});
  EXPECT_EQ(AsJson("\xEF\xBB\xBF" "c,a\n2.5,1\n", schema), "{\"a\":1,\"b\":null,\"c\":2.5}\n");
  EXPECT_EQ(ErrorOf("b,c\nx,1\n", schema), "InvalidArgument: in.csv: the header has no column 'a' (NOT NULL)");
  CsvReadOptions strict;
  strict.require_all_columns = true;
  EXPECT_EQ(ErrorOf("a,c\n1,2\n", schema, strict), "InvalidArgument: in.csv: the header has no column 'b'");
  EXPECT_EQ(ErrorOf("a,zz\n1,2\n", schema),
            "InvalidArgument: in.csv: line 1: header column 2 \"zz\" is not in the schema (a INT, b STRING, c DOUBLE)");
  CsvReadOptions lenient;
  lenient.ignore_unknown_columns = true;
  EXPECT_EQ(AsJson("a,zz\n1,2\n", schema, lenient), "{\"a\":1,\"b\":null,\"c\":null}\n");
  EXPECT_EQ(ErrorOf("a,a\n1,2\n", schema), "InvalidArgument: in.csv: line 1: header names column \"a\" twice");
}

TEST(CsvReader, OptionsDelimiterEscapeNullStringNoHeader) {
  auto schema = MakeSchema({MakeField("a", Int32()), MakeField("b", Utf8())});
  CsvReadOptions o;
  o.has_header = false;
  o.delimiter = ';';
  o.quote = '\'';
  o.escape = '\\';
  o.null_string = "NULL";
  EXPECT_EQ(AsJson("1;'it\\'s;\\\\'\nNULL;NULL\n3;'NULL'\n4;\n", schema, o),
            "{\"a\":1,\"b\":\"it's;\\\\\"}\n{\"a\":null,\"b\":null}\n{\"a\":3,\"b\":\"NULL\"}\n{\"a\":4,\"b\":\"\"}\n");
  CsvReadOptions bad;
  bad.delimiter = '"';
  EXPECT_NE(ErrorOf("a\n", schema, bad).find("the delimiter and the quote are the same"), std::string::npos);
}

TEST(CsvReader, ErrorsNameFileLineColumnAndValue) {
  auto schema = MakeSchema({MakeField("id", Int64(), false), MakeField("age", Int8()), MakeField("day", Date32())});
  EXPECT_EQ(ErrorOf("id,age,day\n1,2,2024-01-01\n2,x1,2024-01-01\n", schema),
            "InvalidArgument: in.csv: line 3: column 'age': \"x1\" is not a valid TINYINT");
  EXPECT_EQ(ErrorOf("id,age,day\n1,200,\n", schema), "InvalidArgument: in.csv: line 2: column 'age': \"200\" is out of range for TINYINT");
  EXPECT_EQ(ErrorOf("id,age,day\n,1,\n", schema), "InvalidArgument: in.csv: line 2: column 'id': null (\"\") in a NOT NULL column");
  EXPECT_EQ(ErrorOf("id,age,day\n1,\" 1\",\n", schema), "InvalidArgument: in.csv: line 2: column 'age': \" 1\" is not a valid TINYINT");
  // The line of a record is where it starts, counting line breaks inside quotes.
  auto strs = MakeSchema({MakeField("s", Utf8()), MakeField("n", Int32())});
  EXPECT_EQ(ErrorOf("s,n\n\"a\nb\nc\",1\nx,y\n", strs), "InvalidArgument: in.csv: line 5: column 'n': \"y\" is not a valid INT");
  EXPECT_EQ(ErrorOf("s,n\n1,2,3\n", strs), "InvalidArgument: in.csv: line 2: expected 2 fields, found 3");
  EXPECT_EQ(ErrorOf("s,n\n\"abc\"x,1\n", strs),
            "InvalidArgument: in.csv: line 2: column 1: character \"x\" after a closing quote (expected a delimiter or the end of the line)");
  EXPECT_EQ(ErrorOf("s,n\n1,\"2\n", strs), "InvalidArgument: in.csv: line 2: column 2: quoted field not closed before the end of the input");
  EXPECT_EQ(ErrorOf("", strs), "InvalidArgument: in.csv: empty input: expected a header row naming the columns");
  CsvReadOptions small;
  small.max_record_bytes = 100;
  auto r = ReadCsv("s,n\n\"" + std::string(1000, 'x'), strs, small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kResourceExhausted);
}

TEST(CsvReader, NestedTypesAreRefused) {
  auto schema = MakeSchema({MakeField("a", Int32()), MakeField("tags", List(Utf8()))});
  auto r = ReadCsv("a,tags\n1,x\n", schema);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(),
            "Unsupported: <input>: column 'tags' has type ARRAY<STRING>; CSV holds only primitive types (read nested data as JSON lines)");
}

TEST(CsvReader, BatchesAndLastLineWithoutBreak) {
  auto schema = MakeSchema({MakeField("a", Int32())});
  std::string csv = "a\n";
  for (int i = 0; i < 10; ++i) csv += std::to_string(i) + (i == 9 ? "" : "\n");
  CsvReadOptions o;
  o.batch_size = 4;
  auto r = ReadCsv(csv, schema, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[2]->num_rows(), 2);
  EXPECT_EQ((*r)[2]->column(0)->Value<int32_t>(1), 9);
}

TEST(CsvReader, AgreesWithJsonReaderOnTextValues) {
  // Values the JSON writer prints as strings read the same from CSV.
  auto schema = MakeSchema({MakeField("d", Decimal(20, 4)), MakeField("ts", Timestamp(TimeUnit::kNano, true)),
                            MakeField("day", Date32())});
  const std::string json = "{\"d\":\"-1234567890123456.7890\",\"ts\":\"2024-06-30T23:59:59.123456789Z\",\"day\":\"10000-01-01\"}\n";
  auto from_json = ReadJsonLines(json, schema);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  std::ostringstream out;
  ASSERT_TRUE(WriteJsonLines(*(*from_json)[0], out).ok());
  EXPECT_EQ(out.str(), json);
  EXPECT_EQ(AsJson("d,ts,day\n-1234567890123456.7890,2024-06-30T23:59:59.123456789Z,10000-01-01\n", schema), json);
}

}  // namespace
}  // namespace tide::format
