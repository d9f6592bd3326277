#include "table/checkpoint_reader.h"

#include <cstdint>
#include <utility>

#include "base/json_writer.h"
#include "columnar/json.h"
#include "format/parquet/reader.h"
#include "table/json_util.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;
using base::Result;
using base::Status;
using col::ArrayData;
using col::TypeId;

// ---------------------------------------------------------------- generic path (JSON)
//
// Any row the typed decoders below do not handle (an action kind other than add/remove, a
// column of a type other than the checkpoint schema's, add.stats_parsed standing in for
// add.stats) is rendered as the action's JSON object and parsed by ParseActionLine, so such
// rows get exactly the semantics and errors of a JSON commit line.

void AppendJson(const ArrayData& a, int64_t i, std::string* out);

// Struct value as an object without null members. For "add" objects, stats_parsed becomes the
// JSON string "stats" when stats itself is absent.
void AppendStruct(const ArrayData& a, int64_t i, std::string* out) {
  const auto& fields = a.type->children();
  out->push_back('{');
  bool first = true;
  int stats_idx = -1, parsed_idx = -1;
  for (size_t f = 0; f < fields.size(); ++f) {
    if (fields[f]->name() == "stats") stats_idx = static_cast<int>(f);
    if (fields[f]->name() == "stats_parsed") parsed_idx = static_cast<int>(f);
  }
  for (size_t f = 0; f < fields.size(); ++f) {
    const auto& child = *a.children[f];
    int64_t ci = a.offset + i;  // struct offset applies to children
    if (child.IsNull(ci)) continue;
    if (static_cast<int>(f) == parsed_idx) {
      if (stats_idx >= 0 && !a.children[stats_idx]->IsNull(ci)) continue;
      std::string stats;
      AppendJson(child, ci, &stats);
      if (!first) out->push_back(',');
      first = false;
      out->append("\"stats\":");
      base::AppendJsonString(out, stats);
      continue;
    }
    if (!first) out->push_back(',');
    first = false;
    base::AppendJsonString(out, fields[f]->name());
    out->push_back(':');
    AppendJson(child, ci, out);
  }
  out->push_back('}');
}

void AppendJson(const ArrayData& a, int64_t i, std::string* out) {
  if (a.IsNull(i)) {
    out->append("null");
    return;
  }
  switch (a.type->id()) {
    case TypeId::kStruct:
      AppendStruct(a, i, out);
      return;
    case TypeId::kList: {
      out->push_back('[');
      const auto& child = *a.children[0];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) {
        if (k != a.ListBegin(i)) out->push_back(',');
        AppendJson(child, k, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      // Maps of the checkpoint schema have string keys; render as a JSON object.
      out->push_back('{');
      const auto& entries = *a.children[0];
      const auto& keys = *entries.children[0];
      const auto& values = *entries.children[1];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) {
        if (k != a.ListBegin(i)) out->push_back(',');
        int64_t ek = entries.offset + k;
        if (keys.type->IsBinaryLike()) {
          base::AppendJsonString(out, keys.BytesValue(ek));
        } else {
          std::string key;
          col::AppendValueJson(keys, ek, &key);
          base::AppendJsonString(out, key);
        }
        out->push_back(':');
        AppendJson(values, ek, out);
      }
      out->push_back('}');
      return;
    }
    default:
      col::AppendValueJson(a, i, out);
      return;
  }
}

Result<std::optional<Action>> ParseRowAsJson(std::string_view column_name, const ArrayData& column, int64_t r,
                                             std::string* line) {
  line->clear();
  line->push_back('{');
  base::AppendJsonString(line, column_name);
  line->push_back(':');
  AppendJson(column, r, line);
  line->push_back('}');
  return ParseActionLine(*line);
}

