#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

// p: partition, o: order, v: value (with a null)
PlanPtr Data() {
  return Scan(Table({"p", "o", "v"},
                    {Str({"a", "a", "a", "a", "b", "b"}), I64({1, 2, 2, 3, 1, 2}),
                     I64({10, 20, std::nullopt, 40, 5, 6})},
                    2));
}

sql::WindowCall W(std::string fn, std::vector<BoundExprPtr> args, TypePtr type,
                  sql::WindowFrameSpec frame = {}) {
  sql::WindowCall w;
  w.function = std::move(fn);
  w.args = std::move(args);
  w.type = std::move(type);
  w.frame = frame;
  w.sql = w.function;
  return w;
}

PlanPtr Window(const PlanPtr& in, std::vector<sql::WindowCall> calls, bool order = true) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kWindow;
  p->children = {in};
  p->partition_by = {Col(in, 0)};
  if (order) p->order_by = {Key(Col(in, 1))};
  auto f = in->schema->fields();
  for (size_t i = 0; i < calls.size(); ++i) f.push_back(columnar::MakeField("w" + std::to_string(i), calls[i].type));
  p->schema = Fields(f);
  p->windows = std::move(calls);
  return p;
}

// Rows sorted by (p, o, v) as "w0,w1,..." strings.
std::vector<std::string> Values(const RunResult& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows) out.push_back(row);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(OpWindow, Ranking) {
  auto s = Data();
  auto plan = Window(s, {W("row_number", {}, columnar::Int32()), W("rank", {}, columnar::Int32()),
                         W("dense_rank", {}, columnar::Int32()), W("percent_rank", {}, columnar::Float64()),
                         W("cume_dist", {}, columnar::Float64()),
                         W("ntile", {sql::MakeLiteral(I64({3}))}, columnar::Int32())});
  auto r = RunPlan(plan, 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto v = Values(r);
  ASSERT_EQ(v.size(), 6u);
  EXPECT_EQ(v[0], "{\"p\":\"a\",\"o\":1,\"v\":10,\"w0\":1,\"w1\":1,\"w2\":1,\"w3\":0,\"w4\":0.25,\"w5\":1}");
  // the two o=2 rows are peers: rank 2, dense 2, cume 0.75
  EXPECT_NE(v[1].find("\"w1\":2,\"w2\":2,\"w3\":0.3333333333333333,\"w4\":0.75"), std::string::npos) << v[1];
  EXPECT_NE(v[3].find("\"o\":3,\"v\":40,\"w0\":4,\"w1\":4,\"w2\":3,\"w3\":1,\"w4\":1,\"w5\":3"), std::string::npos)
      << v[3];
  EXPECT_EQ(v[5], "{\"p\":\"b\",\"o\":2,\"v\":6,\"w0\":2,\"w1\":2,\"w2\":2,\"w3\":1,\"w4\":1,\"w5\":2}");
}

TEST(OpWindow, LagLeadAndValues) {
  auto s = Data();
  sql::WindowFrameSpec whole;
  whole.unit = sql::FrameUnit::kRows;
  whole.start = {true, 0};
  whole.end = {true, 0};
  auto lag = W("lag", {Col(s, 2)}, columnar::Int64());
  auto lead2 = W("lead", {Col(s, 2), sql::MakeLiteral(I64({2})), sql::MakeLiteral(I64({-1}))}, columnar::Int64());
  auto lag_in = W("lag", {Col(s, 2)}, columnar::Int64());
  lag_in.ignore_nulls = true;
  auto last = W("last_value", {Col(s, 2)}, columnar::Int64(), whole);
  auto nth = W("nth_value", {Col(s, 2), sql::MakeLiteral(I64({2}))}, columnar::Int64(), whole);
  auto plan = Window(s, {lag, lead2, lag_in, last, nth});
  auto r = RunPlan(plan);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto v = Values(r);
  // partition a sorted by o (stable): (1,10) (2,20) (2,null) (3,40)
  EXPECT_EQ(v[0], "{\"p\":\"a\",\"o\":1,\"v\":10,\"w0\":null,\"w1\":null,\"w2\":null,\"w3\":40,\"w4\":20}");
  EXPECT_EQ(v[3], "{\"p\":\"a\",\"o\":3,\"v\":40,\"w0\":null,\"w1\":-1,\"w2\":20,\"w3\":40,\"w4\":20}");
}

TEST(OpWindow, RunningAndSlidingAggregates) {
  auto s = Data();
  sql::WindowFrameSpec running;  // RANGE UNBOUNDED PRECEDING .. CURRENT ROW (peers share)
  sql::WindowFrameSpec rows1;
  rows1.unit = sql::FrameUnit::kRows;
  rows1.start = {false, -1};
  rows1.end = {false, 1};
  sql::WindowFrameSpec range1;
  range1.unit = sql::FrameUnit::kRange;
  range1.start = {false, -1};
  range1.end = {false, 0};
  auto plan = Window(s, {W("sum", {Col(s, 2)}, columnar::Int64(), running),
                         W("count", {Col(s, 2)}, columnar::Int64(), rows1),
                         W("max", {Col(s, 2)}, columnar::Int64(), rows1),
                         W("sum", {Col(s, 2)}, columnar::Int64(), range1),
                         W("avg", {Col(s, 2)}, columnar::Float64(), running),
                         W("collect_list", {Col(s, 2)}, columnar::List(columnar::Int64()), range1)});
  auto r = RunPlan(plan);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto v = Values(r);
  EXPECT_EQ(v[0], "{\"p\":\"a\",\"o\":1,\"v\":10,\"w0\":10,\"w1\":2,\"w2\":20,\"w3\":10,\"w4\":10,\"w5\":[10]}");
  // o=2 peers: running sum 30 for both; range [1,2] -> 30
  EXPECT_NE(v[1].find("\"w0\":30"), std::string::npos) << v[1];
  EXPECT_NE(v[2].find("\"w0\":30"), std::string::npos) << v[2];
  EXPECT_EQ(v[3], "{\"p\":\"a\",\"o\":3,\"v\":40,\"w0\":70,\"w1\":1,\"w2\":40,\"w3\":60,\"w4\":23.333333333333332,"
                  "\"w5\":[20,40]}");
  EXPECT_EQ(v[4], "{\"p\":\"b\",\"o\":1,\"v\":5,\"w0\":5,\"w1\":2,\"w2\":6,\"w3\":5,\"w4\":5,\"w5\":[5]}");
}

TEST(OpWindow, NoOrderIsWholePartition) {
  auto s = Data();
  auto plan = Window(s, {W("sum", {Col(s, 2)}, columnar::Int64()), W("count_star", {}, columnar::Int64())}, false);
  auto r = RunPlan(plan, 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto v = Values(r);
  for (int i = 0; i < 4; ++i) EXPECT_NE(v[i].find("\"w0\":70,\"w1\":4"), std::string::npos) << v[i];
  EXPECT_NE(v[5].find("\"w0\":11,\"w1\":2"), std::string::npos);
}

// Decimal sum/avg over frames follow the grouped aggregates' rules: the exact frame sum counts,
// whatever the prefix sums of the O(n) path pass through; a sum or average that does not fit is
// an error with ANSI on, null without.
__int128 P10(int k) {
  __int128 r = 1;
  while (k-- > 0) r *= 10;
  return r;
}

PlanPtr Decimals(const std::vector<__int128>& vals, int p = 38, int s = 0) {
  std::vector<std::optional<std::string>> part;
  std::vector<std::optional<int64_t>> ord;
  std::vector<std::optional<__int128>> v;
  for (size_t i = 0; i < vals.size(); ++i) {
    part.push_back("a");
    ord.push_back(static_cast<int64_t>(i));
    v.push_back(vals[i]);
  }
  return Scan(Table({"p", "o", "v"},
                    {Str(part), I64(ord), BuildColumn<columnar::Decimal128Builder>(v, columnar::Decimal(p, s))}, 2));
}

sql::WindowFrameSpec RowsBack(int64_t k) {
  sql::WindowFrameSpec f;
  f.unit = sql::FrameUnit::kRows;
  f.start = {false, -k};
  f.end = {false, 0};
  return f;
}

std::string Dec(__int128 v, int scale = 0) { return "\"" + columnar::FormatDecimal128(v, scale) + "\""; }

TEST(OpWindow, DecimalFrameSumsPassingInt128AreExact) {
  // 9e37, -8e37, 9e37, ...: the prefix sums pass 2^127 (~1.7e38) after 36 rows and reach 2e38,
  // the two-row frame sums are 1e37 (9e37 on the first row).
  std::vector<__int128> vals;
  for (int i = 0; i < 40; ++i) vals.push_back(i % 2 == 0 ? 9 * P10(37) : -8 * P10(37));
  auto s = Decimals(vals);
  auto plan = Window(s, {W("sum", {Col(s, 2)}, columnar::Decimal(38, 0), RowsBack(1)),
                         W("avg", {Col(s, 2)}, columnar::Decimal(38, 0), RowsBack(1))});
  auto r = RunPlan(plan);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.rows.size(), 40u);
  for (size_t i = 0; i < r.rows.size(); ++i) {
    SCOPED_TRACE(r.rows[i]);
    const __int128 sum = i == 0 ? 9 * P10(37) : P10(37);
    const __int128 avg = i == 0 ? 9 * P10(37) : 5 * P10(36);
    EXPECT_NE(r.rows[i].find("\"w0\":" + Dec(sum) + ",\"w1\":" + Dec(avg)), std::string::npos);
  }
}

TEST(OpWindow, DecimalRunningSumOverflowIsAnErrorOrNull) {
  // Running sums of 9e37: the second passes both 10^38 and 2^127.
  auto s = Decimals({9 * P10(37), 9 * P10(37), 9 * P10(37)});
  for (const char* fn : {"sum", "avg"}) {
    SCOPED_TRACE(fn);
    sql::WindowCall w = W(fn, {Col(s, 2)}, columnar::Decimal(38, 0), sql::WindowFrameSpec{});
    w.sql = std::string(fn) + "(v) OVER (ORDER BY o)";
    auto plan = Window(s, {w});
    auto r = RunPlan(plan);
    ASSERT_FALSE(r.status.ok());
    EXPECT_EQ(r.status.code(), base::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status.message().find("decimal overflow in '" + w.sql + "': the " +
                                      (std::string(fn) == "sum" ? "sum" : "average") + " does not fit " +
                                      columnar::Decimal(38, 0)->ToString()),
              std::string::npos)
        << r.status.message();
    // The grouped aggregate over the same rows agrees.
    auto g = RunPlan(Aggregate(s, {Col(s, 0)}, {Agg(fn, {Col(s, 2)}, columnar::Decimal(38, 0))}));
    EXPECT_FALSE(g.status.ok());
    // ANSI off: the first row's sum, then nulls.
    ExecSettings off;
    off.ansi_mode = false;
    auto n = RunPlan(plan, off);
    ASSERT_TRUE(n.status.ok()) << n.status.ToString();
    auto v = Values(n);
    ASSERT_EQ(v.size(), 3u);
    EXPECT_NE(v[0].find("\"w0\":" + Dec(9 * P10(37))), std::string::npos) << v[0];
    EXPECT_NE(v[1].find("\"w0\":null"), std::string::npos) << v[1];
    EXPECT_NE(v[2].find("\"w0\":null"), std::string::npos) << v[2];
  }
}

TEST(OpWindow, DecimalAvgDoesNotFormTheScaledSum) {
  // 30 rows of 10^36 averaged into DECIMAL(38, 1): the scaled running sum (up to 3 * 10^38)
  // passes int128, the average (10^37 unscaled) fits; the last running sum 3e37 fits.
  auto s = Decimals(std::vector<__int128>(30, P10(36)));
  auto plan = Window(s, {W("avg", {Col(s, 2)}, columnar::Decimal(38, 1), sql::WindowFrameSpec{}),
                         W("sum", {Col(s, 2)}, columnar::Decimal(38, 0), sql::WindowFrameSpec{}),
                         W("avg", {Col(s, 2)}, columnar::Decimal(38, 1), RowsBack(2))});
  auto r = RunPlan(plan);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  auto v = Values(r);
  ASSERT_EQ(v.size(), 30u);
  for (const auto& row : r.rows) {
    EXPECT_NE(row.find("\"w0\":" + Dec(P10(37), 1)), std::string::npos) << row;
    EXPECT_NE(row.find("\"w2\":" + Dec(P10(37), 1)), std::string::npos) << row;
  }
  EXPECT_NE(r.rows.back().find("\"w1\":" + Dec(3 * P10(37))), std::string::npos) << r.rows.back();
  // An average past the result precision: 9e37 into DECIMAL(38, 1) needs 39 digits.
  auto big = Decimals({9 * P10(37)});
  auto e = RunPlan(Window(big, {W("avg", {Col(big, 2)}, columnar::Decimal(38, 1), RowsBack(1))}));
  ASSERT_FALSE(e.status.ok());
  EXPECT_NE(e.status.message().find("the average does not fit"), std::string::npos) << e.status.message();
}

}  // namespace
}  // namespace tide::exec::testing
