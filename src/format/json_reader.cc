#include "format/json_reader.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <fstream>
#include <sstream>
#include <unordered_map>

#include "columnar/builder.h"
#include "format/text_value.h"

namespace tide::format {

using base::Result;
using base::Status;
using columnar::ArrayBuilder;
using columnar::DataType;
using columnar::Field;
using columnar::TypeId;

namespace {

constexpr int kMaxDepth = 256;

// One JSON value of the current line. Strings and numbers point into the line buffer (parsed in
// place); children are linked through `next` in document order.
struct Node {
  enum Kind : uint8_t { kNull, kBool, kNumber, kString, kObject, kArray };
  Kind kind = kNull;
  bool boolean = false;
  std::string_view text;  // number text, string value
  std::string_view key;   // member name when the parent is an object
  int32_t first_child = -1;
  int32_t next = -1;
};

// rapidjson SAX handler building a flat Node tree (numbers arrive as raw text, so integers,
// decimals and doubles are converted exactly by the schema's type, not through double).
class TreeBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, TreeBuilder> {
 public:
  explicit TreeBuilder(std::vector<Node>* nodes) : nodes_(nodes) {}
  void Reset() {
    nodes_->clear();
    stack_.clear();
    depth_exceeded = false;
  }
  bool Null() { return Add(Node::kNull); }
  bool Bool(bool b) {
    if (!Add(Node::kBool)) return false;
    nodes_->back().boolean = b;
    return true;
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return AddText(Node::kNumber, s, n); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return AddText(Node::kString, s, n); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    pending_key_ = std::string_view(s, n);
    return true;
  }
  bool StartObject() { return Open(Node::kObject); }
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool StartArray() { return Open(Node::kArray); }
  bool EndArray(rapidjson::SizeType) { return Close(); }
  // Numbers come through RawNumber (kParseNumbersAsStringsFlag); these are never called.
  bool Default() { return false; }

  bool depth_exceeded = false;

 private:
  struct Open_ {
    int32_t node;
    int32_t last_child;
  };
  bool Add(Node::Kind kind) {
    const int32_t idx = static_cast<int32_t>(nodes_->size());
    Node n;
    n.kind = kind;
    if (!stack_.empty()) {
      Open_& parent = stack_.back();
      if ((*nodes_)[parent.node].kind == Node::kObject) n.key = pending_key_;
      if (parent.last_child < 0) {
        (*nodes_)[parent.node].first_child = idx;
      } else {
        (*nodes_)[parent.last_child].next = idx;
      }
      parent.last_child = idx;
    }
    nodes_->push_back(n);
    return true;
  }
  bool AddText(Node::Kind kind, const char* s, rapidjson::SizeType n) {
    Add(kind);
    nodes_->back().text = std::string_view(s, n);
    return true;
  }
  bool Open(Node::Kind kind) {
    if (static_cast<int>(stack_.size()) >= kMaxDepth) {
      depth_exceeded = true;
      return false;
    }
    Add(kind);
    stack_.push_back({static_cast<int32_t>(nodes_->size() - 1), -1});
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  std::vector<Node>* nodes_;
  std::vector<Open_> stack_;
  std::string_view pending_key_;
};

// Per struct (and the top-level row): member name → field index, plus scratch for one object.
struct StructPlan {
  std::unordered_map<std::string_view, int> index;
  std::vector<int32_t> members;  // node of each field in the object being converted, or -1
};

}  // namespace

struct JsonLinesReader::Impl {
  std::istream* in;
  std::shared_ptr<const columnar::Schema> schema;
  JsonReadOptions options;
  Status error;
  bool eof = false;
  int64_t line_no = 0;

  // Input buffer: buf[pos, size) is unread.
  std::string buf;
  size_t pos = 0;
  size_t scanned = 0;  // bytes after pos already known to hold no '\n'
  bool in_eof = false;

  std::string line;
  std::vector<Node> nodes;
  TreeBuilder tree{&nodes};
  std::vector<std::unique_ptr<ArrayBuilder>> builders;
  // Plans keyed by the struct DataType they describe (the schema's own types outlive us).
  std::unordered_map<const DataType*, StructPlan> plans;
  StructPlan top;
  std::string path;

  Impl(std::istream* i, std::shared_ptr<const columnar::Schema> s, JsonReadOptions o)
      : in(i), schema(std::move(s)), options(std::move(o)) {
    for (int f = 0; f < schema->num_fields(); ++f) {
      top.index.emplace(schema->field(f)->name(), f);
      builders.push_back(columnar::MakeBuilder(schema->field(f)->type()));
      Prepare(*schema->field(f)->type());
    }
    top.members.resize(schema->num_fields());
  }

