// CREATE TABLE [AS SELECT], CREATE VIEW, DROP TABLE/VIEW, ALTER TABLE.
#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include "base/clock.h"
#include "base/json_writer.h"
#include "base/strings.h"
#include "exec/statements/statements.h"
#include "sql/printer.h"
#include "sql/types.h"
#include "table/delta_schema.h"
#include "table/snapshot.h"
#include "table/table.h"
#include "table/transaction.h"
#include "table/writer.h"

namespace tide::exec::stmt {

namespace col = tide::columnar;
namespace fs = std::filesystem;
using base::Status;
using base::StatusCode;

namespace {

bool IsDeltaTable(const std::string& root) {
  struct stat st;
  return ::stat((root + "/_delta_log").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string JsonQuoted(std::string_view s) {
  std::string out;
  base::AppendJsonString(&out, s);
  return out;
}

// One column definition as a field (comment kept as Delta's "comment" field metadata).
base::Result<col::FieldPtr> FieldOf(StatementEnv& env, const sql::ColumnDef& c) {
  TIDE_ASSIGN_OR_RETURN(col::TypePtr type, sql::ToColumnarType(*c.type));
  col::KeyValueMetadata md;
  if (c.comment) md.emplace_back("comment", JsonQuoted(*c.comment));
  return col::MakeField(c.name.name, std::move(type), !c.not_null, std::move(md));
}

Status CheckStorable(StatementEnv& env, const col::Schema& schema, sql::SourcePos pos) {
  for (const auto& f : schema.fields()) {
    if (f->type()->id() == col::TypeId::kNull) {
      return ErrorAt(env, pos, StatusCode::kInvalidArgument,
                     "column '" + f->name() + "' has type void (NULL without a type); cast it, e.g. CAST(NULL AS STRING)");
    }
  }
  for (int i = 0; i < schema.num_fields(); ++i) {
    for (int j = 0; j < i; ++j) {
      if (base::AsciiLower(schema.field(i)->name()) == base::AsciiLower(schema.field(j)->name())) {
        return ErrorAt(env, pos, StatusCode::kInvalidArgument, "column '" + schema.field(i)->name() + "' appears twice");
      }
    }
  }
  return Status::OK();
}

std::string PropertiesJson(const std::map<std::string, std::string>& props) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : props) {
    if (!first) out += ",";
    first = false;
    base::AppendJsonString(&out, k);
    out += ":";
    base::AppendJsonString(&out, v);
  }
  return out + "}";
}

}  // namespace

base::Result<StatementResult> CreateTable(StatementEnv& env, const sql::CreateTableStatement& s) {
  if (s.provider && base::AsciiLower(s.provider->name) != "delta") {
    return ErrorAt(env, s.provider->pos, StatusCode::kUnsupported,
                   "CREATE TABLE ... USING " + s.provider->name +
                       " is not supported: Tide's tables are Delta tables (USING DELTA, or no USING)");
  }
  if (s.or_replace && s.if_not_exists) {
    return ErrorAt(env, s.pos, StatusCode::kInvalidArgument, "CREATE OR REPLACE TABLE cannot have IF NOT EXISTS");
  }
  if (s.as_query && !s.columns.empty()) {
    return ErrorAt(env, s.pos, StatusCode::kInvalidArgument,
                   "a CREATE TABLE ... AS SELECT cannot list columns: the query decides the schema");
  }
  // Where the table lives.
  std::string root;
  std::optional<std::string> name;
  bool external = false;
  if (s.name.IsPathTable()) {
    TIDE_ASSIGN_OR_RETURN(root, env.catalog->ResolveDeltaRoot(s.name));
    if (s.location && *s.location != root) {
      return ErrorAt(env, s.pos, StatusCode::kInvalidArgument, "a path table cannot have another LOCATION");
    }
  } else {
    TIDE_ASSIGN_OR_RETURN(std::string n, env.catalog->TableName(s.name));
    name = n;
    if (s.location) {
      root = *s.location;
      external = true;
    } else {
      TIDE_ASSIGN_OR_RETURN(root, env.catalog->ResolveDeltaRoot(s.name));
    }
    if (!external) {
      if (auto loc = env.catalog->ExternalLocation(n)) root = *loc;
    }
  }
  bool exists = IsDeltaTable(root);
  if (exists && s.if_not_exists) return EmptyResult();
  if (exists && !s.or_replace) {
    return ErrorAt(env, s.name.pos, StatusCode::kAlreadyExists,
                   "table " + QualifiedNameText(s.name) + " already exists (at " + root +
                       "); use CREATE TABLE IF NOT EXISTS or CREATE OR REPLACE TABLE");
  }

  // The schema: the column list or the query's output.
  std::vector<std::shared_ptr<col::RecordBatch>> data;
  col::Schema schema;
  if (s.as_query) {
    TIDE_ASSIGN_OR_RETURN(Rows rows, RunQuery(env, *s.as_query));
    std::vector<col::FieldPtr> fields;
    for (const auto& f : rows.schema->fields()) fields.push_back(col::MakeField(f->name(), f->type(), true));
    schema = col::Schema(std::move(fields));
    auto out_schema = std::make_shared<col::Schema>(schema);
    for (auto& b : rows.batches) {
      data.push_back(std::make_shared<col::RecordBatch>(out_schema, b->columns(), b->num_rows()));
    }
  } else {
    if (s.columns.empty()) {
      return ErrorAt(env, s.pos, StatusCode::kInvalidArgument,
                     "CREATE TABLE needs a column list or AS SELECT (Tide does not infer a schema from LOCATION)");
    }
    std::vector<col::FieldPtr> fields;
    for (const auto& c : s.columns) {
      auto f = FieldOf(env, c);
      if (!f.ok()) return f.status();
      fields.push_back(*f);
    }
    schema = col::Schema(std::move(fields));
  }
  TIDE_RETURN_IF_ERROR(CheckStorable(env, schema, s.pos));

  std::vector<std::string> partition_columns;
  for (const auto& p : s.partitioned_by) {
    int idx = FindColumn(schema, p.name);
    if (idx < 0) {
      return ErrorAt(env, p.pos, StatusCode::kInvalidArgument,
                     "partition column '" + p.name + "' is not a column of the table");
    }
    partition_columns.push_back(schema.field(idx)->name());
  }
  std::map<std::string, std::string> props;
  for (const auto& p : s.properties) props[p.key] = p.value;

  const bool column_mapping = props.count("delta.columnMapping.mode") &&
                              base::AsciiLower(props["delta.columnMapping.mode"]) != "none";
  const std::string what = (exists ? "replacing table " : "creating table ") + QualifiedNameText(s.name);
  if (!exists && (!s.as_query || column_mapping)) {
    // A plain CREATE (or a column-mapped CTAS, whose ids the table layer assigns): version 0
    // by DeltaTable::Create, then the rows as version 1.
    // The table layer creates the table's own directory; its parents (DATA_DIR/tables, a
    // LOCATION's parents) are ours to make.
    std::error_code ec;
    fs::path parent = fs::path(root).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) return Status::IoError("creating " + parent.string() + ": " + ec.message());
    auto created = table::DeltaTable::Create(root, schema, partition_columns, props, name, s.comment);
    if (!created.ok()) return created.status().WithContext(what);
    if (external && name) TIDE_RETURN_IF_ERROR(env.catalog->RegisterExternalTable(*name, root));
    if (!data.empty()) {
      auto appended = table::DeltaTable::Append(root, data);
      if (!appended.ok()) return appended.status().WithContext("writing the rows of " + QualifiedNameText(s.name));
    }
    return EmptyResult();
  }

