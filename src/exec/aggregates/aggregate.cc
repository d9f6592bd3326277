#include "exec/aggregates/aggregate.h"

#include "exec/aggregates/aggregate_internal.h"

namespace tide::exec::internal {

std::vector<int> AggregateInputArgs(const sql::AggregateCall& call) {
  const std::string& f = call.function;
  std::vector<int> out;
  const int n = static_cast<int>(call.args.size());
  int take = n;
  if (f == "percentile_approx" || f == "approx_percentile" || f == "approx_count_distinct" || f == "first" ||
      f == "first_value" || f == "last" || f == "last_value" || f == "any_value" || f == "percentile" || f == "median") {
    take = std::min(n, 1);
  }
  if (f == "count_star") take = 0;
  for (int i = 0; i < take; ++i) out.push_back(i);
  return out;
}

base::Result<std::unique_ptr<GroupedAggregate>> MakeGroupedAggregate(const sql::AggregateCall& call,
                                                                     QueryContext* ctx) {
  std::vector<columnar::TypePtr> in_types;
  for (int i : AggregateInputArgs(call)) in_types.push_back(call.args[i]->type);
  TIDE_ASSIGN_OR_RETURN(std::unique_ptr<GroupedAggregate> agg, MakeBasicAggregate(call, in_types, ctx));
  if (!agg) {
    TIDE_ASSIGN_OR_RETURN(agg, MakeComplexAggregate(call, in_types, ctx));
  }
  if (!agg) {
    return base::Status::Unsupported("aggregate function '" + call.function + "' is not supported (in '" +
                                     call.sql + "')");
  }
  if (call.distinct) agg = MakeDistinctAggregate(std::move(agg), std::move(in_types));
  return agg;
}

}  // namespace tide::exec::internal
