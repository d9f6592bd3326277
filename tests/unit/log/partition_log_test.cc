#include "log/partition_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/endian.h"
#include "test_util.h"

namespace tide::log {
namespace {

using testing::MakeBatch;
using testing::TempDir;

class PartitionLogTest : public ::testing::Test {
 protected:
  std::shared_ptr<PartitionLog> OpenLog(LogConfig cfg = {}) {
    PartitionLogOptions opt;
    opt.dir = dir_.path() + "/log/t-0";
    opt.topic = "t";
    opt.partition = 0;
    opt.config = cfg;
    opt.warn = [this](const std::string& m) { warnings_.push_back(m); };
    opt.clock_ms = [this] { return now_; };
    auto log = PartitionLog::Open(opt);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? *log : nullptr;
  }
  std::string SegPath(int64_t base, const char* ext) {
    return dir_.path() + "/log/t-0/" + SegmentFileStem(base) + ext;
  }
  // Decodes everything readable from `offset`, following batches.
  std::vector<Record> ReadAll(PartitionLog& log, int64_t offset = -1) {
    if (offset < 0) offset = log.log_start_offset();
    std::vector<Record> out;
    while (offset < log.log_end_offset()) {
      auto r = log.Read(offset, 1 << 20);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (!r.ok() || r->records.empty()) break;
      BatchReader reader(r->records);
      BatchView b;
      while (*reader.Next(&b)) {
        if (b.is_control()) {
          offset = b.next_offset();
          continue;
        }
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
  int64_t now_ = 1'700'000'000'000;
  std::vector<std::string> warnings_;
};

TEST_F(PartitionLogTest, AppendAssignsOffsetsAndReadsBack) {
  auto log = OpenLog();
  EXPECT_EQ(log->log_end_offset(), 0);
  auto batch = MakeBatch(3, now_);
  auto r1 = log->Append(batch);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->base_offset, 0);
  EXPECT_EQ(r1->last_offset, 2);
  EXPECT_EQ(r1->log_append_time, -1);
  auto r2 = log->Append(batch);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->base_offset, 3);
  EXPECT_EQ(log->log_end_offset(), 6);
  EXPECT_EQ(log->high_watermark(), 6);
  EXPECT_EQ(log->last_stable_offset(), 6);

  // Stored bytes are the client's bytes except baseOffset/leader epoch.
  auto read = log->Read(3, 1 << 20);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->records.size(), batch.size());
  auto expected = batch;
  SetBaseOffset(expected, 3);
  SetPartitionLeaderEpoch(expected, 0);
  EXPECT_EQ(read->records, expected);
  EXPECT_EQ(read->high_watermark, 6);

  // Reading from the middle of a batch returns that whole batch.
  read = log->Read(4, 1 << 20);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->records.size(), batch.size());

  auto all = ReadAll(*log);
  ASSERT_EQ(all.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(all[i].offset, i);
  EXPECT_EQ(*all[4].value, "v1");
}

TEST_F(PartitionLogTest, ReadBoundsAndMaxBytes) {
  auto log = OpenLog();
  auto batch = MakeBatch(2, now_);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->Append(batch).ok());
  EXPECT_EQ(log->Read(21, 100).status().code(), base::StatusCode::kOutOfRange);
  EXPECT_EQ(log->Read(-1, 100).status().code(), base::StatusCode::kOutOfRange);
  auto at_end = log->Read(20, 100);
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(at_end->records.empty());
  // max_bytes smaller than one batch: min_one_batch decides.
  auto one = log->Read(0, 10, -1, true);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->records.size(), batch.size());
  auto none = log->Read(0, 10, -1, false);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->records.empty());
  // Exactly three batches fit.
  auto three = log->Read(0, batch.size() * 3 + 5);
  EXPECT_EQ(three->records.size(), batch.size() * 3);
  // max_offset cuts at a batch boundary.
  auto capped = log->Read(0, 1 << 20, 4);
  EXPECT_EQ(capped->records.size(), batch.size() * 2);
}

TEST_F(PartitionLogTest, RejectsBadInputWithKafkaErrors) {
  LogConfig cfg;
  cfg.max_message_bytes = 500;
  auto log = OpenLog(cfg);
  AppendError err;
  auto batch = MakeBatch(2, now_);
  auto corrupt = batch;
  corrupt.back() ^= 0xFF;
  EXPECT_TRUE(log->Append(corrupt, {}, &err).status().IsCorruption());
  EXPECT_EQ(err, AppendError::kCorruptMessage);

  auto torn = batch;
  torn.resize(torn.size() - 1);
  EXPECT_FALSE(log->Append(torn, {}, &err).ok());
  EXPECT_EQ(err, AppendError::kCorruptMessage);

  auto big = MakeBatch(50, now_);
  EXPECT_FALSE(log->Append(big, {}, &err).ok());
  EXPECT_EQ(err, AppendError::kMessageTooLarge);

  auto legacy = batch;
  legacy[kMagicPos] = 1;
  EXPECT_EQ(log->Append(legacy, {}, &err).status().code(), base::StatusCode::kUnsupported);
  EXPECT_EQ(err, AppendError::kUnsupportedForMessageFormat);

  std::vector<uint8_t> control;
  ASSERT_TRUE(BuildControlBatch(0, 1, 0, ControlRecord{}, now_, &control).ok());
  EXPECT_FALSE(log->Append(control, {}, &err).ok());
  EXPECT_EQ(err, AppendError::kInvalidRecord);

  // Nothing was stored by the refused requests; a good one still works.
  EXPECT_EQ(log->log_end_offset(), 0);
  ASSERT_TRUE(log->Append(batch, {}, &err).ok());
  EXPECT_EQ(err, AppendError::kNone);
}

