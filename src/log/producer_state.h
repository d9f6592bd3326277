// Idempotent-producer and transaction bookkeeping for one partition, after Kafka's
// ProducerStateManager: per producer id the current epoch, the last 5 appended batches'
// sequence ranges and offsets (to answer retried batches with their original offsets), and the
// first offset of its open transaction, if any.
//
// Sequence rules (Kafka's): a producer id never seen (or whose state was lost) may start at any
// sequence; a new epoch must start at sequence 0; within an epoch each batch must start at the
// previous batch's last sequence + 1 (wrapping past INT32_MAX to 0); a batch whose sequence range
// equals one of the last 5 is a duplicate; an epoch older than the current one is fenced.
//
// Thread-safety: not synchronized; PartitionLog calls it under its append mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tide::log {

inline constexpr size_t kProducerBatchesRetained = 5;

struct ProducerBatch {
  int32_t first_seq = -1;
  int32_t last_seq = -1;
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  int64_t timestamp = -1;
};

struct ProducerEntry {
  int16_t epoch = -1;
  std::deque<ProducerBatch> batches;  // oldest first, at most kProducerBatchesRetained
  int64_t txn_first_offset = -1;      // first offset of the open transaction, -1 if none
  int32_t coordinator_epoch = -1;
  int64_t last_timestamp = -1;
};

enum class SequenceCheck { kOk, kDuplicate, kOutOfOrder, kFenced };

// A transaction ended by an abort marker: what the aborted-transaction index records.
struct AbortedTxn {
  int64_t producer_id = -1;
  int64_t first_offset = -1;
  int64_t last_offset = -1;        // offset of the abort marker
  int64_t last_stable_offset = -1; // LSO after the marker was written
  bool operator==(const AbortedTxn&) const = default;
};

class ProducerStateManager {
 public:
  // Classifies a batch from `producer_id` before it is appended. On kDuplicate, *original is
  // the batch as first appended.
  SequenceCheck Check(int64_t producer_id, int16_t epoch, int32_t first_seq, int32_t last_seq,
                      ProducerBatch* original) const;

  // Records an appended data batch (also used when rebuilding state from the log).
  void OnBatch(int64_t producer_id, int16_t epoch, int32_t first_seq, int32_t last_seq, int64_t first_offset,
               int64_t last_offset, int64_t timestamp, bool transactional);

  // Records a commit/abort marker at `offset`; returns the transaction's first offset (or -1 if
  // the producer had no open transaction).
  int64_t OnMarker(int64_t producer_id, int16_t epoch, int32_t coordinator_epoch, int64_t offset);

  // First offset of the oldest open transaction, or nullopt.
  std::optional<int64_t> FirstUnstableOffset() const;

  const ProducerEntry* Find(int64_t producer_id) const;
  size_t size() const { return producers_.size(); }
  // Drops everything (before a rebuild).
  void Clear();

 private:
  std::unordered_map<int64_t, ProducerEntry> producers_;
  std::map<int64_t, int64_t> open_txns_;  // first offset -> producer id
};

}  // namespace tide::log
