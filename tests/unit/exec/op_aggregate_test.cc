#include <cmath>

#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

// k: group key with nulls; v: values with nulls; s: strings.
std::shared_ptr<MemTable> Data(int64_t batch_rows = 3) {
  return Table({"k", "v", "s"},
               {Str({"a", "b", "a", std::nullopt, "b", "a", std::nullopt}), I64({1, 2, 3, 4, std::nullopt, 6, 7}),
                Str({"x", "y", "z", "w", "v", std::nullopt, "u"})},
               batch_rows);
}

TEST(OpAggregate, GroupByWithNullGroup) {
  auto scan = Scan(Data());
  auto plan = Aggregate(scan, {Col(scan, 0)},
                        {Agg("count_star", {}, columnar::Int64()), Agg("count", {Col(scan, 1)}, columnar::Int64()),
                         Agg("sum", {Col(scan, 1)}, columnar::Int64()), Agg("min", {Col(scan, 2)}, columnar::Utf8()),
                         Agg("max", {Col(scan, 1)}, columnar::Int64()), Agg("avg", {Col(scan, 1)}, columnar::Float64())});
  for (int threads : {1, 3}) {
    auto r = RunPlan(plan, threads);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(Sorted(r.rows),
              (std::vector<std::string>{
                  "{\"g0\":\"a\",\"a0\":3,\"a1\":3,\"a2\":10,\"a3\":\"x\",\"a4\":6,\"a5\":3.3333333333333335}",
                  "{\"g0\":\"b\",\"a0\":2,\"a1\":1,\"a2\":2,\"a3\":\"v\",\"a4\":2,\"a5\":2}",
                  "{\"g0\":null,\"a0\":2,\"a1\":2,\"a2\":11,\"a3\":\"u\",\"a4\":7,\"a5\":5.5}"}));
  }
}

TEST(OpAggregate, GlobalAggregateOnEmptyInputIsOneRow) {
  auto t = Table({"v"}, {I64({})});
  auto scan = Scan(t);
  auto plan = Aggregate(scan, {},
                        {Agg("count_star", {}, columnar::Int64()), Agg("sum", {Col(scan, 0)}, columnar::Int64()),
                         Agg("collect_list", {Col(scan, 0)}, columnar::List(columnar::Int64()))});
  auto r = RunPlan(plan, 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows, (std::vector<std::string>{"{\"a0\":0,\"a1\":null,\"a2\":[]}"}));
  // Grouped aggregation of empty input has no rows.
  auto g = RunPlan(Aggregate(scan, {Col(scan, 0)}, {Agg("count_star", {}, columnar::Int64())}));
  EXPECT_TRUE(g.rows.empty());
}

TEST(OpAggregate, RollupGroupingSets) {
  auto t = Table({"a", "b", "v"}, {Str({"x", "x", "y"}), I64({1, 2, 1}), I64({10, 20, 30})});
  auto scan = Scan(t);
  // ROLLUP(a, b): (a, b), (a), ()
  auto plan = Aggregate(scan, {Col(scan, 0), Col(scan, 1)}, {Agg("sum", {Col(scan, 2)}, columnar::Int64())},
                        {{0, 1}, {0}, {}});
  auto r = RunPlan(plan, 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Sorted(r.rows), (std::vector<std::string>{
                                "{\"g0\":\"x\",\"g1\":1,\"grouping_id\":0,\"a0\":10}",
                                "{\"g0\":\"x\",\"g1\":2,\"grouping_id\":0,\"a0\":20}",
                                "{\"g0\":\"x\",\"g1\":null,\"grouping_id\":1,\"a0\":30}",
                                "{\"g0\":\"y\",\"g1\":1,\"grouping_id\":0,\"a0\":30}",
                                "{\"g0\":\"y\",\"g1\":null,\"grouping_id\":1,\"a0\":30}",
                                "{\"g0\":null,\"g1\":null,\"grouping_id\":3,\"a0\":60}"}));
}

