#include "kafka/protocol/sync_group.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("group_id", m.group_id);
  io.Int32("generation_id", m.generation_id);
  io.String("member_id", m.member_id);
  if (v >= 3) io.NullableString("group_instance_id", m.group_instance_id);
  if (v >= 5) {
    io.NullableString("protocol_type", m.protocol_type);
    io.NullableString("protocol_name", m.protocol_name);
  }
  io.Array("assignments", m.assignments, [&](auto& a) {
    io.String("member_id", a.member_id);
    io.Bytes("assignment", a.assignment);
    io.TaggedFields("assignments");
  });
  io.TaggedFields("SyncGroupRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Error("error_code", m.error_code);
  if (v >= 5) {
    io.NullableString("protocol_type", m.protocol_type);
    io.NullableString("protocol_name", m.protocol_name);
  }
  io.Bytes("assignment", m.assignment);
  io.TaggedFields("SyncGroupResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(SyncGroupRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(SyncGroupResponse, ResponseFields)

}  // namespace tide::kafka
