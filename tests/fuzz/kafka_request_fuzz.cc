// libFuzzer target: DecodeRequest over arbitrary frames (the bytes after the size prefix).
//
// Besides "never crash, never allocate unboundedly" (ASan/UBSan and libFuzzer's -rss_limit_mb
// watch those), it checks one invariant: a request that decodes re-encodes to bytes that decode
// to the same request.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kafka/protocol/request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tide::kafka;
  auto decoded = DecodeRequest(std::span<const uint8_t>(data, size));
  if (!decoded.ok() || decoded->disposition != RequestDisposition::kDecoded) return 0;
  std::vector<uint8_t> again;
  EncodeRequest(decoded->header, decoded->body, again);
  auto redecoded = DecodeRequest(again);
  if (!redecoded.ok() || !(redecoded->header == decoded->header) || !(redecoded->body == decoded->body)) {
    __builtin_trap();
  }
  return 0;
}