// ---------------------------------------------------------------- typed path (add, remove)
//
// The add and remove columns hold nearly every row of a checkpoint, so they are decoded
// straight from the columns into AddFile / RemoveFile. The decoders accept only the types of
// the checkpoint schema (strings as UTF-8, integers as INT32/INT64, booleans, maps of strings);
// a struct with any other child type is decoded by the generic path instead, which keeps the
// JSON parser's conversions and errors for odd writers. Field checks and messages mirror
// actions.cc (ParseAdd / ParseRemove / ParseDv) one for one: the same Corruption
// "<field>: missing required field", "<field>: negative", "<field>: out of range".

// A child of a struct column, by name; nullptr when the struct has no such child (which reads
// as null in every row, like a field absent from JSON).
struct Child {
  const ArrayData* a = nullptr;
  bool IsSet(int64_t i) const { return a != nullptr && !a->IsNull(i); }
};

bool IsStringType(const ArrayData& a) { return a.type->id() == TypeId::kString; }
bool IsIntType(const ArrayData& a) { return a.type->id() == TypeId::kInt32 || a.type->id() == TypeId::kInt64; }
bool IsBoolType(const ArrayData& a) { return a.type->id() == TypeId::kBoolean; }
bool IsStringMapType(const ArrayData& a) {
  if (a.type->id() != TypeId::kMap || a.children.size() != 1) return false;
  const auto& entries = *a.children[0];
  return entries.children.size() == 2 && IsStringType(*entries.children[0]) && IsStringType(*entries.children[1]);
}

int64_t IntAt(const ArrayData& a, int64_t i) {
  return a.type->id() == TypeId::kInt32 ? a.Value<int32_t>(i) : a.Value<int64_t>(i);
}
std::string StrAt(const ArrayData& a, int64_t i) { return std::string(a.BytesValue(i)); }

enum class Kind { kString, kInt, kBool, kStringMap, kDv };

bool HasKind(const ArrayData& a, Kind k);

// Binds the children of struct `s` named in `names` to `out` (same order); false when a child
// has a type of another kind than `kinds` says (the caller then uses the generic path).
template <size_t N>
bool BindChildren(const ArrayData& s, const char* const (&names)[N], const Kind (&kinds)[N], Child (&out)[N]) {
  const auto& fields = s.type->children();
  for (size_t f = 0; f < fields.size(); ++f) {
    for (size_t k = 0; k < N; ++k) {
      if (fields[f]->name() != names[k]) continue;
      if (!HasKind(*s.children[f], kinds[k])) return false;
      if (out[k].a == nullptr) out[k].a = s.children[f].get();  // JSON keeps the first of duplicate keys
    }
  }
  return true;
}

// deletionVector children.
constexpr const char* kDvNames[] = {"storageType", "pathOrInlineDv", "offset", "sizeInBytes", "cardinality"};
constexpr Kind kDvKinds[] = {Kind::kString, Kind::kString, Kind::kInt, Kind::kInt, Kind::kInt};
enum DvField { kDvStorage, kDvPath, kDvOffset, kDvSize, kDvCard, kDvCount };

bool HasKind(const ArrayData& a, Kind k) {
  switch (k) {
    case Kind::kString: return IsStringType(a);
    case Kind::kInt: return IsIntType(a);
    case Kind::kBool: return IsBoolType(a);
    case Kind::kStringMap: return IsStringMapType(a);
    case Kind::kDv: {
      if (a.type->id() != TypeId::kStruct) return false;
      Child c[kDvCount];
      return BindChildren(a, kDvNames, kDvKinds, c);
    }
  }
  return false;
}

std::string FieldName(std::string_view prefix, std::string_view key) {
  std::string s(prefix);
  s += '.';
  s += key;
  return s;
}

