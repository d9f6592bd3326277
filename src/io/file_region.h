// FileRegion: a byte range of an open file, to be sent on a socket without passing through
// user memory (sendfile). Used for zero-copy Kafka fetches: stored record batches go from the
// segment file's page cache to the socket.
//
// Contract: the range [offset, offset + length) must exist in the file and not change for as
// long as the region is queued (log segments are append-only below their published size).
// `owner` keeps whatever owns `fd` alive (and so the descriptor open) until the bytes are sent;
// it may be released on any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace tide::io {

struct FileRegion {
  std::shared_ptr<const void> owner;  // keeps `fd` open
  int fd = -1;
  uint64_t offset = 0;
  size_t length = 0;
};

// Copies the region's bytes to `out` (room for region.length bytes), for callers that need
// them in memory. False when the file is shorter than the region or cannot be read.
bool ReadFileRegion(const FileRegion& region, uint8_t* out);

}  // namespace tide::io
