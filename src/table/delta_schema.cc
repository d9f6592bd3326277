// Delta schema JSON <-> columnar schema, Spark DDL, column mapping (see delta_schema.h).
#include "table/delta_schema.h"

#include <cctype>

#include "base/json_writer.h"
#include "base/strings.h"
#include "table/json_util.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;
using base::Result;
using base::Status;
using json::Value;

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

Status ColumnError(const std::string& path, std::string_view what) {
  return Status::Corruption("schema: column '" + path + "': " + std::string(what));
}

// "decimal(10,2)", "decimal" -> (10, 0).
Result<col::TypePtr> ParseDecimalName(std::string_view name, const std::string& path) {
  std::string s = base::AsciiLower(Trim(name));
  if (s == "decimal") return col::Decimal(10, 0);
  size_t open = s.find('(');
  size_t close = s.rfind(')');
  size_t comma = s.find(',');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return ColumnError(path, "malformed decimal type '" + std::string(name) + "'");
  }
  auto num = [](const std::string& t) -> std::optional<int> {
    std::string x = Trim(t);
    if (x.empty() || x.size() > 3) return std::nullopt;
    int v = 0;
    for (char c : x) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  std::optional<int> p, sc;
  if (comma == std::string::npos || comma > close) {
    p = num(s.substr(open + 1, close - open - 1));
    sc = 0;
  } else {
    p = num(s.substr(open + 1, comma - open - 1));
    sc = num(s.substr(comma + 1, close - comma - 1));
  }
  if (!p || !sc || *p < 1 || *p > 38 || *sc > *p) {
    return ColumnError(path, "invalid decimal type '" + std::string(name) + "' (precision 1..38, scale <= precision)");
  }
  return col::Decimal(*p, *sc);
}

Result<col::TypePtr> PrimitiveFromName(std::string_view name, const std::string& path) {
  std::string s = base::AsciiLower(name);
  if (s == "byte" || s == "tinyint") return col::Int8();
  if (s == "short" || s == "smallint") return col::Int16();
  if (s == "integer" || s == "int") return col::Int32();
  if (s == "long" || s == "bigint") return col::Int64();
  if (s == "float" || s == "real") return col::Float32();
  if (s == "double") return col::Float64();
  if (s == "boolean") return col::Boolean();
  if (s == "string") return col::Utf8();
  if (s == "binary") return col::Binary();
  if (s == "date") return col::Date32();
  if (s == "timestamp") return col::Timestamp(col::TimeUnit::kMicro, true);
  if (s == "timestamp_ntz") return col::Timestamp(col::TimeUnit::kMicro, false);
  if (s == "void") return col::Null();
  if (s.substr(0, 7) == "decimal") return ParseDecimalName(s, path);
  return Status::Unsupported("column '" + path + "': type '" + std::string(name) + "' is not supported");
}

Result<col::TypePtr> ParseType(const Value& t, const std::string& path);

Result<col::KeyValueMetadata> ParseFieldMetadata(const Value& field, const std::string& path) {
  col::KeyValueMetadata md;
  const Value* m = json::Find(field, "metadata");
  if (!m) return md;
  if (!m->IsObject()) return ColumnError(path, "metadata: expected an object");
  for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it) {
    md.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()), json::ToText(it->value));
  }
  return md;
}

Result<col::FieldPtr> ParseStructField(const Value& f, const std::string& parent) {
  if (!f.IsObject()) return ColumnError(parent.empty() ? "<root>" : parent, "field: expected an object");
  const Value* name = json::Find(f, "name");
  if (!name || !name->IsString()) return ColumnError(parent.empty() ? "<root>" : parent, "field without a 'name'");
  std::string n(name->GetString(), name->GetStringLength());
  std::string path = parent.empty() ? n : parent + "." + n;
  const Value* type = json::Find(f, "type");
  if (!type) return ColumnError(path, "missing 'type'");
  TIDE_ASSIGN_OR_RETURN(auto t, ParseType(*type, path));
  bool nullable = true;
  if (const Value* nv = json::Find(f, "nullable")) {
    if (!nv->IsBool()) return ColumnError(path, "nullable: expected a boolean");
    nullable = nv->GetBool();
  }
  TIDE_ASSIGN_OR_RETURN(auto md, ParseFieldMetadata(f, path));
  return col::MakeField(std::move(n), std::move(t), nullable, std::move(md));
}

