// LogSegment: one file of a partition's log plus its sparse indexes, after Kafka's LogSegment.
//
// Files, named by the segment's base offset as 20 zero-padded digits:
//   NNNN.log        the record batches, back to back, exactly as stored by Append
//   NNNN.index      offset index: entries of (offset - base) u32 BE, file position u32 BE
//   NNNN.timeindex  time index:   entries of timestamp i64 BE, (offset - base) u32 BE
//   NNNN.txnindex   aborted transactions: producerId i64, firstOffset i64, lastOffset i64,
//                   lastStableOffset i64 (all BE), one entry per aborted transaction whose
//                   abort marker is in this segment
// An offset-index entry is added before a batch when more than index.interval.bytes were
// appended since the previous entry; the entry's offset is that batch's base offset. A time-
// index entry (max timestamp so far, last offset of the batch that reached it) is added with it
// when the max timestamp grew. The indexes are kept in memory and written to their files on
// Flush; on open they are rebuilt from the .log (which is scanned anyway) and rewritten when the
// files are missing or disagree.
//
// Concurrency: one appender at a time (PartitionLog's append mutex). Readers may run at the same
// time: they see only bytes below size(), which Append publishes (release) after the bytes and
// index entries are in place. Index lookups take a shared lock.
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "io/file_region.h"
#include "log/producer_state.h"
#include "log/record_batch.h"

namespace tide::log {

// "00000000000000000042" for 42.
std::string SegmentFileStem(int64_t base_offset);

struct OffsetIndexEntry {
  int64_t offset;
  uint32_t position;
};
struct TimeIndexEntry {
  int64_t timestamp;
  int64_t offset;
};

// What a batch contributes to the segment's indexes and bookkeeping.
struct BatchPlacement {
  int64_t base_offset;
  int64_t last_offset;
  int64_t max_timestamp;
  uint32_t size;
};

// Called for each valid batch found by a scan (recovery, state rebuild), with its position.
using BatchVisitor = std::function<void(const BatchView& batch, uint64_t position)>;

class LogSegment {
 public:
  ~LogSegment();
  LogSegment(const LogSegment&) = delete;
  LogSegment& operator=(const LogSegment&) = delete;

  // Creates an empty segment (truncating leftover files with the same name). A non-empty
  // `suffix` (".cleaned") names files "NNNN.log.cleaned" etc. for a compaction rewrite.
  static base::Result<std::shared_ptr<LogSegment>> Create(const std::string& dir, int64_t base_offset,
                                                          int64_t index_interval_bytes, int64_t created_ms,
                                                          const std::string& suffix = "");

  struct OpenReport {
    uint64_t truncated_bytes = 0;    // bytes cut from a torn or corrupt tail
    std::string truncation_reason;   // why (empty when nothing was cut)
    bool index_rebuilt = false;      // .index/.timeindex were missing or wrong and were rewritten
  };
  // Opens an existing segment: scans the .log (verifying CRCs when `verify`), calls `visit` for
  // each valid batch, truncates an invalid tail when `truncate_invalid_tail` (otherwise an invalid
  // batch is Corruption), rebuilds the indexes. `now_ms` is used as roll time when empty.
  static base::Result<std::shared_ptr<LogSegment>> Open(const std::string& dir, int64_t base_offset,
                                                        int64_t index_interval_bytes, bool verify,
                                                        bool truncate_invalid_tail, int64_t now_ms,
                                                        const BatchVisitor& visit, OpenReport* report);

  int64_t base_offset() const { return base_offset_; }
  // One past the last offset stored (base_offset when empty).
  int64_t next_offset() const { return next_offset_.load(std::memory_order_acquire); }
  uint64_t size() const { return size_.load(std::memory_order_acquire); }
  int64_t max_timestamp() const { return max_timestamp_.load(std::memory_order_acquire); }
  // Timestamp used for segment.ms rolling: the first batch's max timestamp, or creation time.
  int64_t roll_base_ms() const { return roll_base_ms_.load(std::memory_order_acquire); }
  size_t offset_index_entries() const;
  size_t time_index_entries() const;
  std::string log_path() const;

