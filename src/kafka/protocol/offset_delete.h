// OffsetDelete (key 47), version 0. Not flexible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct OffsetDeleteRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetDelete;
  struct OffsetDeleteRequestPartition {
    int32_t partition_index = 0;
    bool operator==(const OffsetDeleteRequestPartition&) const = default;
  };
  struct OffsetDeleteRequestTopic {
    std::string name;
    std::vector<OffsetDeleteRequestPartition> partitions;
    bool operator==(const OffsetDeleteRequestTopic&) const = default;
  };

  std::string group_id;
  std::vector<OffsetDeleteRequestTopic> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const OffsetDeleteRequest&) const = default;
};

struct OffsetDeleteResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetDelete;
  struct OffsetDeleteResponsePartition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const OffsetDeleteResponsePartition&) const = default;
  };
  struct OffsetDeleteResponseTopic {
    std::string name;
    std::vector<OffsetDeleteResponsePartition> partitions;
    bool operator==(const OffsetDeleteResponseTopic&) const = default;
  };

  ErrorCode error_code = ErrorCode::kNone;
  int32_t throttle_time_ms = 0;
  std::vector<OffsetDeleteResponseTopic> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const OffsetDeleteResponse&) const = default;
};

}  // namespace tide::kafka
