#include "kafka/protocol/list_groups.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  if (v >= 4) internal::StringArray(io, "states_filter", m.states_filter);
  io.TaggedFields("ListGroupsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Error("error_code", m.error_code);
  io.Array("groups", m.groups, [&](auto& g) {
    io.String("group_id", g.group_id);
    io.String("protocol_type", g.protocol_type);
    if (v >= 4) io.String("group_state", g.group_state);
    io.TaggedFields("groups");
  });
  io.TaggedFields("ListGroupsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(ListGroupsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(ListGroupsResponse, ResponseFields)

}  // namespace tide::kafka
