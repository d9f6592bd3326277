#include "format/parquet/page_crc.h"

#include <zlib.h>

#include <algorithm>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tide::format::parquet {

namespace {

// zlib's crc32 takes a uInt length: feed it in pieces below 4 GiB.
uint32_t ZlibCrc(uint32_t crc, const uint8_t* data, size_t n) {
  uLong c = crc;
  while (n > 0) {
    const size_t k = std::min<size_t>(n, size_t{1} << 30);
    c = crc32(c, data, static_cast<uInt>(k));
    data += k;
    n -= k;
  }
  return static_cast<uint32_t>(c);
}

#if defined(__x86_64__)
// Folding by carry-less multiplication (Intel, "Fast CRC Computation for Generic Polynomials
// Using PCLMULQDQ", bit-reflected form). Works on the raw register (not inverted); n >= 64 and
// a multiple of 16. The constants are x^k mod P for the fold distances, P and the Barrett
// constant floor(x^64 / P), all bit-reflected.
__attribute__((target("pclmul,sse4.1"))) inline __m128i Load(const uint8_t* q) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
}

// x.lo * k.lo ^ x.hi * k.hi ^ data: moves x forward by the distance k encodes.
__attribute__((target("pclmul,sse4.1"))) inline __m128i Fold(__m128i x, __m128i k, __m128i data) {
  const __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
  const __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(lo, hi), data);
}

__attribute__((target("pclmul,sse4.1"))) uint32_t FoldPclmul(uint32_t raw, const uint8_t* p, size_t n) {
  const __m128i k1k2 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);  // lo: x^(4*128+32), hi: x^(4*128-32)
  const __m128i k3k4 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);  // lo: x^(128+32), hi: x^(128-32)
  const __m128i k5 = _mm_set_epi64x(0, 0x163cd6124);              // x^64
  const __m128i poly_mu = _mm_set_epi64x(0x1f7011641, 0x1db710641);  // lo: P, hi: mu
  const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
  __m128i x0 = _mm_xor_si128(Load(p), _mm_cvtsi32_si128(static_cast<int>(raw)));
  __m128i x1 = Load(p + 16), x2 = Load(p + 32), x3 = Load(p + 48);
  p += 64;
  n -= 64;
  while (n >= 64) {  // four independent folds per 64 bytes keep the multiplier busy
    x0 = Fold(x0, k1k2, Load(p));
    x1 = Fold(x1, k1k2, Load(p + 16));
    x2 = Fold(x2, k1k2, Load(p + 32));
    x3 = Fold(x3, k1k2, Load(p + 48));
    p += 64;
    n -= 64;
  }
  x0 = Fold(x0, k3k4, x1);
  x0 = Fold(x0, k3k4, x2);
  x0 = Fold(x0, k3k4, x3);
  while (n >= 16) {
    x0 = Fold(x0, k3k4, Load(p));
    p += 16;
    n -= 16;
  }
  // 128 -> 64 bits (appending 32 zero bits), then 64 -> 32.
  __m128i t = _mm_clmulepi64_si128(k3k4, x0, 0x01);  // k3k4.hi * x0.lo
  x0 = _mm_xor_si128(_mm_srli_si128(x0, 8), t);
  t = _mm_srli_si128(x0, 4);
  x0 = _mm_clmulepi64_si128(_mm_and_si128(x0, mask32), k5, 0x00);
  x0 = _mm_xor_si128(x0, t);
  // Barrett reduction to the 32-bit remainder.
  t = x0;
  x0 = _mm_clmulepi64_si128(_mm_and_si128(x0, mask32), poly_mu, 0x10);  // * mu
  x0 = _mm_clmulepi64_si128(_mm_and_si128(x0, mask32), poly_mu, 0x00);  // * P
  x0 = _mm_xor_si128(x0, t);
  return static_cast<uint32_t>(_mm_extract_epi32(x0, 1));
}

bool HavePclmul() {
  static const bool have = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return have;
}
#endif

}  // namespace

uint32_t Crc32(uint32_t crc, const uint8_t* data, size_t n) {
#if defined(__x86_64__)
  if (n >= 64 && HavePclmul()) {
    const size_t bulk = n & ~size_t{15};
    const uint32_t raw = FoldPclmul(~crc, data, bulk);
    // zlib inverts on entry and exit: hand it the inverted raw register for the tail.
    return ZlibCrc(~raw, data + bulk, n - bulk);
  }
#endif
  return ZlibCrc(crc, data, n);
}

uint32_t Crc32Reference(uint32_t crc, const uint8_t* data, size_t n) { return ZlibCrc(crc, data, n); }

}  // namespace tide::format::parquet
