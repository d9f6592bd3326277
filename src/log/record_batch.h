// Kafka v2 record batches ("magic 2"): the unit the log stores, replicates and serves.
//
// Layout (all integers big-endian; KIP-98):
//   0  baseOffset            i64   assigned by the broker
//   8  batchLength           i32   bytes after this field (so the batch is 12 + batchLength bytes)
//  12  partitionLeaderEpoch  i32   assigned by the broker
//  16  magic                 i8    2
//  17  crc                   u32   CRC32C of bytes [21, end)
//  21  attributes            i16   bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control,
//                                  6 delete horizon set
//  23  lastOffsetDelta       i32
//  27  baseTimestamp         i64
//  35  maxTimestamp          i64
//  43  producerId            i64
//  51  producerEpoch         i16
//  53  baseSequence          i32
//  57  recordsCount          i32
//  61  records (possibly compressed as one block)
// A record: length varint, attributes i8, timestampDelta varlong, offsetDelta varint,
// keyLength varint (-1 = null), key, valueLength varint (-1 = null), value, headerCount varint,
// then per header: keyLength varint, key, valueLength varint, value. Varints are zigzag.
//
// Since the CRC does not cover baseOffset and partitionLeaderEpoch, the broker may stamp those
// in place without re-checksumming; everything else the producer sent is stored as sent.
//
// Legacy message sets (magic 0 and 1) are refused with Unsupported.
//
// Thread-safety: BatchView and BatchReader are views over caller-owned bytes; they are not
// synchronized and must not outlive the bytes. All free functions are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "format/compression.h"

namespace tide::log {

inline constexpr size_t kBatchHeaderSize = 61;   // through recordsCount
inline constexpr size_t kLogOverhead = 12;       // baseOffset + batchLength
inline constexpr int8_t kCurrentMagic = 2;
inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;
inline constexpr int64_t kNoTimestamp = -1;

// Field positions inside a batch, for code that patches batches in place.
inline constexpr size_t kBaseOffsetPos = 0;
inline constexpr size_t kBatchLengthPos = 8;
inline constexpr size_t kLeaderEpochPos = 12;
inline constexpr size_t kMagicPos = 16;
inline constexpr size_t kCrcPos = 17;
inline constexpr size_t kAttributesPos = 21;
inline constexpr size_t kMaxTimestampPos = 35;

// The codec field of the batch attributes (bits 0-2).
enum class CompressionType : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };
enum class TimestampType : uint8_t { kCreateTime = 0, kLogAppendTime = 1 };

std::string_view CompressionTypeName(CompressionType type);
// The format-layer codec that decodes a batch's records (kLz4 is the LZ4 frame format).
format::Codec ToCodec(CompressionType type);

// Read-only view over one complete batch whose header has been bounds- and magic-checked.
class BatchView {
 public:
  BatchView() = default;

  // Checks that `data` begins with a whole v2 batch (length within bounds, magic 2) and returns a
  // view over exactly that batch. Does not check the CRC (see VerifyCrc). `position` is used
  // only in error messages ("batch at byte N").
  static base::Result<BatchView> Parse(std::span<const uint8_t> data, size_t position = 0);

  std::span<const uint8_t> bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

  int64_t base_offset() const;
  int32_t batch_length() const;
  int32_t partition_leader_epoch() const;
  int8_t magic() const { return static_cast<int8_t>(bytes_[kMagicPos]); }
  uint32_t crc() const;
  int16_t attributes() const;
  int32_t last_offset_delta() const;
  int64_t base_timestamp() const;
  int64_t max_timestamp() const;
  int64_t producer_id() const;
  int16_t producer_epoch() const;
  int32_t base_sequence() const;
  int32_t records_count() const;

  int64_t last_offset() const { return base_offset() + last_offset_delta(); }
  int64_t next_offset() const { return last_offset() + 1; }
  CompressionType compression() const { return static_cast<CompressionType>(attributes() & 0x7); }
  TimestampType timestamp_type() const {
    return (attributes() & 0x8) ? TimestampType::kLogAppendTime : TimestampType::kCreateTime;
  }
  bool is_transactional() const { return (attributes() & 0x10) != 0; }
  bool is_control() const { return (attributes() & 0x20) != 0; }
  bool has_producer_id() const { return producer_id() >= 0; }
  // The sequence of the last record (wrapping past INT32_MAX like Kafka); kNoSequence if none.
  int32_t last_sequence() const;
  // Records section: the bytes after the header (compressed when compression() != kNone).
  std::span<const uint8_t> records_data() const { return bytes_.subspan(kBatchHeaderSize); }

