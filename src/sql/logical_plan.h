// Logical query plans: the binder's output (binder.h), rewritten by the optimizer
// (optimizer.h) and executed by the exec layer (exec/executor.h).
//
// A plan is a tree of immutable PlanNodes shared through PlanPtr. Every node has an output
// schema: the columns it produces, in order, with the names a user sees (select aliases,
// table column names) and their types and nullability. Expressions in a node refer to the
// columns of its input by index (bound_expr.h):
//   kScan       no input; `scan_filters` refer to the scan's output columns
//   kFilter, kProject, kAggregate, kSort, kWindow, kLimit, kDistinct: children[0]'s columns
//   kJoin       keys: left_keys over children[0], right_keys over children[1]; `condition`
//               over the left columns followed by the right columns
//   kSetOp      no expressions; children have the same number of columns and (coerced by the
//               binder) equal types; the output takes the first child's names
//
// Node by node (output columns in brackets):
//   kScan       [table columns at `scan_columns`] reads `table` (a TableHandle from the
//               catalog) at its bound version. `scan_filters` is a conjunction the scan must
//               apply exactly (exec may also use it for partition pruning, file and row-group
//               skipping); a scan with no scan_columns still produces the right row count.
//   kValues     [schema] the rows in `values` (one column per output column, all the same
//               length; a zero-column VALUES of n rows is `values_rows`).
//   kFilter     [input] rows where `predicate` is true (null and false drop the row).
//   kProject    [exprs] one column per expression.
//   kAggregate  [group exprs..., (grouping id), aggregates...] hash aggregation. With
//               `grouping_sets` (ROLLUP, CUBE, GROUPING SETS) each set lists the indexes of
//               the group exprs it keeps; the others are null in that set's rows, and a BIGINT
//               grouping id column (Spark's grouping__id: bit i set when group expr i is NOT in
//               the set, most significant bit first) follows the group columns. With no group
//               exprs and no sets, exactly one row (global aggregate) even for empty input.
//   kJoin       [left..., right...] (semi/anti: [left...]; mark: [left..., BOOLEAN mark])
//               `left_keys[i] = right_keys[i]` (null-safe when null_safe[i]) AND `condition`.
//               Keys may be empty (nested loop / cross join). For outer joins the condition
//               decides matching (it is not a filter after the join).
//   kSort       [input] stable sort by `sort_keys`; with `limit` >= 0 only the first
//               limit + offset rows are needed (top-N).
//   kLimit      [input] skips `offset` rows, then passes at most `limit` (-1: no limit).
//   kDistinct   [input] distinct rows (nulls equal).
//   kSetOp      UNION [ALL], INTERSECT [ALL], EXCEPT [ALL] with SQL bag/set semantics.
//   kWindow     [input..., one column per window function] all functions of one node share
//               partition_by and order_by; each has its frame.
//   kExplode    [input..., generated columns] explode / posexplode / inline of
//               `generator` (a kCall) per input row; `outer` keeps rows with no elements.
//
// Thread-safety: immutable; share across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "columnar/array.h"
#include "columnar/type.h"
#include "sql/bound_expr.h"
#include "sql/catalog.h"

namespace tide::sql {

enum class PlanKind : uint8_t {
  kScan, kValues, kFilter, kProject, kAggregate, kJoin, kSort, kLimit, kDistinct, kSetOp, kWindow,
  kExplode,
};

enum class PlanJoinType : uint8_t { kInner, kLeft, kRight, kFull, kSemi, kAnti, kCross, kMark };

enum class PlanSetOp : uint8_t { kUnion, kIntersect, kExcept };

struct SortKey {
  BoundExprPtr expr;
  bool ascending = true;
  bool nulls_first = true;  // Spark's default: NULLS FIRST for ASC, NULLS LAST for DESC
};

// An aggregate function call: `function` (function_catalog.h, e.g. "sum", "count",
// "count_star", "approx_count_distinct", "percentile_approx", "collect_list") over `args`
// (already coerced to the kernel's types; constant parameters such as percentile_approx's
// percentage are literal args). `filter` (optional) restricts the rows it sees.
struct AggregateCall {
  std::string function;
  std::vector<BoundExprPtr> args;
  bool distinct = false;
  BoundExprPtr filter;
  columnar::TypePtr type;
  bool nullable = true;
  std::string sql;
};

enum class FrameUnit : uint8_t { kRows, kRange };

// A frame bound: offset rows (kRows) or an offset in the order key's units (kRange, one
// numeric/date order key) before (negative) or after (positive) the current row; unbounded
// ends are the partition's ends.
struct FrameEdge {
  bool unbounded = false;
  int64_t offset = 0;  // 0 = CURRENT ROW
};

struct WindowFrameSpec {
  FrameUnit unit = FrameUnit::kRange;
  FrameEdge start{true, 0};
  FrameEdge end{false, 0};  // Spark's default with ORDER BY: RANGE UNBOUNDED PRECEDING..CURRENT ROW
};

// A window function: ranking ("row_number", "rank", "dense_rank", "percent_rank",
// "cume_dist", "ntile"), offset ("lag", "lead", "nth_value", "first_value", "last_value";
// args: value[, offset literal[, default]]) or any aggregate function over the frame.
struct WindowCall {
  std::string function;
  std::vector<BoundExprPtr> args;
  bool ignore_nulls = false;
  bool distinct = false;
  WindowFrameSpec frame;  // without ORDER BY the frame is the whole partition
  columnar::TypePtr type;
  bool nullable = true;
  std::string sql;
};

struct PlanNode {
  PlanKind kind = PlanKind::kValues;
  std::shared_ptr<const columnar::Schema> schema;  // output columns
  std::vector<PlanPtr> children;

  // kScan
  TableHandlePtr table;
  std::vector<int> scan_columns;           // indexes into table->schema()
  std::vector<BoundExprPtr> scan_filters;  // conjunction over the scan's output columns

  // kValues
  std::vector<columnar::ArrayPtr> values;
  int64_t values_rows = 0;

  // kFilter
  BoundExprPtr predicate;

  // kProject
  std::vector<BoundExprPtr> exprs;

  // kAggregate
  std::vector<BoundExprPtr> group_exprs;
  std::vector<std::vector<int>> grouping_sets;  // empty: one set of all group exprs
  std::vector<AggregateCall> aggregates;

  // kJoin
  PlanJoinType join_type = PlanJoinType::kInner;
  std::vector<BoundExprPtr> left_keys;
  std::vector<BoundExprPtr> right_keys;
  std::vector<bool> null_safe;
  BoundExprPtr condition;  // optional residual condition

  // kSort (with limit/offset for top-N) and kLimit
  std::vector<SortKey> sort_keys;
  int64_t limit = -1;
  int64_t offset = 0;

  // kSetOp
  PlanSetOp set_op = PlanSetOp::kUnion;
  bool all = false;

  // kWindow
  std::vector<BoundExprPtr> partition_by;
  std::vector<SortKey> order_by;
  std::vector<WindowCall> windows;

  // kExplode
  BoundExprPtr generator;
  bool outer = false;
};

// Indented text of a plan for EXPLAIN, one node per line, children indented below:
//   Project [l_returnflag, sum(l_quantity)]
//     Aggregate group=[#0] aggs=[sum(#1)]
//       Scan lineitem [l_returnflag, l_quantity] filters=[(#2 <= DATE '1998-09-02')]
std::string PlanToString(const PlanNode& plan);

}  // namespace tide::sql
