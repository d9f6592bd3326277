#include "kafka/protocol/find_coordinator.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  if (v < 4) {
    if constexpr (std::is_same_v<IO, Reader>) {
      io.String("key", m.coordinator_keys.emplace_back());
    } else {
      io.String("key", m.coordinator_keys.empty() ? std::string() : m.coordinator_keys.front());
    }
  }
  if (v >= 1) io.Int8("key_type", m.key_type);
  if (v >= 4) internal::StringArray(io, "coordinator_keys", m.coordinator_keys);
  io.TaggedFields("FindCoordinatorRequest");
}

// The v0-3 top-level fields of one coordinator.
template <class IO, class C>
void OldCoordinatorFields(IO& io, C& c, int16_t v) {
  io.Error("error_code", c.error_code);
  if (v >= 1) io.NullableString("error_message", c.error_message);
  io.Int32("node_id", c.node_id);
  io.String("host", c.host);
  io.Int32("port", c.port);
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  if (v < 4) {
    if constexpr (std::is_same_v<IO, Reader>) {
      OldCoordinatorFields(io, m.coordinators.emplace_back(), v);
    } else {
      FindCoordinatorResponse::Coordinator none;
      OldCoordinatorFields(io, m.coordinators.empty() ? none : m.coordinators.front(), v);
    }
  } else {
    io.Array("coordinators", m.coordinators, [&](auto& c) {
      io.String("key", c.key);
      io.Int32("node_id", c.node_id);
      io.String("host", c.host);
      io.Int32("port", c.port);
      io.Error("error_code", c.error_code);
      io.NullableString("error_message", c.error_message);
      io.TaggedFields("coordinators");
    });
  }
  io.TaggedFields("FindCoordinatorResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(FindCoordinatorRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(FindCoordinatorResponse, ResponseFields)

}  // namespace tide::kafka
