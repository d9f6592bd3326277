#include "io/tcp.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>

namespace tide::io {

using base::Result;
using base::Status;

namespace {

std::atomic<uint64_t> g_next_connection_id{1};

constexpr size_t kMinInputCapacity = 64 * 1024;
constexpr size_t kMaxRead = 1 << 20;             // bytes per read() call
constexpr size_t kLargeMessage = 64 * 1024;      // ExpectInput above this caps reads at its end
constexpr size_t kKeepCapacity = 4 << 20;        // an idle connection keeps at most this much
constexpr size_t kMaxBufferedInput = 16 << 20;   // unconsumed input beyond which reading pauses

// Recycles input buffers (powers of two from 64 KiB to 64 MiB), so that a stream of large
// requests does not pay for fresh pages on every one. Holds at most kPoolBytes of free buffers.
// Buffers are released from any thread (whoever retained them last), hence the mutex.
class InputBufferPool {
 public:
  static InputBufferPool& Get() {
    static InputBufferPool* pool = new InputBufferPool;  // never destroyed: buffers may outlive statics
    return *pool;
  }

  // A buffer of at least `min_capacity` bytes (uninitialized); *capacity gets its real size.
  std::shared_ptr<uint8_t[]> Take(size_t min_capacity, size_t* capacity) {
    int cls = 0;
    size_t size = kMinInputCapacity;
    while (size < min_capacity && cls < kClasses) {
      size <<= 1;
      ++cls;
    }
    if (size < min_capacity) {  // beyond the largest class: not pooled
      *capacity = min_capacity;
      return std::shared_ptr<uint8_t[]>(new uint8_t[min_capacity]);
    }
    *capacity = size;
    uint8_t* raw = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_[cls].empty()) {
        raw = free_[cls].back();
        free_[cls].pop_back();
        free_bytes_ -= size;
      }
    }
    if (raw == nullptr) raw = new uint8_t[size];
    return std::shared_ptr<uint8_t[]>(raw, [this, cls, size](uint8_t* p) { Put(p, cls, size); });
  }

 private:
  static constexpr int kClasses = 11;  // 64 KiB << 10 = 64 MiB
  static constexpr size_t kPoolBytes = 64 << 20;

  void Put(uint8_t* p, int cls, size_t size) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (free_bytes_ + size <= kPoolBytes) {
        free_[cls].push_back(p);
        free_bytes_ += size;
        return;
      }
    }
    delete[] p;
  }

  std::mutex mu_;
  std::vector<uint8_t*> free_[kClasses + 1];
  size_t free_bytes_ = 0;
};

// writev that never raises SIGPIPE (a peer that went away is an error return, not a signal).
// `more`: a file region follows at once (MSG_MORE lets the kernel put both in one segment).
ssize_t SendV(int fd, iovec* iov, size_t count, bool more = false) {
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = count;
  return ::sendmsg(fd, &msg, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
}

}  // namespace

Status SplitHostPort(const std::string& host_port, std::string* host, int* port) {
  size_t colon;
  if (!host_port.empty() && host_port[0] == '[') {
    size_t close = host_port.find(']');
    if (close == std::string::npos || close + 1 >= host_port.size() || host_port[close + 1] != ':') {
      return Status::InvalidArgument("address '" + host_port + "' is not HOST:PORT");
    }
    *host = host_port.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = host_port.rfind(':');
    if (colon == std::string::npos) return Status::InvalidArgument("address '" + host_port + "' is not HOST:PORT");
    *host = host_port.substr(0, colon);
  }
  std::string port_text = host_port.substr(colon + 1);
  int p = -1;
  auto res = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
  if (res.ec != std::errc() || res.ptr != port_text.data() + port_text.size() || p < 0 || p > 65535) {
    return Status::InvalidArgument("address '" + host_port + "' has an invalid port '" + port_text + "'");
  }
  *port = p;
  return Status::OK();
}

