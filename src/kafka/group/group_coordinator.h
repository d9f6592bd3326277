// GroupCoordinator: Kafka's classic consumer group protocol (JoinGroup / SyncGroup /
// Heartbeat / LeaveGroup) and the offset store (OffsetCommit / OffsetFetch / OffsetDelete /
// TxnOffsetCommit), with the admin APIs ListGroups, DescribeGroups and DeleteGroups.
//
// Behaviour follows Apache Kafka's GroupCoordinator and GroupMetadata (classic protocol):
//
//   Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance
//     ▲                   ▲    ▲                                         │ leader SyncGroup
//     │ last member       │    └───── join / leave / session expiry ─────┤
//     │ leaves            └───────────────────────────────────────── Stable
//   Dead (DeleteGroups, or an Empty group whose offsets all expired)
//
// - A rebalance completes once every known member has rejoined (and no member id handed out
//   with MEMBER_ID_REQUIRED is still outstanding), or when the rebalance timeout (the largest
//   of the members' rebalance_timeout_ms) passes; members that did not rejoin are removed.
//   An Empty group first waits group_initial_rebalance_delay_ms, extended while new members
//   arrive, never beyond the rebalance timeout (group.initial.rebalance.delay.ms).
// - The protocol is chosen among those every member supports by votes over each member's
//   preference order; the leader is the first member that joined and gets every member's
//   metadata for the chosen protocol in its JoinGroup response.
// - JoinGroup v4+ with an empty member id answers MEMBER_ID_REQUIRED with a generated id
//   ("<client_id>-<uuid>", or "<group_instance_id>-<uuid>" for static members, which skip this
//   step); older versions are admitted directly.
// - Static members (group_instance_id): a known instance rejoining with an empty member id
//   takes over the old member's id slot; in a Stable group with an unchanged protocol this
//   happens without a rebalance and the old member id is fenced (FENCED_INSTANCE_ID).
// - Session timeouts: a member's timer restarts on every JoinGroup, SyncGroup, Heartbeat and
//   OffsetCommit; a member parked in JoinGroup/SyncGroup counts as alive. Expiry removes the
//   member and rebalances. Members that do not SyncGroup within the rebalance timeout after a
//   join completes are removed too (Kafka's pending-sync check).
// - Cooperative rebalancing ("cooperative-sticky") needs nothing special here: it is a client
//   protocol on top of these rebalances; a follower that rejoins right after SyncGroup with
//   changed metadata simply starts the next rebalance.
//
// Offsets: OffsetCommit with generation_id >= 0 (or a member id / instance id) must come from
// a current member of the current generation; generation -1 without member id is a "simple"
// commit, accepted for a group that has no members (a missing group is created Empty).
// Offsets are kept until the group has been Empty for offsets_retention_ms (or, for groups
// that never used group management, since the commit; or at an explicit v2-4 retention
// time). Transactional offsets (TxnOffsetCommit) stay pending, invisible to OffsetFetch,
// until CompleteTransaction; OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT
// for a partition with a pending transactional offset.
//
// Persistence (GroupJournal, group_journal.h): committed offsets, pending transactional
// offsets, and each group's protocol type and generation survive restarts; an OffsetCommit is
// answered only once durable (fdatasync). Members and assignments are NOT persisted: after a
// restart every group is Empty with its generation kept, so clients of the old generation get
// UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION and rejoin (their offsets are intact). Kafka keeps
// members across coordinator moves; for a single-node broker whose restart also drops every
// client connection, a rejoin costs one rebalance and keeps this state simple.
//
// Before Open() succeeds every API answers COORDINATOR_LOAD_IN_PROGRESS; after Close(),
// COORDINATOR_NOT_AVAILABLE.
//
// Thread-safety: not thread-safe. Construction aside, every method must run on `loop`'s thread
// (the broker's network loop); timers are scheduled on that loop. Callbacks passed to JoinGroup
// and SyncGroup are called exactly once, on the loop thread, possibly before the call returns.
// The coordinator must outlive the loop's processing of its timers (call Close() first).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/metrics.h"
#include "base/status.h"
#include "io/event_loop.h"
#include "kafka/protocol/delete_groups.h"
#include "kafka/protocol/describe_groups.h"
#include "kafka/protocol/heartbeat.h"
#include "kafka/protocol/join_group.h"
#include "kafka/protocol/leave_group.h"
#include "kafka/protocol/list_groups.h"
#include "kafka/protocol/offset_commit.h"
#include "kafka/protocol/offset_delete.h"
#include "kafka/protocol/offset_fetch.h"
#include "kafka/protocol/sync_group.h"
#include "kafka/protocol/txn_offset_commit.h"
#include "kafka/server/network.h"

