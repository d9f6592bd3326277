// The _delta_log directory on a local file system (see log_store.h).
#include "table/log_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <utility>

#include "base/json_writer.h"
#include "table/json_util.h"

namespace tide::table {
namespace {

using base::Result;
using base::Status;

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int64_t> ParseDigits(std::string_view s) {
  if (!AllDigits(s) || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (v > (static_cast<uint64_t>(INT64_MAX) - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return static_cast<int64_t>(v);
}

std::string Pad(int64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(v));
  return buf;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status WriteAll(int fd, std::string_view bytes, const std::string& what) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "write " + what);
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open directory " + dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno(err, "fsync directory " + dir);
  return Status::OK();
}

// Writes a uniquely named temp file next to `path`, fsynced; returns its name.
Result<std::string> WriteTemp(const std::string& path, std::string_view bytes) {
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  std::string dir = DirName(path);
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string tmp = dir + "/." + base + "." + std::to_string(::getpid()) + "." +
                      std::to_string(counter.fetch_add(1)) + "." + std::to_string(rd()) + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return Status::FromErrno(errno, "create " + tmp);
    }
    Status st = WriteAll(fd, bytes, tmp);
    if (st.ok() && ::fsync(fd) != 0) st = Status::FromErrno(errno, "fsync " + tmp);
    if (::close(fd) != 0 && st.ok()) st = Status::FromErrno(errno, "close " + tmp);
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
    return tmp;
  }
  return Status::IoError("could not create a temporary file next to " + path);
}

Status MakeDirs(const std::string& dir) {
  if (dir.empty()) return Status::OK();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::OK();
    return Status::IoError(dir + " exists and is not a directory");
  }
  std::string parent = DirName(dir);
  if (parent != dir) TIDE_RETURN_IF_ERROR(MakeDirs(parent));
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Status::FromErrno(errno, "mkdir " + dir);
  return Status::OK();
}

int KindOrder(LogFileKind k) {
  switch (k) {
    case LogFileKind::kCommit: return 0;
    case LogFileKind::kChecksum: return 1;
    case LogFileKind::kCheckpoint: return 2;
    case LogFileKind::kMultiPartCheckpoint: return 3;
    case LogFileKind::kV2Checkpoint: return 4;
    case LogFileKind::kCompaction: return 5;
  }
  return 6;
}

}  // namespace

bool LogFile::is_parquet() const {
  if (kind == LogFileKind::kCheckpoint || kind == LogFileKind::kMultiPartCheckpoint) return true;
  return kind == LogFileKind::kV2Checkpoint && name.size() > 8 && name.substr(name.size() - 8) == ".parquet";
}

std::optional<LogFile> ParseLogFileName(std::string_view name) {
  if (name.size() < 21) return std::nullopt;
  auto version = ParseDigits(name.substr(0, 20));
  if (!version || name[20] != '.') return std::nullopt;
  std::string_view rest = name.substr(21);
  LogFile f;
  f.name = std::string(name);
  f.version = f.end_version = *version;
  f.num_parts = 1;
  if (rest == "json") {
    f.kind = LogFileKind::kCommit;
    return f;
  }
  if (rest == "crc") {
    f.kind = LogFileKind::kChecksum;
    return f;
  }
  if (rest == "checkpoint.parquet") {
    f.kind = LogFileKind::kCheckpoint;
    return f;
  }
  if (rest.substr(0, 11) == "checkpoint.") {
    std::string_view r = rest.substr(11);
    // multi-part: PPPPPPPPPP.TTTTTTTTTT.parquet
    if (r.size() == 10 + 1 + 10 + 8 && r.substr(21) == ".parquet" && r[10] == '.') {
      auto part = ParseDigits(r.substr(0, 10));
      auto parts = ParseDigits(r.substr(11, 10));
      if (part && parts && *part >= 1 && *parts >= 1 && *part <= *parts && *parts <= INT32_MAX) {
        f.kind = LogFileKind::kMultiPartCheckpoint;
        f.part = static_cast<int32_t>(*part);
        f.num_parts = static_cast<int32_t>(*parts);
        return f;
      }
    }
    // v2: <uuid>.json | <uuid>.parquet
    size_t dot = r.rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
      std::string_view ext = r.substr(dot + 1);
      if ((ext == "json" || ext == "parquet") && r.substr(0, dot).find('.') == std::string_view::npos) {
        f.kind = LogFileKind::kV2Checkpoint;
        return f;
      }
    }
    return std::nullopt;
  }
  // compaction: MMMMMMMMMMMMMMMMMMMM.compacted.json
  if (rest.size() == 20 + 15 && rest.substr(20) == ".compacted.json") {
    auto end = ParseDigits(rest.substr(0, 20));
    if (end && *end >= *version) {
      f.kind = LogFileKind::kCompaction;
      f.end_version = *end;
      return f;
    }
  }
  return std::nullopt;
}

