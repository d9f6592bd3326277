#include "table/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <set>
#include <unordered_map>

#include "base/strings.h"
#include "columnar/builder.h"
#include "table/partition.h"
#include "table/snapshot.h"

namespace tide::table {

namespace col = tide::columnar;
using base::Result;
using base::Status;

std::string GenerateUuid() {
  static thread_local std::random_device rd;
  uint8_t b[16];
  for (int i = 0; i < 16; i += 4) {
    const uint32_t r = rd();
    std::memcpy(b + i, &r, 4);
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[b[i] >> 4]);
    out.push_back(hex[b[i] & 15]);
  }
  return out;
}

namespace {

std::string Join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

bool IsSignedInt(col::TypeId id) {
  return id == col::TypeId::kInt8 || id == col::TypeId::kInt16 || id == col::TypeId::kInt32 || id == col::TypeId::kInt64;
}
int IntRank(col::TypeId id) {
  switch (id) {
    case col::TypeId::kInt8: return 1;
    case col::TypeId::kInt16: return 2;
    case col::TypeId::kInt32: return 3;
    case col::TypeId::kInt64: return 4;
    default: return 0;
  }
}
int UIntRank(col::TypeId id) {
  switch (id) {
    case col::TypeId::kUInt8: return 1;
    case col::TypeId::kUInt16: return 2;
    case col::TypeId::kUInt32: return 3;
    case col::TypeId::kUInt64: return 4;
    default: return 0;
  }
}

// Delta type widening (PROTOCOL.md "Type Widening"): a primitive `from` may become `to`.
bool IsWidening(const col::DataType& from, const col::DataType& to) {
  if (IsSignedInt(from.id()) && IsSignedInt(to.id())) return IntRank(from.id()) < IntRank(to.id());
  if (from.id() == col::TypeId::kFloat32 && to.id() == col::TypeId::kFloat64) return true;
  if (from.id() == col::TypeId::kDecimal128 && to.id() == col::TypeId::kDecimal128) {
    return to.scale() >= from.scale() && (to.precision() - to.scale()) >= (from.precision() - from.scale()) &&
           !(to.precision() == from.precision() && to.scale() == from.scale());
  }
  if (from.id() == col::TypeId::kDate32 && to.id() == col::TypeId::kTimestamp && !to.utc_adjusted() &&
      to.unit() == col::TimeUnit::kMicro) {
    return true;
  }
  return false;
}

// Whether values of primitive `from` can be written into a column of type `to` (lossless,
// except nanosecond timestamps, which Delta cannot hold and are truncated to micros).
bool CanConvertPrimitive(const col::DataType& from, const col::DataType& to) {
  if (from.Equals(to)) return true;
  if (IsWidening(from, to)) return true;
  // Unsigned integers into a wider signed column (Parquet files from DuckDB or Arrow).
  if (UIntRank(from.id()) > 0 && IsSignedInt(to.id())) return UIntRank(from.id()) < IntRank(to.id());
  if (from.id() == col::TypeId::kTimestamp && to.id() == col::TypeId::kTimestamp) {
    return from.utc_adjusted() == to.utc_adjusted() && to.unit() == col::TimeUnit::kMicro;
  }
  return false;
}

// ---------------------------------------------------------------- casts

// The validity of slots [0, length) of `a` as a fresh bitmap at offset 0 (nullptr: no nulls).
col::BufferPtr CopyValidity(const col::ArrayData& a) {
  if (a.null_count == 0) return nullptr;
  std::vector<uint8_t> bm(static_cast<size_t>(col::bits::BytesFor(a.length)), 0);
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsValid(i)) col::bits::Set(bm.data(), i);
  }
  return col::Buffer::FromVector(std::move(bm));
}

template <typename From, typename To, typename F>
col::ArrayPtr ConvertFixed(const col::ArrayData& a, const col::TypePtr& to, F f) {
  std::vector<uint8_t> bytes(static_cast<size_t>(a.length) * sizeof(To), 0);
  for (int64_t i = 0; i < a.length; ++i) {
    if (!a.IsValid(i)) continue;
    const To v = f(a.Value<From>(i));
    std::memcpy(bytes.data() + i * sizeof(To), &v, sizeof(To));
  }
  auto d = std::make_shared<col::ArrayData>();
  d->type = to;
  d->length = a.length;
  d->null_count = a.null_count;
  d->buffers = {CopyValidity(a), col::Buffer::FromVector(std::move(bytes))};
  return d;
}

template <typename To>
col::ArrayPtr ConvertInt(const col::ArrayData& a, const col::TypePtr& to) {
  switch (a.type->id()) {
    case col::TypeId::kInt8: return ConvertFixed<int8_t, To>(a, to, [](int8_t v) { return static_cast<To>(v); });
    case col::TypeId::kInt16: return ConvertFixed<int16_t, To>(a, to, [](int16_t v) { return static_cast<To>(v); });
    case col::TypeId::kInt32: return ConvertFixed<int32_t, To>(a, to, [](int32_t v) { return static_cast<To>(v); });
    case col::TypeId::kUInt8: return ConvertFixed<uint8_t, To>(a, to, [](uint8_t v) { return static_cast<To>(v); });
    case col::TypeId::kUInt16: return ConvertFixed<uint16_t, To>(a, to, [](uint16_t v) { return static_cast<To>(v); });
    case col::TypeId::kUInt32: return ConvertFixed<uint32_t, To>(a, to, [](uint32_t v) { return static_cast<To>(v); });
    default: return nullptr;
  }
}

