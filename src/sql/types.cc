#include "sql/types.h"

#include <string>

namespace tide::sql {
namespace {

base::Status TypeError(const TypeSpec& spec, base::StatusCode code, const std::string& what) {
  return base::Status(code, "line " + std::to_string(spec.pos.line) + ", column " + std::to_string(spec.pos.column) +
                                ": " + what);
}

}  // namespace

std::string_view TypeNameSql(TypeName name) {
  switch (name) {
    case TypeName::kTinyInt: return "TINYINT";
    case TypeName::kSmallInt: return "SMALLINT";
    case TypeName::kInt: return "INT";
    case TypeName::kBigInt: return "BIGINT";
    case TypeName::kFloat: return "FLOAT";
    case TypeName::kDouble: return "DOUBLE";
    case TypeName::kDecimal: return "DECIMAL";
    case TypeName::kString: return "STRING";
    case TypeName::kVarchar: return "VARCHAR";
    case TypeName::kChar: return "CHAR";
    case TypeName::kBinary: return "BINARY";
    case TypeName::kBoolean: return "BOOLEAN";
    case TypeName::kDate: return "DATE";
    case TypeName::kTimestamp: return "TIMESTAMP";
    case TypeName::kTimestampNtz: return "TIMESTAMP_NTZ";
    case TypeName::kTimestampLtz: return "TIMESTAMP_LTZ";
    case TypeName::kArray: return "ARRAY";
    case TypeName::kMap: return "MAP";
    case TypeName::kStruct: return "STRUCT";
    case TypeName::kInterval: return "INTERVAL";
    case TypeName::kVoid: return "VOID";
  }
  return "?";
}

base::Result<columnar::TypePtr> ToColumnarType(const TypeSpec& spec) {
  namespace c = columnar;
  switch (spec.name) {
    case TypeName::kTinyInt: return c::Int8();
    case TypeName::kSmallInt: return c::Int16();
    case TypeName::kInt: return c::Int32();
    case TypeName::kBigInt: return c::Int64();
    case TypeName::kFloat: return c::Float32();
    case TypeName::kDouble: return c::Float64();
    case TypeName::kDecimal: {
      int p = spec.precision.value_or(10);
      int s = spec.scale.value_or(0);
      if (p < 1 || p > 38) {
        return TypeError(spec, base::StatusCode::kInvalidArgument,
                         "DECIMAL precision " + std::to_string(p) + " is outside 1..38");
      }
      if (s > p) {
        return TypeError(spec, base::StatusCode::kInvalidArgument,
                         "DECIMAL scale " + std::to_string(s) + " is larger than its precision " + std::to_string(p));
      }
      return c::Decimal(p, s);
    }
    case TypeName::kString:
    case TypeName::kVarchar:
    case TypeName::kChar: return c::Utf8();
    case TypeName::kBinary: return c::Binary();
    case TypeName::kBoolean: return c::Boolean();
    case TypeName::kDate: return c::Date32();
    case TypeName::kTimestamp:
    case TypeName::kTimestampLtz: return c::Timestamp(c::TimeUnit::kMicro, true);
    case TypeName::kTimestampNtz: return c::Timestamp(c::TimeUnit::kMicro, false);
    case TypeName::kVoid: return c::Null();
    case TypeName::kArray: {
      if (spec.children.size() != 1) return TypeError(spec, base::StatusCode::kInvalidArgument, "ARRAY needs one element type");
      TIDE_ASSIGN_OR_RETURN(auto element, ToColumnarType(*spec.children[0]));
      return c::List(std::move(element));
    }
    case TypeName::kMap: {
      if (spec.children.size() != 2) return TypeError(spec, base::StatusCode::kInvalidArgument, "MAP needs a key and a value type");
      TIDE_ASSIGN_OR_RETURN(auto key, ToColumnarType(*spec.children[0]));
      TIDE_ASSIGN_OR_RETURN(auto value, ToColumnarType(*spec.children[1]));
      return c::Map(std::move(key), std::move(value));
    }
    case TypeName::kStruct: {
      std::vector<c::FieldPtr> fields;
      fields.reserve(spec.fields.size());
      for (const auto& f : spec.fields) {
        TIDE_ASSIGN_OR_RETURN(auto type, ToColumnarType(*f.type));
        c::KeyValueMetadata meta;
        if (f.comment) meta.emplace_back("comment", *f.comment);
        fields.push_back(c::MakeField(f.name.name, std::move(type), !f.not_null, std::move(meta)));
      }
      return c::Struct(std::move(fields));
    }
    case TypeName::kInterval:
      return TypeError(spec, base::StatusCode::kUnsupported, "type INTERVAL has no columnar type yet");
  }
  return TypeError(spec, base::StatusCode::kInternal, "unknown type");
}

}  // namespace tide::sql
