#include "exec/delta_source.h"

#include <cctype>
#include <cstdlib>

#include "exec/filter_pushdown.h"
#include "format/parquet/reader.h"
#include "table/partition.h"
#include "table/scan.h"

namespace tide::exec {

namespace col = tide::columnar;
namespace pq = tide::format::parquet;
using base::Status;

int64_t StatsNumRecords(const std::string& stats) {
  // Only the top-level numRecords is needed; scanning for the key avoids parsing the whole
  // document for every file of a large table. Writers put numRecords first, before any nested
  // object that could hold a column of that name, and a wrong guess only skews an estimate.
  static constexpr std::string_view kKey = "\"numRecords\"";
  size_t p = stats.find(kKey);
  if (p == std::string::npos) return -1;
  p += kKey.size();
  while (p < stats.size() && (std::isspace(static_cast<unsigned char>(stats[p])) || stats[p] == ':')) ++p;
  if (p >= stats.size() || !(std::isdigit(static_cast<unsigned char>(stats[p])))) return -1;
  char* end = nullptr;
  long long v = std::strtoll(stats.c_str() + p, &end, 10);
  return v < 0 ? -1 : static_cast<int64_t>(v);
}

std::shared_ptr<DeltaScanTable> DeltaScanTable::Make(std::shared_ptr<const table::Snapshot> snapshot,
                                                     std::string display_name, int64_t batch_rows,
                                                     int64_t split_file_bytes) {
  auto t = std::make_shared<DeltaScanTable>();
  int64_t rows = 0;
  for (const auto& f : snapshot->files()) {
    int64_t n = f.stats ? StatsNumRecords(*f.stats) : -1;
    if (n < 0) {
      rows = -1;
      break;
    }
    if (f.deletion_vector) n -= std::min<int64_t>(n, f.deletion_vector->cardinality);
    rows += n;
  }
  t->estimated_rows_ = rows;
  t->snapshot_ = std::move(snapshot);
  t->display_name_ = std::move(display_name);
  t->batch_rows_ = batch_rows > 0 ? batch_rows : 65536;
  t->split_file_bytes_ = split_file_bytes;
  return t;
}

namespace {

// Row-group statistics predicates of a planned scan, shared by its morsels.
using Predicates = std::vector<pq::Predicate>;

struct DeltaMorselState {
  table::AddFile file;
  std::shared_ptr<const Predicates> predicates;
  // Set for a row-group morsel of a large file read directly (the footer read at plan time).
  std::shared_ptr<const pq::ParquetReader> reader;
  int row_group = -1;
};

std::shared_ptr<const col::Schema> Project(const col::Schema& schema, const std::vector<int>& columns) {
  std::vector<col::FieldPtr> fields;
  fields.reserve(columns.size());
  for (int c : columns) fields.push_back(schema.field(c));
  return std::make_shared<col::Schema>(std::move(fields));
}

bool IsPartitionColumn(const table::Snapshot& snap, const std::string& name) {
  for (const auto& p : snap.partition_columns()) {
    if (p == name) return true;
  }
  return false;
}

// Where each projected column comes from when a file is read directly: a file field index,
// or -1 for a partition column. Empty optional: the file needs table::ReadDataFile.
std::optional<std::vector<int>> DirectColumns(const table::Snapshot& snap, const table::AddFile& file,
                                              const pq::ParquetReader& reader, const std::vector<int>& columns) {
  if (file.deletion_vector || snap.column_mapping_mode() != table::ColumnMappingMode::kNone) return std::nullopt;
  const col::Schema& ts = *snap.schema();
  const col::Schema& fs = reader.schema();
  std::vector<int> out;
  for (int c : columns) {
    const auto& field = ts.field(c);
    if (IsPartitionColumn(snap, field->name())) {
      out.push_back(-1);
      continue;
    }
    int idx = fs.FieldIndex(field->name());
    if (idx < 0 || !fs.field(idx)->type()->Equals(*field->type())) return std::nullopt;
    out.push_back(idx);
  }
  return out;
}

bool SkipRowGroup(const pq::ParquetReader& reader, int rg, const Predicates* preds) {
  if (!preds) return false;
  for (const auto& p : *preds) {
    if (pq::RowGroupCannotMatch(reader, rg, p)) return true;
  }
  return false;
}

}  // namespace

base::Result<std::vector<ScanMorsel>> DeltaScanTable::PlanMorsels(const std::vector<int>& columns,
                                                                  const std::vector<sql::BoundExprPtr>& filters,
                                                                  ScanPlanStats* stats) const {
  const col::Schema& schema = *snapshot_->schema();
  std::vector<std::string> names;
  std::vector<col::TypePtr> types;
  for (int c : columns) {
    if (c < 0 || c >= schema.num_fields()) {
      return Status::InvalidArgument("scan of " + display_name_ + ": column index " + std::to_string(c) +
                                     " out of range");
    }
    names.push_back(schema.field(c)->name());
    types.push_back(schema.field(c)->type());
  }
  table::ScanOptions opts;
  opts.columns = names;
  opts.filter_rows = false;
  opts.filters = ToColumnFilters(filters, names);
  auto plan_or = table::PlanScan(*snapshot_, opts);
  if (!plan_or.ok() && !opts.filters.empty()) {
    // A filter the table layer cannot compare (type it does not support) must not fail the
    // query: pruning is optional, so plan again without the filters.
    opts.filters.clear();
    plan_or = table::PlanScan(*snapshot_, opts);
  }
  if (!plan_or.ok()) return plan_or.status().WithContext("scan of " + display_name_);
  table::ScanPlan& plan = *plan_or;
  std::shared_ptr<const Predicates> preds;
  if (snapshot_->column_mapping_mode() == table::ColumnMappingMode::kNone) {
    auto p = ToParquetPredicates(filters, names, types);
    if (!p.empty()) preds = std::make_shared<const Predicates>(std::move(p));
  }
  int64_t rg_total = 0, rg_skipped = 0;
  std::vector<ScanMorsel> morsels;
  morsels.reserve(plan.files.size());
  // With few files, every file is split (a handful of footer reads) so small tables still use
  // every core; with many, only large ones (reading thousands of footers here would be slow,
  // and many files already make enough morsels).
  const bool few_files = plan.files.size() < kFewFiles;
  for (auto& f : plan.files) {
    if ((few_files || f.size >= split_file_bytes_) && !f.deletion_vector &&
        snapshot_->column_mapping_mode() == table::ColumnMappingMode::kNone) {
      // A large file: one morsel per row group when it can be read directly.
      auto path = snapshot_->DataFilePath(f.path);
      std::shared_ptr<const pq::ParquetReader> reader;
      if (path.ok()) {
        auto r = pq::ParquetReader::Open(*path);
        if (r.ok()) reader = std::shared_ptr<const pq::ParquetReader>(std::move(*r));
      }
      if (reader && reader->num_row_groups() > 1 && DirectColumns(*snapshot_, f, *reader, columns)) {
        for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
          ++rg_total;
          if (SkipRowGroup(*reader, rg, preds.get())) {
            ++rg_skipped;
            continue;
          }
          ScanMorsel m;
          m.estimated_rows = reader->metadata().row_groups[rg].num_rows;
          m.description = f.path + " row group " + std::to_string(rg);
          auto st = std::make_shared<DeltaMorselState>();
          st->file = f;
          st->predicates = preds;
          st->reader = reader;
          st->row_group = rg;
          m.state = std::move(st);
          morsels.push_back(std::move(m));
        }
        continue;
      }
    }
    ScanMorsel m;
    m.estimated_rows = f.stats ? StatsNumRecords(*f.stats) : -1;
    m.description = f.path;
    auto st = std::make_shared<DeltaMorselState>();
    st->file = std::move(f);
    st->predicates = preds;
    m.state = std::move(st);
    morsels.push_back(std::move(m));
  }
  if (stats) {
    stats->files_total += plan.files_total;
    stats->files_skipped += plan.files_skipped_by_partition + plan.files_skipped_by_stats;
    stats->row_groups_total += rg_total;
    stats->row_groups_skipped += rg_skipped;
  }
  return morsels;
}

