// Shared checks for the Kafka protocol codec tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kafka/protocol/wire.h"

namespace tide::kafka::testing {

template <class T>
std::vector<uint8_t> EncodeBody(const T& msg, int16_t version) {
  std::vector<uint8_t> out;
  Writer w(out);
  msg.Encode(w, version);
  return out;
}

inline std::string Hex(const std::vector<uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s += d[x >> 4];
    s += d[x & 15];
    s += ' ';
  }
  return s;
}

// Parses "00 01 ff" style hex (spaces and newlines ignored).
inline std::vector<uint8_t> FromHex(const std::string& hex) {
  std::vector<uint8_t> out;
  int nibble = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<uint8_t>(nibble * 16 + v));
      nibble = -1;
    }
  }
  return out;
}

// For every version in [min, max]:
//  - encode -> decode succeeds and consumes every byte;
//  - re-encoding the decoded message gives the same bytes;
//  - at `exact_version` (normally max) the decoded message equals the sample;
//  - every strict prefix of the encoding fails to decode (and does not crash).
template <class T>
void CheckRoundTrip(const T& sample, int16_t min, int16_t max, int16_t exact_version) {
  for (int16_t v = min; v <= max; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    std::vector<uint8_t> bytes = EncodeBody(sample, v);
    T decoded;
    Reader r(bytes);
    base::Status st = decoded.Decode(r, v);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << Hex(bytes);
    EXPECT_EQ(r.remaining(), 0u);
    EXPECT_EQ(EncodeBody(decoded, v), bytes);
    if (v == exact_version) {
      EXPECT_TRUE(decoded == sample);
    }
    for (size_t len = 0; len < bytes.size(); ++len) {
      T partial;
      Reader pr(std::span<const uint8_t>(bytes.data(), len));
      base::Status pst = partial.Decode(pr, v);
      EXPECT_FALSE(pst.ok()) << "prefix of " << len << "/" << bytes.size() << " bytes decoded";
      if (pst.ok()) break;
    }
  }
}

}  // namespace tide::kafka::testing
