// Internal to the group coordinator (its two .cc files): the in-memory state of one group.
// Not an interface; see group_coordinator.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kafka/group/group_coordinator.h"

namespace tide::kafka {

struct GroupCoordinator::Member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<JoinGroupRequest::JoinGroupRequestProtocol> protocols;  // preference order
  std::vector<uint8_t> assignment;
  uint64_t join_order = 0;  // the leader is the member that joined first
  // Parked requests; a member is "awaiting join" exactly when join_done is set.
  std::function<void(JoinGroupResponse)> join_done;
  int16_t join_version = 0;
  std::function<void(SyncGroupResponse)> sync_done;
  // Joined during the current rebalance and not yet part of a completed generation.
  bool is_new = false;
  io::EventLoop::TimerId session_timer = 0;
  uint64_t session_epoch = 0;  // guards against a stale timer callback

  const std::vector<uint8_t>* MetadataFor(const std::string& protocol) const {
    for (const auto& p : protocols) {
      if (p.name == protocol) return &p.metadata;
    }
    return nullptr;
  }
};

struct GroupCoordinator::Group {
  std::string id;
  State state = State::kEmpty;
  int64_t state_since_ms = 0;  // wall clock; base of offset retention for Empty groups
  int32_t generation = 0;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader_id;  // empty: no leader
  std::map<std::string, Member> members;
  std::map<std::string, std::string> static_members;  // group_instance_id -> member_id
  // Member ids handed out with MEMBER_ID_REQUIRED, awaiting their rejoin (with expiry timer).
  std::map<std::string, io::EventLoop::TimerId> pending_members;
  // Members of the current generation that have not yet sent SyncGroup.
  std::set<std::string> pending_sync;
  std::optional<std::set<std::string>> subscribed_topics;  // consumer groups only, when decodable
  int32_t awaiting_join = 0;

  // Rebalance timers.
  io::EventLoop::TimerId join_timer = 0;
  bool initial_delay = false;  // the join timer is the initial delay; joins don't complete it
  bool new_member_added = false;
  io::EventLoop::TimerId sync_timer = 0;

  std::map<TopicPartition, OffsetEntry> offsets;
  std::map<int64_t, std::map<TopicPartition, OffsetEntry>> pending_txn_offsets;  // by producer id

  bool Has(const std::string& member_id) const { return members.count(member_id) != 0; }
  int32_t RebalanceTimeoutMs() const {
    int32_t t = 0;
    for (const auto& [_, m] : members) t = std::max(t, m.rebalance_timeout_ms);
    return t;
  }
  bool HasPendingTxnOffset(const TopicPartition& tp) const {
    for (const auto& [_, offs] : pending_txn_offsets) {
      if (offs.count(tp)) return true;
    }
    return false;
  }
};

// Runs queued callbacks when the outermost coordinator entry point returns.
struct GroupCoordinator::DeferScope {
  explicit DeferScope(GroupCoordinator* c) : c_(c) { ++c_->defer_depth_; }
  ~DeferScope() {
    if (--c_->defer_depth_ == 0) {
      // The state is consistent again: a good moment to fold the journal into a snapshot.
      c_->MaybeCompact();
      c_->RunDeferred();
    }
  }
  GroupCoordinator* c_;
};

}  // namespace tide::kafka
