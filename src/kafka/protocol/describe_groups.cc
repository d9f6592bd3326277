#include "kafka/protocol/describe_groups.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  internal::StringArray(io, "groups", m.groups);
  if (v >= 3) io.Bool("include_authorized_operations", m.include_authorized_operations);
  io.TaggedFields("DescribeGroupsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("groups", m.groups, [&](auto& g) {
    io.Error("error_code", g.error_code);
    io.String("group_id", g.group_id);
    io.String("group_state", g.group_state);
    io.String("protocol_type", g.protocol_type);
    io.String("protocol_data", g.protocol_data);
    io.Array("members", g.members, [&](auto& mem) {
      io.String("member_id", mem.member_id);
      if (v >= 4) io.NullableString("group_instance_id", mem.group_instance_id);
      io.String("client_id", mem.client_id);
      io.String("client_host", mem.client_host);
      io.Bytes("member_metadata", mem.member_metadata);
      io.Bytes("member_assignment", mem.member_assignment);
      io.TaggedFields("members");
    });
    if (v >= 3) io.Int32("authorized_operations", g.authorized_operations);
    io.TaggedFields("groups");
  });
  io.TaggedFields("DescribeGroupsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(DescribeGroupsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(DescribeGroupsResponse, ResponseFields)

}  // namespace tide::kafka
