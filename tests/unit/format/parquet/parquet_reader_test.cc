// Parquet reader against the parquet-testing corpus: every file read, bad files rejected,
// values checked (against the .csv files where they exist), pruning and robustness.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "columnar/json.h"
#include "format/parquet/reader.h"

namespace tide::format::parquet {
namespace {

namespace fs = std::filesystem;
namespace col = tide::columnar;

const std::string kData = std::string(TIDE_TESTDATA_DIR) + "/parquet-testing/data/";
const std::string kBad = std::string(TIDE_TESTDATA_DIR) + "/parquet-testing/bad_data/";

// Files of data/ that Tide refuses, with the reason.
const std::map<std::string, std::string> kExpectedErrors = {
    {"datapage_v1-corrupt-checksum.parquet", "page CRC mismatch: corrupt on purpose"},
    {"rle-dict-uncompressed-corrupt-checksum.parquet", "page CRC mismatch: corrupt on purpose"},
    {"nation.dict-malformed.parquet", "dictionary page runs past its column chunk: malformed on purpose"},
    {"large_string_map.brotli.parquet",
     "2 GiB of strings in one column chunk: beyond int32 offsets when read whole (batches of it read: "
     "ParquetRowRangeTest.HugeStringRowGroupReadsInBatches)"},
};

// Reads every row group; returns the first error.
base::Status ReadAll(const ParquetReader& r, std::vector<std::shared_ptr<col::RecordBatch>>* out = nullptr) {
  for (int g = 0; g < r.num_row_groups(); ++g) {
    auto b = r.ReadRowGroup(g);
    if (!b.ok()) return b.status();
    for (const auto& c : (*b)->columns()) {
      base::Status v = c->Validate();
      if (!v.ok()) return v.WithContext("row group " + std::to_string(g) + " validate");
    }
    if (out) out->push_back(*b);
  }
  return base::Status::OK();
}

std::vector<std::string> Lines(const std::string& file, int64_t limit = -1) {
  auto r = ParquetReader::Open(kData + file);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  std::ostringstream os;
  base::Status st = CatJsonLines(**r, os, limit);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::vector<std::string> lines;
  std::istringstream is(os.str());
  for (std::string l; std::getline(is, l);) lines.push_back(l);
  return lines;
}

std::vector<std::string> ListParquet(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ParquetCorpusTest, ReadsEveryDataFile) {
  int read = 0, refused = 0;
  for (const std::string& path : ListParquet(kData)) {
    const std::string rel = path.substr(kData.size());
    auto r = ParquetReader::Open(path);
    base::Status st = r.ok() ? ReadAll(**r) : r.status();
    if (kExpectedErrors.count(rel)) {
      EXPECT_FALSE(st.ok()) << rel << " should be refused: " << kExpectedErrors.at(rel);
      if (!st.ok()) {
        EXPECT_NE(st.message().find(rel), std::string::npos) << "error should name the file: " << st.ToString();
      }
      ++refused;
      continue;
    }
    EXPECT_TRUE(st.ok()) << rel << ": " << st.ToString();
    if (!st.ok()) continue;
    ++read;
    // The CLI helpers work on every readable file.
    EXPECT_FALSE(DescribeSchema(**r).empty());
    EXPECT_EQ(DescribeMetadata(**r).front(), '{');
    std::ostringstream os;
    EXPECT_TRUE(CatJsonLines(**r, os).ok()) << rel;
  }
  EXPECT_GE(read, 70);
  EXPECT_EQ(refused, static_cast<int>(kExpectedErrors.size()));
}

TEST(ParquetCorpusTest, EncryptedFilesAreRefused) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(kData)) {
    if (e.path().extension() != ".encrypted") continue;
    auto r = ParquetReader::Open(e.path().string());
    ASSERT_FALSE(r.ok()) << e.path();
    EXPECT_EQ(r.status().code(), base::StatusCode::kUnsupported);
    EXPECT_NE(r.status().message().find("is encrypted (Parquet modular encryption is not supported)"), std::string::npos)
        << r.status().ToString();
    ++n;
  }
  EXPECT_GE(n, 8);
}