  // Appends already-validated batches (offsets assigned) described by `placements` (in order,
  // sizes summing to bytes.size()). Publishes the new size at the end.
  base::Status Append(std::span<const uint8_t> bytes, std::span<const BatchPlacement> placements);
  // The same with the bytes given as the concatenation of `parts` (one pwritev, no gathering
  // copy); their total length must equal the sum of the placements' sizes.
  base::Status Append(std::span<const iovec> parts, std::span<const BatchPlacement> placements);

  // Records an aborted transaction whose marker is in this segment.
  void AddAbortedTxn(const AbortedTxn& txn);
  // Aborted transactions in this segment overlapping [fetch_offset, upper_offset).
  void CollectAbortedTxns(int64_t fetch_offset, int64_t upper_offset, std::vector<AbortedTxn>* out) const;
  std::vector<AbortedTxn> aborted_txns() const;

  // Position of the first batch whose last offset is >= `offset`, or nullopt when no published
  // batch of this segment qualifies.
  base::Result<std::optional<uint64_t>> FindPosition(int64_t offset) const;
  // Reads [position, position + length) of the .log (clamped to the published size).
  base::Status ReadAt(uint64_t position, size_t length, std::vector<uint8_t>* out) const;
  // The length of the whole batches starting at `position` (a batch start) that a fetch
  // returns: batches with base offset below `limit_offset`, at most `max_bytes` in total, except
  // that with `min_one_batch` the first batch is returned whatever its size. Reads only batch
  // headers (in windows), never the batches themselves.
  base::Result<size_t> WholeBatchesLength(uint64_t position, size_t max_bytes, int64_t limit_offset,
                                          bool min_one_batch) const;
  // [position, position + length) of `segment`'s .log (clamped to the published size) as a
  // region to send with sendfile; the region keeps the segment (and its descriptor) alive.
  static io::FileRegion Region(const std::shared_ptr<const LogSegment>& segment, uint64_t position, size_t length);
  // The first record (by offset) whose timestamp is >= ts in this segment, or nullopt.
  base::Result<std::optional<Record>> FindOffsetForTimestamp(int64_t ts) const;

  // fsyncs the .log and writes the index files. Safe to call while readers run.
  base::Status Flush();
  // Deletes the segment's files (the object stays usable for readers holding it: POSIX keeps
  // unlinked open files readable).
  base::Status DeleteFiles();
  // Renames every file of the segment to carry `suffix` (e.g. ".deleted"); for swaps.
  base::Status RenameFiles(const std::string& from_suffix, const std::string& to_suffix);

 private:
  LogSegment(std::string dir, int64_t base_offset, int64_t index_interval_bytes);
  base::Status WriteIndexFiles(bool only_if_changed, bool* rewritten);
  void IndexBatch(const BatchPlacement& p, uint64_t position);

  const std::string dir_;
  const int64_t base_offset_;
  const int64_t index_interval_bytes_;
  int fd_ = -1;
  std::string suffix_;  // "" normally; ".cleaned"/".swap" during compaction
  std::atomic<uint64_t> size_{0};
  std::atomic<int64_t> next_offset_;
  std::atomic<int64_t> max_timestamp_{kNoTimestamp};
  std::atomic<int64_t> roll_base_ms_{kNoTimestamp};

  // Appender-only state.
  uint64_t bytes_since_index_entry_ = 0;
  int64_t offset_of_max_timestamp_ = -1;
  bool indexes_dirty_ = false;

  mutable std::shared_mutex index_mu_;
  std::vector<OffsetIndexEntry> offset_index_;
  std::vector<TimeIndexEntry> time_index_;
  std::vector<AbortedTxn> aborted_;
  bool txn_dirty_ = false;
};

}  // namespace tide::log
