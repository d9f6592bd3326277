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

}  // namespace
}  // namespace tide::exec::testing