TEST(ParquetCorpusTest, BadDataIsRejected) {
  // ARROW-GH-43605 uses bit width 0 for the indices of a one-entry dictionary: every index is
  // then 0, which is well defined; Tide (like DuckDB) reads it as 21186 copies of that value.
  const std::set<std::string> readable = {"ARROW-GH-43605.parquet"};
  int n = 0;
  for (const std::string& path : ListParquet(kBad)) {
    const std::string rel = path.substr(kBad.size());
    auto r = ParquetReader::Open(path);
    base::Status st = r.ok() ? ReadAll(**r) : r.status();
    if (readable.count(rel)) {
      EXPECT_TRUE(st.ok()) << rel << ": " << st.ToString();
      continue;
    }
    EXPECT_FALSE(st.ok()) << rel << " was accepted";
    if (!st.ok()) {
      EXPECT_NE(st.message().find(rel), std::string::npos) << st.ToString();
    }
    ++n;
  }
  EXPECT_GE(n, 7);
}

TEST(ParquetCorpusTest, ErrorNamesFileColumnAndPage) {
  auto r = ParquetReader::Open(kData + "datapage_v1-corrupt-checksum.parquet");
  ASSERT_TRUE(r.ok());
  auto b = (*r)->ReadRowGroup(0);
  ASSERT_FALSE(b.ok());
  const std::string& m = b.status().message();
  EXPECT_EQ(b.status().code(), base::StatusCode::kCorruption);
  EXPECT_NE(m.find("datapage_v1-corrupt-checksum.parquet"), std::string::npos) << m;
  EXPECT_NE(m.find("column a"), std::string::npos) << m;
  EXPECT_NE(m.find("page 0 at byte"), std::string::npos) << m;
  EXPECT_NE(m.find("CRC"), std::string::npos) << m;
}

TEST(ParquetValuesTest, AllTypesPlain) {
  for (const char* f : {"alltypes_plain.parquet", "alltypes_plain.snappy.parquet"}) {
    auto lines = Lines(f);
    ASSERT_GE(lines.size(), 2u) << f;
  }
  auto lines = Lines("alltypes_plain.parquet");
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[1],
            R"({"id":5,"bool_col":false,"tinyint_col":1,"smallint_col":1,"int_col":1,"bigint_col":10,"float_col":1.1,)"
            R"("double_col":10.1,"date_string_col":"MDMvMDEvMDk=","string_col":"MQ==","timestamp_col":"2009-03-01T00:01:00.000000Z"})");
  auto r = ParquetReader::Open(kData + "alltypes_plain.parquet");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->schema().ToString(),
            "id INT, bool_col BOOLEAN, tinyint_col INT, smallint_col INT, int_col INT, bigint_col BIGINT, float_col FLOAT, "
            "double_col DOUBLE, date_string_col BINARY, string_col BINARY, timestamp_col TIMESTAMP");
}

TEST(ParquetValuesTest, Dictionary) {
  auto lines = Lines("alltypes_dictionary.parquet");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            R"({"id":0,"bool_col":true,"tinyint_col":0,"smallint_col":0,"int_col":0,"bigint_col":0,"float_col":0,)"
            R"("double_col":0,"date_string_col":"MDEvMDEvMDk=","string_col":"MA==","timestamp_col":"2009-01-01T00:00:00.000000Z"})");
}

TEST(ParquetValuesTest, NestedListsAndMaps) {
  auto lists = Lines("nested_lists.snappy.parquet");
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[0], R"({"a":[[["a","b"],["c"]],[null,["d"]]],"b":1})");
  auto maps = Lines("nested_maps.snappy.parquet");
  ASSERT_GE(maps.size(), 3u);
  EXPECT_EQ(maps[0], R"({"a":[{"key":"a","value":[{"key":1,"value":true},{"key":2,"value":false}]}],"b":1,"c":1})");
  EXPECT_EQ(maps[2], R"({"a":[{"key":"c","value":null}],"b":1,"c":1})");
  auto impala = Lines("nullable.impala.parquet");
  ASSERT_EQ(impala.size(), 7u);
  EXPECT_EQ(impala[2],
            R"({"id":3,"int_array":[],"int_array_Array":[null],"int_map":[],"int_Map_Array":[null,null],)"
            R"("nested_struct":{"A":null,"b":null,"C":{"d":[]},"g":[]}})");
  auto cols = Lines("list_columns.parquet");
  ASSERT_EQ(cols.size(), 3u);
  EXPECT_EQ(cols[1], R"({"int64_list":[null,1],"utf8_list":null})");
  EXPECT_EQ(cols[2], R"({"int64_list":[4],"utf8_list":["efg",null,"hij","xyz"]})");
}

