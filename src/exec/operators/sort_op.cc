// Sort and top-N.
//
// Workers collect their morsels' batches; with a limit (top-N) each worker keeps only its
// best limit + offset rows, pruning whenever its buffer doubles. The runs are then
// concatenated and stably sorted by a permutation (large ones in slices on the query's threads,
// see StableSortPermutation); the output stream is ordered.
// Past the memory limit a worker sorts what it holds into a run written to a spill file; the
// runs (and what stayed in memory) are then merged k-way while the output streams out.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <functional>
#include <numeric>
#include <string_view>

#include "columnar/builder.h"
#include "exec/operators/operators.h"
#include "exec/operators/row_codec.h"
#include "exec/spill.h"
#include "exec/vector_ops.h"

namespace tide::exec::internal {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::RecordBatch;

base::Result<BatchPtr> ConcatAll(const std::shared_ptr<const columnar::Schema>& schema,
                                 const std::vector<BatchPtr>& batches) {
  if (batches.empty()) {
    std::vector<ArrayPtr> cols;
    for (const auto& f : schema->fields()) cols.push_back(columnar::MakeNullArray(f->type(), 0));
    return std::make_shared<RecordBatch>(schema, std::move(cols), 0);
  }
  return ConcatenateBatches(schema, batches);
}

int CompareSortRows(const std::vector<ArrayPtr>& keys, const std::vector<sql::SortKey>& spec, int64_t i, int64_t j) {
  for (size_t k = 0; k < keys.size(); ++k) {
    const ArrayData& a = *keys[k];
    const bool vi = a.IsValid(i), vj = a.IsValid(j);
    if (!vi || !vj) {
      if (vi == vj) continue;
      // A null sorts first with NULLS FIRST.
      const int c = vi ? 1 : -1;
      return spec[k].nulls_first ? c : -c;
    }
    int c = CompareValues(a, i, a, j);
    if (c != 0) return spec[k].ascending ? c : -c;
  }
  return 0;
}

namespace {

// Below this many rows a sort stays on the calling thread: splitting costs more than it saves.
constexpr int64_t kParallelSortMinRows = 1 << 16;

// Stable sort of `perm` by `less`. With a query context and enough rows, the permutation is cut
// into one slice per worker, the slices are sorted at once on the query's threads, and sorted
// neighbours are merged pairwise (also in parallel) until one run is left. Each slice holds a
// contiguous range of the input order and std::merge takes from the left run on ties, so the
// result is the same permutation the sequential stable sort gives.
template <typename Less>
void StableSortPermutation(std::vector<int32_t>* perm, const Less& less, QueryContext* ctx) {
  const int64_t n = static_cast<int64_t>(perm->size());
  const int64_t slices = ctx == nullptr ? 1 : std::min<int64_t>(ctx->threads(), n / (kParallelSortMinRows / 2));
  if (n < kParallelSortMinRows || slices < 2) {
    std::stable_sort(perm->begin(), perm->end(), less);
    return;
  }
  // Run boundaries: run r is [bounds[r], bounds[r + 1]).
  std::vector<int64_t> bounds;
  for (int64_t r = 0; r <= slices; ++r) bounds.push_back(n * r / slices);
  auto for_each_piece = [&](int64_t pieces, const std::function<void(int64_t)>& fn) {
    std::atomic<int64_t> next{0};
    RunWithHelpers(ctx, static_cast<int>(pieces - 1), [&](bool) {
      for (int64_t i = next++; i < pieces; i = next++) fn(i);
    });
  };
  for_each_piece(slices, [&](int64_t r) {
    std::stable_sort(perm->begin() + bounds[r], perm->begin() + bounds[r + 1], less);
  });
  std::vector<int32_t> scratch(perm->size());
  std::vector<int32_t>* from = perm;
  std::vector<int32_t>* to = &scratch;
  while (bounds.size() > 2) {
    const int64_t runs = static_cast<int64_t>(bounds.size()) - 1;
    const int64_t pairs = runs / 2;
    for_each_piece((runs + 1) / 2, [&](int64_t p) {
      const int64_t lo = bounds[2 * p], mid = bounds[std::min(2 * p + 1, runs)], hi = bounds[std::min(2 * p + 2, runs)];
      if (p < pairs) {
        std::merge(from->begin() + lo, from->begin() + mid, from->begin() + mid, from->begin() + hi, to->begin() + lo, less);
      } else {  // the odd run out moves over as it is
        std::copy(from->begin() + lo, from->begin() + mid, to->begin() + lo);
      }
    });
    std::vector<int64_t> merged;
    for (int64_t r = 0; r <= runs; r += 2) merged.push_back(bounds[r]);
    if (merged.back() != n) merged.push_back(n);
    bounds = std::move(merged);
    std::swap(from, to);
  }
  if (from != perm) *perm = std::move(*from);
}

// The sort keys of one sort bound to their columns once: a comparison reads values through
// precomputed pointers and one function per key type, where CompareSortRows pays a type switch
// and buffer lookups for every key of every pair (the sort's inner loop). Same order as
// CompareSortRows.
class SortKeyComparator {
 public:
  SortKeyComparator(const std::vector<ArrayPtr>& keys, const std::vector<sql::SortKey>& spec) {
    for (size_t k = 0; k < keys.size(); ++k) keys_.push_back(Bind(*keys[k], spec[k]));
  }
  int Compare(int64_t i, int64_t j) const {
    for (const Key& k : keys_) {
      if (k.validity != nullptr) {
        const bool vi = columnar::bits::Get(k.validity, k.offset + i), vj = columnar::bits::Get(k.validity, k.offset + j);
        if (!vi || !vj) {
          if (vi == vj) continue;
          const int c = vi ? 1 : -1;  // a null sorts first with NULLS FIRST
          return k.nulls_first ? c : -c;
        }
      }
      const int c = k.compare(k, k.offset + i, k.offset + j);
      if (c != 0) return k.ascending ? c : -c;
    }
    return 0;
  }

