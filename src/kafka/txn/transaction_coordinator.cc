#include "kafka/txn/transaction_coordinator.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "base/logging.h"
#include "kafka/txn/txn_journal.h"
#include "log/file_util.h"

namespace tide::kafka {

using base::Status;

namespace {

constexpr int16_t kNoEpoch = -1;
constexpr int16_t kMaxEpoch = 32767;
constexpr const char* kComponent = "kafka.txn";

// Kafka rotates to a new producer id once the epoch could not be bumped twice more (one bump may
// be needed to fence an ongoing transaction).
bool EpochExhausted(int16_t epoch) { return epoch >= kMaxEpoch - 1; }

// PRODUCER_FENCED exists from the request version given; older clients get INVALID_PRODUCER_EPOCH.
ErrorCode Fenced(int16_t version, int16_t min_version) {
  return version >= min_version ? ErrorCode::kProducerFenced : ErrorCode::kInvalidProducerEpoch;
}

bool IsPrepare(TxnState s) { return s == TxnState::kPrepareCommit || s == TxnState::kPrepareAbort; }
bool IsIdle(TxnState s) {
  return s == TxnState::kEmpty || s == TxnState::kCompleteCommit || s == TxnState::kCompleteAbort;
}

std::string SnapshotPath(const std::string& dir) { return dir + "/snapshot"; }
std::string JournalPath(const std::string& dir) { return dir + "/journal"; }

// Compact the journal once it holds this many records and several times the live ids.
constexpr uint64_t kCompactMinRecords = 1000;
constexpr uint64_t kCompactRatio = 4;

}  // namespace

std::string_view TxnStateName(TxnState state) {
  switch (state) {
    case TxnState::kEmpty: return "Empty";
    case TxnState::kOngoing: return "Ongoing";
    case TxnState::kPrepareCommit: return "PrepareCommit";
    case TxnState::kPrepareAbort: return "PrepareAbort";
    case TxnState::kCompleteCommit: return "CompleteCommit";
    case TxnState::kCompleteAbort: return "CompleteAbort";
    case TxnState::kDead: return "Dead";
  }
  return "Unknown";
}

TransactionCoordinator::TransactionCoordinator(io::EventLoop* loop, ProducerIdManager* ids,
                                               base::MetricsRegistry* metrics, TransactionCoordinatorOptions options)
    : loop_(loop), ids_(ids), options_(std::move(options)) {
  if (metrics == nullptr) {
    own_metrics_ = std::make_unique<base::MetricsRegistry>();
    metrics = own_metrics_.get();
  }
  state_gauge_ = &metrics->AddGauge("tide_kafka_txn_transactions", "Transactional ids by transaction state", {"state"});
  commits_ = &metrics->AddCounter("tide_kafka_txn_commits_total", "Transactions committed").Get();
  aborts_ = &metrics->AddCounter("tide_kafka_txn_aborts_total", "Transactions aborted (by clients, fencing or timeout)").Get();
  timed_out_ = &metrics->AddCounter("tide_kafka_txn_timed_out_aborts_total",
                                    "Transactions aborted by the coordinator because they exceeded their timeout")
                    .Get();
  UpdateGauges();
}

TransactionCoordinator::~TransactionCoordinator() { (void)Close(); }

int64_t TransactionCoordinator::NowMs() const {
  if (options_.clock_ms) return options_.clock_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void TransactionCoordinator::UpdateGauges() {
  std::map<TxnState, int64_t> counts;
  for (const auto& [id, e] : entries_) counts[e.meta.state]++;
  for (uint8_t s = 0; s <= static_cast<uint8_t>(TxnState::kDead); ++s) {
    auto state = static_cast<TxnState>(s);
    state_gauge_->WithLabels({std::string(TxnStateName(state))}).Set(static_cast<double>(counts[state]));
  }
}

// ---- persistence ----------------------------------------------------------------------------

Status TransactionCoordinator::LoadFile(const std::string& path, bool is_journal) {
  if (!log::fileutil::Exists(path)) return Status::OK();
  std::string data;
  TIDE_RETURN_IF_ERROR(log::fileutil::ReadFile(path, &data));
  size_t valid = 0;
  std::string problem;
  auto records = txnjournal::ParseRecords(data, &valid, &problem);
  if (!problem.empty()) {
    // The snapshot is replaced atomically, so damage there is real corruption; the journal's tail
    // may simply be a write cut short by a crash.
    if (!is_journal) return Status::Corruption(path + ": " + problem);
    base::LogWarn(kComponent, "truncating the transaction journal's damaged tail",
                  {{"path", path}, {"problem", problem}, {"kept_bytes", static_cast<int64_t>(valid)},
                   {"dropped_bytes", static_cast<int64_t>(data.size() - valid)}});
  }
  for (auto& rec : records) {
    if (rec.kind == txnjournal::RecordKind::kDelete) {
      entries_.erase(rec.meta.transactional_id);
    } else {
      std::string id = rec.meta.transactional_id;
      entries_[id].meta = std::move(rec.meta);
    }
  }
  return Status::OK();
}

Status TransactionCoordinator::WriteSnapshotAndResetJournal() {
  std::string data;
  for (const auto& [id, e] : entries_) data += txnjournal::Frame(txnjournal::EncodeUpsert(e.meta));
  const std::string snapshot = SnapshotPath(options_.state_dir);
  const std::string journal = JournalPath(options_.state_dir);
  TIDE_RETURN_IF_ERROR(log::fileutil::WriteFileAtomic(snapshot, data));
  // From here the snapshot holds everything; replaying an old journal over it would be harmless
  // (every record is a whole state), so a crash before the truncation below loses nothing.
  if (journal_fd_ >= 0) {
    ::close(journal_fd_);
    journal_fd_ = -1;
  }
  journal_broken_ = true;  // until the fresh journal is open
  int fd = ::open(journal.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "open " + journal);
  if (::fsync(fd) != 0) {
    Status st = Status::FromErrno(errno, "fsync " + journal);
    ::close(fd);
    return st;
  }
  TIDE_RETURN_IF_ERROR(log::fileutil::SyncDir(options_.state_dir));
  journal_fd_ = fd;
  journal_size_ = 0;
  journal_records_ = 0;
  journal_broken_ = false;
  return Status::OK();
}

Status TransactionCoordinator::AppendJournal(const std::string& payload) {
  if (journal_broken_ || journal_fd_ < 0) {
    // The in-memory state is exactly what was persisted so far; write it out whole first.
    TIDE_RETURN_IF_ERROR(WriteSnapshotAndResetJournal());
  }
  const std::string path = JournalPath(options_.state_dir);
  std::string frame = txnjournal::Frame(payload);
  Status st = log::fileutil::PwriteAll(
      journal_fd_, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(frame.data()), frame.size()),
      journal_size_, path);
  if (st.ok() && ::fdatasync(journal_fd_) != 0) st = Status::FromErrno(errno, "fdatasync " + path);
  if (!st.ok()) {
    // Take the half-written record back so later records are not hidden behind it on replay.
    if (::ftruncate(journal_fd_, static_cast<off_t>(journal_size_)) != 0) journal_broken_ = true;
    return st;
  }
  journal_size_ += frame.size();
  journal_records_++;
  return Status::OK();
}

void TransactionCoordinator::MaybeCompact() {
  if (journal_records_ < kCompactMinRecords || journal_records_ < kCompactRatio * entries_.size()) return;
  Status st = WriteSnapshotAndResetJournal();
  if (!st.ok()) base::LogWarn(kComponent, "cannot compact the transaction journal", {{"error", st.ToString()}});
}

Status TransactionCoordinator::Commit(Entry* entry, TransactionMetadata next) {
  next.last_update_ms = NowMs();
  TIDE_RETURN_IF_ERROR(AppendJournal(txnjournal::EncodeUpsert(next)));
  entry->meta = std::move(next);
  UpdateGauges();
  MaybeCompact();
  return Status::OK();
}

// ---- lifecycle ------------------------------------------------------------------------------

Status TransactionCoordinator::Open() {
  if (open_) return Status::OK();
  if (options_.state_dir.empty()) return Status::InvalidArgument("transaction coordinator: state_dir is empty");
  TIDE_RETURN_IF_ERROR(log::fileutil::CreateDirs(options_.state_dir));
  entries_.clear();
  TIDE_RETURN_IF_ERROR(LoadFile(SnapshotPath(options_.state_dir), false));
  TIDE_RETURN_IF_ERROR(LoadFile(JournalPath(options_.state_dir), true));
  // Fold the journal (and drop a torn tail) so the new journal starts clean.
  TIDE_RETURN_IF_ERROR(WriteSnapshotAndResetJournal().WithContext("transaction coordinator"));
  UpdateGauges();
  open_ = true;
  std::vector<std::string> unfinished;
  for (auto& [id, e] : entries_) {
    if (IsPrepare(e.meta.state)) {
      e.markers_pending = e.meta.partitions;
      unfinished.push_back(id);
    }
  }
  if (!unfinished.empty()) {
    base::LogInfo(kComponent, "completing transactions left in Prepare state",
                  {{"count", static_cast<int64_t>(unfinished.size())}});
  }
  for (const auto& id : unfinished) DriveCompletion(id);
  ScheduleCheck();
  return Status::OK();
}

Status TransactionCoordinator::Close() {
  if (!open_) return Status::OK();
  open_ = false;
  if (check_timer_ != 0) loop_->CancelTimer(check_timer_);
  if (retry_timer_ != 0) loop_->CancelTimer(retry_timer_);
  check_timer_ = retry_timer_ = 0;
  std::vector<std::function<void(bool)>> waiters;
  for (auto& [id, e] : entries_) {
    for (auto& w : e.waiters) waiters.push_back(std::move(w));
    e.waiters.clear();
  }
  for (auto& w : waiters) w(false);
  Status st;
  if (journal_fd_ >= 0 && ::close(journal_fd_) != 0) st = Status::FromErrno(errno, "close transaction journal");
  journal_fd_ = -1;
  entries_.clear();
  UpdateGauges();
  return st;
}

void TransactionCoordinator::ScheduleCheck() {
  if (!open_ || check_timer_ != 0) return;
  check_timer_ = loop_->RunAfter(std::max<int32_t>(1, options_.abort_check_interval_ms), [this] {
    check_timer_ = 0;
    CheckExpired();
    ScheduleCheck();
  });
}

void TransactionCoordinator::ScheduleRetry() {
  if (!open_ || retry_timer_ != 0) return;
  int64_t delay = std::clamp<int64_t>(options_.abort_check_interval_ms, 10, 1000);
  retry_timer_ = loop_->RunAfter(delay, [this] {
    retry_timer_ = 0;
    std::vector<std::string> ids;
    for (const auto& [id, e] : entries_) {
      if (IsPrepare(e.meta.state)) ids.push_back(id);
    }
    for (const auto& id : ids) DriveCompletion(id);
  });
}

// ---- completing transactions ----------------------------------------------------------------

Status TransactionCoordinator::BeginCompletion(Entry* entry, bool commit, int16_t marker_epoch) {
  TransactionMetadata next = entry->meta;
  next.state = commit ? TxnState::kPrepareCommit : TxnState::kPrepareAbort;
  if (marker_epoch != next.producer_epoch) {
    // A fencing bump: remember the epoch it replaced so that producer's KIP-360 InitProducerId
    // (carrying that epoch) is recognised rather than fenced.
    next.last_producer_id = next.producer_id;
    next.last_producer_epoch = next.producer_epoch;
    next.producer_epoch = marker_epoch;
  }
  TIDE_RETURN_IF_ERROR(Commit(entry, std::move(next)));
  entry->markers_pending = entry->meta.partitions;
  return Status::OK();
}

bool TransactionCoordinator::DriveCompletion(const std::string& id) {
  auto it = entries_.find(id);
  if (it == entries_.end() || !IsPrepare(it->second.meta.state)) return true;
  Entry& e = it->second;
  const bool commit = e.meta.state == TxnState::kPrepareCommit;
  const int64_t pid = e.meta.producer_id;
  const int16_t epoch = e.meta.producer_epoch;
  bool failed = false;
  bool wrote = false;
  for (auto pit = e.markers_pending.begin(); pit != e.markers_pending.end();) {
    const auto& [topic, partition] = *pit;
    std::shared_ptr<log::PartitionLog> plog = options_.partition ? options_.partition(topic, partition) : nullptr;
    if (!plog) {
      // Deleted since it joined the transaction: nothing left to mark (Kafka skips it too).
      base::LogWarn(kComponent, "skipping transaction marker for a partition that no longer exists",
                    {{"transactional_id", id}, {"topic", topic}, {"partition", partition}});
      pit = e.markers_pending.erase(pit);
      continue;
    }
    log::AppendError err = log::AppendError::kNone;
    auto r = plog->AppendControlMarker(pid, epoch, commit, /*coordinator_epoch=*/0, {}, &err);
    if (!r.ok() && err == log::AppendError::kInvalidProducerEpoch) {
      // The log already saw a newer epoch of this producer, which ended this transaction there.
      base::LogWarn(kComponent, "partition refused a stale transaction marker",
                    {{"transactional_id", id}, {"error", r.status().ToString()}});
      pit = e.markers_pending.erase(pit);
      continue;
    }
    if (r.ok()) {
      wrote = true;
      // Only a marker on disk may be forgotten: once Complete* is persisted nothing would write it
      // again, and a lost marker would hold the partition's last stable offset back forever.
      Status fs = plog->Flush();
      if (fs.ok()) {
        pit = e.markers_pending.erase(pit);
        continue;
      }
      r = fs;
    }
    base::LogWarn(kComponent, "cannot write transaction marker; will retry",
                  {{"transactional_id", id}, {"topic", topic}, {"partition", partition},
                   {"error", r.status().ToString()}});
    failed = true;
    ++pit;
  }
  if (wrote && options_.markers_written) options_.markers_written();
  if (failed) {
    ScheduleRetry();
    return false;
  }
  if (options_.complete_group_offsets) options_.complete_group_offsets(pid, commit);
  TransactionMetadata next = e.meta;
  next.state = commit ? TxnState::kCompleteCommit : TxnState::kCompleteAbort;
  next.partitions.clear();
  next.groups.clear();
  next.txn_start_ms = -1;
  Status st = Commit(&e, std::move(next));
  if (!st.ok()) {
    base::LogWarn(kComponent, "cannot persist transaction completion; will retry",
                  {{"transactional_id", id}, {"error", st.ToString()}});
    ScheduleRetry();
    return false;
  }
  (commit ? commits_ : aborts_)->Increment();
  auto waiters = std::move(e.waiters);
  e.waiters.clear();
  for (auto& w : waiters) w(true);
  return true;
}

void TransactionCoordinator::CheckExpired() {
  if (!open_) return;
  const int64_t now = NowMs();
  std::vector<std::string> timed_out, expired;
  for (const auto& [id, e] : entries_) {
    const auto& m = e.meta;
    if (m.state == TxnState::kOngoing && m.txn_start_ms >= 0 && m.txn_start_ms + m.timeout_ms < now) {
      timed_out.push_back(id);
    } else if (IsIdle(m.state) && e.waiters.empty() && options_.transactional_id_expiration_ms >= 0 &&
               now - m.last_update_ms > options_.transactional_id_expiration_ms) {
      expired.push_back(id);
    }
  }
  for (const auto& id : timed_out) {
    Entry& e = entries_[id];
    // Bump the epoch so the producer that let the transaction time out is fenced, in the
    // coordinator and (through the marker's epoch) in every partition log.
    int16_t fence = e.meta.producer_epoch < kMaxEpoch ? static_cast<int16_t>(e.meta.producer_epoch + 1)
                                                       : e.meta.producer_epoch;
    base::LogInfo(kComponent, "aborting transaction that exceeded its timeout",
                  {{"transactional_id", id}, {"producer_id", e.meta.producer_id},
                   {"timeout_ms", e.meta.timeout_ms}});
    Status st = BeginCompletion(&e, /*commit=*/false, fence);
    if (!st.ok()) {
      base::LogWarn(kComponent, "cannot abort timed-out transaction", {{"transactional_id", id}, {"error", st.ToString()}});
      continue;
    }
    timed_out_->Increment();
    DriveCompletion(id);
  }
  for (const auto& id : expired) {
    Status st = AppendJournal(txnjournal::EncodeDelete(id));
    if (!st.ok()) {
      base::LogWarn(kComponent, "cannot expire transactional id", {{"transactional_id", id}, {"error", st.ToString()}});
      continue;
    }
    base::LogInfo(kComponent, "expired idle transactional id", {{"transactional_id", id}});
    entries_.erase(id);
  }
  if (!expired.empty()) UpdateGauges();
}

// ---- requests -------------------------------------------------------------------------------

void TransactionCoordinator::BumpForInit(Entry* entry, std::optional<std::pair<int64_t, int16_t>> expected,
                                         int32_t timeout_ms, int16_t version, std::optional<int16_t> pre_fence_epoch,
                                         InitProducerIdResponse* resp) {
  const TransactionMetadata& m = entry->meta;
  TransactionMetadata next = m;
  next.timeout_ms = timeout_ms;
  next.state = TxnState::kEmpty;
  next.partitions.clear();
  next.groups.clear();
  next.txn_start_ms = -1;
  if (EpochExhausted(m.producer_epoch) && (!expected || expected->second == m.producer_epoch)) {
    auto pid = ids_->Next();
    if (!pid.ok()) {
      base::LogError(kComponent, "cannot allocate a producer id", {{"error", pid.status().ToString()}});
      resp->error_code = ErrorCode::kCoordinatorNotAvailable;
      return;
    }
    next.last_producer_id = m.producer_id;
    next.last_producer_epoch = expected ? m.producer_epoch : kNoEpoch;
    next.producer_id = *pid;
    next.producer_epoch = 0;
  } else if (!expected) {
    // A new producer instance: fence every older one, including KIP-360 retries of theirs.
    next.last_producer_id = m.producer_id;
    next.last_producer_epoch = kNoEpoch;
    next.producer_epoch = static_cast<int16_t>(m.producer_epoch + 1);
  } else if (m.producer_epoch == kNoEpoch || expected->second == m.producer_epoch) {
    next.last_producer_id = m.producer_id;
    next.last_producer_epoch = pre_fence_epoch.value_or(m.producer_epoch);
    next.producer_epoch = static_cast<int16_t>(m.producer_epoch + 1);
  } else if (expected->second == m.last_producer_epoch) {
    // A retry of a bump that already happened (its answer was lost): hand out the same values.
  } else {
    resp->error_code = Fenced(version, 4);
    return;
  }
  Status st = Commit(entry, std::move(next));
  if (!st.ok()) {
    base::LogError(kComponent, "cannot persist transaction state", {{"error", st.ToString()}});
    resp->error_code = ErrorCode::kCoordinatorNotAvailable;
    return;
  }
  resp->error_code = ErrorCode::kNone;
  resp->producer_id = entry->meta.producer_id;
  resp->producer_epoch = entry->meta.producer_epoch;
}

void TransactionCoordinator::InitProducerId(const InitProducerIdRequest& req, int16_t version,
                                            std::function<void(InitProducerIdResponse)> done) {
  InitProducerIdResponse resp;
  resp.producer_id = -1;
  resp.producer_epoch = kNoEpoch;
  auto fail = [&](ErrorCode ec) {
    resp.error_code = ec;
    done(resp);
  };
  if (!open_) return fail(ErrorCode::kCoordinatorNotAvailable);
  if (!req.transactional_id) {
    // Idempotent producer: a fresh id, nothing to remember.
    auto pid = ids_->Next();
    if (!pid.ok()) return fail(ErrorCode::kCoordinatorNotAvailable);
    resp.producer_id = *pid;
    resp.producer_epoch = 0;
    return done(resp);
  }
  const std::string& id = *req.transactional_id;
  if (id.empty()) return fail(ErrorCode::kInvalidRequest);
  if (req.transaction_timeout_ms <= 0 || req.transaction_timeout_ms > options_.transaction_max_timeout_ms) {
    return fail(ErrorCode::kInvalidTransactionTimeout);
  }
  std::optional<std::pair<int64_t, int16_t>> expected;
  if (version >= 3 && req.producer_id >= 0) expected.emplace(req.producer_id, req.producer_epoch);

  auto it = entries_.find(id);
  bool created = false;
  if (it == entries_.end()) {
    auto pid = ids_->Next();
    if (!pid.ok()) {
      base::LogError(kComponent, "cannot allocate a producer id", {{"error", pid.status().ToString()}});
      return fail(ErrorCode::kCoordinatorNotAvailable);
    }
    Entry fresh;
    fresh.meta.transactional_id = id;
    fresh.meta.producer_id = *pid;
    fresh.meta.producer_epoch = kNoEpoch;
    fresh.meta.timeout_ms = req.transaction_timeout_ms;
    it = entries_.emplace(id, std::move(fresh)).first;
    created = true;
  }
  Entry& e = it->second;
  const TransactionMetadata& m = e.meta;
  if (expected) {
    bool valid_pid = m.producer_epoch == kNoEpoch || expected->first == m.producer_id ||
                     (expected->first == m.last_producer_id && EpochExhausted(expected->second));
    if (!valid_pid) return fail(Fenced(version, 4));
  }
  switch (m.state) {
    case TxnState::kPrepareCommit:
    case TxnState::kPrepareAbort:
      return fail(ErrorCode::kConcurrentTransactions);
    case TxnState::kDead:
      return fail(ErrorCode::kConcurrentTransactions);
    case TxnState::kOngoing: {
      // A fenced instance must not be able to abort the current producer's transaction.
      if (expected && (expected->first != m.producer_id || expected->second != m.producer_epoch)) {
        return fail(Fenced(version, 4));
      }
      const int16_t pre_fence = m.producer_epoch;
      const int16_t fence = pre_fence < kMaxEpoch ? static_cast<int16_t>(pre_fence + 1) : pre_fence;
      Status st = BeginCompletion(&e, /*commit=*/false, fence);
      if (!st.ok()) {
        base::LogError(kComponent, "cannot persist transaction state", {{"error", st.ToString()}});
        return fail(ErrorCode::kCoordinatorNotAvailable);
      }
      int32_t timeout = req.transaction_timeout_ms;
      e.waiters.push_back([this, id, expected, timeout, version, pre_fence, done](bool ok) {
        InitProducerIdResponse r;
        r.producer_id = -1;
        r.producer_epoch = kNoEpoch;
        auto found = entries_.find(id);
        if (!ok || found == entries_.end()) {
          r.error_code = ErrorCode::kCoordinatorNotAvailable;
          return done(r);
        }
        // The fencing epoch now stands in for the one the caller knew.
        std::optional<std::pair<int64_t, int16_t>> exp;
        if (expected) exp.emplace(found->second.meta.producer_id, found->second.meta.producer_epoch);
        BumpForInit(&found->second, exp, timeout, version, expected ? std::optional<int16_t>(pre_fence) : std::nullopt,
                    &r);
        done(r);
      });
      DriveCompletion(id);
      return;
    }
    case TxnState::kEmpty:
    case TxnState::kCompleteCommit:
    case TxnState::kCompleteAbort:
      break;
  }
  BumpForInit(&e, expected, req.transaction_timeout_ms, version, std::nullopt, &resp);
  if (created && resp.error_code != ErrorCode::kNone) {
    entries_.erase(id);  // never persisted
    UpdateGauges();
  }
  done(resp);
}

ErrorCode TransactionCoordinator::CheckCurrent(const std::string& id, int64_t producer_id, int16_t producer_epoch,
                                               int16_t version, int16_t fenced_min_version) const {
  if (!open_) return ErrorCode::kCoordinatorNotAvailable;
  if (id.empty()) return ErrorCode::kInvalidRequest;
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.meta.producer_id != producer_id) return ErrorCode::kInvalidProducerIdMapping;
  if (it->second.meta.producer_epoch != producer_epoch) return Fenced(version, fenced_min_version);
  if (IsPrepare(it->second.meta.state)) return ErrorCode::kConcurrentTransactions;
  if (it->second.meta.state == TxnState::kDead) return ErrorCode::kInvalidProducerIdMapping;
  return ErrorCode::kNone;
}

