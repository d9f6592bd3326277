// Parquet DECIMAL values beyond their declared precision (a malformed file: here written by our
// own writer from a column that breaks the |v| < 10^p rule, which builders do not check) are a
// Corruption error naming the file, column and row group, for every physical type (INT32,
// INT64, FIXED_LEN_BYTE_ARRAY), dictionary-encoded or PLAIN; values at the bound still read.
#include <gtest/gtest.h>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"

namespace tide::format::parquet {
namespace {

namespace col = tide::columnar;

__int128 P10(int n) {
  __int128 r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

// One DECIMAL(p, s) column "d" holding `values`, written with or without dictionary encoding.
// The values repeat 100 times, so that a dictionary pays (INT32 / INT64 columns).
std::shared_ptr<std::vector<uint8_t>> WriteDecimals(int p, int s, const std::vector<__int128>& values, bool dictionary,
                                                    bool* dictionary_used = nullptr) {
  auto type = col::Decimal(p, s);
  col::Decimal128Builder b(type);
  for (int k = 0; k < 100; ++k) {
    for (__int128 v : values) b.Append(v);
  }
  auto schema = std::make_shared<col::Schema>(std::vector<col::FieldPtr>{col::MakeField("d", type)});
  auto batch = std::make_shared<col::RecordBatch>(schema, std::vector<col::ArrayPtr>{b.Finish()},
                                                  static_cast<int64_t>(values.size()) * 100);
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  WriterOptions o;
  o.dictionary = dictionary;
  auto w = ParquetWriter::OpenBuffer(bytes.get(), schema, o);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE((*w)->WriteBatch(*batch).ok());
  EXPECT_TRUE((*w)->Close().ok());
  if (dictionary_used) {
    auto r = ParquetReader::OpenBuffer(bytes, "x");
    *dictionary_used = r.ok() && (*r)->metadata().row_groups[0].columns[0].meta_data->dictionary_page_offset.has_value();
  }
  return bytes;
}

TEST(ParquetDecimalTest, ValuesBeyondThePrecisionAreCorruption) {
  struct Case {
    int p, s;
    __int128 bad;
  };
  // DECIMAL(5, 2) and (9, 0) in INT32, (12, 2) and (18, 0) in INT64, (20, 0) in 9-byte and
  // (38, 0) in 16-byte FIXED_LEN_BYTE_ARRAY.
  for (const Case& c : {Case{5, 2, P10(5)}, Case{9, 0, -P10(9)}, Case{12, 2, P10(13) + 7}, Case{18, 0, -P10(18) - 1},
                        Case{20, 0, P10(20)}, Case{38, 0, -P10(38)}}) {
    for (bool dictionary : {true, false}) {
      SCOPED_TRACE("DECIMAL(" + std::to_string(c.p) + "," + std::to_string(c.s) + ")" + (dictionary ? " dict" : ""));
      const __int128 top = P10(c.p) - 1;
      // Values at the bound read back as written.
      auto good = ParquetReader::OpenBuffer(WriteDecimals(c.p, c.s, {top, 1, -top, 1, top}, dictionary), "good.parquet");
      ASSERT_TRUE(good.ok()) << good.status().ToString();
      auto gb = (*good)->ReadRowGroup(0);
      ASSERT_TRUE(gb.ok()) << gb.status().ToString();
      EXPECT_EQ(col::RowToJson(**gb, 7), "{\"d\":\"" + col::FormatDecimal128(-top, c.s) + "\"}");
      // One value past it: the row group fails, saying where and what.
      bool used = false;
      auto bad =
          ParquetReader::OpenBuffer(WriteDecimals(c.p, c.s, {1, 2, c.bad, 3, 1}, dictionary, &used), "bad.parquet");
      // The writer dictionary-encodes 4- and 8-byte values only.
      EXPECT_EQ(used, dictionary && c.p <= 18);
      ASSERT_TRUE(bad.ok()) << bad.status().ToString();
      auto bb = (*bad)->ReadRowGroup(0);
      ASSERT_FALSE(bb.ok());
      const std::string& m = bb.status().message();
      EXPECT_EQ(bb.status().code(), base::StatusCode::kCorruption) << m;
      EXPECT_NE(m.find("bad.parquet"), std::string::npos) << m;
      EXPECT_NE(m.find("column d"), std::string::npos) << m;
      EXPECT_NE(m.find("row group 0"), std::string::npos) << m;
      EXPECT_NE(m.find(col::FormatDecimal128(c.bad, c.s) + " (value 2)"), std::string::npos) << m;
      if (used) {
        EXPECT_NE(m.find("dictionary"), std::string::npos) << m;
      }
      EXPECT_NE(m.find("more digits than its type " + col::Decimal(c.p, c.s)->ToString()), std::string::npos) << m;
      // Part of the row group, through the same decoder.
      EXPECT_FALSE((*bad)->ReadRowGroupRows(0, 101, 3).ok());
    }
  }
}

}  // namespace
}  // namespace tide::format::parquet
