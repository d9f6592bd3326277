#include "exec/catalog.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include <rapidjson/document.h>

#include "base/clock.h"
#include "base/json_writer.h"
#include "base/strings.h"
#include "exec/delta_source.h"
#include "exec/parquet_source.h"
#include "exec/text_source.h"
#include "table/snapshot.h"

namespace tide::exec {

namespace fs = std::filesystem;
using base::Status;

namespace {

std::string At(const sql::SourcePos& pos) {
  return "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ": ";
}

bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 255) return false;
  for (char c : n) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

std::string Display(const sql::QualifiedName& name) {
  std::string out;
  for (size_t i = 0; i < name.parts.size(); ++i) {
    if (i) out += ".";
    out += name.parts[i].quoted ? "`" + name.parts[i].name + "`" : name.parts[i].name;
  }
  return out;
}

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

base::Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `text` to `path` atomically (temp file + rename) so a crash never leaves half a file.
Status WriteFileAtomic(const std::string& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Status::IoError("creating " + fs::path(path).parent_path().string() + ": " + ec.message());
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IoError("cannot write " + tmp);
    out << text;
    out.flush();
    if (!out) return Status::IoError("cannot write " + tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::IoError("renaming " + tmp + " to " + path + ": " + ec.message());
  }
  return Status::OK();
}

}  // namespace

Catalog::Catalog(std::string data_dir) : data_dir_(std::move(data_dir)) {
  // An empty data directory means the current one (never the file system root).
  if (data_dir_.empty()) data_dir_ = ".";
  while (data_dir_.size() > 1 && data_dir_.back() == '/') data_dir_.pop_back();
}

base::Result<std::string> Catalog::TableName(const sql::QualifiedName& name) const {
  if (name.parts.empty()) return Status::InvalidArgument(At(name.pos) + "empty table name");
  if (name.IsPathTable()) {
    return Status::InvalidArgument(At(name.pos) + Display(name) + " is a path table, not a catalog name");
  }
  const auto& parts = name.parts;
  if (parts.size() > 3) {
    return Status::InvalidArgument(At(name.pos) + "table name " + Display(name) +
                                   " has too many parts (expected name, default.name or spark_catalog.default.name)");
  }
  if (parts.size() == 3 && base::AsciiLower(parts[0].name) != "spark_catalog") {
    return Status::NotFound(At(parts[0].pos) + "catalog '" + parts[0].name + "' not found (only spark_catalog exists)");
  }
  if (parts.size() >= 2) {
    const auto& db = parts[parts.size() - 2];
    if (base::AsciiLower(db.name) != "default") {
      return Status::NotFound(At(db.pos) + "database '" + db.name + "' not found (only 'default' exists)");
    }
  }
  std::string n = base::AsciiLower(parts.back().name);
  if (!ValidName(n)) {
    return Status::InvalidArgument(At(parts.back().pos) + "invalid table name '" + parts.back().name +
                                   "' (use letters, digits and '_')");
  }
  return n;
}

base::Result<std::string> Catalog::TablePath(const sql::QualifiedName& name) const {
  TIDE_ASSIGN_OR_RETURN(std::string n, TableName(name));
  return data_dir_ + "/tables/" + n;
}

base::Result<std::string> Catalog::ResolveDeltaRoot(const sql::QualifiedName& name) const {
  if (name.IsPathTable()) {
    std::string format = base::AsciiLower(name.parts[0].name);
    if (format != "delta") {
      return Status::InvalidArgument(At(name.pos) + Display(name) + ": only Delta tables can be changed (this is a " +
                                     format + " path)");
    }
    const std::string& p = name.parts[1].name;
    if (p.empty()) return Status::InvalidArgument(At(name.pos) + "empty table path");
    return p;
  }
  TIDE_ASSIGN_OR_RETURN(std::string n, TableName(name));
  if (auto loc = ExternalLocation(n)) return *loc;
  return data_dir_ + "/tables/" + n;
}

