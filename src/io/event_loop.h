// EventLoop: one thread's epoll reactor with timers and a cross-thread task queue.
//
// Every socket is owned by exactly one loop and touched only on that loop's thread, so
// connection state needs no locks. Other threads hand work to a loop with Post().
//
// Thread-safety: Post, Stop and InLoopThread may be called from any thread. Everything else
// (Watch, Modify, Unwatch, RunAfter, CancelTimer) must run on the loop's thread — inside a
// callback, or before Run() starts.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/result.h"

namespace tide::io {

class EventLoop {
 public:
  // Called with the epoll event mask (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP ...).
  using IoCallback = std::function<void(uint32_t events)>;
  using TimerId = uint64_t;

  static base::Result<std::unique_ptr<EventLoop>> Create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs callbacks on the calling thread until Stop(). Tasks posted before Stop run first.
  void Run();
  void Stop();
  void Post(std::function<void()> task);
  bool InLoopThread() const { return std::this_thread::get_id() == loop_thread_; }

  base::Status Watch(int fd, uint32_t events, IoCallback callback);
  base::Status Modify(int fd, uint32_t events);
  // Stops watching; the callback is destroyed after the current dispatch finishes, so a
  // callback may unwatch its own fd.
  void Unwatch(int fd);

  // Runs `fn` once after `delay_ms` (monotonic clock). Returns an id for CancelTimer.
  TimerId RunAfter(int64_t delay_ms, std::function<void()> fn);
  void CancelTimer(TimerId id);

 private:
  EventLoop(int epoll_fd, int wake_fd);
  void DrainPosted();
  int NextTimeoutMs() const;
  void RunDueTimers();

  int epoll_fd_;
  int wake_fd_;  // eventfd that Post and Stop write to wake epoll_wait
  std::thread::id loop_thread_;
  bool stopping_ = false;  // loop thread only

  std::mutex posted_mu_;
  std::vector<std::function<void()>> posted_;
  bool stop_requested_ = false;  // guarded by posted_mu_

  std::unordered_map<int, std::shared_ptr<IoCallback>> callbacks_;
  struct TimerKey {
    int64_t due_ns;
    TimerId id;
    bool operator<(const TimerKey& o) const { return due_ns != o.due_ns ? due_ns < o.due_ns : id < o.id; }
  };
  std::map<TimerKey, std::function<void()>> timers_;
  std::unordered_map<TimerId, int64_t> timer_due_;
  TimerId next_timer_id_ = 1;
};

// Runs an EventLoop on its own thread. Start() returns once the loop is running.
class EventLoopThread {
 public:
  explicit EventLoopThread(std::string name);
  ~EventLoopThread();
  base::Status Start();
  // Stops the loop and joins the thread; idempotent.
  void Stop();
  EventLoop* loop() { return loop_.get(); }

 private:
  std::string name_;
  std::unique_ptr<EventLoop> loop_;
  std::thread thread_;
};

}  // namespace tide::io
