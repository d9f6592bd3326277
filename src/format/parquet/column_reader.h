// Reading one column chunk (all its pages, or the pages of a row range) into levels + dense
// values, and assembling the leaves of a top-level field into an Arrow-layout column. Internal
// to the Parquet reader.
//
// Bounds: every page must lie inside the column chunk, the chunk inside the file's data area;
// decompression is capped at the page's declared uncompressed size; the number of levels in a
// chunk is capped (4 Mi + 1024 per byte of the chunk) and may not exceed its declared
// num_values; DELTA_BYTE_ARRAY output is capped at 256x its page; strings at 2 GiB per chunk
// (per row range, when one is read).
// So a small file cannot make the reader allocate much more than a real file of its size would
// (dictionary gathers are the exception: up to 2 GiB of repeated strings, as declared).
//
// Partial pages: a single-range read (ReadLeafChunk with a RowRange) that needs only the first
// k rows of a flat page compressed with snappy or zstd, with PLAIN or dictionary-encoded values,
// decompresses only the prefix of the page those rows occupy (format/prefix_decompressor.h):
// DuckDB writes one page per 1 Mi-row column chunk, and a 1 % scan would otherwise decompress it
// all. The page CRC, when present, is computed over the compressed bytes (parquet-format
// PageHeader.crc), so it is still checked over the whole page; damage to the compressed bytes
// past the prefix that the CRC does not catch (or in a page without CRC) goes unnoticed by such a
// read, as it would by a reader that skips the page. Whole pages keep one-shot decompression.
// PLAIN fixed-width pages read whole are decompressed straight into the chunk's value buffer.
//
// Thread-safety: functions are reentrant; inputs are read-only (decompressed pages go to a
// buffer of the calling thread). A LeafChunkReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "format/parquet/metadata.h"
#include "format/parquet/schema.h"

namespace tide::format::parquet {

// A vector whose resize leaves new elements uninitialized: decoded values are written right
// after the buffer grows, so zero-filling it first would only cost a pass over the memory.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using ValueBytes = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

// A decoded column chunk. Values are dense (only non-null leaf values), already converted to
// the leaf's columnar type: fixed-width types in `fixed` (booleans one byte each), strings and
// binaries as offsets + data.
struct LeafChunk {
  std::vector<int16_t> def;  // empty when max_def == 0
  std::vector<int16_t> rep;  // empty when max_rep == 0
  int64_t num_levels = 0;
  int64_t num_values = 0;    // dense values
  ValueBytes fixed;
  // The values start at fixed.data() + fixed_offset: a PLAIN page decompressed straight into
  // `fixed` leaves its levels in front of its values (moving 8 MB of values down by a few bytes
  // would cost what decompressing into a separate buffer and copying does).
  size_t fixed_offset = 0;
  std::vector<int32_t> offsets;  // byte arrays: num_values + 1 entries
  std::vector<uint8_t> data;
};

struct ChunkContext {
  std::span<const uint8_t> file;  // the whole file
  size_t data_end = 0;            // where the footer starts: pages must end before it
  std::string file_name;
  int row_group = 0;
};

// Rows [begin, end) of a row group (end may exceed the row group: it is then clamped).
struct RowRange {
  int64_t begin = 0;
  int64_t end = INT64_MAX;
};

// Reads and decodes every page of a column chunk.
base::Status ReadLeafChunk(const ChunkContext& ctx, const ColumnChunk& chunk, const LeafInfo& leaf, LeafChunk* out);
// Reads only the levels and values of rows `rows`. Pages of a flat column (no repetition)
// outside the range are skipped undecompressed; pages of a repeated column before the range
// are decompressed to find row starts (their values are not decoded).
// The 2 GiB limit on a column's strings applies to the range, not the chunk.
base::Status ReadLeafChunk(const ChunkContext& ctx, const ColumnChunk& chunk, const LeafInfo& leaf, RowRange rows,
                           LeafChunk* out);

class ChunkReader;

// Reads a column chunk's rows in ascending ranges, keeping its place between calls (page
// position, dictionary, a decoded page that holds rows of the next range), so reading a row
// group in n batches decodes each page once. `chunk` and `leaf` must outlive the reader.
class LeafChunkReader {
 public:
  LeafChunkReader(const ChunkContext& ctx, const ColumnChunk& chunk, const LeafInfo& leaf);
  ~LeafChunkReader();
  // Appends rows `rows` to *out (normally a fresh LeafChunk). rows.begin must be >= the
  // previous call's rows.end (InvalidArgument otherwise).
  base::Status Read(RowRange rows, LeafChunk* out);

 private:
  std::unique_ptr<ChunkReader> impl_;
};

// Builds the column of a top-level field from its leaves' chunks (indexed like schema leaves;
// only the field's own leaves are used). `num_rows` is the row group's row count.
base::Result<columnar::ArrayPtr> AssembleField(const SchemaNode& field, const std::vector<LeafInfo>& leaves,
                                               std::vector<LeafChunk>& chunks, int64_t num_rows);

}  // namespace tide::format::parquet
