#include "kafka/protocol/list_offsets.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.Int32("replica_id", m.replica_id);
  if (v >= 2) io.Int8("isolation_level", m.isolation_level);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      if (v >= 4) io.Int32("current_leader_epoch", p.current_leader_epoch);
      io.Int64("timestamp", p.timestamp);
      if (v == 0) io.Int32("max_num_offsets", p.max_num_offsets);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.TaggedFields("ListOffsetsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 2) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("name", t.name);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Error("error_code", p.error_code);
      if (v == 0) {
        if constexpr (std::is_same_v<IO, Reader>) {
          io.Array("old_style_offsets", p.old_style_offsets, [&](int64_t& o) { io.Int64("old_style_offsets", o); });
          if (!p.old_style_offsets.empty()) p.offset = p.old_style_offsets.front();
        } else if (p.old_style_offsets.empty() && p.offset != -1) {
          io.Array("old_style_offsets", std::vector<int64_t>{p.offset}, [&](int64_t o) { io.Int64("old_style_offsets", o); });
        } else {
          internal::Int64Array(io, "old_style_offsets", p.old_style_offsets);
        }
      }
      if (v >= 1) {
        io.Int64("timestamp", p.timestamp);
        io.Int64("offset", p.offset);
      }
      if (v >= 4) io.Int32("leader_epoch", p.leader_epoch);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  io.TaggedFields("ListOffsetsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(ListOffsetsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(ListOffsetsResponse, ResponseFields)

}  // namespace tide::kafka
