#include "io/tcp.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "base/endian.h"

namespace tide::io {
namespace {

// Runs `fn` on the loop's thread and waits for it.
template <class Fn>
auto OnLoop(EventLoop* loop, Fn fn) {
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

// Waits up to 20 s for `pred` (checked on the loop thread).
template <class Pred>
bool WaitFor(EventLoop* loop, Pred pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (OnLoop(loop, pred)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

void WriteAll(int fd, const std::vector<uint8_t>& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    ASSERT_GT(n, 0);
    done += static_cast<size_t>(n);
  }
}

class TcpConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(thread_.Start().ok());
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    peer_ = fds[1];
    // The writing end blocks, like a client.
    ASSERT_EQ(::fcntl(peer_, F_SETFL, 0), 0);
    local_ = fds[0];
  }
  void TearDown() override {
    OnLoop(thread_.loop(), [this] { conn_.reset(); });
    thread_.Stop();
    if (peer_ >= 0) ::close(peer_);
  }
  void Adopt(TcpConnection::DataCallback on_data) {
    OnLoop(thread_.loop(), [&] {
      auto c = TcpConnection::Adopt(thread_.loop(), local_, "test", std::move(on_data), nullptr);
      ASSERT_TRUE(c.ok());
      conn_ = *c;
    });
  }

  EventLoopThread thread_{"tcp-test"};
  std::shared_ptr<TcpConnection> conn_;
  int local_ = -1;
  int peer_ = -1;
};

TEST_F(TcpConnectionTest, RetainedInputStaysIntactWhileMoreArrives) {
  std::shared_ptr<const void> owner;
  const uint8_t* kept = nullptr;
  size_t consumed_after = 0;
  Adopt([&](TcpConnection& c) {
    if (!owner) {
      if (c.input().size() < 100) return;
      owner = c.RetainInput();
      kept = c.input().data();
      c.Consume(100);
    }
    consumed_after += c.input().size();
    c.Consume(c.input().size());
  });
  WriteAll(peer_, std::vector<uint8_t>(100, 'A'));
  ASSERT_TRUE(WaitFor(thread_.loop(), [&] { return owner != nullptr; }));
  // Far more than the first buffer holds: the connection must read on into other memory.
  WriteAll(peer_, std::vector<uint8_t>(300000, 'B'));
  ASSERT_TRUE(WaitFor(thread_.loop(), [&] { return consumed_after == 300000; }));
  OnLoop(thread_.loop(), [&] {
    for (size_t i = 0; i < 100; ++i) ASSERT_EQ(kept[i], 'A') << i;
    owner.reset();  // releasing on any thread is fine; here on the loop
  });
}

TEST_F(TcpConnectionTest, LargeExpectedMessagesArriveWholeAndEndWhereTheyEnd) {
  // Two 3 MB messages back to back, each with a 4-byte size prefix: the owner sees each one in
  // one contiguous piece that holds exactly that message once ExpectInput announced it.
  constexpr size_t kBody = 3 << 20;
  std::vector<size_t> complete_sizes;
  std::vector<std::shared_ptr<const void>> owners;
  Adopt([&](TcpConnection& c) {
    while (c.input().size() >= 4) {
      size_t total = 4 + base::LoadBigEndian32(c.input().data());
      if (c.input().size() < total) {
        c.ExpectInput(total);
        return;
      }
      complete_sizes.push_back(c.input().size());
      EXPECT_EQ(c.input()[4], static_cast<uint8_t>('a' + owners.size()));
      EXPECT_EQ(c.input()[total - 1], static_cast<uint8_t>('a' + owners.size()));
      owners.push_back(c.RetainInput());  // like a produce handed to the append thread
      c.Consume(total);
    }
  });
  std::vector<uint8_t> both;
  for (char fill : {'a', 'b'}) {
    uint8_t head[4];
    base::StoreBigEndian32(head, kBody);
    both.insert(both.end(), head, head + 4);
    both.insert(both.end(), kBody, static_cast<uint8_t>(fill));
  }
  std::thread writer([&] { WriteAll(peer_, both); });
  ASSERT_TRUE(WaitFor(thread_.loop(), [&] { return complete_sizes.size() == 2; }));
  writer.join();
  // Reads stopped at each message's end, so nothing of the next message came along.
  EXPECT_EQ(complete_sizes[0], 4 + kBody);
  EXPECT_EQ(complete_sizes[1], 4 + kBody);
  OnLoop(thread_.loop(), [&] { owners.clear(); });
}

TEST_F(TcpConnectionTest, ReadingPausesWhileTheOwnerDoesNotConsume) {
  std::atomic<bool> consume{false};
  size_t total = 0;
  Adopt([&](TcpConnection& c) {
    if (!consume) return;
    total += c.input().size();
    c.Consume(c.input().size());
  });
  constexpr size_t kSent = 40 << 20;
  std::thread writer([&] {
    std::vector<uint8_t> chunk(1 << 20, 'x');
    for (size_t i = 0; i < kSent / chunk.size(); ++i) WriteAll(peer_, chunk);
  });
  // The reader buffers up to 16 MiB (plus at most one read), then stops: it never takes all 40.
  ASSERT_TRUE(WaitFor(thread_.loop(), [&] { return conn_->input().size() >= (size_t{16} << 20); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  size_t buffered = OnLoop(thread_.loop(), [&] { return conn_->input().size(); });
  EXPECT_LE(buffered, size_t{17} << 20);
  // Consuming resumes reading; everything arrives.
  OnLoop(thread_.loop(), [&] {
    consume = true;
    total += conn_->input().size();
    conn_->Consume(conn_->input().size());
  });
  ASSERT_TRUE(WaitFor(thread_.loop(), [&] { return total == kSent; }));
  writer.join();
}

TEST_F(TcpConnectionTest, QueuedOutputKeepsOrderAcrossCopiedAndTakenOverBuffers) {
  // The peer reads nothing at first, so most of this is queued: small copied pieces, large
  // buffers taken over, framed sends; then everything must arrive in order, byte for byte.
  Adopt([](TcpConnection&) {});
  std::vector<uint8_t> expected;
  OnLoop(thread_.loop(), [&] {
    for (int i = 0; i < 40; ++i) {
      uint8_t head[3] = {static_cast<uint8_t>(i), 0xAB, static_cast<uint8_t>(255 - i)};
      std::vector<uint8_t> body(static_cast<size_t>(i % 3 == 0 ? 300000 : 17 + i), static_cast<uint8_t>(i * 7));
      expected.insert(expected.end(), head, head + 3);
      expected.insert(expected.end(), body.begin(), body.end());
      if (i % 2 == 0) {
        conn_->Send(head, 3, std::move(body));
      } else {
        conn_->Send(head, 3, body.data(), body.size());
      }
    }
    EXPECT_GT(conn_->pending_output(), 0u);
    conn_->CloseAfterFlush();
  });
  std::vector<uint8_t> got;
  uint8_t buf[65536];
  ssize_t n;
  while ((n = ::read(peer_, buf, sizeof buf)) > 0) got.insert(got.end(), buf, buf + n);
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected);
}

// A temporary file holding `data`; removed (and closed) at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::vector<uint8_t>& data) {
    char path[] = "/tmp/tide-tcp-test-XXXXXX";
    fd_ = ::mkstemp(path);
    EXPECT_GE(fd_, 0);
    ::unlink(path);
    EXPECT_EQ(::write(fd_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }
  ~TempFile() { ::close(fd_); }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

std::vector<uint8_t> ReadUntilEof(int fd) {
  std::vector<uint8_t> got;
  uint8_t buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) got.insert(got.end(), buf, buf + n);
  return got;
}

TEST_F(TcpConnectionTest, FileRegionsAreSplicedIntoTheOutputInOrder) {
  // 3 MB of file content; frames mix memory bytes and file regions, and ordinary sends come
  // between them. The peer reads nothing at first, so most of it is queued.
  std::vector<uint8_t> content(3 << 20);
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<uint8_t>(i * 31 + i / 4096);
  TempFile file(content);
  auto owner = std::make_shared<int>(0);
  Adopt([](TcpConnection&) {});
  std::vector<uint8_t> expected;
  OnLoop(thread_.loop(), [&] {
    for (int i = 0; i < 12; ++i) {
      uint8_t head[2] = {0xF0, static_cast<uint8_t>(i)};
      std::vector<uint8_t> body(40 + i, static_cast<uint8_t>(i));
      // Regions at the start, in the middle (twice at one position) and at the end of the body.
      std::vector<std::pair<size_t, FileRegion>> files;
      size_t positions[4] = {0, 20, 20, body.size()};
      expected.insert(expected.end(), head, head + 2);
      size_t pos = 0;
      for (int k = 0; k < 4; ++k) {
        FileRegion r{owner, file.fd(), static_cast<uint64_t>((i * 4 + k) * 37000), static_cast<size_t>(1000 + i * 60000 + k)};
        expected.insert(expected.end(), body.begin() + pos, body.begin() + positions[k]);
        expected.insert(expected.end(), content.begin() + r.offset, content.begin() + r.offset + r.length);
        pos = positions[k];
        files.emplace_back(positions[k], r);
      }
      expected.insert(expected.end(), body.begin() + pos, body.end());
      conn_->SendWithFiles(head, 2, std::move(body), std::move(files));
      std::vector<uint8_t> plain(100 + i, static_cast<uint8_t>(0xA0 + i));
      expected.insert(expected.end(), plain.begin(), plain.end());
      conn_->Send(plain);
    }
    EXPECT_GT(conn_->pending_output(), 0u);
    conn_->CloseAfterFlush();
  });
  std::vector<uint8_t> got = ReadUntilEof(peer_);
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected);
  // Every queued region was released once sent.
  EXPECT_EQ(OnLoop(thread_.loop(), [&] { return owner.use_count(); }), 1);
}

TEST_F(TcpConnectionTest, FileRegionPastTheEndOfItsFileClosesTheConnection) {
  // A frame cannot be cut short: if its region cannot be read whole, the peer sees the
  // connection close instead of a truncated frame followed by the next one.
  TempFile file(std::vector<uint8_t>(1000, 'f'));
  Adopt([](TcpConnection&) {});
  OnLoop(thread_.loop(), [&] {
    uint8_t head[1] = {'h'};
    std::vector<std::pair<size_t, FileRegion>> files;
    files.emplace_back(0, FileRegion{nullptr, file.fd(), 500, 1000});  // 500 bytes past the end
    conn_->SendWithFiles(head, 1, {}, std::move(files));
    conn_->Send(std::vector<uint8_t>(10, 'n'));
  });
  std::vector<uint8_t> got = ReadUntilEof(peer_);
  EXPECT_EQ(got.size(), 1u + 500u);  // the head and what the file had, then EOF
  EXPECT_TRUE(OnLoop(thread_.loop(), [&] { return conn_->closed(); }));
}

}  // namespace
}  // namespace tide::io
