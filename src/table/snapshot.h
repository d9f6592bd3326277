// Snapshot: the state of a Delta table at one version, reconstructed from its log
// (PROTOCOL.md "Action Reconciliation").
//
//   TIDE_ASSIGN_OR_RETURN(auto snap, Snapshot::Load("/data/tables/orders"));        // latest
//   TIDE_ASSIGN_OR_RETURN(auto old, Snapshot::Load(root, {.version = 3}));           // time travel
//   for (const AddFile& f : snap->files()) ...
//
// Loading lists _delta_log, starts from the newest usable checkpoint at or below the wanted
// version (_last_checkpoint is only a hint: missing, corrupt or pointing at a missing checkpoint
// falls back to listing; an unreadable checkpoint falls back to an older one or to commit 0),
// reads classic, multi-part and v2 checkpoints (JSON or Parquet, with sidecars) and then the
// commits after it (using log compaction files where they cover a range exactly). Versions
// must be contiguous: a gap is Corruption naming the missing version. The newest protocol and
// metaData win; add/remove are reconciled by (path, deletion vector id); txn keeps the newest
// version per appId; domainMetadata the newest per domain (removed ones dropped).
//
// Errors: NotFound "<root>: not a Delta table (no _delta_log directory)" (or no commits);
// NotFound for a version that does not exist ("version 7 does not exist: the table has versions
// 0..5") or was cleaned up ("version 2 is not reconstructable: the earliest is 5");
// Corruption naming the file for malformed commits / checkpoints or a table without protocol or
// metaData; Unsupported for a protocol Tide cannot read ("table requires reader feature
// 'variantType-preview', which Tide does not support").
//
// Thread-safety: a Snapshot is immutable after Load; share it across threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "columnar/type.h"
#include "table/actions.h"
#include "table/delta_schema.h"
#include "table/log_store.h"

namespace tide::table {

// ---------------------------------------------------------------- protocol / features

// Reader features Tide implements: columnMapping, deletionVectors, timestampNtz, typeWidening,
// typeWidening-preview, v2Checkpoint, vacuumProtocolCheck, checkpointProtection (plus
// writer-only features, which impose nothing on readers). Reader versions 1..3.
// Unsupported naming the first missing feature / the version.
base::Status CheckReadable(const Protocol& protocol);
// Writer versions 1..7 and the writer features Tide's writers honour (docs/delta.md "Table
// features"): appendOnly, changeDataFeed, columnMapping, deletionVectors (DML rewrites files
// copy-on-write: it reads rows through ReadDataFile with the DV applied and removes the old
// add together with its DV), timestampNtz, typeWidening(-preview), domainMetadata,
// v2Checkpoint, vacuumProtocolCheck, inCommitTimestamp, checkpointProtection. invariants,
// checkConstraints, generatedColumns and identityColumns pass this check; the overload with
// metadata refuses them when the table actually uses them (Tide does not evaluate them).
// Anything else: Unsupported naming the feature. Implies CheckReadable.
base::Status CheckWritable(const Protocol& protocol);
base::Status CheckWritable(const Protocol& protocol, const Metadata& metadata, const columnar::Schema& schema);
// The features a protocol enables: explicit feature lists for reader 3 / writer 7, the legacy
// features implied by lower versions otherwise (writer 2: appendOnly, invariants; 3: +
// checkConstraints; 4: + changeDataFeed, generatedColumns; 5: + columnMapping; 6: + identityColumns).
std::vector<std::string> ReaderFeatures(const Protocol& protocol);
std::vector<std::string> WriterFeatures(const Protocol& protocol);
bool HasWriterFeature(const Protocol& protocol, std::string_view feature);
bool HasReaderFeature(const Protocol& protocol, std::string_view feature);

// ---------------------------------------------------------------- table properties

// Table properties (metaData.configuration) with the defaults Delta documents. Durations are
// "interval <n> <unit>" (Spark CalendarInterval text: weeks, days, hours, minutes, seconds,
// milliseconds; "interval 1 day", "7 days") or plain milliseconds.
struct TableProperties {
  int64_t checkpoint_interval = 10;                                // delta.checkpointInterval
  int64_t log_retention_ms = 30LL * 24 * 3600 * 1000;              // delta.logRetentionDuration
  int64_t deleted_file_retention_ms = 7LL * 24 * 3600 * 1000;      // delta.deletedFileRetentionDuration
  std::optional<int64_t> target_file_size;                         // delta.targetFileSize (bytes)
  int32_t data_skipping_num_indexed_cols = 32;                     // delta.dataSkippingNumIndexedCols (-1: all)
  std::optional<std::vector<std::string>> data_skipping_stats_columns;  // delta.dataSkippingStatsColumns
  bool enable_change_data_feed = false;                            // delta.enableChangeDataFeed
  bool append_only = false;                                        // delta.appendOnly
  bool enable_deletion_vectors = false;                            // delta.enableDeletionVectors
  bool enable_in_commit_timestamps = false;                        // delta.enableInCommitTimestamps
  ColumnMappingMode column_mapping_mode = ColumnMappingMode::kNone;  // delta.columnMapping.mode
  int64_t column_mapping_max_id = 0;                               // delta.columnMapping.maxColumnId
  bool checkpoint_write_stats_as_json = true;                      // delta.checkpoint.writeStatsAsJson
  bool checkpoint_write_stats_as_struct = false;                   // delta.checkpoint.writeStatsAsStruct
  std::optional<std::string> checkpoint_policy;                    // delta.checkpointPolicy ("classic"|"v2")
};
// InvalidArgument naming the property for a malformed value.
base::Result<TableProperties> ParseTableProperties(const std::map<std::string, std::string>& configuration);
// "interval 7 days" -> ms. InvalidArgument on other text.
base::Result<int64_t> ParseIntervalMs(std::string_view text);

// ---------------------------------------------------------------- snapshot

struct SnapshotOptions {
  std::optional<int64_t> version = std::nullopt;        // time travel to this version (VERSION AS OF)
  std::optional<int64_t> timestamp_ms = std::nullopt;   // the latest version committed at or before this time