namespace tide::kafka {

namespace group {
class GroupJournal;
struct GroupRecord;
}  // namespace group

struct GroupCoordinatorOptions {
  std::string state_dir;  // <data_dir>/meta/groups: committed offsets + group metadata
  int32_t node_id = 0;
  int32_t group_min_session_timeout_ms = 6000;     // group.min.session.timeout.ms
  int32_t group_max_session_timeout_ms = 1800000;  // group.max.session.timeout.ms
  int32_t group_initial_rebalance_delay_ms = 3000;  // group.initial.rebalance.delay.ms
  int64_t offsets_retention_ms = 7 * 24 * 3600 * 1000LL;      // offsets.retention.minutes
  int64_t offsets_retention_check_interval_ms = 600000;      // offsets.retention.check.interval.ms
  int32_t group_max_size = std::numeric_limits<int32_t>::max();  // group.max.size
  int32_t offset_metadata_max_bytes = 4096;                  // offset.metadata.max.bytes
  // The journal is folded into a fresh snapshot once it grows past this many bytes.
  int64_t journal_compaction_bytes = 16 * 1024 * 1024;
  // OffsetCommit/TxnOffsetCommit/OffsetDelete answer UNKNOWN_TOPIC_OR_PARTITION when this says
  // no. Unset: every partition exists.
  std::function<bool(const std::string& topic, int32_t partition)> partition_exists;
};

class GroupCoordinator {
 public:
  GroupCoordinator(io::EventLoop* loop, base::MetricsRegistry* metrics, GroupCoordinatorOptions options);
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // Loads the persisted state (a torn journal tail from kill -9 is truncated with a warning)
  // and starts the offset expiry timer. Call once, on the loop thread.
  base::Status Open();

  // `client_id` is the request header's; `conn.peer` becomes the member's client host.
  void JoinGroup(const ConnectionInfo& conn, const std::optional<std::string>& client_id, const JoinGroupRequest& req,
                 int16_t version, std::function<void(JoinGroupResponse)> done);
  void SyncGroup(const SyncGroupRequest& req, int16_t version, std::function<void(SyncGroupResponse)> done);
  HeartbeatResponse Heartbeat(const HeartbeatRequest& req, int16_t version);
  LeaveGroupResponse LeaveGroup(const LeaveGroupRequest& req, int16_t version);
  OffsetCommitResponse OffsetCommit(const OffsetCommitRequest& req, int16_t version);
  // All groups of a v8 batch; a null topic list means every committed partition of the group.
  OffsetFetchResponse OffsetFetch(const OffsetFetchRequest& req, int16_t version);
  ListGroupsResponse ListGroups(const ListGroupsRequest& req, int16_t version);
  DescribeGroupsResponse DescribeGroups(const DescribeGroupsRequest& req, int16_t version);
  // Only Empty groups are deleted (NON_EMPTY_GROUP otherwise; GROUP_ID_NOT_FOUND if unknown).
  DeleteGroupsResponse DeleteGroups(const DeleteGroupsRequest& req, int16_t version);
  // GROUP_SUBSCRIBED_TO_TOPIC for partitions of topics the live consumer group subscribes to.
  OffsetDeleteResponse OffsetDelete(const OffsetDeleteRequest& req, int16_t version);
  // Holds the offsets pending until CompleteTransaction(req.producer_id, ...). The caller
  // (broker) has already checked the producer against the transaction coordinator.
  TxnOffsetCommitResponse TxnOffsetCommit(const TxnOffsetCommitRequest& req, int16_t version);
  // Makes the producer's pending offsets committed (commit) or drops them (abort), in every
  // group. A non-transactional commit made after the transactional one wins, as in Kafka.
  void CompleteTransaction(int64_t producer_id, bool commit);
  // Members are not tied to connections in the classic protocol; nothing to do.
  void ConnectionClosed(uint64_t connection_id);

