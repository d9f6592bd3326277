#include "kafka/protocol/create_partitions.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Int32("count", t.count);
    io.NullableArray("assignments", t.assignments, [&](auto& a) {
      internal::Int32Array(io, "broker_ids", a.broker_ids);
      io.TaggedFields("assignments");
    });
    io.TaggedFields("topics");
  });
  io.Int32("timeout_ms", m.timeout_ms);
  io.Bool("validate_only", m.validate_only);
  io.TaggedFields("CreatePartitionsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("results", m.results, [&](auto& r) {
    io.String("name", r.name);
    io.Error("error_code", r.error_code);
    io.NullableString("error_message", r.error_message);
    io.TaggedFields("results");
  });
  io.TaggedFields("CreatePartitionsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(CreatePartitionsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(CreatePartitionsResponse, ResponseFields)

}  // namespace tide::kafka
