// OffsetFetch (key 9), versions 0-8. Flexible from v6.
//
// Version semantics handled here: v0-7 fetch offsets of one group; v8 batches groups. Both
// decode to the v8 shape (`groups`): a v0-7 request becomes one group, a v0-7 response one
// group whose error_code is the top-level one (v2-7; v0-1 have none). Encoding at v0-7 writes
// groups[0] in the old layout, so handlers always answer with `groups` in request order.
// A null topic list (v2+) asks for all committed offsets of the group; at v0-1 it is written
// as an empty list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct OffsetFetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  struct OffsetFetchRequestTopics {
    std::string name;
    std::vector<int32_t> partition_indexes;
    bool operator==(const OffsetFetchRequestTopics&) const = default;
  };
  struct OffsetFetchRequestGroup {
    std::string group_id;
    std::optional<std::vector<OffsetFetchRequestTopics>> topics;  // nullopt = all topics
    bool operator==(const OffsetFetchRequestGroup&) const = default;
  };

  std::vector<OffsetFetchRequestGroup> groups;
  bool require_stable = false;  // v7+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const OffsetFetchRequest&) const = default;
};

struct OffsetFetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  struct OffsetFetchResponsePartitions {
    int32_t partition_index = 0;
    int64_t committed_offset = -1;
    int32_t committed_leader_epoch = -1;  // v5+
    std::optional<std::string> metadata;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const OffsetFetchResponsePartitions&) const = default;
  };
  struct OffsetFetchResponseTopics {
    std::string name;
    std::vector<OffsetFetchResponsePartitions> partitions;
    bool operator==(const OffsetFetchResponseTopics&) const = default;
  };
  struct OffsetFetchResponseGroup {
    std::string group_id;  // v8+ only on the wire
    std::vector<OffsetFetchResponseTopics> topics;
    ErrorCode error_code = ErrorCode::kNone;  // v2+
    bool operator==(const OffsetFetchResponseGroup&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<OffsetFetchResponseGroup> groups;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const OffsetFetchResponse&) const = default;
};

}  // namespace tide::kafka
