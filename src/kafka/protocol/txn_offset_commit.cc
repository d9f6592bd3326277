#include "kafka/protocol/txn_offset_commit.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("transactional_id", m.transactional_id);
  io.String("group_id", m.group_id);
  io.Int64("producer_id", m.producer_id);
  io.Int16("producer_epoch", m.producer_epoch);
  if (v >= 3) {
    io.Int32("generation_id", m.generation_id);
    io.String("member_id", m.member_id);
    io.NullableString("group_instance_id", m.group_instance_id);
  }
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Int64("committed_offset", p.committed_offset);
      if (v >= 2) io.Int32("committed_leader_epoch", p.committed_leader_epoch);
      io.NullableString("committed_metadata", p.committed_metadata);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.TaggedFields("TxnOffsetCommitRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Error("error_code", p.error_code);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.TaggedFields("TxnOffsetCommitResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(TxnOffsetCommitRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(TxnOffsetCommitResponse, ResponseFields)

}  // namespace tide::kafka