Result<SocketAddress> SocketAddress::Parse(const std::string& host_port) {
  std::string host;
  int port;
  TIDE_RETURN_IF_ERROR(SplitHostPort(host_port, &host, &port));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* result = nullptr;
  std::string port_text = std::to_string(port);
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port_text.c_str(), &hints, &result);
  if (rc != 0 || result == nullptr) {
    return Status::InvalidArgument("cannot resolve host '" + host + "' in '" + host_port + "': " + gai_strerror(rc));
  }
  SocketAddress addr;
  std::memcpy(&addr.storage, result->ai_addr, result->ai_addrlen);
  addr.length = result->ai_addrlen;
  freeaddrinfo(result);
  return addr;
}

std::string SocketAddress::Host() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (storage.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, buf, sizeof buf);
  } else if (storage.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

int SocketAddress::Port() const {
  if (storage.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (storage.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

std::string SocketAddress::ToString() const {
  std::string host = Host();
  if (storage.ss_family == AF_INET6) host = "[" + host + "]";
  return host + ":" + std::to_string(Port());
}

// ---- TcpConnection ----

Result<std::shared_ptr<TcpConnection>> TcpConnection::Adopt(EventLoop* loop, int fd, std::string peer,
                                                            DataCallback on_data, CloseCallback on_close,
                                                            size_t max_pending_output) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::shared_ptr<TcpConnection> conn(
      new TcpConnection(loop, fd, std::move(peer), std::move(on_data), std::move(on_close), max_pending_output));
  std::weak_ptr<TcpConnection> weak = conn;
  Status s = loop->Watch(fd, EPOLLIN | EPOLLRDHUP, [weak](uint32_t events) {
    if (auto self = weak.lock()) self->OnEvents(events);
  });
  if (!s.ok()) {
    conn->fd_ = -1;
    close(fd);
    return s;
  }
  return conn;
}

TcpConnection::TcpConnection(EventLoop* loop, int fd, std::string peer, DataCallback on_data, CloseCallback on_close,
                             size_t max_pending_output)
    : loop_(loop),
      fd_(fd),
      peer_(std::move(peer)),
      id_(g_next_connection_id++),
      on_data_(std::move(on_data)),
      on_close_(std::move(on_close)),
      max_pending_output_(max_pending_output) {}

TcpConnection::~TcpConnection() {
  if (fd_ >= 0) {
    loop_->Unwatch(fd_);
    close(fd_);
  }
}

void TcpConnection::Consume(size_t n) {
  in_begin_ += std::min(n, in_end_ - in_begin_);
  expected_ = 0;
  if (input_full_ && in_end_ - in_begin_ < kMaxBufferedInput) {
    input_full_ = false;
    UpdateInterest();
  }
  if (in_begin_ != in_end_) return;
  if (SoleInputOwner() && in_cap_ <= kKeepCapacity) {
    in_begin_ = in_end_ = 0;  // reuse the buffer from its start
  } else {
    // Retained by a handler (it owns those bytes now) or oversized: read into another buffer.
    in_buf_.reset();
    in_cap_ = in_begin_ = in_end_ = 0;
  }
}

bool TcpConnection::SoleInputOwner() const {
  if (in_buf_.use_count() != 1) return false;
  // Pairs with the release in the last other owner's reference drop (possibly on another
  // thread): its reads of the buffer happen before we overwrite it.
  std::atomic_thread_fence(std::memory_order_acquire);
  return true;
}

std::shared_ptr<const void> TcpConnection::RetainInput() const {
  if (!in_buf_) return nullptr;
  return std::shared_ptr<const void>(in_buf_, in_buf_.get());
}

void TcpConnection::MakeRoom(size_t want) {
  size_t have = in_end_ - in_begin_;
  size_t need = std::max(have + want, expected_);
  // Room after the input: use it, even when retained (retained bytes all lie before in_end_).
  if (in_buf_ && in_cap_ - in_end_ >= want && in_cap_ - in_begin_ >= expected_) return;
  if (in_buf_ && SoleInputOwner() && in_cap_ >= need) {
    std::memmove(in_buf_.get(), in_buf_.get() + in_begin_, have);
  } else {
    size_t capacity = 0;
    // Sized for the last large message when starting afresh, so that the next one fits too.
    size_t size = std::max({need, kMinInputCapacity, have == 0 ? large_hint_ : size_t{0}});
    std::shared_ptr<uint8_t[]> fresh = InputBufferPool::Get().Take(size, &capacity);
    if (have > 0) std::memcpy(fresh.get(), in_buf_.get() + in_begin_, have);
    in_buf_ = std::move(fresh);
    in_cap_ = capacity;
  }
  in_begin_ = 0;
  in_end_ = have;
}

void TcpConnection::OnEvents(uint32_t events) {
  auto self = shared_from_this();  // the callbacks below may drop the owner's reference
  if (events & (EPOLLERR)) {
    Close();
    return;
  }
  if (events & EPOLLOUT) HandleWrite();
  if (fd_ >= 0 && watching_hangup_ && (events & (EPOLLHUP | EPOLLRDHUP))) {
    // Input is paused by its owner, who asked to learn of the peer leaving: close without
    // reading (SetCloseOnHangupWhilePaused).
    Close();
    return;
  }
  if (fd_ >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP))) HandleRead();
}

void TcpConnection::HandleRead() {
  bool peer_closed = false;
  for (bool first = true;; first = false) {
    size_t have = in_end_ - in_begin_;
    if (have >= std::max(expected_, kMaxBufferedInput)) {
      // The owner is not consuming (it paused, e.g. too many requests in flight): stop reading
      // until it does, instead of buffering without bound.
      input_full_ = true;
      UpdateInterest();
      break;
    }
    // Deliver what we have once the expected message is complete, or a read's worth is here.
    if (!first && (expected_ > 0 ? have >= expected_ : have >= kMaxRead)) break;
    // Read what the socket holds (not a fixed chunk), at most kMaxRead, and no further than the
    // end of a large expected message.
    int available = 0;
    if (ioctl(fd_, FIONREAD, &available) != 0 || available <= 0) available = 4096;
    size_t want = std::min<size_t>(static_cast<size_t>(available), kMaxRead);
    bool start_only = false;
    if (expected_ >= kLargeMessage && expected_ > have) {
      want = std::min(want, expected_ - have);
    } else if (expected_ == 0 && have == 0 && large_hint_ > 0) {
      // After large messages, read the next one's start only and let the owner parse it: once
      // its size is known (ExpectInput) the reads go to its end and no further, so nothing of
      // the message after it comes along (to be copied when this one is retained).
      want = std::min(want, kLargeMessage);
      start_only = true;
    }
    MakeRoom(want);
    ssize_t n = ::read(fd_, in_buf_.get() + in_end_, want);
    if (n > 0) {
      in_end_ += static_cast<size_t>(n);
      if (start_only || static_cast<size_t>(n) < want) break;
      continue;
    }
    if (n == 0) {
      peer_closed = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      peer_closed = true;
    }
    break;
  }
  if (in_end_ > in_begin_ && !close_after_flush_ && on_data_) on_data_(*this);
  if (peer_closed && fd_ >= 0) {
    // The peer will send nothing more. Answers already queued are still delivered if the peer
    // only half-closed; a fully closed peer makes the write fail and close us.
    if (pending_output() == 0) {
      Close();
    } else {
      close_after_flush_ = true;
      UpdateInterest();
    }
  }
}

void TcpConnection::Send(const uint8_t* data, size_t n) { Send(data, n, nullptr, 0); }

void TcpConnection::QueueCopy(const uint8_t* data, size_t n) {
  if (n == 0) return;
  // Small pieces (size prefixes, short answers) join the last buffer instead of adding one.
  if (!output_.empty() && !output_.back().is_file() && n <= 4096 && output_.back().bytes.size() + n <= (64u << 10)) {
    output_.back().bytes.insert(output_.back().bytes.end(), data, data + n);
  } else {
    output_.emplace_back().bytes.assign(data, data + n);
  }
  output_bytes_ += n;
}

void TcpConnection::Send(const uint8_t* head, size_t head_n, const uint8_t* body, size_t body_n) {
  if (fd_ < 0 || head_n + body_n == 0) return;
  if (pending_output() == 0) {
    // One writev for both parts: with TCP_NODELAY, two sends would be two packets.
    iovec iov[2] = {{const_cast<uint8_t*>(head), head_n}, {const_cast<uint8_t*>(body), body_n}};
    ssize_t written = SendV(fd_, iov, body_n > 0 ? 2 : 1);
    if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      Close();
      return;
    }
    size_t done = written > 0 ? static_cast<size_t>(written) : 0;
    size_t from_head = std::min(done, head_n);
    head += from_head;
    head_n -= from_head;
    size_t from_body = std::min(done - from_head, body_n);
    body += from_body;
    body_n -= from_body;
  }
  if (head_n + body_n > 0) {
    QueueCopy(head, head_n);
    QueueCopy(body, body_n);
    UpdateInterest();
  }
}

