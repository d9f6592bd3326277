// Internal helpers of the read path: copying rows between columns and widening casts.
// Not part of the table layer's public contract.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "columnar/builder.h"

namespace tide::table::arrayops {

// Appends value `i` of `src` to `builder` (same type layout; nested types recursively).
void AppendValue(columnar::ArrayBuilder* builder, const columnar::ArrayData& src, int64_t i);

// A new column holding rows `rows` (ascending or not) of `src`.
columnar::ArrayPtr TakeRows(const columnar::ArrayData& src, const std::vector<int64_t>& rows);

// True when values of type `from` convert to `to` without loss (Delta type widening, plus
// the identical-layout cases: timestamp UTC flag, decimal precision at equal scale).
bool CanWiden(const columnar::DataType& from, const columnar::DataType& to);

// Casts a primitive column to `to` (CanWiden must hold). `column` names it in errors.
base::Result<columnar::ArrayPtr> WidenPrimitive(const columnar::ArrayPtr& src, const columnar::TypePtr& to,
                                                const std::string& column);

}  // namespace tide::table::arrayops