Result<std::string> RequiredString(const Child& c, int64_t i, std::string_view prefix, std::string_view key) {
  if (!c.IsSet(i)) return json::FieldError(FieldName(prefix, key), "missing required field");
  return StrAt(*c.a, i);
}
std::optional<std::string> OptionalString(const Child& c, int64_t i) {
  if (!c.IsSet(i)) return std::nullopt;
  return StrAt(*c.a, i);
}
Result<int64_t> RequiredInt(const Child& c, int64_t i, std::string_view prefix, std::string_view key) {
  if (!c.IsSet(i)) return json::FieldError(FieldName(prefix, key), "missing required field");
  return IntAt(*c.a, i);
}
std::optional<int64_t> OptionalInt(const Child& c, int64_t i) {
  if (!c.IsSet(i)) return std::nullopt;
  return IntAt(*c.a, i);
}
std::optional<bool> OptionalBool(const Child& c, int64_t i) {
  if (!c.IsSet(i)) return std::nullopt;
  return c.a->BoolValue(i);
}

// Map entries of row i of map column `m` as (key, value-or-null) pairs, in file order.
template <typename F>
void ForEachEntry(const ArrayData& m, int64_t i, F&& f) {
  const auto& entries = *m.children[0];
  const auto& keys = *entries.children[0];
  const auto& values = *entries.children[1];
  for (int32_t k = m.ListBegin(i); k < m.ListEnd(i); ++k) {
    const int64_t ek = entries.offset + k;
    f(keys.BytesValue(ek), values.IsNull(ek) ? nullptr : &values, ek);
  }
}

// partitionValues: null values are null partition values; a later duplicate key wins, as
// with JSON object members assigned in order.
PartitionValues PartitionsAt(const ArrayData& m, int64_t i) {
  PartitionValues out;
  ForEachEntry(m, i, [&](std::string_view key, const ArrayData* values, int64_t ek) {
    auto& slot = out[std::string(key)];
    if (values) {
      slot = std::string(values->BytesValue(ek));
    } else {
      slot = std::nullopt;
    }
  });
  return out;
}

// tags: null values are skipped (ParseStringMap).
Tags TagsAt(const ArrayData& m, int64_t i) {
  Tags out;
  ForEachEntry(m, i, [&](std::string_view key, const ArrayData* values, int64_t ek) {
    if (values) out[std::string(key)] = std::string(values->BytesValue(ek));
  });
  return out;
}

Result<std::optional<DeletionVectorDescriptor>> DvAt(const Child& c, int64_t i, std::string_view prefix) {
  if (!c.IsSet(i)) return std::optional<DeletionVectorDescriptor>();
  const ArrayData& s = *c.a;
  Child d[kDvCount];
  BindChildren(s, kDvNames, kDvKinds, d);  // types checked when the parent was bound
  const int64_t ci = s.offset + i;
  const std::string p = FieldName(prefix, "deletionVector");
  DeletionVectorDescriptor dv;
  TIDE_ASSIGN_OR_RETURN(dv.storage_type, RequiredString(d[kDvStorage], ci, p, "storageType"));
  TIDE_ASSIGN_OR_RETURN(dv.path_or_inline_dv, RequiredString(d[kDvPath], ci, p, "pathOrInlineDv"));
  if (auto offset = OptionalInt(d[kDvOffset], ci)) {
    if (*offset < 0 || *offset > INT32_MAX) return json::FieldError(FieldName(p, "offset"), "out of range");
    dv.offset = static_cast<int32_t>(*offset);
  }
  TIDE_ASSIGN_OR_RETURN(int64_t size, RequiredInt(d[kDvSize], ci, p, "sizeInBytes"));
  if (size < 0 || size > INT32_MAX) return json::FieldError(FieldName(p, "sizeInBytes"), "out of range");
  dv.size_in_bytes = static_cast<int32_t>(size);
  TIDE_ASSIGN_OR_RETURN(dv.cardinality, RequiredInt(d[kDvCard], ci, p, "cardinality"));
  if (dv.cardinality < 0) return json::FieldError(FieldName(p, "cardinality"), "negative");
  return std::optional<DeletionVectorDescriptor>(std::move(dv));
}

constexpr const char* kAddNames[] = {"path", "partitionValues", "size", "modificationTime", "dataChange", "stats",
                                     "tags", "deletionVector", "baseRowId", "defaultRowCommitVersion",
                                     "clusteringProvider"};
