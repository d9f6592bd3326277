// CRC32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78): the checksum of Kafka v2
// record batches, iSCSI and ext4 metadata.
//
// The value is the standard finalized CRC (initial register ~0, final xor ~0), so
//   Crc32c("123456789", 9) == 0xE3069283.
//
// Extend: `init` is the CRC of the bytes that come before `data`, so a checksum can be computed
// in pieces:  Crc32c(b, nb, Crc32c(a, na)) == Crc32c(a || b).  init = 0 is the CRC of nothing.
//
// Combine: Crc32cCombine(Crc32c(a), Crc32c(b), nb) == Crc32c(a || b) without touching the bytes
// of a or b again (O(log nb)); useful when pieces are checksummed on different threads.
//
// Speed: uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time),
// otherwise a slicing-by-8 table. Both give identical results.
//
// Thread-safety: pure functions; safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tide::format {

uint32_t Crc32c(const void* data, size_t n, uint32_t init = 0);

// CRC of a || b from crc_a = Crc32c(a), crc_b = Crc32c(b) and the length of b.
uint32_t Crc32cCombine(uint32_t crc_a, uint32_t crc_b, size_t len_b);

// True when Crc32c uses the hardware instruction on this machine (for benchmarks and tests).
bool Crc32cIsHardwareAccelerated();

// The portable implementation, exposed so tests can check it against the hardware path.
uint32_t Crc32cSoftware(const void* data, size_t n, uint32_t init = 0);

}  // namespace tide::format
