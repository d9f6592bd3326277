// Classic checkpoints and log cleanup (PROTOCOL.md "Checkpoints", "Metadata Cleanup").
//
// WriteCheckpoint writes `_delta_log/<version:020>.checkpoint.parquet`: the reconciled state of
// the snapshot, one action per row, in the column layout Spark writes (every column and field
// nullable; a row sets exactly one top-level column):
//   txn            struct<appId: string, version: long, lastUpdated: long>
//   add            struct<path: string, partitionValues: map<string,string>, size: long,
//                         modificationTime: long, dataChange: boolean, stats: string,
//                         tags: map<string,string>, deletionVector: struct<storageType: string,
//                         pathOrInlineDv: string, offset: int, sizeInBytes: int, cardinality:
//                         long>, baseRowId: long, defaultRowCommitVersion: long,
//                         clusteringProvider: string>
//   remove         struct<path, deletionTimestamp: long, dataChange, extendedFileMetadata:
//                         boolean, partitionValues, size, tags, deletionVector, baseRowId,
//                         defaultRowCommitVersion>
//   metaData       struct<id, name, description: string, format: struct<provider: string,
//                         options: map<string,string>>, schemaString: string, partitionColumns:
//                         array<string>, configuration: map<string,string>, createdTime: long>
//   protocol       struct<minReaderVersion: int, minWriterVersion: int, readerFeatures:
//                         array<string>, writerFeatures: array<string>>
//   domainMetadata struct<domain: string, configuration: string, removed: boolean>
// Rows: protocol, metaData, txn per appId, active domains, tombstones not yet expired
// (deletionTimestamp newer than now - delta.deletedFileRetentionDuration), then the active files
// (add.dataChange = false, as Spark writes them). Rows go out in row groups of
// `rows_per_row_group`, so memory beyond the snapshot is one row group. The file is written
// under a temporary name, fsynced and renamed, so a reader never sees half a checkpoint; then
// `_last_checkpoint` is replaced atomically ({"version","size","sizeInBytes","numOfAddFiles"})
// unless it already names a newer checkpoint.
//
// CleanupExpiredLogs deletes, once a checkpoint exists, the commit, checkpoint, checksum and
// compaction files whose version is below the newest checkpoint that is itself older than the
// retention, and whose modification time is older than now - retention. Every version within the
// retention stays reconstructable (time travel keeps working), and the oldest kept version has a
// checkpoint (PROTOCOL.md: metadata cleanup must leave one).
//
// Thread-safety: concurrent checkpoints of one version write equal files; either rename wins.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "columnar/type.h"
#include "table/log_store.h"
#include "table/snapshot.h"

namespace tide::table {

struct CheckpointOptions {
  int64_t rows_per_row_group = 20000;
  std::optional<int64_t> now_ms;  // tombstone expiry reference; default: wall clock
};

// The checkpoint's Parquet schema (above).
std::shared_ptr<const columnar::Schema> CheckpointSchema();

// Writes the checkpoint of `snapshot` at snapshot.version() and updates _last_checkpoint.
base::Result<LastCheckpoint> WriteCheckpoint(const Snapshot& snapshot, const CheckpointOptions& options = {});

struct CleanupResult {
  int64_t files_deleted = 0;
  int64_t oldest_kept_version = 0;
};
// See above. `retention_ms` is delta.logRetentionDuration; now_ms defaults to the wall clock.
base::Result<CleanupResult> CleanupExpiredLogs(const std::string& table_root, int64_t retention_ms,
                                               std::optional<int64_t> now_ms = std::nullopt);

// After commit `version` landed with `metadata` (the table's metadata at that version): when
// version is a positive multiple of delta.checkpointInterval, loads that version, writes its
// checkpoint and cleans up expired logs (delta.logRetentionDuration; not when
// delta.enableExpiredLogCleanup=false). Returns whether a
// checkpoint was written; errors are the caller's to log (writers are never failed by them).
base::Result<bool> CheckpointIfDue(const std::string& table_root, int64_t version, const Metadata& metadata);

}  // namespace tide::table