// Validate does every check that needs no log state, without storing anything; Append of its
// result then does the stateful part (offsets, sequences) exactly like Append of the bytes.
TEST_F(PartitionLogTest, ValidateThenAppendSplitsTheChecksFromTheWrite) {
  LogConfig cfg;
  cfg.max_message_bytes = 500;
  auto log = OpenLog(cfg);
  AppendError err = AppendError::kNone;
  auto good = MakeBatch(2, now_);
  auto corrupt = good;
  corrupt.back() ^= 0xFF;
  auto checked_corrupt = log->Validate(corrupt, &err);
  EXPECT_TRUE(checked_corrupt.status().IsCorruption()) << checked_corrupt.status().ToString();
  EXPECT_EQ(err, AppendError::kCorruptMessage);
  EXPECT_FALSE(log->Validate(MakeBatch(50, now_), &err).ok());
  EXPECT_EQ(err, AppendError::kMessageTooLarge);
  EXPECT_FALSE(log->Validate({}, &err).ok());
  EXPECT_EQ(err, AppendError::kInvalidRecord);
  std::vector<uint8_t> control;
  ASSERT_TRUE(BuildControlBatch(0, 1, 0, ControlRecord{}, now_, &control).ok());
  EXPECT_FALSE(log->Validate(control, &err).ok());
  EXPECT_EQ(err, AppendError::kInvalidRecord);
  EXPECT_EQ(log->log_end_offset(), 0);  // checking stores nothing

  // Two requests checked before either is appended (as the broker's network thread does while
  // the append thread is busy): offsets follow the append order.
  auto first = MakeBatch(2, now_), second = MakeBatch(3, now_);
  auto checked_first = log->Validate(first, &err);
  auto checked_second = log->Validate(second, &err);
  ASSERT_TRUE(checked_first.ok() && checked_second.ok());
  EXPECT_EQ(checked_first->batches.size(), 1u);
  auto r2 = log->Append(*checked_second, {}, &err);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->base_offset, 0);
  auto r1 = log->Append(*checked_first, {}, &err);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->base_offset, 3);
  EXPECT_EQ(ReadAll(*log).size(), 5u);
  // An empty set of batches is refused, not appended.
  EXPECT_FALSE(log->Append(ValidatedBatches{}, {}, &err).ok());
  EXPECT_EQ(err, AppendError::kInvalidRecord);

  // Sequence checks stay with Append: a retried idempotent batch, checked twice, is stored once.
  BatchBuildOptions opt;
  opt.producer_id = 7;
  opt.producer_epoch = 0;
  opt.base_sequence = 0;
  auto idem = MakeBatch(2, now_, opt);
  auto once = log->Validate(idem, &err);
  auto again = log->Validate(idem, &err);
  ASSERT_TRUE(once.ok() && again.ok());
  auto stored = log->Append(*once, {}, &err);
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->duplicate);
  auto retried = log->Append(*again, {}, &err);
  ASSERT_TRUE(retried.ok());
  EXPECT_TRUE(retried->duplicate);
  EXPECT_EQ(retried->base_offset, stored->base_offset);
  EXPECT_EQ(log->log_end_offset(), 7);
}

TEST_F(PartitionLogTest, MultipleBatchesInOneRequest) {
  auto log = OpenLog();
  auto a = MakeBatch(2, now_), b = MakeBatch(5, now_);
  std::vector<uint8_t> both = a;
  both.insert(both.end(), b.begin(), b.end());
  auto r = log->Append(both);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->base_offset, 0);
  EXPECT_EQ(r->last_offset, 6);
  EXPECT_EQ(r->record_count, 7);
  EXPECT_EQ(ReadAll(*log).size(), 7u);
}

// The bytes of a region, read back from its file.
std::vector<uint8_t> RegionBytes(const io::FileRegion& region) {
  std::vector<uint8_t> out(region.length);
  if (region.length > 0) EXPECT_TRUE(io::ReadFileRegion(region, out.data()));
  return out;
}

