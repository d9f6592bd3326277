// The broker's produce path with appends on a separate append loop (as `tide server` runs it),
// driven over a real socket: pipelined idempotent produces must be appended in request order
// (a reordering would be refused as OUT_OF_ORDER_SEQUENCE), a retried batch must be recognized,
// and a request that follows produces on the same connection must see them.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "base/endian.h"
#include "base/metrics.h"
#include "kafka/protocol/fetch.h"
#include "kafka/protocol/request.h"
#include "kafka/server/broker.h"
#include "kafka/server/network.h"
#include "log/log_manager.h"
#include "log/record_batch.h"
#include "loopback_client.h"

namespace tide::kafka {
namespace {

template <class Fn>
auto OnLoop(io::EventLoop* loop, Fn fn) {
  std::promise<decltype(fn())> done;
  loop->Post([&] {
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      done.set_value();
    } else {
      done.set_value(fn());
    }
  });
  return done.get_future().get();
}

std::vector<uint8_t> Framed(const RequestHeader& header, const RequestBody& body) {
  std::vector<uint8_t> frame;
  EncodeRequest(header, body, frame);
  std::vector<uint8_t> out(4);
  base::StoreBigEndian32(out.data(), static_cast<uint32_t>(frame.size()));
  out.insert(out.end(), frame.begin(), frame.end());
  return out;
}

// An idempotent batch of `n` records of `value_bytes` each, sequences [seq, seq + n).
std::vector<uint8_t> Batch(int64_t producer_id, int32_t seq, int n, size_t value_bytes) {
  log::BatchBuildOptions opt;
  opt.producer_id = producer_id;
  opt.producer_epoch = 0;
  opt.base_sequence = seq;
  std::vector<log::Record> records;
  for (int i = 0; i < n; ++i) {
    records.push_back(log::Record{i, 1'700'000'000'000 + i, std::nullopt,
                                  std::string(value_bytes, static_cast<char>('a' + (seq + i) % 26)), {}});
  }
  std::vector<uint8_t> out;
  EXPECT_TRUE(log::BuildBatch(opt, records, &out).ok());
  return out;
}

class BrokerProduceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tide-broker-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    log::LogManagerOptions opt;
    opt.data_dir = dir_;
    auto logs = log::LogManager::Open(opt);
    ASSERT_TRUE(logs.ok()) << logs.status().ToString();
    logs_ = std::move(*logs);
    ASSERT_TRUE(logs_->CreateTopic("t", 1).ok());
    ASSERT_TRUE(net_.Start().ok());
    ASSERT_TRUE(appender_.Start().ok());
    BrokerOptions options;
    options.append_loop = appender_.loop();
    options.inline_append_max_bytes = 0;  // every append through the append loop
    OnLoop(net_.loop(), [&] {
      broker_ = std::make_unique<Broker>(net_.loop(), logs_.get(), nullptr, nullptr, nullptr, &metrics_, options);
      listener_ = std::make_unique<KafkaListener>(net_.loop(), broker_.get(), &metrics_, KafkaListener::Options{});
      ASSERT_TRUE(listener_->Listen("127.0.0.1:0").ok());
    });
    port_ = OnLoop(net_.loop(), [&] { return listener_->address().Port(); });
  }
  void TearDown() override {
    // The order `tide server` uses: stop taking requests, drain the append loop, then tear down.
    OnLoop(net_.loop(), [&] { listener_->Close(); });
    appender_.Stop();
    OnLoop(net_.loop(), [&] {
      listener_.reset();
      broker_.reset();
    });
    net_.Stop();
    logs_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string dir_;
  base::MetricsRegistry metrics_;
  std::unique_ptr<log::LogManager> logs_;
  io::EventLoopThread net_{"broker-test-net"};
  io::EventLoopThread appender_{"broker-test-log"};
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<KafkaListener> listener_;
  int port_ = 0;
};