col::ArrayPtr Retype(const col::ArrayData& a, const col::TypePtr& to) {
  auto d = std::make_shared<col::ArrayData>(a);
  d->type = to;
  return d;
}

Status TypeMismatch(const std::string& path, const col::DataType& from, const col::DataType& to) {
  return Status::InvalidArgument("column '" + path + "': cannot write " + from.ToString() + " into the table's " +
                                 to.ToString() + " (use merge_schema to widen " + to.ToString() +
                                 " when the change is an allowed type widening)");
}

Result<col::ArrayPtr> CastArray(const col::ArrayPtr& a, const col::TypePtr& to, const std::string& path);

Result<col::ArrayPtr> CastStruct(const col::ArrayPtr& a, const col::TypePtr& to, const std::string& path) {
  const auto& src_fields = a->type->children();
  const auto& dst_fields = to->children();
  std::vector<bool> used(src_fields.size(), false);
  std::vector<col::ArrayPtr> children;
  for (const auto& df : dst_fields) {
    const std::string want = base::AsciiLower(df->name());
    int found = -1;
    for (size_t i = 0; i < src_fields.size(); ++i) {
      if (base::AsciiLower(src_fields[i]->name()) == want) {
        if (found >= 0) {
          return Status::InvalidArgument("column '" + Join(path, df->name()) + "' appears twice in the data (" +
                                         src_fields[found]->name() + ", " + src_fields[i]->name() + ")");
        }
        found = static_cast<int>(i);
      }
    }
    const std::string child_path = Join(path, df->name());
    if (found < 0) {
      if (!df->nullable()) {
        return Status::InvalidArgument("column '" + child_path + "' is NOT NULL but the data has no such column");
      }
      // Field j of row i is slot (offset + i) of the child: cover the whole physical range.
      children.push_back(col::MakeNullArray(df->type(), a->offset + a->length));
      continue;
    }
    used[found] = true;
    TIDE_ASSIGN_OR_RETURN(auto c, CastArray(a->children[found], df->type(), child_path));
    children.push_back(std::move(c));
  }
  for (size_t i = 0; i < src_fields.size(); ++i) {
    if (!used[i]) {
      return Status::InvalidArgument("column '" + Join(path, src_fields[i]->name()) + "' (" +
                                     src_fields[i]->type()->ToString() +
                                     ") is not in the table schema (use merge_schema to add it)");
    }
  }
  auto d = std::make_shared<col::ArrayData>(*a);
  d->type = to;
  d->children = std::move(children);
  return col::ArrayPtr(d);
}

Result<col::ArrayPtr> CastArray(const col::ArrayPtr& a, const col::TypePtr& to, const std::string& path) {
  const col::DataType& from = *a->type;
  if (from.id() == col::TypeId::kNull) return col::MakeNullArray(to, a->length);
  if (to->id() == col::TypeId::kStruct) {
    if (from.id() != col::TypeId::kStruct) return TypeMismatch(path, from, *to);
    return CastStruct(a, to, path);
  }
  if (to->id() == col::TypeId::kList) {
    if (from.id() != col::TypeId::kList) return TypeMismatch(path, from, *to);
    TIDE_ASSIGN_OR_RETURN(auto child, CastArray(a->children[0], to->children()[0]->type(), path + ".element"));
    auto d = std::make_shared<col::ArrayData>(*a);
    d->type = to;
    d->children = {child};
    return col::ArrayPtr(d);
  }
  if (to->id() == col::TypeId::kMap) {
    if (from.id() != col::TypeId::kMap) return TypeMismatch(path, from, *to);
    const col::ArrayPtr& entries = a->children[0];
    TIDE_ASSIGN_OR_RETURN(auto k, CastArray(entries->children[0], to->map_key()->type(), path + ".key"));
    TIDE_ASSIGN_OR_RETURN(auto v, CastArray(entries->children[1], to->map_value()->type(), path + ".value"));
    auto e = std::make_shared<col::ArrayData>(*entries);
    e->type = to->children()[0]->type();
    e->children = {k, v};
    auto d = std::make_shared<col::ArrayData>(*a);
    d->type = to;
    d->children = {e};
    return col::ArrayPtr(d);
  }
  if (from.IsNested() || !CanConvertPrimitive(from, *to)) return TypeMismatch(path, from, *to);
  if (from.Equals(*to)) return to == a->type ? a : Retype(*a, to);
  switch (to->id()) {
    case col::TypeId::kInt16: return ConvertInt<int16_t>(*a, to);
    case col::TypeId::kInt32: return ConvertInt<int32_t>(*a, to);
    case col::TypeId::kInt64: return ConvertInt<int64_t>(*a, to);
    case col::TypeId::kFloat64:
      return ConvertFixed<float, double>(*a, to, [](float v) { return static_cast<double>(v); });
    case col::TypeId::kDecimal128: {
      __int128 mul = 1;
      for (int i = from.scale(); i < to->scale(); ++i) mul *= 10;
      if (mul == 1) return Retype(*a, to);
      return ConvertFixed<__int128, __int128>(*a, to, [mul](__int128 v) { return v * mul; });
    }
    case col::TypeId::kTimestamp:
      if (from.id() == col::TypeId::kDate32) {
        return ConvertFixed<int32_t, int64_t>(*a, to, [](int32_t d) { return int64_t{d} * 86400LL * 1000000LL; });
      }
      if (from.unit() == col::TimeUnit::kNano) {
        return ConvertFixed<int64_t, int64_t>(*a, to, [](int64_t v) {
          int64_t q = v / 1000;
          if (v % 1000 != 0 && v < 0) --q;
          return q;
        });
      }
      return Retype(*a, to);
    default: break;
  }
  return TypeMismatch(path, from, *to);
}