TEST(OpAggregate, DistinctAndFilter) {
  auto t = Table({"k", "v"}, {I64({1, 1, 1, 2, 2}), I64({5, 5, 6, std::nullopt, 7})}, 2);
  auto scan = Scan(t);
  auto filt = Call("gt", {Col(scan, 1), sql::MakeInt64Literal(5)}, columnar::Boolean());
  auto plan = Aggregate(scan, {Col(scan, 0)},
                        {Agg("count", {Col(scan, 1)}, columnar::Int64(), true),
                         Agg("sum", {Col(scan, 1)}, columnar::Int64(), true),
                         Agg("count_star", {}, columnar::Int64(), false, filt)});
  auto r = RunPlan(plan, 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Sorted(r.rows), (std::vector<std::string>{"{\"g0\":1,\"a0\":2,\"a1\":11,\"a2\":1}",
                                                      "{\"g0\":2,\"a0\":1,\"a1\":7,\"a2\":1}"}));
}

TEST(OpAggregate, StatisticsAndSketches) {
  std::vector<std::optional<int64_t>> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  v.push_back(std::nullopt);
  auto t = Table({"v"}, {I64(v)}, 17);
  auto scan = Scan(t);
  auto pct = sql::MakeLiteral(F64({0.5}));
  auto plan = Aggregate(scan, {},
                        {Agg("var_samp", {Col(scan, 0)}, columnar::Float64()),
                         Agg("stddev_pop", {Col(scan, 0)}, columnar::Float64()),
                         Agg("approx_count_distinct", {Col(scan, 0)}, columnar::Int64()),
                         Agg("percentile_approx", {Col(scan, 0), pct}, columnar::Int64()),
                         Agg("bool_and", {Call("gt", {Col(scan, 0), sql::MakeInt64Literal(0)}, columnar::Boolean())},
                             columnar::Boolean()),
                         Agg("count_if", {Call("gt", {Col(scan, 0), sql::MakeInt64Literal(90)}, columnar::Boolean())},
                             columnar::Int64()),
                         Agg("max_by", {Col(scan, 0), Col(scan, 0)}, columnar::Int64())});
  for (int threads : {1, 4}) {
    auto r = RunPlan(plan, threads);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    ASSERT_EQ(r.rows.size(), 1u);
    // Parallel merges may round the floating results differently in the last digit.
    const std::string& row = r.rows[0];
    EXPECT_NEAR(std::stod(row.substr(row.find("\"a0\":") + 5)), 841.6666666666666, 1e-9) << row;
    EXPECT_NEAR(std::stod(row.substr(row.find("\"a1\":") + 5)), 28.86607004772212, 1e-9) << row;
    EXPECT_NE(row.find("\"a2\":100,\"a3\":50,\"a4\":true,\"a5\":10,\"a6\":100}"), std::string::npos) << row;
  }
}

TEST(OpAggregate, ApproxCountDistinctLarge) {
  std::vector<std::optional<int64_t>> v;
  for (int i = 0; i < 200000; ++i) v.push_back(i % 50000);
  auto t = Table({"v"}, {I64(v)}, 8192);
  auto scan = Scan(t);
  auto r = RunPlan(Aggregate(scan, {}, {Agg("approx_count_distinct", {Col(scan, 0)}, columnar::Int64())}), 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  const int64_t est = std::stoll(r.rows[0].substr(r.rows[0].find(':') + 1));
  EXPECT_NEAR(est, 50000, 50000 * 0.15);
}

TEST(OpAggregate, SumOverflowIsAnErrorUnderAnsi) {
  auto t = Table({"v"}, {I64({INT64_MAX, 1})});
  auto scan = Scan(t);
  auto call = Agg("sum", {Col(scan, 0)}, columnar::Int64());
  call.sql = "sum(v)";
  auto r = RunPlan(Aggregate(scan, {}, {call}));
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message().find("sum(v)"), std::string::npos) << r.status.ToString();
}

TEST(OpAggregate, DecimalSumIsExact) {
  columnar::Decimal128Builder b(columnar::Decimal(10, 2));
  for (int i = 0; i < 1000; ++i) b.Append(static_cast<__int128>(1));  // 0.01 each
  auto t = Table({"d"}, {b.Finish()}, 100);
  auto scan = Scan(t);
  auto r = RunPlan(Aggregate(scan, {},
                             {Agg("sum", {Col(scan, 0)}, columnar::Decimal(20, 2)),
                              Agg("avg", {Col(scan, 0)}, columnar::Decimal(14, 6))}),
                   3);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows[0], "{\"a0\":\"10.00\",\"a1\":\"0.010000\"}");
}

