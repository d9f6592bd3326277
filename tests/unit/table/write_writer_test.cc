// The data-file writer (table/writer.h): schema enforcement and evolution, partitioning, file
// naming and sizing, column mapping.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <set>

#include "format/parquet/reader.h"
#include "table/writer.h"
#include "write_test_util.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;
using testing::Ddl;
using testing::Rows;
using testing::TempDir;

Metadata MetadataFor(const col::Schema& schema, std::vector<std::string> partitions = {},
                     std::map<std::string, std::string> config = {}) {
  Metadata m;
  m.id = GenerateUuid();
  auto s = SerializeDeltaSchema(schema);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  m.schema_string = *s;
  m.partition_columns = std::move(partitions);
  m.configuration = std::move(config);
  return m;
}

TEST(WriteUuid, Version4Format) {
  const std::string u = GenerateUuid();
  EXPECT_TRUE(std::regex_match(u, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << u;
  EXPECT_NE(u, GenerateUuid());
}

TEST(WriteConform, ReordersCastsAndFillsMissingColumns) {
  auto table = Ddl("id BIGINT, name STRING, score DOUBLE");
  auto batch = Rows("NAME STRING, id INT", "{\"NAME\":\"a\",\"id\":1}\n{\"NAME\":null,\"id\":-2}\n");
  auto out = ConformBatch(*batch, *table);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)->schema()->ToString(), table->ToString());
  EXPECT_EQ(col::RowToJson(**out, 0), "{\"id\":1,\"name\":\"a\",\"score\":null}");
  EXPECT_EQ(col::RowToJson(**out, 1), "{\"id\":-2,\"name\":null,\"score\":null}");
}

TEST(WriteConform, NestedStructsListsAndMaps) {
  auto table = Ddl("s STRUCT<a: BIGINT, b: STRING>, l ARRAY<BIGINT>, m MAP<STRING, DOUBLE>, d TIMESTAMP_NTZ");
  auto batch = Rows("s STRUCT<b: STRING, a: INT>, l ARRAY<SMALLINT>, m MAP<STRING, FLOAT>, d DATE",
                    "{\"s\":{\"b\":\"x\",\"a\":3},\"l\":[1,2],\"m\":[{\"key\":\"k\",\"value\":1.5}],\"d\":\"2024-01-02\"}\n"
                    "{\"s\":null,\"l\":null,\"m\":null,\"d\":null}\n");
  auto out = ConformBatch(*batch, *table);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(col::RowToJson(**out, 0),
            "{\"s\":{\"a\":3,\"b\":\"x\"},\"l\":[1,2],\"m\":[{\"key\":\"k\",\"value\":1.5}],"
            "\"d\":\"2024-01-02T00:00:00.000000\"}");
  EXPECT_EQ(col::RowToJson(**out, 1), "{\"s\":null,\"l\":null,\"m\":null,\"d\":null}");
}

TEST(WriteConform, RefusesUnknownColumnsAndBadTypes) {
  auto table = Ddl("id BIGINT, name STRING");
  auto extra = ConformBatch(*Rows("id BIGINT, x INT", "{\"id\":1,\"x\":2}\n"), *table);
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(extra.status().message().find("column 'x' (INT) is not in the table schema"), std::string::npos)
      << extra.status().ToString();

  auto bad = ConformBatch(*Rows("id STRING", "{\"id\":\"1\"}\n"), *table);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("column 'id': cannot write STRING into the table's BIGINT"), std::string::npos)
      << bad.status().ToString();

  // A wider incoming type is not silently narrowed.
  auto narrow = ConformBatch(*Rows("id BIGINT", "{\"id\":1}\n"), *Ddl("id INT"));
  ASSERT_FALSE(narrow.ok());
  EXPECT_NE(narrow.status().message().find("cannot write BIGINT into the table's INT"), std::string::npos);

  auto nested = ConformBatch(*Rows("s STRUCT<a: STRING>", "{\"s\":{\"a\":\"q\"}}\n"), *Ddl("s STRUCT<a: INT>"));
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("column 's.a'"), std::string::npos) << nested.status().ToString();
}

