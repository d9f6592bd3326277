// ParquetScanTable: Parquet files read directly (parquet.`path`) as a scan source
// (table_source.h).
//
// `path` is a file, a directory (every *.parquet file below it, recursively, skipping names
// that start with '_' or '.', in path order) or a glob pattern (glob(3): *, ?, [...]). All
// footers are read once when the table is opened (Open); the schema is the first file's, and
// every other file must have each of its columns with the same type (InvalidArgument naming
// the file and the column otherwise; columns may sit at other positions). Morsels are row
// groups; PlanMorsels skips row groups whose statistics prove no row matches the pushed-down
// conjuncts (filter_pushdown.h). ReadMorsel reads only the projected columns, in batches of at
// most `batch_rows` rows. EstimatedRows is the footers' row count.
//
// Errors: NotFound when the path matches no file ("parquet.`/x`: no such file or directory"),
// errors of the Parquet reader name the file.
//
// Thread-safety: immutable after Open; ReadMorsel may run on many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "exec/table_source.h"
#include "format/parquet/reader.h"

namespace tide::exec {

// The files a path table names (see above), sorted. NotFound when nothing matches.
base::Result<std::vector<std::string>> ListDataFiles(const std::string& path, const std::string& extension);

class ParquetScanTable : public ScanTable {
 public:
  static base::Result<std::shared_ptr<ParquetScanTable>> Open(const std::string& path, std::string display_name,
                                                              int64_t batch_rows = 65536);

  const std::shared_ptr<const columnar::Schema>& schema() const override { return schema_; }
  std::string display_name() const override { return display_name_; }
  int64_t EstimatedRows() const override { return total_rows_; }

  base::Result<std::vector<ScanMorsel>> PlanMorsels(const std::vector<int>& columns,
                                                    const std::vector<sql::BoundExprPtr>& filters,
                                                    ScanPlanStats* stats) const override;
  base::Status ReadMorsel(const ScanMorsel& morsel, const std::vector<int>& columns,
                          const std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>& on_batch) const override;

  size_t num_files() const { return files_.size(); }

  ParquetScanTable() = default;  // use Open; public for make_shared

 private:
  struct File {
    std::string path;
    std::unique_ptr<format::parquet::ParquetReader> reader;
    std::vector<int> field_index;  // table column -> the file's top-level field
  };
  std::shared_ptr<const columnar::Schema> schema_;
  std::string display_name_;
  std::vector<File> files_;
  int64_t total_rows_ = 0;
  int64_t batch_rows_ = 65536;
};

}  // namespace tide::exec