TEST_F(PartitionLogTest, ReadRegionNamesExactlyTheBatchesReadReturns) {
  // Many small batches (their headers span several 64 KiB header windows), one batch larger
  // than a window, then small ones again.
  auto log = OpenLog();
  std::vector<size_t> sizes;
  for (int i = 0; i < 2000; ++i) {
    auto b = MakeBatch(1, now_ + i);
    sizes.push_back(b.size());
    ASSERT_TRUE(log->Append(b).ok());
  }
  const int64_t large_offset = log->log_end_offset();
  auto large = MakeBatch(2, now_, {}, std::string(100000, 'L'));
  ASSERT_GT(large.size(), size_t{128} << 10);
  ASSERT_TRUE(log->Append(large).ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->Append(MakeBatch(1, now_ + i)).ok());
  size_t small_total = 0;
  for (size_t n : sizes) small_total += n;

  struct Case {
    int64_t offset;
    size_t max_bytes;
    int64_t max_offset;
    bool min_one;
  };
  const Case cases[] = {
      {0, 64 << 20, -1, true},                 // everything
      {0, 100000, -1, true},                   // cut among the small batches
      {0, 64 << 20, large_offset, true},       // stops before the large batch
      {1234, 70000, -1, false},                // from the middle
      {large_offset, 1000, -1, true},          // the large batch alone, whatever max_bytes
      {large_offset, 1000, -1, false},         // nothing
      {large_offset, 64 << 20, -1, true},      // the large batch and the rest
      {large_offset + 2, 64 << 20, -1, true},  // after it
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("offset " + std::to_string(c.offset) + " max_bytes " + std::to_string(c.max_bytes));
    auto read = log->Read(c.offset, c.max_bytes, c.max_offset, c.min_one);
    auto region = log->ReadRegion(c.offset, c.max_bytes, c.max_offset, c.min_one);
    ASSERT_TRUE(read.ok() && region.ok());
    EXPECT_EQ(RegionBytes(region->records), read->records);
    EXPECT_EQ(region->high_watermark, read->high_watermark);
    // Whole batches only.
    BatchReader reader(read->records, /*verify_crc=*/true);
    BatchView b;
    size_t seen = 0;
    while (*reader.Next(&b)) seen += b.size();
    EXPECT_EQ(seen, read->records.size());
  }
  EXPECT_EQ(log->ReadRegion(0, 64 << 20, large_offset)->records.length, small_total);
  EXPECT_EQ(log->ReadRegion(large_offset, 1000)->records.length, large.size());
  EXPECT_EQ(log->ReadRegion(large_offset, 1000, -1, false)->records.length, 0u);
  EXPECT_EQ(log->ReadRegion(log->log_end_offset() + 1, 100).status().code(), base::StatusCode::kOutOfRange);
}

TEST_F(PartitionLogTest, ReadRegionStaysReadableAfterRetentionDeletesItsSegment) {
  LogConfig cfg;
  cfg.segment_bytes = 1000;
  cfg.retention_bytes = 3000;
  auto log = OpenLog(cfg);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(log->Append(MakeBatch(2, now_ + i)).ok());
  auto region = log->ReadRegion(0, 1 << 20);
  ASSERT_TRUE(region.ok());
  ASSERT_GT(region->records.length, 0u);
  std::vector<uint8_t> before = RegionBytes(region->records);
  ASSERT_TRUE(log->RunRetention(now_).ok());
  EXPECT_FALSE(std::filesystem::exists(SegPath(0, ".log")));
  // A fetch answered just before retention still sends what it named.
  EXPECT_EQ(RegionBytes(region->records), before);
}

TEST_F(PartitionLogTest, ManyBatchesInOneRequestAreStoredInPlaceAndExactly) {
  // 700 batches = 1400 write parts: more than one pwritev (IOV_MAX 1024) must carry them.
  auto log = OpenLog();
  std::vector<uint8_t> request;
  for (int i = 0; i < 700; ++i) {
    auto b = MakeBatch(1 + i % 3, now_ + i, {}, "r" + std::to_string(i) + "-");
    request.insert(request.end(), b.begin(), b.end());
  }
  const std::vector<uint8_t> original = request;
  auto r = log->Append(request, AppendOptions{7, -1});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // The request buffer is read, never written: Append stamps offsets into separate headers.
  EXPECT_EQ(request, original);
  auto read = log->Read(0, 64 << 20);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->records.size(), request.size());
  BatchReader stored(read->records, /*verify_crc=*/true);
  BatchReader sent(original, false);
  BatchView s, o;
  int64_t next = 0;
  int n = 0;
  while (*sent.Next(&o)) {
    ASSERT_TRUE(*stored.Next(&s));
    EXPECT_EQ(s.base_offset(), next);
    EXPECT_EQ(s.partition_leader_epoch(), 7);
    // Everything after the stamped fields is byte-for-byte what the producer sent.
    EXPECT_TRUE(std::equal(s.bytes().begin() + kMagicPos, s.bytes().end(), o.bytes().begin() + kMagicPos));
    next = s.next_offset();
    ++n;
  }
  EXPECT_EQ(n, 700);
  EXPECT_EQ(log->log_end_offset(), next);
  EXPECT_EQ(ReadAll(*log).size(), static_cast<size_t>(next));
}