  void Prepare(const DataType& t) {
    if (t.id() == TypeId::kStruct) {
      StructPlan& p = plans[&t];
      for (size_t c = 0; c < t.children().size(); ++c) p.index.emplace(t.children()[c]->name(), static_cast<int>(c));
      p.members.resize(t.children().size());
    }
    for (const auto& child : t.children()) Prepare(*child->type());
  }

  // Reads the next line into `line` (without '\n'); false at the end of the input.
  Result<bool> ReadLine() {
    for (;;) {
      const size_t nl = buf.find('\n', pos + scanned);
      if (nl != std::string::npos) {
        line.assign(buf, pos, nl - pos);
        pos = nl + 1;
        scanned = 0;
        return true;
      }
      scanned = buf.size() - pos;
      if (static_cast<int64_t>(scanned) > options.max_line_bytes) {
        return Status::ResourceExhausted(options.source_name + ": line " + std::to_string(line_no + 1) +
                                         ": longer than " + std::to_string(options.max_line_bytes) + " bytes");
      }
      if (in_eof) {
        if (pos == buf.size()) return false;
        line.assign(buf, pos, std::string::npos);
        pos = buf.size();
        scanned = 0;
        return true;
      }
      buf.erase(0, pos);
      pos = 0;
      const size_t old = buf.size();
      constexpr size_t kChunk = 1 << 20;
      buf.resize(old + kChunk);
      in->read(buf.data() + old, kChunk);
      const auto got = static_cast<size_t>(in->gcount());
      buf.resize(old + got);
      if (got < kChunk) {
        if (in->bad()) return Status::IoError(options.source_name + ": read failed");
        in_eof = true;
      }
    }
  }

  Status Fail(const std::string& reason) const {
    std::string msg = options.source_name + ": line " + std::to_string(line_no);
    if (!path.empty()) msg += ": field '" + path + "'";
    return Status::InvalidArgument(msg + ": " + reason);
  }

  std::string Describe(const Node& n) const {
    switch (n.kind) {
      case Node::kNull: return "null";
      case Node::kBool: return n.boolean ? "true" : "false";
      case Node::kNumber: return n.text.size() > 64 ? std::string(n.text.substr(0, 64)) + "…" : std::string(n.text);
      case Node::kString: return text::QuoteForError(n.text);
      case Node::kObject: return "an object";
      case Node::kArray: return "an array";
    }
    return "?";
  }

  Status WrongKind(const Node& n, const DataType& t) const {
    return Fail("expected " + t.ToString() + ", got " + Describe(n));
  }

  Status ParsedText(const Node& n, const DataType& t, ArrayBuilder* b) const {
    std::string why = text::AppendParsedText(t, n.text, b);
    if (!why.empty()) return Fail(Describe(n) + " " + why);
    return Status::OK();
  }

