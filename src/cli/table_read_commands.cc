// `tide table cat|describe|history|check|files`: read a Delta table.
//
//   tide table cat PATH [--version N | --timestamp T] [--columns a,b] [--where "col op lit"]...
//                       [--limit N]
//       rows as JSON lines (DESIGN.md row format); --where filters are ANDed, prune partitions,
//       skip files by their statistics, and filter rows. T: ISO-8601 ("2024-01-31T10:00:00Z",
//       "2024-01-31 10:00:00" = UTC) or milliseconds since the epoch.
//   tide table describe PATH [--version N | --timestamp T] [--json]
//   tide table history PATH [--limit N]          newest first, one JSON object per commit
//   tide table check PATH [--version N]          exit 1 listing every missing / wrong-size file
//   tide table files PATH [--version N | --timestamp T] [--json]   active files as JSON lines
// Exit codes: 0 ok, 1 error (one line on stderr), 2 usage.
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <sys/stat.h>

#include "base/json_writer.h"
#include "cli/command.h"
#include "columnar/json.h"
#include "table/data_skipping.h"
#include "table/deletion_vector.h"
#include "table/partition.h"
#include "table/scan.h"
#include "table/snapshot.h"

namespace tide::cli {
namespace {

using base::Result;
using base::Status;
namespace tbl = tide::table;

struct ReadArgs {
  std::string path;
  int64_t version = -1;
  std::string timestamp;
  std::string columns;
  std::vector<std::string> where;
  int64_t limit = -1;
  bool json = false;
  std::string explain;  // cat: print the scan plan to stderr
  bool stats = false;
};

Result<int64_t> ParseTimestampArg(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos && text.size() <= 18) {
    return static_cast<int64_t>(std::stoll(text));
  }
  auto micros = tbl::ParseTimestampValue(text, true);
  if (!micros.ok()) {
    return Status::InvalidArgument("--timestamp: '" + text +
                                   "' is not a timestamp (YYYY-MM-DD[ HH:MM:SS[.ffffff]][Z|+HH:MM] or epoch ms)");
  }
  int64_t us = *micros;
  return us >= 0 ? us / 1000 : -((-us + 999) / 1000);
}

Result<std::shared_ptr<const tbl::Snapshot>> LoadSnapshot(const ReadArgs& args) {
  tbl::SnapshotOptions opts;
  if (args.version >= 0) opts.version = args.version;
  if (!args.timestamp.empty()) {
    if (args.version >= 0) return Status::InvalidArgument("give --version or --timestamp, not both");
    TIDE_ASSIGN_OR_RETURN(int64_t ms, ParseTimestampArg(args.timestamp));
    opts.timestamp_ms = ms;
  }
  return tbl::Snapshot::Load(args.path, opts);
}

std::string TsText(int64_t ms) {
  return columnar::FormatTimestamp(ms * 1000, columnar::TimeUnit::kMicro, true);
}

void WriteLine(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
}

Status Cat(const ReadArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto snap, LoadSnapshot(args));
  tbl::ScanOptions opts;
  if (!args.columns.empty()) {
    std::stringstream names(args.columns);
    std::string name;
    while (std::getline(names, name, ',')) {
      if (!name.empty()) opts.columns.push_back(name);
    }
  }
  for (const auto& w : args.where) {
    TIDE_ASSIGN_OR_RETURN(auto f, tbl::ParseColumnFilter(w));
    opts.filters.push_back(std::move(f));
  }
  tbl::ScanPlan plan;
  std::string buf;
  TIDE_RETURN_IF_ERROR(tbl::ScanTable(*snap, opts, args.limit, [&](std::shared_ptr<columnar::RecordBatch> batch) {
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      buf = columnar::RowToJson(*batch, r);
      buf.push_back('\n');
      if (std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size()) return Status::IoError("write to stdout failed");
    }
    return Status::OK();
  }, &plan));
  std::fflush(stdout);
  if (args.stats) {
    std::fprintf(stderr, "files: %lld total, %lld skipped by partition, %lld skipped by stats, %lld read\n",
                 static_cast<long long>(plan.files_total), static_cast<long long>(plan.files_skipped_by_partition),
                 static_cast<long long>(plan.files_skipped_by_stats), static_cast<long long>(plan.files.size()));
  }
  return Status::OK();
}

