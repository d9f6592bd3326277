#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

// ~10x a 1 MB memory limit of data.
std::shared_ptr<MemTable> Big(int64_t n, int64_t mod) {
  std::vector<std::optional<int64_t>> k, v;
  std::vector<std::optional<std::string>> s;
  for (int64_t i = 0; i < n; ++i) {
    k.push_back((i * 7919) % mod);
    v.push_back(i);
    s.push_back("payload-" + std::to_string(i % 1000) + "-abcdefghij");
  }
  return Table({"k", "v", "s"}, {I64(k), I64(v), Str(s)}, 4096);
}

constexpr int64_t kLimit = 1 << 20;

TEST(OpSpill, AggregationPastTheMemoryLimit) {
  auto scan = Scan(Big(300000, 100003));
  auto plan = Aggregate(scan, {Col(scan, 0)},
                        {Agg("sum", {Col(scan, 1)}, columnar::Int64()), Agg("count_star", {}, columnar::Int64()),
                         Agg("max", {Col(scan, 2)}, columnar::Utf8()),
                         Agg("count", {Col(scan, 2)}, columnar::Int64(), true)});
  auto unlimited = RunPlan(plan, 2);
  ASSERT_TRUE(unlimited.status.ok()) << unlimited.status.ToString();
  ASSERT_EQ(unlimited.rows.size(), 100003u);
  for (int threads : {1, 2}) {
    auto limited = RunPlan(plan, threads, kLimit);
    ASSERT_TRUE(limited.status.ok()) << limited.status.ToString();
    EXPECT_GT(limited.stats.bytes_spilled, 0);
    EXPECT_LE(limited.stats.peak_memory, kLimit);
    EXPECT_EQ(Sorted(limited.rows), Sorted(unlimited.rows));
  }
}

TEST(OpSpill, JoinPastTheMemoryLimit) {
  auto l = Scan(Big(200000, 50000));
  auto r = Scan(Big(100000, 60000));
  for (auto type : {sql::PlanJoinType::kInner, sql::PlanJoinType::kFull, sql::PlanJoinType::kAnti}) {
    auto join = Join(l, r, type, {Col(l, 0)}, {Col(r, 0)});
    // Count and checksum the join result through an aggregation (the output is large).
    auto plan = Aggregate(join, {}, {Agg("count_star", {}, columnar::Int64()),
                                     Agg("sum", {Col(join, 1)}, columnar::Int64()),
                                     Agg("count", {Col(join, 0)}, columnar::Int64())});
    auto unlimited = RunPlan(plan, 2);
    ASSERT_TRUE(unlimited.status.ok()) << unlimited.status.ToString();
    auto limited = RunPlan(plan, 2, kLimit);
    ASSERT_TRUE(limited.status.ok()) << limited.status.ToString();
    EXPECT_GT(limited.stats.bytes_spilled, 0);
    EXPECT_EQ(limited.rows, unlimited.rows) << static_cast<int>(type);
  }
  // Row-level equality on a smaller join.
  auto l2 = Scan(Big(40000, 9000));
  auto r2 = Scan(Big(30000, 12000));
  auto join = Join(l2, r2, sql::PlanJoinType::kLeft, {Col(l2, 0)}, {Col(r2, 0)});
  auto a = RunPlan(join, 2), b = RunPlan(join, 2, 256 << 10);
  ASSERT_TRUE(a.status.ok() && b.status.ok()) << b.status.ToString();
  EXPECT_GT(b.stats.bytes_spilled, 0);
  EXPECT_EQ(Sorted(a.rows), Sorted(b.rows));
}

TEST(OpSpill, NothingToSpillIsResourceExhausted) {
  auto l = Scan(Big(100000, 50000));
  auto r = Scan(Big(100000, 60000));
  // A cross join cannot be partitioned.
  auto cond = Call("lt", {sql::MakeColumn(0, columnar::Int64(), true, "k"), sql::MakeColumn(3, columnar::Int64(), true, "k")},
                   columnar::Boolean());
  auto res = RunPlan(Join(l, r, sql::PlanJoinType::kInner, {}, {}, cond), 1, kLimit);
  ASSERT_FALSE(res.status.ok());
  EXPECT_EQ(res.status.code(), base::StatusCode::kResourceExhausted);
  EXPECT_NE(res.status.message().find("hash join"), std::string::npos) << res.status.ToString();
}

