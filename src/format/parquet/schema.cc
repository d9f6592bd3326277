#include "format/parquet/schema.h"

#include <string>

namespace tide::format::parquet {

namespace {

using base::Status;
namespace col = tide::columnar;

constexpr int kMaxSchemaDepth = 64;

struct Raw {
  const SchemaElement* e = nullptr;
  std::vector<Raw> kids;
};

Status BuildRaw(const std::vector<SchemaElement>& els, size_t* pos, int depth, Raw* out) {
  if (depth > kMaxSchemaDepth) return Status::Corruption("schema nested deeper than 64 levels");
  if (*pos >= els.size()) return Status::Corruption("schema ends inside a group");
  out->e = &els[(*pos)++];
  const int32_t n = out->e->num_children;
  if (n < 0 || static_cast<size_t>(n) > els.size() - *pos) {
    return Status::Corruption("schema element '" + out->e->name + "' declares " + std::to_string(n) +
                              " children, more than remain");
  }
  if (!out->e->type && n == 0 && depth > 0) {
    return Status::Unsupported("schema group '" + out->e->name + "' has no fields");
  }
  out->kids.resize(n);
  for (int32_t i = 0; i < n; ++i) TIDE_RETURN_IF_ERROR(BuildRaw(els, pos, depth + 1, &out->kids[i]));
  return Status::OK();
}

bool IsGroup(const Raw& r) { return !r.e->type.has_value() || !r.kids.empty(); }
bool IsRepeated(const Raw& r) { return r.e->repetition == Repetition::kRepeated; }
bool HasConverted(const Raw& r, ConvertedType c) { return r.e->converted_type == c; }

class Converter {
 public:
  std::vector<LeafInfo> leaves;

  // A node in an ordinary position: repeated fields become non-null lists. def_base is the
  // definition level of the parent value; the node has a slot where def >= slot_def (a struct's
  // children have slots even where the struct is null, as Arrow's layout requires).
  base::Result<SchemaNode> Convert(const Raw& r, int16_t def_base, int16_t slot_def, int16_t rep,
                                   const std::string& prefix, int depth) {
    if (depth > kMaxSchemaDepth) return Status::Corruption("schema nested too deep");
    if (IsRepeated(r)) {
      SchemaNode list;
      list.kind = SchemaNode::Kind::kList;
      list.def_level = def_base;
      list.parent_def = slot_def;
      list.rep_level = rep;
      list.elem_def = static_cast<int16_t>(def_base + 1);
      list.first_leaf = static_cast<int>(leaves.size());
      TIDE_ASSIGN_OR_RETURN(SchemaNode elem, Inner(r, list.elem_def, list.elem_def, static_cast<int16_t>(rep + 1),
                                                   false, prefix, depth + 1));
      list.num_leaves = static_cast<int>(leaves.size()) - list.first_leaf;
      list.field = col::MakeField(r.e->name, col::List(elem.field), false);
      list.children.push_back(std::move(elem));
      return list;
    }
    return Inner(r, def_base, slot_def, rep, r.e->repetition == Repetition::kOptional, prefix, depth);
  }

