// Internal to src/exec/functions: message digests (MD5, SHA-1, SHA-2) and Spark's hash
// functions (Murmur3 x86_32 and XXH64, both as Spark's implementations with seed 42).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tide::exec::fn {

std::string Md5(std::string_view data);     // 16 raw bytes
std::string Sha1(std::string_view data);    // 20 raw bytes
// bits: 224, 256, 384 or 512; raw bytes.
std::string Sha2(std::string_view data, int bits);
std::string HexLower(std::string_view bytes);

int32_t Murmur3Int(int32_t v, int32_t seed);
int32_t Murmur3Long(int64_t v, int32_t seed);
int32_t Murmur3Bytes(std::string_view b, int32_t seed);
int64_t XxHash64Int(int32_t v, int64_t seed);
int64_t XxHash64Long(int64_t v, int64_t seed);
int64_t XxHash64Bytes(std::string_view b, int64_t seed);

}  // namespace tide::exec::fn
