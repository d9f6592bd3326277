// InitProducerId (key 22), versions 0-4. Flexible from v2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct InitProducerIdRequest {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  std::optional<std::string> transactional_id;  // null for an idempotent (non-transactional) producer
  int32_t transaction_timeout_ms = 0;
  int64_t producer_id = -1;    // v3+
  int16_t producer_epoch = -1;  // v3+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const InitProducerIdRequest&) const = default;
};

struct InitProducerIdResponse {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = 0;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const InitProducerIdResponse&) const = default;
};

}  // namespace tide::kafka
