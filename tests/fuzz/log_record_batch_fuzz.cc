// libFuzzer entry point: arbitrary bytes through record batch iteration and record decoding,
// both as given and with the CRC re-sealed so the fuzzer reaches the record decoder.
// Build: cmake -DTIDE_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ...; run: build/.../fuzz/log_record_batch_fuzz
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/endian.h"
#include "format/crc32c.h"
#include "log/record_batch.h"

namespace {

void Walk(std::span<const uint8_t> data, bool verify_crc) {
  tide::log::BatchReader reader(data, verify_crc);
  tide::log::BatchView batch;
  for (int i = 0; i < 64; ++i) {
    auto next = reader.Next(&batch);
    if (!next.ok() || !*next) break;
    (void)batch.Validate();
    (void)batch.last_sequence();
    std::vector<tide::log::Record> records;
    // A small bound keeps hostile compressed payloads cheap.
    (void)tide::log::DecodeRecords(batch, &records, 1 << 20);
    if (batch.is_control()) (void)tide::log::DecodeControlRecord(batch);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  Walk(input, true);
  // Re-seal: make the first batch's length and CRC consistent with the input.
  if (size >= tide::log::kBatchHeaderSize) {
    std::vector<uint8_t> copy(data, data + size);
    tide::base::StoreBigEndian32(copy.data() + tide::log::kBatchLengthPos,
                                 static_cast<uint32_t>(size - tide::log::kLogOverhead));
    copy[tide::log::kMagicPos] = 2;
    tide::base::StoreBigEndian32(
        copy.data() + tide::log::kCrcPos,
        tide::format::Crc32c(copy.data() + tide::log::kAttributesPos, size - tide::log::kAttributesPos));
    Walk(copy, true);
  }
  return 0;
}
