#include "base/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace tide::base {
namespace {

TEST(ThreadPoolTest, RunsEveryTaskAndReturnsResults) {
  ThreadPool pool(3, "test");
  std::vector<std::future<int>> results;
  for (int i = 0; i < 100; ++i) results.push_back(pool.Submit([i] { return i * i; }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(results[i].get(), i * i);
}

TEST(ThreadPoolTest, ShutdownDrainsQueuedTasksThenRefuses) {
  std::atomic<int> done{0};
  ThreadPool pool(2);
  for (int i = 0; i < 50; ++i) pool.Post([&] { done++; });
  pool.Shutdown();
  EXPECT_EQ(done.load(), 50);
  EXPECT_FALSE(pool.Post([] {}));
}

TEST(ThreadPoolTest, TasksMaySubmitTasks) {
  ThreadPool pool(2);
  std::promise<int> inner;
  pool.Post([&] { pool.Post([&] { inner.set_value(7); }); });
  EXPECT_EQ(inner.get_future().get(), 7);
}

}  // namespace
}  // namespace tide::base
