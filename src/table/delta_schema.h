// Delta table schemas: the schemaString JSON of metaData (PROTOCOL.md "Schema Serialization
// Format") <-> columnar::Schema, Spark DDL for the CLI, and column mapping.
//
// Type mapping (Delta primitive name -> columnar type):
//   byte TINYINT(Int8)  short Int16  integer Int32  long Int64  float Float32  double Float64
//   boolean  string Utf8  binary  date Date32  decimal(p,s) Decimal(p,s)
//   timestamp      Timestamp(micros, utc_adjusted = true)   (an instant)
//   timestamp_ntz  Timestamp(micros, utc_adjusted = false)  (a local date-time)
//   struct / array (elementType, containsNull) / map (keyType, valueType, valueContainsNull)
//   "void" (Spark NullType) -> Null
// Any other type ("variant", "interval", "char(3)"...) is Unsupported naming the column:
//   "column 'v': type 'variant' is not supported".
//
// Field metadata: every key of a field's "metadata" object is kept in Field::metadata() with
// its value as JSON text (strings stay quoted: physicalName -> "\"col-5d1...\"", id -> "5").
// Use FieldMetadataString / FieldMetadataInt to read them. SerializeDeltaSchema writes them
// back verbatim, so ParseDeltaSchema(SerializeDeltaSchema(s)) == s and unknown metadata
// (delta.typeChanges, delta.identity.*, comments, delta.generationExpression) survives.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "columnar/type.h"

namespace tide::table {

// Metadata keys Tide interprets.
inline constexpr std::string_view kColumnMappingIdKey = "delta.columnMapping.id";
inline constexpr std::string_view kColumnMappingPhysicalNameKey = "delta.columnMapping.physicalName";
inline constexpr std::string_view kTypeChangesKey = "delta.typeChanges";

// Parses a schemaString (a JSON "struct" type). Errors are InvalidArgument / Corruption naming
// the field path ("column 'a.b': missing 'type'"), Unsupported for unknown types.
base::Result<columnar::Schema> ParseDeltaSchema(std::string_view schema_json);
// The schemaString of `schema` (compact JSON, Spark's field order: name, type, nullable, metadata).
// Only types expressible in Delta are allowed (InvalidArgument otherwise: unsigned ints, time,
// fixed-size binary, nanosecond timestamps).
base::Result<std::string> SerializeDeltaSchema(const columnar::Schema& schema);
// One type as Delta JSON text ("\"long\"", "{\"type\":\"array\",...}"), same rules.
base::Result<std::string> SerializeDeltaType(const columnar::DataType& type);
// Spark's name for a primitive type ("long", "decimal(10,2)", "timestamp_ntz").
std::string DeltaPrimitiveTypeName(const columnar::DataType& type);

// Spark DDL: "id BIGINT NOT NULL, name STRING, tags ARRAY<STRING>, m MAP<STRING,INT>,
// s STRUCT<a: INT, b STRING>, d DECIMAL(10,2)". Case-insensitive keywords; aliases TINYINT/BYTE,
// SMALLINT/SHORT, INT/INTEGER, BIGINT/LONG, FLOAT/REAL, DOUBLE, BOOLEAN/BOOL, STRING/VARCHAR(n)/
// CHAR(n) (as STRING), BINARY, DATE, TIMESTAMP, TIMESTAMP_NTZ, DECIMAL/DEC/NUMERIC[(p[,s])]
// (default (10,0)); names may be `back-quoted`. Errors are InvalidArgument naming the position:
// "DDL at offset 14: expected a type, found 'BIGNT'".
base::Result<columnar::Schema> ParseDdl(std::string_view ddl);

// Field metadata helpers. A string value (JSON string) unquoted / a JSON integer.
std::optional<std::string> FieldMetadataString(const columnar::Field& field, std::string_view key);
std::optional<int64_t> FieldMetadataInt(const columnar::Field& field, std::string_view key);
// A copy of `field` with metadata[key] = json_value (replaced when present).
columnar::FieldPtr WithFieldMetadata(const columnar::Field& field, std::string_view key, std::string json_value);

// ---------------------------------------------------------------- column mapping
// PROTOCOL.md "Column Mapping": with mode "name" the Parquet files name columns by
// delta.columnMapping.physicalName; with mode "id" by Parquet field_id = delta.columnMapping.id
// (physical names are also written). Stats use physical names in both modes.
enum class ColumnMappingMode { kNone, kName, kId };

// From the table property delta.columnMapping.mode ("none" default, "name", "id");
// InvalidArgument for other values.
base::Result<ColumnMappingMode> ParseColumnMappingMode(const std::map<std::string, std::string>& configuration);
std::string_view ColumnMappingModeName(ColumnMappingMode mode);

// The name a field has in data files and stats: its physicalName under name/id mode (the
// logical name when the metadata is missing), else the logical name.
std::string PhysicalName(const columnar::Field& field, ColumnMappingMode mode);

// `schema` with every field (recursively) renamed to its physical name; metadata is kept.
columnar::Schema ToPhysicalSchema(const columnar::Schema& schema, ColumnMappingMode mode);

}  // namespace tide::table
