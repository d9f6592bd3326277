#include "log/segment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <mutex>

#include "base/endian.h"
#include "log/file_util.h"

namespace tide::log {

using base::Status;

std::string SegmentFileStem(int64_t base_offset) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020lld", static_cast<long long>(base_offset));
  return buf;
}

namespace {

constexpr size_t kScanChunk = 1 << 20;

std::string Path(const std::string& dir, int64_t base, const char* ext, const std::string& suffix = "") {
  return dir + "/" + SegmentFileStem(base) + ext + suffix;
}

std::string EncodeOffsetIndex(const std::vector<OffsetIndexEntry>& entries, int64_t base) {
  std::string s(entries.size() * 8, '\0');
  auto* p = reinterpret_cast<uint8_t*>(s.data());
  for (const auto& e : entries) {
    base::StoreBigEndian32(p, static_cast<uint32_t>(e.offset - base));
    base::StoreBigEndian32(p + 4, e.position);
    p += 8;
  }
  return s;
}

std::string EncodeTimeIndex(const std::vector<TimeIndexEntry>& entries, int64_t base) {
  std::string s(entries.size() * 12, '\0');
  auto* p = reinterpret_cast<uint8_t*>(s.data());
  for (const auto& e : entries) {
    base::StoreBigEndian64(p, static_cast<uint64_t>(e.timestamp));
    base::StoreBigEndian32(p + 8, static_cast<uint32_t>(e.offset - base));
    p += 12;
  }
  return s;
}

std::string EncodeTxnIndex(const std::vector<AbortedTxn>& entries) {
  std::string s(entries.size() * 32, '\0');
  auto* p = reinterpret_cast<uint8_t*>(s.data());
  for (const auto& e : entries) {
    base::StoreBigEndian64(p, static_cast<uint64_t>(e.producer_id));
    base::StoreBigEndian64(p + 8, static_cast<uint64_t>(e.first_offset));
    base::StoreBigEndian64(p + 16, static_cast<uint64_t>(e.last_offset));
    base::StoreBigEndian64(p + 24, static_cast<uint64_t>(e.last_stable_offset));
    p += 32;
  }
  return s;
}

// Writes `contents` to `path` unless it already holds exactly that.
Status WriteIfDifferent(const std::string& path, const std::string& contents, bool only_if_changed, bool* rewritten) {
  if (only_if_changed) {
    std::string existing;
    if (fileutil::ReadFile(path, &existing).ok() && existing == contents) return Status::OK();
  }
  if (rewritten) *rewritten = true;
  // Not fsynced: indexes are derived data, rebuilt from the .log whenever they disagree with it.
  return fileutil::WriteFile(path, contents);
}

}  // namespace

LogSegment::LogSegment(std::string dir, int64_t base_offset, int64_t index_interval_bytes)
    : dir_(std::move(dir)), base_offset_(base_offset), index_interval_bytes_(index_interval_bytes),
      next_offset_(base_offset) {}

LogSegment::~LogSegment() {
  if (fd_ >= 0) ::close(fd_);
}

std::string LogSegment::log_path() const { return Path(dir_, base_offset_, ".log", suffix_); }

size_t LogSegment::offset_index_entries() const {
  std::shared_lock lock(index_mu_);
  return offset_index_.size();
}

size_t LogSegment::time_index_entries() const {
  std::shared_lock lock(index_mu_);
  return time_index_.size();
}

base::Result<std::shared_ptr<LogSegment>> LogSegment::Create(const std::string& dir, int64_t base_offset,
                                                             int64_t index_interval_bytes, int64_t created_ms,
                                                             const std::string& suffix) {
  std::shared_ptr<LogSegment> seg(new LogSegment(dir, base_offset, index_interval_bytes));
  seg->suffix_ = suffix;
  std::string path = seg->log_path();
  seg->fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (seg->fd_ < 0) return Status::FromErrno(errno, "create segment " + path);
  // Stale index files from an earlier segment with this base offset would be misleading.
  ::unlink(Path(dir, base_offset, ".index", suffix).c_str());
  ::unlink(Path(dir, base_offset, ".timeindex", suffix).c_str());
  ::unlink(Path(dir, base_offset, ".txnindex", suffix).c_str());
  seg->roll_base_ms_.store(created_ms);
  seg->indexes_dirty_ = true;
  return seg;
}

