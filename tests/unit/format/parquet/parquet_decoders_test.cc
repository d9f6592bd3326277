// Unit tests of the Parquet building blocks: Thrift compact decoding, RLE/bit-packed hybrid,
// DELTA_BINARY_PACKED, schema conversion and its level bookkeeping.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "format/parquet/encoding.h"
#include "format/parquet/metadata.h"
#include "format/parquet/schema.h"

namespace tide::format::parquet {
namespace {

std::vector<uint8_t> Uleb(uint64_t v) {
  std::vector<uint8_t> out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
  return out;
}
uint64_t Zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
void Append(std::vector<uint8_t>* out, const std::vector<uint8_t>& b) { out->insert(out->end(), b.begin(), b.end()); }

TEST(ParquetThriftTest, DecodesPageHeader) {
  // PageHeader{type=DATA_PAGE(0), uncompressed=100, compressed=50, crc=7,
  //            data_page_header{num_values=10, encoding=PLAIN, def=RLE, rep=RLE}}
  std::vector<uint8_t> b = {0x15, 0x00, 0x15};
  Append(&b, Uleb(Zigzag(100)));
  b.push_back(0x15);
  Append(&b, Uleb(Zigzag(50)));
  b.push_back(0x15);
  Append(&b, Uleb(Zigzag(7)));
  b.push_back(0x1C);  // field 5, struct
  b.push_back(0x15);
  Append(&b, Uleb(Zigzag(10)));
  b.insert(b.end(), {0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00});  // encodings, stop
  b.push_back(0x00);                                             // stop
  b.push_back(0xEE);                                             // trailing byte not consumed
  size_t used = 0;
  auto h = DecodePageHeader(b, &used);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(used, b.size() - 1);
  EXPECT_EQ(h->type, PageType::kDataPage);
  EXPECT_EQ(h->uncompressed_page_size, 100);
  EXPECT_EQ(h->compressed_page_size, 50);
  ASSERT_TRUE(h->crc.has_value());
  EXPECT_EQ(*h->crc, 7);
  ASSERT_TRUE(h->data_page_header.has_value());
  EXPECT_EQ(h->data_page_header->num_values, 10);
  EXPECT_EQ(h->data_page_header->definition_level_encoding, Encoding::kRle);
}

TEST(ParquetThriftTest, RejectsTruncationHugeListsAndDeepNesting) {
  std::vector<uint8_t> b = {0x15, 0x00, 0x15};
  size_t used;
  EXPECT_FALSE(DecodePageHeader(b, &used).ok());
  // FileMetaData.schema: a list claiming 2^31 elements in 4 bytes.
  std::vector<uint8_t> list = {0x29, 0xFC, 0xFF, 0xFF, 0xFF, 0x07};
  auto m = DecodeFileMetaData(list);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), base::StatusCode::kCorruption);
  // An unknown field holding structs nested 10000 deep.
  std::vector<uint8_t> deep = {0x0C};  // field 0 delta... use long form below
  deep.clear();
  for (int i = 0; i < 10000; ++i) deep.push_back(0x1C);  // field +1, struct
  auto d = DecodeFileMetaData(deep);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("nesting"), std::string::npos) << d.status().ToString();
  // A string longer than the data.
  std::vector<uint8_t> str = {0x68, 0x7F};  // field 6 (created_by), binary, length 127
  EXPECT_FALSE(DecodeFileMetaData(str).ok());
}

TEST(ParquetThriftTest, SkipsUnknownFieldsAndMismatchedTypes) {
  // FileMetaData{version=2 (i32), field 20 = i64 (unknown), num_rows as a string (wrong type)}
  std::vector<uint8_t> b = {0x15, 0x04};
  b.push_back(0x06);  // long form: delta 0, type i64
  Append(&b, Uleb(Zigzag(20)));
  Append(&b, Uleb(Zigzag(123456789)));
  b.push_back(0x08);  // long form, binary
  Append(&b, Uleb(Zigzag(3)));
  b.insert(b.end(), {0x02, 'h', 'i'});
  b.push_back(0x00);
  auto m = DecodeFileMetaData(b);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->version, 2);
  EXPECT_EQ(m->num_rows, 0);
}

