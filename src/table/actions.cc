// Parsing and serialization of Delta log actions (see actions.h).
#include "table/actions.h"

#include <cstdio>

#include "base/json_writer.h"
#include "table/json_util.h"

namespace tide::table {
namespace {

using base::Result;
using base::Status;
using json::Value;

std::string Field(std::string_view prefix, std::string_view key) {
  std::string s(prefix);
  s += '.';
  s += key;
  return s;
}

// A string-valued map; JSON null values become std::nullopt.
Result<PartitionValues> ParsePartitionValues(const Value& obj, std::string_view field) {
  if (!obj.IsObject()) return json::FieldError(field, "expected an object");
  PartitionValues out;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    if (it->value.IsNull()) {
      out[key] = std::nullopt;
    } else if (it->value.IsString()) {
      out[key] = std::string(it->value.GetString(), it->value.GetStringLength());
    } else {
      return json::FieldError(std::string(field) + "." + key, "expected a string or null");
    }
  }
  return out;
}

// String map, lenient about scalar values (written by some engines as numbers or booleans).
Result<std::map<std::string, std::string>> ParseStringMap(const Value& obj, std::string_view field) {
  if (!obj.IsObject()) return json::FieldError(field, "expected an object");
  std::map<std::string, std::string> out;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    if (it->value.IsNull()) continue;
    if (it->value.IsString()) {
      out[key] = std::string(it->value.GetString(), it->value.GetStringLength());
    } else if (it->value.IsNumber() || it->value.IsBool()) {
      out[key] = json::ToText(it->value);
    } else {
      return json::FieldError(std::string(field) + "." + key, "expected a string");
    }
  }
  return out;
}

Result<std::optional<Tags>> ParseOptionalTags(const Value& obj, std::string_view prefix) {
  const Value* v = json::Find(obj, "tags");
  if (!v) return std::optional<Tags>();
  TIDE_ASSIGN_OR_RETURN(auto tags, ParseStringMap(*v, Field(prefix, "tags")));
  return std::optional<Tags>(std::move(tags));
}

