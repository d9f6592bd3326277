#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "log/partition_log.h"
#include "test_util.h"

namespace tide::log {
namespace {

using testing::TempDir;

class CompactionTest : public ::testing::Test {
 protected:
  std::shared_ptr<PartitionLog> OpenLog() {
    LogConfig cfg;
    cfg.cleanup_compact = true;
    cfg.cleanup_delete = false;
    cfg.segment_bytes = 1500;
    cfg.delete_retention_ms = 1000;
    PartitionLogOptions opt;
    opt.dir = dir_.path() + "/c-0";
    opt.topic = "c";
    opt.config = cfg;
    opt.clock_ms = [] { return 0; };
    auto log = PartitionLog::Open(opt);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return *log;
  }
  void Put(PartitionLog& log, const std::string& key, std::optional<std::string> value, int64_t ts,
           CompressionType codec = CompressionType::kNone) {
    std::vector<Record> recs = {Record{0, ts, key, std::move(value), {}}};
    BatchBuildOptions opt;
    opt.compression = codec;
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(BuildBatch(opt, recs, &bytes).ok());
    ASSERT_TRUE(log.Append(bytes).ok());
  }
  std::vector<Record> ReadAll(PartitionLog& log) {
    std::vector<Record> out;
    int64_t offset = log.log_start_offset();
    while (offset < log.log_end_offset()) {
      auto r = log.Read(offset, 1 << 20);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (!r.ok() || r->records.empty()) break;
      BatchReader reader(r->records);
      BatchView b;
      while (*reader.Next(&b)) {
        std::vector<Record> recs;
        EXPECT_TRUE(DecodeRecords(b, &recs).ok());
        for (auto& rec : recs) {
          if (rec.offset >= offset) out.push_back(rec);
        }
        offset = b.next_offset();
      }
    }
    return out;
  }
  TempDir dir_;
};

TEST_F(CompactionTest, KeepsLatestPerKeyPreservesOffsetsAndDropsOldTombstones) {
  auto log = OpenLog();
  // 300 writes over 10 keys; key "k3" deleted early (old tombstone), key "k5" deleted late.
  std::map<std::string, std::pair<int64_t, std::optional<std::string>>> expected;
  int64_t n = 0;  // next offset
  for (int i = 0; i < 300; ++i) {
    std::string key = "k" + std::to_string(i % 10);
    if ((key == "k3" && i > 253) || (key == "k5" && i > 255)) continue;  // tombstones are final
    std::optional<std::string> value = "value-" + std::to_string(n);
    int64_t ts = 100 + i;
    if (i == 253) value.reset();       // k3 tombstone, old by now=10000
    if (i == 255) {
      value.reset();                   // k5 tombstone, recent
      ts = 9500;
    }
    Put(*log, key, value, ts, i % 3 == 0 ? CompressionType::kZstd : CompressionType::kNone);
    expected[key] = {n, value};
    ++n;
  }
  ASSERT_GT(log->segment_count(), 3u);
  auto active_base = log->segment_base_offsets().back();
  ASSERT_GT(active_base, expected["k5"].first) << "test expects both tombstones in cleaned segments";
  std::map<std::string, int64_t> latest_cleanable;
  for (const auto& r : ReadAll(*log)) {
    if (r.offset < active_base) latest_cleanable[*r.key] = r.offset;
  }
  auto removed = log->Compact(10000);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_GT(*removed, 200u);

  auto records = ReadAll(*log);
  // Offsets strictly increase and every record is either in the active segment or the latest.
  int64_t prev = -1;
  std::map<std::string, int64_t> seen;
  for (const auto& r : records) {
    EXPECT_GT(r.offset, prev);
    prev = r.offset;
    // Offsets are preserved: the value encodes the original offset.
    if (r.value) {
      EXPECT_EQ(*r.value, "value-" + std::to_string(r.offset));
    }
    if (r.offset < active_base) {
      EXPECT_EQ(latest_cleanable[*r.key], r.offset) << "only the latest survives in cleaned segments";
    }
    seen[*r.key] = r.offset;
  }
  for (const auto& [key, latest] : expected) {
    if (key == "k3" && latest.first < active_base) {
      EXPECT_EQ(seen.count("k3"), 0u) << "old tombstone removed";
    } else {
      EXPECT_EQ(seen[key], latest.first) << key;
    }
  }
  EXPECT_EQ(log->log_end_offset(), n);
  EXPECT_EQ(seen.count("k5"), 1u) << "recent tombstone kept";

  // Reading from an offset that was compacted away lands on the next surviving batch.
  auto r = log->Read(1, 1 << 20);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->records.empty());