TEST(WriteConformCasts, UnsignedAndNanosecondInputs) {
  // Parquet files from other engines: unsigned integers and nanosecond timestamps.
  col::UInt16Builder u(col::UInt16());
  u.Append(65535);
  u.AppendNull();
  col::Int64Builder ns(col::Timestamp(col::TimeUnit::kNano, true));
  ns.Append(1500);  // 1.5 micros
  ns.Append(-1);    // floors to -1 micro
  auto in = std::make_shared<const col::Schema>(std::vector<col::FieldPtr>{
      col::MakeField("u", col::UInt16()), col::MakeField("t", col::Timestamp(col::TimeUnit::kNano, true))});
  col::RecordBatch batch(in, {u.Finish(), ns.Finish()}, 2);
  auto out = ConformBatch(batch, *Ddl("u INT, t TIMESTAMP"));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(col::RowToJson(**out, 0), "{\"u\":65535,\"t\":\"1970-01-01T00:00:00.000001Z\"}");
  EXPECT_EQ(col::RowToJson(**out, 1), "{\"u\":null,\"t\":\"1969-12-31T23:59:59.999999Z\"}");
  // UBIGINT does not fit any Delta integer; TIMESTAMP_NTZ data does not go into a TIMESTAMP.
  col::UInt64Builder big(col::UInt64());
  big.Append(1);
  col::RecordBatch b2(std::make_shared<const col::Schema>(std::vector<col::FieldPtr>{col::MakeField("u", col::UInt64())}),
                      {big.Finish()}, 1);
  EXPECT_FALSE(ConformBatch(b2, *Ddl("u BIGINT")).ok());
  EXPECT_FALSE(ConformBatch(*Rows("t TIMESTAMP_NTZ", "{\"t\":\"2024-01-01 00:00:00\"}\n"), *Ddl("t TIMESTAMP")).ok());
}

TEST(WriteConform, MissingNotNullColumnIsRefused) {
  auto table = Ddl("id BIGINT NOT NULL, name STRING");
  auto out = ConformBatch(*Rows("name STRING", "{\"name\":\"a\"}\n"), *table);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("column 'id' is NOT NULL"), std::string::npos) << out.status().ToString();
}

TEST(WriteNotNull, NullsInNotNullColumnsNameTheColumnAndRow) {
  auto schema = Ddl("id BIGINT NOT NULL, s STRUCT<a: INT NOT NULL>");
  auto ok = Rows("id BIGINT, s STRUCT<a: INT>", "{\"id\":1,\"s\":null}\n");  // a null struct hides its fields
  auto conformed = ConformBatch(*ok, *schema);
  ASSERT_TRUE(conformed.ok()) << conformed.status().ToString();
  EXPECT_TRUE(CheckNotNull(**conformed, *schema).ok());

  auto bad = ConformBatch(*Rows("id BIGINT, s STRUCT<a: INT>", "{\"id\":1,\"s\":{\"a\":1}}\n{\"id\":null,\"s\":null}\n"),
                          *schema);
  ASSERT_TRUE(bad.ok());
  base::Status st = CheckNotNull(**bad, *schema);
  EXPECT_EQ(st.code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("column 'id' is NOT NULL but row 1"), std::string::npos) << st.ToString();

  auto bad2 = ConformBatch(*Rows("id BIGINT, s STRUCT<a: INT>", "{\"id\":1,\"s\":{\"a\":null}}\n"), *schema);
  ASSERT_TRUE(bad2.ok());
  st = CheckNotNull(**bad2, *schema);
  EXPECT_NE(st.message().find("column 's.a' is NOT NULL but row 0"), std::string::npos) << st.ToString();
}