TEST_F(PartitionLogTest, LogAppendTimeIsStamped) {
  LogConfig cfg;
  cfg.message_timestamp_type = TimestampType::kLogAppendTime;
  auto log = OpenLog(cfg);
  auto r = log->Append(MakeBatch(3, 5), AppendOptions{0, 424242});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->log_append_time, 424242);
  auto recs = ReadAll(*log);
  ASSERT_EQ(recs.size(), 3u);
  for (const auto& rec : recs) EXPECT_EQ(rec.timestamp, 424242);
  auto read = log->Read(0, 1 << 20);
  auto v = BatchView::Parse(read->records);
  EXPECT_TRUE(v->VerifyCrc().ok());
}

TEST_F(PartitionLogTest, RollsBySizeAndKeepsIndexLookupsCorrect) {
  LogConfig cfg;
  cfg.segment_bytes = 4000;
  cfg.index_interval_bytes = 300;
  auto log = OpenLog(cfg);
  for (int i = 0; i < 200; ++i) {
    auto r = log->Append(MakeBatch(1 + i % 4, now_ + i, {}, "value-" + std::to_string(i) + "-"));
    ASSERT_TRUE(r.ok());
  }
  EXPECT_GT(log->segment_count(), 5u);
  for (auto base : log->segment_base_offsets()) {
    EXPECT_TRUE(std::filesystem::exists(SegPath(base, ".log")));
  }
  // Every offset reads back the batch that contains it.
  for (int64_t off = 0; off < log->log_end_offset(); ++off) {
    auto r = log->Read(off, 1);
    ASSERT_TRUE(r.ok());
    auto v = BatchView::Parse(r->records);
    ASSERT_TRUE(v.ok()) << off;
    EXPECT_LE(v->base_offset(), off);
    EXPECT_GE(v->last_offset(), off);
  }
  EXPECT_EQ(ReadAll(*log).size(), static_cast<size_t>(log->log_end_offset()));
  // Segments hold at most segment.bytes (each batch is far smaller than that).
  for (auto base : log->segment_base_offsets()) {
    EXPECT_LE(std::filesystem::file_size(SegPath(base, ".log")), 4000u);
  }
}

TEST_F(PartitionLogTest, RollsByTime) {
  LogConfig cfg;
  cfg.segment_ms = 1000;
  auto log = OpenLog(cfg);
  ASSERT_TRUE(log->Append(MakeBatch(1, now_), AppendOptions{0, now_}).ok());
  ASSERT_TRUE(log->Append(MakeBatch(1, now_), AppendOptions{0, now_ + 500}).ok());
  EXPECT_EQ(log->segment_count(), 1u);
  ASSERT_TRUE(log->Append(MakeBatch(1, now_), AppendOptions{0, now_ + 1500}).ok());
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(log->segment_base_offsets()[1], 2);
}

TEST_F(PartitionLogTest, RollsWhenIndexIsFull) {
  LogConfig cfg;
  cfg.index_interval_bytes = 0;  // an entry per batch
  cfg.segment_index_bytes = 8 * 4;
  auto log = OpenLog(cfg);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(log->Append(MakeBatch(1, now_ + i)).ok());
  EXPECT_GE(log->segment_count(), 4u);
  EXPECT_EQ(ReadAll(*log).size(), 20u);
}

TEST_F(PartitionLogTest, OffsetForTimestamp) {
  LogConfig cfg;
  cfg.segment_bytes = 3000;
  cfg.index_interval_bytes = 200;
  auto log = OpenLog(cfg);
  // Batch i has records with timestamps 1000*i + {0,1,2}.
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(log->Append(MakeBatch(3, 1000 * i)).ok());
  ASSERT_GT(log->segment_count(), 2u);
  for (int i = 0; i < 100; i += 7) {
    auto r = log->OffsetForTimestamp(1000 * i + 1);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->offset, 3 * i + 1) << i;
    EXPECT_EQ(r->timestamp, 1000 * i + 1);
    r = log->OffsetForTimestamp(1000 * i + 500);  // between batches: the next batch's first record
    EXPECT_EQ(r->offset, i == 99 ? -1 : 3 * (i + 1));
  }
  EXPECT_EQ(log->OffsetForTimestamp(0)->offset, 0);
  EXPECT_EQ(log->OffsetForTimestamp(1'000'000)->offset, -1);
  EXPECT_EQ(log->OffsetForTimestamp(-1)->offset, 300);
  EXPECT_EQ(log->OffsetForTimestamp(-2)->offset, 0);
}

TEST_F(PartitionLogTest, ReopenKeepsEverything) {
  LogConfig cfg;
  cfg.segment_bytes = 2000;
  {
    auto log = OpenLog(cfg);
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(log->Append(MakeBatch(2, now_ + i)).ok());
    ASSERT_TRUE(log->Close().ok());
  }
  auto log = OpenLog(cfg);
  EXPECT_EQ(log->log_end_offset(), 100);
  EXPECT_EQ(ReadAll(*log).size(), 100u);
  EXPECT_TRUE(warnings_.empty()) << warnings_.front();
  auto r = log->Append(MakeBatch(1, now_));
  EXPECT_EQ(r->base_offset, 100);
}

