// Scan planning and reading data files with the logical schema (see scan.h).
#include "table/scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/strings.h"
#include "format/parquet/reader.h"
#include "table/array_ops.h"
#include "table/data_skipping.h"
#include "table/deletion_vector.h"
#include "table/filter_eval.h"
#include "table/partition.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;
namespace pq = tide::format::parquet;
using base::Result;
using base::Status;
using T = col::TypeId;

// The Parquet schema tree with field ids (FileMetaData.schema is flattened depth-first).
struct PqNode {
  std::string name;
  std::optional<int32_t> field_id;
  std::vector<PqNode> children;
};

Status BuildPqTree(const std::vector<pq::SchemaElement>& elements, size_t* pos, PqNode* node, int depth) {
  if (*pos >= elements.size() || depth > 64) return Status::Corruption("malformed Parquet schema tree");
  const auto& e = elements[(*pos)++];
  node->name = e.name;
  node->field_id = e.field_id;
  if (e.num_children < 0 || static_cast<size_t>(e.num_children) > elements.size()) {
    return Status::Corruption("malformed Parquet schema tree");
  }
  node->children.resize(static_cast<size_t>(e.num_children));
  for (auto& c : node->children) TIDE_RETURN_IF_ERROR(BuildPqTree(elements, pos, &c, depth + 1));
  return Status::OK();
}

// Index of the file field that holds `logical` (see scan.h for the rules), or -1.
int MatchField(const std::vector<col::FieldPtr>& file_fields, const std::vector<PqNode>* pq_nodes,
               const col::Field& logical, ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kId && pq_nodes && pq_nodes->size() == file_fields.size()) {
    if (auto id = FieldMetadataInt(logical, kColumnMappingIdKey)) {
      for (size_t i = 0; i < pq_nodes->size(); ++i) {
        if ((*pq_nodes)[i].field_id && *(*pq_nodes)[i].field_id == *id) return static_cast<int>(i);
      }
    }
  }
  std::string name = PhysicalName(logical, mode);
  for (size_t i = 0; i < file_fields.size(); ++i) {
    if (file_fields[i]->name() == name) return static_cast<int>(i);
  }
  std::string l = base::AsciiLower(name);
  for (size_t i = 0; i < file_fields.size(); ++i) {
    if (base::AsciiLower(file_fields[i]->name()) == l) return static_cast<int>(i);
  }
  return -1;
}

// Converts a column read from the file to the logical field's type: struct fields matched by
// physical name / field id (missing ones null), widening casts on primitives.
Result<col::ArrayPtr> Convert(const col::ArrayPtr& src, const PqNode* node, const col::Field& logical,
                              ColumnMappingMode mode, const std::string& path) {
  const col::TypePtr& lt = logical.type();
  switch (lt->id()) {
    case T::kStruct: {
      if (src->type->id() != T::kStruct) break;
      const auto& file_fields = src->type->children();
      const std::vector<PqNode>* nodes = node && node->children.size() == file_fields.size() ? &node->children : nullptr;
      std::vector<col::ArrayPtr> children;
      for (const auto& child : lt->children()) {
        int idx = MatchField(file_fields, nodes, *child, mode);
        if (idx < 0) {
          children.push_back(col::MakeNullArray(child->type(), src->offset + src->length));
          continue;
        }
        TIDE_ASSIGN_OR_RETURN(auto c, Convert(src->children[idx], nodes ? &(*nodes)[idx] : nullptr, *child, mode,
                                              path + "." + child->name()));
        children.push_back(std::move(c));
      }
      auto out = std::make_shared<col::ArrayData>();
      out->type = lt;
      out->length = src->length;
      out->offset = src->offset;
      out->null_count = src->null_count;
      out->buffers = {src->buffers.empty() ? nullptr : src->buffers[0]};
      out->children = std::move(children);
      return col::ArrayPtr(out);
    }
    case T::kList: {
      if (src->type->id() != T::kList) break;
      TIDE_ASSIGN_OR_RETURN(auto e, Convert(src->children[0], nullptr, *lt->children()[0], mode, path + ".element"));
      auto out = std::make_shared<col::ArrayData>(*src);
      out->type = lt;
      out->children = {std::move(e)};
      return col::ArrayPtr(out);
    }
    case T::kMap: {
      if (src->type->id() != T::kMap) break;
      const auto& entries = *src->children[0];
      TIDE_ASSIGN_OR_RETURN(auto k, Convert(entries.children[0], nullptr, *lt->map_key(), mode, path + ".key"));
      TIDE_ASSIGN_OR_RETURN(auto v, Convert(entries.children[1], nullptr, *lt->map_value(), mode, path + ".value"));
      auto e = std::make_shared<col::ArrayData>(entries);
      e->type = lt->children()[0]->type();
      e->children = {std::move(k), std::move(v)};
      auto out = std::make_shared<col::ArrayData>(*src);
      out->type = lt;
      out->children = {std::move(e)};
      return col::ArrayPtr(out);
    }
    default:
      if (src->type->IsNested()) break;
      if (!arrayops::CanWiden(*src->type, *lt)) break;
      return arrayops::WidenPrimitive(src, lt, path);
  }
  return Status::Corruption("column '" + path + "' has type " + src->type->ToString() +
                            " in the data file, which does not match the table type " + lt->ToString());
}