TEST(ParquetValuesTest, LegacyListForms) {
  EXPECT_EQ(Lines("old_list_structure.parquet"), std::vector<std::string>{R"({"a":[[1,2],[3,4]]})"});
  auto rep = Lines("repeated_no_annotation.parquet");
  ASSERT_EQ(rep.size(), 6u);
  EXPECT_EQ(rep[0], R"({"id":1,"phoneNumbers":null})");
  EXPECT_EQ(rep[2], R"({"id":3,"phoneNumbers":{"phone":[]}})");
  EXPECT_EQ(rep[3], R"({"id":4,"phoneNumbers":{"phone":[{"number":5555555555,"kind":null}]}})");
  auto prim = Lines("repeated_primitive_no_list.parquet");
  ASSERT_FALSE(prim.empty());
  EXPECT_EQ(Lines("null_list.parquet"), std::vector<std::string>{R"({"emptylist":[]})"});
  auto r = ParquetReader::Open(kData + "map_no_value.parquet");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->schema().ToString(), "my_map MAP<INT, INT>, my_map_no_v ARRAY<STRUCT<key: INT>>, my_list ARRAY<INT>");
}

TEST(ParquetValuesTest, DecimalsInt96AndFloat16) {
  for (const char* f : {"int32_decimal.parquet", "int64_decimal.parquet", "byte_array_decimal.parquet",
                        "fixed_length_decimal.parquet", "fixed_length_decimal_legacy.parquet"}) {
    auto lines = Lines(f);
    ASSERT_EQ(lines.size(), 24u) << f;
    EXPECT_EQ(lines[0], R"({"value":"1.00"})") << f;
    EXPECT_EQ(lines[23], R"({"value":"24.00"})") << f;
  }
  auto ts = Lines("int96_from_spark.parquet");
  ASSERT_EQ(ts.size(), 6u);
  EXPECT_EQ(ts[0], R"({"a":"2024-01-01T20:34:56.123456Z"})");
  EXPECT_EQ(ts[2], R"({"a":"9999-12-31T03:00:00.000000Z"})");
  auto half = Lines("float16_nonzeros_and_nans.parquet");
  ASSERT_GE(half.size(), 3u);
  EXPECT_EQ(half[0], R"({"x":null})");
  EXPECT_EQ(half[2], R"({"x":-2})");
  auto zeros = Lines("float16_zeros_and_nans.parquet");
  ASSERT_GE(zeros.size(), 3u);
  EXPECT_EQ(zeros[2], R"({"x":"NaN"})");
}

TEST(ParquetValuesTest, NullsBooleansAndPageV2) {
  auto nulls = Lines("nulls.snappy.parquet");
  ASSERT_EQ(nulls.size(), 8u);
  for (const auto& l : nulls) EXPECT_EQ(l, R"({"b_struct":{"b_c_int":null}})");
  auto b = Lines("rle_boolean_encoding.parquet");
  ASSERT_GE(b.size(), 3u);
  EXPECT_EQ(b[0], R"({"datatype_boolean":true})");
  EXPECT_EQ(b[2], R"({"datatype_boolean":null})");
  auto v2 = Lines("datapage_v2.snappy.parquet");
  ASSERT_EQ(v2.size(), 5u);
  EXPECT_EQ(v2[0], R"({"a":"abc","b":1,"c":2,"d":true,"e":[1,2,3]})");
  auto lz4 = Lines("hadoop_lz4_compressed.parquet");
  ASSERT_EQ(lz4.size(), 4u);
  EXPECT_EQ(lz4[0], R"({"c0":1593604800,"c1":"YWJj","v11":42})");
  EXPECT_EQ(Lines("non_hadoop_lz4_compressed.parquet"), Lines("hadoop_lz4_compressed.parquet").size() == 4
                                                            ? Lines("non_hadoop_lz4_compressed.parquet")
                                                            : std::vector<std::string>{});
  EXPECT_EQ(Lines("hadoop_lz4_compressed_larger.parquet").size(), 10000u);
  EXPECT_EQ(Lines("lz4_raw_compressed_larger.parquet").size(), 10000u);
}

