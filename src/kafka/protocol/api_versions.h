// ApiVersions (key 18), versions 0-3. Flexible from v3; the response always travels with
// response header v0 (see ResponseHeaderVersion).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct ApiVersionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  std::string client_software_name;     // v3+
  std::string client_software_version;  // v3+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ApiVersionsRequest&) const = default;
};

struct ApiVersionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  struct ApiVersion {
    int16_t api_key = 0;
    int16_t min_version = 0;
    int16_t max_version = 0;
    bool operator==(const ApiVersion&) const = default;
  };
  struct SupportedFeatureKey {
    std::string name;
    int16_t min_version = 0;
    int16_t max_version = 0;
    bool operator==(const SupportedFeatureKey&) const = default;
  };
  struct FinalizedFeatureKey {
    std::string name;
    int16_t max_version_level = 0;
    int16_t min_version_level = 0;
    bool operator==(const FinalizedFeatureKey&) const = default;
  };

  ErrorCode error_code = ErrorCode::kNone;
  std::vector<ApiVersion> api_keys;
  int32_t throttle_time_ms = 0;                          // v1+
  std::vector<SupportedFeatureKey> supported_features;   // v3+, tag 0
  int64_t finalized_features_epoch = -1;                 // v3+, tag 1
  std::vector<FinalizedFeatureKey> finalized_features;   // v3+, tag 2
  bool zk_migration_ready = false;                       // v3+, tag 3

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ApiVersionsResponse&) const = default;
};

// The response a broker sends to a supported ApiVersions request: every entry of SupportedApis().
ApiVersionsResponse MakeApiVersionsResponse();

// The answer to an ApiVersions request whose version the broker does not support (KIP-511):
// error UNSUPPORTED_VERSION and, so the client can retry, only the ApiVersions entry with the
// versions Tide supports. Encode it as version 0 (with response header v0), whatever version the
// client asked for: v0 is the layout every client can parse.
ApiVersionsResponse MakeUnsupportedApiVersionsResponse();

}  // namespace tide::kafka