TEST(OpSpill, SortPastTheMemoryLimit) {
  auto scan = Scan(Big(200000, 1000000));
  auto plan = Sort(scan, {Key(Col(scan, 0)), Key(Col(scan, 1), false)});
  auto unlimited = RunPlan(plan, 2);
  ASSERT_TRUE(unlimited.status.ok());
  auto limited = RunPlan(plan, 2, kLimit);
  ASSERT_TRUE(limited.status.ok()) << limited.status.ToString();
  EXPECT_GT(limited.stats.bytes_spilled, 0);
  EXPECT_EQ(limited.rows, unlimited.rows);
}

}  // namespace
}  // namespace tide::exec::testing

namespace tide::exec::testing {
namespace {

PlanPtr WindowOver(const PlanPtr& in, std::vector<sql::WindowCall> calls, bool partition) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kWindow;
  p->children = {in};
  if (partition) p->partition_by = {Col(in, 0)};
  p->order_by = {Key(Col(in, 1))};
  auto f = in->schema->fields();
  for (size_t i = 0; i < calls.size(); ++i) f.push_back(columnar::MakeField("w" + std::to_string(i), calls[i].type));
  p->schema = Fields(f);
  p->windows = std::move(calls);
  return p;
}

sql::WindowCall WCall(std::string fn, std::vector<BoundExprPtr> args, TypePtr type) {
  sql::WindowCall w;
  w.function = std::move(fn);
  w.args = std::move(args);
  w.type = std::move(type);
  w.sql = w.function;
  return w;
}

TEST(OpSpill, WindowPastTheMemoryLimit) {
  auto scan = Scan(Big(200000, 5000));
  // Partitioned: spilled by partition key, any function.
  auto plan = WindowOver(scan, {WCall("sum", {Col(scan, 1)}, columnar::Int64()),
                                WCall("lag", {Col(scan, 1)}, columnar::Int64())}, true);
  auto unlimited = RunPlan(plan, 2);
  ASSERT_TRUE(unlimited.status.ok()) << unlimited.status.ToString();
  auto limited = RunPlan(plan, 2, kLimit);
  ASSERT_TRUE(limited.status.ok()) << limited.status.ToString();
  EXPECT_GT(limited.stats.bytes_spilled, 0);
  EXPECT_EQ(Sorted(limited.rows), Sorted(unlimited.rows));
  // Unpartitioned ranking: streamed over the spilling sort.
  auto ranks = WindowOver(scan, {WCall("row_number", {}, columnar::Int32()), WCall("rank", {}, columnar::Int32()),
                                 WCall("dense_rank", {}, columnar::Int32())}, false);
  auto u2 = RunPlan(ranks, 2);
  auto l2 = RunPlan(ranks, 2, kLimit);
  ASSERT_TRUE(u2.status.ok() && l2.status.ok()) << l2.status.ToString();
  EXPECT_GT(l2.stats.bytes_spilled, 0);
  EXPECT_EQ(Sorted(l2.rows), Sorted(u2.rows));
}

TEST(OpSpill, GlobalDistinctAggregatePastTheMemoryLimit) {
  auto scan = Scan(Big(300000, 300000));
  auto plan = Aggregate(scan, {},
                        {Agg("count", {Col(scan, 1)}, columnar::Int64(), true),
                         Agg("sum", {Col(scan, 1)}, columnar::Int64(), true), Agg("count_star", {}, columnar::Int64()),
                         Agg("max", {Col(scan, 2)}, columnar::Utf8())});
  auto unlimited = RunPlan(plan, 2);
  ASSERT_TRUE(unlimited.status.ok());
  auto limited = RunPlan(plan, 2, kLimit);
  ASSERT_TRUE(limited.status.ok()) << limited.status.ToString();
  EXPECT_GT(limited.stats.bytes_spilled, 0);
  EXPECT_EQ(limited.rows, unlimited.rows);
}

}  // namespace
}  // namespace tide::exec::testing

