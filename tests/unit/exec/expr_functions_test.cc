// Scalar functions against Spark's documented results: strings, patterns, math, dates,
// JSON, collections, hashes, casts.
#include <gtest/gtest.h>

#include "exec/cast.h"
#include "expr_test_util.h"

namespace tide::exec::testing {
namespace {

using V = std::vector<std::string>;
using Fn = EvalFixture;

std::string Q(const std::string& s) { return "\"" + s + "\""; }

TEST_F(Fn, Strings) {
  EXPECT_EQ(One(Call("upper", {Str("straße é")})), Q("STRAßE É"));
  EXPECT_EQ(One(Call("lower", {Str("ÀBC")})), Q("àbc"));
  EXPECT_EQ(One(Call("length", {Str("héllo")})), "5");
  EXPECT_EQ(One(Call("octet_length", {Str("héllo")})), "6");
  EXPECT_EQ(One(Call("substr", {Str("Spark SQL"), Lit32(5)})), Q("k SQL"));
  EXPECT_EQ(One(Call("substr", {Str("Spark SQL"), Lit32(-3)})), Q("SQL"));
  EXPECT_EQ(One(Call("substr", {Str("Spark SQL"), Lit32(5), Lit32(1)})), Q("k"));
  EXPECT_EQ(One(Call("substr", {Str("abc"), Lit32(0), Lit32(2)})), Q("ab"));
  EXPECT_EQ(One(Call("substr", {Str("abc"), Lit32(-5), Lit32(3)})), Q("a"));
  EXPECT_EQ(One(Call("concat", {Str("a"), Str("b"), Str("c")})), Q("abc"));
  EXPECT_EQ(One(Call("concat", {Str("a"), Null(columnar::Utf8())})), "null");
  EXPECT_EQ(One(Call("concat_ws", {Str("-"), Str("a"), Null(columnar::Utf8()), Str("b")})), Q("a-b"));
  EXPECT_EQ(One(Call("trim", {Str("  x y  ")})), Q("x y"));
  EXPECT_EQ(One(Call("ltrim", {Str("xxaxx"), Str("x")})), Q("axx"));
  EXPECT_EQ(One(Call("lpad", {Str("hi"), Lit32(5), Str("ab")})), Q("abahi"));
  EXPECT_EQ(One(Call("rpad", {Str("hello"), Lit32(3)})), Q("hel"));
  EXPECT_EQ(One(Call("replace", {Str("ABCabc"), Str("abc"), Str("DEF")})), Q("ABCDEF"));
  EXPECT_EQ(One(Call("instr", {Str("SparkSQL"), Str("SQL")})), "6");
  EXPECT_EQ(One(Call("locate", {Str("bar"), Str("foobarbar"), Lit32(5)})), "7");
  EXPECT_EQ(One(Call("split_part", {Str("11.12.13"), Str("."), Lit32(-1)})), Q("13"));
  EXPECT_EQ(One(Call("substring_index", {Str("www.apache.org"), Str("."), Lit32(2)})), Q("www.apache"));
  EXPECT_EQ(One(Call("substring_index", {Str("www.apache.org"), Str("."), Lit32(-2)})), Q("apache.org"));
  EXPECT_EQ(One(Call("initcap", {Str("sPark sql")})), Q("Spark Sql"));
  EXPECT_EQ(One(Call("reverse", {Str("añb")})), Q("bña"));
  EXPECT_EQ(One(Call("repeat", {Str("ab"), Lit32(3)})), Q("ababab"));
  EXPECT_EQ(One(Call("left", {Str("Spark"), Lit32(2)})), Q("Sp"));
  EXPECT_EQ(One(Call("right", {Str("Spark"), Lit32(3)})), Q("ark"));
  EXPECT_EQ(One(Call("startswith", {Str("Spark"), Str("Sp")})), "true");
  EXPECT_EQ(One(Call("contains", {Str("Spark"), Str("ar")})), "true");
  EXPECT_EQ(One(Call("ascii", {Str("2")})), "50");
  EXPECT_EQ(One(Call("chr", {Lit(65)})), Q("A"));
  EXPECT_EQ(One(Call("translate", {Str("AaBbCc"), Str("abc"), Str("123")})), Q("A1B2C3"));
  EXPECT_EQ(One(Call("levenshtein", {Str("kitten"), Str("sitting")})), "3");
  EXPECT_EQ(One(Call("format_string", {Str("Hello %s, %d items, %.2f"), Str("x"), Lit(3), Dbl(1.5)})),
            Q("Hello x, 3 items, 1.50"));
}

TEST_F(Fn, LikeAndRegex) {
  auto b = Batch({Strings({"forest green", "green", "blue", std::nullopt, "special requests", "a_c"})});
  auto s = Col(0, columnar::Utf8());
  EXPECT_EQ(Run(Call("like", {s, Str("%green%")}), *b), (V{"true", "true", "false", "null", "false", "false"}));
  EXPECT_EQ(Run(Call("like", {s, Str("gr%")}), *b), (V{"false", "true", "false", "null", "false", "false"}));
  EXPECT_EQ(Run(Call("like", {s, Str("%special%requests%")}), *b), (V{"false", "false", "false", "null", "true", "false"}));
  EXPECT_EQ(Run(Call("like", {s, Str("a\\_c")}), *b), (V{"false", "false", "false", "null", "false", "true"}));
  EXPECT_EQ(Run(Call("like", {s, Str("_lue")}), *b), (V{"false", "false", "true", "null", "false", "false"}));
  EXPECT_EQ(Run(Call("ilike", {s, Str("%GREEN")}), *b), (V{"true", "true", "false", "null", "false", "false"}));
  EXPECT_EQ(Run(Call("rlike", {s, Str("^gr.*n$")}), *b), (V{"false", "true", "false", "null", "false", "false"}));
  EXPECT_EQ(One(Call("regexp_extract", {Str("100-200"), Str("(\\d+)-(\\d+)"), Lit32(2)})), Q("200"));
  EXPECT_EQ(One(Call("regexp_extract_all", {Str("100-200, 300-400"), Str("(\\d+)-(\\d+)"), Lit32(1)})), "[\"100\",\"300\"]");
  EXPECT_EQ(One(Call("regexp_replace", {Str("100-200"), Str("(\\d+)"), Str("<$1>")})), Q("<100>-<200>"));
  EXPECT_EQ(One(Call("split", {Str("oneAtwoBthreeC"), Str("[ABC]")})), "[\"one\",\"two\",\"three\",\"\"]");
  EXPECT_EQ(One(Call("split", {Str("a,b,c"), Str(","), Lit32(2)})), "[\"a\",\"b,c\"]");
  EXPECT_EQ(One(Call("regexp_count", {Str("Steven Jones and Stephen Smith"), Str("Ste(v|ph)en")})), "2");
  auto bad = ExpressionEvaluator::Make(Call("rlike", {s, Str("(a")}, "s RLIKE '(a'"), ctx.get());
  EXPECT_FALSE(bad.ok());
}

TEST_F(Fn, Math) {
  EXPECT_EQ(One(Call("round", {Dbl(2.5)})), "3");
  EXPECT_EQ(One(Call("round", {Dbl(-2.5)})), "-3");
  EXPECT_EQ(One(Call("bround", {Dbl(2.5)})), "2");
  EXPECT_EQ(One(Call("round", {Dbl(2.675), Lit32(2)})), "2.68");
  EXPECT_EQ(One(Call("round", {Dec("12.345", 5, 3), Lit32(2)})), Q("12.35"));
  EXPECT_EQ(One(Call("bround", {Dec("12.345", 5, 3), Lit32(2)})), Q("12.34"));
  EXPECT_EQ(One(Call("round", {Lit32(1250), Lit32(-2)})), "1300");
  EXPECT_EQ(One(Call("ceil", {Dbl(-0.1)})), "0");
  EXPECT_EQ(One(Call("floor", {Dbl(-0.1)})), "-1");
  EXPECT_EQ(One(Call("ceil", {Dec("5.01", 5, 2)})), Q("6"));
  EXPECT_EQ(One(Call("sqrt", {Lit(16)})), "4");
  EXPECT_EQ(One(Call("ln", {Lit(0)})), "null");
  EXPECT_EQ(One(Call("log", {Lit(2), Lit(8)})), "3");
  EXPECT_EQ(One(Call("pow", {Lit(2), Lit(10)})), "1024");
  EXPECT_EQ(One(Call("sign", {Dbl(-3)})), "-1");
  EXPECT_EQ(One(Call("greatest", {Lit(1), Lit(5), Null(columnar::Int64())})), "5");
  EXPECT_EQ(One(Call("least", {Dbl(1.5), Lit(0)})), "0");
  EXPECT_EQ(One(Call("abs", {Lit(-7)})), "7");
  EXPECT_EQ(One(Call("pmod", {Lit(-7), Lit(3)})), "2");
  EXPECT_EQ(One(Call("width_bucket", {Dbl(5.3), Dbl(0.2), Dbl(10.6), Lit(5)})), "3");
  EXPECT_EQ(One(Call("shiftleft", {Lit32(2), Lit32(1)})), "4");
  EXPECT_EQ(One(Call("bit_and", {Lit(12), Lit(10)})), "8");
  EXPECT_EQ(One(Call("int_divide", {Lit(7), Lit(2)})), "3");
}

TEST_F(Fn, Casts) {
  EXPECT_EQ(One(Cast(Str(" 42 "), columnar::Int32())), "42");
  EXPECT_EQ(One(Cast(Str("abc"), columnar::Int32(), true)), "null");
  EXPECT_EQ(One(Cast(Str("abc"), columnar::Int32())), "ERROR: line 1, column 1: cannot cast 'abc' to INT in 'cast('abc' as INT)'");
  EXPECT_EQ(One(Cast(Lit(300), columnar::Int8(), true)), "null");
  EXPECT_EQ(One(Cast(Dbl(1e10), columnar::Utf8())), Q("1.0E10"));
  EXPECT_EQ(One(Cast(Dbl(0.1), columnar::Utf8())), Q("0.1"));
  EXPECT_EQ(One(Cast(Dbl(123.0), columnar::Utf8())), Q("123.0"));
  EXPECT_EQ(One(Cast(Dbl(-3.9), columnar::Int32())), "-3");
  EXPECT_EQ(One(Cast(Str("1.005"), columnar::Decimal(5, 2))), Q("1.01"));
  EXPECT_EQ(One(Cast(Str("2024-02-29"), columnar::Date32())), Q("2024-02-29"));
  EXPECT_EQ(One(Cast(Str("2023-02-29"), columnar::Date32(), true)), "null");
  EXPECT_EQ(One(Cast(Str("2024-01-02 03:04:05.5"), columnar::Timestamp(columnar::TimeUnit::kMicro, true))),
            Q("2024-01-02T03:04:05.500000Z"));
  EXPECT_EQ(One(Cast(Cast(Str("2024-01-02 03:04:05.5"), columnar::Timestamp(columnar::TimeUnit::kMicro, true)), columnar::Utf8())),
            Q("2024-01-02 03:04:05.5"));
  EXPECT_EQ(One(Cast(Str("yes"), columnar::Boolean())), "true");
  EXPECT_EQ(One(Cast(Call("array", {Lit(1), Lit(2)}), columnar::Utf8())), Q("[1, 2]"));
  EXPECT_EQ(One(Cast(Call("map", {Str("a"), Lit(1)}), columnar::Utf8())), Q("{a -> 1}"));
  EXPECT_EQ(One(Cast(Call("named_struct", {Str("x"), Lit(1), Str("y"), Str("a")}), columnar::Utf8())), Q("{1, a}"));
  EXPECT_EQ(One(Cast(Call("array", {Lit(1), Lit(2)}), columnar::List(columnar::Utf8()))), "[\"1\",\"2\"]");
}

TEST_F(Fn, CastInSessionTimeZone) {
  ExecSettings s;
  s.time_zone = "+02:00";
  Reset(s);
  auto ts = Cast(Str("2024-01-02 00:30:00"), columnar::Timestamp(columnar::TimeUnit::kMicro, true));
  EXPECT_EQ(One(ts), Q("2024-01-01T22:30:00.000000Z"));
  EXPECT_EQ(One(Cast(ts, columnar::Date32())), Q("2024-01-02"));
  EXPECT_EQ(One(Call("hour", {ts})), "0");
}

TEST_F(Fn, DatesAndTimes) {
  auto d = Cast(Str("2024-03-31"), columnar::Date32());
  EXPECT_EQ(One(Call("year", {d})), "2024");
  EXPECT_EQ(One(Call("quarter", {d})), "1");
  EXPECT_EQ(One(Call("dayofweek", {d})), "1");  // Sunday
  EXPECT_EQ(One(Call("weekday", {d})), "6");
  EXPECT_EQ(One(Call("dayofyear", {d})), "91");
  EXPECT_EQ(One(Call("weekofyear", {Cast(Str("2008-02-20"), columnar::Date32())})), "8");
  EXPECT_EQ(One(Call("date_add", {d, Lit32(1)})), Q("2024-04-01"));
  EXPECT_EQ(One(Call("date_sub", {d, Lit32(31)})), Q("2024-02-29"));
  EXPECT_EQ(One(Call("add_months", {Cast(Str("2024-01-31"), columnar::Date32()), Lit32(1)})), Q("2024-02-29"));
  EXPECT_EQ(One(Call("datediff", {Cast(Str("2009-07-31"), columnar::Date32()), Cast(Str("2009-07-30"), columnar::Date32())})), "1");
  EXPECT_EQ(One(Call("last_day", {Cast(Str("2009-01-12"), columnar::Date32())})), Q("2009-01-31"));
  EXPECT_EQ(One(Call("next_day", {Cast(Str("2015-01-14"), columnar::Date32()), Str("TU")})), Q("2015-01-20"));
  EXPECT_EQ(One(Call("make_date", {Lit32(2013), Lit32(7), Lit32(15)})), Q("2013-07-15"));
  EXPECT_EQ(One(Call("trunc", {Cast(Str("2019-08-04"), columnar::Date32()), Str("quarter")})), Q("2019-07-01"));
  EXPECT_EQ(One(Call("months_between", {Cast(Str("1997-02-28 10:30:00"), columnar::Timestamp(columnar::TimeUnit::kMicro, true)),
                                        Cast(Str("1996-10-30"), columnar::Timestamp(columnar::TimeUnit::kMicro, true))})),
            "3.94959677");
  auto ts = Call("to_timestamp", {Str("2016-12-31 00:12:00")});
  EXPECT_EQ(One(ts), Q("2016-12-31T00:12:00.000000Z"));
  EXPECT_EQ(One(Call("to_timestamp", {Str("31/12/2016 13"), Str("dd/MM/yyyy HH")})), Q("2016-12-31T13:00:00.000000Z"));
  EXPECT_EQ(One(Call("to_date", {Str("2016-12-31"), Str("yyyy-MM-dd")})), Q("2016-12-31"));
  EXPECT_EQ(One(Call("date_trunc", {Str("HOUR"), Str("2015-03-05T09:32:05.359")})), Q("2015-03-05T09:00:00.000000Z"));
  EXPECT_EQ(One(Call("date_trunc", {Str("week"), Str("2024-03-31 10:00:00")})), Q("2024-03-25T00:00:00.000000Z"));
  EXPECT_EQ(One(Call("date_format", {Str("2016-04-08 13:05:09.123"), Str("yyyy/MM/dd hh:mm:ss.SSS a EEE MMM")})),
            Q("2016/04/08 01:05:09.123 PM Fri Apr"));
  EXPECT_EQ(One(Call("from_unixtime", {Lit(0)})), Q("1970-01-01 00:00:00"));
  EXPECT_EQ(One(Call("unix_timestamp", {Str("2016-04-08"), Str("yyyy-MM-dd")})), "1460073600");
  EXPECT_EQ(One(Call("timestamp_seconds", {Lit(1230219000)})), Q("2008-12-25T15:30:00.000000Z"));
  EXPECT_EQ(One(Call("unix_millis", {Call("timestamp_seconds", {Lit(1)})})), "1000");
  if (TimeZone::Make("Asia/Seoul").ok()) {
    EXPECT_EQ(One(Call("from_utc_timestamp", {Str("2016-08-31"), Str("Asia/Seoul")})), Q("2016-08-31T09:00:00.000000Z"));
    EXPECT_EQ(One(Call("to_utc_timestamp", {Str("2016-08-31"), Str("Asia/Seoul")})), Q("2016-08-30T15:00:00.000000Z"));
  }
  EXPECT_EQ(One(Call("from_utc_timestamp", {Str("2016-08-31"), Str("+09:00")})), Q("2016-08-31T09:00:00.000000Z"));
  EXPECT_EQ(One(Call("to_date", {Str("not a date")}, "to_date('not a date')")),
            "ERROR: line 1, column 8: cannot parse 'not a date' as a date in 'to_date('not a date')'");
}

TEST_F(Fn, IanaTimeZoneWithDst) {
  if (!TimeZone::Make("America/New_York").ok()) GTEST_SKIP() << "no zoneinfo database on this machine";
  ExecSettings s;
  s.time_zone = "America/New_York";
  Reset(s);
  auto summer = Cast(Str("2024-07-01 12:00:00"), columnar::Timestamp(columnar::TimeUnit::kMicro, true));
  auto winter = Cast(Str("2024-01-01 12:00:00"), columnar::Timestamp(columnar::TimeUnit::kMicro, true));
  EXPECT_EQ(One(summer), Q("2024-07-01T16:00:00.000000Z"));
  EXPECT_EQ(One(winter), Q("2024-01-01T17:00:00.000000Z"));
  EXPECT_EQ(One(Cast(summer, columnar::Utf8())), Q("2024-07-01 12:00:00"));
}

TEST_F(Fn, CurrentTimeIsFixedPerQuery) {
  auto a = One(Call("current_timestamp", {}));
  auto b = One(Call("now", {}));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, "null");
}

TEST_F(Fn, Json) {
  EXPECT_EQ(One(Call("get_json_object", {Str("{\"a\":{\"b\":[1,{\"c\":\"x\"}]}}"), Str("$.a.b[1].c")})), Q("x"));
  EXPECT_EQ(One(Call("get_json_object", {Str("{\"a\":{\"b\":[1,2]}}"), Str("$.a")})), Q("{\\\"b\\\":[1,2]}"));
  EXPECT_EQ(One(Call("get_json_object", {Str("{bad"), Str("$.a")})), "null");
  EXPECT_EQ(One(Call("get_json_object", {Str("{\"a b\":1}"), Str("$['a b']")})), Q("1"));
  EXPECT_EQ(One(Call("json_array_length", {Str("[1,2,3,{\"f1\":1}]")})), "4");
  EXPECT_EQ(One(Call("json_object_keys", {Str("{\"f1\":\"abc\",\"f2\":{\"f3\":\"a\"}}")})), "[\"f1\",\"f2\"]");
  auto parsed = Call("from_json", {Str("{\"a\":1, \"b\":[\"x\",null], \"c\":1.25}"), Str("a INT, b ARRAY<STRING>, c DECIMAL(5,2)")});
  EXPECT_EQ(One(parsed), "{\"a\":1,\"b\":[\"x\",null],\"c\":\"1.25\"}");
  EXPECT_EQ(One(Call("from_json", {Str("{\"a\":"), Str("a INT")})), "{\"a\":null}");
  EXPECT_EQ(One(Call("from_json", {Str("[1"), Str("ARRAY<INT>")})), "null");
  EXPECT_EQ(One(Call("from_json", {Str("{\"k\":1,\"j\":2}"), Str("MAP<STRING, INT>")})),
            "[{\"key\":\"k\",\"value\":1},{\"key\":\"j\",\"value\":2}]");
  EXPECT_EQ(One(Call("to_json", {Call("named_struct", {Str("a"), Lit(1), Str("b"), Null(columnar::Utf8())})})), Q("{\\\"a\\\":1}"));
  EXPECT_EQ(One(Call("to_json", {Call("map", {Str("a"), Call("array", {Lit(1), Lit(2)})})})), Q("{\\\"a\\\":[1,2]}"));
}

TEST_F(Fn, Collections) {
  auto arr = Call("array", {Lit(3), Lit(1), Null(columnar::Int64()), Lit(3)});
  EXPECT_EQ(One(arr), "[3,1,null,3]");
  EXPECT_EQ(One(Call("size", {arr})), "4");
  EXPECT_EQ(One(Call("element_at", {arr, Lit32(2)})), "1");
  EXPECT_EQ(One(Call("element_at", {arr, Lit32(-1)})), "3");
  EXPECT_EQ(One(Call("element_at_subscript", {arr, Lit32(0)})), "3");
  EXPECT_EQ(One(Call("try_element_at", {arr, Lit32(9)})), "null");
  EXPECT_EQ(One(Call("element_at", {arr, Lit32(9)}, "element_at(a, 9)")),
            "ERROR: line 1, column 8: array index 9 is out of bounds for an array of 4 elements in 'element_at(a, 9)'");
  EXPECT_EQ(One(Call("array_contains", {arr, Lit(1)})), "true");
  EXPECT_EQ(One(Call("array_contains", {arr, Lit(7)})), "null");
  EXPECT_EQ(One(Call("array_position", {arr, Lit(3)})), "1");
  EXPECT_EQ(One(Call("array_distinct", {arr})), "[3,1,null]");
  EXPECT_EQ(One(Call("sort_array", {arr})), "[null,1,3,3]");
  EXPECT_EQ(One(Call("sort_array", {arr, Bool(false)})), "[3,3,1,null]");
  EXPECT_EQ(One(Call("array_sort", {arr})), "[1,3,3,null]");
  EXPECT_EQ(One(Call("array_max", {arr})), "3");
  EXPECT_EQ(One(Call("array_remove", {arr, Lit(3)})), "[1,null]");
  EXPECT_EQ(One(Call("array_compact", {arr})), "[3,1,3]");
  auto a2 = Call("array", {Lit(1), Lit(2), Lit(5)});
  EXPECT_EQ(One(Call("array_union", {Call("array", {Lit(1), Lit(2), Lit(3)}), Call("array", {Lit(1), Lit(3), Lit(5)})})), "[1,2,3,5]");
  EXPECT_EQ(One(Call("array_intersect", {Call("array", {Lit(1), Lit(2), Lit(3)}), a2})), "[1,2]");
  EXPECT_EQ(One(Call("array_except", {Call("array", {Lit(1), Lit(2), Lit(3)}), a2})), "[3]");
  EXPECT_EQ(One(Call("slice", {Call("array", {Lit(1), Lit(2), Lit(3), Lit(4)}), Lit32(-2), Lit32(2)})), "[3,4]");
  EXPECT_EQ(One(Call("flatten", {Call("array", {Call("array", {Lit(1), Lit(2)}), Call("array", {Lit(3)})})})), "[1,2,3]");
  EXPECT_EQ(One(Call("sequence", {Lit32(1), Lit32(5), Lit32(2)})), "[1,3,5]");
  EXPECT_EQ(One(Call("sequence", {Lit32(5), Lit32(1)})), "[5,4,3,2,1]");
  EXPECT_EQ(One(Call("array_join", {Call("array", {Str("a"), Null(columnar::Utf8()), Str("b")}), Str(","), Str("?")})), Q("a,?,b"));
  EXPECT_EQ(One(Call("concat", {a2, Call("array", {Lit(9)})})), "[1,2,5,9]");
  EXPECT_EQ(One(Call("reverse", {a2})), "[5,2,1]");
  EXPECT_EQ(One(Call("arrays_zip", {Call("array", {Lit(1), Lit(2)}), Call("array", {Str("a")})})),
            "[{\"0\":1,\"1\":\"a\"},{\"0\":2,\"1\":null}]");
  EXPECT_EQ(One(Call("array_repeat", {Str("x"), Lit32(2)})), "[\"x\",\"x\"]");
  auto m = Call("map", {Str("a"), Lit(1), Str("b"), Lit(2)});
  EXPECT_EQ(One(Call("element_at", {m, Str("b")})), "2");
  EXPECT_EQ(One(Call("element_at", {m, Str("z")})), "null");
  EXPECT_EQ(One(Call("map_keys", {m})), "[\"a\",\"b\"]");
  EXPECT_EQ(One(Call("map_values", {m})), "[1,2]");
  EXPECT_EQ(One(Call("map_entries", {m})), "[{\"key\":\"a\",\"value\":1},{\"key\":\"b\",\"value\":2}]");
  EXPECT_EQ(One(Call("map_contains_key", {m, Str("a")})), "true");
  EXPECT_EQ(One(Call("map_from_arrays", {Call("array", {Lit(1), Lit(2)}), Call("array", {Str("x"), Str("y")})})),
            "[{\"key\":1,\"value\":\"x\"},{\"key\":2,\"value\":\"y\"}]");
  EXPECT_EQ(One(Call("str_to_map", {Str("a:1,b:2")})), "[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"b\",\"value\":\"2\"}]");
  auto st = Call("named_struct", {Str("x"), Lit(1), Str("y"), Str("s")});
  EXPECT_EQ(One(Call("get_field", {st, Str("y")})), Q("s"));
  EXPECT_EQ(One(Call("size", {Call("array", {})})), "0");
}

TEST_F(Fn, HashesAndEncodings) {
  EXPECT_EQ(One(Call("md5", {Str("Spark")})), Q("8cde774d6f7333752ed72cacddb05126"));
  EXPECT_EQ(One(Call("sha1", {Str("Spark")})), Q("85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c"));
  EXPECT_EQ(One(Call("sha2", {Str("Spark"), Lit32(256)})), Q("529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b"));
  EXPECT_EQ(One(Call("crc32", {Str("Spark")})), "1557323817");
  EXPECT_EQ(One(Call("hash", {Lit32(1)})), "-559580957");
  EXPECT_EQ(One(Call("hash", {Str("Spark"), Call("array", {Lit32(123)}), Lit32(2)})), "-1321691492");
  EXPECT_EQ(One(Call("hex", {Lit(17)})), Q("11"));
  EXPECT_EQ(One(Call("hex", {Str("Spark SQL")})), Q("537061726B2053514C"));
  EXPECT_EQ(One(Cast(Call("unhex", {Str("537061726B2053514C")}), columnar::Utf8())), Q("Spark SQL"));
  EXPECT_EQ(One(Call("base64", {Str("Spark SQL")})), Q("U3BhcmsgU1FM"));
  EXPECT_EQ(One(Cast(Call("unbase64", {Str("U3BhcmsgU1FM")}), columnar::Utf8())), Q("Spark SQL"));
  EXPECT_EQ(One(Call("typeof", {Call("array", {Lit32(1)})})), Q("array<int>"));
  EXPECT_EQ(One(Call("typeof", {Dec("1.5", 3, 1)})), Q("decimal(3,1)"));
}

TEST_F(Fn, NonDeterministic) {
  auto b = Batch({Int64s({1, 2, 3})});
  auto r = Run(Call("rand", {Lit(7)}), *b);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_NE(r[0], r[1]);
  auto u = Run(Call("uuid", {}), *b);
  EXPECT_NE(u[0], u[1]);
  EXPECT_EQ(u[0].size(), 38u);
  auto ids = Run(Call("monotonically_increasing_id", {}), *b);
  EXPECT_NE(ids[0], ids[1]);
}

}  // namespace
}  // namespace tide::exec::testing

