#include "log/producer_state.h"

#include <limits>

namespace tide::log {

namespace {
bool InSequence(int32_t last_seq, int32_t next_seq) {
  return next_seq == last_seq + 1 || (next_seq == 0 && last_seq == std::numeric_limits<int32_t>::max());
}
}  // namespace

SequenceCheck ProducerStateManager::Check(int64_t producer_id, int16_t epoch, int32_t first_seq, int32_t last_seq,
                                          ProducerBatch* original) const {
  auto it = producers_.find(producer_id);
  if (it == producers_.end() || it->second.epoch < 0) return SequenceCheck::kOk;
  const ProducerEntry& e = it->second;
  if (epoch < e.epoch) return SequenceCheck::kFenced;
  if (first_seq < 0) return SequenceCheck::kOk;  // transactional/idempotent without sequences
  if (epoch > e.epoch) return first_seq == 0 ? SequenceCheck::kOk : SequenceCheck::kOutOfOrder;
  for (const auto& b : e.batches) {
    if (b.first_seq == first_seq && b.last_seq == last_seq) {
      if (original) *original = b;
      return SequenceCheck::kDuplicate;
    }
  }
  if (e.batches.empty()) return SequenceCheck::kOk;  // only markers seen for this epoch
  return InSequence(e.batches.back().last_seq, first_seq) ? SequenceCheck::kOk : SequenceCheck::kOutOfOrder;
}

void ProducerStateManager::OnBatch(int64_t producer_id, int16_t epoch, int32_t first_seq, int32_t last_seq,
                                   int64_t first_offset, int64_t last_offset, int64_t timestamp, bool transactional) {
  ProducerEntry& e = producers_[producer_id];
  if (epoch != e.epoch) {
    e.batches.clear();
    e.epoch = epoch;
  }
  if (first_seq >= 0) {
    e.batches.push_back(ProducerBatch{first_seq, last_seq, first_offset, last_offset, timestamp});
    while (e.batches.size() > kProducerBatchesRetained) e.batches.pop_front();
  }
  e.last_timestamp = timestamp;
  if (transactional && e.txn_first_offset < 0) {
    e.txn_first_offset = first_offset;
    open_txns_[first_offset] = producer_id;
  }
}

int64_t ProducerStateManager::OnMarker(int64_t producer_id, int16_t epoch, int32_t coordinator_epoch, int64_t offset) {
  ProducerEntry& e = producers_[producer_id];
  if (epoch > e.epoch) {
    e.epoch = epoch;
    e.batches.clear();
  }
  e.coordinator_epoch = coordinator_epoch;
  int64_t first = e.txn_first_offset;
  if (first >= 0) open_txns_.erase(first);
  e.txn_first_offset = -1;
  return first;
}

std::optional<int64_t> ProducerStateManager::FirstUnstableOffset() const {
  if (open_txns_.empty()) return std::nullopt;
  return open_txns_.begin()->first;
}

const ProducerEntry* ProducerStateManager::Find(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

void ProducerStateManager::Clear() {
  producers_.clear();
  open_txns_.clear();
}

}  // namespace tide::log
