#include <cmath>

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

// The reference order: a sequential stable sort by CompareSortRows, the generic comparison.
std::vector<int32_t> ReferencePermutation(const std::vector<ArrayPtr>& keys, const std::vector<sql::SortKey>& spec,
                                          int64_t n) {
  std::vector<int32_t> perm(n);
  for (int64_t i = 0; i < n; ++i) perm[i] = static_cast<int32_t>(i);
  std::stable_sort(perm.begin(), perm.end(),
                   [&](int32_t x, int32_t y) { return internal::CompareSortRows(keys, spec, x, y) < 0; });
  return perm;
}

// Sorts (typed key comparators; slices sorted on the query's threads, then merged) must give
// exactly the reference permutation: same order, ties in input order. Keys with many
// duplicates make stability visible; nulls, NaN, -0.0, sliced columns, descending keys and NULLS
// LAST cover the comparators. Sizes straddle the parallel threshold (65536 rows) and 3 and 5
// threads make odd numbers of slices.
TEST(OpSort, SortPermutationEqualsReferenceStableSort) {
  for (int64_t n : {1000, 70000, 200001}) {
    std::vector<std::optional<int64_t>> dense, nullable;
    std::vector<std::optional<int32_t>> small;
    std::vector<std::optional<double>> doubles;
    std::vector<std::optional<std::string>> text;
    for (int64_t i = 0; i < n + 3; ++i) {
      dense.push_back((i * 7919) % 97);
      nullable.push_back(i % 13 == 0 ? std::nullopt : std::optional<int64_t>((i * 31) % 50));
      small.push_back(i % 7 == 0 ? std::nullopt : std::optional<int32_t>(static_cast<int32_t>((i * 11) % 5) - 2));
      const int64_t d = (i * 13) % 41;
      doubles.push_back(d == 0 ? std::optional<double>(std::nan("")) : d == 1 ? std::optional<double>(-0.0)
                        : d == 2 ? std::nullopt : std::optional<double>((d - 20) * 0.5));
      text.push_back(i % 19 == 0 ? std::nullopt : std::optional<std::string>("k" + std::to_string((i * 17) % 211)));
    }
    // Columns sliced by 3 rows: the comparators must add the column's offset.
    auto sliced = [n](const ArrayPtr& a) { return a->Slice(3, n); };
    struct Case {
      std::vector<ArrayPtr> keys;
      std::vector<bool> ascending, nulls_first;
    };
    std::vector<Case> cases = {
        {{sliced(I64(dense))}, {false}, {true}},
        {{sliced(I64(nullable)), sliced(Str(text))}, {true, false}, {false, true}},
        {{sliced(F64(doubles)), sliced(I32(small))}, {true, true}, {true, false}},
        {{sliced(Str(text)), sliced(F64(doubles)), sliced(I64(dense))}, {false, false, true}, {false, true, true}},
    };
    for (size_t c = 0; c < cases.size(); ++c) {
      std::vector<sql::SortKey> spec(cases[c].keys.size());
      for (size_t k = 0; k < spec.size(); ++k) {
        spec[k].ascending = cases[c].ascending[k];
        spec[k].nulls_first = cases[c].nulls_first[k];
      }
      const auto expected = ReferencePermutation(cases[c].keys, spec, n);
      EXPECT_EQ(internal::SortPermutation(cases[c].keys, spec, n), expected) << n << " rows, case " << c;
      for (int threads : {2, 3, 5}) {
        ExecSettings settings;
        settings.threads = threads;
        QueryContext ctx(settings);
        EXPECT_EQ(internal::SortPermutation(cases[c].keys, spec, n, &ctx), expected)
            << n << " rows, case " << c << ", " << threads << " threads";
      }
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