// The value slot of `filter.column` in `top` for row i (descending through structs), or -1 when
// a parent struct is null. *leaf receives the leaf column.
int64_t NestedSlot(const col::ArrayData& top, const std::vector<int>& path, int64_t i, const col::ArrayData** leaf) {
  const col::ArrayData* a = &top;
  int64_t idx = i;
  for (size_t k = 1; k < path.size(); ++k) {
    if (a->IsNull(idx)) return -1;
    int64_t child_idx = a->offset + idx;
    a = a->children[path[k]].get();
    idx = child_idx;
  }
  *leaf = a;
  return idx;
}

Status EvalFilter(const col::ArrayData& top, const std::vector<int>& path, const ColumnFilter& f,
                  const filtereval::Bound* bound, std::vector<bool>& keep) {
  for (int64_t i = 0; i < top.length; ++i) {
    if (!keep[i]) continue;
    const col::ArrayData* leaf = nullptr;
    int64_t slot = NestedSlot(top, path, i, &leaf);
    bool is_null = slot < 0 || leaf->IsNull(slot);
    bool match;
    if (f.op == FilterOp::kIsNull) {
      match = is_null;
    } else if (f.op == FilterOp::kIsNotNull) {
      match = !is_null;
    } else if (is_null) {
      match = false;
    } else {
      auto v = filtereval::ValueAt(*leaf, slot);
      if (!v || !bound) {
        match = true;  // not comparable: keep (documented in scan.h)
      } else {
        auto c = filtereval::Compare(*v, *bound);
        match = !c || filtereval::Satisfies(f.op, *c);
      }
    }
    if (!match) keep[i] = false;
  }
  return Status::OK();
}

bool IsPartitionColumn(const Snapshot& s, const std::string& name) {
  const auto& pcs = s.partition_columns();
  return std::find(pcs.begin(), pcs.end(), name) != pcs.end();
}

std::optional<std::string> PartitionValueOf(const AddFile& file, const col::Field& field, ColumnMappingMode mode) {
  auto it = file.partition_values.find(PhysicalName(field, mode));
  if (it == file.partition_values.end()) it = file.partition_values.find(field.name());
  if (it == file.partition_values.end()) return std::nullopt;
  return it->second;
}

struct BoundFilter {
  ColumnFilter filter;
  int read_index = -1;      // index among the read fields of the top-level column
  std::vector<int> path;    // struct path below it (first entry is the top-level index in the table schema)
  std::optional<filtereval::Bound> bound;
};

}  // namespace