TEST(WriteMergeSchema, AddsColumnsAndWidensTypes) {
  auto table = Ddl("id INT, s STRUCT<a: INT>, f FLOAT");
  auto incoming = Ddl("id BIGINT, s STRUCT<a: SMALLINT, b: STRING>, f FLOAT, extra DATE NOT NULL");
  auto m = MergeSchema(*table, *incoming);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->changed);
  EXPECT_TRUE(m->widened);
  EXPECT_EQ(m->schema.ToString(), "id BIGINT, s STRUCT<a: INT, b: STRING>, f FLOAT, extra DATE");
  EXPECT_TRUE(m->schema.field(3)->nullable());  // new columns are nullable
  EXPECT_EQ(m->added, std::vector<std::string>({"s.b", "extra"}));
  auto changes = FieldMetadataString(*m->schema.field(0), kTypeChangesKey);
  std::string raw;
  for (const auto& kv : m->schema.field(0)->metadata()) {
    if (kv.first == kTypeChangesKey) raw = kv.second;
  }
  EXPECT_EQ(raw, "[{\"toType\":\"long\",\"fromType\":\"integer\"}]");
}

TEST(WriteMergeSchema, NoChangeWhenIncomingFits) {
  auto m = MergeSchema(*Ddl("id BIGINT, d DOUBLE"), *Ddl("id INT"));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->changed);
  EXPECT_EQ(m->schema.ToString(), "id BIGINT, d DOUBLE");
}

TEST(WriteMergeSchema, RefusesIncompatibleTypes) {
  auto m = MergeSchema(*Ddl("id BIGINT, name STRING"), *Ddl("name INT"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("column 'name': cannot merge INT into the table's STRING"), std::string::npos)
      << m.status().ToString();
  auto dec = MergeSchema(*Ddl("d DECIMAL(10,2)"), *Ddl("d DECIMAL(10,4)"));  // loses integer digits
  EXPECT_FALSE(dec.ok());
  auto dec_ok = MergeSchema(*Ddl("d DECIMAL(10,2)"), *Ddl("d DECIMAL(12,4)"));
  ASSERT_TRUE(dec_ok.ok()) << dec_ok.status().ToString();
  EXPECT_EQ(dec_ok->schema.ToString(), "d DECIMAL(12,4)");
  auto date_ts = MergeSchema(*Ddl("d DATE"), *Ddl("d TIMESTAMP_NTZ"));
  ASSERT_TRUE(date_ts.ok());
  EXPECT_EQ(date_ts->schema.ToString(), "d TIMESTAMP_NTZ");
  EXPECT_FALSE(MergeSchema(*Ddl("d DATE"), *Ddl("d TIMESTAMP")).ok());
}

TEST(WriteMergeSchema, ColumnMappingGivesNewColumnsIdsAndPhysicalNames) {
  auto m = MergeSchema(*Ddl("id INT"), *Ddl("id INT, s STRUCT<x: INT>"), ColumnMappingMode::kName, 7);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->max_column_id, 9);
  const auto& s = *m->schema.field(1);
  EXPECT_EQ(FieldMetadataInt(s, kColumnMappingIdKey), 9);  // children first, then the struct
  auto pn = FieldMetadataString(s, kColumnMappingPhysicalNameKey);
  ASSERT_TRUE(pn.has_value());
  EXPECT_EQ(pn->rfind("col-", 0), 0u);
  EXPECT_EQ(FieldMetadataInt(*s.type()->children()[0], kColumnMappingIdKey), 8);
}

class WriteDataFileTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(WriteDataFileTest, PartitionedFilesAndAddActions) {
  auto schema = Ddl("id BIGINT, name STRING, country STRING, day DATE");
  auto md = MetadataFor(*schema, {"country", "day"});
  auto w = DataWriter::Make(dir_.path(), md);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto batch = Rows(schema->ToString(),
                    "{\"id\":1,\"name\":\"a\",\"country\":\"US\",\"day\":\"2024-01-01\"}\n"
                    "{\"id\":2,\"name\":\"b\",\"country\":\"a b/c\",\"day\":\"2024-01-01\"}\n"
                    "{\"id\":3,\"name\":\"c\",\"country\":\"US\",\"day\":\"2024-01-01\"}\n"
                    "{\"id\":4,\"name\":\"d\",\"country\":null,\"day\":\"2024-01-02\"}\n");
  ASSERT_TRUE((*w)->Write(*batch).ok());
  auto files = (*w)->FinishFiles();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);
  std::map<std::string, const WrittenFile*> by_country;
  for (const auto& f : *files) {
    auto it = f.add.partition_values.find("country");
    ASSERT_NE(it, f.add.partition_values.end());
    by_country[it->second.value_or("<null>")] = &f;
    EXPECT_TRUE(f.add.data_change);
    EXPECT_GT(f.add.modification_time, 0);
    // The file exists with the recorded size, and holds only the data columns.
    auto rel = DecodeFilePath(f.add.path);
    ASSERT_TRUE(rel.ok());
    struct stat st;
    ASSERT_EQ(::stat((dir_.path() + "/" + *rel).c_str(), &st), 0) << *rel;
    EXPECT_EQ(st.st_size, f.add.size);
    auto reader = format::parquet::ParquetReader::Open(dir_.path() + "/" + *rel);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->schema().ToString(), "id BIGINT, name STRING");
    EXPECT_EQ((*reader)->num_rows(), f.num_records);
    EXPECT_TRUE(std::regex_match(*rel, std::regex("country=[^/]+/day=2024-01-0[12]/part-[0-9]{5}-[0-9a-f-]{36}"
                                                  "\\.c000\\.snappy\\.parquet")))
        << *rel;
  }
  ASSERT_EQ(by_country.size(), 3u);
  EXPECT_EQ(by_country["US"]->num_records, 2);
  EXPECT_EQ(by_country["US"]->add.partition_values.at("day"), "2024-01-01");
  EXPECT_NE(by_country["US"]->add.stats->find("\"numRecords\":2"), std::string::npos);
  EXPECT_NE(by_country["US"]->add.stats->find("\"minValues\":{\"id\":1,\"name\":\"a\"}"), std::string::npos)
      << *by_country["US"]->add.stats;
  // Hive escaping in the directory, then URI encoding of the path.
  EXPECT_EQ(by_country["a b/c"]->add.path.find("country=a%20b%252Fc/"), 0u) << by_country["a b/c"]->add.path;
  EXPECT_EQ(by_country["<null>"]->add.path.find("country=__HIVE_DEFAULT_PARTITION__/day=2024-01-02/"), 0u);
}

TEST_F(WriteDataFileTest, RollsFilesAtTheTargetSize) {
  auto schema = Ddl("id BIGINT, payload STRING");
  auto md = MetadataFor(*schema, {}, {{"delta.targetFileSize", "20000"}});
  DataWriterOptions opts;
  opts.parquet.dictionary = false;
  auto w = DataWriter::Make(dir_.path(), md, opts);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::string lines;
  uint64_t x = 88172645463325252ull;  // xorshift: payloads that do not compress
  for (int i = 0; i < 2000; ++i) {
    std::string payload;
    for (int k = 0; k < 40; ++k) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      payload += static_cast<char>('a' + x % 26);
    }
    lines += "{\"id\":" + std::to_string(i) + ",\"payload\":\"" + payload + "\"}\n";
  }
  auto batch = Rows(schema->ToString(), lines);
  for (int64_t off = 0; off < batch->num_rows(); off += 250) ASSERT_TRUE((*w)->Write(*batch->Slice(off, 250)).ok());
  auto files = (*w)->FinishFiles();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_GE(files->size(), 3u);
  int64_t rows = 0;
  for (size_t i = 0; i < files->size(); ++i) {
    rows += (*files)[i].num_records;
    // Every file but the last reaches the target, and none overshoots it by much.
    if (i + 1 < files->size()) {
      EXPECT_GE((*files)[i].add.size, 20000 * 8 / 10) << i;
    }
    EXPECT_LE((*files)[i].add.size, 20000 * 2) << i;
  }
  EXPECT_EQ(rows, 2000);
}