Result<std::vector<std::string>> ParseStringArray(const Value& v, std::string_view field) {
  if (!v.IsArray()) return json::FieldError(field, "expected an array");
  std::vector<std::string> out;
  for (const auto& e : v.GetArray()) {
    if (!e.IsString()) return json::FieldError(field, "expected an array of strings");
    out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

Result<Protocol> ParseProtocol(const Value& o) {
  Protocol p;
  TIDE_ASSIGN_OR_RETURN(int64_t r, json::RequiredInt(o, "minReaderVersion", "protocol.minReaderVersion"));
  TIDE_ASSIGN_OR_RETURN(int64_t w, json::RequiredInt(o, "minWriterVersion", "protocol.minWriterVersion"));
  if (r < 0 || r > INT32_MAX) return json::FieldError("protocol.minReaderVersion", "out of range");
  if (w < 0 || w > INT32_MAX) return json::FieldError("protocol.minWriterVersion", "out of range");
  p.min_reader_version = static_cast<int32_t>(r);
  p.min_writer_version = static_cast<int32_t>(w);
  if (const Value* v = json::Find(o, "readerFeatures")) {
    TIDE_ASSIGN_OR_RETURN(auto f, ParseStringArray(*v, "protocol.readerFeatures"));
    p.reader_features = std::move(f);
  }
  if (const Value* v = json::Find(o, "writerFeatures")) {
    TIDE_ASSIGN_OR_RETURN(auto f, ParseStringArray(*v, "protocol.writerFeatures"));
    p.writer_features = std::move(f);
  }
  return p;
}

Result<Metadata> ParseMetadata(const Value& o) {
  Metadata m;
  TIDE_ASSIGN_OR_RETURN(m.id, json::RequiredString(o, "id", "metaData.id"));
  TIDE_ASSIGN_OR_RETURN(m.name, json::OptionalString(o, "name", "metaData.name"));
  TIDE_ASSIGN_OR_RETURN(m.description, json::OptionalString(o, "description", "metaData.description"));
  if (const Value* f = json::Find(o, "format")) {
    if (!f->IsObject()) return json::FieldError("metaData.format", "expected an object");
    TIDE_ASSIGN_OR_RETURN(auto provider, json::OptionalString(*f, "provider", "metaData.format.provider"));
    if (provider) m.format.provider = *provider;
    if (const Value* opts = json::Find(*f, "options")) {
      TIDE_ASSIGN_OR_RETURN(m.format.options, ParseStringMap(*opts, "metaData.format.options"));
    }
  }
  // Old Spark versions wrote metaData without schemaString for tables created empty; such a
  // table reads as having no columns (snapshot.cc) rather than being refused.
  TIDE_ASSIGN_OR_RETURN(auto schema_string, json::OptionalString(o, "schemaString", "metaData.schemaString"));
  m.schema_string = schema_string.value_or("");
  if (const Value* pc = json::Find(o, "partitionColumns")) {
    TIDE_ASSIGN_OR_RETURN(m.partition_columns, ParseStringArray(*pc, "metaData.partitionColumns"));
  }
  TIDE_ASSIGN_OR_RETURN(m.created_time, json::OptionalInt(o, "createdTime", "metaData.createdTime"));
  if (const Value* c = json::Find(o, "configuration")) {
    TIDE_ASSIGN_OR_RETURN(m.configuration, ParseStringMap(*c, "metaData.configuration"));
  }
  return m;
}

Result<std::optional<DeletionVectorDescriptor>> ParseDv(const Value& o, std::string_view prefix) {
  const Value* v = json::Find(o, "deletionVector");
  if (!v) return std::optional<DeletionVectorDescriptor>();
  std::string p = Field(prefix, "deletionVector");
  if (!v->IsObject()) return json::FieldError(p, "expected an object");
  DeletionVectorDescriptor dv;
  TIDE_ASSIGN_OR_RETURN(dv.storage_type, json::RequiredString(*v, "storageType", Field(p, "storageType")));
  TIDE_ASSIGN_OR_RETURN(dv.path_or_inline_dv, json::RequiredString(*v, "pathOrInlineDv", Field(p, "pathOrInlineDv")));
  TIDE_ASSIGN_OR_RETURN(auto offset, json::OptionalInt(*v, "offset", Field(p, "offset")));
  if (offset) {
    if (*offset < 0 || *offset > INT32_MAX) return json::FieldError(Field(p, "offset"), "out of range");
    dv.offset = static_cast<int32_t>(*offset);
  }
  TIDE_ASSIGN_OR_RETURN(int64_t size, json::RequiredInt(*v, "sizeInBytes", Field(p, "sizeInBytes")));
  if (size < 0 || size > INT32_MAX) return json::FieldError(Field(p, "sizeInBytes"), "out of range");
  dv.size_in_bytes = static_cast<int32_t>(size);
  TIDE_ASSIGN_OR_RETURN(dv.cardinality, json::RequiredInt(*v, "cardinality", Field(p, "cardinality")));
  if (dv.cardinality < 0) return json::FieldError(Field(p, "cardinality"), "negative");
  return std::optional<DeletionVectorDescriptor>(std::move(dv));
}

Result<AddFile> ParseAdd(const Value& o) {
  AddFile a;
  TIDE_ASSIGN_OR_RETURN(a.path, json::RequiredString(o, "path", "add.path"));
  const Value* pv = json::Find(o, "partitionValues");
  if (!pv) return json::FieldError("add.partitionValues", "missing required field");
  TIDE_ASSIGN_OR_RETURN(a.partition_values, ParsePartitionValues(*pv, "add.partitionValues"));
  TIDE_ASSIGN_OR_RETURN(a.size, json::RequiredInt(o, "size", "add.size"));
  if (a.size < 0) return json::FieldError("add.size", "negative");
  TIDE_ASSIGN_OR_RETURN(a.modification_time, json::RequiredInt(o, "modificationTime", "add.modificationTime"));
  TIDE_ASSIGN_OR_RETURN(a.data_change, json::RequiredBool(o, "dataChange", "add.dataChange"));
  TIDE_ASSIGN_OR_RETURN(a.stats, json::OptionalString(o, "stats", "add.stats"));
  TIDE_ASSIGN_OR_RETURN(a.tags, ParseOptionalTags(o, "add"));
  TIDE_ASSIGN_OR_RETURN(a.deletion_vector, ParseDv(o, "add"));
  TIDE_ASSIGN_OR_RETURN(a.base_row_id, json::OptionalInt(o, "baseRowId", "add.baseRowId"));
  TIDE_ASSIGN_OR_RETURN(a.default_row_commit_version,
                        json::OptionalInt(o, "defaultRowCommitVersion", "add.defaultRowCommitVersion"));
  TIDE_ASSIGN_OR_RETURN(a.clustering_provider, json::OptionalString(o, "clusteringProvider", "add.clusteringProvider"));
  return a;
}

Result<RemoveFile> ParseRemove(const Value& o) {
  RemoveFile r;
  TIDE_ASSIGN_OR_RETURN(r.path, json::RequiredString(o, "path", "remove.path"));
  TIDE_ASSIGN_OR_RETURN(r.deletion_timestamp, json::OptionalInt(o, "deletionTimestamp", "remove.deletionTimestamp"));
  TIDE_ASSIGN_OR_RETURN(auto dc, json::OptionalBool(o, "dataChange", "remove.dataChange"));
  r.data_change = dc.value_or(true);
  TIDE_ASSIGN_OR_RETURN(r.extended_file_metadata,
                        json::OptionalBool(o, "extendedFileMetadata", "remove.extendedFileMetadata"));
  if (const Value* pv = json::Find(o, "partitionValues")) {
    TIDE_ASSIGN_OR_RETURN(auto values, ParsePartitionValues(*pv, "remove.partitionValues"));
    r.partition_values = std::move(values);
  }
  TIDE_ASSIGN_OR_RETURN(r.size, json::OptionalInt(o, "size", "remove.size"));
  TIDE_ASSIGN_OR_RETURN(r.stats, json::OptionalString(o, "stats", "remove.stats"));
  TIDE_ASSIGN_OR_RETURN(r.tags, ParseOptionalTags(o, "remove"));
  TIDE_ASSIGN_OR_RETURN(r.deletion_vector, ParseDv(o, "remove"));
  TIDE_ASSIGN_OR_RETURN(r.base_row_id, json::OptionalInt(o, "baseRowId", "remove.baseRowId"));
  TIDE_ASSIGN_OR_RETURN(r.default_row_commit_version,
                        json::OptionalInt(o, "defaultRowCommitVersion", "remove.defaultRowCommitVersion"));
  return r;
}

Result<AddCdcFile> ParseCdc(const Value& o) {
  AddCdcFile c;
  TIDE_ASSIGN_OR_RETURN(c.path, json::RequiredString(o, "path", "cdc.path"));
  if (const Value* pv = json::Find(o, "partitionValues")) {
    TIDE_ASSIGN_OR_RETURN(c.partition_values, ParsePartitionValues(*pv, "cdc.partitionValues"));
  }
  TIDE_ASSIGN_OR_RETURN(c.size, json::RequiredInt(o, "size", "cdc.size"));
  TIDE_ASSIGN_OR_RETURN(auto dc, json::OptionalBool(o, "dataChange", "cdc.dataChange"));
  c.data_change = dc.value_or(false);
  TIDE_ASSIGN_OR_RETURN(c.tags, ParseOptionalTags(o, "cdc"));
  return c;
}

Result<Txn> ParseTxn(const Value& o) {
  Txn t;
  TIDE_ASSIGN_OR_RETURN(t.app_id, json::RequiredString(o, "appId", "txn.appId"));
  TIDE_ASSIGN_OR_RETURN(t.version, json::RequiredInt(o, "version", "txn.version"));
  TIDE_ASSIGN_OR_RETURN(t.last_updated, json::OptionalInt(o, "lastUpdated", "txn.lastUpdated"));
  return t;
}

Result<CommitInfo> ParseCommitInfo(const Value& o) {
  CommitInfo c;
  c.raw_json = json::ToText(o);
  // commitInfo is free-form: fields of an unexpected type are ignored rather than refused, so
  // one odd writer cannot make a table unreadable.
  if (const Value* v = json::Find(o, "timestamp")) c.timestamp = json::AsInt(*v);
  if (const Value* v = json::Find(o, "inCommitTimestamp")) c.in_commit_timestamp = json::AsInt(*v);
  if (const Value* v = json::Find(o, "operation"); v && v->IsString()) c.operation = v->GetString();
  if (const Value* v = json::Find(o, "operationParameters"); v && v->IsObject()) {
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
      c.operation_parameters[it->name.GetString()] = json::ToText(it->value);
    }
  }
  if (const Value* v = json::Find(o, "operationMetrics"); v && v->IsObject()) {
    for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
      c.operation_metrics[it->name.GetString()] =
          it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : json::ToText(it->value);
    }
  }
  if (const Value* v = json::Find(o, "engineInfo"); v && v->IsString()) c.engine_info = v->GetString();
  if (const Value* v = json::Find(o, "readVersion")) c.read_version = json::AsInt(*v);
  if (const Value* v = json::Find(o, "isolationLevel"); v && v->IsString()) c.isolation_level = v->GetString();
  if (const Value* v = json::Find(o, "isBlindAppend"); v && v->IsBool()) c.is_blind_append = v->GetBool();
  if (const Value* v = json::Find(o, "txnId"); v && v->IsString()) c.txn_id = v->GetString();
  return c;
}