  // CREATE TABLE ... AS SELECT and CREATE OR REPLACE: one commit holding the metadata, the
  // removal of the old files (replace) and the query's rows, as Delta does.
  for (const auto& p : partition_columns) {
    if (schema.field(FindColumn(schema, p))->type()->IsNested()) {
      return ErrorAt(env, s.pos, StatusCode::kInvalidArgument,
                     "partition column '" + p + "' has a nested type; partition columns must be primitive");
    }
  }
  if (!partition_columns.empty() && partition_columns.size() == static_cast<size_t>(schema.num_fields())) {
    return ErrorAt(env, s.pos, StatusCode::kInvalidArgument,
                   "every column is a partition column; a table needs at least one data column");
  }
  auto parsed = table::ParseTableProperties(props);
  if (!parsed.ok()) return ErrorAt(env, s.pos, parsed.status().code(), parsed.status().message());
  std::unique_ptr<table::Transaction> txn;
  table::Metadata md;
  bool made_dir = false;
  if (exists) {
    TIDE_ASSIGN_OR_RETURN(auto snap, table::Snapshot::Load(root));
    txn = table::Transaction::Start(snap);
    md = snap->metadata();  // the same table id, as Delta keeps it on REPLACE
    txn->ReadWholeTable();
    for (const auto& f : snap->files()) txn->RemoveActiveFile(f);
  } else {
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) return Status::IoError("creating table directory " + root + ": " + ec.message());
    made_dir = true;
    txn = table::Transaction::StartCreate(root);
    md.id = table::GenerateUuid();
    md.name = name;
    md.created_time = base::WallMillis();
  }
  TIDE_ASSIGN_OR_RETURN(md.schema_string, table::SerializeDeltaSchema(schema));
  md.partition_columns = partition_columns;
  md.configuration = props;
  md.description = s.comment;
  txn->UpdateMetadata(md);
  int64_t rows = 0;
  if (!data.empty()) {
    TIDE_ASSIGN_OR_RETURN(auto writer, table::DataWriter::Make(root, md));
    auto table_schema = std::make_shared<col::Schema>(schema);
    for (const auto& b : data) {
      auto conformed = table::ConformBatch(*b, *table_schema);
      Status st = conformed.ok() ? writer->Write(**conformed) : conformed.status();
      if (!st.ok()) {
        writer->Abort();
        return st.WithContext("writing the rows of " + QualifiedNameText(s.name));
      }
      rows += b->num_rows();
    }
    auto adds = writer->Finish();
    if (!adds.ok()) {
      writer->Abort();
      return adds.status().WithContext("writing the rows of " + QualifiedNameText(s.name));
    }
    txn->AddFiles(std::move(*adds));
  }
  std::string parts_json = "[";
  for (size_t i = 0; i < partition_columns.size(); ++i) parts_json += (i ? "," : "") + JsonQuoted(partition_columns[i]);
  parts_json += "]";
  std::string operation = exists ? (s.as_query ? "CREATE OR REPLACE TABLE AS SELECT" : "CREATE OR REPLACE TABLE")
                                 : "CREATE TABLE AS SELECT";
  auto commit = txn->Commit(operation, {{"isManaged", external ? "\"false\"" : "\"true\""},
                                        {"description", s.comment ? JsonQuoted(*s.comment) : "null"},
                                        {"partitionBy", JsonQuoted(parts_json)},
                                        {"properties", JsonQuoted(PropertiesJson(props))}},
                            {{"numFiles", std::to_string(txn->adds().size())}, {"numOutputRows", std::to_string(rows)}});
  if (!commit.ok()) {
    if (made_dir) {
      std::error_code ec;
      fs::remove_all(root, ec);
    }
    return commit.status().WithContext(what);
  }
  if (external && name) TIDE_RETURN_IF_ERROR(env.catalog->RegisterExternalTable(*name, root));
  return EmptyResult();
}