TEST_F(BrokerProduceTest, PipelinedProducesAppendInOrderAndLaterRequestsSeeThem) {
  constexpr int kRequests = 30;
  constexpr int kRecords = 10;
  constexpr int16_t kProduceVersion = 7;
  constexpr int16_t kListOffsetsVersion = 5;
  std::vector<uint8_t> out;
  std::vector<std::vector<uint8_t>> batches;
  for (int i = 0; i <= kRequests; ++i) {
    // The last one repeats batch kRequests - 1: a retry, acknowledged with its first offsets.
    int n = i < kRequests ? i : kRequests - 1;
    batches.push_back(Batch(4242, n * kRecords, kRecords, 10000));
  }
  for (int i = 0; i <= kRequests; ++i) {
    ProduceRequest req;
    req.acks = -1;
    req.timeout_ms = 30000;
    req.topic_data.push_back({"t", {{0, Records::Of(batches[static_cast<size_t>(i)])}}});
    auto f = Framed(RequestHeader{ApiKey::kProduce, kProduceVersion, i, "test"}, RequestBody{req});
    out.insert(out.end(), f.begin(), f.end());
  }
  ListOffsetsRequest list;
  list.topics.push_back({"t", {{0, -1, ListOffsetsRequest::kLatestTimestamp, 1}}});
  auto f = Framed(RequestHeader{ApiKey::kListOffsets, kListOffsetsVersion, 1000, "test"}, RequestBody{list});
  out.insert(out.end(), f.begin(), f.end());

  int fd = tide::testing::ConnectLoopback(port_);
  ASSERT_GE(fd, 0);
  std::thread writer([&] {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::write(fd, out.data() + done, out.size() - done);
      ASSERT_GT(n, 0);
      done += static_cast<size_t>(n);
    }
  });

  std::vector<uint8_t> in;
  uint8_t buf[65536];
  int answered = 0;
  while (answered < kRequests + 2) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    ASSERT_GT(n, 0) << "connection closed after " << answered << " responses";
    in.insert(in.end(), buf, buf + n);
    while (in.size() >= 4 && in.size() >= 4 + base::LoadBigEndian32(in.data())) {
      size_t size = base::LoadBigEndian32(in.data());
      std::span<const uint8_t> frame(in.data() + 4, size);
      if (answered <= kRequests) {
        auto resp = DecodeResponse(ApiKey::kProduce, kProduceVersion, frame);
        ASSERT_TRUE(resp.ok()) << resp.status().ToString();
        EXPECT_EQ(resp->header.correlation_id, answered);  // responses in request order
        const auto& p = std::get<ProduceResponse>(resp->body).responses.at(0).partition_responses.at(0);
        EXPECT_EQ(p.error_code, ErrorCode::kNone) << "request " << answered << ": " << p.error_message.value_or("");
        int expected_batch = answered < kRequests ? answered : kRequests - 1;
        EXPECT_EQ(p.base_offset, expected_batch * kRecords) << "request " << answered;
      } else {
        auto resp = DecodeResponse(ApiKey::kListOffsets, kListOffsetsVersion, frame);
        ASSERT_TRUE(resp.ok()) << resp.status().ToString();
        EXPECT_EQ(resp->header.correlation_id, 1000);
        // Sent right behind the produces on the same connection: it sees all of them.
        EXPECT_EQ(std::get<ListOffsetsResponse>(resp->body).topics.at(0).partitions.at(0).offset,
                  kRequests * kRecords);
      }
      ++answered;
      in.erase(in.begin(), in.begin() + static_cast<ptrdiff_t>(4 + size));
    }
  }
  writer.join();
  ::close(fd);

  // The log holds the batches exactly once each, in order, with their records intact.
  auto log = logs_->GetPartition("t", 0);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->log_end_offset(), kRequests * kRecords);
  auto read = log->Read(0, 64 << 20);
  ASSERT_TRUE(read.ok());
  log::BatchReader reader(read->records, /*verify_crc=*/true);
  log::BatchView b;
  int i = 0;
  while (*reader.Next(&b)) {
    EXPECT_EQ(b.base_offset(), i * kRecords);
    EXPECT_EQ(b.base_sequence(), i * kRecords);
    EXPECT_TRUE(std::equal(b.bytes().begin() + log::kMagicPos, b.bytes().end(),
                           batches[static_cast<size_t>(i)].begin() + log::kMagicPos));
    ++i;
  }
  EXPECT_EQ(i, kRequests);
}