std::string CommitFileName(int64_t version) { return Pad(version, 20) + ".json"; }
std::string CheckpointFileName(int64_t version) { return Pad(version, 20) + ".checkpoint.parquet"; }
std::string MultiPartCheckpointFileName(int64_t version, int32_t part, int32_t num_parts) {
  return Pad(version, 20) + ".checkpoint." + Pad(part, 10) + "." + Pad(num_parts, 10) + ".parquet";
}
std::string V2CheckpointFileName(int64_t version, std::string_view uuid, std::string_view ext) {
  return Pad(version, 20) + ".checkpoint." + std::string(uuid) + "." + std::string(ext);
}
std::string CompactionFileName(int64_t start_version, int64_t end_version) {
  return Pad(start_version, 20) + "." + Pad(end_version, 20) + ".compacted.json";
}

Result<LastCheckpoint> ParseLastCheckpoint(std::string_view text) {
  rapidjson::Document doc;
  TIDE_RETURN_IF_ERROR(json::Parse(text, &doc, "_last_checkpoint"));
  if (!doc.IsObject()) return Status::Corruption("_last_checkpoint: expected a JSON object");
  LastCheckpoint lc;
  auto ctx = [](Status s) { return s.WithContext("_last_checkpoint"); };
  auto version = json::RequiredInt(doc, "version", "version");
  if (!version.ok()) return ctx(version.status());
  lc.version = *version;
  if (lc.version < 0) return Status::Corruption("_last_checkpoint: version: negative");
  auto size = json::OptionalInt(doc, "size", "size");
  if (!size.ok()) return ctx(size.status());
  lc.size = size->value_or(0);
  auto parts = json::OptionalInt(doc, "parts", "parts");
  if (!parts.ok()) return ctx(parts.status());
  if (*parts) {
    if (**parts < 1 || **parts > INT32_MAX) return Status::Corruption("_last_checkpoint: parts: out of range");
    lc.parts = static_cast<int32_t>(**parts);
  }
  auto sib = json::OptionalInt(doc, "sizeInBytes", "sizeInBytes");
  if (!sib.ok()) return ctx(sib.status());
  lc.size_in_bytes = *sib;
  auto naf = json::OptionalInt(doc, "numOfAddFiles", "numOfAddFiles");
  if (!naf.ok()) return ctx(naf.status());
  lc.num_of_add_files = *naf;
  if (const auto* v = json::Find(doc, "checkpointSchema")) lc.checkpoint_schema = json::ToText(*v);
  if (const auto* v = json::Find(doc, "checksum"); v && v->IsString()) lc.checksum = v->GetString();
  if (const auto* v = json::Find(doc, "v2Checkpoint")) lc.v2_checkpoint = json::ToText(*v);
  return lc;
}

std::string SerializeLastCheckpoint(const LastCheckpoint& lc) {
  std::string out = "{\"version\":" + std::to_string(lc.version) + ",\"size\":" + std::to_string(lc.size);
  if (lc.parts) out += ",\"parts\":" + std::to_string(*lc.parts);
  if (lc.size_in_bytes) out += ",\"sizeInBytes\":" + std::to_string(*lc.size_in_bytes);
  if (lc.num_of_add_files) out += ",\"numOfAddFiles\":" + std::to_string(*lc.num_of_add_files);
  if (lc.checkpoint_schema) out += ",\"checkpointSchema\":" + *lc.checkpoint_schema;
  if (lc.checksum) {
    out += ",\"checksum\":";
    base::AppendJsonString(&out, *lc.checksum);
  }
  if (lc.v2_checkpoint) out += ",\"v2Checkpoint\":" + *lc.v2_checkpoint;
  out += "}";
  return out;
}

Status PutIfAbsent(const std::string& path, std::string_view bytes) {
  TIDE_ASSIGN_OR_RETURN(PreparedPut put, PreparedPut::Prepare(path, bytes));
  return put.Publish();
}

Result<PreparedPut> PreparedPut::Prepare(const std::string& path, std::string_view bytes) {
  // Cheap early answer for the common lost race; Publish's link(2) is the authoritative check.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return Status::AlreadyExists(path + " already exists");
  TIDE_ASSIGN_OR_RETURN(std::string tmp, WriteTemp(path, bytes));
  return PreparedPut(path, std::move(tmp));
}

PreparedPut::PreparedPut(PreparedPut&& other) noexcept
    : path_(std::move(other.path_)), tmp_(std::exchange(other.tmp_, std::string())) {}

PreparedPut& PreparedPut::operator=(PreparedPut&& other) noexcept {
  if (this != &other) {
    Abandon();
    path_ = std::move(other.path_);
    tmp_ = std::exchange(other.tmp_, std::string());
  }
  return *this;
}

PreparedPut::~PreparedPut() { Abandon(); }

