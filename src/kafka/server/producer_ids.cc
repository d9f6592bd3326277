#include "kafka/server/producer_ids.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

namespace tide::kafka {

using base::Result;
using base::Status;

ProducerIdManager::ProducerIdManager(std::string meta_dir, int64_t block_size)
    : path_(std::move(meta_dir) + "/producer_id_block"), block_size_(block_size) {}

Status ProducerIdManager::Open() {
  std::ifstream in(path_);
  if (!in) {
    next_ = block_end_ = 0;
    return Status::OK();
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  int64_t end = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), end);
  if (res.ec != std::errc() || res.ptr != text.data() + text.size() || end < 0) {
    return Status::Corruption(path_ + ": expected the end of the last reserved producer id block, got '" + text + "'");
  }
  // Ids below the persisted end may have been handed out before a crash: start after them.
  next_ = block_end_ = end;
  return Status::OK();
}

Status ProducerIdManager::ReserveBlock() {
  int64_t end = block_end_ + block_size_;
  std::string tmp = path_ + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno(errno, "cannot write " + tmp);
  std::string text = std::to_string(end) + "\n";
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  int err = errno;
  close(fd);
  if (!ok) return Status::FromErrno(err, "cannot write " + tmp);
  if (rename(tmp.c_str(), path_.c_str()) != 0) return Status::FromErrno(errno, "cannot rename " + tmp);
  block_end_ = end;
  return Status::OK();
}

Result<int64_t> ProducerIdManager::Next() {
  if (next_ >= block_end_) TIDE_RETURN_IF_ERROR(ReserveBlock());
  return next_++;
}

}  // namespace tide::kafka