base::Result<std::shared_ptr<LogSegment>> LogSegment::Open(const std::string& dir, int64_t base_offset,
                                                           int64_t index_interval_bytes, bool verify,
                                                           bool truncate_invalid_tail, int64_t now_ms,
                                                           const BatchVisitor& visit, OpenReport* report) {
  std::shared_ptr<LogSegment> seg(new LogSegment(dir, base_offset, index_interval_bytes));
  std::string path = seg->log_path();
  seg->fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (seg->fd_ < 0) return Status::FromErrno(errno, "open segment " + path);
  struct stat st;
  if (::fstat(seg->fd_, &st) != 0) return Status::FromErrno(errno, "stat " + path);
  uint64_t file_size = static_cast<uint64_t>(st.st_size);

  // Scan the file in chunks; every whole, valid batch is indexed and visited.
  uint64_t valid = 0;
  Status invalid;
  std::string reason;
  std::vector<uint8_t> buf;
  int64_t expected_next = base_offset;
  while (valid < file_size) {
    buf.clear();
    size_t want = static_cast<size_t>(std::min<uint64_t>(kScanChunk, file_size - valid));
    TIDE_RETURN_IF_ERROR(fileutil::PreadAppend(seg->fd_, valid, want, &buf, path));
    if (buf.size() >= kLogOverhead) {
      // A batch larger than the chunk: read all of it (bounded by the file size).
      int32_t len = static_cast<int32_t>(base::LoadBigEndian32(buf.data() + kBatchLengthPos));
      if (len > 0 && kLogOverhead + static_cast<uint64_t>(len) > buf.size() &&
          valid + kLogOverhead + static_cast<uint64_t>(len) <= file_size) {
        buf.clear();
        TIDE_RETURN_IF_ERROR(fileutil::PreadAppend(seg->fd_, valid, kLogOverhead + len, &buf, path));
      }
    }
    BatchReader reader(buf, verify, valid);
    BatchView batch;
    size_t consumed = 0;
    while (true) {
      auto next = reader.Next(&batch);
      if (!next.ok()) {
        invalid = next.status();
        break;
      }
      if (!*next) break;
      uint64_t pos = valid + consumed;
      Status check = batch.Validate(pos, /*allow_compacted=*/true);
      if (check.ok() && batch.base_offset() < expected_next) {
        check = Status::Corruption("batch at byte " + std::to_string(pos) + ": base offset " +
                                   std::to_string(batch.base_offset()) + " is below the expected " +
                                   std::to_string(expected_next));
      }
      if (check.ok() && batch.last_offset() - base_offset > INT32_MAX) {
        check = Status::Corruption("batch at byte " + std::to_string(pos) + ": offset " +
                                   std::to_string(batch.last_offset()) + " too far from segment base");
      }
      if (!check.ok()) {
        invalid = check;
        break;
      }
      BatchPlacement p{batch.base_offset(), batch.last_offset(), batch.max_timestamp(),
                       static_cast<uint32_t>(batch.size())};
      seg->IndexBatch(p, pos);
      seg->next_offset_.store(batch.next_offset());
      if (seg->roll_base_ms_.load() == kNoTimestamp) seg->roll_base_ms_.store(batch.max_timestamp());
      expected_next = batch.next_offset();
      if (visit) visit(batch, pos);
      consumed = reader.position();
    }
    valid += consumed;
    if (!invalid.ok()) break;
    if (consumed == 0) {
      // Not even one whole batch fits in what is left: a torn tail.
      reason = "incomplete batch at byte " + std::to_string(valid) + " (" + std::to_string(file_size - valid) +
               " bytes left)";
      break;
    }
  }
  if (!invalid.ok()) reason = invalid.message();
  if (valid < file_size) {
    if (!truncate_invalid_tail) {
      return Status::Corruption(path + ": " + reason);
    }
    if (::ftruncate(seg->fd_, static_cast<off_t>(valid)) != 0) {
      return Status::FromErrno(errno, "truncate " + path + " to " + std::to_string(valid) + " bytes");
    }
    if (::fsync(seg->fd_) != 0) return Status::FromErrno(errno, "fsync " + path);
    if (report) {
      report->truncated_bytes = file_size - valid;
      report->truncation_reason = path + ": " + reason;
    }
  }
  seg->size_.store(valid);
  if (seg->roll_base_ms_.load() == kNoTimestamp) seg->roll_base_ms_.store(now_ms);
  bool rebuilt = false;
  TIDE_RETURN_IF_ERROR(seg->WriteIndexFiles(true, &rebuilt));
  if (report) report->index_rebuilt = rebuilt;
  return seg;
}

