#include "log/record_batch.h"

#include <gtest/gtest.h>

#include <random>

#include "base/endian.h"
#include "format/crc32c.h"
#include "test_util.h"

namespace tide::log {
namespace {

using testing::MakeBatch;
using testing::MakeRecords;

TEST(RecordBatchTest, BuildsExactBytesForOneRecord) {
  std::vector<Record> records = {Record{0, 1000, std::string("k"), std::string("v"), {}}};
  std::vector<uint8_t> out;
  ASSERT_TRUE(BuildBatch({}, records, &out).ok());
  // Hand-assembled: header fields, then the record
  //   length 8 (zigzag 0x10), attributes 0, tsDelta 0, offsetDelta 0, key len 1 (0x02) 'k',
  //   value len 1 (0x02) 'v', 0 headers.
  // CRC computed independently (bitwise CRC32C over bytes 21..end) = 0x716a6189.
  std::vector<uint8_t> expected = {
      0, 0, 0, 0, 0, 0, 0, 0,              // baseOffset
      0, 0, 0, 0x3a,                       // batchLength 58
      0xff, 0xff, 0xff, 0xff,              // partitionLeaderEpoch -1
      2,                                   // magic
      0x71, 0x6a, 0x61, 0x89,              // crc
      0, 0,                                // attributes
      0, 0, 0, 0,                          // lastOffsetDelta
      0, 0, 0, 0, 0, 0, 0x03, 0xe8,        // baseTimestamp 1000
      0, 0, 0, 0, 0, 0, 0x03, 0xe8,        // maxTimestamp 1000
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // producerId -1
      0xff, 0xff,                          // producerEpoch -1
      0xff, 0xff, 0xff, 0xff,              // baseSequence -1
      0, 0, 0, 1,                          // records count
      0x10, 0, 0, 0, 0x02, 'k', 0x02, 'v', 0,
  };
  EXPECT_EQ(out, expected);
  auto view = BatchView::Parse(out);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->VerifyCrc().ok());
  EXPECT_TRUE(view->Validate().ok());
}

TEST(RecordBatchTest, HeaderFieldsRoundTrip) {
  BatchBuildOptions opt;
  opt.base_offset = 100;
  opt.partition_leader_epoch = 7;
  opt.producer_id = 4242;
  opt.producer_epoch = 3;
  opt.base_sequence = 10;
  opt.transactional = true;
  auto bytes = MakeBatch(5, 5000, opt);
  auto v = BatchView::Parse(bytes);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->base_offset(), 100);
  EXPECT_EQ(v->last_offset(), 104);
  EXPECT_EQ(v->partition_leader_epoch(), 7);
  EXPECT_EQ(v->producer_id(), 4242);
  EXPECT_EQ(v->producer_epoch(), 3);
  EXPECT_EQ(v->base_sequence(), 10);
  EXPECT_EQ(v->last_sequence(), 14);
  EXPECT_EQ(v->records_count(), 5);
  EXPECT_EQ(v->base_timestamp(), 5000);
  EXPECT_EQ(v->max_timestamp(), 5004);
  EXPECT_TRUE(v->is_transactional());
  EXPECT_FALSE(v->is_control());
  EXPECT_EQ(v->size(), bytes.size());
}

class CompressedBatchTest : public ::testing::TestWithParam<CompressionType> {};

