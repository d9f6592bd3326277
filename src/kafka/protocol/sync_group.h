// SyncGroup (key 14), versions 0-5. Flexible from v4.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct SyncGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  struct SyncGroupRequestAssignment {
    std::string member_id;
    std::vector<uint8_t> assignment;  // for "consumer": a ConsumerProtocolAssignment
    bool operator==(const SyncGroupRequestAssignment&) const = default;
  };

  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v3+
  std::optional<std::string> protocol_type;      // v5+
  std::optional<std::string> protocol_name;      // v5+
  std::vector<SyncGroupRequestAssignment> assignments;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const SyncGroupRequest&) const = default;
};

struct SyncGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  std::optional<std::string> protocol_type;  // v5+
  std::optional<std::string> protocol_name;  // v5+
  std::vector<uint8_t> assignment;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const SyncGroupResponse&) const = default;
};

}  // namespace tide::kafka
