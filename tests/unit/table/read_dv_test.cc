// Deletion vectors: Z85, the RoaringBitmapArray decoder, DV files and descriptors.
#include <gtest/gtest.h>

#include <numeric>

#include "table/deletion_vector.h"
#include "table/snapshot.h"
#include "read_test_util.h"

namespace tide::table {
namespace {

using readtest::Golden;
using readtest::TempTable;

void PutLe(std::string& s, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

TEST(DeletionVectorTest, Z85) {
  // The ZeroMQ RFC 32 test vector.
  const std::string bytes("\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B", 8);
  EXPECT_EQ(Z85Encode(bytes), "HelloWorld");
  EXPECT_EQ(*Z85Decode("HelloWorld"), bytes);
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(*Z85Decode(Z85Encode(all)), all);
  EXPECT_FALSE(Z85Decode("abcd").ok());    // not a multiple of 5
  EXPECT_FALSE(Z85Decode("abc\"e").ok());  // not in the alphabet
  EXPECT_FALSE(Z85Decode("#####").ok());   // overflows 32 bits
}

TEST(DeletionVectorTest, RoaringRoundTrip) {
  std::vector<uint64_t> rows = {0, 1, 5, 65535, 65536, 70000, (1ULL << 32) + 3, (5ULL << 32) + 65537};
  for (uint64_t i = 0; i < 5000; ++i) rows.push_back(200000 + 2 * i);  // > 4096 in one container: a bitmap container
  std::sort(rows.begin(), rows.end());
  auto bytes = SerializeRoaringBitmapArray(rows);
  auto back = DeserializeRoaringBitmapArray(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, rows);
  auto empty = DeserializeRoaringBitmapArray(SerializeRoaringBitmapArray({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(DeletionVectorTest, RoaringRunContainers) {
  // One bitmap (high 0) with one run container: [10, 14] and [100, 100].
  std::string b;
  PutLe(b, 1681511377, 4);
  PutLe(b, 1, 8);
  PutLe(b, 0, 4);
  PutLe(b, 12347, 4);  // cookie with runs, 1 container
  b.push_back(1);      // run flags
  PutLe(b, 0, 2);      // key
  PutLe(b, 5, 2);      // cardinality - 1
  PutLe(b, 2, 2);      // runs
  PutLe(b, 10, 2);
  PutLe(b, 4, 2);
  PutLe(b, 100, 2);
  PutLe(b, 0, 2);
  auto rows = DeserializeRoaringBitmapArray(b);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, (std::vector<uint64_t>{10, 11, 12, 13, 14, 100}));
}

TEST(DeletionVectorTest, RoaringCorruptInputs) {
  auto good = SerializeRoaringBitmapArray({1, 2, 3});
  EXPECT_FALSE(DeserializeRoaringBitmapArray(good.substr(0, good.size() - 1)).ok());  // truncated
  EXPECT_FALSE(DeserializeRoaringBitmapArray(good + "x").ok());                      // trailing bytes
  std::string bad_magic = good;
  bad_magic[3] ^= 0x10;  // (bit 0 of byte 0 would give the older native format's magic)
  auto r = DeserializeRoaringBitmapArray(bad_magic);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("magic"), std::string::npos);
  std::string huge;  // claims 2^60 bitmaps in 20 bytes: refused, no allocation
  PutLe(huge, 1681511377, 4);
  PutLe(huge, 1ULL << 60, 8);
  PutLe(huge, 0, 8);
  EXPECT_FALSE(DeserializeRoaringBitmapArray(huge).ok());
  // Every truncation of a valid input is refused (never a crash).
  auto big = SerializeRoaringBitmapArray({1, 70000, 1ULL << 33});
  for (size_t n = 0; n < big.size(); ++n) EXPECT_FALSE(DeserializeRoaringBitmapArray(big.substr(0, n)).ok()) << n;
}

TEST(DeletionVectorTest, FilesAndDescriptors) {
  TempTable t;
  std::vector<uint64_t> rows = {0, 3, 9};
  std::string bitmap = SerializeRoaringBitmapArray(rows);
  // A UUID whose Z85 form we know: 16 bytes -> 20 chars.
  std::string uuid_bytes("\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef", 16);
  std::string z = Z85Encode(uuid_bytes);
  ASSERT_EQ(z.size(), 20u);
  t.WriteFile("ab/deletion_vector_01234567-89ab-cdef-0123-456789abcdef.bin", EncodeDeletionVectorFile(bitmap));
  DeletionVectorDescriptor dv{"u", "ab" + z, 1, static_cast<int32_t>(bitmap.size()), 3};
  EXPECT_EQ(*DeletionVectorFilePath(t.root(), dv), t.root() + "/ab/deletion_vector_01234567-89ab-cdef-0123-456789abcdef.bin");
  auto loaded = LoadDeletionVector(t.root(), dv);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, rows);

  // Inline.
  DeletionVectorDescriptor inl{"i", Z85Encode(bitmap), std::nullopt, static_cast<int32_t>(bitmap.size()), 3};
  EXPECT_EQ(*LoadDeletionVector(t.root(), inl), rows);

  // Absolute path.
  DeletionVectorDescriptor abs{"p", "file://" + *DeletionVectorFilePath(t.root(), dv), 1, static_cast<int32_t>(bitmap.size()), 3};
  EXPECT_EQ(*LoadDeletionVector(t.root(), abs), rows);

  // Cardinality mismatch, CRC mismatch, missing file, size mismatch.
  DeletionVectorDescriptor wrong_card = dv;
  wrong_card.cardinality = 4;
  auto c = LoadDeletionVector(t.root(), wrong_card);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsCorruption());
  EXPECT_NE(c.status().message().find("deletion_vector_01234567"), std::string::npos);
  std::string file = EncodeDeletionVectorFile(bitmap);
  file[file.size() - 1] ^= 0x5A;
  t.WriteFile("ab/deletion_vector_01234567-89ab-cdef-0123-456789abcdef.bin", file);
  auto crc = LoadDeletionVector(t.root(), dv);
  ASSERT_FALSE(crc.ok());
  EXPECT_NE(crc.status().message().find("CRC mismatch"), std::string::npos) << crc.status().ToString();
  DeletionVectorDescriptor missing = dv;
  missing.path_or_inline_dv = z;
  EXPECT_TRUE(LoadDeletionVector(t.root(), missing).status().IsNotFound());
  DeletionVectorDescriptor wrong_size = dv;
  wrong_size.size_in_bytes += 1;
  EXPECT_FALSE(LoadDeletionVector(t.root(), wrong_size).ok());
  DeletionVectorDescriptor weird{"q", "x", std::nullopt, 1, 1};
  EXPECT_FALSE(LoadDeletionVector(t.root(), weird).ok());
}

TEST(DeletionVectorTest, SparkWrittenDeletionVector) {
  auto snap = Snapshot::Load(Golden("log-replay-dv-key-cases"));
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  ASSERT_EQ((*snap)->files().size(), 1u);
  const auto& dv = *(*snap)->files()[0].deletion_vector;
  auto rows = LoadDeletionVector((*snap)->table_root(), dv);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->size(), 3u);
  EXPECT_TRUE(std::is_sorted(rows->begin(), rows->end()));
}

}  // namespace
}  // namespace tide::table

