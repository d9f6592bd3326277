// CreatePartitions (key 37), versions 0-3. Flexible from v2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct CreatePartitionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kCreatePartitions;
  struct CreatePartitionsAssignment {
    std::vector<int32_t> broker_ids;
    bool operator==(const CreatePartitionsAssignment&) const = default;
  };
  struct CreatePartitionsTopic {
    std::string name;
    int32_t count = 0;  // the new total number of partitions
    std::optional<std::vector<CreatePartitionsAssignment>> assignments;
    bool operator==(const CreatePartitionsTopic&) const = default;
  };

  std::vector<CreatePartitionsTopic> topics;
  int32_t timeout_ms = 0;
  bool validate_only = false;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const CreatePartitionsRequest&) const = default;
};

struct CreatePartitionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kCreatePartitions;
  struct CreatePartitionsTopicResult {
    std::string name;
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;
    bool operator==(const CreatePartitionsTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<CreatePartitionsTopicResult> results;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const CreatePartitionsResponse&) const = default;
};

}  // namespace tide::kafka
