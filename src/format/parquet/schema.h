// Parquet schema tree → Tide columnar schema, with the definition/repetition levels the column
// reader needs to assemble nested values.
//
// Type mapping (logical type first, then the legacy converted type):
//   BOOLEAN → BOOLEAN; INT32 → INT (INT(8|16|32, signed) / INT_8.. → TINYINT/SMALLINT/INT,
//   unsigned → UTINYINT/USMALLINT/UINTEGER), DATE → DATE, TIME(MILLIS) → TIME (micros),
//   DECIMAL → DECIMAL(p,s); INT64 → BIGINT / UBIGINT, DECIMAL, TIME(MICROS|NANOS),
//   TIMESTAMP(MILLIS|MICROS) → timestamp micros (millis are scaled), TIMESTAMP(NANOS) → nanos,
//   UTC-adjusted as the annotation says (legacy TIMESTAMP_* converted types are UTC-adjusted);
//   INT96 → timestamp micros, UTC-adjusted (Impala/Spark instants; micros as Spark and DuckDB
//   read them, since nanoseconds overflow int64 for Spark's 9999-12-31); FLOAT, DOUBLE;
//   BYTE_ARRAY → STRING (STRING/UTF8/ENUM/JSON), DECIMAL, else BINARY;
//   FIXED_LEN_BYTE_ARRAY → DECIMAL, FLOAT16 → FLOAT, else BINARY(n).
//   DECIMAL with precision > 38 is Unsupported.
// Nesting follows LogicalTypes.md including its backward-compatibility rules: LIST (3-level,
// 2-level, "array" / "<name>_tuple" element groups, repeated primitive element), MAP and
// MAP_KEY_VALUE, and a repeated field outside any LIST/MAP becomes a non-null list of that
// field (a required element).
//
// Thread-safety: immutable after ConvertSchema returns.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/type.h"
#include "format/parquet/metadata.h"

namespace tide::format::parquet {

// How a leaf's physical values become the columnar type's values.
enum class LeafConversion {
  kNone,            // same bytes (INT32→INT/DATE, INT64→BIGINT/timestamp µs/ns, FLOAT, DOUBLE, FLBA)
  kBoolean,         // bit-packed booleans
  kInt32ToInt8,     // narrow (also unsigned)
  kInt32ToInt16,
  kInt32ToDecimal,  // sign-extend to 128 bits
  kInt64ToDecimal,
  kBytesToDecimal,  // big-endian two's complement (BYTE_ARRAY or FLBA), up to 16 bytes
  kMillisToMicros32,  // TIME(MILLIS) int32 → int64 micros
  kMillisToMicros64,  // TIMESTAMP(MILLIS) int64 → micros
  kInt96ToMicros,   // Julian day + nanos of day → micros since 1970
  kFloat16ToFloat32,
  kByteArray,       // BYTE_ARRAY → STRING/BINARY (offsets + data)
};

struct LeafInfo {
  std::string path;  // dotted path of the column ("a.list.element")
  SchemaElement element;
  int16_t max_def = 0;
  int16_t max_rep = 0;
  columnar::TypePtr type;  // the leaf's columnar type
  LeafConversion conversion = LeafConversion::kNone;
};

// One node of the converted tree. For a node, "slots" are the positions of a leaf's level
// stream that start a value of this node: rep <= rep_level and def >= parent_def. A struct's
// children share the struct's slots (null struct rows have null child slots, as in Arrow);
// a list's element has slots only where the list has elements (def >= elem_def).
struct SchemaNode {
  enum class Kind { kLeaf, kStruct, kList, kMap };
  Kind kind = Kind::kLeaf;
  columnar::FieldPtr field;
  int16_t def_level = 0;   // def >= def_level: the value is present and not null
  int16_t rep_level = 0;   // repeated ancestors (of this node's own slots)
  int16_t parent_def = 0;  // def >= parent_def: the slot exists
  int16_t elem_def = 0;    // list/map: def >= elem_def: the list has an element at this position
  int leaf = -1;           // kLeaf: index into leaves
  int first_leaf = 0, num_leaves = 0;
  std::vector<SchemaNode> children;  // struct: fields; list: element; map: the entries struct
};

struct ParquetSchema {
  std::shared_ptr<const columnar::Schema> schema;
  std::vector<SchemaNode> fields;  // one per top-level field
  std::vector<LeafInfo> leaves;    // in file column order
};

// Converts FileMetaData.schema. Errors name the offending schema element.
base::Result<ParquetSchema> ConvertSchema(const std::vector<SchemaElement>& elements,
                                          const std::vector<KeyValue>& key_value_metadata);

// The Parquet schema as an indented tree ("message schema {\n  optional int32 id;\n}").
std::string ParquetSchemaToText(const std::vector<SchemaElement>& elements);

}  // namespace tide::format::parquet
