// ListGroups (key 16), versions 0-4. Flexible from v3.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct ListGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  std::vector<std::string> states_filter;  // v4+; empty = all states

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ListGroupsRequest&) const = default;
};

struct ListGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  struct ListedGroup {
    std::string group_id;
    std::string protocol_type;
    std::string group_state;  // v4+
    bool operator==(const ListedGroup&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<ListedGroup> groups;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ListGroupsResponse&) const = default;
};

}  // namespace tide::kafka