Result<DomainMetadata> ParseDomain(const Value& o) {
  DomainMetadata d;
  TIDE_ASSIGN_OR_RETURN(d.domain, json::RequiredString(o, "domain", "domainMetadata.domain"));
  TIDE_ASSIGN_OR_RETURN(d.configuration, json::RequiredString(o, "configuration", "domainMetadata.configuration"));
  TIDE_ASSIGN_OR_RETURN(d.removed, json::RequiredBool(o, "removed", "domainMetadata.removed"));
  return d;
}

Result<CheckpointMetadata> ParseCheckpointMetadata(const Value& o) {
  CheckpointMetadata c;
  TIDE_ASSIGN_OR_RETURN(c.version, json::RequiredInt(o, "version", "checkpointMetadata.version"));
  TIDE_ASSIGN_OR_RETURN(c.tags, ParseOptionalTags(o, "checkpointMetadata"));
  return c;
}

Result<Sidecar> ParseSidecar(const Value& o) {
  Sidecar s;
  TIDE_ASSIGN_OR_RETURN(s.path, json::RequiredString(o, "path", "sidecar.path"));
  TIDE_ASSIGN_OR_RETURN(s.size_in_bytes, json::RequiredInt(o, "sizeInBytes", "sidecar.sizeInBytes"));
  TIDE_ASSIGN_OR_RETURN(s.modification_time, json::RequiredInt(o, "modificationTime", "sidecar.modificationTime"));
  TIDE_ASSIGN_OR_RETURN(s.tags, ParseOptionalTags(o, "sidecar"));
  return s;
}

