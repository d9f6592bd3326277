// Parquet write, read and selective scan: Tide against DuckDB on the same data, same codec,
// same thread count (one), in the same run, Tide and DuckDB runs interleaved.
//
//   parquet_duckdb_bench [rows=10000000] [dir=/tmp]
//
// Environment: TIDE_BENCH_REPS (3; medians are reported; scans run 3x as often), TIDE_BENCH_CODECS ("snappy,zstd"),
// TIDE_BENCH_PARTS ("write,read,scan": which measurements to run; files are always written),
// TIDE_NODE (node), TIDE_SOURCE_DIR (the repository: finds bench/parquet_duckdb_peer.mjs and
// tests/js/node_modules/@duckdb/node-api; defaults to the source tree this was built from),
// TIDE_BENCH_KEEP=1 (keep the temporary directory with the four files).
//
// Data (generated once, deterministic): id BIGINT NOT NULL (sequential), qty INT (5 % null,
// 0..99999), price DOUBLE (2 % null, cents), city STRING (1 % null, 500 distinct short values),
// ts TIMESTAMP UTC NOT NULL (increasing with jitter). Row groups of 1 Mi rows on both sides.
//
// Per codec C (snappy, zstd):
//   write: Tide ParquetWriter writes the batch to T_C; DuckDB `COPY t TO D_C (FORMAT parquet,
//          COMPRESSION C, ROW_GROUP_SIZE 1048576)` from an in-memory table t loaded (untimed) from
//          Tide's snappy file — the same rows.
//   read:  Tide ReadRowGroup of every row group, all columns, batches kept (materialized);
//          DuckDB `COPY r FROM file (FORMAT parquet)` into an empty table. Both read both files.
//   scan:  predicate id < rows/100 on each file, all columns, matching rows materialized: Tide
//          Scan() with row-group skipping and filter_rows (the id column first, the others only
//          for the matching span); DuckDB `CREATE TABLE s AS SELECT * FROM read_parquet(file)
//          WHERE id < X`. The bench checks both return the same number of rows.
// Before timing, the rows each side reads are checked against the generated rows (count, sums of
// every column), so both read the same data.
//
// RESULT lines (per codec C; "tfile" = Tide's file, "dfile" = DuckDB's file):
//   parquet_write_C_{tide,duckdb}_rows_per_s, ..._mb_per_s (file bytes), parquet_write_C_ratio
//   parquet_read_C_{tfile,dfile}_{tide,duckdb}_rows_per_s, ..._mb_per_s, parquet_read_C_{tfile,dfile}_ratio
//   parquet_scan_C_{tfile,dfile}_{tide,duckdb}_ms, parquet_scan_C_{tfile,dfile}_ratio
//   parquet_file_C_{tide,duckdb}_bytes, parquet_file_C_size_ratio
//   *_cpu_ratio: the same ratios in CPU seconds (stable on a busy machine)
// Every ratio is Tide / DuckDB (time or size): <= 1.0 means Tide is as fast or as small.
#include <signal.h>
#include <snappy-c.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "columnar/builder.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"
#include "format/snappy_decoder.h"

#ifndef TIDE_SOURCE_DIR
#define TIDE_SOURCE_DIR "."
#endif

namespace {

namespace col = tide::columnar;
namespace pq = tide::format::parquet;

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "parquet_duckdb_bench: %s\n", msg.c_str());
  std::exit(1);
}

struct Timing {
  double wall = 0, cpu = 0;
};

double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

template <typename F>
Timing Time(F&& f) {
  const double c0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  f();
  Timing t;
  t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t.cpu = CpuSeconds() - c0;
  return t;
}

Timing Median(std::vector<Timing> v) {
  if (v.empty()) return {};
  std::vector<double> w, c;
  for (const auto& t : v) {
    w.push_back(t.wall);
    c.push_back(t.cpu);
  }
  std::sort(w.begin(), w.end());
  std::sort(c.begin(), c.end());
  return {w[w.size() / 2], c[c.size() / 2]};
}

// ---------------------------------------------------------------- the DuckDB peer process

