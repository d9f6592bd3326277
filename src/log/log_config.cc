#include "log/log_config.h"

#include <charconv>

namespace tide::log {
namespace {

using base::Status;

Status Bad(const std::string& key, const std::string& value, const std::string& why) {
  return Status::InvalidArgument("invalid value '" + value + "' for config " + key + ": " + why);
}

base::Result<int64_t> ParseLong(const std::string& key, const std::string& value, int64_t min,
                                int64_t max = std::numeric_limits<int64_t>::max()) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
    return Bad(key, value, "not an integer");
  }
  if (v < min) return Bad(key, value, "must be at least " + std::to_string(min));
  if (v > max) return Bad(key, value, "must be at most " + std::to_string(max));
  return v;
}

// Applies one pair to *config; the single place that knows every key.
Status Apply(LogConfig* c, const std::string& key, const std::string& value) {
  auto num = [&](int64_t* field, int64_t min, int64_t max = std::numeric_limits<int64_t>::max()) -> Status {
    TIDE_ASSIGN_OR_RETURN(*field, ParseLong(key, value, min, max));
    return Status::OK();
  };
  if (key == "cleanup.policy") {
    // Kafka accepts a comma-separated list in any order.
    bool del = false, compact = false;
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(item.begin());
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (item == "delete") del = true;
      else if (item == "compact") compact = true;
      else return Bad(key, value, "expected delete, compact or compact,delete");
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    c->cleanup_delete = del;
    c->cleanup_compact = compact;
    return Status::OK();
  }
  if (key == "retention.ms") return num(&c->retention_ms, -1);
  if (key == "retention.bytes") return num(&c->retention_bytes, -1);
  // File positions are u32 in the offset index; Kafka caps these at Int.MAX as well.
  if (key == "segment.bytes") return num(&c->segment_bytes, 14, std::numeric_limits<int32_t>::max());
  if (key == "segment.ms") return num(&c->segment_ms, 1);
  if (key == "segment.index.bytes") return num(&c->segment_index_bytes, 8, std::numeric_limits<int32_t>::max());
  if (key == "flush.messages") return num(&c->flush_messages, 0);
  if (key == "flush.ms") return num(&c->flush_ms, 0);
  if (key == "max.message.bytes") return num(&c->max_message_bytes, 0, std::numeric_limits<int32_t>::max());
  if (key == "delete.retention.ms") return num(&c->delete_retention_ms, 0);
  if (key == "min.compaction.lag.ms") return num(&c->min_compaction_lag_ms, 0);
  if (key == "index.interval.bytes") return num(&c->index_interval_bytes, 0, std::numeric_limits<int32_t>::max());
  if (key == "min.insync.replicas") return num(&c->min_insync_replicas, 1);
  if (key == "message.timestamp.type") {
    if (value == "CreateTime") c->message_timestamp_type = TimestampType::kCreateTime;
    else if (value == "LogAppendTime") c->message_timestamp_type = TimestampType::kLogAppendTime;
    else return Bad(key, value, "expected CreateTime or LogAppendTime");
    return Status::OK();
  }
  if (key == "compression.type") {
    static const char* kAllowed[] = {"producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"};
    for (const char* a : kAllowed) {
      if (value == a) {
        c->compression_type = value;
        return Status::OK();
      }
    }
    return Bad(key, value, "expected producer, uncompressed, gzip, snappy, lz4 or zstd");
  }
  if (key == "unclean.leader.election.enable") {
    if (value != "true" && value != "false") return Bad(key, value, "expected true or false");
    c->unclean_leader_election_enable = value == "true";
    return Status::OK();
  }
  return Status::InvalidArgument("unknown topic config key '" + key + "'");
}

}  // namespace

bool IsKnownTopicConfig(const std::string& key) {
  LogConfig scratch;
  Status st = Apply(&scratch, key, "");
  return st.ok() || st.message().rfind("unknown topic config key", 0) != 0;
}

Status ValidateTopicConfig(const std::string& key, const std::string& value) {
  LogConfig scratch;
  return Apply(&scratch, key, value);
}

