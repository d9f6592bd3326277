// Factories of the aggregate implementation files (aggregate.cc dispatches).
#pragma once

#include <memory>
#include <vector>

#include "base/result.h"
#include "columnar/array.h"
#include "exec/aggregates/aggregate.h"

namespace tide::exec::internal {

// nullptr (no error) when the name is not one of the file's functions.
base::Result<std::unique_ptr<GroupedAggregate>> MakeBasicAggregate(const sql::AggregateCall& call,
                                                                   const std::vector<columnar::TypePtr>& in_types,
                                                                   QueryContext* ctx);
base::Result<std::unique_ptr<GroupedAggregate>> MakeComplexAggregate(const sql::AggregateCall& call,
                                                                     const std::vector<columnar::TypePtr>& in_types,
                                                                     QueryContext* ctx);
// Wraps an aggregate so that it sees each distinct argument tuple of a group once.
std::unique_ptr<GroupedAggregate> MakeDistinctAggregate(std::unique_ptr<GroupedAggregate> inner,
                                                        std::vector<columnar::TypePtr> in_types);

// One value per group from one-row columns (nullptr entries are null).
base::Result<columnar::ArrayPtr> OneRowColumnsToArray(const columnar::TypePtr& type,
                                                      const std::vector<columnar::ArrayPtr>& vals, int64_t n);

}  // namespace tide::exec::internal
