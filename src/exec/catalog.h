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

 private:
  std::string data_dir_;
  std::map<std::string, sql::ViewDefinition> temp_views_;
};

}  // namespace tide::exec
