#include "table/maintenance.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <unordered_set>

#include "columnar/json.h"
#include "table/deletion_vector.h"
#include "table/delta_schema.h"
#include "table/dml_batch.h"
#include "table/partition.h"
#include "table/writer.h"
#include "table/zorder.h"

namespace tide::table {

using base::Result;
using base::Status;
using dml_internal::BatchPtr;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::string json = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) json += ",";
    columnar::AppendJsonString(items[i], &json);
  }
  return json + "]";
}

std::map<std::string, std::string> TextMetrics(const std::map<std::string, int64_t>& metrics) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : metrics) out[k] = std::to_string(v);
  return out;
}

// All rows of `file` (deletion vector applied) as batches of the logical schema.
Status ReadWholeFile(const Snapshot& snap, const AddFile& file, std::vector<BatchPtr>* out) {
  ReadOptions ro;
  ro.output_schema = snap.schema();
  ro.filter_rows = false;
  return ReadDataFile(snap, file, ro, [&](BatchPtr b) {
    if (b->num_rows() > 0) out->push_back(std::move(b));
    return Status::OK();
  });
}

bool IsPartitionColumn(const Snapshot& snap, const std::string& name) {
  for (const auto& p : snap.partition_columns()) {
    if (p == name) return true;
  }
  return false;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s.empty() ? "none" : s;
}

void DeleteFiles(const Snapshot& snap, const std::vector<AddFile>& adds) {
  for (const auto& a : adds) {
    auto path = snap.DataFilePath(a.path);
    if (path.ok()) std::remove(path->c_str());
  }
}

}  // namespace

// ---------------------------------------------------------------- OPTIMIZE

