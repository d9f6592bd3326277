// `tide parquet schema|meta|cat|rewrite`: inspect and convert Parquet files.
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "columnar/json.h"
#include "format/parquet/reader.h"
#include "format/parquet/writer.h"

namespace tide::cli {
namespace {

using format::parquet::ParquetReader;

struct ParquetArgs {
  std::string file;
  std::string out;
  std::string columns;  // comma-separated projection
  int64_t limit = -1;
  std::string codec = "snappy";
  int64_t row_group_rows = 0;
};

base::Status Schema(const ParquetArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto reader, ParquetReader::Open(args.file));
  std::string text = format::parquet::DescribeSchema(*reader);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!text.empty() && text.back() != '\n') std::fputc('\n', stdout);
  return base::Status::OK();
}

base::Status Meta(const ParquetArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto reader, ParquetReader::Open(args.file));
  std::string text = format::parquet::DescribeMetadata(*reader);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (!text.empty() && text.back() != '\n') std::fputc('\n', stdout);
  return base::Status::OK();
}

base::Status Cat(const ParquetArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto reader, ParquetReader::Open(args.file));
  std::ios::sync_with_stdio(false);
  if (args.columns.empty()) return format::parquet::CatJsonLines(*reader, std::cout, args.limit);
  // Projection: top-level columns by name, in the order given.
  std::vector<int> indices;
  std::stringstream names(args.columns);
  std::string name;
  while (std::getline(names, name, ',')) {
    int found = -1;
    for (int i = 0; i < reader->schema().num_fields(); ++i) {
      if (reader->schema().field(i)->name() == name) found = i;
    }
    if (found < 0) {
      return base::Status::InvalidArgument("--columns: " + args.file + " has no column '" + name + "' (it has: " +
                                           reader->schema().ToString() + ")");
    }
    indices.push_back(found);
  }
  int64_t remaining = args.limit;
  for (int g = 0; g < reader->num_row_groups() && remaining != 0; ++g) {
    TIDE_ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(g, indices));
    if (remaining >= 0 && batch->num_rows() > remaining) batch = batch->Slice(0, remaining);
    TIDE_RETURN_IF_ERROR(columnar::WriteJsonLines(*batch, std::cout));
    if (remaining >= 0) remaining -= batch->num_rows();
  }
  std::cout.flush();
  return base::Status::OK();
}

base::Result<format::parquet::CompressionCodec> ParseCodec(const std::string& name) {
  using C = format::parquet::CompressionCodec;
  if (name == "none" || name == "uncompressed") return C::kUncompressed;
  if (name == "snappy") return C::kSnappy;
  if (name == "gzip") return C::kGzip;
  if (name == "zstd") return C::kZstd;
  if (name == "lz4" || name == "lz4_raw") return C::kLz4Raw;
  if (name == "brotli") return C::kBrotli;
  return base::Status::InvalidArgument("--codec: unknown codec '" + name +
                                       "' (expected none, snappy, gzip, zstd, lz4 or brotli)");
}

base::Status Rewrite(const ParquetArgs& args) {
  format::parquet::WriterOptions options;
  TIDE_ASSIGN_OR_RETURN(options.codec, ParseCodec(args.codec));
  if (args.row_group_rows < 0) return base::Status::InvalidArgument("--row-group-rows must be positive");
  if (args.row_group_rows > 0) options.max_row_group_rows = args.row_group_rows;
  TIDE_RETURN_IF_ERROR(format::parquet::RewriteParquetFile(args.file, args.out, options));
  std::fprintf(stderr, "wrote %s\n", args.out.c_str());
  return base::Status::OK();
}

}  // namespace

void AddParquetCommands(CLI::App& app, CommandResult& result) {
  CLI::App* parquet = app.add_subcommand("parquet", "Inspect and convert Parquet files");
  parquet->require_subcommand(1);
  auto add = [&](const char* name, const char* help, base::Status (*run)(const ParquetArgs&)) {
    auto args = std::make_shared<ParquetArgs>();
    CLI::App* cmd = parquet->add_subcommand(name, help);
    cmd->add_option("FILE", args->file, "Parquet file")->required();
    cmd->callback([args, run, &result] { result.status = run(*args); });
    return std::make_pair(cmd, args);
  };
  add("schema", "Print the file's schema", Schema);
  add("meta", "Print row groups, column chunks, encodings, codecs, statistics and sizes (JSON)", Meta);
  {
    auto [cmd, args] = add("cat", "Print rows as JSON lines", Cat);
    cmd->add_option("--columns", args->columns, "Only these top-level columns, comma-separated");
    cmd->add_option("-n,--limit", args->limit, "At most N rows");
  }
  {
    auto [cmd, args] = add("rewrite", "Read a Parquet file and write it again with Tide's writer", Rewrite);
    cmd->add_option("OUT", args->out, "Output file")->required();
    cmd->add_option("--codec", args->codec, "none, snappy (default), gzip, zstd, lz4 or brotli");
    cmd->add_option("--row-group-rows", args->row_group_rows, "Rows per row group (default 1048576)");
  }
}

}  // namespace tide::cli
