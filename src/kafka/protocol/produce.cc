#include "kafka/protocol/produce.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  if (v >= 3) io.NullableString("transactional_id", m.transactional_id);
  io.Int16("acks", m.acks);
  io.Int32("timeout_ms", m.timeout_ms);
  io.Array("topic_data", m.topic_data, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partition_data", t.partition_data, [&](auto& p) {
      io.Int32("index", p.index);
      io.RecordsField("records", p.records);
      io.TaggedFields("partition_data");
    });
    io.TaggedFields("topic_data");
  });
  io.TaggedFields("ProduceRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Array("responses", m.responses, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partition_responses", t.partition_responses, [&](auto& p) {
      io.Int32("index", p.index);
      io.Error("error_code", p.error_code);
      io.Int64("base_offset", p.base_offset);
      if (v >= 2) io.Int64("log_append_time_ms", p.log_append_time_ms);
      if (v >= 5) io.Int64("log_start_offset", p.log_start_offset);
      if (v >= 8) {
        io.Array("record_errors", p.record_errors, [&](auto& e) {
          io.Int32("batch_index", e.batch_index);
          io.NullableString("batch_index_error_message", e.batch_index_error_message);
          io.TaggedFields("record_errors");
        });
        io.NullableString("error_message", p.error_message);
      }
      io.TaggedFields("partition_responses");
    });
    io.TaggedFields("responses");
  });
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.TaggedFields("ProduceResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(ProduceRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(ProduceResponse, ResponseFields)

}  // namespace tide::kafka
