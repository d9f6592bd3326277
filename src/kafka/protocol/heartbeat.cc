#include "kafka/protocol/heartbeat.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("group_id", m.group_id);
  io.Int32("generation_id", m.generation_id);
  io.String("member_id", m.member_id);
  if (v >= 3) io.NullableString("group_instance_id", m.group_instance_id);
  io.TaggedFields("HeartbeatRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Error("error_code", m.error_code);
  io.TaggedFields("HeartbeatResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(HeartbeatRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(HeartbeatResponse, ResponseFields)

}  // namespace tide::kafka
