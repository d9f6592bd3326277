// Fetch (key 1), versions 0-12. Flexible from v12. (v13+ address topics by ID only.)
//
// Records in the response are raw bytes (Records): the encoder copies them into the output, or,
// when they name a file region and the Writer has a file sink, leaves them to be sent from the
// file (the broker's zero-copy fetch; see Records in wire.h).
// A decoded FetchResponse points into the decoded buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct FetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  struct FetchPartition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;  // v9+
    int64_t fetch_offset = 0;
    int32_t last_fetched_epoch = -1;  // v12+
    int64_t log_start_offset = -1;    // v5+
    int32_t partition_max_bytes = 0;
    bool operator==(const FetchPartition&) const = default;
  };
  struct FetchTopic {
    std::string topic;
    std::vector<FetchPartition> partitions;
    bool operator==(const FetchTopic&) const = default;
  };
  struct ForgottenTopic {
    std::string topic;
    std::vector<int32_t> partitions;
    bool operator==(const ForgottenTopic&) const = default;
  };

  std::optional<std::string> cluster_id;  // v12+, tag 0
  int32_t replica_id = -1;
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = 0x7fffffff;  // v3+
  int8_t isolation_level = 0;      // v4+: 0 READ_UNCOMMITTED, 1 READ_COMMITTED
  int32_t session_id = 0;          // v7+
  int32_t session_epoch = -1;      // v7+
  std::vector<FetchTopic> topics;
  std::vector<ForgottenTopic> forgotten_topics_data;  // v7+
  std::string rack_id;                                // v11+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const FetchRequest&) const = default;
};

struct FetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  struct EpochEndOffset {
    int32_t epoch = -1;
    int64_t end_offset = -1;
    bool operator==(const EpochEndOffset&) const = default;
  };
  struct LeaderIdAndEpoch {
    int32_t leader_id = -1;
    int32_t leader_epoch = -1;
    bool operator==(const LeaderIdAndEpoch&) const = default;
  };
  struct SnapshotId {
    int64_t end_offset = -1;
    int32_t epoch = -1;
    bool operator==(const SnapshotId&) const = default;
  };
  struct AbortedTransaction {
    int64_t producer_id = 0;
    int64_t first_offset = 0;
    bool operator==(const AbortedTransaction&) const = default;
  };
  struct PartitionData {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t high_watermark = 0;
    int64_t last_stable_offset = -1;  // v4+
    int64_t log_start_offset = -1;    // v5+
    EpochEndOffset diverging_epoch;   // v12+, tag 0
    LeaderIdAndEpoch current_leader;  // v12+, tag 1
    SnapshotId snapshot_id;           // v12+, tag 2
    std::optional<std::vector<AbortedTransaction>> aborted_transactions;  // v4+
    int32_t preferred_read_replica = -1;                                  // v11+
    Records records;
    bool operator==(const PartitionData&) const = default;
  };
  struct FetchableTopicResponse {
    std::string topic;
    std::vector<PartitionData> partitions;
    bool operator==(const FetchableTopicResponse&) const = default;
  };

  int32_t throttle_time_ms = 0;             // v1+
  ErrorCode error_code = ErrorCode::kNone;  // v7+
  int32_t session_id = 0;                   // v7+
  std::vector<FetchableTopicResponse> responses;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const FetchResponse&) const = default;
};

}  // namespace tide::kafka
