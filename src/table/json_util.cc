#include "table/json_util.h"

#include <rapidjson/error/en.h>

#include <cmath>

namespace tide::table::json {

base::Status Parse(std::string_view text, rapidjson::Document* doc, std::string_view where) {
  doc->Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseNanAndInfFlag>(text.data(), text.size());
  if (doc->HasParseError()) {
    return base::Status::Corruption(std::string(where) + ": invalid JSON at byte " +
                                    std::to_string(doc->GetErrorOffset()) + ": " +
                                    rapidjson::GetParseError_En(doc->GetParseError()));
  }
  return base::Status::OK();
}

const Value* Find(const Value& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::string ToText(const Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteNanAndInfFlag>
      w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::optional<int64_t> AsInt(const Value& v) {
  if (v.IsInt64()) return v.GetInt64();
  if (v.IsUint64()) return std::nullopt;  // > INT64_MAX
  if (v.IsDouble()) {
    double d = v.GetDouble();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

base::Result<std::string> RequiredString(const Value& obj, std::string_view key, std::string_view field) {
  const Value* v = Find(obj, key);
  if (!v) return FieldError(field, "missing required field");
  if (!v->IsString()) return FieldError(field, "expected a string");
  return std::string(v->GetString(), v->GetStringLength());
}

base::Result<std::optional<std::string>> OptionalString(const Value& obj, std::string_view key,
                                                        std::string_view field) {
  const Value* v = Find(obj, key);
  if (!v) return std::optional<std::string>();
  if (!v->IsString()) return FieldError(field, "expected a string");
  return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
}

base::Result<int64_t> RequiredInt(const Value& obj, std::string_view key, std::string_view field) {
  const Value* v = Find(obj, key);
  if (!v) return FieldError(field, "missing required field");
  auto i = AsInt(*v);
  if (!i) return FieldError(field, "expected a number");
  return *i;
}

base::Result<std::optional<int64_t>> OptionalInt(const Value& obj, std::string_view key, std::string_view field) {
  const Value* v = Find(obj, key);
  if (!v) return std::optional<int64_t>();
  auto i = AsInt(*v);
  if (!i) return FieldError(field, "expected a number");
  return std::optional<int64_t>(*i);
}

base::Result<bool> RequiredBool(const Value& obj, std::string_view key, std::string_view field) {
  const Value* v = Find(obj, key);
  if (!v) return FieldError(field, "missing required field");
  if (!v->IsBool()) return FieldError(field, "expected a boolean");
  return v->GetBool();
}

base::Result<std::optional<bool>> OptionalBool(const Value& obj, std::string_view key, std::string_view field) {
  const Value* v = Find(obj, key);
  if (!v) return std::optional<bool>();
  if (!v->IsBool()) return FieldError(field, "expected a boolean");
  return std::optional<bool>(v->GetBool());
}

}  // namespace tide::table::json
