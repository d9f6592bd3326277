// Writing the generated TPC-H tables: chunks on worker threads, one file per chunk, then one
// Delta commit per table (see generate.h).
#include "cli/tpch/generate.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/tpch/dbgen.h"
#include "format/parquet/writer.h"
#include "table/snapshot.h"
#include "table/table.h"
#include "table/transaction.h"
#include "table/writer.h"

namespace tide::cli::tpch {
namespace {

namespace fs = std::filesystem;
namespace pq = tide::format::parquet;
using base::Status;

struct Task {
  Table table;
  int chunk = 0;
  int chunks = 1;
  int64_t begin = 0;
  int64_t end = 0;
  double weight = 0;  // estimated output rows, for largest-first scheduling
};

// Output rows per driver row (lineitem: 4 lines per order on average; partsupp: 4 per part).
double RowsPerDriverRow(Table t) { return t == Table::kLineitem || t == Table::kPartsupp ? 4.0 : 1.0; }

int DefaultFiles(Table t, double scale) {
  if (t == Table::kNation || t == Table::kRegion) return 1;
  const double target = t == Table::kLineitem ? 1.5e6 : 1.0e6;
  double rows = static_cast<double>(DriverRows(t, scale)) * RowsPerDriverRow(t);
  return static_cast<int>(std::max(1.0, std::ceil(rows / target)));
}

// State per table: the Delta snapshot written into, and each chunk's files.
struct TableState {
  std::string delta_root;
  std::string parquet_dir;
  std::shared_ptr<const table::Snapshot> snapshot;
  std::vector<std::vector<table::AddFile>> chunk_adds;
  std::atomic<int> done{0};
  std::atomic<int64_t> rows{0};
};

std::string ChunkFileName(int chunk, size_t part, size_t parts) {
  char buf[64];
  if (parts <= 1) {
    std::snprintf(buf, sizeof buf, "part-%05d.parquet", chunk);
  } else {
    std::snprintf(buf, sizeof buf, "part-%05d-%02zu.parquet", chunk, part);
  }
  return buf;
}

Status LinkOrCopy(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (!ec) return Status::OK();
  // Another file system (or no hard links): copy.
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::IoError("cannot copy " + from + " to " + to + ": " + ec.message());
  return Status::OK();
}

pq::WriterOptions ParquetOptions(const GenerateOptions& o) {
  pq::WriterOptions w;
  w.codec = o.codec;
  w.max_row_group_rows = o.row_group_rows;
  return w;
}

// One chunk into a plain Parquet file.
Status WriteParquetChunk(const GenerateOptions& o, const Task& task, TableState* state) {
  const std::string path = state->parquet_dir + "/" + ChunkFileName(task.chunk, 0, 1);
  TIDE_ASSIGN_OR_RETURN(auto writer, pq::ParquetWriter::Open(path, TableSchema(task.table), ParquetOptions(o)));
  TIDE_RETURN_IF_ERROR(GenerateRows(task.table, o.scale, task.begin, task.end, 32768,
                                    [&](std::shared_ptr<columnar::RecordBatch> batch) {
                                      state->rows += batch->num_rows();
                                      return writer->WriteBatch(*batch);
                                    }));
  return writer->Close().WithContext("writing " + path);
}

// One chunk into the Delta table's directory (not yet committed), linked into parquet/.
Status WriteDeltaChunk(const GenerateOptions& o, const Task& task, TableState* state) {
  table::DataWriterOptions wo;
  wo.target_file_size = int64_t{1} << 50;  // one file per chunk
  wo.parquet = ParquetOptions(o);
  TIDE_ASSIGN_OR_RETURN(auto writer, table::DataWriter::Make(state->delta_root, state->snapshot->metadata(), wo));
  const auto& table_schema = *state->snapshot->schema();
  Status st = GenerateRows(task.table, o.scale, task.begin, task.end, 32768,
                           [&](std::shared_ptr<columnar::RecordBatch> batch) -> Status {
                             state->rows += batch->num_rows();
                             TIDE_ASSIGN_OR_RETURN(auto conformed, table::ConformBatch(*batch, table_schema));
                             return writer->Write(*conformed);
                           });
  if (!st.ok()) {
    writer->Abort();
    return st;
  }
  auto adds = writer->Finish();
  if (!adds.ok()) {
    writer->Abort();
    return adds.status();
  }
  if (o.parquet) {
    for (size_t i = 0; i < adds->size(); ++i) {
      TIDE_ASSIGN_OR_RETURN(std::string src, state->snapshot->DataFilePath((*adds)[i].path));
      TIDE_RETURN_IF_ERROR(LinkOrCopy(src, state->parquet_dir + "/" + ChunkFileName(task.chunk, i, adds->size())));
    }
  }
  state->chunk_adds[task.chunk] = std::move(*adds);
  return Status::OK();
}

Status PrepareDirectory(const std::string& dir, bool overwrite) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!overwrite) {
      return Status::AlreadyExists(dir + " already exists (use --overwrite to replace it, or another --out)");
    }
    fs::remove_all(dir, ec);
    if (ec) return Status::IoError("cannot remove " + dir + ": " + ec.message());
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  return Status::OK();
}

std::string FormatRows(int64_t rows) {
  char buf[32];
  if (rows >= 1000000) {
    std::snprintf(buf, sizeof buf, "%.2f M", rows / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(rows));
  }
  return buf;
}

}  // namespace

