#include "table/dml.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "format/parquet/reader.h"
#include "table/snapshot.h"
#include "table/table.h"
#include "dml_test_util.h"

namespace tide::table {
namespace {

using namespace tide::table::testing;  // NOLINT
using columnar::ArrayPtr;
using columnar::RecordBatch;

// Rows of column `name` (BIGINT) where pred(value).
RowPredicate Int64Where(std::string name, std::function<bool(int64_t)> pred) {
  return [name, pred](const RecordBatch& b) -> base::Result<std::vector<uint8_t>> {
    const int idx = b.schema()->FieldIndex(name);
    if (idx < 0) return Status::InvalidArgument("no column " + name);
    std::vector<uint8_t> out(static_cast<size_t>(b.num_rows()));
    for (int64_t i = 0; i < b.num_rows(); ++i) {
      out[static_cast<size_t>(i)] = b.column(idx)->IsValid(i) && pred(b.column(idx)->Value<int64_t>(i));
    }
    return out;
  };
}

// A BIGINT column computed from column `name`.
ColumnExpr Int64From(std::string name, std::function<int64_t(int64_t)> fn) {
  return [name, fn](const RecordBatch& b) -> base::Result<ArrayPtr> {
    const int idx = b.schema()->FieldIndex(name);
    if (idx < 0) return Status::InvalidArgument("no column " + name);
    columnar::Int64Builder out(columnar::Int64());
    for (int64_t i = 0; i < b.num_rows(); ++i) out.Append(fn(b.column(idx)->Value<int64_t>(i)));
    return out.Finish();
  };
}

class DmlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.root().empty());
    auto v0 = DeltaTable::Create(root(), *IdPartValueSchema(), {"part"}, properties_);
    ASSERT_TRUE(v0.ok()) << v0.status().ToString();
    // Three commits: a(0..9), b(10..19), a(20..29) -> three files.
    for (int f = 0; f < 3; ++f) {
      std::vector<Row> rows;
      for (int i = 0; i < 10; ++i) {
        const int64_t id = f * 10 + i;
        rows.push_back({id, f == 1 ? "b" : "a", id * 100});
        all_.push_back(rows.back());
      }
      auto r = DeltaTable::Append(root(), {MakeRows(rows)});
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }
  const std::string& root() const { return dir_.root(); }
  std::vector<Row> AllExcept(std::function<bool(const Row&)> drop) const {
    std::vector<Row> out;
    for (const auto& r : all_) {
      if (!drop(r)) out.push_back(r);
    }
    return out;
  }

  TempTableDir dir_;
  std::map<std::string, std::string> properties_;
  std::vector<Row> all_;
};

TEST_F(DmlTest, DeleteRewritesOnlyFilesWithMatchingRows) {
  const auto before = ActivePaths(root());
  ASSERT_EQ(before.size(), 3u);
  // ids 3 and 25: in the first and third file; the "b" file is untouched.
  auto r = Delete(root(), Int64Where("id", [](int64_t id) { return id == 3 || id == 25; }));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 4);
  EXPECT_EQ(r->metrics["numDeletedRows"], 2);
  EXPECT_EQ(r->metrics["numRemovedFiles"], 2);
  EXPECT_EQ(r->metrics["numAddedFiles"], 1);  // both rewritten files are in partition "a": one new file
  EXPECT_EQ(r->metrics["numCopiedRows"], 18);
  EXPECT_EQ(TableRows(root()), Sorted(AllExcept([](const Row& x) { return x.id == 3 || x.id == 25; })));
  const auto after = ActivePaths(root());
  int kept = 0;
  for (const auto& p : before) kept += std::count(after.begin(), after.end(), p);
  EXPECT_EQ(kept, 1);  // the b file
  // Time travel still sees the deleted rows.
  EXPECT_EQ(TableRows(root(), 3), Sorted(all_));
  // History records the operation and its metrics.
  auto commit = ReadCommitActions(root(), 4);
  ASSERT_TRUE(commit.ok());
  bool saw = false;
  for (const auto& a : *commit) {
    if (const auto* ci = std::get_if<CommitInfo>(&a)) {
      saw = true;
      EXPECT_EQ(ci->operation.value_or(""), "DELETE");
      EXPECT_EQ(ci->operation_metrics.at("numDeletedRows"), "2");
    }
  }
  EXPECT_TRUE(saw);
}

