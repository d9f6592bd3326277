#include "table/zorder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "columnar/builder.h"

namespace tide::table {
namespace {

using namespace tide::columnar;  // NOLINT

template <typename B, typename T>
ArrayPtr Column(TypePtr type, const std::vector<T>& values) {
  auto b = MakeBuilder(type);
  for (const T& v : values) static_cast<B*>(b.get())->Append(v);
  return b->Finish();
}

TEST(ZOrderKeys, PreserveOrderPerType) {
  auto ints = Column<Int64Builder, int64_t>(Int64(), {std::numeric_limits<int64_t>::min(), -5, -1, 0, 1, 7,
                                                      std::numeric_limits<int64_t>::max()});
  auto k = ZOrderColumnKeys(*ints);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(std::is_sorted(k->begin(), k->end()));
  EXPECT_LT((*k)[1], (*k)[2]);
  const double inf = std::numeric_limits<double>::infinity();
  auto doubles = Column<Float64Builder, double>(Float64(), {-inf, -1e300, -1.5, -1e-300, -0.0, 0.0, 1e-300, 2.0, inf,
                                                            std::numeric_limits<double>::quiet_NaN()});
  k = ZOrderColumnKeys(*doubles);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(std::is_sorted(k->begin(), k->end()));
  EXPECT_EQ((*k)[4], (*k)[5]);  // -0.0 == 0.0
  EXPECT_LT((*k)[3], (*k)[4]);
  auto b = MakeBuilder(Utf8());
  for (const char* s : {"", "a", "ab", "abc", "b", "zzzzzzzzz"}) static_cast<BinaryBuilder*>(b.get())->Append(s);
  b->AppendNull();
  auto strings = b->Finish();
  k = ZOrderColumnKeys(*strings);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ((*k)[6], 0u);  // null first
  EXPECT_TRUE(std::is_sorted(k->begin(), k->begin() + 6));
  EXPECT_GE((*k)[0], 1u);
  auto dates = Column<Int32Builder, int32_t>(Date32(), {-100000, -1, 0, 19000});
  k = ZOrderColumnKeys(*dates);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(std::is_sorted(k->begin(), k->end()));
  auto nested = MakeBuilder(List(Int32()))->Finish();
  EXPECT_FALSE(ZOrderColumnKeys(*nested).ok());
}

TEST(ZOrderKeys, InterleavesMostSignificantBitsFirst) {
  // Two 2-bit keys: x = 0b10, y = 0b01 → x1 y1 x0 y0 = 1 0 0 1 at the top of the word.
  auto z = InterleaveBits({{0b10}, {0b01}}, 2);
  ASSERT_EQ(z.size(), 1u);
  EXPECT_EQ(z[0], uint64_t{0b1001} << 60);
  // Three 64-bit keys need three words per row.
  z = InterleaveBits({{~uint64_t{0}}, {0}, {0}}, 64);
  ASSERT_EQ(z.size(), 3u);
  EXPECT_EQ(z[0], 0x9249249249249249ull);
}

struct Overlap {
  int64_t files_x = 0;  // files whose x range overlaps the query range
  int64_t files_y = 0;
};

// Rows in `order` cut into files of `per_file` rows; counts files a range query on x or y reads.
Overlap FilesRead(const std::vector<int64_t>& x, const std::vector<int64_t>& y, const std::vector<int64_t>& order,
                  size_t per_file, int64_t lo, int64_t hi) {
  Overlap o;
  for (size_t start = 0; start < order.size(); start += per_file) {
    int64_t xmin = INT64_MAX, xmax = INT64_MIN, ymin = INT64_MAX, ymax = INT64_MIN;
    for (size_t i = start; i < std::min(order.size(), start + per_file); ++i) {
      xmin = std::min(xmin, x[order[i]]);
      xmax = std::max(xmax, x[order[i]]);
      ymin = std::min(ymin, y[order[i]]);
      ymax = std::max(ymax, y[order[i]]);
    }
    o.files_x += !(xmax < lo || xmin > hi);
    o.files_y += !(ymax < lo || ymin > hi);
  }
  return o;
}

TEST(ZOrderPermutation, ClusteringCutsFilesReadOnBothColumns) {
  std::mt19937_64 rng(42);
  const int n = 64 * 1024;
  std::vector<int64_t> x(n), y(n);
  for (int i = 0; i < n; ++i) {
    x[i] = static_cast<int64_t>(rng() % 100000);
    y[i] = static_cast<int64_t>(rng() % 100000) - 50000;  // a different band: ranks balance them
  }
  // Split over two batches to exercise global row numbering.
  auto schema = std::make_shared<const Schema>(std::vector<FieldPtr>{MakeField("x", Int64()), MakeField("y", Int64())});
  std::vector<std::shared_ptr<RecordBatch>> batches;
  for (int part = 0; part < 2; ++part) {
    std::vector<int64_t> xs(x.begin() + part * n / 2, x.begin() + (part + 1) * n / 2);
    std::vector<int64_t> ys(y.begin() + part * n / 2, y.begin() + (part + 1) * n / 2);
    batches.push_back(std::make_shared<RecordBatch>(
        schema, std::vector<ArrayPtr>{Column<Int64Builder, int64_t>(Int64(), xs), Column<Int64Builder, int64_t>(Int64(), ys)},
        n / 2));
  }
  auto perm = ZOrderPermutation(batches, {"x", "y"});
  ASSERT_TRUE(perm.ok()) << perm.status().ToString();
  ASSERT_EQ(perm->size(), static_cast<size_t>(n));
  std::vector<int64_t> sorted = *perm;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < n; ++i) ASSERT_EQ(sorted[i], i);  // a permutation

