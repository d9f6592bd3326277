// File skipping from add.stats and partition values (see data_skipping.h).
#include "table/data_skipping.h"

#include <algorithm>
#include <cmath>

#include "table/filter_eval.h"
#include "table/json_util.h"
#include "table/partition.h"

namespace tide::table {
namespace {

namespace col = tide::columnar;
using base::Result;
using base::Status;
using filtereval::Bound;
using T = col::TypeId;

void Collect(const json::Value* obj, const std::vector<col::FieldPtr>& fields, ColumnMappingMode mode,
             const std::string& prefix, std::map<std::string, std::string>* out,
             std::map<std::string, int64_t>* counts) {
  if (!obj || !obj->IsObject()) return;
  for (const auto& f : fields) {
    const json::Value* v = json::Find(*obj, PhysicalName(*f, mode));
    if (!v) continue;
    std::string path = prefix.empty() ? f->name() : prefix + "." + f->name();
    if (f->type()->id() == T::kStruct) {
      if (v->IsObject()) Collect(v, f->type()->children(), mode, path, out, counts);
      continue;
    }
    if (counts) {
      if (auto n = json::AsInt(*v)) (*counts)[path] = *n;
    } else if (!v->IsObject() && !v->IsArray()) {
      (*out)[path] = json::ToText(*v);
    }
  }
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// A stats bound (JSON text) as a Bound for `type`; nullopt when unusable.
std::optional<Bound> StatBound(const col::DataType& type, const std::string& json_text, bool is_max) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json_text.data(), json_text.size());
  if (doc.HasParseError()) return std::nullopt;
  Bound b;
  switch (type.id()) {
    case T::kInt8: case T::kInt16: case T::kInt32: case T::kInt64: {
      auto v = json::AsInt(doc);
      if (!v) return std::nullopt;
      b.i = *v;
      return b;
    }
    case T::kFloat32: case T::kFloat64:
      if (!doc.IsNumber()) return std::nullopt;
      b.kind = Bound::Kind::kDouble;
      b.d = doc.GetDouble();
      if (type.id() == T::kFloat32) {
        // The float was printed from a 32-bit value; widen the bound by one float ulp.
        float f = static_cast<float>(b.d);
        b.d = is_max ? std::nextafter(f, INFINITY) : std::nextafter(f, -INFINITY);
      }
      return b;
    case T::kDecimal128: {
      if (!doc.IsNumber()) return std::nullopt;
      auto v = ParseDecimalValue(json_text, 38, type.scale());
      if (!v.ok()) return std::nullopt;
      b.i = *v;
      b.scale = type.scale();
      return b;
    }
    case T::kDate32: {
      if (!doc.IsString()) return std::nullopt;
      auto d = ParseDateValue(doc.GetString());
      if (!d.ok()) return std::nullopt;
      b.i = *d;
      return b;
    }
    case T::kTimestamp: {
      if (!doc.IsString()) return std::nullopt;
      auto ts = ParseTimestampValue(doc.GetString(), type.utc_adjusted());
      if (!ts.ok()) return std::nullopt;
      // Stats hold milliseconds: the true max may be up to 999 µs later.
      int64_t v = *ts + (is_max ? 999 : 0);
      b.i = type.unit() == col::TimeUnit::kNano ? static_cast<__int128>(v) * 1000 + (is_max ? 999 : 0) : v;
      return b;
    }
    case T::kString: {
      if (!doc.IsString()) return std::nullopt;
      std::string s(doc.GetString(), doc.GetStringLength());
      if (is_max && Utf8Length(s) >= 32) return std::nullopt;
      b.kind = Bound::Kind::kBytes;
      b.s = std::move(s);
      return b;
    }
    case T::kBoolean:
      if (!doc.IsBool()) return std::nullopt;
      b.i = doc.GetBool() ? 1 : 0;
      return b;
    default:
      return std::nullopt;
  }
}

bool FilterCannotMatch(const FileStats& stats, const col::Schema& schema, const ColumnFilter& f) {
  std::vector<int> idx;
  const col::Field* field = filtereval::ResolveField(schema, f.column, &idx);
  if (!field || idx.empty()) return false;
  // Canonical logical path.
  std::string path;
  const std::vector<col::FieldPtr>* fields = &schema.fields();
  for (size_t k = 0; k < idx.size(); ++k) {
    const auto& fld = (*fields)[idx[k]];
    path += (k ? "." : "") + fld->name();
    fields = &fld->type()->children();
  }
  std::optional<int64_t> nulls;
  if (auto it = stats.null_count.find(path); it != stats.null_count.end()) nulls = it->second;
  bool all_null = nulls && stats.num_records && *nulls == *stats.num_records;
  if (f.op == FilterOp::kIsNull) return nulls && *nulls == 0;
  if (f.op == FilterOp::kIsNotNull) return all_null;
  if (all_null && *stats.num_records > 0) return true;  // comparisons never match null
  if (stats.num_records && *stats.num_records == 0) return true;
  auto lit = filtereval::BindLiteral(*field->type(), f.value, f.column);
  if (!lit.ok()) return false;
  std::optional<Bound> min, max;
  if (auto it = stats.min_values.find(path); it != stats.min_values.end()) min = StatBound(*field->type(), it->second, false);
  if (auto it = stats.max_values.find(path); it != stats.max_values.end()) max = StatBound(*field->type(), it->second, true);
  auto cmp = [&](const std::optional<Bound>& b) -> std::optional<int> {
    if (!b) return std::nullopt;
    return filtereval::Compare(*b, *lit);  // bound vs literal
  };
  auto cmin = cmp(min), cmax = cmp(max);
  switch (f.op) {
    case FilterOp::kEq: return (cmin && *cmin > 0) || (cmax && *cmax < 0);
    case FilterOp::kLt: return cmin && *cmin >= 0;
    case FilterOp::kLe: return cmin && *cmin > 0;
    case FilterOp::kGt: return cmax && *cmax <= 0;
    case FilterOp::kGe: return cmax && *cmax < 0;
    case FilterOp::kNe:
      // Every value equals the literal (min == max == literal); a max bound widened for ms/ulps
      // is never exactly equal, so this only triggers on exact bounds.
      return cmin && cmax && *cmin == 0 && *cmax == 0;
    default: return false;
  }
}

}  // namespace