TEST_F(DmlTest, DeleteWithoutMatchesCommitsNothing) {
  auto r = Delete(root(), Int64Where("id", [](int64_t id) { return id > 1000; }));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, -1);
  EXPECT_EQ(r->metrics["numDeletedRows"], 0);
  EXPECT_EQ(*LatestVersion(root()), 3);
}

TEST_F(DmlTest, DeleteByPartitionIsMetadataOnly) {
  DmlOptions o;
  o.filters = {{"part", FilterOp::kEq, std::string("a")}};
  auto r = Delete(root(), nullptr, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numRemovedFiles"], 2);
  EXPECT_EQ(r->metrics["numAddedFiles"], 0);
  EXPECT_EQ(r->metrics["numCopiedRows"], 0);
  EXPECT_EQ(r->metrics["numDeletedRows"], 20);  // from the files' stats
  EXPECT_EQ(TableRows(root()), Sorted(AllExcept([](const Row& x) { return x.part == "a"; })));
}

TEST_F(DmlTest, DeleteFiltersAndPredicateCombine) {
  DmlOptions o;
  o.filters = {{"part", FilterOp::kEq, std::string("a")}};
  auto r = Delete(root(), Int64Where("v", [](int64_t v) { return v % 200 == 0; }), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numDeletedRows"], 10);  // even ids of part a
  EXPECT_EQ(TableRows(root()), Sorted(AllExcept([](const Row& x) { return x.part == "a" && x.v % 200 == 0; })));
}

TEST_F(DmlTest, PredicateOfTheWrongLengthIsAnError) {
  auto r = Delete(root(), [](const RecordBatch&) -> base::Result<std::vector<uint8_t>> { return std::vector<uint8_t>{1}; });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("row predicate returned 1 values"), std::string::npos);
  EXPECT_EQ(*LatestVersion(root()), 3);
}

TEST_F(DmlTest, UpdateRewritesMatchedRows) {
  auto r = Update(root(), Int64Where("id", [](int64_t id) { return id % 10 == 0; }),
                  {{"v", Int64From("v", [](int64_t v) { return v + 1; })}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numUpdatedRows"], 3);
  EXPECT_EQ(r->metrics["numRemovedFiles"], 3);
  EXPECT_EQ(r->metrics["numCopiedRows"], 27);
  std::vector<Row> expected = all_;
  for (auto& x : expected) {
    if (x.id % 10 == 0) x.v += 1;
  }
  EXPECT_EQ(TableRows(root()), Sorted(expected));
}

TEST_F(DmlTest, UpdateMovesRowsBetweenPartitions) {
  auto r = Update(root(), Int64Where("id", [](int64_t id) { return id == 5; }),
                  {{"part", [](const RecordBatch& b) -> base::Result<ArrayPtr> {
                      columnar::BinaryBuilder out(columnar::Utf8());
                      for (int64_t i = 0; i < b.num_rows(); ++i) out.Append("c");
                      return out.Finish();
                    }}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  DmlOptions o;
  o.filters = {{"part", FilterOp::kEq, std::string("c")}};
  auto snap = Snapshot::Load(root());
  ASSERT_TRUE(snap.ok());
  int c_files = 0;
  for (const auto& f : (*snap)->files()) c_files += f.partition_values.at("part") == std::optional<std::string>("c");
  EXPECT_EQ(c_files, 1);
  std::vector<Row> expected = all_;
  expected[5].part = "c";
  EXPECT_EQ(TableRows(root()), Sorted(expected));
}

TEST_F(DmlTest, UpdateTypeAndColumnErrors) {
  auto wrong_type = Update(root(), nullptr, {{"v", [](const RecordBatch& b) -> base::Result<ArrayPtr> {
                                               columnar::Int32Builder out(columnar::Int32());
                                               for (int64_t i = 0; i < b.num_rows(); ++i) out.Append(1);
                                               return out.Finish();
                                             }}});
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.status().message(), "assignment to column 'v' of type BIGINT produced INT");
  auto unknown = Update(root(), nullptr, {{"nope", Int64From("v", [](int64_t v) { return v; })}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown column 'nope'"), std::string::npos);
  // NOT NULL is enforced on the new values.
  auto null_id = Update(root(), Int64Where("id", [](int64_t id) { return id == 1; }),
                        {{"id", [](const RecordBatch& b) -> base::Result<ArrayPtr> {
                            return columnar::MakeNullArray(columnar::Int64(), b.num_rows());
                          }}});
  EXPECT_FALSE(null_id.ok());
  EXPECT_EQ(*LatestVersion(root()), 3);
  EXPECT_EQ(TableRows(root()), Sorted(all_));
}

TEST_F(DmlTest, MergeUpsertDeleteAndNotMatchedBySource) {
  // Source: id 1 (update), id 2 (delete: v < 0), id 100 (insert), id 101 (not inserted: cond).
  auto source = MakeRows({{1, "a", 7}, {2, "a", -1}, {100, "b", 9}, {101, "b", -5}});
  MergeSpec spec;
  spec.target_keys = {"id"};
  spec.source_keys = {"id"};
  spec.clauses.push_back(MergeClause::DeleteMatched(Int64Where("source.v", [](int64_t v) { return v < 0; })));
  spec.clauses.push_back(MergeClause::UpdateAll());
  spec.clauses.push_back(MergeClause::InsertAll(Int64Where("source.v", [](int64_t v) { return v >= 0; })));
  // Target rows of part b (10..19) that no source row matched: v = -v for even ids.
  spec.clauses.push_back(MergeClause::UpdateNotMatchedBySource(
      {{"v", Int64From("target.v", [](int64_t v) { return -v; })}}, Int64Where("target.id", [](int64_t id) { return id >= 10 && id < 20 && id % 2 == 0; })));
  auto r = Merge(root(), {source}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numSourceRows"], 4);
  EXPECT_EQ(r->metrics["numTargetRowsMatchedUpdated"], 1);
  EXPECT_EQ(r->metrics["numTargetRowsMatchedDeleted"], 1);
  EXPECT_EQ(r->metrics["numTargetRowsInserted"], 1);
  EXPECT_EQ(r->metrics["numTargetRowsNotMatchedBySourceUpdated"], 5);
  EXPECT_EQ(r->metrics["numTargetFilesRemoved"], 2);  // file a(0..9) and file b; a(20..29) untouched
  std::vector<Row> expected;
  for (auto x : all_) {
    if (x.id == 2) continue;
    if (x.id == 1) x.v = 7;
    if (x.id >= 10 && x.id < 20 && x.id % 2 == 0) x.v = -x.v;
    expected.push_back(x);
  }
  expected.push_back({100, "b", 9});
  EXPECT_EQ(TableRows(root()), Sorted(expected));
}

TEST_F(DmlTest, MergeOnlyRewritesFilesWithMatches) {
  const auto before = ActivePaths(root());
  MergeSpec spec;
  spec.target_keys = {"id"};
  spec.source_keys = {"id"};
  spec.clauses.push_back(MergeClause::UpdateSet({{"v", Int64From("source.v", [](int64_t v) { return v; })}}));
  spec.clauses.push_back(MergeClause::InsertAll());
  auto r = Merge(root(), {MakeRows({{15, "b", 1}, {200, "a", 2}})}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numTargetFilesRemoved"], 1);
  EXPECT_EQ(r->metrics["numTargetRowsUpdated"], 1);
  EXPECT_EQ(r->metrics["numTargetRowsInserted"], 1);
  EXPECT_EQ(r->metrics["numTargetRowsCopied"], 9);
  const auto after = ActivePaths(root());
  int kept = 0;
  for (const auto& p : before) kept += std::count(after.begin(), after.end(), p);
  EXPECT_EQ(kept, 2);
}

TEST_F(DmlTest, MergeFiltersScopeNotMatchedBySource) {
  // Sync partition b with the source: rows of b the source lacks are deleted; partition a,
  // outside the filters, is not read and keeps every row.
  MergeSpec spec;
  spec.target_keys = {"id"};
  spec.source_keys = {"id"};
  spec.clauses.push_back(MergeClause::UpdateAll());
  spec.clauses.push_back(MergeClause::InsertAll());
  spec.clauses.push_back(MergeClause::DeleteNotMatchedBySource());
  DmlOptions o;
  o.filters = {{"part", FilterOp::kEq, std::string("b")}};
  auto r = Merge(root(), {MakeRows({{10, "b", 1}, {11, "b", 2}, {99, "b", 3}})}, spec, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numTargetRowsNotMatchedBySourceDeleted"], 8);
  EXPECT_EQ(r->metrics["numTargetRowsMatchedUpdated"], 2);
  EXPECT_EQ(r->metrics["numTargetRowsInserted"], 1);
  std::vector<Row> expected = AllExcept([](const Row& x) { return x.part == "b"; });
  expected.push_back({10, "b", 1});
  expected.push_back({11, "b", 2});
  expected.push_back({99, "b", 3});
  EXPECT_EQ(TableRows(root()), Sorted(expected));
}

TEST_F(DmlTest, MergeSkipsFilesOutsideTheSourceKeyRange) {
  // Source keys 21..22 lie only in the third file's id range (20..29): the others are not read,
  // so a corrupt first file does not matter.
  auto snap = Snapshot::Load(root());
  ASSERT_TRUE(snap.ok());
  std::string first;
  for (const auto& f : (*snap)->files()) {
    if (f.stats && f.stats->find("\"id\":0") != std::string::npos) first = f.path;
  }
  ASSERT_FALSE(first.empty());
  { std::ofstream(root() + "/" + *DecodeFilePath(first), std::ios::trunc) << "garbage"; }
  MergeSpec spec;
  spec.target_keys = {"id"};
  spec.source_keys = {"id"};
  spec.clauses.push_back(MergeClause::UpdateAll());
  auto r = Merge(root(), {MakeRows({{21, "a", 1}, {22, "a", 2}})}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numTargetRowsUpdated"], 2);
  EXPECT_EQ(r->metrics["numTargetFilesRemoved"], 1);
}

TEST_F(DmlTest, MergeRefusesMultipleSourceRowsForOneTarget) {
  MergeSpec spec;
  spec.target_keys = {"id"};
  spec.source_keys = {"id"};
  spec.clauses.push_back(MergeClause::UpdateAll());
  auto r = Merge(root(), {MakeRows({{4, "a", 1}, {4, "a", 2}})}, spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("multiple source rows matched target row (id = 4)"), std::string::npos)
      << r.status().ToString();
  EXPECT_EQ(*LatestVersion(root()), 3);
  // Insert-only merges accept duplicates: matched source rows are just not inserted.
  MergeSpec insert_only;
  insert_only.target_keys = {"id"};
  insert_only.source_keys = {"id"};
  insert_only.clauses.push_back(MergeClause::InsertAll());
  auto ok = Merge(root(), {MakeRows({{4, "a", 1}, {4, "a", 2}, {50, "a", 3}})}, insert_only);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->metrics["numTargetRowsInserted"], 1);
  EXPECT_EQ(ok->metrics["numTargetFilesRemoved"], 0);
}

TEST_F(DmlTest, MergeExtraConditionAndInsertValues) {
  MergeSpec spec;
  spec.target_keys = {"id"};
  spec.source_keys = {"id"};
  // ON t.id = s.id AND t.v < s.v
  spec.extra_condition = [](const RecordBatch& b) -> base::Result<std::vector<uint8_t>> {
    const auto& tv = b.column(b.schema()->FieldIndex("target.v"));
    const auto& sv = b.column(b.schema()->FieldIndex("source.v"));
    std::vector<uint8_t> out(static_cast<size_t>(b.num_rows()));
    for (int64_t i = 0; i < b.num_rows(); ++i) out[static_cast<size_t>(i)] = tv->Value<int64_t>(i) < sv->Value<int64_t>(i);
    return out;
  };
  spec.clauses.push_back(MergeClause::UpdateAll());
  spec.clauses.push_back(MergeClause::InsertValues(
      {{"id", Int64From("source.id", [](int64_t id) { return id; })}, {"v", Int64From("source.v", [](int64_t v) { return v * 2; })}}));
  // id 1: v 100 < 500 -> update; id 2: v 200 !< 5 -> not matched -> inserted as a second id 2 row.
  auto r = Merge(root(), {MakeRows({{1, "a", 500}, {2, "a", 5}})}, spec);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->metrics["numTargetRowsUpdated"], 1);
  EXPECT_EQ(r->metrics["numTargetRowsInserted"], 1);
  auto rows = TableRows(root());
  EXPECT_NE(std::find(rows.begin(), rows.end(), "{\"id\":1,\"part\":\"a\",\"v\":500}"), rows.end());
  EXPECT_NE(std::find(rows.begin(), rows.end(), "{\"id\":2,\"part\":null,\"v\":10}"), rows.end());
  EXPECT_EQ(rows.size(), 31u);
}

TEST_F(DmlTest, MergeClauseValidation) {
  MergeSpec spec;
  spec.target_keys = {"id"};
  spec.source_keys = {"nope"};
  spec.clauses.push_back(MergeClause::UpdateAll());
  auto r = Merge(root(), {MakeRows({{1, "a", 1}})}, spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'nope' is not a source column"), std::string::npos);
  spec.source_keys = {"id"};
  spec.clauses = {MergeClause::UpdateAll(), MergeClause::DeleteMatched()};
  r = Merge(root(), {MakeRows({{1, "a", 1}})}, spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("only the last WHEN clause"), std::string::npos);
}

TEST_F(DmlTest, ConcurrentConflictingDeletesOneWins) {
  // Both deletes plan on version 3; the second to commit must fail, not lose the first's work.
  auto snap = Snapshot::Load(root());
  ASSERT_TRUE(snap.ok());
  DmlOptions o;
  o.snapshot = *snap;
  auto first = Delete(root(), Int64Where("id", [](int64_t id) { return id == 4; }), o);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = Delete(root(), Int64Where("id", [](int64_t id) { return id == 6; }), o);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), base::StatusCode::kConflict) << second.status().ToString();
  EXPECT_EQ(TableRows(root()), Sorted(AllExcept([](const Row& x) { return x.id == 4; })));
  // The loser's data file was deleted: on disk are the 3 original files and the winner's one.
  auto latest = Snapshot::Load(root());
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ((*latest)->version(), 4);
  int parquet_files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root())) {
    parquet_files += e.path().extension() == ".parquet" && e.path().string().find("_delta_log") == std::string::npos;
  }
  EXPECT_EQ(parquet_files, 4);
}

TEST_F(DmlTest, ConcurrentDeletesInTwoProcesses) {
  // Two processes delete overlapping rows from the same read version; exactly one commits.
  int ready[2][2], go[2];
  ASSERT_EQ(pipe(go), 0);
  pid_t pids[2];
  for (int p = 0; p < 2; ++p) {
    ASSERT_EQ(pipe(ready[p]), 0);
    pids[p] = fork();
    ASSERT_GE(pids[p], 0);
    if (pids[p] == 0) {
      auto snap = Snapshot::Load(root());
      if (!snap.ok()) _exit(10);
      char c = 'r';
      if (write(ready[p][1], &c, 1) != 1) _exit(11);
      if (read(go[0], &c, 1) != 1) _exit(12);
      DmlOptions o;
      o.snapshot = *snap;
      auto r = Delete(root(), Int64Where("id", [p](int64_t id) { return id == 7 || id == 8 + p; }), o);
      if (r.ok()) _exit(0);
      _exit(r.status().code() == base::StatusCode::kConflict ? 1 : 2);
    }
  }
  for (int p = 0; p < 2; ++p) {
    char c;
    ASSERT_EQ(read(ready[p][0], &c, 1), 1);
  }
  char go_bytes[2] = {'g', 'g'};
  ASSERT_EQ(write(go[1], go_bytes, 2), 2);
  int codes[2];
  for (int p = 0; p < 2; ++p) {
    int status = 0;
    ASSERT_EQ(waitpid(pids[p], &status, 0), pids[p]);
    ASSERT_TRUE(WIFEXITED(status));
    codes[p] = WEXITSTATUS(status);
  }
  std::sort(codes, codes + 2);
  EXPECT_EQ(codes[0], 0);  // one winner
  EXPECT_EQ(codes[1], 1);  // one Conflict
  auto rows = TableRows(root());
  EXPECT_EQ(rows.size(), 28u);  // id 7 and the winner's other row; nothing else lost
  EXPECT_EQ(*LatestVersion(root()), 4);
}

class DmlCdfTest : public DmlTest {
 protected:
  void SetUp() override {
    properties_ = {{"delta.enableChangeDataFeed", "true"}};
    DmlTest::SetUp();
  }

  // _change_type -> rows, over the cdc files of commit `version`.
  std::map<std::string, std::vector<std::string>> Changes(int64_t version) {
    std::map<std::string, std::vector<std::string>> out;
    auto actions = ReadCommitActions(root(), version);
    EXPECT_TRUE(actions.ok());
    if (!actions.ok()) return out;
    for (const auto& a : *actions) {
      const auto* cdc = std::get_if<AddCdcFile>(&a);
      if (!cdc) continue;
      EXPECT_EQ(cdc->path.rfind("_change_data/", 0), 0u) << cdc->path;
      EXPECT_FALSE(cdc->data_change);
      auto reader = format::parquet::ParquetReader::Open(root() + "/" + *DecodeFilePath(cdc->path));
      EXPECT_TRUE(reader.ok()) << reader.status().ToString();
      if (!reader.ok()) continue;
      for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
        auto batch = (*reader)->ReadRowGroup(g);
        EXPECT_TRUE(batch.ok());
        const int ct = (*batch)->schema()->FieldIndex("_change_type");
        const int id = (*batch)->schema()->FieldIndex("id");
        const int v = (*batch)->schema()->FieldIndex("v");
        EXPECT_GE(ct, 0);
        for (int64_t r = 0; r < (*batch)->num_rows(); ++r) {
          out[std::string((*batch)->column(ct)->BytesValue(r))].push_back(
              std::to_string((*batch)->column(id)->Value<int64_t>(r)) + ":" + std::to_string((*batch)->column(v)->Value<int64_t>(r)));
        }
      }
    }
    return out;
  }
};

TEST_F(DmlCdfTest, DeleteUpdateMergeWriteChangeData) {
  auto d = Delete(root(), Int64Where("id", [](int64_t id) { return id == 3; }));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->metrics["numAddedChangeFiles"], 1);
  auto changes = Changes(d->version);
  EXPECT_EQ(changes["delete"], std::vector<std::string>{"3:300"});

  auto u = Update(root(), Int64Where("id", [](int64_t id) { return id == 12; }), {{"v", Int64From("v", [](int64_t v) { return v + 1; })}});
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  changes = Changes(u->version);
  EXPECT_EQ(changes["update_preimage"], std::vector<std::string>{"12:1200"});
  EXPECT_EQ(changes["update_postimage"], std::vector<std::string>{"12:1201"});

  MergeSpec spec;
  spec.target_keys = {"id"};
  spec.source_keys = {"id"};
  spec.clauses.push_back(MergeClause::UpdateAll());
  spec.clauses.push_back(MergeClause::InsertAll());
  auto m = Merge(root(), {MakeRows({{21, "a", 5}, {77, "b", 6}})}, spec);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  changes = Changes(m->version);
  EXPECT_EQ(changes["update_preimage"], std::vector<std::string>{"21:2100"});
  EXPECT_EQ(changes["update_postimage"], std::vector<std::string>{"21:5"});
  EXPECT_EQ(changes["insert"], std::vector<std::string>{"77:6"});
  // Deleting a whole partition still records the deleted rows (no metadata-only shortcut).
  DmlOptions o;
  o.filters = {{"part", FilterOp::kEq, std::string("b")}};
  auto whole = Delete(root(), nullptr, o);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  changes = Changes(whole->version);
  EXPECT_EQ(changes["delete"].size(), 11u);
}

}  // namespace
}  // namespace tide::table

namespace tide::table {
namespace {

class DmlColumnMappingTest : public DmlTest {
 protected:
  void SetUp() override {
    properties_ = {{"delta.enableChangeDataFeed", "true"}, {"delta.columnMapping.mode", "name"}};
    DmlTest::SetUp();
  }
};

TEST_F(DmlColumnMappingTest, UpdateAndMergeOnAColumnMappedTableWithChangeFeed) {
  auto u = Update(root(), Int64Where("id", [](int64_t id) { return id < 3; }), {{"v", Int64From("v", [](int64_t v) { return -v; })}});
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->metrics["numUpdatedRows"], 3);
  EXPECT_GE(u->metrics["numAddedChangeFiles"], 1);
  MergeSpec spec;
  spec.target_keys = {"id"};
  spec.source_keys = {"id"};
  spec.clauses.push_back(MergeClause::DeleteMatched());
  auto m = Merge(root(), {MakeRows({{0, "a", 0}})}, spec);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<Row> expected;
  for (auto x : all_) {
    if (x.id == 0) continue;
    if (x.id < 3) x.v = -x.v;
    expected.push_back(x);
  }
  EXPECT_EQ(TableRows(root()), Sorted(expected));
}

}  // namespace
}  // namespace tide::table