// ---------------------------------------------------------------- NOT NULL

Status NullError(const std::string& path, int64_t row) {
  return Status::InvalidArgument("column '" + path + "' is NOT NULL but row " + std::to_string(row) +
                                 " of the data is null");
}

// Checks slots [start, start + len) of `a`; `valid[i]` says the enclosing value exists at row i;
// `rows[i]` is the top-level row for messages.
Status CheckArrayNotNull(const col::Field& field, const col::ArrayData& a, int64_t start, int64_t len,
                         const std::vector<uint8_t>* valid, const std::vector<int64_t>* rows, const std::string& path) {
  std::vector<uint8_t> mine(static_cast<size_t>(len));
  for (int64_t i = 0; i < len; ++i) {
    const bool exists = valid == nullptr || (*valid)[i];
    const bool present = exists && a.IsValid(start + i);
    if (exists && !present && !field.nullable()) return NullError(path, rows ? (*rows)[i] : i);
    mine[i] = present ? 1 : 0;
  }
  const col::DataType& t = *field.type();
  if (t.id() == col::TypeId::kStruct) {
    for (size_t c = 0; c < t.children().size(); ++c) {
      TIDE_RETURN_IF_ERROR(CheckArrayNotNull(*t.children()[c], *a.children[c], a.offset + start, len, &mine, rows,
                                             Join(path, t.children()[c]->name())));
    }
  } else if (t.id() == col::TypeId::kList || t.id() == col::TypeId::kMap) {
    // Element slots of present lists; elements of absent lists do not exist.
    std::vector<uint8_t> ev;
    std::vector<int64_t> er;
    int64_t first = -1;
    for (int64_t i = 0; i < len; ++i) {
      const int64_t b = a.ListBegin(start + i), e = a.ListEnd(start + i);
      if (first < 0) first = b;
      for (int64_t k = b; k < e; ++k) {
        if (k - first >= static_cast<int64_t>(ev.size())) {
          ev.resize(static_cast<size_t>(k - first + 1), 0);
          er.resize(ev.size(), 0);
        }
        ev[k - first] = mine[i];
        er[k - first] = rows ? (*rows)[i] : i;
      }
    }
    if (first < 0 || ev.empty()) return Status::OK();
    if (t.id() == col::TypeId::kList) {
      return CheckArrayNotNull(*t.children()[0], *a.children[0], first, static_cast<int64_t>(ev.size()), &ev, &er,
                               path + ".element");
    }
    const col::ArrayData& entries = *a.children[0];
    TIDE_RETURN_IF_ERROR(CheckArrayNotNull(col::Field("key", t.map_key()->type(), false), *entries.children[0],
                                           entries.offset + first, static_cast<int64_t>(ev.size()), &ev, &er,
                                           path + ".key"));
    return CheckArrayNotNull(*t.map_value(), *entries.children[1], entries.offset + first,
                             static_cast<int64_t>(ev.size()), &ev, &er, path + ".value");
  }
  return Status::OK();
}

bool HasNotNull(const col::DataType& t) {
  for (const auto& c : t.children()) {
    if (!c->nullable() || HasNotNull(*c->type())) return true;
  }
  return false;
}

}  // namespace

Result<std::shared_ptr<col::RecordBatch>> ConformBatch(const col::RecordBatch& batch, const col::Schema& table_schema) {
  const col::Schema& in = *batch.schema();
  std::vector<bool> used(in.num_fields(), false);
  std::vector<col::ArrayPtr> columns;
  for (const auto& tf : table_schema.fields()) {
    const std::string want = base::AsciiLower(tf->name());
    int found = -1;
    for (int i = 0; i < in.num_fields(); ++i) {
      if (base::AsciiLower(in.field(i)->name()) != want) continue;
      if (found >= 0) {
        return Status::InvalidArgument("column '" + tf->name() + "' appears twice in the data (" +
                                       in.field(found)->name() + ", " + in.field(i)->name() + ")");
      }
      found = i;
    }
    if (found < 0) {
      if (!tf->nullable()) {
        return Status::InvalidArgument("column '" + tf->name() + "' is NOT NULL but the data has no such column");
      }
      columns.push_back(col::MakeNullArray(tf->type(), batch.num_rows()));
      continue;
    }
    used[found] = true;
    TIDE_ASSIGN_OR_RETURN(auto c, CastArray(batch.column(found), tf->type(), tf->name()));
    columns.push_back(std::move(c));
  }
  for (int i = 0; i < in.num_fields(); ++i) {
    if (!used[i]) {
      return Status::InvalidArgument("column '" + in.field(i)->name() + "' (" + in.field(i)->type()->ToString() +
                                     ") is not in the table schema (" + table_schema.ToString() +
                                     "); use merge_schema to add it");
    }
  }
  auto schema = std::make_shared<const col::Schema>(table_schema);
  return std::make_shared<col::RecordBatch>(std::move(schema), std::move(columns), batch.num_rows());
}

