// Helpers for the read-path tests (actions_*, read_*, snapshot_*): temporary tables built from
// hand-written commits, and the golden tables' location.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tide::table::readtest {

inline std::string Golden(const std::string& name) { return std::string(TIDE_TESTDATA_DIR) + "/delta-golden/" + name; }

// A fresh directory, removed with its contents at scope exit.
class TempTable {
 public:
  TempTable() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tide-read-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    root_ = tmpl;
  }
  ~TempTable() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  const std::string& root() const { return root_; }
  std::string Log(const std::string& name) const { return root_ + "/_delta_log/" + name; }

  // Writes `lines` (one action per element) as commit `version`.
  void Commit(int64_t version, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    WriteLog(VersionName(version), text);
  }
  void WriteLog(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(root_ + "/_delta_log");
    std::ofstream(Log(name), std::ios::binary) << text;
  }
  void WriteFile(const std::string& rel, const std::string& bytes) {
    std::filesystem::path p = std::filesystem::path(root_) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
  }
  // Sets the modification time of commit `version` (seconds since the epoch).
  void SetCommitTime(int64_t version, int64_t seconds) {
    struct utimbuf t;
    t.actime = t.modtime = static_cast<time_t>(seconds);
    ::utime(Log(VersionName(version)).c_str(), &t);
  }
  static std::string VersionName(int64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%020lld.json", static_cast<long long>(v));
    return buf;
  }
  // Copies a golden table here (as a writable tree); returns the copy's root.
  std::string CopyGolden(const std::string& name) {
    std::string dst = root_ + "/" + name;
    std::filesystem::copy(Golden(name), dst, std::filesystem::copy_options::recursive);
    for (auto& e : std::filesystem::recursive_directory_iterator(dst)) {
      std::filesystem::permissions(e.path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
    }
    std::filesystem::permissions(dst, std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
    return dst;
  }

 private:
  std::string root_;
};

inline const char* kProtocol = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";
inline std::string MetadataLine(const std::string& schema_fields = R"({\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}})",
                                const std::string& partition_columns = "", const std::string& configuration = "") {
  return R"({"metaData":{"id":"t1","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[)" +
         schema_fields + R"(]}","partitionColumns":[)" + partition_columns + R"(],"configuration":{)" + configuration +
         R"(},"createdTime":1}})";
}
inline std::string AddLine(const std::string& path, int64_t size = 10, const std::string& extra = "") {
  return R"({"add":{"path":")" + path + R"(","partitionValues":{},"size":)" + std::to_string(size) +
         R"(,"modificationTime":1,"dataChange":true)" + extra + "}}";
}
inline std::string RemoveLine(const std::string& path, const std::string& extra = "") {
  return R"({"remove":{"path":")" + path + R"(","deletionTimestamp":5,"dataChange":true)" + extra + "}}";
}

}  // namespace tide::table::readtest
