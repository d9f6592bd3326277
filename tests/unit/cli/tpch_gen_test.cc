// The TPC-H generator (src/cli/tpch): cardinalities, keys, value domains, determinism, and
// the files and Delta tables Generate writes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "cli/tpch/dbgen.h"
#include "cli/tpch/generate.h"
#include "columnar/json.h"
#include "table/snapshot.h"

namespace tide::cli::tpch {
namespace {

namespace col = tide::columnar;

std::vector<std::shared_ptr<col::RecordBatch>> Rows(Table t, double sf, int64_t begin, int64_t end,
                                                    int64_t batch = 1000) {
  std::vector<std::shared_ptr<col::RecordBatch>> out;
  auto st = GenerateRows(t, sf, begin, end, batch, [&](std::shared_ptr<col::RecordBatch> b) {
    out.push_back(std::move(b));
    return base::Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

int64_t Count(const std::vector<std::shared_ptr<col::RecordBatch>>& batches) {
  int64_t n = 0;
  for (const auto& b : batches) n += b->num_rows();
  return n;
}

TEST(TpchGenTest, Cardinalities) {
  const double sf = 0.01;
  EXPECT_EQ(Count(Rows(Table::kNation, sf, 0, 25)), 25);
  EXPECT_EQ(Count(Rows(Table::kRegion, sf, 0, 5)), 5);
  EXPECT_EQ(DriverRows(Table::kPart, sf), 2000);
  EXPECT_EQ(Count(Rows(Table::kPartsupp, sf, 0, 2000)), 8000);
  EXPECT_EQ(Count(Rows(Table::kSupplier, sf, 0, 100)), 100);
  EXPECT_EQ(Count(Rows(Table::kCustomer, sf, 0, 1500)), 1500);
  EXPECT_EQ(Count(Rows(Table::kOrders, sf, 0, 15000)), 15000);
  int64_t lines = Count(Rows(Table::kLineitem, sf, 0, 15000));
  EXPECT_GT(lines, 15000 * 3.8);
  EXPECT_LT(lines, 15000 * 4.2);
}

TEST(TpchGenTest, SparseOrderKeys) {
  EXPECT_EQ(OrderKey(0), 1);
  EXPECT_EQ(OrderKey(6), 7);
  EXPECT_EQ(OrderKey(7), 32);
  EXPECT_EQ(OrderKey(14), 39);
  EXPECT_EQ(OrderKey(15), 64);
  for (int64_t i = 0; i < 1000; ++i) EXPECT_LT(OrderKey(i) % 32, 8) << i;  // 8 keys used of every 32
}

TEST(TpchGenTest, ChunkingDoesNotChangeTheData) {
  auto whole = Rows(Table::kLineitem, 0.01, 100, 400, 1000);
  std::vector<std::string> a, b;
  for (const auto& batch : whole) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) a.push_back(col::RowToJson(*batch, r));
  }
  for (auto [lo, hi] : {std::pair<int64_t, int64_t>{100, 217}, {217, 218}, {218, 400}}) {
    for (const auto& batch : Rows(Table::kLineitem, 0.01, lo, hi, 7)) {
      for (int64_t r = 0; r < batch->num_rows(); ++r) b.push_back(col::RowToJson(*batch, r));
    }
  }
  EXPECT_EQ(a, b);
}

TEST(TpchGenTest, Domains) {
  auto parts = Rows(Table::kPart, 0.01, 0, 2000);
  std::set<std::string> types, containers, brands;
  int green = 0;
  for (const auto& b : parts) {
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      std::string name(b->column(1)->BytesValue(r));
      green += name.find("green") != std::string::npos;
      brands.insert(std::string(b->column(3)->BytesValue(r)));
      types.insert(std::string(b->column(4)->BytesValue(r)));
      containers.insert(std::string(b->column(6)->BytesValue(r)));
      int32_t size = b->column(5)->Value<int32_t>(r);
      EXPECT_GE(size, 1);
      EXPECT_LE(size, 50);
    }
  }
  EXPECT_EQ(types.size(), 150u);
  EXPECT_EQ(containers.size(), 40u);
  EXPECT_EQ(brands.size(), 25u);
  EXPECT_GT(green, 60);  // 5 of 92 colors: about 5.4%
  EXPECT_LT(green, 160);

  std::set<std::string> modes, flags;
  const int32_t current = static_cast<int32_t>(col::DaysFromCivil(1995, 6, 17));
  for (const auto& b : Rows(Table::kLineitem, 0.01, 0, 3000)) {
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      modes.insert(std::string(b->column(14)->BytesValue(r)));
      std::string flag(b->column(8)->BytesValue(r));
      std::string status(b->column(9)->BytesValue(r));
      flags.insert(flag + status);
      int32_t ship = b->column(10)->Value<int32_t>(r);
      int32_t receipt = b->column(12)->Value<int32_t>(r);
      EXPECT_EQ(status, ship > current ? "O" : "F");
      EXPECT_EQ(flag == "N", receipt > current);
    }
  }
  EXPECT_EQ(modes, (std::set<std::string>{"AIR", "FOB", "MAIL", "RAIL", "REG AIR", "SHIP", "TRUCK"}));
  EXPECT_EQ(flags, (std::set<std::string>{"AF", "NF", "NO", "RF"}));
}

TEST(TpchGenTest, BadArguments) {
  auto none = [](std::shared_ptr<col::RecordBatch>) { return base::Status::OK(); };
  EXPECT_FALSE(GenerateRows(Table::kPart, 0, 0, 1, 10, none).ok());
  EXPECT_FALSE(GenerateRows(Table::kPart, 0.01, 0, 2001, 10, none).ok());
  EXPECT_FALSE(GenerateRows(Table::kPart, 0.01, 5, 4, 10, none).ok());
  GenerateOptions o;
  o.scale = -1;
  o.out_dir = "/nonexistent";
  EXPECT_EQ(Generate(o).code(), base::StatusCode::kInvalidArgument);
}

TEST(TpchGenTest, GenerateWritesParquetAndDelta) {
  char tmpl[] = "/tmp/tide-tpch-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  GenerateOptions o;
  o.scale = 0.002;
  o.out_dir = dir;
  o.files_per_table = 2;
  o.threads = 2;
  ASSERT_TRUE(Generate(o).ok());
  EXPECT_TRUE(std::filesystem::exists(dir + "/tpch.json"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/parquet/lineitem/part-00000.parquet"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/parquet/lineitem/part-00001.parquet"));
  auto snap = table::Snapshot::Load(dir + "/tables/orders");
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->version(), 1);
  EXPECT_EQ((*snap)->files().size(), 2u);
  EXPECT_EQ((*snap)->schema()->field(0)->name(), "o_orderkey");
  // A second run refuses to overwrite, unless asked.
  EXPECT_EQ(Generate(o).code(), base::StatusCode::kAlreadyExists);
  o.overwrite = true;
  EXPECT_TRUE(Generate(o).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tide::cli::tpch