Result<ColumnFilter> ParseColumnFilter(std::string_view text) {
  size_t i = 0;
  auto ws = [&] { while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i; };
  auto err = [&](const std::string& what) {
    return Status::InvalidArgument("filter '" + std::string(text) + "' at offset " + std::to_string(i) + ": " + what);
  };
  ws();
  ColumnFilter f;
  if (i < text.size() && text[i] == '`') {
    size_t e = text.find('`', i + 1);
    if (e == std::string_view::npos) return err("unterminated `quoted` column");
    f.column = std::string(text.substr(i + 1, e - i - 1));
    i = e + 1;
  } else {
    size_t b = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' || text[i] == '.')) ++i;
    f.column = std::string(text.substr(b, i - b));
  }
  if (f.column.empty()) return err("expected a column name");
  ws();
  // IS [NOT] NULL
  auto word = [&](std::string_view w) {
    size_t save = i;
    ws();
    if (base::AsciiLower(text.substr(i, w.size())) == w &&
        (i + w.size() == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + w.size()])))) {
      i += w.size();
      return true;
    }
    i = save;
    return false;
  };
  if (word("is")) {
    bool neg = word("not");
    if (!word("null")) return err("expected NULL after IS");
    ws();
    if (i != text.size()) return err("unexpected text after NULL");
    f.op = neg ? FilterOp::kIsNotNull : FilterOp::kIsNull;
    return f;
  }
  std::string_view rest = text.substr(i);
  struct OpText { std::string_view t; FilterOp op; };
  static const OpText kOps[] = {{"==", FilterOp::kEq}, {"!=", FilterOp::kNe}, {"<>", FilterOp::kNe}, {"<=", FilterOp::kLe},
                                {">=", FilterOp::kGe}, {"=", FilterOp::kEq},  {"<", FilterOp::kLt},  {">", FilterOp::kGt}};
  bool found = false;
  for (const auto& o : kOps) {
    if (rest.substr(0, o.t.size()) == o.t) {
      f.op = o.op;
      i += o.t.size();
      found = true;
      break;
    }
  }
  if (!found) return err("expected an operator (= != <> < <= > >=) or IS [NOT] NULL");
  ws();
  if (i >= text.size()) return err("expected a literal");
  std::string_view lit = text.substr(i);
  while (!lit.empty() && std::isspace(static_cast<unsigned char>(lit.back()))) lit.remove_suffix(1);
  if (lit.front() == '\'' || lit.front() == '"') {
    char q = lit.front();
    if (lit.size() < 2 || lit.back() != q) return err("unterminated string literal");
    std::string s;
    for (size_t k = 1; k + 1 < lit.size(); ++k) {
      if (lit[k] == q && k + 2 < lit.size() && lit[k + 1] == q) {  // '' escapes a quote
        s.push_back(q);
        ++k;
        continue;
      }
      s.push_back(lit[k]);
    }
    f.value = s;
    return f;
  }
  std::string l = base::AsciiLower(lit);
  if (l == "true" || l == "false") {
    f.value = l == "true";
    return f;
  }
  if (l == "null") return err("comparisons with NULL are never true; use IS NULL");
  std::string s(lit);
  {
    int64_t v;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) {
      f.value = v;
      return f;
    }
  }
  {
    bool numeric = !s.empty() && s.find_first_not_of("0123456789+-.eE") == std::string::npos &&
                   s.find_first_of("0123456789") != std::string::npos;
    if (numeric) {
      // Keep decimals exact: the text is bound per column type (a decimal column parses it exactly).
      double v;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (r.ec == std::errc() && r.ptr == s.data() + s.size()) {
        f.value = s;  // bound as text: exact for decimals, parsed as a number for numeric columns
        return f;
      }
    }
  }
  f.value = s;  // a bare word: a string
  return f;
}

