#include "table/table.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>

#include "base/clock.h"
#include "base/strings.h"
#include "columnar/json.h"
#include "table/delta_schema.h"
#include "table/log_store.h"
#include "table/partition.h"
#include "table/snapshot.h"
#include "table/stats.h"

namespace tide::table {

namespace col = tide::columnar;
using base::Result;
using base::Status;

BatchSource VectorSource(std::vector<std::shared_ptr<col::RecordBatch>> batches) {
  auto state = std::make_shared<std::pair<std::vector<std::shared_ptr<col::RecordBatch>>, size_t>>(std::move(batches), 0);
  return [state]() -> Result<std::shared_ptr<col::RecordBatch>> {
    if (state->second >= state->first.size()) return std::shared_ptr<col::RecordBatch>();
    return state->first[state->second++];
  };
}

namespace {

// ---------------------------------------------------------------- column mapping on create

col::TypePtr AssignMappingType(const col::TypePtr& t, int64_t* next_id);

col::FieldPtr AssignMapping(const col::Field& f, int64_t* next_id) {
  col::KeyValueMetadata md;
  for (const auto& kv : f.metadata()) {
    if (kv.first != kColumnMappingIdKey && kv.first != kColumnMappingPhysicalNameKey) md.push_back(kv);
  }
  md.emplace_back(std::string(kColumnMappingIdKey), std::to_string(++*next_id));
  md.emplace_back(std::string(kColumnMappingPhysicalNameKey), "\"col-" + GenerateUuid() + "\"");
  return col::MakeField(f.name(), AssignMappingType(f.type(), next_id), f.nullable(), std::move(md));
}

col::TypePtr AssignMappingType(const col::TypePtr& t, int64_t* next_id) {
  if (t->id() == col::TypeId::kStruct) {
    std::vector<col::FieldPtr> kids;
    for (const auto& c : t->children()) kids.push_back(AssignMapping(*c, next_id));
    return col::Struct(std::move(kids));
  }
  if (t->id() == col::TypeId::kList) {
    const auto& e = t->children()[0];
    return col::List(col::MakeField(e->name(), AssignMappingType(e->type(), next_id), e->nullable(), e->metadata()));
  }
  if (t->id() == col::TypeId::kMap) {
    const auto& k = t->map_key();
    const auto& v = t->map_value();
    return col::Map(col::MakeField(k->name(), AssignMappingType(k->type(), next_id), false, k->metadata()),
                    col::MakeField(v->name(), AssignMappingType(v->type(), next_id), v->nullable(), v->metadata()));
  }
  return t;
}

std::string JsonStringList(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ",";
    col::AppendJsonString(v[i], &s);
  }
  return s + "]";
}

std::string JsonString(std::string_view v) {
  std::string s;
  col::AppendJsonString(v, &s);
  return s;
}

std::string JsonStringMap(const std::map<std::string, std::string>& m) {
  std::string s = "{";
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) s += ",";
    first = false;
    col::AppendJsonString(k, &s);
    s += ":";
    col::AppendJsonString(v, &s);
  }
  return s + "}";
}

}  // namespace

// ---------------------------------------------------------------- partition predicates

struct PartitionPredicate::Condition {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kIsNull, kIsNotNull };
  std::string key;                 // partitionValues key (physical name)
  col::TypePtr type;
  Op op = Op::kEq;
  std::vector<std::optional<std::string>> literals;  // serialized like partition values; nullopt = NULL
};

