// Small POSIX file helpers for the log layer (the io layer does not offer files yet).
// All return IoError/NotFound Status values naming the path; none throw.
//
// Thread-safety: stateless; pread/pwrite-based helpers may be used concurrently on one fd.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace tide::log::fileutil {

// Writes all of `data` at `offset` (retrying short writes and EINTR).
base::Status PwriteAll(int fd, std::span<const uint8_t> data, uint64_t offset, const std::string& path);
// Writes the concatenation of `parts` at `offset` with pwritev (any number of parts: IOV_MAX is
// handled, short writes and EINTR are retried). Lets callers store bytes from several buffers
// (a patched header and the rest of a batch) without first copying them into one.
base::Status PwritevAll(int fd, std::span<const iovec> parts, uint64_t offset, const std::string& path);
// Reads up to `length` bytes at `offset` and appends them to *out; stops early only at EOF.
base::Status PreadAppend(int fd, uint64_t offset, size_t length, std::vector<uint8_t>* out, const std::string& path);
// Reads a whole small file.
base::Status ReadFile(const std::string& path, std::string* out);
// Replaces `path` atomically: write a temp file ".tmp.*" in the same directory, fsync it, rename over `path`, fsync the directory.
base::Status WriteFileAtomic(const std::string& path, std::string_view contents);
// Replaces the contents of `path` (create/truncate + write; no fsync).
base::Status WriteFile(const std::string& path, std::string_view contents);
// fsyncs a directory so renames and creations in it are durable.
base::Status SyncDir(const std::string& dir);
// mkdir -p.
base::Status CreateDirs(const std::string& dir);
// rm -rf (best effort on races; reports the first failure).
base::Status RemoveAll(const std::string& path);
bool Exists(const std::string& path);
// Names (not paths) of the entries of a directory.
base::Status ListDir(const std::string& dir, std::vector<std::string>* names);

}  // namespace tide::log::fileutil
