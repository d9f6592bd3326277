#include "kafka/protocol/add_offsets_to_txn.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("transactional_id", m.transactional_id);
  io.Int64("producer_id", m.producer_id);
  io.Int16("producer_epoch", m.producer_epoch);
  io.String("group_id", m.group_id);
  io.TaggedFields("AddOffsetsToTxnRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Error("error_code", m.error_code);
  io.TaggedFields("AddOffsetsToTxnResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(AddOffsetsToTxnRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(AddOffsetsToTxnResponse, ResponseFields)

}  // namespace tide::kafka
