#include "io/file_region.h"

#include <unistd.h>

#include <cerrno>

namespace tide::io {

bool ReadFileRegion(const FileRegion& region, uint8_t* out) {
  size_t done = 0;
  while (done < region.length) {
    ssize_t n = ::pread(region.fd, out + done, region.length - done, static_cast<off_t>(region.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace tide::io