TEST_F(PartitionLogTest, RecoveryTruncatesTornTail) {
  std::vector<size_t> sizes;
  int64_t last_base = 0;
  {
    auto log = OpenLog();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->Append(MakeBatch(3, now_ + i)).ok());
    last_base = log->segment_base_offsets().back();
    // Simulate kill -9: no Close (the destructor would flush, but flushing does not matter here:
    // we cut the file below).
  }
  auto path = SegPath(last_base, ".log");
  auto full = std::filesystem::file_size(path);
  auto one = MakeBatch(3, now_).size();
  std::filesystem::resize_file(path, full - one / 2);  // mid-batch
  auto log = OpenLog();
  EXPECT_EQ(log->log_end_offset(), 27);
  EXPECT_EQ(ReadAll(*log).size(), 27u);
  ASSERT_FALSE(warnings_.empty());
  EXPECT_NE(warnings_[0].find("truncated"), std::string::npos) << warnings_[0];
  EXPECT_EQ(std::filesystem::file_size(path), full - one);
  // Appends continue at the right offset.
  EXPECT_EQ(log->Append(MakeBatch(1, now_))->base_offset, 27);
}

TEST_F(PartitionLogTest, RecoveryTruncatesCorruptLastBatch) {
  {
    auto log = OpenLog();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->Append(MakeBatch(3, now_ + i)).ok());
  }
  auto path = SegPath(0, ".log");
  auto size = std::filesystem::file_size(path);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 5));
    char c;
    f.seekg(static_cast<std::streamoff>(size - 5));
    f.get(c);
    f.seekp(static_cast<std::streamoff>(size - 5));
    f.put(static_cast<char>(c ^ 0x40));
  }
  auto log = OpenLog();
  EXPECT_EQ(log->log_end_offset(), 27);
  EXPECT_EQ(ReadAll(*log).size(), 27u);
  ASSERT_FALSE(warnings_.empty());
  EXPECT_NE(warnings_[0].find("CRC"), std::string::npos) << warnings_[0];
}

TEST_F(PartitionLogTest, RecoveryRebuildsMissingIndexes) {
  LogConfig cfg;
  cfg.index_interval_bytes = 100;
  cfg.segment_bytes = 5000;
  std::string index_before;
  {
    auto log = OpenLog(cfg);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(log->Append(MakeBatch(2, now_ + i)).ok());
    ASSERT_TRUE(log->Close().ok());
  }
  auto first_index = SegPath(0, ".index");
  ASSERT_TRUE(std::filesystem::exists(first_index));
  auto index_size = std::filesystem::file_size(first_index);
  EXPECT_GT(index_size, 0u);
  EXPECT_EQ(index_size % 8, 0u);
  for (const auto& e : std::filesystem::directory_iterator(dir_.path() + "/log/t-0")) {
    auto ext = e.path().extension();
    if (ext == ".index" || ext == ".timeindex") std::filesystem::remove(e.path());
  }
  auto log = OpenLog(cfg);
  EXPECT_FALSE(warnings_.empty());
  EXPECT_EQ(std::filesystem::file_size(first_index), index_size);
  EXPECT_TRUE(std::filesystem::exists(SegPath(0, ".timeindex")));
  EXPECT_EQ(ReadAll(*log).size(), 200u);
  for (int64_t off = 0; off < 200; off += 13) {
    auto read = log->Read(off, 1);
    ASSERT_TRUE(read.ok());
    auto v = BatchView::Parse(read->records);
    EXPECT_LE(v->base_offset(), off);
    EXPECT_GE(v->last_offset(), off);
  }
}

TEST_F(PartitionLogTest, FlushMessagesOneFsyncsEveryAppend) {
  LogConfig cfg;
  cfg.flush_messages = 1;
  auto log = OpenLog(cfg);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Append(MakeBatch(1, now_)).ok());
  // Not directly observable without a crash; at least everything reopens intact.
  log.reset();
  auto again = OpenLog(cfg);
  EXPECT_EQ(again->log_end_offset(), 5);
}

