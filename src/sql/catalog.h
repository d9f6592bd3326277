// What the binder needs to know about tables and views, as an interface the exec layer
// implements (exec/catalog.h maps names to Delta tables under the data directory, and
// delta.`path` / parquet.`path` to files).
//
// A TableHandle is one readable table at one version: its schema and enough identity for
// EXPLAIN and errors. The exec layer's handles also carry what the scan needs (the Delta
// snapshot, the Parquet file list) and are downcast there (exec/table_source.h).
//
// Name resolution is case-insensitive, as in Spark: the catalog folds names itself.
//
// Thread-safety: a Catalog is used by one session (one thread) at a time; handles are
// immutable and may be shared across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/type.h"
#include "sql/ast.h"

namespace tide::sql {

class TableHandle {
 public:
  virtual ~TableHandle() = default;
  // Logical columns (partition columns included, in table order).
  virtual const std::shared_ptr<const columnar::Schema>& schema() const = 0;
  // "sales", "delta.`/data/t`" — for EXPLAIN and messages.
  virtual std::string display_name() const = 0;
  // The version read (Delta); -1 when versionless (Parquet files).
  virtual int64_t version() const { return -1; }
  virtual std::vector<std::string> partition_columns() const { return {}; }
  // Row count when known without reading data (Delta add.stats numRecords, Parquet footers),
  // for the optimizer's join order; -1 when unknown.
  virtual int64_t EstimatedRows() const { return -1; }
};
using TableHandlePtr = std::shared_ptr<const TableHandle>;

// VERSION AS OF n / TIMESTAMP AS OF 'ts' after the binder evaluated the constant.
struct TimeTravelSpec {
  TimeTravelKind kind = TimeTravelKind::kVersion;
  int64_t version = -1;
  int64_t timestamp_micros = 0;  // UTC micros since the epoch
};

// A stored or temporary view: its query text (parsed and bound at each use) and the column
// names given in CREATE VIEW v (a, b) (empty: the query's own names).
struct ViewDefinition {
  std::string name;
  std::string query_sql;
  std::vector<std::string> columns;
};

class Catalog {
 public:
  virtual ~Catalog() = default;

  // `name` as written: one part ("sales"), two ("db.sales", or a path table "delta", "/x"),
  // or three. NotFound for an unknown table names it ("table or view 'sales' not found");
  // errors carry `pos` ("line 1, column 15: ...").
  virtual base::Result<TableHandlePtr> GetTable(const QualifiedName& name, const std::optional<TimeTravelSpec>& time_travel) = 0;

  // A view with this name, or nullopt (then GetTable is tried). Views shadow tables.
  virtual std::optional<ViewDefinition> GetView(const QualifiedName& name) = 0;
};

}  // namespace tide::sql
