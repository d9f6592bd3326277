#include "kafka/protocol/incremental_alter_configs.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.Array("resources", m.resources, [&](auto& r) {
    io.Int8("resource_type", r.resource_type);
    io.String("resource_name", r.resource_name);
    io.Array("configs", r.configs, [&](auto& c) {
      io.String("name", c.name);
      io.Int8("config_operation", c.config_operation);
      io.NullableString("value", c.value);
      io.TaggedFields("configs");
    });
    io.TaggedFields("resources");
  });
  io.Bool("validate_only", m.validate_only);
  io.TaggedFields("IncrementalAlterConfigsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("responses", m.responses, [&](auto& r) {
    io.Error("error_code", r.error_code);
    io.NullableString("error_message", r.error_message);
    io.Int8("resource_type", r.resource_type);
    io.String("resource_name", r.resource_name);
    io.TaggedFields("responses");
  });
  io.TaggedFields("IncrementalAlterConfigsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(IncrementalAlterConfigsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(IncrementalAlterConfigsResponse, ResponseFields)

}  // namespace tide::kafka
