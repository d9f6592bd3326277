// Drives GroupCoordinator on a real EventLoop thread: every call goes through OnLoop (the
// coordinator is single-threaded), parked JoinGroup/SyncGroup answers are polled.
#include "kafka/group/group_coordinator.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "base/logging.h"
#include "io/event_loop.h"
#include "kafka/protocol/consumer_protocol.h"

namespace tide::kafka {
namespace {

using Protocols = std::vector<JoinGroupRequest::JoinGroupRequestProtocol>;
using JoinSlot = std::shared_ptr<std::optional<JoinGroupResponse>>;
using SyncSlot = std::shared_ptr<std::optional<SyncGroupResponse>>;

std::vector<uint8_t> Subscription(std::vector<std::string> topics) {
  ConsumerProtocolSubscription s;
  s.topics = std::move(topics);
  return EncodeConsumerSubscription(s, 0);
}

Protocols Range(std::vector<uint8_t> md = {1, 2, 3}) { return {{"range", std::move(md)}}; }

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tide-group-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    thread_ = std::make_unique<io::EventLoopThread>("group-test");
    ASSERT_TRUE(thread_->Start().ok());
    loop_ = thread_->loop();
    options_.state_dir = dir_ + "/meta/groups";
    options_.group_min_session_timeout_ms = 10;
    options_.group_max_session_timeout_ms = 60000;
    options_.group_initial_rebalance_delay_ms = 0;
    options_.partition_exists = [](const std::string& topic, int32_t) { return topic != "missing"; };
    saved_level_ = base::GetLogLevel();
    base::SetLogLevel(base::LogLevel::kWarn);
  }

  void TearDown() override {
    if (coord_) Stop();
    thread_->Stop();
    std::filesystem::remove_all(dir_);
    base::SetLogLevel(saved_level_);
  }

  template <class F>
  auto OnLoop(F fn) -> decltype(fn()) {
    using R = decltype(fn());
    std::promise<R> p;
    loop_->Post([&] {
      if constexpr (std::is_void_v<R>) {
        fn();
        p.set_value();
      } else {
        p.set_value(fn());
      }
    });
    return p.get_future().get();
  }

