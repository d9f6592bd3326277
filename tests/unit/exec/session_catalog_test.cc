// exec::Catalog and the scan sources (DeltaScanTable, ParquetScanTable) on their own: name
// resolution, path tables, time travel, views, pruning in PlanMorsels, projections in ReadMorsel.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "exec/catalog.h"
#include "exec/delta_source.h"
#include "exec/filter_pushdown.h"
#include "exec/parquet_source.h"
#include "format/parquet/writer.h"
#include "sql/bound_expr.h"
#include "table/snapshot.h"
#include "table/table.h"

namespace tide::exec {
namespace {

namespace col = tide::columnar;
namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "tide-session-cat-XXXXXX").string();
    path_ = ::mkdtemp(t.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::shared_ptr<const col::Schema> SalesSchema() {
  return std::make_shared<col::Schema>(std::vector<col::FieldPtr>{
      col::MakeField("id", col::Int64()), col::MakeField("region", col::Utf8()), col::MakeField("amount", col::Int64())});
}

std::shared_ptr<col::RecordBatch> SalesBatch(int64_t first_id, int64_t n, const std::string& region) {
  col::Int64Builder ids(col::Int64()), amounts(col::Int64());
  col::BinaryBuilder regions(col::Utf8());
  for (int64_t i = 0; i < n; ++i) {
    ids.Append(first_id + i);
    regions.Append(region);
    amounts.Append((first_id + i) * 10);
  }
  return std::make_shared<col::RecordBatch>(SalesSchema(), std::vector<col::ArrayPtr>{ids.Finish(), regions.Finish(), amounts.Finish()}, n);
}

sql::QualifiedName Name(std::vector<std::string> parts, bool last_quoted = false) {
  sql::QualifiedName q;
  for (size_t i = 0; i < parts.size(); ++i) q.parts.push_back({parts[i], last_quoted && i + 1 == parts.size(), {}});
  q.pos = {1, 15};
  return q;
}

sql::BoundExprPtr Col(int i, col::TypePtr t, std::string name) { return sql::MakeColumn(i, t, true, name); }

sql::BoundExprPtr Cmp(const std::string& fn, sql::BoundExprPtr a, sql::BoundExprPtr b) {
  return sql::MakeCall(fn, {a, b}, col::Boolean(), true);
}

int64_t CountRows(const ScanTable& t, const std::vector<int>& cols, const std::vector<sql::BoundExprPtr>& filters,
                  ScanPlanStats* stats = nullptr, std::vector<std::shared_ptr<col::RecordBatch>>* out = nullptr) {
  auto morsels = t.PlanMorsels(cols, filters, stats);
  EXPECT_TRUE(morsels.ok()) << morsels.status().ToString();
  if (!morsels.ok()) return -1;
  int64_t n = 0;
  for (const auto& m : *morsels) {
    auto st = t.ReadMorsel(m, cols, [&](std::shared_ptr<col::RecordBatch> b) {
      EXPECT_EQ(b->num_columns(), static_cast<int>(cols.size()));
      n += b->num_rows();
      if (out) out->push_back(b);
      return base::Status::OK();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return n;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() + "/tables/sales";
    fs::create_directories(dir_.path() + "/tables");
    auto created = table::DeltaTable::Create(root_, *SalesSchema(), {"region"}, {});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ASSERT_TRUE(table::DeltaTable::Append(root_, {SalesBatch(0, 100, "eu")}).ok());   // v1
    ASSERT_TRUE(table::DeltaTable::Append(root_, {SalesBatch(100, 50, "us")}).ok());  // v2
  }
  TempDir dir_;
  std::string root_;
};

TEST_F(CatalogTest, ResolvesNamesCaseInsensitivelyWithDefaultPrefixes) {
  Catalog cat(dir_.path());
  for (auto name : {Name({"sales"}), Name({"SALES"}), Name({"default", "Sales"}), Name({"spark_catalog", "default", "sales"})}) {
    auto t = cat.GetTable(name, std::nullopt);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ((*t)->display_name(), "sales");
    EXPECT_EQ((*t)->version(), 2);
    EXPECT_EQ((*t)->EstimatedRows(), 150);
    EXPECT_EQ((*t)->partition_columns(), std::vector<std::string>{"region"});
    EXPECT_EQ((*t)->schema()->num_fields(), 3);
  }
  auto tables = cat.ListTables();
  EXPECT_EQ(tables, std::vector<std::string>{"sales"});
}

TEST_F(CatalogTest, UnknownTableNamesItAndWhereItLooked) {
  Catalog cat(dir_.path());
  auto t = cat.GetTable(Name({"nope"}), std::nullopt);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), base::StatusCode::kNotFound);
  EXPECT_NE(t.status().message().find("line 1, column 15"), std::string::npos) << t.status().message();
  EXPECT_NE(t.status().message().find("'nope'"), std::string::npos);
  EXPECT_NE(t.status().message().find(dir_.path() + "/tables/nope"), std::string::npos);

  auto db = cat.GetTable(Name({"otherdb", "sales"}), std::nullopt);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("database 'otherdb'"), std::string::npos);
}

TEST_F(CatalogTest, RejectsNamesThatEscapeTheDataDirectory) {
  Catalog cat(dir_.path());
  for (std::string bad : {"../x", "a/b", "..", ""}) {
    auto t = cat.GetTable(Name({bad}), std::nullopt);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), base::StatusCode::kInvalidArgument) << bad;
    EXPECT_FALSE(cat.TablePath(Name({bad})).ok());
  }
}

