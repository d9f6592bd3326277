#include "kafka/protocol/offset_commit.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("group_id", m.group_id);
  if (v >= 1) {
    io.Int32("generation_id", m.generation_id);
    io.String("member_id", m.member_id);
  }
  if (v >= 7) io.NullableString("group_instance_id", m.group_instance_id);
  if (v >= 2 && v <= 4) io.Int64("retention_time_ms", m.retention_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Int64("committed_offset", p.committed_offset);
      if (v >= 6) io.Int32("committed_leader_epoch", p.committed_leader_epoch);
      if (v == 1) io.Int64("commit_timestamp", p.commit_timestamp);
      io.NullableString("committed_metadata", p.committed_metadata);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.TaggedFields("OffsetCommitRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 3) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Error("error_code", p.error_code);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.TaggedFields("OffsetCommitResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(OffsetCommitRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(OffsetCommitResponse, ResponseFields)

}  // namespace tide::kafka