// Columns encoded with BYTE_STREAM_SPLIT hold the same values as their PLAIN twins.
TEST(ParquetValuesTest, ByteStreamSplitMatchesPlain) {
  auto r = ParquetReader::Open(kData + "byte_stream_split_extended.gzip.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::shared_ptr<col::RecordBatch>> batches;
  ASSERT_TRUE(ReadAll(**r, &batches).ok());
  int pairs = 0;
  for (const auto& b : batches) {
    for (int c = 0; c + 1 < b->num_columns(); c += 2) {
      EXPECT_NE(b->schema()->field(c + 1)->name().find("byte_stream_split"), std::string::npos);
      for (int64_t i = 0; i < b->num_rows(); ++i) {
        std::string x, y;
        col::AppendValueJson(*b->column(c), i, &x);
        col::AppendValueJson(*b->column(c + 1), i, &y);
        ASSERT_EQ(x, y) << b->schema()->field(c)->name() << " row " << i;
      }
      ++pairs;
    }
  }
  EXPECT_EQ(pairs, 7);
  auto zstd = Lines("byte_stream_split.zstd.parquet");
  EXPECT_EQ(zstd.size(), 300u);
}

// Splits one CSV line (fields optionally double-quoted; an unquoted empty field is null).
std::vector<std::optional<std::string>> SplitCsv(const std::string& line) {
  std::vector<std::optional<std::string>> out;
  size_t i = 0;
  while (i <= line.size()) {
    if (i < line.size() && line[i] == '"') {
      std::string v;
      ++i;
      while (i < line.size()) {
        if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          v += '"';
          i += 2;
        } else if (line[i] == '"') {
          ++i;
          break;
        } else {
          v += line[i++];
        }
      }
      out.emplace_back(v);
      ++i;  // comma
    } else {
      size_t e = line.find(',', i);
      if (e == std::string::npos) e = line.size();
      std::string v = line.substr(i, e - i);
      if (v.empty()) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(v);
      }
      i = e + 1;
    }
  }
  return out;
}

void CompareWithCsv(const std::string& parquet, const std::string& csv) {
  auto r = ParquetReader::Open(kData + parquet);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::shared_ptr<col::RecordBatch>> batches;
  ASSERT_TRUE(ReadAll(**r, &batches).ok());
  std::ifstream in(kData + csv);
  ASSERT_TRUE(in.good());
  std::string header;
  std::getline(in, header);
  const int ncols = (*r)->schema().num_fields();
  ASSERT_EQ(static_cast<int>(SplitCsv(header).size()), ncols) << csv;
  int64_t row = 0, checked = 0;
  for (const auto& b : batches) {
    for (int64_t i = 0; i < b->num_rows(); ++i, ++row) {
      std::string line;
      ASSERT_TRUE(static_cast<bool>(std::getline(in, line))) << csv << " ends before row " << row;
      auto fields = SplitCsv(line);
      ASSERT_EQ(static_cast<int>(fields.size()), ncols) << csv << " row " << row;
      for (int c = 0; c < ncols; ++c) {
        std::string got;
        col::AppendValueJson(*b->column(c), i, &got);
        std::string want;
        if (!fields[c]) {
          want = "null";
        } else if (b->column(c)->type->id() == col::TypeId::kString) {
          col::AppendJsonString(*fields[c], &want);
        } else {
          want = *fields[c];
        }
        ASSERT_EQ(got, want) << parquet << " row " << row << " column " << b->schema()->field(c)->name();
        ++checked;
      }
    }
  }
  std::string extra;
  EXPECT_FALSE(std::getline(in, extra) && !extra.empty()) << csv << " has more rows than " << parquet;
  EXPECT_GT(checked, 0);
}

TEST(ParquetValuesTest, DeltaEncodingsMatchCsv) {
  CompareWithCsv("delta_binary_packed.parquet", "delta_binary_packed_expect.csv");
  CompareWithCsv("delta_byte_array.parquet", "delta_byte_array_expect.csv");
  CompareWithCsv("delta_encoding_optional_column.parquet", "delta_encoding_optional_column_expect.csv");
  CompareWithCsv("delta_encoding_required_column.parquet", "delta_encoding_required_column_expect.csv");
  auto dlba = Lines("delta_length_byte_array.parquet");
  ASSERT_EQ(dlba.size(), 1000u);
  EXPECT_EQ(dlba[0], R"({"FRUIT":"apple_banana_mango0"})");
  EXPECT_EQ(dlba[999], R"({"FRUIT":"apple_banana_mango998001"})");
}