TEST_F(CatalogTest, TimeTravelByVersionAndTimestamp) {
  Catalog cat(dir_.path());
  sql::TimeTravelSpec v1;
  v1.kind = sql::TimeTravelKind::kVersion;
  v1.version = 1;
  auto t = cat.GetTable(Name({"sales"}), v1);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->version(), 1);
  EXPECT_EQ((*t)->EstimatedRows(), 100);
  EXPECT_EQ(CountRows(static_cast<const ScanTable&>(**t), {0}, {}), 100);

  sql::TimeTravelSpec v9 = v1;
  v9.version = 9;
  auto missing = cat.GetTable(Name({"sales"}), v9);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), base::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("version 9"), std::string::npos) << missing.status().message();

  sql::TimeTravelSpec early;
  early.kind = sql::TimeTravelKind::kTimestamp;
  early.timestamp_micros = 1'000'000;  // 1970
  auto before = cat.GetTable(Name({"sales"}), early);
  ASSERT_FALSE(before.ok());
  EXPECT_NE(before.status().message().find("before the earliest"), std::string::npos) << before.status().message();

  // After the latest commit: refused, as Delta does (DELTA_TIMESTAMP_GREATER_THAN_COMMIT).
  sql::TimeTravelSpec late = early;
  late.timestamp_micros = int64_t{4'000'000'000} * 1'000'000;
  auto after = cat.GetTable(Name({"sales"}), late);
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("after the latest version"), std::string::npos) << after.status().message();
}

