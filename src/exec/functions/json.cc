// JSON functions on RapidJSON: get_json_object (JSONPath subset), from_json (into any
// nested type; malformed input gives null, as Spark's PERMISSIVE mode), to_json,
// json_array_length, json_object_keys.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cmath>

#include "columnar/json.h"
#include "exec/cast.h"
#include "exec/functions/datetime_util.h"
#include "exec/functions/kernel_util.h"
#include "exec/functions/registry_internal.h"
#include "exec/vector_ops.h"

namespace tide::exec::fn {

namespace {

using Args = std::vector<KernelArg>;
namespace rj = rapidjson;

// Numbers are kept as text so decimals and big integers convert exactly.
constexpr unsigned kParseFlags = rj::kParseNumbersAsStringsFlag | rj::kParseNanAndInfFlag;

bool ParseJson(std::string_view s, rj::Document* doc) {
  doc->Parse<kParseFlags>(s.data(), s.size());
  return !doc->HasParseError();
}

std::string Serialize(const rj::Value& v) {
  // Numbers parsed as strings must be written back as numbers: re-emit by hand.
  std::string out;
  if (v.IsString()) {
    columnar::AppendJsonString(std::string_view(v.GetString(), v.GetStringLength()), &out);
    return out;
  }
  if (v.IsObject()) {
    out.push_back('{');
    bool first = true;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (!first) out.push_back(',');
      first = false;
      columnar::AppendJsonString(std::string_view(it->name.GetString(), it->name.GetStringLength()), &out);
      out.push_back(':');
      out += Serialize(it->value);
    }
    out.push_back('}');
    return out;
  }
  if (v.IsArray()) {
    out.push_back('[');
    for (rj::SizeType k = 0; k < v.Size(); ++k) {
      if (k > 0) out.push_back(',');
      out += Serialize(v[k]);
    }
    out.push_back(']');
    return out;
  }
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsNull()) return "null";
  rj::StringBuffer sb;
  rj::Writer<rj::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

// Text of a number parsed with kParseNumbersAsStringsFlag: strings that came from numbers are
// indistinguishable from JSON strings, so callers ask the raw document (see NumberText).
struct PathStep {
  bool index = false;
  std::string name;
  int64_t pos = 0;
  bool wildcard = false;
};

// $.a.b[0]['c'][*]; false for an unsupported path.
bool ParsePath(std::string_view p, std::vector<PathStep>* steps) {
  if (p.empty() || p[0] != '$') return false;
  size_t i = 1;
  while (i < p.size()) {
    if (p[i] == '.') {
      ++i;
      size_t j = i;
      while (j < p.size() && p[j] != '.' && p[j] != '[') ++j;
      if (j == i) return false;
      PathStep s;
      s.name = std::string(p.substr(i, j - i));
      s.wildcard = s.name == "*";
      steps->push_back(s);
      i = j;
    } else if (p[i] == '[') {
      size_t j = p.find(']', i);
      if (j == std::string_view::npos) return false;
      std::string_view in = p.substr(i + 1, j - i - 1);
      PathStep s;
      if (in == "*") {
        s.index = true;
        s.wildcard = true;
      } else if (in.size() >= 2 && (in[0] == '\'' || in[0] == '"') && in.back() == in[0]) {
        s.name = std::string(in.substr(1, in.size() - 2));
      } else {
        s.index = true;
        if (in.empty()) return false;
        for (char c : in) {
          if (c < '0' || c > '9') return false;
        }
        s.pos = std::stoll(std::string(in));
      }
      steps->push_back(s);
      i = j + 1;
    } else {
      return false;
    }
  }
  return true;
}

void Walk(const rj::Value& v, const std::vector<PathStep>& steps, size_t k, std::vector<const rj::Value*>* out) {
  if (k == steps.size()) {
    out->push_back(&v);
    return;
  }
  const PathStep& s = steps[k];
  if (s.index) {
    if (!v.IsArray()) return;
    if (s.wildcard) {
      for (rj::SizeType j = 0; j < v.Size(); ++j) Walk(v[j], steps, k + 1, out);
    } else if (s.pos < static_cast<int64_t>(v.Size())) {
      Walk(v[static_cast<rj::SizeType>(s.pos)], steps, k + 1, out);
    }
    return;
  }
  if (!v.IsObject()) return;
  if (s.wildcard) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) Walk(it->value, steps, k + 1, out);
    return;
  }
  auto it = v.FindMember(rj::Value(s.name.c_str(), static_cast<rj::SizeType>(s.name.size())));
  if (it != v.MemberEnd()) Walk(it->value, steps, k + 1, out);
}