namespace {

using Cond = PartitionPredicate::Condition;

class PredicateLexer {
 public:
  explicit PredicateLexer(std::string_view s) : s_(s) {}
  void Skip() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n')) ++pos_;
  }
  bool AtEnd() {
    Skip();
    return pos_ >= s_.size();
  }
  size_t pos() const { return pos_; }
  Status Error(const std::string& what) {
    return Status::InvalidArgument("replaceWhere at offset " + std::to_string(pos_) + ": " + what + " in '" +
                                   std::string(s_) + "'");
  }
  // An identifier (letters, digits, _; or `quoted`).
  Result<std::string> Ident() {
    Skip();
    if (pos_ < s_.size() && s_[pos_] == '`') {
      std::string out;
      ++pos_;
      while (pos_ < s_.size()) {
        if (s_[pos_] == '`') {
          if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '`') {
            out += '`';
            pos_ += 2;
            continue;
          }
          ++pos_;
          return out;
        }
        out += s_[pos_++];
      }
      return Error("unterminated `");
    }
    size_t b = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
    if (b == pos_) return Error("expected a column name");
    return std::string(s_.substr(b, pos_ - b));
  }
  bool Keyword(std::string_view kw) {
    Skip();
    if (pos_ + kw.size() > s_.size()) return false;
    if (base::AsciiLower(s_.substr(pos_, kw.size())) != base::AsciiLower(kw)) return false;
    const size_t after = pos_ + kw.size();
    if (after < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[after])) || s_[after] == '_')) return false;
    pos_ = after;
    return true;
  }
  bool Punct(std::string_view p) {
    Skip();
    if (s_.substr(pos_, p.size()) != p) return false;
    pos_ += p.size();
    return true;
  }
  // A literal: 'text', a number, true/false, NULL. Returns its text (nullopt for NULL).
  Result<std::optional<std::string>> Literal() {
    Skip();
    if (pos_ >= s_.size()) return Error("expected a value");
    if (s_[pos_] == '\'') {
      std::string out;
      ++pos_;
      while (pos_ < s_.size()) {
        if (s_[pos_] == '\'') {
          if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\'') {
            out += '\'';
            pos_ += 2;
            continue;
          }
          ++pos_;
          return std::optional<std::string>(out);
        }
        out += s_[pos_++];
      }
      return Error("unterminated string");
    }
    if (Keyword("null")) return std::optional<std::string>();
    if (Keyword("true")) return std::optional<std::string>("true");
    if (Keyword("false")) return std::optional<std::string>("false");
    size_t b = pos_;
    if (s_[pos_] == '-' || s_[pos_] == '+') ++pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
                                s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
    }
    if (b == pos_ || (pos_ == b + 1 && (s_[b] == '-' || s_[b] == '+'))) return Error("expected a value");
    return std::optional<std::string>(std::string(s_.substr(b, pos_ - b)));
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool IsIntegerType(const col::DataType& t) {
  switch (t.id()) {
    case col::TypeId::kInt8:
    case col::TypeId::kInt16:
    case col::TypeId::kInt32:
    case col::TypeId::kInt64: return true;
    default: return false;
  }
}