 private:
  struct Key {
    const ArrayData* column = nullptr;
    const uint8_t* validity = nullptr;  // null when the column has no nulls
    const uint8_t* values = nullptr;    // buffers[1]
    const uint8_t* bytes = nullptr;     // string data (buffers[2])
    int64_t offset = 0;
    int64_t width = 0;                  // fixed-size binary
    bool ascending = true;
    bool nulls_first = true;
    int (*compare)(const Key&, int64_t, int64_t) = nullptr;  // physical slots, both valid
  };

  template <typename T>
  static T Load(const uint8_t* values, int64_t slot) {
    T v;
    std::memcpy(&v, values + slot * static_cast<int64_t>(sizeof(T)), sizeof(T));
    return v;
  }
  template <typename T>
  static int Fixed(const Key& k, int64_t i, int64_t j) {
    return CompareScalars(Load<T>(k.values, i), Load<T>(k.values, j));
  }
  template <typename T>
  static int Float(const Key& k, int64_t i, int64_t j) {
    return CompareFloats(Load<T>(k.values, i), Load<T>(k.values, j));
  }
  static int Bytes(const std::string_view a, const std::string_view b) {
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  static int String(const Key& k, int64_t i, int64_t j) {
    const int32_t bi = Load<int32_t>(k.values, i), ei = Load<int32_t>(k.values, i + 1);
    const int32_t bj = Load<int32_t>(k.values, j), ej = Load<int32_t>(k.values, j + 1);
    const char* d = reinterpret_cast<const char*>(k.bytes);
    return Bytes({d + bi, static_cast<size_t>(ei - bi)}, {d + bj, static_cast<size_t>(ej - bj)});
  }
  static int FixedBinary(const Key& k, int64_t i, int64_t j) {
    const char* d = reinterpret_cast<const char*>(k.values);
    const size_t w = static_cast<size_t>(k.width);
    return Bytes({d + i * k.width, w}, {d + j * k.width, w});
  }
  static int Bool(const Key& k, int64_t i, int64_t j) {
    return CompareScalars<int>(columnar::bits::Get(k.values, i), columnar::bits::Get(k.values, j));
  }
  static int Generic(const Key& k, int64_t i, int64_t j) {  // nested types: CompareValues
    return CompareValues(*k.column, i - k.offset, *k.column, j - k.offset);
  }
  static int Equal(const Key&, int64_t, int64_t) { return 0; }

  static Key Bind(const ArrayData& a, const sql::SortKey& spec) {
    using columnar::TypeId;
    Key k;
    k.column = &a;
    k.offset = a.offset;
    k.ascending = spec.ascending;
    k.nulls_first = spec.nulls_first;
    if (a.type->id() == TypeId::kNull) {  // all null: every pair ties
      k.compare = Equal;
      return k;
    }
    if (a.null_count != 0 && !a.buffers.empty() && a.buffers[0]) k.validity = a.buffers[0]->data();
    if (a.buffers.size() > 1 && a.buffers[1]) k.values = a.buffers[1]->data();
    switch (a.type->id()) {
      case TypeId::kBoolean: k.compare = Bool; break;
      case TypeId::kInt8: k.compare = Fixed<int8_t>; break;
      case TypeId::kInt16: k.compare = Fixed<int16_t>; break;
      case TypeId::kInt32:
      case TypeId::kDate32: k.compare = Fixed<int32_t>; break;
      case TypeId::kInt64:
      case TypeId::kTime64:
      case TypeId::kTimestamp: k.compare = Fixed<int64_t>; break;
      case TypeId::kUInt8: k.compare = Fixed<uint8_t>; break;
      case TypeId::kUInt16: k.compare = Fixed<uint16_t>; break;
      case TypeId::kUInt32: k.compare = Fixed<uint32_t>; break;
      case TypeId::kUInt64: k.compare = Fixed<uint64_t>; break;
      case TypeId::kFloat32: k.compare = Float<float>; break;
      case TypeId::kFloat64: k.compare = Float<double>; break;
      case TypeId::kDecimal128: k.compare = Fixed<__int128>; break;
      case TypeId::kString:
      case TypeId::kBinary:
        k.bytes = a.buffers[2]->data();
        k.compare = String;
        break;
      case TypeId::kFixedSizeBinary:
        k.width = a.type->byte_width();
        k.compare = FixedBinary;
        break;
      default: k.compare = Generic; break;
    }
    return k;
  }

  std::vector<Key> keys_;
};

// Typed comparison of one fixed-width key without nulls (the common case), to keep the sort's
// inner loop free of the type switch.
template <typename T>
bool SortByOneKey(const ArrayData& a, bool asc, std::vector<int32_t>* perm, QueryContext* ctx) {
  const T* v = a.buffers[1]->as<T>() + a.offset;
  if (asc) {
    StableSortPermutation(perm, [v](int32_t x, int32_t y) { return v[x] < v[y]; }, ctx);
  } else {
    StableSortPermutation(perm, [v](int32_t x, int32_t y) { return v[y] < v[x]; }, ctx);
  }
  return true;
}

}  // namespace

std::vector<int32_t> SortPermutation(const std::vector<ArrayPtr>& keys, const std::vector<sql::SortKey>& spec,
                                     int64_t n, QueryContext* ctx) {
  std::vector<int32_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  if (keys.empty()) return perm;
  if (keys.size() == 1 && keys[0]->null_count == 0) {
    const ArrayData& a = *keys[0];
    const bool asc = spec[0].ascending;
    switch (a.type->id()) {
      case columnar::TypeId::kInt32:
      case columnar::TypeId::kDate32: SortByOneKey<int32_t>(a, asc, &perm, ctx); return perm;
      case columnar::TypeId::kInt64:
      case columnar::TypeId::kTimestamp: SortByOneKey<int64_t>(a, asc, &perm, ctx); return perm;
      case columnar::TypeId::kDecimal128: SortByOneKey<__int128>(a, asc, &perm, ctx); return perm;
      default: break;
    }
  }
  const SortKeyComparator cmp(keys, spec);
  StableSortPermutation(&perm, [&cmp](int32_t x, int32_t y) { return cmp.Compare(x, y) < 0; }, ctx);
  return perm;
}

namespace {

class SortSink final : public LocalSink {
 public:
  SortSink(const sql::PlanNode* node, QueryContext* ctx, int64_t keep) : node_(node), ctx_(ctx), keep_(keep) {}
  ~SortSink() override {
    if (reserved_ > 0) ctx_->memory().Release(reserved_);
  }
  base::Status Consume(BatchPtr batch) override {
    const int64_t bytes = BatchBytes(*batch);
    if (!ctx_->memory().TryReserve(bytes)) {
      // Spill what is held as a sorted run (the batch too when it alone does not fit).
      if (!batches_.empty()) TIDE_RETURN_IF_ERROR(SpillRun());
      if (!ctx_->memory().TryReserve(bytes)) {
        batches_.push_back(std::move(batch));
        return SpillRun();
      }
    }
    reserved_ += bytes;
    rows_ += batch->num_rows();
    batches_.push_back(std::move(batch));
    if (keep_ >= 0 && rows_ > std::max<int64_t>(2 * keep_, 16384)) return Prune();
    return base::Status::OK();
  }
  // Sorts what this sink holds (keeping the first keep_ rows when keep_ >= 0).
  base::Status Prune() {
    TIDE_ASSIGN_OR_RETURN(BatchPtr all, ConcatAll(node_->schema, batches_));
    TIDE_ASSIGN_OR_RETURN(BatchPtr sorted, SortBatch(*node_, all, keep_, ctx_));
    batches_.clear();
    batches_.push_back(sorted);
    rows_ = sorted->num_rows();
    const int64_t bytes = BatchBytes(*sorted);
    ctx_->memory().Release(reserved_);
    reserved_ = 0;
    if (ctx_->memory().TryReserve(bytes)) reserved_ = bytes;
    return base::Status::OK();
  }
  std::vector<BatchPtr>& batches() { return batches_; }
  std::vector<std::string>& runs() { return runs_; }

