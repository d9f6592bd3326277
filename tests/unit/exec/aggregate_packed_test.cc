// The packed-key path of grouped aggregation (group_key_packing.h) against the general path
// (row codec keys), and the run-copying take and the unchecked decimal sums it goes with.
#include <limits>
#include <set>

#include "exec/operators/group_key_packing.h"
#include "exec/vector_ops.h"
#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

using namespace std::string_literals;
using internal::GroupKeyPacker;
using internal::PackedKey;

ArrayPtr Dec(const std::vector<std::optional<__int128>>& v, int p, int s) {
  return BuildColumn<columnar::Decimal128Builder>(v, columnar::Decimal(p, s));
}

ArrayPtr Bools(const std::vector<std::optional<bool>>& v) { return BuildColumn<columnar::BooleanBuilder>(v); }

TEST(GroupKeyPacking, WhichTypesPack) {
  using columnar::Int64;
  using columnar::Utf8;
  EXPECT_NE(GroupKeyPacker::Make({Int64()}, {true}), nullptr);
  EXPECT_NE(GroupKeyPacker::Make({Utf8(), Utf8()}, {true, true}), nullptr);
  EXPECT_NE(GroupKeyPacker::Make({columnar::Decimal(18, 2), columnar::Date32(), columnar::Boolean()}, {true, true, true}),
            nullptr);
  // Two nullable BIGINTs need 130 bits; without null flags they fit.
  EXPECT_EQ(GroupKeyPacker::Make({Int64(), Int64()}, {true, true}), nullptr);
  EXPECT_NE(GroupKeyPacker::Make({Int64(), Int64()}, {false, false}), nullptr);
  EXPECT_EQ(GroupKeyPacker::Make({columnar::Float64()}, {true}), nullptr);
  EXPECT_EQ(GroupKeyPacker::Make({columnar::Decimal(19, 2)}, {true}), nullptr);
  auto mixed = GroupKeyPacker::Make({Int64(), Utf8()}, {true, true});
  ASSERT_NE(mixed, nullptr);
  EXPECT_EQ(mixed->columns()[1].string_cap, 7);  // 128 - 65 - 1 bits: 4 length bits and 7 bytes
  EXPECT_EQ(GroupKeyPacker::Make({Int64(), columnar::Int32(), columnar::Int16(), columnar::Int8(), Utf8()},
                                 {false, false, false, false, true}),
            nullptr)
      << "leaves too few bits for a string";
  EXPECT_EQ(GroupKeyPacker::Make({}, {}), nullptr);
  auto p = GroupKeyPacker::Make({Utf8(), Utf8()}, {true, true});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->columns()[0].string_cap, 7);
  auto one = GroupKeyPacker::Make({Utf8()}, {true});
  EXPECT_EQ(one->columns()[0].string_cap, 15);
}

// Distinct rows pack to distinct keys, equal rows to equal keys, rows past a capacity are
// refused.
TEST(GroupKeyPacking, PackingIsInjective) {
  std::vector<std::optional<std::string>> s1, s2;
  std::vector<std::string> all = {"", "a", "b", "ab", "ba", "a\0"s, "abcdefg", "abcdefgh", "x"};
  for (const auto& a : all) {
    for (const auto& b : all) {
      s1.push_back(a);
      s2.push_back(b);
    }
    s1.push_back(std::nullopt);
    s2.push_back(a);
    s1.push_back(a);
    s2.push_back(std::nullopt);
  }
  const int64_t n = static_cast<int64_t>(s1.size());
  // Every row twice (the second copy a slice at another offset, to check offsets).
  std::vector<std::optional<std::string>> d1 = s1, d2 = s2;
  d1.insert(d1.end(), s1.begin(), s1.end());
  d2.insert(d2.end(), s2.begin(), s2.end());
  auto c1 = Str(d1), c2 = Str(d2);
  auto p = GroupKeyPacker::Make({columnar::Utf8(), columnar::Utf8()}, {true, true});
  std::vector<PackedKey> keys, keys2;
  std::vector<uint8_t> ok, ok2;
  std::vector<const columnar::ArrayData*> cols = {c1.get(), c2.get()};
  p->Pack(cols, 0, n, &keys, &ok);
  p->Pack(cols, n, n, &keys2, &ok2);
  std::set<std::pair<uint64_t, uint64_t>> seen;
  int64_t packed = 0;
  for (int64_t i = 0; i < n; ++i) {
    const bool fits = (!s1[i] || s1[i]->size() <= 7) && (!s2[i] || s2[i]->size() <= 7);
    EXPECT_EQ(ok[i] != 0, fits) << i;
    EXPECT_EQ(ok[i], ok2[i]);
    if (!ok[i]) continue;
    ++packed;
    EXPECT_TRUE(keys[i] == keys2[i]) << i;
    seen.insert({static_cast<uint64_t>(keys[i]), static_cast<uint64_t>(keys[i] >> 64)});
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), packed) << "two distinct rows packed alike";
}

