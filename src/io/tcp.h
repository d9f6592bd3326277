// TCP listeners and connections on an EventLoop.
//
// A TcpConnection buffers input until its owner consumes it and buffers output that the
// socket cannot take yet, so protocol code above works on whole byte ranges. Reading stops
// while more than `max_pending_output` bytes wait to be sent (a client that does not read its
// responses cannot make the server buffer without bound), and while 16 MiB of input (or the
// expected message, if larger) sit unconsumed (an owner that paused parsing).
//
// Input memory: bytes are read straight into a buffer that is never zero-filled and never moved
// while someone retains it (RetainInput), so a request can be handed to another thread without
// copying it: the connection reads later bytes into fresh memory instead. Large buffers come
// from a small process-wide pool, because new memory costs page faults (and zeroing) on every
// use — for 1 MB produce requests that was a measurable share of the broker's CPU.
//
// Output memory: what the socket cannot take at once is queued as whole buffers; a body given
// by rvalue is taken over rather than copied. File regions (SendWithFiles) are queued as
// references and sent with sendfile: their bytes never enter user memory.
//
// Thread-safety: a connection and a listener belong to one EventLoop; call their methods on
// that loop's thread only. The owner returned by RetainInput may be kept and released on any
// thread.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "io/event_loop.h"
#include "io/file_region.h"

namespace tide::io {

// A resolved "host:port" ("127.0.0.1:9092", "[::1]:9092", "localhost:0", ":9092" = any).
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  static base::Result<SocketAddress> Parse(const std::string& host_port);
  std::string ToString() const;  // "127.0.0.1:9092" / "[::1]:9092"
  std::string Host() const;
  int Port() const;
};

