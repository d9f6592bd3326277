#include "table/dml.h"

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <unordered_map>

#include "columnar/json.h"
#include "table/data_skipping.h"
#include "table/delta_schema.h"
#include "table/dml_batch.h"
#include "table/partition.h"
#include "table/writer.h"

namespace tide::table {

using base::Result;
using base::Status;
using columnar::ArrayPtr;
using columnar::RecordBatch;
using dml_internal::BatchPtr;

namespace dml_internal {

// Shared machinery of DELETE, UPDATE and MERGE: the snapshot, the transaction, lazily made
// writers for data and change data, and the metrics.
class Rewrite {
 public:
  static Result<std::unique_ptr<Rewrite>> Start(const std::string& root, const DmlOptions& options) {
    auto r = std::unique_ptr<Rewrite>(new Rewrite());
    r->root_ = root;
    r->options_ = options;
    if (options.snapshot) {
      r->snap_ = options.snapshot;
    } else {
      TIDE_ASSIGN_OR_RETURN(r->snap_, Snapshot::Load(root));
    }
    r->txn_ = Transaction::Start(r->snap_, options.transaction);
    r->cdf_ = r->snap_->properties().enable_change_data_feed;
    return r;
  }
  ~Rewrite() {
    if (!committed_) {
      if (data_) data_->Abort();
      if (cdc_) cdc_->Abort();
    }
  }

  const Snapshot& snapshot() const { return *snap_; }
  const std::shared_ptr<const columnar::Schema>& schema() const { return snap_->schema(); }
  Transaction& txn() { return *txn_; }
  bool cdf() const { return cdf_; }

  // Candidate files: pruned by the filters' partition values and stats (plus `extra` filters
  // that only prune).
  Result<std::vector<AddFile>> Candidates(const std::vector<ColumnFilter>& extra = {}) {
    ScanOptions so;
    so.filters = options_.filters;
    so.filters.insert(so.filters.end(), extra.begin(), extra.end());
    TIDE_ASSIGN_OR_RETURN(ScanPlan plan, PlanScan(*snap_, so));
    return plan.files;
  }

  // Every row of a data file (deletion vector applied), as one batch (nullptr when empty).
  Result<BatchPtr> ReadFile(const AddFile& file) {
    ReadOptions ro;
    ro.output_schema = snap_->schema();
    ro.filter_rows = false;
    std::vector<BatchPtr> batches;
    TIDE_RETURN_IF_ERROR(ReadDataFile(*snap_, file, ro, [&](BatchPtr b) {
      if (b->num_rows() > 0) batches.push_back(std::move(b));
      return Status::OK();
    }));
    return Concat(batches, snap_->schema());
  }

  Status WriteData(const RecordBatch& batch) {
    if (batch.num_rows() == 0) return Status::OK();
    if (!data_) {
      DataWriterOptions o;
      o.target_file_size = options_.target_file_size;
      TIDE_ASSIGN_OR_RETURN(data_, DataWriter::Make(root_, txn_->metadata(), o));
    }
    return data_->Write(batch);
  }

  // Rows of the table schema with `_change_type` = change_type, when the change feed is on.
  Status WriteChange(const RecordBatch& batch, const std::string& change_type) {
    if (!cdf_ || batch.num_rows() == 0) return Status::OK();
    if (!cdc_) {
      Metadata m = txn_->metadata();
      std::vector<columnar::FieldPtr> fields = snap_->schema()->fields();
      columnar::FieldPtr change_type = columnar::MakeField("_change_type", columnar::Utf8());
      if (snap_->column_mapping_mode() != ColumnMappingMode::kNone) {
        // Column-mapped files name columns physically; _change_type keeps its own name.
        change_type = WithFieldMetadata(*change_type, "delta.columnMapping.id",
                                        std::to_string(snap_->properties().column_mapping_max_id + 1));
        change_type = WithFieldMetadata(*change_type, "delta.columnMapping.physicalName", "\"_change_type\"");
      }
      fields.push_back(std::move(change_type));
      TIDE_ASSIGN_OR_RETURN(m.schema_string, SerializeDeltaSchema(columnar::Schema(fields)));
      DataWriterOptions o;
      o.target_file_size = options_.target_file_size;
      o.subdirectory = "_change_data";
      o.file_prefix = "cdc";
      o.data_change = false;
      TIDE_ASSIGN_OR_RETURN(cdc_, DataWriter::Make(root_, m, o));
    }
    return cdc_->Write(*WithConstantString(batch, "_change_type", change_type));
  }

  void RemoveFile(const AddFile& f) {
    txn_->RemoveActiveFile(f, true);
    ++removed_files_;
    removed_bytes_ += f.size;
  }

