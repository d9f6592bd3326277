// Writing data files of a Delta table: schema enforcement and evolution, partitioning, Parquet
// files sized toward delta.targetFileSize, and the AddFile actions that describe them.
//
//   TIDE_ASSIGN_OR_RETURN(auto conformed, ConformBatch(*batch, *snapshot->schema()));
//   TIDE_ASSIGN_OR_RETURN(auto w, DataWriter::Make(root, snapshot->metadata()));
//   TIDE_RETURN_IF_ERROR(w->Write(*conformed));
//   TIDE_ASSIGN_OR_RETURN(std::vector<AddFile> adds, w->Finish());   // then commit them
//
// Schema enforcement (ConformBatch): incoming columns are matched to the table's columns by
// name, case-insensitively as Spark resolves them (also inside structs). A table column the
// batch lacks is filled with nulls (refused when it is NOT NULL). A batch column the table
// lacks is refused ("column 'x' (BIGINT) is not in the table schema ...; use merge_schema").
// Types must be equal, or a lossless widening of the incoming type into the table's (the
// allowed widenings below, and nanosecond timestamps truncated to micros); anything else is
// InvalidArgument naming the column and both types ("column 's.a': cannot write STRING into
// the table's INT (...)"). A null in a NOT NULL
// column (at any depth, where the enclosing struct is not null) is InvalidArgument naming the
// column and the row.
//
// Schema evolution (MergeSchema, the `mergeSchema` option): columns the table lacks are appended
// (nullable, also new fields inside structs), and a table type may widen to the incoming type:
// byte -> short -> int -> long, float -> double, decimal(p,s) -> decimal(p',s') with p' - s' >=
// p - s and s' >= s, date -> timestamp_ntz. Anything else is InvalidArgument naming the
// column and both types. A widened column records the change in its field metadata
// (delta.typeChanges, PROTOCOL.md "Type Widening") and needs the typeWidening table feature;
// MergeSchema reports both so the caller can upgrade the protocol. Column-mapped tables give new
// columns an id (delta.columnMapping.maxColumnId + 1, ...) and a "col-<uuid>" physical name.
//
// Files (DataWriter): rows are split by the partition columns (which are not stored in the
// files, PROTOCOL.md), each partition's rows go to `<col>=<value>/.../part-<n:05>-<uuid>.c000.
// snappy.parquet` (Hive-escaped directory names; physical column names under column mapping),
// a new file starts once the current one reaches the target size (rows per file estimated from
// the bytes written per row so far, or from the rows' in-memory size for a new file; a large
// batch is sliced to fit). Durability: by default the files are not fsynced here, because
// Transaction::Commit makes every added file and its directories durable itself, in parallel
// with the commit file and before the commit's name appears (transaction.h); a caller that
// hands the files to anything else sets `sync`. Under column mapping, files name columns by
// physical name, and fields carry "PARQUET:field_id" metadata from delta.columnMapping.id,
// which the Parquet writer stores as field ids.
// Each AddFile has the encoded relative path, partitionValues (serialized strings, keyed by the
// physical name), size, modificationTime, dataChange and stats (stats.h).
//
// Memory: rows are written as they arrive (one or more row groups per Write call and partition);
// a batch spanning several partitions is copied once, grouped by partition. At most
// max_open_files files (one per partition) are open at a time.
// Errors: a failed Write/Finish leaves files that no commit references; Abort() deletes them.
//
// Thread-safety: a DataWriter is used by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "columnar/builder.h"
#include "format/parquet/writer.h"
#include "table/actions.h"
#include "table/delta_schema.h"
#include "table/stats.h"