TEST_F(PartitionLogTest, IdempotentProducerDuplicatesAndOrdering) {
  auto log = OpenLog();
  auto make = [&](int16_t epoch, int32_t seq, int n) {
    BatchBuildOptions opt;
    opt.producer_id = 1000;
    opt.producer_epoch = epoch;
    opt.base_sequence = seq;
    return MakeBatch(n, now_, opt);
  };
  ASSERT_TRUE(log->Append(MakeBatch(1, now_)).ok());  // offset 0, no producer
  auto b0 = make(0, 0, 3);
  auto r0 = log->Append(b0);
  ASSERT_TRUE(r0.ok());
  EXPECT_EQ(r0->base_offset, 1);
  auto r1 = log->Append(make(0, 3, 2));
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->base_offset, 4);
  // Retry of the first batch: same offsets, nothing stored.
  auto dup = log->Append(b0);
  ASSERT_TRUE(dup.ok());
  EXPECT_TRUE(dup->duplicate);
  EXPECT_EQ(dup->base_offset, 1);
  EXPECT_EQ(dup->last_offset, 3);
  EXPECT_EQ(log->log_end_offset(), 6);
  // Gap in sequence.
  AppendError err;
  EXPECT_FALSE(log->Append(make(0, 9, 1), {}, &err).ok());
  EXPECT_EQ(err, AppendError::kOutOfOrderSequence);
  // New epoch must start at 0.
  EXPECT_FALSE(log->Append(make(1, 5, 1), {}, &err).ok());
  EXPECT_EQ(err, AppendError::kOutOfOrderSequence);
  ASSERT_TRUE(log->Append(make(1, 0, 1), {}, &err).ok());
  // Old epoch is fenced.
  EXPECT_FALSE(log->Append(make(0, 5, 1), {}, &err).ok());
  EXPECT_EQ(err, AppendError::kInvalidProducerEpoch);
  // Producer state survives a restart (rebuilt from the log).
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  log = OpenLog();
  EXPECT_TRUE(log->Append(make(1, 0, 1))->duplicate);
  EXPECT_FALSE(log->Append(make(0, 5, 1), {}, &err).ok());
  EXPECT_EQ(err, AppendError::kInvalidProducerEpoch);
  ASSERT_TRUE(log->Append(make(1, 1, 1)).ok());
}

TEST_F(PartitionLogTest, OnlyLastFiveBatchesAreRemembered) {
  auto log = OpenLog();
  std::vector<std::vector<uint8_t>> sent;
  for (int i = 0; i < 7; ++i) {
    BatchBuildOptions opt;
    opt.producer_id = 5;
    opt.producer_epoch = 0;
    opt.base_sequence = i;
    sent.push_back(MakeBatch(1, now_, opt));
    ASSERT_TRUE(log->Append(sent.back()).ok());
  }
  EXPECT_TRUE(log->Append(sent[6])->duplicate);
  EXPECT_TRUE(log->Append(sent[2])->duplicate);
  AppendError err;
  EXPECT_FALSE(log->Append(sent[1], {}, &err).ok());
  EXPECT_EQ(err, AppendError::kOutOfOrderSequence);
}

TEST_F(PartitionLogTest, RetentionBySizeAndTime) {
  LogConfig cfg;
  cfg.segment_bytes = 1000;
  cfg.retention_bytes = 3000;
  auto log = OpenLog(cfg);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(log->Append(MakeBatch(2, now_ + i)).ok());
  size_t before = log->segment_count();
  ASSERT_GT(before, 4u);
  auto deleted = log->RunRetention(now_);
  ASSERT_TRUE(deleted.ok());
  EXPECT_GT(*deleted, 0u);
  EXPECT_LE(log->size_bytes(), 3000u + 1000u);
  EXPECT_EQ(log->log_start_offset(), log->segment_base_offsets().front());
  EXPECT_FALSE(std::filesystem::exists(SegPath(0, ".log")));
  EXPECT_EQ(log->Read(0, 100).status().code(), base::StatusCode::kOutOfRange);
  EXPECT_TRUE(log->Read(log->log_start_offset(), 100).ok());

  // Time: everything but the active segment is older than retention.ms.
  auto cfg2 = cfg;
  cfg2.retention_bytes = -1;
  cfg2.retention_ms = 1000;
  log->SetConfig(cfg2);
  ASSERT_TRUE(log->RunRetention(now_ + 100000).ok());
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(log->log_end_offset(), 120);

  // Log start offset survives restart.
  int64_t start = log->log_start_offset();
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  log = OpenLog(cfg2);
  EXPECT_EQ(log->log_start_offset(), start);
  EXPECT_EQ(log->log_end_offset(), 120);
}

TEST_F(PartitionLogTest, RetentionSkippedForCompactOnlyTopics) {
  LogConfig cfg;
  cfg.segment_bytes = 500;
  cfg.retention_bytes = 100;
  cfg.cleanup_delete = false;
  cfg.cleanup_compact = true;
  auto log = OpenLog(cfg);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(log->Append(MakeBatch(2, now_)).ok());
  size_t n = log->segment_count();
  EXPECT_EQ(*log->RunRetention(now_), 0u);
  EXPECT_EQ(log->segment_count(), n);
}

TEST_F(PartitionLogTest, DeleteRecordsBefore) {
  LogConfig cfg;
  cfg.segment_bytes = 1000;
  auto log = OpenLog(cfg);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(log->Append(MakeBatch(2, now_)).ok());
  EXPECT_EQ(log->DeleteRecordsBefore(81).status().code(), base::StatusCode::kOutOfRange);
  auto r = log->DeleteRecordsBefore(33);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 33);
  EXPECT_EQ(log->log_start_offset(), 33);
  EXPECT_LE(log->segment_base_offsets().front(), 33);
  EXPECT_EQ(log->Read(32, 100).status().code(), base::StatusCode::kOutOfRange);
  auto recs = ReadAll(*log);
  ASSERT_FALSE(recs.empty());
  EXPECT_EQ(recs.front().offset, 33);
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  log = OpenLog(cfg);
  EXPECT_EQ(log->log_start_offset(), 33);
}

