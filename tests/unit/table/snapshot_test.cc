// Log replay: Snapshot::Load over hand-written logs and golden tables, the log store, features.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <tuple>

#include "columnar/builder.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"
#include "table/log_store.h"
#include "table/scan.h"
#include "table/snapshot.h"
#include "read_test_util.h"

namespace tide::table {
namespace {

using readtest::AddLine;
using readtest::Golden;
using readtest::kProtocol;
using readtest::MetadataLine;
using readtest::RemoveLine;
using readtest::TempTable;

std::vector<std::string> Paths(const Snapshot& s) {
  std::vector<std::string> out;
  for (const auto& f : s.files()) out.push_back(f.path);
  return out;
}

TEST(LogStoreTest, ParsesFileNames) {
  auto c = ParseLogFileName("00000000000000000003.json");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, LogFileKind::kCommit);
  EXPECT_EQ(c->version, 3);
  auto cp = ParseLogFileName("00000000000000000010.checkpoint.parquet");
  ASSERT_TRUE(cp);
  EXPECT_EQ(cp->kind, LogFileKind::kCheckpoint);
  auto mp = ParseLogFileName("00000000000000000010.checkpoint.0000000002.0000000003.parquet");
  ASSERT_TRUE(mp);
  EXPECT_EQ(mp->kind, LogFileKind::kMultiPartCheckpoint);
  EXPECT_EQ(mp->part, 2);
  EXPECT_EQ(mp->num_parts, 3);
  auto v2 = ParseLogFileName("00000000000000000002.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json");
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->kind, LogFileKind::kV2Checkpoint);
  EXPECT_FALSE(v2->is_parquet());
  auto comp = ParseLogFileName("00000000000000000004.00000000000000000006.compacted.json");
  ASSERT_TRUE(comp);
  EXPECT_EQ(comp->kind, LogFileKind::kCompaction);
  EXPECT_EQ(comp->end_version, 6);
  EXPECT_FALSE(ParseLogFileName("_last_checkpoint"));
  EXPECT_FALSE(ParseLogFileName(".00000000000000000003.json.crc"));
  EXPECT_FALSE(ParseLogFileName("0000000000000000003.json"));
  EXPECT_FALSE(ParseLogFileName("99999999999999999999.json"));  // beyond int64
  EXPECT_EQ(CommitFileName(12), "00000000000000000012.json");
  EXPECT_EQ(MultiPartCheckpointFileName(10, 1, 2), "00000000000000000010.checkpoint.0000000001.0000000002.parquet");
  EXPECT_EQ(CompactionFileName(4, 6), "00000000000000000004.00000000000000000006.compacted.json");
}

