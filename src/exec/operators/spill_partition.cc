#include "exec/operators/spill_partition.h"

#include <mutex>

#include "exec/operators/hash_table.h"
#include "exec/operators/row_codec.h"

namespace tide::exec::internal {

using columnar::ArrayData;
using columnar::ArrayPtr;

int PartitionOf(uint64_t h, uint64_t seed, int n) {
  uint64_t k = h ^ (seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL);
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return static_cast<int>(k % static_cast<uint64_t>(n));
}

namespace {

class PartitionSink final : public LocalSink {
 public:
  explicit PartitionSink(const PartitionSpec* spec) : spec_(spec), writers_(spec->num_partitions) {}

  base::Status Init() {
    for (const auto& k : spec_->keys) {
      TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(k, spec_->ctx));
      keys_.push_back(std::move(e));
    }
    return base::Status::OK();
  }

  base::Status Consume(BatchPtr batch) override {
    const int64_t n = batch->num_rows();
    std::vector<ArrayPtr> kc;
    std::vector<const ArrayData*> kp;
    for (size_t k = 0; k < keys_.size(); ++k) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr col, keys_[k]->Eval(*batch));
      const bool ns = k < spec_->null_safe.size() && spec_->null_safe[k];
      if (!ns && spec_->saw_null_key != nullptr && (col->null_count > 0 || col->type->id() == columnar::TypeId::kNull)) {
        spec_->saw_null_key->store(true);
      }
      kc.push_back(std::move(col));
    }
    for (auto& k : kc) kp.push_back(k.get());
    EncodeRows(kp, n, &keys_enc_);
    std::vector<const ArrayData*> all;
    for (const auto& c : batch->columns()) all.push_back(c.get());
    EncodeRows(all, n, &rows_enc_);
    for (int64_t i = 0; i < n; ++i) {
      auto key = keys_enc_.row(i);
      const int p = PartitionOf(HashKeyBytes(key.data(), key.size()), spec_->seed, spec_->num_partitions);
      if (!writers_[p]) {
        TIDE_ASSIGN_OR_RETURN(writers_[p], SpillWriter::Open(spec_->ctx, spec_->tag));
      }
      TIDE_RETURN_IF_ERROR(writers_[p]->AppendRow(rows_enc_.row(i)));
    }
    return spec_->ctx->CheckCancelled();
  }

  std::vector<std::unique_ptr<SpillWriter>>& writers() { return writers_; }

 private:
  const PartitionSpec* spec_;
  std::vector<std::unique_ptr<ExprEval>> keys_;
  std::vector<std::unique_ptr<SpillWriter>> writers_;
  EncodedRows keys_enc_;
  EncodedRows rows_enc_;
};

}  // namespace

base::Result<SpillPartitions> SpillStreamPartitioned(const Stream& input, const PartitionSpec& spec) {
  SinkFactory f = [&spec]() -> base::Result<std::unique_ptr<LocalSink>> {
    auto s = std::make_unique<PartitionSink>(&spec);
    TIDE_RETURN_IF_ERROR(s->Init());
    return std::unique_ptr<LocalSink>(std::move(s));
  };
  TIDE_ASSIGN_OR_RETURN(auto sinks, RunStream(input, spec.ctx, f));
  SpillPartitions out;
  out.num_partitions = spec.num_partitions;
  out.schema = input.schema;
  out.files.resize(spec.num_partitions);
  out.rows.assign(spec.num_partitions, 0);
  for (auto& s : sinks) {
    auto& ws = static_cast<PartitionSink*>(s.get())->writers();
    for (int p = 0; p < spec.num_partitions; ++p) {
      if (!ws[p]) continue;
      TIDE_RETURN_IF_ERROR(ws[p]->Finish());
      out.files[p].push_back(ws[p]->path());
      out.rows[p] += ws[p]->rows();
    }
  }
  return out;
}

