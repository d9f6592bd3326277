#include "kafka/protocol/offset_for_leader_epoch.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  if (v >= 3) io.Int32("replica_id", m.replica_id);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("topic", t.topic);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition", p.partition);
      if (v >= 2) io.Int32("current_leader_epoch", p.current_leader_epoch);
      io.Int32("leader_epoch", p.leader_epoch);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.TaggedFields("OffsetForLeaderEpochRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 2) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("topic", t.topic);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Error("error_code", p.error_code);
      io.Int32("partition", p.partition);
      if (v >= 1) io.Int32("leader_epoch", p.leader_epoch);
      io.Int64("end_offset", p.end_offset);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.TaggedFields("OffsetForLeaderEpochResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(OffsetForLeaderEpochRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(OffsetForLeaderEpochResponse, ResponseFields)

}  // namespace tide::kafka
