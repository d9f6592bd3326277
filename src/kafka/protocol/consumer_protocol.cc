#include "kafka/protocol/consumer_protocol.h"

#include <algorithm>

#include "kafka/protocol/message_io.h"

namespace tide::kafka {

namespace {

template <class IO, class T>
void TopicPartitionsFields(IO& io, T& tp) {
  io.String("topic", tp.topic);
  internal::Int32Array(io, "partitions", tp.partitions);
}

template <class IO, class M>
void SubscriptionFields(IO& io, M& m, int16_t v) {
  internal::StringArray(io, "topics", m.topics);
  io.NullableBytes("user_data", m.user_data);
  if (v >= 1) io.Array("owned_partitions", m.owned_partitions, [&](auto& tp) { TopicPartitionsFields(io, tp); });
  if (v >= 2) io.Int32("generation_id", m.generation_id);
  if (v >= 3) io.NullableString("rack_id", m.rack_id);
}

template <class IO, class M>
void AssignmentFields(IO& io, M& m, int16_t v) {
  io.Array("assigned_partitions", m.assigned_partitions, [&](auto& tp) { TopicPartitionsFields(io, tp); });
  io.NullableBytes("user_data", m.user_data);
}

template <class T>
base::Result<T> DecodeVersioned(std::span<const uint8_t> bytes, int16_t* version, const char* what) {
  Reader r(bytes);
  int16_t v = 0;
  r.Int16("version", v);
  if (r.ok() && v < 0) r.Fail("version", "negative version " + std::to_string(v));
  if (!r.ok()) return r.status().WithContext(what);
  if (version) *version = v;
  T out;
  TIDE_RETURN_IF_ERROR(out.Decode(r, std::min<int16_t>(v, T::kMaxVersion)));
  return out;
}

template <class T>
std::vector<uint8_t> EncodeVersioned(const T& m, int16_t version) {
  std::vector<uint8_t> out;
  Writer w(out);
  w.Int16("version", version);
  m.Encode(w, version);
  return out;
}

}  // namespace

TIDE_KAFKA_NONFLEXIBLE_CODEC(ConsumerProtocolSubscription, SubscriptionFields)
TIDE_KAFKA_NONFLEXIBLE_CODEC(ConsumerProtocolAssignment, AssignmentFields)

base::Result<ConsumerProtocolSubscription> DecodeConsumerSubscription(std::span<const uint8_t> bytes,
                                                                       int16_t* version) {
  return DecodeVersioned<ConsumerProtocolSubscription>(bytes, version, "ConsumerProtocolSubscription");
}

std::vector<uint8_t> EncodeConsumerSubscription(const ConsumerProtocolSubscription& s, int16_t version) {
  return EncodeVersioned(s, version);
}

base::Result<ConsumerProtocolAssignment> DecodeConsumerAssignment(std::span<const uint8_t> bytes, int16_t* version) {
  return DecodeVersioned<ConsumerProtocolAssignment>(bytes, version, "ConsumerProtocolAssignment");
}

std::vector<uint8_t> EncodeConsumerAssignment(const ConsumerProtocolAssignment& a, int16_t version) {
  return EncodeVersioned(a, version);
}

}  // namespace tide::kafka
