// AddPartitionsToTxn (key 24), versions 0-3. Flexible from v3. (v4+ batch transactions
// for brokers only.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct AddPartitionsToTxnRequest {
  static constexpr ApiKey kApiKey = ApiKey::kAddPartitionsToTxn;
  struct AddPartitionsToTxnTopic {
    std::string name;
    std::vector<int32_t> partitions;
    bool operator==(const AddPartitionsToTxnTopic&) const = default;
  };

  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  std::vector<AddPartitionsToTxnTopic> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const AddPartitionsToTxnRequest&) const = default;
};

struct AddPartitionsToTxnResponse {
  static constexpr ApiKey kApiKey = ApiKey::kAddPartitionsToTxn;
  struct AddPartitionsToTxnPartitionResult {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const AddPartitionsToTxnPartitionResult&) const = default;
  };
  struct AddPartitionsToTxnTopicResult {
    std::string name;
    std::vector<AddPartitionsToTxnPartitionResult> results;
    bool operator==(const AddPartitionsToTxnTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<AddPartitionsToTxnTopicResult> results;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const AddPartitionsToTxnResponse&) const = default;
};

}  // namespace tide::kafka
