#include "exec/operators/operators.h"
#include "exec/query_context.h"
#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

PlanPtr Data() {
  return Scan(Table({"a", "b"}, {I64({3, std::nullopt, 1, 2, 1, std::nullopt}), Str({"c", "n1", "a", "b", "a2", "n2"})}, 2));
}

TEST(OpSort, AscNullsFirstStable) {
  auto s = Data();
  auto r = RunPlan(Sort(s, {Key(Col(s, 0))}), 3);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.rows.size(), 6u);
  EXPECT_EQ(r.rows[0].substr(0, 10), "{\"a\":null,");
  EXPECT_EQ(r.rows[2].substr(0, 7), "{\"a\":1,");
  EXPECT_EQ(r.rows[5], "{\"a\":3,\"b\":\"c\"}");
}

TEST(OpSort, DescNullsLastAndSecondKey) {
  auto s = Data();
  auto r = RunPlan(Sort(s, {Key(Col(s, 0), false), Key(Col(s, 1), false)}), 1);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.rows, (std::vector<std::string>{"{\"a\":3,\"b\":\"c\"}", "{\"a\":2,\"b\":\"b\"}",
                                              "{\"a\":1,\"b\":\"a2\"}", "{\"a\":1,\"b\":\"a\"}",
                                              "{\"a\":null,\"b\":\"n2\"}", "{\"a\":null,\"b\":\"n1\"}"}));
  auto r2 = RunPlan(Sort(s, {Key(Col(s, 0), true, false), Key(Col(s, 1))}), 1);
  EXPECT_EQ(r2.rows.back(), "{\"a\":null,\"b\":\"n2\"}");
  EXPECT_EQ(r2.rows.front(), "{\"a\":1,\"b\":\"a\"}");
}

TEST(OpSort, TopNWithOffset) {
  std::vector<std::optional<int64_t>> v;
  for (int i = 0; i < 50000; ++i) v.push_back((i * 7919) % 50000);
  auto s = Scan(Table({"v"}, {I64(v)}, 1000));
  auto r = RunPlan(Sort(s, {Key(Col(s, 0), false)}, 3, 2), 4);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.rows, (std::vector<std::string>{"{\"v\":49997}", "{\"v\":49996}", "{\"v\":49995}"}));
  // A limit above the sort keeps order.
  auto r2 = RunPlan(Limit(Sort(s, {Key(Col(s, 0))}), 2, 1), 4);
  EXPECT_EQ(r2.rows, (std::vector<std::string>{"{\"v\":1}", "{\"v\":2}"}));
}

TEST(OpSort, LargeParallelSortIsOrdered) {
  std::vector<std::optional<int64_t>> v;
  std::vector<std::optional<std::string>> s;
  for (int i = 0; i < 30000; ++i) {
    v.push_back((i * 31) % 1000);
    s.push_back("s" + std::to_string(i % 77));
  }
  auto scan = Scan(Table({"v", "s"}, {I64(v), Str(s)}, 777));
  auto r = RunPlan(Sort(scan, {Key(Col(scan, 1)), Key(Col(scan, 0), false)}), 4, 0, 1000);
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.rows.size(), 30000u);
  auto single = RunPlan(Sort(scan, {Key(Col(scan, 1)), Key(Col(scan, 0), false)}), 1);
  // Keys are not unique, but the rows (here: whole rows) in key order are the same.
  EXPECT_EQ(r.rows, single.rows);
}

// The parallel sort (slices sorted on the query's threads, then merged) must give exactly the
// permutation of the sequential stable sort: same order, ties in input order. Keys with many
// duplicates make stability visible; nulls and a descending second key take the general path,
// one null-free int64 key the typed one. Sizes straddle the parallel threshold (65536 rows) and
// make odd numbers of slices (3, 5 threads).
TEST(OpSort, ParallelSortPermutationEqualsSequentialStableSort) {
  for (int64_t n : {1000, 70000, 200001}) {
    std::vector<std::optional<int64_t>> dense, nullable;
    std::vector<std::optional<std::string>> text;
    for (int64_t i = 0; i < n; ++i) {
      dense.push_back((i * 7919) % 97);
      nullable.push_back(i % 13 == 0 ? std::nullopt : std::optional<int64_t>((i * 31) % 50));
      text.push_back("k" + std::to_string((i * 17) % 211));
    }
    std::vector<ArrayPtr> one_key = {I64(dense)};
    std::vector<sql::SortKey> one_spec(1);
    one_spec[0].ascending = false;
    std::vector<ArrayPtr> two_keys = {I64(nullable), Str(text)};
    std::vector<sql::SortKey> two_spec(2);
    two_spec[0].nulls_first = false;
    two_spec[1].ascending = false;
    const auto one_expected = internal::SortPermutation(one_key, one_spec, n);
    const auto two_expected = internal::SortPermutation(two_keys, two_spec, n);
    for (int threads : {1, 2, 3, 5}) {
      ExecSettings settings;
      settings.threads = threads;
      QueryContext ctx(settings);
      EXPECT_EQ(internal::SortPermutation(one_key, one_spec, n, &ctx), one_expected) << n << " rows, " << threads;
      EXPECT_EQ(internal::SortPermutation(two_keys, two_spec, n, &ctx), two_expected) << n << " rows, " << threads;
    }
    // The expectation itself is sorted and stable (ties keep input order).
    for (int64_t i = 1; i < n; ++i) {
      const int64_t a = *dense[one_expected[i - 1]], b = *dense[one_expected[i]];
      ASSERT_TRUE(a > b || (a == b && one_expected[i - 1] < one_expected[i])) << i;
    }
  }
}

TEST(OpSetOp, UnionIntersectExcept) {
  auto a = Scan(Table({"x"}, {I64({1, 1, 2, 3, std::nullopt})}));
  auto b = Scan(Table({"y"}, {I64({1, 3, 3, std::nullopt, 4})}));
  auto setop = [&](sql::PlanSetOp op, bool all) {
    auto p = std::make_shared<PlanNode>();
    p->kind = sql::PlanKind::kSetOp;
    p->children = {a, b};
    p->schema = a->schema;
    p->set_op = op;
    p->all = all;
    auto r = RunPlan(p, 2);
    EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    std::string out;
    for (const auto& row : Sorted(r.rows)) out += row.substr(5, row.size() - 6) + " ";
    return out;
  };
  EXPECT_EQ(setop(sql::PlanSetOp::kUnion, true), "1 1 1 2 3 3 3 4 null null ");
  EXPECT_EQ(setop(sql::PlanSetOp::kUnion, false), "1 2 3 4 null ");
  EXPECT_EQ(setop(sql::PlanSetOp::kIntersect, false), "1 3 null ");
  EXPECT_EQ(setop(sql::PlanSetOp::kIntersect, true), "1 3 null ");
  EXPECT_EQ(setop(sql::PlanSetOp::kExcept, false), "2 ");
  EXPECT_EQ(setop(sql::PlanSetOp::kExcept, true), "1 2 ");
}

TEST(OpSetOp, Distinct) {
  auto a = Scan(Table({"x", "s"}, {I64({1, 1, std::nullopt, std::nullopt}), Str({"a", "a", "b", "b"})}, 1));
  auto p = std::make_shared<PlanNode>();
  p->kind = sql::PlanKind::kDistinct;
  p->children = {a};
  p->schema = a->schema;
  auto r = RunPlan(p, 3);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(Sorted(r.rows), (std::vector<std::string>{"{\"x\":1,\"s\":\"a\"}", "{\"x\":null,\"s\":\"b\"}"}));
}

}  // namespace
}  // namespace tide::exec::testing
