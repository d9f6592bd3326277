#include "io/event_loop.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <future>

#include "base/clock.h"

namespace tide::io {

using base::Result;
using base::Status;

Result<std::unique_ptr<EventLoop>> EventLoop::Create() {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return Status::FromErrno(errno, "epoll_create1");
  int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake < 0) {
    int err = errno;
    close(ep);
    return Status::FromErrno(err, "eventfd");
  }
  std::unique_ptr<EventLoop> loop(new EventLoop(ep, wake));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, wake, &ev) != 0) return Status::FromErrno(errno, "epoll_ctl(eventfd)");
  return loop;
}

EventLoop::EventLoop(int epoll_fd, int wake_fd)
    : epoll_fd_(epoll_fd), wake_fd_(wake_fd), loop_thread_(std::this_thread::get_id()) {}

EventLoop::~EventLoop() {
  close(wake_fd_);
  close(epoll_fd_);
}

void EventLoop::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    posted_.push_back(std::move(task));
  }
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

void EventLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    stop_requested_ = true;
  }
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

Status EventLoop::Watch(int fd, uint32_t events, IoCallback callback) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return Status::FromErrno(errno, "epoll_ctl(ADD)");
  callbacks_[fd] = std::make_shared<IoCallback>(std::move(callback));
  return Status::OK();
}

Status EventLoop::Modify(int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) return Status::FromErrno(errno, "epoll_ctl(MOD)");
  return Status::OK();
}

void EventLoop::Unwatch(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  callbacks_.erase(fd);
}

EventLoop::TimerId EventLoop::RunAfter(int64_t delay_ms, std::function<void()> fn) {
  TimerId id = next_timer_id_++;
  int64_t due = base::MonotonicNanos() + std::max<int64_t>(0, delay_ms) * 1000000;
  timers_.emplace(TimerKey{due, id}, std::move(fn));
  timer_due_[id] = due;
  return id;
}

void EventLoop::CancelTimer(TimerId id) {
  auto it = timer_due_.find(id);
  if (it == timer_due_.end()) return;
  timers_.erase(TimerKey{it->second, id});
  timer_due_.erase(it);
}

int EventLoop::NextTimeoutMs() const {
  if (timers_.empty()) return 1000;
  int64_t wait_ns = timers_.begin()->first.due_ns - base::MonotonicNanos();
  if (wait_ns <= 0) return 0;
  return static_cast<int>(std::min<int64_t>(1000, (wait_ns + 999999) / 1000000));
}

void EventLoop::RunDueTimers() {
  int64_t now = base::MonotonicNanos();
  while (!timers_.empty() && timers_.begin()->first.due_ns <= now) {
    auto node = timers_.extract(timers_.begin());
    timer_due_.erase(node.key().id);
    node.mapped()();
  }
}

void EventLoop::DrainPosted() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> lock(posted_mu_);
    tasks.swap(posted_);
    if (stop_requested_) stopping_ = true;
  }
  for (auto& t : tasks) t();
}

void EventLoop::Run() {
  loop_thread_ = std::this_thread::get_id();
  std::vector<epoll_event> events(256);
  while (!stopping_) {
    int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), NextTimeoutMs());
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        uint64_t count;
        while (read(wake_fd_, &count, sizeof count) > 0) {
        }
        continue;
      }
      auto it = callbacks_.find(fd);
      if (it == callbacks_.end()) continue;
      std::shared_ptr<IoCallback> cb = it->second;  // keeps the callback alive if it unwatches itself
      (*cb)(events[i].events);
    }
    RunDueTimers();
    DrainPosted();
  }
  DrainPosted();
}

EventLoopThread::EventLoopThread(std::string name) : name_(std::move(name)) {}

EventLoopThread::~EventLoopThread() { Stop(); }

Status EventLoopThread::Start() {
  TIDE_ASSIGN_OR_RETURN(loop_, EventLoop::Create());
  std::promise<void> started;
  auto started_future = started.get_future();
  thread_ = std::thread([this, &started] {
    pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
    loop_->Post([&started] { started.set_value(); });
    loop_->Run();
  });
  started_future.wait();
  return Status::OK();
}

void EventLoopThread::Stop() {
  if (!thread_.joinable()) return;
  loop_->Stop();
  thread_.join();
}

}  // namespace tide::io
