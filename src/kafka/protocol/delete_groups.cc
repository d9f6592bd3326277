#include "kafka/protocol/delete_groups.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  internal::StringArray(io, "groups_names", m.groups_names);
  io.TaggedFields("DeleteGroupsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("results", m.results, [&](auto& r) {
    io.String("group_id", r.group_id);
    io.Error("error_code", r.error_code);
    io.TaggedFields("results");
  });
  io.TaggedFields("DeleteGroupsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(DeleteGroupsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(DeleteGroupsResponse, ResponseFields)

}  // namespace tide::kafka
