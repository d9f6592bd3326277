// Optimistic transactions (table/transaction.h) and the DeltaTable facade (table/table.h):
// commit files, the conflict matrix, retries, application transactions, protocol rules.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "table/actions.h"
#include "table/table.h"
#include "table/transaction.h"
#include "write_test_util.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;
using testing::Ddl;
using testing::ReadRows;
using testing::Rows;
using testing::TempDir;

class TxnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.Sub("t");
    auto v = DeltaTable::Create(root_, *Ddl("id BIGINT, country STRING"), {"country"}, {});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    ASSERT_EQ(*v, 0);
  }
  std::shared_ptr<const Snapshot> Snap() {
    auto s = Snapshot::Load(root_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return *s;
  }
  // Writes real files for rows "id:country,..." and returns their adds.
  std::vector<AddFile> Files(const std::string& jsonl) {
    auto snap = Snap();
    auto w = DataWriter::Make(root_, snap->metadata());
    EXPECT_TRUE(w.ok());
    auto batch = ConformBatch(*Rows("id BIGINT, country STRING", jsonl), *snap->schema());
    EXPECT_TRUE(batch.ok());
    EXPECT_TRUE((*w)->Write(**batch).ok());
    auto adds = (*w)->Finish();
    EXPECT_TRUE(adds.ok());
    return *adds;
  }
  int64_t Append(const std::string& jsonl) {
    auto r = DeltaTable::Append(root_, {Rows("id BIGINT, country STRING", jsonl)});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->version : -1;
  }
  std::vector<std::string> CommitLines(int64_t version) {
    auto text = ReadWholeFile(root_ + "/_delta_log/" + CommitFileName(version));
    EXPECT_TRUE(text.ok());
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      lines.push_back(text->substr(pos, nl - pos));
      pos = nl + 1;
    }
    return lines;
  }

  TempDir dir_;
  std::string root_;
};

TEST_F(TxnTest, CreateWritesProtocolAndMetadata) {
  auto lines = CommitLines(0);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("{\"commitInfo\":{", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("\"operation\":\"CREATE TABLE\""), std::string::npos);
  EXPECT_NE(lines[0].find("\"engineInfo\":\"Tide/"), std::string::npos);
  // operationParameters values are strings, as Spark writes and reads them.
  EXPECT_NE(lines[0].find("\"partitionBy\":\"[\\\"country\\\"]\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"isManaged\":\"false\""), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1], "{\"protocol\":{\"minReaderVersion\":1,\"minWriterVersion\":2}}");
  EXPECT_EQ(lines[2].rfind("{\"metaData\":{\"id\":\"", 0), 0u);
  EXPECT_NE(lines[2].find("\"partitionColumns\":[\"country\"]"), std::string::npos);
  EXPECT_NE(lines[2].find("\"createdTime\":"), std::string::npos);
  auto again = DeltaTable::Create(root_, *Ddl("id BIGINT"), {}, {});
  EXPECT_EQ(again.status().code(), base::StatusCode::kAlreadyExists) << again.status().ToString();
}

TEST_F(TxnTest, CreateValidatesPartitionsAndProperties) {
  auto bad = DeltaTable::Create(dir_.Sub("x"), *Ddl("id BIGINT"), {"nope"}, {});
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'nope'"), std::string::npos);
  auto nested = DeltaTable::Create(dir_.Sub("y"), *Ddl("id BIGINT, s STRUCT<a: INT>"), {"s"}, {});
  EXPECT_EQ(nested.status().code(), base::StatusCode::kInvalidArgument);
  auto props = DeltaTable::Create(dir_.Sub("z"), *Ddl("id BIGINT"), {}, {{"delta.checkpointInterval", "often"}});
  EXPECT_FALSE(props.ok());
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("z") + "/_delta_log/" + CommitFileName(0)));
}

