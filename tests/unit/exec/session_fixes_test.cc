// exec::Session: SET values in quotes, time travel past the latest commit, LATERAL VIEW and
// json_tuple end to end.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "columnar/json.h"
#include "exec/session.h"
#include "session_test_util.h"

namespace tide::exec {
namespace {

namespace fs = std::filesystem;

class SessionFixesTest : public testing::SessionFixture {
 protected:
  std::string Fail(const std::string& sql) {
    auto r = session_->Execute(sql);
    EXPECT_FALSE(r.ok()) << sql;
    return r.ok() ? "" : r.status().ToString();
  }
};

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST_F(SessionFixesTest, SetStripsOneQuotePair) {
  Run("SET tide.memory_limit = '8MB'");
  EXPECT_EQ(session_->settings().memory_limit, 8 << 20);
  Run("SET tide.memory_limit = \"16MB\"");
  EXPECT_EQ(session_->settings().memory_limit, 16 << 20);
  Run("SET tide.memory_limit = 32MB");
  EXPECT_EQ(session_->settings().memory_limit, 32 << 20);
  // Only a matching pair around the whole value is stripped.
  EXPECT_TRUE(Has(Fail("SET tide.memory_limit = '8MB\""), "tide.memory_limit"));
  auto rows = SortedRows("SET my.key = 'a b'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], R"({"key":"my.key","value":"a b"})");
}

TEST_F(SessionFixesTest, TimeTravelOutOfRange) {
  Run("CREATE TABLE s (id INT) USING DELTA");
  Run("INSERT INTO s VALUES (1)");
  std::string e = Fail("SELECT * FROM s TIMESTAMP AS OF '2999-01-01 00:00:00'");
  EXPECT_TRUE(Has(e, "is after the latest version available to this table")) << e;
  EXPECT_TRUE(Has(e, "version 1")) << e;
  e = Fail("SELECT * FROM s TIMESTAMP AS OF current_timestamp() + INTERVAL 1 HOUR");
  EXPECT_TRUE(Has(e, "after the latest version")) << e;
  e = Fail("SELECT * FROM s VERSION AS OF 5");
  EXPECT_TRUE(Has(e, "version")) << e;
  e = Fail("SELECT * FROM s TIMESTAMP AS OF '2000-01-01 00:00:00'");
  EXPECT_TRUE(Has(e, "before the earliest")) << e;
  EXPECT_EQ(SortedRows("SELECT * FROM s VERSION AS OF 1"), std::vector<std::string>{R"({"id":1})"});
}

TEST_F(SessionFixesTest, LateralViewAndJsonTuple) {
  Run("CREATE TABLE u (id INT, tags ARRAY<STRING>, j STRING) USING DELTA");
  Run("INSERT INTO u VALUES (1, array('a', 'b'), '{\"k\":1,\"n\":{\"x\":2}}'), (2, array(), 'nope'), (3, NULL, NULL)");
  EXPECT_EQ(SortedRows("SELECT id, tag FROM u LATERAL VIEW explode(tags) t AS tag"),
            (std::vector<std::string>{R"({"id":1,"tag":"a"})", R"({"id":1,"tag":"b"})"}));
  EXPECT_EQ(SortedRows("SELECT id, t.tag FROM u LATERAL VIEW OUTER explode(tags) t AS tag WHERE id > 1"),
            (std::vector<std::string>{R"({"id":2,"tag":null})", R"({"id":3,"tag":null})"}));
  EXPECT_EQ(SortedRows("SELECT id, p, tag FROM u LATERAL VIEW posexplode(tags) t AS p, tag LATERAL VIEW explode(array(p)) q"),
            (std::vector<std::string>{R"({"id":1,"p":0,"tag":"a"})", R"({"id":1,"p":1,"tag":"b"})"}));
  EXPECT_EQ(SortedRows("SELECT id, k, n, missing FROM u LATERAL VIEW json_tuple(j, 'k', 'n', 'z') t AS k, n, missing"),
            (std::vector<std::string>{R"({"id":1,"k":"1","n":"{\"x\":2}","missing":null})",
                                      R"({"id":2,"k":null,"n":null,"missing":null})",
                                      R"({"id":3,"k":null,"n":null,"missing":null})"}));
  EXPECT_EQ(SortedRows("SELECT json_tuple('{\"a\":1,\"b.c\":\"two\"}', 'a', 'b.c')"),
            (std::vector<std::string>{R"({"c0":"1","c1":"two"})"}));
}

}  // namespace
}  // namespace tide::exec
