// Join ordering (optimizer_joins.cc): inputs reduced by the filtered leaves only they reach
// (bushy build sides), the transitive closure of column equalities, and no key enforced twice.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "binder_test_util.h"
#include "sql/optimizer.h"
#include "sql/printer.h"

namespace tide::sql {
namespace {

using testing::BindOptimized;
using testing::FakeCatalog;

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const PlanNode* SkipProjects(const PlanNode* n) {
  while (n->kind == PlanKind::kProject || n->kind == PlanKind::kFilter) n = n->children[0].get();
  return n;
}

// The first join (pre-order) whose printed line contains `keys`.
const PlanNode* FindJoin(const PlanNode& n, const std::string& keys) {
  if (n.kind == PlanKind::kJoin) {
    std::string s = PlanToString(n);
    if (Has(s.substr(0, s.find('\n')), keys)) return &n;
  }
  for (const auto& c : n.children) {
    if (const PlanNode* j = FindJoin(*c, keys)) return j;
  }
  return nullptr;
}

int CountJoins(const PlanNode& n) {
  int k = n.kind == PlanKind::kJoin ? 1 : 0;
  for (const auto& c : n.children) k += CountJoins(*c);
  return k;
}

size_t CountKeys(const PlanNode& n) {
  size_t k = n.kind == PlanKind::kJoin ? n.left_keys.size() : 0;
  for (const auto& c : n.children) k += CountKeys(*c);
  return k;
}

class JoinOrderTest : public ::testing::Test {
 protected:
  PlanPtr Opt(const std::string& sql) {
    auto p = BindOptimized(cat, sql);
    EXPECT_TRUE(p.ok()) << sql << "\n" << p.status().ToString();
    return p.ok() ? *p : nullptr;
  }
  FakeCatalog cat;
};

TEST_F(JoinOrderTest, Q3OrdersReducedByCustomerBeforeLineitemProbes) {
  PlanPtr p = Opt(
      "SELECT l_orderkey, sum(l_extendedprice) FROM customer, orders, lineitem WHERE c_mktsegment = 'BUILDING' "
      "AND c_custkey = o_custkey AND l_orderkey = o_orderkey AND o_orderdate < date '1995-03-15' "
      "AND l_shipdate > date '1995-03-15' GROUP BY l_orderkey");
  ASSERT_TRUE(p);
  const PlanNode* top = FindJoin(*p, "l_orderkey = o_orderkey");
  ASSERT_TRUE(top) << PlanToString(*p);
  // lineitem probes; the build side is orders joined with the customers of one segment.
  EXPECT_TRUE(Has(PlanToString(*SkipProjects(top->children[0].get())), "Scan lineitem")) << PlanToString(*p);
  const PlanNode* build = SkipProjects(top->children[1].get());
  ASSERT_EQ(build->kind, PlanKind::kJoin) << PlanToString(*p);
  std::string b = PlanToString(*build);
  EXPECT_TRUE(Has(b, "keys=[o_custkey = c_custkey]")) << b;
  EXPECT_TRUE(Has(PlanToString(*SkipProjects(build->children[0].get())), "Scan orders")) << b;
  EXPECT_TRUE(Has(PlanToString(*SkipProjects(build->children[1].get())), "Scan customer")) << b;
}

TEST_F(JoinOrderTest, Q5CustomerReachesTheRegionThroughTheImpliedNationKey) {
  PlanPtr p = Opt(
      "SELECT n_name, sum(l_extendedprice) FROM customer, orders, lineitem, supplier, nation, region "
      "WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND l_suppkey = s_suppkey "
      "AND c_nationkey = s_nationkey AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey "
      "AND r_name = 'ASIA' AND o_orderdate >= date '1994-01-01' AND o_orderdate < date '1995-01-01' "
      "GROUP BY n_name");
  ASSERT_TRUE(p);
  const std::string all = PlanToString(*p);
  EXPECT_EQ(CountJoins(*p), 5) << all;
  // c_nationkey = n_nationkey is implied (c = s = n): customer joins the region's nations.
  EXPECT_TRUE(Has(all, "Join inner keys=[c_nationkey = n_nationkey]")) << all;
  const PlanNode* probe = FindJoin(*p, "l_orderkey = o_orderkey");
  ASSERT_TRUE(probe) << all;
  std::string build = PlanToString(*probe->children[1]);
  for (const char* t : {"Scan orders", "Scan customer", "Scan nation", "Scan region"}) {
    EXPECT_TRUE(Has(build, t)) << t << "\n" << all;
  }
  EXPECT_FALSE(Has(build, "Scan supplier")) << all;
  EXPECT_TRUE(Has(PlanToString(*SkipProjects(probe->children[0].get())), "Scan lineitem")) << all;
  // supplier last, on two keys; s_nationkey = n_nationkey follows from the others and is not
  // checked again: five joins, six keys.
  const PlanNode* last = FindJoin(*p, "l_suppkey = s_suppkey");
  ASSERT_TRUE(last) << all;
  EXPECT_EQ(last->left_keys.size(), 2u) << all;
  EXPECT_TRUE(Has(PlanToString(*last).substr(0, 80), "c_nationkey = s_nationkey")) << all;
  EXPECT_EQ(CountKeys(*p), 6u) << all;
  EXPECT_FALSE(Has(all, "Filter")) << all;
}

TEST_F(JoinOrderTest, UnfilteredLeavesDoNotReduce) {
  // Q9's shape keeps its left-deep order: nation has no filter, so supplier is not joined with
  // it first; part (filtered) is connected to lineitem and joins at the probe.
  PlanPtr p = Opt(
      "SELECT n_name, sum(l_extendedprice) FROM part, supplier, lineitem, partsupp, orders, nation "
      "WHERE s_suppkey = l_suppkey AND ps_suppkey = l_suppkey AND ps_partkey = l_partkey AND p_partkey = l_partkey "
      "AND o_orderkey = l_orderkey AND s_nationkey = n_nationkey AND p_name LIKE '%green%' GROUP BY n_name");
  ASSERT_TRUE(p);
  const std::string all = PlanToString(*p);
  const PlanNode* j = FindJoin(*p, "s_nationkey = n_nationkey");
  ASSERT_TRUE(j) << all;
  EXPECT_TRUE(Has(PlanToString(*SkipProjects(j->children[0].get())), "Scan lineitem")) << all;
  // The implied ps = s / ps = p equalities add no key: each class is joined once.
  EXPECT_EQ(CountKeys(*p), 6u) << all;
}

TEST_F(JoinOrderTest, FloatEqualitiesAreNotClosed) {
  // t.e = u.v = t2.e over DOUBLE: no implied t.e = t2.e (equality of floating-point values is
  // not treated as transitive); the plan still has exactly the two written keys.
  PlanPtr p = Opt("SELECT t.a FROM t, u, t t2 WHERE t.e = u.v AND u.v = t2.e AND u.k = 'x'");
  ASSERT_TRUE(p);
  EXPECT_EQ(CountKeys(*p), 2u) << PlanToString(*p);
  // Integers: b = b2 = id adds b = id, and every class is still checked once.
  p = Opt("SELECT t.a FROM t, t t2, w WHERE t.b = t2.b AND t2.b = w.id AND w.name = 'n'");
  ASSERT_TRUE(p);
  EXPECT_EQ(CountKeys(*p), 2u) << PlanToString(*p);
}

TEST_F(JoinOrderTest, ConstantAndSingleLeafConjunctsStay) {
  // A conjunct of one leaf reaches its scan; one without columns stays above the joins.
  PlanPtr p = Opt("SELECT t.a FROM t JOIN u ON t.a = u.a AND u.k = 'x' AND rand() > 2");
  ASSERT_TRUE(p);
  const std::string s = PlanToString(*p);
  EXPECT_TRUE(Has(s, "filters=[eq(k, 'x')]")) << s;
  EXPECT_TRUE(Has(s, "rand()")) << s;
}

TEST_F(JoinOrderTest, LongChainsAndCliquesPlan) {
  // A chain of filtered leaves, each reachable only through the previous one (every leaf is
  // a candidate reduction of the one before), and a clique of equal keys (the closure adds an
  // equality between every pair; each join still checks one key).
  std::string chain = "SELECT t.a FROM t";
  std::string where = " WHERE t.b = w1.id";
  for (int i = 1; i <= 12; ++i) {
    chain += ", w w" + std::to_string(i);
    if (i > 1) where += " AND w" + std::to_string(i - 1) + ".name = w" + std::to_string(i) + ".name";
    where += " AND w" + std::to_string(i) + ".id > " + std::to_string(i);
  }
  PlanPtr p = Opt(chain + where);
  ASSERT_TRUE(p);
  EXPECT_EQ(CountJoins(*p), 12) << PlanToString(*p);
  EXPECT_EQ(CountKeys(*p), 12u) << PlanToString(*p);
  std::string clique = "SELECT t.a FROM t";
  where = " WHERE w1.name = 'x'";
  for (int i = 1; i <= 12; ++i) {
    clique += ", w w" + std::to_string(i);
    where += " AND " + std::string(i == 1 ? "t.b" : "w" + std::to_string(i - 1) + ".id") + " = w" + std::to_string(i) + ".id";
  }
  p = Opt(clique + where);
  ASSERT_TRUE(p);
  EXPECT_EQ(CountJoins(*p), 12) << PlanToString(*p);
  EXPECT_EQ(CountKeys(*p), 12u) << PlanToString(*p);
}

}  // namespace
}  // namespace tide::sql

