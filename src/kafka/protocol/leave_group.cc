#include "kafka/protocol/leave_group.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("group_id", m.group_id);
  if (v < 3) {
    if constexpr (std::is_same_v<IO, Reader>) {
      io.String("member_id", m.members.emplace_back().member_id);
    } else {
      io.String("member_id", m.members.empty() ? std::string() : m.members.front().member_id);
    }
  } else {
    io.Array("members", m.members, [&](auto& mem) {
      io.String("member_id", mem.member_id);
      io.NullableString("group_instance_id", mem.group_instance_id);
      if (v >= 5) io.NullableString("reason", mem.reason);
      io.TaggedFields("members");
    });
  }
  io.TaggedFields("LeaveGroupRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Error("error_code", m.error_code);
  if (v >= 3) {
    io.Array("members", m.members, [&](auto& mem) {
      io.String("member_id", mem.member_id);
      io.NullableString("group_instance_id", mem.group_instance_id);
      io.Error("error_code", mem.error_code);
      io.TaggedFields("members");
    });
  }
  io.TaggedFields("LeaveGroupResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(LeaveGroupRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(LeaveGroupResponse, ResponseFields)

}  // namespace tide::kafka
