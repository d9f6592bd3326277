#include "format/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>
#define TIDE_CRC32C_HAVE_X86 1
#endif

namespace tide::format {
namespace {

constexpr uint32_t kPoly = 0x82F63B78u;  // reflected Castagnoli polynomial

// tables[k][b]: CRC contribution of byte b followed by k zero bytes; lets the software path
// consume 8 bytes per step (slicing-by-8) instead of one.
struct Tables {
  uint32_t t[8][256];
};

constexpr Tables MakeTables() {
  Tables tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    tables.t[0][b] = c;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) {
      uint32_t prev = tables.t[k - 1][b];
      tables.t[k][b] = (prev >> 8) ^ tables.t[0][prev & 0xFF];
    }
  }
  return tables;
}

constexpr Tables kTables = MakeTables();

uint32_t SoftwareRaw(const uint8_t* p, size_t n, uint32_t crc) {
  const auto& t = kTables.t;
  while (n >= 8) {
    uint32_t lo;
    uint32_t hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    // The table math assumes little-endian word loads (x86, ARM in LE mode).
    lo ^= crc;
    crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
          t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
  return crc;
}

// Multiplies two polynomials modulo the CRC polynomial, in the reflected bit order the CRC
// register uses (bit 31 is x^0).
uint32_t MultModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t m = 1u << 31; m != 0; m >>= 1) {
    if (a & m) {
      product ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return product;
}

// x^(8 * n) mod P: multiplying a CRC register by it appends n zero bytes.
uint32_t ShiftFor(size_t n) {
  uint32_t shift = 1u << 31;  // x^0
  uint32_t power = 1u << 23;  // x^8 (one byte)
  for (; n != 0; n >>= 1) {
    if (n & 1) shift = MultModP(shift, power);
    power = MultModP(power, power);
  }
  return shift;
}

#ifdef TIDE_CRC32C_HAVE_X86
__attribute__((target("sse4.2"))) uint32_t HardwareRaw(const uint8_t* p, size_t n, uint32_t crc) {
  // Align to 8 bytes first so the 64-bit loads in the main loop do not straddle cache lines.
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    crc = _mm_crc32_u8(crc, *p++);
    --n;
  }
#if defined(__x86_64__)
  uint64_t c64 = crc;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c64 = _mm_crc32_u64(c64, v);
    p += 8;
    n -= 8;
  }
  crc = static_cast<uint32_t>(c64);
#endif
  while (n >= 4) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    crc = _mm_crc32_u32(crc, v);
    p += 4;
    n -= 4;
  }
  while (n-- > 0) crc = _mm_crc32_u8(crc, *p++);
  return crc;
}

#if defined(__x86_64__)
// From this size on, three interleaved streams pay for the two register shifts that join them.
constexpr size_t kThreeWayMin = 16 * 1024;

// The crc32 instruction has a latency of 3 cycles but a throughput of 1 per cycle, so one
// dependent chain runs at a third of the unit's speed. Large inputs are cut into three equal
// lanes checksummed in one loop (independent chains), then joined with the linearity of the
// CRC register: raw(A || B, s) = raw(A, s) * x^(8|B|) xor raw(B, 0).
__attribute__((target("sse4.2"))) uint32_t HardwareRaw3(const uint8_t* p, size_t n, uint32_t crc) {
  size_t lane = (n / 24) * 8;  // bytes per lane, a multiple of 8
  const uint8_t* a = p;
  const uint8_t* b = p + lane;
  const uint8_t* c = p + 2 * lane;
  uint64_t ca = crc, cb = 0, cc = 0;
  for (size_t i = 0; i < lane; i += 8) {
    uint64_t va, vb, vc;
    std::memcpy(&va, a + i, 8);
    std::memcpy(&vb, b + i, 8);
    std::memcpy(&vc, c + i, 8);
    ca = _mm_crc32_u64(ca, va);
    cb = _mm_crc32_u64(cb, vb);
    cc = _mm_crc32_u64(cc, vc);
  }
  uint32_t shift = ShiftFor(lane);
  uint32_t joined = MultModP(shift, static_cast<uint32_t>(ca)) ^ static_cast<uint32_t>(cb);
  joined = MultModP(shift, joined) ^ static_cast<uint32_t>(cc);
  return HardwareRaw(p + 3 * lane, n - 3 * lane, joined);
}
#endif

bool DetectHardware() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}
#else
bool DetectHardware() { return false; }
#endif

const bool kHardware = DetectHardware();

}  // namespace

uint32_t Crc32cSoftware(const void* data, size_t n, uint32_t init) {
  return ~SoftwareRaw(static_cast<const uint8_t*>(data), n, ~init);
}

uint32_t Crc32c(const void* data, size_t n, uint32_t init) {
#ifdef TIDE_CRC32C_HAVE_X86
  if (kHardware) {
    const auto* p = static_cast<const uint8_t*>(data);
#if defined(__x86_64__)
    if (n >= kThreeWayMin) return ~HardwareRaw3(p, n, ~init);
#endif
    return ~HardwareRaw(p, n, ~init);
  }
#endif
  return Crc32cSoftware(data, n, init);
}

bool Crc32cIsHardwareAccelerated() { return kHardware; }

uint32_t Crc32cCombine(uint32_t crc_a, uint32_t crc_b, size_t len_b) {
  // crc(a||b) = crc_a * x^(8*len_b) mod P  xor  crc_b: appending len_b bytes shifts a's
  // contribution by 8*len_b bits; the pre/post inversions cancel out between the two terms.
  return MultModP(ShiftFor(len_b), crc_a) ^ crc_b;
}

}  // namespace tide::format
