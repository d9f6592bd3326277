#include "kafka/protocol/init_producer_id.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.NullableString("transactional_id", m.transactional_id);
  io.Int32("transaction_timeout_ms", m.transaction_timeout_ms);
  if (v >= 3) {
    io.Int64("producer_id", m.producer_id);
    io.Int16("producer_epoch", m.producer_epoch);
  }
  io.TaggedFields("InitProducerIdRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Error("error_code", m.error_code);
  io.Int64("producer_id", m.producer_id);
  io.Int16("producer_epoch", m.producer_epoch);
  io.TaggedFields("InitProducerIdResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(InitProducerIdRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(InitProducerIdResponse, ResponseFields)

}  // namespace tide::kafka
