// The column-wise checkpoint decoder (checkpoint_reader.h) against the JSON parser it replaces
// for add/remove rows: the same actions and the same errors; odd column types still take the
// generic path. Also the two-phase PutIfAbsent (log_store.h PreparedPut) and the commit's
// own data-file sync (transaction.cc "Durability").
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "columnar/type.h"
#include "format/json_reader.h"
#include "format/parquet/writer.h"
#include "table/checkpoint_reader.h"
#include "table/checkpoint_writer.h"
#include "table/log_store.h"
#include "table/table.h"
#include "table/transaction.h"
#include "write_test_util.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;
using testing::TempDir;

// Writes JSON lines of `schema` as a Parquet file at `path`.
void WriteParquet(const std::string& path, std::shared_ptr<const col::Schema> schema, const std::string& jsonl) {
  auto batches = format::ReadJsonLines(jsonl, schema);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  auto w = format::parquet::ParquetWriter::Open(path, schema, {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  for (const auto& b : *batches) ASSERT_TRUE((*w)->WriteBatch(*b).ok());
  ASSERT_TRUE((*w)->Close().ok());
}

bool Exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

// Every action kind of the classic schema, add/remove with all their fields set or unset.
const char* const kLines[] = {
    R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors"]}})",
    R"({"metaData":{"id":"m-1","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":["p"],"configuration":{"delta.checkpointInterval":"10"},"createdTime":5}})",
    R"({"txn":{"appId":"app","version":7,"lastUpdated":9}})",
    R"({"add":{"path":"p=a/f%201.parquet","partitionValues":{"p":"a","q":null},"size":10,"modificationTime":11,"dataChange":true,"stats":"{\"numRecords\":1}","tags":{"t":"v","n":null},"deletionVector":{"storageType":"u","pathOrInlineDv":"ab^-aqEH.-t@S}K{vb[*k^","offset":4,"sizeInBytes":40,"cardinality":6},"baseRowId":100,"defaultRowCommitVersion":3,"clusteringProvider":"liquid"}})",
    R"({"add":{"path":"f2.parquet","partitionValues":{},"size":0,"modificationTime":0,"dataChange":false}})",
    R"({"remove":{"path":"old.parquet","deletionTimestamp":12,"dataChange":false,"extendedFileMetadata":true,"partitionValues":{"p":null},"size":13,"tags":{"a":"b"},"deletionVector":{"storageType":"i","pathOrInlineDv":"xyz","sizeInBytes":3,"cardinality":1},"baseRowId":1,"defaultRowCommitVersion":2}})",
    R"({"remove":{"path":"old2.parquet"}})",
    R"({"domainMetadata":{"domain":"d","configuration":"{}","removed":false}})",
};

TEST(PerfCheckpointReaderTest, TypedDecodeEqualsJsonParse) {
  TempDir dir;
  std::string jsonl;
  std::vector<Action> expected;
  for (const char* line : kLines) {
    jsonl += std::string(line) + "\n";
    auto a = ParseActionLine(line);
    ASSERT_TRUE(a.ok() && a->has_value()) << line << ": " << a.status().ToString();
    expected.push_back(**a);
  }
  const std::string path = dir.Sub("cp.parquet");
  WriteParquet(path, CheckpointSchema(), jsonl);
  auto actions = ReadParquetCheckpointFile(path);
  ASSERT_TRUE(actions.ok()) << actions.status().ToString();
  ASSERT_EQ(actions->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE((*actions)[i] == expected[i]) << "row " << i << ": " << SerializeAction((*actions)[i]) << " vs "
                                              << SerializeAction(expected[i]);
  }
}

struct BadRow {
  const char* line;
  const char* error;  // expected message suffix after "<file>: row 1: "
};