namespace tide::table {

inline constexpr int64_t kDefaultTargetFileSize = 128LL * 1024 * 1024;

// A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string GenerateUuid();

// ---------------------------------------------------------------- schemas

// `batch` converted to `table_schema` (see the enforcement rules above). Shares the batch's
// buffers where no conversion is needed.
base::Result<std::shared_ptr<columnar::RecordBatch>> ConformBatch(const columnar::RecordBatch& batch,
                                                                  const columnar::Schema& table_schema);

// Checks the NOT NULL constraints of `schema` on `batch` (which has that schema's shape).
base::Status CheckNotNull(const columnar::RecordBatch& batch, const columnar::Schema& schema);

struct SchemaMerge {
  columnar::Schema schema;          // the merged logical schema
  bool changed = false;             // anything added or widened
  bool widened = false;             // a type widened (needs the typeWidening feature)
  int64_t max_column_id = 0;        // column mapping: the new delta.columnMapping.maxColumnId
  std::vector<std::string> added;   // dotted names of added columns
};

// Merges `incoming` into `table` (rules above). `mode` and `max_column_id` are the table's
// column mapping mode and delta.columnMapping.maxColumnId.
base::Result<SchemaMerge> MergeSchema(const columnar::Schema& table, const columnar::Schema& incoming,
                                      ColumnMappingMode mode = ColumnMappingMode::kNone, int64_t max_column_id = 0);

// ---------------------------------------------------------------- files

struct DataWriterOptions {
  // Target bytes per file; 0 = delta.targetFileSize of the table, else kDefaultTargetFileSize.
  int64_t target_file_size = 0;
  bool data_change = true;
  // fsync each file and its directory before Finish returns. Off by default: commits through
  // Transaction sync the files they add (in parallel with the commit file), which is one
  // dependent flush fewer per commit.
  bool sync = false;
  // Directory under the table root for the files ("" = the root; "_change_data" for CDC files).
  std::string subdirectory;
  // File name prefix ("part" for data files, "cdc" for change data files).
  std::string file_prefix = "part";
  // Files open at once (one per partition being written); past it the least recently written
  // partition's file is finished, and that partition starts a new file if more rows come.
  int max_open_files = 64;
  format::parquet::WriterOptions parquet;  // codec snappy by default
};

struct WrittenFile {
  AddFile add;
  int64_t num_records = 0;
};

class DataWriter {
 public:
  // `metadata`: the table's (possibly evolved) metadata; its schema is the logical schema of the
  // batches given to Write.
  static base::Result<std::unique_ptr<DataWriter>> Make(std::string table_root, const Metadata& metadata,
                                                        DataWriterOptions options = {});
  ~DataWriter();

  // Writes the rows of `batch`, which must have the table's logical schema (use ConformBatch).
  // Checks NOT NULL constraints.
  base::Status Write(const columnar::RecordBatch& batch);
  // Closes every open file (footer, fsync) and returns their AddFiles in the order written.
  base::Result<std::vector<AddFile>> Finish();
  // Like Finish, with the row count of each file.
  base::Result<std::vector<WrittenFile>> FinishFiles();
  // Deletes every file this writer created (best effort).
  void Abort();

  int64_t rows_written() const { return rows_written_; }
  int64_t files_started() const { return file_counter_; }

  struct Partition;  // writer.cc

 private:
  DataWriter() = default;
  base::Status WritePartitionRows(const std::string& key, const PartitionValues& values,
                                  const columnar::RecordBatch& data_rows);
  base::Status RollFile(Partition* p);
  base::Status CloseFile(Partition* p);

  std::string root_;
  Metadata metadata_;
  DataWriterOptions options_;
  ColumnMappingMode mode_ = ColumnMappingMode::kNone;
  std::shared_ptr<const columnar::Schema> logical_;      // the table schema
  std::vector<int> partition_indices_;                   // in metadata.partition_columns order
  std::vector<int> data_indices_;                        // non-partition columns, schema order
  std::vector<std::string> partition_keys_;              // names used in partitionValues / dirs
  std::shared_ptr<const columnar::Schema> data_logical_;   // non-partition columns, logical names
  std::shared_ptr<const columnar::Schema> data_physical_;  // the files' schema
  StatsOptions stats_options_;
  int64_t target_size_ = kDefaultTargetFileSize;
  std::map<std::string, std::unique_ptr<Partition>> partitions_;
  std::vector<WrittenFile> done_;
  std::vector<std::string> created_;  // absolute paths of files created
  std::set<std::string> sync_dirs_;   // directories holding new files or new directories
  int64_t file_counter_ = 0;
  int64_t rows_written_ = 0;
  int64_t open_files_ = 0;
  int64_t use_clock_ = 0;  // orders partitions by last write, for closing the least recent
  std::string uuid_;  // shared by this writer's files, as Spark names a job's files
  bool finished_ = false;
};

// Copies row `row` of `src` onto `builder` (same type). Used to gather rows of one partition.
void AppendArrayValue(columnar::ArrayBuilder* builder, const columnar::ArrayData& src, int64_t row);

}  // namespace tide::table