constexpr Kind kAddKinds[] = {Kind::kString, Kind::kStringMap, Kind::kInt, Kind::kInt, Kind::kBool, Kind::kString,
                              Kind::kStringMap, Kind::kDv, Kind::kInt, Kind::kInt, Kind::kString};
enum AddField {
  kAddPath, kAddPartitions, kAddSize, kAddModTime, kAddDataChange, kAddStats, kAddTags, kAddDv, kAddBaseRowId,
  kAddRowCommitVersion, kAddClustering, kAddCount
};

constexpr const char* kRemoveNames[] = {"path", "deletionTimestamp", "dataChange", "extendedFileMetadata",
                                        "partitionValues", "size", "stats", "tags", "deletionVector", "baseRowId",
                                        "defaultRowCommitVersion"};
constexpr Kind kRemoveKinds[] = {Kind::kString, Kind::kInt, Kind::kBool, Kind::kBool, Kind::kStringMap, Kind::kInt,
                                 Kind::kString, Kind::kStringMap, Kind::kDv, Kind::kInt, Kind::kInt};
enum RemoveField {
  kRmPath, kRmDeletionTs, kRmDataChange, kRmExtended, kRmPartitions, kRmSize, kRmStats, kRmTags, kRmDv,
  kRmBaseRowId, kRmRowCommitVersion, kRmCount
};

// Typed decoder of the add column of one batch. stats_parsed is bound only to learn whether a
// row has it: such a row (stats absent, stats_parsed present) goes to the generic path, which
// renders stats_parsed as the stats JSON.
class AddDecoder {
 public:
  // False when the column has a child of an unexpected type (generic path for the batch).
  bool Bind(const ArrayData& column) {
    s_ = &column;
    if (!BindChildren(column, kAddNames, kAddKinds, c_)) return false;
    // stats_parsed (a struct of any shape) is only looked at for being set.
    const auto& fields = column.type->children();
    for (size_t f = 0; f < fields.size() && stats_parsed_.a == nullptr; ++f) {
      if (fields[f]->name() == "stats_parsed") stats_parsed_.a = column.children[f].get();
    }
    return true;
  }
  // True when row r must be decoded by the generic path.
  bool NeedsGeneric(int64_t r) const {
    const int64_t ci = s_->offset + r;
    return !c_[kAddStats].IsSet(ci) && stats_parsed_.IsSet(ci);
  }
  Result<AddFile> Decode(int64_t r) const {
    const int64_t i = s_->offset + r;
    AddFile a;
    TIDE_ASSIGN_OR_RETURN(a.path, RequiredString(c_[kAddPath], i, "add", "path"));
    if (!c_[kAddPartitions].IsSet(i)) return json::FieldError("add.partitionValues", "missing required field");
    a.partition_values = PartitionsAt(*c_[kAddPartitions].a, i);
    TIDE_ASSIGN_OR_RETURN(a.size, RequiredInt(c_[kAddSize], i, "add", "size"));
    if (a.size < 0) return json::FieldError("add.size", "negative");
    TIDE_ASSIGN_OR_RETURN(a.modification_time, RequiredInt(c_[kAddModTime], i, "add", "modificationTime"));
    auto dc = OptionalBool(c_[kAddDataChange], i);
    if (!dc) return json::FieldError("add.dataChange", "missing required field");
    a.data_change = *dc;
    a.stats = OptionalString(c_[kAddStats], i);
    if (c_[kAddTags].IsSet(i)) a.tags = TagsAt(*c_[kAddTags].a, i);
    TIDE_ASSIGN_OR_RETURN(a.deletion_vector, DvAt(c_[kAddDv], i, "add"));
    a.base_row_id = OptionalInt(c_[kAddBaseRowId], i);
    a.default_row_commit_version = OptionalInt(c_[kAddRowCommitVersion], i);
    a.clustering_provider = OptionalString(c_[kAddClustering], i);
    return a;
  }

 private:
  const ArrayData* s_ = nullptr;
  Child c_[kAddCount];
  Child stats_parsed_;
};