TEST(PerfCheckpointReaderTest, MissingOrBadFieldsNameRowAndField) {
  const BadRow cases[] = {
      {R"({"add":{"partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}})", "add.path: missing required field"},
      {R"({"add":{"path":"a","size":1,"modificationTime":1,"dataChange":true}})", "add.partitionValues: missing required field"},
      {R"({"add":{"path":"a","partitionValues":{},"modificationTime":1,"dataChange":true}})", "add.size: missing required field"},
      {R"({"add":{"path":"a","partitionValues":{},"size":-1,"modificationTime":1,"dataChange":true}})", "add.size: negative"},
      {R"({"add":{"path":"a","partitionValues":{},"size":1,"dataChange":true}})", "add.modificationTime: missing required field"},
      {R"({"add":{"path":"a","partitionValues":{},"size":1,"modificationTime":1}})", "add.dataChange: missing required field"},
      {R"({"add":{"path":"a","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true,"deletionVector":{"storageType":"u","pathOrInlineDv":"x","sizeInBytes":-2,"cardinality":1}}})",
       "add.deletionVector.sizeInBytes: out of range"},
      {R"({"add":{"path":"a","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true,"deletionVector":{"storageType":"u","pathOrInlineDv":"x","sizeInBytes":2}}})",
       "add.deletionVector.cardinality: missing required field"},
      {R"({"remove":{"deletionTimestamp":1}})", "remove.path: missing required field"},
      {R"({"remove":{"path":"a","deletionVector":{"pathOrInlineDv":"x","sizeInBytes":2,"cardinality":1}}})",
       "remove.deletionVector.storageType: missing required field"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    const std::string path = dir.Sub("cp.parquet");
    const std::string first = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";
    WriteParquet(path, CheckpointSchema(), first + "\n" + c.line + "\n");
    auto actions = ReadParquetCheckpointFile(path);
    ASSERT_FALSE(actions.ok()) << c.line;
    EXPECT_EQ(actions.status().code(), base::StatusCode::kCorruption);
    EXPECT_EQ(actions.status().message(), path + ": row 1: " + c.error) << c.line;
    // The JSON parser gives the same message for the same object.
    auto parsed = ParseActionLine(c.line);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(), c.error);
  }
}

TEST(PerfCheckpointReaderTest, OtherColumnTypesUseTheJsonPath) {
  // add.size as a string column: not the checkpoint schema, so the row is parsed as JSON and
  // gets the JSON parser's type error; a numeric string column is not silently converted.
  TempDir dir;
  auto add = col::Struct({col::MakeField("path", col::Utf8()), col::MakeField("partitionValues", col::Map(col::MakeField("key", col::Utf8(), false), col::MakeField("value", col::Utf8()))),
                          col::MakeField("size", col::Utf8()), col::MakeField("modificationTime", col::Int64()),
                          col::MakeField("dataChange", col::Boolean())});
  auto schema = std::make_shared<const col::Schema>(std::vector<col::FieldPtr>{col::MakeField("add", add)});
  const std::string path = dir.Sub("cp.parquet");
  WriteParquet(path, schema,
               R"({"add":{"path":"a","partitionValues":{},"size":"12","modificationTime":1,"dataChange":true}})"
               "\n");
  auto actions = ReadParquetCheckpointFile(path);
  ASSERT_FALSE(actions.ok());
  EXPECT_EQ(actions.status().message(), path + ": row 0: add.size: expected a number");
}

TEST(PerfCheckpointReaderTest, StatsParsedStandsInForMissingStats) {
  TempDir dir;
  auto stats = col::Struct({col::MakeField("numRecords", col::Int64())});
  auto add = col::Struct({col::MakeField("path", col::Utf8()), col::MakeField("partitionValues", col::Map(col::MakeField("key", col::Utf8(), false), col::MakeField("value", col::Utf8()))),
                          col::MakeField("size", col::Int64()), col::MakeField("modificationTime", col::Int64()),
                          col::MakeField("dataChange", col::Boolean()), col::MakeField("stats", col::Utf8()),
                          col::MakeField("stats_parsed", stats)});
  auto schema = std::make_shared<const col::Schema>(std::vector<col::FieldPtr>{col::MakeField("add", add)});
  const std::string path = dir.Sub("cp.parquet");
  WriteParquet(path, schema,
               R"({"add":{"path":"a","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true,"stats_parsed":{"numRecords":4}}})"
               "\n"
               R"({"add":{"path":"b","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true,"stats":"{\"numRecords\":5}","stats_parsed":{"numRecords":4}}})"
               "\n");
  auto actions = ReadParquetCheckpointFile(path);
  ASSERT_TRUE(actions.ok()) << actions.status().ToString();
  ASSERT_EQ(actions->size(), 2u);
  EXPECT_EQ(std::get<AddFile>((*actions)[0]).stats, std::optional<std::string>("{\"numRecords\":4}"));
  EXPECT_EQ(std::get<AddFile>((*actions)[1]).stats, std::optional<std::string>("{\"numRecords\":5}"));
}

