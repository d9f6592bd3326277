#include "kafka/protocol/delete_records.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Int64("offset", p.offset);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.Int32("timeout_ms", m.timeout_ms);
  io.TaggedFields("DeleteRecordsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Int64("low_watermark", p.low_watermark);
      io.Error("error_code", p.error_code);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.TaggedFields("DeleteRecordsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(DeleteRecordsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(DeleteRecordsResponse, ResponseFields)

}  // namespace tide::kafka