// Parsed with numbers as strings: a value is a number exactly when its text parses as one and
// it was not quoted. RapidJSON keeps no flag, so get_json_object parses twice only when needed:
// with full number parsing, to tell numbers from strings.
base::Result<ArrayPtr> GetJsonObject(KernelContext& ctx, const Args& a, int64_t n) {
  std::string last_path;
  std::vector<PathStep> steps;
  bool path_ok = false;
  return MapRowsString(ctx, a, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status*) {
    std::string_view path = StrAt(a[1], i);
    if (steps.empty() || path != last_path) {
      steps.clear();
      path_ok = ParsePath(path, &steps);
      last_path = std::string(path);
    }
    if (!path_ok) return false;
    rj::Document doc;
    std::string_view text = StrAt(a[0], i);
    doc.Parse<rj::kParseNanAndInfFlag | rj::kParseFullPrecisionFlag>(text.data(), text.size());
    if (doc.HasParseError()) return false;
    std::vector<const rj::Value*> found;
    Walk(doc, steps, 0, &found);
    bool wild = false;
    for (const auto& s : steps) wild = wild || s.wildcard;
    if (found.empty()) return false;
    auto render = [](const rj::Value& v) {
      if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
      rj::StringBuffer sb;
      rj::Writer<rj::StringBuffer> w(sb);
      v.Accept(w);
      return std::string(sb.GetString(), sb.GetSize());
    };
    if (!wild) {
      if (found[0]->IsNull()) return false;
      *out = render(*found[0]);
      return true;
    }
    if (found.size() == 1) {
      *out = render(*found[0]);
      return true;
    }
    out->push_back('[');
    for (size_t k = 0; k < found.size(); ++k) {
      if (k > 0) out->push_back(',');
      rj::StringBuffer sb;
      rj::Writer<rj::StringBuffer> w(sb);
      found[k]->Accept(w);
      out->append(sb.GetString(), sb.GetSize());
    }
    out->push_back(']');
    return true;
  });
}

base::Result<ArrayPtr> JsonArrayLength(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsFixed<int32_t>(ctx, a, n, columnar::Int32(), [&](int64_t i, int32_t* out, base::Status*) {
    rj::Document doc;
    if (!ParseJson(StrAt(a[0], i), &doc) || !doc.IsArray()) return false;
    *out = static_cast<int32_t>(doc.Size());
    return true;
  });
}

base::Result<ArrayPtr> JsonObjectKeys(KernelContext& ctx, const Args& a, int64_t n) {
  auto builder = columnar::MakeBuilder(ctx.call->type);
  auto* list = static_cast<columnar::ListBuilder*>(builder.get());
  auto* values = static_cast<columnar::BinaryBuilder*>(list->value_builder());
  for (int64_t i = 0; i < n; ++i) {
    rj::Document doc;
    if (a[0].IsNull(i) || !ParseJson(StrAt(a[0], i), &doc) || !doc.IsObject()) {
      list->AppendNull();
      continue;
    }
    list->Append();
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) values->Append(std::string_view(it->name.GetString(), it->name.GetStringLength()));
  }
  return list->Finish();
}

// ---- from_json

