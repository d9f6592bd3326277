// ParquetReader: reads Parquet files into columnar record batches, one row group at a time.
//
//   TIDE_ASSIGN_OR_RETURN(auto reader, ParquetReader::Open("part-0.parquet"));
//   reader->schema();                                  // columnar schema (see schema.h mapping)
//   TIDE_ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(0, {0, 2}));  // columns 0 and 2
//   reader->ReadRowGroupBatches(0, 65536, {}, on_batch);             // a row group in parts
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

  // Reads rows [first_row, first_row + num_rows) of row group i (clamped to its rows; an empty
  // range gives an empty batch). Pages of flat columns outside the range are skipped without
  // being decompressed; repeated columns are decompressed up to the range's end to find where
  // rows start (values are decoded only inside the range). The 2 GiB limit on one column's
  // strings applies to the range, so a row group too large to read whole can be read in parts.
  base::Result<std::shared_ptr<columnar::RecordBatch>> ReadRowGroupRows(
      int i, int64_t first_row, int64_t num_rows, const std::vector<int>& column_indices = {}) const;

  // Reads row group i as consecutive batches of at most batch_rows rows (batch_rows <= 0: the
  // whole row group in one batch) and calls on_batch with each, in order; stops at the first
  // error. The column readers keep their place between batches: every page is decoded once.
  base::Status ReadRowGroupBatches(int i, int64_t batch_rows, const std::vector<int>& column_indices,
                                   const std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>& on_batch) const;

 private:
  ParquetReader() = default;
  base::Status Init();
  base::Result<std::shared_ptr<columnar::RecordBatch>> ReadRows(int i, int64_t first_row, int64_t num_rows,
                                                                 const std::vector<int>& column_indices) const;

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
  // Skips row groups whose statistics prove no row matches. Rows themselves are filtered only
  // with filter_rows.
  std::optional<Predicate> predicate;
  // With a predicate: evaluate it on every row and deliver only matching rows. The predicate
  // column is read first; the other columns are read only for the span from the first to the
  // last matching row of each batch (pages outside it are skipped), and batches without a
  // match are dropped. SQL semantics: nulls never match; floats order NaN above every number
  // and NaN = NaN (as Spark and DuckDB). The predicate column must then be a top-level
  // primitive column and the literal must fit its type (InvalidArgument otherwise).
  bool filter_rows = false;
  // Rows per delivered batch (0: one batch per row group). Batches read a row group in parts
  // (ParquetReader::ReadRowGroupRows), so a huge row group needs no huge batch.
  int64_t batch_rows = 0;
};

struct ScanStats {
  int row_groups_total = 0;
  int row_groups_skipped = 0;   // by statistics
  int64_t rows_read = 0;        // rows delivered to on_batch
  int64_t batches_skipped = 0;  // filter_rows: batches read for the predicate column without a match
};

// True when the statistics of row group `rg` prove no row can satisfy `pred` (so it may be
// skipped). Honors the column order and signedness: deprecated min/max are used only where
// their order is the signed order the column needs; NaN bounds and unknown orders prove nothing;
// float columns are pruned only for =, <, <= (NaN, absent from the bounds, can satisfy the rest
// under the NaN-is-largest order of Spark and DuckDB). Decimal literals must be integers.
// An unknown column or an unusable literal never skips.
bool RowGroupCannotMatch(const ParquetReader& reader, int rg, const Predicate& pred);

// Reads every row group that may match, calling on_batch for each batch (see ScanOptions).
// Stops at the first error (from reading or from the callback).
base::Status Scan(const ParquetReader& reader, const ScanOptions& options,
                  const std::function<base::Status(std::shared_ptr<columnar::RecordBatch>)>& on_batch,
                  ScanStats* stats = nullptr);

// ---------------------------------------------------------------- CLI helpers

// `tide parquet schema FILE`: the columnar schema (one "name TYPE" per line, NOT NULL marked)
// followed by a blank line and the Parquet schema tree.
std::string DescribeSchema(const ParquetReader& reader);
// `tide parquet meta FILE`: a JSON document: version, created_by, num_rows, key-value metadata,
// and per row group its columns with path, physical type, codec, encodings, sizes, offsets,
// num_values, decoded statistics (min/max rendered like the JSON row format) and size
// statistics (string bytes, level histograms) when the file has them.
std::string DescribeMetadata(const ParquetReader& reader);
// `tide parquet cat FILE`: every row as a JSON line (columnar/json.h format), at most `limit`
// rows when limit >= 0. Errors name the file.
base::Status CatJsonLines(const ParquetReader& reader, std::ostream& out, int64_t limit = -1);

}  // namespace tide::format::parquet