// ---------------------------------------------------------------- serialization

class ObjectWriter {
 public:
  explicit ObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  void Close() { out_->push_back('}'); }
  void Key(std::string_view k) {
    if (!first_) out_->push_back(',');
    first_ = false;
    base::AppendJsonString(out_, k);
    out_->push_back(':');
  }
  void Str(std::string_view k, std::string_view v) { Key(k); base::AppendJsonString(out_, v); }
  void Int(std::string_view k, int64_t v) { Key(k); out_->append(std::to_string(v)); }
  void Bool(std::string_view k, bool v) { Key(k); out_->append(v ? "true" : "false"); }
  void Raw(std::string_view k, std::string_view json) { Key(k); out_->append(json); }
  void OptStr(std::string_view k, const std::optional<std::string>& v) { if (v) Str(k, *v); }
  void OptInt(std::string_view k, const std::optional<int64_t>& v) { if (v) Int(k, *v); }
  void OptBool(std::string_view k, const std::optional<bool>& v) { if (v) Bool(k, *v); }
  void StrMap(std::string_view k, const std::map<std::string, std::string>& m) {
    Key(k);
    ObjectWriter w(out_);
    for (const auto& [key, value] : m) w.Str(key, value);
    w.Close();
  }
  void Partitions(std::string_view k, const PartitionValues& m) {
    Key(k);
    ObjectWriter w(out_);
    for (const auto& [key, value] : m) {
      if (value) w.Str(key, *value); else w.Raw(key, "null");
    }
    w.Close();
  }
  void StrArray(std::string_view k, const std::vector<std::string>& v) {
    Key(k);
    out_->push_back('[');
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out_->push_back(',');
      base::AppendJsonString(out_, v[i]);
    }
    out_->push_back(']');
  }
  std::string* out() { return out_; }

 private:
  std::string* out_;
  bool first_ = true;
};

void WriteDv(ObjectWriter& w, const DeletionVectorDescriptor& dv) {
  w.Key("deletionVector");
  ObjectWriter d(w.out());
  d.Str("storageType", dv.storage_type);
  d.Str("pathOrInlineDv", dv.path_or_inline_dv);
  if (dv.offset) d.Int("offset", *dv.offset);
  d.Int("sizeInBytes", dv.size_in_bytes);
  d.Int("cardinality", dv.cardinality);
  d.Close();
}

struct Serializer {
  std::string* out;

