// `tide table create|append|overwrite`: write a Delta table.
//
//   tide table create PATH --schema 'id BIGINT NOT NULL, name STRING' [--partition-by c,...]
//                          [--property k=v ...]
//   tide table append PATH FILE... [--format parquet|json|csv] [--merge-schema]
//                          [--app-id ID --app-version N]
//   tide table overwrite PATH FILE... [--replace-where "country = 'US'"] [--format ...]
//                          [--merge-schema]
// Input formats come from the extension (.parquet; .json/.jsonl/.ndjson; .csv) unless --format
// says. JSON lines and CSV are read straight into the table's schema (their readers convert
// text to the column types); Parquet columns are cast to the table's types where that is
// lossless, others are refused naming the column. With --merge-schema, JSON input's schema is
// inferred from its first 1000 lines and merged (new columns, allowed widenings), and Parquet input's schema is merged;
// CSV input is always read with the table's columns (a header naming another is an error).
// On success one line on stdout: "version 3: 2 files, 1000 rows" (plus removed files for
// overwrite), or "skipped: ..." for an application transaction already in the table.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "format/csv_reader.h"
#include "format/json_reader.h"
#include "format/parquet/reader.h"
#include "table/delta_schema.h"
#include "table/snapshot.h"
#include "table/table.h"

namespace tide::cli {
namespace {

using base::Result;
using base::Status;
namespace col = tide::columnar;

struct WriteArgs {
  std::string path;
  std::vector<std::string> files;
  std::string format;
  bool merge_schema = false;
  std::string replace_where;
  std::string app_id;
  int64_t app_version = -1;
  // create
  std::string schema;
  std::string partition_by;
  std::vector<std::string> properties;
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

Result<std::string> FormatOf(const std::string& file, const std::string& forced) {
  if (!forced.empty()) {
    if (forced == "parquet" || forced == "json" || forced == "csv") return forced;
    return Status::InvalidArgument("--format: unknown format '" + forced + "' (expected parquet, json or csv)");
  }
  auto ends = [&](std::string_view ext) {
    return file.size() >= ext.size() && file.compare(file.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends(".parquet")) return std::string("parquet");
  if (ends(".json") || ends(".jsonl") || ends(".ndjson")) return std::string("json");
  if (ends(".csv")) return std::string("csv");
  return Status::InvalidArgument("cannot tell the format of " + file + " from its name; use --format parquet|json|csv");
}

// Batches from the input files, one file after the other.
class FileBatches {
 public:
  FileBatches(std::vector<std::string> files, std::string format, std::shared_ptr<const col::Schema> table_schema,
              table::ColumnMappingMode mode, bool merge_schema)
      : files_(std::move(files)), format_(std::move(format)), table_schema_(std::move(table_schema)),
        mode_(mode), merge_schema_(merge_schema) {}

  Result<std::shared_ptr<col::RecordBatch>> Next() {
    while (true) {
      if (parquet_) {
        if (row_group_ < parquet_->num_row_groups()) {
          TIDE_ASSIGN_OR_RETURN(auto b, parquet_->ReadRowGroup(row_group_++));
          return b;
        }
        parquet_.reset();
      }
      if (json_) {
        TIDE_ASSIGN_OR_RETURN(auto b, json_->Next());
        if (b) return b;
        json_.reset();
        stream_.reset();
      }
      if (csv_) {
        TIDE_ASSIGN_OR_RETURN(auto b, csv_->Next());
        if (b) return b;
        csv_.reset();
        stream_.reset();
      }
      if (next_file_ >= files_.size()) return std::shared_ptr<col::RecordBatch>();
      TIDE_RETURN_IF_ERROR(OpenFile(files_[next_file_++]));
    }
  }

 private:
  Status OpenFile(const std::string& file) {
    TIDE_ASSIGN_OR_RETURN(std::string fmt, FormatOf(file, format_));
    if (fmt == "parquet") {
      TIDE_ASSIGN_OR_RETURN(parquet_, format::parquet::ParquetReader::Open(file));
      row_group_ = 0;
      return Status::OK();
    }
    auto in = std::make_unique<std::ifstream>(file, std::ios::binary);
    if (!*in) return Status::IoError("cannot open " + file);
    if (fmt == "json") {
      std::shared_ptr<const col::Schema> schema = table_schema_;
      if (merge_schema_) {
        // Infer the file's schema from its first lines and merge it, so new fields are read
        // (and added) too. Only those lines are held in memory.
        std::string text, line;
        for (int n = 0; n < 1000 && std::getline(*in, line);) {
          if (line.find_first_not_of(" \t\r") != std::string::npos) ++n;
          text += line;
          text += '\n';
        }
        TIDE_ASSIGN_OR_RETURN(auto inferred, format::InferJsonSchema(text, 1000, file));
        TIDE_ASSIGN_OR_RETURN(auto merged, table::MergeSchema(*table_schema_, *inferred, mode_, 0));
        schema = std::make_shared<const col::Schema>(merged.schema);
        in = std::make_unique<std::ifstream>(file, std::ios::binary);
      }
      format::JsonReadOptions opts;
      opts.source_name = file;
      stream_ = std::move(in);
      json_ = std::make_unique<format::JsonLinesReader>(stream_.get(), schema, opts);
      return Status::OK();
    }
    format::CsvReadOptions opts;
    opts.source_name = file;
    stream_ = std::move(in);
    csv_ = std::make_unique<format::CsvReader>(stream_.get(), table_schema_, opts);
    return Status::OK();
  }

  std::vector<std::string> files_;
  std::string format_;
  std::shared_ptr<const col::Schema> table_schema_;
  table::ColumnMappingMode mode_;
  bool merge_schema_;
  size_t next_file_ = 0;
  std::unique_ptr<format::parquet::ParquetReader> parquet_;
  int row_group_ = 0;
  std::unique_ptr<std::istream> stream_;
  std::unique_ptr<format::JsonLinesReader> json_;
  std::unique_ptr<format::CsvReader> csv_;
};

Result<table::BatchSource> SourceFor(const WriteArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto snap, table::Snapshot::Load(args.path));
  for (const auto& f : args.files) TIDE_RETURN_IF_ERROR(FormatOf(f, args.format).status());
  // The reader schema: the table's logical schema without column-mapping metadata noise.
  auto batches = std::make_shared<FileBatches>(args.files, args.format, snap->schema(), snap->column_mapping_mode(),
                                               args.merge_schema);
  return table::BatchSource([batches]() { return batches->Next(); });
}

void PrintResult(const table::WriteResult& r, bool overwrite) {
  if (r.skipped) {
    std::printf("skipped: the application transaction is already in the table (version %lld)\n",
                static_cast<long long>(r.version));
    return;
  }
  std::printf("version %lld: %lld files, %lld rows", static_cast<long long>(r.version),
              static_cast<long long>(r.num_files), static_cast<long long>(r.num_rows));
  if (overwrite) std::printf(", %lld files removed", static_cast<long long>(r.num_removed_files));
  if (r.schema_changed) std::printf(", schema changed");
  std::printf("\n");
  std::fflush(stdout);
}

Status Create(const WriteArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto schema, table::ParseDdl(args.schema));
  std::map<std::string, std::string> props;
  for (const auto& p : args.properties) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--property: expected KEY=VALUE, got '" + p + "'");
    }
    props[p.substr(0, eq)] = p.substr(eq + 1);
  }
  TIDE_ASSIGN_OR_RETURN(int64_t version, table::DeltaTable::Create(args.path, schema, SplitComma(args.partition_by), props));
  std::printf("created table %s: version %lld\n", args.path.c_str(), static_cast<long long>(version));
  return Status::OK();
}