void LogSegment::IndexBatch(const BatchPlacement& p, uint64_t position) {
  // Caller holds index_mu_ exclusively, or the segment is not shared yet.
  if (p.max_timestamp > max_timestamp_.load(std::memory_order_relaxed)) {
    max_timestamp_.store(p.max_timestamp, std::memory_order_release);
    offset_of_max_timestamp_ = p.last_offset;
  }
  if (bytes_since_index_entry_ > static_cast<uint64_t>(index_interval_bytes_)) {
    offset_index_.push_back(OffsetIndexEntry{p.base_offset, static_cast<uint32_t>(position)});
    int64_t ts = max_timestamp_.load(std::memory_order_relaxed);
    if (ts != kNoTimestamp && (time_index_.empty() || ts > time_index_.back().timestamp)) {
      time_index_.push_back(TimeIndexEntry{ts, offset_of_max_timestamp_});
    }
    bytes_since_index_entry_ = 0;
    indexes_dirty_ = true;
  }
  bytes_since_index_entry_ += p.size;
}

Status LogSegment::Append(std::span<const uint8_t> bytes, std::span<const BatchPlacement> placements) {
  iovec part{const_cast<uint8_t*>(bytes.data()), bytes.size()};
  return Append(std::span<const iovec>(&part, 1), placements);
}

Status LogSegment::Append(std::span<const iovec> parts, std::span<const BatchPlacement> placements) {
  uint64_t pos = size_.load(std::memory_order_relaxed);
  uint64_t total = 0;
  for (const auto& p : placements) total += p.size;
  Status st = fileutil::PwritevAll(fd_, parts, pos, log_path());
  if (!st.ok()) {
    // Leave no partial batch behind for the next append to build on.
    if (::ftruncate(fd_, static_cast<off_t>(pos)) != 0) {
      return st.WithContext("and truncating back failed too");
    }
    return st;
  }
  {
    std::unique_lock lock(index_mu_);
    uint64_t p = pos;
    for (const auto& placement : placements) {
      IndexBatch(placement, p);
      p += placement.size;
    }
  }
  if (!placements.empty()) {
    if (pos == 0 && roll_base_ms_.load() == kNoTimestamp) roll_base_ms_.store(placements.front().max_timestamp);
    next_offset_.store(placements.back().last_offset + 1, std::memory_order_release);
  }
  size_.store(pos + total, std::memory_order_release);
  return Status::OK();
}

void LogSegment::AddAbortedTxn(const AbortedTxn& txn) {
  std::unique_lock lock(index_mu_);
  aborted_.push_back(txn);
  txn_dirty_ = true;
}

void LogSegment::CollectAbortedTxns(int64_t fetch_offset, int64_t upper_offset, std::vector<AbortedTxn>* out) const {
  std::shared_lock lock(index_mu_);
  for (const auto& t : aborted_) {
    if (t.last_offset >= fetch_offset && t.first_offset < upper_offset) out->push_back(t);
  }
}

std::vector<AbortedTxn> LogSegment::aborted_txns() const {
  std::shared_lock lock(index_mu_);
  return aborted_;
}