TEST(ParquetEncodingTest, RleBitPackedHybrid) {
  // RLE run of 5 x value 3 (bit width 2), then a bit-packed run of 8 values 0..7 (width 3).
  std::vector<uint8_t> b = {0x0A, 0x03};
  RleBitPackedDecoder rle(b.data(), b.size(), 2);
  std::vector<uint32_t> out(5);
  ASSERT_TRUE(rle.Decode(out.data(), 5).ok());
  EXPECT_EQ(out, std::vector<uint32_t>(5, 3));
  EXPECT_FALSE(rle.Decode(out.data(), 1).ok());  // exhausted

  std::vector<uint8_t> packed = {0x03, 0x88, 0xC6, 0xFA};  // 1 group of 8: 0..7 in 3 bits
  RleBitPackedDecoder bp(packed.data(), packed.size(), 3);
  std::vector<int16_t> v(8);
  ASSERT_TRUE(bp.Decode(v.data(), 8).ok());
  EXPECT_EQ(v, (std::vector<int16_t>{0, 1, 2, 3, 4, 5, 6, 7}));

  // A run value wider than the bit width is corruption.
  std::vector<uint8_t> wide = {0x02, 0x05};
  RleBitPackedDecoder w(wide.data(), wide.size(), 2);
  EXPECT_FALSE(w.Decode(out.data(), 1).ok());
  // Bit width 0: all zeros, no data needed.
  RleBitPackedDecoder zero(nullptr, 0, 0);
  ASSERT_TRUE(zero.Decode(out.data(), 5).ok());
  EXPECT_EQ(out, std::vector<uint32_t>(5, 0));
}

