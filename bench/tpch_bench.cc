// TPC-H queries 1, 3, 5, 6, 9, 13 and 18: Tide (exec::Session over the Parquet files and over
// the Delta tables) against DuckDB over the same Parquet files, same thread count, same run.
//
//   tpch_bench [--scale SF] [--dir DIR] [--threads N] [--reps N] [--queries 1,3,...]
//              [--no-delta] [--no-duckdb]
//
// Data: `tide gen tpch` output (src/cli/tpch, compiled into this benchmark) in DIR (default
// $TPCH_DIR or /tmp/tide-tpch-sf<SF>), generated when DIR/tpch.json is missing or records
// another scale, else reused. Scale: --scale, else $TPCH_SCALE, else 1.
// Queries: bench/tpch/qN.sql (Spark SQL with the specification's default substitution
// parameters) naming the tables by their TPC-H names. Tide over Parquet: one session with a
// temporary view per table, `SELECT * FROM parquet.`DIR/parquet/<t>``; Tide over Delta: a
// session with --data-dir DIR (the tables DIR/tables/<t>); DuckDB: views over
// read_parquet('DIR/parquet/<t>/*.parquet') in bench/tpch_duckdb_peer.mjs, a child node
// process (@duckdb/node-api from tests/js/node_modules) driven over a pipe.
// Each query runs once to warm up on each engine, then --reps times (default 3; $TPCH_REPS)
// with the engines interleaved, so all see the same machine load; medians are reported.
// Both engines run with the same number of threads (--threads, default one per core).
//
// Checks: Tide's row count and first row against DuckDB's (numbers within a relative 1e-6,
// other values exactly); a mismatch prints a WARNING line and the query still reports times.
// A query that fails on an engine prints a WARNING and is left out of the ratios.
//
// RESULT lines, per query N:
//   tpch_qN_tide_ms        Tide over Parquet, median wall ms
//   tpch_qN_tide_delta_ms  Tide over the Delta tables
//   tpch_qN_duckdb_ms      DuckDB over Parquet
//   tpch_qN_ratio          tide / duckdb (Parquet); tpch_qN_delta_ratio: tide delta / duckdb
//   tpch_qN_cpu_ratio      the same in CPU seconds (steadier on a busy machine)
//   tpch_geomean_ratio, tpch_geomean_delta_ratio over the queries that ran on both.
// INFO lines give CPU seconds per run (process user + system; Tide's includes only this
// process, DuckDB's only the peer).
// Environment: TIDE_NODE (node), TIDE_SOURCE_DIR (finds bench/tpch, the peer and
// tests/js/node_modules; defaults to the source tree this was built from).
#include <signal.h>
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
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/tpch/dbgen.h"
#include "cli/tpch/generate.h"
#include "columnar/json.h"
#include "exec/session.h"

#ifndef TIDE_SOURCE_DIR
#define TIDE_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;
using namespace tide;

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "tpch_bench: %s\n", msg.c_str());
  std::exit(1);
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

struct Outcome {
  bool ok = false;
  std::string error;
  double wall_ms = 0;
  double cpu_s = 0;
  int64_t rows = 0;
  std::vector<std::optional<std::string>> first_row;
};

// ---------------------------------------------------------------- DuckDB peer

