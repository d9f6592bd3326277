// Per-topic log configuration: the Kafka topic-level config keys the log honours, their
// validation, and the broker-wide defaults they override.
//
// A topic stores only its overrides (key -> string value, as the client sent them); the
// effective LogConfig is the broker defaults with the overrides applied. Keys are Kafka's:
//   cleanup.policy            delete | compact | compact,delete
//   retention.ms              -1 = forever          retention.bytes  -1 = unlimited
//   segment.bytes  (>= 14)    segment.ms  (>= 1)    segment.index.bytes (>= 8)
//   flush.messages, flush.ms  (>= 0; Kafka's default Long.MAX = never fsync on append)
//   max.message.bytes (>= 0)  message.timestamp.type  CreateTime | LogAppendTime
//   delete.retention.ms, min.compaction.lag.ms (>= 0)
//   index.interval.bytes (>= 0)  min.insync.replicas (>= 1)
//   compression.type          producer|uncompressed|gzip|snappy|lz4|zstd (stored; the log keeps
//                             batches as the producer sent them)
//   unclean.leader.election.enable  true|false (accepted, meaningless on one broker)
// Unknown keys and malformed values are InvalidArgument naming the key.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "log/record_batch.h"

namespace tide::log {

struct LogConfig {
  bool cleanup_delete = true;
  bool cleanup_compact = false;
  int64_t retention_ms = 7 * 24 * 3600 * 1000LL;
  int64_t retention_bytes = -1;
  int64_t segment_bytes = 1LL << 30;
  int64_t segment_ms = 7 * 24 * 3600 * 1000LL;
  int64_t segment_index_bytes = 10 << 20;
  int64_t flush_messages = std::numeric_limits<int64_t>::max();
  int64_t flush_ms = std::numeric_limits<int64_t>::max();
  int64_t max_message_bytes = 1048588;
  TimestampType message_timestamp_type = TimestampType::kCreateTime;
  int64_t delete_retention_ms = 24 * 3600 * 1000LL;
  int64_t min_compaction_lag_ms = 0;
  int64_t index_interval_bytes = 4096;
  int64_t min_insync_replicas = 1;
  std::string compression_type = "producer";
  bool unclean_leader_election_enable = false;
};

// The broker-wide defaults (server.properties / Tide's YAML: log.segment.bytes,
// log.retention.hours, ...). Topics without an override use these.
using BrokerLogDefaults = LogConfig;

// True for the keys listed above.
bool IsKnownTopicConfig(const std::string& key);

// Checks one key/value pair; InvalidArgument naming the key on an unknown key or bad value.
base::Status ValidateTopicConfig(const std::string& key, const std::string& value);

// defaults with every override applied (each validated).
base::Result<LogConfig> ApplyTopicConfigs(const LogConfig& defaults,
                                          const std::map<std::string, std::string>& overrides);

// Every known key with its effective value, in key order (what DescribeConfigs reports).
std::vector<std::pair<std::string, std::string>> ConfigEntries(const LogConfig& config);

// Broker properties with the "log." prefix (log.segment.bytes, log.retention.hours,
// log.retention.minutes, log.retention.ms, log.retention.bytes, log.roll.ms, log.roll.hours,
// log.cleanup.policy, log.flush.interval.messages, log.flush.interval.ms,
// log.index.interval.bytes, log.index.size.max.bytes, log.message.timestamp.type,
// log.cleaner.delete.retention.ms, log.cleaner.min.compaction.lag.ms, message.max.bytes)
// applied onto Kafka's defaults. Unknown keys are InvalidArgument.
base::Result<BrokerLogDefaults> BrokerDefaultsFromProperties(const std::map<std::string, std::string>& props);

}  // namespace tide::log
