// Optimistic transactions on a Delta table (PROTOCOL.md "Requirements for Writers").
//
//   TIDE_ASSIGN_OR_RETURN(auto snap, Snapshot::Load(root));
//   auto txn = Transaction::Start(snap);
//   txn->AddFiles(adds);                                   // from DataWriter::Finish
//   TIDE_ASSIGN_OR_RETURN(CommitResult r, txn->Commit("WRITE", {{"mode", "\"Append\""}}));
//
// A transaction starts from a snapshot (its read version), collects actions and records what
// it read (files, predicates over files, the whole table, app ids). Commit writes
// `_delta_log/<read_version + 1>.json` atomically (create-if-absent) and durably: in a first
// round it fsyncs, in parallel, the commit's temp file, every data and change-data file it adds
// and their directories; only then does it link the commit under its name and fsync
// `_delta_log`. So a commit is never visible before everything it references is durable, and
// writers need not fsync their files themselves (DataWriterOptions::sync). When another
// writer got that version first (AlreadyExists), the winning commits are read and checked
// against this transaction the way Delta's ConflictChecker does; with no conflict the same
// actions are retried at the next free version, at most `max_attempts` times in all.
//
// Conflicts (Status::Conflict naming the winning version and what clashed):
//   - the winner changed the protocol ("ProtocolChanged") or the metadata ("MetadataChanged");
//   - ConcurrentAppend: the winner added files (dataChange) that match what this transaction
//     read (a recorded predicate, or the whole table). Under WriteSerializable (the default,
//     like Delta) files added by blind appends do not count unless this transaction changes the
//     metadata; under Serializable they do. A blind append (only adds, nothing read) never
//     conflicts with another blind append;
//   - ConcurrentDeleteRead: the winner removed a file this transaction read (or any file when
//     it read the whole table);
//   - ConcurrentDeleteDelete: the winner removed a file this transaction removes;
//   - ConcurrentTransaction: the winner committed a txn action for an appId this transaction
//     sets or read;
//   - ConcurrentDomainMetadata: both set the same domain.
//
// Before committing: the table's protocol must be writable by Tide (CheckWritable), and an
// append-only table (delta.appendOnly=true) refuses removes with dataChange=true
// (InvalidArgument). The protocol is upgraded when the new metadata needs it (RequiredProtocol).
//
// The commit file holds commitInfo first (timestamp, inCommitTimestamp when enabled, operation,
// operationParameters, operationMetrics, engineInfo "Tide/<version>", readVersion,
// isolationLevel, isBlindAppend, txnId), then protocol, metaData, txn, domainMetadata, remove,
// add, cdc. After the commit landed, a checkpoint is written when the version is a multiple of
// delta.checkpointInterval (checkpoint_writer.h); failing to checkpoint is logged, not an error.
//
// Thread-safety: a Transaction is used by one thread; separate transactions (threads or
// processes) on one table may commit concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "table/actions.h"
#include "table/snapshot.h"

namespace tide::table {

enum class IsolationLevel { kWriteSerializable, kSerializable };
std::string_view IsolationLevelName(IsolationLevel level);

// A predicate over files this transaction read: may_match(add) is true when rows of that file
// may satisfy it (an unknown answer must be true). `description` appears in conflict messages.
struct ReadPredicate {
  std::string description;
  std::function<bool(const AddFile&)> may_match;
};

struct TransactionOptions {
  int max_attempts = 100;                  // commit attempts in all (the first + retries)
  IsolationLevel isolation = IsolationLevel::kWriteSerializable;
  bool checkpoint = true;                  // checkpoint after commits at the checkpoint interval
  std::optional<int64_t> now_ms;           // the commit timestamp (tests); default: wall clock
};

struct CommitResult {
  int64_t version = -1;     // the committed version
  int attempts = 0;         // 1 when the first try won
  bool checkpointed = false;
};

class Transaction {
 public:
  // A transaction on an existing table.
  static std::unique_ptr<Transaction> Start(std::shared_ptr<const Snapshot> snapshot, TransactionOptions options = {});
  // Creating a table at `table_root` (commits version 0; a table that already exists there is
  // AlreadyExists). Set the metadata (and optionally the protocol) before committing.
  static std::unique_ptr<Transaction> StartCreate(std::string table_root, TransactionOptions options = {});

