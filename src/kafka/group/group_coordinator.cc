// Group membership: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the rebalance state
// machine. Offsets, persistence and the admin APIs are in group_offsets.cc.
#include "kafka/group/group_coordinator.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "base/clock.h"
#include "base/logging.h"
#include "kafka/group/group_journal.h"
#include "kafka/group/group_state.h"
#include "kafka/protocol/consumer_protocol.h"

namespace tide::kafka {

namespace {
constexpr std::string_view kLog = "kafka.group";
// Kafka's GroupCoordinator.NewMemberJoinTimeoutMs: how long a member that joined during a
// rebalance may stay parked before it is considered lost.
constexpr int32_t kNewMemberJoinTimeoutMs = 5 * 60 * 1000;

std::string RandomUuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                        // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);        // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}
}  // namespace

void GroupCoordinator::Defer(std::function<void()> fn) { deferred_.push_back(std::move(fn)); }

void GroupCoordinator::RunDeferred() {
  while (!deferred_.empty()) {
    std::vector<std::function<void()>> batch;
    batch.swap(deferred_);
    for (auto& fn : batch) fn();
  }
}

GroupCoordinator::GroupCoordinator(io::EventLoop* loop, base::MetricsRegistry* metrics, GroupCoordinatorOptions options)
    : loop_(loop), options_(std::move(options)) {
  if (metrics == nullptr) {
    own_metrics_ = std::make_unique<base::MetricsRegistry>();
    metrics = own_metrics_.get();
  }
  groups_gauge_ = &metrics->AddGauge("tide_kafka_group_groups", "Consumer groups by state", {"state"});
  members_gauge_ = &metrics->AddGauge("tide_kafka_group_members", "Members of all consumer groups").Get();
  rebalances_total_ =
      &metrics->AddCounter("tide_kafka_group_rebalances_total", "Consumer group rebalances started").Get();
  offset_commits_total_ =
      &metrics->AddCounter("tide_kafka_group_offset_commits_total", "Partition offsets committed").Get();
  journal_ = std::make_unique<group::GroupJournal>(options_.state_dir);
}

GroupCoordinator::~GroupCoordinator() {
  if (open_ && !closed_) (void)Close();
}

const char* GroupCoordinator::StateName(State s) {
  switch (s) {
    case State::kEmpty: return "Empty";
    case State::kPreparingRebalance: return "PreparingRebalance";
    case State::kCompletingRebalance: return "CompletingRebalance";
    case State::kStable: return "Stable";
    case State::kDead: return "Dead";
  }
  return "Dead";
}

bool GroupCoordinator::Serving(ErrorCode* error) const {
  if (closed_) {
    *error = ErrorCode::kCoordinatorNotAvailable;
    return false;
  }
  if (!open_) {
    *error = ErrorCode::kCoordinatorLoadInProgress;
    return false;
  }
  return true;
}

GroupCoordinator::Group* GroupCoordinator::FindGroup(const std::string& id) {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : it->second.get();
}

const GroupCoordinator::Group* GroupCoordinator::FindGroup(const std::string& id) const {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : it->second.get();
}

GroupCoordinator::Group& GroupCoordinator::GetOrCreateGroup(const std::string& id) {
  auto& slot = groups_[id];
  if (!slot) {
    slot = std::make_unique<Group>();
    slot->id = id;
    slot->state = State::kEmpty;
    slot->state_since_ms = base::WallMillis();
    groups_gauge_->WithLabels({StateName(State::kEmpty)}).Add(1);
  }
  return *slot;
}

void GroupCoordinator::SetState(Group& g, State s) {
  if (g.state == s) return;
  groups_gauge_->WithLabels({StateName(g.state)}).Add(-1);
  groups_gauge_->WithLabels({StateName(s)}).Add(1);
  g.state = s;
  g.state_since_ms = base::WallMillis();
}

void GroupCoordinator::RemoveGroup(const std::string& id) {
  auto it = groups_.find(id);
  if (it == groups_.end()) return;
  Group& g = *it->second;
  while (!g.members.empty()) RemoveMember(g, g.members.begin()->first, "group removed");
  CancelGroupTimers(g);
  groups_gauge_->WithLabels({StateName(g.state)}).Add(-1);
  groups_.erase(it);
}

void GroupCoordinator::CancelGroupTimers(Group& g) {
  if (g.join_timer) loop_->CancelTimer(g.join_timer);
  if (g.sync_timer) loop_->CancelTimer(g.sync_timer);
  g.join_timer = g.sync_timer = 0;
  for (auto& [_, t] : g.pending_members) {
    if (t) loop_->CancelTimer(t);
  }
  g.pending_members.clear();
  for (auto& [_, m] : g.members) {
    if (m.session_timer) loop_->CancelTimer(m.session_timer);
    m.session_timer = 0;
  }
}

std::string GroupCoordinator::NewMemberId(const std::optional<std::string>& client_id,
                                          const std::optional<std::string>& instance_id) {
  const std::string prefix = instance_id ? *instance_id : client_id.value_or("");
  return prefix + "-" + RandomUuid();
}

// ---------------------------------------------------------------------------------------------
// JoinGroup

void GroupCoordinator::JoinGroup(const ConnectionInfo& conn, const std::optional<std::string>& client_id,
                                 const JoinGroupRequest& req, int16_t version,
                                 std::function<void(JoinGroupResponse)> done) {
  DeferScope scope(this);
  auto fail = [&](ErrorCode e) {
    JoinGroupResponse r;
    r.error_code = e;
    r.member_id = req.member_id;
    Defer([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
  };
  ErrorCode err;
  if (!Serving(&err)) return fail(err);
  if (req.group_id.empty()) return fail(ErrorCode::kInvalidGroupId);
  if (req.session_timeout_ms < options_.group_min_session_timeout_ms ||
      req.session_timeout_ms > options_.group_max_session_timeout_ms) {
    return fail(ErrorCode::kInvalidSessionTimeout);
  }
  // v0 has no rebalance timeout: the session timeout serves as both.
  const int32_t rebalance_timeout = req.rebalance_timeout_ms < 0 ? req.session_timeout_ms : req.rebalance_timeout_ms;
  const bool unknown_member = req.member_id.empty();
  Group* existing = FindGroup(req.group_id);
  if (existing == nullptr && !unknown_member) return fail(ErrorCode::kUnknownMemberId);
  const bool created = existing == nullptr;
  Group& g = GetOrCreateGroup(req.group_id);
  auto drop_if_created = [&] {
    if (created && g.members.empty() && g.pending_members.empty() && g.offsets.empty() &&
        g.pending_txn_offsets.empty()) {
      RemoveGroup(req.group_id);
    }
  };
  if (!AcceptJoiningMember(g, req.member_id)) {
    fail(ErrorCode::kGroupMaxSizeReached);
    return drop_if_created();
  }
  if (!SupportsProtocols(g, req.protocol_type, req.protocols)) {
    fail(ErrorCode::kInconsistentGroupProtocol);
    return drop_if_created();
  }
  if (unknown_member) {
    JoinNewMember(g, conn, client_id, req, version, rebalance_timeout, done);
  } else {
    JoinExistingMember(g, conn, client_id, req, version, rebalance_timeout, done);
  }
}

bool GroupCoordinator::AcceptJoiningMember(const Group& g, const std::string& member_id) const {
  const size_t max = static_cast<size_t>(std::max(options_.group_max_size, 0));
  switch (g.state) {
    case State::kEmpty:
    case State::kDead:
      return true;
    case State::kPreparingRebalance: {
      auto it = g.members.find(member_id);
      if (it != g.members.end() && it->second.join_done) return true;
      return static_cast<size_t>(g.awaiting_join) < max;
    }
    case State::kCompletingRebalance:
    case State::kStable:
      return g.Has(member_id) || g.members.size() < max;
  }
  return false;
}

bool GroupCoordinator::SupportsProtocols(const Group& g, const std::string& protocol_type,
                                         const std::vector<JoinGroupRequest::JoinGroupRequestProtocol>& protocols) const {
  if (g.members.empty()) return !protocol_type.empty() && !protocols.empty();
  if (!g.protocol_type || *g.protocol_type != protocol_type) return false;
  for (const auto& p : protocols) {
    bool everyone = std::all_of(g.members.begin(), g.members.end(),
                                [&](const auto& kv) { return kv.second.MetadataFor(p.name) != nullptr; });
    if (everyone) return true;
  }
  return false;
}

std::string GroupCoordinator::SelectProtocol(const Group& g) const {
  if (g.members.empty()) return "";
  // Candidates in the leader's preference order (any member's order would do; the leader's
  // makes ties deterministic).
  const Member* leader = nullptr;
  auto lit = g.members.find(g.leader_id);
  leader = lit != g.members.end() ? &lit->second : &g.members.begin()->second;
  std::vector<std::string> candidates;
  for (const auto& p : leader->protocols) {
    bool everyone = std::all_of(g.members.begin(), g.members.end(),
                                [&](const auto& kv) { return kv.second.MetadataFor(p.name) != nullptr; });
    if (everyone) candidates.push_back(p.name);
  }
  if (candidates.empty()) return "";
  std::map<std::string, int> votes;
  for (const auto& [_, m] : g.members) {
    for (const auto& p : m.protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.name) != candidates.end()) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best = candidates.front();
  for (const auto& c : candidates) {
    if (votes[c] > votes[best]) best = c;
  }
  return best;
}

GroupCoordinator::Member& GroupCoordinator::AddMember(Group& g, const std::string& member_id,
                                                      const ConnectionInfo& conn,
                                                      const std::optional<std::string>& client_id,
                                                      const JoinGroupRequest& req, int32_t rebalance_timeout) {
  if (g.members.empty()) g.protocol_type = req.protocol_type;
  Member& m = g.members[member_id];
  m.member_id = member_id;
  m.group_instance_id = req.group_instance_id;
  m.client_id = client_id.value_or("");
  // Kafka reports the client's address as "/<ip>".
  std::string host = conn.peer;
  if (auto colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
  m.client_host = "/" + host;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = rebalance_timeout;
  m.protocol_type = req.protocol_type;
  m.protocols = req.protocols;
  m.join_order = next_join_order_++;
  if (m.group_instance_id) g.static_members[*m.group_instance_id] = member_id;
  if (g.leader_id.empty()) g.leader_id = member_id;
  members_gauge_->Add(1);
  return m;
}

void GroupCoordinator::JoinNewMember(Group& g, const ConnectionInfo& conn, const std::optional<std::string>& client_id,
                                     const JoinGroupRequest& req, int16_t version, int32_t rebalance_timeout,
                                     std::function<void(JoinGroupResponse)>& done) {
  const std::string member_id = NewMemberId(client_id, req.group_instance_id);
  if (req.group_instance_id) {
    auto it = g.static_members.find(*req.group_instance_id);
    if (it != g.static_members.end() && g.Has(it->second)) {
      return ReplaceStaticMember(g, it->second, conn, client_id, req, version, rebalance_timeout, done);
    }
  } else if (version >= 4) {
    // KIP-394: the client must come back with this id, so a member whose JoinGroup response is
    // lost does not leave an orphan member behind. It counts as pending until then.
    const std::string gid = g.id;
    auto timer = loop_->RunAfter(req.session_timeout_ms, [this, gid, member_id] { OnPendingMemberExpired(gid, member_id); });
    g.pending_members[member_id] = timer;
    JoinGroupResponse r;
    r.error_code = ErrorCode::kMemberIdRequired;
    r.member_id = member_id;
    Defer([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
    return;
  }
  AddMemberAndRebalance(g, member_id, conn, client_id, req, version, rebalance_timeout, done);
}

void GroupCoordinator::AddMemberAndRebalance(Group& g, const std::string& member_id, const ConnectionInfo& conn,
                                             const std::optional<std::string>& client_id, const JoinGroupRequest& req,
                                             int16_t version, int32_t rebalance_timeout,
                                             std::function<void(JoinGroupResponse)>& done) {
  Member& m = AddMember(g, member_id, conn, client_id, req, rebalance_timeout);
  m.is_new = true;
  m.join_done = std::move(done);
  m.join_version = version;
  ++g.awaiting_join;
  if (g.state == State::kPreparingRebalance && g.initial_delay) g.new_member_added = true;
  ScheduleSession(g, m);
  MaybePrepareRebalance(g, "member " + member_id + " joined");
  MaybeCompleteJoin(g);
}

void GroupCoordinator::ReplaceStaticMember(Group& g, const std::string& old_member_id, const ConnectionInfo& conn,
                                           const std::optional<std::string>& client_id, const JoinGroupRequest& req,
                                           int16_t version, int32_t rebalance_timeout,
                                           std::function<void(JoinGroupResponse)>& done) {
  const std::string old_id = old_member_id;  // a copy: the argument aliases static_members
  const std::string new_id = NewMemberId(client_id, req.group_instance_id);
  Member old = std::move(g.members.at(old_id));
  g.members.erase(old_id);
  if (old.session_timer) loop_->CancelTimer(old.session_timer);
  // The old incarnation is fenced: anything it still waits for is answered.
  if (old.join_done) {
    --g.awaiting_join;
    JoinGroupResponse r;
    r.error_code = ErrorCode::kFencedInstanceId;
    r.member_id = old_id;
    Defer([cb = std::move(old.join_done), r = std::move(r)]() mutable { cb(std::move(r)); });
  }
  if (old.sync_done) {
    SyncGroupResponse r;
    r.error_code = ErrorCode::kFencedInstanceId;
    Defer([cb = std::move(old.sync_done), r = std::move(r)]() mutable { cb(std::move(r)); });
  }
  Member& m = g.members[new_id];
  m = std::move(old);
  m.member_id = new_id;
  m.join_done = nullptr;
  m.sync_done = nullptr;
  m.session_timer = 0;
  m.client_id = client_id.value_or("");
  std::string host = conn.peer;
  if (auto colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
  m.client_host = "/" + host;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = rebalance_timeout;
  m.protocols = req.protocols;
  g.static_members[*req.group_instance_id] = new_id;
  if (g.leader_id == old_id) g.leader_id = new_id;
  if (g.pending_sync.erase(old_id)) g.pending_sync.insert(new_id);
  base::LogInfo(kLog, "static member replaced",
                {{"group", g.id}, {"instance", *req.group_instance_id}, {"old_member", old_id}, {"member", new_id}});

  switch (g.state) {
    case State::kStable:
      if (g.protocol_name && SelectProtocol(g) == *g.protocol_name) {
        // Same protocol: keep the generation and the stored assignment; no rebalance.
        JoinGroupResponse r = CurrentJoinResponse(g, m);
        r.skip_assignment = g.leader_id == new_id;
        ScheduleSession(g, m);
        Defer([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
        return;
      }
      m.join_done = std::move(done);
      m.join_version = version;
      ++g.awaiting_join;
      PrepareRebalance(g, "static member " + *req.group_instance_id + " rejoined with a different protocol");
      MaybeCompleteJoin(g);
      return;
    case State::kCompletingRebalance:
      // The leader may already be computing an assignment for the old member id.
      m.join_done = std::move(done);
      m.join_version = version;
      ++g.awaiting_join;
      PrepareRebalance(g, "static member " + *req.group_instance_id + " rejoined during CompletingRebalance");
      MaybeCompleteJoin(g);
      return;
    case State::kPreparingRebalance:
    case State::kEmpty:
    case State::kDead:
      m.join_done = std::move(done);
      m.join_version = version;
      ++g.awaiting_join;
      MaybePrepareRebalance(g, "static member rejoined");
      MaybeCompleteJoin(g);
      return;
  }
}


void GroupCoordinator::JoinExistingMember(Group& g, const ConnectionInfo& conn,
                                          const std::optional<std::string>& client_id, const JoinGroupRequest& req,
                                          int16_t version, int32_t rebalance_timeout,
                                          std::function<void(JoinGroupResponse)>& done) {
  const std::string& member_id = req.member_id;
  auto fail = [&](ErrorCode e) {
    JoinGroupResponse r;
    r.error_code = e;
    r.member_id = member_id;
    Defer([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
  };
  if (auto pit = g.pending_members.find(member_id); pit != g.pending_members.end()) {
    // The second JoinGroup of the MEMBER_ID_REQUIRED handshake.
    if (pit->second) loop_->CancelTimer(pit->second);
    g.pending_members.erase(pit);
    return AddMemberAndRebalance(g, member_id, conn, client_id, req, version, rebalance_timeout, done);
  }
  if (ErrorCode e = ValidateMember(g, member_id, req.group_instance_id); e != ErrorCode::kNone) return fail(e);
  Member& m = g.members.at(member_id);
  switch (g.state) {
    case State::kPreparingRebalance:
      return UpdateMemberAndRebalance(g, m, req, version, rebalance_timeout, done);
    case State::kCompletingRebalance:
      if (m.protocols == req.protocols) {
        // A retransmission: the member already has this generation's answer coming.
        JoinGroupResponse r = CurrentJoinResponse(g, m);
        ScheduleSession(g, m);
        Defer([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
        return;
      }
      return UpdateMemberAndRebalance(g, m, req, version, rebalance_timeout, done);
    case State::kStable:
      if (g.leader_id == member_id || m.protocols != req.protocols) {
        // A leader's rejoin means it wants a new assignment (e.g. its metadata changed).
        return UpdateMemberAndRebalance(g, m, req, version, rebalance_timeout, done);
      }
      {
        // A follower with unchanged metadata: let it SyncGroup into the current generation.
        JoinGroupResponse r = CurrentJoinResponse(g, m);
        ScheduleSession(g, m);
        Defer([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
      }
      return;
    case State::kEmpty:
    case State::kDead:
      return fail(ErrorCode::kUnknownMemberId);
  }
}

void GroupCoordinator::UpdateMemberAndRebalance(Group& g, Member& m, const JoinGroupRequest& req, int16_t version,
                                                int32_t rebalance_timeout,
                                                std::function<void(JoinGroupResponse)>& done) {
  m.protocols = req.protocols;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = rebalance_timeout;
  if (m.join_done) {
    // A second JoinGroup while the first is parked (a client retry): the newer one waits, the
    // older one is answered so its connection's response order is not blocked.
    JoinGroupResponse r;
    r.error_code = ErrorCode::kRebalanceInProgress;
    r.member_id = m.member_id;
    Defer([cb = std::move(m.join_done), r = std::move(r)]() mutable { cb(std::move(r)); });
  } else {
    ++g.awaiting_join;
  }
  m.join_done = std::move(done);
  m.join_version = version;
  const std::string member_id = m.member_id;
  MaybePrepareRebalance(g, "member " + member_id + " rejoined");
  MaybeCompleteJoin(g);
}

JoinGroupResponse GroupCoordinator::CurrentJoinResponse(const Group& g, const Member& m) const {
  JoinGroupResponse r;
  r.error_code = ErrorCode::kNone;
  r.generation_id = g.generation;
  r.protocol_type = g.protocol_type;
  r.protocol_name = g.protocol_name;
  r.leader = g.leader_id;
  r.member_id = m.member_id;
  if (g.leader_id == m.member_id && g.protocol_name) {
    // Members in join order, so the leader's assignor sees a stable order.
    std::vector<const Member*> ordered;
    for (const auto& [_, other] : g.members) ordered.push_back(&other);
    std::sort(ordered.begin(), ordered.end(), [](const Member* a, const Member* b) { return a->join_order < b->join_order; });
    for (const Member* other : ordered) {
      JoinGroupResponse::JoinGroupResponseMember jm;
      jm.member_id = other->member_id;
      jm.group_instance_id = other->group_instance_id;
      if (const auto* md = other->MetadataFor(*g.protocol_name)) jm.metadata = *md;
      r.members.push_back(std::move(jm));
    }
  }
  return r;
}

std::optional<std::set<std::string>> GroupCoordinator::ComputeSubscribedTopics(const Group& g) const {
  if (!g.protocol_type || *g.protocol_type != "consumer" || !g.protocol_name) return std::nullopt;
  std::set<std::string> topics;
  for (const auto& [_, m] : g.members) {
    const auto* md = m.MetadataFor(*g.protocol_name);
    if (md == nullptr) return std::nullopt;
    auto sub = DecodeConsumerSubscription(*md);
    if (!sub.ok()) return std::nullopt;  // unknown: treated as "not subscribed", as Kafka does
    topics.insert(sub->topics.begin(), sub->topics.end());
  }
  return topics;
}

// ---------------------------------------------------------------------------------------------
// Rebalance machinery

void GroupCoordinator::MaybePrepareRebalance(Group& g, const std::string& reason) {
  if (g.state == State::kStable || g.state == State::kCompletingRebalance || g.state == State::kEmpty) {
    PrepareRebalance(g, reason);
  }
}

void GroupCoordinator::PrepareRebalance(Group& g, const std::string& reason) {
  if (g.state == State::kCompletingRebalance) PropagateAssignment(g, ErrorCode::kRebalanceInProgress);
  if (g.sync_timer) loop_->CancelTimer(g.sync_timer);
  g.sync_timer = 0;
  g.pending_sync.clear();
  if (g.join_timer) loop_->CancelTimer(g.join_timer);
  g.join_timer = 0;
  const std::string gid = g.id;
  const int32_t rebalance_timeout = g.RebalanceTimeoutMs();
  if (g.state == State::kEmpty && options_.group_initial_rebalance_delay_ms > 0) {
    // group.initial.rebalance.delay.ms: give the other members of a starting group a moment
    // to arrive, so the group does not rebalance once per member.
    g.initial_delay = true;
    g.new_member_added = false;
    const int32_t delay = options_.group_initial_rebalance_delay_ms;
    const int32_t remaining = std::max(rebalance_timeout - delay, 0);
    g.join_timer = loop_->RunAfter(delay, [this, gid, remaining] { OnInitialDelayExpired(gid, remaining); });
  } else {
    g.initial_delay = false;
    g.join_timer = loop_->RunAfter(rebalance_timeout, [this, gid] { OnJoinTimeout(gid); });
  }
  SetState(g, State::kPreparingRebalance);
  rebalances_total_->Increment();
  base::LogInfo(kLog, "preparing to rebalance group",
                {{"group", g.id}, {"generation", g.generation}, {"reason", reason}});
}

void GroupCoordinator::OnInitialDelayExpired(const std::string& group_id, int32_t remaining_ms) {
  DeferScope scope(this);
  Group* g = FindGroup(group_id);
  if (g == nullptr || g->state != State::kPreparingRebalance || !g->initial_delay) return;
  g->join_timer = 0;
  if (g->new_member_added && remaining_ms > 0) {
    g->new_member_added = false;
    const int32_t delay = std::min(options_.group_initial_rebalance_delay_ms, remaining_ms);
    const int32_t remaining = std::max(remaining_ms - delay, 0);
    g->join_timer = loop_->RunAfter(delay, [this, group_id, remaining] { OnInitialDelayExpired(group_id, remaining); });
    return;
  }
  g->initial_delay = false;
  CompleteJoin(*g);
}

void GroupCoordinator::OnJoinTimeout(const std::string& group_id) {
  DeferScope scope(this);
  Group* g = FindGroup(group_id);
  if (g == nullptr || g->state != State::kPreparingRebalance || g->initial_delay) return;
  g->join_timer = 0;
  CompleteJoin(*g);
}

bool GroupCoordinator::AllMembersJoined(const Group& g) const {
  return static_cast<size_t>(g.awaiting_join) == g.members.size() && g.pending_members.empty();
}

void GroupCoordinator::MaybeCompleteJoin(Group& g) {
  if (g.state == State::kPreparingRebalance && !g.initial_delay && AllMembersJoined(g)) CompleteJoin(g);
}

void GroupCoordinator::CompleteJoin(Group& g) {
  if (g.join_timer) loop_->CancelTimer(g.join_timer);
  g.join_timer = 0;
  g.initial_delay = false;
  std::vector<std::string> gone;
  for (const auto& [id, m] : g.members) {
    if (!m.join_done) gone.push_back(id);
  }
  for (const auto& id : gone) {
    base::LogInfo(kLog, "removing member that did not rejoin in time", {{"group", g.id}, {"member", id}});
    RemoveMember(g, id, "did not rejoin");
  }
  ++g.generation;
  if (g.members.empty()) {
    g.protocol_name.reset();
    g.subscribed_topics.reset();
    SetState(g, State::kEmpty);
    PersistGroupMetadata(g);
    base::LogInfo(kLog, "group is empty", {{"group", g.id}, {"generation", g.generation}});
    return;
  }
  g.protocol_name = SelectProtocol(g);
  g.subscribed_topics = ComputeSubscribedTopics(g);
  SetState(g, State::kCompletingRebalance);
  PersistGroupMetadata(g);
  base::LogInfo(kLog, "group rebalanced",
                {{"group", g.id}, {"generation", g.generation}, {"protocol", *g.protocol_name},
                 {"members", static_cast<int64_t>(g.members.size())}, {"leader", g.leader_id}});
  for (auto& [id, m] : g.members) {
    JoinGroupResponse r = CurrentJoinResponse(g, m);
    m.is_new = false;
    auto cb = std::move(m.join_done);
    m.join_done = nullptr;
    Defer([cb = std::move(cb), r = std::move(r)]() mutable { cb(std::move(r)); });
    g.pending_sync.insert(id);
    ScheduleSession(g, m);
  }
  g.awaiting_join = 0;
  const std::string gid = g.id;
  const int32_t generation = g.generation;
  g.sync_timer =
      loop_->RunAfter(g.RebalanceTimeoutMs(), [this, gid, generation] { OnPendingSyncTimeout(gid, generation); });
}

void GroupCoordinator::OnPendingSyncTimeout(const std::string& group_id, int32_t generation) {
  DeferScope scope(this);
  Group* g = FindGroup(group_id);
  if (g == nullptr || g->generation != generation) return;
  if (g->state != State::kCompletingRebalance && g->state != State::kStable) return;
  g->sync_timer = 0;
  if (g->pending_sync.empty()) return;
  std::vector<std::string> laggards(g->pending_sync.begin(), g->pending_sync.end());
  for (const auto& id : laggards) {
    base::LogInfo(kLog, "removing member that did not sync in time", {{"group", g->id}, {"member", id}});
    RemoveMember(*g, id, "did not sync");
  }
  PrepareRebalance(*g, "members failed to sync");
  MaybeCompleteJoin(*g);
}

void GroupCoordinator::PropagateAssignment(Group& g, ErrorCode error) {
  for (auto& [_, m] : g.members) {
    if (error != ErrorCode::kNone) m.assignment.clear();
    if (!m.sync_done) continue;
    SyncGroupResponse r;
    r.error_code = error;
    r.protocol_type = g.protocol_type;
    r.protocol_name = g.protocol_name;
    if (error == ErrorCode::kNone) r.assignment = m.assignment;
    auto cb = std::move(m.sync_done);
    m.sync_done = nullptr;
    Defer([cb = std::move(cb), r = std::move(r)]() mutable { cb(std::move(r)); });
    if (error == ErrorCode::kNone) ScheduleSession(g, m);
  }
}

void GroupCoordinator::RemoveMember(Group& g, const std::string& member_id, const std::string& reason) {
  auto it = g.members.find(member_id);
  if (it == g.members.end()) return;
  Member& m = it->second;
  if (m.session_timer) loop_->CancelTimer(m.session_timer);
  if (m.join_done) {
    --g.awaiting_join;
    JoinGroupResponse r;
    r.error_code = ErrorCode::kUnknownMemberId;
    r.member_id = member_id;
    Defer([cb = std::move(m.join_done), r = std::move(r)]() mutable { cb(std::move(r)); });
  }
  if (m.sync_done) {
    SyncGroupResponse r;
    r.error_code = ErrorCode::kUnknownMemberId;
    Defer([cb = std::move(m.sync_done), r = std::move(r)]() mutable { cb(std::move(r)); });
  }
  if (m.group_instance_id) {
    auto sit = g.static_members.find(*m.group_instance_id);
    if (sit != g.static_members.end() && sit->second == member_id) g.static_members.erase(sit);
  }
  g.pending_sync.erase(member_id);
  g.members.erase(it);
  members_gauge_->Add(-1);
  base::LogDebug(kLog, "member removed", {{"group", g.id}, {"member", member_id}, {"reason", reason}});
  if (g.leader_id == member_id) {
    g.leader_id.clear();
    uint64_t best = UINT64_MAX;
    for (const auto& [id, other] : g.members) {
      if (other.join_order < best) {
        best = other.join_order;
        g.leader_id = id;
      }
    }
  }
}

void GroupCoordinator::RemoveMemberAndUpdateGroup(Group& g, const std::string& member_id, const std::string& reason) {
  RemoveMember(g, member_id, reason);
  switch (g.state) {
    case State::kStable:
    case State::kCompletingRebalance:
      PrepareRebalance(g, "member " + member_id + " left: " + reason);
      MaybeCompleteJoin(g);
      break;
    case State::kPreparingRebalance:
      MaybeCompleteJoin(g);
      break;
    case State::kEmpty:
    case State::kDead:
      break;
  }
}

void GroupCoordinator::RemovePendingMember(Group& g, const std::string& member_id) {
  auto it = g.pending_members.find(member_id);
  if (it == g.pending_members.end()) return;
  if (it->second) loop_->CancelTimer(it->second);
  g.pending_members.erase(it);
  MaybeCompleteJoin(g);
}

void GroupCoordinator::OnPendingMemberExpired(const std::string& group_id, const std::string& member_id) {
  DeferScope scope(this);
  Group* g = FindGroup(group_id);
  if (g == nullptr) return;
  auto it = g->pending_members.find(member_id);
  if (it == g->pending_members.end()) return;
  it->second = 0;  // this timer has fired
  RemovePendingMember(*g, member_id);
}

void GroupCoordinator::ScheduleSession(Group& g, Member& m) {
  if (m.session_timer) loop_->CancelTimer(m.session_timer);
  m.session_epoch = next_session_epoch_++;
  const int32_t timeout = (m.is_new && m.join_done) ? std::max(kNewMemberJoinTimeoutMs, m.session_timeout_ms)
                                                    : m.session_timeout_ms;
  const std::string gid = g.id, mid = m.member_id;
  const uint64_t epoch = m.session_epoch;
  m.session_timer = loop_->RunAfter(timeout, [this, gid, mid, epoch] { OnSessionExpired(gid, mid, epoch); });
}

void GroupCoordinator::OnSessionExpired(const std::string& group_id, const std::string& member_id, uint64_t epoch) {
  DeferScope scope(this);
  Group* g = FindGroup(group_id);
  if (g == nullptr) return;
  auto it = g->members.find(member_id);
  if (it == g->members.end() || it->second.session_epoch != epoch) return;
  Member& m = it->second;
  m.session_timer = 0;
  if (!m.is_new && (m.join_done || m.sync_done)) {
    // Parked in JoinGroup/SyncGroup: alive by definition; the rebalance timers bound the wait.
    ScheduleSession(*g, m);
    return;
  }
  base::LogInfo(kLog, "member session expired", {{"group", group_id}, {"member", member_id}});
  RemoveMemberAndUpdateGroup(*g, member_id, "session timeout");
}

ErrorCode GroupCoordinator::ValidateMember(const Group& g, const std::string& member_id,
                                           const std::optional<std::string>& instance_id) const {
  if (instance_id) {
    auto it = g.static_members.find(*instance_id);
    if (it == g.static_members.end()) return ErrorCode::kUnknownMemberId;
    if (it->second != member_id) return ErrorCode::kFencedInstanceId;
    return g.Has(member_id) ? ErrorCode::kNone : ErrorCode::kUnknownMemberId;
  }
  return g.Has(member_id) ? ErrorCode::kNone : ErrorCode::kUnknownMemberId;
}

// ---------------------------------------------------------------------------------------------
// SyncGroup

void GroupCoordinator::SyncGroup(const SyncGroupRequest& req, int16_t version,
                                 std::function<void(SyncGroupResponse)> done) {
  DeferScope scope(this);
  (void)version;
  auto fail = [&](ErrorCode e) {
    SyncGroupResponse r;
    r.error_code = e;
    Defer([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
  };
  ErrorCode err;
  if (!Serving(&err)) return fail(err);
  if (req.group_id.empty()) return fail(ErrorCode::kInvalidGroupId);
  Group* gp = FindGroup(req.group_id);
  if (gp == nullptr) return fail(ErrorCode::kUnknownMemberId);
  Group& g = *gp;
  if (g.state == State::kDead) return fail(ErrorCode::kCoordinatorNotAvailable);
  if (ErrorCode e = ValidateMember(g, req.member_id, req.group_instance_id); e != ErrorCode::kNone) return fail(e);
  if (req.generation_id != g.generation) return fail(ErrorCode::kIllegalGeneration);
  if ((req.protocol_type && *req.protocol_type != g.protocol_type.value_or("")) ||
      (req.protocol_name && *req.protocol_name != g.protocol_name.value_or(""))) {
    return fail(ErrorCode::kInconsistentGroupProtocol);
  }
  Member& m = g.members.at(req.member_id);
  switch (g.state) {
    case State::kEmpty:
    case State::kDead:
      return fail(ErrorCode::kUnknownMemberId);
    case State::kPreparingRebalance:
      return fail(ErrorCode::kRebalanceInProgress);
    case State::kCompletingRebalance: {
      if (m.sync_done) {
        SyncGroupResponse r;
        r.error_code = ErrorCode::kRebalanceInProgress;
        Defer([cb = std::move(m.sync_done), r = std::move(r)]() mutable { cb(std::move(r)); });
      }
      m.sync_done = std::move(done);
      ScheduleSession(g, m);
      g.pending_sync.erase(req.member_id);
      if (g.leader_id == req.member_id) {
        for (auto& [_, member] : g.members) member.assignment.clear();
        for (const auto& a : req.assignments) {
          auto it = g.members.find(a.member_id);
          if (it != g.members.end()) it->second.assignment = a.assignment;
        }
        PropagateAssignment(g, ErrorCode::kNone);
        SetState(g, State::kStable);
        base::LogInfo(kLog, "group is stable", {{"group", g.id}, {"generation", g.generation}});
      }
      break;
    }
    case State::kStable: {
      ScheduleSession(g, m);
      g.pending_sync.erase(req.member_id);
      SyncGroupResponse r;
      r.protocol_type = g.protocol_type;
      r.protocol_name = g.protocol_name;
      r.assignment = m.assignment;
      Defer([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
      break;
    }
  }
  if (g.pending_sync.empty() && g.sync_timer) {
    loop_->CancelTimer(g.sync_timer);
    g.sync_timer = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Heartbeat and LeaveGroup

HeartbeatResponse GroupCoordinator::Heartbeat(const HeartbeatRequest& req, int16_t version) {
  DeferScope scope(this);
  (void)version;
  HeartbeatResponse r;
  if (!Serving(&r.error_code)) return r;
  if (req.group_id.empty()) {
    r.error_code = ErrorCode::kInvalidGroupId;
    return r;
  }
  Group* g = FindGroup(req.group_id);
  if (g == nullptr) {
    r.error_code = ErrorCode::kUnknownMemberId;
    return r;
  }
  if (g->state == State::kDead) {
    r.error_code = ErrorCode::kCoordinatorNotAvailable;
    return r;
  }
  if (ErrorCode e = ValidateMember(*g, req.member_id, req.group_instance_id); e != ErrorCode::kNone) {
    r.error_code = e;
    return r;
  }
  Member& m = g->members.at(req.member_id);
  switch (g->state) {
    case State::kEmpty:
    case State::kDead:
      r.error_code = ErrorCode::kUnknownMemberId;
      break;
    case State::kPreparingRebalance:
      // How members learn that they must rejoin.
      ScheduleSession(*g, m);
      r.error_code = ErrorCode::kRebalanceInProgress;
      break;
    case State::kCompletingRebalance:
    case State::kStable:
      if (req.generation_id != g->generation) {
        r.error_code = ErrorCode::kIllegalGeneration;
      } else {
        ScheduleSession(*g, m);
      }
      break;
  }
  return r;
}

LeaveGroupResponse GroupCoordinator::LeaveGroup(const LeaveGroupRequest& req, int16_t version) {
  DeferScope scope(this);
  LeaveGroupResponse r;
  auto member_result = [](const LeaveGroupRequest::MemberIdentity& who, ErrorCode e) {
    LeaveGroupResponse::MemberResponse mr;
    mr.member_id = who.member_id;
    mr.group_instance_id = who.group_instance_id;
    mr.error_code = e;
    return mr;
  };
  if (!Serving(&r.error_code)) return r;
  if (req.group_id.empty()) {
    r.error_code = ErrorCode::kInvalidGroupId;
    return r;
  }
  Group* g = FindGroup(req.group_id);
  if (g != nullptr && g->state == State::kDead) {
    r.error_code = ErrorCode::kCoordinatorNotAvailable;
    return r;
  }
  for (const auto& who : req.members) {
    if (g == nullptr) {
      r.members.push_back(member_result(who, ErrorCode::kUnknownMemberId));
      continue;
    }
    if (who.member_id.empty()) {
      // Administrative removal by group.instance.id (KIP-345).
      auto it = who.group_instance_id ? g->static_members.find(*who.group_instance_id) : g->static_members.end();
      if (it == g->static_members.end()) {
        r.members.push_back(member_result(who, ErrorCode::kUnknownMemberId));
      } else {
        const std::string member_id = it->second;
        base::LogInfo(kLog, "static member left", {{"group", g->id}, {"member", member_id}});
        RemoveMemberAndUpdateGroup(*g, member_id, "left the group");
        r.members.push_back(member_result(who, ErrorCode::kNone));
      }
      continue;
    }
    if (g->pending_members.count(who.member_id)) {
      RemovePendingMember(*g, who.member_id);
      r.members.push_back(member_result(who, ErrorCode::kNone));
      continue;
    }
    ErrorCode e = ValidateMember(*g, who.member_id, who.group_instance_id);
    if (e == ErrorCode::kNone) {
      base::LogInfo(kLog, "member left", {{"group", g->id}, {"member", who.member_id}});
      RemoveMemberAndUpdateGroup(*g, who.member_id, "left the group");
    }
    r.members.push_back(member_result(who, e));
  }
  if (version <= 2) {
    // v0-2 carry one member and only the top-level error.
    for (const auto& mr : r.members) {
      if (mr.error_code != ErrorCode::kNone) {
        r.error_code = mr.error_code;
        break;
      }
    }
  }
  return r;
}

void GroupCoordinator::ConnectionClosed(uint64_t connection_id) { (void)connection_id; }

// ---------------------------------------------------------------------------------------------
// Introspection

std::string GroupCoordinator::GroupStateName(const std::string& group) const {
  const Group* g = FindGroup(group);
  return g ? StateName(g->state) : "Dead";
}

int32_t GroupCoordinator::GroupGeneration(const std::string& group) const {
  const Group* g = FindGroup(group);
  return g ? g->generation : -1;
}

size_t GroupCoordinator::GroupMemberCount(const std::string& group) const {
  const Group* g = FindGroup(group);
  return g ? g->members.size() : 0;
}

}  // namespace tide::kafka
