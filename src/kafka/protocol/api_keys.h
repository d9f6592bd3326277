// Kafka API keys, the versions of each API that Tide's broker implements, and the per-version
// framing facts (flexible encoding, header versions) that the codec needs.
//
// Version policy: for each API Tide supports every version from the lowest any supported client
// (librdkafka 2.0.2, kafka-python 2.0.2, kafkajs 2.2.4) may send up to the highest version Kafka 3.x
// defines that does not require topic IDs. SupportedApis() is what ApiVersions advertises; a
// request outside it is answered by the handler with UNSUPPORTED_VERSION.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace tide::kafka {

enum class ApiKey : int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kLeaderAndIsr = 4,
  kStopReplica = 5,
  kUpdateMetadata = 6,
  kControlledShutdown = 7,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kDescribeGroups = 15,
  kListGroups = 16,
  kSaslHandshake = 17,
  kApiVersions = 18,
  kCreateTopics = 19,
  kDeleteTopics = 20,
  kDeleteRecords = 21,
  kInitProducerId = 22,
  kOffsetForLeaderEpoch = 23,
  kAddPartitionsToTxn = 24,
  kAddOffsetsToTxn = 25,
  kEndTxn = 26,
  kWriteTxnMarkers = 27,
  kTxnOffsetCommit = 28,
  kDescribeAcls = 29,
  kCreateAcls = 30,
  kDeleteAcls = 31,
  kDescribeConfigs = 32,
  kAlterConfigs = 33,
  kAlterReplicaLogDirs = 34,
  kDescribeLogDirs = 35,
  kSaslAuthenticate = 36,
  kCreatePartitions = 37,
  kCreateDelegationToken = 38,
  kRenewDelegationToken = 39,
  kExpireDelegationToken = 40,
  kDescribeDelegationToken = 41,
  kDeleteGroups = 42,
  kElectLeaders = 43,
  kIncrementalAlterConfigs = 44,
  kAlterPartitionReassignments = 45,
  kListPartitionReassignments = 46,
  kOffsetDelete = 47,
  kDescribeClientQuotas = 48,
  kAlterClientQuotas = 49,
  kDescribeUserScramCredentials = 50,
  kAlterUserScramCredentials = 51,
  kVote = 52,
  kBeginQuorumEpoch = 53,
  kEndQuorumEpoch = 54,
  kDescribeQuorum = 55,
  kAlterPartition = 56,
  kUpdateFeatures = 57,
  kEnvelope = 58,
  kFetchSnapshot = 59,
  kDescribeCluster = 60,
  kDescribeProducers = 61,
  kBrokerRegistration = 62,
  kBrokerHeartbeat = 63,
  kUnregisterBroker = 64,
  kDescribeTransactions = 65,
  kListTransactions = 66,
  kAllocateProducerIds = 67,
  kConsumerGroupHeartbeat = 68,
  kConsumerGroupDescribe = 69,
  kControllerRegistration = 70,
  kGetTelemetrySubscriptions = 71,
  kPushTelemetry = 72,
  kAssignReplicasToDirs = 73,
  kListClientMetricsResources = 74,
  kDescribeTopicPartitions = 75,
};

// Kafka's name for the API ("Produce", "ApiVersions"); "Unknown" for other numbers.
std::string_view ApiKeyName(ApiKey key);

struct ApiVersionRange {
  ApiKey api_key;
  int16_t min_version;
  int16_t max_version;
};

// Every API Tide's broker implements with its version range, ordered by key. Static storage.
std::span<const ApiVersionRange> SupportedApis();
// The range for `key`, or nullptr when Tide does not implement it.
const ApiVersionRange* FindSupportedApi(ApiKey key);
// True when `key` is implemented and `version` is within its supported range.
bool IsSupportedVersion(ApiKey key, int16_t version);

// True when (key, version) uses the flexible encoding (KIP-482: compact strings/arrays/bytes and
// tagged fields). Defined for every API key Kafka 3.x knows, supported or not, because the
// request header version depends on it.
bool IsFlexible(ApiKey key, int16_t version);

// Request header version for a request of (key, version): 2 when flexible, else 1; 0 (no
// client_id) only for ControlledShutdown v0, which Tide does not implement.
int16_t RequestHeaderVersion(ApiKey key, int16_t version);
// Response header version: 1 when flexible, else 0 -- except ApiVersions, whose responses always
// use header v0 so that a client that sent a too-new ApiVersions request can still parse the
// answer (KIP-511).
int16_t ResponseHeaderVersion(ApiKey key, int16_t version);

}  // namespace tide::kafka