base::Result<LogConfig> ApplyTopicConfigs(const LogConfig& defaults, const std::map<std::string, std::string>& overrides) {
  LogConfig c = defaults;
  for (const auto& [k, v] : overrides) TIDE_RETURN_IF_ERROR(Apply(&c, k, v));
  return c;
}

std::vector<std::pair<std::string, std::string>> ConfigEntries(const LogConfig& c) {
  std::string policy = c.cleanup_compact && c.cleanup_delete ? "compact,delete" : c.cleanup_compact ? "compact" : "delete";
  return {
      {"cleanup.policy", policy},
      {"compression.type", c.compression_type},
      {"delete.retention.ms", std::to_string(c.delete_retention_ms)},
      {"flush.messages", std::to_string(c.flush_messages)},
      {"flush.ms", std::to_string(c.flush_ms)},
      {"index.interval.bytes", std::to_string(c.index_interval_bytes)},
      {"max.message.bytes", std::to_string(c.max_message_bytes)},
      {"message.timestamp.type",
       c.message_timestamp_type == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime"},
      {"min.compaction.lag.ms", std::to_string(c.min_compaction_lag_ms)},
      {"min.insync.replicas", std::to_string(c.min_insync_replicas)},
      {"retention.bytes", std::to_string(c.retention_bytes)},
      {"retention.ms", std::to_string(c.retention_ms)},
      {"segment.bytes", std::to_string(c.segment_bytes)},
      {"segment.index.bytes", std::to_string(c.segment_index_bytes)},
      {"segment.ms", std::to_string(c.segment_ms)},
      {"unclean.leader.election.enable", c.unclean_leader_election_enable ? "true" : "false"},
  };
}

base::Result<BrokerLogDefaults> BrokerDefaultsFromProperties(const std::map<std::string, std::string>& props) {
  LogConfig c;
  // Kafka gives the ms form precedence over minutes over hours; apply coarse to fine.
  static const std::pair<const char*, const char*> kDirect[] = {
      {"log.segment.bytes", "segment.bytes"},
      {"log.retention.bytes", "retention.bytes"},
      {"log.cleanup.policy", "cleanup.policy"},
      {"log.flush.interval.messages", "flush.messages"},
      {"log.flush.interval.ms", "flush.ms"},
      {"log.index.interval.bytes", "index.interval.bytes"},
      {"log.index.size.max.bytes", "segment.index.bytes"},
      {"log.message.timestamp.type", "message.timestamp.type"},
      {"log.cleaner.delete.retention.ms", "delete.retention.ms"},
      {"log.cleaner.min.compaction.lag.ms", "min.compaction.lag.ms"},
      {"message.max.bytes", "max.message.bytes"},
      {"min.insync.replicas", "min.insync.replicas"},
      {"compression.type", "compression.type"},
      {"unclean.leader.election.enable", "unclean.leader.election.enable"},
  };
  static const std::pair<const char*, int64_t> kTimeRetention[] = {
      {"log.retention.hours", 3600000}, {"log.retention.minutes", 60000}, {"log.retention.ms", 1}};
  static const std::pair<const char*, int64_t> kTimeRoll[] = {{"log.roll.hours", 3600000}, {"log.roll.ms", 1}};
  for (const auto& [k, v] : props) {
    bool known = false;
    for (const auto& [from, to] : kDirect) {
      if (k == from) {
        TIDE_RETURN_IF_ERROR(Apply(&c, to, v).WithContext("broker property " + k));
        known = true;
      }
    }
    for (const auto& t : kTimeRetention) known |= k == t.first;
    for (const auto& t : kTimeRoll) known |= k == t.first;
    if (!known) return base::Status::InvalidArgument("unknown broker log property '" + k + "'");
  }
  for (const auto& [name, scale] : kTimeRetention) {
    auto it = props.find(name);
    if (it == props.end()) continue;
    TIDE_ASSIGN_OR_RETURN(int64_t v, ParseLong(name, it->second, -1));
    c.retention_ms = v < 0 ? -1 : v * scale;
  }
  for (const auto& [name, scale] : kTimeRoll) {
    auto it = props.find(name);
    if (it == props.end()) continue;
    TIDE_ASSIGN_OR_RETURN(int64_t v, ParseLong(name, it->second, 1));
    c.segment_ms = v * scale;
  }
  return c;
}

}  // namespace tide::log
