// EndTxn (key 26), versions 0-3. Flexible from v3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct EndTxnRequest {
  static constexpr ApiKey kApiKey = ApiKey::kEndTxn;
  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  bool committed = false;  // true = commit, false = abort

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const EndTxnRequest&) const = default;
};

struct EndTxnResponse {
  static constexpr ApiKey kApiKey = ApiKey::kEndTxn;
  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const EndTxnResponse&) const = default;
};

}  // namespace tide::kafka