TEST(LogStoreTest, PutIfAbsentIsExclusive) {
  TempTable t;
  LogStore store(t.root());
  ASSERT_TRUE(store.PutIfAbsent(CommitFileName(0), "a\n").ok());
  auto again = store.PutIfAbsent(CommitFileName(0), "b\n");
  EXPECT_EQ(again.code(), base::StatusCode::kAlreadyExists);
  EXPECT_EQ(*store.Read(CommitFileName(0)), "a\n");
  // Many writers race for one version: exactly one wins, the file holds the winner's bytes.
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (store.PutIfAbsent(CommitFileName(1), "writer " + std::to_string(i)).ok()) ++wins;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(store.Read(CommitFileName(1))->substr(0, 7), "writer ");
  // No temp files left behind.
  for (const auto& e : std::filesystem::directory_iterator(store.log_dir())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  LastCheckpoint lc;
  lc.version = 10;
  lc.size = 13;
  lc.parts = 2;
  ASSERT_TRUE(store.WriteLastCheckpoint(lc).ok());
  ASSERT_TRUE(store.WriteLastCheckpoint(lc).ok());  // replaces
  auto back = store.ReadLastCheckpoint();
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(**back, lc);
  EXPECT_FALSE(ParseLastCheckpoint("{}").ok());
  EXPECT_FALSE(ParseLastCheckpoint("not json").ok());
}

TEST(SnapshotTest, ReplaysAddsAndRemoves) {
  TempTable t;
  t.Commit(0, {R"({"commitInfo":{"timestamp":1,"operation":"WRITE"}})", kProtocol, MetadataLine(), AddLine("a"), AddLine("b")});
  t.Commit(1, {RemoveLine("a"), AddLine("c"), R"({"txn":{"appId":"q1","version":4}})"});
  t.Commit(2, {AddLine("a", 20), R"({"txn":{"appId":"q1","version":5}})",
               R"({"domainMetadata":{"domain":"d1","configuration":"{}","removed":false}})",
               R"({"domainMetadata":{"domain":"d2","configuration":"{}","removed":false}})"});
  t.Commit(3, {RemoveLine("b"), R"({"domainMetadata":{"domain":"d2","configuration":"{}","removed":true}})"});
  auto s = Snapshot::Load(t.root());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->version(), 3);
  EXPECT_EQ(Paths(**s), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ((*s)->files()[0].size, 20);
  EXPECT_EQ((*s)->AppTransactionVersion("q1"), 5);
  EXPECT_FALSE((*s)->AppTransactionVersion("nope"));
  EXPECT_EQ((*s)->domain_metadata().size(), 1u);
  EXPECT_TRUE((*s)->domain_metadata().count("d1"));
  ASSERT_EQ((*s)->tombstones().size(), 1u);
  EXPECT_EQ((*s)->tombstones()[0].path, "b");
  EXPECT_EQ((*s)->total_size(), 30);
  EXPECT_EQ((*s)->schema()->ToString(), "id BIGINT");

  // Time travel.
  auto v1 = Snapshot::Load(t.root(), {.version = 1});
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(Paths(**v1), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ((*v1)->AppTransactionVersion("q1"), 4);
  auto v9 = Snapshot::Load(t.root(), {.version = 9});
  ASSERT_FALSE(v9.ok());
  EXPECT_TRUE(v9.status().IsNotFound());
  EXPECT_NE(v9.status().message().find("versions 0 to 3"), std::string::npos) << v9.status().ToString();
  EXPECT_EQ(*LatestVersion(t.root()), 3);
}

TEST(SnapshotTest, FilesAreKeyedByPathAndDeletionVector) {
  TempTable t;
  std::string dv1 = R"(,"deletionVector":{"storageType":"u","pathOrInlineDv":"aaaaaaaaaaaaaaaaaaaa","offset":1,"sizeInBytes":10,"cardinality":1})";
  std::string dv2 = R"(,"deletionVector":{"storageType":"u","pathOrInlineDv":"aaaaaaaaaaaaaaaaaaaa","offset":50,"sizeInBytes":10,"cardinality":2})";
  t.Commit(0, {kProtocol, MetadataLine(), AddLine("f")});
  t.Commit(1, {RemoveLine("f"), AddLine("f", 10, dv1)});
  t.Commit(2, {RemoveLine("f", dv1), AddLine("f", 10, dv2)});
  auto s = Snapshot::Load(t.root());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ((*s)->files().size(), 1u);
  EXPECT_EQ((*s)->files()[0].deletion_vector->cardinality, 2);
  // A remove of (f, dv2) with the wrong DV id leaves the file in place.
  t.Commit(3, {RemoveLine("f", dv1)});
  auto s3 = Snapshot::Load(t.root());
  ASSERT_TRUE(s3.ok());
  EXPECT_EQ((*s3)->files().size(), 1u);
}

TEST(SnapshotTest, PathsAreCanonicalized) {
  TempTable t;
  t.Commit(0, {kProtocol, MetadataLine(), AddLine("a%20b"), AddLine("/abs/x")});
  t.Commit(1, {RemoveLine("a b"), RemoveLine("file:///abs/x")});
  auto s = Snapshot::Load(t.root());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE((*s)->files().empty());
}

TEST(SnapshotTest, ErrorsNameTheProblem) {
  {
    TempTable t;
    auto s = Snapshot::Load(t.root());
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(s.status().IsNotFound());
    EXPECT_NE(s.status().message().find("not a Delta table"), std::string::npos);
  }
  {
    TempTable t;
    t.Commit(0, {kProtocol, MetadataLine()});
    t.Commit(2, {AddLine("x")});
    auto s = Snapshot::Load(t.root());
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(s.status().IsCorruption());
    EXPECT_NE(s.status().message().find("missing version 1"), std::string::npos) << s.status().ToString();
  }
  {
    TempTable t;
    t.Commit(0, {MetadataLine()});
    auto s = Snapshot::Load(t.root());
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find("no protocol action"), std::string::npos);
  }
  {
    TempTable t;
    t.Commit(0, {kProtocol, MetadataLine(), R"({"add":{"path":"a","partitionValues":{},"size":"x","modificationTime":1,"dataChange":true}})"});
    auto s = Snapshot::Load(t.root());
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find("00000000000000000000.json: line 3: add.size: expected a number"), std::string::npos)
        << s.status().ToString();
  }
  {
    TempTable t;
    t.Commit(0, {R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["fancyNewThing"],"writerFeatures":[]}})",
                 MetadataLine()});
    auto s = Snapshot::Load(t.root());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), base::StatusCode::kUnsupported);
    EXPECT_NE(s.status().message().find("reader feature 'fancyNewThing'"), std::string::npos);
  }
  {
    TempTable t;
    t.Commit(0, {kProtocol, MetadataLine(R"({\"name\":\"id\",\"type\":\"long\"})", R"("nope")")});
    auto s = Snapshot::Load(t.root());
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find("partition column 'nope'"), std::string::npos);
  }
}