TEST_F(PartitionLogTest, ConcurrentReadersDuringAppends) {
  LogConfig cfg;
  cfg.segment_bytes = 4000;
  auto log = OpenLog(cfg);
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!done) {
      int64_t end = log->log_end_offset();
      if (end == 0) continue;
      auto r = log->Read(end - 1, 1 << 16);
      if (!r.ok()) {
        ++bad;
        continue;
      }
      BatchReader br(r->records);
      BatchView b;
      while (true) {
        auto n = br.Next(&b);
        if (!n.ok()) {
          ++bad;
          break;
        }
        if (!*n) break;
      }
      if (br.incomplete()) ++bad;
    }
  });
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(log->Append(MakeBatch(2, now_ + i)).ok());
  done = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_F(PartitionLogTest, ConcurrentAppendsReadsRetentionAndFlush) {
  LogConfig cfg;
  cfg.segment_bytes = 3000;
  cfg.retention_bytes = 10000;
  auto log = OpenLog(cfg);
  std::atomic<bool> done{false};
  std::atomic<int> corrupt{0};
  std::thread reader([&] {
    while (!done) {
      int64_t start = log->log_start_offset();
      auto r = log->Read(start, 1 << 16);
      if (!r.ok()) continue;  // retention may move the start between the two calls
      BatchReader br(r->records);
      BatchView b;
      while (true) {
        auto n = br.Next(&b);
        if (!n.ok()) {
          ++corrupt;
          break;
        }
        if (!*n) break;
      }
    }
  });
  std::thread cleaner([&] {
    while (!done) {
      (void)log->RunRetention(now_);
      (void)log->MaybeFlush(now_);
      (void)log->OffsetForTimestamp(now_ + 10);
    }
  });
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(log->Append(MakeBatch(2, now_ + i)).ok());
  done = true;
  reader.join();
  cleaner.join();
  EXPECT_EQ(corrupt.load(), 0);
  EXPECT_EQ(log->log_end_offset(), 2000);
  ASSERT_TRUE(log->RunRetention(now_).ok());
  EXPECT_LE(log->size_bytes(), 10000u + 3000u);
}

TEST_F(PartitionLogTest, IndexFilesUseKafkaLayout) {
  LogConfig cfg;
  cfg.index_interval_bytes = 250;
  cfg.segment_bytes = 6000;
  auto log = OpenLog(cfg);
  for (int i = 0; i < 120; ++i) ASSERT_TRUE(log->Append(MakeBatch(1 + i % 3, now_ + i)).ok());
  ASSERT_TRUE(log->Close().ok());
  size_t checked = 0;
  for (int64_t base : log->segment_base_offsets()) {
    std::ifstream idx(SegPath(base, ".index"), std::ios::binary);
    std::string index((std::istreambuf_iterator<char>(idx)), std::istreambuf_iterator<char>());
    std::ifstream logf(SegPath(base, ".log"), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(logf)), std::istreambuf_iterator<char>());
    ASSERT_EQ(index.size() % 8, 0u);
    uint32_t prev_rel = 0;
    for (size_t i = 0; i < index.size(); i += 8) {
      auto* p = reinterpret_cast<const uint8_t*>(index.data() + i);
      uint32_t rel = base::LoadBigEndian32(p);
      uint32_t pos = base::LoadBigEndian32(p + 4);
      EXPECT_GT(rel, i == 0 ? 0u : prev_rel);
      prev_rel = rel;
      ASSERT_LT(pos, data.size());
      auto v = BatchView::Parse({reinterpret_cast<const uint8_t*>(data.data()) + pos, data.size() - pos});
      ASSERT_TRUE(v.ok());
      EXPECT_EQ(v->base_offset(), base + rel);
      ++checked;
    }
    std::ifstream tidx(SegPath(base, ".timeindex"), std::ios::binary);
    std::string time((std::istreambuf_iterator<char>(tidx)), std::istreambuf_iterator<char>());
    ASSERT_EQ(time.size() % 12, 0u);
    int64_t prev_ts = -1;
    for (size_t i = 0; i < time.size(); i += 12) {
      auto* p = reinterpret_cast<const uint8_t*>(time.data() + i);
      int64_t ts = static_cast<int64_t>(base::LoadBigEndian64(p));
      EXPECT_GT(ts, prev_ts);
      prev_ts = ts;
      EXPECT_LT(base + base::LoadBigEndian32(p + 8), log->log_end_offset());
    }
  }
  EXPECT_GT(checked, 10u);
}