 private:
  // Converts r as a non-repeated value (optional says whether it adds a definition level).
  base::Result<SchemaNode> Inner(const Raw& r, int16_t def_base, int16_t slot_def, int16_t rep, bool optional,
                                 const std::string& prefix, int depth) {
    const std::string path = prefix.empty() ? r.e->name : prefix + "." + r.e->name;
    SchemaNode node;
    node.parent_def = slot_def;
    node.rep_level = rep;
    node.def_level = static_cast<int16_t>(def_base + (optional ? 1 : 0));
    node.first_leaf = static_cast<int>(leaves.size());
    if (!IsGroup(r)) {
      TIDE_RETURN_IF_ERROR(Leaf(r, node.def_level, rep, path, &node));
      node.num_leaves = 1;
      node.field = col::MakeField(r.e->name, leaves.back().type, optional);
      return node;
    }
    const LogicalType& lt = r.e->logical_type;
    const bool list_annot = lt.kind == LogicalType::kList || HasConverted(r, ConvertedType::kList);
    const bool map_annot = lt.kind == LogicalType::kMap || HasConverted(r, ConvertedType::kMap) ||
                           HasConverted(r, ConvertedType::kMapKeyValue);
    if ((list_annot || map_annot) && r.kids.size() == 1 && IsRepeated(r.kids[0])) {
      const Raw& rep_node = r.kids[0];
      node.elem_def = static_cast<int16_t>(node.def_level + 1);
      const int16_t elem_rep = static_cast<int16_t>(rep + 1);
      const std::string rep_path = path + "." + rep_node.e->name;
      if (map_annot && IsGroup(rep_node) && rep_node.kids.size() == 2) {
        node.kind = SchemaNode::Kind::kMap;
        SchemaNode entries;
        entries.kind = SchemaNode::Kind::kStruct;
        entries.def_level = entries.parent_def = node.elem_def;
        entries.rep_level = elem_rep;
        entries.first_leaf = static_cast<int>(leaves.size());
        std::vector<col::FieldPtr> kv;
        for (const Raw& k : rep_node.kids) {
          TIDE_ASSIGN_OR_RETURN(SchemaNode c, Convert(k, node.elem_def, node.elem_def, elem_rep, rep_path, depth + 2));
          kv.push_back(c.field);
          entries.children.push_back(std::move(c));
        }
        entries.num_leaves = static_cast<int>(leaves.size()) - entries.first_leaf;
        entries.field = col::MakeField("entries", col::Struct(kv), false);
        node.field = col::MakeField(r.e->name, col::Map(kv[0], kv[1]), optional);
        node.children.push_back(std::move(entries));
      } else {
        node.kind = SchemaNode::Kind::kList;
        SchemaNode elem;
        // LogicalTypes.md backward compatibility: the repeated node itself is the element when it
        // is primitive, has several fields, or is named "array" / "<list>_tuple".
        const bool rep_is_element = !IsGroup(rep_node) || rep_node.kids.size() != 1 ||
                                    rep_node.e->name == "array" || rep_node.e->name == r.e->name + "_tuple" ||
                                    map_annot;
        if (rep_is_element) {
          TIDE_ASSIGN_OR_RETURN(elem, Inner(rep_node, node.elem_def, node.elem_def, elem_rep, false, path, depth + 1));
        } else {
          TIDE_ASSIGN_OR_RETURN(elem, Convert(rep_node.kids[0], node.elem_def, node.elem_def, elem_rep, rep_path, depth + 2));
        }
        node.field = col::MakeField(r.e->name, col::List(elem.field), optional);
        node.children.push_back(std::move(elem));
      }
      node.num_leaves = static_cast<int>(leaves.size()) - node.first_leaf;
      return node;
    }
    node.kind = SchemaNode::Kind::kStruct;
    std::vector<col::FieldPtr> fields;
    for (const Raw& k : r.kids) {
      TIDE_ASSIGN_OR_RETURN(SchemaNode c, Convert(k, node.def_level, node.parent_def, rep, path, depth + 1));
      fields.push_back(c.field);
      node.children.push_back(std::move(c));
    }
    node.num_leaves = static_cast<int>(leaves.size()) - node.first_leaf;
    node.field = col::MakeField(r.e->name, col::Struct(fields), optional);
    return node;
  }