TEST(SnapshotTest, LatestMetadataAndProtocolWin) {
  auto s = Snapshot::Load(Golden("log-replay-latest-metadata-protocol"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->protocol().min_reader_version, 3);
  EXPECT_EQ((*s)->schema()->num_fields(), 2);
}

TEST(SnapshotTest, Checkpoints) {
  // Classic checkpoint at 10 plus commits 11..13.
  auto s = Snapshot::Load(Golden("basic-with-inserts-deletes-checkpoint"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->version(), 13);
  EXPECT_EQ((*s)->checkpoint_version(), 10);
  // Before the checkpoint: replay from commit 0.
  auto v5 = Snapshot::Load(Golden("basic-with-inserts-deletes-checkpoint"), {.version = 5});
  ASSERT_TRUE(v5.ok());
  EXPECT_EQ((*v5)->checkpoint_version(), -1);
  // Checkpoint-only log (every version has a checkpoint).
  auto oc = Snapshot::Load(Golden("only-checkpoint-files"));
  ASSERT_TRUE(oc.ok()) << oc.status().ToString();
  EXPECT_EQ((*oc)->checkpoint_version(), (*oc)->version());
  // V2 checkpoint (JSON top-level file with parquet sidecars).
  auto v2 = Snapshot::Load(Golden("v2-checkpoint-json"));
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ((*v2)->checkpoint_version(), 2);
  EXPECT_EQ((*v2)->files().size(), 4u);
  auto cp = Snapshot::Load(Golden("checkpoint"));
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ((*cp)->version(), 14);
  EXPECT_EQ((*cp)->files().size(), 1u);
}

TEST(SnapshotTest, DamagedCheckpointFallsBack) {
  TempTable t;
  std::string root = t.CopyGolden("basic-with-inserts-deletes-checkpoint");
  auto good = Snapshot::Load(root);
  ASSERT_TRUE(good.ok());
  // A corrupt _last_checkpoint is only a hint.
  std::ofstream(root + "/_delta_log/_last_checkpoint") << "{garbage";
  auto s1 = Snapshot::Load(root);
  ASSERT_TRUE(s1.ok()) << s1.status().ToString();
  EXPECT_EQ(Paths(**s1), Paths(**good));
  // A truncated checkpoint: replay from commit 0 gives the same state.
  std::filesystem::resize_file(root + "/_delta_log/00000000000000000010.checkpoint.parquet", 100);
  auto s2 = Snapshot::Load(root);
  ASSERT_TRUE(s2.ok()) << s2.status().ToString();
  EXPECT_EQ((*s2)->checkpoint_version(), -1);
  EXPECT_EQ(Paths(**s2), Paths(**good));
  // Without commit 0 there is nothing to fall back to: the checkpoint's error.
  std::filesystem::remove(root + "/_delta_log/00000000000000000000.json");
  auto s3 = Snapshot::Load(root);
  ASSERT_FALSE(s3.ok());
  EXPECT_NE(s3.status().message().find("checkpoint.parquet"), std::string::npos) << s3.status().ToString();
}

TEST(SnapshotTest, CompactionFilesCoverMissingCommits) {
  TempTable t;
  t.Commit(0, {kProtocol, MetadataLine(), AddLine("a")});
  t.WriteLog(CompactionFileName(1, 2), AddLine("b") + "\n" + RemoveLine("a") + "\n");
  t.Commit(3, {AddLine("c")});
  auto s = Snapshot::Load(t.root());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(Paths(**s), (std::vector<std::string>{"b", "c"}));
}

TEST(SnapshotTest, TimestampTimeTravel) {
  TempTable t;
  t.Commit(0, {kProtocol, MetadataLine(), AddLine("a")});
  t.Commit(1, {AddLine("b")});
  t.Commit(2, {AddLine("c")});
  t.SetCommitTime(0, 1000);
  t.SetCommitTime(1, 2000);
  t.SetCommitTime(2, 1500);  // goes backwards: treated as 2000.001 s
  EXPECT_EQ(*VersionAtTimestamp(t.root(), 1000 * 1000), 0);
  EXPECT_EQ(*VersionAtTimestamp(t.root(), 1999 * 1000), 0);
  EXPECT_EQ(*VersionAtTimestamp(t.root(), 2000 * 1000), 1);
  EXPECT_EQ(*VersionAtTimestamp(t.root(), 2000 * 1000 + 1), 2);
  EXPECT_EQ(*VersionAtTimestamp(t.root(), 9000 * 1000), 2);
  auto before = VersionAtTimestamp(t.root(), 500 * 1000);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.status().code(), base::StatusCode::kOutOfRange);
  EXPECT_NE(before.status().message().find("earliest available commit (version 0 at 1970-01-01T00:16:40"), std::string::npos)
      << before.status().ToString();
  auto s = Snapshot::Load(t.root(), {.timestamp_ms = 1999 * 1000});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->version(), 0);
  EXPECT_EQ((*s)->timestamp_ms(), 1000 * 1000);
  // In-commit timestamps win over file times.
  t.Commit(3, {R"({"commitInfo":{"inCommitTimestamp":7777777,"timestamp":1}})", AddLine("d")});
  EXPECT_EQ(*CommitTimestamp(t.root(), 3), 7777777);
}