namespace {

// Reads row group `rg` of a directly readable file: file columns in batches, partition
// columns as constants.
Status ReadRowGroupDirect(const table::Snapshot& snap, const table::AddFile& file, const pq::ParquetReader& reader,
                          int rg, const std::vector<int>& columns, const std::vector<int>& sources,
                          const std::shared_ptr<const col::Schema>& out_schema, int64_t batch_rows,
                          const std::function<Status(std::shared_ptr<col::RecordBatch>)>& on_batch) {
  std::vector<int> file_cols;
  std::vector<int> pos(sources.size(), -1);
  for (size_t i = 0; i < sources.size(); ++i) {
    if (sources[i] >= 0) {
      pos[i] = static_cast<int>(file_cols.size());
      file_cols.push_back(sources[i]);
    }
  }
  const col::Schema& ts = *snap.schema();
  auto assemble = [&](const col::RecordBatch* batch, int64_t n) -> Status {
    std::vector<col::ArrayPtr> cols(sources.size());
    for (size_t i = 0; i < sources.size(); ++i) {
      if (sources[i] >= 0) {
        cols[i] = batch->column(pos[i]);
        continue;
      }
      const auto& field = ts.field(columns[i]);
      auto it = file.partition_values.find(field->name());
      std::optional<std::string> value = it == file.partition_values.end() ? std::nullopt : it->second;
      auto c = table::MakePartitionColumn(field->type(), value, n, field->name());
      if (!c.ok()) return Status::Corruption("data file " + file.path + ": " + c.status().message());
      cols[i] = *c;
    }
    return on_batch(std::make_shared<col::RecordBatch>(out_schema, std::move(cols), n));
  };
  if (file_cols.empty()) {
    // Only partition columns (or none): the row count is all that is needed.
    int64_t n = reader.metadata().row_groups[rg].num_rows;
    for (int64_t done = 0; done < n; done += batch_rows) {
      TIDE_RETURN_IF_ERROR(assemble(nullptr, std::min(batch_rows, n - done)));
    }
    return Status::OK();
  }
  Status st = reader.ReadRowGroupBatches(rg, batch_rows, file_cols, [&](std::shared_ptr<col::RecordBatch> b) {
    return assemble(b.get(), b->num_rows());
  });
  if (!st.ok()) return st.WithContext("data file " + file.path);
  return st;
}

}  // namespace