  void operator()(const Protocol& p) {
    ObjectWriter w(out);
    w.Int("minReaderVersion", p.min_reader_version);
    w.Int("minWriterVersion", p.min_writer_version);
    if (p.reader_features) w.StrArray("readerFeatures", *p.reader_features);
    if (p.writer_features) w.StrArray("writerFeatures", *p.writer_features);
    w.Close();
  }
  void operator()(const Metadata& m) {
    ObjectWriter w(out);
    w.Str("id", m.id);
    w.OptStr("name", m.name);
    w.OptStr("description", m.description);
    w.Key("format");
    {
      ObjectWriter f(out);
      f.Str("provider", m.format.provider);
      f.StrMap("options", m.format.options);
      f.Close();
    }
    w.Str("schemaString", m.schema_string);
    w.StrArray("partitionColumns", m.partition_columns);
    w.StrMap("configuration", m.configuration);
    w.OptInt("createdTime", m.created_time);
    w.Close();
  }
  void operator()(const AddFile& a) {
    ObjectWriter w(out);
    w.Str("path", a.path);
    w.Partitions("partitionValues", a.partition_values);
    w.Int("size", a.size);
    w.Int("modificationTime", a.modification_time);
    w.Bool("dataChange", a.data_change);
    w.OptStr("stats", a.stats);
    if (a.tags) w.StrMap("tags", *a.tags);
    if (a.deletion_vector) WriteDv(w, *a.deletion_vector);
    w.OptInt("baseRowId", a.base_row_id);
    w.OptInt("defaultRowCommitVersion", a.default_row_commit_version);
    w.OptStr("clusteringProvider", a.clustering_provider);
    w.Close();
  }
  void operator()(const RemoveFile& r) {
    ObjectWriter w(out);
    w.Str("path", r.path);
    w.OptInt("deletionTimestamp", r.deletion_timestamp);
    w.Bool("dataChange", r.data_change);
    w.OptBool("extendedFileMetadata", r.extended_file_metadata);
    if (r.partition_values) w.Partitions("partitionValues", *r.partition_values);
    w.OptInt("size", r.size);
    w.OptStr("stats", r.stats);
    if (r.tags) w.StrMap("tags", *r.tags);
    if (r.deletion_vector) WriteDv(w, *r.deletion_vector);
    w.OptInt("baseRowId", r.base_row_id);
    w.OptInt("defaultRowCommitVersion", r.default_row_commit_version);
    w.Close();
  }
  void operator()(const AddCdcFile& c) {
    ObjectWriter w(out);
    w.Str("path", c.path);
    w.Partitions("partitionValues", c.partition_values);
    w.Int("size", c.size);
    w.Bool("dataChange", c.data_change);
    if (c.tags) w.StrMap("tags", *c.tags);
    w.Close();
  }
  void operator()(const Txn& t) {
    ObjectWriter w(out);
    w.Str("appId", t.app_id);
    w.Int("version", t.version);
    w.OptInt("lastUpdated", t.last_updated);
    w.Close();
  }
  void operator()(const CommitInfo& c) {
    if (!c.raw_json.empty()) {
      out->append(c.raw_json);
      return;
    }
    ObjectWriter w(out);
    w.OptInt("inCommitTimestamp", c.in_commit_timestamp);
    w.OptInt("timestamp", c.timestamp);
    w.OptStr("operation", c.operation);
    if (!c.operation_parameters.empty() || c.operation) {
      w.Key("operationParameters");
      ObjectWriter p(out);
      for (const auto& [k, v] : c.operation_parameters) p.Raw(k, v.empty() ? "null" : v);
      p.Close();
    }
    if (!c.operation_metrics.empty()) w.StrMap("operationMetrics", c.operation_metrics);
    w.OptInt("readVersion", c.read_version);
    w.OptStr("isolationLevel", c.isolation_level);
    w.OptBool("isBlindAppend", c.is_blind_append);
    w.OptStr("engineInfo", c.engine_info);
    w.OptStr("txnId", c.txn_id);
    w.Close();
  }
  void operator()(const DomainMetadata& d) {
    ObjectWriter w(out);
    w.Str("domain", d.domain);
    w.Str("configuration", d.configuration);
    w.Bool("removed", d.removed);
    w.Close();
  }
  void operator()(const CheckpointMetadata& c) {
    ObjectWriter w(out);
    w.Int("version", c.version);
    if (c.tags) w.StrMap("tags", *c.tags);
    w.Close();
  }
  void operator()(const Sidecar& s) {
    ObjectWriter w(out);
    w.Str("path", s.path);
    w.Int("sizeInBytes", s.size_in_bytes);
    w.Int("modificationTime", s.modification_time);
    if (s.tags) w.StrMap("tags", *s.tags);
    w.Close();
  }
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string DeletionVectorDescriptor::UniqueId() const {
  std::string id = storage_type + path_or_inline_dv;
  if (offset) id += "@" + std::to_string(*offset);
  return id;
}

std::string_view ActionKey(const Action& action) {
  static constexpr std::string_view kKeys[] = {"protocol", "metaData", "add", "remove", "cdc", "txn",
                                               "commitInfo", "domainMetadata", "checkpointMetadata", "sidecar"};
  return kKeys[action.index()];
}

Result<std::optional<Action>> ParseActionLine(std::string_view line) {
  rapidjson::Document doc;
  TIDE_RETURN_IF_ERROR(json::Parse(line, &doc, "action"));
  if (!doc.IsObject()) return Status::Corruption("action: expected a JSON object");
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string_view key(it->name.GetString(), it->name.GetStringLength());
    const Value& v = it->value;
    auto object = [&]() -> Status {
      if (!v.IsObject()) return json::FieldError(key, "expected an object");
      return Status::OK();
    };
    auto wrap = [](auto result) -> Result<std::optional<Action>> {
      if (!result.ok()) return result.status();
      return std::optional<Action>(Action(std::move(result).value()));
    };
    if (v.IsNull()) continue;  // {"add": null, "remove": {...}} in JSON-ified checkpoint rows
    if (key == "add") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseAdd(v)); }
    if (key == "remove") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseRemove(v)); }
    if (key == "metaData") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseMetadata(v)); }
    if (key == "protocol") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseProtocol(v)); }
    if (key == "cdc") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseCdc(v)); }
    if (key == "txn") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseTxn(v)); }
    if (key == "commitInfo") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseCommitInfo(v)); }
    if (key == "domainMetadata") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseDomain(v)); }
    if (key == "checkpointMetadata") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseCheckpointMetadata(v)); }
    if (key == "sidecar") { TIDE_RETURN_IF_ERROR(object()); return wrap(ParseSidecar(v)); }
  }
  return std::optional<Action>();
}

