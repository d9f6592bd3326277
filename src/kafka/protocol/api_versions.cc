#include "kafka/protocol/api_versions.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  if (v >= 3) {
    io.String("client_software_name", m.client_software_name);
    io.String("client_software_version", m.client_software_version);
  }
  io.TaggedFields("ApiVersionsRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Error("error_code", m.error_code);
  io.Array("api_keys", m.api_keys, [&](auto& k) {
    io.Int16("api_key", k.api_key);
    io.Int16("min_version", k.min_version);
    io.Int16("max_version", k.max_version);
    io.TaggedFields("api_keys");
  });
  if (v >= 1) io.Int32("throttle_time_ms", m.throttle_time_ms);
  io.TaggedFields(
      "ApiVersionsResponse",
      {TagField<IO>{0, !m.supported_features.empty(),
                    [&](IO& s) {
                      s.Array("supported_features", m.supported_features, [&](auto& f) {
                        s.String("name", f.name);
                        s.Int16("min_version", f.min_version);
                        s.Int16("max_version", f.max_version);
                        s.TaggedFields("supported_features");
                      });
                    }},
       TagField<IO>{1, m.finalized_features_epoch != -1,
                    [&](IO& s) { s.Int64("finalized_features_epoch", m.finalized_features_epoch); }},
       TagField<IO>{2, !m.finalized_features.empty(),
                    [&](IO& s) {
                      s.Array("finalized_features", m.finalized_features, [&](auto& f) {
                        s.String("name", f.name);
                        s.Int16("max_version_level", f.max_version_level);
                        s.Int16("min_version_level", f.min_version_level);
                        s.TaggedFields("finalized_features");
                      });
                    }},
       TagField<IO>{3, m.zk_migration_ready, [&](IO& s) { s.Bool("zk_migration_ready", m.zk_migration_ready); }}});
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(ApiVersionsRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(ApiVersionsResponse, ResponseFields)

ApiVersionsResponse MakeApiVersionsResponse() {
  ApiVersionsResponse resp;
  for (const ApiVersionRange& r : SupportedApis()) {
    resp.api_keys.push_back({static_cast<int16_t>(r.api_key), r.min_version, r.max_version});
  }
  return resp;
}

ApiVersionsResponse MakeUnsupportedApiVersionsResponse() {
  ApiVersionsResponse resp;
  resp.error_code = ErrorCode::kUnsupportedVersion;
  const ApiVersionRange* r = FindSupportedApi(ApiKey::kApiVersions);
  resp.api_keys.push_back({static_cast<int16_t>(ApiKey::kApiVersions), r->min_version, r->max_version});
  return resp;
}

}  // namespace tide::kafka
