// DESCRIBE [TABLE] [EXTENDED] | DETAIL | HISTORY, SHOW TABLES/COLUMNS/TBLPROPERTIES, EXPLAIN, SET.
#include <rapidjson/document.h>

#include <cstdlib>

#include "base/strings.h"
#include "columnar/builder.h"
#include "exec/delta_source.h"
#include "exec/statements/statements.h"
#include "sql/optimizer.h"
#include "sql/parser.h"
#include "table/snapshot.h"

namespace tide::exec::stmt {

namespace col = tide::columnar;
using base::Status;
using base::StatusCode;

namespace {

// Builds a result of typed columns row by row.
class ResultBuilder {
 public:
  void Add(std::string name, col::TypePtr type) {
    fields_.push_back(col::MakeField(std::move(name), type, true));
    builders_.push_back(col::MakeBuilder(type));
  }
  col::ArrayBuilder* operator[](int i) { return builders_[i].get(); }
  void Str(int i, const std::optional<std::string>& v) {
    auto* b = static_cast<col::BinaryBuilder*>(builders_[i].get());
    if (v) b->Append(*v); else b->AppendNull();
  }
  void I64(int i, std::optional<int64_t> v) {
    auto* b = static_cast<col::Int64Builder*>(builders_[i].get());
    if (v) b->Append(*v); else b->AppendNull();
  }
  void I32(int i, int32_t v) { static_cast<col::Int32Builder*>(builders_[i].get())->Append(v); }
  void Ts(int i, std::optional<int64_t> ms) {
    auto* b = static_cast<col::NumericBuilder<int64_t>*>(builders_[i].get());
    if (ms) b->Append(*ms * 1000); else b->AppendNull();
  }
  void Bool(int i, std::optional<bool> v) {
    auto* b = static_cast<col::BooleanBuilder*>(builders_[i].get());
    if (v) b->Append(*v); else b->AppendNull();
  }
  void StrList(int i, const std::vector<std::string>& v) {
    auto* b = static_cast<col::ListBuilder*>(builders_[i].get());
    b->Append();
    for (const auto& s : v) static_cast<col::BinaryBuilder*>(b->value_builder())->Append(s);
  }
  void StrMap(int i, const std::map<std::string, std::string>& m) {
    auto* b = static_cast<col::MapBuilder*>(builders_[i].get());
    b->Append();
    for (const auto& [k, v] : m) {
      b->AppendEntry();
      static_cast<col::BinaryBuilder*>(b->key_builder())->Append(k);
      static_cast<col::BinaryBuilder*>(b->item_builder())->Append(v);
    }
  }
  void EndRow() { ++rows_; }
  StatementResult Finish() {
    StatementResult out;
    out.schema = std::make_shared<col::Schema>(fields_);
    std::vector<col::ArrayPtr> arrays;
    for (auto& b : builders_) arrays.push_back(b->Finish());
    if (rows_ > 0) out.batches.push_back(std::make_shared<col::RecordBatch>(out.schema, std::move(arrays), rows_));
    out.stats.rows_out = rows_;
    return out;
  }

