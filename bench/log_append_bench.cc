// Append throughput of PartitionLog against the machine's limit measured in the same run:
// plain write() of the same bytes to one file (no validation, no indexes).
//
//   log_append_bench [total_mb=256] [batch_kb=16] [dir=/tmp]
//
// Prints:
//   RESULT raw_write_throughput <MB/s> MB/s
//   RESULT log_append_throughput <MB/s> MB/s
//   RESULT log_append_vs_raw_ratio <ratio> x
// Neither side fsyncs per write (flush.messages defaults to never); both include a final fsync.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "log/partition_log.h"
#include "log/record_batch.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  size_t total_mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 256;
  size_t batch_kb = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 16;
  std::string base = argc > 3 ? argv[3] : "/tmp";
  std::string dir = base + "/tide-log-append-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);

  // One producer-style batch: 1 KiB values, as many as fit in batch_kb.
  std::vector<tide::log::Record> records;
  size_t per_batch = std::max<size_t>(1, batch_kb);
  for (size_t i = 0; i < per_batch; ++i) {
    std::string value(1000, static_cast<char>('a' + i % 26));
    records.push_back(tide::log::Record{static_cast<int64_t>(i), 1700000000000, "key-" + std::to_string(i), value, {}});
  }
  std::vector<uint8_t> batch;
  if (!tide::log::BuildBatch({}, records, &batch).ok()) return 1;
  size_t count = total_mb * (1 << 20) / batch.size();
  double mb = static_cast<double>(count * batch.size()) / (1 << 20);

  // Baseline: write() the same bytes.
  std::string raw_path = dir + "/raw.bin";
  int fd = ::open(raw_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 1;
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < count; ++i) {
    if (::write(fd, batch.data(), batch.size()) != static_cast<ssize_t>(batch.size())) return 1;
  }
  ::fsync(fd);
  double raw_s = Seconds(t0);
  ::close(fd);
  std::filesystem::remove(raw_path);

  tide::log::PartitionLogOptions opt;
  opt.dir = dir + "/bench-0";
  opt.topic = "bench";
  auto log = tide::log::PartitionLog::Open(opt);
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
    return 1;
  }
  auto t1 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < count; ++i) {
    auto r = (*log)->Append(batch);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
  }
  if (!(*log)->Flush().ok()) return 1;
  double log_s = Seconds(t1);
  (void)(*log)->Close();
  log->reset();
  std::filesystem::remove_all(dir);

  double raw_mbs = mb / raw_s, log_mbs = mb / log_s;
  std::printf("# %zu batches of %zu bytes (%.0f MB)\n", count, batch.size(), mb);
  std::printf("RESULT raw_write_throughput %.1f MB/s\n", raw_mbs);
  std::printf("RESULT log_append_throughput %.1f MB/s\n", log_mbs);
  std::printf("RESULT log_append_vs_raw_ratio %.2f x\n", log_mbs / raw_mbs);
  return 0;
}