class RemoveDecoder {
 public:
  bool Bind(const ArrayData& column) {
    s_ = &column;
    return BindChildren(column, kRemoveNames, kRemoveKinds, c_);
  }
  Result<RemoveFile> Decode(int64_t r) const {
    const int64_t i = s_->offset + r;
    RemoveFile x;
    TIDE_ASSIGN_OR_RETURN(x.path, RequiredString(c_[kRmPath], i, "remove", "path"));
    x.deletion_timestamp = OptionalInt(c_[kRmDeletionTs], i);
    x.data_change = OptionalBool(c_[kRmDataChange], i).value_or(true);
    x.extended_file_metadata = OptionalBool(c_[kRmExtended], i);
    if (c_[kRmPartitions].IsSet(i)) x.partition_values = PartitionsAt(*c_[kRmPartitions].a, i);
    x.size = OptionalInt(c_[kRmSize], i);
    x.stats = OptionalString(c_[kRmStats], i);
    if (c_[kRmTags].IsSet(i)) x.tags = TagsAt(*c_[kRmTags].a, i);
    TIDE_ASSIGN_OR_RETURN(x.deletion_vector, DvAt(c_[kRmDv], i, "remove"));
    x.base_row_id = OptionalInt(c_[kRmBaseRowId], i);
    x.default_row_commit_version = OptionalInt(c_[kRmRowCommitVersion], i);
    return x;
  }

 private:
  const ArrayData* s_ = nullptr;
  Child c_[kRmCount];
};

constexpr const char* kActionColumns[] = {"protocol", "metaData", "add", "remove", "cdc", "txn",
                                          "commitInfo", "domainMetadata", "checkpointMetadata", "sidecar"};

}  // namespace

Result<std::vector<Action>> ReadParquetCheckpointFile(const std::string& path) {
  TIDE_ASSIGN_OR_RETURN(auto reader, format::parquet::ParquetReader::Open(path));
  const auto& schema = reader->schema();
  std::vector<int> columns;
  for (const char* name : kActionColumns) {
    int idx = schema.FieldIndex(name);
    if (idx >= 0 && schema.field(idx)->type()->id() == col::TypeId::kStruct) columns.push_back(idx);
  }
  if (columns.empty()) return Status::Corruption(path + ": not a Delta checkpoint (no action columns)");
  std::vector<Action> actions;
  int64_t row_base = 0;
  std::string line;
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    TIDE_ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(g, columns));
    // Typed decoders for the add / remove columns of this batch (-1: none or generic path).
    AddDecoder add;
    RemoveDecoder remove;
    int add_col = -1, remove_col = -1;
    for (int c = 0; c < batch->num_columns(); ++c) {
      const std::string& name = batch->schema()->field(c)->name();
      if (name == "add" && add_col < 0 && add.Bind(*batch->column(c))) add_col = c;
      if (name == "remove" && remove_col < 0 && remove.Bind(*batch->column(c))) remove_col = c;
    }
    actions.reserve(actions.size() + static_cast<size_t>(batch->num_rows()));
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      for (int c = 0; c < batch->num_columns(); ++c) {
        const auto& column = *batch->column(c);
        if (column.IsNull(r)) continue;
        Status st;
        if (c == add_col && !add.NeedsGeneric(r)) {
          auto a = add.Decode(r);
          if (a.ok()) actions.emplace_back(std::move(a).value()); else st = a.status();
        } else if (c == remove_col) {
          auto x = remove.Decode(r);
          if (x.ok()) actions.emplace_back(std::move(x).value()); else st = x.status();
        } else {
          auto action = ParseRowAsJson(batch->schema()->field(c)->name(), column, r, &line);
          if (action.ok()) {
            if (*action) actions.push_back(std::move(**action));
          } else {
            st = action.status();
          }
        }
        if (!st.ok()) return Status(st.code(), path + ": row " + std::to_string(row_base + r) + ": " + st.message());
        break;  // one action per row
      }
    }
    row_base += batch->num_rows();
  }
  return actions;
}

}  // namespace tide::table