std::string ColumnFilterToString(const ColumnFilter& f) {
  switch (f.op) {
    case FilterOp::kIsNull: return f.column + " IS NULL";
    case FilterOp::kIsNotNull: return f.column + " IS NOT NULL";
    default: break;
  }
  static const char* kOps[] = {"=", "!=", "<", "<=", ">", ">="};
  std::string v;
  if (const auto* s = std::get_if<std::string>(&f.value)) v = "'" + *s + "'";
  else if (const auto* i = std::get_if<int64_t>(&f.value)) v = std::to_string(*i);
  else if (const auto* d = std::get_if<double>(&f.value)) v = std::to_string(*d);
  else v = std::get<bool>(f.value) ? "true" : "false";
  return f.column + " " + kOps[static_cast<int>(f.op)] + " " + v;
}

Status ApplyFilter(const col::ArrayData& column, const ColumnFilter& filter, std::vector<bool>& keep) {
  if (keep.size() < static_cast<size_t>(column.length)) keep.resize(static_cast<size_t>(column.length), true);
  // Resolve a dotted path below this column by struct field names.
  std::vector<int> path = {0};
  const col::DataType* t = column.type.get();
  size_t dot = filter.column.find('.');
  std::string leaf_name = filter.column;
  while (dot != std::string::npos && t->id() == T::kStruct) {
    size_t next = filter.column.find('.', dot + 1);
    std::string part = filter.column.substr(dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1);
    int idx = -1;
    for (size_t k = 0; k < t->children().size(); ++k) {
      if (base::AsciiLower(t->children()[k]->name()) == base::AsciiLower(part)) idx = static_cast<int>(k);
    }
    if (idx < 0) break;
    path.push_back(idx);
    t = t->children()[idx]->type().get();
    dot = next;
  }
  std::optional<filtereval::Bound> bound;
  if (filter.op != FilterOp::kIsNull && filter.op != FilterOp::kIsNotNull) {
    TIDE_ASSIGN_OR_RETURN(bound, filtereval::BindLiteral(*t, filter.value, filter.column));
  }
  return EvalFilter(column, path, filter, bound ? &*bound : nullptr, keep);
}

Result<ScanPlan> PlanScan(const Snapshot& snapshot, const ScanOptions& options) {
  const col::Schema& schema = *snapshot.schema();
  ScanPlan plan;
  std::vector<col::FieldPtr> out_fields;
  if (options.columns.empty()) {
    out_fields = schema.fields();
  } else {
    for (const auto& name : options.columns) {
      int idx = schema.FieldIndex(name);
      if (idx < 0) {
        for (int i = 0; i < schema.num_fields(); ++i) {
          if (base::AsciiLower(schema.field(i)->name()) == base::AsciiLower(name)) idx = i;
        }
      }
      if (idx < 0) {
        return Status::InvalidArgument("table " + snapshot.table_root() + " has no column '" + name + "' (columns: " +
                                       schema.ToString() + ")");
      }
      out_fields.push_back(schema.field(idx));
    }
  }
  for (const auto& f : options.filters) {
    const col::Field* field = filtereval::ResolveField(schema, f.column);
    if (!field) {
      return Status::InvalidArgument("filter on unknown column '" + f.column + "' (columns: " + schema.ToString() + ")");
    }
    if (f.op != FilterOp::kIsNull && f.op != FilterOp::kIsNotNull) {
      TIDE_RETURN_IF_ERROR(filtereval::BindLiteral(*field->type(), f.value, f.column).status());
    }
  }
  plan.read.output_schema = std::make_shared<col::Schema>(std::move(out_fields));
  plan.read.filters = options.filters;
  plan.read.filter_rows = options.filter_rows;
  plan.files_total = static_cast<int64_t>(snapshot.files().size());
  for (const auto& file : snapshot.files()) {
    if (!options.filters.empty()) {
      if (PartitionCannotMatch(file.partition_values, schema, snapshot.partition_columns(), options.filters,
                               snapshot.column_mapping_mode())) {
        ++plan.files_skipped_by_partition;
        continue;
      }
      if (file.stats) {
        auto stats = ParseFileStats(*file.stats, schema, snapshot.column_mapping_mode());
        if (stats.ok() && StatsCannotMatch(*stats, schema, options.filters)) {
          ++plan.files_skipped_by_stats;
          continue;
        }
      }
    }
    plan.files.push_back(file);
  }
  return plan;
}

