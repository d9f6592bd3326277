#include "kafka/group/group_journal.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace tide::kafka::group {
namespace {

GroupRecord Commit(const std::string& group, int64_t offset) {
  GroupRecord r;
  r.type = GroupRecord::Type::kOffsetCommit;
  r.group = group;
  r.topic = "t";
  r.partition = 1;
  r.offset = offset;
  r.metadata = "m";
  r.commit_timestamp_ms = 123;
  return r;
}

class GroupJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tide-group-journal-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::vector<GroupRecord> Replay() {
    std::vector<GroupRecord> out;
    GroupJournal j(dir_);
    base::Status st = j.Open([&](const GroupRecord& r) { out.push_back(r); });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  std::string dir_;
};

TEST_F(GroupJournalTest, RecordsRoundTrip) {
  std::vector<GroupRecord> all;
  all.push_back(Commit("g", 5));
  GroupRecord meta;
  meta.type = GroupRecord::Type::kGroupMetadata;
  meta.group = "g";
  meta.protocol_type = "consumer";
  meta.generation = 9;
  all.push_back(meta);
  GroupRecord txn = Commit("g", 6);
  txn.type = GroupRecord::Type::kTxnPendingOffset;
  txn.producer_id = 44;
  all.push_back(txn);
  GroupRecord done;
  done.type = GroupRecord::Type::kTxnComplete;
  done.producer_id = 44;
  done.commit = true;
  all.push_back(done);
  GroupRecord del;
  del.type = GroupRecord::Type::kGroupDelete;
  del.group = "g";
  all.push_back(del);
  for (const auto& r : all) {
    auto bytes = EncodeGroupRecord(r);
    auto back = DecodeGroupRecord(bytes.data(), bytes.size());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, r);
    EXPECT_FALSE(DecodeGroupRecord(bytes.data(), bytes.size() - 1).ok());
  }
  uint8_t junk[] = {99, 0};
  EXPECT_FALSE(DecodeGroupRecord(junk, sizeof junk).ok());
}

TEST_F(GroupJournalTest, AppendCompactReplay) {
  {
    GroupJournal j(dir_);
    ASSERT_TRUE(j.Open([](const GroupRecord&) {}).ok());
    ASSERT_TRUE(j.Append({Commit("a", 1), Commit("b", 2)}, true).ok());
    ASSERT_TRUE(j.Compact({Commit("a", 1)}).ok());
    ASSERT_TRUE(j.Append({Commit("c", 3)}, true).ok());
    ASSERT_TRUE(j.Close().ok());
  }
  auto got = Replay();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].group, "a");
  EXPECT_EQ(got[1].group, "c");
}

TEST_F(GroupJournalTest, CorruptRecordTruncatesRest) {
  {
    GroupJournal j(dir_);
    ASSERT_TRUE(j.Open([](const GroupRecord&) {}).ok());
    ASSERT_TRUE(j.Append({Commit("a", 1)}, true).ok());
    ASSERT_TRUE(j.Append({Commit("b", 2)}, true).ok());
  }
  const std::string path = dir_ + "/groups.journal";
  auto size = std::filesystem::file_size(path);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 3));
    f.put('\x7f');  // flip a byte inside the last record's payload
  }
  auto got = Replay();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].group, "a");
  EXPECT_LT(std::filesystem::file_size(path), size);
  // Appends after the truncation are readable.
  {
    GroupJournal j(dir_);
    ASSERT_TRUE(j.Open([](const GroupRecord&) {}).ok());
    ASSERT_TRUE(j.Append({Commit("c", 3)}, true).ok());
  }
  got = Replay();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].group, "c");
}

TEST_F(GroupJournalTest, DamagedSnapshotIsAnError) {
  {
    GroupJournal j(dir_);
    ASSERT_TRUE(j.Open([](const GroupRecord&) {}).ok());
    ASSERT_TRUE(j.Compact({Commit("a", 1)}).ok());
  }
  {
    std::ofstream f(dir_ + "/groups.snapshot", std::ios::binary | std::ios::app);
    f.put('x');
  }
  GroupJournal j(dir_);
  base::Status st = j.Open([](const GroupRecord&) {});
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
}

}  // namespace
}  // namespace tide::kafka::group