// -1, 0, 1 comparing two non-null serialized partition values of type t.
int Compare(const col::DataType& t, const std::string& a, const std::string& b) {
  if (IsIntegerType(t) || t.id() == col::TypeId::kFloat32 || t.id() == col::TypeId::kFloat64 ||
      t.id() == col::TypeId::kDecimal128) {
    const double x = std::strtod(a.c_str(), nullptr), y = std::strtod(b.c_str(), nullptr);
    if (IsIntegerType(t)) {
      int64_t i = 0, j = 0;
      auto r1 = std::from_chars(a.data(), a.data() + a.size(), i);
      auto r2 = std::from_chars(b.data(), b.data() + b.size(), j);
      if (r1.ec == std::errc() && r2.ec == std::errc()) return i < j ? -1 : (i > j ? 1 : 0);
    }
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (t.id() == col::TypeId::kTimestamp) {
    auto x = ParseTimestampValue(a, t.utc_adjusted());
    auto y = ParseTimestampValue(b, t.utc_adjusted());
    if (x.ok() && y.ok()) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  if (t.id() == col::TypeId::kDate32) {
    auto x = ParseDateValue(a);
    auto y = ParseDateValue(b);
    if (x.ok() && y.ok()) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  if (t.id() == col::TypeId::kBoolean) return static_cast<int>(a == "true") - static_cast<int>(b == "true");
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Checks that a literal is a valid value of the column's type.
Status CheckLiteral(const col::TypePtr& t, const std::optional<std::string>& lit, const std::string& column) {
  if (!lit) return Status::OK();
  auto arr = MakePartitionColumn(t, lit, 1, column);
  if (!arr.ok()) {
    return Status::InvalidArgument("replaceWhere: '" + *lit + "' is not a valid " + t->ToString() + " for column '" +
                                   column + "'");
  }
  return Status::OK();
}

}  // namespace

Result<PartitionPredicate> PartitionPredicate::Parse(std::string_view text, const col::Schema& schema,
                                                     const std::vector<std::string>& partition_columns,
                                                     ColumnMappingMode mode) {
  PartitionPredicate pred;
  pred.text_ = std::string(text);
  PredicateLexer lx(text);
  std::string names;
  for (const auto& p : partition_columns) names += (names.empty() ? "" : ", ") + p;
  if (lx.AtEnd()) return lx.Error("empty predicate");
  while (true) {
    TIDE_ASSIGN_OR_RETURN(std::string column, lx.Ident());
    const col::Field* field = nullptr;
    for (const auto& p : partition_columns) {
      if (base::AsciiLower(p) != base::AsciiLower(column)) continue;
      for (const auto& f : schema.fields()) {
        if (base::AsciiLower(f->name()) == base::AsciiLower(p)) field = f.get();
      }
    }
    if (!field) {
      return Status::InvalidArgument("replaceWhere: column '" + column + "' is not a partition column (partition "
                                     "columns: " + (names.empty() ? std::string("none") : names) + ")");
    }
    auto c = std::make_shared<Cond>();
    c->key = PhysicalName(*field, mode);
    c->type = field->type();
    if (lx.Keyword("is")) {
      const bool negated = lx.Keyword("not");
      if (!lx.Keyword("null")) return lx.Error("expected NULL after IS");
      c->op = negated ? Cond::Op::kIsNotNull : Cond::Op::kIsNull;
    } else if (lx.Keyword("in")) {
      if (!lx.Punct("(")) return lx.Error("expected ( after IN");
      while (true) {
        TIDE_ASSIGN_OR_RETURN(auto lit, lx.Literal());
        TIDE_RETURN_IF_ERROR(CheckLiteral(c->type, lit, field->name()));
        c->literals.push_back(lit);
        if (lx.Punct(",")) continue;
        if (lx.Punct(")")) break;
        return lx.Error("expected , or )");
      }
      c->op = Cond::Op::kIn;
    } else {
      if (lx.Punct("<=")) {
        c->op = Cond::Op::kLe;
      } else if (lx.Punct(">=")) {
        c->op = Cond::Op::kGe;
      } else if (lx.Punct("<>") || lx.Punct("!=")) {
        c->op = Cond::Op::kNe;
      } else if (lx.Punct("==") || lx.Punct("=")) {
        c->op = Cond::Op::kEq;
      } else if (lx.Punct("<")) {
        c->op = Cond::Op::kLt;
      } else if (lx.Punct(">")) {
        c->op = Cond::Op::kGt;
      } else {
        return lx.Error("expected a comparison (=, !=, <, <=, >, >=, IN, IS NULL)");
      }
      TIDE_ASSIGN_OR_RETURN(auto lit, lx.Literal());
      if (!lit) return lx.Error("comparison with NULL is never true; use IS NULL");
      TIDE_RETURN_IF_ERROR(CheckLiteral(c->type, lit, field->name()));
      c->literals.push_back(lit);
    }
    pred.conditions_.push_back(std::move(c));
    if (lx.AtEnd()) break;
    if (!lx.Keyword("and")) return lx.Error("expected AND (only conjunctions are supported)");
  }
  return pred;
}

bool PartitionPredicate::Matches(const PartitionValues& values) const {
  for (const auto& c : conditions_) {
    std::optional<std::string> v;
    if (auto it = values.find(c->key); it != values.end()) v = it->second;
    bool ok = false;
    switch (c->op) {
      case Cond::Op::kIsNull: ok = !v.has_value(); break;
      case Cond::Op::kIsNotNull: ok = v.has_value(); break;
      case Cond::Op::kIn:
        for (const auto& lit : c->literals) {
          if (lit && v && Compare(*c->type, *v, *lit) == 0) ok = true;
        }
        break;
      default: {
        if (!v) break;  // comparisons with null are not true
        const int r = Compare(*c->type, *v, *c->literals[0]);
        switch (c->op) {
          case Cond::Op::kEq: ok = r == 0; break;
          case Cond::Op::kNe: ok = r != 0; break;
          case Cond::Op::kLt: ok = r < 0; break;
          case Cond::Op::kLe: ok = r <= 0; break;
          case Cond::Op::kGt: ok = r > 0; break;
          case Cond::Op::kGe: ok = r >= 0; break;
          default: break;
        }
      }
    }
    if (!ok) return false;
  }
  return true;
}

// ---------------------------------------------------------------- create

Result<int64_t> DeltaTable::Create(const std::string& root, const col::Schema& schema,
                                   const std::vector<std::string>& partition_columns,
                                   const std::map<std::string, std::string>& properties,
                                   std::optional<std::string> name, std::optional<std::string> description) {
  LogStore store(root);
  if (store.LogDirExists()) {
    auto latest = LatestVersion(root);
    if (latest.ok()) return Status::AlreadyExists("a Delta table already exists at " + root + " (version " +
                                                  std::to_string(*latest) + ")");
  }
  if (schema.num_fields() == 0) return Status::InvalidArgument("create table " + root + ": the schema has no columns");
  // Column names must be unique case-insensitively (Spark resolves them that way).
  for (int i = 0; i < schema.num_fields(); ++i) {
    for (int j = i + 1; j < schema.num_fields(); ++j) {
      if (base::AsciiLower(schema.field(i)->name()) == base::AsciiLower(schema.field(j)->name())) {
        return Status::InvalidArgument("create table " + root + ": column '" + schema.field(j)->name() +
                                       "' appears twice");
      }
    }
  }
  std::vector<std::string> parts;
  for (const auto& pc : partition_columns) {
    const col::Field* field = nullptr;
    for (const auto& f : schema.fields()) {
      if (base::AsciiLower(f->name()) == base::AsciiLower(pc)) field = f.get();
    }
    if (!field) {
      return Status::InvalidArgument("partition column '" + pc + "' is not in the schema (" + schema.ToString() + ")");
    }
    if (field->type()->IsNested()) {
      return Status::InvalidArgument("partition column '" + pc + "' has type " + field->type()->ToString() +
                                     "; partition columns must have a primitive type");
    }
    for (const auto& p : parts) {
      if (base::AsciiLower(p) == base::AsciiLower(field->name())) return Status::InvalidArgument("partition column '" + pc + "' is listed twice");
    }
    parts.push_back(field->name());
  }
  if (parts.size() == static_cast<size_t>(schema.num_fields())) {
    return Status::InvalidArgument("every column is a partition column; a table needs at least one data column");
  }
  std::map<std::string, std::string> config = properties;
  TIDE_ASSIGN_OR_RETURN(ColumnMappingMode mode, ParseColumnMappingMode(config));
  TIDE_RETURN_IF_ERROR(ParseTableProperties(config).status());
  TIDE_RETURN_IF_ERROR(StatsOptionsFromConfiguration(config).status());
  col::Schema table_schema = schema;
  if (mode != ColumnMappingMode::kNone) {
    int64_t next = 0;
    std::vector<col::FieldPtr> fields;
    for (const auto& f : schema.fields()) fields.push_back(AssignMapping(*f, &next));
    table_schema = col::Schema(std::move(fields), schema.metadata());
    config["delta.columnMapping.maxColumnId"] = std::to_string(next);
  }
  Metadata md;
  md.id = GenerateUuid();
  md.name = std::move(name);
  md.description = std::move(description);
  TIDE_ASSIGN_OR_RETURN(md.schema_string, SerializeDeltaSchema(table_schema));
  md.partition_columns = parts;
  md.created_time = base::WallMillis();
  md.configuration = config;
  if (::mkdir(root.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::FromErrno(errno, "creating table directory " + root);
  }
  auto txn = Transaction::StartCreate(root);
  txn->UpdateMetadata(md);
  // Spark's commitInfo.operationParameters is a map of strings: structured values are JSON
  // text inside a JSON string ("partitionBy":"[\"country\"]"), which Spark's reader expects.
  std::map<std::string, std::string> params{{"isManaged", "\"false\""},
                                            {"description", md.description ? JsonString(*md.description) : "null"},
                                            {"partitionBy", JsonString(JsonStringList(parts))},
                                            {"properties", JsonString(JsonStringMap(properties))}};
  TIDE_ASSIGN_OR_RETURN(CommitResult r, txn->Commit("CREATE TABLE", params));
  return r.version;
}

// ---------------------------------------------------------------- append / overwrite

namespace {

// Deletes data files that no commit references (after a refused or conflicting commit).
void DeleteFiles(const std::string& root, const std::vector<AddFile>& adds) {
  for (const auto& a : adds) {
    auto rel = DecodeFilePath(a.path);
    if (rel.ok()) ::unlink((root + "/" + *rel).c_str());
  }
}

bool CommitNeverLanded(const Status& st) {
  switch (st.code()) {
    case base::StatusCode::kConflict:
    case base::StatusCode::kUnavailable:
    case base::StatusCode::kInvalidArgument:
    case base::StatusCode::kUnsupported:
    case base::StatusCode::kAlreadyExists: return true;
    default: return false;
  }
}

// Writes every batch of `source` into new files for `txn` (evolving the schema when asked).
Result<std::vector<AddFile>> WriteAll(const std::string& root, Transaction* txn, const BatchSource& source,
                                      bool merge_schema, const DataWriterOptions& writer_options, WriteResult* result) {
  Metadata metadata = txn->metadata();
  TIDE_ASSIGN_OR_RETURN(auto parsed, ParseDeltaSchema(metadata.schema_string));
  auto schema = std::make_shared<const col::Schema>(std::move(parsed));
  TIDE_ASSIGN_OR_RETURN(ColumnMappingMode mode, ParseColumnMappingMode(metadata.configuration));
  std::vector<AddFile> adds;
  std::unique_ptr<DataWriter> writer;
  auto fail = [&](const Status& st) -> Status {
    if (writer) writer->Abort();
    DeleteFiles(root, adds);
    return st;
  };
  while (true) {
    auto next = source();
    if (!next.ok()) return fail(next.status());
    std::shared_ptr<col::RecordBatch> batch = *next;
    if (!batch) break;
    if (merge_schema) {
      int64_t max_id = 0;
      if (auto it = metadata.configuration.find("delta.columnMapping.maxColumnId"); it != metadata.configuration.end()) {
        max_id = std::strtoll(it->second.c_str(), nullptr, 10);
      }
      auto merged = MergeSchema(*schema, *batch->schema(), mode, max_id);
      if (!merged.ok()) return fail(merged.status());
      if (merged->changed) {
        // Files written so far stay valid under the new schema (new columns read as null,
        // widened columns are read with the wider type).
        if (writer) {
          auto done = writer->Finish();
          if (!done.ok()) return fail(done.status());
          for (auto& a : *done) adds.push_back(std::move(a));
          writer.reset();
        }
        auto text = SerializeDeltaSchema(merged->schema);
        if (!text.ok()) return fail(text.status());
        metadata.schema_string = *text;
        if (mode != ColumnMappingMode::kNone) {
          metadata.configuration["delta.columnMapping.maxColumnId"] = std::to_string(merged->max_column_id);
        }
        txn->UpdateMetadata(metadata);
        schema = std::make_shared<const col::Schema>(merged->schema);
        result->schema_changed = true;
      }
    }
    auto conformed = ConformBatch(*batch, *schema);
    if (!conformed.ok()) return fail(conformed.status());
    if (!writer) {
      auto w = DataWriter::Make(root, metadata, writer_options);
      if (!w.ok()) return fail(w.status());
      writer = std::move(*w);
    }
    Status st = writer->Write(**conformed);
    if (!st.ok()) return fail(st);
    result->num_rows += (*conformed)->num_rows();
  }
  if (writer) {
    auto done = writer->Finish();
    if (!done.ok()) return fail(done.status());
    for (auto& a : *done) adds.push_back(std::move(a));
  }
  for (const auto& a : adds) {
    result->num_bytes += a.size;
    ++result->num_files;
  }
  return adds;
}

std::map<std::string, std::string> WriteMetrics(const WriteResult& r) {
  return {{"numFiles", std::to_string(r.num_files)},
          {"numOutputRows", std::to_string(r.num_rows)},
          {"numOutputBytes", std::to_string(r.num_bytes)}};
}

}  // namespace

Result<WriteResult> DeltaTable::Append(const std::string& root, const BatchSource& source, const AppendOptions& options) {
  TIDE_ASSIGN_OR_RETURN(auto snapshot, Snapshot::Load(root));
  WriteResult result;
  if (options.app_id) {
    auto done = snapshot->AppTransactionVersion(*options.app_id);
    if (done && *done >= options.app_version) {
      result.version = snapshot->version();
      result.skipped = true;
      return result;
    }
  }
  auto txn = Transaction::Start(snapshot, options.transaction);
  if (options.app_id) {
    txn->SetAppTransaction(*options.app_id, options.app_version);
    txn->ReadAppTransaction(*options.app_id);
  }
  TIDE_ASSIGN_OR_RETURN(auto adds, WriteAll(root, txn.get(), source, options.merge_schema, options.writer, &result));
  txn->AddFiles(adds);
  const auto& parts = txn->metadata().partition_columns;
  std::map<std::string, std::string> params{{"mode", "\"Append\""},
                                            {"partitionBy", JsonString(JsonStringList(parts))}};
  auto committed = txn->Commit("WRITE", params, WriteMetrics(result));
  if (!committed.ok()) {
    if (CommitNeverLanded(committed.status())) DeleteFiles(root, adds);
    return committed.status();
  }
  result.version = committed->version;
  return result;
}

Result<WriteResult> DeltaTable::Append(const std::string& root, std::vector<std::shared_ptr<col::RecordBatch>> batches,
                                       const AppendOptions& options) {
  return Append(root, VectorSource(std::move(batches)), options);
}

Result<WriteResult> DeltaTable::Overwrite(const std::string& root, const BatchSource& source,
                                          const OverwriteOptions& options) {
  TIDE_ASSIGN_OR_RETURN(auto snapshot, Snapshot::Load(root));
  TransactionOptions topts = options.transaction;
  // Overwrite promises the table (or partitions) hold exactly the new rows afterwards; data a
  // concurrent blind append put there must fail this commit rather than survive it.
  topts.isolation = IsolationLevel::kSerializable;
  auto txn = Transaction::Start(snapshot, topts);
  WriteResult result;
  std::optional<PartitionPredicate> predicate;
  if (options.replace_where) {
    TIDE_ASSIGN_OR_RETURN(auto p, PartitionPredicate::Parse(*options.replace_where, *snapshot->schema(),
                                                            snapshot->partition_columns(),
                                                            snapshot->column_mapping_mode()));
    predicate = std::move(p);
    auto shared = std::make_shared<PartitionPredicate>(*predicate);
    txn->ReadPredicateFiles(ReadPredicate{predicate->text(), [shared](const AddFile& f) {
                                            return shared->Matches(f.partition_values);
                                          }});
  } else {
    txn->ReadWholeTable();
  }
  std::vector<AddFile> removed;
  for (const auto& f : snapshot->files()) {
    if (predicate && !predicate->Matches(f.partition_values)) continue;
    removed.push_back(f);
  }
  txn->ReadFiles(removed);
  TIDE_ASSIGN_OR_RETURN(auto adds, WriteAll(root, txn.get(), source, options.merge_schema, options.writer, &result));
  if (predicate) {
    for (const auto& a : adds) {
      if (predicate->Matches(a.partition_values)) continue;
      std::string values;
      for (const auto& [k, v] : a.partition_values) {
        values += (values.empty() ? "" : ", ") + k + "=" + (v ? "'" + *v + "'" : std::string("NULL"));
      }
      DeleteFiles(root, adds);
      return Status::InvalidArgument("replaceWhere: the data has rows with " + values +
                                     ", which do not satisfy the predicate " + predicate->text());
    }
  }
  int64_t removed_bytes = 0;
  for (const auto& f : removed) {
    txn->RemoveActiveFile(f, true);
    removed_bytes += f.size;
  }
  result.num_removed_files = static_cast<int64_t>(removed.size());
  txn->AddFiles(adds);
  std::map<std::string, std::string> params{{"mode", "\"Overwrite\""},
                                            {"partitionBy", JsonString(JsonStringList(txn->metadata().partition_columns))}};
  if (predicate) params["predicate"] = JsonString(JsonStringList({predicate->text()}));
  auto metrics = WriteMetrics(result);
  metrics["numRemovedFiles"] = std::to_string(result.num_removed_files);
  metrics["numRemovedBytes"] = std::to_string(removed_bytes);
  auto committed = txn->Commit("WRITE", params, metrics);
  if (!committed.ok()) {
    if (CommitNeverLanded(committed.status())) DeleteFiles(root, adds);
    return committed.status();
  }
  result.version = committed->version;
  return result;
}

Result<WriteResult> DeltaTable::Overwrite(const std::string& root,
                                          std::vector<std::shared_ptr<col::RecordBatch>> batches,
                                          const OverwriteOptions& options) {
  return Overwrite(root, VectorSource(std::move(batches)), options);
}

}  // namespace tide::table