  static SnapshotOptions AtVersion(int64_t v) { SnapshotOptions o; o.version = v; return o; }
  static SnapshotOptions AtTimestamp(int64_t ms) { SnapshotOptions o; o.timestamp_ms = ms; return o; }
};

// Reconciled key of a data file: its path and deletion vector id (empty without a DV).
struct FileKey {
  std::string path;
  std::string dv_id;
  bool operator==(const FileKey&) const = default;
};
struct FileKeyHash {
  size_t operator()(const FileKey& k) const;
};

class Snapshot {
 public:
  static base::Result<std::shared_ptr<const Snapshot>> Load(const std::string& table_root,
                                                            const SnapshotOptions& options = {});

  const std::string& table_root() const { return root_; }
  int64_t version() const { return version_; }
  // inCommitTimestamp of the commit when the table has in-commit timestamps enabled, else the
  // commit file's modification time (ms since the epoch).
  int64_t timestamp_ms() const { return timestamp_ms_; }
  const Protocol& protocol() const { return protocol_; }
  const Metadata& metadata() const { return metadata_; }
  const TableProperties& properties() const { return properties_; }
  // The logical schema (column names as users see them, field metadata kept).
  const std::shared_ptr<const columnar::Schema>& schema() const { return schema_; }
  const std::vector<std::string>& partition_columns() const { return metadata_.partition_columns; }
  ColumnMappingMode column_mapping_mode() const { return properties_.column_mapping_mode; }

  // Active files, in a stable order (sorted by path, then DV id).
  const std::vector<AddFile>& files() const { return files_; }
  // Removes still present in the log state (not yet expired by a checkpoint), for VACUUM.
  const std::vector<RemoveFile>& tombstones() const { return tombstones_; }
  // The last version committed by `app_id` (txn action), if any.
  std::optional<int64_t> AppTransactionVersion(const std::string& app_id) const;
  const std::map<std::string, Txn>& app_transactions() const { return txns_; }
  // Active (not removed) domains.
  const std::map<std::string, DomainMetadata>& domain_metadata() const { return domains_; }
  // The checkpoint the state was loaded from (-1: replayed from commit 0), for diagnostics.
  int64_t checkpoint_version() const { return checkpoint_version_; }
  // Sum of add.size over files().
  int64_t total_size() const;

  // The local path of a data file (URI-decoded path joined to the table root, or the absolute
  // path for absolute URIs).
  base::Result<std::string> DataFilePath(std::string_view add_path) const;

  Snapshot() = default;  // use Load; public for make_shared

  // Filled by Load (snapshot.cc); treat as private.
  std::string root_;
  int64_t version_ = -1;
  int64_t timestamp_ms_ = 0;
  int64_t checkpoint_version_ = -1;
  Protocol protocol_;
  Metadata metadata_;
  TableProperties properties_;
  std::shared_ptr<const columnar::Schema> schema_;
  std::vector<AddFile> files_;
  std::vector<RemoveFile> tombstones_;
  std::map<std::string, Txn> txns_;
  std::map<std::string, DomainMetadata> domains_;
};

// ---------------------------------------------------------------- cheap log access

// The newest committed version (listing only, no replay). NotFound when not a Delta table.
base::Result<int64_t> LatestVersion(const std::string& table_root);

// The actions of commit `version`. NotFound when the file does not exist.
base::Result<std::vector<Action>> ReadCommitActions(const std::string& table_root, int64_t version);

// Commits from_version..to_version inclusive (to_version = -1: up to the latest), in order, for
// a writer's conflict checks. Corruption on a gap.
struct VersionedActions {
  int64_t version = 0;
  int64_t timestamp_ms = 0;   // as Snapshot::timestamp_ms
  std::vector<Action> actions;
};
base::Result<std::vector<VersionedActions>> ReadCommitsRange(const std::string& table_root, int64_t from_version,
                                                              int64_t to_version = -1);

// `tide table history`: newest first, at most `limit` entries (limit < 0: all available commits).
struct HistoryEntry {
  int64_t version = 0;
  int64_t timestamp_ms = 0;   // as Snapshot::timestamp_ms
  std::optional<CommitInfo> commit_info;
};
base::Result<std::vector<HistoryEntry>> ReadHistory(const std::string& table_root, int64_t limit = -1);

// The commit timestamp of `version` (inCommitTimestamp when the commit has one and the table
// enables them, else the commit file's mtime).
base::Result<int64_t> CommitTimestamp(const std::string& table_root, int64_t version);

// The version TIMESTAMP AS OF `timestamp_ms` resolves to: the latest version whose commit
// timestamp <= timestamp_ms (a time after the newest commit gives the newest version; commit
// times are made strictly increasing first, as Delta does). OutOfRange when it is before the
// first available commit
// ("timestamp 2020-01-01T00:00:00Z is before the earliest available commit (version 0 at
// 2021-...Z)").
base::Result<int64_t> VersionAtTimestamp(const std::string& table_root, int64_t timestamp_ms);

}  // namespace tide::table
