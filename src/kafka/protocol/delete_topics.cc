#include "kafka/protocol/delete_topics.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  if (v >= 6) {
    io.Array("topics", m.topics, [&](auto& t) {
      io.NullableString("name", t.name);
      io.Uuid("topic_id", t.topic_id);
      io.TaggedFields("topics");
    });
  } else {
    // topic_names: a plain string list, presented as `topics`.
    io.Array("topic_names", m.topics, [&](auto& t) { internal::MaybeNullableString(io, "topic_names", t.name, false); });
  }
  io.Int32("timeout_ms", m.timeout_ms);
  io.TaggedFields("DeleteTopicsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("responses", m.responses, [&](auto& t) {
    internal::MaybeNullableString(io, "name", t.name, v >= 6);
    if (v >= 6) io.Uuid("topic_id", t.topic_id);
    io.Error("error_code", t.error_code);
    if (v >= 5) io.NullableString("error_message", t.error_message);
    io.TaggedFields("responses");
  });
  io.TaggedFields("DeleteTopicsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(DeleteTopicsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(DeleteTopicsResponse, ResponseFields)

}  // namespace tide::kafka
