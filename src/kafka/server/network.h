// The Kafka listener: accepts TCP connections, frames requests (4-byte big-endian size, then
// the request), hands each frame to a RequestHandler and writes the responses back in request
// order, as the Kafka protocol requires even when a later request finishes first.
//
// Protection: a frame larger than `max_request_bytes` (socket.request.max.bytes) or with a
// negative size closes the connection with a log line naming the client; the handler's
// verdict that a frame is malformed does the same. No input can crash the server.
//
// Ordering: requests may complete out of order (a Produce whose append runs on the log thread,
// a parked Fetch) but responses leave in request order. Produce requests of a connection are
// pipelined; any other request is handed to the handler only once every earlier Produce of its
// connection has been answered, so a client that pipelines Produce then Fetch / ListOffsets on
// one connection still reads its own writes (Kafka gets the same by handling one request per
// connection at a time).
//
// Memory: a frame points into the connection's input buffer. A handler that completes later
// and still needs the bytes (the records of a Produce) keeps RequestFrame::Retain()'s owner
// instead of copying them; the connection then reads on into other memory. A response may name
// file regions (ResponseFrame::files) that are sent from the file with sendfile.
//
// Thread-safety: one listener and all its connections live on one EventLoop thread; the
// handler is called on that thread and must complete its responder there (it may do so later,
// from a timer or a posted task, for long-polling fetches and produces appended elsewhere).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/metrics.h"
#include "base/result.h"
#include "io/event_loop.h"
#include "io/tcp.h"

namespace tide::kafka {

// What a handler knows about the connection a request came on.
struct ConnectionInfo {
  uint64_t id = 0;
  std::string peer;  // "127.0.0.1:53122"
};

// A response frame without the size prefix: `bytes`, with the file regions in `files` spliced in
// (each before bytes[position]; positions non-decreasing). Fetch responses carry the stored
// record batches that way, sent from the segment files with sendfile (zero-copy consume).
struct ResponseFrame {
  ResponseFrame(std::vector<uint8_t> b) : bytes(std::move(b)) {}  // NOLINT: implicit on purpose
  ResponseFrame(std::vector<uint8_t> b, std::vector<std::pair<size_t, io::FileRegion>> f)
      : bytes(std::move(b)), files(std::move(f)) {}
  std::vector<uint8_t> bytes;
  std::vector<std::pair<size_t, io::FileRegion>> files;
  size_t size() const {
    size_t n = bytes.size();
    for (const auto& f : files) n += f.second.length;
    return n;
  }
};

// Completes one request: a response frame without the size prefix, or nullopt when the
// request gets no response (Produce with acks=0). Call exactly once, on the loop thread.
using Responder = std::function<void(std::optional<ResponseFrame> response)>;

// One request frame (without the size prefix) as read from the socket.
struct RequestFrame {
  std::span<const uint8_t> bytes;  // valid during Handle(); longer only with Retain()
  io::TcpConnection* connection = nullptr;  // null for frames that are not from a socket (tests)
  // Keeps `bytes` valid for as long as the returned owner lives (on any thread). Returns null
  // when the frame has no connection: then the caller must copy what it keeps.
  std::shared_ptr<const void> Retain() const { return connection ? connection->RetainInput() : nullptr; }
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Handles one request frame. A non-OK return means the frame is malformed beyond answering:
  // the connection is closed and `responder` must not be used.
  virtual base::Status Handle(const ConnectionInfo& connection, const RequestFrame& frame, Responder responder) = 0;
  // The connection is gone; drop anything held for it (pending fetches).
  virtual void ConnectionClosed(uint64_t connection_id) {}
};

class KafkaListener {
 public:
  struct Options {
    int64_t max_request_bytes = 100 * 1024 * 1024;  // socket.request.max.bytes
    // Stop reading from a connection while this many requests await their responses.
    size_t max_in_flight_per_connection = 1000;
    // ... or while their frames add up to this many bytes (at least one request is always let
    // through). Bounds what one connection can queue for the append thread: the network thread
    // reads that far ahead of the disk writes, no further.
    size_t max_in_flight_bytes_per_connection = 8 << 20;
  };
  KafkaListener(io::EventLoop* loop, RequestHandler* handler, base::MetricsRegistry* metrics, Options options);
  ~KafkaListener();

  // Binds; run on the loop thread.
  base::Status Listen(const std::string& host_port);
  const io::SocketAddress& address() const { return listener_->address(); }
  // Stops accepting and closes every connection; run on the loop thread.
  void Close();
  size_t connection_count() const { return connections_.size(); }

 private:
  struct Connection;
  void OnAccept(int fd, std::string peer);
  void OnData(Connection& c);
  void Deliver(Connection& c, uint64_t sequence, std::optional<ResponseFrame> response);
  void Drop(Connection& c, const std::string& reason);

  io::EventLoop* loop_;
  RequestHandler* handler_;
  Options options_;
  std::unique_ptr<io::TcpListener> listener_;
  std::map<uint64_t, std::shared_ptr<Connection>> connections_;
  base::Gauge* connections_gauge_;
  base::Counter* accepted_total_;
  base::Counter* bytes_in_;
  base::Counter* bytes_out_;
  base::Counter* dropped_total_;
};

}  // namespace tide::kafka
