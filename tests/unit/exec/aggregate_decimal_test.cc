// Decimal sum and avg never return a wrong number silently: the adds that skip the per-row
// overflow check are bounded by the values seen, not by the declared precision, so a column
// holding values beyond its DECIMAL(p, s) (a malformed file) still gets the ANSI overflow error
// (or null with ANSI off) when its sum leaves 128 bits.
#include "columnar/json.h"
#include "op_test_util.h"

namespace tide::exec::testing {
namespace {

ArrayPtr Dec(const std::vector<std::optional<__int128>>& v, int p, int s) {
  return BuildColumn<columnar::Decimal128Builder>(v, columnar::Decimal(p, s));
}

RunResult RunAgg(const std::shared_ptr<MemTable>& t, const std::string& fn, const columnar::TypePtr& type,
                 bool ansi = true, bool grouped = false) {
  auto scan = Scan(t);
  auto call = Agg(fn, {Col(scan, grouped ? 1 : 0)}, type);
  call.sql = fn + "(d)";
  ExecSettings s;
  s.ansi_mode = ansi;
  std::vector<BoundExprPtr> keys;
  if (grouped) keys.push_back(Col(scan, 0));
  return RunPlan(Aggregate(scan, keys, {call}), s);
}

__int128 P10(int n) {
  __int128 r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

const __int128 k2p126 = static_cast<__int128>(1) << 126;

// Four values of 2^126 and a 5 in a column declared DECIMAL(18, 0): the exact sum is 2^128 + 5,
// which a 128-bit sum that trusted the type (|v| < 10^18, so "no overflow possible") wraps to 5,
// a value that fits the result type and would have been returned without an error.
TEST(AggregateDecimal, ValuesBeyondTheDeclaredPrecisionCannotWrapTheSum) {
  auto t = Table({"d"}, {Dec({k2p126, k2p126, k2p126, k2p126, 5}, 18, 0)});
  auto r = RunAgg(t, "sum", columnar::Decimal(28, 0));
  ASSERT_FALSE(r.status.ok()) << (r.rows.empty() ? "" : r.rows[0]);
  EXPECT_NE(r.status.message().find("decimal overflow in 'sum(d)'"), std::string::npos) << r.status.ToString();
  auto legacy = RunAgg(t, "sum", columnar::Decimal(28, 0), /*ansi=*/false);
  ASSERT_TRUE(legacy.status.ok()) << legacy.status.ToString();
  EXPECT_EQ(legacy.rows, (std::vector<std::string>{"{\"a0\":null}"}));
  auto try_sum = RunAgg(t, "try_sum", columnar::Decimal(28, 0));
  ASSERT_TRUE(try_sum.status.ok()) << try_sum.status.ToString();
  EXPECT_EQ(try_sum.rows, (std::vector<std::string>{"{\"a0\":null}"}));
  // The same per group, and with nulls (the checked loop).
  auto tg = Table({"g", "d"}, {I64({1, 2, 1, 2, 1, 2, 1, 2, 1}),
                               Dec({k2p126, 7, k2p126, std::nullopt, k2p126, 8, k2p126, 9, 5}, 18, 0)});
  auto rg = RunAgg(tg, "sum", columnar::Decimal(28, 0), /*ansi=*/false, /*grouped=*/true);
  ASSERT_TRUE(rg.status.ok()) << rg.status.ToString();
  EXPECT_EQ(Sorted(rg.rows), (std::vector<std::string>{"{\"g0\":1,\"a0\":null}", "{\"g0\":2,\"a0\":\"24\"}"}));
  EXPECT_FALSE(RunAgg(tg, "sum", columnar::Decimal(28, 0), true, true).status.ok());
}

// A value whose scaling to the result's scale leaves 128 bits is an overflow, not a wrap.
TEST(AggregateDecimal, ScalingToTheResultScaleIsChecked) {
  auto t = Table({"d"}, {Dec({static_cast<__int128>(1) << 120}, 18, 0)});
  EXPECT_FALSE(RunAgg(t, "sum", columnar::Decimal(38, 2)).status.ok());
  auto small = Table({"d"}, {Dec({3, -1}, 18, 0)});
  auto r = RunAgg(small, "sum", columnar::Decimal(38, 2));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows, (std::vector<std::string>{"{\"a0\":\"2.00\"}"}));
}

// Batches of small values take the unchecked adds; a later batch of large (valid DECIMAL(38, 0))
// values breaks the bound, is taken out again and added checked: the sums stay exact, and a
// later overflow is still caught.
TEST(AggregateDecimal, BatchThatBreaksTheBoundIsRedoneChecked) {
  std::vector<std::optional<__int128>> v;
  std::vector<std::optional<int64_t>> g;
  __int128 exact[2] = {0, 0};
  for (int i = 0; i < 640; ++i) {
    const __int128 x = i < 512 ? static_cast<__int128>(i * 7 - 1000) : (static_cast<__int128>(1) << 119) + i;
    v.push_back(x);
    g.push_back(i % 2);
    exact[i % 2] += x;  // 64 values of 2^119 per group: 2^125 plus change, below 10^38
  }
  auto t = Table({"g", "d"}, {I64(g), Dec(v, 38, 0)}, 64);
  for (int threads : {1, 2}) {
    ExecSettings s;
    s.threads = threads;
    s.batch_size = 64;
    auto scan = Scan(t);
    auto r = RunPlan(Aggregate(scan, {Col(scan, 0)}, {Agg("sum", {Col(scan, 1)}, columnar::Decimal(38, 0))}), s);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(Sorted(r.rows),
              (std::vector<std::string>{"{\"g0\":0,\"a0\":\"" + columnar::FormatDecimal128(exact[0], 0) + "\"}",
                                        "{\"g0\":1,\"a0\":\"" + columnar::FormatDecimal128(exact[1], 0) + "\"}"}));
  }
  // Twice the rows of 2^119 per group: 2^126 + 2^126 = 2^127 leaves 128 bits.
  std::vector<std::optional<__int128>> big(256, static_cast<__int128>(1) << 119);
  big.push_back(-5);
  auto t2 = Table({"d"}, {Dec(big, 38, 0)}, 64);
  EXPECT_FALSE(RunAgg(t2, "sum", columnar::Decimal(38, 0)).status.ok());
}

// avg over DECIMAL: its sum is checked the same way, and the final sum * 10^k / count does not
// form sum * 10^k when only the average fits.
TEST(AggregateDecimal, AverageSumCannotWrap) {
  auto t = Table({"d"}, {Dec({k2p126, k2p126, k2p126, k2p126, 5}, 18, 0)});
  EXPECT_FALSE(RunAgg(t, "avg", columnar::Decimal(22, 4)).status.ok());
  auto legacy = RunAgg(t, "avg", columnar::Decimal(22, 4), /*ansi=*/false);
  ASSERT_TRUE(legacy.status.ok()) << legacy.status.ToString();
  EXPECT_EQ(legacy.rows, (std::vector<std::string>{"{\"a0\":null}"}));
  // Valid DECIMAL(38, 0) values summing past 2^127.
  const __int128 e37 = P10(37);
  std::vector<std::optional<__int128>> many(20, 9 * e37);
  EXPECT_FALSE(RunAgg(Table({"d"}, {Dec(many, 38, 0)}), "avg", columnar::Decimal(38, 4)).status.ok());
  // 9 * 10^33 ten times into DECIMAL(38, 4): sum * 10^4 = 9 * 10^38 leaves 128 bits, the
  // average 9 * 10^37 (at scale 4) fits.
  std::vector<std::optional<__int128>> ten(10, 9 * P10(33));
  ten.push_back(std::nullopt);
  auto r = RunAgg(Table({"d"}, {Dec(ten, 34, 0)}), "avg", columnar::Decimal(38, 4));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.rows, (std::vector<std::string>{"{\"a0\":\"9" + std::string(33, '0') + ".0000\"}"}));
  // Rounding of the split division: (-7 / 3) at scale 4 is -2.3333, (-5 / 3) rounds to -1.6667.
  auto rr = RunAgg(Table({"g", "d"}, {I64({1, 1, 1, 2, 2, 2}), Dec({-7, 0, 0, -5, 0, 0}, 10, 0)}), "avg",
                   columnar::Decimal(14, 4), true, true);
  ASSERT_TRUE(rr.status.ok()) << rr.status.ToString();
  EXPECT_EQ(Sorted(rr.rows),
            (std::vector<std::string>{"{\"g0\":1,\"a0\":\"-2.3333\"}", "{\"g0\":2,\"a0\":\"-1.6667\"}"}));
}

}  // namespace
}  // namespace tide::exec::testing