Status Append(const WriteArgs& args) {
  table::AppendOptions opts;
  opts.merge_schema = args.merge_schema;
  if (!args.app_id.empty() || args.app_version >= 0) {
    if (args.app_id.empty() || args.app_version < 0) {
      return Status::InvalidArgument("--app-id and --app-version go together");
    }
    opts.app_id = args.app_id;
    opts.app_version = args.app_version;
  }
  TIDE_ASSIGN_OR_RETURN(auto source, SourceFor(args));
  TIDE_ASSIGN_OR_RETURN(auto r, table::DeltaTable::Append(args.path, source, opts));
  PrintResult(r, false);
  return Status::OK();
}

Status Overwrite(const WriteArgs& args) {
  table::OverwriteOptions opts;
  opts.merge_schema = args.merge_schema;
  if (!args.replace_where.empty()) opts.replace_where = args.replace_where;
  TIDE_ASSIGN_OR_RETURN(auto source, SourceFor(args));
  TIDE_ASSIGN_OR_RETURN(auto r, table::DeltaTable::Overwrite(args.path, source, opts));
  PrintResult(r, true);
  return Status::OK();
}

}  // namespace

void AddTableWriteCommands(CLI::App& table, CommandResult& result) {
  {
    auto args = std::make_shared<WriteArgs>();
    CLI::App* cmd = table.add_subcommand("create", "Create a Delta table");
    cmd->add_option("PATH", args->path, "Table directory")->required();
    cmd->add_option("--schema", args->schema, "Columns as Spark DDL: 'id BIGINT NOT NULL, name STRING'")->required();
    cmd->add_option("--partition-by", args->partition_by, "Partition columns, comma-separated");
    cmd->add_option("--property", args->properties, "Table property KEY=VALUE (repeatable)");
    cmd->callback([args, &result] { result.status = Create(*args); });
  }
  {
    auto args = std::make_shared<WriteArgs>();
    CLI::App* cmd = table.add_subcommand("append", "Append Parquet, JSON-lines or CSV files to a Delta table");
    cmd->add_option("PATH", args->path, "Table directory")->required();
    cmd->add_option("FILE", args->files, "Input files")->required();
    cmd->add_option("--format", args->format, "parquet, json or csv (default: from the file extension)");
    cmd->add_flag("--merge-schema", args->merge_schema, "Add new columns and widen types (schema evolution)");
    cmd->add_option("--app-id", args->app_id, "Application id for an idempotent write (with --app-version)");
    cmd->add_option("--app-version", args->app_version, "Application version; skipped when already committed");
    cmd->callback([args, &result] { result.status = Append(*args); });
  }
  {
    auto args = std::make_shared<WriteArgs>();
    CLI::App* cmd = table.add_subcommand("overwrite", "Replace a Delta table's data (or some partitions)");
    cmd->add_option("PATH", args->path, "Table directory")->required();
    cmd->add_option("FILE", args->files, "Input files")->required();
    cmd->add_option("--format", args->format, "parquet, json or csv (default: from the file extension)");
    cmd->add_option("--replace-where", args->replace_where,
                    "Only replace the partitions matching this predicate over partition columns");
    cmd->add_flag("--merge-schema", args->merge_schema, "Add new columns and widen types (schema evolution)");
    cmd->callback([args, &result] { result.status = Overwrite(*args); });
  }
}

}  // namespace tide::cli
