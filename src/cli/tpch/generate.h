// `tide gen tpch`: writes the TPC-H tables of dbgen.h as Parquet files and/or Delta tables.
//
// Layout under `out_dir`:
//   parquet/<table>/part-NNNNN.parquet   one file per chunk (read with parquet.`DIR/parquet/t`)
//   tables/<table>/                      a Delta table (what `tide sql --data-dir DIR` names)
//   tpch.json                            {"scale":..,"format":..,"files_per_table":..} written last,
//                                        so its presence means the data set is complete
// With both formats each chunk is written once, by the Delta writer (which also records file
// statistics), and the file is hard-linked (copied across file systems) into parquet/, so the
// Parquet files and the Delta table hold the same bytes.
//
// Chunks: each table's driver rows are split into `files_per_table` ranges (default: by size,
// about 1.5 M lineitem rows / 1 M rows of other tables per file; NATION and REGION one file)
// and the chunks of all tables run on `threads` threads, largest first. The data does not
// depend on the chunking (dbgen.h).
//
// Errors: InvalidArgument for a bad scale/format; AlreadyExists when a table's directory exists
// (unless `overwrite`, which deletes exactly those table directories first); I/O errors name
// the file. On error the partial output is left for inspection and tpch.json is not written.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "format/parquet/metadata.h"

namespace tide::cli::tpch {

struct GenerateOptions {
  double scale = 1.0;
  std::string out_dir;
  bool parquet = true;
  bool delta = true;
  int files_per_table = 0;  // 0: by size (above)
  int threads = 0;          // 0: one per core
  bool overwrite = false;
  format::parquet::CompressionCodec codec = format::parquet::CompressionCodec::kSnappy;
  int64_t row_group_rows = 122880;
  // Progress lines ("lineitem: 3/4 files, 4.5 M rows"), called from one thread at a time.
  std::function<void(const std::string&)> progress;
};

base::Status Generate(const GenerateOptions& options);

}  // namespace tide::cli::tpch
