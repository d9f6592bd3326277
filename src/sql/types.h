// Mapping of parsed SQL types (TypeSpec, ast.h) to Tide's columnar types.
//
//   TINYINT/BYTE -> Int8        SMALLINT/SHORT -> Int16     INT/INTEGER -> Int32
//   BIGINT/LONG -> Int64        FLOAT/REAL -> Float32       DOUBLE -> Float64
//   DECIMAL(p,s) -> Decimal(p,s) (DECIMAL alone is (10,0), DECIMAL(p) is (p,0), as in Spark)
//   STRING, VARCHAR(n), CHAR(n) -> Utf8 (the length limit is the binder's to enforce)
//   BINARY -> Binary            BOOLEAN -> Boolean          DATE -> Date32
//   TIMESTAMP, TIMESTAMP_LTZ -> Timestamp(micro, utc)       TIMESTAMP_NTZ -> Timestamp(micro, local)
//   ARRAY<t> -> List            MAP<k, v> -> Map (keys not null)
//   STRUCT<a: t NOT NULL> -> Struct (fields nullable unless NOT NULL)   VOID -> Null
//   INTERVAL -> Unsupported (no columnar interval type yet)
// Errors: InvalidArgument for a decimal precision outside 1..38 or a scale above the
// precision, Unsupported for INTERVAL; both name the type's line and column.
#pragma once

#include <string_view>

#include "base/result.h"
#include "columnar/type.h"
#include "sql/ast.h"

namespace tide::sql {

base::Result<columnar::TypePtr> ToColumnarType(const TypeSpec& spec);

// Canonical SQL name of a type name without parameters: "BIGINT", "DECIMAL", "ARRAY", ...
std::string_view TypeNameSql(TypeName name);

}  // namespace tide::sql
