// Delta actions: JSON round trips, malformed lines, path encoding.
#include <gtest/gtest.h>

#include "table/actions.h"

namespace tide::table {
namespace {

TEST(ActionsTest, RoundTripEveryKind) {
  AddFile add;
  add.path = "a=1/part-0.parquet";
  add.partition_values = {{"a", "1"}, {"b", std::nullopt}};
  add.size = 123;
  add.modification_time = 456;
  add.stats = R"({"numRecords":3})";
  add.tags = Tags{{"k", "v"}};
  DeletionVectorDescriptor dv;
  dv.storage_type = "u";
  dv.path_or_inline_dv = "ab^-aqEH.-t@S}K{vb[*k^";
  dv.offset = 4;
  dv.size_in_bytes = 40;
  dv.cardinality = 6;
  add.deletion_vector = dv;
  add.base_row_id = 7;
  add.default_row_commit_version = 2;
  RemoveFile rm;
  rm.path = "x.parquet";
  rm.deletion_timestamp = 99;
  rm.data_change = false;
  rm.extended_file_metadata = true;
  rm.partition_values = PartitionValues{{"a", "2"}};
  rm.size = 5;
  rm.deletion_vector = dv;
  Protocol p;
  p.min_reader_version = 3;
  p.min_writer_version = 7;
  p.reader_features = std::vector<std::string>{"deletionVectors"};
  p.writer_features = std::vector<std::string>{"deletionVectors", "appendOnly"};
  Metadata m;
  m.id = "id-1";
  m.name = "t";
  m.schema_string = R"({"type":"struct","fields":[]})";
  m.partition_columns = {"a"};
  m.created_time = 11;
  m.configuration = {{"delta.appendOnly", "true"}};
  m.format.options = {{"o", "1"}};
  AddCdcFile cdc;
  cdc.path = "_change_data/c.parquet";
  cdc.size = 3;
  cdc.partition_values = {{"a", "1"}};
  Txn txn{"app", 42, 1000};
  DomainMetadata dm{"delta.clustering", R"({"c":1})", false};
  CheckpointMetadata cm{12, Tags{{"x", "y"}}};
  Sidecar sc{"s.parquet", 10, 20, std::nullopt};
  CommitInfo ci;
  ci.timestamp = 5;
  ci.operation = "WRITE";
  ci.operation_parameters = {{"mode", "\"Append\""}};
  ci.operation_metrics = {{"numFiles", "1"}};
  ci.engine_info = "Tide/0.1.0";
  ci.is_blind_append = true;
  std::vector<Action> all = {p, m, add, rm, cdc, txn, dm, cm, sc};
  for (const auto& a : all) {
    std::string line = SerializeAction(a);
    auto back = ParseActionLine(line);
    ASSERT_TRUE(back.ok()) << back.status().ToString() << " " << line;
    ASSERT_TRUE(back->has_value()) << line;
    EXPECT_TRUE(**back == a) << line;
    EXPECT_EQ(ActionKey(**back), ActionKey(a));
  }
  // commitInfo keeps its whole object: parsing gives the fields and the raw JSON back.
  auto ci_back = ParseActionLine(SerializeAction(ci));
  ASSERT_TRUE(ci_back.ok());
  const auto& c = std::get<CommitInfo>(**ci_back);
  EXPECT_EQ(c.operation, "WRITE");
  EXPECT_EQ(c.operation_parameters.at("mode"), "\"Append\"");
  EXPECT_EQ(c.operation_metrics.at("numFiles"), "1");
  EXPECT_EQ(c.is_blind_append, true);
  EXPECT_EQ(SerializeAction(c), SerializeAction(**ci_back));
}

TEST(ActionsTest, CommitInfoKeepsUnknownFields) {
  std::string line = R"({"commitInfo":{"timestamp":1,"operation":"OPTIMIZE","operationParameters":{"zOrderBy":["a","b"],"auto":false},"userMetadata":"m","clusterId":"c"}})";
  auto a = ParseActionLine(line);
  ASSERT_TRUE(a.ok());
  const auto& ci = std::get<CommitInfo>(**a);
  EXPECT_EQ(ci.operation_parameters.at("zOrderBy"), R"(["a","b"])");
  EXPECT_EQ(ci.operation_parameters.at("auto"), "false");
  EXPECT_NE(SerializeAction(ci).find("\"clusterId\":\"c\""), std::string::npos);
}

TEST(ActionsTest, UnknownActionsAreSkipped) {
  auto a = ParseActionLine(R"({"futureAction":{"x":1}})");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->has_value());
  // Unknown fields inside known actions are ignored.
  auto b = ParseActionLine(R"({"txn":{"appId":"a","version":3,"newField":[1,2]}})");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(std::get<Txn>(**b).version, 3);
}

TEST(ActionsTest, MalformedLinesNameTheField) {
  struct Case { const char* line; const char* message; };
  const Case cases[] = {
      {R"({"add":{"path":"a","partitionValues":{},"size":"big","modificationTime":1,"dataChange":true}})", "add.size: expected a number"},
      {R"({"add":{"partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}})", "add.path: missing required field"},
      {R"({"add":{"path":"a","size":1,"modificationTime":1,"dataChange":true}})", "add.partitionValues: missing required field"},
      {R"({"add":{"path":"a","partitionValues":{"p":1},"size":1,"modificationTime":1,"dataChange":true}})", "add.partitionValues.p: expected a string or null"},
      {R"({"add":{"path":"a","partitionValues":{},"size":-1,"modificationTime":1,"dataChange":true}})", "add.size: negative"},
      {R"({"protocol":{"minReaderVersion":1}})", "protocol.minWriterVersion: missing required field"},
      {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":"x"}})", "protocol.writerFeatures: expected an array"},
      {R"({"metaData":{"schemaString":"{}","partitionColumns":[]}})", "metaData.id: missing required field"},
      {R"({"txn":{"appId":"a"}})", "txn.version: missing required field"},
      {R"({"remove":{"path":"a","deletionVector":{"storageType":"u","pathOrInlineDv":"x","sizeInBytes":1}}})", "remove.deletionVector.cardinality: missing required field"},
      {R"({"add":[1]})", "add: expected an object"},
      {R"([1,2])", "expected a JSON object"},
      {R"({"add":)", "invalid JSON"},
  };
  for (const auto& c : cases) {
    auto a = ParseActionLine(c.line);
    ASSERT_FALSE(a.ok()) << c.line;
    EXPECT_TRUE(a.status().IsCorruption()) << a.status().ToString();
    EXPECT_NE(a.status().message().find(c.message), std::string::npos) << a.status().ToString() << " / " << c.message;
  }
}