base::Result<std::optional<uint64_t>> LogSegment::FindPosition(int64_t offset) const {
  uint64_t end = size();
  uint64_t pos = 0;
  {
    std::shared_lock lock(index_mu_);
    auto it = std::upper_bound(offset_index_.begin(), offset_index_.end(), offset,
                               [](int64_t o, const OffsetIndexEntry& e) { return o < e.offset; });
    if (it != offset_index_.begin()) pos = std::prev(it)->position;
  }
  std::vector<uint8_t> header;
  while (pos + kLogOverhead <= end) {
    header.clear();
    TIDE_RETURN_IF_ERROR(fileutil::PreadAppend(fd_, pos, 27, &header, log_path()));
    if (header.size() < 27) break;
    int64_t base = static_cast<int64_t>(base::LoadBigEndian64(header.data()));
    int32_t len = static_cast<int32_t>(base::LoadBigEndian32(header.data() + kBatchLengthPos));
    int32_t delta = static_cast<int32_t>(base::LoadBigEndian32(header.data() + 23));
    if (len < static_cast<int32_t>(kBatchHeaderSize - kLogOverhead)) {
      return Status::Corruption(log_path() + ": batch at byte " + std::to_string(pos) + ": bad length " +
                                std::to_string(len));
    }
    if (base + delta >= offset) return std::optional<uint64_t>(pos);
    pos += kLogOverhead + static_cast<uint64_t>(len);
  }
  return std::optional<uint64_t>();
}

Status LogSegment::ReadAt(uint64_t position, size_t length, std::vector<uint8_t>* out) const {
  uint64_t end = size();
  if (position >= end) return Status::OK();
  length = static_cast<size_t>(std::min<uint64_t>(length, end - position));
  return fileutil::PreadAppend(fd_, position, length, out, log_path());
}

base::Result<size_t> LogSegment::WholeBatchesLength(uint64_t position, size_t max_bytes, int64_t limit_offset,
                                                    bool min_one_batch) const {
  uint64_t end = size();
  if (position >= end) return size_t{0};
  // The bytes a fetch may span: max_bytes (at least one header), within the published size.
  uint64_t avail = std::min<uint64_t>(std::max<size_t>(max_bytes, kLogOverhead), end - position);
  // Headers are read in windows: one read covers many small batches, and a large batch is
  // skipped over without reading it.
  constexpr size_t kWindow = 64 * 1024;
  std::vector<uint8_t> window;
  uint64_t window_start = 0;
  uint64_t keep = 0;
  while (keep + kLogOverhead <= avail) {
    uint64_t at = position + keep;
    if (window.empty() || at < window_start || at + kLogOverhead > window_start + window.size()) {
      window.clear();
      window_start = at;
      TIDE_RETURN_IF_ERROR(fileutil::PreadAppend(fd_, at, static_cast<size_t>(std::min<uint64_t>(kWindow, end - at)),
                                                 &window, log_path()));
      if (window.size() < kLogOverhead) break;
    }
    const uint8_t* h = window.data() + (at - window_start);
    int64_t base = static_cast<int64_t>(base::LoadBigEndian64(h));
    int32_t len = static_cast<int32_t>(base::LoadBigEndian32(h + kBatchLengthPos));
    if (base >= limit_offset || len < 0) break;
    uint64_t total = kLogOverhead + static_cast<uint64_t>(len);
    if (keep + total > avail || keep + total > max_bytes) {
      if (keep == 0 && min_one_batch) keep = std::min<uint64_t>(total, end - position);
      break;
    }
    keep += total;
  }
  return static_cast<size_t>(keep);
}

io::FileRegion LogSegment::Region(const std::shared_ptr<const LogSegment>& segment, uint64_t position,
                                  size_t length) {
  io::FileRegion region;
  uint64_t end = segment->size();
  if (position >= end || length == 0) return region;
  region.fd = segment->fd_;
  region.offset = position;
  region.length = static_cast<size_t>(std::min<uint64_t>(length, end - position));
  region.owner = segment;
  return region;
}

