// OffsetCommit (key 8), versions 0-8. Flexible from v8.
//
// generation_id -1 with an empty member_id (or v0, which has neither) is a "simple" commit by a
// client outside any group generation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct OffsetCommitRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  struct OffsetCommitRequestPartition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;  // v6+
    int64_t commit_timestamp = -1;        // v1 only
    std::optional<std::string> committed_metadata;
    bool operator==(const OffsetCommitRequestPartition&) const = default;
  };
  struct OffsetCommitRequestTopic {
    std::string name;
    std::vector<OffsetCommitRequestPartition> partitions;
    bool operator==(const OffsetCommitRequestTopic&) const = default;
  };

  std::string group_id;
  int32_t generation_id = -1;  // v1+
  std::string member_id;       // v1+
  std::optional<std::string> group_instance_id;  // v7+
  int64_t retention_time_ms = -1;                // v2-4
  std::vector<OffsetCommitRequestTopic> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const OffsetCommitRequest&) const = default;
};

struct OffsetCommitResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  struct OffsetCommitResponsePartition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const OffsetCommitResponsePartition&) const = default;
  };
  struct OffsetCommitResponseTopic {
    std::string name;
    std::vector<OffsetCommitResponsePartition> partitions;
    bool operator==(const OffsetCommitResponseTopic&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<OffsetCommitResponseTopic> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const OffsetCommitResponse&) const = default;
};

}  // namespace tide::kafka