  Status Leaf(const Raw& r, int16_t def, int16_t rep, const std::string& path, SchemaNode* node) {
    LeafInfo info;
    info.path = path;
    info.element = *r.e;
    info.max_def = def;
    info.max_rep = rep;
    const SchemaElement& e = *r.e;
    const LogicalType& lt = e.logical_type;
    const auto ct = e.converted_type;
    auto is_ct = [&](ConvertedType c) { return ct == c; };
    const bool decimal = lt.kind == LogicalType::kDecimal || is_ct(ConvertedType::kDecimal);
    int precision = lt.kind == LogicalType::kDecimal ? lt.decimal_precision : e.precision;
    int scale = lt.kind == LogicalType::kDecimal ? lt.decimal_scale : e.scale;
    auto decimal_type = [&]() -> base::Result<col::TypePtr> {
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        return Status::Unsupported("column " + path + ": DECIMAL(" + std::to_string(precision) + "," +
                                   std::to_string(scale) + ") is not supported (precision must be 1..38)");
      }
      return col::Decimal(precision, scale);
    };
    LeafConversion conv = LeafConversion::kNone;
    col::TypePtr type;
    switch (*e.type) {
      case PhysicalType::kBoolean:
        type = col::Boolean();
        conv = LeafConversion::kBoolean;
        break;
      case PhysicalType::kInt32: {
        int bits = 32;
        bool is_signed = true;
        if (lt.kind == LogicalType::kInteger) {
          bits = lt.bit_width;
          is_signed = lt.is_signed;
        } else if (ct && *ct >= ConvertedType::kUint8 && *ct <= ConvertedType::kInt64) {
          static const int kBits[] = {8, 16, 32, 64, 8, 16, 32, 64};
          bits = kBits[static_cast<int>(*ct) - static_cast<int>(ConvertedType::kUint8)];
          is_signed = *ct >= ConvertedType::kInt8;
        }
        if (decimal) {
          TIDE_ASSIGN_OR_RETURN(type, decimal_type());
          conv = LeafConversion::kInt32ToDecimal;
        } else if (lt.kind == LogicalType::kDate || is_ct(ConvertedType::kDate)) {
          type = col::Date32();
        } else if ((lt.kind == LogicalType::kTime && lt.unit == TimeUnitKind::kMillis) ||
                   is_ct(ConvertedType::kTimeMillis)) {
          type = col::Time64(col::TimeUnit::kMicro);
          conv = LeafConversion::kMillisToMicros32;
        } else if (bits == 8) {
          type = is_signed ? col::Int8() : col::UInt8();
          conv = LeafConversion::kInt32ToInt8;
        } else if (bits == 16) {
          type = is_signed ? col::Int16() : col::UInt16();
          conv = LeafConversion::kInt32ToInt16;
        } else {
          type = is_signed ? col::Int32() : col::UInt32();
        }
        break;
      }
      case PhysicalType::kInt64: {
        bool is_signed = true;
        if (lt.kind == LogicalType::kInteger) is_signed = lt.is_signed;
        if (is_ct(ConvertedType::kUint64)) is_signed = false;
        if (decimal) {
          TIDE_ASSIGN_OR_RETURN(type, decimal_type());
          conv = LeafConversion::kInt64ToDecimal;
        } else if (lt.kind == LogicalType::kTimestamp) {
          if (lt.unit == TimeUnitKind::kNanos) {
            type = col::Timestamp(col::TimeUnit::kNano, lt.is_adjusted_to_utc);
          } else {
            type = col::Timestamp(col::TimeUnit::kMicro, lt.is_adjusted_to_utc);
            if (lt.unit == TimeUnitKind::kMillis) conv = LeafConversion::kMillisToMicros64;
          }
        } else if (is_ct(ConvertedType::kTimestampMillis) || is_ct(ConvertedType::kTimestampMicros)) {
          type = col::Timestamp(col::TimeUnit::kMicro, true);
          if (is_ct(ConvertedType::kTimestampMillis)) conv = LeafConversion::kMillisToMicros64;
        } else if (lt.kind == LogicalType::kTime) {
          type = col::Time64(lt.unit == TimeUnitKind::kNanos ? col::TimeUnit::kNano : col::TimeUnit::kMicro);
        } else if (is_ct(ConvertedType::kTimeMicros)) {
          type = col::Time64(col::TimeUnit::kMicro);
        } else {
          type = is_signed ? col::Int64() : col::UInt64();
        }
        break;
      }
      case PhysicalType::kInt96:
        type = col::Timestamp(col::TimeUnit::kMicro, true);
        conv = LeafConversion::kInt96ToMicros;
        break;
      case PhysicalType::kFloat: type = col::Float32(); break;
      case PhysicalType::kDouble: type = col::Float64(); break;
      case PhysicalType::kByteArray:
        if (decimal) {
          TIDE_ASSIGN_OR_RETURN(type, decimal_type());
          conv = LeafConversion::kBytesToDecimal;
        } else {
          const bool text = lt.kind == LogicalType::kString || lt.kind == LogicalType::kEnum ||
                            lt.kind == LogicalType::kJson || is_ct(ConvertedType::kUtf8) ||
                            is_ct(ConvertedType::kEnum) || is_ct(ConvertedType::kJson);
          type = text ? col::Utf8() : col::Binary();
          conv = LeafConversion::kByteArray;
        }
        break;
      case PhysicalType::kFixedLenByteArray:
        if (e.type_length < 1 || e.type_length > (1 << 24)) {
          return Status::Corruption("column " + path + ": FIXED_LEN_BYTE_ARRAY length " + std::to_string(e.type_length));
        }
        if (decimal) {
          TIDE_ASSIGN_OR_RETURN(type, decimal_type());
          if (e.type_length > 16) {
            return Status::Unsupported("column " + path + ": DECIMAL stored in " + std::to_string(e.type_length) +
                                       " bytes (at most 16 are supported)");
          }
          conv = LeafConversion::kBytesToDecimal;
        } else if (lt.kind == LogicalType::kFloat16 && e.type_length == 2) {
          type = col::Float32();
          conv = LeafConversion::kFloat16ToFloat32;
        } else {
          type = col::FixedSizeBinary(e.type_length);
        }
        break;
      default:
        return Status::Corruption("column " + path + ": unknown physical type " +
                                  std::to_string(static_cast<int>(*e.type)));
    }
    if (conv == LeafConversion::kBytesToDecimal && *e.type == PhysicalType::kByteArray) {
      // checked per value while decoding (at most 16 significant bytes)
    }
    info.type = type;
    info.conversion = conv;
    node->kind = SchemaNode::Kind::kLeaf;
    node->leaf = static_cast<int>(leaves.size());
    leaves.push_back(std::move(info));
    return Status::OK();
  }
};

}  // namespace

