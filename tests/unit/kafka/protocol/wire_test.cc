#include "kafka/protocol/wire.h"

#include <gtest/gtest.h>

#include <limits>

#include "codec_test_util.h"

namespace tide::kafka {
namespace {

using testing::FromHex;

TEST(KafkaWireTest, FixedWidthIntegersAreBigEndian) {
  std::vector<uint8_t> out;
  Writer w(out);
  w.Int8("a", -2);
  w.Int16("b", 0x0102);
  w.Int32("c", -1);
  w.Int64("d", 0x0102030405060708);
  w.Bool("e", true);
  EXPECT_EQ(out, FromHex("fe 0102 ffffffff 0102030405060708 01"));
  Reader r(out);
  int8_t a;
  int16_t b;
  int32_t c;
  int64_t d;
  bool e;
  r.Int8("a", a);
  r.Int16("b", b);
  r.Int32("c", c);
  r.Int64("d", d);
  r.Bool("e", e);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(a, -2);
  EXPECT_EQ(b, 0x0102);
  EXPECT_EQ(c, -1);
  EXPECT_EQ(d, 0x0102030405060708);
  EXPECT_TRUE(e);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(KafkaWireTest, Float64AndUuid) {
  std::vector<uint8_t> out;
  Writer w(out);
  w.Float64("f", 1.5);
  Uuid u{};
  for (int i = 0; i < 16; ++i) u[i] = static_cast<uint8_t>(i);
  w.Uuid("u", u);
  EXPECT_EQ(out, FromHex("3ff8000000000000 000102030405060708090a0b0c0d0e0f"));
  Reader r(out);
  double f;
  Uuid u2;
  r.Float64("f", f);
  r.Uuid("u", u2);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(f, 1.5);
  EXPECT_EQ(u2, u);
}

TEST(KafkaWireTest, UnsignedVarint) {
  struct Case {
    uint32_t v;
    const char* hex;
  } cases[] = {{0, "00"}, {1, "01"}, {127, "7f"}, {128, "8001"}, {300, "ac02"}, {0xffffffff, "ffffffff0f"}};
  for (const auto& c : cases) {
    std::vector<uint8_t> out;
    Writer w(out);
    w.UnsignedVarint("v", c.v);
    EXPECT_EQ(out, FromHex(c.hex)) << c.v;
    Reader r(out);
    uint32_t got;
    r.UnsignedVarint("v", got);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(got, c.v);
  }
}

TEST(KafkaWireTest, ZigzagVarintAndVarlong) {
  // Zigzag: 0->0, -1->1, 1->2, -2->3, 63->126, -64->127, 64->128.
  struct Case {
    int64_t v;
    const char* hex;
  } cases[] = {{0, "00"}, {-1, "01"}, {1, "02"}, {-2, "03"}, {63, "7e"}, {-64, "7f"}, {64, "8001"}};
  for (const auto& c : cases) {
    std::vector<uint8_t> a, b;
    Writer wa(a), wb(b);
    wa.Varint("v", static_cast<int32_t>(c.v));
    wb.Varlong("v", c.v);
    EXPECT_EQ(a, FromHex(c.hex)) << c.v;
    EXPECT_EQ(b, FromHex(c.hex)) << c.v;
  }
  for (int64_t v : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), int64_t{-300}}) {
    std::vector<uint8_t> out;
    Writer w(out);
    w.Varlong("v", v);
    Reader r(out);
    int64_t got;
    r.Varlong("v", got);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(got, v);
  }
  for (int32_t v : {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), -300}) {
    std::vector<uint8_t> out;
    Writer w(out);
    w.Varint("v", v);
    Reader r(out);
    int32_t got;
    r.Varint("v", got);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(got, v);
  }
}

TEST(KafkaWireTest, OverlongVarintIsAnError) {
  auto bytes = FromHex("ffffffff7f");  // fifth byte carries more than 4 bits
  Reader r(bytes);
  uint32_t v;
  r.UnsignedVarint("count", v);
  EXPECT_FALSE(r.ok());
  auto longer = FromHex("ffffffffffffffffff7f");
  Reader r2(longer);
  int64_t l;
  r2.Varlong("l", l);
  EXPECT_FALSE(r2.ok());
}

TEST(KafkaWireTest, ClassicAndCompactStrings) {
  std::vector<uint8_t> out;
  Writer w(out);
  w.String("s", "hi");
  w.NullableString("n", std::nullopt);
  w.set_flexible(true);
  w.String("s", "hi");
  w.NullableString("n", std::nullopt);
  w.NullableString("e", std::string());
  EXPECT_EQ(out, FromHex("0002 6869 ffff 03 6869 00 01"));
  Reader r(out);
  std::string s;
  std::optional<std::string> n;
  r.String("s", s);
  EXPECT_EQ(s, "hi");
  r.NullableString("n", n);
  EXPECT_FALSE(n.has_value());
  r.set_flexible(true);
  r.String("s", s);
  EXPECT_EQ(s, "hi");
  r.NullableString("n", n);
  EXPECT_FALSE(n.has_value());
  r.NullableString("e", n);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, "");
  EXPECT_TRUE(r.ok());
}

TEST(KafkaWireTest, NullInNonNullableStringIsAnError) {
  auto bytes = FromHex("ffff");
  Reader r(bytes);
  std::string s;
  r.String("topic", s);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("topic"), std::string::npos);
}