  std::vector<int64_t> identity(n);
  std::iota(identity.begin(), identity.end(), 0);
  const size_t per_file = 1024;  // 64 files
  // A selective query on x (1% of the range) and the same on y.
  Overlap before_x = FilesRead(x, y, identity, per_file, 40000, 40999);
  Overlap after_x = FilesRead(x, y, *perm, per_file, 40000, 40999);
  std::vector<int64_t> yshift(n);
  for (int i = 0; i < n; ++i) yshift[i] = y[i] + 50000;
  Overlap before_y = FilesRead(x, yshift, identity, per_file, 40000, 40999);
  Overlap after_y = FilesRead(x, yshift, *perm, per_file, 40000, 40999);
  EXPECT_EQ(before_x.files_x, 64);  // random order: every file spans everything
  EXPECT_EQ(before_y.files_y, 64);
  EXPECT_LE(after_x.files_x, 16) << "x clustering";
  EXPECT_LE(after_y.files_y, 16) << "y clustering";

  // Without rank normalization the raw keys still cluster (same bands here).
  auto raw = ZOrderPermutation(batches, {"x", "y"}, {.rank_normalize = false});
  ASSERT_TRUE(raw.ok());
  EXPECT_LT(FilesRead(x, y, *raw, per_file, 40000, 40999).files_x, 64);
}

TEST(ZOrderPermutation, CutsOnZCubeBoundaries) {
  // 256 rows on a 16x16 grid: Z-cubes of 64 rows are the quadrants. Asking for ~60 rows per
  // file must cut at multiples of 64 (the quadrant boundaries within +-25%), not at 60.
  columnar::Int64Builder x(columnar::Int64()), y(columnar::Int64());
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      x.Append(i);
      y.Append(j);
    }
  }
  auto schema = std::make_shared<const Schema>(std::vector<FieldPtr>{MakeField("x", Int64()), MakeField("y", Int64())});
  auto batch = std::make_shared<RecordBatch>(schema, std::vector<ArrayPtr>{x.Finish(), y.Finish()}, 256);
  auto sorted = ZOrderSort({batch}, {"x", "y"});
  ASSERT_TRUE(sorted.ok());
  EXPECT_EQ(ZOrderCutPoints(*sorted, 60), (std::vector<int64_t>{64, 128, 192, 256}));
  EXPECT_EQ(ZOrderCutPoints(*sorted, 1000), (std::vector<int64_t>{256}));
  // Each quadrant file spans half of each axis.
  const auto cuts = ZOrderCutPoints(*sorted, 60);
  int64_t begin = 0;
  for (int64_t end : cuts) {
    int64_t xmin = 99, xmax = -1, ymin = 99, ymax = -1;
    for (int64_t k = begin; k < end; ++k) {
      const int64_t r = sorted->permutation[static_cast<size_t>(k)];
      xmin = std::min(xmin, r / 16);
      xmax = std::max(xmax, r / 16);
      ymin = std::min(ymin, r % 16);
      ymax = std::max(ymax, r % 16);
    }
    EXPECT_EQ(xmax - xmin, 7);
    EXPECT_EQ(ymax - ymin, 7);
    begin = end;
  }
}

TEST(ZOrderPermutation, Errors) {
  auto schema = std::make_shared<const Schema>(std::vector<FieldPtr>{MakeField("x", Int64()), MakeField("l", List(Int64()))});
  auto batch = std::make_shared<RecordBatch>(
      schema, std::vector<ArrayPtr>{MakeBuilder(Int64())->Finish(), MakeBuilder(List(Int64()))->Finish()}, 0);
  EXPECT_FALSE(ZOrderPermutation({batch}, {}).ok());
  auto r = ZOrderPermutation({batch}, {"nope"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown column 'nope'"), std::string::npos);
  r = ZOrderPermutation({batch}, {"l"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column 'l'"), std::string::npos);
}

}  // namespace
}  // namespace tide::table
