#include "kafka/protocol/describe_cluster.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.Bool("include_cluster_authorized_operations", m.include_cluster_authorized_operations);
  io.TaggedFields("DescribeClusterRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Error("error_code", m.error_code);
  io.NullableString("error_message", m.error_message);
  io.String("cluster_id", m.cluster_id);
  io.Int32("controller_id", m.controller_id);
  io.Array("brokers", m.brokers, [&](auto& b) {
    io.Int32("broker_id", b.broker_id);
    io.String("host", b.host);
    io.Int32("port", b.port);
    io.NullableString("rack", b.rack);
    io.TaggedFields("brokers");
  });
  io.Int32("cluster_authorized_operations", m.cluster_authorized_operations);
  io.TaggedFields("DescribeClusterResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(DescribeClusterRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(DescribeClusterResponse, ResponseFields)

}  // namespace tide::kafka