// Converts one JSON value into `b` (type t); false when it does not fit (the caller nulls the
// whole record, as PERMISSIVE mode without a corrupt-record column).
bool AppendJsonValue(const rj::Value& v, const TypePtr& t, columnar::ArrayBuilder* b, const TimeZone& tz) {
  if (v.IsNull()) {
    b->AppendNull();
    return true;
  }
  auto text = [&]() -> std::string_view { return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view(); };
  switch (t->id()) {
    case TypeId::kBoolean:
      if (!v.IsBool()) return false;
      static_cast<columnar::BooleanBuilder*>(b)->Append(v.GetBool());
      return true;
    case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64: {
      if (!v.IsString()) return false;
      std::string s(text());
      char* end = nullptr;
      errno = 0;
      long long x = std::strtoll(s.c_str(), &end, 10);
      if (errno != 0 || end != s.c_str() + s.size() || s.empty()) return false;
      switch (t->id()) {
        case TypeId::kInt8:
          if (x < -128 || x > 127) return false;
          static_cast<columnar::Int8Builder*>(b)->Append(static_cast<int8_t>(x));
          break;
        case TypeId::kInt16:
          if (x < -32768 || x > 32767) return false;
          static_cast<columnar::Int16Builder*>(b)->Append(static_cast<int16_t>(x));
          break;
        case TypeId::kInt32:
          if (x < INT32_MIN || x > INT32_MAX) return false;
          static_cast<columnar::Int32Builder*>(b)->Append(static_cast<int32_t>(x));
          break;
        default:
          static_cast<columnar::Int64Builder*>(b)->Append(x);
      }
      return true;
    }
    case TypeId::kFloat32: case TypeId::kFloat64: {
      if (!v.IsString()) return false;
      std::string s(text());
      char* end = nullptr;
      double x = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size() || s.empty()) return false;
      if (t->id() == TypeId::kFloat32) {
        static_cast<columnar::Float32Builder*>(b)->Append(static_cast<float>(x));
      } else {
        static_cast<columnar::Float64Builder*>(b)->Append(x);
      }
      return true;
    }
    case TypeId::kDecimal128: {
      if (!v.IsString()) return false;
      KernelContext quiet{nullptr, nullptr, false, true};
      columnar::BinaryBuilder sb(columnar::Utf8());
      sb.Append(text());
      auto r = CastArray(quiet, *sb.Finish(), t);
      if (!r.ok() || (*r)->IsNull(0)) return false;
      static_cast<columnar::Decimal128Builder*>(b)->Append((*r)->Value<__int128>(0));
      return true;
    }
    case TypeId::kString: {
      auto* sb = static_cast<columnar::BinaryBuilder*>(b);
      if (v.IsString()) {
        sb->Append(text());
      } else {
        sb->Append(Serialize(v));  // nested JSON kept as its text, as Spark
      }
      return true;
    }
    case TypeId::kDate32: {
      int32_t d;
      if (!v.IsString() || !ParseDateText(text(), &d)) return false;
      static_cast<columnar::NumericBuilder<int32_t>*>(b)->Append(d);
      return true;
    }
    case TypeId::kTimestamp: {
      int64_t us;
      if (!v.IsString() || !ParseTimestampText(text(), t->utc_adjusted() ? tz : TimeZone::Utc(), &us)) return false;
      static_cast<columnar::NumericBuilder<int64_t>*>(b)->Append(us);
      return true;
    }
    case TypeId::kList: {
      if (!v.IsArray()) return false;
      auto* lb = static_cast<columnar::ListBuilder*>(b);
      lb->Append();
      for (rj::SizeType k = 0; k < v.Size(); ++k) {
        if (!AppendJsonValue(v[k], t->children()[0]->type(), lb->value_builder(), tz)) return false;
      }
      return true;
    }
    case TypeId::kMap: {
      if (!v.IsObject()) return false;
      auto* mb = static_cast<columnar::MapBuilder*>(b);
      mb->Append();
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        mb->AppendEntry();
        rj::Value key(it->name.GetString(), it->name.GetStringLength());
        if (!AppendJsonValue(key, t->map_key()->type(), mb->key_builder(), tz)) return false;
        if (!AppendJsonValue(it->value, t->map_value()->type(), mb->item_builder(), tz)) return false;
      }
      return true;
    }
    case TypeId::kStruct: {
      if (!v.IsObject()) return false;
      auto* stb = static_cast<columnar::StructBuilder*>(b);
      stb->Append();
      const auto& fields = t->children();
      for (size_t k = 0; k < fields.size(); ++k) {
        const std::string& name = fields[k]->name();
        auto it = v.FindMember(rj::Value(name.c_str(), static_cast<rj::SizeType>(name.size())));
        if (it == v.MemberEnd()) {
          stb->child(static_cast<int>(k))->AppendNull();
        } else if (!AppendJsonValue(it->value, fields[k]->type(), stb->child(static_cast<int>(k)), tz)) {
          return false;
        }
      }
      return true;
    }
    default:
      return false;
  }
}