Result<std::vector<col::FieldPtr>> ParseStructFields(const Value& t, const std::string& path) {
  const Value* fields = json::Find(t, "fields");
  if (!fields || !fields->IsArray()) return ColumnError(path.empty() ? "<root>" : path, "struct without a 'fields' array");
  std::vector<col::FieldPtr> out;
  for (const auto& f : fields->GetArray()) {
    TIDE_ASSIGN_OR_RETURN(auto field, ParseStructField(f, path));
    out.push_back(std::move(field));
  }
  return out;
}

Result<col::TypePtr> ParseType(const Value& t, const std::string& path) {
  if (t.IsString()) return PrimitiveFromName(std::string_view(t.GetString(), t.GetStringLength()), path);
  if (!t.IsObject()) return ColumnError(path, "type: expected a string or an object");
  const Value* kind = json::Find(t, "type");
  if (!kind || !kind->IsString()) return ColumnError(path, "nested type without a 'type' name");
  std::string k = kind->GetString();
  if (k == "struct") {
    TIDE_ASSIGN_OR_RETURN(auto fields, ParseStructFields(t, path));
    return col::Struct(std::move(fields));
  }
  if (k == "array") {
    const Value* e = json::Find(t, "elementType");
    if (!e) return ColumnError(path, "array without 'elementType'");
    TIDE_ASSIGN_OR_RETURN(auto et, ParseType(*e, path + ".element"));
    bool contains_null = true;
    if (const Value* cn = json::Find(t, "containsNull"); cn && cn->IsBool()) contains_null = cn->GetBool();
    return col::List(col::MakeField("element", std::move(et), contains_null));
  }
  if (k == "map") {
    const Value* kt = json::Find(t, "keyType");
    const Value* vt = json::Find(t, "valueType");
    if (!kt || !vt) return ColumnError(path, "map without 'keyType' / 'valueType'");
    TIDE_ASSIGN_OR_RETURN(auto key, ParseType(*kt, path + ".key"));
    TIDE_ASSIGN_OR_RETURN(auto value, ParseType(*vt, path + ".value"));
    bool vcn = true;
    if (const Value* cn = json::Find(t, "valueContainsNull"); cn && cn->IsBool()) vcn = cn->GetBool();
    return col::Map(col::MakeField("key", std::move(key), false), col::MakeField("value", std::move(value), vcn));
  }
  return Status::Unsupported("column '" + path + "': type '" + k + "' is not supported");
}

// ---------------------------------------------------------------- serialization

Status AppendType(const col::DataType& t, std::string* out);

Status AppendField(const col::Field& f, std::string* out) {
  out->append("{\"name\":");
  base::AppendJsonString(out, f.name());
  out->append(",\"type\":");
  TIDE_RETURN_IF_ERROR(AppendType(*f.type(), out).WithContext("column '" + f.name() + "'"));
  out->append(f.nullable() ? ",\"nullable\":true" : ",\"nullable\":false");
  out->append(",\"metadata\":{");
  bool first = true;
  for (const auto& [k, v] : f.metadata()) {
    if (!first) out->push_back(',');
    first = false;
    base::AppendJsonString(out, k);
    out->push_back(':');
    out->append(v.empty() ? "null" : v);
  }
  out->append("}}");
  return Status::OK();
}

Status AppendType(const col::DataType& t, std::string* out) {
  switch (t.id()) {
    case col::TypeId::kStruct: {
      out->append("{\"type\":\"struct\",\"fields\":[");
      for (size_t i = 0; i < t.children().size(); ++i) {
        if (i) out->push_back(',');
        TIDE_RETURN_IF_ERROR(AppendField(*t.children()[i], out));
      }
      out->append("]}");
      return Status::OK();
    }
    case col::TypeId::kList: {
      const auto& e = t.children()[0];
      out->append("{\"type\":\"array\",\"elementType\":");
      TIDE_RETURN_IF_ERROR(AppendType(*e->type(), out));
      out->append(e->nullable() ? ",\"containsNull\":true}" : ",\"containsNull\":false}");
      return Status::OK();
    }
    case col::TypeId::kMap: {
      out->append("{\"type\":\"map\",\"keyType\":");
      TIDE_RETURN_IF_ERROR(AppendType(*t.map_key()->type(), out));
      out->append(",\"valueType\":");
      TIDE_RETURN_IF_ERROR(AppendType(*t.map_value()->type(), out));
      out->append(t.map_value()->nullable() ? ",\"valueContainsNull\":true}" : ",\"valueContainsNull\":false}");
      return Status::OK();
    }
    default: break;
  }
  std::string name = DeltaPrimitiveTypeName(t);
  if (name.empty()) return Status::InvalidArgument("type " + t.ToString() + " cannot be stored in a Delta table");
  base::AppendJsonString(out, name);
  return Status::OK();
}

