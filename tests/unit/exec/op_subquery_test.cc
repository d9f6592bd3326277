#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

BoundExprPtr Subquery(const PlanPtr& plan, sql::SubqueryKind kind, TypePtr type) {
  auto e = std::make_shared<sql::BoundExpr>();
  e->kind = sql::BoundExprKind::kSubquery;
  e->subquery_kind = kind;
  e->subquery = plan;
  e->type = std::move(type);
  e->sql = "(SELECT ...)";
  return e;
}

std::string Json(const columnar::ArrayData& a) {
  std::string s;
  for (int64_t i = 0; i < a.length; ++i) {
    if (i) s += ",";
    columnar::AppendValueJson(a, i, &s);
  }
  return s;
}

TEST(OpSubquery, ScalarInExists) {
  auto t = Table({"v"}, {I64({3, 1, 3, std::nullopt, 2})}, 2);
  auto scan = Scan(t);
  ExecSettings s;
  s.threads = 2;
  QueryContext ctx(s);

  auto max = Aggregate(scan, {}, {Agg("max", {Col(scan, 0)}, columnar::Int64())});
  auto scalar = Subquery(max, sql::SubqueryKind::kScalar, columnar::Int64());
  auto r = ctx.SubqueryResult(*scalar);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Json(**r), "3");
  // Cached: the same column comes back.
  auto r2 = ctx.SubqueryResult(*scalar);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r->get(), r2->get());

  auto many = Subquery(scan, sql::SubqueryKind::kScalar, columnar::Int64());
  auto bad = ctx.SubqueryResult(*many);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("more than one row"), std::string::npos);

  auto empty = Subquery(Limit(scan, 0), sql::SubqueryKind::kScalar, columnar::Int64());
  auto e = ctx.SubqueryResult(*empty);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(Json(**e), "null");

  auto in = Subquery(scan, sql::SubqueryKind::kIn, columnar::Boolean());
  auto iv = ctx.SubqueryResult(*in);
  ASSERT_TRUE(iv.ok());
  EXPECT_EQ((*iv)->length, 4);  // 3, 1, null, 2

  // The cache is keyed by the expression node, which the plan keeps alive during the query.
  auto none = Subquery(Limit(scan, 0), sql::SubqueryKind::kExists, columnar::Boolean());
  auto some = Subquery(scan, sql::SubqueryKind::kExists, columnar::Boolean());
  auto ex = ctx.SubqueryResult(*none);
  ASSERT_TRUE(ex.ok());
  EXPECT_EQ(Json(**ex), "false");
  auto ex2 = ctx.SubqueryResult(*some);
  ASSERT_TRUE(ex2.ok());
  EXPECT_EQ(Json(**ex2), "true");
}

}  // namespace
}  // namespace tide::exec::testing