namespace tide::sql {
namespace {

// Q13: customer LEFT JOIN orders. The preserved side is ten times smaller, so the join runs as
// a RIGHT join building customer; a projection keeps customer's columns first.
TEST_F(JoinOrderTest, LeftJoinBuildsTheMuchSmallerPreservedSide) {
  PlanPtr p = Opt(
      "SELECT c_custkey, o_orderkey, o_comment FROM customer LEFT OUTER JOIN orders ON c_custkey = o_custkey "
      "AND o_comment NOT LIKE '%special%requests%'");
  ASSERT_TRUE(p);
  const std::string all = PlanToString(*p);
  const PlanNode* j = FindJoin(*p, "o_custkey = c_custkey");
  ASSERT_TRUE(j) << all;
  EXPECT_EQ(j->join_type, PlanJoinType::kRight) << all;
  EXPECT_TRUE(Has(PlanToString(*SkipProjects(j->children[0].get())), "Scan orders")) << all;
  EXPECT_TRUE(Has(PlanToString(*SkipProjects(j->children[1].get())), "Scan customer")) << all;
  ASSERT_EQ(p->schema->num_fields(), 3);
  EXPECT_EQ(p->schema->field(0)->name(), "c_custkey");
  EXPECT_TRUE(p->schema->field(1)->nullable()) << all;  // null-extended orders columns

  // The other way round (orders preserved, customer small) stays a LEFT join building customer.
  PlanPtr q = Opt("SELECT o_orderkey, c_name FROM orders LEFT JOIN customer ON c_custkey = o_custkey");
  ASSERT_TRUE(q);
  const PlanNode* k = FindJoin(*q, "o_custkey = c_custkey");
  ASSERT_TRUE(k) << PlanToString(*q);
  EXPECT_EQ(k->join_type, PlanJoinType::kLeft) << PlanToString(*q);
}

}  // namespace
}  // namespace tide::sql
