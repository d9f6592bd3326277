// ParquetReader: reads Parquet files into columnar record batches, one row group at a time.
//
//   TIDE_ASSIGN_OR_RETURN(auto reader, ParquetReader::Open("part-0.parquet"));
//   reader->schema();                                  // columnar schema (see schema.h mapping)
//   TIDE_ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(0, {0, 2}));  // columns 0 and 2
//
// Input is untrusted: a corrupt file yields an error naming the file, the column, the row group
// and the page (with its byte offset) — never a crash, a hang or an allocation out of proportion
// to the file (every size is checked against the file size and the sizes the file declares).
// Encrypted files (magic "PARE", or a footer announcing an encryption algorithm) are refused
// with Unsupported: "file X is encrypted (Parquet modular encryption is not supported)".
//
// The whole file is memory-mapped (Open) or held in memory (OpenBuffer); decoded columns own
// their buffers, so batches stay valid after the reader is destroyed.
//
// Thread-safety: after Open, all const methods (including ReadRowGroup) may be called from
// several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "format/parquet/metadata.h"
#include "format/parquet/schema.h"

namespace tide::format::parquet {

class ParquetReader {
 public:
  static base::Result<std::unique_ptr<ParquetReader>> Open(const std::string& path);
  // `name` is used in error messages (e.g. the object key the bytes came from).
  static base::Result<std::unique_ptr<ParquetReader>> OpenBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes,
                                                                 std::string name);
  ~ParquetReader();

  const std::string& name() const { return name_; }
  const FileMetaData& metadata() const { return metadata_; }
  const columnar::Schema& schema() const { return *schema_.schema; }
  std::shared_ptr<const columnar::Schema> schema_ptr() const { return schema_.schema; }
  const ParquetSchema& parquet_schema() const { return schema_; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  int64_t num_rows() const { return metadata_.num_rows; }

  // Reads row group i. column_indices are top-level field indices of schema() (in the order
  // wanted; empty = all fields). The batch's schema holds the projected fields.
  base::Result<std::shared_ptr<columnar::RecordBatch>> ReadRowGroup(int i,
                                                                    const std::vector<int>& column_indices = {}) const;

 private:
  ParquetReader() = default;
  base::Status Init();

  std::string name_;
  std::shared_ptr<const void> owner_;  // keeps the bytes alive (mapping or vector)
  std::span<const uint8_t> file_;
  size_t data_end_ = 0;  // start of the footer
  FileMetaData metadata_;
  ParquetSchema schema_;
};

// ---------------------------------------------------------------- scanning with pruning

// A literal to compare a column with. Integers compare with integer, decimal (scaled to the
// column's scale), date (days), time and timestamp (in the column's unit) columns; doubles
// with float and integer columns; strings with string and binary columns (byte-wise);
// booleans with boolean columns.
using Literal = std::variant<int64_t, double, std::string, bool>;

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct Predicate {
  std::string column;  // a top-level primitive field
  CompareOp op = CompareOp::kEq;
  Literal value;
};

struct ScanOptions {
  std::vector<std::string> columns;      // projection by name; empty = all
  std::optional<Predicate> predicate;    // used only to skip row groups (rows are not filtered)
};

struct ScanStats {
  int row_groups_total = 0;
  int row_groups_skipped = 0;
  int64_t rows_read = 0;
};

// True when the statistics of row group `rg` prove no row can satisfy `pred` (so it may be
// skipped). Honors the column order and signedness: deprecated min/max are used only where
// their order is the signed order the column needs; NaN bounds and unknown orders prove nothing;
// float columns are pruned only for =, <, <= (NaN, absent from the bounds, can satisfy the rest
// under the NaN-is-largest order of Spark and DuckDB). Decimal literals must be integers.
// An unknown column or an unusable literal never skips.
bool RowGroupCannotMatch(const ParquetReader& reader, int rg, const Predicate& pred);

// Reads every row group that may match, calling on_batch for each. Stops at the first error
// (from reading or from the callback).
base::Status Scan(const ParquetReader& reader, const ScanOptions& options,
                  const std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>& on_batch,
                  ScanStats* stats = nullptr);

// ---------------------------------------------------------------- CLI helpers

// `tide parquet schema FILE`: the columnar schema (one "name TYPE" per line, NOT NULL marked)
// followed by a blank line and the Parquet schema tree.
std::string DescribeSchema(const ParquetReader& reader);
// `tide parquet meta FILE`: a JSON document: version, created_by, num_rows, key-value metadata,
// and per row group its columns with path, physical type, codec, encodings, sizes, offsets,
// num_values and decoded statistics (min/max rendered like the JSON row format).
std::string DescribeMetadata(const ParquetReader& reader);
// `tide parquet cat FILE`: every row as a JSON line (columnar/json.h format), at most `limit`
// rows when limit >= 0. Errors name the file.
base::Status CatJsonLines(const ParquetReader& reader, std::ostream& out, int64_t limit = -1);

}  // namespace tide::format::parquet
