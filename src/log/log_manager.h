// LogManager: every topic and partition log under a data directory, and the topic metadata
// that outlives restarts.
//
// Layout (DESIGN.md public contract):
//   <data_dir>/log/<topic>-<partition>/     one PartitionLog each (see partition_log.h)
//   <data_dir>/meta/topics/<topic>.json     {"name", "id" (32 hex digits), "partitions",
//                                            "configs": {key: value overrides}}
// Metadata files are replaced atomically (temp file, fsync, rename, directory fsync). Topic
// creation makes the partition directories before the metadata file and deletion removes the
// metadata file first, so after a crash a directory without metadata is an orphan that Open
// removes.
//
// Topic names follow Kafka: 1-249 characters from [a-zA-Z0-9._-], not "." or "..", and not
// colliding with an existing topic once '.' and '_' are considered equal.
//
// Thread-safety: all methods may be called concurrently. Topic-level changes take an exclusive
// lock; GetPartition takes a shared one. Retention, compaction and flushing work on a snapshot
// of the partitions and hold no manager lock while doing I/O.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "log/log_config.h"
#include "log/partition_log.h"

namespace tide::log {

struct TopicDescription {
  std::string name;
  std::array<uint8_t, 16> id{};                 // Kafka topic id (random UUID bytes)
  int32_t partitions = 0;
  std::map<std::string, std::string> overrides;  // configs set on the topic
  LogConfig config;                              // effective: broker defaults + overrides
};

struct LogManagerOptions {
  std::string data_dir;
  BrokerLogDefaults defaults;
  // Receives recovery notes (truncations, orphans removed). May be empty.
  std::function<void(const std::string&)> warn;
  // Milliseconds since the epoch; defaults to the system clock.
  std::function<int64_t()> clock_ms;
};

class LogManager {
 public:
  // Loads every topic in <data_dir>/meta/topics and opens (recovering) its partitions.
  static base::Result<std::unique_ptr<LogManager>> Open(LogManagerOptions options);
  ~LogManager();

  // InvalidArgument for a bad name, partition count < 1 or bad config; AlreadyExists.
  base::Status CreateTopic(const std::string& name, int32_t partitions,
                           const std::map<std::string, std::string>& configs = {});
  // The checks CreateTopic makes, without creating anything (CreateTopics validateOnly).
  base::Status ValidateNewTopic(const std::string& name, int32_t partitions,
                                const std::map<std::string, std::string>& configs = {}) const;
  // NotFound if missing. Open PartitionLog handles stay readable but refuse appends.
  base::Status DeleteTopic(const std::string& name);
  // Grows the topic to `new_total` partitions (InvalidArgument unless larger than now).
  base::Status CreatePartitions(const std::string& name, int32_t new_total);
  // Sets `set` and removes `remove` from the topic's overrides (validated first; all or nothing)
  // and applies the new effective config to its partitions.
  base::Status AlterTopicConfig(const std::string& name, const std::map<std::string, std::string>& set,
                                const std::vector<std::string>& remove = {});
  base::Result<TopicDescription> DescribeTopic(const std::string& name) const;
  std::vector<std::string> ListTopics() const;  // sorted
  bool HasTopic(const std::string& name) const;
  // The topic with this id (Fetch v13+ and Metadata v10+ address topics by id), or nullopt.
  std::optional<std::string> TopicNameForId(const std::array<uint8_t, 16>& id) const;

  // The partition's log, or nullptr when the topic or partition does not exist.
  std::shared_ptr<PartitionLog> GetPartition(const std::string& topic, int32_t partition) const;

  // Retention over all partitions (see PartitionLog::RunRetention). Returns segments deleted;
  // the first error is returned after every partition was tried.
  base::Result<size_t> RunRetention(int64_t now_ms);
  // Compaction over compacted topics. Returns records removed.
  base::Result<size_t> RunCompaction(int64_t now_ms);
  // flush.ms-driven fsyncs for a periodic ticker.
  base::Status FlushDue(int64_t now_ms);
  // Flushes and closes every partition.
  base::Status Close();

  const BrokerLogDefaults& defaults() const { return options_.defaults; }
  const std::string& data_dir() const { return options_.data_dir; }

  static base::Status ValidateTopicName(const std::string& name);

 private:
  struct Topic {
    TopicDescription desc;
    std::vector<std::shared_ptr<PartitionLog>> partitions;
  };
  explicit LogManager(LogManagerOptions options);
  base::Status Load();
  base::Status WriteMeta(const TopicDescription& desc) const;
  base::Result<std::shared_ptr<PartitionLog>> OpenPartition(const TopicDescription& desc, int32_t p) const;
  std::string PartitionDir(const std::string& topic, int32_t p) const;
  std::string MetaPath(const std::string& topic) const;
  std::vector<std::shared_ptr<PartitionLog>> AllPartitions() const;
  void Warn(const std::string& msg) const;

  LogManagerOptions options_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Topic> topics_;
};

}  // namespace tide::log