std::string FeatureList(const std::vector<std::string>& f) {
  std::string s;
  for (size_t i = 0; i < f.size(); ++i) s += (i ? ", " : "") + f[i];
  return s.empty() ? "(none)" : s;
}

void AppendStringArray(std::string* out, const std::vector<std::string>& v) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out->push_back(',');
    base::AppendJsonString(out, v[i]);
  }
  out->push_back(']');
}

Status Describe(const ReadArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto snap, LoadSnapshot(args));
  const auto& md = snap->metadata();
  const auto& p = snap->protocol();
  auto rf = tbl::ReaderFeatures(p);
  auto wf = tbl::WriterFeatures(p);
  if (args.json) {
    std::string o = "{\"path\":";
    base::AppendJsonString(&o, snap->table_root());
    o += ",\"version\":" + std::to_string(snap->version());
    o += ",\"timestamp\":";
    base::AppendJsonString(&o, TsText(snap->timestamp_ms()));
    o += ",\"id\":";
    base::AppendJsonString(&o, md.id);
    if (md.name) { o += ",\"name\":"; base::AppendJsonString(&o, *md.name); }
    if (md.description) { o += ",\"description\":"; base::AppendJsonString(&o, *md.description); }
    o += ",\"schema\":[";
    for (int i = 0; i < snap->schema()->num_fields(); ++i) {
      const auto& f = snap->schema()->field(i);
      if (i) o += ",";
      o += "{\"name\":";
      base::AppendJsonString(&o, f->name());
      o += ",\"type\":";
      base::AppendJsonString(&o, f->type()->ToString());
      o += f->nullable() ? ",\"nullable\":true}" : ",\"nullable\":false}";
    }
    o += "],\"schemaString\":";
    base::AppendJsonString(&o, md.schema_string);
    o += ",\"partitionColumns\":";
    AppendStringArray(&o, md.partition_columns);
    o += ",\"properties\":{";
    bool first = true;
    for (const auto& [k, v] : md.configuration) {
      if (!first) o += ",";
      first = false;
      base::AppendJsonString(&o, k);
      o += ":";
      base::AppendJsonString(&o, v);
    }
    o += "},\"protocol\":{\"minReaderVersion\":" + std::to_string(p.min_reader_version) +
         ",\"minWriterVersion\":" + std::to_string(p.min_writer_version) + ",\"readerFeatures\":";
    AppendStringArray(&o, rf);
    o += ",\"writerFeatures\":";
    AppendStringArray(&o, wf);
    o += "},\"columnMapping\":";
    base::AppendJsonString(&o, tbl::ColumnMappingModeName(snap->column_mapping_mode()));
    o += ",\"numFiles\":" + std::to_string(snap->files().size());
    o += ",\"sizeInBytes\":" + std::to_string(snap->total_size());
    o += ",\"checkpointVersion\":" + std::to_string(snap->checkpoint_version());
    if (md.created_time) o += ",\"createdTime\":" + std::to_string(*md.created_time);
    o += ",\"appTransactions\":{";
    bool first_txn = true;
    for (const auto& [app, txn] : snap->app_transactions()) {
      if (!first_txn) o += ",";
      first_txn = false;
      base::AppendJsonString(&o, app);
      o += ":" + std::to_string(txn.version);
    }
    o += "},\"domains\":";
    std::vector<std::string> domains;
    for (const auto& [d, dm] : snap->domain_metadata()) domains.push_back(d);
    AppendStringArray(&o, domains);
    o += "}";
    WriteLine(o);
    return Status::OK();
  }
  std::string t;
  t += "Table:       " + snap->table_root() + "\n";
  t += "Version:     " + std::to_string(snap->version()) + " (" + TsText(snap->timestamp_ms()) + ")\n";
  t += "Id:          " + md.id + "\n";
  if (md.name) t += "Name:        " + *md.name + "\n";
  if (md.description) t += "Description: " + *md.description + "\n";
  t += "Files:       " + std::to_string(snap->files().size()) + " (" + std::to_string(snap->total_size()) + " bytes)\n";
  t += "Protocol:    reader " + std::to_string(p.min_reader_version) + ", writer " + std::to_string(p.min_writer_version) + "\n";
  t += "Reader features: " + FeatureList(rf) + "\n";
  t += "Writer features: " + FeatureList(wf) + "\n";
  t += "Column mapping:  " + std::string(tbl::ColumnMappingModeName(snap->column_mapping_mode())) + "\n";
  t += "Partitioned by:  " + (md.partition_columns.empty() ? std::string("(not partitioned)") : FeatureList(md.partition_columns)) + "\n";
  t += "\nSchema:\n";
  for (const auto& f : snap->schema()->fields()) t += "  " + f->ToString() + "\n";
  t += "\nProperties:\n";
  if (md.configuration.empty()) t += "  (none)\n";
  for (const auto& [k, v] : md.configuration) t += "  " + k + " = " + v + "\n";
  std::fwrite(t.data(), 1, t.size(), stdout);
  return Status::OK();
}

