// Partial decompression of large pages: a row range that needs only the first rows of a page
// decompresses only the page's prefix (snappy, zstd). The rows must equal a whole read's, for v1
// and v2 pages, PLAIN and dictionary values, nullable and required columns, every column type.
#include <gtest/gtest.h>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"

namespace tide::format::parquet {
namespace {

namespace col = tide::columnar;

std::vector<std::string> Json(const col::RecordBatch& b) {
  std::vector<std::string> out;
  for (int64_t r = 0; r < b.num_rows(); ++r) out.push_back(col::RowToJson(b, r));
  return out;
}

// Flat columns of every kind the prefix path decodes, with nulls and long and short strings.
std::shared_ptr<col::RecordBatch> FlatBatch(int64_t rows) {
  using namespace col;
  auto schema = std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("id", Int64(), false), MakeField("n", Int32()), MakeField("s", Utf8()), MakeField("d", Float64()),
      MakeField("b", Boolean()), MakeField("city", Utf8()), MakeField("i8", Int8()),
      MakeField("dec", Decimal(10, 2)), MakeField("ts", Timestamp(TimeUnit::kMicro, true))});
  Int64Builder id(Int64());
  Int32Builder n(Int32());
  BinaryBuilder s(Utf8());
  Float64Builder d(Float64());
  BooleanBuilder b;
  BinaryBuilder city(Utf8());
  Int8Builder i8(Int8());
  Decimal128Builder dec(Decimal(10, 2));
  Int64Builder ts(Timestamp(TimeUnit::kMicro, true));
  uint64_t x = 12345;
  for (int64_t r = 0; r < rows; ++r) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    id.Append(r);
    if (x % 19 == 3) n.AppendNull(); else n.Append(static_cast<int32_t>((x >> 20) % 5000));
    if (x % 23 == 5) s.AppendNull(); else s.Append(std::string((x >> 30) % 40, static_cast<char>('a' + r % 26)));
    if (x % 29 == 7) d.AppendNull(); else d.Append(static_cast<double>((x >> 13) % 100000) / 100);
    if (x % 7 == 1) b.AppendNull(); else b.Append((x >> 40) & 1);
    if (r % 100 == 42) city.AppendNull(); else city.Append("city-" + std::to_string((x >> 33) % 50));
    i8.Append(static_cast<int8_t>(r % 200 - 100));
    dec.Append(static_cast<__int128>(r * 3 - 7000));
    ts.Append(1700000000000000 + r * 1000 + static_cast<int64_t>((x >> 50) % 1000));
  }
  return std::make_shared<RecordBatch>(
      schema,
      std::vector<ArrayPtr>{id.Finish(), n.Finish(), s.Finish(), d.Finish(), b.Finish(), city.Finish(), i8.Finish(),
                            dec.Finish(), ts.Finish()},
      rows);
}

TEST(ParquetPrefixTest, RangesOfOneLargePageMatchTheWholeRead) {
  constexpr int64_t kRows = 8000;
  auto batch = FlatBatch(kRows);
  for (CompressionCodec codec : {CompressionCodec::kSnappy, CompressionCodec::kZstd, CompressionCodec::kGzip}) {
    for (bool v2 : {false, true}) {
      for (bool dict : {true, false}) {
        {
          const bool crc = dict;
          const std::string what = std::string(CodecName(codec)) + (v2 ? " v2" : " v1") + (dict ? " dict" : " plain") +
                                   (crc ? " crc" : "");
          WriterOptions o;
          o.codec = codec;
          o.data_page_v2 = v2;
          o.dictionary = dict;
          o.page_crc = crc;
          o.max_page_rows = kRows;  // one page per column chunk, like DuckDB's files
          o.target_page_bytes = int64_t{64} << 20;
          auto bytes = std::make_shared<std::vector<uint8_t>>();
          auto w = ParquetWriter::OpenBuffer(bytes.get(), batch->schema(), o);
          ASSERT_TRUE(w.ok()) << w.status().ToString();
          ASSERT_TRUE((*w)->WriteBatch(*batch).ok());
          ASSERT_TRUE((*w)->Close().ok());
          auto r = ParquetReader::OpenBuffer(bytes, "prefix.parquet");
          ASSERT_TRUE(r.ok()) << r.status().ToString();
          auto whole = (*r)->ReadRowGroup(0);
          ASSERT_TRUE(whole.ok()) << what << ": " << whole.status().ToString();
          const auto all = Json(**whole);
          for (auto [first, len] : std::vector<std::pair<int64_t, int64_t>>{
                   {0, 1}, {0, 100}, {0, 800}, {0, 3999}, {0, 6000}, {1, 3}, {777, 1234}, {3900, 99}, {7999, 1},
                   {0, kRows}}) {
            auto b = (*r)->ReadRowGroupRows(0, first, len);
            ASSERT_TRUE(b.ok()) << what << " " << first << "+" << len << ": " << b.status().ToString();
            ASSERT_EQ((*b)->num_rows(), len);
            for (const auto& c : (*b)->columns()) ASSERT_TRUE(c->Validate().ok()) << what;
            const auto got = Json(**b);
            for (int64_t i = 0; i < len; ++i) ASSERT_EQ(got[i], all[first + i]) << what << " " << first << "+" << len;
          }
        }
      }
    }
  }
}

// The predicate column is read whole, the others for the matching prefix: the scan keeps
// exactly the rows a brute-force filter keeps.
TEST(ParquetPrefixTest, ScanOfALargePageKeepsTheMatchingRows) {
  constexpr int64_t kRows = 30000;
  auto batch = FlatBatch(kRows);
  for (CompressionCodec codec : {CompressionCodec::kSnappy, CompressionCodec::kZstd}) {
    WriterOptions o;
    o.codec = codec;
    o.max_page_rows = kRows;
    o.target_page_bytes = int64_t{64} << 20;
    auto bytes = std::make_shared<std::vector<uint8_t>>();
    auto w = ParquetWriter::OpenBuffer(bytes.get(), batch->schema(), o);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteBatch(*batch).ok());
    ASSERT_TRUE((*w)->Close().ok());
    auto r = ParquetReader::OpenBuffer(bytes, "scan.parquet");
    ASSERT_TRUE(r.ok());
    auto whole = (*r)->ReadRowGroup(0);
    ASSERT_TRUE(whole.ok());
    const auto all = Json(**whole);
    ScanOptions so;
    so.predicate = Predicate{"id", CompareOp::kLt, int64_t{300}};
    so.filter_rows = true;
    std::vector<std::string> got;
    ASSERT_TRUE(Scan(**r, so, [&](std::shared_ptr<col::RecordBatch> b) {
                  for (auto& l : Json(*b)) got.push_back(std::move(l));
                  return base::Status::OK();
                }).ok());
    ASSERT_EQ(got.size(), 300u);
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], all[i]) << CodecName(codec);
  }
}

}  // namespace
}  // namespace tide::format::parquet
