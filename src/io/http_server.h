// A small HTTP/1.1 server for Tide's operational endpoints (/metrics, /healthz, the HTTP API).
//
// Supports keep-alive, Content-Length request bodies (up to `max_body_bytes`), and answers
// malformed requests with 400, unknown paths with 404 and wrong methods with 405, then keeps
// serving. It is not a general web server: no chunked request bodies, no TLS yet.
//
// Deferred routes (RouteDeferred) answer from another thread; a deferred request whose client
// goes away before the answer is cancelled (HttpCancellation), so the work can stop.
//
// Thread-safety: Start/Stop from one thread; handlers run on the server's loop thread and
// must not block for long.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "io/event_loop.h"
#include "io/tcp.h"

namespace tide::io {

struct HttpRequest {
  std::string method;  // "GET"
  std::string path;    // "/metrics" (without the query string)
  std::string query;   // "a=1&b=2" (without '?')
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string peer;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> extra_headers;

  static HttpResponse Text(int status, std::string body);
  static HttpResponse Json(int status, std::string body);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Sends the response to a deferred request. Callable from any thread, once; later calls and
// calls after the connection closed (or the server went away) do nothing.
using HttpResponder = std::function<void(HttpResponse)>;

// Tells a deferred request's worker that nobody is waiting for the answer any more: the client
// closed its connection (FIN or RST), or the server closed it (HttpServer::Close, destruction),
// before the response was handed to the responder. A worker polls cancelled() or registers
// OnCancel to stop its work early (a SQL statement) instead of finishing it for no one.
//
// Exactly one of "answered" and "cancelled" happens, whichever comes first: once the responder
// was called the request never becomes cancelled (even if the connection closes before the
// bytes are out); once cancelled, the responder does nothing. A client that only half-closes
// (shutdown(SHUT_WR)) while it waits counts as gone, as in nginx: the server cannot tell it
// from a client that exited.
//
// Thread-safety: every method may be called from any thread. The owner is shared (the server
// and the worker each hold it), so it outlives both the connection and the server.
class HttpCancellation {
 public:
  // True once the request was cancelled (see above).
  bool cancelled() const;
  // Runs `fn` once when the request is cancelled: on the thread that cancels it (for
  // HttpServer, its loop thread), or at once on the calling thread if it already was. Never
  // runs once the responder was called (a racing call that lost is dropped). One callback: a
  // later OnCancel replaces one not run yet.
  // `fn` must not block for long (it may run on the loop thread) and may call the responder
  // (it then does nothing).
  void OnCancel(std::function<void()> fn);

  // For HttpServer (and tests): Cancel marks the request cancelled and runs the callback,
  // unless it was answered; Answer marks it answered and drops the callback, unless it was
  // cancelled. Each returns whether it won.
  bool Cancel();
  bool Answer();

 private:
  mutable std::mutex mu_;
  enum class State { kPending, kAnswered, kCancelled } state_ = State::kPending;
  std::function<void()> on_cancel_;
};

// A handler that answers later, for work that must not run on the loop thread (a SQL query):
// it hands the request to another thread and returns at once; that thread calls `respond`.
// The connection reads no further request until the response is sent, so responses stay in
// request order; it still notices the client closing meanwhile, which cancels `cancel`.
using DeferredHttpHandler =
    std::function<void(const HttpRequest&, HttpResponder respond, std::shared_ptr<HttpCancellation> cancel)>;

class HttpServer {
 public:
  struct Options {
    size_t max_header_bytes = 16 * 1024;
    size_t max_body_bytes = 1 << 20;
  };
  HttpServer(EventLoop* loop, Options options);
  ~HttpServer();

  // Routes an exact path for one method. Call before Listen.
  void Route(const std::string& method, const std::string& path, HttpHandler handler);
  // Routes an exact path to a deferred handler (above). Call before Listen.
  void RouteDeferred(const std::string& method, const std::string& path, DeferredHttpHandler handler);
  // Binds; call on the loop thread (or before the loop runs).
  base::Status Listen(const std::string& host_port);
  const SocketAddress& address() const { return listener_->address(); }
  // Stops accepting and closes every connection (cancelling deferred requests not answered
  // yet). Loop thread only.
  void Close();

 private:
  void OnAccept(int fd, std::string peer);
  void OnData(TcpConnection& conn);
  HttpResponse Dispatch(const HttpRequest& req);
  HttpResponder MakeResponder(uint64_t conn_id, bool keep_alive, std::shared_ptr<HttpCancellation> cancel);
  void FinishDeferred(uint64_t conn_id, bool keep_alive, const HttpResponse& resp);

  EventLoop* loop_;
  Options options_;
  std::map<std::pair<std::string, std::string>, HttpHandler> routes_;
  std::map<std::pair<std::string, std::string>, DeferredHttpHandler> deferred_routes_;
  // Connections waiting for a deferred response (their input is paused), with the request's
  // cancellation, cancelled when the connection closes first.
  std::map<uint64_t, std::shared_ptr<HttpCancellation>> waiting_;
  // Shared with responders so that a response arriving after the server is gone is dropped;
  // read and reset only on the loop thread.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::unique_ptr<TcpListener> listener_;
  std::map<uint64_t, std::shared_ptr<TcpConnection>> connections_;
};

// Parses one request from the front of `data`. Returns the number of bytes it used, 0 when
// more bytes are needed, or an error for a malformed request (exposed for tests and fuzzing).
base::Result<size_t> ParseHttpRequest(std::span<const uint8_t> data, const HttpServer::Options& options,
                                      HttpRequest* out);
std::string RenderHttpResponse(const HttpResponse& response, bool keep_alive);

}  // namespace tide::io
