#include "selftest.h"

#include <cmath>
#include <iostream>
#include <limits>
#include <string>

#include "columnar/builder.h"
#include "columnar/type.h"
#include "render.h"
#include "slt_file.h"

namespace tide::sqllogic {
namespace {

namespace col = tide::columnar;

int failures = 0;

void Expect(bool ok, const std::string& what) {
  if (!ok) {
    failures++;
    std::cout << "SELFTEST FAIL: " << what << "\n";
  }
}

void ExpectEq(const std::string& actual, const std::string& expected, const std::string& what) {
  Expect(actual == expected, what + ": expected '" + expected + "', got '" + actual + "'");
}

void TestJavaNumbers() {
  ExpectEq(JavaDoubleString(1.0), "1.0", "double 1");
  ExpectEq(JavaDoubleString(0.5), "0.5", "double 0.5");
  ExpectEq(JavaDoubleString(-2.25), "-2.25", "double -2.25");
  ExpectEq(JavaDoubleString(1e7), "1.0E7", "double 1e7");
  ExpectEq(JavaDoubleString(9999999.0), "9999999.0", "double below 1e7");
  ExpectEq(JavaDoubleString(12345678.9), "1.23456789E7", "double 12345678.9");
  ExpectEq(JavaDoubleString(0.001), "0.001", "double 1e-3");
  ExpectEq(JavaDoubleString(0.0001), "1.0E-4", "double 1e-4");
  ExpectEq(JavaDoubleString(1e20), "1.0E20", "double 1e20");
  ExpectEq(JavaDoubleString(-0.1 * 3), "-0.30000000000000004", "double -0.3");
  ExpectEq(JavaDoubleString(1.0 / 3), "0.3333333333333333", "double 1/3");
  ExpectEq(JavaDoubleString(100.0), "100.0", "double 100");
  ExpectEq(JavaDoubleString(0.0), "0.0", "double 0");
  ExpectEq(JavaDoubleString(-0.0), "-0.0", "double -0");
  ExpectEq(JavaDoubleString(std::nan("")), "NaN", "double NaN");
  ExpectEq(JavaDoubleString(-std::numeric_limits<double>::infinity()), "-Infinity", "double -inf");
  ExpectEq(JavaFloatString(1.1f), "1.1", "float 1.1");
  ExpectEq(JavaFloatString(3.0f), "3.0", "float 3");
  ExpectEq(JavaFloatString(1e10f), "1.0E10", "float 1e10");
}

void TestRounding() {
  ExpectEq(RoundDouble3(2.5), "2.500", "round 2.5");
  ExpectEq(RoundDouble3(1.0 / 3), "0.333", "round 1/3");
  ExpectEq(RoundDouble3(2.0 / 3), "0.667", "round 2/3");
  ExpectEq(RoundDouble3(0.0625), "0.063", "exact tie rounds away from zero");
  ExpectEq(RoundDouble3(-0.0625), "-0.063", "negative exact tie");
  ExpectEq(RoundDouble3(-0.0001), "0.000", "no negative zero");
  ExpectEq(RoundDouble3(123456789.0), "123456789.000", "large");
  ExpectEq(RoundDouble3(std::numeric_limits<double>::infinity()), "Infinity", "inf");
}

col::ArrayPtr Strings(const std::vector<const char*>& values) {
  auto b = col::MakeBuilder(col::Utf8());
  auto* s = static_cast<col::BinaryBuilder*>(b.get());
  for (const char* v : values) {
    if (v == nullptr) {
      s->AppendNull();
    } else {
      s->Append(v);
    }
  }
  return b->Finish();
}

void TestRenderScalars() {
  RenderOptions opt;
  col::ArrayPtr strings = Strings({"a\tb", "", nullptr, "back\\slash"});
  ExpectEq(RenderValue(*strings, 0, 'T', opt), "a\\tb", "tab escaped");
  ExpectEq(RenderValue(*strings, 1, 'T', opt), "(empty)", "empty string");
  ExpectEq(RenderValue(*strings, 2, 'T', opt), "NULL", "null string");
  ExpectEq(RenderValue(*strings, 3, 'T', opt), "back\\\\slash", "backslash escaped");

  auto db = col::MakeBuilder(col::Decimal(10, 4));
  static_cast<col::Decimal128Builder*>(db.get())->Append(-123455);  // -12.3455
  static_cast<col::Decimal128Builder*>(db.get())->Append(5);        // 0.0005
  col::ArrayPtr dec = db->Finish();
  ExpectEq(RenderValue(*dec, 0, 'T', opt), "-12.3455", "decimal T");
  ExpectEq(RenderValue(*dec, 0, 'R', opt), "-12.346", "decimal R rounds half away from zero");
  ExpectEq(RenderValue(*dec, 1, 'R', opt), "0.001", "decimal R small");

  auto ib = col::MakeBuilder(col::Int64());
  static_cast<col::Int64Builder*>(ib.get())->Append(-42);
  col::ArrayPtr ints = ib->Finish();
  ExpectEq(RenderValue(*ints, 0, 'I', opt), "-42", "int I");
  ExpectEq(RenderValue(*ints, 0, 'R', opt), "-42.000", "int R");

  auto tb = col::MakeBuilder(col::Timestamp(col::TimeUnit::kMicro, true));
  static_cast<col::Int64Builder*>(tb.get())->Append(1705314600000000LL);  // 2024-01-15 10:30:00 UTC
  static_cast<col::Int64Builder*>(tb.get())->Append(1705314600250000LL);
  col::ArrayPtr ts = tb->Finish();
  ExpectEq(RenderValue(*ts, 0, 'T', opt), "2024-01-15 10:30:00", "timestamp");
  ExpectEq(RenderValue(*ts, 1, 'T', opt), "2024-01-15 10:30:00.25", "timestamp fraction trimmed");
  RenderOptions plus2;
  plus2.utc_offset_seconds = 7200;
  ExpectEq(RenderValue(*ts, 0, 'T', plus2), "2024-01-15 12:30:00", "timestamp in the session zone");

  auto dtb = col::MakeBuilder(col::Date32());
  static_cast<col::Int32Builder*>(dtb.get())->Append(19737);  // 2024-01-15
  ExpectEq(RenderValue(*dtb->Finish(), 0, 'T', opt), "2024-01-15", "date");

  Expect(!CheckColumnType(*col::Float64(), 'I').empty(), "DOUBLE is not an I column");
  Expect(CheckColumnType(*col::Int16(), 'I').empty(), "SMALLINT is an I column");
  Expect(CheckColumnType(*col::Decimal(5, 2), 'R').empty(), "DECIMAL is an R column");
  Expect(!CheckColumnType(*col::Int32(), 'R').empty(), "INT is not an R column");
  Expect(CheckColumnType(*col::Boolean(), 'T').empty(), "anything is a T column");
}

void TestRenderNested() {
  RenderOptions opt;
  auto lb = col::MakeBuilder(col::List(col::Utf8()));
  auto* list = static_cast<col::ListBuilder*>(lb.get());
  auto* elems = static_cast<col::BinaryBuilder*>(list->value_builder());
  list->Append();
  elems->Append("a");
  elems->AppendNull();
  list->Append();
  list->AppendNull();
  col::ArrayPtr lists = lb->Finish();
  ExpectEq(RenderValue(*lists, 0, 'T', opt), "[\"a\",null]", "array of strings");
  ExpectEq(RenderValue(*lists, 1, 'T', opt), "[]", "empty array");
  ExpectEq(RenderValue(*lists, 2, 'T', opt), "NULL", "null array");

  auto mb = col::MakeBuilder(col::Map(col::Utf8(), col::Int32()));
  auto* map = static_cast<col::MapBuilder*>(mb.get());
  map->Append();
  map->AppendEntry();
  static_cast<col::BinaryBuilder*>(map->key_builder())->Append("b");
  static_cast<col::Int32Builder*>(map->item_builder())->Append(2);
  map->AppendEntry();
  static_cast<col::BinaryBuilder*>(map->key_builder())->Append("a");
  static_cast<col::Int32Builder*>(map->item_builder())->AppendNull();
  ExpectEq(RenderValue(*mb->Finish(), 0, 'T', opt), "{\"a\":null,\"b\":2}", "map entries sorted");

  auto sb = col::MakeBuilder(col::Struct({col::MakeField("x", col::Float64()), col::MakeField("s", col::Utf8())}));
  auto* st = static_cast<col::StructBuilder*>(sb.get());
  st->Append();
  static_cast<col::Float64Builder*>(st->child(0))->Append(1.0);
  static_cast<col::BinaryBuilder*>(st->child(1))->Append("q");
  st->AppendNull();
  col::ArrayPtr structs = sb->Finish();
  ExpectEq(RenderValue(*structs, 0, 'T', opt), "{\"x\":1.0,\"s\":\"q\"}", "struct");
  ExpectEq(RenderValue(*structs, 1, 'T', opt), "NULL", "null struct");
  // A slice moves the struct's offset, which applies to its children too.
  ExpectEq(RenderValue(*structs->Slice(1, 1), 0, 'T', opt), "NULL", "sliced struct");
}

void TestParser() {
  const std::string text =
      "# comment\n"
      "statement ok\n"
      "CREATE TABLE t (a INT)\n"
      "\n"
      "onlyif tide\n"
      "statement error /line 1, column 8/\n"
      "SELECT nope\n"
      "\n"
      "skipif duckdb\n"
      "query IT rowsort columns=a,2\n"
      "SELECT a,\n"
      "  b FROM t\n"
      "-- duckdb: SELECT a, b\n"
      "-- duckdb: FROM t\n"
      "----\n"
      "1\tx\n"
      "2\tNULL\n"
      "\n"
      "sleep 250 milliseconds\n"
      "\n"
      "query I\n"
      "SELECT 1 WHERE false\n"
      "----\n"
      "\n"
      "statement error\n"
      "SELECT 1/0\n"
      "----\n"
      "division by zero\n"
      "\n"
      "mode skip\n"
      "statement ok\n"
      "SKIPPED\n"
      "\n"
      "mode unskip\n"
      "halt\n";
  base::Result<std::vector<Record>> r = ParseSlt(text, "self.slt");
  Expect(r.ok(), "parse: " + r.status().ToString());
  if (!r.ok()) return;
  const std::vector<Record>& recs = *r;
  Expect(recs.size() == 7, "record count " + std::to_string(recs.size()));
  if (recs.size() != 7) return;
  Expect(recs[0].kind == RecordKind::kStatementOk && recs[0].line == 2, "statement ok at line 2");
  Expect(recs[1].kind == RecordKind::kStatementError && recs[1].error_pattern == "/line 1, column 8/" &&
             recs[1].RunsOn("tide") && !recs[1].RunsOn("duckdb"),
         "onlyif and error pattern");
  const Record& q = recs[2];
  Expect(q.kind == RecordKind::kQuery && q.types == "IT" && q.sort == SortMode::kRowSort, "query header");
  Expect(q.columns == std::vector<std::string>{"a", "2"}, "columns=");
  ExpectEq(q.sql, "SELECT a,\n  b FROM t", "query sql without duckdb lines");
  ExpectEq(q.duckdb_sql, "SELECT a, b\nFROM t", "duckdb variant");
  Expect(q.expected == std::vector<std::string>{"1\tx", "2\tNULL"}, "expected rows");
  Expect(!q.RunsOn("duckdb") && q.RunsOn("tide"), "skipif duckdb");
  Expect(recs[3].kind == RecordKind::kSleep && recs[3].sleep_ms == 250, "sleep");
  Expect(recs[4].kind == RecordKind::kQuery && recs[4].expected.empty(), "query with no rows");
  ExpectEq(recs[5].error_pattern, "division by zero", "error pattern after ----");
  Expect(recs[6].kind == RecordKind::kHalt, "mode skip dropped the record, then halt");

  auto bad = [](const std::string& t, const std::string& want) {
    base::Result<std::vector<Record>> res = ParseSlt(t, "bad.slt");
    Expect(!res.ok() && res.status().message().find(want) != std::string::npos,
           "error for '" + t + "' should mention '" + want + "', got " + res.status().ToString());
  };
  bad("query IX\nSELECT 1\n----\n1\n", "bad.slt:1: column type 'X'");
  bad("query I\nSELECT 1\n", "without '----'");
  bad("frobnicate\n", "unknown directive 'frobnicate'");
  bad("statement ok\n\n", "no SQL");
  bad("query II columns=a\nSELECT 1, 2\n----\n", "lists 1 columns");
  bad("\n\nstatement maybe\nSELECT 1\n", "bad.slt:3:");
  bad("sleep forever\n", "sleep N");
}

}  // namespace

int RunSelfTest() {
  failures = 0;
  TestJavaNumbers();
  TestRounding();
  TestRenderScalars();
  TestRenderNested();
  TestParser();
  std::cout << (failures == 0 ? "self-test passed" : "self-test FAILED: " + std::to_string(failures) + " checks")
            << std::endl;
  return failures;
}

}  // namespace tide::sqllogic