Status CheckNotNull(const col::RecordBatch& batch, const col::Schema& schema) {
  for (int f = 0; f < schema.num_fields() && f < batch.num_columns(); ++f) {
    const col::Field& field = *schema.field(f);
    const col::ArrayData& a = *batch.column(f);
    if (field.nullable() && !HasNotNull(*field.type())) continue;
    if (field.nullable() == false && a.null_count == 0 && !HasNotNull(*field.type())) continue;
    TIDE_RETURN_IF_ERROR(CheckArrayNotNull(field, a, 0, batch.num_rows(), nullptr, nullptr, field.name()));
  }
  return Status::OK();
}

// ---------------------------------------------------------------- schema evolution

namespace {

struct MergeState {
  ColumnMappingMode mode = ColumnMappingMode::kNone;
  int64_t max_id = 0;
  bool widened = false;
  bool changed = false;
  std::vector<std::string> added;
};

// Assigns column mapping ids and physical names to a new field and its nested struct fields.
col::FieldPtr WithMapping(const col::Field& f, MergeState* st) {
  col::TypePtr type = f.type();
  if (type->id() == col::TypeId::kStruct) {
    std::vector<col::FieldPtr> kids;
    for (const auto& c : type->children()) kids.push_back(WithMapping(*c, st));
    type = col::Struct(std::move(kids));
  }
  col::KeyValueMetadata md;
  for (const auto& kv : f.metadata()) {
    if (kv.first != kColumnMappingIdKey && kv.first != kColumnMappingPhysicalNameKey) md.push_back(kv);
  }
  if (st->mode != ColumnMappingMode::kNone) {
    md.emplace_back(std::string(kColumnMappingIdKey), std::to_string(++st->max_id));
    md.emplace_back(std::string(kColumnMappingPhysicalNameKey), "\"col-" + GenerateUuid() + "\"");
  }
  return col::MakeField(f.name(), type, f.nullable(), std::move(md));
}

// The field's raw metadata value for `key`, or "".
std::string RawMetadata(const col::Field& f, std::string_view key) {
  for (const auto& kv : f.metadata()) {
    if (kv.first == key) return kv.second;
  }
  return "";
}

// Appends a delta.typeChanges entry to the field's metadata.
col::FieldPtr RecordTypeChange(const col::Field& f, const col::DataType& from, const col::DataType& to,
                               const std::string& field_path) {
  std::string entry = "{\"toType\":\"" + DeltaPrimitiveTypeName(to) + "\",\"fromType\":\"" +
                      DeltaPrimitiveTypeName(from) + "\"";
  if (!field_path.empty()) entry += ",\"fieldPath\":\"" + field_path + "\"";
  entry += "}";
  std::string existing = RawMetadata(f, kTypeChangesKey);
  std::string value;
  if (existing.size() >= 2 && existing.front() == '[' && existing.back() == ']') {
    std::string inner = existing.substr(1, existing.size() - 2);
    value = inner.find_first_not_of(" \t\n") == std::string::npos ? "[" + entry + "]" : "[" + inner + "," + entry + "]";
  } else {
    value = "[" + entry + "]";
  }
  return WithFieldMetadata(f, kTypeChangesKey, value);
}

Result<std::vector<col::FieldPtr>> MergeFields(const std::vector<col::FieldPtr>& table,
                                               const std::vector<col::FieldPtr>& incoming, const std::string& path,
                                               MergeState* st);

// Merges the incoming type into the table type of one column. *change_from is set when the
// column's own type widened (a primitive, or a list element / map key or value at `sub`).
Result<col::TypePtr> MergeType(const col::TypePtr& t, const col::TypePtr& in, const std::string& path, MergeState* st,
                               std::vector<std::pair<std::string, std::pair<col::TypePtr, col::TypePtr>>>* changes,
                               const std::string& sub) {
  if (in->id() == col::TypeId::kNull) return t;  // an all-null column fits any type
  if (t->id() == col::TypeId::kStruct) {
    if (in->id() != col::TypeId::kStruct) return TypeMismatch(path, *in, *t);
    TIDE_ASSIGN_OR_RETURN(auto fields, MergeFields(t->children(), in->children(), path, st));
    return col::Struct(std::move(fields));
  }
  if (t->id() == col::TypeId::kList) {
    if (in->id() != col::TypeId::kList) return TypeMismatch(path, *in, *t);
    const auto& te = t->children()[0];
    TIDE_ASSIGN_OR_RETURN(auto et, MergeType(te->type(), in->children()[0]->type(), path + ".element", st, changes,
                                             sub.empty() ? "element" : sub + ".element"));
    return col::List(col::MakeField(te->name(), et, te->nullable(), te->metadata()));
  }
  if (t->id() == col::TypeId::kMap) {
    if (in->id() != col::TypeId::kMap) return TypeMismatch(path, *in, *t);
    TIDE_ASSIGN_OR_RETURN(auto kt, MergeType(t->map_key()->type(), in->map_key()->type(), path + ".key", st, changes,
                                             sub.empty() ? "key" : sub + ".key"));
    TIDE_ASSIGN_OR_RETURN(auto vt, MergeType(t->map_value()->type(), in->map_value()->type(), path + ".value", st,
                                             changes, sub.empty() ? "value" : sub + ".value"));
    return col::Map(col::MakeField(t->map_key()->name(), kt, false, t->map_key()->metadata()),
                    col::MakeField(t->map_value()->name(), vt, t->map_value()->nullable(), t->map_value()->metadata()));
  }
  if (in->IsNested()) return TypeMismatch(path, *in, *t);
  if (CanConvertPrimitive(*in, *t)) return t;  // fits as is (equal, or narrower)
  if (IsWidening(*t, *in)) {
    st->widened = true;
    st->changed = true;
    changes->push_back({sub, {t, in}});
    return in;
  }
  return Status::InvalidArgument("column '" + path + "': cannot merge " + in->ToString() + " into the table's " +
                                 t->ToString() +
                                 " (allowed widenings: byte->short->int->long, float->double, decimal precision "
                                 "increase, date->timestamp_ntz)");
}

Result<std::vector<col::FieldPtr>> MergeFields(const std::vector<col::FieldPtr>& table,
                                               const std::vector<col::FieldPtr>& incoming, const std::string& path,
                                               MergeState* st) {
  std::vector<col::FieldPtr> out;
  std::vector<bool> used(incoming.size(), false);
  for (const auto& tf : table) {
    const std::string want = base::AsciiLower(tf->name());
    int found = -1;
    for (size_t i = 0; i < incoming.size(); ++i) {
      if (base::AsciiLower(incoming[i]->name()) == want) {
        if (found >= 0) {
          return Status::InvalidArgument("column '" + Join(path, tf->name()) + "' appears twice in the data");
        }
        found = static_cast<int>(i);
      }
    }
    if (found < 0) {
      out.push_back(tf);
      continue;
    }
    used[found] = true;
    std::vector<std::pair<std::string, std::pair<col::TypePtr, col::TypePtr>>> changes;
    TIDE_ASSIGN_OR_RETURN(auto merged, MergeType(tf->type(), incoming[found]->type(), Join(path, tf->name()), st,
                                                 &changes, ""));
    col::FieldPtr field = col::MakeField(tf->name(), merged, tf->nullable(), tf->metadata());
    for (const auto& [sub, types] : changes) field = RecordTypeChange(*field, *types.first, *types.second, sub);
    out.push_back(std::move(field));
  }
  for (size_t i = 0; i < incoming.size(); ++i) {
    if (used[i]) continue;
    const col::Field& nf = *incoming[i];
    if (nf.type()->id() == col::TypeId::kNull) {
      return Status::InvalidArgument("column '" + Join(path, nf.name()) +
                                     "' has no type (all values are null); it cannot be added to the table");
    }
    col::Field nullable(nf.name(), nf.type(), /*nullable=*/true, nf.metadata());
    out.push_back(WithMapping(nullable, st));
    st->added.push_back(Join(path, nf.name()));
    st->changed = true;
  }
  return out;
}

}  // namespace