TEST(PerfLogStoreTest, PreparedPutIsInvisibleUntilPublished) {
  TempDir dir;
  const std::string path = dir.Sub("00000000000000000000.json");
  {
    auto put = PreparedPut::Prepare(path, "hello\n");
    ASSERT_TRUE(put.ok()) << put.status().ToString();
    EXPECT_FALSE(Exists(path));
    ASSERT_TRUE(put->Publish().ok());
    EXPECT_TRUE(Exists(path));
    EXPECT_FALSE(put->Publish().ok());  // once only
  }
  EXPECT_EQ(*ReadWholeFile(path), "hello\n");
  // Losing the race after Prepare: AlreadyExists, the winner's contents stay.
  auto a = PreparedPut::Prepare(dir.Sub("1.json"), "a");
  auto b = PreparedPut::Prepare(dir.Sub("1.json"), "b");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(b->Publish().ok());
  base::Status st = a->Publish();
  EXPECT_EQ(st.code(), base::StatusCode::kAlreadyExists) << st.ToString();
  EXPECT_EQ(*ReadWholeFile(dir.Sub("1.json")), "b");
  // Prepare when the name exists already.
  EXPECT_EQ(PreparedPut::Prepare(path, "x").status().code(), base::StatusCode::kAlreadyExists);
  // An abandoned put leaves no temp file behind.
  { auto c = PreparedPut::Prepare(dir.Sub("2.json"), "c"); ASSERT_TRUE(c.ok()); }
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  EXPECT_EQ(entries, 2u);  // 0.json and 1.json
}

TEST(PerfLogStoreTest, SyncPathsSkipsMissingOnlyWhenAsked) {
  TempDir dir;
  std::ofstream(dir.Sub("f")) << "x";
  EXPECT_TRUE(SyncPaths({dir.Sub("f"), dir.Sub("missing")}, false, true).ok());
  EXPECT_EQ(SyncPaths({dir.Sub("missing")}, false, false).code(), base::StatusCode::kNotFound);
  EXPECT_TRUE(SyncPaths({dir.path()}, true, false).ok());
}

TEST(PerfTransactionTest, CommitWithUnsyncedWriterIsReadable) {
  // writer.sync = false: the commit itself makes the data file durable before publishing.
  TempDir dir;
  const std::string root = dir.Sub("t");
  ASSERT_TRUE(DeltaTable::Create(root, *testing::Ddl("id BIGINT, p STRING"), {"p"}, {}).ok());
  AppendOptions opts;
  opts.writer.sync = false;
  auto r = DeltaTable::Append(root, {testing::Rows("id BIGINT, p STRING", "{\"id\":1,\"p\":\"x y\"}\n{\"id\":2,\"p\":\"z\"}\n")}, opts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(testing::ReadRows(root).size(), 2u);
  // Adds of files that do not exist (metadata-only commits) still commit.
  auto snap = Snapshot::Load(root);
  ASSERT_TRUE(snap.ok());
  auto txn = Transaction::Start(*snap);
  AddFile a;
  a.path = "p=q/missing.parquet";
  a.partition_values = {{"p", "q"}};
  a.size = 1;
  txn->AddFile(a);
  auto c = txn->Commit("WRITE");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->version, 2);
}

}  // namespace
}  // namespace tide::table
