#include "kafka/group/group_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "base/endian.h"
#include "base/logging.h"
#include "format/crc32c.h"

namespace tide::kafka::group {
namespace {

constexpr char kSnapshotMagic[8] = {'T', 'I', 'D', 'E', 'G', 'S', 'N', '1'};
constexpr char kJournalMagic[8] = {'T', 'I', 'D', 'E', 'G', 'J', 'L', '1'};
constexpr size_t kMagicSize = 8;
constexpr size_t kFrameHeader = 8;  // length + crc
// No single record comes near this; a larger length is damage, not data.
constexpr uint32_t kMaxRecordBytes = 64 * 1024 * 1024;

class PayloadWriter {
 public:
  void U8(uint8_t v) { out_.push_back(v); }
  void I32(int32_t v) {
    uint8_t b[4];
    base::StoreBigEndian32(b, static_cast<uint32_t>(v));
    out_.insert(out_.end(), b, b + 4);
  }
  void I64(int64_t v) {
    uint8_t b[8];
    base::StoreBigEndian64(b, static_cast<uint64_t>(v));
    out_.insert(out_.end(), b, b + 8);
  }
  void Str(const std::string& s) {
    I32(static_cast<int32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void NullableStr(const std::optional<std::string>& s) {
    if (!s) {
      I32(-1);
    } else {
      Str(*s);
    }
  }
  std::vector<uint8_t> Take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

class PayloadReader {
 public:
  PayloadReader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool ok() const { return ok_; }
  bool AtEnd() const { return pos_ == n_; }
  uint8_t U8() {
    if (!Need(1)) return 0;
    return p_[pos_++];
  }
  int32_t I32() {
    if (!Need(4)) return 0;
    int32_t v = static_cast<int32_t>(base::LoadBigEndian32(p_ + pos_));
    pos_ += 4;
    return v;
  }
  int64_t I64() {
    if (!Need(8)) return 0;
    int64_t v = static_cast<int64_t>(base::LoadBigEndian64(p_ + pos_));
    pos_ += 8;
    return v;
  }
  std::optional<std::string> NullableStr() {
    int32_t len = I32();
    if (!ok_ || len < 0) {
      if (len < -1) ok_ = false;
      return std::nullopt;
    }
    if (!Need(static_cast<size_t>(len))) return std::nullopt;
    std::string s(reinterpret_cast<const char*>(p_ + pos_), static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return s;
  }
  std::string Str() {
    auto s = NullableStr();
    if (!s) ok_ = false;
    return s.value_or("");
  }

 private:
  bool Need(size_t k) {
    if (!ok_ || n_ - pos_ < k) {
      ok_ = false;
      return false;
    }
    return true;
  }
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void AppendFramed(std::vector<uint8_t>& out, const GroupRecord& r) {
  std::vector<uint8_t> payload = EncodeGroupRecord(r);
  uint8_t header[kFrameHeader];
  base::StoreBigEndian32(header, static_cast<uint32_t>(payload.size()));
  base::StoreBigEndian32(header + 4, format::Crc32c(payload.data(), payload.size()));
  out.insert(out.end(), header, header + kFrameHeader);
  out.insert(out.end(), payload.begin(), payload.end());
}

base::Status WriteAll(int fd, const uint8_t* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return base::Status::FromErrno(errno, "write " + path);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return base::Status::OK();
}

// Whole file contents; NotFound when it does not exist.
base::Result<std::vector<uint8_t>> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return base::Status::NotFound(path);
    return base::Status::FromErrno(errno, "open " + path);
  }
  std::vector<uint8_t> data;
  uint8_t buf[65536];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return base::Status::FromErrno(e, "read " + path);
    }
    if (r == 0) break;
    data.insert(data.end(), buf, buf + r);
  }
  ::close(fd);
  return data;
}

base::Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return base::Status::FromErrno(errno, "open " + dir);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return base::Status::FromErrno(e, "fsync " + dir);
  return base::Status::OK();
}

base::Status MakeDirs(const std::string& dir) {
  if (dir.empty()) return base::Status::InvalidArgument("group coordinator state_dir is empty");
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    std::string prefix = dir.substr(0, pos);
    if (prefix.empty()) continue;
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return base::Status::FromErrno(errno, "mkdir " + prefix);
    }
  }
  return base::Status::OK();
}

// Walks the framed records in data[start, end). Returns the byte offset just past the last
// good record; `bad` says whether something that is not a good record follows it.
size_t ScanRecords(const std::vector<uint8_t>& data, size_t start, const std::function<void(const GroupRecord&)>& apply,
                   bool* bad, std::string* why) {
  size_t pos = start;
  *bad = false;
  while (pos < data.size()) {
    if (data.size() - pos < kFrameHeader) {
      *bad = true;
      *why = "incomplete record header";
      break;
    }
    uint32_t len = base::LoadBigEndian32(data.data() + pos);
    uint32_t crc = base::LoadBigEndian32(data.data() + pos + 4);
    if (len > kMaxRecordBytes || data.size() - pos - kFrameHeader < len) {
      *bad = true;
      *why = "incomplete record";
      break;
    }
    const uint8_t* payload = data.data() + pos + kFrameHeader;
    if (format::Crc32c(payload, len) != crc) {
      *bad = true;
      *why = "CRC mismatch";
      break;
    }
    auto rec = DecodeGroupRecord(payload, len);
    if (!rec.ok()) {
      *bad = true;
      *why = rec.status().message();
      break;
    }
    apply(*rec);
    pos += kFrameHeader + len;
  }
  return pos;
}

}  // namespace

