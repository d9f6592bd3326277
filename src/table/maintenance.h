// Table maintenance: OPTIMIZE (compaction, Z-order), VACUUM and RESTORE.
//
// OPTIMIZE [WHERE partition filters] [ZORDER BY (cols)]
//   Per partition, files smaller than min_file_size (and files with deletion vectors) are
//   candidates; they are bin-packed in size order into groups of about target_file_size and each
//   group with two or more files (or one with a deletion vector) is rewritten into files of
//   about target_file_size. With zorder_by, every file of each selected partition holding two or
//   more files is read, its rows are sorted by their Z-order key (zorder.h) and written in
//   target-sized files, so the files' min/max ranges on those columns become narrow. The commit
//   has removes and adds with dataChange=false (readers of the change feed see no change),
//   operation "OPTIMIZE", parameters predicate and zOrderBy, and metrics numFilesAdded,
//   numFilesRemoved, numAddedBytes, numRemovedBytes, partitionsOptimized,
//   totalConsideredFiles, totalFilesSkipped, numRowsRewritten. Nothing to do: no commit.
//   Errors: filters on non-partition columns, Z-order on a partition column, an unknown or
//   nested Z-order column (InvalidArgument). Memory: a Z-ordered partition is held in memory.
//
// VACUUM [RETAIN n HOURS] [DRY RUN]
//   Deletes files under the table directory that the current version does not reference and
//   no tombstone newer than the retention references, and that were last modified before
//   now - retention. Never touches `_delta_log`, nor directories or files whose name starts
//   with '_' or '.' (except `_change_data`, and partition directories like "_x=1"). The
//   retention defaults to delta.deletedFileRetentionDuration (7 days); a shorter one is
//   refused unless enforce_retention is false (`--force`), because it can delete files that
//   time travel or a running writer still needs. Dry run only lists. Empty directories left
//   behind are removed. Unless dry run, commits "VACUUM START" and "VACUUM END" commitInfos
//   (no data change) as Delta does.
//
// RESTORE TO VERSION n | TIMESTAMP t
//   One commit that adds the files of version n that are not active now and removes the active
//   files version n did not have (dataChange=true), and sets version n's metadata when it
//   differs; the protocol is never downgraded (the current one, raised if version n's metadata
//   needs more). A file of version n that no longer exists (vacuumed) fails the restore with
//   NotFound naming it, before anything is committed. Metrics: numRestoredFiles,
//   numRemovedFiles, restoredFilesSize, removedFilesSize, numOfFilesAfterRestore,
//   tableSizeAfterRestore.
//
// Thread-safety: each call is independent; conflicts with concurrent writers are resolved by
// the transaction (transaction.h): an OPTIMIZE whose input files were concurrently removed
// fails with Conflict.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "table/scan.h"
#include "table/transaction.h"

namespace tide::table {

struct OptimizeOptions {
  std::vector<ColumnFilter> filters;        // partition columns only
  std::vector<std::string> zorder_by;
  int64_t target_file_size = 0;             // 0: delta.targetFileSize, else 128 MiB
  int64_t min_file_size = 0;                // 0: the target file size
  TransactionOptions transaction;
  // Plan on this snapshot instead of the latest (tests staging a race; callers that planned).
  std::shared_ptr<const Snapshot> snapshot;
};

struct OptimizeResult {
  int64_t version = -1;                     // -1: nothing to do, nothing committed
  std::map<std::string, int64_t> metrics;
};

base::Result<OptimizeResult> Optimize(const std::string& table_root, const OptimizeOptions& options = {});

struct VacuumOptions {
  std::optional<double> retention_hours;    // default: delta.deletedFileRetentionDuration
  bool dry_run = false;
  bool enforce_retention = true;
  std::optional<int64_t> now_ms;            // tests: the current time
};

struct VacuumResult {
  std::vector<std::string> files;           // deleted (or, dry run, to delete), relative paths, sorted
  int64_t bytes = 0;
  int64_t directories_removed = 0;
  int64_t retention_ms = 0;
};

base::Result<VacuumResult> Vacuum(const std::string& table_root, const VacuumOptions& options = {});

struct RestoreOptions {
  std::optional<int64_t> version;
  std::optional<int64_t> timestamp_ms;      // exactly one of version / timestamp_ms
  TransactionOptions transaction;
};

struct RestoreResult {
  int64_t version = -1;                     // the new commit
  int64_t restored_version = -1;            // the version restored to
  std::map<std::string, int64_t> metrics;
};

base::Result<RestoreResult> Restore(const std::string& table_root, const RestoreOptions& options);

}  // namespace tide::table