class Peer {
 public:
  void Start(const std::string& node, const std::string& script, const std::string& module, int threads,
             const std::string& parquet_dir) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) Die("pipe failed");
    pid_ = fork();
    if (pid_ < 0) Die("fork failed");
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      std::string t = std::to_string(threads);
      execlp(node.c_str(), node.c_str(), script.c_str(), module.c_str(), t.c_str(), parquet_dir.c_str(),
             static_cast<char*>(nullptr));
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
  bool started() const { return pid_ > 0; }

  // The protocol is one line per request: '--' comments are dropped (outside quotes), then
  // line breaks become spaces.
  Outcome Query(const std::string& text) {
    std::string sql;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c == '\'') quoted = !quoted;
      if (!quoted && c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
        while (i < text.size() && text[i] != '\n') ++i;
        c = ' ';
      }
      sql.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    Outcome o;
    std::fputs(("QUERY " + sql + "\n").c_str(), in_);
    std::fflush(in_);
    const std::string r = ReadLine();
    if (r.rfind("OK ", 0) != 0) {
      o.error = r;
      return o;
    }
    std::istringstream is(r.substr(3));
    double wall = 0;
    is >> wall >> o.cpu_s >> o.rows;
    o.wall_ms = wall * 1000;
    std::string rest;
    std::getline(is, rest);
    o.first_row = ParseJsonStrings(rest);
    o.ok = true;
    return o;
  }

 private:
  // A JSON array of strings and nulls (the peer's first row).
  static std::vector<std::optional<std::string>> ParseJsonStrings(const std::string& s) {
    std::vector<std::optional<std::string>> out;
    size_t i = s.find('[');
    if (i == std::string::npos) return out;
    ++i;
    while (i < s.size()) {
      while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
      if (i >= s.size() || s[i] == ']') break;
      if (s.compare(i, 4, "null") == 0) {
        out.push_back(std::nullopt);
        i += 4;
        continue;
      }
      if (s[i] != '"') break;
      std::string v;
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        v.push_back(s[i]);
      }
      ++i;
      out.push_back(v);
    }
    return out;
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

// ---------------------------------------------------------------- Tide

Outcome RunTide(exec::Session& session, const std::string& sql) {
  Outcome o;
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = session.Execute(sql);
  o.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  o.cpu_s = CpuSeconds() - cpu0;
  if (!r.ok()) {
    o.error = r.status().ToString();
    for (char& c : o.error) {
      if (c == '\n') c = ' ';
    }
    return o;
  }
  o.ok = true;
  o.rows = r->num_rows();
  for (const auto& b : r->batches) {
    if (b->num_rows() == 0) continue;
    for (int c = 0; c < b->num_columns(); ++c) {
      const auto& col = *b->column(c);
      if (col.IsNull(0)) {
        o.first_row.push_back(std::nullopt);
        continue;
      }
      std::string j;
      columnar::AppendValueJson(col, 0, &j);
      if (j.size() >= 2 && j.front() == '"' && j.back() == '"') j = j.substr(1, j.size() - 2);
      o.first_row.push_back(j);
    }
    break;
  }
  return o;
}

// Same value: numbers within a relative 1e-6 (engines differ in decimal scale and in
// avg's type), dates and strings exactly.
bool SameValue(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  if (!a || !b) return !a && !b;
  if (*a == *b) return true;
  char* ea = nullptr;
  char* eb = nullptr;
  double x = std::strtod(a->c_str(), &ea);
  double y = std::strtod(b->c_str(), &eb);
  if (ea == a->c_str() || *ea != '\0' || eb == b->c_str() || *eb != '\0') return false;
  return std::fabs(x - y) <= 1e-6 * std::max({1.0, std::fabs(x), std::fabs(y)});
}

std::string RowText(const std::vector<std::optional<std::string>>& row) {
  std::string s = "[";
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) s += ", ";
    s += row[i] ? *row[i] : "NULL";
  }
  return s + "]";
}

