// HttpCancellation: a deferred request learns that its client went away (FIN, RST, half-close,
// the server closing) before its answer, and never once it was answered; a responder called
// after that does nothing. Also TcpConnection::SetCloseOnHangupWhilePaused underneath.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "io/http_server.h"
#include "loopback_client.h"

namespace tide::io {
namespace {

using namespace std::chrono_literals;

// Generous: the events below happen within milliseconds; this only bounds a failing test.
constexpr auto kWait = 10s;

int Connect(int port) { return tide::testing::ConnectLoopback(port); }

void WriteAll(int fd, const std::string& s) { ASSERT_EQ(write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size())); }

// Reads until `marker` arrived or the peer closed.
std::string ReadUntil(int fd, const std::string& marker) {
  std::string out;
  char buf[4096];
  while (out.find(marker) == std::string::npos) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string Exchange(int port, const std::string& request) {
  int fd = Connect(port);
  if (fd < 0) return "connect failed";
  WriteAll(fd, request);
  std::string out = ReadUntil(fd, "\n\n\n");  // until the server closes
  close(fd);
  return out;
}

// One parked deferred request, as the handler saw it.
struct Parked {
  HttpResponder respond;
  std::shared_ptr<HttpCancellation> cancel;
};

// A server on its own loop with POST /park (parks the request; the test answers it) and
// GET /fast.
class HttpCancelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(thread_.Start().ok());
    server_ = std::make_unique<HttpServer>(thread_.loop(), HttpServer::Options{});
    server_->RouteDeferred("POST", "/park",
                           [this](const HttpRequest&, HttpResponder respond, std::shared_ptr<HttpCancellation> cancel) {
                             std::lock_guard<std::mutex> lock(mu_);
                             // Registered on the loop thread, before anything can cancel it.
                             cancel->OnCancel([this] {
                               on_loop_thread_ = thread_.loop()->InLoopThread();
                               ++cancels_;
                               cancelled_.set_value();
                             });
                             parked_.set_value({respond, cancel});
                           });
    server_->Route("GET", "/fast", [](const HttpRequest&) { return HttpResponse::Text(200, "fast\n"); });
    std::promise<int> port;
    thread_.loop()->Post([&] {
      ASSERT_TRUE(server_->Listen("127.0.0.1:0").ok());
      port.set_value(server_->address().Port());
    });
    port_ = port.get_future().get();
  }

  void TearDown() override {
    std::promise<void> done;
    thread_.loop()->Post([&] {
      server_.reset();
      done.set_value();
    });
    done.get_future().wait();
    thread_.Stop();
  }

  // Sends a parked request on a new connection and waits for the handler to have it.
  int SendParked(Parked* parked) {
    int fd = Connect(port_);
    EXPECT_GE(fd, 0);
    WriteAll(fd, "POST /park HTTP/1.1\r\nContent-Length: 4\r\n\r\nwait");
    auto f = parked_.get_future();
    EXPECT_EQ(f.wait_for(kWait), std::future_status::ready) << "the handler never got the request";
    *parked = f.get();
    return fd;
  }

  bool WaitCancelled() { return cancelled_future_.wait_for(kWait) == std::future_status::ready; }

  // A full exchange on another connection: events already pending for earlier connections
  // (a FIN sent before it) have been handled by the loop once it returns.
  void SyncWithLoop() { EXPECT_NE(Exchange(port_, "GET /fast HTTP/1.1\r\nConnection: close\r\n\r\n").find("fast"), std::string::npos); }

  EventLoopThread thread_{"http-cancel"};
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::mutex mu_;
  std::promise<Parked> parked_;
  std::promise<void> cancelled_;
  std::future<void> cancelled_future_ = cancelled_.get_future();
  std::atomic<int> cancels_{0};
  std::atomic<bool> on_loop_thread_{false};
};

