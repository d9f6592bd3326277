// PartitionLog: the append-only log of one topic-partition, after Kafka's UnifiedLog.
//
// Directory <data_dir>/log/<topic>-<partition>/ holds segments (see segment.h) and a
// `log-start-offset` checkpoint. Offsets are dense on append; compaction may leave gaps.
//
// Writes: Append stores producer batches exactly as sent except baseOffset and
// partitionLeaderEpoch (not covered by the CRC) and, for topics with
// message.timestamp.type=LogAppendTime, the timestamp-type bit and maxTimestamp (CRC recomputed).
// Each batch is checked first (framing, CRC32C, magic 2, recordsCount vs lastOffsetDelta,
// max.message.bytes, producer sequence/epoch); a request is stored whole or not at all.
//
// Reads: Read returns whole batches from the batch containing `offset`, never past `max_offset`
// (the high watermark or last stable offset the caller chooses). On this single-replica log the
// high watermark equals the log end offset.
//
// Durability: data reaches the page cache on Append; fsync happens on segment roll, Flush, Close,
// and per flush.messages / flush.ms. Open recovers from kill -9: the last segment is scanned with
// CRC checks and a torn or corrupt tail is truncated (reported through `warn`); indexes and
// producer/transaction state are rebuilt from the batches.
//
// Thread-safety: all methods may be called concurrently. Appends, markers and flushes are
// serialized by one mutex; reads take a short shared lock to pick segments and do file I/O
// without locks; retention and compaction swap segments under a short exclusive lock and delete
// files outside it. A reader holding a segment that retention removes keeps reading it safely.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "log/log_config.h"
#include "log/producer_state.h"
#include "log/record_batch.h"
#include "log/segment.h"

namespace tide::log {

// Why an Append was refused, for the Kafka layer's error codes. The returned Status carries the
// human-readable message.
enum class AppendError {
  kNone,
  kCorruptMessage,            // CORRUPT_MESSAGE: CRC, framing, truncated batch
  kInvalidRecord,             // INVALID_RECORD: inconsistent batch fields, client control batch
  kMessageTooLarge,           // MESSAGE_TOO_LARGE: batch above max.message.bytes
  kOutOfOrderSequence,        // OUT_OF_ORDER_SEQUENCE_NUMBER
  kDuplicateSequence,         // DUPLICATE_SEQUENCE_NUMBER (a duplicate inside a multi-batch request)
  kInvalidProducerEpoch,      // INVALID_PRODUCER_EPOCH / PRODUCER_FENCED: stale epoch
  kUnsupportedForMessageFormat,  // UNSUPPORTED_FOR_MESSAGE_FORMAT: magic 0/1
  kStorageError,              // KAFKA_STORAGE_ERROR: the disk failed
};
std::string_view AppendErrorName(AppendError e);

struct AppendOptions {
  int32_t leader_epoch = 0;
  // Broker time for LogAppendTime, segment.ms and flush.ms; -1 = the log's clock.
  int64_t now_ms = -1;
};

struct AppendResult {
  int64_t base_offset = -1;      // first offset assigned (of the original batch when duplicate)
  int64_t last_offset = -1;
  int64_t log_append_time = -1;  // -1 unless the topic uses LogAppendTime
  int64_t log_start_offset = 0;
  int32_t record_count = 0;
  bool duplicate = false;        // a retried idempotent batch: nothing was stored
};

struct ReadResult {
  std::vector<uint8_t> records;  // whole batches, back to back (may be empty)
  int64_t high_watermark = 0;
  int64_t last_stable_offset = 0;
  int64_t log_start_offset = 0;
};

// The same batches as a region of a segment file (length 0: none), for sending with sendfile.
struct ReadRegionResult {
  io::FileRegion records;
  int64_t high_watermark = 0;
  int64_t last_stable_offset = 0;
  int64_t log_start_offset = 0;
};

// A record found by OffsetForTimestamp.
struct TimestampOffset {
  int64_t offset = -1;
  int64_t timestamp = -1;
};

// One request's batches for a partition, checked by PartitionLog::Validate: views into the
// caller's bytes, in order, and the topic config they were checked against (Append uses the
// same one, as a single Append of the bytes does).
struct ValidatedBatches {
  std::vector<BatchView> batches;
  LogConfig config;
};

struct PartitionLogOptions {
  std::string dir;        // the partition directory (created if missing)
  std::string topic;      // for messages
  int32_t partition = 0;
  LogConfig config;
  // Receives recovery notes (truncated tails, rebuilt indexes). May be empty.
  std::function<void(const std::string&)> warn;
  // Milliseconds since the epoch; defaults to the system clock.
  std::function<int64_t()> clock_ms;
};

class PartitionLog {
 public:
  // Opens (recovering) or creates the log in options.dir.
  static base::Result<std::shared_ptr<PartitionLog>> Open(PartitionLogOptions options);
  ~PartitionLog();