// ---------------------------------------------------------------- DDL

class DdlParser {
 public:
  explicit DdlParser(std::string_view s) : s_(s) {}

  Result<std::vector<col::FieldPtr>> Fields(char terminator) {
    std::vector<col::FieldPtr> fields;
    SkipWs();
    if (terminator && Peek() == terminator) return fields;
    for (;;) {
      TIDE_ASSIGN_OR_RETURN(auto f, FieldDef(terminator != 0));
      fields.push_back(std::move(f));
      SkipWs();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      break;
    }
    return fields;
  }

  bool AtEnd() {
    SkipWs();
    return pos_ >= s_.size();
  }
  Status Error(std::string_view expected) {
    SkipWs();
    std::string found = "end of input";
    if (pos_ < s_.size()) {
      size_t n = Token().empty() ? 1 : Token().size();
      found.assign(1, '\'');
      found.append(s_.data() + pos_, n);
      found.push_back('\'');
    }
    return Status::InvalidArgument("DDL at offset " + std::to_string(pos_) + ": expected " + std::string(expected) +
                                   ", found " + found);
  }

 private:
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void SkipWs() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  // The identifier-like token at pos_ (not consumed).
  std::string_view Token() const {
    size_t e = pos_;
    while (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) ++e;
    return s_.substr(pos_, e - pos_);
  }
  Result<std::string> Name() {
    SkipWs();
    if (Peek() == '`') {
      std::string out;
      ++pos_;
      for (;;) {
        if (pos_ >= s_.size()) return Error("closing '`'");
        if (s_[pos_] == '`') {
          if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '`') {
            out.push_back('`');
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        out.push_back(s_[pos_++]);
      }
      if (out.empty()) return Error("a column name");
      return out;
    }
    std::string_view t = Token();
    if (t.empty()) return Error("a column name");
    pos_ += t.size();
    return std::string(t);
  }
  bool Keyword(std::string_view kw) {
    SkipWs();
    std::string_view t = Token();
    if (base::AsciiLower(t) == kw) {
      pos_ += t.size();
      return true;
    }
    return false;
  }
  Status Expect(char c, std::string_view what) {
    SkipWs();
    if (Peek() != c) return Error(what);
    ++pos_;
    return Status::OK();
  }
  Result<int> Int() {
    SkipWs();
    size_t b = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_])) && pos_ - b < 4) ++pos_;
    if (pos_ == b) return Error("a number");
    return std::stoi(std::string(s_.substr(b, pos_ - b)));
  }

  Result<col::FieldPtr> FieldDef(bool nested) {
    TIDE_ASSIGN_OR_RETURN(std::string name, Name());
    SkipWs();
    if (Peek() == ':') ++pos_;
    TIDE_ASSIGN_OR_RETURN(auto type, Type());
    bool nullable = true;
    size_t save = pos_;
    if (Keyword("not")) {
      if (!Keyword("null")) return Error("NULL after NOT");
      nullable = false;
    } else {
      pos_ = save;
    }
    col::KeyValueMetadata md;
    save = pos_;
    if (Keyword("comment")) {
      SkipWs();
      char q = Peek();
      if (q != '\'' && q != '"') return Error("a quoted comment");
      ++pos_;
      std::string text;
      while (pos_ < s_.size() && s_[pos_] != q) {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
        text.push_back(s_[pos_++]);
      }
      if (pos_ >= s_.size()) return Error("closing quote of the comment");
      ++pos_;
      std::string v;
      base::AppendJsonString(&v, text);
      md.emplace_back("comment", v);
    } else {
      pos_ = save;
    }
    return col::MakeField(std::move(name), std::move(type), nullable, std::move(md));
  }

  Result<col::TypePtr> Type() {
    SkipWs();
    size_t start = pos_;
    std::string t = base::AsciiLower(Token());
    if (t.empty()) return Error("a type");
    pos_ += t.size();
    if (t == "array") {
      TIDE_RETURN_IF_ERROR(Expect('<', "'<' after ARRAY"));
      TIDE_ASSIGN_OR_RETURN(auto e, Type());
      TIDE_RETURN_IF_ERROR(Expect('>', "'>' closing ARRAY<"));
      return col::List(e);
    }
    if (t == "map") {
      TIDE_RETURN_IF_ERROR(Expect('<', "'<' after MAP"));
      TIDE_ASSIGN_OR_RETURN(auto k, Type());
      TIDE_RETURN_IF_ERROR(Expect(',', "',' between MAP key and value types"));
      TIDE_ASSIGN_OR_RETURN(auto v, Type());
      TIDE_RETURN_IF_ERROR(Expect('>', "'>' closing MAP<"));
      return col::Map(k, v);
    }
    if (t == "struct") {
      TIDE_RETURN_IF_ERROR(Expect('<', "'<' after STRUCT"));
      TIDE_ASSIGN_OR_RETURN(auto fields, Fields('>'));
      TIDE_RETURN_IF_ERROR(Expect('>', "'>' or ',' in STRUCT<"));
      return col::Struct(std::move(fields));
    }
    if (t == "decimal" || t == "dec" || t == "numeric") {
      int p = 10, s = 0;
      SkipWs();
      if (Peek() == '(') {
        ++pos_;
        TIDE_ASSIGN_OR_RETURN(p, Int());
        SkipWs();
        if (Peek() == ',') {
          ++pos_;
          TIDE_ASSIGN_OR_RETURN(s, Int());
        }
        TIDE_RETURN_IF_ERROR(Expect(')', "')' closing DECIMAL("));
      }
      if (p < 1 || p > 38 || s > p) {
        pos_ = start;
        return Status::InvalidArgument("DDL at offset " + std::to_string(start) + ": DECIMAL(" + std::to_string(p) + "," +
                                       std::to_string(s) + "): precision must be 1..38 and scale <= precision");
      }
      return col::Decimal(p, s);
    }
    if (t == "varchar" || t == "char") {
      TIDE_RETURN_IF_ERROR(Expect('(', "'(' after " + base::AsciiLower(t)));
      TIDE_ASSIGN_OR_RETURN(int n, Int());
      (void)n;
      TIDE_RETURN_IF_ERROR(Expect(')', "')'"));
      return col::Utf8();
    }
    if (t == "bool") return col::Boolean();
    if (t == "void") {
      pos_ = start;
      return Error("a type");
    }
    auto prim = PrimitiveFromName(t, "");
    if (!prim.ok()) {
      pos_ = start;
      return Error("a type");
    }
    return prim;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

col::FieldPtr RenameField(const col::Field& f, ColumnMappingMode mode);

col::TypePtr RenameType(const col::TypePtr& t, ColumnMappingMode mode) {
  switch (t->id()) {
    case col::TypeId::kStruct: {
      std::vector<col::FieldPtr> fields;
      for (const auto& c : t->children()) fields.push_back(RenameField(*c, mode));
      return col::Struct(std::move(fields));
    }
    case col::TypeId::kList: {
      const auto& e = t->children()[0];
      return col::List(col::MakeField(e->name(), RenameType(e->type(), mode), e->nullable(), e->metadata()));
    }
    case col::TypeId::kMap: {
      const auto& k = t->map_key();
      const auto& v = t->map_value();
      return col::Map(col::MakeField(k->name(), RenameType(k->type(), mode), k->nullable(), k->metadata()),
                      col::MakeField(v->name(), RenameType(v->type(), mode), v->nullable(), v->metadata()));
    }
    default: return t;
  }
}

col::FieldPtr RenameField(const col::Field& f, ColumnMappingMode mode) {
  return col::MakeField(PhysicalName(f, mode), RenameType(f.type(), mode), f.nullable(), f.metadata());
}

}  // namespace