namespace tide::exec::testing {
namespace {

// A grace join whose spilled partitions still do not fit partitions them again.
TEST(OpSpill, GraceJoinPartitionsAgainWhenAPartitionDoesNotFit) {
  auto l = Scan(Big(100000, 200003));
  auto r = Scan(Big(200000, 200003));
  for (auto type : {sql::PlanJoinType::kInner, sql::PlanJoinType::kLeft, sql::PlanJoinType::kRight}) {
    auto join = Join(l, r, type, {Col(l, 0)}, {Col(r, 0)});
    auto plan = Aggregate(join, {}, {Agg("count_star", {}, columnar::Int64()),
                                     Agg("sum", {Col(join, 1)}, columnar::Int64()),
                                     Agg("sum", {Col(join, 4)}, columnar::Int64())});
    auto unlimited = RunPlan(plan, 2);
    ASSERT_TRUE(unlimited.status.ok()) << unlimited.status.ToString();
    // 200000 build rows in 32 partitions (~6000 rows, several hundred KB each) against 256 KB.
    auto limited = RunPlan(plan, 2, 256 << 10);
    ASSERT_TRUE(limited.status.ok()) << limited.status.ToString();
    EXPECT_GT(limited.stats.bytes_spilled, 0);
    EXPECT_EQ(limited.rows, unlimited.rows) << static_cast<int>(type);
  }
}

// Every build row on one key: partitioning again cannot help, and the error says why.
TEST(OpSpill, GraceJoinOnOneHotKeyIsResourceExhausted) {
  auto l = Scan(Big(1000, 1));
  auto r = Scan(Big(100000, 1));
  auto join = Join(l, r, sql::PlanJoinType::kInner, {Col(l, 0)}, {Col(r, 0)});
  auto plan = Aggregate(join, {}, {Agg("count_star", {}, columnar::Int64())});
  auto res = RunPlan(plan, 2, 256 << 10);
  ASSERT_FALSE(res.status.ok());
  EXPECT_EQ(res.status.code(), base::StatusCode::kResourceExhausted);
  EXPECT_NE(res.status.message().find("share one join key"), std::string::npos) << res.status.ToString();
}

// A grouped aggregation over a spilling join: whichever of the two runs out of memory first,
// the aggregation spills its own state so the join's partitions get the memory (the
// tests/sql/spill.slt join + GROUP BY case).
TEST(OpSpill, GroupedAggregationOverASpillingJoin) {
  // 100 000 unique keys: the join's build side is several times the 1 MB limit, and the test
  // stays well inside the 60 s budget under ASan/UBSan.
  auto l = Scan(Big(100000, 100003));
  auto r = Scan(Big(100000, 100003));
  auto join = Join(l, r, sql::PlanJoinType::kInner, {Col(l, 0)}, {Col(r, 0)});
  auto plan = Aggregate(join, {Col(join, 0)},
                        {Agg("count_star", {}, columnar::Int64()), Agg("sum", {Col(join, 4)}, columnar::Int64())});
  auto unlimited = RunPlan(plan, 2);
  ASSERT_TRUE(unlimited.status.ok()) << unlimited.status.ToString();
  ASSERT_EQ(unlimited.rows.size(), 100000u);
  for (int threads : {1, 2}) {
    auto limited = RunPlan(plan, threads, kLimit);
    ASSERT_TRUE(limited.status.ok()) << limited.status.ToString();
    EXPECT_GT(limited.stats.bytes_spilled, 0);
    EXPECT_EQ(Sorted(limited.rows), Sorted(unlimited.rows));
  }
}

// Join keys of two fixed-width columns (the packed-key fast path) and a nullable key.
TEST(OpSpill, TwoColumnFixedWidthJoinKeys) {
  std::vector<std::optional<int64_t>> a1, a2, b1;
  std::vector<std::optional<int32_t>> a3, b3;
  for (int64_t i = 0; i < 5000; ++i) {
    a1.push_back(i % 97);
    a3.push_back(i % 5 == 0 ? std::nullopt : std::optional<int32_t>(static_cast<int32_t>(i % 13)));
    b1.push_back(i % 89);
    b3.push_back(static_cast<int32_t>(i % 11));
  }
  auto l = Scan(Table({"x", "y"}, {I64(a1), I32(a3)}, 1000));
  auto r = Scan(Table({"x", "y"}, {I64(b1), I32(b3)}, 1000));
  auto join = Join(l, r, sql::PlanJoinType::kInner, {Col(l, 0), Col(l, 1)}, {Col(r, 0), Col(r, 1)});
  auto res = RunPlan(join, 2);
  ASSERT_TRUE(res.status.ok()) << res.status.ToString();
  // Expected pairs by brute force.
  size_t expected = 0;
  for (size_t i = 0; i < a1.size(); ++i) {
    for (size_t j = 0; j < b1.size(); ++j) {
      if (a3[i] && a1[i] == b1[j] && *a3[i] == *b3[j]) ++expected;
    }
  }
  EXPECT_EQ(res.rows.size(), expected);
}

}  // namespace
}  // namespace tide::exec::testing
