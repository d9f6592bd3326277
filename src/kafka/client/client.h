// Tide's Kafka client: producer, consumer and admin operations against any Kafka-compatible
// cluster — the embedded `tide server` or a real Kafka/Redpanda cluster — built on librdkafka.
//
// The `tide topic|produce|consume|group` commands use it, and so will the stream engine's
// sources and sinks, which is how a pipeline moves from the embedded broker to an existing
// cluster by changing one address.
//
// Thread-safety: each object is used from one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace tide::kafka::client {

struct ClientOptions {
  std::string bootstrap_servers = "127.0.0.1:9092";
  int timeout_ms = 10000;
  // Extra librdkafka properties ("security.protocol", "compression.type", ...).
  std::map<std::string, std::string> properties;
};

struct Header {
  std::string key;
  std::optional<std::string> value;
};

struct Message {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp_ms = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;
};

struct PartitionInfo {
  int32_t id = 0;
  int32_t leader = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isrs;
  std::string error;  // empty when healthy
};

struct TopicInfo {
  std::string name;
  std::vector<PartitionInfo> partitions;
  std::map<std::string, std::string> configs;    // every config, filled by DescribeTopic
  std::map<std::string, std::string> overrides;  // the ones set on the topic (not defaults)
  std::string error;
};

struct TopicPartitionOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;
};

struct GroupListing {
  std::string group_id;
  std::string state;  // "Stable", "Empty", ...
  bool simple = false;
};

struct GroupMember {
  std::string member_id;
  std::string client_id;
  std::string host;
  std::optional<std::string> instance_id;
  std::vector<std::pair<std::string, int32_t>> assignment;  // topic, partition
};

struct GroupDescription {
  std::string group_id;
  std::string state;
  std::string assignor;
  std::vector<GroupMember> members;
};

class AdminClient {
 public:
  static base::Result<std::unique_ptr<AdminClient>> Connect(const ClientOptions& options);
  ~AdminClient();

  base::Status CreateTopic(const std::string& name, int partitions, const std::map<std::string, std::string>& configs);
  base::Status DeleteTopic(const std::string& name);
  base::Status CreatePartitions(const std::string& name, int total_partitions);
  // Sets (value) or resets to default (nullopt) topic configs; other keys keep their values.
  base::Status AlterTopicConfigs(const std::string& name,
                                 const std::map<std::string, std::optional<std::string>>& changes);
  base::Result<std::vector<TopicInfo>> ListTopics();
  base::Result<TopicInfo> DescribeTopic(const std::string& name);
  // Low and high watermark of one partition.
  base::Result<std::pair<int64_t, int64_t>> Watermarks(const std::string& topic, int32_t partition);
  // For each partition of `topic`, the first offset whose timestamp is >= timestamp_ms (the
  // high watermark when there is none).
  base::Result<std::vector<TopicPartitionOffset>> OffsetsForTime(const std::string& topic, int64_t timestamp_ms);

  base::Result<std::vector<GroupListing>> ListGroups();
  base::Result<GroupDescription> DescribeGroup(const std::string& group);
  // Committed offsets of every partition the group has committed for.
  base::Result<std::vector<TopicPartitionOffset>> GroupOffsets(const std::string& group);
  // Sets the group's committed offsets; the broker refuses while the group has members.
  base::Status AlterGroupOffsets(const std::string& group, const std::vector<TopicPartitionOffset>& offsets);

  struct Impl;

 private:
  explicit AdminClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Producer {
 public:
  static base::Result<std::unique_ptr<Producer>> Connect(const ClientOptions& options);
  ~Producer();
  // Queues one record; partition -1 lets the partitioner choose (by key hash, like Java's).
  base::Status Send(const std::string& topic, int32_t partition, const std::optional<std::string>& key,
                    const std::optional<std::string>& value, const std::vector<Header>& headers = {});
  // Waits until every queued record is acknowledged; returns the first delivery error.
  base::Status Flush();
  int64_t delivered() const;

  struct Impl;

 private:
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class Consumer {
 public:
  struct Options {
    ClientOptions client;
    std::string group;        // empty: no group; partitions are assigned explicitly
    bool from_beginning = false;
    int32_t partition = -1;   // with no group: one partition (-1 = all)
    int64_t offset = -1;      // with a partition: start offset (-1 = per from_beginning)
  };
  static base::Result<std::unique_ptr<Consumer>> Subscribe(const Options& options, const std::string& topic);
  ~Consumer();
  // The next record, or nullopt when none arrived within `timeout_ms`.
  base::Result<std::optional<Message>> Poll(int timeout_ms);
  // True when, with no group, every assigned partition has been read to its end.
  bool AtEnd() const;
  base::Status Commit();

  struct Impl;

 private:
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tide::kafka::client