TEST_F(TxnTest, AppendCommitInfoIsFirstAndComplete) {
  EXPECT_EQ(Append("{\"id\":1,\"country\":\"US\"}\n{\"id\":2,\"country\":\"DE\"}\n"), 1);
  auto lines = CommitLines(1);
  ASSERT_EQ(lines.size(), 3u);  // commitInfo + 2 adds
  const std::string& ci = lines[0];
  for (const char* field : {"\"timestamp\":", "\"operation\":\"WRITE\"", "\"operationParameters\":{",
                            "\"mode\":\"Append\"", "\"operationMetrics\":{", "\"numFiles\":\"2\"",
                            "\"numOutputRows\":\"2\"", "\"readVersion\":0", "\"isolationLevel\":\"WriteSerializable\"",
                            "\"isBlindAppend\":true", "\"txnId\":\""}) {
    EXPECT_NE(ci.find(field), std::string::npos) << field << " in " << ci;
  }
  EXPECT_EQ(lines[1].rfind("{\"add\":{\"path\":\"country=", 0), 0u) << lines[1];
  EXPECT_EQ(ReadRows(root_), std::vector<std::string>({"{\"id\":1,\"country\":\"US\"}", "{\"id\":2,\"country\":\"DE\"}"}));
}

TEST_F(TxnTest, BlindAppendsRetryAtTheNextVersion) {
  auto base = Snap();
  auto a = Transaction::Start(base);
  auto b = Transaction::Start(base);
  a->AddFiles(Files("{\"id\":1,\"country\":\"US\"}\n"));
  b->AddFiles(Files("{\"id\":2,\"country\":\"US\"}\n"));
  auto ra = a->Commit("WRITE");
  ASSERT_TRUE(ra.ok()) << ra.status().ToString();
  auto rb = b->Commit("WRITE");
  ASSERT_TRUE(rb.ok()) << rb.status().ToString();
  EXPECT_EQ(ra->version, 1);
  EXPECT_EQ(rb->version, 2);
  EXPECT_EQ(rb->attempts, 2);
  EXPECT_NE(CommitLines(2)[0].find("\"readVersion\":0"), std::string::npos);  // the version it read
  EXPECT_EQ(ReadRows(root_).size(), 2u);
}

TEST_F(TxnTest, MetadataChangeConflicts) {
  auto base = Snap();
  auto writer = Transaction::Start(base);
  writer->AddFiles(Files("{\"id\":1,\"country\":\"US\"}\n"));
  auto alter = Transaction::Start(base);
  Metadata m = base->metadata();
  m.configuration["delta.appendOnly"] = "false";
  alter->UpdateMetadata(m);
  ASSERT_TRUE(alter->Commit("SET TBLPROPERTIES").ok());
  auto r = writer->Commit("WRITE");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("MetadataChanged"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("version 1 (SET TBLPROPERTIES)"), std::string::npos) << r.status().ToString();
}

TEST_F(TxnTest, ProtocolChangeConflicts) {
  auto base = Snap();
  auto writer = Transaction::Start(base);
  writer->AddFiles(Files("{\"id\":1,\"country\":\"US\"}\n"));
  auto upgrade = Transaction::Start(base);
  upgrade->UpdateProtocol(Protocol{1, 4, std::nullopt, std::nullopt});
  ASSERT_TRUE(upgrade->Commit("UPGRADE PROTOCOL").ok());
  auto r = writer->Commit("WRITE");
  EXPECT_EQ(r.status().code(), base::StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("ProtocolChanged"), std::string::npos);
}

