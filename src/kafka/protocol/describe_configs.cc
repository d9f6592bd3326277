#include "kafka/protocol/describe_configs.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.Array("resources", m.resources, [&](auto& r) {
    io.Int8("resource_type", r.resource_type);
    io.String("resource_name", r.resource_name);
    io.NullableArray("configuration_keys", r.configuration_keys,
                     [&](auto& k) { io.String("configuration_keys", k); });
    io.TaggedFields("resources");
  });
  if (v >= 1) io.Bool("include_synonyms", m.include_synonyms);
  if (v >= 3) io.Bool("include_documentation", m.include_documentation);
  io.TaggedFields("DescribeConfigsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.Array("results", m.results, [&](auto& r) {
    io.Error("error_code", r.error_code);
    io.NullableString("error_message", r.error_message);
    io.Int8("resource_type", r.resource_type);
    io.String("resource_name", r.resource_name);
    io.Array("configs", r.configs, [&](auto& c) {
      io.String("name", c.name);
      io.NullableString("value", c.value);
      io.Bool("read_only", c.read_only);
      if (v == 0) io.Bool("is_default", c.is_default);
      if (v >= 1) io.Int8("config_source", c.config_source);
      io.Bool("is_sensitive", c.is_sensitive);
      if (v >= 1) {
        io.Array("synonyms", c.synonyms, [&](auto& s) {
          io.String("name", s.name);
          io.NullableString("value", s.value);
          io.Int8("source", s.source);
          io.TaggedFields("synonyms");
        });
      }
      if (v >= 3) {
        io.Int8("config_type", c.config_type);
        io.NullableString("documentation", c.documentation);
      }
      io.TaggedFields("configs");
    });
    io.TaggedFields("results");
  });
  io.TaggedFields("DescribeConfigsResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(DescribeConfigsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(DescribeConfigsResponse, ResponseFields)

}  // namespace tide::kafka
