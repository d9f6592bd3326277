// A fixed-size pool of worker threads running submitted tasks in FIFO order.
//
// Used for work that must not run on an event-loop thread: fsyncs, segment deletion,
// compaction, file scans. Tasks must not throw (Tide code reports errors as Status).
//
// Thread-safety: Submit and Post may be called from any thread, including from a task.
// Shutdown (also run by the destructor) stops accepting work, finishes every task already
// queued, and joins the threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace tide::base {

class ThreadPool {
 public:
  // `num_threads` 0 means one per hardware thread. `name` prefixes the threads' names (≤ 15
  // chars total as Linux allows) so they are identifiable in top and gdb.
  explicit ThreadPool(size_t num_threads = 0, std::string name = "tide-pool");
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues a task; returns false when the pool is shutting down (the task is not run).
  bool Post(std::function<void()> task);

  // Queues a task and returns a future for its result. After Shutdown the future is broken
  // (get() throws std::future_error) — callers that may race with shutdown use Post.
  template <typename Fn>
  auto Submit(Fn&& fn) -> std::future<std::invoke_result_t<Fn>> {
    using R = std::invoke_result_t<Fn>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<Fn>(fn));
    auto future = task->get_future();
    Post([task] { (*task)(); });
    return future;
  }

  void Shutdown();
  size_t size() const { return threads_.size(); }
  // Tasks queued but not yet started.
  size_t queued() const;

 private:
  void WorkerLoop();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace tide::base
