// The consumer group protocol's embedded payloads (protocol type "consumer"): the member
// metadata a consumer sends in JoinGroup (ConsumerProtocolSubscription) and the assignment the
// leader distributes through SyncGroup (ConsumerProtocolAssignment). Versions 0-3, never
// flexible. On the wire each payload starts with its int16 version.
//
// Forward compatibility, as Kafka's ConsumerProtocol: a payload with a version above 3 is read
// with the v3 layout and any trailing bytes are ignored (newer versions only append fields).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "kafka/protocol/wire.h"

namespace tide::kafka {

struct ConsumerProtocolTopicPartitions {
  std::string topic;
  std::vector<int32_t> partitions;
  bool operator==(const ConsumerProtocolTopicPartitions&) const = default;
};

struct ConsumerProtocolSubscription {
  static constexpr int16_t kMaxVersion = 3;
  std::vector<std::string> topics;
  std::optional<std::vector<uint8_t>> user_data;
  std::vector<ConsumerProtocolTopicPartitions> owned_partitions;  // v1+
  int32_t generation_id = -1;                                     // v2+
  std::optional<std::string> rack_id;                             // v3+

  // The body only (no version prefix).
  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ConsumerProtocolSubscription&) const = default;
};

struct ConsumerProtocolAssignment {
  static constexpr int16_t kMaxVersion = 3;
  std::vector<ConsumerProtocolTopicPartitions> assigned_partitions;
  std::optional<std::vector<uint8_t>> user_data;

  base::Status Decode(Reader& r, int16_t version);
  void Encode(Writer& w, int16_t version) const;
  bool operator==(const ConsumerProtocolAssignment&) const = default;
};

// Whole payloads, version prefix included. Decoding reports the version found in `version`
// (if not null); a negative version is an error.
base::Result<ConsumerProtocolSubscription> DecodeConsumerSubscription(std::span<const uint8_t> bytes,
                                                                       int16_t* version = nullptr);
std::vector<uint8_t> EncodeConsumerSubscription(const ConsumerProtocolSubscription& s, int16_t version);
base::Result<ConsumerProtocolAssignment> DecodeConsumerAssignment(std::span<const uint8_t> bytes,
                                                                   int16_t* version = nullptr);
std::vector<uint8_t> EncodeConsumerAssignment(const ConsumerProtocolAssignment& a, int16_t version);

}  // namespace tide::kafka
