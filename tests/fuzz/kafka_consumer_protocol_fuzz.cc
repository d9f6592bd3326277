// libFuzzer target: the consumer protocol's embedded payloads (JoinGroup member metadata and
// SyncGroup assignments), which the group coordinator decodes from client-supplied bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "kafka/protocol/consumer_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tide::kafka;
  std::span<const uint8_t> bytes(data, size);
  int16_t version = 0;
  auto s = DecodeConsumerSubscription(bytes, &version);
  if (s.ok() && version <= ConsumerProtocolSubscription::kMaxVersion) {
    auto again = DecodeConsumerSubscription(EncodeConsumerSubscription(*s, version));
    if (!again.ok() || !(*again == *s)) __builtin_trap();
  }
  auto a = DecodeConsumerAssignment(bytes, &version);
  if (a.ok() && version <= ConsumerProtocolAssignment::kMaxVersion) {
    auto again = DecodeConsumerAssignment(EncodeConsumerAssignment(*a, version));
    if (!again.ok() || !(*again == *a)) __builtin_trap();
  }
  return 0;
}
