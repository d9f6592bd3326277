// DeleteRecords (key 21), versions 0-2. Flexible from v2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct DeleteRecordsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteRecords;
  struct DeleteRecordsPartition {
    int32_t partition_index = 0;
    int64_t offset = 0;  // delete records before this offset; -1 = the high watermark
    bool operator==(const DeleteRecordsPartition&) const = default;
  };
  struct DeleteRecordsTopic {
    std::string name;
    std::vector<DeleteRecordsPartition> partitions;
    bool operator==(const DeleteRecordsTopic&) const = default;
  };

  std::vector<DeleteRecordsTopic> topics;
  int32_t timeout_ms = 0;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DeleteRecordsRequest&) const = default;
};

struct DeleteRecordsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteRecords;
  struct DeleteRecordsPartitionResult {
    int32_t partition_index = 0;
    int64_t low_watermark = 0;
    ErrorCode error_code = ErrorCode::kNone;
    bool operator==(const DeleteRecordsPartitionResult&) const = default;
  };
  struct DeleteRecordsTopicResult {
    std::string name;
    std::vector<DeleteRecordsPartitionResult> partitions;
    bool operator==(const DeleteRecordsTopicResult&) const = default;
  };

  int32_t throttle_time_ms = 0;
  std::vector<DeleteRecordsTopicResult> topics;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const DeleteRecordsResponse&) const = default;
};

}  // namespace tide::kafka