TEST(KafkaWireTest, BytesAreZeroCopyViews) {
  auto bytes = FromHex("00000003 010203 04 aabbcc");
  Reader r(bytes);
  std::span<const uint8_t> view;
  r.BytesView("b", view);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(view.data(), bytes.data() + 4);
  EXPECT_EQ(view.size(), 3u);
  r.set_flexible(true);
  Records rec;
  r.RecordsField("records", rec);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(rec.is_null);
  EXPECT_EQ(rec.bytes.data(), bytes.data() + 8);
  EXPECT_EQ(rec.bytes.size(), 3u);
}

TEST(KafkaWireTest, NullRecords) {
  auto bytes = FromHex("ffffffff 00");
  Reader r(bytes);
  Records rec;
  r.RecordsField("records", rec);
  EXPECT_TRUE(rec.is_null);
  r.set_flexible(true);
  r.RecordsField("records", rec);
  EXPECT_TRUE(rec.is_null);
  EXPECT_TRUE(r.ok());
}

TEST(KafkaWireTest, HugeLengthsFailWithoutAllocating) {
  // A 2^31-1 string/bytes length and array count against a 4-byte remainder.
  auto bytes = FromHex("7fffffff 00000000");
  {
    Reader r(bytes);
    std::vector<int32_t> v;
    r.Array("topics", v, [&](int32_t& x) { r.Int32("x", x); });
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(v.empty());
    EXPECT_NE(r.status().message().find("topics"), std::string::npos);
    EXPECT_NE(r.status().message().find("at byte"), std::string::npos);
  }
  {
    Reader r(bytes);
    std::vector<uint8_t> b;
    r.Bytes("records", b);
    EXPECT_FALSE(r.ok());
  }
  {
    auto compact = FromHex("ffffffff0f 00");
    Reader r(compact, true);
    std::vector<int32_t> v;
    r.Array("topics", v, [&](int32_t& x) { r.Int32("x", x); });
    EXPECT_FALSE(r.ok());
    Reader r2(compact, true);
    std::string s;
    r2.String("name", s);
    EXPECT_FALSE(r2.ok());
  }
}

TEST(KafkaWireTest, ErrorsAreStickyAndNameTheField) {
  auto bytes = FromHex("0001");
  Reader r(bytes);
  int32_t a = 7;
  r.Int32("partition_index", a);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(a, 0);
  EXPECT_EQ(r.status().code(), base::StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("partition_index"), std::string::npos);
  EXPECT_NE(r.status().message().find("at byte 0"), std::string::npos);
  int16_t b = 7;
  r.Int16("later", b);  // would fit, but the reader is already failed
  EXPECT_EQ(b, 0);
  EXPECT_NE(r.status().message().find("partition_index"), std::string::npos);
}

TEST(KafkaWireTest, NegativeArrayCountOtherThanNullIsAnError) {
  auto bytes = FromHex("fffffffe");
  Reader r(bytes);
  std::optional<std::vector<int32_t>> v;
  r.NullableArray("a", v, [&](int32_t& x) { r.Int32("x", x); });
  EXPECT_FALSE(r.ok());
  auto null_bytes = FromHex("ffffffff");
  Reader r2(null_bytes);
  r2.NullableArray("a", v, [&](int32_t& x) { r2.Int32("x", x); });
  EXPECT_TRUE(r2.ok());
  EXPECT_FALSE(v.has_value());
  Reader r3(null_bytes);
  std::vector<int32_t> nn;
  r3.Array("a", nn, [&](int32_t& x) { r3.Int32("x", x); });
  EXPECT_FALSE(r3.ok());
}

TEST(KafkaWireTest, TaggedFieldsKnownAndUnknown) {
  std::vector<uint8_t> out;
  Writer w(out, true);
  int32_t known = 0x01020304;
  w.TaggedFields("t", {TagField<Writer>{1, true, [&](Writer& s) { s.Int32("k", known); }},
                       TagField<Writer>{2, false, [&](Writer& s) { s.Int32("k", known); }}});
  // count 1, tag 1, size 4, value.
  EXPECT_EQ(out, FromHex("01 01 04 01020304"));

  // Unknown tag 5 (3 bytes) before known tag 7: skipped, the known one decoded.
  auto bytes = FromHex("02 05 03 aabbcc 07 04 0000002a ff");
  Reader r(bytes, true);
  int32_t got = 0;
  r.TaggedFields("t", {TagField<Reader>{7, false, [&](Reader& s) { s.Int32("k", got); }}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(got, 42);
  EXPECT_EQ(r.remaining(), 1u);

  // A tag whose size runs past the end.
  auto bad = FromHex("01 05 09 aabb");
  Reader rb(bad, true);
  rb.TaggedFields("t");
  EXPECT_FALSE(rb.ok());
}

TEST(KafkaWireTest, ReserveAndPatchLengthPrefix) {
  std::vector<uint8_t> out;
  Writer w(out);
  size_t pos = w.ReserveInt32();
  w.Int16("x", 1);
  w.PatchInt32(pos, static_cast<int32_t>(w.size() - pos - 4));
  EXPECT_EQ(out, FromHex("00000002 0001"));
}

}  // namespace
}  // namespace tide::kafka