TEST(SnapshotTest, CommitsRangeAndHistory) {
  TempTable t;
  t.Commit(0, {R"({"commitInfo":{"operation":"CREATE TABLE"}})", kProtocol, MetadataLine()});
  t.Commit(1, {R"({"commitInfo":{"operation":"WRITE","operationParameters":{"mode":"Append"}}})", AddLine("a")});
  t.Commit(2, {AddLine("b")});
  auto range = ReadCommitsRange(t.root(), 1);
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->size(), 2u);
  EXPECT_EQ((*range)[0].version, 1);
  EXPECT_EQ((*range)[1].actions.size(), 1u);
  EXPECT_FALSE(ReadCommitsRange(t.root(), 1, 5).ok());  // version 3 missing
  auto h = ReadHistory(t.root(), 2);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].version, 2);
  EXPECT_FALSE((*h)[0].commit_info);
  EXPECT_EQ((*h)[1].commit_info->operation, "WRITE");
  EXPECT_EQ((*h)[1].commit_info->operation_parameters.at("mode"), "\"Append\"");
  EXPECT_EQ(ReadCommitActions(t.root(), 1)->size(), 2u);
  EXPECT_TRUE(ReadCommitActions(t.root(), 7).status().IsNotFound());
}

TEST(SnapshotTest, TableProperties) {
  auto p = ParseTableProperties({{"delta.checkpointInterval", "5"},
                                 {"delta.logRetentionDuration", "interval 2 days"},
                                 {"delta.deletedFileRetentionDuration", "interval 1 weeks 12 hours"},
                                 {"delta.dataSkippingNumIndexedCols", "-1"},
                                 {"delta.enableChangeDataFeed", "TRUE"},
                                 {"delta.columnMapping.mode", "name"},
                                 {"delta.dataSkippingStatsColumns", "a, b.c"}});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->checkpoint_interval, 5);
  EXPECT_EQ(p->log_retention_ms, 2LL * 86400000);
  EXPECT_EQ(p->deleted_file_retention_ms, 7LL * 86400000 + 12LL * 3600000);
  EXPECT_EQ(p->data_skipping_num_indexed_cols, -1);
  EXPECT_TRUE(p->enable_change_data_feed);
  EXPECT_EQ(p->column_mapping_mode, ColumnMappingMode::kName);
  EXPECT_EQ(*p->data_skipping_stats_columns, (std::vector<std::string>{"a", "b.c"}));
  auto d = ParseTableProperties({});
  EXPECT_EQ(d->checkpoint_interval, 10);
  EXPECT_EQ(d->log_retention_ms, 30LL * 86400000);
  EXPECT_EQ(d->deleted_file_retention_ms, 7LL * 86400000);
  EXPECT_EQ(d->data_skipping_num_indexed_cols, 32);
  auto bad = ParseTableProperties({{"delta.logRetentionDuration", "interval 3 fortnights"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("delta.logRetentionDuration"), std::string::npos);
  EXPECT_FALSE(ParseTableProperties({{"delta.appendOnly", "maybe"}}).ok());
}

TEST(ProtocolTest, ReadableAndWritable) {
  Protocol legacy{1, 2, std::nullopt, std::nullopt};
  EXPECT_TRUE(CheckReadable(legacy).ok());
  EXPECT_TRUE(CheckWritable(legacy).ok());
  EXPECT_EQ(WriterFeatures(legacy), (std::vector<std::string>{"appendOnly", "invariants"}));
  Protocol cm{2, 5, std::nullopt, std::nullopt};
  EXPECT_TRUE(HasReaderFeature(cm, "columnMapping"));
  EXPECT_TRUE(CheckReadable(cm).ok());
  Protocol v99{99, 7, std::vector<std::string>{}, std::vector<std::string>{}};
  EXPECT_NE(CheckReadable(v99).message().find("reader version 99"), std::string::npos);
  Protocol variant{3, 7, std::vector<std::string>{"variantType-preview"}, std::vector<std::string>{"variantType-preview"}};
  EXPECT_EQ(CheckReadable(variant).message(), "table requires reader feature 'variantType-preview', which Tide does not support");
  Protocol dv{3, 7, std::vector<std::string>{"deletionVectors", "columnMapping", "v2Checkpoint"},
              std::vector<std::string>{"deletionVectors", "columnMapping", "v2Checkpoint", "appendOnly", "domainMetadata"}};
  EXPECT_TRUE(CheckReadable(dv).ok());
  EXPECT_TRUE(CheckWritable(dv).ok());
  Protocol rt{3, 7, std::vector<std::string>{}, std::vector<std::string>{"rowTracking"}};
  EXPECT_TRUE(CheckReadable(rt).ok());
  EXPECT_NE(CheckWritable(rt).message().find("writer feature 'rowTracking'"), std::string::npos);
  // Legacy writer 3 implies checkConstraints: fine until a constraint exists.
  Protocol w3{1, 3, std::nullopt, std::nullopt};
  Metadata md;
  columnar::Schema schema;
  EXPECT_TRUE(CheckWritable(w3, md, schema).ok());
  md.configuration["delta.constraints.positive"] = "id > 0";
  EXPECT_NE(CheckWritable(w3, md, schema).message().find("checkConstraints"), std::string::npos);
}

}  // namespace
}  // namespace tide::table