Status DeltaScanTable::ReadMorsel(const ScanMorsel& morsel, const std::vector<int>& columns,
                                  const std::function<Status(std::shared_ptr<col::RecordBatch>)>& on_batch) const {
  const auto* st = static_cast<const DeltaMorselState*>(morsel.state.get());
  if (!st) return Status::InvalidArgument("scan of " + display_name_ + ": morsel without state");
  const col::Schema& schema = *snapshot_->schema();
  for (int c : columns) {
    if (c < 0 || c >= schema.num_fields()) {
      return Status::InvalidArgument("scan of " + display_name_ + ": column index " + std::to_string(c) +
                                     " out of range");
    }
  }
  auto out_schema = Project(schema, columns);
  if (st->reader) {
    auto sources = DirectColumns(*snapshot_, st->file, *st->reader, columns);
    if (sources) {
      return ReadRowGroupDirect(*snapshot_, st->file, *st->reader, st->row_group, columns, *sources, out_schema,
                                batch_rows_, on_batch);
    }
    // Columns the direct path cannot serve (not those planned): read the file through the
    // table layer and keep only this row group's rows. Split files have no deletion vector,
    // so ReadDataFile delivers exactly one batch per row group, in order.
    table::ReadOptions read;
    read.output_schema = out_schema;
    read.filter_rows = false;
    int index = 0;
    return table::ReadDataFile(*snapshot_, st->file, read, [&](std::shared_ptr<col::RecordBatch> b) -> Status {
      return index++ == st->row_group ? on_batch(std::move(b)) : Status::OK();
    });
  }
  if (!st->file.deletion_vector && snapshot_->column_mapping_mode() == table::ColumnMappingMode::kNone) {
    auto path = snapshot_->DataFilePath(st->file.path);
    if (path.ok()) {
      auto r = pq::ParquetReader::Open(*path);
      if (r.ok()) {
        const pq::ParquetReader& reader = **r;
        if (auto sources = DirectColumns(*snapshot_, st->file, reader, columns)) {
          for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
            if (SkipRowGroup(reader, rg, st->predicates.get())) continue;
            TIDE_RETURN_IF_ERROR(ReadRowGroupDirect(*snapshot_, st->file, reader, rg, columns, *sources, out_schema,
                                                    batch_rows_, on_batch));
          }
          return Status::OK();
        }
      }
      // Unreadable or not directly readable: ReadDataFile reports errors with the table
      // layer's context (missing file, corrupt footer) or handles the conversions.
    }
  }
  table::ReadOptions read;
  read.output_schema = out_schema;
  read.filter_rows = false;
  return table::ReadDataFile(*snapshot_, st->file, read, on_batch);
}

}  // namespace tide::exec