  const std::string& table_root() const { return root_; }
  int64_t read_version() const { return read_version_; }
  const std::shared_ptr<const Snapshot>& snapshot() const { return snapshot_; }
  // The metadata/protocol the commit will have (updated ones, else the snapshot's).
  const Metadata& metadata() const { return metadata_; }
  const Protocol& protocol() const { return protocol_; }
  bool metadata_changed() const { return metadata_changed_; }

  void UpdateMetadata(Metadata metadata);
  void UpdateProtocol(Protocol protocol);
  void AddFile(table::AddFile add);
  void AddFiles(std::vector<table::AddFile> adds);
  void RemoveFile(table::RemoveFile remove);
  // A remove for an active file: deletionTimestamp now, extendedFileMetadata with its partition
  // values, size, stats and tags.
  void RemoveActiveFile(const table::AddFile& file, bool data_change = true);
  void AddCdcFile(table::AddCdcFile cdc);
  // Idempotent writes: records txn {appId, version, lastUpdated}. The commit conflicts with a
  // concurrent commit of the same appId.
  void SetAppTransaction(const std::string& app_id, int64_t version);
  void SetDomainMetadata(DomainMetadata domain);

  // What the transaction read, for conflict detection.
  void ReadWholeTable();
  void ReadFiles(const std::vector<table::AddFile>& files);
  void ReadPredicateFiles(ReadPredicate predicate);
  // The transaction's decision depends on the appId's version (as a streaming sink's does).
  void ReadAppTransaction(const std::string& app_id);

  // Only adds with dataChange, nothing read, no removes and no metadata change.
  bool IsBlindAppend() const;
  const std::vector<table::AddFile>& adds() const { return adds_; }
  const std::vector<table::RemoveFile>& removes() const { return removes_; }

  // Commits. `operation_parameters` values are JSON text ("\"Append\"", "[\"a\"]", "false");
  // values that are not JSON strings or null are written as JSON strings holding that text
  // ("partitionBy":"[\"a\"]"), because Spark reads operationParameters as a map of strings.
  // Metrics values are plain strings (Spark writes numbers as strings). Errors: Conflict (above), AlreadyExists
  // (create on an existing table), InvalidArgument (append-only), Unsupported (protocol),
  // Unavailable after max_attempts lost races. A Transaction commits at most once.
  base::Result<CommitResult> Commit(const std::string& operation,
                                    const std::map<std::string, std::string>& operation_parameters = {},
                                    const std::map<std::string, std::string>& operation_metrics = {});

 private:
  Transaction() = default;
  base::Status CheckConflicts(const VersionedActions& winner) const;
  std::vector<Action> BuildActions(int64_t version, int64_t now_ms, int64_t previous_timestamp) const;

  std::string root_;
  std::shared_ptr<const Snapshot> snapshot_;
  TransactionOptions options_;
  int64_t read_version_ = -1;
  Metadata metadata_;
  Protocol protocol_;
  bool metadata_changed_ = false;
  bool protocol_changed_ = false;
  std::vector<table::AddFile> adds_;
  std::vector<table::RemoveFile> removes_;
  std::vector<table::AddCdcFile> cdcs_;
  std::vector<Txn> txns_;
  std::vector<DomainMetadata> domains_;
  bool read_whole_table_ = false;
  std::set<std::string> read_files_;
  std::vector<ReadPredicate> read_predicates_;
  std::set<std::string> read_app_ids_;
  std::string txn_id_;
  std::string operation_;
  std::map<std::string, std::string> operation_parameters_;
  std::map<std::string, std::string> operation_metrics_;
  bool committed_ = false;
};

// The protocol a table with `metadata` needs, starting from `current` (never lower than it):
// reader 1 / writer 2 by default; delta.enableChangeDataFeed -> writer 4; column mapping ->
// reader 2 / writer 5; timestamp_ntz columns, type changes (delta.typeChanges), deletion
// vectors, in-commit timestamps or any already-listed feature -> reader 3 / writer 7 with the
// features listed. Unsupported when the metadata asks for something Tide cannot write.
base::Result<Protocol> RequiredProtocol(const Metadata& metadata, const std::optional<Protocol>& current);

// The engineInfo of commits: "Tide/<version>".
std::string EngineInfo();

}  // namespace tide::table