Status Generate(const GenerateOptions& o) {
  if (!(o.scale > 0) || o.scale > 100000) {
    return Status::InvalidArgument("--scale must be a number in (0, 100000], got " + std::to_string(o.scale));
  }
  if (o.out_dir.empty()) return Status::InvalidArgument("--out DIR is required");
  if (!o.parquet && !o.delta) return Status::InvalidArgument("nothing to write: choose --format parquet, delta or both");
  if (o.files_per_table < 0 || o.files_per_table > 100000) {
    return Status::InvalidArgument("--files-per-table must be in [0, 100000], got " + std::to_string(o.files_per_table));
  }
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

  // A previous complete data set is replaced only on request; its marker goes first so an
  // interrupted regeneration never looks complete.
  std::error_code ec;
  const std::string marker = o.out_dir + "/tpch.json";
  if (fs::exists(marker, ec) && o.overwrite) fs::remove(marker, ec);

  std::map<Table, std::unique_ptr<TableState>> states;
  std::vector<Task> tasks;
  for (Table t : kAllTables) {
    auto state = std::make_unique<TableState>();
    const std::string name = TableName(t);
    int files = o.files_per_table > 0 && t != Table::kNation && t != Table::kRegion ? o.files_per_table
                                                                                   : DefaultFiles(t, o.scale);
    const int64_t driver = DriverRows(t, o.scale);
    files = static_cast<int>(std::min<int64_t>(files, driver));
    if (o.parquet) {
      state->parquet_dir = o.out_dir + "/parquet/" + name;
      TIDE_RETURN_IF_ERROR(PrepareDirectory(state->parquet_dir, o.overwrite));
    }
    if (o.delta) {
      state->delta_root = o.out_dir + "/tables/" + name;
      TIDE_RETURN_IF_ERROR(PrepareDirectory(state->delta_root, o.overwrite));
      TIDE_RETURN_IF_ERROR(
          table::DeltaTable::Create(state->delta_root, *TableSchema(t), {}, {}, name,
                                    std::string("TPC-H ") + name + " at scale factor " + std::to_string(o.scale))
              .status());
      TIDE_ASSIGN_OR_RETURN(state->snapshot, table::Snapshot::Load(state->delta_root));
    }
    state->chunk_adds.resize(files);
    for (int c = 0; c < files; ++c) {
      Task task;
      task.table = t;
      task.chunk = c;
      task.chunks = files;
      task.begin = driver * c / files;
      task.end = driver * (c + 1) / files;
      task.weight = static_cast<double>(task.end - task.begin) * RowsPerDriverRow(t) *
                    (t == Table::kLineitem ? 1.5 : 1.0);
      tasks.push_back(task);
    }
    states[t] = std::move(state);
  }
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) { return a.weight > b.weight; });

  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min<int>(threads, static_cast<int>(tasks.size()));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;  // guards first_error and progress
  Status first_error;
  size_t files_done = 0;
  auto worker = [&] {
    for (;;) {
      if (failed.load()) return;
      size_t i = next.fetch_add(1);
      if (i >= tasks.size()) return;
      const Task& task = tasks[i];
      TableState* state = states[task.table].get();
      Status st = o.delta ? WriteDeltaChunk(o, task, state) : WriteParquetChunk(o, task, state);
      std::lock_guard<std::mutex> lock(mu);
      if (!st.ok()) {
        if (first_error.ok()) first_error = st.WithContext(std::string("generating ") + TableName(task.table));
        failed = true;
        return;
      }
      ++files_done;
      int done = ++state->done;
      if (o.progress) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "tpch sf %g: %s %d/%d files (%s rows), %zu/%zu files in all, %.1f s", o.scale,
                      TableName(task.table), done, task.chunks, FormatRows(state->rows.load()).c_str(), files_done,
                      tasks.size(), elapsed());
        o.progress(buf);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (!first_error.ok()) return first_error;

  if (o.delta) {
    for (Table t : kAllTables) {
      TableState* state = states[t].get();
      auto txn = table::Transaction::Start(state->snapshot);
      int64_t bytes = 0, nfiles = 0;
      for (auto& adds : state->chunk_adds) {
        for (auto& a : adds) {
          bytes += a.size;
          ++nfiles;
          txn->AddFile(a);
        }
      }
      auto committed = txn->Commit("WRITE", {{"mode", "\"Append\""}, {"partitionBy", "\"[]\""}},
                                   {{"numFiles", std::to_string(nfiles)},
                                    {"numOutputRows", std::to_string(state->rows.load())},
                                    {"numOutputBytes", std::to_string(bytes)}});
      if (!committed.ok()) return committed.status().WithContext(std::string("committing ") + TableName(t));
    }
  }

  std::ofstream out(marker, std::ios::trunc);
  const char* format = o.parquet && o.delta ? "both" : o.parquet ? "parquet" : "delta";
  out << "{\"scale\":" << o.scale << ",\"format\":\"" << format << "\",\"files_per_table\":" << o.files_per_table
      << ",\"tables\":{";
  bool first = true;
  for (Table t : kAllTables) {
    out << (first ? "" : ",") << "\"" << TableName(t) << "\":" << states[t]->rows.load();
    first = false;
  }
  out << "}}\n";
  out.close();
  if (!out) return Status::IoError("cannot write " + marker);
  if (o.progress) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "tpch sf %g: done in %.1f s (%s)", o.scale, elapsed(), o.out_dir.c_str());
    o.progress(buf);
  }
  return Status::OK();
}

}  // namespace tide::cli::tpch
