#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

using sql::PlanJoinType;

// left: (id, lv) with a null key; right: (id, rv) with a null key and a duplicate.
PlanPtr Left() { return Scan(Table({"id", "lv"}, {I64({1, 2, 3, std::nullopt}), Str({"a", "b", "c", "n"})}, 2)); }
PlanPtr Right() {
  return Scan(Table({"rid", "rv"}, {I64({2, 2, 4, std::nullopt}), Str({"x", "y", "z", "m"})}, 3));
}

std::vector<std::string> RunJoin(PlanJoinType type, BoundExprPtr cond = nullptr, std::vector<bool> ns = {},
                                 int threads = 1) {
  auto l = Left(), r = Right();
  auto plan = Join(l, r, type, {Col(l, 0)}, {Col(r, 0)}, cond, ns);
  auto res = RunPlan(plan, threads);
  EXPECT_TRUE(res.status.ok()) << res.status.ToString();
  return Sorted(res.rows);
}

TEST(OpJoin, Inner) {
  EXPECT_EQ(RunJoin(PlanJoinType::kInner),
            (std::vector<std::string>{"{\"id\":2,\"lv\":\"b\",\"rid\":2,\"rv\":\"x\"}",
                                      "{\"id\":2,\"lv\":\"b\",\"rid\":2,\"rv\":\"y\"}"}));
}

TEST(OpJoin, NullSafeKeysMatchNulls) {
  auto rows = RunJoin(PlanJoinType::kInner, nullptr, {true});
  EXPECT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2], "{\"id\":null,\"lv\":\"n\",\"rid\":null,\"rv\":\"m\"}");
}

TEST(OpJoin, LeftRightFull) {
  auto left = RunJoin(PlanJoinType::kLeft);
  EXPECT_EQ(left.size(), 5u);
  EXPECT_EQ(left[0], "{\"id\":1,\"lv\":\"a\",\"rid\":null,\"rv\":null}");
  EXPECT_EQ(left[4], "{\"id\":null,\"lv\":\"n\",\"rid\":null,\"rv\":null}");
  auto right = RunJoin(PlanJoinType::kRight);
  EXPECT_EQ(right, (std::vector<std::string>{"{\"id\":2,\"lv\":\"b\",\"rid\":2,\"rv\":\"x\"}",
                                             "{\"id\":2,\"lv\":\"b\",\"rid\":2,\"rv\":\"y\"}",
                                             "{\"id\":null,\"lv\":null,\"rid\":4,\"rv\":\"z\"}",
                                             "{\"id\":null,\"lv\":null,\"rid\":null,\"rv\":\"m\"}"}));
  auto full = RunJoin(PlanJoinType::kFull, nullptr, {}, 3);
  EXPECT_EQ(full.size(), 7u);
}

TEST(OpJoin, SemiAntiMark) {
  EXPECT_EQ(RunJoin(PlanJoinType::kSemi), (std::vector<std::string>{"{\"id\":2,\"lv\":\"b\"}"}));
  // NOT EXISTS semantics: a null probe key matches nothing, so it is kept.
  EXPECT_EQ(RunJoin(PlanJoinType::kAnti),
            (std::vector<std::string>{"{\"id\":1,\"lv\":\"a\"}", "{\"id\":3,\"lv\":\"c\"}",
                                      "{\"id\":null,\"lv\":\"n\"}"}));
  // IN semantics: the build side holds a null, so non-matches are null, not false.
  EXPECT_EQ(RunJoin(PlanJoinType::kMark),
            (std::vector<std::string>{"{\"id\":1,\"lv\":\"a\",\"mark\":null}", "{\"id\":2,\"lv\":\"b\",\"mark\":true}",
                                      "{\"id\":3,\"lv\":\"c\",\"mark\":null}",
                                      "{\"id\":null,\"lv\":\"n\",\"mark\":null}"}));
  // Without nulls on the build side non-matches are false; a null probe stays null.
  auto l = Left();
  auto r = Scan(Table({"rid"}, {I64({2, 5})}));
  auto res = RunPlan(Join(l, r, PlanJoinType::kMark, {Col(l, 0)}, {Col(r, 0)}));
  ASSERT_TRUE(res.status.ok());
  EXPECT_EQ(Sorted(res.rows),
            (std::vector<std::string>{"{\"id\":1,\"lv\":\"a\",\"mark\":false}", "{\"id\":2,\"lv\":\"b\",\"mark\":true}",
                                      "{\"id\":3,\"lv\":\"c\",\"mark\":false}",
                                      "{\"id\":null,\"lv\":\"n\",\"mark\":null}"}));
  // Empty build side: false for every row.
  auto e = Scan(Table({"rid"}, {I64({})}));
  auto res2 = RunPlan(Join(l, e, PlanJoinType::kMark, {Col(l, 0)}, {Col(e, 0)}));
  ASSERT_TRUE(res2.status.ok());
  EXPECT_EQ(Sorted(res2.rows)[3], "{\"id\":null,\"lv\":\"n\",\"mark\":false}");
}