class Peer {
 public:
  void Start(const std::string& node, const std::string& script, const std::string& module) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) Die("pipe failed");
    pid_ = fork();
    if (pid_ < 0) Die("fork failed");
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      execlp(node.c_str(), node.c_str(), script.c_str(), module.c_str(), "1", static_cast<char*>(nullptr));
      std::fprintf(stderr, "exec %s failed\n", node.c_str());
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = fdopen(to_child[1], "w");
    out_ = fdopen(from_child[0], "r");
    const std::string ready = ReadLine();
    if (ready != "READY") Die("DuckDB peer did not start (" + ready + "); run `cd tests/js && npm ci`");
  }
  ~Peer() {
    if (in_) {
      std::fputs("EXIT\n", in_);
      std::fflush(in_);
      std::fclose(in_);
    }
    if (out_) std::fclose(out_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  Timing Run(const std::string& sql) {
    const std::string r = Ask("RUN " + sql);
    if (r.rfind("OK ", 0) != 0) Die("DuckDB: " + sql + ": " + r);
    Timing t;
    std::istringstream is(r.substr(3));
    is >> t.wall >> t.cpu;
    return t;
  }
  // The first row's values as strings.
  std::vector<std::string> Query(const std::string& sql) {
    const std::string r = Ask("QUERY " + sql);
    if (r.rfind("ROW ", 0) != 0) Die("DuckDB: " + sql + ": " + r);
    std::vector<std::string> vals;  // a JSON array of strings without escapes (numbers only)
    std::string cur;
    bool in_str = false;
    for (char c : r.substr(4)) {
      if (c == '"') {
        if (in_str) vals.push_back(cur);
        cur.clear();
        in_str = !in_str;
      } else if (in_str) {
        cur += c;
      }
    }
    return vals;
  }

 private:
  std::string Ask(const std::string& line) {
    std::fputs((line + "\n").c_str(), in_);
    std::fflush(in_);
    return ReadLine();
  }
  std::string ReadLine() {
    std::string s;
    int c;
    while ((c = std::fgetc(out_)) != EOF && c != '\n') s += static_cast<char>(c);
    return s;
  }
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

// ---------------------------------------------------------------- data

uint64_t SplitMix(uint64_t* s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::shared_ptr<col::RecordBatch> Generate(int64_t rows) {
  auto schema = std::make_shared<col::Schema>(std::vector<col::FieldPtr>{
      col::MakeField("id", col::Int64(), false), col::MakeField("qty", col::Int32()),
      col::MakeField("price", col::Float64()), col::MakeField("city", col::Utf8()),
      col::MakeField("ts", col::Timestamp(col::TimeUnit::kMicro, true), false)});
  col::Int64Builder id(col::Int64()), ts(col::Timestamp(col::TimeUnit::kMicro, true));
  col::Int32Builder qty(col::Int32());
  col::Float64Builder price(col::Float64());
  col::BinaryBuilder city(col::Utf8());
  std::vector<std::string> cities;
  for (int c = 0; c < 500; ++c) cities.push_back("city-" + std::to_string(c * 37 % 1000));
  uint64_t seed = 42;
  for (int64_t i = 0; i < rows; ++i) {
    const uint64_t r = SplitMix(&seed);
    id.Append(i);
    if (r % 100 < 5) qty.AppendNull(); else qty.Append(static_cast<int32_t>((r >> 8) % 100000));
    if ((r >> 20) % 100 < 2) price.AppendNull(); else price.Append(static_cast<double>((r >> 28) % 1000000) / 100.0);
    // Skewed: low city numbers are more frequent.
    const uint64_t c = ((r >> 40) % 500) * ((r >> 50) % 500) / 500;
    if ((r >> 12) % 100 < 1) city.AppendNull(); else city.Append(cities[c]);
    ts.Append(1700000000000000 + i * 1000 + static_cast<int64_t>((r >> 5) % 1000));
  }
  return std::make_shared<col::RecordBatch>(
      schema, std::vector<col::ArrayPtr>{id.Finish(), qty.Finish(), price.Finish(), city.Finish(), ts.Finish()}, rows);
}

// count(*), sum(id), count(qty), sum(qty), count(price), sum(round(price*100)), count(city),
// sum(length(city)), sum(ts) — as decimal strings (the DuckDB query below computes the same).
struct Checksum {
  int64_t n = 0, sid = 0, nq = 0, sq = 0, np = 0, sp = 0, nc = 0, sc = 0;
  __int128 sts = 0;
  void Add(const col::RecordBatch& b) {
    n += b.num_rows();
    const auto& id = *b.column(0);
    const auto& q = *b.column(1);
    const auto& p = *b.column(2);
    const auto& c = *b.column(3);
    const auto& t = *b.column(4);
    for (int64_t i = 0; i < b.num_rows(); ++i) {
      if (id.IsValid(i)) sid += id.Value<int64_t>(i);
      if (q.IsValid(i)) ++nq, sq += q.Value<int32_t>(i);
      if (p.IsValid(i)) ++np, sp += std::llround(p.Value<double>(i) * 100);
      if (c.IsValid(i)) ++nc, sc += static_cast<int64_t>(c.BytesValue(i).size());
      if (t.IsValid(i)) sts += t.Value<int64_t>(i);
    }
  }
  std::vector<std::string> Strings() const {
    std::string ts;
    __int128 v = sts;
    const bool neg = v < 0;
    if (neg) v = -v;
    do {
      ts.insert(ts.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    } while (v);
    if (neg) ts.insert(ts.begin(), '-');
    return {std::to_string(n), std::to_string(sid), std::to_string(nq), std::to_string(sq), std::to_string(np),
            std::to_string(sp), std::to_string(nc), std::to_string(sc), ts};
  }
};

std::string DuckChecksumSql(const std::string& from) {
  return "SELECT count(*)::VARCHAR, sum(id)::VARCHAR, count(qty)::VARCHAR, sum(qty)::VARCHAR, count(price)::VARCHAR, "
         "sum(round(price*100)::BIGINT)::VARCHAR, count(city)::VARCHAR, sum(length(city))::VARCHAR, "
         "sum(epoch_us(ts))::VARCHAR FROM " + from;
}

void CheckSame(const std::string& what, const std::vector<std::string>& want, const std::vector<std::string>& got) {
  if (want != got) {
    std::string w, g;
    for (const auto& s : want) w += s + " ";
    for (const auto& s : got) g += s + " ";
    Die(what + ": checksum differs: expected [" + w + "] got [" + g + "]");
  }
}

std::string Quote(const std::string& path) { return "'" + path + "'"; }

int64_t FileSize(const std::string& p) { return static_cast<int64_t>(std::filesystem::file_size(p)); }

void Result(const std::string& name, double v, const char* unit) { std::printf("RESULT %s %.6g %s\n", name.c_str(), v, unit); }

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::strtoll(argv[1], nullptr, 10) : 10000000;
  const std::string dir_base = argc > 2 ? argv[2] : "/tmp";
  const int reps = std::max(1, std::getenv("TIDE_BENCH_REPS") ? std::atoi(std::getenv("TIDE_BENCH_REPS")) : 3);
  const std::string codec_list = std::getenv("TIDE_BENCH_CODECS") ? std::getenv("TIDE_BENCH_CODECS") : "snappy,zstd";
  const std::string parts = std::getenv("TIDE_BENCH_PARTS") ? std::getenv("TIDE_BENCH_PARTS") : "write,read,scan";
  auto part = [&](const char* p) { return parts.find(p) != std::string::npos; };
  const std::string node = std::getenv("TIDE_NODE") ? std::getenv("TIDE_NODE") : "node";
  const std::string src = std::getenv("TIDE_SOURCE_DIR") ? std::getenv("TIDE_SOURCE_DIR") : TIDE_SOURCE_DIR;
  const std::string script = src + "/bench/parquet_duckdb_peer.mjs";
  const std::string module = src + "/tests/js/node_modules/@duckdb/node-api/lib/index.js";
  if (!std::filesystem::exists(module)) Die("DuckDB node API not found at " + module + " (run `cd tests/js && npm ci`)");
  constexpr int64_t kRowGroup = 1 << 20;

  std::string tmpl = dir_base + "/tide-pqbench-XXXXXX";
  if (!mkdtemp(tmpl.data())) Die("mkdtemp failed in " + dir_base);
  const std::string dir = tmpl;

  std::vector<std::string> codecs;
  {
    std::stringstream ss(codec_list);
    for (std::string c; std::getline(ss, c, ',');) codecs.push_back(c);
  }

  const auto t_gen = std::chrono::steady_clock::now();
  auto batch = Generate(rows);
  Checksum expect_sum;
  expect_sum.Add(*batch);
  const auto expect = expect_sum.Strings();
  std::printf("INFO generated %lld rows in %.1f s; reps %d; row groups of %lld rows\n", static_cast<long long>(rows),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t_gen).count(), reps,
              static_cast<long long>(kRowGroup));

  Peer duck;
  duck.Start(node, script, module);

  auto tide_write = [&](const std::string& codec, const std::string& path) {
    pq::WriterOptions o;
    o.codec = codec == "zstd" ? pq::CompressionCodec::kZstd
              : codec == "none" ? pq::CompressionCodec::kUncompressed : pq::CompressionCodec::kSnappy;
    o.max_row_group_rows = kRowGroup;
    auto w = pq::ParquetWriter::Open(path, batch->schema(), o);
    if (!w.ok()) Die(w.status().ToString());
    auto st = (*w)->WriteBatch(*batch);
    if (st.ok()) st = (*w)->Close();
    if (!st.ok()) Die(st.ToString());
  };
  auto tide_read = [&](const std::string& path, Checksum* sum) {
    auto r = pq::ParquetReader::Open(path);
    if (!r.ok()) Die(r.status().ToString());
    std::vector<std::shared_ptr<col::RecordBatch>> kept;
    for (int g = 0; g < (*r)->num_row_groups(); ++g) {
      auto b = (*r)->ReadRowGroup(g);
      if (!b.ok()) Die(b.status().ToString());
      kept.push_back(std::move(*b));
    }
    if (sum) {
      for (const auto& b : kept) sum->Add(*b);
    }
  };
  const int64_t cut = rows / 100;
  auto tide_scan = [&](const std::string& path, int64_t* matched, int* skipped, Checksum* sum = nullptr) {
    auto r = pq::ParquetReader::Open(path);
    if (!r.ok()) Die(r.status().ToString());
    pq::ScanOptions so;
    so.predicate = pq::Predicate{"id", pq::CompareOp::kLt, pq::Literal{cut}};
    so.filter_rows = true;
    std::vector<std::shared_ptr<col::RecordBatch>> kept;
    int64_t m = 0;
    pq::ScanStats stats;
    auto st = pq::Scan(**r, so, [&](std::shared_ptr<col::RecordBatch> b) {
      const auto& id = *b->column(0);
      for (int64_t i = 0; i < b->num_rows(); ++i) m += id.IsValid(i) && id.Value<int64_t>(i) < cut;
      kept.push_back(std::move(b));
      return tide::base::Status::OK();
    }, &stats);
    if (!st.ok()) Die(st.ToString());
    *matched = m;
    *skipped = stats.row_groups_skipped;
    if (sum) {
      for (const auto& b : kept) sum->Add(*b);
    }
  };

  std::map<std::string, std::string> tfile, dfile;
  for (const auto& c : codecs) {
    tfile[c] = dir + "/tide-" + c + ".parquet";
    dfile[c] = dir + "/duckdb-" + c + ".parquet";
  }
  // Load DuckDB's table from Tide's first file (untimed) and check it holds the generated rows.
  tide_write(codecs[0], tfile[codecs[0]]);
  duck.Run("CREATE TABLE t AS SELECT * FROM read_parquet(" + Quote(tfile[codecs[0]]) + ")");
  CheckSame("DuckDB reading Tide's file", expect, duck.Query(DuckChecksumSql("t")));

  for (const auto& c : codecs) {
    const std::string dcodec = c == "none" ? "uncompressed" : c;
    // ---- write
    std::vector<Timing> tw, dw;
    for (int i = 0; i < (part("write") ? reps : 1); ++i) {
      tw.push_back(Time([&] { tide_write(c, tfile[c]); }));
      dw.push_back(duck.Run("COPY t TO " + Quote(dfile[c]) + " (FORMAT parquet, COMPRESSION " + dcodec +
                            ", ROW_GROUP_SIZE " + std::to_string(kRowGroup) + ")"));
    }
    const Timing mtw = Median(tw), mdw = Median(dw);
    const int64_t tbytes = FileSize(tfile[c]), dbytes = FileSize(dfile[c]);
    const double mb = 1e6;
    if (part("write")) {
    Result("parquet_write_" + c + "_tide_rows_per_s", rows / mtw.wall, "rows/s");
    Result("parquet_write_" + c + "_duckdb_rows_per_s", rows / mdw.wall, "rows/s");
    Result("parquet_write_" + c + "_tide_mb_per_s", tbytes / mb / mtw.wall, "MB/s");
    Result("parquet_write_" + c + "_duckdb_mb_per_s", dbytes / mb / mdw.wall, "MB/s");
    Result("parquet_write_" + c + "_ratio", mtw.wall / mdw.wall, "ratio");
    Result("parquet_write_" + c + "_cpu_ratio", mtw.cpu / mdw.cpu, "ratio");
    }
    Result("parquet_file_" + c + "_tide_bytes", static_cast<double>(tbytes), "B");
    Result("parquet_file_" + c + "_duckdb_bytes", static_cast<double>(dbytes), "B");
    Result("parquet_file_" + c + "_size_ratio", static_cast<double>(tbytes) / static_cast<double>(dbytes), "ratio");

    // ---- read: both readers on both files; first check what each reads
    for (const auto& [label, path] : {std::pair{std::string("tfile"), tfile[c]}, std::pair{std::string("dfile"), dfile[c]}}) {
      Checksum got;
      tide_read(path, &got);
      CheckSame("Tide reading " + path, expect, got.Strings());
      CheckSame("DuckDB reading " + path, expect, duck.Query(DuckChecksumSql("read_parquet(" + Quote(path) + ")")));
      std::vector<Timing> tr, dr;
      for (int i = 0; i < (part("read") ? reps : 0); ++i) {
        tr.push_back(Time([&] { tide_read(path, nullptr); }));
        duck.Run("CREATE OR REPLACE TABLE r AS SELECT * FROM read_parquet(" + Quote(path) + ") LIMIT 0");
        dr.push_back(duck.Run("COPY r FROM " + Quote(path) + " (FORMAT parquet)"));
        duck.Run("DROP TABLE r");
      }
      if (part("read")) {
      const Timing mtr = Median(tr), mdr = Median(dr);
      const int64_t bytes = FileSize(path);
      const std::string p = "parquet_read_" + c + "_" + label;
      Result(p + "_tide_rows_per_s", rows / mtr.wall, "rows/s");
      Result(p + "_duckdb_rows_per_s", rows / mdr.wall, "rows/s");
      Result(p + "_tide_mb_per_s", bytes / mb / mtr.wall, "MB/s");
      Result(p + "_duckdb_mb_per_s", bytes / mb / mdr.wall, "MB/s");
      Result(p + "_ratio", mtr.wall / mdr.wall, "ratio");
      Result(p + "_cpu_ratio", mtr.cpu / mdr.cpu, "ratio");
      }
      if (!part("scan")) continue;

      // ---- selective scan
      int64_t matched = 0;
      int skipped = 0;
      Checksum scan_sum;
      tide_scan(path, &matched, &skipped, &scan_sum);
      CheckSame("scan of " + path, duck.Query(DuckChecksumSql("read_parquet(" + Quote(path) + ") WHERE id < " +
                                                              std::to_string(cut))),
                scan_sum.Strings());
      const auto dcount =
          duck.Query("SELECT count(*)::VARCHAR FROM read_parquet(" + Quote(path) + ") WHERE id < " + std::to_string(cut));
      if (dcount.empty() || dcount[0] != std::to_string(matched) || matched != cut) {
        Die("scan of " + path + ": Tide matched " + std::to_string(matched) + ", DuckDB " +
            (dcount.empty() ? "?" : dcount[0]) + ", expected " + std::to_string(cut));
      }
      std::vector<Timing> ts, ds;
      for (int i = 0; i < 3 * reps; ++i) {  // ~0.1 s each: more runs steady the medians
        ts.push_back(Time([&] { tide_scan(path, &matched, &skipped); }));
        ds.push_back(duck.Run("CREATE OR REPLACE TABLE s AS SELECT * FROM read_parquet(" + Quote(path) +
                              ") WHERE id < " + std::to_string(cut)));
      }
      duck.Run("DROP TABLE s");
      const Timing mts = Median(ts), mds = Median(ds);
      const std::string s = "parquet_scan_" + c + "_" + label;
      std::printf("INFO %s: predicate id < %lld, Tide skipped %d row groups\n", s.c_str(), static_cast<long long>(cut), skipped);
      Result(s + "_tide_ms", mts.wall * 1e3, "ms");
      Result(s + "_duckdb_ms", mds.wall * 1e3, "ms");
      Result(s + "_ratio", mts.wall / mds.wall, "ratio");
      Result(s + "_cpu_ratio", mts.cpu / mds.cpu, "ratio");
    }
    std::fflush(stdout);
  }
  if (part("scan") && std::find(codecs.begin(), codecs.end(), "snappy") != codecs.end()) {
    // ---- our snappy decoder (used for page prefixes) against libsnappy, whole blocks: the
    // PLAIN values of id, price and ts of the first row group, one block per column as in a page.
    const int64_t n = std::min<int64_t>(rows, kRowGroup);
    std::vector<std::vector<uint8_t>> plain, packed;
    for (int c : {0, 2, 4}) {
      const auto& a = *batch->column(c);
      std::vector<uint8_t> v(static_cast<size_t>(n) * 8);
      std::memcpy(v.data(), a.buffers[1]->data(), v.size());
      size_t len = snappy_max_compressed_length(v.size());
      std::vector<uint8_t> z(len);
      if (snappy_compress(reinterpret_cast<const char*>(v.data()), v.size(), reinterpret_cast<char*>(z.data()), &len) !=
          SNAPPY_OK) {
        Die("snappy_compress failed");
      }
      z.resize(len);
      plain.push_back(std::move(v));
      packed.push_back(std::move(z));
    }
    std::vector<uint8_t> out(static_cast<size_t>(n) * 8);
    double total = 0;
    for (const auto& v : plain) total += static_cast<double>(v.size());
    std::vector<Timing> lib, ours;
    for (int i = 0; i < 5 * reps; ++i) {
      lib.push_back(Time([&] {
        for (const auto& z : packed) {
          size_t len = out.size();
          if (snappy_uncompress(reinterpret_cast<const char*>(z.data()), z.size(), reinterpret_cast<char*>(out.data()),
                                &len) != SNAPPY_OK) {
            Die("snappy_uncompress failed");
          }
        }
      }));
      ours.push_back(Time([&] {
        for (size_t k = 0; k < packed.size(); ++k) {
          auto st = tide::format::SnappyDecompressAll(packed[k], out.data(), plain[k].size());
          if (!st.ok()) Die(st.ToString());
        }
      }));
    }
    for (size_t k = 0; k < packed.size(); ++k) {  // and the bytes are right
      if (!tide::format::SnappyDecompressAll(packed[k], out.data(), plain[k].size()).ok() ||
          std::memcmp(out.data(), plain[k].data(), plain[k].size()) != 0) {
        Die("our snappy decoder disagrees with libsnappy");
      }
    }
    const Timing ml = Median(lib), mo = Median(ours);
    Result("snappy_decode_libsnappy_mb_per_s", total / 1e6 / ml.wall, "MB/s");
    Result("snappy_decode_tide_mb_per_s", total / 1e6 / mo.wall, "MB/s");
    Result("snappy_decode_ratio", mo.wall / ml.wall, "ratio");
    Result("snappy_decode_cpu_ratio", mo.cpu / ml.cpu, "ratio");
  }
  if (std::getenv("TIDE_BENCH_KEEP") && std::string(std::getenv("TIDE_BENCH_KEEP")) == "1") {
    std::printf("INFO kept %s\n", dir.c_str());
  } else {
    std::filesystem::remove_all(dir);
  }
  return 0;
}