TEST(OpAggregate, CollectAndFirstLast) {
  auto t = Table({"k", "v"}, {I64({1, 1, 1, 2}), Str({"b", std::nullopt, "b", "c"})});
  auto scan = Scan(t);
  auto plan = Aggregate(scan, {Col(scan, 0)},
                        {Agg("collect_list", {Col(scan, 1)}, columnar::List(columnar::Utf8())),
                         Agg("collect_set", {Col(scan, 1)}, columnar::List(columnar::Utf8())),
                         Agg("first", {Col(scan, 1)}, columnar::Utf8()),
                         Agg("last", {Col(scan, 1), sql::MakeBoolLiteral(true)}, columnar::Utf8())});
  auto r = RunPlan(plan);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(Sorted(r.rows),
            (std::vector<std::string>{"{\"g0\":1,\"a0\":[\"b\",\"b\"],\"a1\":[\"b\"],\"a2\":\"b\",\"a3\":\"b\"}",
                                      "{\"g0\":2,\"a0\":[\"c\"],\"a1\":[\"c\"],\"a2\":\"c\",\"a3\":\"c\"}"}));
}

TEST(OpAggregate, ManyGroupsParallelEqualsSerial) {
  std::vector<std::optional<int64_t>> k, v;
  for (int i = 0; i < 100000; ++i) {
    k.push_back((i * 7919) % 30011);
    v.push_back(i);
  }
  auto t = Table({"k", "v"}, {I64(k), I64(v)}, 4096);
  auto scan = Scan(t);
  auto plan = Aggregate(scan, {Col(scan, 0)},
                        {Agg("sum", {Col(scan, 1)}, columnar::Int64()), Agg("count_star", {}, columnar::Int64())});
  auto a = RunPlan(plan, 1);
  auto b = RunPlan(plan, 4);
  ASSERT_TRUE(a.status.ok() && b.status.ok());
  EXPECT_EQ(a.rows.size(), 30011u);
  EXPECT_EQ(Sorted(a.rows), Sorted(b.rows));
}

}  // namespace
}  // namespace tide::exec::testing

namespace tide::exec::testing {
namespace {

TEST(OpAggregate, CovarianceCorrelationPercentile) {
  auto t = Table({"x", "y"}, {F64({1, 2, 3, 4, std::nullopt}), F64({2, 4, 6, 9, 1})}, 2);
  auto scan = Scan(t);
  auto p = sql::MakeLiteral(F64({0.25}));
  auto plan = Aggregate(scan, {},
                        {Agg("covar_samp", {Col(scan, 0), Col(scan, 1)}, columnar::Float64()),
                         Agg("covar_pop", {Col(scan, 0), Col(scan, 1)}, columnar::Float64()),
                         Agg("corr", {Col(scan, 0), Col(scan, 1)}, columnar::Float64()),
                         Agg("percentile", {Col(scan, 1), p}, columnar::Float64()),
                         Agg("median", {Col(scan, 1)}, columnar::Float64())});
  for (int threads : {1, 3}) {
    auto r = RunPlan(plan, threads);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    const std::string& row = r.rows[0];
    auto num = [&](const char* k) { return std::stod(row.substr(row.find(k) + 5)); };
    // x = 1..4, y = 2,4,6,9: mean x 2.5, mean y 5.25, sum dx*dy = 11.5
    EXPECT_NEAR(num("\"a0\":"), 11.5 / 3, 1e-12) << row;
    EXPECT_NEAR(num("\"a1\":"), 11.5 / 4, 1e-12) << row;
    EXPECT_NEAR(num("\"a2\":"), 11.5 / std::sqrt(5.0 * 26.75), 1e-12) << row;
    // y sorted 1,2,4,6,9: p 0.25 at position 1 -> 2; median at 2 -> 4
    EXPECT_NEAR(num("\"a3\":"), 2.0, 1e-12) << row;
    EXPECT_NEAR(num("\"a4\":"), 4.0, 1e-12) << row;
  }
}

}  // namespace
}  // namespace tide::exec::testing
