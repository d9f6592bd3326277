// The hash join's key filter (a bloom filter of the build keys tested before the table, see
// join_op.cc; inner, semi and right joins build one): with it on and off, every join type
// gives the same rows, for one and two
// fixed-width keys and for string keys (the row-codec path), with null keys on both sides,
// duplicate build keys, and probes where few or most rows match (the probe then stops
// testing the filter). The same filter handed to the scan of the probe side (a runtime
// filter): through projections, filters and the probe side of another join, only for joins
// that drop unmatched probe rows, with the same rows as without it.
#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

using sql::PlanJoinType;

// The build side must reach join_op.cc's kKeyFilterMinRows (16384 keys) for a filter.
constexpr int64_t kBuildRows = 20000;

RunResult RunJoinPlan(const PlanPtr& plan, bool key_filter, int threads) {
  ExecSettings s;
  s.threads = threads;
  s.join_key_filter = key_filter;
  RunResult r = RunPlan(plan, s);
  std::sort(r.rows.begin(), r.rows.end());
  return r;
}

// Build keys: 0, 3, 6, ... (every 50th twice, every 101st null); probe keys spread over
// [0, probe_span) (every 89th null): with probe_span much larger than the build's range, few
// probe rows match.
struct Sides {
  std::vector<std::optional<int64_t>> build_keys, probe_keys;
  std::vector<std::optional<int64_t>> build_vals, probe_vals;
};

Sides MakeSides(int64_t probe_rows, int64_t probe_span) {
  Sides s;
  for (int64_t i = 0; i < kBuildRows; ++i) {
    std::optional<int64_t> k = (i % 101 == 7) ? std::nullopt : std::optional<int64_t>(i * 3);
    s.build_keys.push_back(k);
    s.build_vals.push_back(i);
    if (i % 50 == 0) {
      s.build_keys.push_back(k);
      s.build_vals.push_back(-i);
    }
  }
  for (int64_t i = 0; i < probe_rows; ++i) {
    s.probe_keys.push_back(i % 89 == 5 ? std::nullopt : std::optional<int64_t>((i * 7919) % probe_span));
    s.probe_vals.push_back(i);
  }
  return s;
}

std::vector<PlanJoinType> AllTypes() {
  return {PlanJoinType::kInner, PlanJoinType::kLeft, PlanJoinType::kRight, PlanJoinType::kFull,
          PlanJoinType::kSemi,  PlanJoinType::kAnti, PlanJoinType::kMark};
}

const char* Name(PlanJoinType t) {
  switch (t) {
    case PlanJoinType::kInner: return "inner";
    case PlanJoinType::kLeft: return "left";
    case PlanJoinType::kRight: return "right";
    case PlanJoinType::kFull: return "full";
    case PlanJoinType::kSemi: return "semi";
    case PlanJoinType::kAnti: return "anti";
    case PlanJoinType::kMark: return "mark";
    default: return "?";
  }
}

// Joins every type both ways and compares; returns the inner join's row count.
size_t CompareAllTypes(const PlanPtr& probe, const PlanPtr& build, const std::vector<BoundExprPtr>& lk,
                       const std::vector<BoundExprPtr>& rk, int threads) {
  size_t inner = 0;
  for (PlanJoinType t : AllTypes()) {
    auto plan = Join(probe, build, t, lk, rk);
    RunResult with = RunJoinPlan(plan, true, threads);
    RunResult without = RunJoinPlan(plan, false, threads);
    EXPECT_TRUE(with.status.ok()) << Name(t) << ": " << with.status.ToString();
    EXPECT_TRUE(without.status.ok()) << Name(t) << ": " << without.status.ToString();
    EXPECT_EQ(with.rows.size(), without.rows.size()) << Name(t);
    EXPECT_TRUE(with.rows == without.rows) << Name(t);
    if (t == PlanJoinType::kInner) inner = with.rows.size();
  }
  return inner;
}

TEST(OpJoinKeyFilter, OneBigintKeyFewMatches) {
  Sides s = MakeSides(30000, 1000000);
  auto probe = Scan(Table({"k", "pv"}, {I64(s.probe_keys), I64(s.probe_vals)}, 4096));
  auto build = Scan(Table({"bk", "bv"}, {I64(s.build_keys), I64(s.build_vals)}, 5000));
  size_t inner = CompareAllTypes(probe, build, {Col(probe, 0)}, {Col(build, 0)}, 2);
  // Some rows match, most do not: the case the filter is for.
  EXPECT_GT(inner, 100u);
  EXPECT_LT(inner, 3000u);
}

