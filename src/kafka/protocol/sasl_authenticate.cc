#include "kafka/protocol/sasl_authenticate.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.Bytes("auth_bytes", m.auth_bytes);
  io.TaggedFields("SaslAuthenticateRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Error("error_code", m.error_code);
  io.NullableString("error_message", m.error_message);
  io.Bytes("auth_bytes", m.auth_bytes);
  if (v >= 1) io.Int64("session_lifetime_ms", m.session_lifetime_ms);
  io.TaggedFields("SaslAuthenticateResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(SaslAuthenticateRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(SaslAuthenticateResponse, ResponseFields)

}  // namespace tide::kafka
