// Delta commit rate and snapshot load time.
//
//   delta_commit_bench [commits=100] [files=100000] [dir=the system temp directory]
//
// 1. Small durable appends: `commits` DeltaTable::Append calls of one 10-row batch each (one
//    data file per commit; the data file, its directory and the commit file are fsynced by the
//    commit, data and commit file concurrently (transaction.h); a
//    checkpoint every 10 commits as by default), against the machine's fsync rate measured in
//    the same run on the same file system: create + write 1 KiB + fsync + close of a new small
//    file, in a loop. A durable commit needs at least two such steps (data file, commit file),
//    so the physical ceiling of the ratio is about 0.5.
//      RESULT fsync_rate <files/s> files/s
//      RESULT delta_commit_rate <commits/s> commits/s
//      RESULT delta_commit_vs_fsync_ratio <ratio> x
//    and, for comparison, the same appends with the data file fsynced by the writer before the
//    commit starts (DataWriterOptions::sync = true: one more dependent flush per commit):
//      RESULT delta_commit_writer_sync_rate <commits/s> commits/s
//      RESULT delta_commit_writer_sync_vs_fsync_ratio <ratio> x
// 2. Snapshot load of a table with `files` active files (100 commits of files/100 adds with
//    stats; the files themselves are not created), replaying the JSON log and then from a
//    classic checkpoint of the last version (median of three loads each):
//      RESULT snapshot_load_json_log <ms> ms
//      RESULT snapshot_load_checkpoint <ms> ms
//      RESULT checkpoint_write <ms> ms
//      RESULT snapshot_load_checkpoint_vs_json_ratio <ratio> x
//
//   delta_commit_bench --load <table> [n=5]   loads an existing table n times (for profiling)
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "columnar/builder.h"
#include "table/checkpoint_writer.h"
#include "table/delta_schema.h"
#include "table/snapshot.h"
#include "table/table.h"
#include "table/transaction.h"

namespace {

namespace col = tide::columnar;
namespace tbl = tide::table;

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Die(const tide::base::Status& st, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  std::exit(1);
}

double FsyncRate(const std::string& dir, int n) {
  std::vector<char> buf(1024, 'x');
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const std::string p = dir + "/fsync-" + std::to_string(i);
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, buf.data(), buf.size()) != static_cast<ssize_t>(buf.size()) || ::fsync(fd) != 0) {
      std::perror("fsync loop");
      std::exit(1);
    }
    ::close(fd);
  }
  return n / Seconds(start);
}

