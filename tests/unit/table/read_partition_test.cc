// Partition value serialization and Hive directory names.
#include <gtest/gtest.h>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "table/partition.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;

std::string Json(const col::ArrayPtr& a, int64_t i = 0) {
  std::string s;
  col::AppendValueJson(*a, i, &s);
  return s;
}

TEST(PartitionTest, ParseEveryType) {
  struct Case { col::TypePtr type; const char* text; const char* json; };
  const Case cases[] = {
      {col::Boolean(), "true", "true"},
      {col::Int8(), "-5", "-5"},
      {col::Int16(), "300", "300"},
      {col::Int32(), "7", "7"},
      {col::Int64(), "9223372036854775807", "9223372036854775807"},
      {col::Float32(), "1.5", "1.5"},
      {col::Float64(), "NaN", "\"NaN\""},
      {col::Float64(), "-Infinity", "\"-Infinity\""},
      {col::Decimal(10, 2), "-12.5", "\"-12.50\""},
      {col::Decimal(5, 0), "1E+3", "\"1000\""},
      {col::Utf8(), "a b/c", "\"a b/c\""},
      {col::Date32(), "2021-09-08", "\"2021-09-08\""},
      {col::Timestamp(col::TimeUnit::kMicro, true), "2021-09-08 11:11:11", "\"2021-09-08T11:11:11.000000Z\""},
      {col::Timestamp(col::TimeUnit::kMicro, true), "2020-01-01 08:09:10.001", "\"2020-01-01T08:09:10.001000Z\""},
      {col::Timestamp(col::TimeUnit::kMicro, true), "2024-01-01T10:00:00.000000Z", "\"2024-01-01T10:00:00.000000Z\""},
      {col::Timestamp(col::TimeUnit::kMicro, true), "2024-01-01T10:00:00+02:00", "\"2024-01-01T08:00:00.000000Z\""},
      {col::Timestamp(col::TimeUnit::kMicro, false), "2013-07-05 17:01:00.123456", "\"2013-07-05T17:01:00.123456\""},
  };
  for (const auto& c : cases) {
    auto a = MakePartitionColumn(c.type, std::string(c.text), 3, "p");
    ASSERT_TRUE(a.ok()) << c.text << ": " << a.status().ToString();
    EXPECT_EQ((*a)->length, 3);
    EXPECT_EQ(Json(*a, 2), c.json) << c.text;
    // Serializing the parsed value parses back to the same value.
    auto text = SerializePartitionValue(**a, 1);
    ASSERT_TRUE(text.ok());
    ASSERT_TRUE(text->has_value());
    auto again = MakePartitionColumn(c.type, **text, 1, "p");
    ASSERT_TRUE(again.ok()) << **text;
    EXPECT_EQ(Json(*again), c.json) << **text;
  }
}

TEST(PartitionTest, NullsAndErrors) {
  auto n = MakePartitionColumn(col::Int32(), std::nullopt, 2, "p");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ((*n)->null_count, 2);
  auto e = MakePartitionColumn(col::Utf8(), std::string(""), 1, "p");  // empty string = null
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE((*e)->IsNull(0));
  struct Bad { col::TypePtr type; const char* text; };
  const Bad bad[] = {{col::Int8(), "300"}, {col::Int32(), "1.5"}, {col::Boolean(), "yes"}, {col::Date32(), "2021-13-01"},
                     {col::Decimal(4, 2), "123.45"}, {col::Decimal(4, 1), "1.25"}, {col::Timestamp(col::TimeUnit::kMicro, true), "noon"}};
  for (const auto& b : bad) {
    auto r = MakePartitionColumn(b.type, std::string(b.text), 1, "col_x");
    ASSERT_FALSE(r.ok()) << b.text;
    EXPECT_NE(r.status().message().find("partition column 'col_x'"), std::string::npos) << r.status().ToString();
  }
  col::BinaryBuilder sb(col::Utf8());
  sb.Append("");
  sb.AppendNull();
  auto arr = sb.Finish();
  EXPECT_FALSE(SerializePartitionValue(*arr, 0)->has_value());
  EXPECT_FALSE(SerializePartitionValue(*arr, 1)->has_value());
}

TEST(PartitionTest, SerializeFormats) {
  col::Int64Builder tb(col::Timestamp(col::TimeUnit::kMicro, true));
  tb.Append(1631099471000000);   // 2021-09-08 11:11:11
  tb.Append(1631099471123456);
  auto ts = tb.Finish();
  EXPECT_EQ(**SerializePartitionValue(*ts, 0), "2021-09-08 11:11:11");
  EXPECT_EQ(**SerializePartitionValue(*ts, 1), "2021-09-08 11:11:11.123456");
  col::Decimal128Builder db(col::Decimal(10, 3));
  db.Append(-1500);
  EXPECT_EQ(**SerializePartitionValue(*db.Finish(), 0), "-1.500");
  col::Int32Builder dt(col::Date32());
  dt.Append(-1);
  EXPECT_EQ(**SerializePartitionValue(*dt.Finish(), 0), "1969-12-31");
}

TEST(PartitionTest, Directories) {
  EXPECT_EQ(EscapePartitionPathComponent("a b=c/d%e:f"), "a b%3Dc%2Fd%25e%3Af");
  EXPECT_EQ(EscapePartitionPathComponent("+ =%0"), "+ %3D%250");  // as in the golden hive table
  EXPECT_EQ(EscapePartitionPathComponent("x\ny"), "x%0Ay");
  EXPECT_EQ(UnescapePartitionPathComponent("+ %3D%250"), "+ =%0");
  EXPECT_EQ(UnescapePartitionPathComponent("100%"), "100%");
  PartitionValues v{{"date", "2024-01-01"}, {"city", std::nullopt}};
  EXPECT_EQ(PartitionDirectory({"date", "city"}, v), "date=2024-01-01/city=__HIVE_DEFAULT_PARTITION__/");
  EXPECT_EQ(PartitionDirectory({}, v), "");
}

TEST(PartitionTest, DecimalParsing) {
  EXPECT_EQ(static_cast<int64_t>(*ParseDecimalValue("0.00004", 10, 5)), 4);
  EXPECT_EQ(static_cast<int64_t>(*ParseDecimalValue("-2342342.23423", 12, 5)), -234234223423LL);
  EXPECT_EQ(static_cast<int64_t>(*ParseDecimalValue("1.50", 5, 1)), 15);  // trailing zeros may go
  EXPECT_FALSE(ParseDecimalValue("1.55", 5, 1).ok());
  EXPECT_FALSE(ParseDecimalValue("abc", 5, 1).ok());
  EXPECT_FALSE(ParseDecimalValue("", 5, 1).ok());
  EXPECT_EQ(*ParseDateValue("1970-01-01"), 0);
  EXPECT_EQ(*ParseDateValue("0001-01-01"), -719162);
  EXPECT_EQ(*ParseTimestampValue("1970-01-01 00:00:01.5", true), 1500000);
}

}  // namespace
}  // namespace tide::table