  // Answers parked JoinGroup callbacks (COORDINATOR_NOT_AVAILABLE) and SyncGroup callbacks
  // (REBALANCE_IN_PROGRESS, so clients rejoin), cancels timers, compacts and closes the
  // journal. Idempotent.
  base::Status Close();

  // Committed offset of (group, topic, partition), if any (for `tide group describe`).
  std::optional<int64_t> CommittedOffset(const std::string& group, const std::string& topic, int32_t partition) const;

  // Introspection for tests and tools: the group's state name ("Stable", ...; "Dead" when
  // unknown), generation (-1 when unknown) and member count.
  std::string GroupStateName(const std::string& group) const;
  int32_t GroupGeneration(const std::string& group) const;
  size_t GroupMemberCount(const std::string& group) const;

 private:
  enum class State { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };
  struct Member;
  struct Group;
  struct TopicPartition {
    std::string topic;
    int32_t partition = 0;
    auto operator<=>(const TopicPartition&) const = default;
  };
  struct OffsetEntry {
    int64_t offset = -1;
    int32_t leader_epoch = -1;
    std::optional<std::string> metadata;
    int64_t commit_timestamp_ms = 0;
    int64_t expire_timestamp_ms = -1;
    uint64_t sequence = 0;  // write order; decides between txn and plain commits
  };

  static const char* StateName(State s);
  bool Serving(ErrorCode* error) const;
  Group* FindGroup(const std::string& id);
  const Group* FindGroup(const std::string& id) const;
  Group& GetOrCreateGroup(const std::string& id);
  void SetState(Group& g, State s);
  void RemoveGroup(const std::string& id);
  std::string NewMemberId(const std::optional<std::string>& client_id, const std::optional<std::string>& instance_id);

  // JoinGroup paths.
  void JoinNewMember(Group& g, const ConnectionInfo& conn, const std::optional<std::string>& client_id,
                     const JoinGroupRequest& req, int16_t version, int32_t rebalance_timeout,
                     std::function<void(JoinGroupResponse)>& done);
  void JoinExistingMember(Group& g, const ConnectionInfo& conn, const std::optional<std::string>& client_id,
                          const JoinGroupRequest& req, int16_t version, int32_t rebalance_timeout,
                          std::function<void(JoinGroupResponse)>& done);
  void AddMemberAndRebalance(Group& g, const std::string& member_id, const ConnectionInfo& conn,
                             const std::optional<std::string>& client_id, const JoinGroupRequest& req,
                             int16_t version, int32_t rebalance_timeout,
                             std::function<void(JoinGroupResponse)>& done);
  void ReplaceStaticMember(Group& g, const std::string& old_id, const ConnectionInfo& conn,
                           const std::optional<std::string>& client_id, const JoinGroupRequest& req, int16_t version,
                           int32_t rebalance_timeout, std::function<void(JoinGroupResponse)>& done);
  Member& AddMember(Group& g, const std::string& member_id, const ConnectionInfo& conn,
                    const std::optional<std::string>& client_id, const JoinGroupRequest& req, int32_t rebalance_timeout);
  void UpdateMemberAndRebalance(Group& g, Member& m, const JoinGroupRequest& req, int16_t version,
                                int32_t rebalance_timeout, std::function<void(JoinGroupResponse)>& done);
  JoinGroupResponse CurrentJoinResponse(const Group& g, const Member& m) const;
  bool AcceptJoiningMember(const Group& g, const std::string& member_id) const;
  bool SupportsProtocols(const Group& g, const std::string& protocol_type,
                         const std::vector<JoinGroupRequest::JoinGroupRequestProtocol>& protocols) const;
  std::string SelectProtocol(const Group& g) const;
  std::optional<std::set<std::string>> ComputeSubscribedTopics(const Group& g) const;