TEST(GroupKeyPacking, FixedWidthNullsAndRefusals) {
  auto i = I64({0, -1, std::nullopt, std::numeric_limits<int64_t>::min(), 0});
  auto d = Dec({1, std::nullopt, static_cast<__int128>(1) << 70, 5, -1}, 18, 0);
  auto b = Bools({true, false, std::nullopt, true, true});
  auto dt = I32({1, 2, 3, std::nullopt, 1}, columnar::Date32());
  auto p = GroupKeyPacker::Make({columnar::Int32(), columnar::Decimal(18, 0), columnar::Boolean()}, {false, true, true});
  ASSERT_NE(p, nullptr);
  std::vector<PackedKey> keys;
  std::vector<uint8_t> ok;
  auto i2 = I32({0, -1, 7, std::numeric_limits<int32_t>::min(), 0});
  EXPECT_EQ(p->Pack({i2.get(), d.get(), b.get()}, 0, 5, &keys, &ok), 4);
  EXPECT_EQ(ok, (std::vector<uint8_t>{1, 1, 0, 1, 1})) << "a decimal outside int64 does not pack";
  EXPECT_FALSE(keys[0] == keys[4]);
  EXPECT_FALSE(keys[0] == keys[1]);
  // The nullable BIGINT with the others takes 132 bits: no packer.
  EXPECT_EQ(GroupKeyPacker::Make({columnar::Int64(), columnar::Decimal(18, 0), columnar::Boolean()}, {true, true, true}),
            nullptr);
  auto p2 = GroupKeyPacker::Make({columnar::Int64(), columnar::Boolean()}, {true, true});
  EXPECT_EQ(p2->Pack({i.get(), b.get()}, 0, 5, &keys, &ok), 5);
  EXPECT_FALSE(keys[2] == keys[0]) << "null key and zero";
  // A null in a column declared not nullable is refused, not packed as a value.
  auto q = GroupKeyPacker::Make({columnar::Date32()}, {false});
  EXPECT_EQ(q->Pack({dt.get()}, 0, 5, &keys, &ok), 4);
  EXPECT_EQ(ok[3], 0);
  EXPECT_TRUE(keys[0] == keys[4]);
  // A null and a zero differ.
  auto z = I64({0, std::nullopt});
  auto r = GroupKeyPacker::Make({columnar::Int64()}, {true});
  r->Pack({z.get()}, 0, 2, &keys, &ok);
  EXPECT_FALSE(keys[0] == keys[1]);
}

// Rows of many key types; `f` is a constant 0.0 double column, which does not pack: grouping
// by (f, keys...) takes the general path and must find the same groups.
std::shared_ptr<MemTable> Mixed(int64_t n, int64_t mod, int64_t batch_rows) {
  std::vector<std::optional<std::string>> s1, s2;
  std::vector<std::optional<int32_t>> d;
  std::vector<std::optional<int64_t>> v;
  std::vector<std::optional<double>> f;
  std::vector<std::optional<bool>> b;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = (i * 7919) % mod;
    s1.push_back(k % 11 == 0 ? std::nullopt : std::optional<std::string>(std::string(k % 5, static_cast<char>('a' + k % 3))));
    // Some strings longer than the 7 bytes that pack.
    s2.push_back(k % 13 == 0 ? std::optional<std::string>("long-string-" + std::to_string(k % 4))
                             : std::optional<std::string>(std::to_string(k % 7)));
    d.push_back(k % 17 == 0 ? std::nullopt : std::optional<int32_t>(static_cast<int32_t>(k % 9)));
    b.push_back(k % 19 == 0 ? std::nullopt : std::optional<bool>(k % 2 == 0));
    v.push_back(i % 23 == 0 ? std::nullopt : std::optional<int64_t>(i));
    f.push_back(0.0);
  }
  return Table({"s1", "s2", "d", "b", "v", "f"}, {Str(s1), Str(s2), I32(d, columnar::Date32()), Bools(b), I64(v), F64(f)},
               batch_rows);
}

std::vector<sql::AggregateCall> Aggs(const PlanPtr& scan) {
  return {Agg("count_star", {}, columnar::Int64()), Agg("sum", {Col(scan, 4)}, columnar::Int64()),
          Agg("max", {Col(scan, 4)}, columnar::Int64())};
}

