#include "kafka/protocol/metadata.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  internal::MaybeNullableArray(io, "topics", m.topics, v >= 1, [&](auto& t) {
    if (v >= 10) io.Uuid("topic_id", t.topic_id);
    internal::MaybeNullableString(io, "name", t.name, v >= 10);
    io.TaggedFields("topics");
  });
  if constexpr (std::is_same_v<IO, Reader>) {
    // v0 spells "all topics" as an empty list.
    if (v == 0 && m.topics && m.topics->empty()) m.topics.reset();
  }
  if (v >= 4) io.Bool("allow_auto_topic_creation", m.allow_auto_topic_creation);
  if (v >= 8 && v <= 10) io.Bool("include_cluster_authorized_operations", m.include_cluster_authorized_operations);
  if (v >= 8) io.Bool("include_topic_authorized_operations", m.include_topic_authorized_operations);
  io.TaggedFields("MetadataRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 3) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("brokers", m.brokers, [&](auto& b) {
    io.Int32("node_id", b.node_id);
    io.String("host", b.host);
    io.Int32("port", b.port);
    if (v >= 1) io.NullableString("rack", b.rack);
    io.TaggedFields("brokers");
  });
  if (v >= 2) io.NullableString("cluster_id", m.cluster_id);
  if (v >= 1) io.Int32("controller_id", m.controller_id);
  io.Array("topics", m.topics, [&](auto& t) {
    io.Error("error_code", t.error_code);
    internal::MaybeNullableString(io, "name", t.name, v >= 12);
    if (v >= 10) io.Uuid("topic_id", t.topic_id);
    if (v >= 1) io.Bool("is_internal", t.is_internal);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Error("error_code", p.error_code);
      io.Int32("partition_index", p.partition_index);
      io.Int32("leader_id", p.leader_id);
      if (v >= 7) io.Int32("leader_epoch", p.leader_epoch);
      internal::Int32Array(io, "replica_nodes", p.replica_nodes);
      internal::Int32Array(io, "isr_nodes", p.isr_nodes);
      if (v >= 5) internal::Int32Array(io, "offline_replicas", p.offline_replicas);
      io.TaggedFields("partitions");
    });
    if (v >= 8) io.Int32("topic_authorized_operations", t.topic_authorized_operations);
    io.TaggedFields("topics");
  });
  if (v >= 8 && v <= 10) io.Int32("cluster_authorized_operations", m.cluster_authorized_operations);
  io.TaggedFields("MetadataResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(MetadataRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(MetadataResponse, ResponseFields)

}  // namespace tide::kafka
