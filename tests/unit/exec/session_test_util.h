// A test fixture with an exec::Session on a fresh temporary data directory, and helpers that
// run statements and return their rows in the JSON row format (columnar/json.h).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "columnar/json.h"
#include "exec/session.h"

namespace tide::exec::testing {

class SessionFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string t = (std::filesystem::temp_directory_path() / "tide-session-XXXXXX").string();
    dir_ = ::mkdtemp(t.data());
    SessionOptions o;
    o.data_dir = dir_;
    o.settings.threads = 2;
    session_ = std::make_unique<Session>(o);
  }
  void TearDown() override {
    session_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  StatementResult Run(const std::string& sql) {
    auto r = session_->Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << "\n" << r.status().ToString();
    if (!r.ok()) return {};
    return std::move(*r);
  }
  // Result rows as JSON lines, in result order.
  std::vector<std::string> Rows(const std::string& sql) {
    StatementResult r = Run(sql);
    std::vector<std::string> out;
    for (const auto& b : r.batches) {
      for (int64_t i = 0; i < b->num_rows(); ++i) out.push_back(columnar::RowToJson(*b, i));
    }
    return out;
  }
  std::vector<std::string> SortedRows(const std::string& sql) {
    auto rows = Rows(sql);
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  std::string One(const std::string& sql) {
    auto rows = Rows(sql);
    EXPECT_EQ(rows.size(), 1u) << sql;
    return rows.empty() ? "" : rows[0];
  }

  std::string dir_;
  std::unique_ptr<Session> session_;
};

}  // namespace tide::exec::testing