Status TransactionCoordinator::AddToTransaction(Entry* entry,
                                                const std::vector<std::pair<std::string, int32_t>>& partitions,
                                                const std::string* group) {
  const TransactionMetadata& m = entry->meta;
  bool all_present = m.state == TxnState::kOngoing && (group == nullptr || m.groups.count(*group) > 0);
  for (const auto& tp : partitions) all_present = all_present && m.partitions.count(tp) > 0;
  if (all_present) return Status::OK();  // a retry: nothing to persist
  TransactionMetadata next = m;
  if (next.state != TxnState::kOngoing) {
    next.state = TxnState::kOngoing;
    next.partitions.clear();
    next.groups.clear();
    next.txn_start_ms = NowMs();
  }
  for (const auto& tp : partitions) next.partitions.insert(tp);
  if (group) next.groups.insert(*group);
  return Commit(entry, std::move(next));
}

AddPartitionsToTxnResponse TransactionCoordinator::AddPartitionsToTxn(const AddPartitionsToTxnRequest& req,
                                                                      int16_t version) {
  AddPartitionsToTxnResponse resp;
  std::vector<std::pair<std::string, int32_t>> partitions;
  bool any_unknown = false;
  for (const auto& t : req.topics) {
    AddPartitionsToTxnResponse::AddPartitionsToTxnTopicResult tr;
    tr.name = t.name;
    for (int32_t p : t.partitions) {
      bool exists = open_ && options_.partition && options_.partition(t.name, p) != nullptr;
      any_unknown = any_unknown || (open_ && !exists);
      tr.results.push_back({p, exists ? ErrorCode::kNone : ErrorCode::kUnknownTopicOrPartition});
      partitions.emplace_back(t.name, p);
    }
    resp.results.push_back(std::move(tr));
  }
  auto fill = [&](ErrorCode ec) {
    for (auto& tr : resp.results) {
      for (auto& pr : tr.results) pr.error_code = ec;
    }
  };
  if (any_unknown) {
    // All or nothing: the partitions that exist were not added either.
    for (auto& tr : resp.results) {
      for (auto& pr : tr.results) {
        if (pr.error_code == ErrorCode::kNone) pr.error_code = ErrorCode::kOperationNotAttempted;
      }
    }
    return resp;
  }
  ErrorCode ec = CheckCurrent(req.transactional_id, req.producer_id, req.producer_epoch, version, 2);
  if (ec != ErrorCode::kNone) {
    fill(ec);
    return resp;
  }
  Status st = AddToTransaction(&entries_[req.transactional_id], partitions, nullptr);
  if (!st.ok()) {
    base::LogError(kComponent, "cannot persist transaction state", {{"error", st.ToString()}});
    fill(ErrorCode::kCoordinatorNotAvailable);
    return resp;
  }
  fill(ErrorCode::kNone);
  return resp;
}