  // Appends the value of node `idx` (-1 = missing) for field `f` to `b`.
  Status Convert(int32_t idx, const Field& f, ArrayBuilder* b) {
    const Node* n = idx >= 0 ? &nodes[idx] : nullptr;
    if (n == nullptr || n->kind == Node::kNull) {
      if (!f.nullable()) return Fail(n ? "null in a NOT NULL field" : "missing, but the field is NOT NULL");
      b->AppendNull();
      return Status::OK();
    }
    const DataType& t = *f.type();
    switch (t.id()) {
      case TypeId::kNull:
        return WrongKind(*n, t);
      case TypeId::kBoolean:
        if (n->kind != Node::kBool) return WrongKind(*n, t);
        static_cast<columnar::BooleanBuilder*>(b)->Append(n->boolean);
        return Status::OK();
      case TypeId::kInt8:
      case TypeId::kInt16:
      case TypeId::kInt32:
      case TypeId::kInt64:
      case TypeId::kUInt8:
      case TypeId::kUInt16:
      case TypeId::kUInt32:
      case TypeId::kUInt64:
        if (n->kind != Node::kNumber) return WrongKind(*n, t);
        if (n->text.find_first_of(".eE") != std::string_view::npos) return Fail("expected an integer for " + t.ToString() + ", got " + Describe(*n));
        return ParsedText(*n, t, b);
      case TypeId::kFloat32:
      case TypeId::kFloat64:
        if (n->kind == Node::kString && !(n->text == "NaN" || n->text == "Infinity" || n->text == "-Infinity")) {
          return Fail("expected " + t.ToString() + " (a number, \"NaN\", \"Infinity\" or \"-Infinity\"), got " + Describe(*n));
        }
        if (n->kind != Node::kNumber && n->kind != Node::kString) return WrongKind(*n, t);
        return ParsedText(*n, t, b);
      case TypeId::kDecimal128:
        if (n->kind != Node::kNumber && n->kind != Node::kString) return WrongKind(*n, t);
        return ParsedText(*n, t, b);
      case TypeId::kString:
      case TypeId::kBinary:
      case TypeId::kFixedSizeBinary:
      case TypeId::kDate32:
      case TypeId::kTime64:
      case TypeId::kTimestamp:
        if (n->kind != Node::kString) return WrongKind(*n, t);
        return ParsedText(*n, t, b);
      case TypeId::kStruct: {
        if (n->kind != Node::kObject) return WrongKind(*n, t);
        auto* sb = static_cast<columnar::StructBuilder*>(b);
        sb->Append();
        return ConvertMembers(*n, plans[&t], t.children(), [&](int c) { return sb->child(c); });
      }
      case TypeId::kList: {
        if (n->kind != Node::kArray) return WrongKind(*n, t);
        auto* lb = static_cast<columnar::ListBuilder*>(b);
        lb->Append();
        const Field& elem = *t.children()[0];
        const size_t base = path.size();
        int64_t i = 0;
        for (int32_t c = n->first_child; c >= 0; c = nodes[c].next, ++i) {
          path += "[" + std::to_string(i) + "]";
          TIDE_RETURN_IF_ERROR(Convert(c, elem, lb->value_builder()));
          path.resize(base);
        }
        return Status::OK();
      }
      case TypeId::kMap:
        return ConvertMap(*n, t, static_cast<columnar::MapBuilder*>(b));
    }
    return Fail("unsupported type " + t.ToString());
  }

  Status ConvertMap(const Node& n, const DataType& t, columnar::MapBuilder* mb) {
    const Field& key_field = *t.map_key();
    const Field& value_field = *t.map_value();
    const size_t base = path.size();
    if (n.kind == Node::kObject) {
      mb->Append();
      for (int32_t c = n.first_child; c >= 0; c = nodes[c].next) {
        const Node& member = nodes[c];
        path += "[" + text::QuoteForError(member.key) + "]";
        mb->AppendEntry();
        if (key_field.type()->id() == TypeId::kString) {
          static_cast<columnar::BinaryBuilder*>(mb->key_builder())->Append(member.key);
        } else {
          std::string why = text::AppendParsedText(*key_field.type(), member.key, mb->key_builder());
          if (!why.empty()) return Fail("map key " + text::QuoteForError(member.key) + " " + why);
        }
        TIDE_RETURN_IF_ERROR(Convert(c, value_field, mb->item_builder()));
        path.resize(base);
      }
      return Status::OK();
    }
    if (n.kind != Node::kArray) return WrongKind(n, t);
    mb->Append();
    int64_t i = 0;
    for (int32_t c = n.first_child; c >= 0; c = nodes[c].next, ++i) {
      path += "[" + std::to_string(i) + "]";
      const Node& entry = nodes[c];
      if (entry.kind != Node::kObject) return Fail("expected a map entry {\"key\": …, \"value\": …}, got " + Describe(entry));
      int32_t key = -1, value = -1;
      for (int32_t m = entry.first_child; m >= 0; m = nodes[m].next) {
        if (nodes[m].key == "key" && key < 0) {
          key = m;
        } else if (nodes[m].key == "value" && value < 0) {
          value = m;
        } else {
          return Fail("unexpected member " + text::QuoteForError(nodes[m].key) + " in a map entry (expected key and value)");
        }
      }
      if (key < 0 || nodes[key].kind == Node::kNull) return Fail("map entry without a key (map keys are never null)");
      mb->AppendEntry();
      path += ".key";
      TIDE_RETURN_IF_ERROR(Convert(key, key_field, mb->key_builder()));
      path.resize(path.size() - 4);
      path += ".value";
      TIDE_RETURN_IF_ERROR(Convert(value, value_field, mb->item_builder()));
      path.resize(base);
    }
    return Status::OK();
  }