Result<col::Schema> ParseDeltaSchema(std::string_view schema_json) {
  rapidjson::Document doc;
  TIDE_RETURN_IF_ERROR(json::Parse(schema_json, &doc, "schema"));
  if (!doc.IsObject()) return Status::Corruption("schema: expected a JSON object");
  const Value* kind = json::Find(doc, "type");
  if (!kind || !kind->IsString() || std::string_view(kind->GetString()) != "struct") {
    return Status::Corruption("schema: the top-level type must be a struct");
  }
  TIDE_ASSIGN_OR_RETURN(auto fields, ParseStructFields(doc, ""));
  return col::Schema(std::move(fields));
}

Result<std::string> SerializeDeltaSchema(const col::Schema& schema) {
  std::string out = "{\"type\":\"struct\",\"fields\":[";
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i) out.push_back(',');
    TIDE_RETURN_IF_ERROR(AppendField(*schema.field(i), &out));
  }
  out.append("]}");
  return out;
}

Result<std::string> SerializeDeltaType(const col::DataType& type) {
  std::string out;
  TIDE_RETURN_IF_ERROR(AppendType(type, &out));
  return out;
}

std::string DeltaPrimitiveTypeName(const col::DataType& t) {
  switch (t.id()) {
    case col::TypeId::kInt8: return "byte";
    case col::TypeId::kInt16: return "short";
    case col::TypeId::kInt32: return "integer";
    case col::TypeId::kInt64: return "long";
    case col::TypeId::kFloat32: return "float";
    case col::TypeId::kFloat64: return "double";
    case col::TypeId::kBoolean: return "boolean";
    case col::TypeId::kString: return "string";
    case col::TypeId::kBinary: return "binary";
    case col::TypeId::kDate32: return "date";
    case col::TypeId::kNull: return "void";
    case col::TypeId::kDecimal128:
      return "decimal(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) + ")";
    case col::TypeId::kTimestamp:
      if (t.unit() != col::TimeUnit::kMicro) return "";
      return t.utc_adjusted() ? "timestamp" : "timestamp_ntz";
    default: return "";
  }
}

