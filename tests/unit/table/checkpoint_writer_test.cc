// Checkpoints and log cleanup (table/checkpoint_writer.h): written at the interval, read back
// by the snapshot loader with the same state as log replay, readable as plain Parquet, and
// metadata cleanup keeping time travel within the retention.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <filesystem>

#include "base/clock.h"
#include "format/parquet/reader.h"
#include "table/checkpoint_writer.h"
#include "table/table.h"
#include "write_test_util.h"

namespace tide::table {
namespace {

using testing::Ddl;
using testing::ReadRows;
using testing::Rows;
using testing::TempDir;

std::shared_ptr<columnar::RecordBatch> Row(int64_t id, const std::string& p) {
  return Rows("id BIGINT, p STRING", "{\"id\":" + std::to_string(id) + ",\"p\":\"" + p + "\"}\n");
}

void SetMtime(const std::string& path, int64_t ms) {
  struct timeval tv[2];
  tv[0].tv_sec = tv[1].tv_sec = ms / 1000;
  tv[0].tv_usec = tv[1].tv_usec = (ms % 1000) * 1000;
  ASSERT_EQ(::utimes(path.c_str(), tv), 0) << path;
}

class CheckpointWriterTest : public ::testing::Test {
 protected:
  void Create(std::map<std::string, std::string> props = {}) {
    root_ = dir_.Sub("t");
    ASSERT_TRUE(DeltaTable::Create(root_, *Ddl("id BIGINT, p STRING"), {"p"}, props).ok());
  }
  std::string Log(const std::string& name) { return root_ + "/_delta_log/" + name; }
  TempDir dir_;
  std::string root_;
};

TEST_F(CheckpointWriterTest, WrittenAtTheIntervalAndUsedByTheLoader) {
  Create();
  for (int i = 1; i <= 10; ++i) {
    auto r = DeltaTable::Append(root_, {Row(i, i % 2 ? "odd" : "even")});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(std::filesystem::exists(Log(CheckpointFileName(i))), i == 10) << i;
  }
  auto lc = ReadWholeFile(Log("_last_checkpoint"));
  ASSERT_TRUE(lc.ok());
  auto parsed = ParseLastCheckpoint(*lc);
  ASSERT_TRUE(parsed.ok()) << *lc;
  EXPECT_EQ(parsed->version, 10);
  EXPECT_EQ(parsed->size, 12);  // protocol + metaData + 10 adds
  EXPECT_EQ(parsed->num_of_add_files, 10);
  EXPECT_EQ(parsed->size_in_bytes, static_cast<int64_t>(std::filesystem::file_size(Log(CheckpointFileName(10)))));

  auto snap = Snapshot::Load(root_);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->checkpoint_version(), 10);
  EXPECT_EQ((*snap)->files().size(), 10u);
  EXPECT_EQ(ReadRows(root_).size(), 10u);

  // Plain Parquet with the Spark checkpoint layout.
  auto reader = format::parquet::ParquetReader::Open(Log(CheckpointFileName(10)));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_rows(), 12);
  std::vector<std::string> names;
  for (const auto& f : (*reader)->schema().fields()) names.push_back(f->name());
  EXPECT_EQ(names, std::vector<std::string>({"txn", "add", "remove", "metaData", "protocol", "domainMetadata"}));
  EXPECT_EQ((*reader)->schema().ToString(), CheckpointSchema()->ToString());
}

TEST_F(CheckpointWriterTest, RoundTripEqualsLogReplay) {
  Create({{"delta.checkpointInterval", "1000"}});
  ASSERT_TRUE(DeltaTable::Append(root_, {Row(1, "a"), Row(2, "b")}).ok());
  AppendOptions app;
  app.app_id = "stream-7";
  app.app_version = 3;
  ASSERT_TRUE(DeltaTable::Append(root_, {Row(3, "a")}, app).ok());
  OverwriteOptions ow;
  ow.replace_where = "p = 'b'";
  ASSERT_TRUE(DeltaTable::Overwrite(root_, {Row(4, "b")}, ow).ok());
  ASSERT_TRUE(DeltaTable::Append(root_, {Rows("id BIGINT, p STRING", "{\"id\":5,\"p\":null}\n")}).ok());

  auto replay = Snapshot::Load(root_);
  ASSERT_TRUE(replay.ok());
  ASSERT_EQ((*replay)->checkpoint_version(), -1);
  CheckpointOptions co;
  co.rows_per_row_group = 2;  // several row groups
  auto lc = WriteCheckpoint(**replay, co);
  ASSERT_TRUE(lc.ok()) << lc.status().ToString();
  auto loaded = Snapshot::Load(root_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->checkpoint_version(), (*replay)->version());
  EXPECT_EQ((*loaded)->version(), (*replay)->version());
  EXPECT_EQ((*loaded)->protocol(), (*replay)->protocol());
  EXPECT_EQ((*loaded)->metadata(), (*replay)->metadata());
  EXPECT_EQ((*loaded)->AppTransactionVersion("stream-7"), 3);
  ASSERT_EQ((*loaded)->files().size(), (*replay)->files().size());
  for (size_t i = 0; i < (*loaded)->files().size(); ++i) {
    AddFile want = (*replay)->files()[i];
    want.data_change = false;  // checkpoints hold state, not changes
    AddFile got = (*loaded)->files()[i];
    got.data_change = false;
    EXPECT_EQ(got, want) << i;
  }
  ASSERT_EQ((*loaded)->tombstones().size(), 1u);
  EXPECT_EQ((*loaded)->tombstones()[0].path, (*replay)->tombstones()[0].path);
  auto reader = format::parquet::ParquetReader::Open(Log(CheckpointFileName((*replay)->version())));
  ASSERT_TRUE(reader.ok());
  EXPECT_GE((*reader)->num_row_groups(), 3);
}

