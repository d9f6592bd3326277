#include "table/maintenance.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <chrono>
#include <fstream>
#include <random>

#include "dml_test_util.h"
#include "table/dml.h"
#include "table/snapshot.h"
#include "table/table.h"

namespace tide::table {
namespace {

using namespace tide::table::testing;  // NOLINT
using columnar::RecordBatch;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void SetMtime(const std::string& path, int64_t ms) {
  struct utimbuf t;
  t.actime = t.modtime = static_cast<time_t>(ms / 1000);
  ASSERT_EQ(utime(path.c_str(), &t), 0) << path;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

class MaintenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.root().empty());
    auto v0 = DeltaTable::Create(root(), *IdPartValueSchema(), {"part"}, {});
    ASSERT_TRUE(v0.ok()) << v0.status().ToString();
  }
  void AppendSmallFiles(int n, const std::string& part) {
    for (int f = 0; f < n; ++f) {
      std::vector<Row> rows;
      for (int i = 0; i < 5; ++i) {
        rows.push_back({next_id_, part, next_id_ * 3});
        all_.push_back(rows.back());
        ++next_id_;
      }
      auto r = DeltaTable::Append(root(), {MakeRows(rows)});
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }
  const std::string& root() const { return dir_.root(); }

  TempTableDir dir_;
  std::vector<Row> all_;
  int64_t next_id_ = 0;
};

TEST_F(MaintenanceTest, OptimizeCompactsSmallFilesPerPartition) {
  AppendSmallFiles(6, "a");
  AppendSmallFiles(3, "b");
  AppendSmallFiles(1, "c");  // a lone small file: nothing to merge it with
  ASSERT_EQ(ActivePaths(root()).size(), 10u);
  const int64_t before_version = *LatestVersion(root());
  auto r = Optimize(root());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, before_version + 1);
  EXPECT_EQ(r->metrics["numFilesRemoved"], 9);
  EXPECT_EQ(r->metrics["numFilesAdded"], 2);
  EXPECT_EQ(r->metrics["partitionsOptimized"], 2);
  EXPECT_EQ(r->metrics["totalFilesSkipped"], 1);
  EXPECT_EQ(ActivePaths(root()).size(), 3u);
  EXPECT_EQ(TableRows(root()), Sorted(all_));
  // Adds and removes carry dataChange = false.
  auto actions = ReadCommitActions(root(), r->version);
  ASSERT_TRUE(actions.ok());
  for (const auto& a : *actions) {
    if (const auto* add = std::get_if<AddFile>(&a)) {
      EXPECT_FALSE(add->data_change);
    }
    if (const auto* rm = std::get_if<RemoveFile>(&a)) {
      EXPECT_FALSE(rm->data_change);
    }
    if (const auto* ci = std::get_if<CommitInfo>(&a)) {
      EXPECT_EQ(ci->operation.value_or(""), "OPTIMIZE");
    }
  }
  // Idempotent: nothing left to compact.
  auto again = Optimize(root());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, -1);
}

TEST_F(MaintenanceTest, OptimizeWhereLimitsPartitionsAndBigFilesStay) {
  AppendSmallFiles(3, "a");
  AppendSmallFiles(3, "b");
  OptimizeOptions o;
  o.filters = {{"part", FilterOp::kEq, std::string("a")}};
  auto r = Optimize(root(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numFilesRemoved"], 3);
  EXPECT_EQ(ActivePaths(root()).size(), 4u);
  // Files at least min_file_size are left alone.
  OptimizeOptions big;
  big.min_file_size = 1;
  auto none = Optimize(root(), big);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->version, -1);
  // Filters must be on partition columns.
  OptimizeOptions bad;
  bad.filters = {{"v", FilterOp::kGt, int64_t{1}}};
  auto err = Optimize(root(), bad);
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("'v' is not one (partition columns: part)"), std::string::npos);
}