void TcpConnection::Send(const uint8_t* head, size_t head_n, std::vector<uint8_t>&& body) {
  if (fd_ < 0 || head_n + body.size() == 0) return;
  size_t body_done = 0;
  if (pending_output() == 0) {
    iovec iov[2] = {{const_cast<uint8_t*>(head), head_n}, {body.data(), body.size()}};
    ssize_t written = SendV(fd_, iov, body.empty() ? 1 : 2);
    if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      Close();
      return;
    }
    size_t done = written > 0 ? static_cast<size_t>(written) : 0;
    size_t from_head = std::min(done, head_n);
    head += from_head;
    head_n -= from_head;
    body_done = done - from_head;
  }
  if (head_n + body.size() - body_done == 0) return;
  QueueCopy(head, head_n);  // empty unless the head did not go out, and then none of the body did
  if (body_done < body.size()) {
    if (output_.empty()) output_offset_ = body_done;  // the body is first: skip what went out
    output_bytes_ += body.size() - body_done;
    output_.emplace_back().bytes = std::move(body);
  }
  UpdateInterest();
}

void TcpConnection::SendWithFiles(const uint8_t* head, size_t head_n, std::vector<uint8_t>&& body,
                                  std::vector<std::pair<size_t, FileRegion>>&& files) {
  if (files.empty()) {
    Send(head, head_n, std::move(body));
    return;
  }
  if (fd_ < 0) return;
  for (const auto& f : files) {
    if (f.second.fd < 0 && f.second.length > 0) {  // no file to send from: the frame cannot be sent
      Close();
      return;
    }
  }
  bool was_idle = pending_output() == 0;
  // The memory between regions is the response's framing (a few dozen bytes per partition):
  // copied into pieces of its own; the regions are queued by reference.
  std::vector<uint8_t> piece(head, head + head_n);
  auto flush_piece = [&] {
    if (piece.empty()) return;
    output_bytes_ += piece.size();
    output_.emplace_back().bytes = std::move(piece);
    piece.clear();
  };
  size_t pos = 0;
  for (auto& [at, region] : files) {
    size_t until = std::min(std::max(at, pos), body.size());
    piece.insert(piece.end(), body.begin() + static_cast<ptrdiff_t>(pos), body.begin() + static_cast<ptrdiff_t>(until));
    pos = until;
    if (region.length == 0) continue;
    flush_piece();
    output_bytes_ += region.length;
    output_.emplace_back().file = std::move(region);
  }
  piece.insert(piece.end(), body.begin() + static_cast<ptrdiff_t>(pos), body.end());
  flush_piece();
  if (was_idle) {
    HandleWrite();
  } else {
    UpdateInterest();
  }
}