 private:
  std::vector<col::FieldPtr> fields_;
  std::vector<std::unique_ptr<col::ArrayBuilder>> builders_;
  int64_t rows_ = 0;
};

col::TypePtr Ts() { return col::Timestamp(col::TimeUnit::kMicro, true); }
col::TypePtr StrList() { return col::List(col::Utf8()); }
col::TypePtr StrMap() { return col::Map(col::Utf8(), col::Utf8()); }

// A JSON text value shown as Spark shows operationParameters: strings unquoted.
std::string JsonTextToDisplay(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (!d.HasParseError() && d.IsString()) return std::string(d.GetString(), d.GetStringLength());
  return text;
}

std::optional<std::string> FieldComment(const col::Field& f) {
  for (const auto& [k, v] : f.metadata()) {
    if (k == "comment") return JsonTextToDisplay(v);
  }
  return std::nullopt;
}

// Spark's SHOW TABLES LIKE pattern: '*' any characters, '|' alternatives, case-insensitive.
bool GlobMatch(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == s[si] || p[pi] == '?')) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool LikePattern(const std::string& pattern, const std::string& name) {
  std::string p = base::AsciiLower(pattern);
  std::string n = base::AsciiLower(name);
  size_t start = 0;
  while (start <= p.size()) {
    size_t bar = p.find('|', start);
    std::string alt = p.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    // Trim spaces around alternatives, as Spark does.
    while (!alt.empty() && alt.front() == ' ') alt.erase(alt.begin());
    while (!alt.empty() && alt.back() == ' ') alt.pop_back();
    if (GlobMatch(alt, n)) return true;
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return false;
}

// The schema of a table, view or path table.
base::Result<std::shared_ptr<const col::Schema>> SchemaOf(StatementEnv& env, const sql::QualifiedName& name,
                                                          sql::TableHandlePtr* handle) {
  if (auto view = env.catalog->GetView(name)) {
    TIDE_ASSIGN_OR_RETURN(sql::QueryPtr q, sql::ParseQuery(view->query_sql));
    TIDE_ASSIGN_OR_RETURN(sql::PlanPtr plan, sql::BindQuery(*q, *env.catalog, {}));
    if (view->columns.empty()) return plan->schema;
    std::vector<col::FieldPtr> fields;
    for (int i = 0; i < plan->schema->num_fields(); ++i) {
      const auto& f = plan->schema->field(i);
      fields.push_back(col::MakeField(i < static_cast<int>(view->columns.size()) ? view->columns[i] : f->name(),
                                      f->type(), f->nullable(), f->metadata()));
    }
    return std::shared_ptr<const col::Schema>(std::make_shared<col::Schema>(std::move(fields)));
  }
  TIDE_ASSIGN_OR_RETURN(*handle, env.catalog->GetTable(name, std::nullopt));
  return (*handle)->schema();
}

base::Result<std::shared_ptr<const table::Snapshot>> DeltaSnapshotOf(StatementEnv& env, const sql::QualifiedName& name,
                                                                    std::string* root) {
  TIDE_ASSIGN_OR_RETURN(*root, env.catalog->ResolveDeltaRoot(name));
  auto snap = table::Snapshot::Load(*root);
  if (!snap.ok() && snap.status().code() == StatusCode::kNotFound) {
    return ErrorAt(env, name.pos, StatusCode::kNotFound,
                   "table " + QualifiedNameText(name) + " not found (no Delta table at " + *root + ")");
  }
  return snap;
}

}  // namespace

base::Result<StatementResult> Describe(StatementEnv& env, const sql::DescribeStatement& s) {
  if (s.what == sql::DescribeKind::kTable) {
    sql::TableHandlePtr handle;
    TIDE_ASSIGN_OR_RETURN(auto schema, SchemaOf(env, s.table, &handle));
    std::vector<TextRow> rows;
    for (const auto& f : schema->fields()) rows.push_back({f->name(), SparkTypeName(*f->type()), FieldComment(*f)});
    std::vector<std::string> parts = handle ? handle->partition_columns() : std::vector<std::string>{};
    if (!parts.empty()) {
      rows.push_back({"# Partition Information", "", ""});
      rows.push_back({"# col_name", "data_type", "comment"});
      for (const auto& p : parts) {
        int idx = FindColumn(*schema, p);
        if (idx >= 0) rows.push_back({schema->field(idx)->name(), SparkTypeName(*schema->field(idx)->type()), FieldComment(*schema->field(idx))});
      }
    }
    if (s.extended) {
      rows.push_back({"", "", ""});
      rows.push_back({"# Detailed Table Information", "", ""});
      rows.push_back({"Name", QualifiedNameText(s.table), ""});
      const auto* delta = dynamic_cast<const DeltaScanTable*>(handle.get());
      if (delta) {
        const auto& snap = delta->snapshot();
        rows.push_back({"Location", snap->table_root(), ""});
        rows.push_back({"Provider", "delta", ""});
        rows.push_back({"Version", std::to_string(snap->version()), ""});
        if (snap->metadata().description) rows.push_back({"Comment", *snap->metadata().description, ""});
        std::string props = "[";
        for (const auto& [k, v] : snap->metadata().configuration) {
          if (props.size() > 1) props += ",";
          props += k + "=" + v;
        }
        rows.push_back({"Table Properties", props + "]", ""});
      } else if (handle) {
        rows.push_back({"Provider", "parquet", ""});
      } else {
        rows.push_back({"Type", "VIEW", ""});
        if (auto v = env.catalog->GetView(s.table)) rows.push_back({"View Text", v->query_sql, ""});
      }
    }
    return TextResult({"col_name", "data_type", "comment"}, rows);
  }
  std::string root;
  TIDE_ASSIGN_OR_RETURN(auto snap, DeltaSnapshotOf(env, s.table, &root));
  if (s.what == sql::DescribeKind::kDetail) {
    ResultBuilder rb;
    rb.Add("format", col::Utf8());
    rb.Add("id", col::Utf8());
    rb.Add("name", col::Utf8());
    rb.Add("description", col::Utf8());
    rb.Add("location", col::Utf8());
    rb.Add("createdAt", Ts());
    rb.Add("lastModified", Ts());
    rb.Add("partitionColumns", StrList());
    rb.Add("numFiles", col::Int64());
    rb.Add("sizeInBytes", col::Int64());
    rb.Add("properties", StrMap());
    rb.Add("minReaderVersion", col::Int32());
    rb.Add("minWriterVersion", col::Int32());
    rb.Add("tableFeatures", StrList());
    const auto& md = snap->metadata();
    rb.Str(0, std::string("delta"));
    rb.Str(1, md.id);
    rb.Str(2, s.table.IsPathTable() ? std::nullopt
                                    : std::optional<std::string>("spark_catalog.default." +
                                                                 base::AsciiLower(s.table.parts.back().name)));
    rb.Str(3, md.description);
    rb.Str(4, root);
    rb.Ts(5, md.created_time);
    rb.Ts(6, snap->timestamp_ms());
    rb.StrList(7, md.partition_columns);
    rb.I64(8, static_cast<int64_t>(snap->files().size()));
    rb.I64(9, snap->total_size());
    rb.StrMap(10, md.configuration);
    rb.I32(11, snap->protocol().min_reader_version);
    rb.I32(12, snap->protocol().min_writer_version);
    std::vector<std::string> features = table::WriterFeatures(snap->protocol());
    for (const auto& f : table::ReaderFeatures(snap->protocol())) {
      if (std::find(features.begin(), features.end(), f) == features.end()) features.push_back(f);
    }
    std::sort(features.begin(), features.end());
    rb.StrList(13, features);
    rb.EndRow();
    return rb.Finish();
  }
  // HISTORY
  int64_t limit = -1;
  if (s.limit) {
    TIDE_ASSIGN_OR_RETURN(limit, EvalInt(env, *s.limit, "DESCRIBE HISTORY ... LIMIT"));
  }
  TIDE_ASSIGN_OR_RETURN(auto history, table::ReadHistory(root, limit));
  ResultBuilder rb;
  rb.Add("version", col::Int64());
  rb.Add("timestamp", Ts());
  rb.Add("operation", col::Utf8());
  rb.Add("operationParameters", StrMap());
  rb.Add("readVersion", col::Int64());
  rb.Add("isolationLevel", col::Utf8());
  rb.Add("isBlindAppend", col::Boolean());
  rb.Add("operationMetrics", StrMap());
  rb.Add("engineInfo", col::Utf8());
  for (const auto& h : history) {
    rb.I64(0, h.version);
    rb.Ts(1, h.timestamp_ms);
    const table::CommitInfo* ci = h.commit_info ? &*h.commit_info : nullptr;
    rb.Str(2, ci ? ci->operation : std::nullopt);
    std::map<std::string, std::string> params;
    if (ci) {
      for (const auto& [k, v] : ci->operation_parameters) params[k] = JsonTextToDisplay(v);
    }
    rb.StrMap(3, params);
    rb.I64(4, ci ? ci->read_version : std::nullopt);
    rb.Str(5, ci ? ci->isolation_level : std::nullopt);
    rb.Bool(6, ci ? ci->is_blind_append : std::nullopt);
    rb.StrMap(7, ci ? ci->operation_metrics : std::map<std::string, std::string>{});
    rb.Str(8, ci ? ci->engine_info : std::nullopt);
    rb.EndRow();
  }
  return rb.Finish();
}

base::Result<StatementResult> Show(StatementEnv& env, const sql::ShowStatement& s) {
  switch (s.what) {
    case sql::ShowKind::kTables: {
      if (s.name) {
        std::string db = s.name->parts.empty() ? "" : base::AsciiLower(s.name->parts.back().name);
        if (db != "default") {
          return ErrorAt(env, s.name->pos, StatusCode::kNotFound,
                         "database '" + QualifiedNameText(*s.name) + "' not found (only 'default' exists)");
        }
      }
      ResultBuilder rb;
      rb.Add("namespace", col::Utf8());
      rb.Add("tableName", col::Utf8());
      rb.Add("isTemporary", col::Boolean());
      std::vector<std::pair<std::string, bool>> all;
      for (const auto& t : env.catalog->ListTables()) all.emplace_back(t, false);
      for (const auto& v : env.catalog->ListViews()) all.push_back(v);
      std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? !a.second : a.first < b.first;
      });
      for (const auto& [n, temp] : all) {
        if (s.pattern && !LikePattern(*s.pattern, n)) continue;
        rb.Str(0, temp ? std::string() : std::string("default"));
        rb.Str(1, n);
        rb.Bool(2, temp);
        rb.EndRow();
      }
      return rb.Finish();
    }
    case sql::ShowKind::kColumns: {
      if (!s.name) return ErrorAt(env, s.pos, StatusCode::kInvalidArgument, "SHOW COLUMNS needs a table");
      if (s.database) {
        std::string db = base::AsciiLower(s.database->parts.back().name);
        if (db != "default") {
          return ErrorAt(env, s.database->pos, StatusCode::kNotFound,
                         "database '" + QualifiedNameText(*s.database) + "' not found (only 'default' exists)");
        }
      }
      sql::TableHandlePtr handle;
      TIDE_ASSIGN_OR_RETURN(auto schema, SchemaOf(env, *s.name, &handle));
      std::vector<TextRow> rows;
      for (const auto& f : schema->fields()) rows.push_back({f->name()});
      return TextResult({"col_name"}, rows);
    }
    case sql::ShowKind::kTblProperties: {
      if (!s.name) return ErrorAt(env, s.pos, StatusCode::kInvalidArgument, "SHOW TBLPROPERTIES needs a table");
      std::string root;
      TIDE_ASSIGN_OR_RETURN(auto snap, DeltaSnapshotOf(env, *s.name, &root));
      std::map<std::string, std::string> props = snap->metadata().configuration;
      props["delta.minReaderVersion"] = std::to_string(snap->protocol().min_reader_version);
      props["delta.minWriterVersion"] = std::to_string(snap->protocol().min_writer_version);
      std::vector<TextRow> rows;
      for (const auto& [k, v] : props) rows.push_back({k, v});
      return TextResult({"key", "value"}, rows);
    }
  }
  return Status::Unsupported("SHOW kind");
}

