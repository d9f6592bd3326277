// Spark's time window function `window(ts, windowDuration[, slideDuration[, startTime]])`
// (see TimeWindowState in binder_internal.h). A row belongs to the windows
// [start, start + windowDuration) with start = startTime + k * slideDuration <= ts; a tumbling
// window (slide = duration) is one per row and becomes a projection, a sliding one is up to
// ceil(duration / slide) per row and becomes an explode over the candidates and a filter.
#include <cstdint>
#include <string>
#include <vector>

#include "sql/binder_internal.h"
#include "sql/function_catalog.h"
#include "sql/optimizer_util.h"

namespace tide::sql::binder_internal {

using base::Result;
using columnar::TypeId;

namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
// Each row is copied once per window it falls in; past this many a query is almost surely a
// mistake (a slide of a second over a day-long window) and would multiply the input by it.
constexpr int64_t kMaxWindowsPerRow = 1000;

}  // namespace

Result<BoundExprPtr> Binder::BindTimeWindow(const FunctionCall& f, ExprContext& ctx) {
  const std::string sql = ExprSql(f);
  TimeWindowState* tw = ctx.time_window;
  if (tw == nullptr) {
    return Error(f.pos, "window() is allowed only in the select list, GROUP BY, HAVING and ORDER BY of a query (not in " +
                            ctx.clause + ")");
  }
  if (f.distinct || f.filter) return Error(f.pos, "window() takes no DISTINCT or FILTER");
  if (tw->column >= 0) {
    if (sql != tw->sql) {
      return Unsupported(f.pos, "only one time window per query is supported: '" + sql + "' differs from '" + tw->sql + "'");
    }
    auto col = std::const_pointer_cast<BoundExpr>(MakeColumn(tw->column, tw->type, false, "window"));
    col->pos = f.pos;
    return BoundExprPtr(col);
  }
  if (f.args.size() < 2 || f.args.size() > 4) {
    return Error(f.pos, "window(timeColumn, windowDuration[, slideDuration[, startTime]]) takes 2 to 4 arguments, got " +
                            std::to_string(f.args.size()));
  }
  ExprContext actx;
  actx.scope = tw->scope;
  actx.clause = "the time column of window()";
  actx.allow_subqueries = false;
  TIDE_ASSIGN_OR_RETURN(BoundExprPtr ts, Bind(*f.args[0], actx));
  if (ts->type->id() != TypeId::kTimestamp || !ts->type->utc_adjusted()) {
    return Error(f.args[0]->pos, "window() needs a TIMESTAMP time column, got '" + ts->sql + "' of type " + ts->type->ToString());
  }
  // A duration is a constant interval: '10 minutes' or INTERVAL 10 MINUTES; days are 24 hours.
  auto duration = [&](const Expr& e, const char* what) -> Result<int64_t> {
    Result<IntervalValue> v = base::Status::OK();
    if (e.kind == ExprKind::kInterval) {
      v = EvalInterval(e.As<IntervalLiteral>());
    } else if (e.kind == ExprKind::kLiteral && e.As<Literal>().literal_kind == LiteralKind::kString) {
      IntervalLiteral lit(e.pos);
      lit.text = e.As<Literal>().text;
      v = EvalInterval(lit);
    } else {
      return Error(e.pos, std::string("the ") + what + " of window() must be a constant interval such as '10 minutes', got '" +
                              ExprSql(e) + "'");
    }
    if (!v.ok()) return AddPosition(v.status(), e.pos);
    if (v->months != 0) {
      return Error(e.pos, std::string("the ") + what + " of window() cannot use months or years (their length varies)");
    }
    int64_t day_micros = 0, total = 0;
    if (__builtin_mul_overflow(v->days, kMicrosPerDay, &day_micros) || __builtin_add_overflow(day_micros, v->micros, &total)) {
      return Error(e.pos, std::string("the ") + what + " of window() is out of range");
    }
    return total;
  };
  TIDE_ASSIGN_OR_RETURN(int64_t width, duration(*f.args[1], "window duration"));
  int64_t slide = width, start_offset = 0;
  if (f.args.size() >= 3) {
    TIDE_ASSIGN_OR_RETURN(slide, duration(*f.args[2], "slide duration"));
  }
  if (f.args.size() == 4) {
    TIDE_ASSIGN_OR_RETURN(start_offset, duration(*f.args[3], "start time"));
  }
  if (width <= 0) return Error(f.args[1]->pos, "the window duration of window() must be greater than 0");
  if (slide <= 0) return Error(f.args[2]->pos, "the slide duration of window() must be greater than 0");
  if (slide > width) {
    return Error(f.args[2]->pos, "the slide duration of window() must be less than or equal to the window duration");
  }
  if ((start_offset < 0 ? -start_offset : start_offset) >= slide) {
    return Error(f.args[3]->pos, "the absolute value of the start time of window() must be less than the slide duration");
  }
  const int64_t windows_per_row = width / slide + (width % slide != 0 ? 1 : 0);
  if (windows_per_row > kMaxWindowsPerRow) {
    return Error(f.pos, "window() would put each row in " + std::to_string(windows_per_row) +
                            " windows (duration / slide); at most " + std::to_string(kMaxWindowsPerRow) + " are supported");
  }

  // Rows without a time belong to no window (Spark drops them).
  PlanPtr& plan = *tw->plan;
  TIDE_ASSIGN_OR_RETURN(BoundExprPtr has_time, Call("is_not_null", {ts}, f.pos, "(" + ts->sql + " IS NOT NULL)"));
  plan = planutil::MakeFilter(plan, has_time);

  // The latest window start at or before ts, in microseconds: ts - pmod(ts - startTime, slide).
  TIDE_ASSIGN_OR_RETURN(BoundExprPtr micros, Call("unix_micros", {ts}, f.pos, "unix_micros(" + ts->sql + ")"));
  BoundExprPtr shifted = micros;
  if (start_offset != 0) {
    TIDE_ASSIGN_OR_RETURN(shifted, Call("subtract", {micros, MakeInt64Literal(start_offset)}, f.pos, sql));
  }
  TIDE_ASSIGN_OR_RETURN(BoundExprPtr phase, Call("pmod", {shifted, MakeInt64Literal(slide)}, f.pos, sql));
  TIDE_ASSIGN_OR_RETURN(BoundExprPtr last_start, Call("subtract", {micros, phase}, f.pos, sql));
  auto window_struct = [&](int64_t back) -> Result<BoundExprPtr> {
    BoundExprPtr start_micros = last_start;
    if (back != 0) {
      TIDE_ASSIGN_OR_RETURN(start_micros, Call("subtract", {last_start, MakeInt64Literal(back)}, f.pos, sql));
    }
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr end_micros, Call("add", {start_micros, MakeInt64Literal(width)}, f.pos, sql));
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr start, Call("timestamp_micros", {start_micros}, f.pos, "window.start"));
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr end, Call("timestamp_micros", {end_micros}, f.pos, "window.end"));
    return Call("named_struct", {MakeStringLiteral("start"), start, MakeStringLiteral("end"), end}, f.pos, sql);
  };

  const int width_before = plan->schema->num_fields();
  if (windows_per_row == 1) {
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr window, window_struct(0));
    std::vector<BoundExprPtr> exprs;
    std::vector<std::string> names;
    for (int i = 0; i < width_before; ++i) {
      const auto& field = plan->schema->field(i);
      exprs.push_back(MakeColumn(i, field->type(), field->nullable(), field->name()));
      names.push_back(field->name());
    }
    exprs.push_back(window);
    names.push_back("window");
    plan = planutil::MakeProject(plan, std::move(exprs), std::move(names));
  } else {
    // Sliding: the candidates start at last_start, last_start - slide, ...; the oldest ones may
    // already have ended before ts, which the filter below drops.
    std::vector<BoundExprPtr> candidates;
    for (int64_t k = 0; k < windows_per_row; ++k) {
      TIDE_ASSIGN_OR_RETURN(BoundExprPtr w, window_struct(k * slide));
      candidates.push_back(w);
    }
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr all, Call("array", std::move(candidates), f.pos, sql));
    auto rf = ResolveFunction("explode", {all});
    if (!rf.ok()) return AddPosition(rf.status(), f.pos);
    auto node = std::make_shared<PlanNode>();
    node->kind = PlanKind::kExplode;
    node->generator = MakeCall(rf->name, {all}, rf->result_type ? rf->result_type : columnar::Null(), true, sql, f.pos);
    std::vector<columnar::FieldPtr> out = plan->schema->fields();
    out.push_back(columnar::MakeField("window", rf->generated.at(0)->type(), false));
    node->schema = planutil::MakeSchema(std::move(out));
    node->children.push_back(plan);
    plan = node;
  }
  const auto& window_type = plan->schema->field(width_before)->type();
  ScopeColumn c;
  c.name = "window";
  c.type = window_type;
  c.nullable = false;
  c.in_star = false;  // as in Spark: `window.start` resolves, `*` does not show it
  tw->scope->columns.push_back(c);
  tw->column = width_before;
  tw->type = window_type;
  tw->sql = sql;
  auto col = std::const_pointer_cast<BoundExpr>(MakeColumn(width_before, window_type, false, "window"));
  col->pos = f.pos;
  if (windows_per_row > 1) {
    Identifier end_field;
    end_field.name = "end";
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr end, FieldAccess(col, end_field, f.pos, "window.end"));
    TIDE_ASSIGN_OR_RETURN(BoundExprPtr inside, Call("lt", {ts, end}, f.pos, "(" + ts->sql + " < window.end)"));
    plan = planutil::MakeFilter(plan, inside);
  }
  return BoundExprPtr(col);
}

}  // namespace tide::sql::binder_internal