void TcpConnection::HandleWrite() {
  while (pending_output() > 0) {
    if (output_.front().is_file()) {
      // Straight from the file's pages to the socket.
      const FileRegion& f = output_.front().file;
      off_t from = static_cast<off_t>(f.offset + output_offset_);
      size_t want = std::min<size_t>(f.length - output_offset_, size_t{1} << 30);
      ssize_t sent = ::sendfile(fd_, f.fd, &from, want);
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (sent <= 0) {
        // A read error, or the file is shorter than the region: the frame cannot be completed.
        Close();
        return;
      }
      output_bytes_ -= static_cast<size_t>(sent);
      output_offset_ += static_cast<size_t>(sent);
      if (output_offset_ == f.length) {
        output_.pop_front();
        output_offset_ = 0;
      }
      continue;
    }
    // One writev over the first buffers (up to a file region).
    constexpr size_t kMaxIov = 64;
    iovec iov[kMaxIov];
    size_t count = 0;
    auto it = output_.begin();
    for (; it != output_.end() && count < kMaxIov && !it->is_file(); ++it, ++count) {
      size_t skip = count == 0 ? output_offset_ : 0;
      iov[count] = {it->bytes.data() + skip, it->bytes.size() - skip};
    }
    ssize_t written = SendV(fd_, iov, count, it != output_.end() && it->is_file());
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      Close();
      return;
    }
    size_t left = static_cast<size_t>(written);
    output_bytes_ -= left;
    while (left > 0) {
      size_t rest = output_.front().bytes.size() - output_offset_;
      if (left < rest) {
        output_offset_ += left;
        break;
      }
      left -= rest;
      output_.pop_front();
      output_offset_ = 0;
    }
  }
  if (pending_output() == 0) {
    output_.clear();
    output_offset_ = 0;
    if (close_after_flush_) {
      Close();
      return;
    }
  }
  UpdateInterest();
}

