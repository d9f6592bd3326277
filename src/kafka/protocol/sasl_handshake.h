// SaslHandshake (key 17), versions 0-1. Never flexible.
//
// v0: the SASL tokens that follow are raw size-prefixed frames; v1: they travel in
// SaslAuthenticate requests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct SaslHandshakeRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslHandshake;
  std::string mechanism;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const SaslHandshakeRequest&) const = default;
};

struct SaslHandshakeResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSaslHandshake;
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<std::string> mechanisms;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const SaslHandshakeResponse&) const = default;
};

}  // namespace tide::kafka