TEST(ActionsTest, ParseCommitNamesFileAndLine) {
  std::string text = std::string(R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})") + "\n\n" +
                     R"({"add":{"path":"a","partitionValues":{},"size":true,"modificationTime":1,"dataChange":true}})" + "\n";
  auto r = ParseCommit(text, "_delta_log/00000000000000000003.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "_delta_log/00000000000000000003.json: line 3: add.size: expected a number");
  // CRLF line endings and blank lines are fine.
  auto ok = ParseCommit(std::string(R"({"txn":{"appId":"a","version":1}})") + "\r\n\r\n", "c");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), 1u);
  EXPECT_EQ(SerializeCommit(*ok), std::string(R"({"txn":{"appId":"a","version":1}})") + "\n");
}

TEST(ActionsTest, DeletionVectorUniqueId) {
  DeletionVectorDescriptor a{"u", "abc", 1, 10, 2};
  DeletionVectorDescriptor b{"u", "abc", 5, 10, 2};
  DeletionVectorDescriptor c{"i", "abc", std::nullopt, 10, 2};
  EXPECT_EQ(a.UniqueId(), "uabc@1");
  EXPECT_NE(a.UniqueId(), b.UniqueId());
  EXPECT_EQ(c.UniqueId(), "iabc");
}

TEST(ActionsTest, FilePathEncoding) {
  EXPECT_EQ(EncodeFilePath("a=1/part 0%.parquet"), "a=1/part%200%25.parquet");
  EXPECT_EQ(EncodeFilePath("c=+ %3D/x"), "c=%2B%20%253D/x");
  EXPECT_EQ(*DecodeFilePath("a=1/part%200%25.parquet"), "a=1/part 0%.parquet");
  EXPECT_EQ(*DecodeFilePath("special%20p@%23h"), "special p@#h");
  EXPECT_EQ(*DecodeFilePath("file:///data/t/x.parquet"), "/data/t/x.parquet");
  EXPECT_EQ(*DecodeFilePath("file:/data/t/x%20y"), "/data/t/x y");
  EXPECT_EQ(*DecodeFilePath("/abs/p"), "/abs/p");
  for (std::string s : {"plain", "a b/c=d", "ü/ß%#?", "x+y"}) EXPECT_EQ(*DecodeFilePath(EncodeFilePath(s)), s) << s;
  EXPECT_FALSE(DecodeFilePath("bad%2").ok());
  EXPECT_FALSE(DecodeFilePath("bad%zz").ok());
  EXPECT_EQ(DecodeFilePath("s3://bucket/key").status().code(), base::StatusCode::kUnsupported);
}

}  // namespace
}  // namespace tide::table
