// DeltaTable: create, append to and overwrite a Delta table in one call each.
//
//   TIDE_ASSIGN_OR_RETURN(auto v0, DeltaTable::Create(root, schema, {"country"}, {}));
//   TIDE_ASSIGN_OR_RETURN(WriteResult r, DeltaTable::Append(root, batches));
//   TIDE_ASSIGN_OR_RETURN(WriteResult o, DeltaTable::Overwrite(root, batches, {.replace_where = "country = 'US'"}));
//
// Create commits version 0 (protocol + metaData with a random UUID id and createdTime, the
// schema as Delta JSON, partition columns in the schema's spelling, the properties); it refuses
// a path that already holds a Delta table (AlreadyExists), unknown partition columns, nested
// partition columns, and malformed delta.* properties (InvalidArgument). With
// delta.columnMapping.mode = name|id every field gets an id and a physical name.
//
// Append writes the batches (schema enforcement, or evolution with merge_schema; writer.h) and
// commits one version with the new files (a blind append). With app_id set, a version of that
// app already in the table makes the append a no-op (skipped = true): idempotent retries of a
// streaming micro-batch.
//
// Overwrite replaces the whole table's data, or with replace_where only the files of the
// partitions matching the predicate; rows outside the predicate are refused (InvalidArgument
// naming the partition values). It runs at Serializable isolation, so data appended
// concurrently into the replaced partitions makes it fail with Conflict instead of surviving.
//
// Errors: every error leaves the table as it was; data files written before a refused or
// conflicting commit are deleted.
//
// Thread-safety: the functions may run concurrently on one table from threads or processes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "table/transaction.h"
#include "table/writer.h"

namespace tide::table {

// Produces the batches of a write one at a time; nullptr ends the input.
using BatchSource = std::function<base::Result<std::shared_ptr<columnar::RecordBatch>>()>;
// A source over a vector of batches.
BatchSource VectorSource(std::vector<std::shared_ptr<columnar::RecordBatch>> batches);

struct WriteResult {
  int64_t version = -1;          // the committed version (the current one when skipped)
  int64_t num_files = 0;         // files added
  int64_t num_rows = 0;          // rows written
  int64_t num_bytes = 0;         // bytes of the files added
  int64_t num_removed_files = 0; // files removed (overwrite)
  bool skipped = false;          // app_id/app_version already committed
  bool schema_changed = false;   // merge_schema changed the table schema
};

struct AppendOptions {
  bool merge_schema = false;
  std::optional<std::string> app_id;  // with app_version: idempotent write (txn action)
  int64_t app_version = 0;
  DataWriterOptions writer;
  TransactionOptions transaction;
};

struct OverwriteOptions {
  // A predicate over partition columns: comparisons (=, !=, <>, <, <=, >, >=) with literals
  // ('text', numbers, true/false), IN (...), IS [NOT] NULL, joined by AND.
  std::optional<std::string> replace_where;
  bool merge_schema = false;
  DataWriterOptions writer;
  TransactionOptions transaction;
};

// A conjunction of conditions over partition values (used by replaceWhere).
class PartitionPredicate {
 public:
  // Column names resolve case-insensitively against the table's partition columns; a column
  // that is not a partition column is InvalidArgument ("replaceWhere: column 'x' is not a
  // partition column (partition columns: a, b)").
  static base::Result<PartitionPredicate> Parse(std::string_view text, const columnar::Schema& schema,
                                                const std::vector<std::string>& partition_columns,
                                                ColumnMappingMode mode);
  // Whether a file with these partition values (keyed by physical names) satisfies it.
  bool Matches(const PartitionValues& values) const;
  const std::string& text() const { return text_; }

  struct Condition;  // table.cc

 private:
  std::string text_;
  std::vector<std::shared_ptr<const Condition>> conditions_;
};

class DeltaTable {
 public:
  // Returns version 0.
  static base::Result<int64_t> Create(const std::string& root, const columnar::Schema& schema,
                                      const std::vector<std::string>& partition_columns,
                                      const std::map<std::string, std::string>& properties,
                                      std::optional<std::string> name = std::nullopt,
                                      std::optional<std::string> description = std::nullopt);

  static base::Result<WriteResult> Append(const std::string& root, const BatchSource& source,
                                          const AppendOptions& options = {});
  static base::Result<WriteResult> Append(const std::string& root,
                                          std::vector<std::shared_ptr<columnar::RecordBatch>> batches,
                                          const AppendOptions& options = {});

  static base::Result<WriteResult> Overwrite(const std::string& root, const BatchSource& source,
                                             const OverwriteOptions& options = {});
  static base::Result<WriteResult> Overwrite(const std::string& root,
                                             std::vector<std::shared_ptr<columnar::RecordBatch>> batches,
                                             const OverwriteOptions& options = {});
};

}  // namespace tide::table
