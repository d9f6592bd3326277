// Row-level changes to a Delta table by copy-on-write: DELETE, UPDATE and MERGE.
//
// Which rows change is decided by C++ callbacks over record batches, so any front end (the SQL
// layer, tests, the streaming sink) can drive these operations:
//   RowPredicate   batch -> one byte per row, 1 = the row matches (any other non-zero counts
//                  as 1); a vector of the wrong length is InvalidArgument
//   ColumnExpr     batch -> a column of batch.num_rows() values (the new values of one column);
//                  its type must equal the table column's type (InvalidArgument naming both)
// plus an optional pruning conjunction `filters` (scan.h ColumnFilter, "col op literal"): the
// rows an operation changes are exactly those matching every filter AND the predicate (an
// unset predicate matches every row), and files or partitions whose partition values or stats
// prove no row can match the filters are never read.
//
// Copy-on-write: a file with no changed row is untouched. A file with some is rewritten (its
// remaining and changed rows go to new files, a remove for the old one), all in one commit
// through Transaction (transaction.h), which records the files read and the filters as read
// predicates: a concurrent commit that removed one of them (e.g. a concurrent DELETE of the
// same rows) makes this commit fail with Status::Conflict; the table then holds the winner's
// result and nothing of the loser's. DELETE with only partition filters that cover a file's
// partition entirely removes the file without reading it (metadata-only delete), unless the
// change data feed is on.
//
// Change data feed (delta.enableChangeDataFeed=true): the rows changed go to Parquet files
// under `_change_data/` (partitioned like the table) with the table's columns plus
// `_change_type` STRING ('delete', 'insert', 'update_preimage', 'update_postimage'), and the
// commit carries one `cdc` action per file (PROTOCOL.md "Change Data Files").
//
// Batches given to callbacks:
//   DELETE / UPDATE    the table's logical schema (partition columns included)
//   MERGE, matched     "target.<col>" for every table column, then "source.<col>" for every
//                      source column, one row per (target row, source row) pair
//   MERGE, not matched only "source.<col>"
//   MERGE, not matched by source   only "target.<col>"
//
// Thread-safety: each call is independent; concurrent calls on one table are resolved by the
// optimistic commit protocol (one may fail with Conflict).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "table/scan.h"
#include "table/transaction.h"

namespace tide::table {

using RowPredicate = std::function<base::Result<std::vector<uint8_t>>(const columnar::RecordBatch&)>;
using ColumnExpr = std::function<base::Result<columnar::ArrayPtr>(const columnar::RecordBatch&)>;

// A RowPredicate that evaluates `filters` (all must hold; nulls never match), for callers that
// have nothing beyond simple comparisons.
RowPredicate FiltersPredicate(std::vector<ColumnFilter> filters);

struct DmlOptions {
  std::vector<ColumnFilter> filters;       // pruning conjunction (see above)
  std::string predicate_text;              // shown in commitInfo.operationParameters.predicate
  int64_t target_file_size = 0;            // 0: the table's delta.targetFileSize / the default
  TransactionOptions transaction;
  // Read this snapshot of the table instead of loading the latest one (a caller that already
  // planned on it; tests that stage a race). The commit still goes after the newest version,
  // with conflict checks against everything committed since.
  std::shared_ptr<const Snapshot> snapshot;
};

// Metrics use Spark's names; they are also written to commitInfo.operationMetrics.
struct DmlResult {
  int64_t version = -1;                    // the committed version (-1: nothing to commit)
  std::map<std::string, int64_t> metrics;
};

// DELETE FROM table WHERE filters AND predicate. Metrics: numDeletedRows, numRemovedFiles,
// numAddedFiles, numCopiedRows, numAddedChangeFiles, numRemovedBytes, numAddedBytes.
// When no row matches nothing is committed (version -1).
base::Result<DmlResult> Delete(const std::string& table_root, RowPredicate predicate, const DmlOptions& options = {});

// UPDATE table SET col = expr, ... WHERE filters AND predicate. Expressions see the matched rows
// only (table schema) and all see the rows before any assignment. Metrics: numUpdatedRows,
// numCopiedRows, numRemovedFiles, numAddedFiles, numAddedChangeFiles, numRemovedBytes,
// numAddedBytes. InvalidArgument for an unknown or repeated column.
using Assignments = std::vector<std::pair<std::string, ColumnExpr>>;
base::Result<DmlResult> Update(const std::string& table_root, RowPredicate predicate, const Assignments& assignments,
                               const DmlOptions& options = {});

// ---------------------------------------------------------------- MERGE

struct MergeClause {
  enum class When { kMatched, kNotMatched, kNotMatchedBySource };
  enum class Action { kUpdate, kDelete, kInsert };
  When when = When::kMatched;
  Action action = Action::kUpdate;
  RowPredicate condition;                  // the clause's AND condition; unset = always
  // UPDATE SET * / INSERT *: every table column from the source column of the same name
  // (INSERT: table columns the source lacks are null; UPDATE: they keep their value).
  bool all_columns = false;
  // UPDATE SET col = expr / INSERT (cols) VALUES (exprs); INSERT leaves other columns null.
  Assignments assignments;

