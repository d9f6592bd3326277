// AddOffsetsToTxn (key 25), versions 0-3. Flexible from v3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct AddOffsetsToTxnRequest {
  static constexpr ApiKey kApiKey = ApiKey::kAddOffsetsToTxn;
  std::string transactional_id;
  int64_t producer_id = 0;
  int16_t producer_epoch = 0;
  std::string group_id;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const AddOffsetsToTxnRequest&) const = default;
};

struct AddOffsetsToTxnResponse {
  static constexpr ApiKey kApiKey = ApiKey::kAddOffsetsToTxn;
  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const AddOffsetsToTxnResponse&) const = default;
};

}  // namespace tide::kafka