TEST_F(MaintenanceTest, OptimizeConflictsWithAConcurrentDeleteOfItsInput) {
  AppendSmallFiles(3, "a");
  auto snap = Snapshot::Load(root());
  ASSERT_TRUE(snap.ok());
  auto d = Delete(root(), [](const RecordBatch& b) -> base::Result<std::vector<uint8_t>> {
    std::vector<uint8_t> m(static_cast<size_t>(b.num_rows()));
    for (int64_t i = 0; i < b.num_rows(); ++i) m[static_cast<size_t>(i)] = b.column(0)->Value<int64_t>(i) == 1;
    return m;
  });
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  OptimizeOptions o;
  o.snapshot = *snap;  // planned before the delete landed
  auto r = Optimize(root(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kConflict) << r.status().ToString();
  // The delete survives and the optimize's files are gone; a fresh OPTIMIZE then works.
  auto rows = TableRows(root());
  EXPECT_EQ(rows.size(), all_.size() - 1);
  auto again = Optimize(root());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(TableRows(root()), rows);
}

TEST_F(MaintenanceTest, ZOrderValidation) {
  AppendSmallFiles(2, "a");
  OptimizeOptions o;
  o.zorder_by = {"part"};
  auto r = Optimize(root(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'part' is a partition column"), std::string::npos);
  o.zorder_by = {"zz"};
  r = Optimize(root(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown column 'zz'"), std::string::npos);
}

TEST_F(MaintenanceTest, ZOrderImprovesFileSkippingOnBothColumns) {
  // An unpartitioned table of random (x, y), written in 8 files of random rows.
  TempTableDir dir;
  auto schema = std::make_shared<const columnar::Schema>(
      std::vector<columnar::FieldPtr>{columnar::MakeField("x", columnar::Int64()), columnar::MakeField("y", columnar::Int64())});
  ASSERT_TRUE(DeltaTable::Create(dir.root(), *schema, {}, {}).ok());
  std::mt19937_64 rng(7);
  const int per_file = 4000;
  for (int f = 0; f < 8; ++f) {
    columnar::Int64Builder x(columnar::Int64()), y(columnar::Int64());
    for (int i = 0; i < per_file; ++i) {
      x.Append(static_cast<int64_t>(rng() % 10000));
      y.Append(static_cast<int64_t>(rng() % 10000));
    }
    auto batch = std::make_shared<RecordBatch>(schema, std::vector<columnar::ArrayPtr>{x.Finish(), y.Finish()}, per_file);
    ASSERT_TRUE(DeltaTable::Append(dir.root(), {batch}).ok());
  }
  auto files_read = [&](const std::string& col) {
    auto snap = Snapshot::Load(dir.root());
    EXPECT_TRUE(snap.ok());
    ScanOptions so;
    so.filters = {{col, FilterOp::kGe, int64_t{3300}}, {col, FilterOp::kLt, int64_t{3500}}};
    auto plan = PlanScan(**snap, so);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    return plan.ok() ? static_cast<int64_t>(plan->files.size()) : -1;
  };
  EXPECT_EQ(files_read("x"), 8);
  EXPECT_EQ(files_read("y"), 8);
  const int64_t total = static_cast<int64_t>(std::filesystem::file_size(
      std::filesystem::path(dir.root()) / (*Snapshot::Load(dir.root()))->files()[0].path));
  OptimizeOptions o;
  o.zorder_by = {"x", "y"};
  o.target_file_size = total / 2;  // about 16 files
  auto r = Optimize(dir.root(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numRowsRewritten"], 8 * per_file);
  const int64_t files_after = r->metrics["numFilesAdded"];
  EXPECT_GE(files_after, 8);
  std::printf("Z-order: %lld files; a 2%% range reads %lld (x) and %lld (y) of them\n", static_cast<long long>(files_after),
              static_cast<long long>(files_read("x")), static_cast<long long>(files_read("y")));
  const int64_t after_x = files_read("x"), after_y = files_read("y");
  EXPECT_LT(after_x, files_after) << "x: " << after_x << " of " << files_after;
  EXPECT_LT(after_y, files_after) << "y: " << after_y << " of " << files_after;
  EXPECT_LE(after_x + after_y, files_after);  // together at most all files: each about a quarter
  // Same rows.
  auto rows = TableRows(dir.root());
  EXPECT_EQ(rows.size(), static_cast<size_t>(8 * per_file));
}

TEST_F(MaintenanceTest, VacuumHonoursRetentionAndHiddenFiles) {
  AppendSmallFiles(2, "a");
  // Rewrite the first file so it becomes a tombstone.
  auto d = Delete(root(), [](const RecordBatch& b) -> base::Result<std::vector<uint8_t>> {
    std::vector<uint8_t> m(static_cast<size_t>(b.num_rows()));
    for (int64_t i = 0; i < b.num_rows(); ++i) m[static_cast<size_t>(i)] = b.column(0)->Value<int64_t>(i) == 0;
    return m;
  });
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto snap = Snapshot::Load(root());
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ((*snap)->tombstones().size(), 1u);
  const std::string removed = root() + "/" + *DecodeFilePath((*snap)->tombstones()[0].path);
  ASSERT_TRUE(Exists(removed));
  // Stray files: an old untracked data file, a hidden dir, old change data.
  const int64_t old = NowMs() - 30LL * 24 * 3600 * 1000;
  std::filesystem::create_directories(root() + "/part=a");
  std::filesystem::create_directories(root() + "/_hidden");
  std::filesystem::create_directories(root() + "/_change_data");
  for (const std::string f : {"/part=a/stray.parquet", "/_hidden/keep.parquet", "/_change_data/cdc-old.parquet", "/.hidden"}) {
    std::ofstream(root() + f) << "x";
    SetMtime(root() + f, old);
  }
  SetMtime(removed, old);  // old mtime alone does not matter: the tombstone is recent

  // Default retention (7 days): the tombstone is too new; the stray and old cdc files go.
  auto dry = Vacuum(root(), {.dry_run = true});
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->files, (std::vector<std::string>{"_change_data/cdc-old.parquet", "part=a/stray.parquet"}));
  EXPECT_TRUE(Exists(root() + "/part=a/stray.parquet"));

  // A retention below the table's is refused unless forced.
  auto refused = Vacuum(root(), {.retention_hours = 0});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--force"), std::string::npos);

  // Forced, one hour, evaluated a day from now: the tombstoned file goes too.
  auto v = Vacuum(root(), {.retention_hours = 1, .enforce_retention = false, .now_ms = NowMs() + 24LL * 3600 * 1000});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->files.size(), 3u);
  EXPECT_FALSE(Exists(removed));
  EXPECT_FALSE(Exists(root() + "/part=a/stray.parquet"));
  EXPECT_TRUE(Exists(root() + "/_hidden/keep.parquet"));
  EXPECT_TRUE(Exists(root() + "/.hidden"));
  EXPECT_TRUE(Exists(root() + "/_delta_log"));
  // Live data is intact; history records VACUUM START / END.
  EXPECT_EQ(TableRows(root()).size(), all_.size() - 1);
  auto history = ReadHistory(root(), 2);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].commit_info->operation.value_or(""), "VACUUM END");
  EXPECT_EQ((*history)[1].commit_info->operation.value_or(""), "VACUUM START");
}

TEST_F(MaintenanceTest, RestoreToVersionAndTimestamp) {
  AppendSmallFiles(2, "a");  // versions 1, 2
  const auto at_v2 = TableRows(root());
  auto d = Delete(root(), nullptr, {.filters = {{"part", FilterOp::kEq, std::string("a")}}});  // version 3: empty
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  AppendSmallFiles(1, "b");  // version 4
  auto r = Restore(root(), {.version = 2});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 5);
  EXPECT_EQ(r->metrics["numRestoredFiles"], 2);
  EXPECT_EQ(r->metrics["numRemovedFiles"], 1);
  EXPECT_EQ(TableRows(root()), at_v2);
  auto actions = ReadCommitActions(root(), 5);
  ASSERT_TRUE(actions.ok());
  for (const auto& a : *actions) {
    if (const auto* add = std::get_if<AddFile>(&a)) {
      EXPECT_TRUE(add->data_change);
    }
  }
  // By timestamp: version 1's commit time.
  auto ts = CommitTimestamp(root(), 1);
  ASSERT_TRUE(ts.ok());
  auto by_ts = Restore(root(), {.timestamp_ms = *ts});
  ASSERT_TRUE(by_ts.ok()) << by_ts.status().ToString();
  // Commits within one millisecond resolve to the latest of them.
  EXPECT_GE(by_ts->restored_version, 1);
  EXPECT_LE(*CommitTimestamp(root(), by_ts->restored_version), *ts);
  EXPECT_EQ(Restore(root(), {.version = 99}).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Restore(root(), {}).ok());
}

TEST_F(MaintenanceTest, RestoreRefusesVacuumedFiles) {
  AppendSmallFiles(1, "a");  // version 1
  auto d = Delete(root(), nullptr, {.filters = {{"part", FilterOp::kEq, std::string("a")}}});  // version 2
  ASSERT_TRUE(d.ok());
  auto v = Vacuum(root(), {.retention_hours = 0, .enforce_retention = false, .now_ms = NowMs() + 1000});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->files.size(), 1u);
  const int64_t latest = *LatestVersion(root());
  auto r = Restore(root(), {.version = 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find(v->files[0].substr(v->files[0].rfind('/') + 1)), std::string::npos) << r.status().ToString();
  EXPECT_EQ(*LatestVersion(root()), latest);  // nothing committed
}

}  // namespace
}  // namespace tide::table