Result<OptimizeResult> Optimize(const std::string& table_root, const OptimizeOptions& options) {
  std::shared_ptr<const Snapshot> snap = options.snapshot;
  if (!snap) {
    TIDE_ASSIGN_OR_RETURN(snap, Snapshot::Load(table_root));
  }
  const auto& schema = *snap->schema();
  for (const auto& f : options.filters) {
    if (!IsPartitionColumn(*snap, f.column)) {
      return Status::InvalidArgument("OPTIMIZE WHERE may only use partition columns: '" + f.column +
                                     "' is not one (partition columns: " + JoinNames(snap->partition_columns()) + ")");
    }
  }
  for (const auto& z : options.zorder_by) {
    const int idx = schema.FieldIndex(z);
    if (idx < 0) return Status::InvalidArgument("ZORDER BY: unknown column '" + z + "' (columns: " + schema.ToString() + ")");
    if (IsPartitionColumn(*snap, z)) {
      return Status::InvalidArgument("ZORDER BY: '" + z +
                                     "' is a partition column; Z-ordering within a partition by its own partition value "
                                     "does nothing (choose data columns)");
    }
    if (schema.field(idx)->type()->IsNested()) {
      return Status::InvalidArgument("ZORDER BY: column '" + z + "' has nested type " + schema.field(idx)->type()->ToString());
    }
  }
  const int64_t target = options.target_file_size > 0 ? options.target_file_size
                                                      : snap->properties().target_file_size.value_or(kDefaultTargetFileSize);
  const int64_t min_size = options.min_file_size > 0 ? options.min_file_size : target;

  ScanOptions so;
  so.filters = options.filters;
  TIDE_ASSIGN_OR_RETURN(ScanPlan plan, PlanScan(*snap, so));

  // Files per partition, in a stable order.
  std::map<std::string, std::vector<AddFile>> partitions;
  for (const auto& f : plan.files) partitions[PartitionDirectory(snap->partition_columns(), f.partition_values)].push_back(f);

  OptimizeResult result;
  auto& m = result.metrics;
  m["totalConsideredFiles"] = static_cast<int64_t>(plan.files.size());
  std::vector<std::vector<AddFile>> bins;  // each rewritten together
  int64_t partitions_optimized = 0;
  for (auto& [key, files] : partitions) {
    const size_t bins_before = bins.size();
    if (!options.zorder_by.empty()) {
      const bool has_dv = std::any_of(files.begin(), files.end(), [](const AddFile& f) { return f.deletion_vector.has_value(); });
      if (files.size() >= 2 || has_dv) bins.push_back(files);
    } else {
      std::vector<AddFile> small;
      for (const auto& f : files) {
        if (f.size < min_size || f.deletion_vector) small.push_back(f);
      }
      std::stable_sort(small.begin(), small.end(), [](const AddFile& a, const AddFile& b) { return a.size < b.size; });
      std::vector<AddFile> bin;
      int64_t bin_bytes = 0;
      auto close = [&]() {
        if (bin.size() >= 2 || (bin.size() == 1 && bin[0].deletion_vector)) bins.push_back(bin);
        bin.clear();
        bin_bytes = 0;
      };
      for (const auto& f : small) {
        if (!bin.empty() && bin_bytes + f.size > target) close();
        bin.push_back(f);
        bin_bytes += f.size;
      }
      close();
    }
    if (bins.size() > bins_before) ++partitions_optimized;
  }
  int64_t removed_files = 0, removed_bytes = 0;
  for (const auto& b : bins) {
    removed_files += static_cast<int64_t>(b.size());
    for (const auto& f : b) removed_bytes += f.size;
  }
  m["totalFilesSkipped"] = m["totalConsideredFiles"] - removed_files;
  if (bins.empty()) {
    m["numFilesAdded"] = 0;
    m["numFilesRemoved"] = 0;
    return result;
  }

  auto txn = Transaction::Start(snap, options.transaction);
  DataWriterOptions wo;
  wo.target_file_size = target;
  wo.data_change = false;
  TIDE_ASSIGN_OR_RETURN(auto writer, DataWriter::Make(table_root, txn->metadata(), wo));
  int64_t rows_rewritten = 0;
  std::vector<AddFile> read;
  std::vector<AddFile> zorder_adds;  // files written by the per-chunk writers
  auto rewrite = [&]() -> Status {
    for (const auto& bin : bins) {
      std::vector<BatchPtr> batches;
      for (const auto& f : bin) {
        TIDE_RETURN_IF_ERROR(ReadWholeFile(*snap, f, &batches));
        read.push_back(f);
        txn->RemoveActiveFile(f, false);
      }
      if (options.zorder_by.empty()) {
        for (const auto& b : batches) {
          rows_rewritten += b->num_rows();
          TIDE_RETURN_IF_ERROR(writer->Write(*b));
        }
        continue;
      }
      BatchPtr all = dml_internal::Concat(batches, snap->schema());
      if (!all) continue;
      TIDE_ASSIGN_OR_RETURN(ZOrderSorted sorted, ZOrderSort({all}, options.zorder_by));
      rows_rewritten += all->num_rows();
      // Rows per file from the input's bytes per row; each file gets its own writer so its
      // boundaries are exactly the cube-aligned cuts.
      int64_t bin_bytes = 0;
      for (const auto& f : bin) bin_bytes += f.size;
      const int64_t rows_per_file = std::max<int64_t>(
          1, static_cast<int64_t>(static_cast<double>(target) * static_cast<double>(all->num_rows()) /
                                  static_cast<double>(std::max<int64_t>(1, bin_bytes))));
      int64_t begin = 0;
      for (int64_t end : ZOrderCutPoints(sorted, rows_per_file)) {
        std::vector<int64_t> rows(sorted.permutation.begin() + begin, sorted.permutation.begin() + end);
        begin = end;
        BatchPtr chunk = dml_internal::TakeRows(*all, rows);
        DataWriterOptions cwo = wo;
        cwo.target_file_size = std::max<int64_t>(target * 2, 1);  // one file per chunk
        TIDE_ASSIGN_OR_RETURN(auto cw, DataWriter::Make(table_root, txn->metadata(), cwo));
        Status ws = cw->Write(*chunk);
        auto files = ws.ok() ? cw->Finish() : Result<std::vector<AddFile>>(ws);
        if (!files.ok()) {
          cw->Abort();
          return files.status();
        }
        zorder_adds.insert(zorder_adds.end(), files->begin(), files->end());
      }
    }
    return Status::OK();
  };
  Status s = rewrite();
  if (!s.ok()) {
    writer->Abort();
    DeleteFiles(*snap, zorder_adds);
    return s;
  }
  auto added = writer->Finish();
  if (!added.ok()) {
    writer->Abort();
    DeleteFiles(*snap, zorder_adds);
    return added.status();
  }
  added->insert(added->end(), zorder_adds.begin(), zorder_adds.end());
  int64_t added_bytes = 0, min_added = INT64_MAX, max_added = 0;
  for (const auto& a : *added) {
    added_bytes += a.size;
    min_added = std::min(min_added, a.size);
    max_added = std::max(max_added, a.size);
  }
  m["numFilesAdded"] = static_cast<int64_t>(added->size());
  m["numFilesRemoved"] = removed_files;
  m["numAddedBytes"] = added_bytes;
  m["numRemovedBytes"] = removed_bytes;
  m["minFileSize"] = added->empty() ? 0 : min_added;
  m["maxFileSize"] = max_added;
  m["partitionsOptimized"] = partitions_optimized;
  m["numBatches"] = static_cast<int64_t>(bins.size());
  m["numRowsRewritten"] = rows_rewritten;
  txn->AddFiles(*added);
  txn->ReadFiles(read);
  std::vector<std::string> predicates;
  for (const auto& f : options.filters) predicates.push_back(ColumnFilterToString(f));
  auto commit = txn->Commit("OPTIMIZE",
                            {{"predicate", JsonStringArray(predicates)}, {"zOrderBy", JsonStringArray(options.zorder_by)},
                             {"auto", "false"}},
                            TextMetrics(m));
  if (!commit.ok()) {
    DeleteFiles(*snap, *added);
    return commit.status();
  }
  result.version = commit->version;
  return result;
}

