// TextFileScanTable: JSON-lines and CSV files read directly (json.`path`, csv.`path`) as a scan
// source (table_source.h), as Spark reads them without options.
//
// `path` names files as for Parquet (parquet_source.h ListDataFiles: a file, a directory of
// *.json / *.csv files, or a glob). Schemas:
//   json  inferred from the first file's first 1000 lines (format/json_reader.h InferJsonSchema);
//         members a file has beyond the schema are ignored, missing ones are null
//   csv   no header (Spark's default): columns _c0, _c1, ... of type STRING, as many as the first
//         record of the first file has fields
// Each file is one morsel, read whole (the text formats have no statistics, so nothing is
// skipped); EstimatedRows is unknown (-1). Errors of the readers name the file and line.
//
// Thread-safety: immutable after Open; ReadMorsel may run on many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "exec/table_source.h"

namespace tide::exec {

class TextFileScanTable : public ScanTable {
 public:
  enum class Format { kJson, kCsv };
  static base::Result<std::shared_ptr<TextFileScanTable>> Open(Format format, const std::string& path,
                                                               std::string display_name, int64_t batch_rows = 65536);

  const std::shared_ptr<const columnar::Schema>& schema() const override { return schema_; }
  std::string display_name() const override { return display_name_; }

  base::Result<std::vector<ScanMorsel>> PlanMorsels(const std::vector<int>& columns,
                                                    const std::vector<sql::BoundExprPtr>& filters,
                                                    ScanPlanStats* stats) const override;
  base::Status ReadMorsel(const ScanMorsel& morsel, const std::vector<int>& columns,
                          const std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>& on_batch) const override;

  TextFileScanTable() = default;  // use Open; public for make_shared

 private:
  Format format_ = Format::kJson;
  std::shared_ptr<const columnar::Schema> schema_;
  std::string display_name_;
  std::vector<std::string> files_;
  int64_t batch_rows_ = 65536;
};

}  // namespace tide::exec
