#include "kafka/protocol/add_partitions_to_txn.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("transactional_id", m.transactional_id);
  io.Int64("producer_id", m.producer_id);
  io.Int16("producer_epoch", m.producer_epoch);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    internal::Int32Array(io, "partitions", t.partitions);
    io.TaggedFields("topics");
  });
  io.TaggedFields("AddPartitionsToTxnRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("results", m.results, [&](auto& t) {
    io.String("name", t.name);
    io.Array("results", t.results, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Error("error_code", p.error_code);
      io.TaggedFields("results");
    });
    io.TaggedFields("results");
  });
  io.TaggedFields("AddPartitionsToTxnResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(AddPartitionsToTxnRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(AddPartitionsToTxnResponse, ResponseFields)

}  // namespace tide::kafka
