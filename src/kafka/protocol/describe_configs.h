// DescribeConfigs (key 32), versions 0-4. Flexible from v4.
//
// resource_type: 2 TOPIC, 4 BROKER, 8 BROKER_LOGGER. config_source (v1+): 1 DYNAMIC_TOPIC_CONFIG,
// 2 DYNAMIC_BROKER_CONFIG, 3 DYNAMIC_DEFAULT_BROKER_CONFIG, 4 STATIC_BROKER_CONFIG,
// 5 DEFAULT_CONFIG, 6 DYNAMIC_BROKER_LOGGER_CONFIG. v0 has is_default instead of config_source.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct DescribeConfigsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeConfigs;
  struct DescribeConfigsResource {
    int8_t resource_type = 0;
    std::string resource_name;
    std::optional<std::vector<std::string>> configuration_keys;  // nullopt = all
    bool operator==(const DescribeConfigsResource&) const = default;
  };

  std::vector<DescribeConfigsResource> resources;
  bool include_synonyms = false;       // v1+
  bool include_documentation = false;  // v3+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DescribeConfigsRequest&) const = default;
};

struct DescribeConfigsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeConfigs;
  struct DescribeConfigsSynonym {
    std::string name;
    std::optional<std::string> value;
    int8_t source = 0;
    bool operator==(const DescribeConfigsSynonym&) const = default;
  };
  struct DescribeConfigsResourceResult {
    std::string name;
    std::optional<std::string> value;
    bool read_only = false;
    bool is_default = false;     // v0 only
    int8_t config_source = -1;   // v1+
    bool is_sensitive = false;
    std::vector<DescribeConfigsSynonym> synonyms;  // v1+
    int8_t config_type = 0;                        // v3+
    std::optional<std::string> documentation;      // v3+
    bool operator==(const DescribeConfigsResourceResult&) const = default;
  };
  struct DescribeConfigsResult {
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;
    int8_t resource_type = 0;
    std::string resource_name;
    std::vector<DescribeConfigsResourceResult> configs;
    bool operator==(const DescribeConfigsResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<DescribeConfigsResult> results;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DescribeConfigsResponse&) const = default;
};

}  // namespace tide::kafka
