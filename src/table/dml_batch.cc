#include "table/dml_batch.h"

#include "columnar/builder.h"
#include "table/writer.h"

namespace tide::table::dml_internal {

using base::Result;
using base::Status;
using columnar::ArrayPtr;
using columnar::RecordBatch;

BatchPtr TakeRows(const RecordBatch& batch, const std::vector<int64_t>& rows) {
  std::vector<ArrayPtr> columns;
  columns.reserve(batch.num_columns());
  for (int c = 0; c < batch.num_columns(); ++c) {
    const columnar::ArrayData& src = *batch.column(c);
    auto b = columnar::MakeBuilder(src.type);
    for (int64_t r : rows) AppendArrayValue(b.get(), src, r);
    columns.push_back(b->Finish());
  }
  return std::make_shared<RecordBatch>(batch.schema(), std::move(columns), static_cast<int64_t>(rows.size()));
}

BatchPtr FilterRows(const RecordBatch& batch, const std::vector<uint8_t>& keep, bool keep_value) {
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < batch.num_rows(); ++i) {
    if ((keep[static_cast<size_t>(i)] != 0) == keep_value) rows.push_back(i);
  }
  if (static_cast<int64_t>(rows.size()) == batch.num_rows()) {
    return std::make_shared<RecordBatch>(batch.schema(), batch.columns(), batch.num_rows());
  }
  return TakeRows(batch, rows);
}

BatchPtr Concat(const std::vector<BatchPtr>& batches, const std::shared_ptr<const columnar::Schema>& schema) {
  if (batches.empty()) return nullptr;
  if (batches.size() == 1) return batches[0];
  const auto& s = batches[0]->schema() ? batches[0]->schema() : schema;
  std::vector<ArrayPtr> columns;
  int64_t rows = 0;
  for (const auto& b : batches) rows += b->num_rows();
  for (int c = 0; c < s->num_fields(); ++c) {
    auto builder = columnar::MakeBuilder(s->field(c)->type());
    for (const auto& b : batches) {
      const columnar::ArrayData& src = *b->column(c);
      for (int64_t r = 0; r < b->num_rows(); ++r) AppendArrayValue(builder.get(), src, r);
    }
    columns.push_back(builder->Finish());
  }
  return std::make_shared<RecordBatch>(s, std::move(columns), rows);
}

BatchPtr Prefixed(const RecordBatch& batch, std::string_view prefix) {
  std::vector<columnar::FieldPtr> fields;
  for (const auto& f : batch.schema()->fields()) {
    fields.push_back(columnar::MakeField(std::string(prefix) + f->name(), f->type(), f->nullable(), f->metadata()));
  }
  return std::make_shared<RecordBatch>(std::make_shared<const columnar::Schema>(std::move(fields)), batch.columns(),
                                       batch.num_rows());
}

BatchPtr SideBySide(const RecordBatch& a, const RecordBatch& b) {
  std::vector<columnar::FieldPtr> fields = a.schema()->fields();
  fields.insert(fields.end(), b.schema()->fields().begin(), b.schema()->fields().end());
  std::vector<ArrayPtr> columns = a.columns();
  columns.insert(columns.end(), b.columns().begin(), b.columns().end());
  return std::make_shared<RecordBatch>(std::make_shared<const columnar::Schema>(std::move(fields)), std::move(columns),
                                       a.num_rows());
}

BatchPtr WithColumn(const RecordBatch& batch, int index, ArrayPtr column) {
  std::vector<ArrayPtr> columns = batch.columns();
  columns[static_cast<size_t>(index)] = std::move(column);
  return std::make_shared<RecordBatch>(batch.schema(), std::move(columns), batch.num_rows());
}

BatchPtr WithConstantString(const RecordBatch& batch, const std::string& name, const std::string& value) {
  columnar::BinaryBuilder b(columnar::Utf8());
  for (int64_t i = 0; i < batch.num_rows(); ++i) b.Append(value);
  std::vector<columnar::FieldPtr> fields = batch.schema()->fields();
  fields.push_back(columnar::MakeField(name, columnar::Utf8()));
  std::vector<ArrayPtr> columns = batch.columns();
  columns.push_back(b.Finish());
  return std::make_shared<RecordBatch>(std::make_shared<const columnar::Schema>(std::move(fields)), std::move(columns),
                                       batch.num_rows());
}

namespace {

// The column named by a dotted path, as a view of the batch's rows, and the rows where every
// enclosing struct is valid.
Result<ArrayPtr> ResolveColumn(const RecordBatch& batch, const std::string& path, std::vector<uint8_t>* parents_valid) {
  const columnar::Schema& schema = *batch.schema();
  int idx = schema.FieldIndex(path);
  if (idx >= 0) return batch.column(idx);
  size_t start = 0;
  ArrayPtr current;
  const std::vector<columnar::FieldPtr>* fields = &schema.fields();
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    int found = -1;
    for (size_t i = 0; i < fields->size(); ++i) {
      if ((*fields)[i]->name() == part) found = static_cast<int>(i);
    }
    if (found < 0) break;
    if (!current) {
      current = batch.column(found);
    } else {
      for (int64_t r = 0; r < current->length; ++r) {
        if (current->IsNull(r)) (*parents_valid)[static_cast<size_t>(r)] = 0;
      }
      // A struct's offset applies to its children (array.h).
      current = current->children[static_cast<size_t>(found)]->Slice(current->offset, current->length);
    }
    if (dot == std::string::npos) return current;
    if (current->type->id() != columnar::TypeId::kStruct) break;
    fields = &current->type->children();
    start = dot + 1;
  }
  return Status::InvalidArgument("unknown column '" + path + "' (columns: " + schema.ToString() + ")");
}

}  // namespace

Result<std::vector<uint8_t>> EvaluateFilters(const RecordBatch& batch, const std::vector<ColumnFilter>& filters) {
  const size_t n = static_cast<size_t>(batch.num_rows());
  std::vector<uint8_t> out(n, 1);
  std::vector<bool> keep;
  for (const auto& f : filters) {
    std::vector<uint8_t> parents(n, 1);
    TIDE_ASSIGN_OR_RETURN(ArrayPtr column, ResolveColumn(batch, f.column, &parents));
    keep.assign(n, true);
    TIDE_RETURN_IF_ERROR(ApplyFilter(*column, f, keep));
    for (size_t i = 0; i < n; ++i) {
      // Under a null struct the field is null: only IS NULL matches.
      const bool match = parents[i] ? keep[i] : f.op == FilterOp::kIsNull;
      if (!match) out[i] = 0;
    }
  }
  return out;
}

}  // namespace tide::table::dml_internal
