#include "kafka/protocol/fetch.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.Int32("replica_id", m.replica_id);
  io.Int32("max_wait_ms", m.max_wait_ms);
  io.Int32("min_bytes", m.min_bytes);
  if (v >= 3) io.Int32("max_bytes", m.max_bytes);
  if (v >= 4) io.Int8("isolation_level", m.isolation_level);
  if (v >= 7) {
    io.Int32("session_id", m.session_id);
    io.Int32("session_epoch", m.session_epoch);
  }
  io.Array("topics", m.topics, [&](auto& t) {
    io.String("topic", t.topic);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition", p.partition);
      if (v >= 9) io.Int32("current_leader_epoch", p.current_leader_epoch);
      io.Int64("fetch_offset", p.fetch_offset);
      if (v >= 12) io.Int32("last_fetched_epoch", p.last_fetched_epoch);
      if (v >= 5) io.Int64("log_start_offset", p.log_start_offset);
      io.Int32("partition_max_bytes", p.partition_max_bytes);
      io.TaggedFields("partitions");
    });
    io.TaggedFields("topics");
  });
  if (v >= 7) {
    io.Array("forgotten_topics_data", m.forgotten_topics_data, [&](auto& t) {
      io.String("topic", t.topic);
      internal::Int32Array(io, "partitions", t.partitions);
      io.TaggedFields("forgotten_topics_data");
    });
  }
  if (v >= 11) io.String("rack_id", m.rack_id);
  io.TaggedFields("FetchRequest",
                  {TagField<IO>{0, m.cluster_id.has_value(),
                                [&](IO& s) { s.NullableString("cluster_id", m.cluster_id); }}});
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  using Partition = FetchResponse::PartitionData;
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  if (v >= 7) {
    io.Error("error_code", m.error_code);
    io.Int32("session_id", m.session_id);
  }
  io.Array("responses", m.responses, [&](auto& t) {
    io.String("topic", t.topic);
    io.Array("partitions", t.partitions, [&](auto& p) {
      io.Int32("partition_index", p.partition_index);
      io.Error("error_code", p.error_code);
      io.Int64("high_watermark", p.high_watermark);
      if (v >= 4) io.Int64("last_stable_offset", p.last_stable_offset);
      if (v >= 5) io.Int64("log_start_offset", p.log_start_offset);
      if (v >= 4) {
        io.NullableArray("aborted_transactions", p.aborted_transactions, [&](auto& a) {
          io.Int64("producer_id", a.producer_id);
          io.Int64("first_offset", a.first_offset);
          io.TaggedFields("aborted_transactions");
        });
      }
      if (v >= 11) io.Int32("preferred_read_replica", p.preferred_read_replica);
      io.RecordsField("records", p.records);
      io.TaggedFields(
          "partitions",
          {TagField<IO>{0, p.diverging_epoch != Partition{}.diverging_epoch,
                        [&](IO& s) {
                          s.Int32("diverging_epoch.epoch", p.diverging_epoch.epoch);
                          s.Int64("diverging_epoch.end_offset", p.diverging_epoch.end_offset);
                          s.TaggedFields("diverging_epoch");
                        }},
           TagField<IO>{1, p.current_leader != Partition{}.current_leader,
                        [&](IO& s) {
                          s.Int32("current_leader.leader_id", p.current_leader.leader_id);
                          s.Int32("current_leader.leader_epoch", p.current_leader.leader_epoch);
                          s.TaggedFields("current_leader");
                        }},
           TagField<IO>{2, p.snapshot_id != Partition{}.snapshot_id, [&](IO& s) {
                          s.Int64("snapshot_id.end_offset", p.snapshot_id.end_offset);
                          s.Int32("snapshot_id.epoch", p.snapshot_id.epoch);
                          s.TaggedFields("snapshot_id");
                        }}});
    });
    io.TaggedFields("responses");
  });
  io.TaggedFields("FetchResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(FetchRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(FetchResponse, ResponseFields)

}  // namespace tide::kafka