// The same aggregation by the general path: the unpackable f first, then projected away.
PlanPtr GeneralPath(const PlanPtr& scan, std::vector<BoundExprPtr> keys, bool distinct = false) {
  std::vector<BoundExprPtr> with_f = {Col(scan, 5)};
  for (auto& k : keys) with_f.push_back(k);
  auto aggs = Aggs(scan);
  if (distinct) aggs.push_back(Agg("count", {Col(scan, 4)}, columnar::Int64(), true));
  auto agg = Aggregate(scan, with_f, aggs);
  std::vector<BoundExprPtr> out;
  std::vector<std::string> names;
  for (size_t i = 0; i < keys.size(); ++i) {
    out.push_back(Col(agg, static_cast<int>(i + 1)));
    names.push_back("g" + std::to_string(i));
  }
  for (size_t a = 0; a < aggs.size(); ++a) {
    out.push_back(Col(agg, static_cast<int>(keys.size() + 1 + a)));
    names.push_back("a" + std::to_string(a));
  }
  return Project(agg, out, names);
}

TEST(AggregatePacked, SameGroupsAsTheGeneralPath) {
  auto scan = Scan(Mixed(20000, 997, 3000));
  const std::vector<std::vector<int>> key_sets = {{0}, {0, 1}, {2, 3}, {1}, {0, 2, 3}, {3}};
  for (const auto& ks : key_sets) {
    std::vector<BoundExprPtr> keys;
    for (int k : ks) keys.push_back(Col(scan, k));
    auto packed = Aggregate(scan, keys, Aggs(scan));
    auto general = GeneralPath(scan, keys);
    for (int threads : {1, 2}) {
      auto a = RunPlan(packed, threads, 0, 1000);
      auto b = RunPlan(general, threads, 0, 1000);
      ASSERT_TRUE(a.status.ok()) << a.status.ToString();
      ASSERT_TRUE(b.status.ok()) << b.status.ToString();
      EXPECT_GT(a.rows.size(), 1u);
      EXPECT_EQ(Sorted(a.rows), Sorted(b.rows)) << "keys " << ks.size() << " threads " << threads;
    }
  }
}

// More groups than the packed map holds, with many misses (the map is then dropped).
TEST(AggregatePacked, ManyGroups) {
  std::vector<std::optional<int64_t>> k, v;
  std::vector<std::optional<double>> f;
  for (int64_t i = 0; i < 120000; ++i) {
    k.push_back((i * 7919) % 40009);
    v.push_back(i);
    f.push_back(0.0);
  }
  auto t = Table({"k", "k2", "x", "y", "v", "f"}, {I64(k), I64(k), I64(k), I64(k), I64(v), F64(f)}, 16384);
  auto scan = Scan(t);
  for (int threads : {1, 2}) {
    auto a = RunPlan(Aggregate(scan, {Col(scan, 0)}, Aggs(scan)), threads);
    auto b = RunPlan(GeneralPath(scan, {Col(scan, 0)}), threads);
    ASSERT_TRUE(a.status.ok() && b.status.ok()) << a.status.ToString() << b.status.ToString();
    EXPECT_EQ(a.rows.size(), 40009u);
    EXPECT_EQ(Sorted(a.rows), Sorted(b.rows));
  }
}

// Past the memory limit with the packed path in use: the spill partitions by the encoded
// keys and gives the same result.
TEST(AggregatePacked, SpillsPastTheMemoryLimit) {
  std::vector<std::optional<std::string>> s;
  std::vector<std::optional<int64_t>> v;
  std::vector<std::optional<double>> f;
  for (int64_t i = 0; i < 150000; ++i) {
    // Groups repeat from early on (the packed map keeps hitting), distinct values grow.
    s.push_back("k" + std::to_string(i % 9000));
    v.push_back(i);
    f.push_back(0.0);
  }
  auto t = Table({"s", "s2", "x", "y", "v", "f"}, {Str(s), Str(s), I64(v), I64(v), I64(v), F64(f)}, 8192);
  auto scan = Scan(t);
  auto aggs = Aggs(scan);
  aggs.push_back(Agg("count", {Col(scan, 4)}, columnar::Int64(), true));
  auto packed = Aggregate(scan, {Col(scan, 0)}, aggs);
  auto general = GeneralPath(scan, {Col(scan, 0)}, true);
  auto want = RunPlan(general, 2);
  ASSERT_TRUE(want.status.ok()) << want.status.ToString();
  ASSERT_EQ(want.rows.size(), 9000u);
  for (int threads : {1, 2}) {
    auto got = RunPlan(packed, threads, 1 << 20);
    ASSERT_TRUE(got.status.ok()) << got.status.ToString();
    EXPECT_GT(got.stats.bytes_spilled, 0);
    EXPECT_EQ(Sorted(got.rows), Sorted(want.rows));
  }
}

