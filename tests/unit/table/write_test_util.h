// Helpers shared by the write-path tests (write_*, txn_*, checkpoint_*): temporary tables,
// batches from JSON lines, and reading a table back as sorted JSON rows.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "columnar/json.h"
#include "format/json_reader.h"
#include "table/delta_schema.h"
#include "table/scan.h"
#include "table/snapshot.h"

namespace tide::table::testing {

// A fresh directory under the system temp dir, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tide-write-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::shared_ptr<const columnar::Schema> Ddl(const std::string& ddl) {
  auto s = ParseDdl(ddl);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::make_shared<const columnar::Schema>(*s);
}

// One batch of `ddl`'s schema holding the JSON lines.
inline std::shared_ptr<columnar::RecordBatch> Rows(const std::string& ddl, const std::string& jsonl) {
  auto batches = format::ReadJsonLines(jsonl, Ddl(ddl));
  EXPECT_TRUE(batches.ok()) << batches.status().ToString();
  if (!batches.ok() || batches->empty()) return nullptr;
  EXPECT_EQ(batches->size(), 1u);
  return (*batches)[0];
}

// Every row of the table's latest snapshot as JSON, sorted.
inline std::vector<std::string> ReadRows(const std::string& root) {
  std::vector<std::string> out;
  auto snap = Snapshot::Load(root);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  if (!snap.ok()) return out;
  auto st = ScanTable(**snap, {}, -1, [&](std::shared_ptr<columnar::RecordBatch> b) {
    for (int64_t i = 0; i < b->num_rows(); ++i) out.push_back(columnar::RowToJson(*b, i));
    return base::Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tide::table::testing