std::shared_ptr<col::RecordBatch> SmallBatch(int64_t base) {
  auto schema = std::make_shared<const col::Schema>(
      std::vector<col::FieldPtr>{col::MakeField("id", col::Int64()), col::MakeField("name", col::Utf8())});
  col::Int64Builder ids(col::Int64());
  col::BinaryBuilder names(col::Utf8());
  for (int i = 0; i < 10; ++i) {
    ids.Append(base + i);
    names.Append("name-" + std::to_string(base + i));
  }
  return std::make_shared<col::RecordBatch>(schema, std::vector<col::ArrayPtr>{ids.Finish(), names.Finish()}, 10);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[1]) == "--load") {
    // Profiling aid: `delta_commit_bench --load <table> [n=5]` loads an existing table n times
    // (e.g. one kept by TIDE_BENCH_KEEP=1) so `perf record` sees only Snapshot::Load.
    const int n = argc > 3 ? std::atoi(argv[3]) : 5;
    for (int i = 0; i < n; ++i) {
      const auto t = std::chrono::steady_clock::now();
      auto s = tbl::Snapshot::Load(argv[2]);
      if (!s.ok()) Die(s.status(), "load");
      std::printf("INFO load %d: %zu files in %.1f ms\n", i, (*s)->files().size(), Seconds(t) * 1000);
    }
    return 0;
  }
  const int commits = argc > 1 ? std::atoi(argv[1]) : 100;
  const int64_t total_files = argc > 2 ? std::atoll(argv[2]) : 100000;
  const std::string base = argc > 3 ? argv[3] : std::filesystem::temp_directory_path().string();
  const std::string dir = base + "/tide-delta-commit-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);

  // ---- 1. commit rate vs fsync rate (interleaved halves, so both see the same machine load)
  const std::string table = dir + "/small";
  const std::string table_writer_sync = dir + "/small-writer-sync";
  col::Schema schema({col::MakeField("id", col::Int64()), col::MakeField("name", col::Utf8())});
  if (auto v = tbl::DeltaTable::Create(table, schema, {}, {}); !v.ok()) Die(v.status(), "create");
  if (auto v = tbl::DeltaTable::Create(table_writer_sync, schema, {}, {}); !v.ok()) Die(v.status(), "create");
  std::filesystem::create_directories(dir + "/fsync");
  // The default path: Transaction::Commit makes the data file durable concurrently with the
  // commit temp file (see docs/delta.md "Durability"). "writer_sync": the writer fsyncs the
  // data file first, the commit then only re-flushes it (the order before this was changed).
  tbl::AppendOptions writer_sync;
  writer_sync.writer.sync = true;
  double fsync_seconds = 0, commit_seconds = 0, writer_sync_seconds = 0;
  int fsyncs = 0;
  for (int half = 0; half < 2; ++half) {
    const int n = commits / 2 + (half == 0 ? commits % 2 : 0);
    auto t0 = std::chrono::steady_clock::now();
    const double rate = FsyncRate(dir + "/fsync", n);
    fsync_seconds += n / rate;
    fsyncs += n;
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      auto r = tbl::DeltaTable::Append(table, {SmallBatch((half * commits + i) * 10)});
      if (!r.ok()) Die(r.status(), "append");
    }
    commit_seconds += Seconds(t0);
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      auto r = tbl::DeltaTable::Append(table_writer_sync, {SmallBatch((half * commits + i) * 10)}, writer_sync);
      if (!r.ok()) Die(r.status(), "append");
    }
    writer_sync_seconds += Seconds(t0);
  }
  const double fsync_rate = fsyncs / fsync_seconds;
  const double commit_rate = commits / commit_seconds;
  const double writer_sync_rate = commits / writer_sync_seconds;
  std::printf("RESULT fsync_rate %.1f files/s\n", fsync_rate);
  std::printf("RESULT delta_commit_rate %.1f commits/s\n", commit_rate);
  std::printf("RESULT delta_commit_vs_fsync_ratio %.3f x\n", commit_rate / fsync_rate);
  std::printf("RESULT delta_commit_writer_sync_rate %.1f commits/s\n", writer_sync_rate);
  std::printf("RESULT delta_commit_writer_sync_vs_fsync_ratio %.3f x\n", writer_sync_rate / fsync_rate);
  std::fflush(stdout);

  // ---- 2. snapshot load with 100k files
  const std::string big = dir + "/big";
  if (auto v = tbl::DeltaTable::Create(big, schema, {}, {{"delta.checkpointInterval", "1000000"}}); !v.ok()) {
    Die(v.status(), "create big");
  }
  const int kCommits = 100;
  const int64_t per_commit = std::max<int64_t>(1, total_files / kCommits);
  int64_t n = 0;
  for (int c = 0; c < kCommits; ++c) {
    auto snap = tbl::Snapshot::Load(big);
    if (!snap.ok()) Die(snap.status(), "load");
    tbl::TransactionOptions to;
    to.checkpoint = false;
    auto txn = tbl::Transaction::Start(*snap, to);
    for (int64_t i = 0; i < per_commit; ++i, ++n) {
      tbl::AddFile a;
      char name[96];
      std::snprintf(name, sizeof(name), "part-%05lld-6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.c000.snappy.parquet",
                    static_cast<long long>(n));
      a.path = name;
      a.size = 1000 + n % 1000;
      a.modification_time = 1700000000000 + n;
      a.stats = "{\"numRecords\":10,\"minValues\":{\"id\":" + std::to_string(n * 10) + ",\"name\":\"name-" +
                std::to_string(n * 10) + "\"},\"maxValues\":{\"id\":" + std::to_string(n * 10 + 9) +
                ",\"name\":\"name-" + std::to_string(n * 10 + 9) + "\"},\"nullCount\":{\"id\":0,\"name\":0}}";
      txn->AddFile(std::move(a));
    }
    auto r = txn->Commit("WRITE");
    if (!r.ok()) Die(r.status(), "commit big");
  }
  // Median of three loads each (the first one also pays for cold caches).
  auto median_load = [&](double* ms) {
    std::vector<double> times;
    std::shared_ptr<const tbl::Snapshot> snap;
    for (int i = 0; i < 3; ++i) {
      const auto t = std::chrono::steady_clock::now();
      auto s = tbl::Snapshot::Load(big);
      times.push_back(Seconds(t) * 1000);
      if (!s.ok()) Die(s.status(), "load");
      snap = *s;
    }
    std::sort(times.begin(), times.end());
    *ms = times[1];
    return snap;
  };
  double json_ms = 0, cp_ms = 0;
  auto replay = median_load(&json_ms);
  auto t0 = std::chrono::steady_clock::now();
  auto lc = tbl::WriteCheckpoint(*replay);
  const double cp_write_ms = Seconds(t0) * 1000;
  if (!lc.ok()) Die(lc.status(), "checkpoint");
  auto loaded = median_load(&cp_ms);
  if (loaded->files().size() != replay->files().size() || loaded->checkpoint_version() != replay->version()) {
    std::fprintf(stderr, "checkpoint load mismatch: %zu vs %zu files\n", loaded->files().size(),
                 replay->files().size());
    return 1;
  }
  std::printf("INFO table with %zu files, checkpoint %lld bytes\n", loaded->files().size(),
              static_cast<long long>(lc->size_in_bytes.value_or(0)));
  std::printf("RESULT snapshot_load_json_log %.1f ms\n", json_ms);
  std::printf("RESULT snapshot_load_checkpoint %.1f ms\n", cp_ms);
  std::printf("RESULT checkpoint_write %.1f ms\n", cp_write_ms);
  std::printf("RESULT snapshot_load_checkpoint_vs_json_ratio %.3f x\n", cp_ms / json_ms);
  if (std::getenv("TIDE_BENCH_KEEP") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  } else {
    std::printf("INFO kept %s\n", dir.c_str());
  }
  return 0;
}
