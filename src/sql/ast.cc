#include "sql/ast.h"

#include "sql/lexer.h"

namespace tide::sql {

bool QualifiedName::IsPathTable() const {
  if (parts.size() != 2 || parts[0].quoted || !parts[1].quoted) return false;
  const std::string& f = parts[0].name;
  for (std::string_view format : {"DELTA", "PARQUET", "JSON", "CSV", "TEXT", "ORC", "AVRO"}) {
    if (EqualsKeyword(f, format)) return true;
  }
  return false;
}

}  // namespace tide::sql
