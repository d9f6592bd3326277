#include "kafka/protocol/create_topics.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Int32("num_partitions", t.num_partitions);
    io.Int16("replication_factor", t.replication_factor);
    io.Array("assignments", t.assignments, [&](auto& a) {
      io.Int32("partition_index", a.partition_index);
      internal::Int32Array(io, "broker_ids", a.broker_ids);
      io.TaggedFields("assignments");
    });
    io.Array("configs", t.configs, [&](auto& c) {
      io.String("name", c.name);
      io.NullableString("value", c.value);
      io.TaggedFields("configs");
    });
    io.TaggedFields("topics");
  });
  io.Int32("timeout_ms", m.timeout_ms);
  if (v >= 1) io.Bool("validate_only", m.validate_only);
  io.TaggedFields("CreateTopicsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 2) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    if (v >= 7) io.Uuid("topic_id", t.topic_id);
    io.Error("error_code", t.error_code);
    if (v >= 1) io.NullableString("error_message", t.error_message);
    if (v >= 5) {
      io.Int32("num_partitions", t.num_partitions);
      io.Int16("replication_factor", t.replication_factor);
      io.NullableArray("configs", t.configs, [&](auto& c) {
        io.String("name", c.name);
        io.NullableString("value", c.value);
        io.Bool("read_only", c.read_only);
        io.Int8("config_source", c.config_source);
        io.Bool("is_sensitive", c.is_sensitive);
        io.TaggedFields("configs");
      });
    }
    io.TaggedFields("topics", {TagField<IO>{0, t.topic_config_error_code != ErrorCode::kNone, [&](IO& s) {
                                              s.Error("topic_config_error_code", t.topic_config_error_code);
                                            }}});
  });
  io.TaggedFields("CreateTopicsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(CreateTopicsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(CreateTopicsResponse, ResponseFields)

}  // namespace tide::kafka