base::Result<StatementResult> Explain(StatementEnv& env, const sql::ExplainStatement& s) {
  if (!s.statement || s.statement->kind != sql::StatementKind::kQuery) {
    return ErrorAt(env, s.pos, StatusCode::kUnsupported, "EXPLAIN supports queries only");
  }
  const sql::Query& q = *s.statement->As<sql::QueryStatement>().query;
  std::string text;
  if (s.mode == sql::ExplainMode::kExtended || s.mode == sql::ExplainMode::kFormatted) {
    TIDE_ASSIGN_OR_RETURN(sql::PlanPtr bound, sql::BindQuery(q, *env.catalog, env.bind_options()));
    text += "== Analyzed Logical Plan ==\n" + sql::PlanToString(*bound);
    if (!text.empty() && text.back() != '\n') text += "\n";
    text += "\n== Optimized Logical Plan ==\n";
  }
  TIDE_ASSIGN_OR_RETURN(sql::PlanPtr plan, PlanQuery(env, q));
  text += sql::PlanToString(*plan);
  // One row per line of the plan (Spark returns one multi-line value): shells and CSV show it
  // as the indented tree it is, and `tide sql --format json` keeps one line per object.
  std::vector<TextRow> rows;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    rows.push_back({text.substr(start, end - start)});
    start = end + 1;
  }
  return TextResult({"plan"}, rows);
}