TEST_F(BrokerProduceTest, FetchesSendStoredBatchesFromTheFileAndKeepFraming) {
  // Large fetches go out with sendfile (the records spliced into the response), small ones are
  // copied; pipelined on one connection that is not read at first, every response must arrive
  // whole, in order, with exactly the stored batches.
  auto log = logs_->GetPartition("t", 0);
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(log->Append(Batch(4242, i * 10, 10, 10000)).ok());
  ASSERT_TRUE(logs_->CreateTopic("small", 1).ok());
  auto small = logs_->GetPartition("small", 0);
  ASSERT_TRUE(small->Append(Batch(77, 0, 3, 10)).ok());

  struct Want {
    int16_t version;
    std::string topic;
    int64_t offset;
    int32_t partition_max_bytes;
  };
  const Want wants[] = {
      {12, "t", 0, 16 << 20},     // everything: sendfile
      {4, "t", 55, 16 << 20},     // from inside a batch: from that batch on
      {12, "t", 0, 250000},       // cut at a batch boundary
      {12, "small", 0, 1 << 20},  // under the zero-copy minimum: copied
      {11, "t", 290, 16 << 20},   // the last batch only
  };
  std::vector<uint8_t> out;
  int corr = 0;
  for (const Want& w : wants) {
    FetchRequest req;
    req.max_wait_ms = 0;
    req.min_bytes = 1;
    req.max_bytes = 50 << 20;
    FetchRequest::FetchPartition p;
    p.partition = 0;
    p.fetch_offset = w.offset;
    p.partition_max_bytes = w.partition_max_bytes;
    req.topics.push_back({w.topic, {p}});
    auto f = Framed(RequestHeader{ApiKey::kFetch, w.version, corr++, "test"}, RequestBody{req});
    out.insert(out.end(), f.begin(), f.end());
  }
  int fd = tide::testing::ConnectLoopback(port_);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, out.data(), out.size()), static_cast<ssize_t>(out.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let responses queue up

  std::vector<uint8_t> in;
  uint8_t buf[65536];
  size_t answered = 0;
  while (answered < std::size(wants)) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    ASSERT_GT(n, 0) << "connection closed after " << answered << " responses";
    in.insert(in.end(), buf, buf + n);
    while (answered < std::size(wants) && in.size() >= 4 && in.size() >= 4 + base::LoadBigEndian32(in.data())) {
      const Want& w = wants[answered];
      SCOPED_TRACE("fetch " + std::to_string(answered));
      size_t size = base::LoadBigEndian32(in.data());
      auto resp = DecodeResponse(ApiKey::kFetch, w.version, std::span<const uint8_t>(in.data() + 4, size));
      ASSERT_TRUE(resp.ok()) << resp.status().ToString();
      EXPECT_EQ(resp->header.correlation_id, static_cast<int32_t>(answered));
      const auto& pd = std::get<FetchResponse>(resp->body).responses.at(0).partitions.at(0);
      EXPECT_EQ(pd.error_code, ErrorCode::kNone);
      auto expected = logs_->GetPartition(w.topic, 0)->Read(w.offset, static_cast<size_t>(w.partition_max_bytes));
      ASSERT_TRUE(expected.ok());
      ASSERT_FALSE(expected->records.empty());
      EXPECT_TRUE(std::equal(pd.records.bytes.begin(), pd.records.bytes.end(), expected->records.begin(),
                             expected->records.end()));
      log::BatchReader reader(pd.records.bytes, /*verify_crc=*/true);
      log::BatchView b;
      size_t seen = 0;
      while (*reader.Next(&b)) seen += b.size();
      EXPECT_EQ(seen, pd.records.bytes.size());
      ++answered;
      in.erase(in.begin(), in.begin() + static_cast<ptrdiff_t>(4 + size));
    }
  }
  EXPECT_TRUE(in.empty());
  ::close(fd);
}

}  // namespace
}  // namespace tide::kafka
