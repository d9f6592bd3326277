// The exec layer's catalog (sql/catalog.h): table names map to Delta tables under
// DATA_DIR/tables/<name> (names folded to lower case; `default.name` and `spark_catalog.default.name`
// are the same table), path tables delta.`/path` and parquet.`/path` (a file, a directory of
// files, or a glob) read files anywhere, and views live in DATA_DIR/meta/views/<name>.json
// (temporary views only in the session).
//
// Handles returned are exec::ScanTable (table_source.h) at a fixed snapshot: a query sees
// one version of each table for its whole run.
//
// Thread-safety: one session's thread at a time.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "sql/catalog.h"

namespace tide::exec {

class Catalog : public sql::Catalog {
 public:
  explicit Catalog(std::string data_dir);

  base::Result<sql::TableHandlePtr> GetTable(const sql::QualifiedName& name,
                                             const std::optional<sql::TimeTravelSpec>& time_travel) override;
  std::optional<sql::ViewDefinition> GetView(const sql::QualifiedName& name) override;

  // DATA_DIR/tables/<name> for a catalog name (validated: letters, digits, '_').
  base::Result<std::string> TablePath(const sql::QualifiedName& name) const;
  // The table root for a named table or delta.`path` (for DDL, DML and maintenance).
  base::Result<std::string> ResolveDeltaRoot(const sql::QualifiedName& name) const;
  std::vector<std::string> ListTables() const;

  base::Status CreateView(const sql::ViewDefinition& view, bool temporary, bool or_replace);
  base::Status DropView(const std::string& name, bool if_exists);
  const std::string& data_dir() const { return data_dir_; }

  // Rows per batch that path tables and direct Delta reads deliver (the session sets it from
  // ExecSettings::batch_size).
  void set_batch_rows(int64_t rows) { batch_rows_ = rows; }
  // A catalog name of an external (CREATE TABLE ... LOCATION) table: the name maps to
  // `location`, recorded in DATA_DIR/meta/tables/<name>.json. Forget removes the record only.
  base::Status RegisterExternalTable(const std::string& name, const std::string& location);
  base::Status ForgetExternalTable(const std::string& name);
  // The external location of a name, if it has one.
  std::optional<std::string> ExternalLocation(const std::string& name) const;
  // The lower-cased, validated table name of a one-, two- (default.t) or three-part
  // (spark_catalog.default.t) name; InvalidArgument/NotFound otherwise.
  base::Result<std::string> TableName(const sql::QualifiedName& name) const;
  // All views as (name, temporary): temporary ones first, then stored ones.
  std::vector<std::pair<std::string, bool>> ListViews() const;

 private:
  std::string data_dir_;
  std::map<std::string, sql::ViewDefinition> temp_views_;
  int64_t batch_rows_ = 65536;
};

}  // namespace tide::exec
