// HttpServer::RouteDeferred: responses from other threads, in request order on a keep-alive
// connection, while the loop keeps serving other connections; late responses after the
// server is gone are dropped.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "io/http_server.h"
#include "loopback_client.h"

namespace tide::io {
namespace {

std::string Exchange(int port, const std::string& request) {
  int fd = tide::testing::ConnectLoopback(port);
  if (fd < 0) return "connect failed";
  (void)!write(fd, request.data(), request.size());
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

TEST(HttpDeferredTest, AnswersFromAnotherThreadInOrder) {
  EventLoopThread thread("http-deferred");
  ASSERT_TRUE(thread.Start().ok());
  auto server = std::make_unique<HttpServer>(thread.loop(), HttpServer::Options{});
  std::vector<std::thread> workers;
  std::mutex mu;
  server->RouteDeferred("POST", "/slow", [&](const HttpRequest& req, HttpResponder respond, std::shared_ptr<HttpCancellation>) {
    std::lock_guard<std::mutex> lock(mu);
    // The first request answers last: order on the connection must still be kept.
    int delay = req.body == "first" ? 200 : 10;
    workers.emplace_back([respond, delay, body = req.body] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      respond(HttpResponse::Text(200, "done " + body + "\n"));
      respond(HttpResponse::Text(500, "a second answer is ignored\n"));
    });
  });
  server->Route("GET", "/fast", [](const HttpRequest&) { return HttpResponse::Text(200, "fast\n"); });
  std::promise<HttpResponder> parked;
  server->RouteDeferred("POST", "/never", [&](const HttpRequest&, HttpResponder respond, std::shared_ptr<HttpCancellation>) {
    parked.set_value(respond);
  });
  std::promise<int> port;
  thread.loop()->Post([&] {
    ASSERT_TRUE(server->Listen("127.0.0.1:0").ok());
    port.set_value(server->address().Port());
  });
  int p = port.get_future().get();

  // While one connection waits for its slow answer, another is served at once.
  auto slow = std::async(std::launch::async, [p] {
    return Exchange(p, "POST /slow HTTP/1.1\r\nContent-Length: 5\r\n\r\nfirst"
                       "POST /slow HTTP/1.1\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecond");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::string fast = Exchange(p, "GET /fast HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(fast.find("fast"), std::string::npos) << fast;
  EXPECT_EQ(slow.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout) << "fast waited for slow";
  std::string both = slow.get();
  size_t a = both.find("done first");
  size_t b = both.find("done second");
  ASSERT_NE(a, std::string::npos) << both;
  ASSERT_NE(b, std::string::npos) << both;
  EXPECT_LT(a, b);
  EXPECT_EQ(both.find("second answer"), std::string::npos);
  // Wrong method on a deferred path: 405.
  EXPECT_NE(Exchange(p, "GET /slow HTTP/1.1\r\nConnection: close\r\n\r\n").find("405"), std::string::npos);

  // A response that arrives after the server is destroyed is dropped (the client sees the
  // connection close without an answer).
  auto never = std::async(std::launch::async, [p] { return Exchange(p, "POST /never HTTP/1.1\r\n\r\n"); });
  HttpResponder late = parked.get_future().get();
  std::promise<void> destroyed;
  thread.loop()->Post([&] {
    server.reset();
    destroyed.set_value();
  });
  destroyed.get_future().wait();
  for (auto& w : workers) w.join();
  late(HttpResponse::Text(200, "late\n"));
  EXPECT_EQ(never.get(), "");
  std::promise<void> flushed;
  thread.loop()->Post([&] { flushed.set_value(); });
  flushed.get_future().wait();
  thread.Stop();
}

}  // namespace
}  // namespace tide::io