// Splits "host:port"; the host may be bracketed IPv6. Port must be 0..65535.
base::Status SplitHostPort(const std::string& host_port, std::string* host, int* port);

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  // Called when new bytes arrived; the callback consumes what it can from `input()`.
  using DataCallback = std::function<void(TcpConnection&)>;
  // Called once when the connection closes (by the peer, an error, or Close()).
  using CloseCallback = std::function<void(TcpConnection&)>;

  // Takes ownership of a connected socket and starts watching it.
  static base::Result<std::shared_ptr<TcpConnection>> Adopt(EventLoop* loop, int fd, std::string peer,
                                                            DataCallback on_data, CloseCallback on_close,
                                                            size_t max_pending_output = 64 << 20);
  ~TcpConnection();

  // The bytes received and not consumed yet. Valid until the next Consume or read (that is,
  // until control returns to the loop), unless retained.
  std::span<const uint8_t> input() const {
    return {in_buf_.get() + in_begin_, in_end_ - in_begin_};
  }
  // Drops the first `n` bytes of input() and forgets any ExpectInput.
  void Consume(size_t n);
  // Keeps the memory of the current input() alive and unchanged for as long as the returned
  // owner lives (null when there is no input). Thread-safe to release from any thread.
  std::shared_ptr<const void> RetainInput() const;
  // The message at the start of input() is `bytes` long in total: later reads make room for
  // all of it in one piece and, when it is large, stop at its end, so that retaining it does
  // not drag the start of the next message along (which would then be copied). An owner that
  // needs more than 16 MiB before it can consume anything must say so here, or reading pauses.
  // Stops (true) or resumes reading from the socket, for an owner that cannot take more input
  // now (too much in flight): the peer is held back by TCP flow control instead of this
  // connection buffering (and, when retained, re-copying) what it cannot use yet.
  void PauseInput(bool paused) {
    if (paused == input_paused_) return;
    input_paused_ = paused;
    UpdateInterest();
  }
  void ExpectInput(size_t bytes) {
    expected_ = bytes;
    if (bytes >= 64 * 1024) large_hint_ = std::min<size_t>(bytes, 64 << 20);
  }
  // Off by default. When on, a peer closing (FIN or RST) while the owner paused input is
  // noticed at once and closes the connection (the close callback runs), though no input is
  // read: for an owner that parks a request while it is answered elsewhere and wants to know
  // when nobody waits for the answer any more (the HTTP server's deferred routes). A peer that
  // only half-closed is then treated as gone. When off, a FIN is seen only once input resumes.
  void SetCloseOnHangupWhilePaused(bool on) {
    close_on_hangup_while_paused_ = on;
    UpdateInterest();
  }
  // Queues bytes for sending; sends as much as possible now.
  void Send(const uint8_t* data, size_t n);
  // Sends `head` then `body` as one write (a frame's size prefix and its contents).
  void Send(const uint8_t* head, size_t head_n, const uint8_t* body, size_t body_n);
  // The same, taking the body over: what the socket cannot take now is queued without a copy.
  void Send(const uint8_t* head, size_t head_n, std::vector<uint8_t>&& body);
  void Send(const std::vector<uint8_t>& data) { Send(data.data(), data.size()); }
  // Sends `head`, then `body` with file regions spliced in: `files[i].first` is the position in
  // `body` before which region i goes (non-decreasing, at most body.size()). The regions go from
  // the file to the socket (sendfile), not through user memory; each is kept (its owner held)
  // until sent. If a region cannot be read whole when its turn comes, the connection closes
  // (a frame cannot be cut short).
  void SendWithFiles(const uint8_t* head, size_t head_n, std::vector<uint8_t>&& body,
                     std::vector<std::pair<size_t, FileRegion>>&& files);
  // Sends what is queued, then closes. Further input is ignored.
  void CloseAfterFlush();
  // Closes now, discarding unsent output.
  void Close();

  const std::string& peer() const { return peer_; }
  bool closed() const { return fd_ < 0; }
  EventLoop* loop() const { return loop_; }
  uint64_t id() const { return id_; }
  size_t pending_output() const { return output_bytes_; }

 private:
  TcpConnection(EventLoop* loop, int fd, std::string peer, DataCallback on_data, CloseCallback on_close,
                size_t max_pending_output);
  void OnEvents(uint32_t events);
  void HandleRead();
  void HandleWrite();
  void UpdateInterest();
  // Makes room for `want` more bytes after the input (and for expected_ from its start).
  void MakeRoom(size_t want);
  // True when no one retains the input buffer, so it may be overwritten.
  bool SoleInputOwner() const;

  EventLoop* loop_;
  int fd_;
  std::string peer_;
  uint64_t id_;
  DataCallback on_data_;
  CloseCallback on_close_;
  size_t max_pending_output_;
  std::shared_ptr<uint8_t[]> in_buf_;  // input storage; shared with whoever retains it
  size_t in_cap_ = 0;
  size_t in_begin_ = 0;  // input() is [in_begin_, in_end_)
  size_t in_end_ = 0;
  size_t expected_ = 0;    // see ExpectInput
  size_t large_hint_ = 0;  // the size of the last large message announced (0: none yet)
  // A piece of output: bytes in memory, or (file.fd >= 0) a file region sent with sendfile.
  struct OutputPiece {
    std::vector<uint8_t> bytes;
    FileRegion file;
    bool is_file() const { return file.fd >= 0; }
    size_t size() const { return is_file() ? file.length : bytes.size(); }
  };
  // Bytes waiting for the socket: whole buffers (taken over or copied) and file regions, the
  // first one sent up to output_offset_.
  std::deque<OutputPiece> output_;
  size_t output_offset_ = 0;
  size_t output_bytes_ = 0;
  // Queues [data, data + n) after what is pending, copying it (into the last buffer when small).
  void QueueCopy(const uint8_t* data, size_t n);
  bool close_after_flush_ = false;
  bool watching_write_ = false;
  bool reading_paused_ = false;
  bool input_paused_ = false;  // PauseInput
  bool close_on_hangup_while_paused_ = false;  // SetCloseOnHangupWhilePaused
  bool watching_hangup_ = false;  // EPOLLRDHUP watched while reading is paused
  bool input_full_ = false;  // the owner left kMaxBufferedInput unconsumed: reading paused
};

class TcpListener {
 public:
  using AcceptCallback = std::function<void(int fd, std::string peer)>;

  // Binds and listens (SO_REUSEADDR). Port 0 picks a free port: see address().
  static base::Result<std::unique_ptr<TcpListener>> Listen(EventLoop* loop, const std::string& host_port,
                                                           AcceptCallback on_accept);
  ~TcpListener();
  // The bound address, with the real port when 0 was asked for.
  const SocketAddress& address() const { return address_; }
  // Stops accepting and closes the socket. Loop thread only.
  void Close();

 private:
  TcpListener(EventLoop* loop, int fd, SocketAddress address, AcceptCallback on_accept);
  void OnReadable();

  EventLoop* loop_;
  int fd_;
  SocketAddress address_;
  AcceptCallback on_accept_;
};

}  // namespace tide::io
