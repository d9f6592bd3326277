// Delta schema JSON, Spark DDL, column mapping helpers.
#include <gtest/gtest.h>

#include "table/delta_schema.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;

TEST(DeltaSchemaTest, ParsesEveryType) {
  std::string json = R"J({"type":"struct","fields":[
    {"name":"b","type":"byte","nullable":true,"metadata":{}},
    {"name":"s","type":"short","nullable":true,"metadata":{}},
    {"name":"i","type":"integer","nullable":false,"metadata":{}},
    {"name":"l","type":"long","nullable":true,"metadata":{"comment":"x","delta.columnMapping.id":5,"delta.columnMapping.physicalName":"col-5"}},
    {"name":"f","type":"float","nullable":true,"metadata":{}},
    {"name":"d","type":"double","nullable":true,"metadata":{}},
    {"name":"bo","type":"boolean","nullable":true,"metadata":{}},
    {"name":"st","type":"string","nullable":true,"metadata":{}},
    {"name":"bi","type":"binary","nullable":true,"metadata":{}},
    {"name":"da","type":"date","nullable":true,"metadata":{}},
    {"name":"ts","type":"timestamp","nullable":true,"metadata":{}},
    {"name":"tn","type":"timestamp_ntz","nullable":true,"metadata":{}},
    {"name":"de","type":"decimal(10, 2)","nullable":true,"metadata":{}},
    {"name":"a","type":{"type":"array","elementType":"string","containsNull":false},"nullable":true,"metadata":{}},
    {"name":"m","type":{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,"metadata":{}}]},"valueContainsNull":true},"nullable":true,"metadata":{}}
  ]})J";
  auto s = ParseDeltaSchema(json);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->ToString(),
            "b TINYINT, s SMALLINT, i INT, l BIGINT, f FLOAT, d DOUBLE, bo BOOLEAN, st STRING, bi BINARY, da DATE, "
            "ts TIMESTAMP, tn TIMESTAMP_NTZ, de DECIMAL(10,2), a ARRAY<STRING>, m MAP<STRING, STRUCT<x: BIGINT>>");
  EXPECT_FALSE(s->field(2)->nullable());
  EXPECT_TRUE(s->field(10)->type()->utc_adjusted());
  EXPECT_FALSE(s->field(11)->type()->utc_adjusted());
  EXPECT_FALSE(s->field(13)->type()->children()[0]->nullable());
  const auto& l = *s->field(3);
  EXPECT_EQ(FieldMetadataString(l, "comment"), "x");
  EXPECT_EQ(FieldMetadataInt(l, kColumnMappingIdKey), 5);
  EXPECT_EQ(PhysicalName(l, ColumnMappingMode::kName), "col-5");
  EXPECT_EQ(PhysicalName(l, ColumnMappingMode::kNone), "l");
  // Round trip keeps metadata verbatim.
  auto text = SerializeDeltaSchema(*s);
  ASSERT_TRUE(text.ok());
  auto again = ParseDeltaSchema(*text);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->Equals(*s));
  EXPECT_NE(text->find(R"("delta.columnMapping.physicalName":"col-5")"), std::string::npos);
}

TEST(DeltaSchemaTest, UnsupportedAndMalformed) {
  auto v = ParseDeltaSchema(R"({"type":"struct","fields":[{"name":"v","type":"variant","nullable":true,"metadata":{}}]})");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), base::StatusCode::kUnsupported);
  EXPECT_EQ(v.status().message(), "column 'v': type 'variant' is not supported");
  auto nested = ParseDeltaSchema(
      R"({"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[{"name":"q","type":"interval"}]}}]})");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("column 's.q'"), std::string::npos);
  EXPECT_FALSE(ParseDeltaSchema("[]").ok());
  EXPECT_FALSE(ParseDeltaSchema(R"({"type":"struct"})").ok());
  auto bad_decimal = ParseDeltaSchema(R"J({"type":"struct","fields":[{"name":"d","type":"decimal(40,2)"}]})J");
  ASSERT_FALSE(bad_decimal.ok());
  EXPECT_NE(bad_decimal.status().message().find("column 'd'"), std::string::npos);
  auto no_type = ParseDeltaSchema(R"({"type":"struct","fields":[{"name":"x"}]})");
  ASSERT_FALSE(no_type.ok());
  EXPECT_NE(no_type.status().message().find("column 'x': missing 'type'"), std::string::npos);
  // Types Delta cannot store are refused when serializing.
  col::Schema u({col::MakeField("u", col::UInt32())});
  EXPECT_FALSE(SerializeDeltaSchema(u).ok());
}

TEST(DeltaSchemaTest, Ddl) {
  auto s = ParseDdl("id BIGINT NOT NULL, name string, tags ARRAY<STRING>, m MAP<STRING,INT>, s STRUCT<a: INT, b STRING>, "
                    "d DECIMAL(10,2), t timestamp_ntz, `weird name` long, x integer, y dec, z varchar(10)");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->ToString(),
            "id BIGINT, name STRING, tags ARRAY<STRING>, m MAP<STRING, INT>, s STRUCT<a: INT, b: STRING>, d DECIMAL(10,2), "
            "t TIMESTAMP_NTZ, weird name BIGINT, x INT, y DECIMAL(10,0), z STRING");
  EXPECT_FALSE(s->field(0)->nullable());
  EXPECT_TRUE(s->field(1)->nullable());

  struct Case { const char* ddl; const char* message; };
  const Case cases[] = {
      {"id BIGNT", "DDL at offset 3: expected a type, found 'BIGNT'"},
      {"id BIGINT,", "DDL at offset 10: expected a column name, found end of input"},
      {"a ARRAY<INT", "DDL at offset 11: expected '>' closing ARRAY<, found end of input"},
      {"a INT b INT", "DDL at offset 6: expected ',' or end of input, found 'b'"},
      {"d DECIMAL(50,2)", "DDL at offset 2: DECIMAL(50,2): precision must be 1..38"},
      {"a INT NOT", "NULL after NOT"},
      {"a INT, A STRING", "duplicate column 'A'"},
      {"", "empty schema"},
  };
  for (const auto& c : cases) {
    auto r = ParseDdl(c.ddl);
    ASSERT_FALSE(r.ok()) << c.ddl;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message() << " / " << c.message;
  }
}

TEST(DeltaSchemaTest, ColumnMappingMode) {
  EXPECT_EQ(*ParseColumnMappingMode({}), ColumnMappingMode::kNone);
  EXPECT_EQ(*ParseColumnMappingMode({{"delta.columnMapping.mode", "name"}}), ColumnMappingMode::kName);
  EXPECT_EQ(*ParseColumnMappingMode({{"delta.columnMapping.mode", "ID"}}), ColumnMappingMode::kId);
  EXPECT_FALSE(ParseColumnMappingMode({{"delta.columnMapping.mode", "bogus"}}).ok());
  auto s = ParseDeltaSchema(R"({"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[
      {"name":"a","type":"long","nullable":true,"metadata":{"delta.columnMapping.physicalName":"col-a"}}]},
      "nullable":true,"metadata":{"delta.columnMapping.physicalName":"col-s"}}]})");
  ASSERT_TRUE(s.ok());
  auto p = ToPhysicalSchema(*s, ColumnMappingMode::kName);
  EXPECT_EQ(p.ToString(), "col-s STRUCT<col-a: BIGINT>");
  auto f = WithFieldMetadata(*s->field(0), kColumnMappingIdKey, "7");
  EXPECT_EQ(FieldMetadataInt(*f, kColumnMappingIdKey), 7);
}

}  // namespace
}  // namespace tide::table
