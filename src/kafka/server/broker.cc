#include "kafka/server/broker.h"

#include "base/clock.h"
#include "base/logging.h"
#include "kafka/protocol/api_keys.h"
#include "kafka/protocol/api_versions.h"
#include "kafka/protocol/create_partitions.h"
#include "kafka/protocol/create_topics.h"
#include "kafka/protocol/delete_records.h"
#include "kafka/protocol/delete_topics.h"
#include "kafka/protocol/describe_cluster.h"
#include "kafka/protocol/describe_configs.h"
#include "kafka/protocol/alter_configs.h"
#include "kafka/protocol/incremental_alter_configs.h"
#include "kafka/protocol/find_coordinator.h"
#include "kafka/protocol/metadata.h"
#include "kafka/protocol/sasl_authenticate.h"
#include "kafka/protocol/sasl_handshake.h"
#include "kafka/server/broker_internal.h"
#include "log/log_manager.h"

namespace tide::kafka {

using base::Status;

namespace {

constexpr int8_t kTopicResourceType = 2;
constexpr int8_t kBrokerResourceType = 4;
// DescribeConfigs config_source values.
constexpr int8_t kSourceTopicConfig = 1;
constexpr int8_t kSourceDefault = 5;

}  // namespace

ErrorCode ErrorForStatus(const Status& s) {
  switch (s.code()) {
    case base::StatusCode::kOk: return ErrorCode::kNone;
    case base::StatusCode::kNotFound: return ErrorCode::kUnknownTopicOrPartition;
    case base::StatusCode::kAlreadyExists: return ErrorCode::kTopicAlreadyExists;
    case base::StatusCode::kInvalidArgument: return ErrorCode::kInvalidRequest;
    case base::StatusCode::kCorruption: return ErrorCode::kCorruptMessage;
    case base::StatusCode::kOutOfRange: return ErrorCode::kOffsetOutOfRange;
    case base::StatusCode::kTimedOut: return ErrorCode::kRequestTimedOut;
    case base::StatusCode::kIoError:
    case base::StatusCode::kResourceExhausted: return ErrorCode::kKafkaStorageError;
    default: return ErrorCode::kUnknownServerError;
  }
}

Broker::Broker(io::EventLoop* loop, log::LogManager* logs, GroupCoordinator* groups, TransactionCoordinator* txns,
               ProducerIdManager* producer_ids, base::MetricsRegistry* metrics, BrokerOptions options)
    : loop_(loop),
      logs_(logs),
      groups_(groups),
      txns_(txns),
      producer_ids_(producer_ids),
      options_(std::move(options)) {
  requests_total_ = &metrics->AddCounter("tide_kafka_requests_total", "Kafka requests handled, by API", {"api"});
  request_seconds_ = &metrics->AddHistogram("tide_kafka_request_duration_seconds",
                                            "Time from reading a Kafka request to queuing its response, by API",
                                            base::LatencyBucketsSeconds(), {"api"});
  produced_records_ = &metrics->AddCounter("tide_kafka_produced_records_total", "Records appended by Produce", {"topic"});
  produced_bytes_ = &metrics->AddCounter("tide_kafka_produced_bytes_total", "Record batch bytes appended by Produce",
                                         {"topic"});
  fetched_bytes_ = &metrics->AddCounter("tide_kafka_fetched_bytes_total", "Record batch bytes returned by Fetch",
                                        {"topic"});
  produce_duplicates_ = &metrics->AddCounter(
      "tide_kafka_produce_duplicates_total",
      "Retried idempotent batches acknowledged with their original offsets and not stored again", {"topic"});
  produce_errors_ = &metrics->AddCounter("tide_kafka_produce_errors_total", "Partitions of Produce requests refused, by error",
                                         {"error"});
}

Broker::~Broker() = default;

Status Broker::Handle(const ConnectionInfo& connection, const RequestFrame& request, Responder responder) {
  std::span<const uint8_t> frame = request.bytes;
  Context ctx;
  ctx.connection = connection;
  ctx.respond = std::move(responder);
  ctx.start_ns = base::MonotonicNanos();
  if (frame.size() < 4) return Status::Corruption("request of " + std::to_string(frame.size()) + " bytes has no header");
  ctx.header.api_key = static_cast<ApiKey>(static_cast<int16_t>((frame[0] << 8) | frame[1]));
  ctx.header.api_version = static_cast<int16_t>((frame[2] << 8) | frame[3]);
  ApiKey key = ctx.header.api_key;
  int16_t version = ctx.header.api_version;

  if (key != ApiKey::kApiVersions && !IsSupportedVersion(key, version)) {
    const ApiVersionRange* range = FindSupportedApi(key);
    std::string what = range ? "unsupported version " + std::to_string(version) + " of " + std::string(ApiKeyName(key)) +
                                   " (supported " + std::to_string(range->min_version) + "-" +
                                   std::to_string(range->max_version) + ")"
                             : "unsupported API key " + std::to_string(static_cast<int16_t>(key));
    return Status::Unsupported(what);
  }
  // ApiVersions requests of unknown versions are parsed with header v1/v2 as the client sent
  // them; only the header matters for the KIP-511 error answer.
  int16_t header_version = key == ApiKey::kApiVersions && !IsSupportedVersion(key, version)
                               ? 1
                               : RequestHeaderVersion(key, version);
  Reader r(frame);
  TIDE_RETURN_IF_ERROR(ctx.header.Decode(r, header_version).WithContext("request header"));
  requests_total_->WithLabels({std::string(ApiKeyName(key))}).Increment();

  switch (key) {
    case ApiKey::kApiVersions: return HandleApiVersions(std::move(ctx), r);
    case ApiKey::kMetadata: return HandleMetadata(std::move(ctx), r);
    case ApiKey::kProduce: return HandleProduce(std::move(ctx), r, request);
    case ApiKey::kFetch: return HandleFetch(std::move(ctx), r);
    case ApiKey::kListOffsets: return HandleListOffsets(std::move(ctx), r);
    case ApiKey::kOffsetForLeaderEpoch: return HandleOffsetForLeaderEpoch(std::move(ctx), r);
    case ApiKey::kCreateTopics: return HandleCreateTopics(std::move(ctx), r);
    case ApiKey::kDeleteTopics: return HandleDeleteTopics(std::move(ctx), r);
    case ApiKey::kCreatePartitions: return HandleCreatePartitions(std::move(ctx), r);
    case ApiKey::kDescribeConfigs: return HandleDescribeConfigs(std::move(ctx), r);
    case ApiKey::kAlterConfigs: return HandleAlterConfigs(std::move(ctx), r);
    case ApiKey::kIncrementalAlterConfigs: return HandleIncrementalAlterConfigs(std::move(ctx), r);
    case ApiKey::kDeleteRecords: return HandleDeleteRecords(std::move(ctx), r);
    case ApiKey::kDescribeCluster: return HandleDescribeCluster(std::move(ctx), r);
    case ApiKey::kFindCoordinator: return HandleFindCoordinator(std::move(ctx), r);
    case ApiKey::kInitProducerId: return HandleInitProducerId(std::move(ctx), r);
    case ApiKey::kSaslHandshake: return HandleSaslHandshake(std::move(ctx), r);
    case ApiKey::kSaslAuthenticate: return HandleSaslAuthenticate(std::move(ctx), r);
    case ApiKey::kJoinGroup:
    case ApiKey::kSyncGroup:
    case ApiKey::kHeartbeat:
    case ApiKey::kLeaveGroup:
    case ApiKey::kOffsetCommit:
    case ApiKey::kOffsetFetch:
    case ApiKey::kListGroups:
    case ApiKey::kDescribeGroups:
    case ApiKey::kDeleteGroups:
    case ApiKey::kOffsetDelete:
      return HandleGroupApi(std::move(ctx), r);
    case ApiKey::kAddPartitionsToTxn:
    case ApiKey::kAddOffsetsToTxn:
    case ApiKey::kEndTxn:
    case ApiKey::kTxnOffsetCommit:
      return HandleTransactionApi(std::move(ctx), r);
    default:
      return Status::Unsupported("API " + std::string(ApiKeyName(key)) + " is advertised but has no handler");
  }
}

// ---- adapters over the log manager ----

int32_t Broker::PartitionCount(const std::string& topic) const {
  auto desc = logs_->DescribeTopic(topic);
  return desc.ok() ? desc->partitions : 0;
}

Status Broker::ValidateNewTopic(const std::string& name, int32_t partitions,
                                const std::map<std::string, std::string>& configs) const {
  TIDE_RETURN_IF_ERROR(log::LogManager::ValidateTopicName(name));
  if (logs_->HasTopic(name)) return Status::AlreadyExists("topic '" + name + "' already exists");
  return log::ApplyTopicConfigs(logs_->defaults(), configs).status();
}

Status Broker::AlterConfigs(const std::string& topic, const std::map<std::string, std::string>& set,
                            const std::vector<std::string>& remove, bool validate_only) {
  if (!logs_->HasTopic(topic)) return Status::NotFound("topic '" + topic + "' does not exist");
  if (!validate_only) return logs_->AlterTopicConfig(topic, set, remove);
  for (const auto& [k, v] : set) TIDE_RETURN_IF_ERROR(log::ValidateTopicConfig(k, v));
  for (const auto& k : remove) {
    if (!log::IsKnownTopicConfig(k)) return Status::InvalidArgument("unknown topic config '" + k + "'");
  }
  return Status::OK();
}

// ---- ApiVersions ----

Status Broker::HandleApiVersions(Context ctx, Reader& r) {
  if (!IsSupportedVersion(ApiKey::kApiVersions, ctx.header.api_version)) {
    // KIP-511: answer in the v0 layout the client can always parse.
    ApiVersionsResponse resp = MakeUnsupportedApiVersionsResponse();
    std::vector<uint8_t> out;
    Writer w(out);
    ResponseHeader{ctx.header.correlation_id}.Encode(w, 0);
    resp.Encode(w, 0);
    ctx.respond(std::move(out));
    return Status::OK();
  }
  ApiVersionsRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  Reply(ctx, MakeApiVersionsResponse());
  return Status::OK();
}

// ---- Metadata ----

bool Broker::EnsureTopic(const std::string& topic, bool allow_create, int16_t* error) {
  if (logs_->HasTopic(topic)) return true;
  if (!allow_create || !options_.auto_create_topics) {
    *error = static_cast<int16_t>(ErrorCode::kUnknownTopicOrPartition);
    return false;
  }
  Status s = logs_->CreateTopic(topic, options_.default_partitions, {});
  if (!s.ok() && s.code() != base::StatusCode::kAlreadyExists) {
    *error = static_cast<int16_t>(s.IsInvalidArgument() ? ErrorCode::kInvalidTopicException : ErrorForStatus(s));
    return false;
  }
  base::LogInfo("kafka", "auto-created topic", {{"topic", topic}, {"partitions", options_.default_partitions}});
  return true;
}

Status Broker::HandleMetadata(Context ctx, Reader& r) {
  MetadataRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  MetadataResponse resp;
  resp.brokers.push_back({options_.node_id, options_.advertised_host, options_.advertised_port, std::nullopt});
  resp.cluster_id = options_.cluster_id;
  resp.controller_id = options_.node_id;
  // v0 has no allow_auto_topic_creation field: those clients always allowed it.
  bool allow_create = ctx.header.api_version < 4 || req.allow_auto_topic_creation;
  std::vector<std::string> names;
  if (!req.topics || (ctx.header.api_version == 0 && req.topics->empty())) {
    names = logs_->ListTopics();
  } else {
    for (const auto& t : *req.topics) names.push_back(t.name.value_or(""));
  }
  for (const auto& name : names) {
    MetadataResponse::MetadataResponseTopic topic;
    topic.name = name;
    int16_t error = 0;
    if (!EnsureTopic(name, allow_create && req.topics.has_value(), &error)) {
      topic.error_code = static_cast<ErrorCode>(error);
      resp.topics.push_back(std::move(topic));
      continue;
    }
    int32_t count = PartitionCount(name);
    for (int32_t p = 0; p < count; ++p) {
      MetadataResponse::MetadataResponsePartition part;
      part.partition_index = p;
      part.leader_id = options_.node_id;
      part.leader_epoch = 0;
      part.replica_nodes = {options_.node_id};
      part.isr_nodes = {options_.node_id};
      topic.partitions.push_back(std::move(part));
    }
    resp.topics.push_back(std::move(topic));
  }
  Reply(ctx, resp);
  return Status::OK();
}

// ---- topic administration ----

Status Broker::HandleCreateTopics(Context ctx, Reader& r) {
  CreateTopicsRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  CreateTopicsResponse resp;
  for (const auto& t : req.topics) {
    CreateTopicsResponse::CreatableTopicResult result;
    result.name = t.name;
    int32_t partitions = t.num_partitions;
    if (partitions == -1) {
      partitions = t.assignments.empty() ? options_.default_partitions : static_cast<int32_t>(t.assignments.size());
    }
    std::map<std::string, std::string> configs;
    for (const auto& c : t.configs) {
      if (c.value) configs[c.name] = *c.value;
    }
    Status s;
    if (partitions < 1) {
      result.error_code = ErrorCode::kInvalidPartitions;
      result.error_message = "number of partitions must be at least 1, got " + std::to_string(partitions);
    } else if (t.replication_factor != -1 && t.replication_factor != 1) {
      result.error_code = ErrorCode::kInvalidReplicationFactor;
      result.error_message = "replication factor " + std::to_string(t.replication_factor) +
                             " is larger than the 1 broker available (tide server is a single node)";
    } else if (req.validate_only) {
      s = ValidateNewTopic(t.name, partitions, configs);
    } else {
      s = logs_->CreateTopic(t.name, partitions, configs);
    }
    if (!s.ok()) {
      result.error_code = ErrorForStatus(s);
      if (s.IsInvalidArgument()) {
        result.error_code = s.message().find("config") != std::string::npos ? ErrorCode::kInvalidConfig
                                                                              : ErrorCode::kInvalidTopicException;
      }
      result.error_message = s.message();
    }
    if (result.error_code == ErrorCode::kNone) {
      result.num_partitions = partitions;
      result.replication_factor = 1;
      if (!req.validate_only) base::LogInfo("kafka", "created topic", {{"topic", t.name}, {"partitions", partitions}});
    }
    resp.topics.push_back(std::move(result));
  }
  Reply(ctx, resp);
  return Status::OK();
}

Status Broker::HandleDeleteTopics(Context ctx, Reader& r) {
  DeleteTopicsRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  DeleteTopicsResponse resp;
  for (const auto& t : req.topics) {
    DeleteTopicsResponse::DeletableTopicResult result;
    result.name = t.name;
    result.topic_id = t.topic_id;
    if (!t.name) {
      result.error_code = ErrorCode::kUnknownTopicId;
      result.error_message = "topic ids are not supported; delete by name";
    } else {
      Status s = logs_->DeleteTopic(*t.name);
      if (!s.ok()) {
        result.error_code = ErrorForStatus(s);
        result.error_message = s.message();
      } else {
        base::LogInfo("kafka", "deleted topic", {{"topic", *t.name}});
      }
    }
    resp.responses.push_back(std::move(result));
  }
  Reply(ctx, resp);
  return Status::OK();
}

Status Broker::HandleCreatePartitions(Context ctx, Reader& r) {
  CreatePartitionsRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  CreatePartitionsResponse resp;
  for (const auto& t : req.topics) {
    CreatePartitionsResponse::CreatePartitionsTopicResult result;
    result.name = t.name;
    Status s;
    int32_t current = PartitionCount(t.name);
    if (current <= 0) {
      s = Status::NotFound("topic '" + t.name + "' does not exist");
    } else if (t.count <= current) {
      result.error_code = ErrorCode::kInvalidPartitions;
      result.error_message = "topic '" + t.name + "' has " + std::to_string(current) +
                             " partitions; the new count must be larger, got " + std::to_string(t.count);
    } else if (!req.validate_only) {
      s = logs_->CreatePartitions(t.name, t.count);
    }
    if (!s.ok()) {
      result.error_code = s.IsNotFound() ? ErrorCode::kUnknownTopicOrPartition : ErrorForStatus(s);
      result.error_message = s.message();
    }
    resp.results.push_back(std::move(result));
  }
  Reply(ctx, resp);
  return Status::OK();
}

Status Broker::HandleDescribeConfigs(Context ctx, Reader& r) {
  DescribeConfigsRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  DescribeConfigsResponse resp;
  for (const auto& res : req.resources) {
    DescribeConfigsResponse::DescribeConfigsResult result;
    result.resource_type = res.resource_type;
    result.resource_name = res.resource_name;
    auto wanted = [&](const std::string& key) {
      if (!res.configuration_keys) return true;
      return std::find(res.configuration_keys->begin(), res.configuration_keys->end(), key) !=
             res.configuration_keys->end();
    };
    if (res.resource_type == kTopicResourceType) {
      auto desc = logs_->DescribeTopic(res.resource_name);
      if (!desc.ok()) {
        result.error_code = ErrorForStatus(desc.status());
        result.error_message = desc.status().message();
      } else {
        for (const auto& [key, value] : log::ConfigEntries(desc->config)) {
          if (!wanted(key)) continue;
          bool is_override = desc->overrides.count(key) > 0;
          DescribeConfigsResponse::DescribeConfigsResourceResult c;
          c.name = key;
          c.value = value;
          c.is_default = !is_override;
          c.config_source = is_override ? kSourceTopicConfig : kSourceDefault;
          result.configs.push_back(std::move(c));
        }
      }
    } else if (res.resource_type == kBrokerResourceType) {
      // The broker's own settings are read-only over the protocol (they come from tide.yaml).
      for (const auto& [k, v] : log::ConfigEntries(logs_->defaults())) {
        if (!wanted(k)) continue;
        DescribeConfigsResponse::DescribeConfigsResourceResult c;
        c.name = k;
        c.value = v;
        c.read_only = true;
        c.is_default = true;
        c.config_source = kSourceDefault;
        result.configs.push_back(std::move(c));
      }
    } else {
      result.error_code = ErrorCode::kInvalidRequest;
      result.error_message = "unsupported config resource type " + std::to_string(res.resource_type);
    }
    resp.results.push_back(std::move(result));
  }
  Reply(ctx, resp);
  return Status::OK();
}

namespace {

// Shared by AlterConfigs (replace the whole set) and IncrementalAlterConfigs.
template <class Result>
void FillAlterResult(Result* result, const Status& s) {
  if (s.ok()) return;
  result->error_code = s.IsNotFound() ? ErrorCode::kUnknownTopicOrPartition
                       : s.IsInvalidArgument() ? ErrorCode::kInvalidConfig
                                               : ErrorForStatus(s);
  result->error_message = s.message();
}

}  // namespace

Status Broker::HandleAlterConfigs(Context ctx, Reader& r) {
  AlterConfigsRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  AlterConfigsResponse resp;
  for (const auto& res : req.resources) {
    AlterConfigsResponse::AlterConfigsResourceResponse result;
    result.resource_type = res.resource_type;
    result.resource_name = res.resource_name;
    if (res.resource_type != kTopicResourceType) {
      result.error_code = ErrorCode::kInvalidRequest;
      result.error_message = "only topic configs can be altered; broker settings come from the server's config file";
    } else {
      std::map<std::string, std::string> configs;
      for (const auto& c : res.configs) {
        if (c.value) configs[c.name] = *c.value;
      }
      // AlterConfigs replaces the topic's whole set of overrides.
      std::vector<std::string> remove;
      if (auto desc = logs_->DescribeTopic(res.resource_name); desc.ok()) {
        for (const auto& [k, v] : desc->overrides) {
          if (!configs.count(k)) remove.push_back(k);
        }
      }
      FillAlterResult(&result, AlterConfigs(res.resource_name, configs, remove, req.validate_only));
    }
    resp.responses.push_back(std::move(result));
  }
  Reply(ctx, resp);
  return Status::OK();
}

Status Broker::HandleIncrementalAlterConfigs(Context ctx, Reader& r) {
  IncrementalAlterConfigsRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  IncrementalAlterConfigsResponse resp;
  for (const auto& res : req.resources) {
    IncrementalAlterConfigsResponse::AlterConfigsResourceResponse result;
    result.resource_type = res.resource_type;
    result.resource_name = res.resource_name;
    if (res.resource_type != kTopicResourceType) {
      result.error_code = ErrorCode::kInvalidRequest;
      result.error_message = "only topic configs can be altered; broker settings come from the server's config file";
      resp.responses.push_back(std::move(result));
      continue;
    }
    std::map<std::string, std::string> set;
    std::vector<std::string> remove;
    Status s;
    for (const auto& c : res.configs) {
      // 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT (the last two only apply to list-valued keys).
      if (c.config_operation == 0 && c.value) {
        set[c.name] = *c.value;
      } else if (c.config_operation == 1) {
        remove.push_back(c.name);
      } else {
        s = Status::InvalidArgument("config operation " + std::to_string(c.config_operation) + " on '" + c.name +
                                    "' is not supported (only SET and DELETE)");
      }
    }
    if (s.ok()) s = AlterConfigs(res.resource_name, set, remove, req.validate_only);
    FillAlterResult(&result, s);
    resp.responses.push_back(std::move(result));
  }
  Reply(ctx, resp);
  return Status::OK();
}

Status Broker::HandleDeleteRecords(Context ctx, Reader& r) {
  DeleteRecordsRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  DeleteRecordsResponse resp;
  for (const auto& t : req.topics) {
    DeleteRecordsResponse::DeleteRecordsTopicResult topic;
    topic.name = t.name;
    for (const auto& p : t.partitions) {
      DeleteRecordsResponse::DeleteRecordsPartitionResult result;
      result.partition_index = p.partition_index;
      auto log = logs_->GetPartition(t.name, p.partition_index);
      if (!log) {
        result.error_code = ErrorCode::kUnknownTopicOrPartition;
        result.low_watermark = -1;
      } else {
        int64_t target = p.offset == -1 ? log->high_watermark() : p.offset;
        auto low = log->DeleteRecordsBefore(target);
        if (low.ok()) {
          result.low_watermark = *low;
        } else {
          result.error_code = ErrorForStatus(low.status());
          result.low_watermark = -1;
        }
      }
      topic.partitions.push_back(result);
    }
    resp.topics.push_back(std::move(topic));
  }
  Reply(ctx, resp);
  return Status::OK();
}

Status Broker::HandleDescribeCluster(Context ctx, Reader& r) {
  DescribeClusterRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  DescribeClusterResponse resp;
  resp.cluster_id = options_.cluster_id;
  resp.controller_id = options_.node_id;
  resp.brokers.push_back({options_.node_id, options_.advertised_host, options_.advertised_port, std::nullopt});
  Reply(ctx, resp);
  return Status::OK();
}

Status Broker::HandleFindCoordinator(Context ctx, Reader& r) {
  FindCoordinatorRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  FindCoordinatorResponse resp;
  for (const auto& key : req.coordinator_keys) {
    FindCoordinatorResponse::Coordinator c;
    c.key = key;
    bool available = req.key_type == FindCoordinatorRequest::kGroupKeyType ? groups_ != nullptr : txns_ != nullptr;
    if (!available) {
      c.error_code = ErrorCode::kCoordinatorNotAvailable;
      c.node_id = -1;
      c.error_message = "this server has no coordinator for key type " + std::to_string(req.key_type);
    } else {
      c.node_id = options_.node_id;
      c.host = options_.advertised_host;
      c.port = options_.advertised_port;
    }
    resp.coordinators.push_back(std::move(c));
  }
  Reply(ctx, resp);
  return Status::OK();
}

// ---- SASL: answered; mechanisms arrive with the security work ----

Status Broker::HandleSaslHandshake(Context ctx, Reader& r) {
  SaslHandshakeRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  SaslHandshakeResponse resp;
  resp.error_code = ErrorCode::kUnsupportedSaslMechanism;  // no mechanism is enabled on this listener
  Reply(ctx, resp);
  return Status::OK();
}

Status Broker::HandleSaslAuthenticate(Context ctx, Reader& r) {
  SaslAuthenticateRequest req;
  TIDE_RETURN_IF_ERROR(DecodeBody(r, ctx, &req));
  SaslAuthenticateResponse resp;
  resp.error_code = ErrorCode::kIllegalSaslState;
  resp.error_message = "SASL is not enabled on this listener";
  Reply(ctx, resp);
  return Status::OK();
}

}  // namespace tide::kafka