Result<SchemaMerge> MergeSchema(const col::Schema& table, const col::Schema& incoming, ColumnMappingMode mode,
                                int64_t max_column_id) {
  MergeState st;
  st.mode = mode;
  st.max_id = max_column_id;
  TIDE_ASSIGN_OR_RETURN(auto fields, MergeFields(table.fields(), incoming.fields(), "", &st));
  SchemaMerge out;
  out.schema = col::Schema(std::move(fields), table.metadata());
  out.changed = st.changed;
  out.widened = st.widened;
  out.max_column_id = st.max_id;
  out.added = std::move(st.added);
  // The merged schema must be expressible in Delta (e.g. no unsigned or nanosecond columns).
  if (out.changed) TIDE_RETURN_IF_ERROR(SerializeDeltaSchema(out.schema).status());
  return out;
}

// ---------------------------------------------------------------- gathering rows

void AppendArrayValue(col::ArrayBuilder* builder, const col::ArrayData& src, int64_t row) {
  if (src.IsNull(row)) {
    builder->AppendNull();
    return;
  }
  switch (src.type->id()) {
    case col::TypeId::kNull: builder->AppendNull(); return;
    case col::TypeId::kBoolean: static_cast<col::BooleanBuilder*>(builder)->Append(src.BoolValue(row)); return;
    case col::TypeId::kInt8: static_cast<col::Int8Builder*>(builder)->Append(src.Value<int8_t>(row)); return;
    case col::TypeId::kInt16: static_cast<col::Int16Builder*>(builder)->Append(src.Value<int16_t>(row)); return;
    case col::TypeId::kInt32:
    case col::TypeId::kDate32: static_cast<col::Int32Builder*>(builder)->Append(src.Value<int32_t>(row)); return;
    case col::TypeId::kInt64:
    case col::TypeId::kTime64:
    case col::TypeId::kTimestamp: static_cast<col::Int64Builder*>(builder)->Append(src.Value<int64_t>(row)); return;
    case col::TypeId::kUInt8: static_cast<col::UInt8Builder*>(builder)->Append(src.Value<uint8_t>(row)); return;
    case col::TypeId::kUInt16: static_cast<col::UInt16Builder*>(builder)->Append(src.Value<uint16_t>(row)); return;
    case col::TypeId::kUInt32: static_cast<col::UInt32Builder*>(builder)->Append(src.Value<uint32_t>(row)); return;
    case col::TypeId::kUInt64: static_cast<col::UInt64Builder*>(builder)->Append(src.Value<uint64_t>(row)); return;
    case col::TypeId::kFloat32: static_cast<col::Float32Builder*>(builder)->Append(src.Value<float>(row)); return;
    case col::TypeId::kFloat64: static_cast<col::Float64Builder*>(builder)->Append(src.Value<double>(row)); return;
    case col::TypeId::kDecimal128:
      static_cast<col::Decimal128Builder*>(builder)->Append(src.Value<__int128>(row));
      return;
    case col::TypeId::kString:
    case col::TypeId::kBinary: static_cast<col::BinaryBuilder*>(builder)->Append(src.BytesValue(row)); return;
    case col::TypeId::kFixedSizeBinary:
      static_cast<col::FixedSizeBinaryBuilder*>(builder)->Append(src.BytesValue(row));
      return;
    case col::TypeId::kStruct: {
      auto* sb = static_cast<col::StructBuilder*>(builder);
      sb->Append();
      for (int c = 0; c < sb->num_children(); ++c) AppendArrayValue(sb->child(c), *src.children[c], src.offset + row);
      return;
    }
    case col::TypeId::kList:
    case col::TypeId::kMap: {
      auto* lb = static_cast<col::ListBuilder*>(builder);
      lb->Append();
      for (int32_t k = src.ListBegin(row); k < src.ListEnd(row); ++k) {
        AppendArrayValue(lb->value_builder(), *src.children[0], k);
      }
      return;
    }
  }
}

