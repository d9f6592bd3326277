// LeaveGroup (key 13), versions 0-5. Flexible from v4.
//
// Version semantics handled here: v0-2 carry one member_id; v3+ a batch of members. Requests
// always decode to `members` (v0-2: one entry). Responses carry per-member results only from
// v3; at v0-2 only the top-level error_code is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct LeaveGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  struct MemberIdentity {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v3+
    std::optional<std::string> reason;             // v5+
    bool operator==(const MemberIdentity&) const = default;
  };

  std::string group_id;
  std::vector<MemberIdentity> members;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const LeaveGroupRequest&) const = default;
};

struct LeaveGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  struct MemberResponse {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const MemberResponse&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<MemberResponse> members;  // v3+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const LeaveGroupResponse&) const = default;
};

}  // namespace tide::kafka