base::Result<ParquetSchema> ConvertSchema(const std::vector<SchemaElement>& elements,
                                          const std::vector<KeyValue>& key_value_metadata) {
  if (elements.empty()) return Status::Corruption("schema is empty");
  Raw root;
  size_t pos = 0;
  TIDE_RETURN_IF_ERROR(BuildRaw(elements, &pos, 0, &root));
  if (pos != elements.size()) {
    return Status::Corruption("schema has " + std::to_string(elements.size() - pos) + " elements outside the root");
  }
  if (root.e->type && root.kids.empty()) return Status::Corruption("schema root is a primitive");
  Converter conv;
  ParquetSchema out;
  std::vector<col::FieldPtr> fields;
  for (const Raw& k : root.kids) {
    if (k.e->type && (static_cast<int>(*k.e->type) < 0 || static_cast<int>(*k.e->type) > 7)) {
      return Status::Corruption("column " + k.e->name + ": unknown physical type");
    }
    TIDE_ASSIGN_OR_RETURN(SchemaNode n, conv.Convert(k, 0, 0, 0, "", 1));
    fields.push_back(n.field);
    out.fields.push_back(std::move(n));
  }
  for (const auto& l : conv.leaves) {
    if (l.max_def > 255 || l.max_rep > 255) return Status::Unsupported("column " + l.path + " nested too deep");
  }
  col::KeyValueMetadata md;
  for (const auto& kv : key_value_metadata) md.emplace_back(kv.key, kv.value.value_or(""));
  out.schema = std::make_shared<col::Schema>(std::move(fields), std::move(md));
  out.leaves = std::move(conv.leaves);
  return out;
}

