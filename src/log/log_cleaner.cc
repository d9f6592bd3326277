// Log compaction for cleanup.policy=compact, after Kafka's LogCleaner, simplified:
//
// - The cleanable range is the closed segments from the start of the log up to (not including)
//   the first segment that is active, has data newer than min.compaction.lag.ms, reaches the
//   last stable offset, or holds transactional/control batches (transactions are left alone).
// - A key -> latest-offset map is built over that range; a record is kept when it is the latest
//   for its key (records without a key are always kept). A tombstone (null value) that is the
//   latest is dropped once its timestamp is older than delete.retention.ms.
// - Each segment is rewritten one-to-one. Untouched batches are copied byte for byte; batches
//   that lost records are rebuilt with the builder keeping their base offset, lastOffsetDelta,
//   codec and producer fields, so offsets and producer sequences are preserved. A batch that
//   loses every record disappears (the offsets become a gap).
// - Swap protocol, crash-safe at every step: write NNNN.*.cleaned and fsync; rename to
//   NNNN.*.swap; rename each .swap over the live file. Recovery deletes .cleaned leftovers and
//   completes any .swap (see PartitionLog::Recover). Readers holding the old segment keep
//   reading its (unlinked) file.
//
// The whole range is re-cleaned on every run (no cleaner checkpoint yet).
#include <unordered_map>

#include "log/file_util.h"
#include "log/partition_log.h"

namespace tide::log {

using base::Status;

namespace {

struct SegmentBatches {
  std::vector<uint8_t> bytes;  // the whole segment file
  std::vector<BatchView> batches;
};

base::Result<SegmentBatches> LoadSegment(const LogSegment& seg) {
  SegmentBatches out;
  TIDE_RETURN_IF_ERROR(seg.ReadAt(0, seg.size(), &out.bytes));
  BatchReader reader(out.bytes, /*verify_crc=*/true);
  BatchView b;
  while (true) {
    auto next = reader.Next(&b);
    if (!next.ok()) return next.status().WithContext(seg.log_path());
    if (!*next) break;
    out.batches.push_back(b);
  }
  return out;
}

}  // namespace

base::Result<size_t> PartitionLog::Compact(int64_t now_ms) {
  LogConfig cfg = config();
  if (!cfg.cleanup_compact) return size_t{0};
  std::lock_guard cleaner(cleaner_mu_);
  auto segs = SegmentsSnapshot();
  if (segs.size() <= 1) return size_t{0};
  segs.pop_back();  // never the active segment

  // Decide the cleanable prefix and load it.
  int64_t lso = last_stable_offset();
  std::vector<std::pair<std::shared_ptr<LogSegment>, SegmentBatches>> range;
  for (const auto& seg : segs) {
    if (seg->next_offset() > lso) break;
    if (seg->max_timestamp() != kNoTimestamp && now_ms - seg->max_timestamp() < cfg.min_compaction_lag_ms) break;
    TIDE_ASSIGN_OR_RETURN(auto loaded, LoadSegment(*seg));
    bool txn = false;
    for (const auto& b : loaded.batches) txn |= b.is_transactional() || b.is_control();
    if (txn) break;
    range.emplace_back(seg, std::move(loaded));
  }
  if (range.empty()) return size_t{0};

  // Pass 1: latest offset per key.
  std::unordered_map<std::string, int64_t> latest;
  for (auto& [seg, loaded] : range) {
    for (const auto& b : loaded.batches) {
      std::vector<Record> records;
      TIDE_RETURN_IF_ERROR(DecodeRecords(b, &records).WithContext(seg->log_path()));
      for (const auto& r : records) {
        if (r.key) latest[*r.key] = r.offset;
      }
    }
  }

  // Pass 2: rewrite each segment that loses something.
  size_t removed_total = 0;
  for (auto& [seg, loaded] : range) {
    std::vector<uint8_t> out;
    std::vector<BatchPlacement> placements;
    size_t removed = 0;
    for (const auto& b : loaded.batches) {
      std::vector<Record> records;
      TIDE_RETURN_IF_ERROR(DecodeRecords(b, &records).WithContext(seg->log_path()));
      std::vector<Record> kept;
      for (auto& r : records) {
        bool keep = true;
        if (r.key) {
          keep = latest[*r.key] == r.offset;
          if (keep && !r.value && r.timestamp < now_ms - cfg.delete_retention_ms) keep = false;
        }
        if (keep) kept.push_back(std::move(r));
      }
      removed += records.size() - kept.size();
      if (kept.empty()) continue;
      size_t pos = out.size();
      if (kept.size() == records.size()) {
        out.insert(out.end(), b.bytes().begin(), b.bytes().end());
      } else {
        BatchBuildOptions opt;
        opt.base_offset = b.base_offset();
        opt.partition_leader_epoch = b.partition_leader_epoch();
        opt.compression = b.compression();
        opt.timestamp_type = b.timestamp_type();
        opt.log_append_time = b.max_timestamp();
        opt.producer_id = b.producer_id();
        opt.producer_epoch = b.producer_epoch();
        opt.base_sequence = b.base_sequence();
        opt.last_offset_delta = b.last_offset_delta();
        TIDE_RETURN_IF_ERROR(BuildBatch(opt, kept, &out));
      }
      auto view = BatchView::Parse(std::span<const uint8_t>(out).subspan(pos));
      if (!view.ok()) return view.status();
      placements.push_back(BatchPlacement{view->base_offset(), view->last_offset(), view->max_timestamp(),
                                          static_cast<uint32_t>(view->size())});
    }
    if (removed == 0) continue;
    TIDE_ASSIGN_OR_RETURN(auto cleaned, LogSegment::Create(options_.dir, seg->base_offset(), cfg.index_interval_bytes,
                                                           seg->roll_base_ms(), ".cleaned"));
    if (!out.empty()) TIDE_RETURN_IF_ERROR(cleaned->Append(out, placements));
    TIDE_RETURN_IF_ERROR(cleaned->Flush());
    TIDE_RETURN_IF_ERROR(cleaned->RenameFiles(".cleaned", ".swap"));
    TIDE_RETURN_IF_ERROR(fileutil::SyncDir(options_.dir));
    {
      std::unique_lock lock(segments_mu_);
      // Renaming over the live files replaces them atomically, one file at a time.
      TIDE_RETURN_IF_ERROR(cleaned->RenameFiles(".swap", ""));
      segments_[seg->base_offset()] = cleaned;
    }
    TIDE_RETURN_IF_ERROR(fileutil::SyncDir(options_.dir));
    removed_total += removed;
  }
  return removed_total;
}

}  // namespace tide::log
