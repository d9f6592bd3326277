// Parquet write and scan throughput against the machine's limit measured in the same run:
// memcpy of the same decoded bytes (what a zero-work reader would cost) and read() of the
// file bytes from the page cache.
//
//   parquet_scan_bench [rows=2000000] [codec=snappy|none|zstd] [dir=/tmp]
//
// Data: id BIGINT (sequential), v DOUBLE, n INT (10% null), k STRING (8 distinct: dictionary),
// s STRING (unique, ~12 bytes), in row groups of 1 Mi rows.
// Prints:
//   RESULT parquet_write_rows_per_s <rows/s> rows/s
//   RESULT parquet_scan_rows_per_s <rows/s> rows/s
//   RESULT parquet_scan_decoded_mb_per_s <MB/s> MB/s       (Arrow bytes produced per second)
//   RESULT memcpy_decoded_mb_per_s <MB/s> MB/s             (copying those bytes once)
//   RESULT file_read_mb_per_s <MB/s> MB/s                  (read() of the file, page cache)
//   RESULT parquet_scan_rows_per_cpu_s <rows/s> rows/s        (same scan, per CPU second: stable
//                                                            on a busy machine)
//   RESULT parquet_file_bytes_per_row <bytes> B
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "columnar/builder.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"

namespace {

namespace col = tide::columnar;
namespace pq = tide::format::parquet;

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int64_t DecodedBytes(const col::ArrayData& a) {
  int64_t n = 0;
  for (const auto& b : a.buffers) n += b ? b->size() : 0;
  for (const auto& c : a.children) n += DecodedBytes(*c);
  return n;
}

void CopyBuffers(const col::ArrayData& a, std::vector<uint8_t>* sink) {
  for (const auto& b : a.buffers) {
    if (!b) continue;
    if (sink->size() < static_cast<size_t>(b->size())) sink->resize(b->size());
    std::memcpy(sink->data(), b->data(), b->size());
  }
  for (const auto& c : a.children) CopyBuffers(*c, sink);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::strtoll(argv[1], nullptr, 10) : 2000000;
  const std::string codec = argc > 2 ? argv[2] : "snappy";
  const std::string base = argc > 3 ? argv[3] : "/tmp";
  const std::string path = base + "/tide-parquet-bench-" + std::to_string(::getpid()) + ".parquet";

  auto schema = std::make_shared<col::Schema>(std::vector<col::FieldPtr>{
      col::MakeField("id", col::Int64(), false), col::MakeField("v", col::Float64()), col::MakeField("n", col::Int32()),
      col::MakeField("k", col::Utf8()), col::MakeField("s", col::Utf8())});
  col::Int64Builder id(col::Int64());
  col::Float64Builder v(col::Float64());
  col::Int32Builder n(col::Int32());
  col::BinaryBuilder k(col::Utf8()), s(col::Utf8());
  static const char* const kKeys[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};
  for (int64_t i = 0; i < rows; ++i) {
    id.Append(i);
    v.Append(static_cast<double>(i) * 0.37);
    if (i % 10 == 3) n.AppendNull(); else n.Append(static_cast<int32_t>(i * 7));
    k.Append(kKeys[(i * 2654435761u) % 8]);
    s.Append("user-" + std::to_string(i * 7919 % 100000007));
  }
  auto batch = std::make_shared<col::RecordBatch>(
      schema, std::vector<col::ArrayPtr>{id.Finish(), v.Finish(), n.Finish(), k.Finish(), s.Finish()}, rows);

  pq::WriterOptions options;
  options.codec = codec == "none" ? pq::CompressionCodec::kUncompressed
                  : codec == "zstd" ? pq::CompressionCodec::kZstd : pq::CompressionCodec::kSnappy;
  auto t0 = std::chrono::steady_clock::now();
  {
    auto w = pq::ParquetWriter::Open(path, schema, options);
    if (!w.ok() || !(*w)->WriteBatch(*batch).ok() || !(*w)->Close().ok()) {
      std::fprintf(stderr, "write failed\n");
      return 1;
    }
  }
  const double write_s = Seconds(t0);
  const auto file_bytes = static_cast<int64_t>(std::filesystem::file_size(path));

  // Scan twice; report the second (warm page cache, warm allocator).
  double scan_s = 0, scan_cpu_s = 0;
  int64_t decoded = 0, got_rows = 0;
  std::vector<std::shared_ptr<col::RecordBatch>> kept;
  for (int pass = 0; pass < 2; ++pass) {
    kept.clear();
    decoded = got_rows = 0;
    t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    auto r = pq::ParquetReader::Open(path);
    if (!r.ok()) return 1;
    for (int g = 0; g < (*r)->num_row_groups(); ++g) {
      auto b = (*r)->ReadRowGroup(g);
      if (!b.ok()) {
        std::fprintf(stderr, "%s\n", b.status().ToString().c_str());
        return 1;
      }
      got_rows += (*b)->num_rows();
      for (const auto& c : (*b)->columns()) decoded += DecodedBytes(*c);
      kept.push_back(*b);
    }
    scan_s = Seconds(t0);
    scan_cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  }
  if (got_rows != rows) return 1;

  std::vector<uint8_t> sink;
  t0 = std::chrono::steady_clock::now();
  for (const auto& b : kept) {
    for (const auto& c : b->columns()) CopyBuffers(*c, &sink);
  }
  const double copy_s = Seconds(t0);

  std::vector<uint8_t> buf(1 << 20);
  t0 = std::chrono::steady_clock::now();
  int fd = ::open(path.c_str(), O_RDONLY);
  while (::read(fd, buf.data(), buf.size()) > 0) {
  }
  ::close(fd);
  const double read_s = Seconds(t0);
  std::filesystem::remove(path);

  const double mb = 1 << 20;
  std::printf("RESULT parquet_write_rows_per_s %.0f rows/s\n", rows / write_s);
  std::printf("RESULT parquet_scan_rows_per_s %.0f rows/s\n", rows / scan_s);
  std::printf("RESULT parquet_scan_rows_per_cpu_s %.0f rows/s\n", rows / scan_cpu_s);
  std::printf("RESULT parquet_scan_decoded_mb_per_s %.1f MB/s\n", decoded / mb / scan_s);
  std::printf("RESULT memcpy_decoded_mb_per_s %.1f MB/s\n", decoded / mb / copy_s);
  std::printf("RESULT file_read_mb_per_s %.1f MB/s\n", file_bytes / mb / read_s);
  std::printf("RESULT parquet_file_bytes_per_row %.2f B\n", static_cast<double>(file_bytes) / rows);
  return 0;
}