TEST(ParquetEncodingTest, BitPackedMsbLevels) {
  std::vector<uint8_t> b = {0x05, 0x39, 0x77};  // width 3: 0,1,2,3,4,5,6,7 MSB first
  std::vector<int16_t> v(8);
  ASSERT_TRUE(DecodeBitPackedMsb(b.data(), b.size(), 3, 8, v.data()).ok());
  EXPECT_EQ(v, (std::vector<int16_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_FALSE(DecodeBitPackedMsb(b.data(), 2, 3, 8, v.data()).ok());
}

TEST(ParquetEncodingTest, DeltaBinaryPacked) {
  // Encodings.md example: 1..5 → header <128, 4, 5, 1>, block <min delta 1, widths 0,0,0,0>.
  std::vector<uint8_t> b;
  Append(&b, Uleb(128));
  Append(&b, Uleb(4));
  Append(&b, Uleb(5));
  Append(&b, Uleb(Zigzag(1)));
  Append(&b, Uleb(Zigzag(1)));
  b.insert(b.end(), {0, 0, 0, 0});
  std::vector<int64_t> out;
  size_t used = 0;
  ASSERT_TRUE(DecodeDeltaBinaryPacked(b.data(), b.size(), 5, &out, &used).ok());
  EXPECT_EQ(out, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(used, b.size());
  // More values than the caller allows is refused (no allocation from a forged count).
  EXPECT_FALSE(DecodeDeltaBinaryPacked(b.data(), b.size(), 4, &out, &used).ok());
  // A truncated block.
  EXPECT_FALSE(DecodeDeltaBinaryPacked(b.data(), b.size() - 5, 5, &out, &used).ok());
  // Bad block size.
  std::vector<uint8_t> bad = {100, 4, 5, 2};
  EXPECT_FALSE(DecodeDeltaBinaryPacked(bad.data(), bad.size(), 5, &out, &used).ok());
}

// The encoder's output decodes to its input, for edge counts (block and miniblock boundaries)
// and extreme values whose deltas wrap around.
TEST(ParquetEncodingTest, DeltaBinaryPackedEncoderRoundTrips) {
  uint64_t seed = 7;
  auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return seed;
  };
  for (int64_t n : {0, 1, 2, 31, 32, 33, 127, 128, 129, 130, 257, 1000}) {
    std::vector<int32_t> v32(n);
    std::vector<int64_t> v64(n);
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t r = next();
      v32[i] = i % 5 == 0 ? (i % 2 ? INT32_MIN : INT32_MAX) : static_cast<int32_t>(r >> 40) - (1 << 23);
      v64[i] = i % 7 == 0 ? (i % 2 ? INT64_MIN : INT64_MAX) : static_cast<int64_t>(r);
      if (n == 1000 && i > 500) v64[i] = 1000 + i;  // a sorted stretch: narrow miniblocks
    }
    std::vector<uint8_t> b32, b64;
    EncodeDeltaBinaryPacked(v32.data(), n, &b32);
    EncodeDeltaBinaryPacked(v64.data(), n, &b64);
    std::vector<int64_t> out;
    size_t used = 0;
    ASSERT_TRUE(DecodeDeltaBinaryPacked(b64.data(), b64.size(), n, &out, &used).ok()) << n;
    EXPECT_EQ(out, v64) << n;
    EXPECT_EQ(used, b64.size());
    ASSERT_TRUE(DecodeDeltaBinaryPacked(b32.data(), b32.size(), n, &out, &used).ok()) << n;
    ASSERT_EQ(out.size(), v32.size());
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(static_cast<int32_t>(out[i]), v32[i]) << n << " at " << i;
    // INT32 miniblocks never need more than 32 bits (Arrow refuses wider ones).
    if (n > 1) {
      size_t p = 0;
      for (int k = 0; k < 4; ++k) {  // skip the four header varints
        while (b32[p] & 0x80) ++p;
        ++p;
      }
      while (b32[p] & 0x80) ++p;  // the first block's min delta
      ++p;
      for (int k = 0; k < 4; ++k) EXPECT_LE(b32[p + k], 32) << n;
    }
  }
}

SchemaElement Group(std::string name, int children, std::optional<Repetition> rep = Repetition::kOptional,
                    std::optional<ConvertedType> ct = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.num_children = children;
  e.repetition = rep;
  e.converted_type = ct;
  return e;
}
SchemaElement Leaf(std::string name, PhysicalType t, Repetition rep, std::optional<ConvertedType> ct = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = t;
  e.repetition = rep;
  e.converted_type = ct;
  return e;
}

TEST(ParquetSchemaTest, ListsMapsAndLevels) {
  std::vector<SchemaElement> els = {
      Group("schema", 4, std::nullopt),
      Leaf("id", PhysicalType::kInt64, Repetition::kRequired),
      Group("tags", 1, Repetition::kOptional, ConvertedType::kList),
      Group("list", 1, Repetition::kRepeated),
      Leaf("element", PhysicalType::kByteArray, Repetition::kOptional, ConvertedType::kUtf8),
      Group("m", 1, Repetition::kOptional, ConvertedType::kMap),
      Group("key_value", 2, Repetition::kRepeated),
      Leaf("key", PhysicalType::kByteArray, Repetition::kRequired, ConvertedType::kUtf8),
      Leaf("value", PhysicalType::kInt32, Repetition::kOptional, ConvertedType::kUint8),
      Leaf("nums", PhysicalType::kInt32, Repetition::kRepeated),  // bare repeated primitive
  };
  auto s = ConvertSchema(els, {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->schema->ToString(), "id BIGINT, tags ARRAY<STRING>, m MAP<STRING, UTINYINT>, nums ARRAY<INT>");
  ASSERT_EQ(s->leaves.size(), 5u);
  EXPECT_EQ(s->leaves[1].path, "tags.list.element");
  EXPECT_EQ(s->leaves[1].max_def, 3);
  EXPECT_EQ(s->leaves[1].max_rep, 1);
  EXPECT_EQ(s->leaves[2].max_def, 2);  // key: m optional + repeated
  EXPECT_EQ(s->leaves[3].max_def, 3);
  EXPECT_EQ(s->leaves[4].max_def, 1);
  EXPECT_EQ(s->leaves[4].max_rep, 1);
  EXPECT_FALSE(s->schema->field(3)->nullable());
  EXPECT_NE(ParquetSchemaToText(els).find("repeated int32 nums;"), std::string::npos);
}

TEST(ParquetSchemaTest, LegacyTwoLevelListsAndBadSchemas) {
  // optional group a (LIST) { repeated int32 array; }  → ARRAY<INT> with a required element.
  std::vector<SchemaElement> two = {Group("schema", 1, std::nullopt), Group("a", 1, Repetition::kOptional, ConvertedType::kList),
                                    Leaf("array", PhysicalType::kInt32, Repetition::kRepeated)};
  auto s = ConvertSchema(two, {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->schema->ToString(), "a ARRAY<INT>");
  EXPECT_FALSE(s->schema->field(0)->type()->children()[0]->nullable());
  // "<name>_tuple" groups are the element even with one field.
  std::vector<SchemaElement> tuple = {Group("schema", 1, std::nullopt), Group("b", 1, Repetition::kOptional, ConvertedType::kList),
                                      Group("b_tuple", 1, Repetition::kRepeated),
                                      Leaf("x", PhysicalType::kInt32, Repetition::kOptional)};
  s = ConvertSchema(tuple, {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->schema->ToString(), "b ARRAY<STRUCT<x: INT>>");
  // num_children past the end, empty group, decimal beyond 38 digits.
  std::vector<SchemaElement> bad = {Group("schema", 5, std::nullopt), Leaf("x", PhysicalType::kInt32, Repetition::kOptional)};
  EXPECT_FALSE(ConvertSchema(bad, {}).ok());
  std::vector<SchemaElement> empty = {Group("schema", 1, std::nullopt), Group("g", 0)};
  EXPECT_FALSE(ConvertSchema(empty, {}).ok());
  SchemaElement dec = Leaf("d", PhysicalType::kFixedLenByteArray, Repetition::kOptional, ConvertedType::kDecimal);
  dec.type_length = 20;
  dec.precision = 45;
  std::vector<SchemaElement> big = {Group("schema", 1, std::nullopt), dec};
  auto b = ConvertSchema(big, {});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), base::StatusCode::kUnsupported);
}

}  // namespace
}  // namespace tide::format::parquet
