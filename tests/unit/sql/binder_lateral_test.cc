// LATERAL VIEW (parser, printer, binder), json_tuple as a generator and Spark's niladic
// functions written without parentheses.
#include <gtest/gtest.h>

#include "binder_test_util.h"
#include "sql/parser.h"
#include "sql/printer.h"
#include "sql_test_util.h"

namespace tide::sql {
namespace {

using testing::BindError;
using testing::BindToString;
using testing::FakeCatalog;

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string ParseErrorOf(std::string_view sql) {
  auto q = ParseStatement(sql);
  return q.ok() ? "OK" : q.status().ToString();
}

TEST(LateralViewParse, RoundTrip) {
  using testing::RoundTrip;
  EXPECT_EQ(RoundTrip("select a, x from t lateral view explode(arr) v as x"),
            "SELECT a, x FROM t LATERAL VIEW explode(arr) v AS x");
  EXPECT_EQ(RoundTrip("SELECT * FROM t LATERAL VIEW OUTER explode(arr) v x WHERE x > 1"),
            "SELECT * FROM t LATERAL VIEW OUTER explode(arr) v AS x WHERE (x > 1)");
  // Several in a row, several column names, no names at all, after a join.
  EXPECT_EQ(RoundTrip("SELECT k, v FROM t JOIN u ON t.a = u.a LATERAL VIEW explode(m) e AS k, v "
                      "LATERAL VIEW posexplode(arr) p"),
            "SELECT k, v FROM t JOIN u ON (t.a = u.a) LATERAL VIEW explode(m) e AS k, v LATERAL VIEW posexplode(arr) p");
  EXPECT_EQ(RoundTrip("SELECT c0 FROM t LATERAL VIEW json_tuple(c, 'a', 'b') j GROUP BY c0"),
            "SELECT c0 FROM t LATERAL VIEW json_tuple(c, 'a', 'b') j GROUP BY c0");
  EXPECT_EQ(RoundTrip("SELECT a FROM t LATERAL VIEW explode(arr) `my view` AS `my col`"),
            "SELECT a FROM t LATERAL VIEW explode(arr) `my view` AS `my col`");
}

TEST(LateralViewParse, Errors) {
  EXPECT_TRUE(Has(ParseErrorOf("SELECT * FROM t LATERAL VIEW explode(arr)"), "table alias for the LATERAL VIEW"))
      << ParseErrorOf("SELECT * FROM t LATERAL VIEW explode(arr)");
  EXPECT_TRUE(Has(ParseErrorOf("SELECT * FROM t LATERAL VIEW explode AS x"), "'(' after the generator name"));
  EXPECT_TRUE(Has(ParseErrorOf("SELECT * FROM t LATERAL VIEW 1"), "generator function"));
  EXPECT_TRUE(Has(ParseErrorOf("SELECT * FROM t LATERAL VIEW explode(arr) v AS"), "line 1, column"));
}

class LateralViewBind : public ::testing::Test {
 protected:
  FakeCatalog cat;
};

TEST_F(LateralViewBind, ExplodeNodes) {
  std::string s = BindToString(cat, "SELECT a, x FROM t LATERAL VIEW explode(arr) v AS x WHERE x > 1");
  EXPECT_TRUE(Has(s, "Explode explode(arr)")) << s;
  EXPECT_TRUE(Has(s, "Filter")) << s;
  // The view's alias qualifies its columns; OUTER marks the node.
  s = BindToString(cat, "SELECT v.x FROM t LATERAL VIEW OUTER explode(arr) v AS x");
  EXPECT_TRUE(Has(s, "Explode OUTER explode(arr)")) << s;
  // Two views: the second may read the first's columns.
  s = BindToString(cat, "SELECT k, p, x FROM t LATERAL VIEW explode(m) e AS k, v LATERAL VIEW posexplode(arr) q AS p, x");
  EXPECT_TRUE(Has(s, "Explode posexplode(arr)")) << s;
  EXPECT_TRUE(Has(s, "Explode explode(m)")) << s;
  EXPECT_LT(s.find("posexplode"), s.find("explode(m)")) << s;  // the later view is above
  // Default names (col; key, value; pos, col).
  s = BindToString(cat, "SELECT col FROM t LATERAL VIEW explode(arr) v");
  EXPECT_FALSE(Has(s, "ERROR")) << s;
  s = BindToString(cat, "SELECT key, value FROM t LATERAL VIEW explode(m) v");
  EXPECT_FALSE(Has(s, "ERROR")) << s;
}

TEST_F(LateralViewBind, Errors) {
  EXPECT_TRUE(Has(BindError(cat, "SELECT * FROM t LATERAL VIEW explode(m) v AS k"), "makes 2 column(s) but 1 name(s)"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT * FROM t LATERAL VIEW upper(c) v AS k"), "is not a generator"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT * FROM t LATERAL VIEW explode(a) v AS k"), "explode"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT w.x FROM t LATERAL VIEW explode(arr) v AS x"), "line 1, column 8"));
}

TEST_F(LateralViewBind, JsonTuple) {
  std::string s = BindToString(cat, "SELECT json_tuple(c, 'a', 'b.c') FROM t");
  EXPECT_TRUE(Has(s, "Explode inline(")) << s;
  EXPECT_TRUE(Has(s, "get_json_object(c, '$[\\'a\\']')")) << s;
  EXPECT_TRUE(Has(s, "get_json_object(c, '$[\\'b.c\\']')")) << s;
  EXPECT_TRUE(Has(s, "[c0, c1]") || Has(s, "c0, c1")) << s;
  s = BindToString(cat, "SELECT a, x, y FROM t LATERAL VIEW json_tuple(c, 'k1', 'k2') j AS x, y");
  EXPECT_TRUE(Has(s, "Explode inline(")) << s;
  EXPECT_FALSE(Has(s, "ERROR")) << s;
  EXPECT_TRUE(Has(BindError(cat, "SELECT json_tuple(c) FROM t"), "at least one key"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT json_tuple(c, 1) FROM t"), "json_tuple"));
  EXPECT_TRUE(Has(BindError(cat, "SELECT * FROM t LATERAL VIEW json_tuple(c, 'a', 'b') j AS x"), "makes 2 column(s)"));
}

TEST_F(LateralViewBind, NiladicFunctionsWithoutParentheses) {
  std::string s = BindToString(cat, "SELECT a FROM t WHERE ts < current_timestamp - INTERVAL 30 DAYS");
  EXPECT_TRUE(Has(s, "current_timestamp()")) << s;
  s = BindToString(cat, "SELECT current_date, current_timestamp FROM t");
  EXPECT_TRUE(Has(s, "current_date()")) << s;
  // A real column of that name wins.
  cat.Add("h", {columnar::MakeField("current_date", columnar::Int32())}, 1);
  s = BindToString(cat, "SELECT current_date + 1 FROM h");
  EXPECT_FALSE(Has(s, "current_date()")) << s;
}

}  // namespace
}  // namespace tide::sql