AddOffsetsToTxnResponse TransactionCoordinator::AddOffsetsToTxn(const AddOffsetsToTxnRequest& req, int16_t version) {
  AddOffsetsToTxnResponse resp;
  resp.error_code = CheckCurrent(req.transactional_id, req.producer_id, req.producer_epoch, version, 2);
  if (resp.error_code != ErrorCode::kNone) return resp;
  if (req.group_id.empty()) {
    resp.error_code = ErrorCode::kInvalidGroupId;
    return resp;
  }
  Status st = AddToTransaction(&entries_[req.transactional_id], {}, &req.group_id);
  if (!st.ok()) {
    base::LogError(kComponent, "cannot persist transaction state", {{"error", st.ToString()}});
    resp.error_code = ErrorCode::kCoordinatorNotAvailable;
  }
  return resp;
}

void TransactionCoordinator::EndTxn(const EndTxnRequest& req, int16_t version, std::function<void(EndTxnResponse)> done) {
  EndTxnResponse resp;
  auto answer = [&](ErrorCode ec) {
    resp.error_code = ec;
    done(resp);
  };
  if (!open_) return answer(ErrorCode::kCoordinatorNotAvailable);
  if (req.transactional_id.empty()) return answer(ErrorCode::kInvalidRequest);
  auto it = entries_.find(req.transactional_id);
  if (it == entries_.end() || it->second.meta.producer_id != req.producer_id) {
    return answer(ErrorCode::kInvalidProducerIdMapping);
  }
  Entry& e = it->second;
  if (e.meta.producer_epoch != req.producer_epoch) return answer(Fenced(version, 2));
  const bool commit = req.committed;
  switch (e.meta.state) {
    case TxnState::kOngoing: {
      Status st = BeginCompletion(&e, commit, e.meta.producer_epoch);
      if (!st.ok()) {
        base::LogError(kComponent, "cannot persist transaction state", {{"error", st.ToString()}});
        return answer(ErrorCode::kCoordinatorNotAvailable);
      }
      e.waiters.push_back([done](bool ok) {
        EndTxnResponse r;
        r.error_code = ok ? ErrorCode::kNone : ErrorCode::kCoordinatorNotAvailable;
        done(r);
      });
      DriveCompletion(req.transactional_id);
      return;
    }
    case TxnState::kCompleteCommit:
      // The same outcome again is a retry whose answer was lost.
      return answer(commit ? ErrorCode::kNone : ErrorCode::kInvalidTxnState);
    case TxnState::kCompleteAbort:
      return answer(commit ? ErrorCode::kInvalidTxnState : ErrorCode::kNone);
    case TxnState::kPrepareCommit:
      return answer(commit ? ErrorCode::kConcurrentTransactions : ErrorCode::kInvalidTxnState);
    case TxnState::kPrepareAbort:
      return answer(commit ? ErrorCode::kInvalidTxnState : ErrorCode::kConcurrentTransactions);
    case TxnState::kEmpty:
    case TxnState::kDead:
      return answer(ErrorCode::kInvalidTxnState);
  }
  answer(ErrorCode::kInvalidTxnState);
}