  // Rebalance machinery.
  void MaybePrepareRebalance(Group& g, const std::string& reason);
  void PrepareRebalance(Group& g, const std::string& reason);
  void OnInitialDelayExpired(const std::string& group_id, int32_t remaining_ms);
  void OnJoinTimeout(const std::string& group_id);
  bool AllMembersJoined(const Group& g) const;
  void MaybeCompleteJoin(Group& g);
  void CompleteJoin(Group& g);
  void OnPendingSyncTimeout(const std::string& group_id, int32_t generation);
  void PropagateAssignment(Group& g, ErrorCode error);
  void RemoveMember(Group& g, const std::string& member_id, const std::string& reason);
  void RemoveMemberAndUpdateGroup(Group& g, const std::string& member_id, const std::string& reason);
  void RemovePendingMember(Group& g, const std::string& member_id);
  void ScheduleSession(Group& g, Member& m);
  void OnSessionExpired(const std::string& group_id, const std::string& member_id, uint64_t epoch);
  void OnPendingMemberExpired(const std::string& group_id, const std::string& member_id);
  void CancelGroupTimers(Group& g);
  ErrorCode ValidateMember(const Group& g, const std::string& member_id,
                           const std::optional<std::string>& instance_id) const;

  // Offsets and persistence.
  ErrorCode ValidateOffsetCommit(const Group& g, int32_t generation, const std::string& member_id,
                                 const std::optional<std::string>& instance_id, bool transactional) const;
  bool PartitionExists(const std::string& topic, int32_t partition) const;
  // OffsetCommit and TxnOffsetCommit: NONE when the partition exists and its metadata fits.
  ErrorCode CheckCommittedPartition(const std::string& topic, int32_t partition,
                                    const std::optional<std::string>& metadata) const;
  // Persists (fsynced) and applies offset records; on a disk error marks every accepted
  // partition COORDINATOR_NOT_AVAILABLE. Returns whether the records were stored.
  bool StoreOffsetRecords(const std::vector<group::GroupRecord>& records, const std::vector<ErrorCode*>& accepted);
  void ApplyRecord(const group::GroupRecord& r);
  void ApplyTxnCompletion(int64_t producer_id, bool commit);
  base::Status Persist(const std::vector<group::GroupRecord>& records, bool sync);
  void PersistGroupMetadata(const Group& g);
  std::vector<group::GroupRecord> LiveState() const;
  void MaybeCompact();
  void ScheduleExpiry();
  void ExpireOffsets();
  bool IsSubscribedToTopic(const Group& g, const std::string& topic) const;

  // Callbacks are queued and run once the coordinator's state is consistent, so a callback
  // may re-enter the coordinator.
  void Defer(std::function<void()> fn);
  void RunDeferred();
  struct DeferScope;

  io::EventLoop* loop_;
  GroupCoordinatorOptions options_;
  std::unique_ptr<base::MetricsRegistry> own_metrics_;  // when none was given
  base::Family<base::Gauge>* groups_gauge_;
  base::Gauge* members_gauge_;
  base::Counter* rebalances_total_;
  base::Counter* offset_commits_total_;

  std::unique_ptr<group::GroupJournal> journal_;
  bool open_ = false;
  bool closed_ = false;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  uint64_t next_sequence_ = 1;
  uint64_t next_session_epoch_ = 1;
  uint64_t next_join_order_ = 1;
  io::EventLoop::TimerId expiry_timer_ = 0;
  std::vector<std::function<void()>> deferred_;
  int defer_depth_ = 0;
};

}  // namespace tide::kafka
