// ListOffsets (key 2), versions 0-7. Flexible from v6.
//
// Special timestamps: -1 latest, -2 earliest, -3 max timestamp (v7+).
// Version semantics handled here: v0 answers with a list of offsets (old_style_offsets) instead
// of one offset + timestamp. Handlers may fill just `offset`: encoding v0 with an empty
// old_style_offsets writes [offset] (or [] when offset is -1), and decoding v0 sets `offset` to
// the first listed offset. v0 requests carry max_num_offsets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct ListOffsetsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  static constexpr int64_t kLatestTimestamp = -1;
  static constexpr int64_t kEarliestTimestamp = -2;
  static constexpr int64_t kMaxTimestamp = -3;

  struct ListOffsetsPartition {
    int32_t partition_index = 0;
    int32_t current_leader_epoch = -1;  // v4+
    int64_t timestamp = 0;
    int32_t max_num_offsets = 1;  // v0 only
    bool operator==(const ListOffsetsPartition&) const = default;
  };
  struct ListOffsetsTopic {
    std::string name;
    std::vector<ListOffsetsPartition> partitions;
    bool operator==(const ListOffsetsTopic&) const = default;
  };

  int32_t replica_id = -1;
  int8_t isolation_level = 0;  // v2+
  std::vector<ListOffsetsTopic> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ListOffsetsRequest&) const = default;
};

struct ListOffsetsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  struct ListOffsetsPartitionResponse {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    std::vector<int64_t> old_style_offsets;  // v0 only
    int64_t timestamp = -1;                  // v1+
    int64_t offset = -1;                     // v1+
    int32_t leader_epoch = -1;               // v4+
    bool operator==(const ListOffsetsPartitionResponse&) const = default;
  };
  struct ListOffsetsTopicResponse {
    std::string name;
    std::vector<ListOffsetsPartitionResponse> partitions;
    bool operator==(const ListOffsetsTopicResponse&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<ListOffsetsTopicResponse> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ListOffsetsResponse&) const = default;
};

}  // namespace tide::kafka
