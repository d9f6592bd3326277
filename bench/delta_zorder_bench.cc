// Data skipping before and after OPTIMIZE ZORDER BY (x, y) on a generated Delta table.
//
//   delta_zorder_bench [rows=1000000] [files=32] [dir=/tmp]
//
// Data: x, y BIGINT uniform in [0, 1e6), payload STRING (~16 bytes), appended as `files` files
// of random rows. Queries (conjunctions of ranges, filters pushed into the scan):
//   q_x   x in a 1% range;  q_y  y in a 1% range;  q_xy  both (0.01% of the rows)
// The same rows are also written sorted by x alone (the peer: a plain sort, what a writer that
// clusters on one key gets) and OPTIMIZE ZORDER BY (x, y) runs on the random table, both with
// about `files` output files. The physical limit for a query is the files its matching rows
// need if every file held a contiguous box: ceil(selectivity * files) for q_x / q_y.
// Prints, per query q and layout (random, linear, zorder):
//   RESULT zorder_<q>_files_read_<layout> <n> files
//   RESULT zorder_<q>_scan_ms_<layout> <ms> ms              (best of 3, page cache warm)
// and
//   RESULT zorder_<q>_files_ratio_random_vs_zorder <r> x    (files read: random / zorder)
//   RESULT zorder_<q>_speedup_vs_random <r> x               (scan time: random / zorder)
//   RESULT zorder_q_x_files_limit <n> files, RESULT zorder_optimize_s <s> s
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "columnar/builder.h"
#include "table/maintenance.h"
#include "table/scan.h"
#include "table/snapshot.h"
#include "table/table.h"

