#include "kafka/protocol/offset_fetch.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class T>
void RequestTopicFields(IO& io, T& t) {
  io.String("name", t.name);
  internal::Int32Array(io, "partition_indexes", t.partition_indexes);
  io.TaggedFields("topics");
}

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  if (v < 8) {
    using Group = OffsetFetchRequest::OffsetFetchRequestGroup;
    Group empty;
    Group* g;
    if constexpr (std::is_same_v<IO, Reader>) {
      g = &m.groups.emplace_back();
    } else {
      g = const_cast<Group*>(m.groups.empty() ? &empty : &m.groups.front());
    }
    io.String("group_id", g->group_id);
    internal::MaybeNullableArray(io, "topics", g->topics, v >= 2, [&](auto& t) { RequestTopicFields(io, t); });
  } else {
    io.Array("groups", m.groups, [&](auto& g) {
      io.String("group_id", g.group_id);
      io.NullableArray("topics", g.topics, [&](auto& t) { RequestTopicFields(io, t); });
      io.TaggedFields("groups");
    });
  }
  if (v >= 7) io.Bool("require_stable", m.require_stable);
  io.TaggedFields("OffsetFetchRequest");
}

template <class IO, class T>
void ResponseTopicFields(IO& io, T& t, int16_t v) {
  io.String("name", t.name);
  io.Array("partitions", t.partitions, [&](auto& p) {
    io.Int32("partition_index", p.partition_index);
    io.Int64("committed_offset", p.committed_offset);
    if (v >= 5) io.Int32("committed_leader_epoch", p.committed_leader_epoch);
    io.NullableString("metadata", p.metadata);
    io.Error("error_code", p.error_code);
    io.TaggedFields("partitions");
  });
  io.TaggedFields("topics");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 3) io.Int32("throttle_time_ms", m.throttle_time_ms);
  if (v < 8) {
    using Group = OffsetFetchResponse::OffsetFetchResponseGroup;
    Group empty;
    Group* g;
    if constexpr (std::is_same_v<IO, Reader>) {
      g = &m.groups.emplace_back();
    } else {
      // Encoding never writes through g; the const_cast only unifies the pointer type.
      g = const_cast<Group*>(m.groups.empty() ? &empty : &m.groups.front());
    }
    io.Array("topics", g->topics, [&](auto& t) { ResponseTopicFields(io, t, v); });
    if (v >= 2) io.Error("error_code", g->error_code);
  } else {
    io.Array("groups", m.groups, [&](auto& g) {
      io.String("group_id", g.group_id);
      io.Array("topics", g.topics, [&](auto& t) { ResponseTopicFields(io, t, v); });
      io.Error("error_code", g.error_code);
      io.TaggedFields("groups");
    });
  }
  io.TaggedFields("OffsetFetchResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(OffsetFetchRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(OffsetFetchResponse, ResponseFields)

}  // namespace tide::kafka
