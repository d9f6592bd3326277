// GroupJournal: the crash-safe on-disk state of the consumer group coordinator.
//
// What is stored: committed offsets (with metadata, leader epoch and timestamps), each group's
// protocol type and generation, transactional offsets that await their transaction's outcome,
// and deletions of all of these. Members are not stored (see group_coordinator.h for why).
//
// Layout under the state directory:
//   groups.snapshot   "TIDEGSN1" then records: the live state at the last compaction.
//   groups.journal    "TIDEGJL1" then records appended since that compaction.
//   groups.snapshot.tmp  a compaction in progress; removed on open.
// A record is [u32 payload length][u32 CRC32C of payload][payload], all big-endian; the
// payload starts with a one-byte GroupRecord::Type. Records are state-setting commands
// ("offset of g/t/p is now X", "group g is gone"), so replaying the journal on top of the
// snapshot is idempotent; that is what makes compaction safe without a two-file commit:
// a crash between renaming the new snapshot and emptying the journal replays records whose
// effect the snapshot already holds, which changes nothing.
//
// Durability: Append(..., sync=true) returns after fdatasync, so an acknowledged offset commit
// survives kill -9 and power loss. A torn or corrupt tail of the journal (a write cut short by
// a crash) is truncated at the last good record with a warning; the snapshot is written whole
// (temp file, fsync, rename, fsync of the directory), so damage there is reported as
// Corruption instead.
//
// Thread-safety: none; owned by the GroupCoordinator and used on its loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace tide::kafka::group {

struct GroupRecord {
  enum class Type : uint8_t {
    kOffsetCommit = 1,       // group, topic, partition, offset fields
    kOffsetDelete = 2,       // group, topic, partition
    kGroupMetadata = 3,      // group, protocol_type, generation
    kGroupDelete = 4,        // group: drops the group, its offsets and pending txn offsets
    kTxnPendingOffset = 5,   // group, producer_id, topic, partition, offset fields
    kTxnComplete = 6,        // producer_id, commit
  };
  Type type = Type::kOffsetCommit;
  std::string group;
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  int64_t commit_timestamp_ms = 0;
  int64_t expire_timestamp_ms = -1;  // -1: retention follows the group (Kafka 2.1+ semantics)
  std::optional<std::string> protocol_type;
  int32_t generation = 0;
  int64_t producer_id = -1;
  bool commit = false;

  bool operator==(const GroupRecord&) const = default;
};

// Serialized payload of one record (exposed for tests).
std::vector<uint8_t> EncodeGroupRecord(const GroupRecord& record);
base::Result<GroupRecord> DecodeGroupRecord(const uint8_t* data, size_t size);

class GroupJournal {
 public:
  explicit GroupJournal(std::string dir);
  ~GroupJournal();
  GroupJournal(const GroupJournal&) = delete;
  GroupJournal& operator=(const GroupJournal&) = delete;

  // Creates the directory if needed, replays the snapshot and then the journal through
  // `apply` in write order, truncates a torn journal tail, and leaves the journal open for
  // appends.
  base::Status Open(const std::function<void(const GroupRecord&)>& apply);

  // Appends the records in one write; with `sync`, returns only once they are durable.
  base::Status Append(const std::vector<GroupRecord>& records, bool sync);

  // Replaces snapshot + journal by `live` (the whole current state) and empties the journal.
  base::Status Compact(const std::vector<GroupRecord>& live);

  // Bytes in the journal file (compaction trigger).
  uint64_t journal_bytes() const { return journal_bytes_; }

  // Closes the journal file (after an fsync). Idempotent.
  base::Status Close();

 private:
  base::Status OpenJournalForAppend();

  std::string dir_;
  int fd_ = -1;
  uint64_t journal_bytes_ = 0;
};

}  // namespace tide::kafka::group
