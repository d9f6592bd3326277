// ResultPrinter and FormatSqlValue (src/cli/sql_format.h) on hand-built batches.
#include "cli/sql_format.h"

#include <gtest/gtest.h>

#include <sstream>

#include "columnar/builder.h"

namespace tide::cli {
namespace {

namespace col = tide::columnar;

std::shared_ptr<col::RecordBatch> Batch(std::vector<col::FieldPtr> fields,
                                        std::vector<std::unique_ptr<col::ArrayBuilder>>& builders) {
  auto schema = std::make_shared<const col::Schema>(std::move(fields));
  std::vector<col::ArrayPtr> cols;
  int64_t rows = builders.empty() ? 0 : builders[0]->length();
  for (auto& b : builders) cols.push_back(b->Finish());
  auto batch = col::RecordBatch::Make(schema, cols, rows);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return *batch;
}

std::string Value(const col::ArrayPtr& a, int64_t row, FormatOptions o = {}) { return FormatSqlValue(*a, row, o); }

TEST(SqlFormatTest, DoublesAsJavaPrintsThem) {
  col::Float64Builder b(col::Float64());
  for (double v : {1.0, 0.1, 1e10, 1.5e-5, -2.25, 1e7, 123456.789, 0.0}) b.Append(v);
  b.Append(std::numeric_limits<double>::quiet_NaN());
  b.Append(-std::numeric_limits<double>::infinity());
  auto a = b.Finish();
  const char* expected[] = {"1.0", "0.1", "1.0E10", "1.5E-5", "-2.25", "1.0E7", "123456.789", "0.0", "NaN", "-Infinity"};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Value(a, i), expected[i]) << i;
}

TEST(SqlFormatTest, DecimalsDatesTimestamps) {
  col::Decimal128Builder d(col::Decimal(15, 2));
  d.Append(1250);
  d.Append(-5);
  auto da = d.Finish();
  EXPECT_EQ(Value(da, 0), "12.50");
  EXPECT_EQ(Value(da, 1), "-0.05");
  col::Int32Builder day(col::Date32());
  day.Append(19000);
  EXPECT_EQ(Value(day.Finish(), 0), "2022-01-08");
  col::Int64Builder ts(col::Timestamp(col::TimeUnit::kMicro, true));
  ts.Append(1700000000123456LL);
  ts.Append(1700000000000000LL);
  ts.Append(1700000000500000LL);
  auto ta = ts.Finish();
  EXPECT_EQ(Value(ta, 0), "2023-11-14 22:13:20.123456");
  EXPECT_EQ(Value(ta, 1), "2023-11-14 22:13:20");
  EXPECT_EQ(Value(ta, 2), "2023-11-14 22:13:20.5");
  FormatOptions plus2;
  plus2.time_zone = *TimeZone::Make("+02:00");
  EXPECT_EQ(Value(ta, 1, plus2), "2023-11-15 00:13:20");
  // Local date-times are printed as stored, whatever the zone.
  col::Int64Builder ntz(col::Timestamp(col::TimeUnit::kMicro, false));
  ntz.Append(1700000000000000LL);
  EXPECT_EQ(Value(ntz.Finish(), 0, plus2), "2023-11-14 22:13:20");
}

TEST(SqlFormatTest, TimeZones) {
  auto utc = TimeZone::Make("UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->OffsetSeconds(0), 0);
  EXPECT_EQ(TimeZone::Make("-05:30")->OffsetSeconds(0), -19800);
  EXPECT_EQ(TimeZone::Make("GMT+3")->OffsetSeconds(0), 3 * 3600);
  auto ny = TimeZone::Make("America/New_York");
  if (ny.ok()) {  // needs the system tz database
    EXPECT_EQ(ny->OffsetSeconds(1700000000), -5 * 3600);  // November: EST
    EXPECT_EQ(ny->OffsetSeconds(1720000000), -4 * 3600);  // July: EDT
  }
  EXPECT_FALSE(TimeZone::Make("Nowhere/City").ok());
  EXPECT_FALSE(TimeZone::Make("../../etc/passwd").ok());
}

TEST(SqlFormatTest, NestedValues) {
  auto list_type = col::List(col::Int32());
  auto lb = col::MakeBuilder(list_type);
  auto* list = static_cast<col::ListBuilder*>(lb.get());
  auto* ints = static_cast<col::Int32Builder*>(list->value_builder());
  list->Append();
  ints->Append(1);
  ints->Append(2);
  list->Append();
  ints->AppendNull();
  list->AppendNull();
  auto la = lb->Finish();
  EXPECT_EQ(Value(la, 0), "[1, 2]");
  EXPECT_EQ(Value(la, 1), "[null]");
  EXPECT_EQ(Value(la, 2), "NULL");

  auto mb = col::MakeBuilder(col::Map(col::Utf8(), col::Int64()));
  auto* map = static_cast<col::MapBuilder*>(mb.get());
  map->Append();
  map->AppendEntry();
  static_cast<col::BinaryBuilder*>(map->key_builder())->Append("a");
  static_cast<col::Int64Builder*>(map->item_builder())->Append(1);
  map->AppendEntry();
  static_cast<col::BinaryBuilder*>(map->key_builder())->Append("b");
  static_cast<col::Int64Builder*>(map->item_builder())->AppendNull();
  EXPECT_EQ(Value(mb->Finish(), 0), "{a -> 1, b -> null}");

  auto sb = col::MakeBuilder(col::Struct({col::MakeField("x", col::Int32()), col::MakeField("y", col::Utf8())}));
  auto* st = static_cast<col::StructBuilder*>(sb.get());
  st->Append();
  static_cast<col::Int32Builder*>(st->child(0))->Append(1);
  static_cast<col::BinaryBuilder*>(st->child(1))->Append("x");
  EXPECT_EQ(Value(sb->Finish(), 0), "{1, x}");

  col::BinaryBuilder bin(col::Binary());
  bin.Append(std::string("\x01\xff", 2));
  EXPECT_EQ(Value(bin.Finish(), 0), "[01 FF]");
}

std::shared_ptr<col::RecordBatch> Sample() {
  std::vector<std::unique_ptr<col::ArrayBuilder>> b;
  b.push_back(col::MakeBuilder(col::Int64()));
  b.push_back(col::MakeBuilder(col::Utf8()));
  auto* id = static_cast<col::Int64Builder*>(b[0].get());
  auto* name = static_cast<col::BinaryBuilder*>(b[1].get());
  id->Append(1);
  name->Append("alpha");
  id->Append(-22);
  name->Append("a, \"quoted\"\nline");
  id->AppendNull();
  name->AppendNull();
  return Batch({col::MakeField("id", col::Int64()), col::MakeField("name", col::Utf8())}, b);
}

std::string Print(OutputFormat f, const col::RecordBatch& batch, int width = 0) {
  std::ostringstream out;
  FormatOptions o;
  o.max_width = width;
  ResultPrinter p(f, o, &out);
  EXPECT_TRUE(p.Begin(batch.schema()).ok());
  EXPECT_TRUE(p.Add(batch).ok());
  EXPECT_TRUE(p.Finish().ok());
  return out.str();
}

TEST(SqlFormatTest, Table) {
  EXPECT_EQ(Print(OutputFormat::kTable, *Sample()),
            "┌────────┬───────────────────┐\n"
            "│   id   │       name        │\n"
            "│ bigint │      string       │\n"
            "├────────┼───────────────────┤\n"
            "│      1 │ alpha             │\n"
            "│    -22 │ a, \"quoted\"\\nline │\n"
            "│   NULL │ NULL              │\n"
            "└────────┴───────────────────┘\n"
            "3 rows\n");
}

TEST(SqlFormatTest, TableFitsTheWidth) {
  std::string text = Print(OutputFormat::kTable, *Sample(), 24);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t width = 0;
    for (unsigned char c : line) width += (c & 0xC0) != 0x80;
    EXPECT_LE(width, 24u) << line;
  }
  EXPECT_NE(text.find("…"), std::string::npos);
}

TEST(SqlFormatTest, TableShowsAtMostMaxRows) {
  std::ostringstream out;
  FormatOptions o;
  o.max_table_rows = 2;
  ResultPrinter p(OutputFormat::kTable, o, &out);
  auto batch = Sample();
  ASSERT_TRUE(p.Begin(batch->schema()).ok());
  ASSERT_TRUE(p.Add(*batch).ok());
  ASSERT_TRUE(p.Add(*batch).ok());
  ASSERT_TRUE(p.Finish().ok());
  EXPECT_NE(out.str().find("\n6 rows (2 shown; --format csv or json prints all)\n"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("NULL"), std::string::npos);  // the third row is not shown
}

TEST(SqlFormatTest, OneRowAndNoColumns) {
  std::vector<std::unique_ptr<col::ArrayBuilder>> b;
  b.push_back(col::MakeBuilder(col::Int32()));
  static_cast<col::Int32Builder*>(b[0].get())->Append(7);
  auto batch = Batch({col::MakeField("n", col::Int32())}, b);
  EXPECT_NE(Print(OutputFormat::kTable, *batch).find("\n1 row\n"), std::string::npos);
  std::vector<std::unique_ptr<col::ArrayBuilder>> none;
  auto empty = Batch({}, none);
  EXPECT_EQ(Print(OutputFormat::kTable, *empty), "");
}

TEST(SqlFormatTest, Csv) {
  EXPECT_EQ(Print(OutputFormat::kCsv, *Sample()), "id,name\n1,alpha\n-22,\"a, \"\"quoted\"\"\nline\"\n,\n");
}

TEST(SqlFormatTest, Json) {
  EXPECT_EQ(Print(OutputFormat::kJson, *Sample()),
            "{\"id\":1,\"name\":\"alpha\"}\n{\"id\":-22,\"name\":\"a, \\\"quoted\\\"\\nline\"}\n"
            "{\"id\":null,\"name\":null}\n");
}

TEST(SqlFormatTest, ParseOutputFormat) {
  EXPECT_EQ(*ParseOutputFormat("CSV"), OutputFormat::kCsv);
  EXPECT_EQ(*ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(*ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_FALSE(ParseOutputFormat("xml").ok());
}

}  // namespace
}  // namespace tide::cli