Stream PartitionStream(const SpillPartitions& parts, int p, int64_t batch_size) {
  Stream st;
  st.schema = parts.schema;
  auto files = std::make_shared<std::vector<std::string>>(parts.files[p]);
  auto schema = parts.schema;
  st.source.num_tasks = static_cast<int64_t>(files->size());
  st.source.run = [files, schema, batch_size](int64_t task, const Emit& emit) -> base::Status {
    TIDE_ASSIGN_OR_RETURN(auto reader, SpillReader::Open((*files)[task], schema));
    while (true) {
      TIDE_ASSIGN_OR_RETURN(auto b, reader->Next(batch_size));
      if (!b) return base::Status::OK();
      TIDE_RETURN_IF_ERROR(emit(std::move(b)));
    }
  };
  return st;
}

}  // namespace tide::exec::internal

namespace tide::exec::internal {

namespace {

struct Reservation {
  QueryContext* ctx = nullptr;
  std::atomic<int64_t> bytes{0};
  ~Reservation() {
    if (ctx && bytes.load() > 0) ctx->memory().Release(bytes.load());
  }
};

class SpillableSink final : public LocalSink {
 public:
  SpillableSink(QueryContext* ctx, std::string tag, Reservation* res) : ctx_(ctx), tag_(std::move(tag)), res_(res) {}
  base::Status Consume(BatchPtr batch) override {
    const int64_t bytes = BatchBytes(*batch);
    if (!writer_ && ctx_->memory().TryReserve(bytes)) {
      res_->bytes += bytes;
      batches_.push_back(std::move(batch));
      return base::Status::OK();
    }
    if (!writer_) {
      TIDE_ASSIGN_OR_RETURN(writer_, SpillWriter::Open(ctx_, tag_));
    }
    return writer_->AppendBatch(*batch);
  }
  std::vector<BatchPtr> batches_;
  std::unique_ptr<SpillWriter> writer_;

 private:
  QueryContext* ctx_;
  std::string tag_;
  Reservation* res_;
};

}  // namespace

base::Result<Stream> MaterializeSpillable(const Stream& input, QueryContext* ctx, const std::string& tag,
                                          int64_t batch_size) {
  auto res = std::make_shared<Reservation>();
  res->ctx = ctx;
  Reservation* rp = res.get();
  SinkFactory f = [ctx, tag, rp]() -> base::Result<std::unique_ptr<LocalSink>> {
    return std::unique_ptr<LocalSink>(new SpillableSink(ctx, tag, rp));
  };
  TIDE_ASSIGN_OR_RETURN(auto sinks, RunStream(input, ctx, f));
  auto chunks = std::make_shared<std::vector<BatchPtr>>();
  auto files = std::make_shared<std::vector<std::string>>();
  for (auto& s : sinks) {
    auto* ss = static_cast<SpillableSink*>(s.get());
    for (auto& b : ss->batches_) {
      for (auto& piece : SplitBatch(b, batch_size)) chunks->push_back(std::move(piece));
    }
    if (ss->writer_) {
      TIDE_RETURN_IF_ERROR(ss->writer_->Finish());
      files->push_back(ss->writer_->path());
    }
  }
  Stream st;
  st.schema = input.schema;
  auto schema = input.schema;
  st.source.num_tasks = static_cast<int64_t>(chunks->size() + files->size());
  st.source.run = [chunks, files, schema, batch_size, res](int64_t task, const Emit& emit) -> base::Status {
    const int64_t nc = static_cast<int64_t>(chunks->size());
    if (task < nc) return emit((*chunks)[task]);
    TIDE_ASSIGN_OR_RETURN(auto reader, SpillReader::Open((*files)[task - nc], schema));
    while (true) {
      TIDE_ASSIGN_OR_RETURN(auto b, reader->Next(batch_size));
      if (!b) return base::Status::OK();
      TIDE_RETURN_IF_ERROR(emit(std::move(b)));
    }
  };
  return st;
}

}  // namespace tide::exec::internal
