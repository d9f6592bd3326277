#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

std::shared_ptr<MemTable> Numbers(int64_t n, int64_t batch_rows) {
  std::vector<std::optional<int64_t>> a, b;
  for (int64_t i = 0; i < n; ++i) {
    a.push_back(i);
    b.push_back(i % 10);
  }
  return Table({"a", "b"}, {I64(a), I64(b)}, batch_rows);
}

TEST(OpBasic, ScanFilterProject) {
  auto t = Numbers(100, 7);
  auto scan = Scan(t, {1, 0});
  auto pred = Call("gt", {Col(scan, 0), sql::MakeInt64Literal(7)}, columnar::Boolean());
  auto plan = Project(Filter(scan, pred), {Col(scan, 1), sql::MakeInt64Literal(5)}, {"a", "five"});
  for (int threads : {1, 3}) {
    auto r = RunPlan(plan, threads);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    ASSERT_EQ(r.rows.size(), 20u);
    auto s = Sorted(r.rows);
    EXPECT_EQ(s[0], "{\"a\":18,\"five\":5}");
  }
}

TEST(OpBasic, ScanFiltersAreExact) {
  auto t = Numbers(50, 8);
  auto probe = Scan(t);
  auto f = Call("eq", {Col(probe, 1), sql::MakeInt64Literal(3)}, columnar::Boolean());
  auto r = RunPlan(Scan(t, {}, {f}), 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(r.stats.rows_out, 5);
}

TEST(OpBasic, LimitStopsTheScanEarly) {
  auto t = Numbers(100000, 100);  // 1000 morsels
  auto r = RunPlan(Limit(Scan(t), 10), 1);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows.size(), 10u);
  EXPECT_LE(t->reads(), 2);
  auto t2 = Numbers(100000, 100);
  auto r2 = RunPlan(Limit(Scan(t2), 10, 195), 3);
  ASSERT_TRUE(r2.status.ok());
  EXPECT_EQ(r2.rows.size(), 10u);
  EXPECT_LT(t2->reads(), 50);
}

TEST(OpBasic, LimitZeroAndOffsetPastEnd) {
  auto t = Numbers(10, 3);
  EXPECT_EQ(RunPlan(Limit(Scan(t), 0)).rows.size(), 0u);
  EXPECT_EQ(RunPlan(Limit(Scan(t), 5, 8)).rows.size(), 2u);
  EXPECT_EQ(RunPlan(Limit(Scan(t), -1, 20)).rows.size(), 0u);
}

TEST(OpBasic, ValuesAndZeroColumnValues) {
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kValues;
  p->values = {I64({1, 2}), Str({"x", std::nullopt})};
  p->schema = SchemaOf({"n", "s"}, p->values);
  auto r = RunPlan(p);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows, (std::vector<std::string>{"{\"n\":1,\"s\":\"x\"}", "{\"n\":2,\"s\":null}"}));
  auto z = std::make_shared<PlanNode>();
  z->kind = sql::PlanKind::kValues;
  z->values_rows = 3;
  z->schema = Fields({});
  auto cnt = Aggregate(z, {}, {Agg("count_star", {}, columnar::Int64())});
  auto rc = RunPlan(cnt);
  ASSERT_TRUE(rc.status.ok()) << rc.status.ToString();
  EXPECT_EQ(rc.rows, (std::vector<std::string>{"{\"a0\":3}"}));
}

TEST(OpBasic, Explode) {
  auto lt = columnar::List(columnar::Int64());
  auto b = columnar::MakeBuilder(lt);
  auto* lb = static_cast<columnar::ListBuilder*>(b.get());
  auto* ib = static_cast<columnar::Int64Builder*>(lb->value_builder());
  lb->Append();
  ib->Append(10);
  ib->Append(20);
  lb->AppendNull();
  lb->Append();
  auto lists = b->Finish();
  auto t = Table({"id", "xs"}, {I64({1, 2, 3}), lists});
  auto scan = Scan(t);
  for (std::string fn : {"explode", "posexplode", "explode_outer", "posexplode_outer"}) {
    auto p = std::make_shared<PlanNode>();
    p->kind = sql::PlanKind::kExplode;
    p->children = {scan};
    p->generator = Call(fn, {Col(scan, 1)}, columnar::Int64());
    auto f = scan->schema->fields();
    if (fn.rfind("pos", 0) == 0) f.push_back(columnar::MakeField("pos", columnar::Int32()));
    f.push_back(columnar::MakeField("col", columnar::Int64()));
    p->schema = Fields(f);
    auto proj = Project(p, {Col(p, 0), Col(p, p->schema->num_fields() - 1)}, {"id", "col"});
    auto r = RunPlan(proj);
    ASSERT_TRUE(r.status.ok()) << fn << ": " << r.status.ToString();
    if (fn.find("outer") != std::string::npos) {
      EXPECT_EQ(r.rows.size(), 4u) << fn;
      EXPECT_EQ(r.rows[2], "{\"id\":2,\"col\":null}");
    } else {
      EXPECT_EQ(r.rows.size(), 2u) << fn;
      EXPECT_EQ(r.rows[1], "{\"id\":1,\"col\":20}");
    }
  }
}

TEST(OpBasic, CancellationStopsTheQuery) {
  auto t = Numbers(1000, 10);
  ExecSettings s;
  s.threads = 2;
  QueryContext ctx(s);
  ctx.Cancel();
  auto out = CollectPlan(Scan(t), &ctx);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), base::StatusCode::kCancelled);

  QueryContext ctx2(s);
  int batches = 0;
  auto st = ExecutePlan(Scan(t), &ctx2, [&](std::shared_ptr<RecordBatch>) {
    if (++batches == 3) ctx2.Cancel();
    return base::Status::OK();
  });
  EXPECT_EQ(st.code(), base::StatusCode::kCancelled);
  EXPECT_LT(batches, 100);
}

TEST(OpBasic, SinkErrorStopsTheQuery) {
  auto t = Numbers(1000, 10);
  ExecSettings s;
  s.threads = 2;
  QueryContext ctx(s);
  auto st = ExecutePlan(Scan(t), &ctx, [&](std::shared_ptr<RecordBatch>) { return base::Status::IoError("disk full"); });
  EXPECT_EQ(st.code(), base::StatusCode::kIoError);
}

}  // namespace
}  // namespace tide::exec::testing
