// Allocates producer ids for idempotent and transactional producers (InitProducerId).
//
// Ids must never repeat across restarts, or a new producer could be mistaken for an old one's
// retries. The manager reserves blocks of ids by persisting the block's end in
// <meta_dir>/producer_id_block (write temp, fsync, rename) before handing out any id of it;
// after a crash the unused rest of a block is skipped.
//
// Thread-safety: not thread-safe; used from the broker's loop thread.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace tide::kafka {

class ProducerIdManager {
 public:
  explicit ProducerIdManager(std::string meta_dir, int64_t block_size = 1000);
  base::Status Open();
  base::Result<int64_t> Next();

 private:
  base::Status ReserveBlock();
  std::string path_;
  int64_t block_size_;
  int64_t next_ = 0;
  int64_t block_end_ = 0;  // exclusive; persisted
};

}  // namespace tide::kafka
