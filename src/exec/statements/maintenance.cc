// OPTIMIZE [WHERE] [ZORDER BY], VACUUM [RETAIN n HOURS] [DRY RUN], RESTORE TO VERSION/TIMESTAMP.
#include "base/strings.h"
#include "columnar/builder.h"
#include "exec/filter_pushdown.h"
#include "exec/statements/statements.h"
#include "table/maintenance.h"
#include "table/snapshot.h"

namespace tide::exec::stmt {

namespace col = tide::columnar;
using base::Status;
using base::StatusCode;

namespace {

base::Result<std::shared_ptr<const table::Snapshot>> LoadTable(StatementEnv& env, const sql::QualifiedName& qn,
                                                              std::string* root) {
  TIDE_ASSIGN_OR_RETURN(*root, env.catalog->ResolveDeltaRoot(qn));
  auto snap = table::Snapshot::Load(*root);
  if (!snap.ok() && snap.status().code() == StatusCode::kNotFound) {
    return ErrorAt(env, qn.pos, StatusCode::kNotFound,
                   "table " + QualifiedNameText(qn) + " not found (no Delta table at " + *root + ")");
  }
  return snap;
}

}  // namespace

base::Result<StatementResult> Optimize(StatementEnv& env, const sql::OptimizeStatement& s) {
  std::string root;
  TIDE_ASSIGN_OR_RETURN(auto snap, LoadTable(env, s.table, &root));
  table::OptimizeOptions opts;
  opts.snapshot = snap;
  const auto& schema = snap->schema();
  const std::string alias = s.table.IsPathTable() ? std::string() : s.table.parts.back().name;
  if (s.where) {
    TIDE_ASSIGN_OR_RETURN(sql::BoundExprPtr where, BindOverTable(env, *s.where, schema, alias));
    std::vector<sql::BoundExprPtr> conjuncts;
    SplitConjuncts(where, &conjuncts);
    std::vector<std::string> names;
    for (const auto& f : schema->fields()) names.push_back(f->name());
    for (const auto& c : conjuncts) {
      auto fs = ToColumnFilters({c}, names);
      if (fs.empty()) {
        return ErrorAt(env, s.where->pos, StatusCode::kInvalidArgument,
                       "OPTIMIZE ... WHERE takes comparisons of partition columns with constants; '" + c->sql +
                           "' is not one");
      }
      for (auto& f : fs) opts.filters.push_back(std::move(f));
    }
  }
  for (const auto& z : s.zorder_by) {
    if (z->kind != sql::ExprKind::kColumnRef) {
      return ErrorAt(env, z->pos, StatusCode::kInvalidArgument, "ZORDER BY takes column names");
    }
    const auto& ref = z->As<sql::ColumnRef>();
    int idx = FindColumn(*schema, ref.parts.back().name);
    if (ref.parts.size() != 1 || idx < 0) {
      return ErrorAt(env, z->pos, StatusCode::kInvalidArgument,
                     "ZORDER BY column '" + ref.parts.back().name + "' is not a top-level column of " +
                         QualifiedNameText(s.table));
    }
    opts.zorder_by.push_back(schema->field(idx)->name());
  }
  auto r = table::Optimize(root, opts);
  if (!r.ok()) return r.status().WithContext("OPTIMIZE " + QualifiedNameText(s.table));
  const auto& m = r->metrics;
  return PathAndMetrics(root, {{"numFilesAdded", Metric(m, "numFilesAdded")},
                               {"numFilesRemoved", Metric(m, "numFilesRemoved")},
                               {"numAddedBytes", Metric(m, "numAddedBytes")},
                               {"numRemovedBytes", Metric(m, "numRemovedBytes")},
                               {"partitionsOptimized", Metric(m, "partitionsOptimized")},
                               {"totalConsideredFiles", Metric(m, "totalConsideredFiles")},
                               {"totalFilesSkipped", Metric(m, "totalFilesSkipped")},
                               {"numRowsRewritten", Metric(m, "numRowsRewritten")}});
}

base::Result<StatementResult> Vacuum(StatementEnv& env, const sql::VacuumStatement& s) {
  std::string root;
  TIDE_ASSIGN_OR_RETURN(auto snap, LoadTable(env, s.table, &root));
  (void)snap;
  table::VacuumOptions opts;
  opts.dry_run = s.dry_run;
  if (s.retain_hours) {
    TIDE_ASSIGN_OR_RETURN(double hours, EvalDouble(env, *s.retain_hours, "RETAIN n HOURS"));
    if (hours < 0) {
      return ErrorAt(env, s.retain_hours->pos, StatusCode::kInvalidArgument, "RETAIN hours must not be negative");
    }
    opts.retention_hours = hours;
  }
  auto check = env.Conf(kRetentionCheckKey);
  opts.enforce_retention = !(check && base::AsciiLower(*check) == "false");
  auto r = table::Vacuum(root, opts);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kInvalidArgument && opts.enforce_retention) {
      return Status(r.status().code(), r.status().message() + " (SET " + std::string(kRetentionCheckKey) +
                                           " = false to allow it)");
    }
    return r.status().WithContext("VACUUM " + QualifiedNameText(s.table));
  }
  std::vector<TextRow> rows;
  if (s.dry_run) {
    for (const auto& f : r->files) rows.push_back({root + "/" + f});
  } else {
    rows.push_back({root});
  }
  return TextResult({"path"}, rows);
}

base::Result<StatementResult> Restore(StatementEnv& env, const sql::RestoreStatement& s) {
  std::string root;
  TIDE_ASSIGN_OR_RETURN(auto snap, LoadTable(env, s.table, &root));
  (void)snap;
  TIDE_ASSIGN_OR_RETURN(sql::TimeTravelSpec spec, EvalTimeTravel(env, s.target));
  table::RestoreOptions opts;
  if (spec.kind == sql::TimeTravelKind::kVersion) {
    opts.version = spec.version;
  } else {
    int64_t us = spec.timestamp_micros;
    opts.timestamp_ms = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
  }
  auto r = table::Restore(root, opts);
  if (!r.ok()) return r.status().WithContext("RESTORE " + QualifiedNameText(s.table));
  const auto& m = r->metrics;
  return MetricsResult({{"table_size_after_restore", Metric(m, "tableSizeAfterRestore")},
                        {"num_of_files_after_restore", Metric(m, "numOfFilesAfterRestore")},
                        {"num_removed_files", Metric(m, "numRemovedFiles")},
                        {"num_restored_files", Metric(m, "numRestoredFiles")},
                        {"removed_files_size", Metric(m, "removedFilesSize")},
                        {"restored_files_size", Metric(m, "restoredFilesSize")}});
}

}  // namespace tide::exec::stmt
