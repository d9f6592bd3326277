// JoinGroup (key 11), versions 0-9. Flexible from v6.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct JoinGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  struct JoinGroupRequestProtocol {
    std::string name;
    std::vector<uint8_t> metadata;  // for "consumer": a ConsumerProtocolSubscription
    bool operator==(const JoinGroupRequestProtocol&) const = default;
  };

  std::string group_id;
  int32_t session_timeout_ms = 0;
  // v1+. Decoding v0 sets it to session_timeout_ms, which served as both before v1.
  int32_t rebalance_timeout_ms = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v5+
  std::string protocol_type;
  std::vector<JoinGroupRequestProtocol> protocols;
  std::optional<std::string> reason;  // v8+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const JoinGroupRequest&) const = default;
};

struct JoinGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  struct JoinGroupResponseMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v5+
    std::vector<uint8_t> metadata;
    bool operator==(const JoinGroupResponseMember&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v2+
  ErrorCode error_code = ErrorCode::kNone;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;  // v7+
  std::optional<std::string> protocol_name;  // nullable from v7; before v7 null is written as ""
  std::string leader;
  bool skip_assignment = false;  // v9+
  std::string member_id;
  std::vector<JoinGroupResponseMember> members;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const JoinGroupResponse&) const = default;
};

}  // namespace tide::kafka