void Compare(const char* what, int q, const Outcome& tide, const Outcome& duck) {
  if (!tide.ok || !duck.ok) return;
  if (tide.rows != duck.rows) {
    std::printf("WARNING q%d %s: %lld rows, DuckDB %lld rows\n", q, what, static_cast<long long>(tide.rows),
                static_cast<long long>(duck.rows));
    return;
  }
  bool same = tide.first_row.size() == duck.first_row.size();
  for (size_t i = 0; same && i < tide.first_row.size(); ++i) same = SameValue(tide.first_row[i], duck.first_row[i]);
  if (!same) {
    std::printf("WARNING q%d %s: first row %s, DuckDB %s\n", q, what, RowText(tide.first_row).c_str(),
                RowText(duck.first_row).c_str());
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The scale recorded in DIR/tpch.json of a complete Parquet + Delta data set, or -1.
double RecordedScale(const std::string& dir) {
  std::ifstream in(dir + "/tpch.json");
  if (!in) return -1;
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (s.find("\"format\":\"both\"") == std::string::npos) return -1;
  size_t at = s.find("\"scale\":");
  if (at == std::string::npos) return -1;
  return std::atof(s.c_str() + at + 8);
}

std::string FormatScale(double sf) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", sf);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  double scale = 1;
  if (const char* e = std::getenv("TPCH_SCALE")) scale = std::atof(e);
  std::string dir = std::getenv("TPCH_DIR") ? std::getenv("TPCH_DIR") : "";
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int reps = std::getenv("TPCH_REPS") ? std::atoi(std::getenv("TPCH_REPS")) : 3;
  std::vector<int> queries = {1, 3, 5, 6, 9, 13, 18};
  bool run_delta = true;
  bool run_duckdb = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--scale") {
      scale = std::atof(value().c_str());
    } else if (a == "--dir") {
      dir = value();
    } else if (a == "--threads") {
      threads = std::atoi(value().c_str());
    } else if (a == "--reps") {
      reps = std::atoi(value().c_str());
    } else if (a == "--queries") {
      queries.clear();
      std::stringstream ss(value());
      std::string q;
      while (std::getline(ss, q, ',')) queries.push_back(std::atoi(q.c_str()));
    } else if (a == "--no-delta") {
      run_delta = false;
    } else if (a == "--no-duckdb") {
      run_duckdb = false;
    } else {
      Die("unknown argument " + a +
          " (usage: tpch_bench [--scale SF] [--dir DIR] [--threads N] [--reps N] [--queries 1,3] [--no-delta] "
          "[--no-duckdb])");
    }
  }
  if (!(scale > 0)) Die("--scale must be positive");
  if (threads < 1 || reps < 1) Die("--threads and --reps must be at least 1");
  if (dir.empty()) dir = "/tmp/tide-tpch-sf" + FormatScale(scale);
  const std::string source = std::getenv("TIDE_SOURCE_DIR") ? std::getenv("TIDE_SOURCE_DIR") : TIDE_SOURCE_DIR;

  // Data: reuse a complete data set of this scale, else generate it.
  if (RecordedScale(dir) != scale) {
    std::fprintf(stderr, "tpch_bench: generating TPC-H SF %g into %s\n", scale, dir.c_str());
    cli::tpch::GenerateOptions g;
    g.scale = scale;
    g.out_dir = dir;
    g.overwrite = true;
    g.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    const auto t0 = std::chrono::steady_clock::now();
    base::Status st = cli::tpch::Generate(g);
    if (!st.ok()) Die("generating data: " + st.ToString());
    std::printf("INFO generated SF %g in %.1f s\n", scale,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  const std::string parquet_dir = dir + "/parquet";

  exec::SessionOptions so;
  so.data_dir = dir;
  so.settings.threads = threads;
  exec::Session parquet_session(so);
  for (cli::tpch::Table t : cli::tpch::kAllTables) {
    std::string name = cli::tpch::TableName(t);
    std::string sql = "CREATE OR REPLACE TEMPORARY VIEW " + name + " AS SELECT * FROM parquet.`" + parquet_dir + "/" +
                      name + "`";
    auto r = parquet_session.Execute(sql);
    if (!r.ok()) Die("creating view " + name + ": " + r.status().ToString());
  }
  std::unique_ptr<exec::Session> delta_session;
  if (run_delta) delta_session = std::make_unique<exec::Session>(so);

  Peer duck;
  if (run_duckdb) {
    const std::string node = std::getenv("TIDE_NODE") ? std::getenv("TIDE_NODE") : "node";
    duck.Start(node, source + "/bench/tpch_duckdb_peer.mjs",
               source + "/tests/js/node_modules/@duckdb/node-api/lib/index.js", threads, parquet_dir);
  }
  std::printf("INFO scale %g, %d threads, %d reps (median), data %s\n", scale, threads, reps, dir.c_str());
  std::fflush(stdout);

  double log_sum = 0, log_sum_delta = 0;
  int n_ratio = 0, n_ratio_delta = 0;
  for (int q : queries) {
    const std::string sql = ReadFile(source + "/bench/tpch/q" + std::to_string(q) + ".sql");
    struct Engine {
      const char* name;
      std::function<Outcome()> run;
      std::vector<double> wall, cpu;
      Outcome last;
      bool failed = false;
    };
    std::vector<Engine> engines;
    engines.push_back({"tide", [&] { return RunTide(parquet_session, sql); }, {}, {}, {}, false});
    if (delta_session) engines.push_back({"tide_delta", [&] { return RunTide(*delta_session, sql); }, {}, {}, {}, false});
    if (run_duckdb) engines.push_back({"duckdb", [&] { return duck.Query(sql); }, {}, {}, {}, false});
    for (int rep = 0; rep <= reps; ++rep) {  // rep 0 warms up
      for (auto& e : engines) {
        if (e.failed) continue;
        Outcome o = e.run();
        if (!o.ok) {
          std::printf("WARNING q%d %s failed: %s\n", q, e.name, o.error.c_str());
          std::fflush(stdout);
          e.failed = true;
          continue;
        }
        if (rep > 0) {
          e.wall.push_back(o.wall_ms);
          e.cpu.push_back(o.cpu_s);
        }
        e.last = std::move(o);
      }
    }
    const Engine* duck_e = run_duckdb ? &engines.back() : nullptr;
    std::map<std::string, double> ms, cpu;
    for (const auto& e : engines) {
      if (e.failed) continue;
      ms[e.name] = Median(e.wall);
      cpu[e.name] = Median(e.cpu);
      std::printf("RESULT tpch_q%d_%s_ms %.1f ms\n", q, e.name, ms[e.name]);
      std::printf("INFO q%d %s: %lld rows, cpu %.2f s (median)\n", q, e.name, static_cast<long long>(e.last.rows),
                  Median(e.cpu));
    }
    if (duck_e && !duck_e->failed) {
      for (const auto& e : engines) {
        if (&e != duck_e && !e.failed) Compare(e.name, q, e.last, duck_e->last);
      }
      if (ms.count("tide") && ms["duckdb"] > 0) {
        double r = ms["tide"] / ms["duckdb"];
        std::printf("RESULT tpch_q%d_ratio %.3f ratio\n", q, r);
        if (cpu["duckdb"] > 0) std::printf("RESULT tpch_q%d_cpu_ratio %.3f ratio\n", q, cpu["tide"] / cpu["duckdb"]);
        log_sum += std::log(r);
        ++n_ratio;
      }
      if (ms.count("tide_delta") && ms["duckdb"] > 0) {
        double r = ms["tide_delta"] / ms["duckdb"];
        std::printf("RESULT tpch_q%d_delta_ratio %.3f ratio\n", q, r);
        log_sum_delta += std::log(r);
        ++n_ratio_delta;
      }
    }
    std::fflush(stdout);
  }
  if (n_ratio > 0) {
    std::printf("RESULT tpch_geomean_ratio %.3f ratio\n", std::exp(log_sum / n_ratio));
    std::printf("INFO geomean over %d of %zu queries\n", n_ratio, queries.size());
  }
  if (n_ratio_delta > 0) std::printf("RESULT tpch_geomean_delta_ratio %.3f ratio\n", std::exp(log_sum_delta / n_ratio_delta));
  return 0;
}
