// Helpers shared by the DML and maintenance unit tests: temporary tables, batches, row dumps.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "table/scan.h"
#include "table/snapshot.h"
#include "table/table.h"

namespace tide::table::testing {

using base::Status;

class TempTableDir {
 public:
  TempTableDir() {
    char tmpl[] = "/tmp/tide_dml_XXXXXX";
    const char* d = mkdtemp(tmpl);
    root_ = d ? std::string(d) + "/t" : "";
  }
  ~TempTableDir() {
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(root_).parent_path(), ec);
  }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

// id BIGINT NOT NULL, part STRING, v BIGINT — partitioned by part.
inline std::shared_ptr<const columnar::Schema> IdPartValueSchema() {
  return std::make_shared<const columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("id", columnar::Int64(), false), columnar::MakeField("part", columnar::Utf8()),
      columnar::MakeField("v", columnar::Int64())});
}

struct Row {
  int64_t id;
  std::string part;
  int64_t v;
};

inline std::shared_ptr<columnar::RecordBatch> MakeRows(const std::vector<Row>& rows,
                                                       std::shared_ptr<const columnar::Schema> schema = IdPartValueSchema()) {
  columnar::Int64Builder id(columnar::Int64()), v(columnar::Int64());
  columnar::BinaryBuilder part(columnar::Utf8());
  for (const auto& r : rows) {
    id.Append(r.id);
    part.Append(r.part);
    v.Append(r.v);
  }
  return std::make_shared<columnar::RecordBatch>(schema, std::vector<columnar::ArrayPtr>{id.Finish(), part.Finish(), v.Finish()},
                                                 static_cast<int64_t>(rows.size()));
}

// Every row of the table at `version` (-1 latest) as sorted JSON lines.
inline std::vector<std::string> TableRows(const std::string& root, int64_t version = -1) {
  SnapshotOptions so;
  if (version >= 0) so.version = version;
  auto snap = Snapshot::Load(root, so);
  EXPECT_TRUE(snap.ok()) << snap.status().ToString();
  if (!snap.ok()) return {};
  std::vector<std::string> out;
  Status s = ScanTable(**snap, {}, -1, [&](std::shared_ptr<columnar::RecordBatch> b) {
    for (int64_t r = 0; r < b->num_rows(); ++r) out.push_back(columnar::RowToJson(*b, r));
    return Status::OK();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string RowJson(const Row& r) {
  return "{\"id\":" + std::to_string(r.id) + ",\"part\":\"" + r.part + "\",\"v\":" + std::to_string(r.v) + "}";
}

inline std::vector<std::string> Sorted(std::vector<Row> rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(RowJson(r));
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<std::string> ActivePaths(const std::string& root) {
  auto snap = Snapshot::Load(root);
  std::vector<std::string> out;
  if (!snap.ok()) return out;
  for (const auto& f : (*snap)->files()) out.push_back(f.path);
  return out;
}

}  // namespace tide::table::testing