  // Records what was read and commits; version -1 when there is nothing to commit.
  Result<DmlResult> Commit(const std::string& operation, std::map<std::string, std::string> parameters,
                           std::map<std::string, int64_t> metrics, const std::vector<AddFile>& read_files) {
    DmlResult result;
    if (data_) {
      TIDE_ASSIGN_OR_RETURN(auto adds, data_->Finish());
      for (const auto& a : adds) added_bytes_ += a.size;
      added_files_ += static_cast<int64_t>(adds.size());
      txn_->AddFiles(std::move(adds));
    }
    int64_t change_files = 0;
    std::vector<std::string> cdc_paths;
    if (cdc_) {
      TIDE_ASSIGN_OR_RETURN(auto adds, cdc_->Finish());
      for (auto& a : adds) {
        cdc_paths.push_back(a.path);
        AddCdcFile c;
        c.path = a.path;
        c.partition_values = a.partition_values;
        c.size = a.size;
        c.data_change = false;
        txn_->AddCdcFile(std::move(c));
        ++change_files;
      }
    }
    const bool changed = removed_files_ > 0 || added_files_ > 0;
    metrics_out(metrics, operation, change_files);
    result.metrics = metrics;
    if (!changed) {
      committed_ = true;
      return result;
    }
    txn_->ReadFiles(read_files);
    if (options_.filters.empty()) {
      txn_->ReadWholeTable();
    } else {
      const auto schema = snap_->schema();
      const auto partition_columns = snap_->partition_columns();
      const auto mode = snap_->column_mapping_mode();
      const auto filters = options_.filters;
      std::string description;
      for (const auto& f : filters) description += (description.empty() ? "" : " AND ") + ColumnFilterToString(f);
      txn_->ReadPredicateFiles({description, [=](const AddFile& a) {
                                  if (PartitionCannotMatch(a.partition_values, *schema, partition_columns, filters)) return false;
                                  if (a.stats) {
                                    auto st = ParseFileStats(*a.stats, *schema, mode);
                                    if (st.ok() && StatsCannotMatch(*st, *schema, filters)) return false;
                                  }
                                  return true;
                                }});
    }
    std::map<std::string, std::string> text_metrics;
    for (const auto& [k, v] : metrics) text_metrics[k] = std::to_string(v);
    auto commit = txn_->Commit(operation, parameters, text_metrics);
    if (!commit.ok()) {
      // The new files (data and change data) are referenced by no commit: delete them.
      for (const auto& a : txn_->adds()) cdc_paths.push_back(a.path);
      for (const auto& p : cdc_paths) {
        auto path = snap_->DataFilePath(p);
        if (path.ok()) std::remove(path->c_str());
      }
      committed_ = true;
      return commit.status();
    }
    committed_ = true;
    result.version = commit->version;
    return result;
  }

  int64_t removed_files() const { return removed_files_; }

 private:
  Rewrite() = default;
  void metrics_out(std::map<std::string, int64_t>& m, const std::string& operation, int64_t change_files) const {
    if (operation == "MERGE") {
      m["numTargetFilesAdded"] = added_files_;
      m["numTargetFilesRemoved"] = removed_files_;
      m["numTargetChangeFilesAdded"] = change_files;
      m["numTargetBytesAdded"] = added_bytes_;
      m["numTargetBytesRemoved"] = removed_bytes_;
    } else {
      m["numAddedFiles"] = added_files_;
      m["numRemovedFiles"] = removed_files_;
      m["numAddedChangeFiles"] = change_files;
      m["numAddedBytes"] = added_bytes_;
      m["numRemovedBytes"] = removed_bytes_;
    }
  }