base::Result<StatementResult> CreateView(StatementEnv& env, const sql::CreateViewStatement& s) {
  if (s.name.IsPathTable() || s.name.parts.size() > 3) {
    return ErrorAt(env, s.name.pos, StatusCode::kInvalidArgument, "invalid view name " + QualifiedNameText(s.name));
  }
  TIDE_ASSIGN_OR_RETURN(std::string n, env.catalog->TableName(s.name));
  if (s.if_not_exists && env.catalog->GetView(s.name)) return EmptyResult();
  // Bind now so a view that cannot run is refused when created, as Spark does.
  TIDE_ASSIGN_OR_RETURN(sql::PlanPtr plan, sql::BindQuery(*s.query, *env.catalog, env.bind_options()));
  if (!s.columns.empty() && static_cast<int>(s.columns.size()) != plan->schema->num_fields()) {
    return ErrorAt(env, s.pos, StatusCode::kInvalidArgument,
                   "view " + n + " lists " + std::to_string(s.columns.size()) + " column names but its query has " +
                       std::to_string(plan->schema->num_fields()) + " columns");
  }
  sql::ViewDefinition v;
  v.name = n;
  v.query_sql = sql::ToSql(*s.query);
  for (const auto& c : s.columns) v.columns.push_back(c.name);
  auto st = env.catalog->CreateView(v, s.temporary, s.or_replace);
  if (!st.ok()) return ErrorAt(env, s.name.pos, st.code(), st.message());
  return EmptyResult();
}

base::Result<StatementResult> Drop(StatementEnv& env, const sql::DropStatement& s) {
  if (s.object == sql::ObjectKind::kView) {
    if (s.name.IsPathTable()) return ErrorAt(env, s.name.pos, StatusCode::kInvalidArgument, "a path is not a view");
    TIDE_ASSIGN_OR_RETURN(std::string n, env.catalog->TableName(s.name));
    auto st = env.catalog->DropView(n, s.if_exists);
    if (!st.ok()) return ErrorAt(env, s.name.pos, st.code(), st.message());
    return EmptyResult();
  }
  if (s.name.IsPathTable()) {
    return ErrorAt(env, s.name.pos, StatusCode::kInvalidArgument,
                   "DROP TABLE needs a catalog name; a path table has none (delete its directory instead)");
  }
  TIDE_ASSIGN_OR_RETURN(std::string n, env.catalog->TableName(s.name));
  if (auto loc = env.catalog->ExternalLocation(n)) {
    // An external table: forget the name, keep the data (Spark's behaviour for LOCATION tables).
    TIDE_RETURN_IF_ERROR(env.catalog->ForgetExternalTable(n));
    return EmptyResult();
  }
  TIDE_ASSIGN_OR_RETURN(std::string root, env.catalog->TablePath(s.name));
  if (!IsDeltaTable(root)) {
    if (env.catalog->GetView(s.name)) {
      return ErrorAt(env, s.name.pos, StatusCode::kInvalidArgument, "'" + n + "' is a view; use DROP VIEW");
    }
    if (s.if_exists) return EmptyResult();
    return ErrorAt(env, s.name.pos, StatusCode::kNotFound,
                   "table '" + n + "' not found (no Delta table at " + root + ")");
  }
  std::error_code ec;
  fs::remove_all(root, ec);
  if (ec) return Status::IoError("dropping table '" + n + "': removing " + root + ": " + ec.message());
  return EmptyResult();
}