TEST_F(CatalogTest, DeltaPathTableAndPartitionPruning) {
  Catalog cat(dir_.path());
  auto t = cat.GetTable(Name({"delta", root_}, true), std::nullopt);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->display_name(), "delta.`" + root_ + "`");
  const auto& scan = static_cast<const ScanTable&>(**t);

  // region = 'us' over columns [id, region]: only the us file survives.
  auto filter = Cmp("eq", Col(1, col::Utf8(), "region"), sql::MakeStringLiteral("us"));
  ScanPlanStats stats;
  std::vector<std::shared_ptr<col::RecordBatch>> batches;
  EXPECT_EQ(CountRows(scan, {0, 1}, {filter}, &stats, &batches), 50);
  EXPECT_EQ(stats.files_total, 2);
  EXPECT_EQ(stats.files_skipped, 1);
  ASSERT_FALSE(batches.empty());
  EXPECT_EQ(batches[0]->schema()->field(0)->name(), "id");
  EXPECT_EQ(batches[0]->schema()->field(1)->name(), "region");

  // Stats skipping: id >= 120 (literal on the left: 120 <= id) prunes the eu file (ids 0..99).
  ScanPlanStats s2;
  auto f2 = Cmp("le", sql::MakeInt64Literal(120), Col(0, col::Int64(), "id"));
  EXPECT_EQ(CountRows(scan, {0}, {f2}, &s2), 50);  // the scan operator filters exactly, not the source
  EXPECT_EQ(s2.files_skipped, 1);

  // A filter the source cannot translate never prunes.
  ScanPlanStats s3;
  auto opaque = sql::MakeCall("or", {Cmp("eq", Col(0, col::Int64(), "id"), sql::MakeInt64Literal(1)),
                                     Cmp("eq", Col(0, col::Int64(), "id"), sql::MakeInt64Literal(2))},
                              col::Boolean(), true);
  EXPECT_EQ(CountRows(scan, {0}, {opaque}, &s3), 150);
  EXPECT_EQ(s3.files_skipped, 0);

  // No columns at all still yields the row count.
  EXPECT_EQ(CountRows(scan, {}, {}), 150);
}

TEST_F(CatalogTest, FilterTranslation) {
  auto in = sql::MakeCall("in", {Col(0, col::Int64(), "id"), sql::MakeInt64Literal(7), sql::MakeInt64Literal(3)},
                          col::Boolean(), true);
  auto isnull = sql::MakeCall("is_null", {Col(1, col::Utf8(), "region")}, col::Boolean(), true);
  auto both = sql::MakeCall("and", {in, isnull}, col::Boolean(), true);
  std::vector<sql::BoundExprPtr> conj;
  SplitConjuncts(both, &conj);
  ASSERT_EQ(conj.size(), 2u);
  auto filters = ToColumnFilters(conj, {"id", "region"});
  ASSERT_EQ(filters.size(), 3u);
  EXPECT_EQ(table::ColumnFilterToString(filters[0]), "id >= 3");
  EXPECT_EQ(table::ColumnFilterToString(filters[1]), "id <= 7");
  EXPECT_EQ(filters[2].op, table::FilterOp::kIsNull);

  // Parquet: decimals with a fraction round outwards; no IS NULL predicates.
  col::Decimal128Builder d(col::Decimal(10, 2));
  d.Append(1250);  // 12.50
  auto lit = sql::MakeLiteral(d.Finish());
  auto lt = Cmp("lt", Col(0, col::Decimal(10, 2), "x"), lit);
  auto gt = Cmp("gt", Col(0, col::Decimal(10, 2), "x"), lit);
  auto preds = ToParquetPredicates({lt, gt, isnull}, {"x", "region"}, {col::Decimal(10, 2), col::Utf8()});
  ASSERT_EQ(preds.size(), 2u);
  EXPECT_EQ(preds[0].op, format::parquet::CompareOp::kLe);
  EXPECT_EQ(std::get<int64_t>(preds[0].value), 13);
  EXPECT_EQ(preds[1].op, format::parquet::CompareOp::kGe);
  EXPECT_EQ(std::get<int64_t>(preds[1].value), 12);
}