  // Writes the sorted contents to a new run file and releases their memory.
  base::Status SpillRun() {
    if (batches_.empty()) return base::Status::OK();
    TIDE_ASSIGN_OR_RETURN(BatchPtr all, ConcatAll(node_->schema, batches_));
    batches_.clear();
    TIDE_ASSIGN_OR_RETURN(BatchPtr sorted, SortBatch(*node_, all, keep_, ctx_));
    all.reset();
    TIDE_ASSIGN_OR_RETURN(auto w, SpillWriter::Open(ctx_, "sort-run"));
    TIDE_RETURN_IF_ERROR(w->AppendBatch(*sorted));
    TIDE_RETURN_IF_ERROR(w->Finish());
    runs_.push_back(w->path());
    ctx_->memory().Release(reserved_);
    reserved_ = 0;
    rows_ = 0;
    return base::Status::OK();
  }

  static base::Result<BatchPtr> SortBatch(const sql::PlanNode& node, const BatchPtr& all, int64_t keep,
                                          QueryContext* ctx) {
    std::vector<ArrayPtr> keys;
    for (const auto& k : node.sort_keys) {
      TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(k.expr, ctx));
      TIDE_ASSIGN_OR_RETURN(ArrayPtr col, e->Eval(*all));
      keys.push_back(std::move(col));
    }
    std::vector<int32_t> perm;
    const int64_t n = all->num_rows();
    if (keep >= 0 && keep < n) {
      perm.resize(n);
      std::iota(perm.begin(), perm.end(), 0);
      // partial_sort is not stable: break ties by row index.
      const SortKeyComparator cmp(keys, node.sort_keys);
      std::partial_sort(perm.begin(), perm.begin() + keep, perm.end(), [&cmp](int32_t x, int32_t y) {
        const int c = cmp.Compare(x, y);
        return c != 0 ? c < 0 : x < y;
      });
      perm.resize(keep);
    } else {
      perm = SortPermutation(keys, node.sort_keys, n, ctx);
    }
    return TakeBatch(*all, perm);
  }