  // Convenience constructors.
  static MergeClause UpdateAll(RowPredicate condition = nullptr);
  static MergeClause UpdateSet(Assignments assignments, RowPredicate condition = nullptr);
  static MergeClause DeleteMatched(RowPredicate condition = nullptr);
  static MergeClause InsertAll(RowPredicate condition = nullptr);
  static MergeClause InsertValues(Assignments assignments, RowPredicate condition = nullptr);
  static MergeClause UpdateNotMatchedBySource(Assignments assignments, RowPredicate condition = nullptr);
  static MergeClause DeleteNotMatchedBySource(RowPredicate condition = nullptr);
};

struct MergeSpec {
  // ON target.<target_keys[i]> = source.<source_keys[i]> for all i (at least one key; null
  // keys never match). Keys compare by value in the JSON row format, so integer widths may
  // differ; decimals must have the same scale.
  std::vector<std::string> target_keys;
  std::vector<std::string> source_keys;
  RowPredicate extra_condition;            // AND <condition> over the matched-pair batch
  // Clauses: matched and not-matched-by-source clauses in order, first whose condition holds
  // wins (a row no clause takes is unchanged); not-matched clauses likewise (a source row no
  // clause takes is not inserted). Only the last clause of each kind may lack a condition.
  std::vector<MergeClause> clauses;
};

// MERGE INTO table USING source ON ... WHEN ... Source batches must share one schema.
// `options.filters` prune target files and must be implied by the ON condition (target rows
// they exclude can never match); NOT MATCHED BY SOURCE clauses apply only to target rows that
// satisfy them (rows outside the filters are never read, so they are left as they are). A target row matched by more than one source row is
// InvalidArgument ("multiple source rows matched target row ...", as Spark refuses it) when a
// matched clause exists. Only files with matched target rows are rewritten (with NOT MATCHED BY
// SOURCE clauses every file is read, and those with affected rows rewritten); inserted rows go
// to new files. Metrics (Spark's): numSourceRows, numTargetRowsInserted, numTargetRowsUpdated,
// numTargetRowsMatchedUpdated, numTargetRowsMatchedDeleted, numTargetRowsNotMatchedBySourceUpdated,
// numTargetRowsNotMatchedBySourceDeleted, numTargetRowsDeleted, numTargetRowsCopied,
// numTargetFilesAdded, numTargetFilesRemoved, numTargetChangeFilesAdded, numTargetBytesAdded,
// numTargetBytesRemoved.
base::Result<DmlResult> Merge(const std::string& table_root,
                              const std::vector<std::shared_ptr<columnar::RecordBatch>>& source, const MergeSpec& spec,
                              const DmlOptions& options = {});

}  // namespace tide::table
