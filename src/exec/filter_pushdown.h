// Translating bound filter conjuncts (sql/bound_expr.h) into the pruning predicates of the
// storage layers: Delta ColumnFilters (table/scan.h: partition pruning, file statistics) and
// Parquet row-group Predicates (format/parquet/reader.h: row-group statistics).
//
// Only conjuncts of the simple shapes are translated; everything else is ignored, which is
// always safe because pruning never replaces the exact evaluation of the filters (the scan
// operator evaluates them on every batch, table_source.h):
//   column op literal / literal op column   (op: eq ne lt le gt ge; the side is flipped)
//   is_null(column), is_not_null(column)                 (Delta only)
//   column IN (literals)                                 (Parquet: a min..max range)
//   "and" of the above (flattened)
// `column` is a kColumn node directly (no cast around it; a cast would change the comparison's
// domain), the literal a non-null kLiteral of a primitive type. Decimal literals with a
// fraction become the enclosing integers for Parquet (whose predicates take whole decimals),
// which keeps the predicate weaker than the filter.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "columnar/type.h"
#include "format/parquet/reader.h"
#include "sql/bound_expr.h"
#include "table/scan.h"

namespace tide::exec {

// Splits nested "and" calls into their conjuncts (in order).
void SplitConjuncts(const sql::BoundExprPtr& expr, std::vector<sql::BoundExprPtr>* out);

// `column_names[i]` names bound column i (the scan's projected columns, in order).
std::vector<table::ColumnFilter> ToColumnFilters(const std::vector<sql::BoundExprPtr>& conjuncts,
                                                 const std::vector<std::string>& column_names);

// As above for Parquet. `column_types[i]` is the type of column i in the files (to scale
// timestamps to the file's unit).
std::vector<format::parquet::Predicate> ToParquetPredicates(const std::vector<sql::BoundExprPtr>& conjuncts,
                                                            const std::vector<std::string>& column_names,
                                                            const std::vector<columnar::TypePtr>& column_types);

}  // namespace tide::exec
