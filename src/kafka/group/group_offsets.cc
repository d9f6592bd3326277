// Offsets (OffsetCommit, OffsetFetch, OffsetDelete, TxnOffsetCommit), the admin APIs
// (ListGroups, DescribeGroups, DeleteGroups), persistence and offset expiry. Membership and
// rebalancing are in group_coordinator.cc.
#include <algorithm>
#include <cctype>

#include "base/clock.h"
#include "base/logging.h"
#include "kafka/group/group_coordinator.h"
#include "kafka/group/group_journal.h"
#include "kafka/group/group_state.h"

namespace tide::kafka {

using group::GroupRecord;

namespace {
constexpr std::string_view kLog = "kafka.group";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// Open / Close / persistence

base::Status GroupCoordinator::Open() {
  if (open_ || closed_) return base::Status::Internal("GroupCoordinator::Open called twice");
  DeferScope scope(this);
  TIDE_RETURN_IF_ERROR(journal_->Open([this](const GroupRecord& r) { ApplyRecord(r); })
                           .WithContext("loading consumer group state from " + options_.state_dir));
  // Members are not persisted: every loaded group starts Empty, its retention clock now.
  const int64_t now = base::WallMillis();
  size_t offsets = 0;
  for (auto& [_, g] : groups_) {
    g->state_since_ms = now;
    offsets += g->offsets.size();
  }
  // Fold the journal into the snapshot so it starts short.
  TIDE_RETURN_IF_ERROR(journal_->Compact(LiveState()).WithContext("compacting consumer group state"));
  open_ = true;
  ScheduleExpiry();
  base::LogInfo(kLog, "consumer group state loaded",
                {{"dir", options_.state_dir},
                 {"groups", static_cast<int64_t>(groups_.size())},
                 {"offsets", static_cast<int64_t>(offsets)}});
  return base::Status::OK();
}

base::Status GroupCoordinator::Close() {
  if (closed_) return base::Status::OK();
  DeferScope scope(this);
  closed_ = true;
  if (expiry_timer_) loop_->CancelTimer(expiry_timer_);
  expiry_timer_ = 0;
  for (auto& [_, g] : groups_) {
    for (auto& [id, m] : g->members) {
      if (m.join_done) {
        JoinGroupResponse r;
        r.error_code = ErrorCode::kCoordinatorNotAvailable;
        r.member_id = id;
        Defer([cb = std::move(m.join_done), r = std::move(r)]() mutable { cb(std::move(r)); });
        m.join_done = nullptr;
      }
      if (m.sync_done) {
        SyncGroupResponse r;
        r.error_code = ErrorCode::kRebalanceInProgress;
        Defer([cb = std::move(m.sync_done), r = std::move(r)]() mutable { cb(std::move(r)); });
        m.sync_done = nullptr;
      }
    }
    g->awaiting_join = 0;
    CancelGroupTimers(*g);
    // This coordinator no longer serves the group: take it out of the shared gauges, so a
    // coordinator opened later on the same registry starts from zero.
    groups_gauge_->WithLabels({StateName(g->state)}).Add(-1);
    members_gauge_->Add(-static_cast<double>(g->members.size()));
  }
  if (!open_) return base::Status::OK();
  base::Status st = journal_->Compact(LiveState());
  base::Status cst = journal_->Close();
  if (!st.ok()) return st.WithContext("compacting consumer group state");
  return cst;
}

void GroupCoordinator::ApplyTxnCompletion(int64_t producer_id, bool commit) {
  for (auto& [_, g] : groups_) {
    auto it = g->pending_txn_offsets.find(producer_id);
    if (it == g->pending_txn_offsets.end()) continue;
    if (commit) {
      for (auto& [tp, e] : it->second) {
        auto cur = g->offsets.find(tp);
        // A plain commit written after the transactional one is newer and wins.
        if (cur == g->offsets.end() || cur->second.sequence < e.sequence) g->offsets[tp] = e;
      }
    }
    g->pending_txn_offsets.erase(it);
  }
}

void GroupCoordinator::ApplyRecord(const GroupRecord& r) {
  auto entry = [&] {
    OffsetEntry e;
    e.offset = r.offset;
    e.leader_epoch = r.leader_epoch;
    e.metadata = r.metadata;
    e.commit_timestamp_ms = r.commit_timestamp_ms;
    e.expire_timestamp_ms = r.expire_timestamp_ms;
    e.sequence = next_sequence_++;
    return e;
  };
  switch (r.type) {
    case GroupRecord::Type::kOffsetCommit:
      GetOrCreateGroup(r.group).offsets[{r.topic, r.partition}] = entry();
      break;
    case GroupRecord::Type::kTxnPendingOffset:
      GetOrCreateGroup(r.group).pending_txn_offsets[r.producer_id][{r.topic, r.partition}] = entry();
      break;
    case GroupRecord::Type::kOffsetDelete:
      if (Group* g = FindGroup(r.group)) g->offsets.erase({r.topic, r.partition});
      break;
    case GroupRecord::Type::kGroupMetadata: {
      Group& g = GetOrCreateGroup(r.group);
      g.protocol_type = r.protocol_type;
      g.generation = r.generation;
      break;
    }
    case GroupRecord::Type::kGroupDelete:
      RemoveGroup(r.group);
      break;
    case GroupRecord::Type::kTxnComplete:
      ApplyTxnCompletion(r.producer_id, r.commit);
      break;
  }
}

base::Status GroupCoordinator::Persist(const std::vector<GroupRecord>& records, bool sync) {
  base::Status st = journal_->Append(records, sync);
  if (!st.ok()) {
    base::LogError(kLog, "cannot write consumer group state", {{"error", st.ToString()}});
    return st;
  }
  // No compaction here: the caller applies the records to memory only after this returns, and
  // a snapshot taken now would miss them. DeferScope compacts once the call is complete.
  return st;
}

void GroupCoordinator::PersistGroupMetadata(const Group& g) {
  GroupRecord r;
  r.type = GroupRecord::Type::kGroupMetadata;
  r.group = g.id;
  r.protocol_type = g.protocol_type;
  r.generation = g.generation;
  // Not synced: losing the newest generation number only makes clients rejoin once more.
  (void)Persist({r}, false);
}

std::vector<GroupRecord> GroupCoordinator::LiveState() const {
  std::vector<GroupRecord> out;
  auto offset_record = [](GroupRecord::Type type, const std::string& group, const TopicPartition& tp,
                          const OffsetEntry& e) {
    GroupRecord r;
    r.type = type;
    r.group = group;
    r.topic = tp.topic;
    r.partition = tp.partition;
    r.offset = e.offset;
    r.leader_epoch = e.leader_epoch;
    r.metadata = e.metadata;
    r.commit_timestamp_ms = e.commit_timestamp_ms;
    r.expire_timestamp_ms = e.expire_timestamp_ms;
    return r;
  };
  for (const auto& [id, g] : groups_) {
    GroupRecord meta;
    meta.type = GroupRecord::Type::kGroupMetadata;
    meta.group = id;
    meta.protocol_type = g->protocol_type;
    meta.generation = g->generation;
    out.push_back(std::move(meta));
    for (const auto& [tp, e] : g->offsets) out.push_back(offset_record(GroupRecord::Type::kOffsetCommit, id, tp, e));
    for (const auto& [pid, offs] : g->pending_txn_offsets) {
      for (const auto& [tp, e] : offs) {
        GroupRecord r = offset_record(GroupRecord::Type::kTxnPendingOffset, id, tp, e);
        r.producer_id = pid;
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

void GroupCoordinator::MaybeCompact() {
  if (!open_ || closed_) return;
  if (static_cast<int64_t>(journal_->journal_bytes()) < options_.journal_compaction_bytes) return;
  base::Status st = journal_->Compact(LiveState());
  if (!st.ok()) base::LogError(kLog, "cannot compact consumer group state", {{"error", st.ToString()}});
}

// ---------------------------------------------------------------------------------------------
// Offset expiry (Kafka's offsets.retention.minutes, as of KIP-211)

void GroupCoordinator::ScheduleExpiry() {
  const int64_t interval = std::max<int64_t>(options_.offsets_retention_check_interval_ms, 1);
  expiry_timer_ = loop_->RunAfter(interval, [this] {
    expiry_timer_ = 0;
    ExpireOffsets();
    if (!closed_) ScheduleExpiry();
  });
}

bool GroupCoordinator::IsSubscribedToTopic(const Group& g, const std::string& topic) const {
  return g.subscribed_topics && g.subscribed_topics->count(topic) != 0;
}

void GroupCoordinator::ExpireOffsets() {
  DeferScope scope(this);
  if (closed_ || !open_) return;
  const int64_t now = base::WallMillis();
  const int64_t retention = options_.offsets_retention_ms;
  std::vector<GroupRecord> records;
  std::vector<std::string> dead;
  size_t expired_count = 0;
  for (auto& [id, gp] : groups_) {
    Group& g = *gp;
    // Which offsets may expire, and since when: an Empty group's offsets all age from the
    // moment it became Empty; a standalone (never group-managed) group's from each commit;
    // a Stable consumer group's only for topics it no longer subscribes to.
    enum { kNone, kSinceEmpty, kSinceCommit, kUnsubscribedSinceCommit } mode = kNone;
    if (g.state == State::kEmpty) {
      mode = g.protocol_type ? kSinceEmpty : kSinceCommit;
    } else if (g.state == State::kStable && g.protocol_type == "consumer" && g.subscribed_topics) {
      mode = kUnsubscribedSinceCommit;
    }
    if (mode != kNone) {
      for (auto it = g.offsets.begin(); it != g.offsets.end();) {
        const auto& [tp, e] = *it;
        bool expired = false;
        if (!g.HasPendingTxnOffset(tp) && !(mode == kUnsubscribedSinceCommit && IsSubscribedToTopic(g, tp.topic))) {
          if (e.expire_timestamp_ms >= 0) {
            expired = now >= e.expire_timestamp_ms;
          } else {
            const int64_t base = mode == kSinceEmpty ? g.state_since_ms : e.commit_timestamp_ms;
            expired = now - base >= retention;
          }
        }
        if (expired) {
          GroupRecord r;
          r.type = GroupRecord::Type::kOffsetDelete;
          r.group = id;
          r.topic = tp.topic;
          r.partition = tp.partition;
          records.push_back(std::move(r));
          ++expired_count;
          it = g.offsets.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (g.state == State::kEmpty && g.offsets.empty() && g.members.empty() && g.pending_members.empty() &&
        g.pending_txn_offsets.empty()) {
      dead.push_back(id);
    }
  }
  for (const auto& id : dead) {
    GroupRecord r;
    r.type = GroupRecord::Type::kGroupDelete;
    r.group = id;
    records.push_back(std::move(r));
    RemoveGroup(id);
  }
  if (!records.empty()) {
    (void)Persist(records, true);
    base::LogInfo(kLog, "expired consumer group offsets",
                  {{"offsets", static_cast<int64_t>(expired_count)}, {"groups_removed", static_cast<int64_t>(dead.size())}});
  }
}

// ---------------------------------------------------------------------------------------------
// OffsetCommit / TxnOffsetCommit

ErrorCode GroupCoordinator::CheckCommittedPartition(const std::string& topic, int32_t partition,
                                                    const std::optional<std::string>& metadata) const {
  if (!PartitionExists(topic, partition)) return ErrorCode::kUnknownTopicOrPartition;
  if (metadata && static_cast<int64_t>(metadata->size()) > options_.offset_metadata_max_bytes) {
    return ErrorCode::kOffsetMetadataTooLarge;
  }
  return ErrorCode::kNone;
}

bool GroupCoordinator::StoreOffsetRecords(const std::vector<GroupRecord>& records,
                                          const std::vector<ErrorCode*>& accepted) {
  if (records.empty()) return false;
  if (!Persist(records, true).ok()) {
    for (ErrorCode* error : accepted) *error = ErrorCode::kCoordinatorNotAvailable;
    return false;
  }
  for (const auto& r : records) ApplyRecord(r);
  return true;
}

bool GroupCoordinator::PartitionExists(const std::string& topic, int32_t partition) const {
  if (partition < 0) return false;
  return !options_.partition_exists || options_.partition_exists(topic, partition);
}

ErrorCode GroupCoordinator::ValidateOffsetCommit(const Group& g, int32_t generation, const std::string& member_id,
                                                 const std::optional<std::string>& instance_id,
                                                 bool transactional) const {
  if (g.state == State::kDead) return ErrorCode::kCoordinatorNotAvailable;
  if (generation >= 0 || !member_id.empty() || instance_id) {
    if (ErrorCode e = ValidateMember(g, member_id, instance_id); e != ErrorCode::kNone) return e;
    if (generation != g.generation) return ErrorCode::kIllegalGeneration;
    return ErrorCode::kNone;
  }
  // Outside group management, only a group without members takes commits (transactional
  // commits of old clients carry no member information and are always accepted).
  if (!transactional && g.state != State::kEmpty) return ErrorCode::kUnknownMemberId;
  return ErrorCode::kNone;
}

OffsetCommitResponse GroupCoordinator::OffsetCommit(const OffsetCommitRequest& req, int16_t version) {
  DeferScope scope(this);
  OffsetCommitResponse resp;
  for (const auto& t : req.topics) {
    auto& rt = resp.topics.emplace_back();
    rt.name = t.name;
    for (const auto& p : t.partitions) rt.partitions.push_back({p.partition_index, ErrorCode::kNone});
  }
  auto all = [&](ErrorCode e) {
    for (auto& t : resp.topics) {
      for (auto& p : t.partitions) p.error_code = e;
    }
    return resp;
  };
  ErrorCode err;
  if (!Serving(&err)) return all(err);
  // Kafka accepts the empty group id for offset APIs, for backward compatibility.
  Group* g = FindGroup(req.group_id);
  bool created = false;
  if (g == nullptr) {
    if (req.generation_id >= 0) return all(ErrorCode::kIllegalGeneration);
    g = &GetOrCreateGroup(req.group_id);
    created = true;
  }
  err = ValidateOffsetCommit(*g, req.generation_id, req.member_id, req.group_instance_id, false);
  if (err == ErrorCode::kNone && g->state == State::kCompletingRebalance) err = ErrorCode::kRebalanceInProgress;
  if (err != ErrorCode::kNone) {
    if (created) RemoveGroup(req.group_id);
    return all(err);
  }
  if (auto mit = g->members.find(req.member_id); mit != g->members.end()) ScheduleSession(*g, mit->second);

  const int64_t now = base::WallMillis();
  std::vector<GroupRecord> records;
  std::vector<ErrorCode*> accepted;
  for (size_t ti = 0; ti < req.topics.size(); ++ti) {
    const auto& t = req.topics[ti];
    for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
      const auto& p = t.partitions[pi];
      auto& out = resp.topics[ti].partitions[pi];
      out.error_code = CheckCommittedPartition(t.name, p.partition_index, p.committed_metadata);
      if (out.error_code != ErrorCode::kNone) continue;
      GroupRecord r;
      r.type = GroupRecord::Type::kOffsetCommit;
      r.group = req.group_id;
      r.topic = t.name;
      r.partition = p.partition_index;
      r.offset = p.committed_offset;
      r.leader_epoch = p.committed_leader_epoch;
      r.metadata = p.committed_metadata.value_or("");
      r.commit_timestamp_ms = (version == 1 && p.commit_timestamp >= 0) ? p.commit_timestamp : now;
      r.expire_timestamp_ms =
          (version >= 2 && version <= 4 && req.retention_time_ms >= 0) ? r.commit_timestamp_ms + req.retention_time_ms : -1;
      records.push_back(std::move(r));
      accepted.push_back(&out.error_code);
    }
  }
  if (StoreOffsetRecords(records, accepted)) offset_commits_total_->Increment(static_cast<double>(records.size()));
  if (created && g->offsets.empty()) RemoveGroup(req.group_id);
  return resp;
}

TxnOffsetCommitResponse GroupCoordinator::TxnOffsetCommit(const TxnOffsetCommitRequest& req, int16_t version) {
  DeferScope scope(this);
  (void)version;
  TxnOffsetCommitResponse resp;
  for (const auto& t : req.topics) {
    auto& rt = resp.topics.emplace_back();
    rt.name = t.name;
    for (const auto& p : t.partitions) rt.partitions.push_back({p.partition_index, ErrorCode::kNone});
  }
  auto all = [&](ErrorCode e) {
    for (auto& t : resp.topics) {
      for (auto& p : t.partitions) p.error_code = e;
    }
    return resp;
  };
  ErrorCode err;
  if (!Serving(&err)) return all(err);
  if (req.group_id.empty()) return all(ErrorCode::kInvalidGroupId);
  Group* g = FindGroup(req.group_id);
  bool created = false;
  if (g == nullptr) {
    g = &GetOrCreateGroup(req.group_id);
    created = true;
  }
  err = ValidateOffsetCommit(*g, req.generation_id, req.member_id, req.group_instance_id, true);
  if (err != ErrorCode::kNone) {
    if (created) RemoveGroup(req.group_id);
    return all(err);
  }
  const int64_t now = base::WallMillis();
  std::vector<GroupRecord> records;
  std::vector<ErrorCode*> accepted;
  for (size_t ti = 0; ti < req.topics.size(); ++ti) {
    const auto& t = req.topics[ti];
    for (size_t pi = 0; pi < t.partitions.size(); ++pi) {
      const auto& p = t.partitions[pi];
      auto& out = resp.topics[ti].partitions[pi];
      out.error_code = CheckCommittedPartition(t.name, p.partition_index, p.committed_metadata);
      if (out.error_code != ErrorCode::kNone) continue;
      GroupRecord r;
      r.type = GroupRecord::Type::kTxnPendingOffset;
      r.group = req.group_id;
      r.topic = t.name;
      r.partition = p.partition_index;
      r.offset = p.committed_offset;
      r.leader_epoch = p.committed_leader_epoch;
      r.metadata = p.committed_metadata.value_or("");
      r.commit_timestamp_ms = now;
      r.producer_id = req.producer_id;
      records.push_back(std::move(r));
      accepted.push_back(&out.error_code);
    }
  }
  StoreOffsetRecords(records, accepted);
  if (created && g->offsets.empty() && g->pending_txn_offsets.empty()) RemoveGroup(req.group_id);
  return resp;
}

void GroupCoordinator::CompleteTransaction(int64_t producer_id, bool commit) {
  DeferScope scope(this);
  if (!open_ || closed_) return;
  size_t partitions = 0;
  for (const auto& [_, g] : groups_) {
    auto it = g->pending_txn_offsets.find(producer_id);
    if (it != g->pending_txn_offsets.end()) partitions += it->second.size();
  }
  if (partitions == 0) return;
  GroupRecord r;
  r.type = GroupRecord::Type::kTxnComplete;
  r.producer_id = producer_id;
  r.commit = commit;
  // The transaction's outcome is decided already; if this write fails the in-memory state is
  // still right and a restart falls back to the pending offsets (the transaction coordinator
  // re-sends its outcome on recovery).
  (void)Persist({r}, true);
  ApplyTxnCompletion(producer_id, commit);
  if (commit) offset_commits_total_->Increment(static_cast<double>(partitions));
}

// ---------------------------------------------------------------------------------------------
// OffsetFetch / OffsetDelete

OffsetFetchResponse GroupCoordinator::OffsetFetch(const OffsetFetchRequest& req, int16_t version) {
  DeferScope scope(this);
  OffsetFetchResponse resp;
  ErrorCode serving_error = ErrorCode::kNone;
  const bool serving = Serving(&serving_error);
  for (const auto& rg : req.groups) {
    auto& out = resp.groups.emplace_back();
    out.group_id = rg.group_id;
    const Group* g = serving ? FindGroup(rg.group_id) : nullptr;
    auto fill = [&](const TopicPartition& tp, OffsetFetchResponse::OffsetFetchResponsePartitions& p) {
      p.partition_index = tp.partition;
      p.metadata = "";
      if (!serving) {
        if (version < 2) p.error_code = serving_error;  // v0-1 have no group-level error
        return;
      }
      if (g == nullptr) return;
      if (req.require_stable && g->HasPendingTxnOffset(tp)) {
        p.error_code = ErrorCode::kUnstableOffsetCommit;
        return;
      }
      auto it = g->offsets.find(tp);
      if (it == g->offsets.end()) return;
      p.committed_offset = it->second.offset;
      p.committed_leader_epoch = it->second.leader_epoch;
      p.metadata = it->second.metadata.value_or("");
    };
    if (!serving) out.error_code = serving_error;
    if (rg.topics) {
      for (const auto& t : *rg.topics) {
        auto& ot = out.topics.emplace_back();
        ot.name = t.name;
        for (int32_t partition : t.partition_indexes) fill({t.name, partition}, ot.partitions.emplace_back());
      }
    } else if (g != nullptr) {
      // Every committed partition (as Kafka: partitions with only a pending transactional
      // offset are not listed).
      for (const auto& [tp, _] : g->offsets) {
        if (out.topics.empty() || out.topics.back().name != tp.topic) out.topics.emplace_back().name = tp.topic;
        fill(tp, out.topics.back().partitions.emplace_back());
      }
    }
  }
  return resp;
}

OffsetDeleteResponse GroupCoordinator::OffsetDelete(const OffsetDeleteRequest& req, int16_t version) {
  DeferScope scope(this);
  (void)version;
  OffsetDeleteResponse resp;
  if (!Serving(&resp.error_code)) return resp;
  if (req.group_id.empty()) {
    resp.error_code = ErrorCode::kInvalidGroupId;
    return resp;
  }
  Group* g = FindGroup(req.group_id);
  if (g == nullptr || g->state == State::kDead) {
    resp.error_code = ErrorCode::kGroupIdNotFound;
    return resp;
  }
  const bool empty = g->state == State::kEmpty;
  if (!empty && g->protocol_type != "consumer") {
    resp.error_code = ErrorCode::kNonEmptyGroup;
    return resp;
  }
  std::vector<GroupRecord> records;
  for (const auto& t : req.topics) {
    auto& ot = resp.topics.emplace_back();
    ot.name = t.name;
    const bool subscribed = !empty && IsSubscribedToTopic(*g, t.name);
    for (const auto& p : t.partitions) {
      auto& op = ot.partitions.emplace_back();
      op.partition_index = p.partition_index;
      if (!PartitionExists(t.name, p.partition_index)) {
        op.error_code = ErrorCode::kUnknownTopicOrPartition;
      } else if (subscribed) {
        op.error_code = ErrorCode::kGroupSubscribedToTopic;
      } else if (g->offsets.count({t.name, p.partition_index})) {
        GroupRecord r;
        r.type = GroupRecord::Type::kOffsetDelete;
        r.group = g->id;
        r.topic = t.name;
        r.partition = p.partition_index;
        records.push_back(std::move(r));
      }
    }
  }
  if (!records.empty()) {
    if (!Persist(records, true).ok()) {
      resp.error_code = ErrorCode::kCoordinatorNotAvailable;
      resp.topics.clear();
      return resp;
    }
    for (const auto& r : records) ApplyRecord(r);
  }
  return resp;
}

// ---------------------------------------------------------------------------------------------
// ListGroups / DescribeGroups / DeleteGroups

ListGroupsResponse GroupCoordinator::ListGroups(const ListGroupsRequest& req, int16_t version) {
  (void)version;
  ListGroupsResponse resp;
  if (!Serving(&resp.error_code)) return resp;
  std::set<std::string> filter;
  for (const auto& s : req.states_filter) filter.insert(Lower(s));
  for (const auto& [id, g] : groups_) {
    if (g->state == State::kDead) continue;
    if (!filter.empty() && !filter.count(Lower(StateName(g->state)))) continue;
    ListGroupsResponse::ListedGroup lg;
    lg.group_id = id;
    lg.protocol_type = g->protocol_type.value_or("");
    lg.group_state = StateName(g->state);
    resp.groups.push_back(std::move(lg));
  }
  return resp;
}

DescribeGroupsResponse GroupCoordinator::DescribeGroups(const DescribeGroupsRequest& req, int16_t version) {
  (void)version;
  DescribeGroupsResponse resp;
  ErrorCode serving_error = ErrorCode::kNone;
  const bool serving = Serving(&serving_error);
  for (const auto& id : req.groups) {
    auto& dg = resp.groups.emplace_back();
    dg.group_id = id;
    if (!serving) {
      dg.error_code = serving_error;
      continue;
    }
    const Group* g = FindGroup(id);
    if (g == nullptr) {
      dg.group_state = "Dead";
      continue;
    }
    dg.group_state = StateName(g->state);
    dg.protocol_type = g->protocol_type.value_or("");
    const bool stable = g->state == State::kStable;
    if (stable) dg.protocol_data = g->protocol_name.value_or("");
    std::vector<const Member*> ordered;
    for (const auto& [_, m] : g->members) ordered.push_back(&m);
    std::sort(ordered.begin(), ordered.end(), [](const Member* a, const Member* b) { return a->join_order < b->join_order; });
    for (const Member* m : ordered) {
      auto& dm = dg.members.emplace_back();
      dm.member_id = m->member_id;
      dm.group_instance_id = m->group_instance_id;
      dm.client_id = m->client_id;
      dm.client_host = m->client_host;
      if (stable) {
        if (const auto* md = m->MetadataFor(*g->protocol_name)) dm.member_metadata = *md;
        dm.member_assignment = m->assignment;
      }
    }
  }
  return resp;
}

DeleteGroupsResponse GroupCoordinator::DeleteGroups(const DeleteGroupsRequest& req, int16_t version) {
  DeferScope scope(this);
  (void)version;
  DeleteGroupsResponse resp;
  ErrorCode serving_error = ErrorCode::kNone;
  const bool serving = Serving(&serving_error);
  for (const auto& id : req.groups_names) {
    auto& res = resp.results.emplace_back();
    res.group_id = id;
    if (!serving) {
      res.error_code = serving_error;
      continue;
    }
    Group* g = FindGroup(id);
    if (g == nullptr || g->state == State::kDead) {
      res.error_code = ErrorCode::kGroupIdNotFound;
      continue;
    }
    if (g->state != State::kEmpty) {
      res.error_code = ErrorCode::kNonEmptyGroup;
      continue;
    }
    GroupRecord r;
    r.type = GroupRecord::Type::kGroupDelete;
    r.group = id;
    if (!Persist({r}, true).ok()) {
      res.error_code = ErrorCode::kCoordinatorNotAvailable;
      continue;
    }
    SetState(*g, State::kDead);
    RemoveGroup(id);
    base::LogInfo(kLog, "group deleted", {{"group", id}});
  }
  return resp;
}

std::optional<int64_t> GroupCoordinator::CommittedOffset(const std::string& group, const std::string& topic,
                                                         int32_t partition) const {
  const Group* g = FindGroup(group);
  if (g == nullptr) return std::nullopt;
  auto it = g->offsets.find({topic, partition});
  if (it == g->offsets.end()) return std::nullopt;
  return it->second.offset;
}

}  // namespace tide::kafka
