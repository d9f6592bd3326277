// `tide gen tpch`: TPC-H data (src/cli/tpch) as Parquet files and Delta tables.
#include <cstdio>
#include <string>

#include "cli/command.h"
#include "cli/tpch/generate.h"

namespace tide::cli {
namespace {

struct GenTpchArgs {
  double scale = 1.0;
  std::string out;
  std::string format = "both";
  std::string codec = "snappy";
  int files_per_table = 0;
  int threads = 0;
  bool overwrite = false;
  bool quiet = false;
};

base::Status RunGenTpch(const GenTpchArgs& args) {
  tpch::GenerateOptions o;
  o.scale = args.scale;
  o.out_dir = args.out;
  if (args.format == "parquet") {
    o.delta = false;
  } else if (args.format == "delta") {
    o.parquet = false;
  } else if (args.format != "both") {
    return base::Status::InvalidArgument("--format must be parquet, delta or both, got '" + args.format + "'");
  }
  if (args.codec == "snappy") {
    o.codec = format::parquet::CompressionCodec::kSnappy;
  } else if (args.codec == "zstd") {
    o.codec = format::parquet::CompressionCodec::kZstd;
  } else if (args.codec == "none") {
    o.codec = format::parquet::CompressionCodec::kUncompressed;
  } else {
    return base::Status::InvalidArgument("--codec must be snappy, zstd or none, got '" + args.codec + "'");
  }
  o.files_per_table = args.files_per_table;
  o.threads = args.threads;
  o.overwrite = args.overwrite;
  if (!args.quiet) o.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  return tpch::Generate(o);
}

}  // namespace

void AddGenCommands(CLI::App& app, CommandResult& result) {
  CLI::App* gen = app.add_subcommand("gen", "Generate benchmark data sets");
  gen->require_subcommand(1);
  auto args = std::make_shared<GenTpchArgs>();
  CLI::App* cmd = gen->add_subcommand(
      "tpch", "TPC-H tables (spec clause 4.2) as Parquet files DIR/parquet/<table>/ and Delta tables DIR/tables/<table>");
  cmd->add_option("--scale,-s", args->scale, "Scale factor (1 = about 1 GB of raw data; default 1)");
  cmd->add_option("--out,-o", args->out, "Output directory (a --data-dir for 'tide sql')")->required();
  cmd->add_option("--format", args->format, "parquet, delta or both (default; the Delta tables share the Parquet files through hard links)");
  cmd->add_option("--codec", args->codec, "Parquet compression: snappy (default), zstd or none");
  cmd->add_option("--files-per-table", args->files_per_table,
                  "Files per table (default by size: ~1.5 M lineitem rows, ~1 M rows of other tables per file)");
  cmd->add_option("--threads", args->threads, "Generator threads (default one per core)");
  cmd->add_flag("--overwrite", args->overwrite, "Replace the tables if they exist");
  cmd->add_flag("--quiet,-q", args->quiet, "No progress lines on stderr");
  cmd->callback([args, &result] { result.status = RunGenTpch(*args); });
}

}  // namespace tide::cli
