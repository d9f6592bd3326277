#include "exec/spill.h"

#include <cerrno>
#include <cstring>

#include "columnar/builder.h"
#include "exec/operators/row_codec.h"

namespace tide::exec {

namespace {
constexpr uint32_t kMagic = 0x5449534C;
constexpr size_t kBlockBytes = 1 << 20;
constexpr uint32_t kMaxBlockBytes = 1u << 30;

void PutU32(std::vector<uint8_t>* out, uint32_t v) {
  const size_t at = out->size();
  out->resize(at + 4);
  std::memcpy(out->data() + at, &v, 4);
}
}  // namespace

base::Result<std::unique_ptr<SpillWriter>> SpillWriter::Open(QueryContext* ctx, const std::string& tag) {
  TIDE_ASSIGN_OR_RETURN(std::string path, ctx->NewSpillPath(tag));
  auto w = std::unique_ptr<SpillWriter>(new SpillWriter());
  w->ctx_ = ctx;
  w->path_ = path;
  w->file_ = std::fopen(path.c_str(), "wb");
  if (w->file_ == nullptr) return base::Status::FromErrno(errno, "creating spill file " + path);
  return w;
}

SpillWriter::~SpillWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

base::Status SpillWriter::AppendRow(std::string_view row) {
  if (row.size() > kMaxBlockBytes / 2) return base::Status::ResourceExhausted("spill: a row of " + std::to_string(row.size()) + " bytes");
  PutU32(&block_, static_cast<uint32_t>(row.size()));
  block_.insert(block_.end(), row.begin(), row.end());
  ++block_rows_;
  ++rows_;
  if (block_.size() >= kBlockBytes) return FlushBlock();
  return base::Status::OK();
}

base::Status SpillWriter::AppendBatch(const columnar::RecordBatch& batch) {
  std::vector<const columnar::ArrayData*> cols;
  for (const auto& c : batch.columns()) cols.push_back(c.get());
  internal::EncodedRows enc;
  internal::EncodeRows(cols, batch.num_rows(), &enc);
  for (int64_t i = 0; i < batch.num_rows(); ++i) TIDE_RETURN_IF_ERROR(AppendRow(enc.row(i)));
  return base::Status::OK();
}

base::Status SpillWriter::FlushBlock() {
  if (block_rows_ == 0) return base::Status::OK();
  std::vector<uint8_t> header;
  PutU32(&header, kMagic);
  PutU32(&header, block_rows_);
  PutU32(&header, static_cast<uint32_t>(block_.size()));
  if (std::fwrite(header.data(), 1, header.size(), file_) != header.size() ||
      std::fwrite(block_.data(), 1, block_.size(), file_) != block_.size()) {
    return base::Status::FromErrno(errno, "writing spill file " + path_);
  }
  bytes_ += static_cast<int64_t>(header.size() + block_.size());
  ctx_->AddSpilledBytes(static_cast<int64_t>(header.size() + block_.size()));
  block_.clear();
  block_rows_ = 0;
  return base::Status::OK();
}

base::Status SpillWriter::Finish() {
  if (file_ == nullptr) return base::Status::OK();
  TIDE_RETURN_IF_ERROR(FlushBlock());
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) return base::Status::FromErrno(errno, "closing spill file " + path_);
  return base::Status::OK();
}

base::Result<std::unique_ptr<SpillReader>> SpillReader::Open(const std::string& path,
                                                             std::shared_ptr<const columnar::Schema> schema) {
  auto r = std::unique_ptr<SpillReader>(new SpillReader());
  r->path_ = path;
  r->schema_ = std::move(schema);
  r->file_ = std::fopen(path.c_str(), "rb");
  if (r->file_ == nullptr) return base::Status::FromErrno(errno, "opening spill file " + path);
  return r;
}

SpillReader::~SpillReader() {
  if (file_ != nullptr) std::fclose(file_);
}

base::Status SpillReader::LoadBlock() {
  uint32_t header[3];
  const size_t got = std::fread(header, 1, sizeof(header), file_);
  if (got == 0 && std::feof(file_)) {
    eof_ = true;
    return base::Status::OK();
  }
  if (got != sizeof(header) || header[0] != kMagic || header[2] > kMaxBlockBytes) {
    return base::Status::Corruption("spill file " + path_ + ": bad block header");
  }
  block_.resize(header[2]);
  if (std::fread(block_.data(), 1, block_.size(), file_) != block_.size()) {
    return base::Status::Corruption("spill file " + path_ + ": truncated block");
  }
  pos_ = 0;
  left_in_block_ = header[1];
  return base::Status::OK();
}

base::Result<std::shared_ptr<columnar::RecordBatch>> SpillReader::Next(int64_t max_rows) {
  std::vector<columnar::TypePtr> types;
  std::vector<std::unique_ptr<columnar::ArrayBuilder>> builders;
  std::vector<columnar::ArrayBuilder*> bp;
  for (const auto& f : schema_->fields()) {
    types.push_back(f->type());
    builders.push_back(columnar::MakeBuilder(f->type()));
    bp.push_back(builders.back().get());
  }
  int64_t rows = 0;
  while (rows < max_rows) {
    if (left_in_block_ == 0) {
      if (eof_) break;
      TIDE_RETURN_IF_ERROR(LoadBlock());
      if (eof_) break;
      continue;
    }
    if (block_.size() - pos_ < 4) return base::Status::Corruption("spill file " + path_ + ": truncated row");
    uint32_t len;
    std::memcpy(&len, block_.data() + pos_, 4);
    pos_ += 4;
    if (block_.size() - pos_ < len) return base::Status::Corruption("spill file " + path_ + ": row past its block");
    auto st = internal::DecodeRow({reinterpret_cast<const char*>(block_.data() + pos_), len}, types, bp);
    if (!st.ok()) return base::Status::Corruption("spill file " + path_ + ": " + st.message());
    pos_ += len;
    --left_in_block_;
    ++rows;
  }
  if (rows == 0) return std::shared_ptr<columnar::RecordBatch>();
  std::vector<columnar::ArrayPtr> cols;
  for (auto& b : builders) cols.push_back(b->Finish());
  return std::make_shared<columnar::RecordBatch>(schema_, std::move(cols), rows);
}

base::Status ReadSpillFiles(const std::vector<std::string>& paths, const std::shared_ptr<const columnar::Schema>& schema,
                            int64_t batch_rows, std::vector<std::shared_ptr<columnar::RecordBatch>>* out) {
  for (const auto& p : paths) {
    TIDE_ASSIGN_OR_RETURN(auto r, SpillReader::Open(p, schema));
    while (true) {
      TIDE_ASSIGN_OR_RETURN(auto b, r->Next(batch_rows));
      if (!b) break;
      out->push_back(std::move(b));
    }
  }
  return base::Status::OK();
}

}  // namespace tide::exec
