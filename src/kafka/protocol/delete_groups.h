// DeleteGroups (key 42), versions 0-2. Flexible from v2.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct DeleteGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteGroups;
  std::vector<std::string> groups_names;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DeleteGroupsRequest&) const = default;
};

struct DeleteGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteGroups;
  struct DeletableGroupResult {
    std::string group_id;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const DeletableGroupResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<DeletableGroupResult> results;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DeleteGroupsResponse&) const = default;
};

}  // namespace tide::kafka