std::vector<uint8_t> EncodeGroupRecord(const GroupRecord& r) {
  PayloadWriter w;
  w.U8(static_cast<uint8_t>(r.type));
  switch (r.type) {
    case GroupRecord::Type::kOffsetCommit:
    case GroupRecord::Type::kTxnPendingOffset:
      w.Str(r.group);
      w.Str(r.topic);
      w.I32(r.partition);
      w.I64(r.offset);
      w.I32(r.leader_epoch);
      w.NullableStr(r.metadata);
      w.I64(r.commit_timestamp_ms);
      w.I64(r.expire_timestamp_ms);
      if (r.type == GroupRecord::Type::kTxnPendingOffset) w.I64(r.producer_id);
      break;
    case GroupRecord::Type::kOffsetDelete:
      w.Str(r.group);
      w.Str(r.topic);
      w.I32(r.partition);
      break;
    case GroupRecord::Type::kGroupMetadata:
      w.Str(r.group);
      w.NullableStr(r.protocol_type);
      w.I32(r.generation);
      break;
    case GroupRecord::Type::kGroupDelete:
      w.Str(r.group);
      break;
    case GroupRecord::Type::kTxnComplete:
      w.I64(r.producer_id);
      w.U8(r.commit ? 1 : 0);
      break;
  }
  return w.Take();
}

base::Result<GroupRecord> DecodeGroupRecord(const uint8_t* data, size_t size) {
  PayloadReader rd(data, size);
  GroupRecord r;
  uint8_t type = rd.U8();
  switch (type) {
    case 1:
    case 5:
      r.type = static_cast<GroupRecord::Type>(type);
      r.group = rd.Str();
      r.topic = rd.Str();
      r.partition = rd.I32();
      r.offset = rd.I64();
      r.leader_epoch = rd.I32();
      r.metadata = rd.NullableStr();
      r.commit_timestamp_ms = rd.I64();
      r.expire_timestamp_ms = rd.I64();
      if (type == 5) r.producer_id = rd.I64();
      break;
    case 2:
      r.type = GroupRecord::Type::kOffsetDelete;
      r.group = rd.Str();
      r.topic = rd.Str();
      r.partition = rd.I32();
      break;
    case 3:
      r.type = GroupRecord::Type::kGroupMetadata;
      r.group = rd.Str();
      r.protocol_type = rd.NullableStr();
      r.generation = rd.I32();
      break;
    case 4:
      r.type = GroupRecord::Type::kGroupDelete;
      r.group = rd.Str();
      break;
    case 6:
      r.type = GroupRecord::Type::kTxnComplete;
      r.producer_id = rd.I64();
      r.commit = rd.U8() != 0;
      break;
    default:
      return base::Status::Corruption("unknown group record type " + std::to_string(type));
  }
  if (!rd.ok()) return base::Status::Corruption("group record type " + std::to_string(type) + " is truncated");
  if (!rd.AtEnd()) return base::Status::Corruption("group record type " + std::to_string(type) + " has trailing bytes");
  return r;
}

GroupJournal::GroupJournal(std::string dir) : dir_(std::move(dir)) {}

GroupJournal::~GroupJournal() { (void)Close(); }