TEST_F(CatalogTest, ParquetPathTablesFilesDirectoriesAndGlobs) {
  std::string pdir = dir_.path() + "/pq";
  fs::create_directories(pdir + "/sub");
  fs::create_directories(pdir + "/_hidden");
  format::parquet::WriterOptions wo;
  wo.max_row_group_rows = 10;
  auto write = [&](const std::string& path, int64_t first, int64_t n) {
    auto w = format::parquet::ParquetWriter::Open(path, SalesSchema(), wo);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->WriteBatch(*SalesBatch(first, n, "eu")).ok());
    ASSERT_TRUE((*w)->Close().ok());
  };
  write(pdir + "/a.parquet", 0, 30);       // 3 row groups: ids 0..9, 10..19, 20..29
  write(pdir + "/sub/b.parquet", 30, 20);  // 2 row groups
  write(pdir + "/_hidden/c.parquet", 0, 5);

  Catalog cat(dir_.path());
  auto dirt = cat.GetTable(Name({"parquet", pdir}, true), std::nullopt);
  ASSERT_TRUE(dirt.ok()) << dirt.status().ToString();
  EXPECT_EQ((*dirt)->EstimatedRows(), 50);
  EXPECT_EQ((*dirt)->version(), -1);
  const auto& scan = static_cast<const ScanTable&>(**dirt);
  ScanPlanStats stats;
  EXPECT_EQ(CountRows(scan, {2, 0}, {}, &stats), 50);
  EXPECT_EQ(stats.row_groups_total, 5);

  // id > 25 over columns [amount, id]: row groups 0..9 and 10..19 are skipped.
  ScanPlanStats s2;
  std::vector<std::shared_ptr<col::RecordBatch>> batches;
  auto f = Cmp("gt", Col(1, col::Int64(), "id"), sql::MakeInt64Literal(25));
  EXPECT_EQ(CountRows(scan, {2, 0}, {f}, &s2, &batches), 30);
  EXPECT_EQ(s2.row_groups_skipped, 2);
  ASSERT_FALSE(batches.empty());
  EXPECT_EQ(batches[0]->schema()->field(0)->name(), "amount");
  EXPECT_EQ(batches[0]->column(0)->Value<int64_t>(0), 200);

  auto file = cat.GetTable(Name({"parquet", pdir + "/a.parquet"}, true), std::nullopt);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->EstimatedRows(), 30);
  auto glob = cat.GetTable(Name({"parquet", pdir + "/*/*.parquet"}, true), std::nullopt);
  ASSERT_TRUE(glob.ok()) << glob.status().ToString();
  EXPECT_EQ((*glob)->EstimatedRows(), 25);  // sub/b and _hidden/c: a glob names files explicitly

  auto none = cat.GetTable(Name({"parquet", pdir + "/nothing*.parquet"}, true), std::nullopt);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), base::StatusCode::kNotFound);
  auto missing = cat.GetTable(Name({"parquet", dir_.path() + "/no/such"}, true), std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no such file"), std::string::npos);

  sql::TimeTravelSpec v0;
  v0.version = 0;
  auto tt = cat.GetTable(Name({"parquet", pdir}, true), v0);
  ASSERT_FALSE(tt.ok());
  EXPECT_NE(tt.status().message().find("Delta"), std::string::npos);
}

TEST_F(CatalogTest, ParquetFilesWithDifferentSchemasAreRefused) {
  std::string pdir = dir_.path() + "/mixed";
  fs::create_directories(pdir);
  auto w1 = format::parquet::ParquetWriter::Open(pdir + "/1.parquet", SalesSchema());
  ASSERT_TRUE(w1.ok());
  ASSERT_TRUE((*w1)->WriteBatch(*SalesBatch(0, 3, "eu")).ok());
  ASSERT_TRUE((*w1)->Close().ok());
  auto other = std::make_shared<col::Schema>(std::vector<col::FieldPtr>{col::MakeField("id", col::Utf8())});
  auto w2 = format::parquet::ParquetWriter::Open(pdir + "/2.parquet", other);
  ASSERT_TRUE(w2.ok());
  col::BinaryBuilder b(col::Utf8());
  b.Append("x");
  ASSERT_TRUE((*w2)->WriteBatch(col::RecordBatch(other, {b.Finish()}, 1)).ok());
  ASSERT_TRUE((*w2)->Close().ok());
  Catalog cat(dir_.path());
  auto t = cat.GetTable(Name({"parquet", pdir}, true), std::nullopt);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("2.parquet"), std::string::npos) << t.status().message();
}

