#include "columnar/type.h"

namespace tide::columnar {

namespace {
TypePtr Simple(TypeId id) { return std::make_shared<DataType>(id); }
}  // namespace

const FieldPtr& DataType::map_key() const { return children_[0]->type()->children()[0]; }
const FieldPtr& DataType::map_value() const { return children_[0]->type()->children()[1]; }

int DataType::FixedWidth() const {
  switch (id_) {
    case TypeId::kInt8:
    case TypeId::kUInt8: return 1;
    case TypeId::kInt16:
    case TypeId::kUInt16: return 2;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate32: return 4;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTime64:
    case TypeId::kTimestamp: return 8;
    case TypeId::kDecimal128: return 16;
    case TypeId::kFixedSizeBinary: return byte_width_;
    default: return 0;
  }
}

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kNull: return "VOID";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kInt8: return "TINYINT";
    case TypeId::kInt16: return "SMALLINT";
    case TypeId::kInt32: return "INT";
    case TypeId::kInt64: return "BIGINT";
    // Spark has no unsigned types; these names follow DuckDB.
    case TypeId::kUInt8: return "UTINYINT";
    case TypeId::kUInt16: return "USMALLINT";
    case TypeId::kUInt32: return "UINTEGER";
    case TypeId::kUInt64: return "UBIGINT";
    case TypeId::kFloat32: return "FLOAT";
    case TypeId::kFloat64: return "DOUBLE";
    case TypeId::kDecimal128: return "DECIMAL(" + std::to_string(precision_) + "," + std::to_string(scale_) + ")";
    case TypeId::kString: return "STRING";
    case TypeId::kBinary: return "BINARY";
    case TypeId::kFixedSizeBinary: return "BINARY(" + std::to_string(byte_width_) + ")";
    case TypeId::kDate32: return "DATE";
    case TypeId::kTime64: return unit_ == TimeUnit::kNano ? "TIME(9)" : "TIME";
    case TypeId::kTimestamp: {
      std::string s = utc_adjusted_ ? "TIMESTAMP" : "TIMESTAMP_NTZ";
      if (unit_ == TimeUnit::kNano) s += "(9)";
      return s;
    }
    case TypeId::kStruct: {
      std::string s = "STRUCT<";
      for (size_t i = 0; i < children_.size(); ++i) {
        if (i) s += ", ";
        s += children_[i]->name() + ": " + children_[i]->type()->ToString();
      }
      return s + ">";
    }
    case TypeId::kList: return "ARRAY<" + children_[0]->type()->ToString() + ">";
    case TypeId::kMap:
      return "MAP<" + map_key()->type()->ToString() + ", " + map_value()->type()->ToString() + ">";
  }
  return "?";
}

bool DataType::Equals(const DataType& o) const {
  if (id_ != o.id_) return false;
  switch (id_) {
    case TypeId::kDecimal128: return precision_ == o.precision_ && scale_ == o.scale_;
    case TypeId::kFixedSizeBinary: return byte_width_ == o.byte_width_;
    case TypeId::kTime64: return unit_ == o.unit_;
    case TypeId::kTimestamp: return unit_ == o.unit_ && utc_adjusted_ == o.utc_adjusted_;
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap:
      if (children_.size() != o.children_.size()) return false;
      for (size_t i = 0; i < children_.size(); ++i) {
        if (!children_[i]->Equals(*o.children_[i])) return false;
      }
      return true;
    default: return true;
  }
}

std::string Field::ToString() const {
  std::string s = name_ + " " + type_->ToString();
  if (!nullable_) s += " NOT NULL";
  return s;
}

bool Field::Equals(const Field& o) const {
  return name_ == o.name_ && nullable_ == o.nullable_ && type_->Equals(*o.type_);
}

FieldPtr MakeField(std::string name, TypePtr type, bool nullable, KeyValueMetadata metadata) {
  return std::make_shared<Field>(std::move(name), std::move(type), nullable, std::move(metadata));
}

int Schema::FieldIndex(const std::string& name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i]->name() == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string s;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) s += ", ";
    s += fields_[i]->name() + " " + fields_[i]->type()->ToString();
  }
  return s;
}

bool Schema::Equals(const Schema& o) const {
  if (fields_.size() != o.fields_.size()) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!fields_[i]->Equals(*o.fields_[i])) return false;
  }
  return true;
}

#define TIDE_SINGLETON(fn, id)                 \
  TypePtr fn() {                               \
    static const TypePtr t = Simple(TypeId::id); \
    return t;                                  \
  }
TIDE_SINGLETON(Null, kNull)
TIDE_SINGLETON(Boolean, kBoolean)
TIDE_SINGLETON(Int8, kInt8)
TIDE_SINGLETON(Int16, kInt16)
TIDE_SINGLETON(Int32, kInt32)
TIDE_SINGLETON(Int64, kInt64)
TIDE_SINGLETON(UInt8, kUInt8)
TIDE_SINGLETON(UInt16, kUInt16)
TIDE_SINGLETON(UInt32, kUInt32)
TIDE_SINGLETON(UInt64, kUInt64)
TIDE_SINGLETON(Float32, kFloat32)
TIDE_SINGLETON(Float64, kFloat64)
TIDE_SINGLETON(Utf8, kString)
TIDE_SINGLETON(Binary, kBinary)
TIDE_SINGLETON(Date32, kDate32)
#undef TIDE_SINGLETON

TypePtr Decimal(int precision, int scale) {
  auto t = std::make_shared<DataType>(TypeId::kDecimal128);
  t->precision_ = precision;
  t->scale_ = scale;
  return t;
}

TypePtr FixedSizeBinary(int32_t byte_width) {
  auto t = std::make_shared<DataType>(TypeId::kFixedSizeBinary);
  t->byte_width_ = byte_width;
  return t;
}

TypePtr Time64(TimeUnit unit) {
  auto t = std::make_shared<DataType>(TypeId::kTime64);
  t->unit_ = unit;
  return t;
}

TypePtr Timestamp(TimeUnit unit, bool utc_adjusted) {
  auto t = std::make_shared<DataType>(TypeId::kTimestamp);
  t->unit_ = unit;
  t->utc_adjusted_ = utc_adjusted;
  return t;
}

TypePtr Struct(std::vector<FieldPtr> fields) {
  auto t = std::make_shared<DataType>(TypeId::kStruct);
  t->children_ = std::move(fields);
  return t;
}

TypePtr List(FieldPtr element) {
  auto t = std::make_shared<DataType>(TypeId::kList);
  t->children_.push_back(std::move(element));
  return t;
}

TypePtr List(TypePtr element_type) { return List(MakeField("element", std::move(element_type), true)); }

TypePtr Map(FieldPtr key, FieldPtr value) {
  auto t = std::make_shared<DataType>(TypeId::kMap);
  t->children_.push_back(MakeField("entries", Struct({std::move(key), std::move(value)}), false));
  return t;
}

TypePtr Map(TypePtr key_type, TypePtr value_type, bool value_nullable) {
  return Map(MakeField("key", std::move(key_type), false), MakeField("value", std::move(value_type), value_nullable));
}

}  // namespace tide::columnar
