#include "columnar/c_data.h"

#include <cstring>
#include <string>
#include <vector>

namespace tide::columnar {

namespace {

// ---------------------------------------------------------------- schema export

struct SchemaPrivate {
  std::string format, name, metadata;
  std::vector<ArrowSchema> child_storage;
  std::vector<ArrowSchema*> child_ptrs;
};

void ReleaseSchema(ArrowSchema* s) {
  if (!s || !s->release) return;
  auto* p = static_cast<SchemaPrivate*>(s->private_data);
  for (auto& c : p->child_storage) {
    if (c.release) c.release(&c);
  }
  delete p;
  s->release = nullptr;
}

std::string FormatOf(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull: return "n";
    case TypeId::kBoolean: return "b";
    case TypeId::kInt8: return "c";
    case TypeId::kInt16: return "s";
    case TypeId::kInt32: return "i";
    case TypeId::kInt64: return "l";
    case TypeId::kUInt8: return "C";
    case TypeId::kUInt16: return "S";
    case TypeId::kUInt32: return "I";
    case TypeId::kUInt64: return "L";
    case TypeId::kFloat32: return "f";
    case TypeId::kFloat64: return "g";
    case TypeId::kDecimal128: return "d:" + std::to_string(t.precision()) + "," + std::to_string(t.scale());
    case TypeId::kString: return "u";
    case TypeId::kBinary: return "z";
    case TypeId::kFixedSizeBinary: return "w:" + std::to_string(t.byte_width());
    case TypeId::kDate32: return "tdD";
    case TypeId::kTime64: return t.unit() == TimeUnit::kNano ? "ttn" : "ttu";
    case TypeId::kTimestamp:
      return std::string(t.unit() == TimeUnit::kNano ? "tsn:" : "tsu:") + (t.utc_adjusted() ? "UTC" : "");
    case TypeId::kStruct: return "+s";
    case TypeId::kList: return "+l";
    case TypeId::kMap: return "+m";
  }
  return "n";
}

std::string EncodeMetadata(const KeyValueMetadata& md) {
  if (md.empty()) return {};
  std::string out;
  auto put32 = [&](int32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  put32(static_cast<int32_t>(md.size()));
  for (const auto& [k, v] : md) {
    put32(static_cast<int32_t>(k.size()));
    out += k;
    put32(static_cast<int32_t>(v.size()));
    out += v;
  }
  return out;
}

void FillSchema(const std::string& name, const DataType& type, bool nullable, const KeyValueMetadata& md,
                ArrowSchema* out) {
  auto* p = new SchemaPrivate;
  p->format = FormatOf(type);
  p->name = name;
  p->metadata = EncodeMetadata(md);
  const auto& kids = type.children();
  p->child_storage.resize(kids.size());
  for (size_t i = 0; i < kids.size(); ++i) {
    FillSchema(kids[i]->name(), *kids[i]->type(), kids[i]->nullable(), kids[i]->metadata(), &p->child_storage[i]);
    p->child_ptrs.push_back(&p->child_storage[i]);
  }
  out->format = p->format.c_str();
  out->name = p->name.c_str();
  out->metadata = p->metadata.empty() ? nullptr : p->metadata.data();
  out->flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  out->n_children = static_cast<int64_t>(kids.size());
  out->children = p->child_ptrs.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = ReleaseSchema;
  out->private_data = p;
}

// ---------------------------------------------------------------- array export

struct ArrayPrivate {
  ArrayPtr array;
  std::vector<const void*> buffers;
  std::vector<ArrowArray> child_storage;
  std::vector<ArrowArray*> child_ptrs;
};

void ReleaseArray(ArrowArray* a) {
  if (!a || !a->release) return;
  auto* p = static_cast<ArrayPrivate*>(a->private_data);
  for (auto& c : p->child_storage) {
    if (c.release) c.release(&c);
  }
  delete p;
  a->release = nullptr;
}

int NumBuffers(TypeId id) {
  switch (id) {
    case TypeId::kNull: return 0;
    case TypeId::kStruct: return 1;
    case TypeId::kString:
    case TypeId::kBinary: return 3;
    default: return 2;
  }
}

void FillArray(const ArrayPtr& array, ArrowArray* out) {
  auto* p = new ArrayPrivate;
  p->array = array;
  const int nb = NumBuffers(array->type->id());
  for (int i = 0; i < nb; ++i) {
    const void* ptr = nullptr;
    if (static_cast<size_t>(i) < array->buffers.size() && array->buffers[i]) ptr = array->buffers[i]->data();
    p->buffers.push_back(ptr);
  }
  // Consumers may read the validity buffer whenever it is non-null; with no nulls it can go.
  if (nb > 0 && array->null_count == 0) p->buffers[0] = nullptr;
  p->child_storage.resize(array->children.size());
  for (size_t i = 0; i < array->children.size(); ++i) {
    FillArray(array->children[i], &p->child_storage[i]);
    p->child_ptrs.push_back(&p->child_storage[i]);
  }
  out->length = array->length;
  out->null_count = array->null_count;
  out->offset = array->offset;
  out->n_buffers = nb;
  out->n_children = static_cast<int64_t>(array->children.size());
  out->buffers = p->buffers.empty() ? nullptr : p->buffers.data();
  out->children = p->child_ptrs.empty() ? nullptr : p->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = ReleaseArray;
  out->private_data = p;
}

// ---------------------------------------------------------------- schema import

base::Status BadFormat(const std::string& f) { return base::Status::Unsupported("Arrow C data format '" + f + "'"); }

KeyValueMetadata DecodeMetadata(const char* md) {
  KeyValueMetadata out;
  if (!md) return out;
  auto get32 = [&]() {
    int32_t v;
    std::memcpy(&v, md, 4);
    md += 4;
    return v;
  };
  const int32_t n = get32();
  for (int32_t i = 0; i < n; ++i) {
    int32_t kl = get32();
    std::string k(md, kl);
    md += kl;
    int32_t vl = get32();
    std::string v(md, vl);
    md += vl;
    out.emplace_back(std::move(k), std::move(v));
  }
  return out;
}

base::Result<FieldPtr> FieldFrom(const ArrowSchema* s) {
  if (!s->format) return base::Status::InvalidArgument("Arrow C schema without format");
  const std::string f = s->format;
  if (s->dictionary) return base::Status::Unsupported("dictionary-encoded Arrow C arrays are not supported");
  std::vector<FieldPtr> kids;
  for (int64_t i = 0; i < s->n_children; ++i) {
    TIDE_ASSIGN_OR_RETURN(auto k, FieldFrom(s->children[i]));
    kids.push_back(std::move(k));
  }
  TypePtr t;
  if (f == "n") t = Null();
  else if (f == "b") t = Boolean();
  else if (f == "c") t = Int8();
  else if (f == "s") t = Int16();
  else if (f == "i") t = Int32();
  else if (f == "l") t = Int64();
  else if (f == "C") t = UInt8();
  else if (f == "S") t = UInt16();
  else if (f == "I") t = UInt32();
  else if (f == "L") t = UInt64();
  else if (f == "f") t = Float32();
  else if (f == "g") t = Float64();
  else if (f == "u") t = Utf8();
  else if (f == "z") t = Binary();
  else if (f == "tdD") t = Date32();
  else if (f == "ttu") t = Time64(TimeUnit::kMicro);
  else if (f == "ttn") t = Time64(TimeUnit::kNano);
  else if (f.rfind("tsu:", 0) == 0) t = Timestamp(TimeUnit::kMicro, f.size() > 4);
  else if (f.rfind("tsn:", 0) == 0) t = Timestamp(TimeUnit::kNano, f.size() > 4);
  else if (f.rfind("w:", 0) == 0) t = FixedSizeBinary(std::atoi(f.c_str() + 2));
  else if (f.rfind("d:", 0) == 0) {
    int p = 0, sc = 0, bw = 128;
    if (std::sscanf(f.c_str() + 2, "%d,%d,%d", &p, &sc, &bw) < 2 || bw != 128 || p < 1 || p > 38) return BadFormat(f);
    t = Decimal(p, sc);
  } else if (f == "+s") t = Struct(kids);
  else if (f == "+l") {
    if (kids.size() != 1) return BadFormat(f);
    t = List(kids[0]);
  } else if (f == "+m") {
    if (kids.size() != 1 || kids[0]->type()->id() != TypeId::kStruct || kids[0]->type()->children().size() != 2) {
      return BadFormat(f);
    }
    t = Map(kids[0]->type()->children()[0], kids[0]->type()->children()[1]);
  } else {
    return BadFormat(f);
  }
  return MakeField(s->name ? s->name : "", t, (s->flags & ARROW_FLAG_NULLABLE) != 0, DecodeMetadata(s->metadata));
}

// ---------------------------------------------------------------- array import

// Keeps the imported C array alive; its release runs when the last buffer goes.
struct ImportedArray {
  ArrowArray array;
  ~ImportedArray() {
    if (array.release) array.release(&array);
  }
};

base::Result<ArrayPtr> ArrayFrom(const ArrowArray* a, const TypePtr& type, const std::shared_ptr<ImportedArray>& owner) {
  auto out = std::make_shared<ArrayData>();
  out->type = type;
  out->length = a->length;
  out->offset = a->offset;
  if (a->length < 0 || a->offset < 0) return base::Status::InvalidArgument("negative Arrow C array length");
  const int nb = NumBuffers(type->id());
  if (a->n_buffers != nb) {
    return base::Status::InvalidArgument("Arrow C array of " + type->ToString() + " has " + std::to_string(a->n_buffers) +
                                         " buffers, expected " + std::to_string(nb));
  }
  const int64_t end = a->offset + a->length;
  auto wrap = [&](int i, int64_t size) -> BufferPtr {
    if (!a->buffers[i]) return nullptr;
    return Buffer::Wrap(static_cast<const uint8_t*>(a->buffers[i]), size, owner);
  };
  if (nb > 0) out->buffers.push_back(wrap(0, bits::BytesFor(end)));
  switch (type->id()) {
    case TypeId::kNull: break;
    case TypeId::kStruct: break;
    case TypeId::kBoolean: out->buffers.push_back(wrap(1, bits::BytesFor(end))); break;
    case TypeId::kString:
    case TypeId::kBinary: {
      out->buffers.push_back(wrap(1, (end + 1) * 4));
      if (!out->buffers[1]) return base::Status::InvalidArgument("Arrow C string array without offsets");
      int64_t last = out->buffers[1]->as<int32_t>()[end];
      out->buffers.push_back(wrap(2, last));
      if (!out->buffers[2]) out->buffers[2] = Buffer::FromVector({});
      break;
    }
    case TypeId::kList:
    case TypeId::kMap:
      out->buffers.push_back(wrap(1, (end + 1) * 4));
      if (!out->buffers[1]) return base::Status::InvalidArgument("Arrow C list array without offsets");
      break;
    default:
      out->buffers.push_back(wrap(1, end * type->FixedWidth()));
      if (!out->buffers[1] && end > 0) return base::Status::InvalidArgument("Arrow C array without values");
  }
  const auto& kids = type->children();
  if (a->n_children != static_cast<int64_t>(kids.size())) {
    return base::Status::InvalidArgument("Arrow C array child count does not match its type");
  }
  for (size_t i = 0; i < kids.size(); ++i) {
    TIDE_ASSIGN_OR_RETURN(auto child, ArrayFrom(a->children[i], kids[i]->type(), owner));
    out->children.push_back(std::move(child));
  }
  if (type->id() == TypeId::kNull) {
    out->null_count = out->length;
  } else if (a->null_count == 0 || !out->buffers[0]) {
    out->null_count = 0;
    out->buffers[0] = nullptr;
  } else {
    out->null_count = out->length - bits::CountSet(out->buffers[0]->data(), out->offset, out->length);
  }
  return ArrayPtr(out);
}

}  // namespace

base::Status ExportType(const DataType& type, ArrowSchema* out) {
  FillSchema("", type, true, {}, out);
  return base::Status::OK();
}

base::Status ExportField(const Field& field, ArrowSchema* out) {
  FillSchema(field.name(), *field.type(), field.nullable(), field.metadata(), out);
  return base::Status::OK();
}

base::Status ExportSchema(const Schema& schema, ArrowSchema* out) {
  FillSchema("", *Struct(schema.fields()), false, schema.metadata(), out);
  return base::Status::OK();
}

base::Status ExportArray(const ArrayPtr& array, ArrowArray* out) {
  FillArray(array, out);
  return base::Status::OK();
}

base::Status ExportRecordBatch(const RecordBatch& batch, ArrowArray* out) {
  auto s = std::make_shared<ArrayData>();
  s->type = Struct(batch.schema()->fields());
  s->length = batch.num_rows();
  s->buffers.push_back(nullptr);
  s->children = batch.columns();
  FillArray(s, out);
  return base::Status::OK();
}

base::Result<FieldPtr> ImportField(ArrowSchema* schema) {
  auto r = FieldFrom(schema);
  if (schema->release) schema->release(schema);
  return r;
}

base::Result<std::shared_ptr<const Schema>> ImportSchema(ArrowSchema* schema) {
  TIDE_ASSIGN_OR_RETURN(auto f, ImportField(schema));
  if (f->type()->id() != TypeId::kStruct) return base::Status::InvalidArgument("Arrow C schema is not a struct");
  return std::make_shared<const Schema>(f->type()->children(), f->metadata());
}

base::Result<ArrayPtr> ImportArray(ArrowArray* array, const TypePtr& type) {
  auto owner = std::make_shared<ImportedArray>();
  owner->array = *array;
  array->release = nullptr;  // moved
  TIDE_ASSIGN_OR_RETURN(auto out, ArrayFrom(&owner->array, type, owner));
  TIDE_RETURN_IF_ERROR(out->Validate());
  return out;
}

base::Result<std::shared_ptr<RecordBatch>> ImportRecordBatch(ArrowArray* array, std::shared_ptr<const Schema> schema) {
  TIDE_ASSIGN_OR_RETURN(auto s, ImportArray(array, Struct(schema->fields())));
  if (s->null_count != 0) return base::Status::InvalidArgument("imported record batch struct has nulls");
  std::vector<ArrayPtr> cols;
  for (const auto& c : s->children) cols.push_back(s->offset == 0 && c->length == s->length ? c : c->Slice(s->offset, s->length));
  return RecordBatch::Make(std::move(schema), std::move(cols), s->length);
}

}  // namespace tide::columnar
