// TransactionCoordinator: Kafka's transaction coordinator for Tide's single-broker cluster, after
// Apache Kafka's TransactionCoordinator / TransactionStateManager / TransactionMetadata.
//
// Per transactional id the coordinator keeps the producer id and epoch it handed out, the state
// of the current transaction and the partitions and consumer groups it touched:
//
//   Empty ──AddPartitions/AddOffsets──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──▶ CompleteCommit
//                                          │    ──EndTxn(abort) / timeout / re-init──▶ PrepareAbort ──▶ CompleteAbort
//   Complete* ──AddPartitions/AddOffsets──▶ Ongoing
//   Empty / Complete* idle longer than transactional_id_expiration_ms ──▶ Dead (forgotten)
//
// Because this broker leads every partition, ending a transaction writes the commit/abort
// control markers straight into the local partition logs (no WriteTxnMarkers RPC):
//   1. persist Prepare* (journal fsync), 2. AppendControlMarker on every partition of the
//   transaction, then Flush those logs, 3. complete_group_offsets(producer_id, commit),
//   4. persist Complete*, 5. markers_written(), 6. answer the client.
// If a marker cannot be written (disk error) the transaction stays in Prepare* and the
// coordinator retries from a timer; requests for that id get CONCURRENT_TRANSACTIONS meanwhile
// and the waiting EndTxn / InitProducerId is answered only once every marker is in its log.
//
// Fencing: InitProducerId on an id bumps the epoch (a new producer id once the epoch reaches
// Short.MAX - 1), so requests carrying the old epoch fail with PRODUCER_FENCED (mapped to
// INVALID_PRODUCER_EPOCH for request versions that predate it, as Kafka does). If the id had an
// Ongoing transaction, it is first aborted with a fencing epoch (epoch + 1) so the markers also
// fence the old producer in the partition logs; the answer then carries epoch + 2.
// A transaction Ongoing for longer than its timeout is aborted the same way by a periodic check
// (every abort_check_interval_ms), leaving the coordinator at the fencing epoch.
//
// Restart: Open() reloads every id with its producer id/epoch. Prepare* transactions are
// completed (markers written again — a duplicate marker is harmless to the log). Ongoing
// transactions are KEPT with their original start time, as Kafka does: the producer may still
// commit them, and the timeout check aborts them if it does not.
//
// Persistence (state_dir): `snapshot` (all ids, replaced by write-temp + fsync + rename) and
// `journal` (append-only, fsync per change). Both hold the same records:
//   u32 payload length | u32 CRC32C(payload) | payload
//   payload = u8 kind (1 upsert, 2 delete) | u16 id length | id bytes | [upsert only:]
//             i64 producer_id | i16 producer_epoch | i64 last_producer_id | i16 last_producer_epoch
//             | i32 timeout_ms | u8 state | i64 txn_start_ms | i64 last_update_ms
//             | u32 #partitions { u16 topic length | topic | i32 partition } | u32 #groups { u16 len | group }
// (integers big-endian). Every upsert carries the id's whole state, so replaying the journal over
// the snapshot is idempotent; the journal is folded into a new snapshot on Open and when it grows
// past a few times the number of live ids. A torn or corrupt journal tail (crash mid-write) is
// truncated with a warning; a corrupt snapshot fails Open with Corruption.
//
// Thread-safety: single-threaded. Every method, and Open/Close, runs on `loop`'s thread (or
// before the loop runs); timers use loop->RunAfter. Callbacks are called exactly once, on the
// loop thread (possibly before the method returns). Disk writes (journal fsync, marker appends,
// log flushes) happen synchronously on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/metrics.h"
#include "base/result.h"
#include "io/event_loop.h"
#include "kafka/protocol/add_offsets_to_txn.h"
#include "kafka/protocol/add_partitions_to_txn.h"
#include "kafka/protocol/end_txn.h"
#include "kafka/protocol/error_codes.h"
#include "kafka/protocol/init_producer_id.h"
#include "kafka/server/producer_ids.h"
#include "log/partition_log.h"