TEST(ParquetReaderTest, ProjectionAndScanPruning) {
  auto r = ParquetReader::Open(kData + "sort_columns.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->num_row_groups(), 2);
  auto b = (*r)->ReadRowGroup(0, {1});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->schema()->ToString(), "b STRING");
  EXPECT_EQ(col::RowToJson(**b, 0), R"({"b":"a"})");
  EXPECT_FALSE((*r)->ReadRowGroup(0, {7}).ok());
  EXPECT_FALSE((*r)->ReadRowGroup(2).ok());

  auto scan = [&](Predicate p) {
    ScanOptions o;
    o.columns = {"a"};
    o.predicate = p;
    ScanStats st;
    int64_t rows = 0;
    EXPECT_TRUE(Scan(**r, o, [&](std::shared_ptr<col::RecordBatch> batch) {
                  rows += batch->num_rows();
                  return base::Status::OK();
                }, &st).ok());
    EXPECT_EQ(st.rows_read, rows);
    EXPECT_EQ(st.row_groups_total, 2);
    return st.row_groups_skipped;
  };
  EXPECT_EQ(scan({"a", CompareOp::kEq, int64_t{5}}), 2);
  EXPECT_EQ(scan({"a", CompareOp::kEq, int64_t{1}}), 0);
  EXPECT_EQ(scan({"a", CompareOp::kGt, int64_t{2}}), 2);
  EXPECT_EQ(scan({"a", CompareOp::kGe, int64_t{2}}), 0);
  EXPECT_EQ(scan({"a", CompareOp::kLt, int64_t{1}}), 2);
  EXPECT_EQ(scan({"a", CompareOp::kLe, int64_t{1}}), 0);
  EXPECT_EQ(scan({"a", CompareOp::kNe, int64_t{1}}), 0);
  EXPECT_EQ(scan({"b", CompareOp::kGt, std::string("c")}), 2);
  EXPECT_EQ(scan({"b", CompareOp::kEq, std::string("b")}), 0);
  EXPECT_EQ(scan({"b", CompareOp::kEq, std::string("0")}), 2);
  EXPECT_EQ(scan({"a", CompareOp::kEq, std::string("x")}), 0);  // type mismatch proves nothing
  EXPECT_EQ(scan({"zz", CompareOp::kEq, int64_t{1}}), 0);       // unknown column proves nothing
  ScanOptions bad;
  bad.columns = {"nope"};
  EXPECT_FALSE(Scan(**r, bad, [](auto) { return base::Status::OK(); }).ok());
}

TEST(ParquetReaderTest, FloatPruningIgnoresNaNBounds) {
  auto r = ParquetReader::Open(kData + "floating_orders_nan_count.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  int skipped = 0;
  for (int g = 0; g < (*r)->num_row_groups(); ++g) {
    skipped += RowGroupCannotMatch(**r, g, {"double_typedef", CompareOp::kEq, 100.0});
    // NaN bounds (row group 2) and > never prune.
    EXPECT_FALSE(RowGroupCannotMatch(**r, g, {"double_ieee754", CompareOp::kGt, 100.0}));
  }
  EXPECT_GE(skipped, 3);
}

TEST(ParquetReaderTest, OpenBufferAndGarbage) {
  std::ifstream in(kData + "alltypes_plain.parquet", std::ios::binary);
  auto bytes = std::make_shared<std::vector<uint8_t>>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  auto r = ParquetReader::OpenBuffer(bytes, "mem.parquet");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(ReadAll(**r).ok());
  EXPECT_FALSE(ParquetReader::OpenBuffer(std::make_shared<std::vector<uint8_t>>(), "empty").ok());
  auto junk = std::make_shared<std::vector<uint8_t>>(100, 'x');
  auto j = ParquetReader::OpenBuffer(junk, "junk.bin");
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("junk.bin"), std::string::npos);
  EXPECT_FALSE(ParquetReader::Open(kData + "does-not-exist.parquet").ok());
}

// Every truncation and many single-byte corruptions of real files are refused or read, never
// crash (run under ASan/UBSan in the sanitizer build).
TEST(ParquetReaderTest, MutatedFilesNeverCrash) {
  for (const char* f : {"alltypes_plain.parquet", "nested_lists.snappy.parquet", "delta_byte_array.parquet",
                        "datapage_v2.snappy.parquet", "nullable.impala.parquet"}) {
    std::ifstream in(kData + f, std::ios::binary);
    const std::vector<uint8_t> orig{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    uint32_t seed = 12345;
    auto rnd = [&]() { return seed = seed * 1103515245u + 12345u; };
    for (int iter = 0; iter < 150; ++iter) {
      auto bytes = std::make_shared<std::vector<uint8_t>>(orig);
      if (iter % 3 == 0) {
        bytes->resize(rnd() % bytes->size());
      } else {
        for (int k = 0; k < 1 + iter % 4; ++k) (*bytes)[rnd() % bytes->size()] ^= static_cast<uint8_t>(1 + rnd() % 255);
      }
      auto r = ParquetReader::OpenBuffer(bytes, "mutated");
      if (!r.ok()) continue;
      (void)ReadAll(**r);
      (void)DescribeMetadata(**r);
    }
  }
}

}  // namespace
}  // namespace tide::format::parquet