 private:
  const sql::PlanNode* node_;
  QueryContext* ctx_;
  int64_t keep_;
  std::vector<BatchPtr> batches_;
  std::vector<std::string> runs_;
  int64_t rows_ = 0;
  int64_t reserved_ = 0;
};

// One sorted run being merged: a spill file read block by block, or one in-memory batch.
struct RunCursor {
  std::unique_ptr<SpillReader> reader;
  BatchPtr pending;  // in-memory run, not yet loaded
  BatchPtr block;
  std::vector<ArrayPtr> keys;
  EncodedRows enc;
  int64_t pos = 0;
  int index = 0;
  std::vector<std::unique_ptr<ExprEval>> evals;

  // Moves to the next row; loads the next block when needed. False at the end of the run.
  base::Result<bool> Advance(int64_t batch_size) {
    if (block && ++pos < block->num_rows()) return true;
    while (true) {
      block.reset();
      if (reader) {
        TIDE_ASSIGN_OR_RETURN(block, reader->Next(batch_size));
      } else if (pending) {
        block = std::move(pending);
      }
      if (!block) return false;
      if (block->num_rows() > 0) break;
    }
    pos = 0;
    keys.clear();
    for (auto& e : evals) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr k, e->Eval(*block));
      keys.push_back(std::move(k));
    }
    std::vector<const ArrayData*> cols;
    for (const auto& c : block->columns()) cols.push_back(c.get());
    EncodeRows(cols, block->num_rows(), &enc);
    return true;
  }
};