  void Start() {
    base::Status st = OnLoop([&] {
      coord_ = std::make_unique<GroupCoordinator>(loop_, &metrics_, options_);
      return coord_->Open();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void Stop() {
    base::Status st = OnLoop([&] {
      base::Status s = coord_->Close();
      coord_.reset();
      return s;
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  void Restart() {
    Stop();
    Start();
  }

  JoinSlot Join(const std::string& group, const std::string& member_id, Protocols protocols = Range(),
                std::optional<std::string> instance = std::nullopt, int16_t version = 5, int32_t session_ms = 10000,
                int32_t rebalance_ms = 2000, std::string protocol_type = "consumer") {
    JoinGroupRequest req;
    req.group_id = group;
    req.member_id = member_id;
    req.session_timeout_ms = session_ms;
    req.rebalance_timeout_ms = rebalance_ms;
    req.group_instance_id = std::move(instance);
    req.protocol_type = std::move(protocol_type);
    req.protocols = std::move(protocols);
    auto slot = std::make_shared<std::optional<JoinGroupResponse>>();
    OnLoop([&] {
      ConnectionInfo conn{1, "127.0.0.1:5555"};
      coord_->JoinGroup(conn, std::string("client"), req, version, [slot](JoinGroupResponse r) {
        EXPECT_FALSE(slot->has_value()) << "callback called twice";
        *slot = std::move(r);
      });
    });
    return slot;
  }

  template <class T>
  bool Ready(const std::shared_ptr<std::optional<T>>& slot) {
    return OnLoop([&] { return slot->has_value(); });
  }
  template <class T>
  T Await(const std::shared_ptr<std::optional<T>>& slot, int timeout_ms = 5000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!Ready(slot)) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "timed out waiting for a parked answer";
        return T{};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return OnLoop([&] { return **slot; });
  }

  // The MEMBER_ID_REQUIRED handshake, then the real join (returned parked or answered).
  JoinSlot JoinNew(const std::string& group, Protocols protocols = Range(), int32_t session_ms = 10000,
                   int32_t rebalance_ms = 2000) {
    auto first = Await(Join(group, "", protocols, std::nullopt, 5, session_ms, rebalance_ms));
    EXPECT_EQ(first.error_code, ErrorCode::kMemberIdRequired);
    EXPECT_EQ(first.member_id.rfind("client-", 0), 0u) << first.member_id;
    return Join(group, first.member_id, protocols, std::nullopt, 5, session_ms, rebalance_ms);
  }

  SyncSlot Sync(const std::string& group, const std::string& member, int32_t generation,
                std::vector<SyncGroupRequest::SyncGroupRequestAssignment> assignments = {},
                std::optional<std::string> instance = std::nullopt) {
    SyncGroupRequest req;
    req.group_id = group;
    req.member_id = member;
    req.generation_id = generation;
    req.group_instance_id = std::move(instance);
    req.assignments = std::move(assignments);
    auto slot = std::make_shared<std::optional<SyncGroupResponse>>();
    OnLoop([&] {
      coord_->SyncGroup(req, 5, [slot](SyncGroupResponse r) {
        EXPECT_FALSE(slot->has_value()) << "callback called twice";
        *slot = std::move(r);
      });
    });
    return slot;
  }

  ErrorCode Heartbeat(const std::string& group, const std::string& member, int32_t generation,
                      std::optional<std::string> instance = std::nullopt) {
    HeartbeatRequest req;
    req.group_id = group;
    req.member_id = member;
    req.generation_id = generation;
    req.group_instance_id = std::move(instance);
    return OnLoop([&] { return coord_->Heartbeat(req, 4).error_code; });
  }

  OffsetCommitResponse Commit(const std::string& group, int32_t generation, const std::string& member,
                              std::vector<std::tuple<std::string, int32_t, int64_t>> offsets,
                              std::optional<std::string> metadata = "meta") {
    OffsetCommitRequest req;
    req.group_id = group;
    req.generation_id = generation;
    req.member_id = member;
    for (auto& [topic_binding, partition, offset] : offsets) {
      const std::string& topic = topic_binding;  // lambdas cannot capture bindings before clang 16
      auto it = std::find_if(req.topics.begin(), req.topics.end(), [&](auto& t) { return t.name == topic; });
      if (it == req.topics.end()) {
        req.topics.emplace_back().name = topic;
        it = req.topics.end() - 1;
      }
      OffsetCommitRequest::OffsetCommitRequestPartition p;
      p.partition_index = partition;
      p.committed_offset = offset;
      p.committed_metadata = metadata;
      it->partitions.push_back(p);
    }
    return OnLoop([&] { return coord_->OffsetCommit(req, 8); });
  }
  static ErrorCode FirstError(const OffsetCommitResponse& r) { return r.topics.at(0).partitions.at(0).error_code; }

  OffsetFetchResponse::OffsetFetchResponsePartitions Fetch(const std::string& group, const std::string& topic,
                                                           int32_t partition, bool require_stable = false) {
    OffsetFetchRequest req;
    req.require_stable = require_stable;
    auto& g = req.groups.emplace_back();
    g.group_id = group;
    g.topics.emplace();
    g.topics->push_back({topic, {partition}});
    auto resp = OnLoop([&] { return coord_->OffsetFetch(req, 8); });
    return resp.groups.at(0).topics.at(0).partitions.at(0);
  }

  std::string State(const std::string& group) {
    return OnLoop([&] { return coord_->GroupStateName(group); });
  }
  int32_t Generation(const std::string& group) {
    return OnLoop([&] { return coord_->GroupGeneration(group); });
  }

  // Two members through a full rebalance: returns {leader_id, follower_id, generation}.
  std::tuple<std::string, std::string, int32_t> StableGroupOfTwo(const std::string& group, int32_t session_ms = 10000) {
    auto a = Await(JoinNew(group, Range(Subscription({"t1"})), session_ms));
    EXPECT_EQ(a.error_code, ErrorCode::kNone);
    EXPECT_EQ(Await(Sync(group, a.member_id, a.generation_id)).error_code, ErrorCode::kNone);
    auto b_slot = JoinNew(group, Range(Subscription({"t1"})), session_ms);
    EXPECT_FALSE(Ready(b_slot));
    EXPECT_EQ(Heartbeat(group, a.member_id, a.generation_id), ErrorCode::kRebalanceInProgress);
    auto a2 = Await(Join(group, a.member_id, Range(Subscription({"t1"})), std::nullopt, 5, session_ms));
    auto b = Await(b_slot);
    EXPECT_EQ(a2.error_code, ErrorCode::kNone);
    EXPECT_EQ(b.error_code, ErrorCode::kNone);
    auto fs = Sync(group, b.member_id, b.generation_id);
    auto ls = Sync(group, a.member_id, a2.generation_id, {{a.member_id, {0xA}}, {b.member_id, {0xB}}});
    EXPECT_EQ(Await(ls).assignment, std::vector<uint8_t>{0xA});
    EXPECT_EQ(Await(fs).assignment, std::vector<uint8_t>{0xB});
    return {a.member_id, b.member_id, a2.generation_id};
  }

  std::string dir_;
  base::LogLevel saved_level_ = base::LogLevel::kInfo;
  std::unique_ptr<io::EventLoopThread> thread_;
  io::EventLoop* loop_ = nullptr;
  base::MetricsRegistry metrics_;
  GroupCoordinatorOptions options_;
  std::unique_ptr<GroupCoordinator> coord_;
};

TEST_F(GroupCoordinatorTest, TwoMembersJoinSyncHeartbeatThenThirdTriggersRebalance) {
  Start();
  auto a = Await(JoinNew("g", Range({0xAA})));
  ASSERT_EQ(a.error_code, ErrorCode::kNone);
  EXPECT_EQ(a.generation_id, 1);
  EXPECT_EQ(a.leader, a.member_id);
  EXPECT_EQ(a.protocol_name, "range");
  EXPECT_EQ(a.protocol_type, "consumer");
  ASSERT_EQ(a.members.size(), 1u);
  EXPECT_EQ(State("g"), "CompletingRebalance");
  EXPECT_EQ(Await(Sync("g", a.member_id, 1, {{a.member_id, {1}}})).assignment, std::vector<uint8_t>{1});
  EXPECT_EQ(State("g"), "Stable");
  EXPECT_EQ(Heartbeat("g", a.member_id, 1), ErrorCode::kNone);

  // B joins: its answer waits until A has rejoined.
  auto b_slot = JoinNew("g", Range({0xBB}));
  EXPECT_FALSE(Ready(b_slot));
  EXPECT_EQ(State("g"), "PreparingRebalance");
  EXPECT_EQ(Heartbeat("g", a.member_id, 1), ErrorCode::kRebalanceInProgress);
  auto a_slot = Join("g", a.member_id, Range({0xAA}));
  auto a2 = Await(a_slot);
  auto b = Await(b_slot);
  EXPECT_EQ(a2.generation_id, 2);
  EXPECT_EQ(b.generation_id, 2);
  EXPECT_EQ(a2.leader, a.member_id);
  EXPECT_EQ(b.leader, a.member_id);
  ASSERT_EQ(a2.members.size(), 2u);  // the leader sees everyone's metadata
  EXPECT_EQ(a2.members[0].member_id, a.member_id);
  EXPECT_EQ(a2.members[0].metadata, std::vector<uint8_t>{0xAA});
  EXPECT_EQ(a2.members[1].member_id, b.member_id);
  EXPECT_EQ(a2.members[1].metadata, std::vector<uint8_t>{0xBB});
  EXPECT_TRUE(b.members.empty());

  // The follower's SyncGroup waits for the leader's assignment.
  auto fs = Sync("g", b.member_id, 2);
  EXPECT_FALSE(Ready(fs));
  EXPECT_EQ(Heartbeat("g", b.member_id, 2), ErrorCode::kNone);  // CompletingRebalance: alive
  auto ls = Sync("g", a.member_id, 2, {{a.member_id, {0x0A}}, {b.member_id, {0x0B}}});
  auto lr = Await(ls);
  auto fr = Await(fs);
  EXPECT_EQ(lr.error_code, ErrorCode::kNone);
  EXPECT_EQ(lr.assignment, std::vector<uint8_t>{0x0A});
  EXPECT_EQ(fr.assignment, std::vector<uint8_t>{0x0B});
  EXPECT_EQ(fr.protocol_name, "range");
  EXPECT_EQ(State("g"), "Stable");
  EXPECT_EQ(Heartbeat("g", a.member_id, 2), ErrorCode::kNone);
  EXPECT_EQ(Heartbeat("g", b.member_id, 2), ErrorCode::kNone);
  EXPECT_EQ(Heartbeat("g", b.member_id, 1), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(Heartbeat("g", "nobody", 2), ErrorCode::kUnknownMemberId);

  // A third member: both others learn of the rebalance from their heartbeats.
  auto c_slot = JoinNew("g", Range({0xCC}));
  EXPECT_FALSE(Ready(c_slot));
  EXPECT_EQ(Heartbeat("g", a.member_id, 2), ErrorCode::kRebalanceInProgress);
  EXPECT_EQ(Heartbeat("g", b.member_id, 2), ErrorCode::kRebalanceInProgress);
  // A SyncGroup now is told to rejoin as well.
  EXPECT_EQ(Await(Sync("g", b.member_id, 2)).error_code, ErrorCode::kRebalanceInProgress);
  auto a3_slot = Join("g", a.member_id, Range({0xAA}));
  auto b3_slot = Join("g", b.member_id, Range({0xBB}));
  auto a3 = Await(a3_slot), b3 = Await(b3_slot), c = Await(c_slot);
  EXPECT_EQ(a3.generation_id, 3);
  EXPECT_EQ(b3.generation_id, 3);
  EXPECT_EQ(c.generation_id, 3);
  EXPECT_EQ(a3.members.size(), 3u);
  EXPECT_EQ(OnLoop([&] { return coord_->GroupMemberCount("g"); }), 3u);

  auto text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("tide_kafka_group_rebalances_total 3"), std::string::npos) << text;
  EXPECT_NE(text.find("tide_kafka_group_members 3"), std::string::npos) << text;
  EXPECT_NE(text.find("tide_kafka_group_groups{state=\"PreparingRebalance\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("tide_kafka_group_groups{state=\"CompletingRebalance\"} 1"), std::string::npos) << text;
}

TEST_F(GroupCoordinatorTest, InitialRebalanceDelayCollectsMembers) {
  options_.group_initial_rebalance_delay_ms = 150;
  Start();
  // v3: no MEMBER_ID_REQUIRED step.
  auto a_slot = Join("g", "", Range(), std::nullopt, 3);
  auto b_slot = Join("g", "", Range(), std::nullopt, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(Ready(a_slot));
  EXPECT_FALSE(Ready(b_slot));
  auto a = Await(a_slot), b = Await(b_slot);
  EXPECT_EQ(a.error_code, ErrorCode::kNone);
  EXPECT_EQ(a.generation_id, 1);
  EXPECT_EQ(b.generation_id, 1);
  EXPECT_EQ(a.members.size() + b.members.size(), 2u);  // exactly one of them leads
  EXPECT_EQ(a.leader, b.leader);
}

TEST_F(GroupCoordinatorTest, SessionTimeoutRemovesSilentMember) {
  Start();
  auto [a, b, gen] = StableGroupOfTwo("g", 500);
  // Only A heartbeats; B goes silent and is expelled after its 500 ms session.
  ErrorCode hb = ErrorCode::kNone;
  for (int i = 0; i < 100 && hb == ErrorCode::kNone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    hb = Heartbeat("g", a, gen);
  }
  EXPECT_EQ(hb, ErrorCode::kRebalanceInProgress);
  auto a2 = Await(Join("g", a, Range(Subscription({"t1"})), std::nullopt, 5, 500));
  EXPECT_EQ(a2.generation_id, gen + 1);
  EXPECT_EQ(a2.members.size(), 1u);
  EXPECT_EQ(Heartbeat("g", b, gen), ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, RebalanceTimeoutRemovesMembersThatDoNotRejoin) {
  Start();
  auto a = Await(JoinNew("g", Range(), 10000, 200));
  Await(Sync("g", a.member_id, a.generation_id));
  auto b_slot = JoinNew("g", Range(), 10000, 200);
  // A never rejoins: after the 200 ms rebalance timeout B forms the group alone.
  auto b = Await(b_slot);
  EXPECT_EQ(b.error_code, ErrorCode::kNone);
  EXPECT_EQ(b.leader, b.member_id);
  EXPECT_EQ(b.members.size(), 1u);
  EXPECT_EQ(Heartbeat("g", a.member_id, a.generation_id), ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, MembersThatNeverSyncAreRemoved) {
  Start();
  auto a = Await(JoinNew("g", Range(), 10000, 200));
  Await(Sync("g", a.member_id, a.generation_id));
  auto b_slot = JoinNew("g", Range(), 10000, 200);
  auto a2 = Await(Join("g", a.member_id, Range(), std::nullopt, 5, 10000, 200));
  auto b = Await(b_slot);
  // B syncs and waits; the leader A never sends its SyncGroup. After the rebalance timeout A
  // is removed and B is told to rejoin.
  auto fs = Sync("g", b.member_id, b.generation_id);
  EXPECT_EQ(Await(fs).error_code, ErrorCode::kRebalanceInProgress);
  auto b2 = Await(Join("g", b.member_id, Range(), std::nullopt, 5, 10000, 200));
  EXPECT_EQ(b2.generation_id, a2.generation_id + 1);
  EXPECT_EQ(b2.leader, b.member_id);
  EXPECT_EQ(b2.members.size(), 1u);
}

TEST_F(GroupCoordinatorTest, StaticMemberWithNewProtocolTriggersRebalance) {
  Start();
  auto s1 = Await(Join("g", "", {{"range", {}}, {"roundrobin", {}}}, "i1"));
  Await(Sync("g", s1.member_id, s1.generation_id));
  // Rejoining with a protocol list whose vote changes the group's protocol.
  auto r = Await(Join("g", "", {{"roundrobin", {}}}, "i1"));
  EXPECT_EQ(r.error_code, ErrorCode::kNone);
  EXPECT_EQ(r.generation_id, s1.generation_id + 1);
  EXPECT_EQ(r.protocol_name, "roundrobin");
  EXPECT_EQ(Heartbeat("g", s1.member_id, s1.generation_id, "i1"), ErrorCode::kFencedInstanceId);
}

TEST_F(GroupCoordinatorTest, StaticMemberRestartsWithoutRebalance) {
  Start();
  auto s1 = Await(Join("g", "", Range(), "i1"));  // static members skip MEMBER_ID_REQUIRED
  ASSERT_EQ(s1.error_code, ErrorCode::kNone);
  EXPECT_EQ(s1.member_id.rfind("i1-", 0), 0u);
  auto s2_slot = Join("g", "", Range(), "i2");
  Await(Join("g", s1.member_id, Range(), "i1"));
  auto s2 = Await(s2_slot);
  const int32_t gen = s2.generation_id;
  auto f = Sync("g", s2.member_id, gen, {}, "i2");
  EXPECT_EQ(Await(Sync("g", s1.member_id, gen, {{s1.member_id, {1}}, {s2.member_id, {2}}}, "i1")).assignment,
            std::vector<uint8_t>{1});
  EXPECT_EQ(Await(f).assignment, std::vector<uint8_t>{2});

  // i2 restarts: a new member id, same generation, no rebalance.
  auto r = Await(Join("g", "", Range(), "i2"));
  EXPECT_EQ(r.error_code, ErrorCode::kNone);
  EXPECT_NE(r.member_id, s2.member_id);
  EXPECT_EQ(r.generation_id, gen);
  EXPECT_EQ(State("g"), "Stable");
  EXPECT_EQ(Generation("g"), gen);
  EXPECT_EQ(Heartbeat("g", s2.member_id, gen, "i2"), ErrorCode::kFencedInstanceId);
  EXPECT_EQ(Heartbeat("g", r.member_id, gen, "i2"), ErrorCode::kNone);
  EXPECT_EQ(Heartbeat("g", s1.member_id, gen, "i1"), ErrorCode::kNone);
  EXPECT_EQ(Await(Sync("g", r.member_id, gen, {}, "i2")).assignment, std::vector<uint8_t>{2});

  // The leader restarting keeps leadership and is told to skip the assignment.
  auto l = Await(Join("g", "", Range(), "i1", 9));
  EXPECT_EQ(l.leader, l.member_id);
  EXPECT_TRUE(l.skip_assignment);
  EXPECT_EQ(l.members.size(), 2u);
  EXPECT_EQ(State("g"), "Stable");

  // LeaveGroup v3+ by instance id.
  LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.members.push_back({"", "i2", std::nullopt});
  leave.members.push_back({"", "nope", std::nullopt});
  auto lr = OnLoop([&] { return coord_->LeaveGroup(leave, 3); });
  ASSERT_EQ(lr.members.size(), 2u);
  EXPECT_EQ(lr.members[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(lr.members[1].error_code, ErrorCode::kUnknownMemberId);
  EXPECT_EQ(State("g"), "PreparingRebalance");
}

TEST_F(GroupCoordinatorTest, LeaveGroupTriggersRebalanceAndEmptiesGroup) {
  Start();
  auto [a, b, gen] = StableGroupOfTwo("g");
  LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.members.push_back({b, std::nullopt, std::nullopt});
  EXPECT_EQ(OnLoop([&] { return coord_->LeaveGroup(leave, 1); }).error_code, ErrorCode::kNone);
  EXPECT_EQ(Heartbeat("g", a, gen), ErrorCode::kRebalanceInProgress);
  auto a2 = Await(Join("g", a, Range(Subscription({"t1"}))));
  EXPECT_EQ(a2.generation_id, gen + 1);
  EXPECT_EQ(a2.members.size(), 1u);

  // v0-2: a bad member id is the top-level error.
  leave.members = {{"ghost", std::nullopt, std::nullopt}};
  EXPECT_EQ(OnLoop([&] { return coord_->LeaveGroup(leave, 0); }).error_code, ErrorCode::kUnknownMemberId);

  leave.members = {{a, std::nullopt, std::nullopt}};
  EXPECT_EQ(OnLoop([&] { return coord_->LeaveGroup(leave, 2); }).error_code, ErrorCode::kNone);
  EXPECT_EQ(State("g"), "Empty");
  EXPECT_EQ(Generation("g"), gen + 2);
}

TEST_F(GroupCoordinatorTest, OffsetCommitChecksMemberAndGeneration) {
  Start();
  auto [a, b, gen] = StableGroupOfTwo("g");
  EXPECT_EQ(FirstError(Commit("g", gen, a, {{"t1", 0, 42}, {"t1", 1, 7}})), ErrorCode::kNone);
  EXPECT_EQ(FirstError(Commit("g", gen - 1, a, {{"t1", 0, 1}})), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(FirstError(Commit("g", gen, "ghost", {{"t1", 0, 1}})), ErrorCode::kUnknownMemberId);
  // Simple commits are refused while the group has members.
  EXPECT_EQ(FirstError(Commit("g", -1, "", {{"t1", 0, 1}})), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(FirstError(Commit("g", gen, b, {{"missing", 0, 1}})), ErrorCode::kUnknownTopicOrPartition);

  auto p = Fetch("g", "t1", 0);
  EXPECT_EQ(p.error_code, ErrorCode::kNone);
  EXPECT_EQ(p.committed_offset, 42);
  EXPECT_EQ(p.metadata, "meta");
  EXPECT_EQ(Fetch("g", "t1", 9).committed_offset, -1);
  EXPECT_EQ(Fetch("unknown-group", "t1", 0).committed_offset, -1);
  EXPECT_EQ(OnLoop([&] { return coord_->CommittedOffset("g", "t1", 1); }), std::optional<int64_t>(7));

  // All partitions (null topic list), two groups in one v8 request.
  OffsetFetchRequest req;
  req.groups.push_back({"g", std::nullopt});
  req.groups.push_back({"other", std::nullopt});
  auto resp = OnLoop([&] { return coord_->OffsetFetch(req, 8); });
  ASSERT_EQ(resp.groups.size(), 2u);
  ASSERT_EQ(resp.groups[0].topics.size(), 1u);
  EXPECT_EQ(resp.groups[0].topics[0].partitions.size(), 2u);
  EXPECT_TRUE(resp.groups[1].topics.empty());

  // During a rebalance commits are still accepted (PreparingRebalance) ...
  auto c_slot = JoinNew("g", Range(Subscription({"t1"})));
  EXPECT_EQ(FirstError(Commit("g", gen, a, {{"t1", 0, 43}})), ErrorCode::kNone);
  // ... but not in CompletingRebalance, where the member must first sync.
  auto a2_slot = Join("g", a, Range(Subscription({"t1"})));
  auto b2_slot = Join("g", b, Range(Subscription({"t1"})));
  auto a2 = Await(a2_slot);
  Await(b2_slot);
  Await(c_slot);
  EXPECT_EQ(FirstError(Commit("g", a2.generation_id, a, {{"t1", 0, 44}})), ErrorCode::kRebalanceInProgress);
  EXPECT_EQ(Fetch("g", "t1", 0).committed_offset, 43);
}

TEST_F(GroupCoordinatorTest, SimpleCommitWithoutGroupManagement) {
  Start();
  EXPECT_EQ(FirstError(Commit("g", 3, "", {{"t1", 0, 1}})), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(State("g"), "Dead");
  EXPECT_EQ(FirstError(Commit("g", -1, "", {{"t1", 0, 10}})), ErrorCode::kNone);
  EXPECT_EQ(Fetch("g", "t1", 0).committed_offset, 10);
  auto list = OnLoop([&] { return coord_->ListGroups({}, 4); });
  ASSERT_EQ(list.groups.size(), 1u);
  EXPECT_EQ(list.groups[0].group_id, "g");
  EXPECT_EQ(list.groups[0].protocol_type, "");
  EXPECT_EQ(list.groups[0].group_state, "Empty");
  ListGroupsRequest stable_only;
  stable_only.states_filter = {"stable"};
  EXPECT_TRUE(OnLoop([&] { return coord_->ListGroups(stable_only, 4); }).groups.empty());
  // A consumer group can later form on top of it.
  auto a = Await(JoinNew("g"));
  EXPECT_EQ(a.error_code, ErrorCode::kNone);
  EXPECT_EQ(Fetch("g", "t1", 0).committed_offset, 10);
}

TEST_F(GroupCoordinatorTest, OffsetsAndGenerationSurviveRestart) {
  Start();
  auto [a, b, gen] = StableGroupOfTwo("g");
  EXPECT_EQ(FirstError(Commit("g", gen, a, {{"t1", 0, 100}, {"t2", 3, 7}})), ErrorCode::kNone);
  EXPECT_EQ(FirstError(Commit("simple", -1, "", {{"t1", 0, 5}}, std::nullopt)), ErrorCode::kNone);
  Restart();
  EXPECT_EQ(Fetch("g", "t1", 0).committed_offset, 100);
  EXPECT_EQ(Fetch("g", "t2", 3).committed_offset, 7);
  EXPECT_EQ(Fetch("simple", "t1", 0).committed_offset, 5);
  EXPECT_EQ(Fetch("simple", "t1", 0).metadata, "");
  EXPECT_EQ(State("g"), "Empty");
  EXPECT_EQ(Generation("g"), gen);
  // Old members are gone; they rejoin and the generation continues.
  EXPECT_EQ(Heartbeat("g", a, gen), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(FirstError(Commit("g", gen, a, {{"t1", 0, 101}})), ErrorCode::kUnknownMemberId);
  auto j = Await(JoinNew("g"));
  EXPECT_EQ(j.generation_id, gen + 1);
  // And once more, with commits left only in the journal (no clean compaction at close would
  // matter: Close compacts, Open replays both files).
  EXPECT_EQ(FirstError(Commit("simple", -1, "", {{"t1", 0, 6}})), ErrorCode::kNone);
  Restart();
  EXPECT_EQ(Fetch("simple", "t1", 0).committed_offset, 6);
}

TEST_F(GroupCoordinatorTest, CompactionKeepsAcknowledgedState) {
  options_.journal_compaction_bytes = 1;  // compact after every write
  Start();
  EXPECT_EQ(FirstError(Commit("a", -1, "", {{"t1", 0, 1}})), ErrorCode::kNone);
  EXPECT_EQ(FirstError(Commit("b", -1, "", {{"t1", 0, 2}})), ErrorCode::kNone);
  EXPECT_EQ(FirstError(Commit("a", -1, "", {{"t1", 0, 3}})), ErrorCode::kNone);
  DeleteGroupsRequest del;
  del.groups_names = {"b"};
  EXPECT_EQ(OnLoop([&] { return coord_->DeleteGroups(del, 2); }).results[0].error_code, ErrorCode::kNone);
  // What a kill -9 would leave: the files as they are now, without Close.
  const std::string crashed = dir_ + "/crashed";
  std::filesystem::create_directories(crashed);
  for (const auto& e : std::filesystem::directory_iterator(options_.state_dir)) {
    std::filesystem::copy_file(e.path(), crashed + "/" + e.path().filename().string());
  }
  auto opts = options_;
  opts.state_dir = crashed;
  base::MetricsRegistry metrics;
  auto offsets = OnLoop([&] {
    GroupCoordinator c(loop_, &metrics, opts);
    EXPECT_TRUE(c.Open().ok());
    auto r = std::make_pair(c.CommittedOffset("a", "t1", 0), c.CommittedOffset("b", "t1", 0));
    (void)c.Close();
    return r;
  });
  EXPECT_EQ(offsets.first, std::optional<int64_t>(3));
  EXPECT_EQ(offsets.second, std::nullopt);
}

TEST_F(GroupCoordinatorTest, TornJournalTailIsTruncated) {
  Start();
  EXPECT_EQ(FirstError(Commit("g", -1, "", {{"t1", 0, 1}})), ErrorCode::kNone);
  EXPECT_EQ(FirstError(Commit("g", -1, "", {{"t1", 0, 2}})), ErrorCode::kNone);
  // Copy the state as a kill -9 would leave it (the journal holds the commits; no Close), then
  // add half a record.
  const std::string crashed = dir_ + "/crashed";
  std::filesystem::create_directories(crashed);
  for (const auto& e : std::filesystem::directory_iterator(options_.state_dir)) {
    std::filesystem::copy_file(e.path(), crashed + "/" + e.path().filename().string());
  }
  const std::string journal = crashed + "/groups.journal";
  const auto good_size = std::filesystem::file_size(journal);
  {
    std::ofstream out(journal, std::ios::binary | std::ios::app);
    const char torn[] = {0, 0, 0, 40, 1, 2, 3, 4, 1, 0, 0};
    out.write(torn, sizeof torn);
  }
  std::vector<std::string> logs;
  base::SetLogSink([&](std::string_view line) { logs.emplace_back(line); });
  auto opts = options_;
  opts.state_dir = crashed;
  base::MetricsRegistry metrics;
  std::optional<int64_t> offset;
  base::Status st = OnLoop([&] {
    GroupCoordinator c(loop_, &metrics, opts);
    base::Status s = c.Open();
    offset = c.CommittedOffset("g", "t1", 0);
    (void)c.Close();
    return s;
  });
  base::SetLogSink(nullptr);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(offset, std::optional<int64_t>(2));
  bool warned = false;
  for (const auto& l : logs) warned |= l.find("truncating damaged tail") != std::string::npos;
  EXPECT_TRUE(warned);
  EXPECT_LE(std::filesystem::file_size(journal), good_size);
}

TEST_F(GroupCoordinatorTest, DeleteGroupsOnlyDeletesEmptyGroups) {
  Start();
  auto [a, b, gen] = StableGroupOfTwo("busy");
  EXPECT_EQ(FirstError(Commit("idle", -1, "", {{"t1", 0, 9}})), ErrorCode::kNone);
  DeleteGroupsRequest req;
  req.groups_names = {"busy", "idle", "nothing"};
  auto resp = OnLoop([&] { return coord_->DeleteGroups(req, 2); });
  ASSERT_EQ(resp.results.size(), 3u);
  EXPECT_EQ(resp.results[0].error_code, ErrorCode::kNonEmptyGroup);
  EXPECT_EQ(resp.results[1].error_code, ErrorCode::kNone);
  EXPECT_EQ(resp.results[2].error_code, ErrorCode::kGroupIdNotFound);
  EXPECT_EQ(Fetch("idle", "t1", 0).committed_offset, -1);
  EXPECT_EQ(State("idle"), "Dead");
  Restart();
  EXPECT_EQ(Fetch("idle", "t1", 0).committed_offset, -1);
  auto list = OnLoop([&] { return coord_->ListGroups({}, 4); });
  ASSERT_EQ(list.groups.size(), 1u);
  EXPECT_EQ(list.groups[0].group_id, "busy");
}

TEST_F(GroupCoordinatorTest, OffsetDeleteRefusesSubscribedTopics) {
  Start();
  auto [a, b, gen] = StableGroupOfTwo("g");
  EXPECT_EQ(FirstError(Commit("g", gen, a, {{"t1", 0, 1}, {"t9", 0, 2}})), ErrorCode::kNone);
  OffsetDeleteRequest req;
  req.group_id = "g";
  req.topics.push_back({"t1", {{0}}});
  req.topics.push_back({"t9", {{0}}});
  auto resp = OnLoop([&] { return coord_->OffsetDelete(req, 0); });
  EXPECT_EQ(resp.error_code, ErrorCode::kNone);
  EXPECT_EQ(resp.topics[0].partitions[0].error_code, ErrorCode::kGroupSubscribedToTopic);
  EXPECT_EQ(resp.topics[1].partitions[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(Fetch("g", "t1", 0).committed_offset, 1);
  EXPECT_EQ(Fetch("g", "t9", 0).committed_offset, -1);
  req.group_id = "nope";
  EXPECT_EQ(OnLoop([&] { return coord_->OffsetDelete(req, 0); }).error_code, ErrorCode::kGroupIdNotFound);
}

TEST_F(GroupCoordinatorTest, MemberIdRequiredOnlyFromV4) {
  Start();
  auto first = Await(Join("g", "", Range(), std::nullopt, 4));
  EXPECT_EQ(first.error_code, ErrorCode::kMemberIdRequired);
  EXPECT_EQ(first.generation_id, -1);
  EXPECT_FALSE(first.member_id.empty());
  // The handed-out id is pending; the group does not form until it rejoins.
  EXPECT_EQ(OnLoop([&] { return coord_->GroupMemberCount("g"); }), 0u);
  auto joined = Await(Join("g", first.member_id, Range(), std::nullopt, 4));
  EXPECT_EQ(joined.error_code, ErrorCode::kNone);
  EXPECT_EQ(joined.member_id, first.member_id);

  auto old = Await(Join("g2", "", Range(), std::nullopt, 3));
  EXPECT_EQ(old.error_code, ErrorCode::kNone);
  EXPECT_EQ(old.member_id.rfind("client-", 0), 0u);
  EXPECT_EQ(Await(Join("g2", "made-up", Range(), std::nullopt, 3)).error_code, ErrorCode::kUnknownMemberId);
  EXPECT_EQ(Await(Join("g3", "made-up", Range(), std::nullopt, 3)).error_code, ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, JoinValidation) {
  Start();
  EXPECT_EQ(Await(Join("", "", Range())).error_code, ErrorCode::kInvalidGroupId);
  EXPECT_EQ(Await(Join("g", "", Range(), std::nullopt, 5, 5)).error_code, ErrorCode::kInvalidSessionTimeout);
  EXPECT_EQ(Await(Join("g", "", Range(), std::nullopt, 5, 70000)).error_code, ErrorCode::kInvalidSessionTimeout);
  EXPECT_EQ(Await(Join("g", "", {})).error_code, ErrorCode::kInconsistentGroupProtocol);
  EXPECT_EQ(State("g"), "Dead");  // failed joins do not leave groups behind

  auto a = Await(JoinNew("g", {{"range", {}}, {"roundrobin", {}}}));
  ASSERT_EQ(a.error_code, ErrorCode::kNone);
  // No protocol in common, or another protocol type.
  EXPECT_EQ(Await(Join("g", "", {{"sticky", {}}})).error_code, ErrorCode::kInconsistentGroupProtocol);
  EXPECT_EQ(Await(Join("g", "", Range(), std::nullopt, 5, 10000, 2000, "connect")).error_code,
            ErrorCode::kInconsistentGroupProtocol);
  // SyncGroup checks.
  EXPECT_EQ(Await(Sync("g", a.member_id, a.generation_id + 1)).error_code, ErrorCode::kIllegalGeneration);
  EXPECT_EQ(Await(Sync("g", "ghost", a.generation_id)).error_code, ErrorCode::kUnknownMemberId);
  SyncGroupRequest bad;
  bad.group_id = "g";
  bad.member_id = a.member_id;
  bad.generation_id = a.generation_id;
  bad.protocol_name = "roundrobin";
  auto slot = std::make_shared<std::optional<SyncGroupResponse>>();
  OnLoop([&] { coord_->SyncGroup(bad, 5, [slot](SyncGroupResponse r) { *slot = r; }); });
  EXPECT_EQ(Await(slot).error_code, ErrorCode::kInconsistentGroupProtocol);
}

TEST_F(GroupCoordinatorTest, GroupMaxSize) {
  options_.group_max_size = 1;
  Start();
  auto a = Await(JoinNew("g"));
  ASSERT_EQ(a.error_code, ErrorCode::kNone);
  Await(Sync("g", a.member_id, a.generation_id));
  auto second = Await(Join("g", "", Range(), std::nullopt, 3));
  EXPECT_EQ(second.error_code, ErrorCode::kGroupMaxSizeReached);
}

TEST_F(GroupCoordinatorTest, ProtocolChosenByVotes) {
  options_.group_initial_rebalance_delay_ms = 100;
  Start();
  auto a_slot = Join("g", "", {{"range", {1}}, {"roundrobin", {2}}}, std::nullopt, 3);
  auto b_slot = Join("g", "", {{"roundrobin", {3}}, {"range", {4}}}, std::nullopt, 3);
  auto c_slot = Join("g", "", {{"roundrobin", {5}}, {"range", {6}}}, std::nullopt, 3);
  auto a = Await(a_slot), b = Await(b_slot), c = Await(c_slot);
  EXPECT_EQ(a.protocol_name, "roundrobin");
  EXPECT_EQ(a.leader, a.member_id);
  ASSERT_EQ(a.members.size(), 3u);
  EXPECT_EQ(a.members[0].metadata, std::vector<uint8_t>{2});
  EXPECT_EQ(a.members[1].metadata, std::vector<uint8_t>{3});
  EXPECT_EQ(b.protocol_name, "roundrobin");
  EXPECT_EQ(c.generation_id, a.generation_id);
}

TEST_F(GroupCoordinatorTest, CooperativeRejoinAfterSync) {
  Start();
  Protocols coop = {{"cooperative-sticky", {1}}, {"range", {1}}};
  auto a = Await(JoinNew("g", coop));
  Await(Sync("g", a.member_id, a.generation_id, {{a.member_id, {7}}}));
  auto b_slot = JoinNew("g", coop);
  auto a2 = Await(Join("g", a.member_id, coop));
  auto b = Await(b_slot);
  EXPECT_EQ(a2.protocol_name, "cooperative-sticky");
  auto fs = Sync("g", b.member_id, b.generation_id);
  Await(Sync("g", a.member_id, a2.generation_id, {{a.member_id, {1}}, {b.member_id, {}}}));
  Await(fs);
  // The follower rejoins right away with unchanged metadata: it gets the current generation.
  auto same = Await(Join("g", b.member_id, coop));
  EXPECT_EQ(same.generation_id, a2.generation_id);
  EXPECT_EQ(State("g"), "Stable");
  // ... and with changed metadata (revoked partitions): a new rebalance.
  Protocols changed = {{"cooperative-sticky", {2}}, {"range", {2}}};
  auto b3_slot = Join("g", b.member_id, changed);
  EXPECT_EQ(Heartbeat("g", a.member_id, a2.generation_id), ErrorCode::kRebalanceInProgress);
  auto a3 = Await(Join("g", a.member_id, coop));
  auto b3 = Await(b3_slot);
  EXPECT_EQ(a3.generation_id, a2.generation_id + 1);
  EXPECT_EQ(b3.generation_id, a3.generation_id);
  EXPECT_EQ(a3.members[1].metadata, std::vector<uint8_t>{2});
}

TEST_F(GroupCoordinatorTest, TransactionalOffsetsStayPendingUntilCommit) {
  Start();
  EXPECT_EQ(FirstError(Commit("g", -1, "", {{"t1", 0, 5}})), ErrorCode::kNone);
  TxnOffsetCommitRequest req;
  req.transactional_id = "tx";
  req.group_id = "g";
  req.producer_id = 77;
  req.topics.push_back({"t1", {{0, 10, -1, std::string("m")}}});
  auto resp = OnLoop([&] { return coord_->TxnOffsetCommit(req, 3); });
  EXPECT_EQ(resp.topics[0].partitions[0].error_code, ErrorCode::kNone);
  EXPECT_EQ(Fetch("g", "t1", 0).committed_offset, 5);
  EXPECT_EQ(Fetch("g", "t1", 0, true).error_code, ErrorCode::kUnstableOffsetCommit);
  // Pending offsets survive a restart, and so does their outcome.
  Restart();
  EXPECT_EQ(Fetch("g", "t1", 0, true).error_code, ErrorCode::kUnstableOffsetCommit);
  OnLoop([&] { coord_->CompleteTransaction(77, true); });
  EXPECT_EQ(Fetch("g", "t1", 0, true).committed_offset, 10);
  Restart();
  EXPECT_EQ(Fetch("g", "t1", 0, true).committed_offset, 10);

  req.producer_id = 78;
  req.topics[0].partitions[0].committed_offset = 20;
  OnLoop([&] { return coord_->TxnOffsetCommit(req, 3); });
  OnLoop([&] { coord_->CompleteTransaction(78, false); });
  EXPECT_EQ(Fetch("g", "t1", 0, true).committed_offset, 10);
}

TEST_F(GroupCoordinatorTest, DescribeGroups) {
  Start();
  auto [a, b, gen] = StableGroupOfTwo("g");
  DescribeGroupsRequest req;
  req.groups = {"g", "nothing"};
  auto resp = OnLoop([&] { return coord_->DescribeGroups(req, 5); });
  ASSERT_EQ(resp.groups.size(), 2u);
  const auto& g = resp.groups[0];
  EXPECT_EQ(g.group_state, "Stable");
  EXPECT_EQ(g.protocol_type, "consumer");
  EXPECT_EQ(g.protocol_data, "range");
  ASSERT_EQ(g.members.size(), 2u);
  EXPECT_EQ(g.members[0].member_id, a);
  EXPECT_EQ(g.members[0].client_id, "client");
  EXPECT_EQ(g.members[0].client_host, "/127.0.0.1");
  EXPECT_EQ(g.members[0].member_assignment, std::vector<uint8_t>{0xA});
  EXPECT_EQ(g.members[1].member_assignment, std::vector<uint8_t>{0xB});
  EXPECT_EQ(resp.groups[1].group_state, "Dead");
  EXPECT_EQ(resp.groups[1].error_code, ErrorCode::kNone);
}

TEST_F(GroupCoordinatorTest, CloseAnswersParkedRequests) {
  Start();
  auto a = Await(JoinNew("g"));
  Await(Sync("g", a.member_id, a.generation_id));
  auto b_slot = JoinNew("g");  // parked until A rejoins
  EXPECT_FALSE(Ready(b_slot));
  Stop();
  EXPECT_EQ(Await(b_slot).error_code, ErrorCode::kCoordinatorNotAvailable);
}

TEST_F(GroupCoordinatorTest, ExpiresOffsetsOfEmptyGroups) {
  options_.offsets_retention_ms = 100;
  options_.offsets_retention_check_interval_ms = 50;
  Start();
  EXPECT_EQ(FirstError(Commit("g", -1, "", {{"t1", 0, 5}})), ErrorCode::kNone);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (State("g") != "Dead" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(State("g"), "Dead");
  EXPECT_EQ(Fetch("g", "t1", 0).committed_offset, -1);
}

}  // namespace
}  // namespace tide::kafka
