// DeleteTopics (key 20), versions 0-6. Flexible from v4.
//
// Version semantics handled here: v0-5 send a list of names (TopicNames); v6 sends
// {name, topic_id} pairs. Both decode into `topics` (v0-5 entries have a zero topic_id), and
// encoding at v0-5 writes the names of `topics`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct DeleteTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  struct DeleteTopicState {
    std::optional<std::string> name = std::string();  // null only at v6+ (delete by topic_id)
    Uuid topic_id{};                  // v6+
    bool operator==(const DeleteTopicState&) const = default;
  };

  std::vector<DeleteTopicState> topics;
  int32_t timeout_ms = 0;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DeleteTopicsRequest&) const = default;
};

struct DeleteTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  struct DeletableTopicResult {
    std::optional<std::string> name = std::string();  // null only at v6+
    Uuid topic_id{};                  // v6+
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;  // v5+
    bool operator==(const DeletableTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  std::vector<DeletableTopicResult> responses;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DeleteTopicsResponse&) const = default;
};

}  // namespace tide::kafka
