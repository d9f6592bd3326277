// Internal: typed comparison of column values with filter literals, shared by row filtering
// (scan.cc) and data skipping (data_skipping.cc). Not part of the public contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "table/scan.h"

namespace tide::table::filtereval {

// A comparable value: integers (also decimals as unscaled values, dates as days, timestamps in
// the column's unit, booleans as 0/1), doubles, or bytes.
struct Bound {
  enum class Kind { kInt, kDouble, kBytes } kind = Kind::kInt;
  __int128 i = 0;
  double d = 0;
  std::string s;
  int scale = 0;  // decimals: the scale of `i` (to compare with doubles)
};

// The literal of `filter` as a Bound for a column of `type`. InvalidArgument when the literal
// cannot be compared with the type ("filter on 'd': '2024-13-01' is not a date").
base::Result<Bound> BindLiteral(const columnar::DataType& type, const ScanLiteral& literal, const std::string& column);

// Value `i` of a primitive column (must not be null) as a Bound of the column's kind.
std::optional<Bound> ValueAt(const columnar::ArrayData& a, int64_t i);

// Three-way comparison; nullopt when incomparable (different kinds that do not mix).
std::optional<int> Compare(const Bound& a, const Bound& b);

// Whether `cmp` (the result of Compare(value, literal)) satisfies op.
bool Satisfies(FilterOp op, int cmp);

// The field at dotted path `column` in `schema` (descending through structs); nullptr when absent.
// Exact match first, then case-insensitive (Spark resolves names case-insensitively).
const columnar::Field* ResolveField(const columnar::Schema& schema, const std::string& column,
                                    std::vector<int>* indexes = nullptr);

}  // namespace tide::table::filtereval
