// `tide table optimize|vacuum|restore`: maintain a Delta table (table/maintenance.h).
//
//   tide table optimize PATH [--where "part = 'x' AND ..."] [--zorder-by c,...]
//                            [--target-file-size BYTES] [--min-file-size BYTES]
//   tide table vacuum PATH [--retain-hours N] [--dry-run] [--force]
//   tide table restore PATH (--version N | --timestamp T)
// T is milliseconds since the epoch or an ISO-8601 timestamp ("2024-05-01T10:00:00Z"; no zone
// means UTC). Each prints a one-line summary, then the operation's metrics as "  name value".
#include <cstdio>
#include <sstream>

#include "cli/command.h"
#include "format/text_value.h"
#include "table/maintenance.h"
#include "table/scan.h"

namespace tide::cli {
namespace {

using base::Result;
using base::Status;

struct MaintenanceArgs {
  std::string path;
  std::string where;
  std::string zorder_by;
  int64_t target_file_size = 0;
  int64_t min_file_size = 0;
  double retain_hours = -1;
  bool dry_run = false;
  bool force = false;
  int64_t version = -1;
  std::string timestamp;
};

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    const size_t b = part.find_first_not_of(" \t");
    const size_t e = part.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(part.substr(b, e - b + 1));
  }
  return out;
}

// "a = 1 AND b = 'x'" -> filters. AND inside quotes is not a separator.
Result<std::vector<table::ColumnFilter>> ParseWhere(const std::string& text) {
  std::vector<table::ColumnFilter> out;
  size_t start = 0;
  char quote = 0;
  auto flush = [&](size_t end) -> Status {
    std::string part = text.substr(start, end - start);
    if (part.find_first_not_of(" \t") == std::string::npos) {
      return Status::InvalidArgument("--where: empty condition in '" + text + "'");
    }
    TIDE_ASSIGN_OR_RETURN(auto f, table::ParseColumnFilter(part));
    out.push_back(std::move(f));
    return Status::OK();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if ((c == 'A' || c == 'a') && i > 0 && text[i - 1] == ' ' && i + 4 <= text.size() &&
        (text.compare(i, 4, "AND ") == 0 || text.compare(i, 4, "and ") == 0)) {
      TIDE_RETURN_IF_ERROR(flush(i));
      start = i + 4;
      i += 3;
    }
  }
  if (text.find_first_not_of(" \t") != std::string::npos) TIDE_RETURN_IF_ERROR(flush(text.size()));
  return out;
}

void PrintMetrics(const std::map<std::string, int64_t>& metrics) {
  for (const auto& [k, v] : metrics) std::printf("  %s %lld\n", k.c_str(), static_cast<long long>(v));
}

long long Metric(const std::map<std::string, int64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : static_cast<long long>(it->second);
}

Status Optimize(const MaintenanceArgs& args) {
  table::OptimizeOptions o;
  TIDE_ASSIGN_OR_RETURN(o.filters, ParseWhere(args.where));
  o.zorder_by = SplitComma(args.zorder_by);
  if (args.target_file_size < 0 || args.min_file_size < 0) {
    return Status::InvalidArgument("--target-file-size and --min-file-size must be positive");
  }
  o.target_file_size = args.target_file_size;
  o.min_file_size = args.min_file_size;
  TIDE_ASSIGN_OR_RETURN(auto r, table::Optimize(args.path, o));
  if (r.version < 0) {
    std::printf("nothing to optimize: %lld files considered, none to compact\n", Metric(r.metrics, "totalConsideredFiles"));
  } else {
    std::printf("version %lld: OPTIMIZE%s removed %lld files (%lld bytes), added %lld files (%lld bytes)\n",
                static_cast<long long>(r.version), o.zorder_by.empty() ? "" : " ZORDER", Metric(r.metrics, "numFilesRemoved"),
                Metric(r.metrics, "numRemovedBytes"), Metric(r.metrics, "numFilesAdded"), Metric(r.metrics, "numAddedBytes"));
  }
  PrintMetrics(r.metrics);
  return Status::OK();
}