// ---------------------------------------------------------------- DataWriter

struct DataWriter::Partition {
  PartitionValues values;
  std::string dir;  // relative, "" or "a=1/b=x/"
  std::unique_ptr<format::parquet::ParquetWriter> writer;
  std::unique_ptr<StatsCollector> stats;
  std::string rel_path;
  std::string abs_path;
  int64_t rows_in_file = 0;
  int64_t last_use = 0;
};

namespace {

Status SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "opening " + path + " for fsync");
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno(err, "fsync " + path);
  return Status::OK();
}

// mkdir -p of root/rel; records the directories created (for fsync of their parents).
Status MakeDirs(const std::string& root, const std::string& rel, std::set<std::string>* dirs_to_sync) {
  std::string cur = root;
  size_t pos = 0;
  while (pos < rel.size()) {
    size_t slash = rel.find('/', pos);
    if (slash == std::string::npos) slash = rel.size();
    const std::string part = rel.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty()) continue;
    const std::string parent = cur;
    cur += "/" + part;
    if (::mkdir(cur.c_str(), 0755) == 0) {
      dirs_to_sync->insert(parent);
    } else if (errno != EEXIST) {
      return Status::FromErrno(errno, "creating directory " + cur);
    }
  }
  dirs_to_sync->insert(cur);
  return Status::OK();
}

// In-memory bytes of the slots of a column (a rough size for the first rows of a file).
int64_t ApproxBytes(const col::ArrayData& a) {
  int64_t n = 0;
  const int w = a.type->FixedWidth();
  if (w > 0) {
    n += a.length * w;
  } else if (a.type->id() == col::TypeId::kBoolean) {
    n += (a.length + 7) / 8;
  } else if (a.type->IsBinaryLike() && a.length > 0) {
    const auto* off = a.buffers[1]->as<int32_t>();
    n += off[a.offset + a.length] - off[a.offset] + 4 * a.length;
  } else if (a.type->id() == col::TypeId::kFixedSizeBinary) {
    n += a.length * a.type->byte_width();
  }
  for (const auto& c : a.children) n += ApproxBytes(*c);
  return n;
}

// Adds Parquet field ids ("PARQUET:field_id", Arrow's convention) from delta.columnMapping.id,
// recursively, so a Parquet writer that honours them writes the ids column mapping needs.
col::FieldPtr WithFieldIds(const col::Field& f) {
  col::TypePtr type = f.type();
  if (type->id() == col::TypeId::kStruct) {
    std::vector<col::FieldPtr> kids;
    for (const auto& c : type->children()) kids.push_back(WithFieldIds(*c));
    type = col::Struct(std::move(kids));
  } else if (type->id() == col::TypeId::kList) {
    type = col::List(WithFieldIds(*type->children()[0]));
  } else if (type->id() == col::TypeId::kMap) {
    type = col::Map(WithFieldIds(*type->map_key()), WithFieldIds(*type->map_value()));
  }
  col::KeyValueMetadata md = f.metadata();
  if (auto id = FieldMetadataInt(f, kColumnMappingIdKey)) md.emplace_back("PARQUET:field_id", std::to_string(*id));
  return col::MakeField(f.name(), type, f.nullable(), std::move(md));
}

std::string PartitionKey(const std::vector<std::optional<std::string>>& values) {
  std::string key;
  for (const auto& v : values) {
    if (!v) {
      key += "N;";
    } else {
      key += std::to_string(v->size()) + ":" + *v;
    }
  }
  return key;
}

}  // namespace

DataWriter::~DataWriter() = default;

