// Logical data types, fields and schemas of Tide's columnar batches.
//
// A DataType is an immutable value shared through std::shared_ptr<const DataType> (TypePtr);
// build one with the factory functions below (Int64(), Decimal(10, 2), List(field), ...).
// Every type maps to exactly one Arrow physical layout (see array.h):
//   kNull                      no buffers
//   kBoolean                   bit-packed values (LSB first)
//   kInt8..kUInt64, kFloat*    fixed-width little-endian values
//   kDecimal128                16-byte little-endian two's complement unscaled value v, |v| < 10^precision
//   kDate32                    int32 days since 1970-01-01
//   kTime64                    int64 micros or nanos since midnight
//   kTimestamp                 int64 micros or nanos since the epoch; utc_adjusted says whether
//                              the value is an instant (UTC, printed with "Z") or a local time
//   kString, kBinary           int32 offsets + data bytes (strings are expected to be UTF-8)
//   kFixedSizeBinary           byte_width bytes per value
//   kList                      int32 offsets + one child
//   kStruct                    one child per field
//   kMap                       list<struct<key, value>> (one child: a non-null struct "entries")
//
// ToString() renders Spark-like DDL: "BIGINT", "DECIMAL(10,2)", "ARRAY<STRING>",
// "STRUCT<a: INT, b: STRING>", "MAP<STRING, BIGINT>"; Schema::ToString() gives
// "id BIGINT, name STRING, tags ARRAY<STRING>".
//
// Thread-safety: all types here are immutable after construction; share freely across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tide::columnar {

enum class TypeId : uint8_t {
  kNull,
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal128,
  kString,
  kBinary,
  kFixedSizeBinary,
  kDate32,
  kTime64,
  kTimestamp,
  kStruct,
  kList,
  kMap,
};

enum class TimeUnit : uint8_t { kMicro, kNano };

class DataType;
class Field;
using TypePtr = std::shared_ptr<const DataType>;
using FieldPtr = std::shared_ptr<const Field>;
using KeyValueMetadata = std::vector<std::pair<std::string, std::string>>;

class DataType {
 public:
  TypeId id() const { return id_; }
  // Decimal only: 1..38 digits, 0 <= scale <= precision. Values: |unscaled| < 10^precision (builders do not check).
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  // FixedSizeBinary only.
  int32_t byte_width() const { return byte_width_; }
  // Time64 / Timestamp only.
  TimeUnit unit() const { return unit_; }
  // Timestamp only: true for instants normalized to UTC (SQL TIMESTAMP / Spark TIMESTAMP),
  // false for local date-times (TIMESTAMP_NTZ).
  bool utc_adjusted() const { return utc_adjusted_; }
  // Struct: the fields; List: one child ("element"); Map: one child, the entries struct.
  const std::vector<FieldPtr>& children() const { return children_; }

  // Map only: the key and value fields of the entries struct.
  const FieldPtr& map_key() const;
  const FieldPtr& map_value() const;

  // Bytes per value of fixed-width layouts (1 bit types return 0; variable-width return 0).
  int FixedWidth() const;
  bool IsNested() const { return id_ == TypeId::kStruct || id_ == TypeId::kList || id_ == TypeId::kMap; }
  bool IsBinaryLike() const { return id_ == TypeId::kString || id_ == TypeId::kBinary; }

  std::string ToString() const;
  bool Equals(const DataType& other) const;

  // Use the factory functions below; public for std::make_shared.
  explicit DataType(TypeId id) : id_(id) {}
  int precision_ = 0;
  int scale_ = 0;
  int32_t byte_width_ = 0;
  TimeUnit unit_ = TimeUnit::kMicro;
  bool utc_adjusted_ = false;
  std::vector<FieldPtr> children_;

 private:
  TypeId id_;
};

// A named, typed column slot. nullable = false promises the column holds no nulls.
class Field {
 public:
  Field(std::string name, TypePtr type, bool nullable = true, KeyValueMetadata metadata = {})
      : name_(std::move(name)), type_(std::move(type)), nullable_(nullable), metadata_(std::move(metadata)) {}
  const std::string& name() const { return name_; }
  const TypePtr& type() const { return type_; }
  bool nullable() const { return nullable_; }
  const KeyValueMetadata& metadata() const { return metadata_; }
  // "name TYPE" plus " NOT NULL" when not nullable.
  std::string ToString() const;
  bool Equals(const Field& other) const;

 private:
  std::string name_;
  TypePtr type_;
  bool nullable_;
  KeyValueMetadata metadata_;
};

FieldPtr MakeField(std::string name, TypePtr type, bool nullable = true, KeyValueMetadata metadata = {});

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<FieldPtr> fields, KeyValueMetadata metadata = {})
      : fields_(std::move(fields)), metadata_(std::move(metadata)) {}
  const std::vector<FieldPtr>& fields() const { return fields_; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  const FieldPtr& field(int i) const { return fields_[i]; }
  const KeyValueMetadata& metadata() const { return metadata_; }
  // Index of the first field with this exact name, or -1.
  int FieldIndex(const std::string& name) const;
  // "id BIGINT, name STRING" (NOT NULL is omitted: Spark DDL shows nullability separately).
  std::string ToString() const;
  bool Equals(const Schema& other) const;

 private:
  std::vector<FieldPtr> fields_;
  KeyValueMetadata metadata_;
};

// Factories. Parameterless types return shared singletons.
TypePtr Null();
TypePtr Boolean();
TypePtr Int8();
TypePtr Int16();
TypePtr Int32();
TypePtr Int64();
TypePtr UInt8();
TypePtr UInt16();
TypePtr UInt32();
TypePtr UInt64();
TypePtr Float32();
TypePtr Float64();
TypePtr Utf8();
TypePtr Binary();
TypePtr Date32();
TypePtr Decimal(int precision, int scale);
TypePtr FixedSizeBinary(int32_t byte_width);
TypePtr Time64(TimeUnit unit);
TypePtr Timestamp(TimeUnit unit, bool utc_adjusted);
TypePtr Struct(std::vector<FieldPtr> fields);
TypePtr List(FieldPtr element);
TypePtr List(TypePtr element_type);  // element named "element", nullable
// map<key, value>: entries struct named "entries" with fields "key" (not null) and "value".
TypePtr Map(TypePtr key_type, TypePtr value_type, bool value_nullable = true);
TypePtr Map(FieldPtr key, FieldPtr value);

}  // namespace tide::columnar