int CompareCursors(const RunCursor& a, const RunCursor& b, const std::vector<sql::SortKey>& spec) {
  for (size_t k = 0; k < spec.size(); ++k) {
    const ArrayData& x = *a.keys[k];
    const ArrayData& y = *b.keys[k];
    const bool vx = x.IsValid(a.pos), vy = y.IsValid(b.pos);
    if (!vx || !vy) {
      if (vx == vy) continue;
      const int c = vx ? 1 : -1;
      return spec[k].nulls_first ? c : -c;
    }
    const int c = CompareValues(x, a.pos, y, b.pos);
    if (c != 0) return spec[k].ascending ? c : -c;
  }
  return a.index < b.index ? -1 : (a.index > b.index ? 1 : 0);
}

// An ordered one-task stream merging the runs.
base::Result<Stream> MergeRuns(const sql::PlanNode& node, QueryContext* ctx, std::vector<BatchPtr> memory_runs,
                               std::vector<std::string> files, int64_t batch_size) {
  Stream st;
  st.schema = node.schema;
  st.ordered = true;
  st.source.num_tasks = 1;
  const sql::PlanNode* np = &node;
  auto mem = std::make_shared<std::vector<BatchPtr>>(std::move(memory_runs));
  auto paths = std::make_shared<std::vector<std::string>>(std::move(files));
  st.source.run = [np, ctx, mem, paths, batch_size](int64_t, const Emit& emit) -> base::Status {
    std::vector<std::unique_ptr<RunCursor>> cursors;
    auto add = [&](std::unique_ptr<RunCursor> c) -> base::Status {
      c->index = static_cast<int>(cursors.size());
      for (const auto& k : np->sort_keys) {
        TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(k.expr, ctx));
        c->evals.push_back(std::move(e));
      }
      TIDE_ASSIGN_OR_RETURN(bool has, c->Advance(batch_size));
      if (has) cursors.push_back(std::move(c));
      return base::Status::OK();
    };
    for (const auto& p : *paths) {
      auto c = std::make_unique<RunCursor>();
      TIDE_ASSIGN_OR_RETURN(c->reader, SpillReader::Open(p, np->schema));
      TIDE_RETURN_IF_ERROR(add(std::move(c)));
    }
    for (auto& b : *mem) {
      auto c = std::make_unique<RunCursor>();
      c->pending = b;
      TIDE_RETURN_IF_ERROR(add(std::move(c)));
    }
    mem->clear();
    const auto& spec = np->sort_keys;
    auto greater = [&](RunCursor* a, RunCursor* b) { return CompareCursors(*a, *b, spec) > 0; };
    std::vector<RunCursor*> heap;
    for (auto& c : cursors) heap.push_back(c.get());
    std::make_heap(heap.begin(), heap.end(), greater);
    std::vector<columnar::TypePtr> types;
    std::vector<std::unique_ptr<columnar::ArrayBuilder>> builders;
    std::vector<columnar::ArrayBuilder*> bp;
    for (const auto& f : np->schema->fields()) {
      types.push_back(f->type());
      builders.push_back(columnar::MakeBuilder(f->type()));
      bp.push_back(builders.back().get());
    }
    int64_t skip = np->limit >= 0 || np->offset > 0 ? std::max<int64_t>(0, np->offset) : 0;
    int64_t remaining = np->limit;
    int64_t rows = 0;
    auto flush = [&]() -> base::Status {
      if (rows == 0) return base::Status::OK();
      std::vector<ArrayPtr> cols;
      for (auto& b : builders) cols.push_back(b->Finish());
      auto out = std::make_shared<RecordBatch>(np->schema, std::move(cols), rows);
      rows = 0;
      return emit(std::move(out));
    };
    while (!heap.empty() && remaining != 0) {
      std::pop_heap(heap.begin(), heap.end(), greater);
      RunCursor* c = heap.back();
      if (skip > 0) {
        --skip;
      } else {
        TIDE_RETURN_IF_ERROR(DecodeRow(c->enc.row(c->pos), types, bp));
        ++rows;
        if (remaining > 0) --remaining;
        if (rows >= batch_size) TIDE_RETURN_IF_ERROR(flush());
      }
      TIDE_ASSIGN_OR_RETURN(bool more, c->Advance(batch_size));
      if (more) {
        std::push_heap(heap.begin(), heap.end(), greater);
      } else {
        heap.pop_back();
      }
    }
    return flush();
  };
  return st;
}

}  // namespace