Result<std::unique_ptr<DataWriter>> DataWriter::Make(std::string table_root, const Metadata& metadata,
                                                     DataWriterOptions options) {
  std::unique_ptr<DataWriter> w(new DataWriter());
  while (table_root.size() > 1 && table_root.back() == '/') table_root.pop_back();
  w->root_ = std::move(table_root);
  w->metadata_ = metadata;
  w->options_ = std::move(options);
  TIDE_ASSIGN_OR_RETURN(auto schema, ParseDeltaSchema(metadata.schema_string));
  w->logical_ = std::make_shared<const col::Schema>(std::move(schema));
  TIDE_ASSIGN_OR_RETURN(w->mode_, ParseColumnMappingMode(metadata.configuration));
  TIDE_ASSIGN_OR_RETURN(auto props, ParseTableProperties(metadata.configuration));
  w->target_size_ = w->options_.target_file_size > 0 ? w->options_.target_file_size
                                                     : props.target_file_size.value_or(kDefaultTargetFileSize);
  if (w->target_size_ <= 0) w->target_size_ = kDefaultTargetFileSize;
  TIDE_ASSIGN_OR_RETURN(w->stats_options_, StatsOptionsFromConfiguration(metadata.configuration));

  std::vector<bool> is_partition(w->logical_->num_fields(), false);
  for (const auto& pc : metadata.partition_columns) {
    int found = -1;
    for (int i = 0; i < w->logical_->num_fields(); ++i) {
      if (base::AsciiLower(w->logical_->field(i)->name()) == base::AsciiLower(pc)) found = i;
    }
    if (found < 0) {
      return Status::Corruption("partition column '" + pc + "' is not in the table schema " +
                                w->logical_->ToString());
    }
    if (w->logical_->field(found)->type()->IsNested()) {
      return Status::InvalidArgument("partition column '" + pc + "' has nested type " +
                                     w->logical_->field(found)->type()->ToString());
    }
    is_partition[found] = true;
    w->partition_indices_.push_back(found);
    w->partition_keys_.push_back(PhysicalName(*w->logical_->field(found), w->mode_));
  }
  std::vector<col::FieldPtr> data_fields;
  for (int i = 0; i < w->logical_->num_fields(); ++i) {
    if (is_partition[i]) continue;
    w->data_indices_.push_back(i);
    data_fields.push_back(w->logical_->field(i));
  }
  if (data_fields.empty()) {
    return Status::InvalidArgument("every column of the table is a partition column; data files need at least one "
                                   "data column");
  }
  w->data_logical_ = std::make_shared<const col::Schema>(data_fields);
  col::Schema physical = ToPhysicalSchema(*w->data_logical_, w->mode_);
  if (w->mode_ != ColumnMappingMode::kNone) {
    std::vector<col::FieldPtr> fields;
    for (const auto& f : physical.fields()) fields.push_back(WithFieldIds(*f));
    physical = col::Schema(std::move(fields), physical.metadata());
  }
  w->data_physical_ = std::make_shared<const col::Schema>(std::move(physical));
  if (w->options_.parquet.created_by == "tide") w->options_.parquet.created_by = std::string("Tide ") + TIDE_VERSION;
  w->uuid_ = GenerateUuid();
  return w;
}

Status DataWriter::Write(const col::RecordBatch& batch) {
  if (finished_) return Status::InvalidArgument("data writer: Write after Finish");
  if (batch.schema()->ToString() != logical_->ToString()) {
    return Status::InvalidArgument("data writer: batch schema " + batch.schema()->ToString() +
                                   " is not the table schema " + logical_->ToString() + " (conform it first)");
  }
  if (batch.num_rows() == 0) return Status::OK();
  TIDE_RETURN_IF_ERROR(CheckNotNull(batch, *logical_));
  auto data_batch = [&](const col::RecordBatch& b) {
    std::vector<col::ArrayPtr> cols;
    for (int i : data_indices_) cols.push_back(b.column(i));
    return col::RecordBatch(data_physical_, std::move(cols), b.num_rows());
  };
  if (partition_indices_.empty()) {
    TIDE_RETURN_IF_ERROR(WritePartitionRows("", {}, data_batch(batch)));
    rows_written_ += batch.num_rows();
    return Status::OK();
  }
  // Partition key of every row; rows of one key are gathered (zero-copy when the batch has one).
  const int64_t n = batch.num_rows();
  std::vector<std::string> keys(static_cast<size_t>(n));
  std::unordered_map<std::string, std::vector<int64_t>> groups;
  std::vector<std::string> order;
  std::unordered_map<std::string, PartitionValues> group_values;
  std::vector<std::optional<std::string>> vals(partition_indices_.size());
  for (int64_t r = 0; r < n; ++r) {
    for (size_t p = 0; p < partition_indices_.size(); ++p) {
      const int ci = partition_indices_[p];
      TIDE_ASSIGN_OR_RETURN(vals[p], SerializePartitionValue(*batch.column(ci), r));
    }
    std::string key = PartitionKey(vals);
    auto it = groups.find(key);
    if (it == groups.end()) {
      PartitionValues pv;
      for (size_t p = 0; p < partition_indices_.size(); ++p) pv[partition_keys_[p]] = vals[p];
      group_values.emplace(key, std::move(pv));
      order.push_back(key);
      it = groups.emplace(key, std::vector<int64_t>{}).first;
    }
    it->second.push_back(r);
  }
  if (order.size() == 1) {
    TIDE_RETURN_IF_ERROR(WritePartitionRows(order[0], group_values[order[0]], data_batch(batch)));
    rows_written_ += n;
    return Status::OK();
  }
  for (const auto& key : order) {
    const auto& rows = groups[key];
    std::vector<col::ArrayPtr> cols;
    for (int i : data_indices_) {
      auto b = col::MakeBuilder(logical_->field(i)->type());
      const col::ArrayData& src = *batch.column(i);
      for (int64_t r : rows) AppendArrayValue(b.get(), src, r);
      cols.push_back(b->Finish());
    }
    col::RecordBatch part(data_physical_, std::move(cols), static_cast<int64_t>(rows.size()));
    TIDE_RETURN_IF_ERROR(WritePartitionRows(key, group_values[key], part));
  }
  rows_written_ += n;
  return Status::OK();
}