TEST_F(CatalogTest, GoldenDeltaTablesRead) {
  Catalog cat(dir_.path());
  std::string golden = std::string(TIDE_TESTDATA_DIR) + "/delta-golden/data-reader-partition-values";
  if (!fs::exists(golden)) GTEST_SKIP() << "no golden tables";
  auto t = cat.GetTable(Name({"delta", golden}, true), std::nullopt);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const auto& scan = static_cast<const ScanTable&>(**t);
  std::vector<int> all;
  for (int i = 0; i < (*t)->schema()->num_fields(); ++i) all.push_back(i);
  int64_t n = CountRows(scan, all, {});
  EXPECT_GT(n, 0);
}

TEST_F(CatalogTest, ViewsTemporaryAndStored) {
  Catalog cat(dir_.path());
  sql::ViewDefinition v{"Big", "SELECT * FROM sales WHERE amount > 100", {}};
  ASSERT_TRUE(cat.CreateView(v, /*temporary=*/false, false).ok());
  EXPECT_EQ(cat.CreateView(v, false, false).code(), base::StatusCode::kAlreadyExists);
  ASSERT_TRUE(cat.CreateView(v, false, /*or_replace=*/true).ok());
  EXPECT_TRUE(fs::exists(dir_.path() + "/meta/views/big.json"));

  Catalog other(dir_.path());  // stored views outlive the session
  auto got = other.GetView(Name({"BIG"}));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->query_sql, v.query_sql);

  sql::ViewDefinition tv{"tmp", "SELECT 1", {"one"}};
  ASSERT_TRUE(cat.CreateView(tv, true, false).ok());
  ASSERT_TRUE(cat.GetView(Name({"tmp"})).has_value());
  EXPECT_EQ(cat.GetView(Name({"tmp"}))->columns, std::vector<std::string>{"one"});
  EXPECT_FALSE(other.GetView(Name({"tmp"})).has_value());
  EXPECT_FALSE(cat.GetView(Name({"sales"})).has_value());

  ASSERT_TRUE(cat.DropView("tmp", false).ok());
  ASSERT_TRUE(cat.DropView("big", false).ok());
  EXPECT_EQ(cat.DropView("big", false).code(), base::StatusCode::kNotFound);
  EXPECT_TRUE(cat.DropView("big", true).ok());
}

TEST_F(CatalogTest, ExternalTablesMapNamesToLocations) {
  Catalog cat(dir_.path());
  ASSERT_TRUE(cat.RegisterExternalTable("ext", root_).ok());
  auto t = cat.GetTable(Name({"ext"}), std::nullopt);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)->EstimatedRows(), 150);
  auto root = cat.ResolveDeltaRoot(Name({"ext"}));
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, root_);
  auto tables = cat.ListTables();
  EXPECT_EQ(tables, (std::vector<std::string>{"ext", "sales"}));
  ASSERT_TRUE(cat.ForgetExternalTable("ext").ok());
  EXPECT_FALSE(cat.GetTable(Name({"ext"}), std::nullopt).ok());
  EXPECT_TRUE(fs::exists(root_ + "/_delta_log"));
}

}  // namespace
}  // namespace tide::exec

