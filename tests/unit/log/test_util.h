// Helpers shared by the log unit tests.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "log/record_batch.h"

namespace tide::log::testing {

// A fresh directory under /tmp removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/tide-log-test-XXXXXX";
    char* p = ::mkdtemp(tmpl.data());
    path_ = p ? p : "/tmp/tide-log-test-fallback";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::vector<Record> MakeRecords(int n, int64_t ts, const std::string& prefix = "v") {
  std::vector<Record> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(Record{i, ts + i, "k" + std::to_string(i), prefix + std::to_string(i), {}});
  }
  return out;
}

inline std::vector<uint8_t> MakeBatch(int n, int64_t ts, BatchBuildOptions opt = {}, const std::string& prefix = "v") {
  std::vector<uint8_t> out;
  auto records = MakeRecords(n, ts, prefix);
  for (auto& r : records) r.offset += opt.base_offset;
  auto st = BuildBatch(opt, records, &out);
  if (!st.ok()) std::abort();
  return out;
}

}  // namespace tide::log::testing
