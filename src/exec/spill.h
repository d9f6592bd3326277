// Spill files: record batches written to disk as rows of the row codec
// (operators/row_codec.h) and read back as batches, for operators past the memory limit.
//
// File format (private to one query, removed with its spill directory): a sequence of blocks
//   u32 magic 0x5449534C ("TISL"), u32 row count, u32 payload bytes,
//   payload: per row a u32 length and the encoded row.
// A reader checks every length against the block and the block against the file, so a
// damaged file gives Corruption naming the file, never a crash or an unbounded allocation.
//
// Thread-safety: a writer or reader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "columnar/array.h"
#include "exec/query_context.h"

namespace tide::exec {

class SpillWriter {
 public:
  // A new file under the query's spill directory.
  static base::Result<std::unique_ptr<SpillWriter>> Open(QueryContext* ctx, const std::string& tag);
  ~SpillWriter();

  // Appends one encoded row (the concatenated encodings of one row's columns).
  base::Status AppendRow(std::string_view row);
  // Appends every row of the batch.
  base::Status AppendBatch(const columnar::RecordBatch& batch);
  // Flushes and closes; the file can then be read. Adds the bytes to ctx->AddSpilledBytes.
  base::Status Finish();

  const std::string& path() const { return path_; }
  int64_t rows() const { return rows_; }
  int64_t bytes() const { return bytes_; }

 private:
  base::Status FlushBlock();
  QueryContext* ctx_ = nullptr;
  std::string path_;
  FILE* file_ = nullptr;
  std::vector<uint8_t> block_;
  uint32_t block_rows_ = 0;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
};

class SpillReader {
 public:
  static base::Result<std::unique_ptr<SpillReader>> Open(const std::string& path,
                                                         std::shared_ptr<const columnar::Schema> schema);
  ~SpillReader();
  // The next batch of up to `max_rows` rows, or nullptr at the end of the file.
  base::Result<std::shared_ptr<columnar::RecordBatch>> Next(int64_t max_rows);

 private:
  base::Status LoadBlock();
  std::string path_;
  std::shared_ptr<const columnar::Schema> schema_;
  FILE* file_ = nullptr;
  std::vector<uint8_t> block_;
  size_t pos_ = 0;
  uint32_t left_in_block_ = 0;
  bool eof_ = false;
};

// Reads every batch of the files (in order) into `out`.
base::Status ReadSpillFiles(const std::vector<std::string>& paths, const std::shared_ptr<const columnar::Schema>& schema,
                            int64_t batch_rows, std::vector<std::shared_ptr<columnar::RecordBatch>>* out);

}  // namespace tide::exec