// ---------------------------------------------------------------- VACUUM

namespace {

// Relative (decoded) path of a file referenced from the log, or "" when it lies outside the table.
std::string RelativeDataPath(const std::string& root, const std::string& add_path) {
  auto decoded = DecodeFilePath(add_path);
  if (!decoded.ok()) return {};
  std::string p = *decoded;
  if (!p.empty() && p[0] == '/') {
    std::string prefix = root;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    if (p.compare(0, prefix.size(), prefix) != 0) return {};
    p = p.substr(prefix.size());
  }
  return p;
}

void AddDvPath(const std::string& root, const std::optional<DeletionVectorDescriptor>& dv, std::unordered_set<std::string>* valid) {
  if (!dv || dv->storage_type == "i") return;
  auto path = DeletionVectorFilePath(root, *dv);
  if (!path.ok()) return;
  std::string prefix = root;
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  if (path->compare(0, prefix.size(), prefix) == 0) valid->insert(path->substr(prefix.size()));
}

bool IsHidden(const std::string& name) {
  if (name == "_change_data") return false;
  if (name.find('=') != std::string::npos) return false;  // a partition directory like "_x=1"
  return !name.empty() && (name[0] == '_' || name[0] == '.');
}

std::string FormatHours(int64_t ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g hours", static_cast<double>(ms) / 3600000.0);
  return buf;
}

}  // namespace

