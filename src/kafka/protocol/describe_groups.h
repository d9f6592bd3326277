// DescribeGroups (key 15), versions 0-5. Flexible from v5.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct DescribeGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  std::vector<std::string> groups;
  bool include_authorized_operations = false;  // v3+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DescribeGroupsRequest&) const = default;
};

struct DescribeGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  struct DescribedGroupMember {
    std::string member_id;
    std::optional<std::string> group_instance_id;  // v4+
    std::string client_id;
    std::string client_host;
    std::vector<uint8_t> member_metadata;    // for "consumer": ConsumerProtocolSubscription
    std::vector<uint8_t> member_assignment;  // for "consumer": ConsumerProtocolAssignment
    bool operator==(const DescribedGroupMember&) const = default;
  };
  struct DescribedGroup {
    ErrorCode error_code = ErrorCode::kNone;
    std::string group_id;
    std::string group_state;
    std::string protocol_type;
    std::string protocol_data;  // the selected protocol (assignor) name
    std::vector<DescribedGroupMember> members;
    int32_t authorized_operations = std::numeric_limits<int32_t>::min();  // v3+
    bool operator==(const DescribedGroup&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  std::vector<DescribedGroup> groups;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DescribeGroupsResponse&) const = default;
};

}  // namespace tide::kafka
