// TxnOffsetCommit (key 28), versions 0-3. Flexible from v3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct TxnOffsetCommitRequest {
  static constexpr ApiKey kApiKey = ApiKey::kTxnOffsetCommit;
  struct TxnOffsetCommitRequestPartition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v2+
    std::optional<std::string> committed_metadata;
    bool operator==(const TxnOffsetCommitRequestPartition&) const = default;
  };
  struct TxnOffsetCommitRequestTopic {
    std::string name;
    std::vector<TxnOffsetCommitRequestPartition> partitions;
    bool operator==(const TxnOffsetCommitRequestTopic&) const = default;
  };

  std::string transactional_id;
  std::string group_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  int32_t generation_id = -1;                    // v3+
  std::string member_id;                         // v3+
  std::optional<std::string> group_instance_id;  // v3+
  std::vector<TxnOffsetCommitRequestTopic> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const TxnOffsetCommitRequest&) const = default;
};

struct TxnOffsetCommitResponse {
  static constexpr ApiKey kApiKey = ApiKey::kTxnOffsetCommit;
  struct TxnOffsetCommitResponsePartition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const TxnOffsetCommitResponsePartition&) const = default;
  };
  struct TxnOffsetCommitResponseTopic {
    std::string name;
    std::vector<TxnOffsetCommitResponsePartition> partitions;
    bool operator==(const TxnOffsetCommitResponseTopic&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<TxnOffsetCommitResponseTopic> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const TxnOffsetCommitResponse&) const = default;
};

}  // namespace tide::kafka