Result<FileStats> ParseFileStats(std::string_view stats_json, const col::Schema& schema, ColumnMappingMode mode) {
  rapidjson::Document doc;
  TIDE_RETURN_IF_ERROR(json::Parse(stats_json, &doc, "add.stats"));
  if (!doc.IsObject()) return Status::Corruption("add.stats: expected a JSON object");
  FileStats s;
  if (const auto* v = json::Find(doc, "numRecords")) s.num_records = json::AsInt(*v);
  if (const auto* v = json::Find(doc, "tightBounds"); v && v->IsBool()) s.tight_bounds = v->GetBool();
  Collect(json::Find(doc, "minValues"), schema.fields(), mode, "", &s.min_values, nullptr);
  Collect(json::Find(doc, "maxValues"), schema.fields(), mode, "", &s.max_values, nullptr);
  Collect(json::Find(doc, "nullCount"), schema.fields(), mode, "", nullptr, &s.null_count);
  return s;
}

bool StatsCannotMatch(const FileStats& stats, const col::Schema& schema, const std::vector<ColumnFilter>& filters) {
  for (const auto& f : filters) {
    if (FilterCannotMatch(stats, schema, f)) return true;
  }
  return false;
}

bool PartitionCannotMatch(const PartitionValues& values, const col::Schema& schema,
                          const std::vector<std::string>& partition_columns, const std::vector<ColumnFilter>& filters,
                          ColumnMappingMode mode) {
  for (const auto& f : filters) {
    std::vector<int> idx;
    const col::Field* field = filtereval::ResolveField(schema, f.column, &idx);
    if (!field || idx.size() != 1) continue;
    if (std::find(partition_columns.begin(), partition_columns.end(), field->name()) == partition_columns.end()) continue;
    auto it = values.find(PhysicalName(*field, mode));
    if (it == values.end()) it = values.find(field->name());
    std::optional<std::string> value = it == values.end() ? std::nullopt : it->second;
    auto column = MakePartitionColumn(field->type(), value, 1, field->name());
    if (!column.ok()) continue;
    std::vector<bool> keep(1, true);
    ColumnFilter g = f;
    g.column = field->name();
    if (!ApplyFilter(**column, g, keep).ok()) continue;
    if (!keep[0]) return true;
  }
  return false;
}

}  // namespace tide::table