TEST_F(HttpCancelTest, ClientClosingBeforeTheAnswerCancels) {
  Parked p;
  int fd = SendParked(&p);
  EXPECT_FALSE(p.cancel->cancelled());
  close(fd);  // FIN while the server's input for this connection is paused
  ASSERT_TRUE(WaitCancelled()) << "no cancellation after the client closed";
  EXPECT_TRUE(on_loop_thread_);
  EXPECT_TRUE(p.cancel->cancelled());
  // The responder is now a no-op, on any thread; the server keeps serving.
  std::thread([&] { p.respond(HttpResponse::Text(200, "too late\n")); }).join();
  SyncWithLoop();
  EXPECT_EQ(cancels_, 1);
  // A callback registered after the fact runs at once, on the caller's thread.
  bool ran = false;
  p.cancel->OnCancel([&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST_F(HttpCancelTest, ClientResetCancels) {
  Parked p;
  int fd = SendParked(&p);
  linger lg{1, 0};  // close with RST
  ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
  close(fd);
  ASSERT_TRUE(WaitCancelled()) << "no cancellation after the client reset the connection";
  EXPECT_TRUE(p.cancel->cancelled());
}

TEST_F(HttpCancelTest, HalfCloseCountsAsGone) {
  // A client that stops sending while it waits cannot be told from one that exited.
  Parked p;
  int fd = SendParked(&p);
  ASSERT_EQ(shutdown(fd, SHUT_WR), 0);
  ASSERT_TRUE(WaitCancelled());
  p.respond(HttpResponse::Text(200, "never sent\n"));
  EXPECT_EQ(ReadUntil(fd, "never sent"), "");  // closed without an answer
  close(fd);
}

TEST_F(HttpCancelTest, AnsweredRequestIsNeverCancelled) {
  Parked p;
  int fd = SendParked(&p);
  std::thread([&] { p.respond(HttpResponse::Text(200, "answer\n")); }).join();
  std::string got = ReadUntil(fd, "answer\n");
  EXPECT_NE(got.find("200 OK"), std::string::npos) << got;
  close(fd);  // after the answer: nothing to cancel
  SyncWithLoop();
  EXPECT_EQ(cancels_, 0);
  EXPECT_FALSE(p.cancel->cancelled());
  bool ran = false;
  p.cancel->OnCancel([&] { ran = true; });
  EXPECT_FALSE(ran);
}

TEST_F(HttpCancelTest, AnsweredButNotYetSentIsNotCancelled) {
  // The responder was called; the client closes before the loop wrote the bytes. The worker
  // was done: it is not told to stop.
  Parked p;
  int fd = SendParked(&p);
  std::promise<void> blocked, release;
  thread_.loop()->Post([&] {  // holds the loop so that the answer cannot go out yet
    blocked.set_value();
    release.get_future().wait();
  });
  blocked.get_future().wait();
  p.respond(HttpResponse::Text(200, "answer\n"));
  close(fd);
  release.set_value();
  SyncWithLoop();
  EXPECT_EQ(cancels_, 0);
  EXPECT_FALSE(p.cancel->cancelled());
}

TEST_F(HttpCancelTest, ServerCloseCancelsPendingRequests) {
  Parked p;
  int fd = SendParked(&p);
  thread_.loop()->Post([this] { server_->Close(); });
  ASSERT_TRUE(WaitCancelled());
  EXPECT_EQ(ReadUntil(fd, "\n"), "");
  close(fd);
}

TEST_F(HttpCancelTest, KeepAliveConnectionServesTheNextRequestAfterAnAnswer) {
  // Watching for hangups while paused must not disturb ordinary keep-alive use.
  Parked p;
  int fd = SendParked(&p);
  p.respond(HttpResponse::Text(200, "first\n"));
  EXPECT_NE(ReadUntil(fd, "first\n").find("first"), std::string::npos);
  WriteAll(fd, "GET /fast HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(ReadUntil(fd, "fast\n").find("fast"), std::string::npos);
  close(fd);
  SyncWithLoop();
  EXPECT_EQ(cancels_, 0);
}

TEST(HttpCancellationTest, FirstOfAnswerAndCancelWins) {
  HttpCancellation answered;
  int runs = 0;
  answered.OnCancel([&] { ++runs; });
  EXPECT_TRUE(answered.Answer());
  EXPECT_FALSE(answered.Cancel());
  EXPECT_FALSE(answered.Answer());
  EXPECT_FALSE(answered.cancelled());
  EXPECT_EQ(runs, 0);

  HttpCancellation cancelled;
  cancelled.OnCancel([&] { ++runs; });
  cancelled.OnCancel([&] { runs += 10; });  // replaces the first
  EXPECT_TRUE(cancelled.Cancel());
  EXPECT_EQ(runs, 10);
  EXPECT_FALSE(cancelled.Cancel());
  EXPECT_FALSE(cancelled.Answer());
  EXPECT_TRUE(cancelled.cancelled());
  EXPECT_EQ(runs, 10);
}

TEST(HttpCancellationTest, RacingAnswerAndCancelDecideOnce) {
  for (int i = 0; i < 200; ++i) {
    HttpCancellation c;
    std::atomic<int> runs{0};
    c.OnCancel([&] { ++runs; });
    bool answered = false, cancelled = false;
    std::thread a([&] { answered = c.Answer(); });
    std::thread b([&] { cancelled = c.Cancel(); });
    a.join();
    b.join();
    ASSERT_NE(answered, cancelled);
    ASSERT_EQ(runs, cancelled ? 1 : 0);
  }
}

// The TCP part on its own: with the option off (the Kafka broker), a FIN while input is paused
// is not acted on; with it on, the connection closes.
TEST(TcpHangupWhilePausedTest, OnlyWhenAskedFor) {
  EventLoopThread thread("tcp-hangup");
  ASSERT_TRUE(thread.Start().ok());
  for (bool watch : {false, true}) {
    std::promise<int> port;
    std::promise<void> got_data;
    std::atomic<bool> closed{false};
    std::shared_ptr<TcpConnection> conn;
    std::unique_ptr<TcpListener> listener;
    thread.loop()->Post([&] {
      auto l = TcpListener::Listen(thread.loop(), "127.0.0.1:0", [&](int fd, std::string peer) {
        auto c = TcpConnection::Adopt(
            thread.loop(), fd, std::move(peer),
            [&](TcpConnection& c) {
              c.Consume(c.input().size());
              c.PauseInput(true);
              got_data.set_value();
            },
            [&](TcpConnection&) { closed = true; });
        ASSERT_TRUE(c.ok());
        (*c)->SetCloseOnHangupWhilePaused(watch);
        conn = *c;
      });
      ASSERT_TRUE(l.ok());
      listener = std::move(*l);
      port.set_value(listener->address().Port());
    });
    int fd = Connect(port.get_future().get());
    ASSERT_GE(fd, 0);
    WriteAll(fd, "x");
    ASSERT_EQ(got_data.get_future().wait_for(kWait), std::future_status::ready);
    close(fd);
    if (watch) {
      for (auto start = std::chrono::steady_clock::now(); !closed && std::chrono::steady_clock::now() - start < kWait;) {
        std::this_thread::sleep_for(5ms);
      }
      EXPECT_TRUE(closed) << "a FIN while paused was not noticed";
    } else {
      // Give the loop a round trip (the FIN is already queued at the server socket).
      std::this_thread::sleep_for(50ms);
      std::promise<bool> state;
      thread.loop()->Post([&] { state.set_value(conn->closed()); });
      EXPECT_FALSE(state.get_future().get()) << "the default changed: a paused connection acted on a FIN";
      EXPECT_FALSE(closed);
    }
    std::promise<void> done;
    thread.loop()->Post([&] {
      if (conn) conn->Close();
      conn.reset();
      listener.reset();
      done.set_value();
    });
    done.get_future().wait();
  }
  thread.Stop();
}

}  // namespace
}  // namespace tide::io
