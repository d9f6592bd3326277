// SaslAuthenticate (key 36), versions 0-2. Flexible from v2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct SaslAuthenticateRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslAuthenticate;
  std::vector<uint8_t> auth_bytes;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const SaslAuthenticateRequest&) const = default;
};

struct SaslAuthenticateResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSaslAuthenticate;
  ErrorCode error_code = ErrorCode::kNone;
  std::optional<std::string> error_message;
  std::vector<uint8_t> auth_bytes;
  int64_t session_lifetime_ms = 0;  // v1+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const SaslAuthenticateResponse&) const = default;
};

}  // namespace tide::kafka
