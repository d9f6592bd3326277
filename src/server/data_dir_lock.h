// Exclusive ownership of a data directory by one process.
//
// Two servers writing the same log segments would corrupt them, so `tide server` takes an
// advisory lock (flock) on <data_dir>/tide.lock for its whole life and writes its pid there.
// The kernel drops the lock when the process dies, even on kill -9, so a stale file never
// blocks a restart.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"

namespace tide::server {

class DataDirLock {
 public:
  // Creates the directory if needed and takes the lock. Fails with Unavailable, naming the
  // holder's pid, when another process holds it.
  static base::Result<std::unique_ptr<DataDirLock>> Acquire(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

// mkdir -p.
base::Status CreateDirectories(const std::string& path);

}  // namespace tide::server
