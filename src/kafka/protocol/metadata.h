// Metadata (key 3), versions 0-12. Flexible from v9.
//
// Version semantics handled here: in v0 an empty topic list means "all topics"; from v1 that is
// a null list. Decoding always yields topics == nullopt for "all topics", and encoding nullopt at
// v0 writes the empty list. Topic IDs (v10+) are carried but Tide's broker has none: it leaves
// them zero and clients that do not use topic IDs (all of ours) ignore them.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct MetadataRequest {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  struct MetadataRequestTopic {
    Uuid topic_id{};                  // v10+
    std::optional<std::string> name = std::string();  // null only from v10 (lookup by topic_id)
    bool operator==(const MetadataRequestTopic&) const = default;
  };

  std::optional<std::vector<MetadataRequestTopic>> topics;  // nullopt = all topics
  bool allow_auto_topic_creation = true;                    // v4+
  bool include_cluster_authorized_operations = false;       // v8-10
  bool include_topic_authorized_operations = false;         // v8+

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const MetadataRequest&) const = default;
};

struct MetadataResponse {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  static constexpr int32_t kAuthorizedOperationsOmitted = std::numeric_limits<int32_t>::min();

  struct MetadataResponseBroker {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;  // v1+
    bool operator==(const MetadataResponseBroker&) const = default;
  };
  struct MetadataResponsePartition {
    ErrorCode error_code = ErrorCode::kNone;
    int32_t partition_index = 0;
    int32_t leader_id = 0;
    int32_t leader_epoch = -1;  // v7+
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::vector<int32_t> offline_replicas;  // v5+
    bool operator==(const MetadataResponsePartition&) const = default;
  };
  struct MetadataResponseTopic {
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> name = std::string();  // null only from v12
    Uuid topic_id{};                  // v10+
    bool is_internal = false;         // v1+
    std::vector<MetadataResponsePartition> partitions;
    int32_t topic_authorized_operations = kAuthorizedOperationsOmitted;  // v8+
    bool operator==(const MetadataResponseTopic&) const = default;
  };

  int32_t throttle_time_ms = 0;  // v3+
  std::vector<MetadataResponseBroker> brokers;
  std::optional<std::string> cluster_id;  // v2+
  int32_t controller_id = -1;             // v1+
  std::vector<MetadataResponseTopic> topics;
  int32_t cluster_authorized_operations = kAuthorizedOperationsOmitted;  // v8-10

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const MetadataResponse&) const = default;
};

}  // namespace tide::kafka