  // The compacted log survives a restart; appends continue at the same offset.
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  log = OpenLog();
  EXPECT_EQ(log->log_end_offset(), n);
  EXPECT_EQ(ReadAll(*log).size(), records.size());
  Put(*log, "k1", "value-" + std::to_string(n), 1);
  EXPECT_EQ(log->log_end_offset(), n + 1);
  for (const auto& e : std::filesystem::directory_iterator(dir_.path() + "/c-0")) {
    auto name = e.path().filename().string();
    EXPECT_EQ(name.find(".cleaned"), std::string::npos);
    EXPECT_EQ(name.find(".swap"), std::string::npos);
  }
  // Compacting again is idempotent.
  auto again = log->Compact(10000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReadAll(*log).size(), records.size() + 1);
}

TEST_F(CompactionTest, InterruptedSwapIsCompletedOnOpen) {
  auto log = OpenLog();
  for (int i = 0; i < 100; ++i) Put(*log, "k" + std::to_string(i % 4), "value-" + std::to_string(i), 100);
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  // Fake a crash after ".cleaned" -> ".swap": a swap file holding only the last record of the
  // first segment, and a stale .cleaned file.
  std::string dir = dir_.path() + "/c-0/";
  std::string stem = SegmentFileStem(0);
  std::string contents;
  {
    auto reopened = OpenLog();
    auto read = reopened->Read(0, 1 << 20);
    ASSERT_TRUE(read.ok());
    BatchReader reader(read->records);
    BatchView b, last;
    while (*reader.Next(&b)) last = b;
    contents.assign(reinterpret_cast<const char*>(last.bytes().data()), last.size());
    ASSERT_TRUE(reopened->Close().ok());
  }
  {
    FILE* f = std::fopen((dir + stem + ".log.swap").c_str(), "wb");
    std::fwrite(contents.data(), 1, contents.size(), f);
    std::fclose(f);
    f = std::fopen((dir + stem + ".log.cleaned").c_str(), "wb");
    std::fwrite("junk", 1, 4, f);
    std::fclose(f);
  }
  log = OpenLog();
  EXPECT_FALSE(std::filesystem::exists(dir + stem + ".log.swap"));
  EXPECT_FALSE(std::filesystem::exists(dir + stem + ".log.cleaned"));
  EXPECT_EQ(std::filesystem::file_size(dir + stem + ".log"), contents.size());
  EXPECT_EQ(log->log_end_offset(), 100);
}

TEST_F(CompactionTest, NothingHappensForDeletePolicy) {
  auto log = OpenLog();
  for (int i = 0; i < 60; ++i) Put(*log, "same", "v", 100);
  auto cfg = log->config();
  cfg.cleanup_compact = false;
  cfg.cleanup_delete = true;
  log->SetConfig(cfg);
  EXPECT_EQ(*log->Compact(10000), 0u);
  EXPECT_EQ(ReadAll(*log).size(), 60u);
}


TEST_F(CompactionTest, ThinnedMultiRecordBatchesKeepOffsetsAcrossRestart) {
  auto log = OpenLog();
  // Batches of 5 records; keys repeat across batches so each batch loses some records.
  for (int b = 0; b < 40; ++b) {
    std::vector<Record> recs;
    for (int i = 0; i < 5; ++i) {
      int64_t off = b * 5 + i;
      recs.push_back(Record{i, 100 + off, "key" + std::to_string((b * 5 + i) % 7), "v" + std::to_string(off), {}});
    }
    BatchBuildOptions opt;
    opt.compression = b % 2 ? CompressionType::kLz4 : CompressionType::kNone;
    opt.producer_id = 77;
    opt.producer_epoch = 0;
    opt.base_sequence = b * 5;
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(BuildBatch(opt, recs, &bytes).ok());
    ASSERT_TRUE(log->Append(bytes).ok());
  }
  ASSERT_GT(log->segment_count(), 2u);
  ASSERT_TRUE(log->Compact(10000).ok());
  auto after = ReadAll(*log);
  for (const auto& r : after) EXPECT_EQ(*r.value, "v" + std::to_string(r.offset));
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  log = OpenLog();
  EXPECT_EQ(log->log_end_offset(), 200);
  EXPECT_EQ(ReadAll(*log), after);
  // The producer's sequence continues: its last batch kept lastOffsetDelta.
  std::vector<Record> next = {Record{0, 1, "key1", "x", {}}};
  BatchBuildOptions opt;
  opt.producer_id = 77;
  opt.producer_epoch = 0;
  opt.base_sequence = 200;
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(BuildBatch(opt, next, &bytes).ok());
  AppendError err;
  auto r = log->Append(bytes, {}, &err);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->base_offset, 200);
}

TEST_F(CompactionTest, KeylessRecordsAreRefused) {
  auto log = OpenLog();
  std::vector<Record> recs = {Record{0, 1, std::nullopt, "v", {}}};
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(BuildBatch({}, recs, &bytes).ok());
  AppendError err;
  EXPECT_TRUE(log->Append(bytes, {}, &err).status().IsInvalidArgument());
  EXPECT_EQ(err, AppendError::kInvalidRecord);
}

}  // namespace
}  // namespace tide::log