namespace {

base::Result<int64_t> ParseBytes(const std::string& v) {
  std::string t = base::AsciiLower(v);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  char* end = nullptr;
  double n = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || n < 0) return Status::InvalidArgument("'" + v + "' is not a size (bytes, or e.g. 64MB, 2GB)");
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  double mult = 1;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = 1024.0;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tb" || unit == "tib") mult = 1024.0 * 1024 * 1024 * 1024;
  else return Status::InvalidArgument("'" + v + "' is not a size (bytes, or e.g. 64MB, 2GB)");
  return static_cast<int64_t>(n * mult);
}

base::Result<int64_t> ParseInt(const std::string& key, const std::string& v) {
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (end == v.c_str() || *end != '\0' || n < 0) {
    return Status::InvalidArgument(key + " must be a non-negative integer, got '" + v + "'");
  }
  return static_cast<int64_t>(n);
}

std::string CurrentValue(StatementEnv& env, const std::string& key) {
  const ExecSettings& st = *env.settings;
  if (key == kAnsiKey) return st.ansi_mode ? "true" : "false";
  if (key == kTimeZoneKey) return st.time_zone;
  if (key == kThreadsKey) return std::to_string(st.threads);
  if (key == kMemoryLimitKey) return std::to_string(st.memory_limit);
  if (key == kBatchSizeKey) return std::to_string(st.batch_size);
  if (auto v = env.Conf(key)) return *v;
  if (key == kRetentionCheckKey) return "true";
  return "<undefined>";
}

}  // namespace

