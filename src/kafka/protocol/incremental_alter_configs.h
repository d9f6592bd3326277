// IncrementalAlterConfigs (key 44), versions 0-1. Flexible from v1.
//
// config_operation: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct IncrementalAlterConfigsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kIncrementalAlterConfigs;
  struct AlterableConfig {
    std::string name;
    int8_t config_operation = 0;
    std::optional<std::string> value;
    bool operator==(const AlterableConfig&) const = default;
  };
  struct AlterConfigsResource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<AlterableConfig> configs;
    bool operator==(const AlterConfigsResource&) const = default;
  };

  std::vector<AlterConfigsResource> resources;
  bool validate_only = false;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const IncrementalAlterConfigsRequest&) const = default;
};

struct IncrementalAlterConfigsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kIncrementalAlterConfigs;
  struct AlterConfigsResourceResponse {
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;
    bool operator==(const AlterConfigsResourceResponse&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<AlterConfigsResourceResponse> responses;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const IncrementalAlterConfigsResponse&) const = default;
};

}  // namespace tide::kafka
