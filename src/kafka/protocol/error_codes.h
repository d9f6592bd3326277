// Kafka protocol error codes, numbered exactly as in Apache Kafka's Errors.java (codes -1..120).
//
// Handlers put these into response ErrorCode fields; the value on the wire is the int16.
#pragma once

#include <cstdint>
#include <string_view>

namespace tide::kafka {

enum class ErrorCode : int16_t {
  kUnknownServerError = -1,  // UNKNOWN_SERVER_ERROR
  kNone = 0,  // NONE
  kOffsetOutOfRange = 1,  // OFFSET_OUT_OF_RANGE
  kCorruptMessage = 2,  // CORRUPT_MESSAGE
  kUnknownTopicOrPartition = 3,  // UNKNOWN_TOPIC_OR_PARTITION
  kInvalidFetchSize = 4,  // INVALID_FETCH_SIZE
  kLeaderNotAvailable = 5,  // LEADER_NOT_AVAILABLE
  kNotLeaderOrFollower = 6,  // NOT_LEADER_OR_FOLLOWER
  kRequestTimedOut = 7,  // REQUEST_TIMED_OUT
  kBrokerNotAvailable = 8,  // BROKER_NOT_AVAILABLE
  kReplicaNotAvailable = 9,  // REPLICA_NOT_AVAILABLE
  kMessageTooLarge = 10,  // MESSAGE_TOO_LARGE
  kStaleControllerEpoch = 11,  // STALE_CONTROLLER_EPOCH
  kOffsetMetadataTooLarge = 12,  // OFFSET_METADATA_TOO_LARGE
  kNetworkException = 13,  // NETWORK_EXCEPTION
  kCoordinatorLoadInProgress = 14,  // COORDINATOR_LOAD_IN_PROGRESS
  kCoordinatorNotAvailable = 15,  // COORDINATOR_NOT_AVAILABLE
  kNotCoordinator = 16,  // NOT_COORDINATOR
  kInvalidTopicException = 17,  // INVALID_TOPIC_EXCEPTION
  kRecordListTooLarge = 18,  // RECORD_LIST_TOO_LARGE
  kNotEnoughReplicas = 19,  // NOT_ENOUGH_REPLICAS
  kNotEnoughReplicasAfterAppend = 20,  // NOT_ENOUGH_REPLICAS_AFTER_APPEND
  kInvalidRequiredAcks = 21,  // INVALID_REQUIRED_ACKS
  kIllegalGeneration = 22,  // ILLEGAL_GENERATION
  kInconsistentGroupProtocol = 23,  // INCONSISTENT_GROUP_PROTOCOL
  kInvalidGroupId = 24,  // INVALID_GROUP_ID
  kUnknownMemberId = 25,  // UNKNOWN_MEMBER_ID
  kInvalidSessionTimeout = 26,  // INVALID_SESSION_TIMEOUT
  kRebalanceInProgress = 27,  // REBALANCE_IN_PROGRESS
  kInvalidCommitOffsetSize = 28,  // INVALID_COMMIT_OFFSET_SIZE
  kTopicAuthorizationFailed = 29,  // TOPIC_AUTHORIZATION_FAILED
  kGroupAuthorizationFailed = 30,  // GROUP_AUTHORIZATION_FAILED
  kClusterAuthorizationFailed = 31,  // CLUSTER_AUTHORIZATION_FAILED
  kInvalidTimestamp = 32,  // INVALID_TIMESTAMP
  kUnsupportedSaslMechanism = 33,  // UNSUPPORTED_SASL_MECHANISM
  kIllegalSaslState = 34,  // ILLEGAL_SASL_STATE
  kUnsupportedVersion = 35,  // UNSUPPORTED_VERSION
  kTopicAlreadyExists = 36,  // TOPIC_ALREADY_EXISTS
  kInvalidPartitions = 37,  // INVALID_PARTITIONS
  kInvalidReplicationFactor = 38,  // INVALID_REPLICATION_FACTOR
  kInvalidReplicaAssignment = 39,  // INVALID_REPLICA_ASSIGNMENT
  kInvalidConfig = 40,  // INVALID_CONFIG
  kNotController = 41,  // NOT_CONTROLLER
  kInvalidRequest = 42,  // INVALID_REQUEST
  kUnsupportedForMessageFormat = 43,  // UNSUPPORTED_FOR_MESSAGE_FORMAT
  kPolicyViolation = 44,  // POLICY_VIOLATION
  kOutOfOrderSequenceNumber = 45,  // OUT_OF_ORDER_SEQUENCE_NUMBER
  kDuplicateSequenceNumber = 46,  // DUPLICATE_SEQUENCE_NUMBER
  kInvalidProducerEpoch = 47,  // INVALID_PRODUCER_EPOCH
  kInvalidTxnState = 48,  // INVALID_TXN_STATE
  kInvalidProducerIdMapping = 49,  // INVALID_PRODUCER_ID_MAPPING
  kInvalidTransactionTimeout = 50,  // INVALID_TRANSACTION_TIMEOUT
  kConcurrentTransactions = 51,  // CONCURRENT_TRANSACTIONS
  kTransactionCoordinatorFenced = 52,  // TRANSACTION_COORDINATOR_FENCED
  kTransactionalIdAuthorizationFailed = 53,  // TRANSACTIONAL_ID_AUTHORIZATION_FAILED
  kSecurityDisabled = 54,  // SECURITY_DISABLED
  kOperationNotAttempted = 55,  // OPERATION_NOT_ATTEMPTED
  kKafkaStorageError = 56,  // KAFKA_STORAGE_ERROR
  kLogDirNotFound = 57,  // LOG_DIR_NOT_FOUND
  kSaslAuthenticationFailed = 58,  // SASL_AUTHENTICATION_FAILED
  kUnknownProducerId = 59,  // UNKNOWN_PRODUCER_ID
  kReassignmentInProgress = 60,  // REASSIGNMENT_IN_PROGRESS
  kDelegationTokenAuthDisabled = 61,  // DELEGATION_TOKEN_AUTH_DISABLED
  kDelegationTokenNotFound = 62,  // DELEGATION_TOKEN_NOT_FOUND
  kDelegationTokenOwnerMismatch = 63,  // DELEGATION_TOKEN_OWNER_MISMATCH
  kDelegationTokenRequestNotAllowed = 64,  // DELEGATION_TOKEN_REQUEST_NOT_ALLOWED
  kDelegationTokenAuthorizationFailed = 65,  // DELEGATION_TOKEN_AUTHORIZATION_FAILED
  kDelegationTokenExpired = 66,  // DELEGATION_TOKEN_EXPIRED
  kInvalidPrincipalType = 67,  // INVALID_PRINCIPAL_TYPE
  kNonEmptyGroup = 68,  // NON_EMPTY_GROUP
  kGroupIdNotFound = 69,  // GROUP_ID_NOT_FOUND
  kFetchSessionIdNotFound = 70,  // FETCH_SESSION_ID_NOT_FOUND
  kInvalidFetchSessionEpoch = 71,  // INVALID_FETCH_SESSION_EPOCH
  kListenerNotFound = 72,  // LISTENER_NOT_FOUND
  kTopicDeletionDisabled = 73,  // TOPIC_DELETION_DISABLED
  kFencedLeaderEpoch = 74,  // FENCED_LEADER_EPOCH
  kUnknownLeaderEpoch = 75,  // UNKNOWN_LEADER_EPOCH
  kUnsupportedCompressionType = 76,  // UNSUPPORTED_COMPRESSION_TYPE
  kStaleBrokerEpoch = 77,  // STALE_BROKER_EPOCH
  kOffsetNotAvailable = 78,  // OFFSET_NOT_AVAILABLE
  kMemberIdRequired = 79,  // MEMBER_ID_REQUIRED
  kPreferredLeaderNotAvailable = 80,  // PREFERRED_LEADER_NOT_AVAILABLE
  kGroupMaxSizeReached = 81,  // GROUP_MAX_SIZE_REACHED
  kFencedInstanceId = 82,  // FENCED_INSTANCE_ID
  kEligibleLeadersNotAvailable = 83,  // ELIGIBLE_LEADERS_NOT_AVAILABLE
  kElectionNotNeeded = 84,  // ELECTION_NOT_NEEDED
  kNoReassignmentInProgress = 85,  // NO_REASSIGNMENT_IN_PROGRESS
  kGroupSubscribedToTopic = 86,  // GROUP_SUBSCRIBED_TO_TOPIC
  kInvalidRecord = 87,  // INVALID_RECORD
  kUnstableOffsetCommit = 88,  // UNSTABLE_OFFSET_COMMIT
  kThrottlingQuotaExceeded = 89,  // THROTTLING_QUOTA_EXCEEDED
  kProducerFenced = 90,  // PRODUCER_FENCED
  kResourceNotFound = 91,  // RESOURCE_NOT_FOUND
  kDuplicateResource = 92,  // DUPLICATE_RESOURCE
  kUnacceptableCredential = 93,  // UNACCEPTABLE_CREDENTIAL
  kInconsistentVoterSet = 94,  // INCONSISTENT_VOTER_SET
  kInvalidUpdateVersion = 95,  // INVALID_UPDATE_VERSION
  kFeatureUpdateFailed = 96,  // FEATURE_UPDATE_FAILED
  kPrincipalDeserializationFailure = 97,  // PRINCIPAL_DESERIALIZATION_FAILURE
  kSnapshotNotFound = 98,  // SNAPSHOT_NOT_FOUND
  kPositionOutOfRange = 99,  // POSITION_OUT_OF_RANGE
  kUnknownTopicId = 100,  // UNKNOWN_TOPIC_ID
  kDuplicateBrokerRegistration = 101,  // DUPLICATE_BROKER_REGISTRATION
  kBrokerIdNotRegistered = 102,  // BROKER_ID_NOT_REGISTERED
  kInconsistentTopicId = 103,  // INCONSISTENT_TOPIC_ID
  kInconsistentClusterId = 104,  // INCONSISTENT_CLUSTER_ID
  kTransactionalIdNotFound = 105,  // TRANSACTIONAL_ID_NOT_FOUND
  kFetchSessionTopicIdError = 106,  // FETCH_SESSION_TOPIC_ID_ERROR
  kIneligibleReplica = 107,  // INELIGIBLE_REPLICA
  kNewLeaderElected = 108,  // NEW_LEADER_ELECTED
  kOffsetMovedToTieredStorage = 109,  // OFFSET_MOVED_TO_TIERED_STORAGE
  kFencedMemberEpoch = 110,  // FENCED_MEMBER_EPOCH
  kUnreleasedInstanceId = 111,  // UNRELEASED_INSTANCE_ID
  kUnsupportedAssignor = 112,  // UNSUPPORTED_ASSIGNOR
  kStaleMemberEpoch = 113,  // STALE_MEMBER_EPOCH
  kMismatchedEndpointType = 114,  // MISMATCHED_ENDPOINT_TYPE
  kUnsupportedEndpointType = 115,  // UNSUPPORTED_ENDPOINT_TYPE
  kUnknownControllerId = 116,  // UNKNOWN_CONTROLLER_ID
  kUnknownSubscriptionId = 117,  // UNKNOWN_SUBSCRIPTION_ID
  kTelemetryTooLarge = 118,  // TELEMETRY_TOO_LARGE
  kInvalidRegistration = 119,  // INVALID_REGISTRATION
  kTransactionAbortable = 120,  // TRANSACTION_ABORTABLE
};

// Kafka's name for the code ("UNKNOWN_TOPIC_OR_PARTITION"); "UNKNOWN_ERROR_CODE" for numbers Kafka
// does not define (a peer may be newer than this table).
std::string_view ErrorCodeName(ErrorCode code);

// The int16 that goes on the wire.
constexpr int16_t ToWire(ErrorCode code) { return static_cast<int16_t>(code); }

}  // namespace tide::kafka