  template <typename ChildBuilder>
  Status ConvertMembers(const Node& obj, StructPlan& plan, const std::vector<columnar::FieldPtr>& fields,
                        ChildBuilder child_builder) {
    std::vector<int32_t>& members = plan.members;
    members.assign(fields.size(), -1);
    for (int32_t c = obj.first_child; c >= 0; c = nodes[c].next) {
      auto it = plan.index.find(nodes[c].key);
      if (it == plan.index.end()) {
        if (options.ignore_unknown_fields) continue;
        if (!path.empty()) path += ".";
        path += nodes[c].key;
        return Fail("not in the schema (unknown field; set ignore_unknown_fields to skip it)");
      }
      if (members[it->second] >= 0) return Fail("duplicate field " + text::QuoteForError(nodes[c].key));
      members[it->second] = c;
    }
    const size_t base = path.size();
    for (size_t f = 0; f < fields.size(); ++f) {
      if (base) path += ".";
      path += fields[f]->name();
      TIDE_RETURN_IF_ERROR(Convert(members[f], *fields[f], child_builder(static_cast<int>(f))));
      path.resize(base);
    }
    return Status::OK();
  }

  Status ParseLine() {
    tree.Reset();
    rapidjson::Reader reader;
    rapidjson::InsituStringStream ss(line.data());
    constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag |
                                rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
    rapidjson::ParseResult ok = reader.Parse<kFlags>(ss, tree);
    if (!ok) {
      if (tree.depth_exceeded) return Fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
      return Fail(std::string("malformed JSON at column ") + std::to_string(ok.Offset() + 1) + ": " +
                  rapidjson::GetParseError_En(ok.Code()));
    }
    if (nodes.empty() || nodes[0].kind != Node::kObject) {
      return Fail("expected a JSON object, got " + (nodes.empty() ? std::string("nothing") : Describe(nodes[0])));
    }
    return Status::OK();
  }

  Result<std::shared_ptr<columnar::RecordBatch>> Next() {
    if (!error.ok()) return error;
    if (options.batch_size < 1) return error = Status::InvalidArgument("JSON reader: batch_size must be at least 1");
    int64_t rows = 0, bytes = 0;
    while (!eof && rows < options.batch_size && bytes < options.max_batch_bytes) {
      auto got = ReadLine();
      if (!got.ok()) return error = got.status();
      if (!*got) {
        eof = true;
        break;
      }
      ++line_no;
      if (line_no == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // UTF-8 byte order mark
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      bytes += static_cast<int64_t>(line.size());
      path.clear();
      Status s = ParseLine();
      if (s.ok()) s = ConvertMembers(nodes[0], top, schema->fields(), [&](int c) { return builders[c].get(); });
      if (!s.ok()) return error = s;
      ++rows;
    }
    if (rows == 0) return std::shared_ptr<columnar::RecordBatch>();
    std::vector<columnar::ArrayPtr> columns;
    columns.reserve(builders.size());
    for (auto& b : builders) columns.push_back(b->Finish());
    return std::make_shared<columnar::RecordBatch>(schema, std::move(columns), rows);
  }
};

JsonLinesReader::JsonLinesReader(std::istream* in, std::shared_ptr<const columnar::Schema> schema, JsonReadOptions options)
    : impl_(std::make_unique<Impl>(in, std::move(schema), std::move(options))) {}
JsonLinesReader::~JsonLinesReader() = default;

Result<std::shared_ptr<columnar::RecordBatch>> JsonLinesReader::Next() { return impl_->Next(); }
int64_t JsonLinesReader::lines_read() const { return impl_->line_no; }

Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> ReadJsonLines(std::string_view text,
                                                                          std::shared_ptr<const columnar::Schema> schema,
                                                                          JsonReadOptions options) {
  std::istringstream in{std::string(text)};
  JsonLinesReader reader(&in, std::move(schema), std::move(options));
  return text::ReadAllBatches(reader);
}

Result<std::vector<std::shared_ptr<columnar::RecordBatch>>> ReadJsonLinesFile(
    const std::string& path, std::shared_ptr<const columnar::Schema> schema, JsonReadOptions options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno(errno, "opening " + path);
  if (options.source_name == "<input>") options.source_name = path;
  JsonLinesReader reader(&in, std::move(schema), std::move(options));
  return text::ReadAllBatches(reader);
}

namespace {

// A field's kind as seen so far during inference (a small lattice: conflicts widen to string).
struct Inferred {
  enum Kind { kUnknown, kBool, kLong, kDouble, kString, kStruct, kArray } kind = kUnknown;
  bool all_timestamps = true;  // strings: every value so far parses as a timestamp with a time
  bool any_zone = false;
  // Struct members in first-seen order: names and types side by side (a vector of pairs
  // holding the incomplete Inferred type is not portable; a vector of Inferred is).
  std::vector<std::string> field_names;
  std::vector<Inferred> field_types;
  std::vector<Inferred> element;                         // array: 0 or 1 entries

