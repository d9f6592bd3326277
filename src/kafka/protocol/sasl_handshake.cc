#include "kafka/protocol/sasl_handshake.h"

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class M>
void RequestFields(IO& io, M& m, int16_t v) {
  io.String("mechanism", m.mechanism);
  io.TaggedFields("SaslHandshakeRequest");
}

template <class IO, class M>
void ResponseFields(IO& io, M& m, int16_t v) {
  io.Error("error_code", m.error_code);
  internal::StringArray(io, "mechanisms", m.mechanisms);
  io.TaggedFields("SaslHandshakeResponse");
}

}  // namespace

TIDE_KAFKA_MESSAGE_CODEC(SaslHandshakeRequest, RequestFields)
TIDE_KAFKA_MESSAGE_CODEC(SaslHandshakeResponse, ResponseFields)

}  // namespace tide::kafka