TEST_F(PartitionLogTest, FlushMsTriggersFlushOnTicker) {
  LogConfig cfg;
  cfg.flush_ms = 1000;
  auto log = OpenLog(cfg);
  ASSERT_TRUE(log->Append(MakeBatch(1, now_), AppendOptions{0, now_}).ok());
  EXPECT_TRUE(log->MaybeFlush(now_ + 10).ok());
  EXPECT_TRUE(log->MaybeFlush(now_ + 5000).ok());
  EXPECT_TRUE(log->Flush().ok());
}

TEST_F(PartitionLogTest, RecoveryAfterCrashWithManySegments) {
  LogConfig cfg;
  cfg.segment_bytes = 2000;
  {
    auto log = OpenLog(cfg);
    for (int i = 0; i < 100; ++i) {
      BatchBuildOptions opt;
      opt.producer_id = 3;
      opt.producer_epoch = 0;
      opt.base_sequence = i * 2;
      ASSERT_TRUE(log->Append(MakeBatch(2, now_ + i, opt)).ok());
    }
    // No Close: index files of the active segment were never written.
  }
  for (const auto& e : std::filesystem::directory_iterator(dir_.path() + "/log/t-0")) {
    if (e.path().extension() == ".timeindex") std::filesystem::remove(e.path());
  }
  auto log = OpenLog(cfg);
  EXPECT_EQ(log->log_end_offset(), 200);
  EXPECT_EQ(ReadAll(*log).size(), 200u);
  // Producer state came back from the batches: the next sequence is 200.
  BatchBuildOptions opt;
  opt.producer_id = 3;
  opt.producer_epoch = 0;
  opt.base_sequence = 198;
  EXPECT_TRUE(log->Append(MakeBatch(2, now_, opt))->duplicate);
  opt.base_sequence = 200;
  EXPECT_EQ(log->Append(MakeBatch(2, now_, opt))->base_offset, 200);
  EXPECT_EQ(log->OffsetForTimestamp(now_ + 50)->offset, 99);  // batch 49 = offsets 98-99, ts +49 and +50
}

TEST_F(PartitionLogTest, TransactionsLastStableOffsetAndAbortedIndex) {
  auto log = OpenLog();
  auto txn_batch = [&](int64_t pid, int32_t seq, int n) {
    BatchBuildOptions opt;
    opt.producer_id = pid;
    opt.producer_epoch = 0;
    opt.base_sequence = seq;
    opt.transactional = true;
    return MakeBatch(n, now_, opt);
  };
  ASSERT_TRUE(log->Append(MakeBatch(2, now_)).ok());          // 0-1
  ASSERT_TRUE(log->Append(txn_batch(7, 0, 3)).ok());           // 2-4 open txn of 7
  EXPECT_EQ(log->last_stable_offset(), 2);
  ASSERT_TRUE(log->Append(txn_batch(8, 0, 2)).ok());           // 5-6 open txn of 8
  ASSERT_TRUE(log->Append(MakeBatch(1, now_)).ok());           // 7
  EXPECT_EQ(log->last_stable_offset(), 2);
  // Reads for read_committed stop at the LSO.
  auto rc = log->Read(0, 1 << 20, log->last_stable_offset());
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(rc->records.size(), MakeBatch(2, now_).size());
  auto abort = log->AppendControlMarker(7, 0, /*commit=*/false, 3);  // 8
  ASSERT_TRUE(abort.ok()) << abort.status().ToString();
  EXPECT_EQ(abort->base_offset, 8);
  EXPECT_EQ(log->last_stable_offset(), 5);
  ASSERT_TRUE(log->AppendControlMarker(8, 0, /*commit=*/true, 3).ok());  // 9
  EXPECT_EQ(log->last_stable_offset(), 10);
  auto aborted = log->AbortedTransactions(0, 10);
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].producer_id, 7);
  EXPECT_EQ(aborted[0].first_offset, 2);
  EXPECT_EQ(aborted[0].last_offset, 8);
  EXPECT_TRUE(log->AbortedTransactions(9, 10).empty());
  // Stale epoch marker is fenced.
  AppendError err;
  ASSERT_TRUE(log->Append(txn_batch(7, 3, 1)).ok());  // 10, same epoch 0 continues sequence
  BatchBuildOptions e1;
  e1.producer_id = 7;
  e1.producer_epoch = 1;
  e1.base_sequence = 0;
  e1.transactional = true;
  ASSERT_TRUE(log->Append(MakeBatch(1, now_, e1)).ok());
  EXPECT_FALSE(log->AppendControlMarker(7, 0, true, 3, {}, &err).ok());
  EXPECT_EQ(err, AppendError::kInvalidProducerEpoch);
  // State (open txn of 7 at 10, aborted index) is rebuilt on reopen.
  ASSERT_TRUE(log->Close().ok());
  log.reset();
  log = OpenLog();
  EXPECT_EQ(log->last_stable_offset(), 10);
  aborted = log->AbortedTransactions(0, 100);
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].first_offset, 2);
  EXPECT_TRUE(std::filesystem::exists(SegPath(0, ".txnindex")));
}

}  // namespace
}  // namespace tide::log
