#include "io/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

#include "loopback_client.h"

namespace tide::io {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(HttpParseTest, ParsesRequestLineHeadersAndBody) {
  HttpRequest req;
  auto used = ParseHttpRequest(Bytes("POST /api/x?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcNEXT"),
                               HttpServer::Options{}, &req);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(*used, 59u);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path, "/api/x");
  EXPECT_EQ(req.query, "a=1");
  EXPECT_EQ(req.headers["host"], "h");
  EXPECT_EQ(req.body, "abc");
}

TEST(HttpParseTest, IncompleteNeedsMoreAndGarbageIsRefused) {
  HttpRequest req;
  EXPECT_EQ(*ParseHttpRequest(Bytes("GET /metrics HTTP/1.1\r\nHo"), HttpServer::Options{}, &req), 0u);
  EXPECT_FALSE(ParseHttpRequest(Bytes("garbage\r\n\r\n"), HttpServer::Options{}, &req).ok());
  EXPECT_FALSE(ParseHttpRequest(Bytes("GET metrics HTTP/1.1\r\n\r\n"), HttpServer::Options{}, &req).ok());
  EXPECT_FALSE(ParseHttpRequest(Bytes("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"), HttpServer::Options{}, &req).ok());
  HttpServer::Options small;
  small.max_body_bytes = 2;
  EXPECT_EQ(ParseHttpRequest(Bytes("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n"), small, &req).status().code(),
            base::StatusCode::kResourceExhausted);
}

// Sends `request` to the server and returns everything it answers until it closes.
std::string RoundTrip(int port, const std::string& request) {
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

TEST(HttpServerTest, ServesRoutesOverRealSockets) {
  EventLoopThread thread("http-test");
  ASSERT_TRUE(thread.Start().ok());
  HttpServer server(thread.loop(), HttpServer::Options{});
  server.Route("GET", "/healthz", [](const HttpRequest&) { return HttpResponse::Text(200, "ok\n"); });
  std::promise<int> port;
  thread.loop()->Post([&] {
    ASSERT_TRUE(server.Listen("127.0.0.1:0").ok());
    port.set_value(server.address().Port());
  });
  int p = port.get_future().get();

  std::string ok = RoundTrip(p, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << ok;
  EXPECT_NE(ok.find("\r\n\r\nok\n"), std::string::npos);

  // Two pipelined keep-alive requests, then a close.
  std::string two = RoundTrip(p, "GET /healthz HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(two.find("200 OK"), std::string::npos);
  EXPECT_NE(two.find("404 Not Found"), std::string::npos);

  EXPECT_NE(RoundTrip(p, "POST /healthz HTTP/1.1\r\nConnection: close\r\n\r\n").find("405"), std::string::npos);
  EXPECT_NE(RoundTrip(p, "\x01\x02garbage\r\n\r\n").find("400 Bad Request"), std::string::npos);

  std::promise<void> closed;
  thread.loop()->Post([&] {
    server.Close();
    closed.set_value();
  });
  closed.get_future().wait();
  thread.Stop();
}

TEST(SocketAddressTest, ParsesAndPrints) {
  auto a = SocketAddress::Parse("127.0.0.1:9092");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ToString(), "127.0.0.1:9092");
  auto b = SocketAddress::Parse("[::1]:80");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->ToString(), "[::1]:80");
  EXPECT_FALSE(SocketAddress::Parse("127.0.0.1").ok());
  EXPECT_FALSE(SocketAddress::Parse("127.0.0.1:99999").ok());
  EXPECT_FALSE(SocketAddress::Parse("127.0.0.1:abc").ok());
}

TEST(EventLoopTest, TimersFireInOrderAndCancel) {
  EventLoopThread thread("timer-test");
  ASSERT_TRUE(thread.Start().ok());
  std::promise<std::string> done;
  std::string order;
  thread.loop()->Post([&] {
    auto loop = thread.loop();
    loop->RunAfter(30, [&] { order += "b"; });
    loop->RunAfter(10, [&] { order += "a"; });
    auto id = loop->RunAfter(20, [&] { order += "x"; });
    loop->CancelTimer(id);
    loop->RunAfter(50, [&] { done.set_value(order); });
  });
  EXPECT_EQ(done.get_future().get(), "ab");
  thread.Stop();
}

}  // namespace
}  // namespace tide::io
