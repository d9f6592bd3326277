// CreateTopics (key 19), versions 0-7. Flexible from v5.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct CreateTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  struct CreatableReplicaAssignment {
    int32_t partition_index = 0;
    std::vector<int32_t> broker_ids;
    bool operator==(const CreatableReplicaAssignment&) const = default;
  };
  struct CreatableTopicConfig {
    std::string name;
    std::optional<std::string> value;
    bool operator==(const CreatableTopicConfig&) const = default;
  };
  struct CreatableTopic {
    std::string name;
    int32_t num_partitions = -1;      // -1: broker default (v4+) or from assignments
    int16_t replication_factor = -1;  // -1: broker default (v4+) or from assignments
    std::vector<CreatableReplicaAssignment> assignments;
    std::vector<CreatableTopicConfig> configs;
    bool operator==(const CreatableTopic&) const = default;
  };

  std::vector<CreatableTopic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false;  // v1+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const CreateTopicsRequest&) const = default;
};

struct CreateTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  struct CreatableTopicConfigs {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    int8_t config_source = -1;
    bool is_sensitive = false;
    bool operator==(const CreatableTopicConfigs&) const = default;
  };
  struct CreatableTopicResult {
    std::string name;
    Uuid topic_id{};  // v7+
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;                   // v1+
    ErrorCode topic_config_error_code = ErrorCode::kNone;       // v5+, tag 0
    int32_t num_partitions = -1;                                // v5+
    int16_t replication_factor = -1;                            // v5+
    std::optional<std::vector<CreatableTopicConfigs>> configs;  // v5+
    bool operator==(const CreatableTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  std::vector<CreatableTopicResult> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const CreateTopicsResponse&) const = default;
};

}  // namespace tide::kafka