// Decimal sums: the unchecked adds (small values in a wide type) agree with exact sums, and
// an overflow of the result precision is still an error.
TEST(AggregatePacked, DecimalSums) {
  std::vector<std::optional<__int128>> small, wide;
  std::vector<std::optional<std::string>> g;
  for (int i = 0; i < 5000; ++i) {
    small.push_back((static_cast<__int128>(i % 100) - 30) * 1000000);  // whole units at scale 6
    wide.push_back(i == 4000 ? (static_cast<__int128>(1) << 100) : static_cast<__int128>(i));
    g.push_back(i % 2 ? "a" : "b");
  }
  auto t = Table({"g", "small", "wide"}, {Str(g), Dec(small, 38, 6), Dec(wide, 38, 0)}, 1024);
  auto scan = Scan(t);
  auto r = RunPlan(Aggregate(scan, {Col(scan, 0)},
                             {Agg("sum", {Col(scan, 1)}, columnar::Decimal(38, 6)),
                              Agg("sum", {Col(scan, 2)}, columnar::Decimal(38, 0))}),
                   2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  // b: even i; a: odd i. small sums: sum over i of (i % 100 - 30) for each parity class.
  int64_t sa = 0, sb = 0;
  __int128 wa = 0, wb = 0;
  for (int i = 0; i < 5000; ++i) {
    (i % 2 ? sa : sb) += i % 100 - 30;
    (i % 2 ? wa : wb) += wide[i].value();
  }
  auto dec6 = [](int64_t v) {
    std::string s = std::to_string(v < 0 ? -v : v);
    return std::string(v < 0 ? "-" : "") + s + ".000000";
  };
  auto i128 = [](__int128 v) {
    std::string s;
    while (v > 0) {
      s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    }
    return s;
  };
  EXPECT_EQ(Sorted(r.rows), (std::vector<std::string>{
                                "{\"g0\":\"a\",\"a0\":\"" + dec6(sa) + "\",\"a1\":\"" + i128(wa) + "\"}",
                                "{\"g0\":\"b\",\"a0\":\"" + dec6(sb) + "\",\"a1\":\"" + i128(wb) + "\"}"}));
  // 10^17 per row of DECIMAL(18, 0) into a DECIMAL(19, 0) sum: past 19 digits after 100 rows.
  std::vector<std::optional<__int128>> big(200, static_cast<__int128>(100000000000000000LL));
  auto t2 = Table({"d"}, {Dec(big, 18, 0)}, 64);
  auto scan2 = Scan(t2);
  auto bad = RunPlan(Aggregate(scan2, {}, {Agg("sum", {Col(scan2, 0)}, columnar::Decimal(19, 0))}), 1);
  EXPECT_FALSE(bad.status.ok()) << "ANSI mode: the sum does not fit DECIMAL(19, 0)";
}

// Take by a selection of long runs (a filter that keeps most rows) copies run by run: the
// result equals a row-by-row take.
TEST(AggregatePacked, TakeByRunsEqualsRowByRow) {
  std::vector<std::optional<std::string>> s;
  std::vector<std::optional<int64_t>> v;
  for (int i = 0; i < 5000; ++i) {
    s.push_back(i % 37 == 0 ? std::nullopt : std::optional<std::string>(std::string(i % 9, static_cast<char>('a' + i % 26))));
    v.push_back(i % 41 == 0 ? std::nullopt : std::optional<int64_t>(i));
  }
  auto sc = Str(s)->Slice(7, 4000);
  auto vc = I64(v)->Slice(7, 4000);
  std::vector<int32_t> rows;
  for (int32_t i = 0; i < 4000; ++i) {
    if (i % 97 != 3) rows.push_back(i);
  }
  auto ts = Take(*sc, rows.data(), static_cast<int64_t>(rows.size()));
  auto tv = Take(*vc, rows.data(), static_cast<int64_t>(rows.size()));
  ASSERT_EQ(ts->length, static_cast<int64_t>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    const int src = 7 + rows[i];
    ASSERT_EQ(ts->IsValid(i), s[src].has_value()) << i;
    if (s[src]) EXPECT_EQ(ts->BytesValue(i), *s[src]) << i;
    ASSERT_EQ(tv->IsValid(i), v[src].has_value()) << i;
    if (v[src]) EXPECT_EQ(tv->Value<int64_t>(i), *v[src]) << i;
  }
}

}  // namespace
}  // namespace tide::exec::testing