Status ReadDataFile(const Snapshot& snapshot, const AddFile& file, const ReadOptions& options,
                    const BatchCallback& on_batch) {
  const col::Schema& table_schema = *snapshot.schema();
  std::shared_ptr<const col::Schema> out_schema = options.output_schema ? options.output_schema : snapshot.schema();
  const ColumnMappingMode mode = snapshot.column_mapping_mode();
  TIDE_ASSIGN_OR_RETURN(std::string path, snapshot.DataFilePath(file.path));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::NotFound("data file " + path + " does not exist (add.path '" + file.path + "')");
  }

  // Fields to read: the output fields, plus top-level columns that filters need.
  std::vector<col::FieldPtr> read_fields = out_schema->fields();
  std::vector<BoundFilter> filters;
  if (options.filter_rows) {
    for (const auto& f : options.filters) {
      BoundFilter bf;
      bf.filter = f;
      const col::Field* field = filtereval::ResolveField(table_schema, f.column, &bf.path);
      if (!field) return Status::InvalidArgument("filter on unknown column '" + f.column + "'");
      const auto& top = table_schema.field(bf.path[0]);
      for (size_t i = 0; i < read_fields.size(); ++i) {
        if (read_fields[i]->name() == top->name()) bf.read_index = static_cast<int>(i);
      }
      if (bf.read_index < 0) {
        bf.read_index = static_cast<int>(read_fields.size());
        read_fields.push_back(top);
      }
      if (f.op != FilterOp::kIsNull && f.op != FilterOp::kIsNotNull) {
        TIDE_ASSIGN_OR_RETURN(bf.bound, filtereval::BindLiteral(*field->type(), f.value, f.column));
      }
      filters.push_back(std::move(bf));
    }
  }

  auto reader_or = pq::ParquetReader::Open(path);
  if (!reader_or.ok()) return reader_or.status();
  const auto& reader = *reader_or;
  PqNode root;
  size_t pos = 0;
  if (!BuildPqTree(reader->metadata().schema, &pos, &root, 0).ok()) root.children.clear();
  const auto& file_fields = reader->schema().fields();
  const std::vector<PqNode>* top_nodes = root.children.size() == file_fields.size() ? &root.children : nullptr;

  // Where each read field comes from.
  enum class Source { kPartition, kFile, kMissing };
  std::vector<Source> sources(read_fields.size());
  std::vector<int> file_index(read_fields.size(), -1);
  std::vector<int> columns;  // file columns to read (unique)
  std::vector<int> batch_pos(read_fields.size(), -1);
  for (size_t i = 0; i < read_fields.size(); ++i) {
    if (IsPartitionColumn(snapshot, read_fields[i]->name())) {
      sources[i] = Source::kPartition;
      continue;
    }
    int idx = MatchField(file_fields, top_nodes, *read_fields[i], mode);
    if (idx < 0) {
      sources[i] = Source::kMissing;
      continue;
    }
    sources[i] = Source::kFile;
    file_index[i] = idx;
    auto it = std::find(columns.begin(), columns.end(), idx);
    if (it == columns.end()) {
      batch_pos[i] = static_cast<int>(columns.size());
      columns.push_back(idx);
    } else {
      batch_pos[i] = static_cast<int>(it - columns.begin());
    }
  }

  std::vector<uint64_t> deleted;
  if (options.apply_deletion_vectors && file.deletion_vector) {
    TIDE_ASSIGN_OR_RETURN(deleted, LoadDeletionVector(snapshot.table_root(), *file.deletion_vector));
    if (!deleted.empty() && deleted.back() >= static_cast<uint64_t>(reader->num_rows())) {
      return Status::Corruption("deletion vector of " + path + " deletes row " + std::to_string(deleted.back()) +
                                " but the file has " + std::to_string(reader->num_rows()) + " rows");
    }
  }
  size_t dv_pos = 0;
  int64_t row_base = 0;
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    int64_t n = reader->metadata().row_groups[g].num_rows;
    std::shared_ptr<col::RecordBatch> batch;
    if (!columns.empty()) {
      TIDE_ASSIGN_OR_RETURN(batch, reader->ReadRowGroup(g, columns));
      n = batch->num_rows();
    }
    std::vector<col::ArrayPtr> cols(read_fields.size());
    for (size_t i = 0; i < read_fields.size(); ++i) {
      const auto& field = *read_fields[i];
      switch (sources[i]) {
        case Source::kPartition: {
          auto c = MakePartitionColumn(field.type(), PartitionValueOf(file, field, mode), n, field.name());
          // A value the log holds that does not parse is damaged table state, not a usage error.
          if (!c.ok()) return Status::Corruption("data file " + path + ": " + c.status().message());
          cols[i] = *c;
          break;
        }
        case Source::kMissing:
          cols[i] = col::MakeNullArray(field.type(), n);
          break;
        case Source::kFile: {
          auto c = Convert(batch->column(batch_pos[i]), top_nodes ? &(*top_nodes)[file_index[i]] : nullptr, field, mode,
                           field.name());
          if (!c.ok()) return c.status().WithContext("data file " + path);
          cols[i] = *c;
          break;
        }
      }
    }
    std::vector<bool> keep(static_cast<size_t>(n), true);
    bool any_dropped = false;
    while (dv_pos < deleted.size() && deleted[dv_pos] < static_cast<uint64_t>(row_base + n)) {
      keep[static_cast<size_t>(deleted[dv_pos] - static_cast<uint64_t>(row_base))] = false;
      any_dropped = true;
      ++dv_pos;
    }
    for (const auto& bf : filters) {
      TIDE_RETURN_IF_ERROR(EvalFilter(*cols[bf.read_index], bf.path, bf.filter, bf.bound ? &*bf.bound : nullptr, keep));
    }
    std::vector<int64_t> rows;
    if (!filters.empty() || any_dropped) {
      for (int64_t r = 0; r < n; ++r) {
        if (keep[r]) rows.push_back(r);
      }
      any_dropped = static_cast<int64_t>(rows.size()) != n;
    }
    row_base += n;
    int64_t out_rows = any_dropped ? static_cast<int64_t>(rows.size()) : n;
    if (out_rows == 0) continue;
    std::vector<col::ArrayPtr> out_cols;
    for (int i = 0; i < out_schema->num_fields(); ++i) {
      out_cols.push_back(any_dropped ? arrayops::TakeRows(*cols[i], rows) : cols[i]);
    }
    TIDE_RETURN_IF_ERROR(on_batch(std::make_shared<col::RecordBatch>(out_schema, std::move(out_cols), out_rows)));
  }
  return Status::OK();
}

Status ScanTable(const Snapshot& snapshot, const ScanOptions& options, int64_t limit, const BatchCallback& on_batch,
                 ScanPlan* plan_out) {
  TIDE_ASSIGN_OR_RETURN(ScanPlan plan, PlanScan(snapshot, options));
  int64_t remaining = limit;
  Status stop_status;
  for (const auto& file : plan.files) {
    if (remaining == 0) break;
    Status st = ReadDataFile(snapshot, file, plan.read, [&](std::shared_ptr<col::RecordBatch> batch) -> Status {
      if (remaining == 0) return Status::Cancelled("limit reached");
      if (remaining > 0 && batch->num_rows() > remaining) batch = batch->Slice(0, remaining);
      if (remaining > 0) remaining -= batch->num_rows();
      return on_batch(std::move(batch));
    });
    if (!st.ok() && !(st.code() == base::StatusCode::kCancelled && remaining == 0)) return st;
  }
  if (plan_out) *plan_out = std::move(plan);
  return Status::OK();
}

}  // namespace tide::table