  // Appends the batches in `batches` (one produce request's records for this partition).
  // On failure, *error (if given) says which Kafka error applies. `batches` is only read, and
  // not copied: the stamped fields are written from separate headers in the same pwritev
  // (LogAppendTime topics, whose batches change under the CRC, copy them). The caller may
  // call this from any thread (the broker runs it on its append thread).
  // Same as Validate followed by Append(ValidatedBatches).
  base::Result<AppendResult> Append(std::span<const uint8_t> batches, const AppendOptions& options = {},
                                    AppendError* error = nullptr);

  // The checks of an append that need no log state: the framing and CRC32C of every batch,
  // max.message.bytes, the record-count fields, no control batches from clients, a producer id
  // on transactional batches, and a key on every record of a compacted topic (against the
  // config of this moment). Thread-safe, and runs without the append lock, so a caller can run
  // it on another thread than its appends (the broker does so on its network thread) and leave
  // only the write for Append. The result views `batches`, which must stay alive and unchanged
  // until the Append that takes it returns.
  base::Result<ValidatedBatches> Validate(std::span<const uint8_t> batches, AppendError* error = nullptr) const;
  // Appends batches that Validate accepted (for this log): producer sequence and epoch checks,
  // offsets, the write. Errors as for Append.
  base::Result<AppendResult> Append(const ValidatedBatches& batches, const AppendOptions& options = {},
                                    AppendError* error = nullptr);

  // Writes a transaction marker for `producer_id` (a control batch). A stale epoch is refused
  // with kInvalidProducerEpoch. An abort records the transaction in the aborted-txn index.
  base::Result<AppendResult> AppendControlMarker(int64_t producer_id, int16_t producer_epoch, bool commit,
                                                 int32_t coordinator_epoch, const AppendOptions& options = {},
                                                 AppendError* error = nullptr);

  // Whole batches starting at the batch containing `offset`, at most max_bytes unless the first
  // batch is larger and min_one_batch, none at or beyond max_offset (-1: log end offset).
  // OutOfRange when offset < log start offset or > log end offset.
  base::Result<ReadResult> Read(int64_t offset, size_t max_bytes, int64_t max_offset = -1,
                                bool min_one_batch = true) const;
  // What Read returns, without reading it: the file region that holds those batches (which lie
  // in one segment). The region stays valid and unchanged while held, also if retention or
  // compaction removes its segment meanwhile.
  base::Result<ReadRegionResult> ReadRegion(int64_t offset, size_t max_bytes, int64_t max_offset = -1,
                                            bool min_one_batch = true) const;

  int64_t log_start_offset() const { return log_start_offset_.load(std::memory_order_acquire); }
  int64_t log_end_offset() const { return log_end_offset_.load(std::memory_order_acquire); }
  int64_t high_watermark() const { return log_end_offset(); }
  // First offset of the oldest open transaction, else the high watermark.
  int64_t last_stable_offset() const { return last_stable_offset_.load(std::memory_order_acquire); }