  void Widen() {
    kind = kString;
    all_timestamps = false;
    field_names.clear();
    field_types.clear();
    element.clear();
  }

  // False when nested deeper than kMaxDepth.
  bool Add(const rapidjson::Value& v, int depth) {
    if (depth > kMaxDepth) return false;
    if (v.IsNull()) return true;
    if (v.IsBool()) {
      if (kind == kUnknown) kind = kBool;
      else if (kind != kBool) Widen();
    } else if (v.IsNumber()) {
      const bool integral = v.IsInt64() || v.IsUint64();
      if (kind == kUnknown || kind == kLong) kind = integral && v.IsInt64() ? kLong : kDouble;
      else if (kind != kDouble) Widen();
    } else if (v.IsString()) {
      if (kind == kUnknown) kind = kString;
      else if (kind != kString) Widen();
      if (all_timestamps) {
        std::string_view t(v.GetString(), v.GetStringLength());
        int64_t value, offset;
        bool zone;
        if (t.size() > 10 && text::ParseTimestamp(t, columnar::TimeUnit::kMicro, &value, &zone, &offset, nullptr)) {
          any_zone |= zone;
        } else {
          all_timestamps = false;
        }
      }
    } else if (v.IsObject()) {
      if (kind == kUnknown) kind = kStruct;
      if (kind != kStruct) {
        Widen();
        return true;
      }
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        std::string name(it->name.GetString(), it->name.GetStringLength());
        Inferred* slot = nullptr;
        for (size_t i = 0; i < field_names.size(); ++i) {
          if (field_names[i] == name) slot = &field_types[i];
        }
        if (!slot) {
          field_names.push_back(std::move(name));
          field_types.emplace_back();
          slot = &field_types.back();
        }
        if (!slot->Add(it->value, depth + 1)) return false;
      }
    } else if (v.IsArray()) {
      if (kind == kUnknown) kind = kArray;
      if (kind != kArray) {
        Widen();
        return true;
      }
      if (element.empty()) element.emplace_back();
      for (const auto& e : v.GetArray()) {
        if (!element[0].Add(e, depth + 1)) return false;
      }
    }
    return true;
  }

  columnar::TypePtr Type() const {
    switch (kind) {
      case kUnknown: return columnar::Utf8();
      case kBool: return columnar::Boolean();
      case kLong: return columnar::Int64();
      case kDouble: return columnar::Float64();
      case kString:
        return all_timestamps ? columnar::Timestamp(columnar::TimeUnit::kMicro, any_zone) : columnar::Utf8();
      case kStruct: {
        std::vector<columnar::FieldPtr> children;
        for (size_t i = 0; i < field_names.size(); ++i) {
          children.push_back(columnar::MakeField(field_names[i], field_types[i].Type()));
        }
        return columnar::Struct(std::move(children));
      }
      case kArray: return columnar::List(element.empty() ? columnar::Utf8() : element[0].Type());
    }
    return columnar::Utf8();
  }
};

}  // namespace

Result<std::shared_ptr<const columnar::Schema>> InferJsonSchema(std::string_view text, int64_t max_lines,
                                                               std::string_view source_name) {
  Inferred row;
  row.kind = Inferred::kStruct;
  int64_t line_no = 0, seen = 0;
  size_t pos = 0;
  while (pos < text.size() && seen < max_lines) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ++seen;
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag>(line.data(), line.size());
    const std::string where = std::string(source_name) + ": line " + std::to_string(line_no);
    if (doc.HasParseError()) {
      return Status::InvalidArgument(where + ": malformed JSON at column " + std::to_string(doc.GetErrorOffset() + 1) +
                                     ": " + rapidjson::GetParseError_En(doc.GetParseError()));
    }
    if (!doc.IsObject()) return Status::InvalidArgument(where + ": expected a JSON object");
    if (!row.Add(doc, 0)) return Status::InvalidArgument(where + ": nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  std::vector<columnar::FieldPtr> fields;
  for (size_t i = 0; i < row.field_names.size(); ++i) {
    fields.push_back(columnar::MakeField(row.field_names[i], row.field_types[i].Type()));
  }
  return std::make_shared<const columnar::Schema>(std::move(fields));
}

}  // namespace tide::format