base::Result<StatementResult> Set(StatementEnv& env, const sql::SetStatement& s) {
  if (!s.key) {
    std::map<std::string, std::string> all = *env.conf;
    for (std::string_view k : {kAnsiKey, kTimeZoneKey, kThreadsKey, kMemoryLimitKey, kBatchSizeKey}) {
      all[std::string(k)] = CurrentValue(env, std::string(k));
    }
    std::vector<TextRow> rows;
    for (const auto& [k, v] : all) rows.push_back({k, v});
    return TextResult({"key", "value"}, rows);
  }
  const std::string& key = *s.key;
  if (!s.value) return TextResult({"key", "value"}, {{key, CurrentValue(env, key)}});
  // Users write both `SET k = 8MB` and `SET k = '8MB'`: one pair of matching quotes around
  // the whole value is not part of it.
  std::string value = *s.value;
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  std::string lower = base::AsciiLower(value);
  ExecSettings& st = *env.settings;
  auto bad = [&](const std::string& why) { return ErrorAt(env, s.pos, StatusCode::kInvalidArgument, why); };
  if (key == kAnsiKey) {
    if (lower != "true" && lower != "false") return bad(key + " must be true or false, got '" + value + "'");
    st.ansi_mode = lower == "true";
  } else if (key == kTimeZoneKey) {
    if (value.empty()) return bad(key + " must name a time zone (UTC, +02:00, Europe/Paris)");
    st.time_zone = value;
  } else if (key == kThreadsKey) {
    auto n = ParseInt(key, value);
    if (!n.ok() || *n > 4096) return bad(key + " must be an integer 0..4096 (0: one per core), got '" + value + "'");
    st.threads = static_cast<int>(*n);
  } else if (key == kMemoryLimitKey) {
    auto n = ParseBytes(value);
    if (!n.ok()) return bad(key + ": " + n.status().message());
    st.memory_limit = *n;
  } else if (key == kBatchSizeKey) {
    auto n = ParseInt(key, value);
    if (!n.ok() || *n < 1 || *n > (1 << 24)) return bad(key + " must be an integer 1..16777216, got '" + value + "'");
    st.batch_size = *n;
  } else if (key == kRetentionCheckKey) {
    if (lower != "true" && lower != "false") return bad(key + " must be true or false, got '" + value + "'");
  }
  (*env.conf)[key] = value;
  return TextResult({"key", "value"}, {{key, value}});
}

}  // namespace tide::exec::stmt