  // The first record with timestamp >= ts (offset -1 when none). ts = -1 gives the log end
  // offset, ts = -2 the log start offset (Kafka's LATEST / EARLIEST), timestamp -1 for both.
  base::Result<TimestampOffset> OffsetForTimestamp(int64_t ts) const;

  // Aborted transactions that overlap [fetch_offset, upper_offset), for Fetch responses.
  std::vector<AbortedTxn> AbortedTransactions(int64_t fetch_offset, int64_t upper_offset) const;

  // Raises the log start offset to `offset` (<= high watermark, else OutOfRange) and deletes
  // segments entirely below it. Returns the new log start offset.
  base::Result<int64_t> DeleteRecordsBefore(int64_t offset);

  // Deletes whole segments (never the active one) past retention.ms (by largest timestamp) or
  // while the log exceeds retention.bytes. Only when cleanup.policy includes delete. Returns
  // the number of segments deleted.
  base::Result<size_t> RunRetention(int64_t now_ms);

  // Compacts closed segments when cleanup.policy includes compact (see log_cleaner). Returns
  // the number of records removed.
  base::Result<size_t> Compact(int64_t now_ms);

  // fsyncs everything appended so far.
  base::Status Flush();
  // Flushes if flush.ms has passed since the last flush (for a periodic ticker).
  base::Status MaybeFlush(int64_t now_ms);
  // Flushes and closes the files; later calls fail with Unavailable.
  base::Status Close();
  // Closes and removes the partition directory.
  base::Status DeleteFromDisk();

  void SetConfig(const LogConfig& config);
  LogConfig config() const;
  const std::string& dir() const { return options_.dir; }
  const std::string& topic() const { return options_.topic; }
  int32_t partition() const { return options_.partition; }
  size_t segment_count() const;
  uint64_t size_bytes() const;
  // Base offsets of the segments, oldest first (for tests and tools).
  std::vector<int64_t> segment_base_offsets() const;
  // Producer state (for tests and DescribeProducers); nullptr when unknown. Not synchronized
  // with appends: use only when no append runs.
  const ProducerEntry* FindProducerUnsafe(int64_t producer_id) const { return producers_.Find(producer_id); }

 private:
  explicit PartitionLog(PartitionLogOptions options);
  base::Status Recover();
  int64_t Now(int64_t given) const;
  std::string Name() const;
  // Appends prepared bytes (offsets already assigned; the concatenation of `parts`) under
  // append_mu_.
  base::Status AppendPrepared(std::span<const iovec> parts, const std::vector<BatchPlacement>& placements,
                              int64_t record_count, int64_t now, const LogConfig& cfg);
  base::Status MaybeRollLocked(size_t incoming, int64_t last_offset, int64_t now, const LogConfig& cfg);
  base::Status WriteLogStartCheckpoint(int64_t offset);
  void UpdateLastStableLocked();
  std::shared_ptr<LogSegment> ActiveSegment() const;
  std::vector<std::shared_ptr<LogSegment>> SegmentsSnapshot() const;
  // Removes `victims` from the segment map, raises the log start offset, deletes their files.
  base::Status RemoveSegments(const std::vector<std::shared_ptr<LogSegment>>& victims);

  PartitionLogOptions options_;

  mutable std::mutex config_mu_;
  LogConfig config_;

  std::mutex append_mu_;  // serializes writers
  ProducerStateManager producers_;          // guarded by append_mu_
  int64_t unflushed_messages_ = 0;           // guarded by append_mu_
  int64_t last_flush_ms_ = 0;                // guarded by append_mu_
  bool closed_ = false;                      // guarded by append_mu_

  std::mutex cleaner_mu_;  // serializes retention, compaction, DeleteRecords

  mutable std::shared_mutex segments_mu_;
  std::map<int64_t, std::shared_ptr<LogSegment>> segments_;  // by base offset

  std::atomic<int64_t> log_start_offset_{0};
  std::atomic<int64_t> log_end_offset_{0};
  std::atomic<int64_t> last_stable_offset_{0};
};

}  // namespace tide::log