base::Result<ArrayPtr> FromJson(KernelContext& ctx, const Args& a, int64_t n) {
  const TypePtr& t = ctx.call->type;
  const TimeZone& tz = SessionTimeZone(ctx.query);
  columnar::ArrayPtr out;
  // Rows are built one at a time so a malformed record can be dropped to null cleanly.
  std::vector<ArrayPtr> rows;
  std::vector<int32_t> idx(n, -1);
  auto builder = columnar::MakeBuilder(t);
  int32_t good = 0;
  // PERMISSIVE: a malformed or mismatching record is a struct of nulls (for a struct schema,
  // as Spark) or null (array and map schemas).
  ArrayPtr null_record;
  if (t->id() == TypeId::kStruct) {
    auto nb = columnar::MakeBuilder(t);
    auto* sb = static_cast<columnar::StructBuilder*>(nb.get());
    sb->Append();
    for (int k = 0; k < sb->num_children(); ++k) sb->child(k)->AppendNull();
    null_record = nb->Finish();
  }
  for (int64_t i = 0; i < n; ++i) {
    if (a[0].IsNull(i)) continue;
    rj::Document doc;
    auto scratch = columnar::MakeBuilder(t);
    // Built into a scratch builder so a record failing half-way leaves nothing behind.
    if (!ParseJson(StrAt(a[0], i), &doc) || !AppendJsonValue(doc, t, scratch.get(), tz)) {
      if (null_record) {
        rows.push_back(null_record);
        idx[i] = good++;
      }
      continue;
    }
    rows.push_back(scratch->Finish());
    idx[i] = good++;
  }
  if (rows.empty()) return columnar::MakeNullArray(t, n);
  TIDE_ASSIGN_OR_RETURN(ArrayPtr all, Concatenate(rows));
  return Take(*all, idx.data(), n);
}

// ---- to_json