namespace tide::table {
namespace {

// Random damage to valid inputs: every decoder returns a value or an error, never crashes,
// hangs or allocates out of proportion (run under the sanitizers in debug builds).
TEST(DeletionVectorTest, RandomlyDamagedInputsNeverCrash) {
  std::vector<uint64_t> rows;
  for (uint64_t i = 0; i < 6000; ++i) rows.push_back(i * 3);
  rows.push_back(1ULL << 35);
  const std::string good = SerializeRoaringBitmapArray(rows);
  uint64_t seed = 12345;
  auto next = [&] { seed = seed * 6364136223846793005ULL + 1442695040888963407ULL; return seed >> 33; };
  int errors = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string b = good;
    int flips = 1 + static_cast<int>(next() % 4);
    for (int k = 0; k < flips; ++k) b[next() % b.size()] = static_cast<char>(next());
    if (next() % 4 == 0) b.resize(next() % b.size());
    auto r = DeserializeRoaringBitmapArray(b);
    if (!r.ok()) {
      ++errors;
      EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    } else {
      EXPECT_LE(r->size(), b.size() * 8 + 65536);
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(ActionsFuzzTest, RandomlyDamagedLinesNeverCrash) {
  const std::string good =
      R"({"add":{"path":"a=1/f.parquet","partitionValues":{"a":"1"},"size":10,"modificationTime":1,"dataChange":true,)"
      R"("stats":"{\"numRecords\":1}","deletionVector":{"storageType":"u","pathOrInlineDv":"abc","offset":1,"sizeInBytes":3,"cardinality":1}}})";
  uint64_t seed = 99;
  auto next = [&] { seed = seed * 6364136223846793005ULL + 1442695040888963407ULL; return seed >> 33; };
  for (int iter = 0; iter < 3000; ++iter) {
    std::string b = good;
    b[next() % b.size()] = static_cast<char>(next() % 128);
    auto r = ParseActionLine(b);
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    }
  }
}

}  // namespace
}  // namespace tide::table
