// Every statement of tests/unit/sql/corpus/*.sql parses, prints canonically, and the canonical
// text parses back to the same tree (same canonical text).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sql/parser.h"
#include "sql/printer.h"
#include "sql_test_util.h"

namespace tide::sql {
namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path CorpusDir() { return std::filesystem::path(TIDE_SOURCE_DIR) / "tests/unit/sql/corpus"; }

// Parses one corpus file and round-trips each statement; returns the statement count.
size_t CheckCorpusFile(const std::string& name) {
  std::string text = ReadFile(CorpusDir() / name);
  EXPECT_FALSE(text.empty()) << name;
  auto script = ParseScript(text);
  if (!script.ok()) {
    ADD_FAILURE() << name << ": " << script.status().message();
    return 0;
  }
  for (const auto& s : *script) {
    SCOPED_TRACE(name + " line " + std::to_string(s.pos.line));
    std::string canonical = ToSql(*s.statement);
    // The statement's own text parses alone to the same tree.
    EXPECT_EQ(testing::Canon(s.text), canonical);
    // And the canonical text is a fixed point.
    EXPECT_EQ(testing::RoundTrip(canonical), canonical);
  }
  return script->size();
}

TEST(SqlCorpusTest, TpchQueries) { EXPECT_EQ(CheckCorpusFile("tpch.sql"), 7u); }

TEST(SqlCorpusTest, DeltaPipelines) { EXPECT_EQ(CheckCorpusFile("delta_pipelines.sql"), 45u); }

TEST(SqlCorpusTest, Analytics) { EXPECT_EQ(CheckCorpusFile("analytics.sql"), 21u); }

TEST(SqlCorpusTest, EveryCorpusFileRoundTrips) {
  // Files added to the corpus later are checked too, without a test of their own.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(CorpusDir())) {
    if (entry.path().extension() != ".sql") continue;
    ++files;
    EXPECT_GT(CheckCorpusFile(entry.path().filename().string()), 0u) << entry.path();
  }
  EXPECT_GE(files, 3u);
}

TEST(SqlCorpusTest, TpchQ1Canonical) {
  std::string text = ReadFile(CorpusDir() / "tpch.sql");
  auto script = ParseScript(text);
  ASSERT_TRUE(script.ok()) << script.status().message();
  ASSERT_GE(script->size(), 1u);
  EXPECT_EQ(ToSql(*(*script)[0].statement),
            "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price, "
            "sum((l_extendedprice * (1 - l_discount))) AS sum_disc_price, "
            "sum(((l_extendedprice * (1 - l_discount)) * (1 + l_tax))) AS sum_charge, avg(l_quantity) AS avg_qty, "
            "avg(l_extendedprice) AS avg_price, avg(l_discount) AS avg_disc, count(*) AS count_order FROM lineitem "
            "WHERE (l_shipdate <= (DATE '1998-12-01' - INTERVAL '90' DAY)) GROUP BY l_returnflag, l_linestatus "
            "ORDER BY l_returnflag, l_linestatus");
  EXPECT_EQ((*script)[0].pos.line, 5u);
  EXPECT_EQ((*script)[0].text.substr(0, 6), "select");
}

}  // namespace
}  // namespace tide::sql
