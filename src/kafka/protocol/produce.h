// Produce (key 0), versions 0-9. Flexible from v9.
//
// Record data stays raw (Records, a span): decoding points into the request buffer, so a decoded
// ProduceRequest is valid only while that buffer is. Version 0-2 carry message-format v0/v1
// batches, v3+ format v2; checking that is the handler's job. With acks == 0 the broker sends no
// response at all (also the handler's job).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct ProduceRequest {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  struct PartitionProduceData {
    int32_t index = 0;
    Records records;
    bool operator==(const PartitionProduceData&) const = default;
  };
  struct TopicProduceData {
    std::string name;
    std::vector<PartitionProduceData> partition_data;
    bool operator==(const TopicProduceData&) const = default;
  };

  std::optional<std::string> transactional_id;  // v3+
  int16_t acks = 0;
  int32_t timeout_ms = 0;
  std::vector<TopicProduceData> topic_data;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ProduceRequest&) const = default;
};

struct ProduceResponse {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  struct BatchIndexAndErrorMessage {
    int32_t batch_index = 0;
    std::optional<std::string> batch_index_error_message;
    bool operator==(const BatchIndexAndErrorMessage&) const = default;
  };
  struct PartitionProduceResponse {
    int32_t index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t base_offset = 0;
    int64_t log_append_time_ms = -1;                      // v2+
    int64_t log_start_offset = -1;                        // v5+
    std::vector<BatchIndexAndErrorMessage> record_errors;  // v8+
    std::optional<std::string> error_message;             // v8+
    bool operator==(const PartitionProduceResponse&) const = default;
  };
  struct TopicProduceResponse {
    std::string name;
    std::vector<PartitionProduceResponse> partition_responses;
    bool operator==(const TopicProduceResponse&) const = default;
  };

  std::vector<TopicProduceResponse> responses;
  int32_t throttle_time_ms = 0;  // v1+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ProduceResponse&) const = default;
};

}  // namespace tide::kafka