namespace tide::exec {
namespace {

TEST_F(CatalogTest, LargeDeltaFilesSplitIntoRowGroupMorsels) {
  std::string root = dir_.path() + "/tables/big";
  ASSERT_TRUE(table::DeltaTable::Create(root, *SalesSchema(), {"region"}, {}).ok());
  table::AppendOptions ao;
  ao.writer.parquet.max_row_group_rows = 100;
  ASSERT_TRUE(table::DeltaTable::Append(root, {SalesBatch(0, 1000, "eu")}, ao).ok());
  auto snap = table::Snapshot::Load(root);
  ASSERT_TRUE(snap.ok());
  auto t = DeltaScanTable::Make(*snap, "big", /*batch_rows=*/30, /*split_file_bytes=*/1);
  // id >= 950 over [id, region]: 9 of the 10 row groups are skipped by their statistics.
  ScanPlanStats stats;
  auto f = Cmp("ge", Col(0, col::Int64(), "id"), sql::MakeInt64Literal(950));
  auto morsels = t->PlanMorsels({0, 1}, {f}, &stats);
  ASSERT_TRUE(morsels.ok()) << morsels.status().ToString();
  EXPECT_EQ(morsels->size(), 1u);
  EXPECT_EQ(stats.row_groups_total, 10);
  EXPECT_EQ(stats.row_groups_skipped, 9);
  std::vector<std::shared_ptr<col::RecordBatch>> batches;
  EXPECT_EQ(CountRows(*t, {0, 1}, {f}, nullptr, &batches), 100);
  ASSERT_FALSE(batches.empty());
  EXPECT_LE(batches[0]->num_rows(), 30);  // batch_rows
  EXPECT_EQ(batches[0]->column(0)->Value<int64_t>(0), 900);
  EXPECT_EQ(batches[0]->column(1)->BytesValue(0), "eu");  // the partition column, materialized
  // Without filters every row group is a morsel; with no columns the count still holds.
  EXPECT_EQ(CountRows(*t, {}, {}), 1000);
  auto all = t->PlanMorsels({2}, {}, nullptr);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 10u);
}

}  // namespace
}  // namespace tide::exec

namespace tide::exec {
namespace {

// The direct Parquet path and the row-group split give exactly the table layer's rows.
TEST_F(CatalogTest, DirectReadsMatchTheTableLayerOnGoldenTables) {
  const std::string base = std::string(TIDE_TESTDATA_DIR) + "/delta-golden/";
  if (!fs::exists(base)) GTEST_SKIP() << "no golden tables";
  int compared = 0;
  for (std::string name : {"data-reader-primitives", "data-reader-partition-values", "basic-decimal-table",
                           "data-reader-nested-struct", "data-reader-array-primitives", "dv-with-columnmapping",
                           "basic-with-inserts-deletes-checkpoint", "data-reader-timestamp_ntz"}) {
    std::string root = base + name;
    if (fs::exists(root + "/delta")) root += "/delta";
    auto snap = table::Snapshot::Load(root);
    if (!snap.ok()) continue;
    std::vector<std::string> expected;
    auto st = table::ScanTable(**snap, {}, -1, [&](std::shared_ptr<col::RecordBatch> b) {
      for (int64_t i = 0; i < b->num_rows(); ++i) expected.push_back(col::RowToJson(*b, i));
      return base::Status::OK();
    });
    if (!st.ok()) continue;  // a table the table layer cannot read is not this test's concern
    for (int64_t split : {DeltaScanTable::kSplitFileBytes, int64_t{1}}) {
      auto t = DeltaScanTable::Make(*snap, name, 7, split);
      std::vector<int> all;
      for (int i = 0; i < t->schema()->num_fields(); ++i) all.push_back(i);
      std::vector<std::shared_ptr<col::RecordBatch>> batches;
      CountRows(*t, all, {}, nullptr, &batches);
      std::vector<std::string> got;
      for (const auto& b : batches) {
        for (int64_t i = 0; i < b->num_rows(); ++i) got.push_back(col::RowToJson(*b, i));
      }
      std::sort(got.begin(), got.end());
      std::vector<std::string> want = expected;
      std::sort(want.begin(), want.end());
      EXPECT_EQ(got, want) << name << " split " << split;
    }
    ++compared;
  }
  EXPECT_GE(compared, 4);
}

}  // namespace
}  // namespace tide::exec
