#include "kafka/server/network.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <string>
#include <thread>

#include "base/endian.h"
#include "loopback_client.h"

namespace tide::kafka {
namespace {

// A frame as the listener sees it: api key (i16), version (i16), correlation id (i32), body.
std::vector<uint8_t> Frame(int16_t api_key, int32_t correlation_id, size_t body_bytes, uint8_t fill) {
  std::vector<uint8_t> f(4 + 8 + body_bytes, fill);
  base::StoreBigEndian32(f.data(), static_cast<uint32_t>(8 + body_bytes));
  base::StoreBigEndian16(f.data() + 4, static_cast<uint16_t>(api_key));
  base::StoreBigEndian16(f.data() + 6, 0);
  base::StoreBigEndian32(f.data() + 8, static_cast<uint32_t>(correlation_id));
  return f;
}

// Answers each frame with its correlation id. Produce frames (api key 0) are answered 50 ms
// later, like appends finished on another thread, after checking that their retained bytes are
// intact; the others at once. Records the order in which frames were handed over.
class FakeHandler : public RequestHandler {
 public:
  explicit FakeHandler(io::EventLoop* loop) : loop_(loop) {}

  base::Status Handle(const ConnectionInfo&, const RequestFrame& frame, Responder responder) override {
    int16_t key = static_cast<int16_t>(base::LoadBigEndian16(frame.bytes.data()));
    int32_t corr = static_cast<int32_t>(base::LoadBigEndian32(frame.bytes.data() + 4));
    handled.push_back(corr);
    answered_when_handled.push_back(answered);
    std::vector<uint8_t> response(4);
    base::StoreBigEndian32(response.data(), static_cast<uint32_t>(corr));
    if (key != 0) {
      ++answered;
      responder(std::move(response));
      return base::Status::OK();
    }
    std::shared_ptr<const void> owner = frame.Retain();
    EXPECT_NE(owner, nullptr);
    std::span<const uint8_t> bytes = frame.bytes;
    uint8_t fill = bytes.back();
    loop_->RunAfter(50, [this, owner, bytes, fill, responder, response]() mutable {
      for (size_t i = 8; i < bytes.size(); ++i) {
        if (bytes[i] != fill) {
          ADD_FAILURE() << "retained frame changed at byte " << i;
          break;
        }
      }
      owner.reset();
      ++answered;
      responder(std::move(response));
    });
    return base::Status::OK();
  }

  std::vector<int32_t> handled;               // correlation ids, in hand-over order
  std::vector<int> answered_when_handled;     // responses completed when each was handed over
  int answered = 0;

 private:
  io::EventLoop* loop_;
};

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

TEST(KafkaListenerTest, ProducesPipelineOthersWaitForThemAndResponsesKeepOrder) {
  io::EventLoopThread thread("listener-test");
  ASSERT_TRUE(thread.Start().ok());
  base::MetricsRegistry metrics;
  FakeHandler handler(thread.loop());
  KafkaListener listener(thread.loop(), &handler, &metrics, KafkaListener::Options{});
  ASSERT_TRUE(OnLoop(thread.loop(), [&] { return listener.Listen("127.0.0.1:0"); }).ok());
  int port = OnLoop(thread.loop(), [&] { return listener.address().Port(); });

  int fd = tide::testing::ConnectLoopback(port);
  ASSERT_GE(fd, 0);
  // Produce 1 and 2 (large, so the second is read while the first is retained), a Metadata
  // (api key 3) that must wait for both, then another Produce.
  std::vector<uint8_t> out;
  for (auto f : {Frame(0, 1, 2 << 20, 'p'), Frame(0, 2, 300000, 'q'), Frame(3, 3, 10, 'm'), Frame(0, 4, 1000, 'r')}) {
    out.insert(out.end(), f.begin(), f.end());
  }
  std::thread writer([&] {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::write(fd, out.data() + done, out.size() - done);
      ASSERT_GT(n, 0);
      done += static_cast<size_t>(n);
    }
  });
  std::vector<int32_t> responses;
  std::vector<uint8_t> in;
  uint8_t buf[4096];
  while (responses.size() < 4) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    ASSERT_GT(n, 0);
    in.insert(in.end(), buf, buf + n);
    while (in.size() >= 8) {
      ASSERT_EQ(base::LoadBigEndian32(in.data()), 4u);
      responses.push_back(static_cast<int32_t>(base::LoadBigEndian32(in.data() + 4)));
      in.erase(in.begin(), in.begin() + 8);
    }
  }
  writer.join();
  ::close(fd);
  EXPECT_EQ(responses, (std::vector<int32_t>{1, 2, 3, 4}));
  OnLoop(thread.loop(), [&] {
    EXPECT_EQ(handler.handled, (std::vector<int32_t>{1, 2, 3, 4}));
    ASSERT_EQ(handler.answered_when_handled.size(), 4u);
    EXPECT_EQ(handler.answered_when_handled[1], 0);  // produce 2 pipelined behind produce 1
    EXPECT_EQ(handler.answered_when_handled[2], 2);  // the Metadata waited for both produces
    listener.Close();
  });
  thread.Stop();
}

}  // namespace
}  // namespace tide::kafka
