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
  int64_t page_rows = 0;
  bool page_v2 = false;
  bool no_dictionary = false;
  std::string int_encoding = "plain";
  std::string string_encoding = "plain";
  int64_t batch_rows = 0;
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

// Rows of every row group, `--batch-rows` at a time (a row group too large for one batch,
// e.g. over 2 GiB of strings, still prints).
base::Status CatBatches(const ParquetReader& reader, const std::vector<int>& indices, const ParquetArgs& args) {
  if (args.batch_rows < 0) return base::Status::InvalidArgument("--batch-rows must be positive");
  int64_t remaining = args.limit;
  for (int g = 0; g < reader.num_row_groups() && remaining != 0; ++g) {
    TIDE_RETURN_IF_ERROR(reader.ReadRowGroupBatches(g, args.batch_rows, indices,
                                                     [&](std::shared_ptr<columnar::RecordBatch> batch) {
      if (remaining == 0) return base::Status::OK();
      if (remaining >= 0 && batch->num_rows() > remaining) batch = batch->Slice(0, remaining);
      TIDE_RETURN_IF_ERROR(columnar::WriteJsonLines(*batch, std::cout));
      if (remaining >= 0) remaining -= batch->num_rows();
      return base::Status::OK();
    }));
  }
  std::cout.flush();
  return base::Status::OK();
}

base::Status Cat(const ParquetArgs& args) {
  TIDE_ASSIGN_OR_RETURN(auto reader, ParquetReader::Open(args.file));
  std::ios::sync_with_stdio(false);
  if (args.columns.empty() && args.batch_rows == 0) return format::parquet::CatJsonLines(*reader, std::cout, args.limit);
  if (args.columns.empty()) return CatBatches(*reader, {}, args);
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
  return CatBatches(*reader, indices, args);
}

base::Result<format::parquet::CompressionCodec> ParseCodec(const std::string& name) {
  using C = format::parquet::CompressionCodec;
  if (name == "none" || name == "uncompressed") return C::kUncompressed;
  if (name == "snappy") return C::kSnappy;
  if (name == "gzip") return C::kGzip;
  if (name == "zstd") return C::kZstd;
  if (name == "lz4" || name == "lz4_raw") return C::kLz4Raw;
  if (name == "lz4_hadoop") return C::kLz4;  // the deprecated LZ4 codec, Hadoop framing
  if (name == "brotli") return C::kBrotli;
  return base::Status::InvalidArgument("--codec: unknown codec '" + name +
                                       "' (expected none, snappy, gzip, zstd, lz4, lz4_hadoop or brotli)");
}

base::Status Rewrite(const ParquetArgs& args) {
  format::parquet::WriterOptions options;
  TIDE_ASSIGN_OR_RETURN(options.codec, ParseCodec(args.codec));
  if (args.row_group_rows < 0) return base::Status::InvalidArgument("--row-group-rows must be positive");
  if (args.row_group_rows > 0) options.max_row_group_rows = args.row_group_rows;
  if (args.page_rows < 0) return base::Status::InvalidArgument("--page-rows must be positive");
  if (args.page_rows > 0) options.max_page_rows = args.page_rows;
  options.data_page_v2 = args.page_v2;
  options.dictionary = !args.no_dictionary;
  using format::parquet::Encoding;
  if (args.int_encoding == "delta") {
    options.integer_encoding = Encoding::kDeltaBinaryPacked;
  } else if (args.int_encoding != "plain") {
    return base::Status::InvalidArgument("--int-encoding: '" + args.int_encoding + "' (expected plain or delta)");
  }
  if (args.string_encoding == "delta-length") {
    options.byte_array_encoding = Encoding::kDeltaLengthByteArray;
  } else if (args.string_encoding == "delta") {
    options.byte_array_encoding = Encoding::kDeltaByteArray;
  } else if (args.string_encoding != "plain") {
    return base::Status::InvalidArgument("--string-encoding: '" + args.string_encoding +
                                         "' (expected plain, delta-length or delta)");
  }
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
    cmd->add_option("--batch-rows", args->batch_rows, "Read row groups N rows at a time (default: whole row groups)");
  }
  {
    auto [cmd, args] = add("rewrite", "Read a Parquet file and write it again with Tide's writer", Rewrite);
    cmd->add_option("OUT", args->out, "Output file")->required();
    cmd->add_option("--codec", args->codec, "none, snappy (default), gzip, zstd, lz4, lz4_hadoop or brotli");
    cmd->add_option("--row-group-rows", args->row_group_rows, "Rows per row group (default 1048576)");
    cmd->add_option("--page-rows", args->page_rows, "At most N rows per data page (default 20000)");
    cmd->add_flag("--page-v2", args->page_v2, "Write DATA_PAGE_V2 pages (default v1)");
    cmd->add_flag("--no-dictionary", args->no_dictionary, "Never dictionary-encode strings");
    cmd->add_option("--int-encoding", args->int_encoding, "plain (default) or delta (DELTA_BINARY_PACKED)");
    cmd->add_option("--string-encoding", args->string_encoding,
                    "plain (default), delta-length (DELTA_LENGTH_BYTE_ARRAY) or delta (DELTA_BYTE_ARRAY)");
  }
}

}  // namespace tide::cli
