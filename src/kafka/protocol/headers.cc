#include "kafka/protocol/headers.h"

namespace tide::kafka {

base::Status RequestHeader::Decode(Reader& r, int16_t header_version) {
  *this = RequestHeader{};
  bool saved = r.flexible();
  r.set_flexible(header_version >= 2);
  int16_t key = 0;
  r.Int16("api_key", key);
  api_key = static_cast<ApiKey>(key);
  r.Int16("api_version", api_version);
  r.Int32("correlation_id", correlation_id);
  if (header_version >= 1) r.ClassicNullableString("client_id", client_id);
  r.TaggedFields("request_header_tags");
  r.set_flexible(saved);
  if (!r.ok()) return r.status().WithContext("request header");
  return base::Status::OK();
}

void RequestHeader::Encode(Writer& w, int16_t header_version) const {
  bool saved = w.flexible();
  w.set_flexible(header_version >= 2);
  w.Int16("api_key", static_cast<int16_t>(api_key));
  w.Int16("api_version", api_version);
  w.Int32("correlation_id", correlation_id);
  if (header_version >= 1) w.ClassicNullableString("client_id", client_id);
  w.TaggedFields("request_header_tags");
  w.set_flexible(saved);
}

base::Status ResponseHeader::Decode(Reader& r, int16_t header_version) {
  *this = ResponseHeader{};
  bool saved = r.flexible();
  r.set_flexible(header_version >= 1);
  r.Int32("correlation_id", correlation_id);
  r.TaggedFields("response_header_tags");
  r.set_flexible(saved);
  if (!r.ok()) return r.status().WithContext("response header");
  return base::Status::OK();
}

void ResponseHeader::Encode(Writer& w, int16_t header_version) const {
  bool saved = w.flexible();
  w.set_flexible(header_version >= 1);
  w.Int32("correlation_id", correlation_id);
  w.TaggedFields("response_header_tags");
  w.set_flexible(saved);
}

}  // namespace tide::kafka