TEST(OpJoinKeyFilter, MostRowsMatchSwitchesTheFilterOff) {
  // Probe keys inside the build's range, 3 of 3 divisible: most rows match. One thread, so one
  // probe transform sees enough rows to stop testing the filter midway.
  Sides s = MakeSides(150000, kBuildRows * 3);
  for (auto& k : s.probe_keys) {
    if (k) *k -= *k % 3;
  }
  auto probe = Scan(Table({"k", "pv"}, {I64(s.probe_keys), I64(s.probe_vals)}, 8192));
  auto build = Scan(Table({"bk", "bv"}, {I64(s.build_keys), I64(s.build_vals)}));
  for (PlanJoinType t : {PlanJoinType::kInner, PlanJoinType::kSemi}) {
    auto plan = Aggregate(Join(probe, build, t, {Col(probe, 0)}, {Col(build, 0)}), {},
                          {Agg("count_star", {}, columnar::Int64())});
    RunResult with = RunJoinPlan(plan, true, 1);
    RunResult without = RunJoinPlan(plan, false, 1);
    ASSERT_TRUE(with.status.ok()) << with.status.ToString();
    EXPECT_EQ(with.rows, without.rows) << Name(t);
  }
}

TEST(OpJoinKeyFilter, TwoIntKeysAndTwoBigintKeys) {
  Sides s = MakeSides(20000, 200000);
  // Second key: the key modulo 7 (int) or the value's parity (bigint).
  auto mod7 = [](const std::vector<std::optional<int64_t>>& keys) {
    columnar::Int32Builder b(columnar::Int32());
    for (auto k : keys) {
      if (k) {
        b.Append(static_cast<int32_t>(*k % 7));
      } else {
        b.Append(1);
      }
    }
    return b.Finish();
  };
  auto to_int = [](const std::vector<std::optional<int64_t>>& keys) {
    columnar::Int32Builder b(columnar::Int32());
    for (auto k : keys) {
      if (k) {
        b.Append(static_cast<int32_t>(*k));
      } else {
        b.AppendNull();
      }
    }
    return b.Finish();
  };
  {
    // INT, INT: 8 packed bytes.
    auto probe = Scan(Table({"k", "m", "pv"}, {to_int(s.probe_keys), mod7(s.probe_keys), I64(s.probe_vals)}, 3000));
    auto build = Scan(Table({"bk", "bm", "bv"}, {to_int(s.build_keys), mod7(s.build_keys), I64(s.build_vals)}));
    EXPECT_GT(CompareAllTypes(probe, build, {Col(probe, 0), Col(probe, 1)}, {Col(build, 0), Col(build, 1)}, 2), 0u);
  }
  {
    // BIGINT, BIGINT: 16 packed bytes; the second key null on some rows of each side.
    std::vector<std::optional<int64_t>> pm, bm;
    for (size_t i = 0; i < s.probe_keys.size(); ++i) {
      pm.push_back(i % 13 == 0 ? std::nullopt : std::optional<int64_t>(s.probe_keys[i].value_or(0) % 2));
    }
    for (size_t i = 0; i < s.build_keys.size(); ++i) {
      bm.push_back(i % 17 == 0 ? std::nullopt : std::optional<int64_t>(s.build_keys[i].value_or(0) % 2));
    }
    auto probe = Scan(Table({"k", "m", "pv"}, {I64(s.probe_keys), I64(pm), I64(s.probe_vals)}, 3000));
    auto build = Scan(Table({"bk", "bm", "bv"}, {I64(s.build_keys), I64(bm), I64(s.build_vals)}));
    EXPECT_GT(CompareAllTypes(probe, build, {Col(probe, 0), Col(probe, 1)}, {Col(build, 0), Col(build, 1)}, 2), 0u);
  }
}

TEST(OpJoinKeyFilter, StringKeys) {
  Sides s = MakeSides(20000, 400000);
  auto to_str = [](const std::vector<std::optional<int64_t>>& keys) {
    std::vector<std::optional<std::string>> out;
    for (auto k : keys) out.push_back(k ? std::optional<std::string>("key-" + std::to_string(*k)) : std::nullopt);
    return Str(out);
  };
  auto probe = Scan(Table({"k", "pv"}, {to_str(s.probe_keys), I64(s.probe_vals)}, 4000));
  auto build = Scan(Table({"bk", "bv"}, {to_str(s.build_keys), I64(s.build_vals)}));
  EXPECT_GT(CompareAllTypes(probe, build, {Col(probe, 0)}, {Col(build, 0)}, 2), 0u);
}

TEST(OpJoinKeyFilter, SpilledJoinUnderAMemoryLimit) {
  // Past the memory limit the grace join builds one table per spilled partition (with a
  // filter when the partition is big enough); the filter's bytes count against the limit.
  Sides s = MakeSides(60000, 200000);
  auto probe = Scan(Table({"k", "pv"}, {I64(s.probe_keys), I64(s.probe_vals)}, 4096));
  auto build = Scan(Table({"bk", "bv"}, {I64(s.build_keys), I64(s.build_vals)}, 2048));
  auto plan = Join(probe, build, PlanJoinType::kInner, {Col(probe, 0)}, {Col(build, 0)});
  auto run = [&](bool filter, int64_t limit) {
    ExecSettings st;
    st.threads = 2;
    st.memory_limit = limit;
    st.join_key_filter = filter;
    QueryContext ctx(st);
    RunResult r;
    auto out = CollectPlan(plan, &ctx, &r.stats);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (out.ok()) {
      for (const auto& b : *out) {
        for (int64_t i = 0; i < b->num_rows(); ++i) r.rows.push_back(columnar::RowToJson(*b, i));
      }
    }
    std::sort(r.rows.begin(), r.rows.end());
    return r;
  };
  RunResult plain = run(false, 0);
  EXPECT_FALSE(plain.rows.empty());
  RunResult limited = run(true, 256 << 10);
  EXPECT_GT(limited.stats.bytes_spilled, 0);
  EXPECT_TRUE(limited.rows == plain.rows);
  EXPECT_TRUE(run(true, 0).rows == plain.rows);
}