TEST_F(TxnTest, ConcurrentDeleteDelete) {
  Append("{\"id\":1,\"country\":\"US\"}\n");
  auto base = Snap();
  ASSERT_EQ(base->files().size(), 1u);
  const AddFile f = base->files()[0];
  auto a = Transaction::Start(base);
  auto b = Transaction::Start(base);
  a->RemoveActiveFile(f);
  b->RemoveActiveFile(f);
  ASSERT_TRUE(a->Commit("DELETE").ok());
  auto r = b->Commit("DELETE");
  EXPECT_EQ(r.status().code(), base::StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("ConcurrentDeleteDelete"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find(f.path), std::string::npos);
}

TEST_F(TxnTest, ConcurrentDeleteRead) {
  Append("{\"id\":1,\"country\":\"US\"}\n");
  auto base = Snap();
  auto reader = Transaction::Start(base);
  reader->ReadFiles(base->files());
  reader->AddFiles(Files("{\"id\":9,\"country\":\"US\"}\n"));
  auto deleter = Transaction::Start(base);
  deleter->RemoveActiveFile(base->files()[0]);
  ASSERT_TRUE(deleter->Commit("DELETE").ok());
  auto r = reader->Commit("MERGE");
  EXPECT_EQ(r.status().code(), base::StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("ConcurrentDeleteRead"), std::string::npos) << r.status().ToString();
}

ReadPredicate CountryIs(const std::string& c) {
  return ReadPredicate{"country = '" + c + "'", [c](const AddFile& f) {
                         auto it = f.partition_values.find("country");
                         return it != f.partition_values.end() && it->second == c;
                       }};
}

TEST_F(TxnTest, ConcurrentAppendIntoReadPartition) {
  auto base = Snap();
  // A non-blind winner (it read something) adding into country=US ...
  auto winner = Transaction::Start(base);
  winner->ReadPredicateFiles(CountryIs("FR"));
  winner->AddFiles(Files("{\"id\":1,\"country\":\"US\"}\n"));
  // ... conflicts with a transaction that read country=US,
  auto us = Transaction::Start(base);
  us->ReadPredicateFiles(CountryIs("US"));
  us->AddFiles(Files("{\"id\":2,\"country\":\"US\"}\n"));
  // but not with one that read country=DE.
  auto de = Transaction::Start(base);
  de->ReadPredicateFiles(CountryIs("DE"));
  de->AddFiles(Files("{\"id\":3,\"country\":\"DE\"}\n"));
  ASSERT_TRUE(winner->Commit("MERGE").ok());
  auto r = us->Commit("MERGE");
  EXPECT_EQ(r.status().code(), base::StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("ConcurrentAppend"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("country = 'US'"), std::string::npos);
  auto rd = de->Commit("MERGE");
  EXPECT_TRUE(rd.ok()) << rd.status().ToString();
}

TEST_F(TxnTest, BlindAppendWinnersDependOnIsolation) {
  auto base = Snap();
  auto ws = Transaction::Start(base);  // WriteSerializable
  ws->ReadPredicateFiles(CountryIs("US"));
  ws->AddFiles(Files("{\"id\":2,\"country\":\"US\"}\n"));
  TransactionOptions so;
  so.isolation = IsolationLevel::kSerializable;
  auto ser = Transaction::Start(base, so);
  ser->ReadPredicateFiles(CountryIs("US"));
  ser->AddFiles(Files("{\"id\":3,\"country\":\"US\"}\n"));
  auto blind = Transaction::Start(base);
  blind->AddFiles(Files("{\"id\":1,\"country\":\"US\"}\n"));
  EXPECT_TRUE(blind->IsBlindAppend());
  ASSERT_TRUE(blind->Commit("WRITE").ok());
  auto r1 = ws->Commit("MERGE");
  EXPECT_TRUE(r1.ok()) << r1.status().ToString();
  auto r2 = ser->Commit("MERGE");
  EXPECT_EQ(r2.status().code(), base::StatusCode::kConflict) << r2.status().ToString();
}

TEST_F(TxnTest, AppTransactionsAreIdempotentAndConflict) {
  auto base = Snap();
  auto a = Transaction::Start(base);
  auto b = Transaction::Start(base);
  a->SetAppTransaction("query-1", 5);
  b->SetAppTransaction("query-1", 5);
  a->AddFiles(Files("{\"id\":1,\"country\":\"US\"}\n"));
  b->AddFiles(Files("{\"id\":1,\"country\":\"US\"}\n"));
  ASSERT_TRUE(a->Commit("STREAMING UPDATE").ok());
  auto r = b->Commit("STREAMING UPDATE");
  EXPECT_EQ(r.status().code(), base::StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("ConcurrentTransaction"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(Snap()->AppTransactionVersion("query-1"), 5);
  EXPECT_NE(CommitLines(1)[1].find("{\"txn\":{\"appId\":\"query-1\",\"version\":5,\"lastUpdated\":"), std::string::npos)
      << CommitLines(1)[1];

  AppendOptions opts;
  opts.app_id = "query-1";
  opts.app_version = 5;
  auto skipped = DeltaTable::Append(root_, {Rows("id BIGINT, country STRING", "{\"id\":7,\"country\":\"US\"}\n")}, opts);
  ASSERT_TRUE(skipped.ok());
  EXPECT_TRUE(skipped->skipped);
  EXPECT_EQ(skipped->version, 1);
  opts.app_version = 6;
  auto done = DeltaTable::Append(root_, {Rows("id BIGINT, country STRING", "{\"id\":7,\"country\":\"US\"}\n")}, opts);
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(done->skipped);
  EXPECT_EQ(done->version, 2);
  EXPECT_EQ(Snap()->AppTransactionVersion("query-1"), 6);
}

TEST_F(TxnTest, SameDomainConflicts) {
  auto base = Snap();
  auto a = Transaction::Start(base);
  auto b = Transaction::Start(base);
  a->SetDomainMetadata(DomainMetadata{"delta.clustering", "{\"clusteringColumns\":[]}", false});
  b->SetDomainMetadata(DomainMetadata{"delta.clustering", "{\"clusteringColumns\":[[\"id\"]]}", false});
  auto c = Transaction::Start(base);
  c->SetDomainMetadata(DomainMetadata{"tide.other", "{}", false});
  ASSERT_TRUE(a->Commit("CLUSTER BY").ok());
  auto r = b->Commit("CLUSTER BY");
  EXPECT_EQ(r.status().code(), base::StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("ConcurrentDomainMetadata"), std::string::npos) << r.status().ToString();
  EXPECT_TRUE(c->Commit("SET DOMAIN").ok());
  EXPECT_EQ(Snap()->domain_metadata().size(), 2u);
}

TEST_F(TxnTest, RetriesAreBounded) {
  auto base = Snap();
  TransactionOptions once;
  once.max_attempts = 1;
  auto loser = Transaction::Start(base, once);
  loser->AddFiles(Files("{\"id\":1,\"country\":\"US\"}\n"));
  Append("{\"id\":2,\"country\":\"US\"}\n");
  auto r = loser->Commit("WRITE");
  EXPECT_EQ(r.status().code(), base::StatusCode::kUnavailable) << r.status().ToString();
}

TEST_F(TxnTest, AppendOnlyRefusesRemoves) {
  auto t = dir_.Sub("ao");
  ASSERT_TRUE(DeltaTable::Create(t, *Ddl("id BIGINT"), {}, {{"delta.appendOnly", "true"}}).ok());
  ASSERT_TRUE(DeltaTable::Append(t, {Rows("id BIGINT", "{\"id\":1}\n")}).ok());
  auto o = DeltaTable::Overwrite(t, {Rows("id BIGINT", "{\"id\":2}\n")});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(o.status().message().find("append-only"), std::string::npos) << o.status().ToString();
  EXPECT_EQ(ReadRows(t), std::vector<std::string>({"{\"id\":1}"}));
  // The refused overwrite left no data file behind.
  int parquet = 0;
  for (const auto& e : std::filesystem::directory_iterator(t)) parquet += e.path().extension() == ".parquet";
  EXPECT_EQ(parquet, 1);
  // dataChange=false removes (compaction) are allowed.
  auto snap = Snapshot::Load(t);
  ASSERT_TRUE(snap.ok());
  auto txn = Transaction::Start(*snap);
  txn->RemoveActiveFile((*snap)->files()[0], /*data_change=*/false);
  EXPECT_TRUE(txn->Commit("OPTIMIZE").ok());
}

TEST_F(TxnTest, UnwritableProtocolIsRefused) {
  auto base = Snap();
  auto up = Transaction::Start(base);
  up->UpdateProtocol(Protocol{1, 7, std::nullopt, std::vector<std::string>{"someFutureFeature"}});
  auto r = up->Commit("UPGRADE");
  EXPECT_EQ(r.status().code(), base::StatusCode::kUnsupported) << r.status().ToString();
}

TEST(TxnProtocol, RequiredProtocolFollowsTheMetadata) {
  Metadata m;
  m.schema_string = *SerializeDeltaSchema(*Ddl("id BIGINT"));
  auto p = RequiredProtocol(m, std::nullopt);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (Protocol{1, 2, std::nullopt, std::nullopt}));
  m.configuration["delta.enableChangeDataFeed"] = "true";
  EXPECT_EQ(RequiredProtocol(m, std::nullopt)->min_writer_version, 4);
  m.configuration["delta.columnMapping.mode"] = "name";
  auto cm = RequiredProtocol(m, std::nullopt);
  EXPECT_EQ(cm->min_reader_version, 2);
  EXPECT_EQ(cm->min_writer_version, 5);
  Metadata ntz;
  ntz.schema_string = *SerializeDeltaSchema(*Ddl("t TIMESTAMP_NTZ"));
  auto np = RequiredProtocol(ntz, std::nullopt);
  ASSERT_TRUE(np.ok()) << np.status().ToString();
  EXPECT_EQ(np->min_reader_version, 3);
  EXPECT_EQ(np->min_writer_version, 7);
  EXPECT_EQ(np->reader_features, std::vector<std::string>({"timestampNtz"}));
  EXPECT_EQ(np->writer_features, std::vector<std::string>({"timestampNtz"}));
  // Never lower than the current protocol.
  auto keep = RequiredProtocol(m, Protocol{2, 6, std::nullopt, std::nullopt});
  EXPECT_EQ(keep->min_writer_version, 6);
}

TEST_F(TxnTest, OverwriteWholeTable) {
  Append("{\"id\":1,\"country\":\"US\"}\n{\"id\":2,\"country\":\"DE\"}\n");
  auto r = DeltaTable::Overwrite(root_, {Rows("id BIGINT, country STRING", "{\"id\":3,\"country\":\"FR\"}\n")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_removed_files, 2);
  EXPECT_EQ(ReadRows(root_), std::vector<std::string>({"{\"id\":3,\"country\":\"FR\"}"}));
  auto lines = CommitLines(r->version);
  EXPECT_NE(lines[0].find("\"mode\":\"Overwrite\""), std::string::npos);
  EXPECT_NE(lines[0].find("\"isolationLevel\":\"Serializable\""), std::string::npos);
  EXPECT_NE(lines[0].find("\"isBlindAppend\":false"), std::string::npos);
  int removes = 0;
  for (const auto& l : lines) removes += l.rfind("{\"remove\":{", 0) == 0;
  EXPECT_EQ(removes, 2);
}

TEST_F(TxnTest, OverwriteReplaceWhere) {
  Append("{\"id\":1,\"country\":\"US\"}\n{\"id\":2,\"country\":\"DE\"}\n{\"id\":3,\"country\":null}\n");
  OverwriteOptions o;
  o.replace_where = "country = 'US'";
  auto r = DeltaTable::Overwrite(root_, {Rows("id BIGINT, country STRING", "{\"id\":10,\"country\":\"US\"}\n")}, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_removed_files, 1);
  EXPECT_EQ(ReadRows(root_), std::vector<std::string>({"{\"id\":10,\"country\":\"US\"}", "{\"id\":2,\"country\":\"DE\"}",
                                                       "{\"id\":3,\"country\":null}"}));
  EXPECT_NE(CommitLines(r->version)[0].find("\"predicate\":\"[\\\"country = 'US'\\\"]\""), std::string::npos)
      << CommitLines(r->version)[0];

  o.replace_where = "country IN ('DE', 'FR') AND country IS NOT NULL";
  auto outside = DeltaTable::Overwrite(
      root_, {Rows("id BIGINT, country STRING", "{\"id\":11,\"country\":\"DE\"}\n{\"id\":12,\"country\":\"US\"}\n")}, o);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(outside.status().message().find("country='US'"), std::string::npos) << outside.status().ToString();

  o.replace_where = "country IS NULL";
  auto nulls = DeltaTable::Overwrite(root_, {Rows("id BIGINT, country STRING", "{\"id\":13,\"country\":null}\n")}, o);
  ASSERT_TRUE(nulls.ok()) << nulls.status().ToString();
  EXPECT_EQ(ReadRows(root_), std::vector<std::string>({"{\"id\":10,\"country\":\"US\"}", "{\"id\":13,\"country\":null}",
                                                       "{\"id\":2,\"country\":\"DE\"}"}));

  o.replace_where = "id = 1";
  auto data_col = DeltaTable::Overwrite(root_, {Rows("id BIGINT, country STRING", "{\"id\":1,\"country\":\"US\"}\n")}, o);
  EXPECT_EQ(data_col.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(data_col.status().message().find("'id' is not a partition column"), std::string::npos);
}

TEST_F(TxnTest, OverwriteConflictsWithConcurrentAppendIntoItsPartitions) {
  Append("{\"id\":1,\"country\":\"US\"}\n");
  auto base = Snap();
  TransactionOptions so;
  so.isolation = IsolationLevel::kSerializable;
  auto overwrite = Transaction::Start(base, so);
  overwrite->ReadWholeTable();
  for (const auto& f : base->files()) overwrite->RemoveActiveFile(f);
  overwrite->AddFiles(Files("{\"id\":5,\"country\":\"US\"}\n"));
  Append("{\"id\":2,\"country\":\"US\"}\n");
  auto r = overwrite->Commit("WRITE");
  EXPECT_EQ(r.status().code(), base::StatusCode::kConflict);
  EXPECT_NE(r.status().message().find("ConcurrentAppend"), std::string::npos) << r.status().ToString();
}

TEST_F(TxnTest, MergeSchemaEvolvesTheTable) {
  AppendOptions o;
  o.merge_schema = true;
  auto r = DeltaTable::Append(
      root_, {Rows("id BIGINT, country STRING, note STRING", "{\"id\":1,\"country\":\"US\",\"note\":\"n\"}\n")}, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->schema_changed);
  EXPECT_EQ(Snap()->schema()->ToString(), "id BIGINT, country STRING, note STRING");
  EXPECT_FALSE(CommitLines(r->version)[0].find("\"isBlindAppend\":true") == std::string::npos);
  // Without merge_schema a new column is refused and nothing is written.
  auto refused = DeltaTable::Append(root_, {Rows("id BIGINT, x INT", "{\"id\":1,\"x\":2}\n")});
  EXPECT_EQ(refused.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("column 'x'"), std::string::npos);
  EXPECT_EQ(ReadRows(root_), std::vector<std::string>({"{\"id\":1,\"country\":\"US\",\"note\":\"n\"}"}));
}

TEST_F(TxnTest, TypeWideningUpgradesTheProtocol) {
  auto t = dir_.Sub("w");
  ASSERT_TRUE(DeltaTable::Create(t, *Ddl("v INT"), {}, {}).ok());
  ASSERT_TRUE(DeltaTable::Append(t, {Rows("v INT", "{\"v\":1}\n")}).ok());
  AppendOptions o;
  o.merge_schema = true;
  auto r = DeltaTable::Append(t, {Rows("v BIGINT", "{\"v\":5000000000}\n")}, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto snap = Snapshot::Load(t);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->schema()->ToString(), "v BIGINT");
  EXPECT_EQ((*snap)->protocol().min_writer_version, 7);
  ASSERT_TRUE((*snap)->protocol().writer_features.has_value());
  EXPECT_TRUE(HasWriterFeature((*snap)->protocol(), "typeWidening"));
  EXPECT_EQ(ReadRows(t), std::vector<std::string>({"{\"v\":1}", "{\"v\":5000000000}"}));
}

TEST_F(TxnTest, ConcurrentAppendsFromThreadsAllLand) {
  constexpr int kThreads = 4, kCommits = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCommits; ++i) {
        const int id = t * 1000 + i;
        auto r = DeltaTable::Append(root_, {Rows("id BIGINT, country STRING",
                                                 "{\"id\":" + std::to_string(id) + ",\"country\":\"c" +
                                                     std::to_string(t) + "\"}\n")});
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto snap = Snap();
  EXPECT_EQ(snap->version(), kThreads * kCommits);
  EXPECT_EQ(ReadRows(root_).size(), static_cast<size_t>(kThreads * kCommits));
}

TEST(TxnPredicate, ParseAndMatch) {
  auto schema = Ddl("id BIGINT, p INT, s STRING");
  auto pred = PartitionPredicate::Parse("p >= 10 AND s <> 'x'", *schema, {"p", "s"}, ColumnMappingMode::kNone);
  ASSERT_TRUE(pred.ok()) << pred.status().ToString();
  EXPECT_TRUE(pred->Matches({{"p", "10"}, {"s", "y"}}));
  EXPECT_FALSE(pred->Matches({{"p", "9"}, {"s", "y"}}));
  EXPECT_TRUE(pred->Matches({{"p", "100"}, {"s", "y"}}));  // numeric, not text, order
  EXPECT_FALSE(pred->Matches({{"p", "10"}, {"s", "x"}}));
  EXPECT_FALSE(pred->Matches({{"p", std::nullopt}, {"s", "y"}}));
  EXPECT_FALSE(PartitionPredicate::Parse("p = 'abc'", *schema, {"p"}, ColumnMappingMode::kNone).ok());
  EXPECT_FALSE(PartitionPredicate::Parse("p = 1 OR p = 2", *schema, {"p"}, ColumnMappingMode::kNone).ok());
  EXPECT_FALSE(PartitionPredicate::Parse("", *schema, {"p"}, ColumnMappingMode::kNone).ok());
}

TEST(TxnFeatures, ColumnInvariantsAreRefused) {
  TempDir dir;
  columnar::Schema schema({columnar::MakeField("x", columnar::Int32(), true,
                                               {{"delta.invariants", "\"{\\\"expression\\\":{\\\"expression\\\":\\\"x > 3\\\"}}\""}})});
  auto r = DeltaTable::Create(dir.Sub("inv"), schema, {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kUnsupported) << r.status().ToString();
  EXPECT_NE(r.status().message().find("invariants"), std::string::npos) << r.status().ToString();
}

TEST(TxnFeatures, InCommitTimestampsIncreaseStrictly) {
  TempDir dir;
  const std::string t = dir.Sub("ict");
  ASSERT_TRUE(DeltaTable::Create(t, *Ddl("id BIGINT"), {}, {{"delta.enableInCommitTimestamps", "true"}}).ok());
  AppendOptions o;
  o.transaction.now_ms = 1000;  // a clock that does not move
  ASSERT_TRUE(DeltaTable::Append(t, {Rows("id BIGINT", "{\"id\":1}\n")}, o).ok());
  ASSERT_TRUE(DeltaTable::Append(t, {Rows("id BIGINT", "{\"id\":2}\n")}, o).ok());
  auto snap = Snapshot::Load(t);
  ASSERT_TRUE(snap.ok());
  EXPECT_TRUE(HasWriterFeature((*snap)->protocol(), "inCommitTimestamp"));
  auto c1 = ReadCommitActions(t, 1), c2 = ReadCommitActions(t, 2);
  ASSERT_TRUE(c1.ok() && c2.ok());
  const auto& i1 = std::get<CommitInfo>((*c1)[0]);
  const auto& i2 = std::get<CommitInfo>((*c2)[0]);
  ASSERT_TRUE(i1.in_commit_timestamp && i2.in_commit_timestamp);
  EXPECT_GT(*i2.in_commit_timestamp, *i1.in_commit_timestamp);
}

}  // namespace
}  // namespace tide::table