Status DataWriter::RollFile(Partition* p) {
  if (p->writer) TIDE_RETURN_IF_ERROR(CloseFile(p));
  // Bound the open files (and their buffers): finish the least recently written one.
  while (open_files_ >= std::max(1, options_.max_open_files)) {
    Partition* lru = nullptr;
    for (auto& [key, other] : partitions_) {
      if (other->writer && (!lru || other->last_use < lru->last_use)) lru = other.get();
    }
    if (!lru) break;
    TIDE_RETURN_IF_ERROR(CloseFile(lru));
  }
  char name[32];
  std::snprintf(name, sizeof(name), "%05lld", static_cast<long long>(file_counter_++));
  std::string dir = options_.subdirectory.empty() ? p->dir : options_.subdirectory + "/" + p->dir;
  p->rel_path = dir + options_.file_prefix + "-" + name + "-" + uuid_ + ".c000" +
                (options_.parquet.codec == format::parquet::CompressionCodec::kSnappy ? ".snappy" : "") + ".parquet";
  std::set<std::string> dirs;
  TIDE_RETURN_IF_ERROR(MakeDirs(root_, dir, &dirs));
  for (const auto& d : dirs) sync_dirs_.insert(d);
  p->abs_path = root_ + "/" + p->rel_path;
  created_.push_back(p->abs_path);
  TIDE_ASSIGN_OR_RETURN(p->writer, format::parquet::ParquetWriter::Open(p->abs_path, data_physical_, options_.parquet));
  ++open_files_;
  TIDE_ASSIGN_OR_RETURN(p->stats, StatsCollector::Make(*data_logical_, *data_physical_, stats_options_));
  p->rows_in_file = 0;
  return Status::OK();
}

Status DataWriter::CloseFile(Partition* p) {
  if (!p->writer) return Status::OK();
  Status closed = p->writer->Close();
  p->writer.reset();
  --open_files_;
  TIDE_RETURN_IF_ERROR(closed);
  if (options_.sync) TIDE_RETURN_IF_ERROR(SyncPath(p->abs_path, false));
  struct stat st;
  if (::stat(p->abs_path.c_str(), &st) != 0) return Status::FromErrno(errno, "stat " + p->abs_path);
  WrittenFile wf;
  wf.add.path = EncodeFilePath(p->rel_path);
  wf.add.partition_values = p->values;
  wf.add.size = static_cast<int64_t>(st.st_size);
  wf.add.modification_time = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  wf.add.data_change = options_.data_change;
  wf.add.stats = p->stats->ToJson();
  wf.num_records = p->rows_in_file;
  done_.push_back(std::move(wf));
  p->stats.reset();
  return Status::OK();
}

Status DataWriter::WritePartitionRows(const std::string& key, const PartitionValues& values,
                                      const col::RecordBatch& rows) {
  auto& slot = partitions_[key];
  if (!slot) {
    slot = std::make_unique<Partition>();
    slot->values = values;
    slot->dir = partition_keys_.empty() ? "" : PartitionDirectory(partition_keys_, values);
  }
  Partition* p = slot.get();
  p->last_use = ++use_clock_;
  const int64_t n = rows.num_rows();
  int64_t mem = 0;
  for (const auto& c : rows.columns()) mem += ApproxBytes(*c);
  const int64_t mem_per_row = std::max<int64_t>(1, mem / std::max<int64_t>(1, n));
  int64_t off = 0;
  while (off < n) {
    if (!p->writer) TIDE_RETURN_IF_ERROR(RollFile(p));
    const int64_t written = p->writer->bytes_written();
    // Bytes per row of this file so far (compressed), else of the rows in memory.
    const int64_t per_row = p->rows_in_file > 0 && written > 4 ? std::max<int64_t>(1, written / p->rows_in_file)
                                                               : mem_per_row;
    const int64_t room = target_size_ - written;
    int64_t take = room > 0 ? std::max<int64_t>(1, room / per_row) : 1;
    take = std::min(take, n - off);
    auto slice = take == n ? nullptr : rows.Slice(off, take);
    const col::RecordBatch& part = slice ? *slice : rows;
    TIDE_RETURN_IF_ERROR(p->writer->WriteBatch(part));
    p->stats->Update(part);
    p->rows_in_file += take;
    off += take;
    if (p->writer->bytes_written() >= target_size_) TIDE_RETURN_IF_ERROR(CloseFile(p));
  }
  return Status::OK();
}

Result<std::vector<WrittenFile>> DataWriter::FinishFiles() {
  if (finished_) return Status::InvalidArgument("data writer: Finish called twice");
  finished_ = true;
  for (auto& [key, p] : partitions_) TIDE_RETURN_IF_ERROR(CloseFile(p.get()));
  if (options_.sync) {
    for (const auto& d : sync_dirs_) TIDE_RETURN_IF_ERROR(SyncPath(d, true));
  }
  return std::move(done_);
}

Result<std::vector<AddFile>> DataWriter::Finish() {
  TIDE_ASSIGN_OR_RETURN(auto files, FinishFiles());
  std::vector<AddFile> out;
  out.reserve(files.size());
  for (auto& f : files) out.push_back(std::move(f.add));
  return out;
}

void DataWriter::Abort() {
  partitions_.clear();  // closes descriptors without footers
  for (const auto& path : created_) ::unlink(path.c_str());
  created_.clear();
  done_.clear();
  finished_ = true;
}

}  // namespace tide::table