std::optional<std::string> Catalog::ExternalLocation(const std::string& name) const {
  auto text = ReadFile(data_dir_ + "/meta/tables/" + name + ".json");
  if (!text.ok()) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(text->data(), text->size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto it = doc.FindMember("location");
  if (it == doc.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

Status Catalog::RegisterExternalTable(const std::string& name, const std::string& location) {
  std::string n = base::AsciiLower(name);
  if (!ValidName(n)) return Status::InvalidArgument("invalid table name '" + name + "'");
  std::string json = "{\"name\":";
  base::AppendJsonString(&json, n);
  json += ",\"location\":";
  base::AppendJsonString(&json, location);
  json += "}\n";
  return WriteFileAtomic(data_dir_ + "/meta/tables/" + n + ".json", json);
}

Status Catalog::ForgetExternalTable(const std::string& name) {
  std::error_code ec;
  fs::remove(data_dir_ + "/meta/tables/" + base::AsciiLower(name) + ".json", ec);
  if (ec) return Status::IoError("forgetting table '" + name + "': " + ec.message());
  return Status::OK();
}

base::Result<sql::TableHandlePtr> Catalog::GetTable(const sql::QualifiedName& name,
                                                    const std::optional<sql::TimeTravelSpec>& time_travel) {
  std::string root;
  std::string display;
  if (name.IsPathTable()) {
    std::string format = base::AsciiLower(name.parts[0].name);
    const std::string& path = name.parts[1].name;
    display = format + ".`" + path + "`";
    if (format == "parquet") {
      if (time_travel) {
        return Status::InvalidArgument(At(name.pos) + "time travel (VERSION/TIMESTAMP AS OF) needs a Delta table; " +
                                       display + " is Parquet files");
      }
      auto t = ParquetScanTable::Open(path, display, batch_rows_);
      if (!t.ok()) return Status(t.status().code(), At(name.pos) + t.status().message());
      return sql::TableHandlePtr(*t);
    }
    if (format == "json" || format == "csv") {
      if (time_travel) {
        return Status::InvalidArgument(At(name.pos) + "time travel (VERSION/TIMESTAMP AS OF) needs a Delta table; " +
                                       display + " is " + format + " files");
      }
      auto t = TextFileScanTable::Open(format == "json" ? TextFileScanTable::Format::kJson : TextFileScanTable::Format::kCsv,
                                       path, display, batch_rows_);
      if (!t.ok()) return Status(t.status().code(), At(name.pos) + t.status().message());
      return sql::TableHandlePtr(*t);
    }
    if (format != "delta") {
      return Status::Unsupported(At(name.pos) + "path tables of format '" + format +
                                 "' are not supported (use delta, parquet, json or csv)");
    }
    root = path;
  } else {
    TIDE_ASSIGN_OR_RETURN(std::string n, TableName(name));
    display = n;
    auto loc = ExternalLocation(n);
    root = loc ? *loc : data_dir_ + "/tables/" + n;
    if (!IsDir(root + "/_delta_log")) {
      return Status::NotFound(At(name.pos) + "table or view '" + Display(name) + "' not found (no Delta table at " +
                              root + ")");
    }
  }
  table::SnapshotOptions opts;
  if (time_travel) {
    if (time_travel->kind == sql::TimeTravelKind::kVersion) {
      if (time_travel->version < 0) {
        return Status::InvalidArgument(At(name.pos) + "VERSION AS OF " + std::to_string(time_travel->version) +
                                       ": a version is a non-negative integer");
      }
      opts.version = time_travel->version;
    } else {
      // Delta resolves times at millisecond precision; round down so a time between two
      // commits reads the earlier one.
      int64_t us = time_travel->timestamp_micros;
      opts.timestamp_ms = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
    }
  }
  if (opts.timestamp_ms) {
    // Delta refuses a time after the latest commit (DELTA_TIMESTAMP_GREATER_THAN_COMMIT) rather
    // than reading the latest version: the caller asked for a state that does not exist yet.
    auto latest = table::LatestVersion(root);
    if (!latest.ok()) return Status(latest.status().code(), At(name.pos) + display + ": " + latest.status().message());
    auto latest_ms = table::CommitTimestamp(root, *latest);
    if (!latest_ms.ok()) {
      return Status(latest_ms.status().code(), At(name.pos) + display + ": " + latest_ms.status().message());
    }
    if (*opts.timestamp_ms > *latest_ms) {
      return Status::InvalidArgument(At(name.pos) + "The provided timestamp (" +
                                     base::FormatIso8601Micros(time_travel->timestamp_micros) +
                                     ") is after the latest version available to this table (" + display +
                                     ", version " + std::to_string(*latest) + " committed at " +
                                     base::FormatIso8601Micros(*latest_ms * 1000) +
                                     "). Use a timestamp before or at that time.");
    }
  }
  auto snap = table::Snapshot::Load(root, opts);
  if (!snap.ok()) {
    return Status(snap.status().code(), At(name.pos) + display + ": " + snap.status().message());
  }
  return sql::TableHandlePtr(DeltaScanTable::Make(*snap, display, batch_rows_));
}

std::optional<sql::ViewDefinition> Catalog::GetView(const sql::QualifiedName& name) {
  if (name.IsPathTable()) return std::nullopt;
  auto n = TableName(name);
  if (!n.ok()) return std::nullopt;
  if (auto it = temp_views_.find(*n); it != temp_views_.end() && name.parts.size() == 1) return it->second;
  auto text = ReadFile(data_dir_ + "/meta/views/" + *n + ".json");
  if (!text.ok()) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(text->data(), text->size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  sql::ViewDefinition v;
  v.name = *n;
  auto q = doc.FindMember("query");
  if (q == doc.MemberEnd() || !q->value.IsString()) return std::nullopt;
  v.query_sql.assign(q->value.GetString(), q->value.GetStringLength());
  auto cols = doc.FindMember("columns");
  if (cols != doc.MemberEnd() && cols->value.IsArray()) {
    for (const auto& c : cols->value.GetArray()) {
      if (c.IsString()) v.columns.emplace_back(c.GetString(), c.GetStringLength());
    }
  }
  return v;
}

std::vector<std::string> Catalog::ListTables() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(data_dir_ + "/tables", ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (ValidName(n) && IsDir(it->path().string() + "/_delta_log")) out.push_back(n);
  }
  ec.clear();
  for (fs::directory_iterator it(data_dir_ + "/meta/tables", ec), end; !ec && it != end; it.increment(ec)) {
    std::string f = it->path().filename().string();
    if (f.size() > 5 && f.compare(f.size() - 5, 5, ".json") == 0) {
      std::string n = f.substr(0, f.size() - 5);
      if (ValidName(n)) out.push_back(n);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::pair<std::string, bool>> Catalog::ListViews() const {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& [n, v] : temp_views_) out.emplace_back(n, true);
  std::vector<std::string> stored;
  std::error_code ec;
  for (fs::directory_iterator it(data_dir_ + "/meta/views", ec), end; !ec && it != end; it.increment(ec)) {
    std::string f = it->path().filename().string();
    if (f.size() > 5 && f.compare(f.size() - 5, 5, ".json") == 0) stored.push_back(f.substr(0, f.size() - 5));
  }
  std::sort(stored.begin(), stored.end());
  for (auto& n : stored) out.emplace_back(n, false);
  return out;
}

Status Catalog::CreateView(const sql::ViewDefinition& view, bool temporary, bool or_replace) {
  std::string n = base::AsciiLower(view.name);
  if (!ValidName(n)) return Status::InvalidArgument("invalid view name '" + view.name + "' (use letters, digits and '_')");
  sql::ViewDefinition v = view;
  v.name = n;
  if (temporary) {
    if (!or_replace && temp_views_.count(n)) {
      return Status::AlreadyExists("temporary view '" + n + "' already exists (use CREATE OR REPLACE TEMP VIEW)");
    }
    temp_views_[n] = std::move(v);
    return Status::OK();
  }
  std::string path = data_dir_ + "/meta/views/" + n + ".json";
  struct stat st;
  if (!or_replace && ::stat(path.c_str(), &st) == 0) {
    return Status::AlreadyExists("view '" + n + "' already exists (use CREATE OR REPLACE VIEW)");
  }
  if (IsDir(data_dir_ + "/tables/" + n + "/_delta_log")) {
    return Status::AlreadyExists("'" + n + "' is a table; a view cannot have its name");
  }
  std::string json = "{\"name\":";
  base::AppendJsonString(&json, n);
  json += ",\"query\":";
  base::AppendJsonString(&json, v.query_sql);
  json += ",\"columns\":[";
  for (size_t i = 0; i < v.columns.size(); ++i) {
    if (i) json += ",";
    base::AppendJsonString(&json, v.columns[i]);
  }
  json += "]}\n";
  return WriteFileAtomic(path, json);
}

Status Catalog::DropView(const std::string& name, bool if_exists) {
  std::string n = base::AsciiLower(name);
  if (temp_views_.erase(n)) return Status::OK();
  std::string path = data_dir_ + "/meta/views/" + n + ".json";
  std::error_code ec;
  if (!ValidName(n) || !fs::remove(path, ec)) {
    if (ec) return Status::IoError("dropping view '" + n + "': " + ec.message());
    if (if_exists) return Status::OK();
    return Status::NotFound("view '" + name + "' not found (looked in the session's temporary views and " + path + ")");
  }
  return Status::OK();
}

}  // namespace tide::exec
