// libFuzzer target: open arbitrary bytes as a Parquet file from memory, read every row group,
// render the metadata and the rows as JSON. Any crash, hang, sanitizer report or oversized
// allocation is a bug: the reader must answer every input with a value or an error.
//
//   build/fuzz/fuzz/parquet_reader_fuzz -max_total_time=60 CORPUS_DIR \
//       ../shared/testdata/parquet-testing/data
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <vector>

#include "format/parquet/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto bytes = std::make_shared<const std::vector<uint8_t>>(data, data + size);
  auto reader = tide::format::parquet::ParquetReader::OpenBuffer(bytes, "fuzz.parquet");
  if (!reader.ok()) return 0;
  const auto& r = **reader;
  (void)tide::format::parquet::DescribeSchema(r);
  (void)tide::format::parquet::DescribeMetadata(r);
  std::ostringstream out;
  (void)tide::format::parquet::CatJsonLines(r, out, 1000);
  for (int g = 0; g < r.num_row_groups() && g < 8; ++g) {
    (void)tide::format::parquet::RowGroupCannotMatch(r, g, {r.schema().num_fields() ? r.schema().field(0)->name() : "",
                                                             tide::format::parquet::CompareOp::kEq, int64_t{1}});
    // Row ranges and batches: the page-skipping and partial-page paths.
    (void)r.ReadRowGroupRows(g, 3, 5);
    (void)r.ReadRowGroupBatches(g, 7, {}, [](std::shared_ptr<tide::columnar::RecordBatch>) {
      return tide::base::Status::OK();
    });
  }
  // Row filtering on the first column (errors for nested columns are fine).
  if (r.schema().num_fields() > 0 && r.num_row_groups() <= 8) {
    tide::format::parquet::ScanOptions o;
    o.predicate = tide::format::parquet::Predicate{r.schema().field(0)->name(), tide::format::parquet::CompareOp::kGe,
                                                   int64_t{0}};
    o.filter_rows = true;
    o.batch_rows = 4;
    (void)tide::format::parquet::Scan(r, o, [](std::shared_ptr<tide::columnar::RecordBatch>) {
      return tide::base::Status::OK();
    });
  }
  return 0;
}
