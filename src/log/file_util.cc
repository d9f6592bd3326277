#include "log/file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>

namespace tide::log::fileutil {

using base::Status;

Status PwriteAll(int fd, std::span<const uint8_t> data, uint64_t offset, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "write " + path + " at byte " + std::to_string(offset + done));
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status PwritevAll(int fd, std::span<const iovec> parts, uint64_t offset, const std::string& path) {
  // A private copy of the current window of iovecs, advanced past what each call wrote.
  constexpr size_t kMaxIov = 1024;  // IOV_MAX on Linux
  iovec window[kMaxIov];
  size_t next = 0;   // first part not yet in the window
  size_t count = 0;  // parts in the window
  size_t first = 0;  // first unwritten part in the window
  uint64_t at = offset;
  while (true) {
    if (first == count) {
      if (next == parts.size()) break;
      count = std::min(kMaxIov, parts.size() - next);
      std::copy(parts.begin() + static_cast<ptrdiff_t>(next), parts.begin() + static_cast<ptrdiff_t>(next + count),
                window);
      next += count;
      first = 0;
    }
    if (window[first].iov_len == 0) {
      ++first;
      continue;
    }
    ssize_t n = ::pwritev(fd, window + first, static_cast<int>(count - first), static_cast<off_t>(at));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "write " + path + " at byte " + std::to_string(at));
    }
    at += static_cast<uint64_t>(n);
    size_t left = static_cast<size_t>(n);
    while (left > 0 && first < count) {
      size_t take = std::min(left, window[first].iov_len);
      window[first].iov_base = static_cast<uint8_t*>(window[first].iov_base) + take;
      window[first].iov_len -= take;
      left -= take;
      if (window[first].iov_len == 0) ++first;
    }
  }
  return Status::OK();
}

Status PreadAppend(int fd, uint64_t offset, size_t length, std::vector<uint8_t>* out, const std::string& path) {
  size_t start = out->size();
  out->resize(start + length);
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, out->data() + start + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      out->resize(start);
      return Status::FromErrno(errno, "read " + path + " at byte " + std::to_string(offset + done));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  out->resize(start + done);
  return Status::OK();
}

Status ReadFile(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open " + path);
  out->clear();
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Status::FromErrno(e, "read " + path);
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::OK();
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open directory " + dir);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno(e, "fsync directory " + dir);
  return Status::OK();
}

Status WriteFile(const std::string& path, std::string_view contents) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "create " + path);
  Status st = PwriteAll(fd, {reinterpret_cast<const uint8_t*>(contents.data()), contents.size()}, 0, path);
  ::close(fd);
  return st;
}

Status WriteFileAtomic(const std::string& path, std::string_view contents) {
  // A short fixed temp name: `path` + ".tmp" could pass NAME_MAX for long (249-char) topic names.
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path p(path);
  std::string tmp = (p.parent_path() / (".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter))).string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "create " + tmp);
  Status st = PwriteAll(fd, {reinterpret_cast<const uint8_t*>(contents.data()), contents.size()}, 0, tmp);
  if (st.ok() && ::fsync(fd) != 0) st = Status::FromErrno(errno, "fsync " + tmp);
  ::close(fd);
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) st = Status::FromErrno(errno, "rename " + tmp + " to " + path);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return SyncDir(std::filesystem::path(path).parent_path().string());
}

Status CreateDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("create directory " + dir + ": " + ec.message());
  return Status::OK();
}

Status RemoveAll(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Status::IoError("remove " + path + ": " + ec.message());
  return Status::OK();
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Status ListDir(const std::string& dir, std::vector<std::string>* names) {
  names->clear();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Status::FromErrno(errno, "list directory " + dir);
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names->push_back(std::move(name));
  }
  ::closedir(d);
  return Status::OK();
}

}  // namespace tide::log::fileutil
