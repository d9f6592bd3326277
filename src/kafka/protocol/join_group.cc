#include "kafka/protocol/join_group.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("group_id", m.group_id);
  io.Int32("session_timeout_ms", m.session_timeout_ms);
  if (v >= 1) {
    io.Int32("rebalance_timeout_ms", m.rebalance_timeout_ms);
  } else if constexpr (std::is_same_v<IO, Reader>) {
    m.rebalance_timeout_ms = m.session_timeout_ms;
  }
  io.String("member_id", m.member_id);
  if (v >= 5) io.NullableString("group_instance_id", m.group_instance_id);
  io.String("protocol_type", m.protocol_type);
  io.Array("protocols", m.protocols, [&](auto& p) {
    io.String("name", p.name);
    io.Bytes("metadata", p.metadata);
    io.TaggedFields("protocols");
  });
  if (v >= 8) io.NullableString("reason", m.reason);
  io.TaggedFields("JoinGroupRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 2) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Error("error_code", m.error_code);
  io.Int32("generation_id", m.generation_id);
  if (v >= 7) io.NullableString("protocol_type", m.protocol_type);
  internal::MaybeNullableString(io, "protocol_name", m.protocol_name, v >= 7);
  io.String("leader", m.leader);
  if (v >= 9) io.Bool("skip_assignment", m.skip_assignment);
  io.String("member_id", m.member_id);
  io.Array("members", m.members, [&](auto& mem) {
    io.String("member_id", mem.member_id);
    if (v >= 5) io.NullableString("group_instance_id", mem.group_instance_id);
    io.Bytes("metadata", mem.metadata);
    io.TaggedFields("members");
  });
  io.TaggedFields("JoinGroupResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(JoinGroupRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(JoinGroupResponse, ResponseFields)

}  // namespace tide::kafka