void AppendToJson(const ArrayData& a, int64_t i, const TimeZone& tz, std::string* out) {
  switch (a.type->id()) {
    case TypeId::kStruct: {
      out->push_back('{');
      bool first = true;
      const auto& fields = a.type->children();
      for (size_t k = 0; k < fields.size(); ++k) {
        const ArrayData& c = *a.children[k];
        const int64_t p = a.offset + i;
        if (c.IsNull(p)) continue;  // Spark's ignoreNullFields default
        if (!first) out->push_back(',');
        first = false;
        columnar::AppendJsonString(fields[k]->name(), out);
        out->push_back(':');
        AppendToJson(c, p, tz, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kList: {
      out->push_back('[');
      const ArrayData& e = *a.children[0];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) {
        if (k > a.ListBegin(i)) out->push_back(',');
        if (e.IsNull(k)) {
          out->append("null");
        } else {
          AppendToJson(e, k, tz, out);
        }
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      const ArrayData& entries = *a.children[0];
      for (int32_t k = a.ListBegin(i); k < a.ListEnd(i); ++k) {
        if (k > a.ListBegin(i)) out->push_back(',');
        const int64_t p = entries.offset + k;
        std::string key;
        AppendValueText(*entries.children[0], p, tz, &key);
        columnar::AppendJsonString(key, out);
        out->push_back(':');
        if (entries.children[1]->IsNull(p)) {
          out->append("null");
        } else {
          AppendToJson(*entries.children[1], p, tz, out);
        }
      }
      out->push_back('}');
      return;
    }
    case TypeId::kString:
      columnar::AppendJsonString(a.BytesValue(i), out);
      return;
    case TypeId::kBinary:
      columnar::AppendJsonString(columnar::Base64Encode(a.BytesValue(i)), out);
      return;
    case TypeId::kDate32: {
      std::string s;
      AppendValueText(a, i, tz, &s);
      columnar::AppendJsonString(s, out);
      return;
    }
    case TypeId::kTimestamp: {
      // Spark's default timestampFormat: yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the session zone.
      int64_t v = a.Value<int64_t>(i);
      int64_t local = a.type->utc_adjusted() ? tz.ToLocal(v) : v;
      int64_t off = (local - v) / kMicrosPerSecond;
      int64_t days = FloorDiv(local, kMicrosPerDay), tod = local - days * kMicrosPerDay;
      char buf[64];
      std::snprintf(buf, sizeof(buf), "T%02d:%02d:%02d.%03d", static_cast<int>(tod / 3600000000LL),
                    static_cast<int>(tod / 60000000 % 60), static_cast<int>(tod / 1000000 % 60),
                    static_cast<int>(tod / 1000 % 1000));
      std::string s = columnar::FormatDate32(static_cast<int32_t>(days)) + buf;
      if (a.type->utc_adjusted()) {
        if (off == 0) {
          s += "Z";
        } else {
          int64_t o = off < 0 ? -off : off;
          std::snprintf(buf, sizeof(buf), "%c%02d:%02d", off < 0 ? '-' : '+', static_cast<int>(o / 3600), static_cast<int>(o / 60 % 60));
          s += buf;
        }
      }
      columnar::AppendJsonString(s, out);
      return;
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double d = a.type->id() == TypeId::kFloat32 ? a.Value<float>(i) : a.Value<double>(i);
      if (!std::isfinite(d)) {
        columnar::AppendJsonString(std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"), out);
        return;
      }
      out->append(a.type->id() == TypeId::kFloat32 ? FormatFloatSpark(static_cast<float>(d)) : FormatDoubleSpark(d));
      return;
    }
    default:
      AppendValueText(a, i, tz, out);
      return;
  }
}

base::Result<ArrayPtr> ToJson(KernelContext& ctx, const Args& a, int64_t n) {
  const TimeZone& tz = SessionTimeZone(ctx.query);
  return MapRowsString(ctx, {a[0]}, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status*) {
    AppendToJson(a[0].data(), a[0].Row(i), tz, out);
    return true;
  });
}

// schema_of_json: Spark's inference (integers BIGINT, other numbers DOUBLE, fields sorted by
// name, null as STRING), rendered as DDL.
TypePtr InferJson(const rj::Value& v) {
  if (v.IsObject()) {
    std::vector<std::pair<std::string, TypePtr>> fields;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      fields.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()), InferJson(it->value));
    }
    std::sort(fields.begin(), fields.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<columnar::FieldPtr> out;
    for (auto& [name, t] : fields) out.push_back(columnar::MakeField(name, t));
    return columnar::Struct(std::move(out));
  }
  if (v.IsArray()) {
    TypePtr e;
    for (rj::SizeType k = 0; k < v.Size(); ++k) {
      TypePtr t = InferJson(v[k]);
      if (!e || (e->id() == TypeId::kInt64 && t->id() == TypeId::kFloat64)) e = t;
      else if (!e->Equals(*t) && !(e->id() == TypeId::kFloat64 && t->id() == TypeId::kInt64)) e = columnar::Utf8();
    }
    return columnar::List(e ? e : columnar::Utf8());
  }
  if (v.IsBool()) return columnar::Boolean();
  if (v.IsInt64() || v.IsUint64() || v.IsInt() || v.IsUint()) return columnar::Int64();
  if (v.IsNumber()) return columnar::Float64();
  return columnar::Utf8();
}

base::Result<ArrayPtr> SchemaOfJson(KernelContext& ctx, const Args& a, int64_t n) {
  return MapRowsString(ctx, {a[0]}, n, columnar::Utf8(), [&](int64_t i, std::string* out, base::Status* err) {
    rj::Document doc;
    std::string_view text = StrAt(a[0], i);
    doc.Parse<rj::kParseNanAndInfFlag>(text.data(), text.size());
    if (doc.HasParseError()) {
      *err = ctx.Error("schema_of_json: malformed JSON '" + std::string(text.substr(0, 64)) + "'");
      return false;
    }
    *out = InferJson(doc)->ToString();
    return true;
  });
}

}  // namespace

void RegisterJsonKernels(KernelRegistry* r) {
  r->AddFn("get_json_object", GetJsonObject);
  r->AddFn("json_array_length", JsonArrayLength);
  r->AddFn("json_object_keys", JsonObjectKeys);
  r->AddFn("from_json", FromJson);
  r->AddFn("to_json", ToJson);
  r->AddFn("schema_of_json", SchemaOfJson);
}

}  // namespace tide::exec::fn