base::Result<Stream> CompileSort(Compiler& c, const sql::PlanNode& node) {
  TIDE_ASSIGN_OR_RETURN(Stream input, c.Compile(node.children[0]));
  const int64_t keep = node.limit >= 0 ? node.limit + std::max<int64_t>(0, node.offset) : -1;
  QueryContext* ctx = c.ctx();
  const sql::PlanNode* np = &node;
  SinkFactory f = [np, ctx, keep]() -> base::Result<std::unique_ptr<LocalSink>> {
    return std::unique_ptr<LocalSink>(new SortSink(np, ctx, keep));
  };
  TIDE_ASSIGN_OR_RETURN(auto sinks, RunStream(input, ctx, f));
  std::vector<std::string> runs;
  for (auto& s : sinks) {
    for (auto& r : static_cast<SortSink*>(s.get())->runs()) runs.push_back(r);
  }
  if (!runs.empty()) {
    std::vector<BatchPtr> memory_runs;
    for (auto& s : sinks) {
      auto* ss = static_cast<SortSink*>(s.get());
      if (ss->batches().empty()) continue;
      TIDE_ASSIGN_OR_RETURN(BatchPtr held, ConcatAll(node.schema, ss->batches()));
      ss->batches().clear();
      TIDE_ASSIGN_OR_RETURN(BatchPtr sorted, SortSink::SortBatch(node, held, keep, ctx));
      memory_runs.push_back(std::move(sorted));
    }
    return MergeRuns(node, ctx, std::move(memory_runs), std::move(runs), c.batch_size());
  }
  std::vector<BatchPtr> all;
  for (auto& s : sinks) {
    for (auto& b : static_cast<SortSink*>(s.get())->batches()) all.push_back(b);
  }
  TIDE_ASSIGN_OR_RETURN(BatchPtr merged, ConcatAll(node.schema, all));
  all.clear();
  // Input order is the stable tie-break; rows from different workers have no order anyway.
  TIDE_ASSIGN_OR_RETURN(BatchPtr sorted, SortSink::SortBatch(node, merged, keep, ctx));
  merged.reset();
  if (node.limit >= 0 || node.offset > 0) {
    const int64_t off = std::min<int64_t>(std::max<int64_t>(0, node.offset), sorted->num_rows());
    const int64_t rest = sorted->num_rows() - off;
    const int64_t len = node.limit >= 0 ? std::min<int64_t>(node.limit, rest) : rest;
    sorted = sorted->Slice(off, len);
  }
  return MaterializedStream(node.schema, {sorted}, c.batch_size(), true);
}

}  // namespace tide::exec::internal