  // Corruption unless the stored CRC matches CRC32C over attributes..end.
  base::Status VerifyCrc(size_t position = 0) const;
  // Structural checks Append performs besides the CRC: recordsCount agrees with lastOffsetDelta
  // and is positive, codec known, control batches have one record. With `allow_compacted`
  // (batches read back from a log, which compaction may have thinned) recordsCount may be
  // anything from 0 to lastOffsetDelta + 1. `position` is for messages.
  base::Status Validate(size_t position = 0, bool allow_compacted = false) const;

 private:
  explicit BatchView(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  std::span<const uint8_t> bytes_;
};

// Walks the batches in a byte span (a produce request's records, a fetch response, a segment
// file region). A trailing partial batch is not an error: Next returns false and incomplete()
// becomes true, so callers can tell a torn tail from a clean end.
class BatchReader {
 public:
  explicit BatchReader(std::span<const uint8_t> data, bool verify_crc = true, size_t base_position = 0)
      : data_(data), verify_crc_(verify_crc), base_position_(base_position) {}

  // true: *batch is the next batch. false: no more whole batches (check incomplete()).
  // Error: the batch at position() is malformed (bad length, magic, CRC).
  base::Result<bool> Next(BatchView* batch);
  // Byte offset (within the span) of the next batch to read, i.e. the end of the valid prefix.
  size_t position() const { return pos_; }
  // True when Next stopped at bytes that are the beginning of a batch but not all of it.
  bool incomplete() const { return incomplete_; }

 private:
  std::span<const uint8_t> data_;
  bool verify_crc_;
  size_t base_position_;
  size_t pos_ = 0;
  bool incomplete_ = false;
};

struct RecordHeader {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const RecordHeader&) const = default;
};

// One decoded record. Keys and values are raw bytes held in std::string.
struct Record {
  int64_t offset = 0;
  int64_t timestamp = kNoTimestamp;
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt: a tombstone
  std::vector<RecordHeader> headers;
  bool operator==(const Record&) const = default;
};

// Decodes the records of a batch (decompressing when needed) and appends them to *out with
// absolute offsets and timestamps (LogAppendTime batches report maxTimestamp for every record,
// as Kafka does). `max_decompressed` bounds the decompressed records section.
// Corruption names the batch's base offset and the byte within the records section.
base::Status DecodeRecords(const BatchView& batch, std::vector<Record>* out,
                           size_t max_decompressed = size_t{256} << 20);

// What a control record (commit/abort marker) says.
enum class ControlType : int16_t { kAbort = 0, kCommit = 1 };
struct ControlRecord {
  ControlType type = ControlType::kAbort;
  int32_t coordinator_epoch = 0;
};
// Parses the single record of a control batch.
base::Result<ControlRecord> DecodeControlRecord(const BatchView& batch);

// Options for building a batch. Record offsets are absolute: each record's offset delta is
// record.offset - base_offset, so they must be >= base_offset and strictly increasing. The
// builder never reorders records.
struct BatchBuildOptions {
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = -1;
  CompressionType compression = CompressionType::kNone;
  int compression_level = 0;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  // For LogAppendTime batches: the broker time written as maxTimestamp.
  int64_t log_append_time = kNoTimestamp;
  int64_t producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  int32_t base_sequence = kNoSequence;
  bool transactional = false;
  bool control = false;
  // Compaction keeps the original lastOffsetDelta so producer sequence bookkeeping survives;
  // when set it must be >= the last record's delta.
  std::optional<int32_t> last_offset_delta;
  // baseTimestamp when no records carry a timestamp (e.g. an emptied compacted batch).
  std::optional<int64_t> base_timestamp;
};

// Appends one v2 batch holding `records` to *out. Fails with InvalidArgument on bad offsets or
// an empty record list (except when last_offset_delta is given: compaction may keep an empty
// batch to preserve producer state).
base::Status BuildBatch(const BatchBuildOptions& options, std::span<const Record> records,
                        std::vector<uint8_t>* out);

// Convenience: records with offsets 0..n-1 (the form a producer sends), key/value strings.
base::Result<std::vector<uint8_t>> BuildSimpleBatch(
    const std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>& kvs,
    int64_t timestamp, CompressionType compression = CompressionType::kNone);

// Appends a control batch (one record) ending a transaction.
base::Status BuildControlBatch(int64_t base_offset, int64_t producer_id, int16_t producer_epoch,
                               ControlRecord marker, int64_t timestamp, std::vector<uint8_t>* out);

// In-place edits of a batch in a mutable buffer (the broker's offset assignment).
void SetBaseOffset(std::span<uint8_t> batch, int64_t base_offset);
void SetPartitionLeaderEpoch(std::span<uint8_t> batch, int32_t epoch);
// Marks the batch LogAppendTime with maxTimestamp = time and recomputes the CRC.
void SetLogAppendTime(std::span<uint8_t> batch, int64_t time);

}  // namespace tide::log