// A scan of the probe side with a filter of its own, projected, below a join: the runtime
// filter narrows the scan's filtered batch.
TEST(OpJoinKeyFilter, RuntimeFilterInTheProbeScan) {
  Sides s = MakeSides(40000, 1000000);
  // Without null probe keys too (the one-BIGINT-key loop of the filter).
  std::vector<std::optional<int64_t>> no_nulls;
  for (size_t i = 0; i < s.probe_keys.size(); ++i) no_nulls.push_back(s.probe_keys[i].value_or(static_cast<int64_t>(i)));
  auto build = Scan(Table({"bk", "bv"}, {I64(s.build_keys), I64(s.build_vals)}, 5000));
  for (bool with_scan_filter : {false, true}) {
    auto t = Table({"k", "pv"}, {I64(with_scan_filter ? s.probe_keys : no_nulls), I64(s.probe_vals)}, 4096);
    // pv % 3 <> 1 as the scan's own filter.
    auto pv = Col(Scan(t), 1);
    auto pred = Call("ne", {Call("pmod", {pv, sql::MakeInt64Literal(3)}, columnar::Int64()), sql::MakeInt64Literal(1)},
                     columnar::Boolean());
    auto scan = with_scan_filter ? Scan(t, {}, {pred}) : Scan(t);
    // Project [pv, k]: the key is column 1 of the projection, column 0 of the scan.
    auto proj = Project(scan, {Col(scan, 1), Col(scan, 0)}, {"pv", "k"});
    size_t inner = CompareAllTypes(proj, build, {Col(proj, 1)}, {Col(build, 0)}, 2);
    EXPECT_GT(inner, 100u) << with_scan_filter;
  }
}

TEST(OpJoinKeyFilter, RuntimeFilterThroughTheProbeSideOfAnotherJoin) {
  // (probe JOIN small) JOIN big: the big join's filter reaches the probe scan through the
  // small join's probe side, for every type of the inner join (a left join keeps the rows
  // the filter would drop: it gets none).
  Sides s = MakeSides(30000, 600000);
  auto probe = Scan(Table({"k", "pv"}, {I64(s.probe_keys), I64(s.probe_vals)}, 4096));
  std::vector<std::optional<int64_t>> small_keys;
  for (int64_t i = 0; i < 30000; i += 2) small_keys.push_back(i);
  auto small = Scan(Table({"sk"}, {I64(small_keys)}));
  auto build = Scan(Table({"bk", "bv"}, {I64(s.build_keys), I64(s.build_vals)}, 5000));
  for (PlanJoinType inner_type : {PlanJoinType::kInner, PlanJoinType::kLeft, PlanJoinType::kAnti}) {
    auto first = Join(probe, small, inner_type, {Call("pmod", {Col(probe, 1), sql::MakeInt64Literal(30000)},
                                                      columnar::Int64())},
                      {Col(small, 0)});
    EXPECT_GT(CompareAllTypes(first, build, {Col(first, 0)}, {Col(build, 0)}, 2), 0u) << Name(inner_type);
  }
}

TEST(OpJoinKeyFilter, RuntimeFilterWithTwoKeysAndNulls) {
  Sides s = MakeSides(30000, 300000);
  std::vector<std::optional<int64_t>> pm, bm;
  for (size_t i = 0; i < s.probe_keys.size(); ++i) {
    pm.push_back(i % 11 == 0 ? std::nullopt : std::optional<int64_t>(s.probe_keys[i].value_or(0) % 3));
  }
  for (size_t i = 0; i < s.build_keys.size(); ++i) {
    bm.push_back(i % 19 == 0 ? std::nullopt : std::optional<int64_t>(s.build_keys[i].value_or(0) % 3));
  }
  auto probe = Scan(Table({"k", "m", "pv"}, {I64(s.probe_keys), I64(pm), I64(s.probe_vals)}, 4096));
  auto build = Scan(Table({"bk", "bm", "bv"}, {I64(s.build_keys), I64(bm), I64(s.build_vals)}));
  // Keys in the other order than the scan's columns.
  EXPECT_GT(CompareAllTypes(probe, build, {Col(probe, 1), Col(probe, 0)}, {Col(build, 1), Col(build, 0)}, 2), 0u);
}

}  // namespace
}  // namespace tide::exec::testing
