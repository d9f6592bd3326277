// ParquetWriter: writes columnar record batches as a Parquet file that any reader (DuckDB,
// Spark, Arrow, Tide's ParquetReader) can read.
//
//   TIDE_ASSIGN_OR_RETURN(auto w, ParquetWriter::Open("part-0.parquet", schema, {}));
//   TIDE_RETURN_IF_ERROR(w->WriteBatch(*batch));   // one or more row groups per call
//   TIDE_RETURN_IF_ERROR(w->Close());              // writes the footer; the file is complete
//
// What is written: data pages v1 (or v2, WriterOptions::data_page_v2) with RLE levels; PLAIN
// values (or DELTA_BINARY_PACKED / DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY as chosen), or a
// dictionary page plus RLE_DICTIONARY pages for string, binary and 4/8-byte numeric columns
// whose distinct values are few and small (numbers: when that is smaller than PLAIN); the
// chosen codec for every page; a CRC-32 per page; per-chunk statistics (null count, min/max in
// the type's order — omitted for NaN-only float columns and values over 4 KiB) and size
// statistics (string bytes, definition/repetition level histograms);
// TYPE_ORDER column orders; logical types plus the legacy converted types old readers know.
// Type mapping (the inverse of schema.h): TINYINT/SMALLINT/INT → INT32 (+INTEGER(8|16,
// signed)), unsigned → INTEGER(n, false), BIGINT → INT64, DECIMAL(p≤9) → INT32, (p≤18) → INT64,
// else FIXED_LEN_BYTE_ARRAY of the minimal width, DATE → INT32 DATE, TIME → INT64 TIME,
// TIMESTAMP[_NTZ] → INT64 TIMESTAMP(MICROS|NANOS, utc), STRING → BYTE_ARRAY STRING, BINARY,
// BINARY(n) → FIXED_LEN_BYTE_ARRAY(n), STRUCT → group, ARRAY → 3-level LIST, MAP → MAP with
// key_value. VOID columns are Unsupported.
//
// Errors: a failed write leaves a file without a footer (readers reject it); Close() after an
// error returns that error. Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "format/parquet/metadata.h"
#include "format/parquet/schema.h"

namespace tide::format::parquet {

struct WriterOptions {
  CompressionCodec codec = CompressionCodec::kSnappy;
  int compression_level = 0;          // 0 = the codec's default
  int64_t max_row_group_rows = 1 << 20;
  int64_t target_page_bytes = 1 << 20;
  int64_t max_page_rows = 20000;
  bool dictionary = true;             // dictionary-encode string, binary and 4/8-byte numeric columns when it pays
  int64_t max_dictionary_bytes = 1 << 20;
  bool statistics = true;
  // SizeStatistics per column chunk: string value bytes and level histograms, which readers
  // use to size buffers before decoding.
  bool size_statistics = true;
  bool page_crc = true;
  // DATA_PAGE_V2 pages: levels stored uncompressed ahead of the (compressed) values, and the
  // page's row and null counts in its header. Default v1 pages, which every reader knows.
  bool data_page_v2 = false;
  // Encoding of values that are not dictionary-encoded. INT32/INT64 columns (also dates,
  // times, timestamps, small decimals): kPlain or kDeltaBinaryPacked. BYTE_ARRAY columns:
  // kPlain, kDeltaLengthByteArray or kDeltaByteArray. Other columns always use PLAIN; any
  // other choice is InvalidArgument at Open.
  Encoding integer_encoding = Encoding::kPlain;
  Encoding byte_array_encoding = Encoding::kPlain;
  std::string created_by = "tide";
  std::vector<KeyValue> key_value_metadata;
};

// Where the bytes go: a file or a memory buffer.
class ParquetSink {
 public:
  virtual ~ParquetSink() = default;
  virtual base::Status Write(const uint8_t* data, size_t n) = 0;
  virtual base::Status Close() = 0;
};

class ParquetWriter {
 public:
  static base::Result<std::unique_ptr<ParquetWriter>> Open(const std::string& path,
                                                           std::shared_ptr<const columnar::Schema> schema,
                                                           WriterOptions options = {});
  // Appends to *out (which must outlive the writer).
  static base::Result<std::unique_ptr<ParquetWriter>> OpenBuffer(std::vector<uint8_t>* out,
                                                                 std::shared_ptr<const columnar::Schema> schema,
                                                                 WriterOptions options = {});
  ~ParquetWriter();

  // Writes the batch's rows (its schema must equal the writer's) as one or more row groups.
  base::Status WriteBatch(const columnar::RecordBatch& batch);
  // Writes the footer and closes the sink. Idempotent.
  base::Status Close();

  const FileMetaData& metadata() const { return metadata_; }
  int64_t bytes_written() const { return offset_; }

 private:
  ParquetWriter() = default;
  base::Status Init();
  base::Status WriteRowGroup(const columnar::RecordBatch& batch, int64_t offset, int64_t rows);
  base::Status Put(const std::vector<uint8_t>& bytes);

  std::unique_ptr<ParquetSink> sink_;
  std::string name_;
  std::shared_ptr<const columnar::Schema> schema_;
  WriterOptions options_;
  ParquetSchema parquet_schema_;
  FileMetaData metadata_;
  int64_t offset_ = 0;
  bool closed_ = false;
  base::Status error_;
};

// `tide parquet rewrite IN OUT`: reads every row group of IN and writes it as one row group
// (or more, per options.max_row_group_rows) of OUT with Tide's writer. Key-value metadata is
// kept except "ARROW:schema" (it describes the original physical layout).
base::Status RewriteParquetFile(const std::string& in, const std::string& out, const WriterOptions& options = {});

// Field metadata key whose value (a decimal int32) becomes the Parquet field_id of the column.
inline constexpr const char* kFieldIdMetadataKey = "PARQUET:field_id";

// Columnar schema → Parquet schema elements (root first), per the mapping above; a field with
// kFieldIdMetadataKey metadata gets that field_id (InvalidArgument when it is not an int32).
base::Result<std::vector<SchemaElement>> ToParquetSchema(const columnar::Schema& schema);

}  // namespace tide::format::parquet