base::Result<StatementResult> AlterTable(StatementEnv& env, const sql::AlterTableStatement& s) {
  TIDE_ASSIGN_OR_RETURN(std::string root, env.catalog->ResolveDeltaRoot(s.name));
  if (!IsDeltaTable(root)) {
    return ErrorAt(env, s.name.pos, StatusCode::kNotFound,
                   "table " + QualifiedNameText(s.name) + " not found (no Delta table at " + root + ")");
  }
  TIDE_ASSIGN_OR_RETURN(auto snap, table::Snapshot::Load(root));
  auto txn = table::Transaction::Start(snap);
  table::Metadata md = snap->metadata();
  std::string operation;
  std::map<std::string, std::string> params;
  switch (s.action) {
    case sql::AlterAction::kAddColumns: {
      const col::Schema& current = *snap->schema();
      std::vector<col::FieldPtr> fields = current.fields();
      std::string added = "[";
      for (const auto& c : s.columns) {
        if (FindColumn(current, c.name.name) >= 0) {
          return ErrorAt(env, c.name.pos, StatusCode::kAlreadyExists,
                         "column '" + c.name.name + "' already exists in " + QualifiedNameText(s.name));
        }
        if (c.not_null) {
          return ErrorAt(env, c.name.pos, StatusCode::kInvalidArgument,
                         "cannot add NOT NULL column '" + c.name.name + "': existing rows would hold null");
        }
        TIDE_ASSIGN_OR_RETURN(col::FieldPtr f, FieldOf(env, c));
        fields.push_back(f);
        if (added.size() > 1) added += ",";
        added += "{\"column\":{\"name\":" + JsonQuoted(f->name()) + ",\"type\":" + JsonQuoted(SparkTypeName(*f->type())) +
                 ",\"nullable\":true}}";
      }
      added += "]";
      col::Schema incoming(fields);
      TIDE_RETURN_IF_ERROR(CheckStorable(env, incoming, s.pos));
      TIDE_ASSIGN_OR_RETURN(table::SchemaMerge merged,
                            table::MergeSchema(current, incoming, snap->column_mapping_mode(),
                                               snap->properties().column_mapping_max_id));
      TIDE_ASSIGN_OR_RETURN(md.schema_string, table::SerializeDeltaSchema(merged.schema));
      if (snap->column_mapping_mode() != table::ColumnMappingMode::kNone) {
        md.configuration["delta.columnMapping.maxColumnId"] = std::to_string(merged.max_column_id);
      }
      operation = "ADD COLUMNS";
      params["columns"] = JsonQuoted(added);
      break;
    }
    case sql::AlterAction::kSetProperties: {
      std::map<std::string, std::string> set;
      for (const auto& p : s.properties) {
        md.configuration[p.key] = p.value;
        set[p.key] = p.value;
      }
      operation = "SET TBLPROPERTIES";
      params["properties"] = JsonQuoted(PropertiesJson(set));
      break;
    }
    case sql::AlterAction::kUnsetProperties: {
      std::string keys = "[";
      for (const auto& k : s.keys) {
        if (!md.configuration.erase(k) && !s.if_exists) {
          return ErrorAt(env, s.pos, StatusCode::kInvalidArgument,
                         "cannot unset property '" + k + "': " + QualifiedNameText(s.name) +
                             " does not have it (use UNSET TBLPROPERTIES IF EXISTS)");
        }
        if (keys.size() > 1) keys += ",";
        keys += JsonQuoted(k);
      }
      keys += "]";
      operation = "UNSET TBLPROPERTIES";
      params["properties"] = JsonQuoted(keys);
      params["ifExists"] = s.if_exists ? "true" : "false";
      break;
    }
  }
  auto props = table::ParseTableProperties(md.configuration);
  if (!props.ok()) return ErrorAt(env, s.pos, props.status().code(), props.status().message());
  txn->UpdateMetadata(std::move(md));
  auto commit = txn->Commit(operation, params);
  if (!commit.ok()) return commit.status().WithContext("ALTER TABLE " + QualifiedNameText(s.name));
  return EmptyResult();
}

}  // namespace tide::exec::stmt