TEST_F(WriteDataFileTest, ColumnMappingUsesPhysicalNames) {
  col::Schema logical({col::MakeField("id", col::Int64(), true,
                                      {{"delta.columnMapping.id", "1"},
                                       {"delta.columnMapping.physicalName", "\"col-aaa\""}}),
                       col::MakeField("part", col::Utf8(), true,
                                      {{"delta.columnMapping.id", "2"},
                                       {"delta.columnMapping.physicalName", "\"col-bbb\""}})});
  auto md = MetadataFor(logical, {"part"},
                        {{"delta.columnMapping.mode", "name"}, {"delta.columnMapping.maxColumnId", "2"}});
  auto w = DataWriter::Make(dir_.path(), md);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  auto parsed = ParseDeltaSchema(md.schema_string);
  ASSERT_TRUE(parsed.ok());
  auto rows = Rows("id BIGINT, part STRING", "{\"id\":5,\"part\":\"x\"}\n");
  auto conformed = ConformBatch(*rows, *parsed);
  ASSERT_TRUE(conformed.ok());
  ASSERT_TRUE((*w)->Write(**conformed).ok());
  auto adds = (*w)->Finish();
  ASSERT_TRUE(adds.ok()) << adds.status().ToString();
  ASSERT_EQ(adds->size(), 1u);
  const AddFile& a = (*adds)[0];
  EXPECT_EQ(a.partition_values.count("col-bbb"), 1u);
  EXPECT_EQ(a.path.find("col-bbb=x/"), 0u) << a.path;
  EXPECT_NE(a.stats->find("\"minValues\":{\"col-aaa\":5}"), std::string::npos) << *a.stats;
  auto reader = format::parquet::ParquetReader::Open(dir_.path() + "/" + *DecodeFilePath(a.path));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->schema().ToString(), "col-aaa BIGINT");
  // delta.columnMapping.id is stored as the Parquet field id, so readers matching columns by
  // id (column mapping "id" mode, Iceberg-compatible readers) find the column.
  bool found = false;
  for (const auto& e : (*reader)->metadata().schema) {
    if (e.name != "col-aaa") continue;
    found = true;
    EXPECT_EQ(e.field_id, 1);
  }
  EXPECT_TRUE(found);
}

TEST_F(WriteDataFileTest, BoundsOpenFilesAcrossManyPartitions) {
  auto schema = Ddl("id BIGINT, p INT");
  DataWriterOptions opts;
  opts.max_open_files = 2;
  auto w = DataWriter::Make(dir_.path(), MetadataFor(*schema, {"p"}), opts);
  ASSERT_TRUE(w.ok());
  std::string lines;
  for (int i = 0; i < 50; ++i) lines += "{\"id\":" + std::to_string(i) + ",\"p\":" + std::to_string(i % 5) + "}\n";
  auto batch = Rows(schema->ToString(), lines);
  ASSERT_TRUE((*w)->Write(*batch).ok());
  ASSERT_TRUE((*w)->Write(*batch).ok());
  auto files = (*w)->FinishFiles();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  int64_t rows = 0;
  std::set<std::string> names;
  for (const auto& f : *files) {
    rows += f.num_records;
    names.insert(f.add.path);
  }
  EXPECT_EQ(rows, 100);
  EXPECT_GE(files->size(), 5u);
  EXPECT_EQ(names.size(), files->size());
}

TEST_F(WriteDataFileTest, AbortDeletesFiles) {
  auto schema = Ddl("id BIGINT");
  auto w = DataWriter::Make(dir_.path(), MetadataFor(*schema));
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(*Rows("id BIGINT", "{\"id\":1}\n")).ok());
  (*w)->Abort();
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 0);
}

TEST_F(WriteDataFileTest, RefusesBatchesNotInTheTableSchema) {
  auto w = DataWriter::Make(dir_.path(), MetadataFor(*Ddl("id BIGINT")));
  ASSERT_TRUE(w.ok());
  base::Status st = (*w)->Write(*Rows("id INT", "{\"id\":1}\n"));
  EXPECT_EQ(st.code(), base::StatusCode::kInvalidArgument);
  st = (*w)->Write(*Rows("id BIGINT NOT NULL", "{\"id\":1}\n"));
  EXPECT_TRUE(st.ok()) << st.ToString();  // nullability is not part of the comparison
}

TEST_F(WriteDataFileTest, EmptyWriteMakesNoFiles) {
  auto w = DataWriter::Make(dir_.path(), MetadataFor(*Ddl("id BIGINT")));
  ASSERT_TRUE(w.ok());
  auto adds = (*w)->Finish();
  ASSERT_TRUE(adds.ok());
  EXPECT_TRUE(adds->empty());
}

}  // namespace
}  // namespace tide::table