Result<std::vector<Action>> ParseCommit(std::string_view contents, std::string_view where) {
  std::vector<Action> actions;
  size_t pos = 0;
  int64_t line_no = 0;
  while (pos < contents.size()) {
    size_t end = contents.find('\n', pos);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view line = contents.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    auto action = ParseActionLine(line.substr(first));
    if (!action.ok()) {
      return Status(action.status().code(),
                    std::string(where) + ": line " + std::to_string(line_no) + ": " + action.status().message());
    }
    if (*action) actions.push_back(std::move(**action));
  }
  return actions;
}

std::string SerializeAction(const Action& action) {
  std::string out = "{";
  base::AppendJsonString(&out, ActionKey(action));
  out.push_back(':');
  std::visit(Serializer{&out}, action);
  out.push_back('}');
  return out;
}

std::string SerializeCommit(const std::vector<Action>& actions) {
  std::string out;
  for (const auto& a : actions) {
    out += SerializeAction(a);
    out.push_back('\n');
  }
  return out;
}

Result<std::string> DecodeFilePath(std::string_view path) {
  std::string_view p = path;
  if (p.substr(0, 5) == "file:") {
    p.remove_prefix(5);
    // file:///abs, file://host/abs (host must be empty or localhost), file:/abs
    if (p.substr(0, 2) == "//") {
      p.remove_prefix(2);
      size_t slash = p.find('/');
      std::string_view host = p.substr(0, slash);
      if (!host.empty() && host != "localhost") {
        return Status::Unsupported("file URI with a remote host: " + std::string(path));
      }
      p = slash == std::string_view::npos ? std::string_view() : p.substr(slash);
    }
  } else {
    size_t colon = p.find(':');
    size_t slash = p.find('/');
    if (colon != std::string_view::npos && colon > 0 && (slash == std::string_view::npos || colon < slash) &&
        p.substr(colon, 3) == "://") {
      return Status::Unsupported("data file on a non-local file system: " + std::string(path));
    }
  }
  std::string out;
  out.reserve(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '%') {
      int hi = i + 1 < p.size() ? HexValue(p[i + 1]) : -1;
      int lo = i + 2 < p.size() ? HexValue(p[i + 2]) : -1;
      if (hi < 0 || lo < 0) return Status::InvalidArgument("malformed %-escape in file path: " + std::string(path));
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(p[i]);
    }
  }
  return out;
}

std::string EncodeFilePath(std::string_view relative_path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(relative_path.size());
  for (unsigned char c : relative_path) {
    bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '/' || c == '=';
    if (keep) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace tide::table
