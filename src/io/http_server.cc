#include "io/http_server.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace tide::io {

using base::Result;
using base::Status;

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

namespace {

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

Result<size_t> ParseHttpRequest(std::span<const uint8_t> data, const HttpServer::Options& options,
                                HttpRequest* out) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  size_t header_end = text.find("\r\n\r\n");
  if (header_end == std::string_view::npos) {
    if (text.size() > options.max_header_bytes) {
      return Status::ResourceExhausted("request header larger than " + std::to_string(options.max_header_bytes) + " bytes");
    }
    return size_t{0};
  }
  std::string_view head = text.substr(0, header_end);
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  size_t sp1 = request_line.find(' ');
  size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return Status::InvalidArgument("malformed request line");
  std::string_view version = request_line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return Status::InvalidArgument("unsupported HTTP version");
  HttpRequest req;
  req.method = std::string(request_line.substr(0, sp1));
  std::string target(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  if (target.empty() || target[0] != '/') return Status::InvalidArgument("request target must start with '/'");
  size_t q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) req.query = target.substr(q + 1);
  if (version == "HTTP/1.0") req.headers["connection"] = "close";
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    if (next == std::string_view::npos) next = head.size();
    std::string_view line = head.substr(pos, next - pos);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Status::InvalidArgument("malformed header line");
    req.headers[Lower(std::string(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
    pos = next + 2;
  }
  size_t body_length = 0;
  if (auto it = req.headers.find("transfer-encoding"); it != req.headers.end()) {
    return Status::Unsupported("chunked request bodies are not supported; send Content-Length");
  }
  if (auto it = req.headers.find("content-length"); it != req.headers.end()) {
    const std::string& v = it->second;
    auto res = std::from_chars(v.data(), v.data() + v.size(), body_length);
    if (res.ec != std::errc() || res.ptr != v.data() + v.size()) return Status::InvalidArgument("bad Content-Length");
    if (body_length > options.max_body_bytes) {
      return Status::ResourceExhausted("request body larger than " + std::to_string(options.max_body_bytes) + " bytes");
    }
  }
  size_t total = header_end + 4 + body_length;
  if (text.size() < total) return size_t{0};
  req.body = std::string(text.substr(header_end + 4, body_length));
  *out = std::move(req);
  return total;
}

std::string RenderHttpResponse(const HttpResponse& r, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
  out += "Content-Type: " + r.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  for (const auto& [k, v] : r.extra_headers) out += k + ": " + v + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  out += r.body;
  return out;
}

HttpServer::HttpServer(EventLoop* loop, Options options) : loop_(loop), options_(options) {}

HttpServer::~HttpServer() {
  *alive_ = false;
  Close();
}

void HttpServer::Route(const std::string& method, const std::string& path, HttpHandler handler) {
  routes_[{method, path}] = std::move(handler);
}

void HttpServer::RouteDeferred(const std::string& method, const std::string& path, DeferredHttpHandler handler) {
  deferred_routes_[{method, path}] = std::move(handler);
}

bool HttpCancellation::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_ == State::kCancelled;
}

void HttpCancellation::OnCancel(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ == State::kAnswered) return;
    if (state_ == State::kPending) {
      on_cancel_ = std::move(fn);
      return;
    }
  }
  if (fn) fn();  // already cancelled: run now, outside the lock (fn may call the responder)
}

bool HttpCancellation::Cancel() {
  std::function<void()> fn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kPending) return false;
    state_ = State::kCancelled;
    fn = std::move(on_cancel_);
    on_cancel_ = nullptr;
  }
  // Outside the lock: the decision is made, and a responder racing with us now does nothing.
  if (fn) fn();
  return true;
}

bool HttpCancellation::Answer() {
  std::function<void()> dropped;  // destroyed outside the lock (it may own anything)
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kPending) return false;
  state_ = State::kAnswered;
  dropped = std::move(on_cancel_);
  on_cancel_ = nullptr;
  return true;
}

HttpResponder HttpServer::MakeResponder(uint64_t conn_id, bool keep_alive, std::shared_ptr<HttpCancellation> cancel) {
  std::shared_ptr<bool> alive = alive_;
  EventLoop* loop = loop_;
  HttpServer* self = this;
  return [cancel, alive, loop, self, conn_id, keep_alive](HttpResponse resp) {
    // Once: the first call wins, and a request cancelled first (its client left) gets nothing.
    if (!cancel->Answer()) return;
    // The loop thread owns the connections; `alive` is only read there.
    loop->Post([alive, self, conn_id, keep_alive, resp = std::move(resp)] {
      if (*alive) self->FinishDeferred(conn_id, keep_alive, resp);
    });
  };
}

