// Grouped aggregate states: one object holds the state of one aggregate call for every group
// of a hash table (struct-of-arrays, indexed by group id), so updates are tight typed loops
// over a batch with one virtual call per batch, not per row.
//
// Life cycle: Resize(groups) whenever the table grows; Update() with a batch's evaluated
// argument columns and each row's group id (kSkipRow for rows a FILTER clause or a null
// argument drops); Merge() another thread's state into this one given where each of its groups
// went; Finalize() one value per group (the call's result type).
//
// Semantics follow Spark: nulls are ignored (count(*) counts rows); sum/avg/min/max of no
// values are null, count of none is 0; integer sum overflow fails under ANSI mode with an error
// naming the aggregate (wraps otherwise); decimal sums are exact in 128 bits and fail past 38
// digits; stddev/variance use Welford's method merged with Chan's formula (null for fewer than
// 2 values for the sample variants); percentile_approx returns the smallest value v such that
// at least p of the values are <= v (exact up to a sketch size, then approximate);
// approx_count_distinct is exact for small sets and HyperLogLog past them.
//
// Thread-safety: a state is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "columnar/array.h"
#include "exec/query_context.h"
#include "sql/logical_plan.h"

namespace tide::exec::internal {

constexpr uint32_t kSkipRow = 0xFFFFFFFFu;

class GroupedAggregate {
 public:
  virtual ~GroupedAggregate() = default;
  virtual void Resize(int64_t num_groups) = 0;
  // args: the call's non-constant argument columns (each of length >= n).
  virtual base::Status Update(const std::vector<const columnar::ArrayData*>& args, const uint32_t* groups,
                              int64_t n) = 0;
  // For k < n: adds group src[k] of `other` (same call) into group dst[k] of this state.
  // May move values out of the merged groups of `other` (they are not used again). Different
  // states may merge disjoint groups of one `other` concurrently.
  virtual base::Status Merge(GroupedAggregate& other, const uint32_t* src, const uint32_t* dst, int64_t n) = 0;
  virtual base::Result<columnar::ArrayPtr> Finalize(int64_t num_groups) = 0;
  // Approximate bytes held (for the memory limit).
  virtual int64_t MemoryBytes() const = 0;
  // DISTINCT wrappers: the inner aggregate's state after seeing each group's distinct values
  // once (not finalized, so states of disjoint value sets can be merged). nullptr otherwise.
  virtual base::Result<std::unique_ptr<GroupedAggregate>> ReduceDistinct(int64_t /*num_groups*/) {
    return std::unique_ptr<GroupedAggregate>();
  }
};

// Which of the call's args are evaluated per row (the others are constant parameters, read
// once by MakeGroupedAggregate).
std::vector<int> AggregateInputArgs(const sql::AggregateCall& call);

base::Result<std::unique_ptr<GroupedAggregate>> MakeGroupedAggregate(const sql::AggregateCall& call,
                                                                     QueryContext* ctx);

}  // namespace tide::exec::internal