namespace {
std::string LogicalTypeText(const SchemaElement& e) {
  const LogicalType& lt = e.logical_type;
  auto unit = [&]() {
    return lt.unit == TimeUnitKind::kMillis ? "MILLIS" : lt.unit == TimeUnitKind::kMicros ? "MICROS" : "NANOS";
  };
  switch (lt.kind) {
    case LogicalType::kNone: break;
    case LogicalType::kString: return "STRING";
    case LogicalType::kMap: return "MAP";
    case LogicalType::kList: return "LIST";
    case LogicalType::kEnum: return "ENUM";
    case LogicalType::kDecimal:
      return "DECIMAL(" + std::to_string(lt.decimal_precision) + "," + std::to_string(lt.decimal_scale) + ")";
    case LogicalType::kDate: return "DATE";
    case LogicalType::kTime: return std::string("TIME(") + unit() + "," + (lt.is_adjusted_to_utc ? "true" : "false") + ")";
    case LogicalType::kTimestamp:
      return std::string("TIMESTAMP(") + unit() + "," + (lt.is_adjusted_to_utc ? "true" : "false") + ")";
    case LogicalType::kInteger:
      return "INTEGER(" + std::to_string(lt.bit_width) + "," + (lt.is_signed ? "true" : "false") + ")";
    case LogicalType::kUnknown: return "UNKNOWN";
    case LogicalType::kJson: return "JSON";
    case LogicalType::kBson: return "BSON";
    case LogicalType::kUuid: return "UUID";
    case LogicalType::kFloat16: return "FLOAT16";
    case LogicalType::kVariant: return "VARIANT";
    case LogicalType::kGeometry: return "GEOMETRY";
    case LogicalType::kGeography: return "GEOGRAPHY";
    case LogicalType::kOther: return "UNKNOWN_LOGICAL_TYPE";
  }
  if (e.converted_type) {
    std::string s = ConvertedTypeName(*e.converted_type);
    if (*e.converted_type == ConvertedType::kDecimal) {
      s += "(" + std::to_string(e.precision) + "," + std::to_string(e.scale) + ")";
    }
    return s;
  }
  return "";
}

void AppendElement(const std::vector<SchemaElement>& els, size_t* pos, int depth, std::string* out) {
  if (*pos >= els.size() || depth > kMaxSchemaDepth) return;
  const SchemaElement& e = els[(*pos)++];
  const std::string indent(2 * depth, ' ');
  const char* rep = !e.repetition ? "" : *e.repetition == Repetition::kRequired ? "required "
                                     : *e.repetition == Repetition::kOptional ? "optional " : "repeated ";
  std::string annot = LogicalTypeText(e);
  annot = annot.empty() ? "" : " (" + annot + ")";
  if (depth == 0) {
    *out += "message " + e.name + " {\n";
  } else if (e.type && e.num_children == 0) {
    std::string t = PhysicalTypeName(*e.type);
    for (auto& c : t) c = static_cast<char>(std::tolower(c));
    if (*e.type == PhysicalType::kFixedLenByteArray) t += "(" + std::to_string(e.type_length) + ")";
    *out += indent + rep + t + " " + e.name + annot + ";\n";
    return;
  } else {
    *out += indent + rep + "group " + e.name + annot + " {\n";
  }
  for (int32_t i = 0; i < e.num_children && *pos < els.size(); ++i) AppendElement(els, pos, depth + 1, out);
  *out += indent + "}\n";
}
}  // namespace

std::string ParquetSchemaToText(const std::vector<SchemaElement>& elements) {
  std::string out;
  size_t pos = 0;
  AppendElement(elements, &pos, 0, &out);
  return out;
}

}  // namespace tide::format::parquet