TEST_P(CompressedBatchTest, RecordsRoundTrip) {
  BatchBuildOptions opt;
  opt.base_offset = 50;
  opt.compression = GetParam();
  std::vector<Record> records;
  for (int i = 0; i < 200; ++i) {
    Record r;
    r.offset = 50 + i;
    r.timestamp = 1700000000000 + i * 3;
    if (i % 7 != 0) r.key = "key-" + std::to_string(i % 13);
    if (i % 11 != 0) r.value = std::string(100 + i, static_cast<char>('a' + i % 26));
    if (i % 5 == 0) r.headers = {RecordHeader{"h1", std::string("x")}, RecordHeader{"h2", std::nullopt}};
    records.push_back(r);
  }
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(BuildBatch(opt, records, &bytes).ok());
  auto v = BatchView::Parse(bytes);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->compression(), GetParam());
  EXPECT_TRUE(v->VerifyCrc().ok());
  std::vector<Record> decoded;
  ASSERT_TRUE(DecodeRecords(*v, &decoded).ok());
  EXPECT_EQ(decoded, records);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CompressedBatchTest,
                         ::testing::Values(CompressionType::kNone, CompressionType::kGzip, CompressionType::kSnappy,
                                           CompressionType::kLz4, CompressionType::kZstd),
                         [](const auto& info) { return std::string(CompressionTypeName(info.param)); });

TEST(RecordBatchTest, OffsetGapsAndLastOffsetDeltaOverride) {
  std::vector<Record> records = {Record{10, 1, "a", "1", {}}, Record{13, 2, "b", std::nullopt, {}}};
  BatchBuildOptions opt;
  opt.base_offset = 10;
  opt.last_offset_delta = 5;
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(BuildBatch(opt, records, &bytes).ok());
  auto v = BatchView::Parse(bytes);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->last_offset(), 15);
  EXPECT_EQ(v->records_count(), 2);
  std::vector<Record> decoded;
  ASSERT_TRUE(DecodeRecords(*v, &decoded).ok());
  EXPECT_EQ(decoded, records);
  // Offsets must increase.
  std::vector<Record> bad = {Record{5, 1, "a", "1", {}}, Record{5, 2, "b", "2", {}}};
  opt.base_offset = 5;
  opt.last_offset_delta.reset();
  EXPECT_TRUE(BuildBatch(opt, bad, &bytes).IsInvalidArgument());
  EXPECT_TRUE(BuildBatch({}, {}, &bytes).IsInvalidArgument());
}

TEST(RecordBatchTest, ReaderIteratesAndDetectsIncompleteTail) {
  std::vector<uint8_t> data;
  for (int i = 0; i < 3; ++i) {
    auto b = MakeBatch(2 + i, 100);
    data.insert(data.end(), b.begin(), b.end());
  }
  size_t full = data.size();
  auto extra = MakeBatch(4, 100);
  data.insert(data.end(), extra.begin(), extra.begin() + 30);  // torn
  BatchReader reader(data);
  BatchView v;
  int n = 0;
  while (true) {
    auto next = reader.Next(&v);
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (!*next) break;
    EXPECT_EQ(v.records_count(), 2 + n);
    ++n;
  }
  EXPECT_EQ(n, 3);
  EXPECT_TRUE(reader.incomplete());
  EXPECT_EQ(reader.position(), full);
  // A few bytes only (less than the length prefix) are incomplete too.
  std::vector<uint8_t> tiny(5, 0);
  BatchReader r2(tiny);
  auto next = r2.Next(&v);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(*next);
  EXPECT_TRUE(r2.incomplete());
}

TEST(RecordBatchTest, CorruptionIsReportedWithPosition) {
  auto a = MakeBatch(3, 100);
  auto b = MakeBatch(3, 100);
  std::vector<uint8_t> data = a;
  data.insert(data.end(), b.begin(), b.end());
  data[a.size() + 70] ^= 0x01;  // a byte inside the second batch's records
  BatchReader reader(data);
  BatchView v;
  ASSERT_TRUE(reader.Next(&v).ok());
  auto next = reader.Next(&v);
  ASSERT_FALSE(next.ok());
  EXPECT_TRUE(next.status().IsCorruption());
  EXPECT_NE(next.status().message().find("byte " + std::to_string(a.size())), std::string::npos)
      << next.status().ToString();
  EXPECT_NE(next.status().message().find("CRC"), std::string::npos);
  // Without CRC checking the same bytes parse.
  BatchReader lax(data, false);
  ASSERT_TRUE(*lax.Next(&v));
  ASSERT_TRUE(*lax.Next(&v));
}

