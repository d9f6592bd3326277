#include "log/partition_log.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <limits>

#include "base/endian.h"
#include "log/file_util.h"

namespace tide::log {

using base::Status;

namespace {

constexpr char kLogStartCheckpoint[] = "log-start-offset";

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Parses "<20 digits>.log<suffix>"; returns -1 if the name is something else.
int64_t ParseSegmentName(const std::string& name, const std::string& ext) {
  if (name.size() != 20 + ext.size() || !EndsWith(name, ext)) return -1;
  int64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}

Status Refuse(AppendError* out, AppendError kind, Status st) {
  if (out) *out = kind;
  return st;
}

}  // namespace

std::string_view AppendErrorName(AppendError e) {
  switch (e) {
    case AppendError::kNone: return "NONE";
    case AppendError::kCorruptMessage: return "CORRUPT_MESSAGE";
    case AppendError::kInvalidRecord: return "INVALID_RECORD";
    case AppendError::kMessageTooLarge: return "MESSAGE_TOO_LARGE";
    case AppendError::kOutOfOrderSequence: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case AppendError::kDuplicateSequence: return "DUPLICATE_SEQUENCE_NUMBER";
    case AppendError::kInvalidProducerEpoch: return "INVALID_PRODUCER_EPOCH";
    case AppendError::kUnsupportedForMessageFormat: return "UNSUPPORTED_FOR_MESSAGE_FORMAT";
    case AppendError::kStorageError: return "KAFKA_STORAGE_ERROR";
  }
  return "UNKNOWN";
}

PartitionLog::PartitionLog(PartitionLogOptions options) : options_(std::move(options)), config_(options_.config) {
  if (!options_.clock_ms) options_.clock_ms = SystemNowMs;
}

PartitionLog::~PartitionLog() { (void)Close(); }

std::string PartitionLog::Name() const { return options_.topic + "-" + std::to_string(options_.partition); }

int64_t PartitionLog::Now(int64_t given) const { return given >= 0 ? given : options_.clock_ms(); }

base::Result<std::shared_ptr<PartitionLog>> PartitionLog::Open(PartitionLogOptions options) {
  std::shared_ptr<PartitionLog> log(new PartitionLog(std::move(options)));
  Status st = log->Recover();
  if (!st.ok()) return st.WithContext("opening log " + log->Name());
  return log;
}

Status PartitionLog::Recover() {
  const std::string& dir = options_.dir;
  auto warn = [this](const std::string& msg) {
    if (options_.warn) options_.warn(msg);
  };
  TIDE_RETURN_IF_ERROR(fileutil::CreateDirs(dir));
  std::vector<std::string> names;
  TIDE_RETURN_IF_ERROR(fileutil::ListDir(dir, &names));
  LogConfig cfg = config();
  int64_t now = options_.clock_ms();

  // Finish or undo an interrupted compaction swap (see log_cleaner.cc): .cleaned files are an
  // unfinished rewrite and go; a .swap segment is complete and replaces what it covers.
  std::vector<int64_t> swaps;
  for (const auto& name : names) {
    if (EndsWith(name, ".cleaned") || EndsWith(name, ".deleted") || name.rfind(".tmp.", 0) == 0) {
      ::unlink((dir + "/" + name).c_str());
    }
    int64_t base = ParseSegmentName(name, ".log.swap");
    if (base >= 0) swaps.push_back(base);
  }
  for (int64_t base : swaps) {
    // The swap segment's offset range tells which old segments it replaces.
    int64_t end = base;
    std::string log_swap = dir + "/" + SegmentFileStem(base) + ".log.swap";
    std::string contents;
    TIDE_RETURN_IF_ERROR(fileutil::ReadFile(log_swap, &contents));
    BatchReader reader({reinterpret_cast<const uint8_t*>(contents.data()), contents.size()}, false);
    BatchView b;
    while (true) {
      auto next = reader.Next(&b);
      if (!next.ok() || !*next) break;
      end = b.next_offset();
    }
    for (const auto& name : names) {
      int64_t other = ParseSegmentName(name, ".log");
      if (other > base && other < end) {
        for (const char* ext : {".log", ".index", ".timeindex", ".txnindex"}) {
          ::unlink((dir + "/" + SegmentFileStem(other) + ext).c_str());
        }
      }
    }
    for (const char* ext : {".log", ".index", ".timeindex", ".txnindex"}) {
      std::string from = dir + "/" + SegmentFileStem(base) + ext + ".swap";
      std::string to = dir + "/" + SegmentFileStem(base) + ext;
      if (fileutil::Exists(from) && ::rename(from.c_str(), to.c_str()) != 0) {
        return Status::FromErrno(errno, "rename " + from);
      }
    }
    warn(Name() + ": completed an interrupted compaction swap of segment " + SegmentFileStem(base));
  }
  if (!swaps.empty()) TIDE_RETURN_IF_ERROR(fileutil::ListDir(dir, &names));
  // Index .swap files whose .log was already renamed: the index is rebuilt from the .log anyway.
  for (const auto& name : names) {
    if (EndsWith(name, ".swap")) ::unlink((dir + "/" + name).c_str());
  }

  std::vector<int64_t> bases;
  for (const auto& name : names) {
    int64_t base = ParseSegmentName(name, ".log");
    if (base >= 0) bases.push_back(base);
  }
  std::sort(bases.begin(), bases.end());

  int64_t checkpoint = 0;
  std::string text;
  if (fileutil::ReadFile(dir + "/" + kLogStartCheckpoint, &text).ok()) {
    try {
      checkpoint = std::stoll(text);
    } catch (...) {
      warn(Name() + ": ignoring unreadable " + kLogStartCheckpoint + " checkpoint");
    }
  }

  producers_.Clear();
  std::vector<AbortedTxn> aborted;  // of the segment being opened
  std::map<int64_t, std::shared_ptr<LogSegment>> segments;
  for (size_t i = 0; i < bases.size(); ++i) {
    bool last = i + 1 == bases.size();
    aborted.clear();
    BatchVisitor visit = [&](const BatchView& batch, uint64_t) {
      if (!batch.has_producer_id()) return;
      if (batch.is_control()) {
        auto marker = DecodeControlRecord(batch);
        if (!marker.ok()) return;
        int64_t first = producers_.OnMarker(batch.producer_id(), batch.producer_epoch(), marker->coordinator_epoch,
                                            batch.base_offset());
        if (marker->type == ControlType::kAbort && first >= 0) {
          int64_t lso = producers_.FirstUnstableOffset().value_or(batch.next_offset());
          aborted.push_back(AbortedTxn{batch.producer_id(), first, batch.base_offset(), lso});
        }
        return;
      }
      producers_.OnBatch(batch.producer_id(), batch.producer_epoch(), batch.base_sequence(), batch.last_sequence(),
                         batch.base_offset(), batch.last_offset(), batch.max_timestamp(), batch.is_transactional());
    };
    LogSegment::OpenReport report;
    // Only the last segment can hold unflushed data (a roll fsyncs the previous one), so only it
    // pays for CRC checks; any segment with a broken tail is cut at its last valid batch.
    auto seg = LogSegment::Open(dir, bases[i], cfg.index_interval_bytes, /*verify=*/last,
                                /*truncate_invalid_tail=*/true, now, visit, &report);
    if (!seg.ok()) return seg.status();
    if (report.truncated_bytes > 0) {
      warn(Name() + ": truncated " + std::to_string(report.truncated_bytes) + " bytes: " + report.truncation_reason);
    }
    if (report.index_rebuilt) warn(Name() + ": rebuilt indexes of segment " + SegmentFileStem(bases[i]));
    for (const auto& t : aborted) (*seg)->AddAbortedTxn(t);
    if (!aborted.empty()) TIDE_RETURN_IF_ERROR((*seg)->Flush());
    if (!segments.empty() && (*seg)->base_offset() < segments.rbegin()->second->next_offset()) {
      return Status::Corruption(dir + ": segment " + SegmentFileStem(bases[i]) + " overlaps the previous segment");
    }
    segments[bases[i]] = std::move(*seg);
  }
  if (segments.empty()) {
    TIDE_ASSIGN_OR_RETURN(auto seg, LogSegment::Create(dir, checkpoint, cfg.index_interval_bytes, now));
    segments[checkpoint] = std::move(seg);
  }
  int64_t end = segments.rbegin()->second->next_offset();
  int64_t start = std::max(segments.begin()->second->base_offset(), std::min(checkpoint, end));
  {
    std::unique_lock lock(segments_mu_);
    segments_ = std::move(segments);
  }
  log_start_offset_.store(start);
  log_end_offset_.store(end);
  last_flush_ms_ = now;
  UpdateLastStableLocked();
  return Status::OK();
}

void PartitionLog::SetConfig(const LogConfig& config) {
  std::lock_guard lock(config_mu_);
  config_ = config;
}

LogConfig PartitionLog::config() const {
  std::lock_guard lock(config_mu_);
  return config_;
}

std::shared_ptr<LogSegment> PartitionLog::ActiveSegment() const {
  std::shared_lock lock(segments_mu_);
  return segments_.rbegin()->second;
}

std::vector<std::shared_ptr<LogSegment>> PartitionLog::SegmentsSnapshot() const {
  std::shared_lock lock(segments_mu_);
  std::vector<std::shared_ptr<LogSegment>> out;
  out.reserve(segments_.size());
  for (const auto& [base, seg] : segments_) out.push_back(seg);
  return out;
}

size_t PartitionLog::segment_count() const {
  std::shared_lock lock(segments_mu_);
  return segments_.size();
}

uint64_t PartitionLog::size_bytes() const {
  uint64_t total = 0;
  for (const auto& seg : SegmentsSnapshot()) total += seg->size();
  return total;
}

std::vector<int64_t> PartitionLog::segment_base_offsets() const {
  std::vector<int64_t> out;
  for (const auto& seg : SegmentsSnapshot()) out.push_back(seg->base_offset());
  return out;
}

void PartitionLog::UpdateLastStableLocked() {
  auto first_unstable = producers_.FirstUnstableOffset();
  last_stable_offset_.store(first_unstable.value_or(log_end_offset()), std::memory_order_release);
}

base::Result<AppendResult> PartitionLog::Append(std::span<const uint8_t> input, const AppendOptions& options,
                                                AppendError* error) {
  TIDE_ASSIGN_OR_RETURN(ValidatedBatches validated, Validate(input, error));
  return Append(validated, options, error);
}

base::Result<ValidatedBatches> PartitionLog::Validate(std::span<const uint8_t> input, AppendError* error) const {
  if (error) *error = AppendError::kNone;
  if (input.empty()) {
    return Refuse(error, AppendError::kInvalidRecord, Status::InvalidArgument(Name() + ": produce with no records"));
  }
  // The framing of every batch is checked in place: the request's bytes are never copied; the
  // fields the broker stamps are written from small headers (see Append).
  ValidatedBatches validated;
  validated.config = config();
  const LogConfig& cfg = validated.config;
  std::vector<BatchView>& batches = validated.batches;
  {
    BatchReader reader(input, /*verify_crc=*/true);
    BatchView batch;
    while (true) {
      auto next = reader.Next(&batch);
      if (!next.ok()) {
        AppendError kind = next.status().code() == base::StatusCode::kUnsupported
                               ? AppendError::kUnsupportedForMessageFormat
                               : AppendError::kCorruptMessage;
        return Refuse(error, kind, next.status().WithContext(Name()));
      }
      if (!*next) break;
      size_t pos = reader.position() - batch.size();
      if (static_cast<int64_t>(batch.size()) > cfg.max_message_bytes) {
        return Refuse(error, AppendError::kMessageTooLarge,
                      Status::ResourceExhausted(Name() + ": batch at byte " + std::to_string(pos) + " is " +
                                                std::to_string(batch.size()) + " bytes, above max.message.bytes " +
                                                std::to_string(cfg.max_message_bytes)));
      }
      Status valid = batch.Validate(pos);
      if (!valid.ok()) {
        return Refuse(error, AppendError::kInvalidRecord, Status::InvalidArgument(Name() + ": " + valid.message()));
      }
      if (batch.is_control()) {
        return Refuse(error, AppendError::kInvalidRecord,
                      Status::InvalidArgument(Name() + ": batch at byte " + std::to_string(pos) +
                                              ": clients may not write control batches"));
      }
      if (batch.is_transactional() && !batch.has_producer_id()) {
        return Refuse(error, AppendError::kInvalidRecord,
                      Status::InvalidArgument(Name() + ": transactional batch at byte " + std::to_string(pos) +
                                              " without a producer id"));
      }
      if (cfg.cleanup_compact) {
        // Compaction needs a key on every record (Kafka refuses keyless records here too).
        std::vector<Record> records;
        Status decoded = DecodeRecords(batch, &records, static_cast<size_t>(cfg.max_message_bytes) * 64 + (1 << 20));
        if (!decoded.ok()) {
          return Refuse(error, AppendError::kCorruptMessage, decoded.WithContext(Name()));
        }
        for (const auto& r : records) {
          if (!r.key) {
            return Refuse(error, AppendError::kInvalidRecord,
                          Status::InvalidArgument(Name() + ": compacted topic cannot accept a record without a key "
                                                  "(offset delta " + std::to_string(r.offset - batch.base_offset()) +
                                                  " of the batch at byte " + std::to_string(pos) + ")"));
          }
        }
      }
      batches.push_back(batch);
    }
    if (reader.incomplete()) {
      return Refuse(error, AppendError::kCorruptMessage,
                    Status::Corruption(Name() + ": incomplete batch at byte " + std::to_string(reader.position()) +
                                       " of " + std::to_string(input.size())));
    }
  }
  return validated;
}

base::Result<AppendResult> PartitionLog::Append(const ValidatedBatches& validated, const AppendOptions& options,
                                                AppendError* error) {
  if (error) *error = AppendError::kNone;
  const std::vector<BatchView>& batches = validated.batches;
  if (batches.empty()) {
    return Refuse(error, AppendError::kInvalidRecord, Status::InvalidArgument(Name() + ": produce with no records"));
  }
  const LogConfig& cfg = validated.config;
  std::lock_guard lock(append_mu_);
  if (closed_) return Refuse(error, AppendError::kStorageError, Status::Unavailable(Name() + ": log is closed"));
  int64_t now = Now(options.now_ms);

  // Producer sequence checks; a batch may follow an earlier batch of the same request.
  std::map<int64_t, std::pair<int16_t, int32_t>> pending;  // pid -> (epoch, last seq) in this request
  for (size_t i = 0; i < batches.size(); ++i) {
    const BatchView& b = batches[i];
    if (!b.has_producer_id()) continue;
    // Built only for an error: this runs for every batch of an idempotent producer.
    auto where = [&] {
      return Name() + ": producer " + std::to_string(b.producer_id()) + " epoch " +
             std::to_string(b.producer_epoch()) + " sequence " + std::to_string(b.base_sequence());
    };
    auto it = pending.find(b.producer_id());
    if (it != pending.end()) {
      bool ok = b.producer_epoch() == it->second.first &&
                (b.base_sequence() < 0 || b.base_sequence() == it->second.second + 1 ||
                 (b.base_sequence() == 0 && it->second.second == std::numeric_limits<int32_t>::max()));
      if (!ok) return Refuse(error, AppendError::kOutOfOrderSequence, Status::InvalidArgument(where() + ": out of order"));
    } else {
      ProducerBatch original;
      switch (producers_.Check(b.producer_id(), b.producer_epoch(), b.base_sequence(), b.last_sequence(), &original)) {
        case SequenceCheck::kOk: break;
        case SequenceCheck::kFenced: {
          const ProducerEntry* e = producers_.Find(b.producer_id());
          return Refuse(error, AppendError::kInvalidProducerEpoch,
                        Status::InvalidArgument(where() + ": epoch is older than the current epoch " +
                                                std::to_string(e ? e->epoch : -1)));
        }
        case SequenceCheck::kOutOfOrder: {
          const ProducerEntry* e = producers_.Find(b.producer_id());
          int32_t last = e && !e->batches.empty() ? e->batches.back().last_seq : -1;
          return Refuse(error, AppendError::kOutOfOrderSequence,
                        Status::InvalidArgument(where() + ": out of order (last sequence " + std::to_string(last) + ")"));
        }
        case SequenceCheck::kDuplicate:
          if (batches.size() == 1) {
            AppendResult r;
            r.base_offset = original.first_offset;
            r.last_offset = original.last_offset;
            r.log_start_offset = log_start_offset();
            r.record_count = b.records_count();
            r.duplicate = true;
            r.log_append_time = cfg.message_timestamp_type == TimestampType::kLogAppendTime ? original.timestamp : -1;
            return r;
          }
          return Refuse(error, AppendError::kDuplicateSequence,
                        Status::InvalidArgument(where() + ": duplicate inside a multi-batch request"));
      }
    }
    pending[b.producer_id()] = {b.producer_epoch(), b.last_sequence()};
  }

  // Assign offsets (and the broker timestamp). The stored batch is the request's batch with its
  // first kStampSize bytes (baseOffset, batchLength, partitionLeaderEpoch — outside the CRC)
  // replaced, so each batch is written as two parts: a stamped header and the rest, in place.
  // LogAppendTime also changes attributes, maxTimestamp and the CRC: those batches are copied.
  constexpr size_t kStampSize = kLeaderEpochPos + 4;
  int64_t next = log_end_offset();
  bool log_append_time = cfg.message_timestamp_type == TimestampType::kLogAppendTime;
  std::vector<BatchPlacement> placements;
  placements.reserve(batches.size());
  std::vector<std::array<uint8_t, kStampSize>> stamps(log_append_time ? 0 : batches.size());
  std::vector<std::vector<uint8_t>> copies(log_append_time ? batches.size() : 0);
  std::vector<iovec> parts;
  parts.reserve(batches.size() * 2);
  int64_t records = 0;
  for (size_t i = 0; i < batches.size(); ++i) {
    const BatchView& b = batches[i];
    std::span<const uint8_t> src = b.bytes();
    if (log_append_time) {
      std::vector<uint8_t>& copy = copies[i];
      copy.assign(src.begin(), src.end());
      SetBaseOffset(copy, next);
      SetPartitionLeaderEpoch(copy, options.leader_epoch);
      SetLogAppendTime(copy, now);
      parts.push_back(iovec{copy.data(), copy.size()});
    } else {
      std::array<uint8_t, kStampSize>& stamp = stamps[i];
      std::memcpy(stamp.data(), src.data(), kStampSize);
      SetBaseOffset(stamp, next);
      SetPartitionLeaderEpoch(stamp, options.leader_epoch);
      parts.push_back(iovec{stamp.data(), kStampSize});
      parts.push_back(iovec{const_cast<uint8_t*>(src.data() + kStampSize), src.size() - kStampSize});
    }
    placements.push_back(BatchPlacement{next, next + b.last_offset_delta(), b.max_timestamp(),
                                        static_cast<uint32_t>(b.size())});
    records += b.records_count();
    next += b.last_offset_delta() + 1;
  }
  AppendResult result;
  result.base_offset = placements.front().base_offset;
  result.last_offset = placements.back().last_offset;
  result.log_append_time = log_append_time ? now : -1;
  result.record_count = static_cast<int32_t>(records);

  Status st = AppendPrepared(parts, placements, records, now, cfg);
  if (!st.ok()) return Refuse(error, AppendError::kStorageError, st.WithContext(Name()));

  // The views still point into `input`: their producer fields are what was stored.
  for (size_t i = 0; i < batches.size(); ++i) {
    const BatchView& b = batches[i];
    if (!b.has_producer_id()) continue;
    producers_.OnBatch(b.producer_id(), b.producer_epoch(), b.base_sequence(), b.last_sequence(),
                       placements[i].base_offset, placements[i].last_offset, log_append_time ? now : b.max_timestamp(),
                       b.is_transactional());
  }
  UpdateLastStableLocked();
  result.log_start_offset = log_start_offset();
  return result;
}

base::Result<AppendResult> PartitionLog::AppendControlMarker(int64_t producer_id, int16_t producer_epoch, bool commit,
                                                             int32_t coordinator_epoch, const AppendOptions& options,
                                                             AppendError* error) {
  if (error) *error = AppendError::kNone;
  LogConfig cfg = config();
  std::lock_guard lock(append_mu_);
  if (closed_) return Refuse(error, AppendError::kStorageError, Status::Unavailable(Name() + ": log is closed"));
  const ProducerEntry* entry = producers_.Find(producer_id);
  if (entry && producer_epoch < entry->epoch) {
    return Refuse(error, AppendError::kInvalidProducerEpoch,
                  Status::InvalidArgument(Name() + ": marker for producer " + std::to_string(producer_id) +
                                          " with epoch " + std::to_string(producer_epoch) +
                                          " older than the current epoch " + std::to_string(entry->epoch)));
  }
  int64_t now = Now(options.now_ms);
  int64_t offset = log_end_offset();
  std::vector<uint8_t> bytes;
  TIDE_RETURN_IF_ERROR(BuildControlBatch(offset, producer_id, producer_epoch,
                                         ControlRecord{commit ? ControlType::kCommit : ControlType::kAbort,
                                                       coordinator_epoch},
                                         now, &bytes));
  SetPartitionLeaderEpoch(bytes, options.leader_epoch);
  std::vector<BatchPlacement> placements{BatchPlacement{offset, offset, now, static_cast<uint32_t>(bytes.size())}};
  iovec part{bytes.data(), bytes.size()};
  Status st = AppendPrepared(std::span<const iovec>(&part, 1), placements, 1, now, cfg);
  if (!st.ok()) return Refuse(error, AppendError::kStorageError, st.WithContext(Name()));
  int64_t first = producers_.OnMarker(producer_id, producer_epoch, coordinator_epoch, offset);
  UpdateLastStableLocked();
  if (!commit && first >= 0) {
    ActiveSegment()->AddAbortedTxn(AbortedTxn{producer_id, first, offset, last_stable_offset()});
  }
  AppendResult r;
  r.base_offset = offset;
  r.last_offset = offset;
  r.record_count = 1;
  r.log_start_offset = log_start_offset();
  return r;
}

Status PartitionLog::MaybeRollLocked(size_t incoming, int64_t last_offset, int64_t now, const LogConfig& cfg) {
  std::shared_ptr<LogSegment> active = ActiveSegment();
  if (active->size() == 0) return Status::OK();
  bool full = active->size() + incoming > static_cast<uint64_t>(cfg.segment_bytes);
  bool old = now - active->roll_base_ms() >= cfg.segment_ms;
  bool index_full = static_cast<int64_t>(active->offset_index_entries() + 1) * 8 > cfg.segment_index_bytes ||
                    static_cast<int64_t>(active->time_index_entries() + 1) * 12 > cfg.segment_index_bytes;
  bool offset_overflow = last_offset - active->base_offset() > std::numeric_limits<int32_t>::max();
  if (!(full || old || index_full || offset_overflow)) return Status::OK();
  // The closed segment is made durable now, so recovery only ever has to check the last one.
  TIDE_RETURN_IF_ERROR(active->Flush());
  int64_t base = log_end_offset();
  TIDE_ASSIGN_OR_RETURN(auto seg, LogSegment::Create(options_.dir, base, cfg.index_interval_bytes, now));
  TIDE_RETURN_IF_ERROR(fileutil::SyncDir(options_.dir));
  std::unique_lock lock(segments_mu_);
  segments_[base] = std::move(seg);
  return Status::OK();
}

Status PartitionLog::AppendPrepared(std::span<const iovec> parts, const std::vector<BatchPlacement>& placements,
                                    int64_t record_count, int64_t now, const LogConfig& cfg) {
  size_t total = 0;
  for (const auto& p : placements) total += p.size;
  TIDE_RETURN_IF_ERROR(MaybeRollLocked(total, placements.back().last_offset, now, cfg));
  std::shared_ptr<LogSegment> active = ActiveSegment();
  TIDE_RETURN_IF_ERROR(active->Append(parts, placements));
  log_end_offset_.store(placements.back().last_offset + 1, std::memory_order_release);
  unflushed_messages_ += record_count;
  if (unflushed_messages_ >= cfg.flush_messages || now - last_flush_ms_ >= cfg.flush_ms) {
    TIDE_RETURN_IF_ERROR(active->Flush());
    unflushed_messages_ = 0;
    last_flush_ms_ = now;
  }
  return Status::OK();
}

base::Result<ReadRegionResult> PartitionLog::ReadRegion(int64_t offset, size_t max_bytes, int64_t max_offset,
                                                        bool min_one_batch) const {
  ReadRegionResult result;
  result.high_watermark = log_end_offset();
  result.log_start_offset = log_start_offset();
  result.last_stable_offset = last_stable_offset();
  if (offset < result.log_start_offset || offset > result.high_watermark) {
    return Status::OutOfRange(Name() + ": offset " + std::to_string(offset) + " is outside the log [" +
                              std::to_string(result.log_start_offset) + ", " + std::to_string(result.high_watermark) +
                              "]");
  }
  int64_t limit = max_offset < 0 ? result.high_watermark : std::min(max_offset, result.high_watermark);
  if (offset >= limit) return result;
  std::vector<std::shared_ptr<LogSegment>> candidates;
  {
    std::shared_lock lock(segments_mu_);
    auto it = segments_.upper_bound(offset);
    if (it != segments_.begin()) --it;
    for (; it != segments_.end(); ++it) candidates.push_back(it->second);
  }
  for (const auto& seg : candidates) {
    TIDE_ASSIGN_OR_RETURN(auto found, seg->FindPosition(offset));
    if (!found) continue;
    // Whole batches below the limit, from the batch holding `offset`.
    TIDE_ASSIGN_OR_RETURN(size_t length, seg->WholeBatchesLength(*found, max_bytes, limit, min_one_batch));
    result.records = LogSegment::Region(seg, *found, length);
    return result;
  }
  return result;
}

base::Result<ReadResult> PartitionLog::Read(int64_t offset, size_t max_bytes, int64_t max_offset,
                                            bool min_one_batch) const {
  TIDE_ASSIGN_OR_RETURN(ReadRegionResult region, ReadRegion(offset, max_bytes, max_offset, min_one_batch));
  ReadResult result;
  result.high_watermark = region.high_watermark;
  result.last_stable_offset = region.last_stable_offset;
  result.log_start_offset = region.log_start_offset;
  if (region.records.length > 0) {
    result.records.resize(region.records.length);
    if (!io::ReadFileRegion(region.records, result.records.data())) {
      return Status::IoError(Name() + ": cannot read " + std::to_string(region.records.length) + " bytes at byte " +
                             std::to_string(region.records.offset) + " of a segment");
    }
  }
  return result;
}

base::Result<TimestampOffset> PartitionLog::OffsetForTimestamp(int64_t ts) const {
  if (ts == -1) return TimestampOffset{log_end_offset(), -1};
  if (ts == -2) return TimestampOffset{log_start_offset(), -1};
  int64_t start = log_start_offset();
  int64_t end = log_end_offset();
  for (const auto& seg : SegmentsSnapshot()) {
    if (seg->next_offset() <= start) continue;
    TIDE_ASSIGN_OR_RETURN(auto found, seg->FindOffsetForTimestamp(ts));
    if (found && found->offset < end) {
      return TimestampOffset{std::max(found->offset, start), found->timestamp};
    }
  }
  return TimestampOffset{-1, -1};
}

std::vector<AbortedTxn> PartitionLog::AbortedTransactions(int64_t fetch_offset, int64_t upper_offset) const {
  std::vector<AbortedTxn> out;
  for (const auto& seg : SegmentsSnapshot()) {
    if (seg->next_offset() <= fetch_offset) continue;
    seg->CollectAbortedTxns(fetch_offset, upper_offset, &out);
  }
  return out;
}

Status PartitionLog::WriteLogStartCheckpoint(int64_t offset) {
  return fileutil::WriteFileAtomic(options_.dir + "/" + kLogStartCheckpoint, std::to_string(offset) + "\n");
}

Status PartitionLog::RemoveSegments(const std::vector<std::shared_ptr<LogSegment>>& victims) {
  if (victims.empty()) return Status::OK();
  int64_t new_start = 0;
  {
    std::unique_lock lock(segments_mu_);
    for (const auto& v : victims) segments_.erase(v->base_offset());
    new_start = segments_.begin()->second->base_offset();
  }
  int64_t cur = log_start_offset();
  while (new_start > cur && !log_start_offset_.compare_exchange_weak(cur, new_start)) {
  }
  TIDE_RETURN_IF_ERROR(WriteLogStartCheckpoint(log_start_offset()));
  // Files go after the map no longer lists them; readers holding a segment still read it.
  for (const auto& v : victims) TIDE_RETURN_IF_ERROR(v->DeleteFiles());
  return Status::OK();
}

base::Result<int64_t> PartitionLog::DeleteRecordsBefore(int64_t offset) {
  std::lock_guard cleaner(cleaner_mu_);
  int64_t hw = high_watermark();
  if (offset < 0 || offset > hw) {
    return Status::OutOfRange(Name() + ": cannot delete records before " + std::to_string(offset) +
                              ": high watermark is " + std::to_string(hw));
  }
  int64_t cur = log_start_offset();
  while (offset > cur && !log_start_offset_.compare_exchange_weak(cur, offset)) {
  }
  TIDE_RETURN_IF_ERROR(WriteLogStartCheckpoint(log_start_offset()));
  auto segs = SegmentsSnapshot();
  std::vector<std::shared_ptr<LogSegment>> victims;
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    if (segs[i + 1]->base_offset() <= log_start_offset()) victims.push_back(segs[i]);
  }
  TIDE_RETURN_IF_ERROR(RemoveSegments(victims));
  return log_start_offset();
}