namespace tide::table {
namespace {

// Splits the classic checkpoint of a copied golden table into a multi-part checkpoint (rows
// re-written by Tide's Parquet writer), so the multi-part path is exercised on Spark's rows.
TEST(SnapshotTest, MultiPartCheckpoint) {
  TempTable t;
  std::string root = t.CopyGolden("basic-with-inserts-deletes-checkpoint");
  auto expected = Snapshot::Load(root);
  ASSERT_TRUE(expected.ok());
  std::string classic = root + "/_delta_log/" + CheckpointFileName(10);
  auto reader = format::parquet::ParquetReader::Open(classic);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<std::shared_ptr<columnar::RecordBatch>> batches;
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) batches.push_back(*(*reader)->ReadRowGroup(g));
  ASSERT_EQ(batches.size(), 1u);
  int64_t n = batches[0]->num_rows();
  ASSERT_GT(n, 2);
  auto write_part = [&](int part, int64_t off, int64_t len) {
    auto w = format::parquet::ParquetWriter::Open(root + "/_delta_log/" + MultiPartCheckpointFileName(10, part, 2),
                                                  (*reader)->schema_ptr());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->WriteBatch(*batches[0]->Slice(off, len)).ok());
    ASSERT_TRUE((*w)->Close().ok());
  };
  write_part(1, 0, n / 2);
  std::filesystem::remove(classic);
  std::filesystem::remove(root + "/_delta_log/_last_checkpoint");
  // Only part 1 of 2: not a usable checkpoint, so the log is replayed from commit 0.
  auto partial = Snapshot::Load(root);
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  EXPECT_EQ((*partial)->checkpoint_version(), -1);
  EXPECT_EQ(Paths(**partial), Paths(**expected));
  write_part(2, n / 2, n - n / 2);
  auto multi = Snapshot::Load(root);
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  EXPECT_EQ((*multi)->checkpoint_version(), 10);
  EXPECT_EQ(Paths(**multi), Paths(**expected));
  EXPECT_EQ((*multi)->metadata(), (*expected)->metadata());
  EXPECT_EQ((*multi)->protocol(), (*expected)->protocol());
}

}  // namespace
}  // namespace tide::table