base::Result<std::optional<Record>> LogSegment::FindOffsetForTimestamp(int64_t ts) const {
  if (max_timestamp() < ts) return std::optional<Record>();
  int64_t start_offset = base_offset_;
  {
    std::shared_lock lock(index_mu_);
    auto it = std::upper_bound(time_index_.begin(), time_index_.end(), ts,
                               [](int64_t t, const TimeIndexEntry& e) { return t < e.timestamp; });
    if (it != time_index_.begin()) start_offset = std::prev(it)->offset;
  }
  TIDE_ASSIGN_OR_RETURN(auto start, FindPosition(start_offset));
  if (!start) return std::optional<Record>();
  uint64_t pos = *start;
  uint64_t end = size();
  std::vector<uint8_t> buf;
  while (pos + kLogOverhead <= end) {
    buf.clear();
    TIDE_RETURN_IF_ERROR(fileutil::PreadAppend(fd_, pos, kLogOverhead, &buf, log_path()));
    int32_t len = static_cast<int32_t>(base::LoadBigEndian32(buf.data() + kBatchLengthPos));
    if (len < 0) break;
    buf.clear();
    TIDE_RETURN_IF_ERROR(fileutil::PreadAppend(fd_, pos, kLogOverhead + len, &buf, log_path()));
    TIDE_ASSIGN_OR_RETURN(BatchView batch, BatchView::Parse(buf, pos));
    if (batch.max_timestamp() >= ts && !batch.is_control()) {
      std::vector<Record> records;
      TIDE_RETURN_IF_ERROR(DecodeRecords(batch, &records).WithContext(log_path()));
      for (auto& r : records) {
        if (r.timestamp >= ts) return std::optional<Record>(std::move(r));
      }
    }
    pos += batch.size();
  }
  return std::optional<Record>();
}

Status LogSegment::WriteIndexFiles(bool only_if_changed, bool* rewritten) {
  std::string offset_bytes, time_bytes, txn_bytes;
  bool txn = false;
  {
    std::shared_lock lock(index_mu_);
    offset_bytes = EncodeOffsetIndex(offset_index_, base_offset_);
    time_bytes = EncodeTimeIndex(time_index_, base_offset_);
    txn = txn_dirty_ || !aborted_.empty();
    if (txn) txn_bytes = EncodeTxnIndex(aborted_);
  }
  TIDE_RETURN_IF_ERROR(WriteIfDifferent(Path(dir_, base_offset_, ".index", suffix_), offset_bytes, only_if_changed,
                                        rewritten));
  TIDE_RETURN_IF_ERROR(WriteIfDifferent(Path(dir_, base_offset_, ".timeindex", suffix_), time_bytes,
                                        only_if_changed, rewritten));
  if (txn) {
    TIDE_RETURN_IF_ERROR(WriteIfDifferent(Path(dir_, base_offset_, ".txnindex", suffix_), txn_bytes, only_if_changed,
                                          nullptr));
  }
  return Status::OK();
}

Status LogSegment::Flush() {
  if (::fdatasync(fd_) != 0) return Status::FromErrno(errno, "fsync " + log_path());
  if (indexes_dirty_ || txn_dirty_) {
    TIDE_RETURN_IF_ERROR(WriteIndexFiles(false, nullptr));
    indexes_dirty_ = false;
    txn_dirty_ = false;
  }
  return Status::OK();
}

Status LogSegment::DeleteFiles() {
  for (const char* ext : {".log", ".index", ".timeindex", ".txnindex"}) {
    std::string p = Path(dir_, base_offset_, ext, suffix_);
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) return Status::FromErrno(errno, "delete " + p);
  }
  return Status::OK();
}

Status LogSegment::RenameFiles(const std::string& from_suffix, const std::string& to_suffix) {
  for (const char* ext : {".log", ".index", ".timeindex", ".txnindex"}) {
    std::string from = Path(dir_, base_offset_, ext, from_suffix);
    std::string to = Path(dir_, base_offset_, ext, to_suffix);
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
      return Status::FromErrno(errno, "rename " + from + " to " + to);
    }
  }
  suffix_ = to_suffix;
  return Status::OK();
}

}  // namespace tide::log
