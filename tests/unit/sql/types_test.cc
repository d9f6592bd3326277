// Types: parsing every type name Spark accepts and mapping it to columnar types.
#include "sql/types.h"

#include <gtest/gtest.h>

#include "sql/parser.h"
#include "sql/printer.h"

namespace tide::sql {
namespace {

std::string Columnar(std::string_view type) {
  auto spec = ParseType(type);
  if (!spec.ok()) return "PARSE ERROR: " + spec.status().message();
  auto t = ToColumnarType(**spec);
  if (!t.ok()) return t.status().ToString();
  return (*t)->ToString();
}

std::string Canonical(std::string_view type) {
  auto spec = ParseType(type);
  if (!spec.ok()) return "PARSE ERROR: " + spec.status().message();
  return ToSql(**spec);
}

TEST(SqlTypesTest, SynonymsPrintCanonically) {
  EXPECT_EQ(Canonical("byte"), "TINYINT");
  EXPECT_EQ(Canonical("short"), "SMALLINT");
  EXPECT_EQ(Canonical("integer"), "INT");
  EXPECT_EQ(Canonical("long"), "BIGINT");
  EXPECT_EQ(Canonical("real"), "FLOAT");
  EXPECT_EQ(Canonical("double precision"), "DOUBLE");
  EXPECT_EQ(Canonical("dec(5)"), "DECIMAL(5)");
  EXPECT_EQ(Canonical("numeric(5, 1)"), "DECIMAL(5,1)");
  EXPECT_EQ(Canonical("decimal"), "DECIMAL");
  EXPECT_EQ(Canonical("character(3)"), "CHAR(3)");
  EXPECT_EQ(Canonical("array<array<int>>"), "ARRAY<ARRAY<INT>>");
  EXPECT_EQ(Canonical("map<string,array<array<int>>>"), "MAP<STRING, ARRAY<ARRAY<INT>>>");
  EXPECT_EQ(Canonical("struct<a:int,b string not null comment 'x'>"), "STRUCT<a: INT, b: STRING NOT NULL COMMENT 'x'>");
  EXPECT_EQ(Canonical("struct<>"), "STRUCT<>");
  EXPECT_EQ(Canonical("interval day to second"), "INTERVAL DAY TO SECOND");
  EXPECT_EQ(Canonical("interval"), "INTERVAL");
  EXPECT_EQ(Canonical("timestamp_ltz"), "TIMESTAMP_LTZ");

  auto spec = ParseType("varchar(20)");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ((*spec)->name, TypeName::kVarchar);
  EXPECT_EQ((*spec)->precision.value_or(0), 20);
  EXPECT_EQ((*spec)->spelling, "varchar");
  EXPECT_EQ(TypeNameSql((*spec)->name), "VARCHAR");
}

TEST(SqlTypesTest, MapsToColumnarTypes) {
  EXPECT_EQ(Columnar("TINYINT"), "TINYINT");
  EXPECT_EQ(Columnar("SMALLINT"), "SMALLINT");
  EXPECT_EQ(Columnar("INT"), "INT");
  EXPECT_EQ(Columnar("LONG"), "BIGINT");
  EXPECT_EQ(Columnar("FLOAT"), "FLOAT");
  EXPECT_EQ(Columnar("DOUBLE"), "DOUBLE");
  EXPECT_EQ(Columnar("DECIMAL"), "DECIMAL(10,0)");
  EXPECT_EQ(Columnar("DECIMAL(38, 10)"), "DECIMAL(38,10)");
  EXPECT_EQ(Columnar("STRING"), "STRING");
  EXPECT_EQ(Columnar("VARCHAR(5)"), "STRING");
  EXPECT_EQ(Columnar("CHAR(5)"), "STRING");
  EXPECT_EQ(Columnar("BINARY"), "BINARY");
  EXPECT_EQ(Columnar("BOOLEAN"), "BOOLEAN");
  EXPECT_EQ(Columnar("DATE"), "DATE");
  EXPECT_EQ(Columnar("ARRAY<STRING>"), "ARRAY<STRING>");
  EXPECT_EQ(Columnar("MAP<STRING, BIGINT>"), "MAP<STRING, BIGINT>");
  EXPECT_EQ(Columnar("STRUCT<a: INT, b: STRING>"), "STRUCT<a: INT, b: STRING>");

  auto ts = ToColumnarType(**ParseType("TIMESTAMP"));
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ((*ts)->id(), columnar::TypeId::kTimestamp);
  EXPECT_TRUE((*ts)->utc_adjusted());
  EXPECT_EQ((*ts)->unit(), columnar::TimeUnit::kMicro);
  auto ntz = ToColumnarType(**ParseType("TIMESTAMP_NTZ"));
  ASSERT_TRUE(ntz.ok());
  EXPECT_FALSE((*ntz)->utc_adjusted());
  auto st = ToColumnarType(**ParseType("STRUCT<a: INT NOT NULL COMMENT 'c', b: INT>"));
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE((*st)->children()[0]->nullable());
  ASSERT_EQ((*st)->children()[0]->metadata().size(), 1u);
  EXPECT_EQ((*st)->children()[0]->metadata()[0].second, "c");
  EXPECT_TRUE((*st)->children()[1]->nullable());
  auto v = ToColumnarType(**ParseType("VOID"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)->id(), columnar::TypeId::kNull);
}

TEST(SqlTypesTest, Errors) {
  EXPECT_EQ(Columnar("DECIMAL(0)"), "InvalidArgument: line 1, column 1: DECIMAL precision 0 is outside 1..38");
  EXPECT_EQ(Columnar("ARRAY<DECIMAL(5, 6)>"),
            "InvalidArgument: line 1, column 7: DECIMAL scale 6 is larger than its precision 5");
  EXPECT_EQ(Columnar("INTERVAL DAY"), "Unsupported: line 1, column 1: type INTERVAL has no columnar type yet");
  auto first_line = [](const std::string& s) { return s.substr(0, s.find('\n')); };
  EXPECT_EQ(first_line(Canonical("DECIMAL(39)")), "PARSE ERROR: line 1, column 9: type parameter 39 is out of range (at most 38)");
  EXPECT_EQ(first_line(Canonical("ARRAY<INT")), "PARSE ERROR: line 1, column 10: expected '>', found end of input");
  EXPECT_EQ(first_line(Canonical("STRUCT<a>")), "PARSE ERROR: line 1, column 9: expected a type, found '>'");
  EXPECT_EQ(first_line(Canonical("INT INT")), "PARSE ERROR: line 1, column 5: expected end of input, found 'INT'");
}

}  // namespace
}  // namespace tide::sql
