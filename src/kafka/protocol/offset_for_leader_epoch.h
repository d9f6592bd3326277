// OffsetForLeaderEpoch (key 23), versions 0-4. Flexible from v4.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct OffsetForLeaderEpochRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetForLeaderEpoch;
  static constexpr int32_t kConsumerReplicaId = -1;
  static constexpr int32_t kDebuggingReplicaId = -2;
  struct OffsetForLeaderPartition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // v2+
    int32_t leader_epoch = 0;
    bool operator==(const OffsetForLeaderPartition&) const = default;
  };
  struct OffsetForLeaderTopic {
    std::string topic;
    std::vector<OffsetForLeaderPartition> partitions;
    bool operator==(const OffsetForLeaderTopic&) const = default;
  };

  int32_t replica_id = kDebuggingReplicaId;  // v3+
  std::vector<OffsetForLeaderTopic> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const OffsetForLeaderEpochRequest&) const = default;
};

struct OffsetForLeaderEpochResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetForLeaderEpoch;
  struct EpochEndOffset {
    ErrorCode error_code = ErrorCode::kNone;
    int32_t partition = 0;
    int32_t leader_epoch = -1;  // v1+
    int64_t end_offset = -1;
    bool operator==(const EpochEndOffset&) const = default;
  };
  struct OffsetForLeaderTopicResult {
    std::string topic;
    std::vector<EpochEndOffset> partitions;
    bool operator==(const OffsetForLeaderTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<OffsetForLeaderTopicResult> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const OffsetForLeaderEpochResponse&) const = default;
};

}  // namespace tide::kafka