base::Status GroupJournal::Open(const std::function<void(const GroupRecord&)>& apply) {
  TIDE_RETURN_IF_ERROR(MakeDirs(dir_));
  const std::string snapshot_path = dir_ + "/groups.snapshot";
  const std::string journal_path = dir_ + "/groups.journal";
  ::unlink((dir_ + "/groups.snapshot.tmp").c_str());  // an interrupted compaction

  auto snapshot = ReadFile(snapshot_path);
  if (snapshot.ok()) {
    const auto& data = *snapshot;
    if (data.size() < kMagicSize || std::memcmp(data.data(), kSnapshotMagic, kMagicSize) != 0) {
      return base::Status::Corruption(snapshot_path + ": not a Tide group snapshot (bad magic)");
    }
    bool bad = false;
    std::string why;
    size_t end = ScanRecords(data, kMagicSize, apply, &bad, &why);
    if (bad) {
      return base::Status::Corruption(snapshot_path + ": record at byte " + std::to_string(end) + ": " + why);
    }
  } else if (!snapshot.status().IsNotFound()) {
    return snapshot.status();
  }

  auto journal = ReadFile(journal_path);
  if (journal.ok()) {
    const auto& data = *journal;
    size_t good_end = 0;
    if (data.size() >= kMagicSize && std::memcmp(data.data(), kJournalMagic, kMagicSize) == 0) {
      bool bad = false;
      std::string why;
      good_end = ScanRecords(data, kMagicSize, apply, &bad, &why);
      if (bad) {
        base::LogWarn("kafka.group", "truncating damaged tail of the group journal",
                      {{"path", journal_path},
                       {"at_byte", static_cast<int64_t>(good_end)},
                       {"dropped_bytes", static_cast<int64_t>(data.size() - good_end)},
                       {"reason", why}});
      }
    } else if (!data.empty()) {
      // A crash while the header itself was being written: nothing after it can be trusted.
      base::LogWarn("kafka.group", "group journal has no valid header; starting it afresh",
                    {{"path", journal_path}, {"dropped_bytes", static_cast<int64_t>(data.size())}});
    }
    if (good_end != data.size()) {
      if (good_end < kMagicSize) good_end = 0;
      if (::truncate(journal_path.c_str(), static_cast<off_t>(good_end)) != 0) {
        return base::Status::FromErrno(errno, "truncate " + journal_path);
      }
    }
  } else if (!journal.status().IsNotFound()) {
    return journal.status();
  }
  return OpenJournalForAppend();
}

base::Status GroupJournal::OpenJournalForAppend() {
  const std::string path = dir_ + "/groups.journal";
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return base::Status::FromErrno(errno, "open " + path);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return base::Status::FromErrno(errno, "stat " + path);
  journal_bytes_ = static_cast<uint64_t>(st.st_size);
  if (journal_bytes_ == 0) {
    TIDE_RETURN_IF_ERROR(WriteAll(fd_, reinterpret_cast<const uint8_t*>(kJournalMagic), kMagicSize, path));
    if (::fdatasync(fd_) != 0) return base::Status::FromErrno(errno, "fdatasync " + path);
    TIDE_RETURN_IF_ERROR(FsyncDir(dir_));
    journal_bytes_ = kMagicSize;
  }
  return base::Status::OK();
}

base::Status GroupJournal::Append(const std::vector<GroupRecord>& records, bool sync) {
  const std::string path = dir_ + "/groups.journal";
  if (fd_ < 0) return base::Status::Unavailable(path + ": group journal is not open");
  if (records.empty()) return base::Status::OK();
  std::vector<uint8_t> buf;
  for (const auto& r : records) AppendFramed(buf, r);
  base::Status st = WriteAll(fd_, buf.data(), buf.size(), path);
  if (!st.ok()) {
    // Cut off whatever part of the batch made it, so the next append does not follow garbage.
    if (::ftruncate(fd_, static_cast<off_t>(journal_bytes_)) != 0) {
      base::LogError("kafka.group", "cannot truncate group journal after a failed write", {{"path", path}});
    }
    return st;
  }
  journal_bytes_ += buf.size();
  if (sync && ::fdatasync(fd_) != 0) return base::Status::FromErrno(errno, "fdatasync " + path);
  return base::Status::OK();
}

base::Status GroupJournal::Compact(const std::vector<GroupRecord>& live) {
  const std::string tmp = dir_ + "/groups.snapshot.tmp";
  const std::string snapshot_path = dir_ + "/groups.snapshot";
  const std::string journal_path = dir_ + "/groups.journal";
  std::vector<uint8_t> buf(kSnapshotMagic, kSnapshotMagic + kMagicSize);
  for (const auto& r : live) AppendFramed(buf, r);

  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return base::Status::FromErrno(errno, "open " + tmp);
  base::Status st = WriteAll(fd, buf.data(), buf.size(), tmp);
  if (st.ok() && ::fsync(fd) != 0) st = base::Status::FromErrno(errno, "fsync " + tmp);
  ::close(fd);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  if (::rename(tmp.c_str(), snapshot_path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return base::Status::FromErrno(e, "rename " + tmp);
  }
  TIDE_RETURN_IF_ERROR(FsyncDir(dir_));
  // The snapshot now holds everything; a crash from here on replays the old journal over it,
  // which is harmless (see the header).
  if (fd_ >= 0) {
    if (::ftruncate(fd_, static_cast<off_t>(kMagicSize)) != 0) {
      return base::Status::FromErrno(errno, "truncate " + journal_path);
    }
    if (::fdatasync(fd_) != 0) return base::Status::FromErrno(errno, "fdatasync " + journal_path);
    journal_bytes_ = kMagicSize;
  }
  return base::Status::OK();
}

base::Status GroupJournal::Close() {
  if (fd_ < 0) return base::Status::OK();
  base::Status st;
  if (::fdatasync(fd_) != 0) st = base::Status::FromErrno(errno, "fdatasync " + dir_ + "/groups.journal");
  ::close(fd_);
  fd_ = -1;
  return st;
}

}  // namespace tide::kafka::group
