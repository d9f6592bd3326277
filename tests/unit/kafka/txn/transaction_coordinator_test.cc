#include "kafka/txn/transaction_coordinator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "kafka/txn/txn_journal.h"
#include "log/file_util.h"
#include "log/record_batch.h"

namespace tide::kafka {
namespace {

using TP = std::pair<std::string, int32_t>;

class TxnCoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/tide-txn-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(loop_.Start().ok());
    ids_ = std::make_unique<ProducerIdManager>(dir_ + "/meta");
    ASSERT_TRUE(ids_->Open().ok());
    for (int p = 0; p < 2; ++p) OpenLog(p);
  }
  void TearDown() override {
    OnLoop([&] { coord_.reset(); });
    loop_.Stop();
    for (auto& [p, l] : logs_) (void)l->Close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void OpenLog(int32_t p) {
    log::PartitionLogOptions opt;
    opt.dir = dir_ + "/log/t-" + std::to_string(p);
    opt.topic = "t";
    opt.partition = p;
    auto l = log::PartitionLog::Open(opt);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    logs_[p] = *l;
  }

  template <typename F>
  auto OnLoop(F&& f) -> decltype(f()) {
    using R = decltype(f());
    std::promise<R> done;
    auto fut = done.get_future();
    loop_.loop()->Post([&] {
      if constexpr (std::is_void_v<R>) {
        f();
        done.set_value();
      } else {
        done.set_value(f());
      }
    });
    return fut.get();
  }

  // Creates and opens the coordinator (replacing an earlier one, which is closed first).
  base::Status Start(int32_t check_ms = 10000, std::function<void(TransactionCoordinatorOptions&)> tweak = {}) {
    return OnLoop([&] {
      coord_.reset();
      TransactionCoordinatorOptions o;
      o.state_dir = dir_ + "/meta/transactions";
      o.abort_check_interval_ms = check_ms;
      o.partition = [this](const std::string& topic, int32_t p) -> std::shared_ptr<log::PartitionLog> {
        auto it = logs_.find(p);
        return topic == "t" && it != logs_.end() ? it->second : nullptr;
      };
      o.complete_group_offsets = [this](int64_t pid, bool commit) { group_completions_.push_back({pid, commit}); };
      o.markers_written = [this] { markers_written_++; };
      if (tweak) tweak(o);
      coord_ = std::make_unique<TransactionCoordinator>(loop_.loop(), ids_.get(), &metrics_, o);
      return coord_->Open();
    });
  }

  InitProducerIdResponse Init(const std::string& id, int16_t version = 3, int64_t pid = -1, int16_t epoch = -1,
                              int32_t timeout_ms = 60000) {
    return OnLoop([&] {
      InitProducerIdRequest req;
      req.transactional_id = id;
      req.transaction_timeout_ms = timeout_ms;
      req.producer_id = pid;
      req.producer_epoch = epoch;
      std::optional<InitProducerIdResponse> out;
      coord_->InitProducerId(req, version, [&](InitProducerIdResponse r) { out = r; });
      EXPECT_TRUE(out.has_value()) << "InitProducerId did not answer";
      return out.value_or(InitProducerIdResponse{});
    });
  }

  std::vector<ErrorCode> Add(const std::string& id, int64_t pid, int16_t epoch, std::vector<int32_t> parts,
                             int16_t version = 3, const std::string& topic = "t") {
    return OnLoop([&] {
      AddPartitionsToTxnRequest req;
      req.transactional_id = id;
      req.producer_id = pid;
      req.producer_epoch = epoch;
      req.topics.push_back({topic, parts});
      auto resp = coord_->AddPartitionsToTxn(req, version);
      std::vector<ErrorCode> out;
      for (const auto& t : resp.results) {
        for (const auto& p : t.results) out.push_back(p.error_code);
      }
      return out;
    });
  }

  // EndTxn; nullopt when the answer is still pending (it lands in *pending later).
  std::optional<ErrorCode> End(const std::string& id, int64_t pid, int16_t epoch, bool commit, int16_t version = 3,
                               std::shared_ptr<std::promise<ErrorCode>> pending = nullptr) {
    return OnLoop([&] {
      EndTxnRequest req;
      req.transactional_id = id;
      req.producer_id = pid;
      req.producer_epoch = epoch;
      req.committed = commit;
      auto answered = std::make_shared<std::optional<ErrorCode>>();
      coord_->EndTxn(req, version, [answered, pending](EndTxnResponse r) {
        *answered = r.error_code;
        if (pending) pending->set_value(r.error_code);
      });
      return *answered;
    });
  }

  ErrorCode CheckProduce(const std::string& id, int64_t pid, int16_t epoch, int32_t p) {
    return OnLoop([&] { return coord_->CheckTransactionalProduce(id, pid, epoch, "t", p); });
  }

  std::optional<TransactionMetadata> Describe(const std::string& id) {
    return OnLoop([&] { return coord_->Describe(id); });
  }

  // Appends a transactional batch of `n` records as a producer would.
  void Produce(int32_t p, int64_t pid, int16_t epoch, int32_t seq, int n = 2) {
    std::vector<log::Record> records;
    for (int i = 0; i < n; ++i) records.push_back(log::Record{i, 1'700'000'000'000 + i, "k", "v" + std::to_string(i), {}});
    log::BatchBuildOptions opt;
    opt.producer_id = pid;
    opt.producer_epoch = epoch;
    opt.base_sequence = seq;
    opt.transactional = true;
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(log::BuildBatch(opt, records, &bytes).ok());
    auto r = logs_[p]->Append(bytes);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  double Metric(const std::string& name) {
    std::string text = metrics_.RenderPrometheus();
    auto pos = text.find("\n" + name + " ");
    if (pos == std::string::npos) return -1;
    return std::stod(text.substr(pos + name.size() + 2));
  }

  std::string dir_;
  io::EventLoopThread loop_{"txn-test"};
  std::unique_ptr<ProducerIdManager> ids_;
  std::map<int32_t, std::shared_ptr<log::PartitionLog>> logs_;
  base::MetricsRegistry metrics_;
  std::unique_ptr<TransactionCoordinator> coord_;
  std::vector<std::pair<int64_t, bool>> group_completions_;  // loop thread
  int markers_written_ = 0;                                 // loop thread
};

TEST_F(TxnCoordinatorTest, CommitWritesMarkersAndAdvancesLso) {
  ASSERT_TRUE(Start().ok());
  auto init = Init("app");
  ASSERT_EQ(init.error_code, ErrorCode::kNone);
  EXPECT_EQ(init.producer_epoch, 0);
  const int64_t pid = init.producer_id;
  EXPECT_EQ(CheckProduce("app", pid, 0, 0), ErrorCode::kInvalidTxnState);  // not added yet
  EXPECT_EQ(Add("app", pid, 0, {0, 1}), (std::vector<ErrorCode>{ErrorCode::kNone, ErrorCode::kNone}));
  EXPECT_EQ(CheckProduce("app", pid, 0, 0), ErrorCode::kNone);
  Produce(0, pid, 0, 0);
  Produce(1, pid, 0, 0);
  EXPECT_EQ(logs_[0]->last_stable_offset(), 0);  // held back by the open transaction
  EXPECT_EQ(End("app", pid, 0, /*commit=*/true), ErrorCode::kNone);
  for (int p = 0; p < 2; ++p) {
    EXPECT_EQ(logs_[p]->log_end_offset(), 3);  // 2 records + commit marker
    EXPECT_EQ(logs_[p]->last_stable_offset(), 3);
    EXPECT_TRUE(logs_[p]->AbortedTransactions(0, 3).empty());
  }
  EXPECT_EQ(Describe("app")->state, TxnState::kCompleteCommit);
  OnLoop([&] {
    EXPECT_EQ(markers_written_, 1);
    ASSERT_EQ(group_completions_.size(), 1u);
    EXPECT_EQ(group_completions_[0], std::make_pair(pid, true));
  });
  EXPECT_EQ(Metric("tide_kafka_txn_commits_total"), 1);
  // A lost answer's retry gets NONE again; the opposite outcome is refused.
  EXPECT_EQ(End("app", pid, 0, true), ErrorCode::kNone);
  EXPECT_EQ(End("app", pid, 0, false), ErrorCode::kInvalidTxnState);
  // The next transaction starts from CompleteCommit.
  EXPECT_EQ(Add("app", pid, 0, {1}), std::vector<ErrorCode>{ErrorCode::kNone});
  EXPECT_EQ(CheckProduce("app", pid, 0, 0), ErrorCode::kInvalidTxnState);  // partition 0 not in this one
}

TEST_F(TxnCoordinatorTest, AbortIsListedInAbortedTransactions) {
  ASSERT_TRUE(Start().ok());
  auto init = Init("app");
  const int64_t pid = init.producer_id;
  ASSERT_EQ(Add("app", pid, 0, {0}), std::vector<ErrorCode>{ErrorCode::kNone});
  Produce(0, pid, 0, 0, 3);
  EXPECT_EQ(End("app", pid, 0, /*commit=*/false), ErrorCode::kNone);
  auto aborted = logs_[0]->AbortedTransactions(0, logs_[0]->log_end_offset());
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].producer_id, pid);
  EXPECT_EQ(aborted[0].first_offset, 0);
  EXPECT_EQ(logs_[0]->last_stable_offset(), 4);
  EXPECT_EQ(Describe("app")->state, TxnState::kCompleteAbort);
  EXPECT_EQ(Metric("tide_kafka_txn_aborts_total"), 1);
}