void PreparedPut::Abandon() {
  if (!tmp_.empty()) ::unlink(tmp_.c_str());
  tmp_.clear();
}

Status PreparedPut::Publish() {
  if (tmp_.empty()) return Status::InvalidArgument("PutIfAbsent of " + path_ + ": already published or abandoned");
  // link(2) fails with EEXIST if the target exists: the atomic create-if-absent step. Unlike
  // rename it never replaces a file another writer put there first. The temp file's contents
  // were fsynced by Prepare, so the name never points at unwritten data, even after a crash.
  int rc = ::link(tmp_.c_str(), path_.c_str());
  int err = errno;
  Abandon();  // the temp name goes either way
  if (rc != 0) {
    if (err == EEXIST) return Status::AlreadyExists(path_ + " already exists");
    return Status::FromErrno(err, "link " + path_);
  }
  // The new directory entry is durable only once the directory is fsynced.
  return FsyncDir(DirName(path_));
}

Status SyncPaths(const std::vector<std::string>& paths, bool directories, bool skip_missing) {
  for (const auto& p : paths) {
    const int fd = ::open(p.c_str(), (directories ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT && skip_missing) continue;
      return Status::FromErrno(errno, std::string("opening ") + p + " for fsync");
    }
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return Status::FromErrno(err, "fsync " + p);
  }
  return Status::OK();
}

Status WriteFileAtomic(const std::string& path, std::string_view bytes) {
  TIDE_ASSIGN_OR_RETURN(std::string tmp, WriteTemp(path, bytes));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::FromErrno(err, "rename to " + path);
  }
  return FsyncDir(DirName(path));
}

Result<std::string> ReadWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path + ": no such file");
    return Status::FromErrno(errno, "open " + path);
  }
  std::string out;
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::FromErrno(err, "read " + path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

LogStore::LogStore(std::string table_root) : root_(std::move(table_root)) {
  if (root_.substr(0, 7) == "file://") root_ = root_.substr(7);
  else if (root_.substr(0, 5) == "file:") root_ = root_.substr(5);
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string LogStore::log_dir() const { return root_ + "/_delta_log"; }
std::string LogStore::LogPath(std::string_view name) const { return log_dir() + "/" + std::string(name); }

bool LogStore::LogDirExists() const {
  struct stat st;
  return ::stat(log_dir().c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Result<std::vector<LogFile>> LogStore::ListFrom(int64_t from_version) const {
  std::string dir = log_dir();
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return Status::NotFound(root_ + ": not a Delta table (no _delta_log directory)");
    }
    return Status::FromErrno(errno, "list " + dir);
  }
  std::vector<LogFile> files;
  while (struct dirent* e = ::readdir(d)) {
    auto f = ParseLogFileName(e->d_name);
    if (!f || f->version < from_version) continue;
    struct stat st;
    std::string full = dir + "/" + f->name;
    if (::stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    f->size = st.st_size;
    f->modification_time = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
    files.push_back(std::move(*f));
  }
  ::closedir(d);
  std::sort(files.begin(), files.end(), [](const LogFile& a, const LogFile& b) {
    if (a.version != b.version) return a.version < b.version;
    if (KindOrder(a.kind) != KindOrder(b.kind)) return KindOrder(a.kind) < KindOrder(b.kind);
    return a.name < b.name;
  });
  return files;
}

Result<std::string> LogStore::Read(std::string_view name) const { return ReadWholeFile(LogPath(name)); }

Result<std::optional<LastCheckpoint>> LogStore::ReadLastCheckpoint() const {
  auto text = Read("_last_checkpoint");
  if (!text.ok()) {
    if (text.status().IsNotFound()) return std::optional<LastCheckpoint>();
    return text.status();
  }
  TIDE_ASSIGN_OR_RETURN(auto lc, ParseLastCheckpoint(*text));
  return std::optional<LastCheckpoint>(std::move(lc));
}

Status LogStore::WriteLastCheckpoint(const LastCheckpoint& lc) const {
  return WriteFileAtomic("_last_checkpoint", SerializeLastCheckpoint(lc));
}

Status LogStore::PutIfAbsent(std::string_view name, std::string_view bytes) const {
  std::string path = LogPath(name);
  TIDE_RETURN_IF_ERROR(MakeDirs(DirName(path)));
  return ::tide::table::PutIfAbsent(path, bytes);
}

Result<PreparedPut> LogStore::PreparePut(std::string_view name, std::string_view bytes) const {
  std::string path = LogPath(name);
  TIDE_RETURN_IF_ERROR(MakeDirs(DirName(path)));
  return PreparedPut::Prepare(path, bytes);
}

Status LogStore::WriteFileAtomic(std::string_view name, std::string_view bytes) const {
  std::string path = LogPath(name);
  TIDE_RETURN_IF_ERROR(MakeDirs(DirName(path)));
  return ::tide::table::WriteFileAtomic(path, bytes);
}

}  // namespace tide::table
