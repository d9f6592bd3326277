// Parquet DECIMAL values beyond their declared precision (a malformed file: here written by our
// writer at a wider precision of the same physical type, then declared narrower in the footer)
// are a Corruption error naming the file, column and row group, for every physical type (INT32,
// INT64, FIXED_LEN_BYTE_ARRAY), dictionary-encoded or PLAIN; values at the bound still read.
// The writer itself refuses such values (InvalidArgument naming column, row, value and type).
#include <gtest/gtest.h>

#include <cstring>

#include "columnar/builder.h"
#include "columnar/json.h"
#include "format/parquet/metadata.h"
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

// The file of WriteDecimals(wide_p, s, ...) with its column declared DECIMAL(p, s) instead (same
// physical type): values fitting wide_p but not p make it malformed.
std::shared_ptr<std::vector<uint8_t>> Redeclare(const std::shared_ptr<std::vector<uint8_t>>& bytes, int p) {
  auto r = ParquetReader::OpenBuffer(bytes, "x");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return bytes;
  FileMetaData m = (*r)->metadata();
  SchemaElement& e = m.schema.at(1);
  e.precision = p;
  if (e.logical_type.kind == LogicalType::kDecimal) e.logical_type.decimal_precision = p;
  uint32_t len = 0;
  std::memcpy(&len, bytes->data() + bytes->size() - 8, 4);
  auto out = std::make_shared<std::vector<uint8_t>>(bytes->begin(), bytes->end() - 8 - len);
  const std::vector<uint8_t> footer = EncodeFileMetaData(m);
  out->insert(out->end(), footer.begin(), footer.end());
  const uint32_t n = static_cast<uint32_t>(footer.size());
  const auto* nb = reinterpret_cast<const uint8_t*>(&n);
  out->insert(out->end(), nb, nb + 4);
  for (char c : std::string("PAR1")) out->push_back(static_cast<uint8_t>(c));
  return out;
}

TEST(ParquetDecimalTest, WriterRefusesValuesBeyondThePrecision) {
  // INT32, INT64, 9-byte and 16-byte FIXED_LEN_BYTE_ARRAY; the value lies past 10^p (or at it)
  // but fits the physical type where it can.
  struct Case {
    int p, s;
    __int128 bad;
  };
  for (const Case& c : {Case{5, 2, P10(5)}, Case{9, 0, -P10(9)}, Case{12, 2, P10(13) + 7}, Case{18, 0, -P10(18) - 1},
                        Case{20, 0, P10(20)}, Case{38, 0, -P10(38)}}) {
    SCOPED_TRACE("DECIMAL(" + std::to_string(c.p) + "," + std::to_string(c.s) + ")");
    auto type = col::Decimal(c.p, c.s);
    auto schema = std::make_shared<col::Schema>(std::vector<col::FieldPtr>{col::MakeField("d", type)});
    col::Decimal128Builder b(type);
    for (__int128 v : {__int128{1}, P10(c.p) - 1, c.bad, __int128{3}}) b.Append(v);
    auto batch = std::make_shared<col::RecordBatch>(schema, std::vector<col::ArrayPtr>{b.Finish()}, 4);
    std::vector<uint8_t> bytes;
    auto w = ParquetWriter::OpenBuffer(&bytes, schema, WriterOptions{});
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    const base::Status st = (*w)->WriteBatch(*batch);
    ASSERT_FALSE(st.ok());
    const std::string& m = st.message();
    EXPECT_EQ(st.code(), base::StatusCode::kInvalidArgument) << m;
    EXPECT_NE(m.find("column d: row 2 holds " + col::FormatDecimal128(c.bad, c.s) + ", which has more digits than its type " +
                     type->ToString()),
              std::string::npos)
        << m;
    // The writer stays failed rather than writing a partial file.
    EXPECT_FALSE((*w)->WriteBatch(*batch).ok());
  }
  // Nested: a list of decimals names the leaf and the value's index in the child array.
  auto type = col::Decimal(5, 0);
  auto lt = col::List(type);
  auto lb = col::MakeBuilder(lt);
  auto* list_b = static_cast<col::ListBuilder*>(lb.get());
  auto* vb = static_cast<col::Decimal128Builder*>(list_b->value_builder());
  list_b->Append();  // [1, 99999], [-100000]
  vb->Append(1);
  vb->Append(99999);
  list_b->Append();
  vb->Append(-100000);
  auto list = lb->Finish();
  auto schema = std::make_shared<col::Schema>(std::vector<col::FieldPtr>{col::MakeField("l", lt)});
  auto batch = std::make_shared<col::RecordBatch>(schema, std::vector<col::ArrayPtr>{list}, 2);
  std::vector<uint8_t> bytes;
  auto w = ParquetWriter::OpenBuffer(&bytes, schema, WriterOptions{});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  const base::Status st = (*w)->WriteBatch(*batch);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find(": value 2 holds -100000, which has more digits than its type " + type->ToString()),
            std::string::npos)
      << st.message();
}

TEST(ParquetDecimalTest, ValuesBeyondThePrecisionAreCorruption) {
  struct Case {
    int p, s;
    __int128 bad;
    int wide_p;  // same physical type, holds `bad`
  };
  // DECIMAL(5, 2) and (8, 0) in INT32, (12, 2) and (17, 0) in INT64, (20, 0) in 9-byte and
  // (37, 0) in 16-byte FIXED_LEN_BYTE_ARRAY. (DECIMAL(38) cannot be made malformed this way: no
  // wider precision; the reader checks it by the same code as (37).)
  for (const Case& c : {Case{5, 2, P10(5), 9}, Case{8, 0, -P10(8), 9}, Case{12, 2, P10(13) + 7, 18},
                        Case{17, 0, -P10(17) - 1, 18}, Case{20, 0, P10(20), 21}, Case{37, 0, -P10(37), 38}}) {
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
          ParquetReader::OpenBuffer(Redeclare(WriteDecimals(c.wide_p, c.s, {1, 2, c.bad, 3, 1}, dictionary, &used), c.p),
                                    "bad.parquet");
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