void TcpConnection::UpdateInterest() {
  if (fd_ < 0) return;
  bool want_write = pending_output() > 0;
  bool pause_read = close_after_flush_ || input_full_ || input_paused_ || pending_output() > max_pending_output_;
  // Paused by the owner only (not flushing before a close): still watch for the peer leaving.
  bool watch_hangup = input_paused_ && close_on_hangup_while_paused_ && !close_after_flush_;
  if (want_write == watching_write_ && pause_read == reading_paused_ && watch_hangup == watching_hangup_) return;
  watching_write_ = want_write;
  reading_paused_ = pause_read;
  watching_hangup_ = watch_hangup;
  uint32_t events = (pause_read ? (watch_hangup ? static_cast<uint32_t>(EPOLLRDHUP) : 0u)
                                : static_cast<uint32_t>(EPOLLIN | EPOLLRDHUP)) |
                    (want_write ? static_cast<uint32_t>(EPOLLOUT) : 0u);
  (void)loop_->Modify(fd_, events);
}

void TcpConnection::CloseAfterFlush() {
  if (fd_ < 0) return;
  if (pending_output() == 0) {
    Close();
    return;
  }
  close_after_flush_ = true;
  UpdateInterest();
}

void TcpConnection::Close() {
  if (fd_ < 0) return;
  auto self = shared_from_this();
  loop_->Unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
  output_.clear();
  output_offset_ = 0;
  output_bytes_ = 0;
  if (on_close_) {
    auto cb = std::move(on_close_);
    on_close_ = nullptr;
    cb(*this);
  }
}

// ---- TcpListener ----

Result<std::unique_ptr<TcpListener>> TcpListener::Listen(EventLoop* loop, const std::string& host_port,
                                                         AcceptCallback on_accept) {
  TIDE_ASSIGN_OR_RETURN(SocketAddress addr, SocketAddress::Parse(host_port));
  int fd = socket(addr.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno(errno, "socket for " + host_port);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr.storage), addr.length) != 0) {
    int err = errno;
    close(fd);
    return Status::FromErrno(err, "cannot listen on " + host_port).WithContext("bind");
  }
  if (listen(fd, 1024) != 0) {
    int err = errno;
    close(fd);
    return Status::FromErrno(err, "listen on " + host_port);
  }
  SocketAddress bound;
  bound.length = sizeof bound.storage;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound.storage), &bound.length);
  std::unique_ptr<TcpListener> listener(new TcpListener(loop, fd, bound, std::move(on_accept)));
  TcpListener* raw = listener.get();
  Status s = loop->Watch(fd, EPOLLIN, [raw](uint32_t) { raw->OnReadable(); });
  if (!s.ok()) return s;
  return listener;
}

TcpListener::TcpListener(EventLoop* loop, int fd, SocketAddress address, AcceptCallback on_accept)
    : loop_(loop), fd_(fd), address_(address), on_accept_(std::move(on_accept)) {}

TcpListener::~TcpListener() { Close(); }

void TcpListener::Close() {
  if (fd_ < 0) return;
  loop_->Unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
}

void TcpListener::OnReadable() {
  for (;;) {
    SocketAddress peer;
    peer.length = sizeof peer.storage;
    int fd = accept4(fd_, reinterpret_cast<sockaddr*>(&peer.storage), &peer.length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // EAGAIN: drained. EMFILE and friends: leave the rest in the backlog rather than spin.
      return;
    }
    on_accept_(fd, peer.ToString());
  }
}

}  // namespace tide::io