Result<col::Schema> ParseDdl(std::string_view ddl) {
  DdlParser p(ddl);
  if (p.AtEnd()) return Status::InvalidArgument("DDL: empty schema");
  TIDE_ASSIGN_OR_RETURN(auto fields, p.Fields(0));
  if (!p.AtEnd()) return p.Error("',' or end of input");
  // Duplicate names (case-insensitive, as Spark resolves columns) are refused.
  for (size_t i = 0; i < fields.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (base::AsciiLower(fields[i]->name()) == base::AsciiLower(fields[j]->name())) {
        return Status::InvalidArgument("DDL: duplicate column '" + fields[i]->name() + "'");
      }
    }
  }
  return col::Schema(std::move(fields));
}

std::optional<std::string> FieldMetadataString(const col::Field& field, std::string_view key) {
  for (const auto& [k, v] : field.metadata()) {
    if (k != key) continue;
    rapidjson::Document doc;
    doc.Parse(v.data(), v.size());
    if (doc.HasParseError() || !doc.IsString()) return std::nullopt;
    return std::string(doc.GetString(), doc.GetStringLength());
  }
  return std::nullopt;
}

std::optional<int64_t> FieldMetadataInt(const col::Field& field, std::string_view key) {
  for (const auto& [k, v] : field.metadata()) {
    if (k != key) continue;
    rapidjson::Document doc;
    doc.Parse(v.data(), v.size());
    if (doc.HasParseError()) return std::nullopt;
    if (doc.IsString()) {
      // Some writers store ids as strings.
      std::string s = doc.GetString();
      if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      return std::stoll(s);
    }
    return json::AsInt(doc);
  }
  return std::nullopt;
}

col::FieldPtr WithFieldMetadata(const col::Field& field, std::string_view key, std::string json_value) {
  col::KeyValueMetadata md = field.metadata();
  bool found = false;
  for (auto& [k, v] : md) {
    if (k == key) {
      v = json_value;
      found = true;
    }
  }
  if (!found) md.emplace_back(std::string(key), std::move(json_value));
  return col::MakeField(field.name(), field.type(), field.nullable(), std::move(md));
}

Result<ColumnMappingMode> ParseColumnMappingMode(const std::map<std::string, std::string>& configuration) {
  auto it = configuration.find("delta.columnMapping.mode");
  if (it == configuration.end()) return ColumnMappingMode::kNone;
  std::string m = base::AsciiLower(it->second);
  if (m == "none" || m.empty()) return ColumnMappingMode::kNone;
  if (m == "name") return ColumnMappingMode::kName;
  if (m == "id") return ColumnMappingMode::kId;
  return Status::InvalidArgument("delta.columnMapping.mode: unknown mode '" + it->second + "' (expected none, name or id)");
}

std::string_view ColumnMappingModeName(ColumnMappingMode mode) {
  switch (mode) {
    case ColumnMappingMode::kName: return "name";
    case ColumnMappingMode::kId: return "id";
    default: return "none";
  }
}

std::string PhysicalName(const col::Field& field, ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kNone) return field.name();
  auto p = FieldMetadataString(field, kColumnMappingPhysicalNameKey);
  return p ? *p : field.name();
}

col::Schema ToPhysicalSchema(const col::Schema& schema, ColumnMappingMode mode) {
  std::vector<col::FieldPtr> fields;
  for (const auto& f : schema.fields()) fields.push_back(RenameField(*f, mode));
  return col::Schema(std::move(fields), schema.metadata());
}

}  // namespace tide::table
