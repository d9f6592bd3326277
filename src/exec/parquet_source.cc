#include "exec/parquet_source.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "exec/filter_pushdown.h"

namespace tide::exec {

namespace col = tide::columnar;
namespace pq = tide::format::parquet;
namespace fs = std::filesystem;
using base::Status;

namespace {

bool Hidden(const std::string& name) { return !name.empty() && (name[0] == '_' || name[0] == '.'); }

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct ParquetMorselState {
  int file = 0;
  int row_group = 0;
};

}  // namespace

base::Result<std::vector<std::string>> ListDataFiles(const std::string& path, const std::string& extension) {
  std::vector<std::string> out;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      std::error_code ec;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
      if (ec) return Status::IoError(path + ": " + ec.message());
      for (; it != end; it.increment(ec)) {
        if (ec) return Status::IoError(path + ": " + ec.message());
        std::string name = it->path().filename().string();
        if (Hidden(name)) {
          if (it->is_directory(ec)) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file(ec) && EndsWith(name, extension)) out.push_back(it->path().string());
      }
      if (out.empty()) return Status::NotFound(path + ": a directory without " + extension + " files");
    } else {
      out.push_back(path);
    }
  } else if (path.find_first_of("*?[") != std::string::npos) {
    glob_t g{};
    int rc = ::glob(path.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string p = g.gl_pathv[i];
        struct stat fst;
        if (::stat(p.c_str(), &fst) == 0 && S_ISREG(fst.st_mode)) out.push_back(p);
      }
    }
    ::globfree(&g);
    if (out.empty()) return Status::NotFound(path + ": the pattern matches no file");
  } else {
    return Status::NotFound(path + ": no such file or directory");
  }
  std::sort(out.begin(), out.end());
  return out;
}

base::Result<std::shared_ptr<ParquetScanTable>> ParquetScanTable::Open(const std::string& path, std::string display_name,
                                                                       int64_t batch_rows) {
  auto files_or = ListDataFiles(path, ".parquet");
  if (!files_or.ok()) return files_or.status().WithContext(display_name);
  auto t = std::make_shared<ParquetScanTable>();
  t->display_name_ = std::move(display_name);
  t->batch_rows_ = batch_rows > 0 ? batch_rows : 65536;
  for (const auto& p : *files_or) {
    auto reader_or = pq::ParquetReader::Open(p);
    if (!reader_or.ok()) return reader_or.status();
    File f;
    f.path = p;
    f.reader = std::move(*reader_or);
    const col::Schema& fs_schema = f.reader->schema();
    if (!t->schema_) {
      t->schema_ = f.reader->schema_ptr();
      for (int i = 0; i < fs_schema.num_fields(); ++i) f.field_index.push_back(i);
    } else {
      for (const auto& field : t->schema_->fields()) {
        int idx = fs_schema.FieldIndex(field->name());
        if (idx < 0) {
          return Status::InvalidArgument(t->display_name_ + ": file " + p + " has no column '" + field->name() +
                                         "' (the first file " + t->files_.front().path + " has it)");
        }
        if (!fs_schema.field(idx)->type()->Equals(*field->type())) {
          return Status::InvalidArgument(t->display_name_ + ": column '" + field->name() + "' is " +
                                         fs_schema.field(idx)->type()->ToString() + " in file " + p + " but " +
                                         field->type()->ToString() + " in " + t->files_.front().path);
        }
        f.field_index.push_back(idx);
      }
    }
    t->total_rows_ += f.reader->num_rows();
    t->files_.push_back(std::move(f));
  }
  return t;
}

base::Result<std::vector<ScanMorsel>> ParquetScanTable::PlanMorsels(const std::vector<int>& columns,
                                                                    const std::vector<sql::BoundExprPtr>& filters,
                                                                    ScanPlanStats* stats) const {
  std::vector<std::string> names;
  std::vector<col::TypePtr> types;
  for (int c : columns) {
    if (c < 0 || c >= schema_->num_fields()) {
      return Status::InvalidArgument("scan of " + display_name_ + ": column index " + std::to_string(c) +
                                     " out of range");
    }
    names.push_back(schema_->field(c)->name());
    types.push_back(schema_->field(c)->type());
  }
  std::vector<pq::Predicate> preds = ToParquetPredicates(filters, names, types);
  std::vector<ScanMorsel> morsels;
  int64_t rg_total = 0, rg_skipped = 0;
  for (size_t fi = 0; fi < files_.size(); ++fi) {
    const auto& reader = *files_[fi].reader;
    for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
      ++rg_total;
      bool skip = false;
      for (const auto& p : preds) {
        if (pq::RowGroupCannotMatch(reader, rg, p)) {
          skip = true;
          break;
        }
      }
      if (skip) {
        ++rg_skipped;
        continue;
      }
      ScanMorsel m;
      auto st = std::make_shared<ParquetMorselState>();
      st->file = static_cast<int>(fi);
      st->row_group = rg;
      m.state = std::move(st);
      m.estimated_rows = reader.metadata().row_groups[rg].num_rows;
      m.description = files_[fi].path + " row group " + std::to_string(rg);
      morsels.push_back(std::move(m));
    }
  }
  if (stats) {
    stats->files_total += static_cast<int64_t>(files_.size());
    stats->row_groups_total += rg_total;
    stats->row_groups_skipped += rg_skipped;
  }
  return morsels;
}

Status ParquetScanTable::ReadMorsel(const ScanMorsel& morsel, const std::vector<int>& columns,
                                    const std::function<Status(std::shared_ptr<col::RecordBatch>)>& on_batch) const {
  const auto* st = static_cast<const ParquetMorselState*>(morsel.state.get());
  if (!st || st->file < 0 || static_cast<size_t>(st->file) >= files_.size()) {
    return Status::InvalidArgument("scan of " + display_name_ + ": invalid morsel");
  }
  const File& f = files_[st->file];
  std::vector<col::FieldPtr> fields;
  std::vector<int> indices;
  for (int c : columns) {
    if (c < 0 || c >= schema_->num_fields()) {
      return Status::InvalidArgument("scan of " + display_name_ + ": column index " + std::to_string(c) +
                                     " out of range");
    }
    fields.push_back(schema_->field(c));
    indices.push_back(f.field_index[c]);
  }
  auto out_schema = std::make_shared<col::Schema>(std::move(fields));
  if (indices.empty()) {
    // No columns wanted (count(*)): only the row count matters; nothing is decoded. An empty
    // column list means "all fields" to the reader, hence this path.
    int64_t n = f.reader->metadata().row_groups[st->row_group].num_rows;
    for (int64_t done = 0; done < n; done += batch_rows_) {
      int64_t len = std::min(batch_rows_, n - done);
      TIDE_RETURN_IF_ERROR(on_batch(std::make_shared<col::RecordBatch>(out_schema, std::vector<col::ArrayPtr>{}, len)));
    }
    return Status::OK();
  }
  return f.reader->ReadRowGroupBatches(st->row_group, batch_rows_, indices,
                                       [&](std::shared_ptr<col::RecordBatch> batch) -> Status {
                                         // The reader's schema carries the file's field objects;
                                         // give the batch the table's (same names and types).
                                         return on_batch(std::make_shared<col::RecordBatch>(
                                             out_schema, batch->columns(), batch->num_rows()));
                                       });
}

}  // namespace tide::exec
