#include "kafka/protocol/api_keys.h"

#include <array>

namespace tide::kafka {

std::string_view ApiKeyName(ApiKey key) {
  switch (key) {
    case ApiKey::kProduce: return "Produce";
    case ApiKey::kFetch: return "Fetch";
    case ApiKey::kListOffsets: return "ListOffsets";
    case ApiKey::kMetadata: return "Metadata";
    case ApiKey::kLeaderAndIsr: return "LeaderAndIsr";
    case ApiKey::kStopReplica: return "StopReplica";
    case ApiKey::kUpdateMetadata: return "UpdateMetadata";
    case ApiKey::kControlledShutdown: return "ControlledShutdown";
    case ApiKey::kOffsetCommit: return "OffsetCommit";
    case ApiKey::kOffsetFetch: return "OffsetFetch";
    case ApiKey::kFindCoordinator: return "FindCoordinator";
    case ApiKey::kJoinGroup: return "JoinGroup";
    case ApiKey::kHeartbeat: return "Heartbeat";
    case ApiKey::kLeaveGroup: return "LeaveGroup";
    case ApiKey::kSyncGroup: return "SyncGroup";
    case ApiKey::kDescribeGroups: return "DescribeGroups";
    case ApiKey::kListGroups: return "ListGroups";
    case ApiKey::kSaslHandshake: return "SaslHandshake";
    case ApiKey::kApiVersions: return "ApiVersions";
    case ApiKey::kCreateTopics: return "CreateTopics";
    case ApiKey::kDeleteTopics: return "DeleteTopics";
    case ApiKey::kDeleteRecords: return "DeleteRecords";
    case ApiKey::kInitProducerId: return "InitProducerId";
    case ApiKey::kOffsetForLeaderEpoch: return "OffsetForLeaderEpoch";
    case ApiKey::kAddPartitionsToTxn: return "AddPartitionsToTxn";
    case ApiKey::kAddOffsetsToTxn: return "AddOffsetsToTxn";
    case ApiKey::kEndTxn: return "EndTxn";
    case ApiKey::kWriteTxnMarkers: return "WriteTxnMarkers";
    case ApiKey::kTxnOffsetCommit: return "TxnOffsetCommit";
    case ApiKey::kDescribeAcls: return "DescribeAcls";
    case ApiKey::kCreateAcls: return "CreateAcls";
    case ApiKey::kDeleteAcls: return "DeleteAcls";
    case ApiKey::kDescribeConfigs: return "DescribeConfigs";
    case ApiKey::kAlterConfigs: return "AlterConfigs";
    case ApiKey::kAlterReplicaLogDirs: return "AlterReplicaLogDirs";
    case ApiKey::kDescribeLogDirs: return "DescribeLogDirs";
    case ApiKey::kSaslAuthenticate: return "SaslAuthenticate";
    case ApiKey::kCreatePartitions: return "CreatePartitions";
    case ApiKey::kCreateDelegationToken: return "CreateDelegationToken";
    case ApiKey::kRenewDelegationToken: return "RenewDelegationToken";
    case ApiKey::kExpireDelegationToken: return "ExpireDelegationToken";
    case ApiKey::kDescribeDelegationToken: return "DescribeDelegationToken";
    case ApiKey::kDeleteGroups: return "DeleteGroups";
    case ApiKey::kElectLeaders: return "ElectLeaders";
    case ApiKey::kIncrementalAlterConfigs: return "IncrementalAlterConfigs";
    case ApiKey::kAlterPartitionReassignments: return "AlterPartitionReassignments";
    case ApiKey::kListPartitionReassignments: return "ListPartitionReassignments";
    case ApiKey::kOffsetDelete: return "OffsetDelete";
    case ApiKey::kDescribeClientQuotas: return "DescribeClientQuotas";
    case ApiKey::kAlterClientQuotas: return "AlterClientQuotas";
    case ApiKey::kDescribeUserScramCredentials: return "DescribeUserScramCredentials";
    case ApiKey::kAlterUserScramCredentials: return "AlterUserScramCredentials";
    case ApiKey::kVote: return "Vote";
    case ApiKey::kBeginQuorumEpoch: return "BeginQuorumEpoch";
    case ApiKey::kEndQuorumEpoch: return "EndQuorumEpoch";
    case ApiKey::kDescribeQuorum: return "DescribeQuorum";
    case ApiKey::kAlterPartition: return "AlterPartition";
    case ApiKey::kUpdateFeatures: return "UpdateFeatures";
    case ApiKey::kEnvelope: return "Envelope";
    case ApiKey::kFetchSnapshot: return "FetchSnapshot";
    case ApiKey::kDescribeCluster: return "DescribeCluster";
    case ApiKey::kDescribeProducers: return "DescribeProducers";
    case ApiKey::kBrokerRegistration: return "BrokerRegistration";
    case ApiKey::kBrokerHeartbeat: return "BrokerHeartbeat";
    case ApiKey::kUnregisterBroker: return "UnregisterBroker";
    case ApiKey::kDescribeTransactions: return "DescribeTransactions";
    case ApiKey::kListTransactions: return "ListTransactions";
    case ApiKey::kAllocateProducerIds: return "AllocateProducerIds";
    case ApiKey::kConsumerGroupHeartbeat: return "ConsumerGroupHeartbeat";
    case ApiKey::kConsumerGroupDescribe: return "ConsumerGroupDescribe";
    case ApiKey::kControllerRegistration: return "ControllerRegistration";
    case ApiKey::kGetTelemetrySubscriptions: return "GetTelemetrySubscriptions";
    case ApiKey::kPushTelemetry: return "PushTelemetry";
    case ApiKey::kAssignReplicasToDirs: return "AssignReplicasToDirs";
    case ApiKey::kListClientMetricsResources: return "ListClientMetricsResources";
    case ApiKey::kDescribeTopicPartitions: return "DescribeTopicPartitions";
  }
  return "Unknown";
}

namespace {

constexpr std::array kSupported = {
    ApiVersionRange{ApiKey::kProduce, 0, 9},
    ApiVersionRange{ApiKey::kFetch, 0, 12},
    ApiVersionRange{ApiKey::kListOffsets, 0, 7},
    ApiVersionRange{ApiKey::kMetadata, 0, 12},
    ApiVersionRange{ApiKey::kOffsetCommit, 0, 8},
    ApiVersionRange{ApiKey::kOffsetFetch, 0, 8},
    ApiVersionRange{ApiKey::kFindCoordinator, 0, 4},
    ApiVersionRange{ApiKey::kJoinGroup, 0, 9},
    ApiVersionRange{ApiKey::kHeartbeat, 0, 4},
    ApiVersionRange{ApiKey::kLeaveGroup, 0, 5},
    ApiVersionRange{ApiKey::kSyncGroup, 0, 5},
    ApiVersionRange{ApiKey::kDescribeGroups, 0, 5},
    ApiVersionRange{ApiKey::kListGroups, 0, 4},
    ApiVersionRange{ApiKey::kSaslHandshake, 0, 1},
    ApiVersionRange{ApiKey::kApiVersions, 0, 3},
    ApiVersionRange{ApiKey::kCreateTopics, 0, 7},
    ApiVersionRange{ApiKey::kDeleteTopics, 0, 6},
    ApiVersionRange{ApiKey::kDeleteRecords, 0, 2},
    ApiVersionRange{ApiKey::kInitProducerId, 0, 4},
    ApiVersionRange{ApiKey::kOffsetForLeaderEpoch, 0, 4},
    ApiVersionRange{ApiKey::kAddPartitionsToTxn, 0, 3},
    ApiVersionRange{ApiKey::kAddOffsetsToTxn, 0, 3},
    ApiVersionRange{ApiKey::kEndTxn, 0, 3},
    ApiVersionRange{ApiKey::kTxnOffsetCommit, 0, 3},
    ApiVersionRange{ApiKey::kDescribeConfigs, 0, 4},
    ApiVersionRange{ApiKey::kAlterConfigs, 0, 2},
    ApiVersionRange{ApiKey::kSaslAuthenticate, 0, 2},
    ApiVersionRange{ApiKey::kCreatePartitions, 0, 3},
    ApiVersionRange{ApiKey::kDeleteGroups, 0, 2},
    ApiVersionRange{ApiKey::kIncrementalAlterConfigs, 0, 1},
    ApiVersionRange{ApiKey::kOffsetDelete, 0, 0},
    ApiVersionRange{ApiKey::kDescribeCluster, 0, 0},
};

// First flexible version per API key (index = key); -1 = no flexible version in Kafka 3.x.
constexpr std::array<int16_t, 76> kFirstFlexible = {
    9, 12, 6, 9, 4, 2, 6, 3, 8, 6, 3, 6, 4, 4, 4, 5, 3, -1, 3, 5, 4, 2, 2, 4, 3, 3, 3, 1, 3, 2, 2, 2, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0, 0, -1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

}  // namespace

std::span<const ApiVersionRange> SupportedApis() { return kSupported; }

const ApiVersionRange* FindSupportedApi(ApiKey key) {
  for (const auto& r : kSupported) {
    if (r.api_key == key) return &r;
  }
  return nullptr;
}

bool IsSupportedVersion(ApiKey key, int16_t version) {
  const ApiVersionRange* r = FindSupportedApi(key);
  return r != nullptr && version >= r->min_version && version <= r->max_version;
}

bool IsFlexible(ApiKey key, int16_t version) {
  auto k = static_cast<int16_t>(key);
  if (k < 0 || static_cast<size_t>(k) >= kFirstFlexible.size()) return false;
  int16_t first = kFirstFlexible[static_cast<size_t>(k)];
  return first >= 0 && version >= first;
}

int16_t RequestHeaderVersion(ApiKey key, int16_t version) {
  if (key == ApiKey::kControlledShutdown && version == 0) return 0;
  return IsFlexible(key, version) ? 2 : 1;
}

int16_t ResponseHeaderVersion(ApiKey key, int16_t version) {
  if (key == ApiKey::kApiVersions) return 0;
  return IsFlexible(key, version) ? 1 : 0;
}

}  // namespace tide::kafka