TEST(RecordBatchTest, LegacyMagicIsUnsupported) {
  auto b = MakeBatch(1, 1);
  b[kMagicPos] = 1;
  auto v = BatchView::Parse(b);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), base::StatusCode::kUnsupported);
  EXPECT_NE(v.status().message().find("magic 1"), std::string::npos);
  b[kMagicPos] = 9;
  EXPECT_TRUE(BatchView::Parse(b).status().IsCorruption());
}

TEST(RecordBatchTest, BadLengthIsCorruption) {
  auto b = MakeBatch(1, 1);
  base::StoreBigEndian32(b.data() + kBatchLengthPos, 10);
  EXPECT_TRUE(BatchView::Parse(b).status().IsCorruption());
  BatchReader reader(b);
  BatchView v;
  EXPECT_FALSE(reader.Next(&v).ok());
}

TEST(RecordBatchTest, ValidateCatchesCountMismatch) {
  auto b = MakeBatch(3, 1);
  base::StoreBigEndian32(b.data() + 57, 5);
  auto v = BatchView::Parse(b);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->Validate().ok());
  std::vector<Record> out;
  EXPECT_TRUE(DecodeRecords(*v, &out).IsCorruption());
  EXPECT_TRUE(out.empty());
}

TEST(RecordBatchTest, ControlBatchRoundTrip) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(BuildControlBatch(77, 9, 2, ControlRecord{ControlType::kCommit, 5}, 1234, &out).ok());
  auto v = BatchView::Parse(out);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->is_control());
  EXPECT_TRUE(v->is_transactional());
  EXPECT_EQ(v->producer_id(), 9);
  EXPECT_EQ(v->base_offset(), 77);
  auto marker = DecodeControlRecord(*v);
  ASSERT_TRUE(marker.ok());
  EXPECT_EQ(marker->type, ControlType::kCommit);
  EXPECT_EQ(marker->coordinator_epoch, 5);
}

TEST(RecordBatchTest, InPlaceEditsKeepCrcValid) {
  auto b = MakeBatch(4, 1000);
  SetBaseOffset(b, 12345);
  SetPartitionLeaderEpoch(b, 9);
  auto v = BatchView::Parse(b);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->VerifyCrc().ok()) << "baseOffset and leader epoch are outside the CRC";
  EXPECT_EQ(v->base_offset(), 12345);
  SetLogAppendTime(b, 99999);
  v = BatchView::Parse(b);
  EXPECT_TRUE(v->VerifyCrc().ok());
  EXPECT_EQ(v->timestamp_type(), TimestampType::kLogAppendTime);
  std::vector<Record> records;
  ASSERT_TRUE(DecodeRecords(*v, &records).ok());
  for (const auto& r : records) EXPECT_EQ(r.timestamp, 99999);
  EXPECT_EQ(records[2].offset, 12347);
}

TEST(RecordBatchTest, RandomMutationsNeverCrashDecoding) {
  BatchBuildOptions opt;
  opt.compression = CompressionType::kNone;
  auto original = MakeBatch(20, 1000, opt);
  std::mt19937 rng(11);
  for (int trial = 0; trial < 3000; ++trial) {
    auto b = original;
    int flips = 1 + rng() % 4;
    for (int i = 0; i < flips; ++i) b[kBatchHeaderSize + rng() % (b.size() - kBatchHeaderSize)] = rng();
    // Re-seal so decoding (not the CRC) has to catch the damage.
    base::StoreBigEndian32(b.data() + kCrcPos, format::Crc32c(b.data() + kAttributesPos, b.size() - kAttributesPos));
    auto v = BatchView::Parse(b);
    ASSERT_TRUE(v.ok());
    std::vector<Record> records;
    (void)DecodeRecords(*v, &records, 1 << 20);
  }
}

}  // namespace
}  // namespace tide::log