TEST(OpJoin, ResidualConditionDecidesOuterMatches) {
  // left join on id with rv <> 'x': id 2 matches only 'y'.
  auto l = Left(), r = Right();
  auto cond = Call("ne", {sql::MakeColumn(3, columnar::Utf8(), true, "rv"), sql::MakeStringLiteral("x")},
                   columnar::Boolean());
  auto res = RunPlan(Join(l, r, PlanJoinType::kLeft, {Col(l, 0)}, {Col(r, 0)}, cond));
  ASSERT_TRUE(res.status.ok()) << res.status.ToString();
  auto rows = Sorted(res.rows);
  EXPECT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], "{\"id\":2,\"lv\":\"b\",\"rid\":2,\"rv\":\"y\"}");
  // rv = 'nothing': every left row is unmatched.
  auto cond2 = Call("eq", {sql::MakeColumn(3, columnar::Utf8(), true, "rv"), sql::MakeStringLiteral("nothing")},
                    columnar::Boolean());
  auto res2 = RunPlan(Join(l, r, PlanJoinType::kAnti, {Col(l, 0)}, {Col(r, 0)}, cond2));
  ASSERT_TRUE(res2.status.ok());
  EXPECT_EQ(res2.rows.size(), 4u);
}

TEST(OpJoin, CrossAndNonEquiJoins) {
  auto l = Left(), r = Right();
  auto cross = RunPlan(Join(l, r, PlanJoinType::kCross, {}, {}), 2);
  ASSERT_TRUE(cross.status.ok()) << cross.status.ToString();
  EXPECT_EQ(cross.rows.size(), 16u);
  // l.id < r.rid
  auto cond = Call("lt", {sql::MakeColumn(0, columnar::Int64(), true, "id"), sql::MakeColumn(2, columnar::Int64(), true, "rid")},
                   columnar::Boolean());
  auto lt = RunPlan(Join(l, r, PlanJoinType::kInner, {}, {}, cond));
  ASSERT_TRUE(lt.status.ok()) << lt.status.ToString();
  // 1<2,1<2,1<4,2<4,3<4
  EXPECT_EQ(lt.rows.size(), 5u);
  auto full = RunPlan(Join(l, r, PlanJoinType::kFull, {}, {}, cond));
  ASSERT_TRUE(full.status.ok());
  // 5 matches + left null-key row + right null-key row
  EXPECT_EQ(full.rows.size(), 7u);
}

TEST(OpJoin, StringKeysParallelEqualsSerial) {
  std::vector<std::optional<std::string>> lk, rk;
  std::vector<std::optional<int64_t>> lv, rv;
  for (int i = 0; i < 20000; ++i) {
    lk.push_back("k" + std::to_string(i % 5000));
    lv.push_back(i);
  }
  for (int i = 0; i < 3000; ++i) {
    rk.push_back("k" + std::to_string(i * 2));
    rv.push_back(i);
  }
  auto l = Scan(Table({"k", "v"}, {Str(lk), I64(lv)}, 1000));
  auto r = Scan(Table({"k2", "v2"}, {Str(rk), I64(rv)}, 500));
  for (auto type : {PlanJoinType::kInner, PlanJoinType::kLeft, PlanJoinType::kRight, PlanJoinType::kFull,
                    PlanJoinType::kSemi, PlanJoinType::kAnti}) {
    auto plan = Join(l, r, type, {Col(l, 0)}, {Col(r, 0)});
    auto a = RunPlan(plan, 1), b = RunPlan(plan, 4);
    ASSERT_TRUE(a.status.ok() && b.status.ok());
    EXPECT_EQ(Sorted(a.rows), Sorted(b.rows)) << static_cast<int>(type);
    if (type == PlanJoinType::kInner) EXPECT_EQ(a.rows.size(), 2500u * 4);
  }
}

}  // namespace
}  // namespace tide::exec::testing