namespace tide::kafka {

struct TransactionCoordinatorOptions {
  std::string state_dir;                          // <data_dir>/meta/transactions
  int32_t transaction_max_timeout_ms = 900000;    // transaction.max.timeout.ms
  int64_t transactional_id_expiration_ms = 7 * 24 * 3600 * 1000LL;  // transactional.id.expiration.ms
  int32_t abort_check_interval_ms = 10000;        // how often expired transactions are looked for
  // The partition log, or nullptr when the topic/partition does not exist.
  std::function<std::shared_ptr<log::PartitionLog>(const std::string& topic, int32_t partition)> partition;
  // Completes the group coordinator's pending transactional offsets of this producer.
  std::function<void(int64_t producer_id, bool commit)> complete_group_offsets;
  // Called after markers were appended (the broker wakes long-polling read_committed fetches).
  std::function<void()> markers_written;
  // Wall clock in milliseconds since the epoch (transaction start and expiry); system clock when
  // empty. Tests may inject one.
  std::function<int64_t()> clock_ms;
};

enum class TxnState : uint8_t {
  kEmpty = 0,
  kOngoing = 1,
  kPrepareCommit = 2,
  kPrepareAbort = 3,
  kCompleteCommit = 4,
  kCompleteAbort = 5,
  kDead = 6,
};
std::string_view TxnStateName(TxnState state);

// What the coordinator knows about one transactional id (exposed for tests and tools).
struct TransactionMetadata {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  // The producer id/epoch before the last bump: a KIP-360 InitProducerId retry that carries
  // them gets the current values back instead of a second bump. -1 when a fresh producer fenced.
  int64_t last_producer_id = -1;
  int16_t last_producer_epoch = -1;
  int32_t timeout_ms = 60000;
  TxnState state = TxnState::kEmpty;
  std::set<std::pair<std::string, int32_t>> partitions;  // of the current transaction
  std::set<std::string> groups;                          // added with AddOffsetsToTxn
  int64_t txn_start_ms = -1;     // when the current transaction became Ongoing
  int64_t last_update_ms = -1;
  bool operator==(const TransactionMetadata&) const = default;
};

class TransactionCoordinator {
 public:
  TransactionCoordinator(io::EventLoop* loop, ProducerIdManager* ids, base::MetricsRegistry* metrics,
                         TransactionCoordinatorOptions options);
  ~TransactionCoordinator();
  TransactionCoordinator(const TransactionCoordinator&) = delete;
  TransactionCoordinator& operator=(const TransactionCoordinator&) = delete;

  // Loads the persisted state (creating state_dir), completes Prepare* transactions and starts
  // the timeout/expiry timer. `options.partition` must already resolve the existing partition
  // logs (open the log manager first): a Prepare* transaction's markers are written here. A marker
  // that cannot be written is retried from a timer; Open still succeeds. Requests before Open or
  // after Close get COORDINATOR_NOT_AVAILABLE. Corruption when the snapshot is damaged.
  base::Status Open();
  // Stops the timers, answers any request still waiting for markers with
  // COORDINATOR_NOT_AVAILABLE, closes the journal and forgets the in-memory state (Open reloads
  // it). Idempotent. Call it (and the destructor, which calls it) on the loop thread or after the
  // loop has stopped.
  base::Status Close();

  // Null transactional_id: a fresh idempotent producer id, epoch 0. Otherwise: empty id ->
  // INVALID_REQUEST; timeout <= 0 or above the max -> INVALID_TRANSACTION_TIMEOUT; a new id gets
  // a new producer id at epoch 0; a known id gets its epoch bumped (see "Fencing"); v3+ requests
  // carrying a producer id/epoch (KIP-360) must match the current one (bump) or the one before
  // the last bump (a retry: the current values are returned unchanged), else PRODUCER_FENCED
  // (INVALID_PRODUCER_EPOCH below v4); CONCURRENT_TRANSACTIONS while a commit/abort completes.
  // Errors from the coordinator's own disk are COORDINATOR_NOT_AVAILABLE (clients retry).
  void InitProducerId(const InitProducerIdRequest& req, int16_t version, std::function<void(InitProducerIdResponse)> done);
  // All or nothing: a partition that does not exist gets UNKNOWN_TOPIC_OR_PARTITION and the
  // others OPERATION_NOT_ATTEMPTED. Otherwise one code for every partition:
  // INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED (INVALID_PRODUCER_EPOCH below v2),
  // CONCURRENT_TRANSACTIONS during Prepare*, or NONE (Empty/Complete* -> Ongoing).
  AddPartitionsToTxnResponse AddPartitionsToTxn(const AddPartitionsToTxnRequest& req, int16_t version);
  // Records the group in the transaction (Ongoing); errors as AddPartitionsToTxn.
  AddOffsetsToTxnResponse AddOffsetsToTxn(const AddOffsetsToTxnRequest& req, int16_t version);
  // Ongoing -> commit/abort, answered NONE once every marker is written. The same outcome on a
  // Complete* transaction is a retry (NONE); Prepare* of the same outcome CONCURRENT_TRANSACTIONS;
  // anything else (Empty, the other outcome) INVALID_TXN_STATE.
  void EndTxn(const EndTxnRequest& req, int16_t version, std::function<void(EndTxnResponse)> done);
  // Produce with a transactional_id: NONE when (producer id, epoch) is current for that id and the
  // partition was added to its ongoing transaction; else INVALID_PRODUCER_ID_MAPPING (unknown id
  // or other producer id), INVALID_PRODUCER_EPOCH (other epoch) or INVALID_TXN_STATE.
  ErrorCode CheckTransactionalProduce(const std::string& transactional_id, int64_t producer_id, int16_t producer_epoch,
                                      const std::string& topic, int32_t partition) const;
  // TxnOffsetCommit: NONE when the group was added with AddOffsetsToTxn by this producer's ongoing
  // transaction; errors as for CheckTransactionalProduce.
  ErrorCode CheckTxnOffsetCommit(const std::string& transactional_id, int64_t producer_id, int16_t producer_epoch,
                                 const std::string& group_id) const;