namespace tide::exec::testing {
namespace {

// A lambda as the binder builds it: `params` parameters starting at slot `first`.
sql::BoundExprPtr Lambda(int params, sql::BoundExprPtr body) {
  auto l = std::make_shared<sql::BoundExpr>();
  l->kind = sql::BoundExprKind::kLambda;
  l->column = params;
  l->type = body->type;
  l->args.push_back(std::move(body));
  l->sql = "lambda";
  return l;
}
sql::BoundExprPtr Var(int slot, columnar::TypePtr t) {
  auto v = std::make_shared<sql::BoundExpr>();
  v->kind = sql::BoundExprKind::kLambdaVar;
  v->column = slot;
  v->type = std::move(t);
  v->sql = "x" + std::to_string(slot);
  return v;
}

using HigherOrder = EvalFixture;

TEST_F(HigherOrder, TransformFilterExistsAggregate) {
  auto i64 = columnar::Int64();
  auto arr = Call("array", {Lit(1), Lit(2), Lit(3), Lit(4)});
  EXPECT_EQ(One(Call("transform", {arr, Lambda(1, Call("multiply", {Var(0, i64), Lit(2)}))})), "[2,4,6,8]");
  EXPECT_EQ(One(Call("transform", {arr, Lambda(2, Call("add", {Var(0, i64), Var(1, columnar::Int32())}))})), "[1,3,5,7]");
  EXPECT_EQ(One(Call("filter", {arr, Lambda(1, Call("eq", {Call("mod", {Var(0, i64), Lit(2)}), Lit(0)}))})), "[2,4]");
  EXPECT_EQ(One(Call("exists", {arr, Lambda(1, Call("gt", {Var(0, i64), Lit(3)}))})), "true");
  EXPECT_EQ(One(Call("forall", {arr, Lambda(1, Call("gt", {Var(0, i64), Lit(3)}))})), "false");
  EXPECT_EQ(One(Call("aggregate", {arr, Lit(0), Lambda(2, Call("add", {Var(0, i64), Var(1, i64)}))})), "10");
  EXPECT_EQ(One(Call("aggregate", {arr, Lit(0), Lambda(2, Call("add", {Var(0, i64), Var(1, i64)})),
                                   Lambda(1, Call("multiply", {Var(0, i64), Lit(10)}))})),
            "100");
}

TEST_F(HigherOrder, CapturesColumnsPerRow) {
  auto b = Batch({Int64s({10, 20})});
  auto arr = Call("array", {Lit(1), Lit(2)});
  auto e = Call("transform", {arr, Lambda(1, Call("add", {Var(0, columnar::Int64()), Col(0, columnar::Int64())}))});
  EXPECT_EQ(Run(e, *b), (V{"[11,12]", "[21,22]"}));
}

TEST_F(HigherOrder, MapsAndZip) {
  auto m = Call("map", {Str("a"), Lit(1), Str("b"), Lit(2)});
  auto s = columnar::Utf8();
  auto i64 = columnar::Int64();
  EXPECT_EQ(One(Call("map_filter", {m, Lambda(2, Call("gt", {Var(1, i64), Lit(1)}))})), "[{\"key\":\"b\",\"value\":2}]");
  EXPECT_EQ(One(Call("transform_values", {m, Lambda(2, Call("multiply", {Var(1, i64), Lit(10)}))})),
            "[{\"key\":\"a\",\"value\":10},{\"key\":\"b\",\"value\":20}]");
  EXPECT_EQ(One(Call("transform_keys", {m, Lambda(2, Call("upper", {Var(0, s)}))})),
            "[{\"key\":\"A\",\"value\":1},{\"key\":\"B\",\"value\":2}]");
  EXPECT_EQ(One(Call("zip_with", {Call("array", {Lit(1), Lit(2)}), Call("array", {Lit(10)}),
                                  Lambda(2, Call("coalesce", {Call("add", {Var(0, i64), Var(1, i64)}), Lit(-1)}))})),
            "[11,-1]");
  EXPECT_EQ(One(Call("array_sort", {Call("array", {Lit(3), Lit(1), Lit(2)}),
                                    Lambda(2, Cast(Call("subtract", {Var(1, i64), Var(0, i64)}), columnar::Int32()))})),
            "[3,2,1]");
}

}  // namespace
}  // namespace tide::exec::testing