namespace tide::table {
namespace {

TEST(SnapshotTest, UuidNamedParquetCheckpoint) {
  TempTable t;
  std::string root = t.CopyGolden("basic-with-inserts-deletes-checkpoint");
  auto expected = Snapshot::Load(root);
  ASSERT_TRUE(expected.ok());
  std::filesystem::rename(root + "/_delta_log/" + CheckpointFileName(10),
                          root + "/_delta_log/" + V2CheckpointFileName(10, "0b9b3a2e-6b1f-4a7e-9a51-3f0f7c3d8e11", "parquet"));
  auto s = Snapshot::Load(root);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->checkpoint_version(), 10);
  EXPECT_EQ(Paths(**s), Paths(**expected));
}

}  // namespace
}  // namespace tide::table

namespace tide::table {
namespace {

namespace col = tide::columnar;

// A checkpoint written with delta.checkpoint.writeStatsAsStruct (add.stats_parsed instead of
// add.stats), built column by column: stats_parsed must stand in for the JSON stats.
TEST(SnapshotTest, CheckpointWithStatsParsed) {
  TempTable t;
  auto s = [](const char* n, col::TypePtr ty) { return col::MakeField(n, std::move(ty)); };
  auto stats_type = col::Struct({s("numRecords", col::Int64()), s("minValues", col::Struct({s("id", col::Int64())})),
                                 s("maxValues", col::Struct({s("id", col::Int64())}))});
  auto add_type = col::Struct({s("path", col::Utf8()), s("partitionValues", col::Map(col::Utf8(), col::Utf8())),
                               s("size", col::Int64()), s("modificationTime", col::Int64()), s("dataChange", col::Boolean()),
                               s("stats_parsed", stats_type)});
  auto protocol_type = col::Struct({s("minReaderVersion", col::Int32()), s("minWriterVersion", col::Int32())});
  auto md_type = col::Struct({s("id", col::Utf8()), s("schemaString", col::Utf8()), s("partitionColumns", col::List(col::Utf8())),
                              s("format", col::Struct({s("provider", col::Utf8())}))});
  auto schema = std::make_shared<col::Schema>(
      std::vector<col::FieldPtr>{s("add", add_type), s("protocol", protocol_type), s("metaData", md_type)});
  auto add_b = col::MakeBuilder(add_type);
  auto proto_b = col::MakeBuilder(protocol_type);
  auto md_b = col::MakeBuilder(md_type);
  auto* add = static_cast<col::StructBuilder*>(add_b.get());
  auto* proto = static_cast<col::StructBuilder*>(proto_b.get());
  auto* md = static_cast<col::StructBuilder*>(md_b.get());
  // Row 0: protocol. Row 1: metaData. Rows 2, 3: adds with ids [1, 10] and [100, 200].
  add->AppendNull();
  proto->Append();
  static_cast<col::Int32Builder*>(proto->child(0))->Append(1);
  static_cast<col::Int32Builder*>(proto->child(1))->Append(2);
  md->AppendNull();
  add->AppendNull();
  proto->AppendNull();
  md->Append();
  static_cast<col::BinaryBuilder*>(md->child(0))->Append("m");
  static_cast<col::BinaryBuilder*>(md->child(1))->Append(
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]})");
  static_cast<col::ListBuilder*>(md->child(2))->Append();
  auto* fmt = static_cast<col::StructBuilder*>(md->child(3));
  fmt->Append();
  static_cast<col::BinaryBuilder*>(fmt->child(0))->Append("parquet");
  for (auto [path, lo, hi] : {std::tuple<const char*, int64_t, int64_t>{"f1.parquet", 1, 10}, {"f2.parquet", 100, 200}}) {
    add->Append();
    static_cast<col::BinaryBuilder*>(add->child(0))->Append(path);
    static_cast<col::MapBuilder*>(add->child(1))->Append();
    static_cast<col::Int64Builder*>(add->child(2))->Append(10);
    static_cast<col::Int64Builder*>(add->child(3))->Append(1);
    static_cast<col::BooleanBuilder*>(add->child(4))->Append(true);
    auto* st = static_cast<col::StructBuilder*>(add->child(5));
    st->Append();
    static_cast<col::Int64Builder*>(st->child(0))->Append(5);
    auto* mn = static_cast<col::StructBuilder*>(st->child(1));
    mn->Append();
    static_cast<col::Int64Builder*>(mn->child(0))->Append(lo);
    auto* mx = static_cast<col::StructBuilder*>(st->child(2));
    mx->Append();
    static_cast<col::Int64Builder*>(mx->child(0))->Append(hi);
    proto->AppendNull();
    md->AppendNull();
  }
  col::RecordBatch batch(schema, {add_b->Finish(), proto_b->Finish(), md_b->Finish()}, 4);
  std::filesystem::create_directories(t.root() + "/_delta_log");
  auto w = format::parquet::ParquetWriter::Open(t.Log(CheckpointFileName(3)), schema);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->WriteBatch(batch).ok());
  ASSERT_TRUE((*w)->Close().ok());

  auto snap = Snapshot::Load(t.root());
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->version(), 3);
  ASSERT_EQ((*snap)->files().size(), 2u);
  ASSERT_TRUE((*snap)->files()[0].stats);
  EXPECT_NE((*snap)->files()[0].stats->find("\"numRecords\":5"), std::string::npos) << *(*snap)->files()[0].stats;
  ScanOptions o;
  o.filters = {*ParseColumnFilter("id > 50")};
  auto plan = PlanScan(**snap, o);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->files.size(), 1u);
  EXPECT_EQ(plan->files[0].path, "f2.parquet");
  EXPECT_EQ(plan->files_skipped_by_stats, 1);
}

}  // namespace
}  // namespace tide::table