ErrorCode TransactionCoordinator::CheckProducer(const std::string& id, int64_t producer_id, int16_t producer_epoch,
                                                const Entry** entry) const {
  if (!open_) return ErrorCode::kCoordinatorNotAvailable;
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.meta.producer_id != producer_id) return ErrorCode::kInvalidProducerIdMapping;
  if (it->second.meta.producer_epoch != producer_epoch) return ErrorCode::kInvalidProducerEpoch;
  if (it->second.meta.state != TxnState::kOngoing) return ErrorCode::kInvalidTxnState;
  *entry = &it->second;
  return ErrorCode::kNone;
}

ErrorCode TransactionCoordinator::CheckTransactionalProduce(const std::string& transactional_id, int64_t producer_id,
                                                            int16_t producer_epoch, const std::string& topic,
                                                            int32_t partition) const {
  const Entry* e = nullptr;
  ErrorCode ec = CheckProducer(transactional_id, producer_id, producer_epoch, &e);
  if (ec != ErrorCode::kNone) return ec;
  return e->meta.partitions.count({topic, partition}) ? ErrorCode::kNone : ErrorCode::kInvalidTxnState;
}

ErrorCode TransactionCoordinator::CheckTxnOffsetCommit(const std::string& transactional_id, int64_t producer_id,
                                                       int16_t producer_epoch, const std::string& group_id) const {
  const Entry* e = nullptr;
  ErrorCode ec = CheckProducer(transactional_id, producer_id, producer_epoch, &e);
  if (ec != ErrorCode::kNone) return ec;
  return e->meta.groups.count(group_id) ? ErrorCode::kNone : ErrorCode::kInvalidTxnState;
}

std::optional<TransactionMetadata> TransactionCoordinator::Describe(const std::string& transactional_id) const {
  auto it = entries_.find(transactional_id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.meta;
}

}  // namespace tide::kafka