void HttpServer::FinishDeferred(uint64_t conn_id, bool keep_alive, const HttpResponse& resp) {
  waiting_.erase(conn_id);
  auto it = connections_.find(conn_id);
  if (it == connections_.end()) return;  // closed meanwhile
  std::shared_ptr<TcpConnection> conn = it->second;
  if (conn->closed()) return;
  std::string out = RenderHttpResponse(resp, keep_alive);
  conn->Send(reinterpret_cast<const uint8_t*>(out.data()), out.size());
  if (!keep_alive) {
    conn->CloseAfterFlush();
    return;
  }
  conn->PauseInput(false);
  OnData(*conn);  // requests that arrived while this one was answered
}

Status HttpServer::Listen(const std::string& host_port) {
  TIDE_ASSIGN_OR_RETURN(listener_, TcpListener::Listen(loop_, host_port, [this](int fd, std::string peer) {
                          OnAccept(fd, std::move(peer));
                        }));
  return Status::OK();
}

void HttpServer::Close() {
  if (listener_) listener_->Close();
  auto conns = std::move(connections_);
  for (auto& [id, c] : conns) c->Close();
}

void HttpServer::OnAccept(int fd, std::string peer) {
  auto conn = TcpConnection::Adopt(
      loop_, fd, std::move(peer), [this](TcpConnection& c) { OnData(c); },
      [this](TcpConnection& c) {
        // A deferred request still unanswered has lost its client (or the server is closing).
        if (auto it = waiting_.find(c.id()); it != waiting_.end()) {
          std::shared_ptr<HttpCancellation> cancel = std::move(it->second);
          waiting_.erase(it);
          cancel->Cancel();
        }
        connections_.erase(c.id());
      });
  if (!conn.ok()) return;
  // While a deferred request is pending its input is paused; a client closing meanwhile must
  // still be noticed (it cancels the request).
  (*conn)->SetCloseOnHangupWhilePaused(true);
  connections_[(*conn)->id()] = *conn;
}

HttpResponse HttpServer::Dispatch(const HttpRequest& req) {
  auto it = routes_.find({req.method, req.path});
  if (it != routes_.end()) return it->second(req);
  bool path_known = std::any_of(routes_.begin(), routes_.end(), [&](const auto& r) { return r.first.second == req.path; }) ||
                    std::any_of(deferred_routes_.begin(), deferred_routes_.end(),
                                [&](const auto& r) { return r.first.second == req.path; });
  if (path_known) return HttpResponse::Text(405, "method " + req.method + " not allowed on " + req.path + "\n");
  return HttpResponse::Text(404, "no such endpoint: " + req.path + "\n");
}

void HttpServer::OnData(TcpConnection& conn) {
  while (!conn.closed() && !conn.input().empty() && waiting_.count(conn.id()) == 0) {
    HttpRequest req;
    Result<size_t> used = ParseHttpRequest(conn.input(), options_, &req);
    if (!used.ok()) {
      int status = used.status().code() == base::StatusCode::kResourceExhausted ? 413 : 400;
      std::string out = RenderHttpResponse(HttpResponse::Text(status, used.status().message() + "\n"), false);
      conn.Send(reinterpret_cast<const uint8_t*>(out.data()), out.size());
      conn.CloseAfterFlush();
      return;
    }
    if (*used == 0) return;
    conn.Consume(*used);
    req.peer = conn.peer();
    bool keep_alive = Lower(req.headers["connection"]) != "close";
    auto deferred = deferred_routes_.find({req.method, req.path});
    if (deferred != deferred_routes_.end()) {
      auto cancel = std::make_shared<HttpCancellation>();
      waiting_[conn.id()] = cancel;
      conn.PauseInput(true);
      deferred->second(req, MakeResponder(conn.id(), keep_alive, cancel), cancel);
      return;
    }
    HttpResponse resp = Dispatch(req);
    std::string out = RenderHttpResponse(resp, keep_alive);
    conn.Send(reinterpret_cast<const uint8_t*>(out.data()), out.size());
    if (!keep_alive) {
      conn.CloseAfterFlush();
      return;
    }
  }
}

}  // namespace tide::io
