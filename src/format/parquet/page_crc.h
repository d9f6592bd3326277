// The CRC-32 of Parquet page headers (the zlib / gzip CRC: reflected polynomial 0xEDB88320),
// computed with carry-less multiplication (PCLMULQDQ) when the CPU has it: pages are verified
// on every read, and zlib's table-driven crc32 costs a few percent of a scan.
//
// Crc32(crc, data, n) equals zlib's crc32(crc, data, n) for every input (chainable the same way:
// pass the previous result as `crc`; start with 0). Without PCLMULQDQ, or for short inputs, it
// is zlib's crc32.
//
// Thread-safety: reentrant.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tide::format::parquet {

uint32_t Crc32(uint32_t crc, const uint8_t* data, size_t n);

// zlib's crc32 without the fast path, for tests and benchmarks.
uint32_t Crc32Reference(uint32_t crc, const uint8_t* data, size_t n);

}  // namespace tide::format::parquet