  std::string root_;
  DmlOptions options_;
  std::shared_ptr<const Snapshot> snap_;
  std::unique_ptr<Transaction> txn_;
  bool cdf_ = false;
  std::unique_ptr<DataWriter> data_, cdc_;
  bool committed_ = false;
  int64_t removed_files_ = 0, added_files_ = 0, removed_bytes_ = 0, added_bytes_ = 0;
};

namespace {

Result<std::vector<uint8_t>> Evaluate(const RowPredicate& predicate, const RecordBatch& batch) {
  if (!predicate) return std::vector<uint8_t>(static_cast<size_t>(batch.num_rows()), 1);
  TIDE_ASSIGN_OR_RETURN(std::vector<uint8_t> mask, predicate(batch));
  if (static_cast<int64_t>(mask.size()) != batch.num_rows()) {
    return Status::InvalidArgument("row predicate returned " + std::to_string(mask.size()) + " values for " +
                                   std::to_string(batch.num_rows()) + " rows");
  }
  for (auto& m : mask) m = m != 0;
  return mask;
}

// filters AND predicate.
Result<std::vector<uint8_t>> Matches(const RecordBatch& batch, const std::vector<ColumnFilter>& filters,
                                     const RowPredicate& predicate) {
  TIDE_ASSIGN_OR_RETURN(std::vector<uint8_t> mask, EvaluateFilters(batch, filters));
  if (predicate) {
    TIDE_ASSIGN_OR_RETURN(std::vector<uint8_t> p, Evaluate(predicate, batch));
    for (size_t i = 0; i < mask.size(); ++i) mask[i] &= p[i];
  }
  return mask;
}

int64_t CountSet(const std::vector<uint8_t>& mask) {
  int64_t n = 0;
  for (uint8_t m : mask) n += m != 0;
  return n;
}

// True when every filter is on a partition column and holds for the file's partition values, so
// every row of the file matches.
bool PartitionFullyMatches(const Snapshot& snap, const AddFile& file, const std::vector<ColumnFilter>& filters) {
  if (filters.empty()) return true;
  const auto& schema = *snap.schema();
  for (const auto& f : filters) {
    bool is_partition = false;
    for (const auto& p : snap.partition_columns()) is_partition |= p == f.column;
    if (!is_partition) return false;
    const int idx = schema.FieldIndex(f.column);
    if (idx < 0) return false;
    const auto& field = *schema.field(idx);
    const std::string key = PhysicalName(field, snap.column_mapping_mode());
    auto it = file.partition_values.find(key);
    std::optional<std::string> value = it == file.partition_values.end() ? std::nullopt : it->second;
    auto column = MakePartitionColumn(field.type(), value, 1, field.name());
    if (!column.ok()) return false;
    std::vector<bool> keep(1, true);
    if (!ApplyFilter(**column, f, keep).ok() || !keep[0]) return false;
  }
  return true;
}

std::string PredicateParameter(const DmlOptions& options) {
  std::string text = options.predicate_text;
  if (text.empty()) {
    for (const auto& f : options.filters) text += (text.empty() ? "" : " AND ") + ColumnFilterToString(f);
  }
  std::string json = "[";
  if (!text.empty()) columnar::AppendJsonString(text, &json);
  return json + "]";
}

// Checks that `column` can be column `index` of `schema` for `rows` rows.
Status CheckAssigned(const columnar::Schema& schema, int index, const ArrayPtr& column, int64_t rows) {
  const auto& field = *schema.field(index);
  if (!column) return Status::InvalidArgument("assignment to column '" + field.name() + "' returned no column");
  if (!column->type->Equals(*field.type())) {
    return Status::InvalidArgument("assignment to column '" + field.name() + "' of type " + field.type()->ToString() +
                                   " produced " + column->type->ToString());
  }
  if (column->length != rows) {
    return Status::InvalidArgument("assignment to column '" + field.name() + "' produced " +
                                   std::to_string(column->length) + " values for " + std::to_string(rows) + " rows");
  }
  return Status::OK();
}

struct BoundAssignment {
  int index;
  const ColumnExpr* expr;
};

Result<std::vector<BoundAssignment>> Bind(const columnar::Schema& schema, const Assignments& assignments) {
  std::vector<BoundAssignment> out;
  std::vector<bool> seen(static_cast<size_t>(schema.num_fields()), false);
  for (const auto& [name, expr] : assignments) {
    const int idx = schema.FieldIndex(name);
    if (idx < 0) {
      return Status::InvalidArgument("cannot assign to unknown column '" + name + "' (columns: " + schema.ToString() + ")");
    }
    if (seen[static_cast<size_t>(idx)]) return Status::InvalidArgument("column '" + name + "' is assigned twice");
    if (!expr) return Status::InvalidArgument("assignment to column '" + name + "' has no expression");
    seen[static_cast<size_t>(idx)] = true;
    out.push_back({idx, &expr});
  }
  return out;
}

// `rows` (table schema) with the assignments applied; expressions see `input`.
Result<BatchPtr> ApplyAssignments(const BatchPtr& rows, const RecordBatch& input, const std::vector<BoundAssignment>& bound) {
  BatchPtr out = rows;
  for (const auto& a : bound) {
    TIDE_ASSIGN_OR_RETURN(ArrayPtr column, (*a.expr)(input));
    TIDE_RETURN_IF_ERROR(CheckAssigned(*rows->schema(), a.index, column, rows->num_rows()));
    out = WithColumn(*out, a.index, std::move(column));
  }
  return out;
}

}  // namespace
}  // namespace dml_internal

using namespace dml_internal;  // NOLINT

RowPredicate FiltersPredicate(std::vector<ColumnFilter> filters) {
  return [filters = std::move(filters)](const RecordBatch& batch) { return EvaluateFilters(batch, filters); };
}

// ---------------------------------------------------------------- DELETE

Result<DmlResult> Delete(const std::string& table_root, RowPredicate predicate, const DmlOptions& options) {
  TIDE_ASSIGN_OR_RETURN(auto rw, Rewrite::Start(table_root, options));
  TIDE_ASSIGN_OR_RETURN(std::vector<AddFile> files, rw->Candidates());
  int64_t deleted = 0, copied = 0;
  for (const AddFile& f : files) {
    if (!predicate && !rw->cdf() && PartitionFullyMatches(rw->snapshot(), f, options.filters)) {
      // Metadata-only: the whole file matches; count its rows from the stats when known.
      if (f.stats) {
        auto st = ParseFileStats(*f.stats, *rw->schema(), rw->snapshot().column_mapping_mode());
        if (st.ok() && st->num_records) deleted += *st->num_records - (f.deletion_vector ? f.deletion_vector->cardinality : 0);
      }
      rw->RemoveFile(f);
      continue;
    }
    TIDE_ASSIGN_OR_RETURN(BatchPtr rows, rw->ReadFile(f));
    if (!rows) continue;
    TIDE_ASSIGN_OR_RETURN(std::vector<uint8_t> mask, Matches(*rows, options.filters, predicate));
    const int64_t n = CountSet(mask);
    if (n == 0) continue;
    deleted += n;
    copied += rows->num_rows() - n;
    TIDE_RETURN_IF_ERROR(rw->WriteData(*FilterRows(*rows, mask, false)));
    TIDE_RETURN_IF_ERROR(rw->WriteChange(*FilterRows(*rows, mask, true), "delete"));
    rw->RemoveFile(f);
  }
  return rw->Commit("DELETE", {{"predicate", PredicateParameter(options)}},
                    {{"numDeletedRows", deleted}, {"numCopiedRows", copied}}, files);
}

// ---------------------------------------------------------------- UPDATE

Result<DmlResult> Update(const std::string& table_root, RowPredicate predicate, const Assignments& assignments,
                         const DmlOptions& options) {
  TIDE_ASSIGN_OR_RETURN(auto rw, Rewrite::Start(table_root, options));
  TIDE_ASSIGN_OR_RETURN(auto bound, Bind(*rw->schema(), assignments));
  if (bound.empty()) return Status::InvalidArgument("UPDATE needs at least one assignment");
  TIDE_ASSIGN_OR_RETURN(std::vector<AddFile> files, rw->Candidates());
  int64_t updated = 0, copied = 0;
  for (const AddFile& f : files) {
    TIDE_ASSIGN_OR_RETURN(BatchPtr rows, rw->ReadFile(f));
    if (!rows) continue;
    TIDE_ASSIGN_OR_RETURN(std::vector<uint8_t> mask, Matches(*rows, options.filters, predicate));
    const int64_t n = CountSet(mask);
    if (n == 0) continue;
    BatchPtr before = FilterRows(*rows, mask, true);
    TIDE_ASSIGN_OR_RETURN(BatchPtr after, ApplyAssignments(before, *before, bound));
    updated += n;
    copied += rows->num_rows() - n;
    TIDE_RETURN_IF_ERROR(rw->WriteData(*FilterRows(*rows, mask, false)));
    TIDE_RETURN_IF_ERROR(rw->WriteData(*after));
    TIDE_RETURN_IF_ERROR(rw->WriteChange(*before, "update_preimage"));
    TIDE_RETURN_IF_ERROR(rw->WriteChange(*after, "update_postimage"));
    rw->RemoveFile(f);
  }
  return rw->Commit("UPDATE", {{"predicate", PredicateParameter(options)}},
                    {{"numUpdatedRows", updated}, {"numCopiedRows", copied}}, files);
}

// ---------------------------------------------------------------- MERGE

MergeClause MergeClause::UpdateAll(RowPredicate condition) {
  return {When::kMatched, Action::kUpdate, std::move(condition), true, {}};
}
MergeClause MergeClause::UpdateSet(Assignments assignments, RowPredicate condition) {
  return {When::kMatched, Action::kUpdate, std::move(condition), false, std::move(assignments)};
}
MergeClause MergeClause::DeleteMatched(RowPredicate condition) {
  return {When::kMatched, Action::kDelete, std::move(condition), false, {}};
}
MergeClause MergeClause::InsertAll(RowPredicate condition) {
  return {When::kNotMatched, Action::kInsert, std::move(condition), true, {}};
}
MergeClause MergeClause::InsertValues(Assignments assignments, RowPredicate condition) {
  return {When::kNotMatched, Action::kInsert, std::move(condition), false, std::move(assignments)};
}
MergeClause MergeClause::UpdateNotMatchedBySource(Assignments assignments, RowPredicate condition) {
  return {When::kNotMatchedBySource, Action::kUpdate, std::move(condition), false, std::move(assignments)};
}
MergeClause MergeClause::DeleteNotMatchedBySource(RowPredicate condition) {
  return {When::kNotMatchedBySource, Action::kDelete, std::move(condition), false, {}};
}

namespace {

using When = MergeClause::When;
using ActionKind = MergeClause::Action;

// A clause prepared against the table and source schemas.
struct PreparedClause {
  const MergeClause* clause;
  std::vector<BoundAssignment> bound;
  // SET * / INSERT *: table column index -> source column index (-1: none).
  std::vector<int> from_source;
};

std::string KeyOf(const std::vector<const columnar::ArrayData*>& columns, int64_t row) {
  std::string key;
  for (const auto* c : columns) {
    if (c->IsNull(row)) return {};
    columnar::AppendValueJson(*c, row, &key);
    key.push_back('\x1f');
  }
  return key;
}

// Assigns each row of `batch` the first clause (of `clauses`) whose condition holds, or -1.
Result<std::vector<int>> ChooseClauses(const std::vector<PreparedClause>& clauses, const RecordBatch& batch) {
  std::vector<int> chosen(static_cast<size_t>(batch.num_rows()), -1);
  for (size_t c = 0; c < clauses.size(); ++c) {
    TIDE_ASSIGN_OR_RETURN(std::vector<uint8_t> mask, Evaluate(clauses[c].clause->condition, batch));
    for (size_t i = 0; i < chosen.size(); ++i) {
      if (chosen[i] < 0 && mask[i]) chosen[i] = static_cast<int>(c);
    }
  }
  return chosen;
}

// The new target rows for an UPDATE clause: `target` (table schema) with SET * columns taken from
// the "source." columns of `input` (conformed to the table's types) and assignments applied.
Result<BatchPtr> UpdatedRows(const PreparedClause& pc, const BatchPtr& target, const RecordBatch& input,
                             int source_offset, const columnar::Schema& table_schema) {
  BatchPtr out = target;
  if (pc.clause->all_columns) {
    std::vector<columnar::FieldPtr> fields;
    std::vector<ArrayPtr> columns;
    std::vector<int> targets;
    for (size_t t = 0; t < pc.from_source.size(); ++t) {
      if (pc.from_source[t] < 0) continue;
      fields.push_back(table_schema.field(static_cast<int>(t)));
      columns.push_back(input.column(source_offset + pc.from_source[t]));
      targets.push_back(static_cast<int>(t));
    }
    std::vector<columnar::FieldPtr> src_fields;
    for (size_t i = 0; i < fields.size(); ++i) {
      src_fields.push_back(columnar::MakeField(fields[i]->name(), columns[i]->type));
    }
    RecordBatch src(std::make_shared<const columnar::Schema>(src_fields), columns, input.num_rows());
    TIDE_ASSIGN_OR_RETURN(auto conformed, ConformBatch(src, columnar::Schema(fields)));
    for (size_t i = 0; i < targets.size(); ++i) out = WithColumn(*out, targets[i], conformed->column(static_cast<int>(i)));
  }
  return ApplyAssignments(out, input, pc.bound);
}

// Rows to insert for an INSERT clause from `input` ("source." columns only).
Result<BatchPtr> InsertedRows(const PreparedClause& pc, const RecordBatch& input, const std::shared_ptr<const columnar::Schema>& table_schema) {
  const int64_t n = input.num_rows();
  std::vector<ArrayPtr> columns;
  for (int t = 0; t < table_schema->num_fields(); ++t) columns.push_back(columnar::MakeNullArray(table_schema->field(t)->type(), n));
  auto out = std::make_shared<RecordBatch>(table_schema, std::move(columns), n);
  if (pc.clause->all_columns) {
    std::vector<columnar::FieldPtr> fields;
    std::vector<ArrayPtr> cols;
    std::vector<int> targets;
    for (size_t t = 0; t < pc.from_source.size(); ++t) {
      if (pc.from_source[t] < 0) continue;
      fields.push_back(table_schema->field(static_cast<int>(t)));
      cols.push_back(input.column(pc.from_source[t]));
      targets.push_back(static_cast<int>(t));
    }
    std::vector<columnar::FieldPtr> src_fields;
    for (size_t i = 0; i < fields.size(); ++i) src_fields.push_back(columnar::MakeField(fields[i]->name(), cols[i]->type));
    RecordBatch src(std::make_shared<const columnar::Schema>(src_fields), cols, n);
    TIDE_ASSIGN_OR_RETURN(auto conformed, ConformBatch(src, columnar::Schema(fields)));
    for (size_t i = 0; i < targets.size(); ++i) out = WithColumn(*out, targets[i], conformed->column(static_cast<int>(i)));
  }
  return ApplyAssignments(out, input, pc.bound);
}

std::string ClausesParameter(const std::vector<MergeClause>& clauses, When when) {
  std::string json = "[";
  for (const auto& c : clauses) {
    if (c.when != when) continue;
    if (json.size() > 1) json += ",";
    json += "{\"actionType\":\"";
    json += c.action == ActionKind::kDelete ? "delete" : c.action == ActionKind::kInsert ? "insert" : "update";
    json += "\"}";
  }
  return json + "]";
}

}  // namespace

Result<DmlResult> Merge(const std::string& table_root, const std::vector<std::shared_ptr<RecordBatch>>& source_batches,
                        const MergeSpec& spec, const DmlOptions& options) {
  if (spec.target_keys.empty() || spec.target_keys.size() != spec.source_keys.size()) {
    return Status::InvalidArgument("MERGE needs ON keys: as many target keys as source keys, at least one");
  }
  if (spec.clauses.empty()) return Status::InvalidArgument("MERGE needs at least one WHEN clause");
  TIDE_ASSIGN_OR_RETURN(auto rw, Rewrite::Start(table_root, options));
  const auto table_schema = rw->schema();
  if (source_batches.empty()) return Status::InvalidArgument("MERGE needs a source (at least one batch, possibly empty)");
  const auto source_schema = source_batches[0]->schema();
  for (const auto& b : source_batches) {
    if (!b->schema()->Equals(*source_schema)) return Status::InvalidArgument("MERGE source batches have different schemas");
  }
  BatchPtr source = Concat(source_batches, source_schema);
  const int64_t num_source = source->num_rows();

  // Keys.
  std::vector<int> tkeys, skeys;
  for (size_t k = 0; k < spec.target_keys.size(); ++k) {
    const int t = table_schema->FieldIndex(spec.target_keys[k]);
    const int s = source_schema->FieldIndex(spec.source_keys[k]);
    if (t < 0) return Status::InvalidArgument("MERGE key '" + spec.target_keys[k] + "' is not a table column (" + table_schema->ToString() + ")");
    if (s < 0) return Status::InvalidArgument("MERGE key '" + spec.source_keys[k] + "' is not a source column (" + source_schema->ToString() + ")");
    tkeys.push_back(t);
    skeys.push_back(s);
  }

  // Clauses, by kind, in order; only the last of a kind may be unconditional.
  std::vector<PreparedClause> matched, not_matched, by_source;
  for (const auto& c : spec.clauses) {
    std::vector<PreparedClause>* list = c.when == When::kMatched ? &matched : c.when == When::kNotMatched ? &not_matched : &by_source;
    if (!list->empty() && !list->back().clause->condition) {
      return Status::InvalidArgument("MERGE: only the last WHEN clause of a kind may omit its condition");
    }
    if ((c.when == When::kNotMatched) != (c.action == ActionKind::kInsert)) {
      return Status::InvalidArgument(c.when == When::kNotMatched ? "MERGE: WHEN NOT MATCHED clauses can only INSERT"
                                                                 : "MERGE: only WHEN NOT MATCHED clauses can INSERT");
    }
    if (c.when == When::kNotMatchedBySource && c.all_columns) {
      return Status::InvalidArgument("MERGE: WHEN NOT MATCHED BY SOURCE cannot UPDATE SET * (there is no source row)");
    }
    PreparedClause pc{&c, {}, {}};
    TIDE_ASSIGN_OR_RETURN(pc.bound, Bind(*table_schema, c.assignments));
    if (c.all_columns) {
      for (const auto& f : table_schema->fields()) pc.from_source.push_back(source_schema->FieldIndex(f->name()));
    }
    list->push_back(std::move(pc));
  }

  // Hash the source by key.
  std::unordered_map<std::string, std::vector<int64_t>> by_key;
  {
    std::vector<const columnar::ArrayData*> cols;
    for (int s : skeys) cols.push_back(source->column(s).get());
    for (int64_t r = 0; r < num_source; ++r) {
      std::string k = KeyOf(cols, r);
      if (!k.empty()) by_key[std::move(k)].push_back(r);
    }
  }
  std::vector<uint8_t> source_matched(static_cast<size_t>(num_source), 0);
  const auto prefixed_source = Prefixed(*source, "source.");
  const int source_offset = table_schema->num_fields();

  int64_t updated_matched = 0, deleted_matched = 0, updated_by_source = 0, deleted_by_source = 0, inserted = 0,
          copied = 0;
  // Without NOT MATCHED BY SOURCE clauses only target rows whose keys lie within the source's
  // key range matter: integer keys prune files by their min/max stats.
  std::vector<ColumnFilter> key_ranges;
  if (by_source.empty()) {
    for (size_t k = 0; k < tkeys.size(); ++k) {
      const auto& tt = *table_schema->field(tkeys[k])->type();
      const columnar::ArrayData& sc = *source->column(skeys[k]);
      const auto sid = sc.type->id();
      const bool int_types = (tt.id() == columnar::TypeId::kInt8 || tt.id() == columnar::TypeId::kInt16 ||
                              tt.id() == columnar::TypeId::kInt32 || tt.id() == columnar::TypeId::kInt64) &&
                             (sid == columnar::TypeId::kInt8 || sid == columnar::TypeId::kInt16 ||
                              sid == columnar::TypeId::kInt32 || sid == columnar::TypeId::kInt64);
      if (!int_types) continue;
      bool any = false;
      int64_t lo = 0, hi = 0;
      for (int64_t r = 0; r < sc.length; ++r) {
        if (sc.IsNull(r)) continue;
        int64_t v = sid == columnar::TypeId::kInt8    ? sc.Value<int8_t>(r)
                    : sid == columnar::TypeId::kInt16 ? sc.Value<int16_t>(r)
                    : sid == columnar::TypeId::kInt32 ? sc.Value<int32_t>(r)
                                                      : sc.Value<int64_t>(r);
        lo = any ? std::min(lo, v) : v;
        hi = any ? std::max(hi, v) : v;
        any = true;
      }
      if (!any) continue;
      key_ranges.push_back({spec.target_keys[k], FilterOp::kGe, lo});
      key_ranges.push_back({spec.target_keys[k], FilterOp::kLe, hi});
    }
  }
  TIDE_ASSIGN_OR_RETURN(std::vector<AddFile> files, rw->Candidates(key_ranges));
  std::vector<AddFile> read_files;
  // No source key can match and nothing happens to unmatched target rows: no file to read.
  if (by_key.empty() && by_source.empty()) files.clear();
  for (const AddFile& f : files) {
    // Without matched or by-source clauses target rows only decide what is not inserted, and a
    // source with no keys cannot match anything.
    TIDE_ASSIGN_OR_RETURN(BatchPtr rows, rw->ReadFile(f));
    read_files.push_back(f);
    if (!rows) continue;
    const int64_t n = rows->num_rows();
    TIDE_ASSIGN_OR_RETURN(std::vector<uint8_t> in_scope, EvaluateFilters(*rows, options.filters));
    std::vector<int64_t> pair_t, pair_s;
    {
      std::vector<const columnar::ArrayData*> cols;
      for (int t : tkeys) cols.push_back(rows->column(t).get());
      for (int64_t r = 0; r < n; ++r) {
        if (!in_scope[static_cast<size_t>(r)]) continue;
        const std::string k = KeyOf(cols, r);
        if (k.empty()) continue;
        auto it = by_key.find(k);
        if (it == by_key.end()) continue;
        for (int64_t s : it->second) {
          pair_t.push_back(r);
          pair_s.push_back(s);
        }
      }
    }
    BatchPtr joined;
    if (!pair_t.empty()) {
      joined = SideBySide(*Prefixed(*TakeRows(*rows, pair_t), "target."), *TakeRows(*prefixed_source, pair_s));
      if (spec.extra_condition) {
        TIDE_ASSIGN_OR_RETURN(std::vector<uint8_t> keep, Evaluate(spec.extra_condition, *joined));
        std::vector<int64_t> t2, s2, idx;
        for (size_t i = 0; i < keep.size(); ++i) {
          if (!keep[i]) continue;
          t2.push_back(pair_t[i]);
          s2.push_back(pair_s[i]);
          idx.push_back(static_cast<int64_t>(i));
        }
        if (idx.size() != pair_t.size()) joined = TakeRows(*joined, idx);
        pair_t = std::move(t2);
        pair_s = std::move(s2);
      }
    }
    // Per target row: the matching pair, or -1; more than one is refused when it matters.
    std::vector<int64_t> pair_of(static_cast<size_t>(n), -1);
    for (size_t p = 0; p < pair_t.size(); ++p) {
      source_matched[static_cast<size_t>(pair_s[p])] = 1;
      int64_t& slot = pair_of[static_cast<size_t>(pair_t[p])];
      if (slot >= 0 && !matched.empty()) {
        std::string key;
        for (size_t k = 0; k < tkeys.size(); ++k) {
          if (k) key += ", ";
          key += table_schema->field(tkeys[k])->name() + " = ";
          columnar::AppendValueJson(*rows->column(tkeys[k]), pair_t[p], &key);
        }
        return Status::InvalidArgument(
            "MERGE: multiple source rows matched target row (" + key + ") of file " + f.path +
            ": a target row can be updated or deleted by one source row at most; make the source keys unique");
      }
      slot = static_cast<int64_t>(p);
    }
    // What happens to each target row: 0 copy, 1 updated (replacement in `replacements`), 2 deleted.
    std::vector<uint8_t> fate(static_cast<size_t>(n), 0);
    std::vector<BatchPtr> replacements, preimages;
    int64_t changed = 0;
    if (joined && !matched.empty() && joined->num_rows() > 0) {
      TIDE_ASSIGN_OR_RETURN(std::vector<int> chosen, ChooseClauses(matched, *joined));
      for (size_t c = 0; c < matched.size(); ++c) {
        std::vector<int64_t> sel;
        for (size_t p = 0; p < chosen.size(); ++p) {
          if (chosen[p] == static_cast<int>(c)) sel.push_back(static_cast<int64_t>(p));
        }
        if (sel.empty()) continue;
        std::vector<int64_t> trows;
        for (int64_t p : sel) trows.push_back(pair_t[static_cast<size_t>(p)]);
        changed += static_cast<int64_t>(sel.size());
        BatchPtr before = TakeRows(*rows, trows);
        if (matched[c].clause->action == ActionKind::kDelete) {
          for (int64_t t : trows) fate[static_cast<size_t>(t)] = 2;
          deleted_matched += static_cast<int64_t>(sel.size());
          TIDE_RETURN_IF_ERROR(rw->WriteChange(*before, "delete"));
        } else {
          BatchPtr input = TakeRows(*joined, sel);
          TIDE_ASSIGN_OR_RETURN(BatchPtr after, UpdatedRows(matched[c], before, *input, source_offset, *table_schema));
          for (int64_t t : trows) fate[static_cast<size_t>(t)] = 1;
          updated_matched += static_cast<int64_t>(sel.size());
          replacements.push_back(after);
          preimages.push_back(before);
        }
      }
    }
    if (!by_source.empty()) {
      std::vector<int64_t> unmatched;
      for (int64_t r = 0; r < n; ++r) {
        if (pair_of[static_cast<size_t>(r)] < 0 && in_scope[static_cast<size_t>(r)]) unmatched.push_back(r);
      }
      if (!unmatched.empty()) {
        BatchPtr before_all = TakeRows(*rows, unmatched);
        BatchPtr input_all = Prefixed(*before_all, "target.");
        TIDE_ASSIGN_OR_RETURN(std::vector<int> chosen, ChooseClauses(by_source, *input_all));
        for (size_t c = 0; c < by_source.size(); ++c) {
          std::vector<int64_t> sel, trows;
          for (size_t i = 0; i < chosen.size(); ++i) {
            if (chosen[i] != static_cast<int>(c)) continue;
            sel.push_back(static_cast<int64_t>(i));
            trows.push_back(unmatched[i]);
          }
          if (sel.empty()) continue;
          changed += static_cast<int64_t>(sel.size());
          BatchPtr before = TakeRows(*before_all, sel);
          if (by_source[c].clause->action == ActionKind::kDelete) {
            for (int64_t t : trows) fate[static_cast<size_t>(t)] = 2;
            deleted_by_source += static_cast<int64_t>(sel.size());
            TIDE_RETURN_IF_ERROR(rw->WriteChange(*before, "delete"));
          } else {
            BatchPtr input = Prefixed(*before, "target.");
            TIDE_ASSIGN_OR_RETURN(BatchPtr after, ApplyAssignments(before, *input, by_source[c].bound));
            for (int64_t t : trows) fate[static_cast<size_t>(t)] = 1;
            updated_by_source += static_cast<int64_t>(sel.size());
            replacements.push_back(after);
            preimages.push_back(before);
          }
        }
      }
    }
    if (changed == 0) continue;  // untouched file
    std::vector<uint8_t> keep(static_cast<size_t>(n));
    for (size_t i = 0; i < keep.size(); ++i) keep[i] = fate[i] == 0;
    BatchPtr copies = FilterRows(*rows, keep, true);
    copied += copies->num_rows();
    TIDE_RETURN_IF_ERROR(rw->WriteData(*copies));
    for (size_t i = 0; i < replacements.size(); ++i) {
      TIDE_RETURN_IF_ERROR(rw->WriteData(*replacements[i]));
      TIDE_RETURN_IF_ERROR(rw->WriteChange(*preimages[i], "update_preimage"));
      TIDE_RETURN_IF_ERROR(rw->WriteChange(*replacements[i], "update_postimage"));
    }
    rw->RemoveFile(f);
  }

  // Inserts: source rows that matched no target row.
  if (!not_matched.empty()) {
    std::vector<int64_t> rows;
    for (int64_t r = 0; r < num_source; ++r) {
      if (!source_matched[static_cast<size_t>(r)]) rows.push_back(r);
    }
    if (!rows.empty()) {
      BatchPtr input_all = TakeRows(*prefixed_source, rows);
      TIDE_ASSIGN_OR_RETURN(std::vector<int> chosen, ChooseClauses(not_matched, *input_all));
      for (size_t c = 0; c < not_matched.size(); ++c) {
        std::vector<int64_t> sel;
        for (size_t i = 0; i < chosen.size(); ++i) {
          if (chosen[i] == static_cast<int>(c)) sel.push_back(static_cast<int64_t>(i));
        }
        if (sel.empty()) continue;
        BatchPtr input = TakeRows(*input_all, sel);
        TIDE_ASSIGN_OR_RETURN(BatchPtr ins, InsertedRows(not_matched[c], *input, table_schema));
        inserted += ins->num_rows();
        TIDE_RETURN_IF_ERROR(rw->WriteData(*ins));
        TIDE_RETURN_IF_ERROR(rw->WriteChange(*ins, "insert"));
      }
    }
  }

  std::string on;
  for (size_t k = 0; k < spec.target_keys.size(); ++k) {
    if (k) on += " AND ";
    on += "target." + spec.target_keys[k] + " = source." + spec.source_keys[k];
  }
  if (!options.predicate_text.empty()) on += " AND " + options.predicate_text;
  std::string on_json;
  columnar::AppendJsonString(on, &on_json);
  return rw->Commit("MERGE",
                    {{"predicate", "[" + on_json + "]"},
                     {"matchedPredicates", ClausesParameter(spec.clauses, When::kMatched)},
                     {"notMatchedPredicates", ClausesParameter(spec.clauses, When::kNotMatched)},
                     {"notMatchedBySourcePredicates", ClausesParameter(spec.clauses, When::kNotMatchedBySource)}},
                    {{"numSourceRows", num_source},
                     {"numTargetRowsInserted", inserted},
                     {"numTargetRowsUpdated", updated_matched + updated_by_source},
                     {"numTargetRowsMatchedUpdated", updated_matched},
                     {"numTargetRowsNotMatchedBySourceUpdated", updated_by_source},
                     {"numTargetRowsDeleted", deleted_matched + deleted_by_source},
                     {"numTargetRowsMatchedDeleted", deleted_matched},
                     {"numTargetRowsNotMatchedBySourceDeleted", deleted_by_source},
                     {"numTargetRowsCopied", copied}},
                    read_files);
}

}  // namespace tide::table