TEST_F(CheckpointWriterTest, ExpiredTombstonesAreDropped) {
  Create({{"delta.checkpointInterval", "1000"}});
  ASSERT_TRUE(DeltaTable::Append(root_, {Row(1, "a")}).ok());
  ASSERT_TRUE(DeltaTable::Overwrite(root_, {Row(2, "a")}).ok());
  auto snap = Snapshot::Load(root_);
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ((*snap)->tombstones().size(), 1u);
  CheckpointOptions co;
  co.now_ms = base::WallMillis() + 8LL * 24 * 3600 * 1000;  // past the default 7-day retention
  auto lc = WriteCheckpoint(**snap, co);
  ASSERT_TRUE(lc.ok());
  EXPECT_EQ(lc->size, 3);  // protocol, metaData, the add
  auto loaded = Snapshot::Load(root_);
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE((*loaded)->tombstones().empty());
}

TEST_F(CheckpointWriterTest, LastCheckpointNeverMovesBackward) {
  Create({{"delta.checkpointInterval", "1000"}});
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(DeltaTable::Append(root_, {Row(i, "a")}).ok());
  auto latest = Snapshot::Load(root_);
  ASSERT_TRUE(WriteCheckpoint(**latest).ok());
  SnapshotOptions so;
  so.version = 1;
  auto old = Snapshot::Load(root_, so);
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE(WriteCheckpoint(**old).ok());
  auto lc = LogStore(root_).ReadLastCheckpoint();
  ASSERT_TRUE(lc.ok() && lc->has_value());
  EXPECT_EQ((*lc)->version, 3);
}

TEST_F(CheckpointWriterTest, AFailedCheckpointDoesNotFailTheCommit) {
  Create({{"delta.checkpointInterval", "2"}});
  ASSERT_TRUE(DeltaTable::Append(root_, {Row(1, "a")}).ok());
  // A directory where the checkpoint file should go makes the rename fail.
  std::filesystem::create_directory(Log(CheckpointFileName(2)));
  auto r = DeltaTable::Append(root_, {Row(2, "a")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(ReadRows(root_).size(), 2u);
  // No temp files are left behind.
  for (const auto& e : std::filesystem::directory_iterator(root_ + "/_delta_log")) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
}

TEST_F(CheckpointWriterTest, CleanupKeepsTimeTravelWithinTheRetention) {
  Create({{"delta.checkpointInterval", "5"}});
  for (int i = 1; i <= 12; ++i) ASSERT_TRUE(DeltaTable::Append(root_, {Row(i, "a")}).ok());
  ASSERT_TRUE(std::filesystem::exists(Log(CheckpointFileName(5))));
  ASSERT_TRUE(std::filesystem::exists(Log(CheckpointFileName(10))));
  const int64_t now = base::WallMillis();
  const int64_t day = 24LL * 3600 * 1000;
  // Versions 0..7 and checkpoint 5 are 40 days old; the rest is recent.
  for (int v = 0; v <= 7; ++v) SetMtime(Log(CommitFileName(v)), now - 40 * day + v * 1000);
  SetMtime(Log(CheckpointFileName(5)), now - 40 * day + 5000);

  auto r = CleanupExpiredLogs(root_, 30 * day, now);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files_deleted, 5);  // commits 0..4
  EXPECT_EQ(r->oldest_kept_version, 5);
  for (int v = 0; v <= 12; ++v) EXPECT_EQ(std::filesystem::exists(Log(CommitFileName(v))), v >= 5) << v;
  SnapshotOptions at5;
  at5.version = 5;
  auto s5 = Snapshot::Load(root_, at5);
  ASSERT_TRUE(s5.ok()) << s5.status().ToString();
  EXPECT_EQ((*s5)->files().size(), 5u);
  SnapshotOptions at3;
  at3.version = 3;
  EXPECT_EQ(Snapshot::Load(root_, at3).status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(ReadRows(root_).size(), 12u);

  // Everything old: cleanup moves to checkpoint 10 and removes checkpoint 5 too.
  for (int v = 5; v <= 12; ++v) SetMtime(Log(CommitFileName(v)), now - 35 * day + v * 1000);
  SetMtime(Log(CheckpointFileName(10)), now - 35 * day + 10000);
  r = CleanupExpiredLogs(root_, 30 * day, now);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_deleted, 6);  // commits 5..9 and checkpoint 5
  EXPECT_FALSE(std::filesystem::exists(Log(CheckpointFileName(5))));
  EXPECT_TRUE(std::filesystem::exists(Log(CommitFileName(10))));
  EXPECT_EQ(ReadRows(root_).size(), 12u);
}

TEST_F(CheckpointWriterTest, CleanupWithoutOldCheckpointDeletesNothing) {
  Create();
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(DeltaTable::Append(root_, {Row(i, "a")}).ok());
  const int64_t now = base::WallMillis();
  for (int v = 0; v <= 3; ++v) SetMtime(Log(CommitFileName(v)), now - 100LL * 24 * 3600 * 1000);
  auto r = CleanupExpiredLogs(root_, 30LL * 24 * 3600 * 1000, now);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_deleted, 0);
  EXPECT_EQ(ReadRows(root_).size(), 3u);
}

}  // namespace
}  // namespace tide::table