Result<VacuumResult> Vacuum(const std::string& table_root, const VacuumOptions& options) {
  TIDE_ASSIGN_OR_RETURN(auto snap, Snapshot::Load(table_root));
  const int64_t table_retention = snap->properties().deleted_file_retention_ms;
  int64_t retention = table_retention;
  if (options.retention_hours) {
    if (!(*options.retention_hours >= 0) || !std::isfinite(*options.retention_hours)) {
      return Status::InvalidArgument("VACUUM: the retention must be a non-negative number of hours");
    }
    retention = static_cast<int64_t>(std::llround(*options.retention_hours * 3600000.0));
  }
  if (options.enforce_retention && retention < table_retention) {
    return Status::InvalidArgument(
        "VACUUM: a retention of " + FormatHours(retention) + " is shorter than the table's delta.deletedFileRetentionDuration (" +
        FormatHours(table_retention) +
        "); files that time travel or running writers still need could be deleted. Pass --force (enforce_retention=false) "
        "to vacuum anyway, or lower the table property");
  }
  const int64_t now = options.now_ms.value_or(NowMs());
  const int64_t cutoff = now - retention;

  std::string root = snap->table_root();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  std::unordered_set<std::string> valid;
  for (const auto& f : snap->files()) {
    valid.insert(RelativeDataPath(root, f.path));
    AddDvPath(root, f.deletion_vector, &valid);
  }
  for (const auto& t : snap->tombstones()) {
    if (t.deletion_timestamp.value_or(0) > cutoff) {
      valid.insert(RelativeDataPath(root, t.path));
      AddDvPath(root, t.deletion_vector, &valid);
    }
  }

  VacuumResult result;
  result.retention_ms = retention;
  std::vector<std::string> dirs;  // visited directories (relative), parents before children
  std::vector<std::string> stack = {""};
  while (!stack.empty()) {
    const std::string rel = stack.back();
    stack.pop_back();
    std::error_code ec;
    const std::string dir = rel.empty() ? root : root + "/" + rel;
    std::filesystem::directory_iterator it(dir, ec), end;
    if (ec) return Status::IoError("VACUUM: listing " + dir + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      const std::string child = rel.empty() ? name : rel + "/" + name;
      if (IsHidden(name)) continue;  // includes _delta_log
      struct stat st;
      if (::lstat(it->path().c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        stack.push_back(child);
        dirs.push_back(child);
        continue;
      }
      if (!S_ISREG(st.st_mode)) continue;
      if (valid.count(child)) continue;
      const int64_t mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
      if (mtime_ms >= cutoff) continue;
      result.files.push_back(child);
      result.bytes += st.st_size;
    }
    if (ec) return Status::IoError("VACUUM: listing " + dir + ": " + ec.message());
  }
  std::sort(result.files.begin(), result.files.end());
  if (options.dry_run) return result;

  std::map<std::string, std::string> start_params = {
      {"retentionCheckEnabled", options.enforce_retention ? "true" : "false"},
      {"defaultRetentionMillis", std::to_string(table_retention)},
      {"specifiedRetentionMillis", std::to_string(retention)}};
  {
    auto txn = Transaction::Start(snap);
    TIDE_RETURN_IF_ERROR(txn->Commit("VACUUM START", start_params,
                                     {{"numFilesToDelete", std::to_string(result.files.size())},
                                      {"sizeOfDataToDelete", std::to_string(result.bytes)}})
                             .status());
  }
  int64_t deleted = 0;
  for (const auto& f : result.files) {
    const std::string path = root + "/" + f;
    if (::unlink(path.c_str()) == 0 || errno == ENOENT) {
      ++deleted;
    } else {
      return Status::FromErrno(errno, "VACUUM: deleting " + path);
    }
  }
  // Directories left empty, deepest first.
  std::sort(dirs.begin(), dirs.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& d : dirs) {
    if (::rmdir((root + "/" + d).c_str()) == 0) ++result.directories_removed;
  }
  TIDE_ASSIGN_OR_RETURN(auto after, Snapshot::Load(table_root));
  auto txn = Transaction::Start(after);
  TIDE_RETURN_IF_ERROR(txn->Commit("VACUUM END", {{"status", "\"COMPLETED\""}},
                                   {{"numDeletedFiles", std::to_string(deleted)},
                                    {"numVacuumedDirectories", std::to_string(result.directories_removed)}})
                           .status());
  return result;
}

// ---------------------------------------------------------------- RESTORE

Result<RestoreResult> Restore(const std::string& table_root, const RestoreOptions& options) {
  if (options.version.has_value() == options.timestamp_ms.has_value()) {
    return Status::InvalidArgument("RESTORE needs exactly one of a version or a timestamp");
  }
  TIDE_ASSIGN_OR_RETURN(auto current, Snapshot::Load(table_root));
  int64_t version;
  if (options.version) {
    version = *options.version;
    if (version < 0 || version > current->version()) {
      return Status::InvalidArgument("RESTORE: version " + std::to_string(version) + " does not exist (the table has versions up to " +
                                     std::to_string(current->version()) + ")");
    }
  } else {
    TIDE_ASSIGN_OR_RETURN(version, VersionAtTimestamp(table_root, *options.timestamp_ms));
  }
  TIDE_ASSIGN_OR_RETURN(auto target, Snapshot::Load(table_root, {.version = version}));

  auto key_of = [](const AddFile& f) { return FileKey{f.path, f.deletion_vector ? f.deletion_vector->UniqueId() : ""}; };
  std::unordered_set<FileKey, FileKeyHash> now_keys, then_keys;
  for (const auto& f : current->files()) now_keys.insert(key_of(f));
  for (const auto& f : target->files()) then_keys.insert(key_of(f));

  std::vector<AddFile> to_add, to_remove;
  for (const auto& f : target->files()) {
    if (!now_keys.count(key_of(f))) to_add.push_back(f);
  }
  for (const auto& f : current->files()) {
    if (!then_keys.count(key_of(f))) to_remove.push_back(f);
  }
  // Every file to bring back must still exist.
  for (const auto& f : to_add) {
    TIDE_ASSIGN_OR_RETURN(std::string path, target->DataFilePath(f.path));
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return Status::NotFound("RESTORE to version " + std::to_string(version) + ": data file " + f.path +
                              " no longer exists (deleted by VACUUM?); the table cannot be restored to that version");
    }
    if (f.deletion_vector && f.deletion_vector->storage_type != "i") {
      TIDE_ASSIGN_OR_RETURN(std::string dv, DeletionVectorFilePath(table_root, *f.deletion_vector));
      if (::stat(dv.c_str(), &st) != 0) {
        return Status::NotFound("RESTORE to version " + std::to_string(version) + ": deletion vector file " + dv +
                                " of " + f.path + " no longer exists");
      }
    }
  }

  auto txn = Transaction::Start(current, options.transaction);
  txn->ReadWholeTable();
  if (!(target->metadata() == current->metadata())) {
    Metadata m = target->metadata();
    m.id = current->metadata().id;  // the same table
    txn->UpdateMetadata(std::move(m));
  }
  int64_t restored_bytes = 0, removed_bytes = 0;
  for (auto f : to_add) {
    restored_bytes += f.size;
    f.data_change = true;
    txn->AddFile(std::move(f));
  }
  for (const auto& f : to_remove) {
    removed_bytes += f.size;
    txn->RemoveActiveFile(f, true);
  }
  RestoreResult result;
  result.restored_version = version;
  auto& m = result.metrics;
  m["numRestoredFiles"] = static_cast<int64_t>(to_add.size());
  m["numRemovedFiles"] = static_cast<int64_t>(to_remove.size());
  m["restoredFilesSize"] = restored_bytes;
  m["removedFilesSize"] = removed_bytes;
  m["numOfFilesAfterRestore"] = static_cast<int64_t>(target->files().size());
  m["tableSizeAfterRestore"] = target->total_size();
  std::map<std::string, std::string> params = {{"version", std::to_string(version)}};
  if (options.timestamp_ms) {
    std::string ts;
    columnar::AppendJsonString(columnar::FormatTimestamp(*options.timestamp_ms * 1000, columnar::TimeUnit::kMicro, true), &ts);
    params["timestamp"] = ts;
  }
  TIDE_ASSIGN_OR_RETURN(CommitResult commit, txn->Commit("RESTORE", params, TextMetrics(m)));
  result.version = commit.version;
  return result;
}

}  // namespace tide::table