TEST_F(TxnCoordinatorTest, ReinitFencesOldProducerAndAbortsItsTransaction) {
  ASSERT_TRUE(Start().ok());
  const int64_t pid = Init("app").producer_id;
  ASSERT_EQ(Add("app", pid, 0, {0}), std::vector<ErrorCode>{ErrorCode::kNone});
  Produce(0, pid, 0, 0);
  auto again = Init("app");  // a restarted producer
  ASSERT_EQ(again.error_code, ErrorCode::kNone);
  EXPECT_EQ(again.producer_id, pid);
  EXPECT_EQ(again.producer_epoch, 2);  // 1 fenced the abort markers, 2 is the new producer's
  EXPECT_EQ(logs_[0]->AbortedTransactions(0, logs_[0]->log_end_offset()).size(), 1u);
  EXPECT_EQ(logs_[0]->last_stable_offset(), logs_[0]->log_end_offset());
  // The zombie is fenced everywhere.
  EXPECT_EQ(CheckProduce("app", pid, 0, 0), ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(Add("app", pid, 0, {0}, 3), std::vector<ErrorCode>{ErrorCode::kProducerFenced});
  EXPECT_EQ(Add("app", pid, 0, {0}, 1), std::vector<ErrorCode>{ErrorCode::kInvalidProducerEpoch});
  EXPECT_EQ(End("app", pid, 0, true, 3), ErrorCode::kProducerFenced);
  EXPECT_EQ(Describe("app")->state, TxnState::kEmpty);
}

TEST_F(TxnCoordinatorTest, TimedOutTransactionIsAbortedAndProducerFenced) {
  ASSERT_TRUE(Start(/*check_ms=*/20).ok());
  const int64_t pid = Init("app", 3, -1, -1, /*timeout_ms=*/100).producer_id;
  ASSERT_EQ(Add("app", pid, 0, {0}), std::vector<ErrorCode>{ErrorCode::kNone});
  Produce(0, pid, 0, 0);
  for (int i = 0; i < 200 && Describe("app")->state != TxnState::kCompleteAbort; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto m = Describe("app");
  EXPECT_EQ(m->state, TxnState::kCompleteAbort);
  EXPECT_EQ(m->producer_epoch, 1);
  EXPECT_EQ(logs_[0]->AbortedTransactions(0, logs_[0]->log_end_offset()).size(), 1u);
  EXPECT_EQ(Metric("tide_kafka_txn_timed_out_aborts_total"), 1);
  EXPECT_EQ(End("app", pid, 0, true, 3), ErrorCode::kProducerFenced);
  // The same producer recovers with KIP-360 (its old id/epoch) and gets the fencing epoch back.
  auto recovered = Init("app", 3, pid, 0, 100);
  EXPECT_EQ(recovered.error_code, ErrorCode::kNone);
  EXPECT_EQ(recovered.producer_epoch, 1);
}

TEST_F(TxnCoordinatorTest, MarkerFailureIsRetriedBeforeAnswering) {
  ASSERT_TRUE(Start(/*check_ms=*/20).ok());
  const int64_t pid = Init("app").producer_id;
  ASSERT_EQ(Add("app", pid, 0, {0}), std::vector<ErrorCode>{ErrorCode::kNone});
  Produce(0, pid, 0, 0);
  ASSERT_TRUE(logs_[0]->Close().ok());  // markers cannot be written now
  auto pending = std::make_shared<std::promise<ErrorCode>>();
  auto answer = pending->get_future();
  EXPECT_EQ(End("app", pid, 0, true, 3, pending), std::nullopt);
  EXPECT_EQ(Describe("app")->state, TxnState::kPrepareCommit);
  EXPECT_EQ(End("app", pid, 0, true), ErrorCode::kConcurrentTransactions);
  EXPECT_EQ(Init("app").error_code, ErrorCode::kConcurrentTransactions);
  OnLoop([&] { OpenLog(0); });  // the disk is back
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(answer.get(), ErrorCode::kNone);
  EXPECT_EQ(logs_[0]->last_stable_offset(), 3);
  EXPECT_EQ(Describe("app")->state, TxnState::kCompleteCommit);
}

TEST_F(TxnCoordinatorTest, RestartKeepsIdsAndCompletesPreparedTransaction) {
  ASSERT_TRUE(Start().ok());
  const int64_t pid = Init("app").producer_id;
  ASSERT_EQ(Add("app", pid, 0, {0, 1}), (std::vector<ErrorCode>{ErrorCode::kNone, ErrorCode::kNone}));
  Produce(0, pid, 0, 0);
  Produce(1, pid, 0, 0);
  ASSERT_TRUE(logs_[1]->Close().ok());
  auto pending = std::make_shared<std::promise<ErrorCode>>();
  auto answer = pending->get_future();
  EXPECT_EQ(End("app", pid, 0, true, 3, pending), std::nullopt);
  // Crash-like restart: the waiting client is told to retry, the state survives.
  ASSERT_TRUE(OnLoop([&] { return coord_->Close(); }).ok());
  EXPECT_EQ(answer.get(), ErrorCode::kCoordinatorNotAvailable);
  OpenLog(1);
  EXPECT_EQ(logs_[1]->last_stable_offset(), 0);
  ASSERT_TRUE(Start().ok());
  auto m = Describe("app");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->state, TxnState::kCompleteCommit);
  EXPECT_EQ(m->producer_id, pid);
  EXPECT_EQ(logs_[1]->last_stable_offset(), logs_[1]->log_end_offset());
  EXPECT_EQ(End("app", pid, 0, true), ErrorCode::kNone);  // the client's retry
  auto again = Init("app");
  EXPECT_EQ(again.producer_id, pid);
  EXPECT_EQ(again.producer_epoch, 1);
}

TEST_F(TxnCoordinatorTest, RestartKeepsOngoingTransaction) {
  ASSERT_TRUE(Start().ok());
  const int64_t pid = Init("app").producer_id;
  ASSERT_EQ(Add("app", pid, 0, {0}), std::vector<ErrorCode>{ErrorCode::kNone});
  Produce(0, pid, 0, 0);
  ASSERT_TRUE(Start().ok());  // reopen
  EXPECT_EQ(Describe("app")->state, TxnState::kOngoing);
  EXPECT_EQ(CheckProduce("app", pid, 0, 0), ErrorCode::kNone);
  EXPECT_EQ(End("app", pid, 0, true), ErrorCode::kNone);
  EXPECT_EQ(logs_[0]->last_stable_offset(), 3);
}

TEST_F(TxnCoordinatorTest, RequestErrors) {
  ASSERT_TRUE(Start().ok());
  EXPECT_EQ(Init("app", 3, -1, -1, 0).error_code, ErrorCode::kInvalidTransactionTimeout);
  EXPECT_EQ(Init("app", 3, -1, -1, 900001).error_code, ErrorCode::kInvalidTransactionTimeout);
  EXPECT_FALSE(Describe("app").has_value());
  EXPECT_EQ(Add("nope", 1, 0, {0}), std::vector<ErrorCode>{ErrorCode::kInvalidProducerIdMapping});
  const int64_t pid = Init("app").producer_id;
  EXPECT_EQ(Add("app", pid + 1, 0, {0}), std::vector<ErrorCode>{ErrorCode::kInvalidProducerIdMapping});
  EXPECT_EQ(Add("app", pid, 0, {0, 9}),
            (std::vector<ErrorCode>{ErrorCode::kOperationNotAttempted, ErrorCode::kUnknownTopicOrPartition}));
  EXPECT_EQ(Add("app", pid, 0, {0}, 3, "missing"), std::vector<ErrorCode>{ErrorCode::kUnknownTopicOrPartition});
  EXPECT_EQ(Describe("app")->state, TxnState::kEmpty);
  EXPECT_EQ(End("app", pid, 0, true), ErrorCode::kInvalidTxnState);  // nothing to commit
  EXPECT_EQ(End("app", pid + 1, 0, true), ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(CheckProduce("other", pid, 0, 0), ErrorCode::kInvalidProducerIdMapping);
}

TEST_F(TxnCoordinatorTest, OffsetsJoinTheTransaction) {
  ASSERT_TRUE(Start().ok());
  const int64_t pid = Init("app").producer_id;
  auto add_offsets = [&](int16_t epoch) {
    return OnLoop([&] {
      AddOffsetsToTxnRequest req;
      req.transactional_id = "app";
      req.producer_id = pid;
      req.producer_epoch = epoch;
      req.group_id = "g";
      return coord_->AddOffsetsToTxn(req, 3).error_code;
    });
  };
  auto check = [&] { return OnLoop([&] { return coord_->CheckTxnOffsetCommit("app", pid, 0, "g"); }); };
  EXPECT_EQ(check(), ErrorCode::kInvalidTxnState);
  EXPECT_EQ(add_offsets(1), ErrorCode::kProducerFenced);
  EXPECT_EQ(add_offsets(0), ErrorCode::kNone);
  EXPECT_EQ(check(), ErrorCode::kNone);
  EXPECT_EQ(OnLoop([&] { return coord_->CheckTxnOffsetCommit("app", pid, 0, "other"); }), ErrorCode::kInvalidTxnState);
  EXPECT_EQ(End("app", pid, 0, true), ErrorCode::kNone);  // offsets only: no partition markers
  OnLoop([&] { EXPECT_EQ(group_completions_, (std::vector<std::pair<int64_t, bool>>{{pid, true}})); });
  EXPECT_EQ(check(), ErrorCode::kInvalidTxnState);
}

TEST_F(TxnCoordinatorTest, Kip360EpochBumpAndRetry) {
  ASSERT_TRUE(Start().ok());
  const int64_t pid = Init("app").producer_id;
  auto bumped = Init("app", 3, pid, 0);
  ASSERT_EQ(bumped.error_code, ErrorCode::kNone);
  EXPECT_EQ(bumped.producer_epoch, 1);
  auto retry = Init("app", 3, pid, 0);  // the answer was lost; same result, no second bump
  EXPECT_EQ(retry.error_code, ErrorCode::kNone);
  EXPECT_EQ(retry.producer_epoch, 1);
  EXPECT_EQ(Init("app", 3, pid, 7).error_code, ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(Init("app", 4, pid, 7).error_code, ErrorCode::kProducerFenced);
  EXPECT_EQ(Init("app", 4, pid + 100, 1).error_code, ErrorCode::kProducerFenced);
  // A new instance (no expected epoch) fences the old one's retries.
  EXPECT_EQ(Init("app").producer_epoch, 2);
  EXPECT_EQ(Init("app", 4, pid, 1).error_code, ErrorCode::kProducerFenced);
}

TEST_F(TxnCoordinatorTest, ExhaustedEpochGetsNewProducerId) {
  // Seed the state with an id whose epoch cannot be bumped further.
  std::string state_dir = dir_ + "/meta/transactions";
  ASSERT_TRUE(log::fileutil::CreateDirs(state_dir).ok());
  TransactionMetadata m;
  m.transactional_id = "app";
  m.producer_id = 424242;
  m.producer_epoch = 32766;
  m.state = TxnState::kCompleteCommit;
  m.last_update_ms = 0x7fffffffffff;
  ASSERT_TRUE(log::fileutil::WriteFile(state_dir + "/snapshot", txnjournal::Frame(txnjournal::EncodeUpsert(m))).ok());
  ASSERT_TRUE(Start().ok());
  auto r = Init("app");
  ASSERT_EQ(r.error_code, ErrorCode::kNone);
  EXPECT_NE(r.producer_id, 424242);
  EXPECT_EQ(r.producer_epoch, 0);
  EXPECT_EQ(Describe("app")->last_producer_id, 424242);
}

TEST_F(TxnCoordinatorTest, TornJournalTailIsDroppedAndCorruptSnapshotRefused) {
  ASSERT_TRUE(Start().ok());
  const int64_t pid = Init("app").producer_id;
  ASSERT_EQ(Add("app", pid, 0, {0}), std::vector<ErrorCode>{ErrorCode::kNone});
  ASSERT_TRUE(OnLoop([&] { return coord_->Close(); }).ok());
  std::string state_dir = dir_ + "/meta/transactions";
  {
    std::ofstream j(state_dir + "/journal", std::ios::app | std::ios::binary);
    j << std::string("\x00\x00\x01\x00garbage", 11);  // a record cut short by a crash
  }
  ASSERT_TRUE(Start().ok());
  auto m = Describe("app");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->state, TxnState::kOngoing);
  EXPECT_EQ(m->partitions, (std::set<TP>{{"t", 0}}));
  ASSERT_TRUE(OnLoop([&] { return coord_->Close(); }).ok());
  ASSERT_TRUE(log::fileutil::WriteFile(state_dir + "/snapshot", "not a snapshot").ok());
  EXPECT_TRUE(Start().IsCorruption());
}

TEST_F(TxnCoordinatorTest, IdleTransactionalIdExpires) {
  auto now = std::make_shared<std::atomic<int64_t>>(1'000'000);
  ASSERT_TRUE(Start(10000, [&](TransactionCoordinatorOptions& o) {
                o.transactional_id_expiration_ms = 5000;
                o.clock_ms = [now] { return now->load(); };
              }).ok());
  const int64_t pid = Init("idle").producer_id;
  Init("busy");
  ASSERT_EQ(Add("busy", Describe("busy")->producer_id, 0, {0}), std::vector<ErrorCode>{ErrorCode::kNone});
  now->store(1'000'000 + 4000);
  OnLoop([&] { coord_->CheckExpired(); });
  EXPECT_TRUE(Describe("idle").has_value());
  now->store(1'000'000 + 6000);
  OnLoop([&] { coord_->CheckExpired(); });
  EXPECT_FALSE(Describe("idle").has_value());
  EXPECT_TRUE(Describe("busy").has_value());  // Ongoing ids never expire (its timeout is 60 s)
  // The deletion is durable; the id starts over with a new producer id.
  ASSERT_TRUE(Start(10000, [&](TransactionCoordinatorOptions& o) { o.clock_ms = [now] { return now->load(); }; }).ok());
  EXPECT_FALSE(Describe("idle").has_value());
  EXPECT_NE(Init("idle").producer_id, pid);
}

TEST(TxnJournalTest, RecordsRoundTrip) {
  TransactionMetadata m;
  m.transactional_id = "tx";
  m.producer_id = 7;
  m.producer_epoch = 3;
  m.last_producer_id = 6;
  m.last_producer_epoch = -1;
  m.timeout_ms = 1234;
  m.state = TxnState::kPrepareAbort;
  m.partitions = {{"a", 0}, {"b", 5}};
  m.groups = {"g"};
  m.txn_start_ms = 99;
  m.last_update_ms = 100;
  std::string data = txnjournal::Frame(txnjournal::EncodeUpsert(m)) + txnjournal::Frame(txnjournal::EncodeDelete("tx"));
  size_t valid = 0;
  std::string problem;
  auto recs = txnjournal::ParseRecords(data, &valid, &problem);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].meta, m);
  EXPECT_EQ(recs[1].kind, txnjournal::RecordKind::kDelete);
  EXPECT_EQ(valid, data.size());
  EXPECT_TRUE(problem.empty());
  data[10] ^= 1;  // flip a payload bit of the first record
  recs = txnjournal::ParseRecords(data, &valid, &problem);
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(valid, 0u);
  EXPECT_NE(problem.find("CRC"), std::string::npos);
}

}  // namespace
}  // namespace tide::kafka
