#include "exec/text_source.h"

#include <fstream>
#include <sstream>

#include "exec/parquet_source.h"
#include "format/csv_reader.h"
#include "format/json_reader.h"

namespace tide::exec {

namespace col = tide::columnar;
using base::Status;

namespace {

// The first `limit` bytes of a file (enough lines for inference / the first CSV record).
base::Result<std::string> ReadPrefix(const std::string& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open");
  std::string out(limit, '\0');
  in.read(out.data(), static_cast<std::streamsize>(limit));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

// Fields in the first CSV record (quotes respected, doubled quotes as data).
int CsvFieldCount(std::string_view text) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF) text.remove_prefix(3);  // BOM
  int fields = 1;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          ++i;
        } else {
          quoted = false;
        }
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      ++fields;
    } else if (c == '\n') {
      break;
    }
  }
  return fields;
}

struct TextMorselState {
  int file = 0;
};

}  // namespace

base::Result<std::shared_ptr<TextFileScanTable>> TextFileScanTable::Open(Format format, const std::string& path,
                                                                         std::string display_name, int64_t batch_rows) {
  auto files = ListDataFiles(path, format == Format::kJson ? ".json" : ".csv");
  if (!files.ok()) return files.status().WithContext(display_name);
  auto t = std::make_shared<TextFileScanTable>();
  t->format_ = format;
  t->display_name_ = std::move(display_name);
  t->files_ = std::move(*files);
  t->batch_rows_ = batch_rows > 0 ? batch_rows : 65536;
  const std::string& first = t->files_.front();
  if (format == Format::kJson) {
    // Inference looks at the first 1000 lines; 16 MiB holds them for any sane file.
    TIDE_ASSIGN_OR_RETURN(std::string text, ReadPrefix(first, 16 << 20));
    size_t cut = text.size() == (16u << 20) ? text.rfind('\n') : std::string::npos;
    if (cut != std::string::npos) text.resize(cut + 1);
    TIDE_ASSIGN_OR_RETURN(t->schema_, format::InferJsonSchema(text, 1000, first));
    if (t->schema_->num_fields() == 0) {
      return Status::InvalidArgument(t->display_name_ + ": " + first + " holds no JSON object with fields");
    }
  } else {
    TIDE_ASSIGN_OR_RETURN(std::string text, ReadPrefix(first, 1 << 20));
    int n = text.empty() ? 0 : CsvFieldCount(text);
    if (n == 0) return Status::InvalidArgument(t->display_name_ + ": " + first + " is empty");
    std::vector<col::FieldPtr> fields;
    for (int i = 0; i < n; ++i) fields.push_back(col::MakeField("_c" + std::to_string(i), col::Utf8(), true));
    t->schema_ = std::make_shared<col::Schema>(std::move(fields));
  }
  return t;
}

base::Result<std::vector<ScanMorsel>> TextFileScanTable::PlanMorsels(const std::vector<int>& columns,
                                                                     const std::vector<sql::BoundExprPtr>& filters,
                                                                     ScanPlanStats* stats) const {
  std::vector<ScanMorsel> out;
  for (size_t i = 0; i < files_.size(); ++i) {
    ScanMorsel m;
    auto st = std::make_shared<TextMorselState>();
    st->file = static_cast<int>(i);
    m.state = std::move(st);
    m.estimated_rows = -1;
    m.description = files_[i];
    out.push_back(std::move(m));
  }
  if (stats) stats->files_total += static_cast<int64_t>(files_.size());
  return out;
}

Status TextFileScanTable::ReadMorsel(const ScanMorsel& morsel, const std::vector<int>& columns,
                                     const std::function<Status(std::shared_ptr<col::RecordBatch>)>& on_batch) const {
  const auto* st = static_cast<const TextMorselState*>(morsel.state.get());
  if (!st || st->file < 0 || static_cast<size_t>(st->file) >= files_.size()) {
    return Status::InvalidArgument("scan of " + display_name_ + ": invalid morsel");
  }
  std::vector<col::FieldPtr> fields;
  for (int c : columns) {
    if (c < 0 || c >= schema_->num_fields()) {
      return Status::InvalidArgument("scan of " + display_name_ + ": column index " + std::to_string(c) +
                                     " out of range");
    }
    fields.push_back(schema_->field(c));
  }
  auto out_schema = std::make_shared<col::Schema>(std::move(fields));
  const std::string& path = files_[st->file];
  auto batches = [&]() -> base::Result<std::vector<std::shared_ptr<col::RecordBatch>>> {
    if (format_ == Format::kJson) {
      format::JsonReadOptions o;
      o.batch_size = batch_rows_;
      o.ignore_unknown_fields = true;
      return format::ReadJsonLinesFile(path, schema_, o);
    }
    format::CsvReadOptions o;
    o.batch_size = batch_rows_;
    o.has_header = false;
    return format::ReadCsvFile(path, schema_, o);
  }();
  if (!batches.ok()) return batches.status();
  for (const auto& b : *batches) {
    std::vector<col::ArrayPtr> cols;
    for (int c : columns) cols.push_back(b->column(c));
    TIDE_RETURN_IF_ERROR(on_batch(std::make_shared<col::RecordBatch>(out_schema, std::move(cols), b->num_rows())));
  }
  return Status::OK();
}

}  // namespace tide::exec