Status History(const ReadArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto entries, tbl::ReadHistory(args.path, args.limit));
  for (const auto& e : entries) {
    std::string o = "{\"version\":" + std::to_string(e.version) + ",\"timestamp\":";
    base::AppendJsonString(&o, TsText(e.timestamp_ms));
    if (e.commit_info) {
      const auto& ci = *e.commit_info;
      if (ci.operation) { o += ",\"operation\":"; base::AppendJsonString(&o, *ci.operation); }
      o += ",\"operationParameters\":{";
      bool first = true;
      for (const auto& [k, v] : ci.operation_parameters) {
        if (!first) o += ",";
        first = false;
        base::AppendJsonString(&o, k);
        o += ":" + (v.empty() ? std::string("null") : v);
      }
      o += "},\"operationMetrics\":{";
      first = true;
      for (const auto& [k, v] : ci.operation_metrics) {
        if (!first) o += ",";
        first = false;
        base::AppendJsonString(&o, k);
        o += ":";
        base::AppendJsonString(&o, v);
      }
      o += "}";
      if (ci.read_version) o += ",\"readVersion\":" + std::to_string(*ci.read_version);
      if (ci.isolation_level) { o += ",\"isolationLevel\":"; base::AppendJsonString(&o, *ci.isolation_level); }
      if (ci.is_blind_append) o += std::string(",\"isBlindAppend\":") + (*ci.is_blind_append ? "true" : "false");
      if (ci.engine_info) { o += ",\"engineInfo\":"; base::AppendJsonString(&o, *ci.engine_info); }
    }
    o += "}";
    WriteLine(o);
  }
  return Status::OK();
}

Status Files(const ReadArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto snap, LoadSnapshot(args));
  for (const auto& f : snap->files()) {
    std::string o = "{\"path\":";
    base::AppendJsonString(&o, f.path);
    auto local = snap->DataFilePath(f.path);
    o += ",\"localPath\":";
    base::AppendJsonString(&o, local.ok() ? *local : f.path);
    o += ",\"size\":" + std::to_string(f.size);
    o += ",\"modificationTime\":" + std::to_string(f.modification_time);
    o += ",\"partitionValues\":{";
    bool first = true;
    for (const auto& [k, v] : f.partition_values) {
      if (!first) o += ",";
      first = false;
      base::AppendJsonString(&o, k);
      o += ":";
      if (v) base::AppendJsonString(&o, *v); else o += "null";
    }
    o += "}";
    std::optional<int64_t> num_records;
    if (f.stats) {
      auto st = tbl::ParseFileStats(*f.stats, *snap->schema(), snap->column_mapping_mode());
      if (st.ok()) num_records = st->num_records;
    }
    o += ",\"numRecords\":" + (num_records ? std::to_string(*num_records) : std::string("null"));
    if (f.deletion_vector) {
      o += ",\"deletionVector\":{\"storageType\":";
      base::AppendJsonString(&o, f.deletion_vector->storage_type);
      o += ",\"cardinality\":" + std::to_string(f.deletion_vector->cardinality) + "}";
    } else {
      o += ",\"deletionVector\":null";
    }
    o += "}";
    WriteLine(o);
  }
  return Status::OK();
}