base::Result<size_t> PartitionLog::RunRetention(int64_t now_ms) {
  LogConfig cfg = config();
  if (!cfg.cleanup_delete) return size_t{0};
  std::lock_guard cleaner(cleaner_mu_);
  auto segs = SegmentsSnapshot();
  if (segs.size() <= 1) return size_t{0};
  uint64_t total = 0;
  for (const auto& s : segs) total += s->size();
  std::vector<std::shared_ptr<LogSegment>> victims;
  // Oldest first, never the active segment, stop at the first one that must stay.
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    const auto& s = segs[i];
    bool too_old = cfg.retention_ms >= 0 && s->max_timestamp() != kNoTimestamp &&
                   now_ms - s->max_timestamp() > cfg.retention_ms;
    bool too_big = cfg.retention_bytes >= 0 && total - s->size() >= static_cast<uint64_t>(cfg.retention_bytes);
    bool below_start = segs[i + 1]->base_offset() <= log_start_offset();
    if (!(too_old || too_big || below_start)) break;
    victims.push_back(s);
    total -= s->size();
  }
  TIDE_RETURN_IF_ERROR(RemoveSegments(victims));
  return victims.size();
}

Status PartitionLog::Flush() {
  std::lock_guard lock(append_mu_);
  if (closed_) return Status::OK();
  TIDE_RETURN_IF_ERROR(ActiveSegment()->Flush());
  unflushed_messages_ = 0;
  last_flush_ms_ = options_.clock_ms();
  return Status::OK();
}

Status PartitionLog::MaybeFlush(int64_t now_ms) {
  LogConfig cfg = config();
  std::lock_guard lock(append_mu_);
  if (closed_ || unflushed_messages_ == 0 || now_ms - last_flush_ms_ < cfg.flush_ms) return Status::OK();
  TIDE_RETURN_IF_ERROR(ActiveSegment()->Flush());
  unflushed_messages_ = 0;
  last_flush_ms_ = now_ms;
  return Status::OK();
}

Status PartitionLog::Close() {
  std::lock_guard lock(append_mu_);
  if (closed_) return Status::OK();
  closed_ = true;
  Status st;
  for (const auto& seg : SegmentsSnapshot()) {
    Status s = seg->Flush();
    if (st.ok()) st = s;
  }
  return st;
}

Status PartitionLog::DeleteFromDisk() {
  {
    std::lock_guard lock(append_mu_);
    closed_ = true;
  }
  return fileutil::RemoveAll(options_.dir);
}

}  // namespace tide::log
