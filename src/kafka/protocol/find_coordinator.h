// FindCoordinator (key 10), versions 0-4. Flexible from v3.
//
// Version semantics handled here: v0-3 look up one key and answer with top-level fields; v4
// batches keys (coordinator_keys) and answers with a `coordinators` list. Both shapes decode to
// the v4 shape: a v0-3 request yields coordinator_keys = {key}, a v0-3 response yields one
// coordinator (with an empty key, which v0-3 do not send). Encoding at v0-3 writes
// coordinator_keys[0] / coordinators[0] in the old layout (and nothing if the list is empty),
// so handlers always fill `coordinators` in request order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct FindCoordinatorRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  static constexpr int8_t kGroupKeyType = 0;
  static constexpr int8_t kTransactionKeyType = 1;

  int8_t key_type = kGroupKeyType;  // v1+
  std::vector<std::string> coordinator_keys;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const FindCoordinatorRequest&) const = default;
};

struct FindCoordinatorResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  struct Coordinator {
    std::string key;  // v4+ only on the wire
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;  // v1+
    bool operator==(const Coordinator&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v1+
  std::vector<Coordinator> coordinators;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const FindCoordinatorResponse&) const = default;
};

}  // namespace tide::kafka
