// Kafka request and response headers.
//
//   request header v0: api_key int16, api_version int16, correlation_id int32
//   request header v1: v0 + client_id (classic nullable string)
//   request header v2: v1 + tagged fields. client_id stays a classic (int16-length) string even
//                      though the header is flexible, for compatibility with old brokers.
//   response header v0: correlation_id int32
//   response header v1: v0 + tagged fields
//
// Which version applies is RequestHeaderVersion()/ResponseHeaderVersion() in api_keys.h.
// The 4-byte size prefix in front of every request and response is not part of the header: the
// connection reads it to frame a request and writes it in front of each response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct RequestHeader {
  ApiKey api_key = ApiKey::kApiVersions;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;

  // Decodes a header of the given header version (0, 1 or 2).
  base::Status Decode(Reader& r, int16_t header_version);
  void Encode(Writer& w, int16_t header_version) const;
  bool operator==(const RequestHeader&) const = default;
};

struct ResponseHeader {
  int32_t correlation_id = 0;

  base::Status Decode(Reader& r, int16_t header_version);
  void Encode(Writer& w, int16_t header_version) const;
  bool operator==(const ResponseHeader&) const = default;
};

}  // namespace tide::kafka