Status Check(const ReadArgs& args, int* exit_code) {
  TIDE_ASSIGN_OR_RETURN(auto snap, LoadSnapshot(args));
  std::vector<std::string> problems;
  for (const auto& f : snap->files()) {
    auto path = snap->DataFilePath(f.path);
    if (!path.ok()) {
      problems.push_back(f.path + ": " + path.status().message());
      continue;
    }
    struct stat st;
    if (::stat(path->c_str(), &st) != 0) {
      problems.push_back(*path + ": missing (add.path '" + f.path + "')");
    } else if (st.st_size != f.size) {
      problems.push_back(*path + ": size " + std::to_string(st.st_size) + " bytes, the log records " + std::to_string(f.size));
    }
    if (f.deletion_vector) {
      auto dv = tbl::LoadDeletionVector(snap->table_root(), *f.deletion_vector);
      if (!dv.ok()) problems.push_back(*path + ": deletion vector: " + dv.status().message());
    }
  }
  for (const auto& p : problems) WriteLine(p);
  if (!problems.empty()) {
    std::fprintf(stderr, "tide: error: %s: %zu problem(s) in %zu active files at version %lld\n",
                 snap->table_root().c_str(), problems.size(), snap->files().size(),
                 static_cast<long long>(snap->version()));
    *exit_code = 1;
    return Status::OK();
  }
  std::printf("ok: version %lld, %zu files, %lld bytes\n", static_cast<long long>(snap->version()), snap->files().size(),
              static_cast<long long>(snap->total_size()));
  return Status::OK();
}

}  // namespace

void AddTableReadCommands(CLI::App& table, CommandResult& result) {
  auto add = [&](const char* name, const char* help) {
    auto args = std::make_shared<ReadArgs>();
    CLI::App* cmd = table.add_subcommand(name, help);
    cmd->add_option("PATH", args->path, "Table directory")->required();
    return std::make_pair(cmd, args);
  };
  auto add_version = [](CLI::App* cmd, const std::shared_ptr<ReadArgs>& args) {
    auto* v = cmd->add_option("--version", args->version, "Read the table as of this version (time travel)");
    auto* t = cmd->add_option("--timestamp", args->timestamp,
                              "Read the table as of this time: ISO-8601 (UTC unless a zone is given) or epoch ms");
    v->excludes(t);
  };
  {
    auto [cmd, args] = add("cat", "Print the table's rows as JSON lines");
    add_version(cmd, args);
    cmd->add_option("--columns", args->columns, "Only these columns, comma-separated");
    cmd->add_option("--where", args->where, "Filter \"col op literal\" or \"col IS [NOT] NULL\" (repeatable, ANDed)");
    cmd->add_option("-n,--limit", args->limit, "At most N rows");
    cmd->add_flag("--stats", args->stats, "Print files total / skipped / read on stderr");
    cmd->callback([args = args, &result] { result.status = Cat(*args); });
  }
  {
    auto [cmd, args] = add("describe", "Show schema, partitioning, properties, protocol and size");
    add_version(cmd, args);
    cmd->add_flag("--json", args->json, "One JSON object instead of text");
    cmd->callback([args = args, &result] { result.status = Describe(*args); });
  }
  {
    auto [cmd, args] = add("history", "List commits, newest first, as JSON lines");
    cmd->add_option("-n,--limit", args->limit, "At most N commits");
    cmd->callback([args = args, &result] { result.status = History(*args); });
  }
  {
    auto [cmd, args] = add("check", "Replay the log and verify every active file and deletion vector");
    add_version(cmd, args);
    cmd->callback([args = args, &result] {
      int code = 0;
      result.status = Check(*args, &code);
      if (result.status.ok()) result.exit_code = code;
    });
  }
  {
    auto [cmd, args] = add("files", "List the active data files as JSON lines");
    add_version(cmd, args);
    cmd->add_flag("--json", args->json, "JSON lines (the default)");
    cmd->callback([args = args, &result] { result.status = Files(*args); });
  }
}

}  // namespace tide::cli