  // The state of one id, or nullopt (for tests and DescribeTransactions).
  std::optional<TransactionMetadata> Describe(const std::string& transactional_id) const;
  // Runs the timeout/expiry scan now (the timer calls it; tests may too).
  void CheckExpired();

 private:
  struct Entry {
    TransactionMetadata meta;
    // Set while a transaction is in Prepare* and its markers are not all written.
    std::set<std::pair<std::string, int32_t>> markers_pending;
    // Run once the entry reaches Complete* (answers the waiting EndTxn / InitProducerId), or with
    // ok=false when the coordinator closes.
    std::vector<std::function<void(bool ok)>> waiters;
  };

  int64_t NowMs() const;
  // Persists `next` (journal record, stamped with the current time), then installs it.
  base::Status Commit(Entry* entry, TransactionMetadata next);
  // Moves an Ongoing transaction to Prepare* (persisted), with `marker_epoch` as its producer
  // epoch (a fencing bump when it differs), and queues its markers.
  base::Status BeginCompletion(Entry* entry, bool commit, int16_t marker_epoch);
  // Writes the pending markers; then completes the group offsets, persists Complete* and runs
  // the waiters. Returns false when something failed (a retry is scheduled).
  bool DriveCompletion(const std::string& id);
  void ScheduleRetry();
  void ScheduleCheck();
  // InitProducerId's epoch bump (or producer id rotation) on an Empty/Complete* entry; fills resp.
  void BumpForInit(Entry* entry, std::optional<std::pair<int64_t, int16_t>> expected, int32_t timeout_ms,
                   int16_t version, std::optional<int16_t> pre_fence_epoch, InitProducerIdResponse* resp);
  // Checks shared by AddPartitionsToTxn/AddOffsetsToTxn: id known, producer id and epoch
  // current, no completion in progress.
  ErrorCode CheckCurrent(const std::string& id, int64_t producer_id, int16_t producer_epoch, int16_t version,
                         int16_t fenced_min_version) const;
  // Checks for produce / TxnOffsetCommit: current producer with an Ongoing transaction.
  ErrorCode CheckProducer(const std::string& id, int64_t producer_id, int16_t producer_epoch,
                          const Entry** entry) const;
  // Makes the transaction Ongoing (starting it if needed) with these partitions / this group.
  base::Status AddToTransaction(Entry* entry, const std::vector<std::pair<std::string, int32_t>>& partitions,
                                const std::string* group);

  base::Status LoadFile(const std::string& path, bool is_journal);
  base::Status WriteSnapshotAndResetJournal();
  base::Status AppendJournal(const std::string& payload);
  void MaybeCompact();
  void UpdateGauges();

  io::EventLoop* loop_;
  ProducerIdManager* ids_;
  TransactionCoordinatorOptions options_;
  bool open_ = false;

  std::map<std::string, Entry> entries_;
  int journal_fd_ = -1;
  uint64_t journal_size_ = 0;
  uint64_t journal_records_ = 0;
  bool journal_broken_ = false;  // a failed write could not be rolled back: snapshot next time

  io::EventLoop::TimerId check_timer_ = 0;
  io::EventLoop::TimerId retry_timer_ = 0;

  base::Family<base::Gauge>* state_gauge_ = nullptr;
  base::Counter* commits_ = nullptr;
  base::Counter* aborts_ = nullptr;
  base::Counter* timed_out_ = nullptr;
  // Fallback metrics when no registry is given.
  std::unique_ptr<base::MetricsRegistry> own_metrics_;
};

}  // namespace tide::kafka