Status Vacuum(const MaintenanceArgs& args) {
  table::VacuumOptions o;
  if (args.retain_hours >= 0) o.retention_hours = args.retain_hours;
  o.dry_run = args.dry_run;
  o.enforce_retention = !args.force;
  TIDE_ASSIGN_OR_RETURN(auto r, table::Vacuum(args.path, o));
  if (args.dry_run) {
    for (const auto& f : r.files) std::printf("%s\n", f.c_str());
    std::printf("dry run: %zu files (%lld bytes) would be deleted (retention %g hours)\n", r.files.size(),
                static_cast<long long>(r.bytes), static_cast<double>(r.retention_ms) / 3600000.0);
  } else {
    std::printf("deleted %zu files (%lld bytes) and %lld empty directories (retention %g hours)\n", r.files.size(),
                static_cast<long long>(r.bytes), static_cast<long long>(r.directories_removed),
                static_cast<double>(r.retention_ms) / 3600000.0);
  }
  return Status::OK();
}

Result<int64_t> ParseTimestampMs(const std::string& text) {
  bool digits = !text.empty();
  for (char c : text) digits &= c >= '0' && c <= '9';
  if (digits && text.size() < 19) return std::stoll(text);
  int64_t micros, offset;
  bool zone;
  std::string why;
  if (!format::text::ParseTimestamp(text, columnar::TimeUnit::kMicro, &micros, &zone, &offset, &why)) {
    return Status::InvalidArgument("--timestamp: '" + text + "' " + why + " (or give milliseconds since the epoch)");
  }
  // Floor to ms: a commit at .5 ms belongs to the millisecond it is in.
  return micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
}

Status Restore(const MaintenanceArgs& args) {
  table::RestoreOptions o;
  if ((args.version >= 0) == !args.timestamp.empty()) {
    return Status::InvalidArgument("restore needs exactly one of --version N or --timestamp T");
  }
  if (args.version >= 0) {
    o.version = args.version;
  } else {
    TIDE_ASSIGN_OR_RETURN(int64_t ms, ParseTimestampMs(args.timestamp));
    o.timestamp_ms = ms;
  }
  TIDE_ASSIGN_OR_RETURN(auto r, table::Restore(args.path, o));
  std::printf("version %lld: restored to version %lld (%lld files restored, %lld removed)\n",
              static_cast<long long>(r.version), static_cast<long long>(r.restored_version),
              Metric(r.metrics, "numRestoredFiles"), Metric(r.metrics, "numRemovedFiles"));
  PrintMetrics(r.metrics);
  return Status::OK();
}

}  // namespace

void AddTableMaintenanceCommands(CLI::App& table, CommandResult& result) {
  {
    auto args = std::make_shared<MaintenanceArgs>();
    CLI::App* cmd = table.add_subcommand("optimize", "Compact small files; optionally Z-order by columns");
    cmd->add_option("PATH", args->path, "Table directory")->required();
    cmd->add_option("--where", args->where, "Only these partitions: \"part = 'x' AND ...\" over partition columns");
    cmd->add_option("--zorder-by", args->zorder_by, "Cluster by these data columns (comma-separated)");
    cmd->add_option("--target-file-size", args->target_file_size, "Bytes per output file (default: delta.targetFileSize or 128 MiB)");
    cmd->add_option("--min-file-size", args->min_file_size, "Files at least this big are left alone (default: the target size)");
    cmd->callback([args, &result] { result.status = Optimize(*args); });
  }
  {
    auto args = std::make_shared<MaintenanceArgs>();
    CLI::App* cmd = table.add_subcommand("vacuum", "Delete files no longer referenced by the table");
    cmd->add_option("PATH", args->path, "Table directory")->required();
    cmd->add_option("--retain-hours", args->retain_hours,
                    "Keep files removed less than N hours ago (default: delta.deletedFileRetentionDuration, 7 days)");
    cmd->add_flag("--dry-run", args->dry_run, "Only list the files that would be deleted");
    cmd->add_flag("--force", args->force, "Allow a retention shorter than the table's");
    cmd->callback([args, &result] { result.status = Vacuum(*args); });
  }
  {
    auto args = std::make_shared<MaintenanceArgs>();
    CLI::App* cmd = table.add_subcommand("restore", "Restore the table to an earlier version");
    cmd->add_option("PATH", args->path, "Table directory")->required();
    cmd->add_option("--version", args->version, "The version to restore");
    cmd->add_option("--timestamp", args->timestamp, "The latest version at or before this time (ms or ISO-8601)");
    cmd->callback([args, &result] { result.status = Restore(*args); });
  }
}

}  // namespace tide::cli
