// ExecuteSqlRequest with a SqlCancellation: a request cancelled before it starts is not run;
// a running statement (a query, an INSERT) stops promptly and leaves the table as it was.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "io/event_loop.h"
#include "server/sql_endpoint.h"

namespace tide::server {
namespace {

using namespace std::chrono_literals;
using Stage = SqlCancellation::Stage;

// A statement that runs for over a minute in a few dozen MB, and notices a cancel within a
// fraction of a second: the cross join checks for it between probe batches (8192 rows times
// the build side). Debug and sanitizer builds run it ~40 times slower: there, a smaller build
// side keeps the batches short. What the tests check is the answer (Cancelled, not a count);
// the time bound only keeps a failing test from running on.
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
constexpr const char* kLongQuery = "SELECT count(*) FROM range(4000000) a, range(1000) b";  // 4e9 rows
#else
constexpr const char* kLongQuery = "SELECT count(*) FROM range(1000000) a, range(100) b";  // 1e8 rows
#endif
// Generous: a cancelled statement stops within milliseconds; this only bounds a failing test.
constexpr auto kStopBound = 15s;

class SqlEndpointCancelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tide-sql-endpoint-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    options_.data_dir = dir_;
    options_.threads = 1;
    ASSERT_TRUE(loop_.Start().ok());
  }
  void TearDown() override {
    loop_.Stop();
    std::filesystem::remove_all(dir_);
  }

  io::HttpResponse Run(const std::string& sql, SqlCancellation* cancel = nullptr) {
    io::HttpRequest req;
    req.method = "POST";
    req.path = "/api/v1/sql";
    req.body = sql;
    return ExecuteSqlRequest(options_, req, cancel);
  }

  // Runs `sql` on another thread, cancels it (CancelSqlUntilStopped on the loop, as the server
  // does) once it runs plus `after`, and returns its response; fails if it did not stop.
  io::HttpResponse RunAndCancel(const std::string& sql, std::chrono::milliseconds after) {
    auto cancel = std::make_shared<SqlCancellation>();
    auto done = std::async(std::launch::async, [&] { return Run(sql, cancel.get()); });
    while (cancel->stage() == Stage::kQueued) std::this_thread::yield();
    std::this_thread::sleep_for(after);
    std::promise<Stage> first;
    loop_.loop()->Post([&] { first.set_value(CancelSqlUntilStopped(loop_.loop(), cancel)); });
    EXPECT_EQ(first.get_future().get(), Stage::kRunning);
    if (done.wait_for(kStopBound) != std::future_status::ready) {
      ADD_FAILURE() << "the statement did not stop after its cancellation";
      std::abort();  // the test cannot end while the statement runs on
    }
    EXPECT_EQ(cancel->stage(), Stage::kFinished);
    return done.get();
  }

  std::string dir_;
  SqlEndpointOptions options_;
  io::EventLoopThread loop_{"sql-cancel"};
};

TEST_F(SqlEndpointCancelTest, CancelledBeforeItStartsIsNotRun) {
  SqlCancellation cancel;
  EXPECT_EQ(cancel.Cancel(), Stage::kQueued);
  io::HttpResponse r = Run("CREATE TABLE never (a INT) USING DELTA", &cancel);
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("\"code\":\"Cancelled\""), std::string::npos) << r.body;
  EXPECT_EQ(cancel.Cancel(), Stage::kFinished);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/tables/never"));
}

TEST_F(SqlEndpointCancelTest, NotCancelledRunsAsBefore) {
  SqlCancellation cancel;
  io::HttpResponse r = Run("SELECT count(*) AS n FROM range(1000) a, range(10) b", &cancel);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{\"n\":10000}\n");
  EXPECT_EQ(cancel.stage(), Stage::kFinished);
  EXPECT_EQ(cancel.Cancel(), Stage::kFinished);  // afterwards: nothing to stop
}

TEST_F(SqlEndpointCancelTest, RunningQueryStops) {
  io::HttpResponse r = RunAndCancel(kLongQuery, 200ms);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("\"code\":\"Cancelled\""), std::string::npos) << r.body;
}

TEST_F(SqlEndpointCancelTest, CancelWhileStillPlanningIsNotLost) {
  // At once: the session may not run a query context yet; the repeated cancel reaches it.
  io::HttpResponse r = RunAndCancel(kLongQuery, 0ms);
  EXPECT_EQ(r.status, 503) << r.body;
}

TEST_F(SqlEndpointCancelTest, CancelledInsertLeavesTheTableAsItWas) {
  ASSERT_EQ(Run("CREATE TABLE t (n BIGINT) USING DELTA").status, 200);
  ASSERT_EQ(Run("INSERT INTO t VALUES (7)").status, 200);
  io::HttpResponse r = RunAndCancel(std::string("INSERT INTO t ") + kLongQuery, 200ms);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(Run("SELECT n FROM t").body, "{\"n\":7}\n");
  // Two commits (CREATE, the first INSERT): the cancelled INSERT committed nothing.
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/tables/t/_delta_log/00000000000000000002.json"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/tables/t/_delta_log/00000000000000000001.json"));
}

}  // namespace
}  // namespace tide::server
