#include "kafka/protocol/offset_delete.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("group_id", m.group_id);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) { io.Int32("partition_index", p.partition_index); });
  });
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Error("error_code", m.error_code);
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Error("error_code", p.error_code);
    });
  });
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(OffsetDeleteRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(OffsetDeleteResponse, ResponseFields)

}  // namespace tide::kafka