namespace {

namespace col = tide::columnar;
namespace tbl = tide::table;

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

[[noreturn]] void Die(const tide::base::Status& s, const char* what) {
  std::fprintf(stderr, "delta_zorder_bench: %s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

struct Query {
  const char* name;
  std::vector<tbl::ColumnFilter> filters;
};

struct Measured {
  int64_t files = 0;
  int64_t rows = 0;
  double ms = 0;
};

Measured Run(const std::string& root, const Query& q) {
  auto snap = tbl::Snapshot::Load(root);
  if (!snap.ok()) Die(snap.status(), "load");
  Measured m;
  m.ms = 1e30;
  for (int rep = 0; rep < 3; ++rep) {
    tbl::ScanOptions so;
    so.filters = q.filters;
    tbl::ScanPlan plan;
    int64_t rows = 0;
    auto start = std::chrono::steady_clock::now();
    auto s = tbl::ScanTable(**snap, so, -1, [&](std::shared_ptr<col::RecordBatch> b) {
      rows += b->num_rows();
      return tide::base::Status::OK();
    }, &plan);
    if (!s.ok()) Die(s, "scan");
    m.ms = std::min(m.ms, Seconds(start) * 1000);
    m.files = static_cast<int64_t>(plan.files.size());
    m.rows = rows;
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const int files = argc > 2 ? std::atoi(argv[2]) : 32;
  const std::string base = argc > 3 ? argv[3] : "/tmp";
  std::string tmpl = base + "/tide_zorder_bench_XXXXXX";
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string dir = tmpl;
  const std::string random_root = dir + "/random", linear_root = dir + "/linear";
  auto schema = std::make_shared<const col::Schema>(std::vector<col::FieldPtr>{
      col::MakeField("x", col::Int64()), col::MakeField("y", col::Int64()), col::MakeField("payload", col::Utf8())});
  for (const auto& r : {random_root, linear_root}) {
    auto v = tbl::DeltaTable::Create(r, *schema, {}, {});
    if (!v.ok()) Die(v.status(), "create");
  }
  std::mt19937_64 rng(1);
  std::vector<int64_t> xs(rows), ys(rows);
  for (int64_t i = 0; i < rows; ++i) {
    xs[i] = static_cast<int64_t>(rng() % 1000000);
    ys[i] = static_cast<int64_t>(rng() % 1000000);
  }
  auto make_batch = [&](const std::vector<int64_t>& order, int64_t begin, int64_t end) {
    col::Int64Builder x(col::Int64()), y(col::Int64());
    col::BinaryBuilder p(col::Utf8());
    for (int64_t i = begin; i < end; ++i) {
      x.Append(xs[order[i]]);
      y.Append(ys[order[i]]);
      p.Append("payload-" + std::to_string(order[i] * 2654435761ULL % 100000000));
    }
    return std::make_shared<col::RecordBatch>(schema, std::vector<col::ArrayPtr>{x.Finish(), y.Finish(), p.Finish()}, end - begin);
  };
  std::vector<int64_t> identity(rows);
  std::iota(identity.begin(), identity.end(), 0);
  std::vector<int64_t> by_x = identity;
  std::sort(by_x.begin(), by_x.end(), [&](int64_t a, int64_t b) { return xs[a] < xs[b]; });
  for (int f = 0; f < files; ++f) {
    const int64_t begin = rows * f / files, end = rows * (f + 1) / files;
    auto r1 = tbl::DeltaTable::Append(random_root, {make_batch(identity, begin, end)});
    if (!r1.ok()) Die(r1.status(), "append");
    auto r2 = tbl::DeltaTable::Append(linear_root, {make_batch(by_x, begin, end)});
    if (!r2.ok()) Die(r2.status(), "append");
  }
  auto snap = tbl::Snapshot::Load(random_root);
  if (!snap.ok()) Die(snap.status(), "load");
  const int64_t total_bytes = (*snap)->total_size();

  const std::vector<Query> queries = {
      {"q_x", {{"x", tbl::FilterOp::kGe, int64_t{420000}}, {"x", tbl::FilterOp::kLt, int64_t{430000}}}},
      {"q_y", {{"y", tbl::FilterOp::kGe, int64_t{420000}}, {"y", tbl::FilterOp::kLt, int64_t{430000}}}},
      {"q_xy",
       {{"x", tbl::FilterOp::kGe, int64_t{420000}}, {"x", tbl::FilterOp::kLt, int64_t{430000}},
        {"y", tbl::FilterOp::kGe, int64_t{420000}}, {"y", tbl::FilterOp::kLt, int64_t{430000}}}},
  };
  std::vector<Measured> before, linear, after;
  for (const auto& q : queries) {
    before.push_back(Run(random_root, q));
    linear.push_back(Run(linear_root, q));
  }

  tbl::OptimizeOptions o;
  o.zorder_by = {"x", "y"};
  o.target_file_size = std::max<int64_t>(1, total_bytes / files);
  auto start = std::chrono::steady_clock::now();
  auto opt = tbl::Optimize(random_root, o);
  if (!opt.ok()) Die(opt.status(), "optimize");
  const double optimize_s = Seconds(start);
  for (const auto& q : queries) after.push_back(Run(random_root, q));

  std::printf("RESULT zorder_rows %lld rows\n", static_cast<long long>(rows));
  std::printf("RESULT zorder_files_before %d files\n", files);
  std::printf("RESULT zorder_files_after %lld files\n", static_cast<long long>(opt->metrics["numFilesAdded"]));
  std::printf("RESULT zorder_optimize_s %.3f s\n", optimize_s);
  std::printf("RESULT zorder_q_x_files_limit %lld files\n",
              static_cast<long long>(std::ceil(0.01 * static_cast<double>(opt->metrics["numFilesAdded"]))));
  for (size_t i = 0; i < queries.size(); ++i) {
    const char* q = queries[i].name;
    if (before[i].rows != after[i].rows || before[i].rows != linear[i].rows) {
      std::fprintf(stderr, "delta_zorder_bench: %s: row counts differ (%lld, %lld, %lld)\n", q,
                   static_cast<long long>(before[i].rows), static_cast<long long>(linear[i].rows),
                   static_cast<long long>(after[i].rows));
      return 1;
    }
    std::printf("RESULT zorder_%s_rows_matched %lld rows\n", q, static_cast<long long>(after[i].rows));
    std::printf("RESULT zorder_%s_files_read_random %lld files\n", q, static_cast<long long>(before[i].files));
    std::printf("RESULT zorder_%s_files_read_linear %lld files\n", q, static_cast<long long>(linear[i].files));
    std::printf("RESULT zorder_%s_files_read_zorder %lld files\n", q, static_cast<long long>(after[i].files));
    std::printf("RESULT zorder_%s_scan_ms_random %.2f ms\n", q, before[i].ms);
    std::printf("RESULT zorder_%s_scan_ms_linear %.2f ms\n", q, linear[i].ms);
    std::printf("RESULT zorder_%s_scan_ms_zorder %.2f ms\n", q, after[i].ms);
    std::printf("RESULT zorder_%s_files_ratio_random_vs_zorder %.2f x\n", q,
                static_cast<double>(before[i].files) / static_cast<double>(std::max<int64_t>(1, after[i].files)));
    std::printf("RESULT zorder_%s_speedup_vs_random %.2f x\n", q, before[i].ms / std::max(1e-9, after[i].ms));
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
