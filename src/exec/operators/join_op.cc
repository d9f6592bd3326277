// Hash join (and nested-loop join when there are no equality keys).
//
// The right child is built first: its rows are concatenated into one batch, its keys encoded
// (row_codec.h) into a KeyTable with a chain of build rows per distinct key. Rows with a null
// in a key that is not null-safe never match and are left out of the table. The left child
// then streams through a probe transform on every worker; candidate pairs are checked
// against the residual condition, and the join type decides what each probe row produces.
// Right and full joins record which build rows matched and emit the others once the probe
// side has finished.
//
// Key filter: a build side of at least kKeyFilterMinRows keys also gets a blocked bloom
// filter over the key hashes (two bits in one 64-bit word per key, about 8 bits per key),
// small enough to stay in the CPU cache when the table is not. The probe tests it before the
// table and looks up only the rows that pass, so a probe of a fact table where few rows match
// (TPC-H Q3, Q5: 1 to 3 % of lineitem) touches the big table for few rows. The filter has no
// false negatives: a row it rejects has no match, the same outcome as a failed lookup. Only
// joins that drop unmatched probe rows (inner, semi, right) build one (the others keep every
// probe row, and their probes mostly match). A probe transform that sees most rows pass stops
// testing it. With packed fixed-width keys the join also hands the filter to the scan feeding
// the probe side (a runtime filter, query_context.h), so rows that cannot match are dropped
// before the scan's batch is taken to its filter's rows and before any operator between the
// scan and the join sees them.
#include <algorithm>
#include <atomic>
#include <cstring>

#include "exec/operators/hash_table.h"
#include "exec/operators/operators.h"
#include "exec/operators/row_codec.h"
#include "exec/operators/spill_partition.h"
#include "exec/vector_ops.h"

namespace tide::exec::internal {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::RecordBatch;
using sql::PlanJoinType;

namespace {

// The build side's key table is split by hash into partitions built in parallel; a probe
// looks in the partition its hash names.
struct BuildPartition {
  KeyTable table;
  std::vector<int32_t> head;  // per key id: first build row
};

// Blocked bloom filter over key hashes (see the file comment). Word index from bits
// [12, 12 + log2(words)), the two bit positions from bits [52, 58) and [58, 64).
struct KeyFilter {
  std::vector<uint64_t> words;
  uint64_t word_mask = 0;
  static uint64_t Bits(uint64_t h) { return (uint64_t{1} << ((h >> 52) & 63)) | (uint64_t{1} << (h >> 58)); }
  uint64_t Word(uint64_t h) const { return (h >> 12) & word_mask; }
  bool MayContain(uint64_t h) const {
    const uint64_t bits = Bits(h);
    return (words[Word(h)] & bits) == bits;
  }
  bool empty() const { return words.empty(); }
};

constexpr int64_t kKeyFilterMinRows = 16384;

struct BuildSide {
  BatchPtr batch;
  std::vector<BuildPartition> parts;
  int part_bits = 0;
  KeyFilter filter;
  std::vector<int32_t> next;  // per build row: next row with the same key, -1 at the end
  const BuildPartition& PartOf(uint64_t h) const { return parts[part_bits == 0 ? 0 : h >> (64 - part_bits)]; }
  bool has_null_key = false;
  int64_t global_rows = -1;  // grace join: rows of the whole build side (for mark joins)
  std::unique_ptr<std::atomic<uint8_t>[]> matched;  // right / full joins
  int64_t reserved = 0;
  QueryContext* ctx = nullptr;
  ~BuildSide() {
    if (reserved > 0 && ctx) ctx->memory().Release(reserved);
  }
};

struct JoinSpec {
  const sql::PlanNode* node = nullptr;
  QueryContext* ctx = nullptr;
  std::shared_ptr<BuildSide> build;
  std::shared_ptr<const columnar::Schema> pair_schema;  // left fields + right fields
  std::shared_ptr<const columnar::Schema> left_schema;
  bool hashed = false;
  int fixed_width = 0;  // FixedKeyWidth(node): > 0 selects the packed-key fast path
};

bool NullSafe(const sql::PlanNode& node, size_t k) { return k < node.null_safe.size() && node.null_safe[k]; }

// Rows of `keys` with a null in a key that is not null-safe.
void NullKeyRows(const sql::PlanNode& node, const std::vector<ArrayPtr>& keys, int64_t n, std::vector<uint8_t>* out) {
  out->assign(n, 0);
  for (size_t k = 0; k < keys.size(); ++k) {
    if (NullSafe(node, k)) continue;
    const ArrayData& a = *keys[k];
    if (a.type->id() == columnar::TypeId::kNull) {
      std::fill(out->begin(), out->end(), 1);
      return;
    }
    if (a.null_count == 0) continue;
    for (int64_t i = 0; i < n; ++i) {
      if (!a.IsValid(i)) (*out)[i] = 1;
    }
  }
}

// Fast path for join keys that are all fixed-width integers (INT, BIGINT, DATE, TIMESTAMP,
// ...) of the same type on both sides and not null-safe: a row's key is its values' bytes
// packed side by side (no null flags, since rows with a null key never enter or probe the
// table), at most 16 bytes, hashed as two 64-bit words. Returns the packed width, or 0 when
// the general row codec must be used. Both sides of one join always use the same encoding.
int FixedKeyWidth(const sql::PlanNode& node) {
  if (node.left_keys.empty() || node.left_keys.size() != node.right_keys.size()) return 0;
  int width = 0;
  for (size_t k = 0; k < node.left_keys.size(); ++k) {
    if (NullSafe(node, k)) return 0;
    const auto& lt = node.left_keys[k]->type;
    const auto& rt = node.right_keys[k]->type;
    if (!lt || !rt || !lt->Equals(*rt)) return 0;
    switch (lt->id()) {
      case columnar::TypeId::kInt8:
      case columnar::TypeId::kInt16:
      case columnar::TypeId::kInt32:
      case columnar::TypeId::kInt64:
      case columnar::TypeId::kUInt8:
      case columnar::TypeId::kUInt16:
      case columnar::TypeId::kUInt32:
      case columnar::TypeId::kUInt64:
      case columnar::TypeId::kDate32:
      case columnar::TypeId::kTime64:
      case columnar::TypeId::kTimestamp: width += lt->FixedWidth(); break;
      default: return 0;
    }
  }
  return width <= 16 ? width : 0;
}

inline uint64_t MixFixedKey(uint64_t lo, uint64_t hi) {
  uint64_t h = lo * 0x9E3779B97F4A7C15ULL ^ (hi + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// Packs rows [0, n) of `keys` (types as FixedKeyWidth accepted, total `width` bytes) into
// `data` (n * width bytes) and hashes each packed key into `hashes`.
void PackFixedKeys(const std::vector<const ArrayData*>& keys, int64_t n, int width, std::vector<uint8_t>* data,
                   std::vector<uint64_t>* hashes) {
  data->resize(static_cast<size_t>(n) * width + 16);  // slack: the hash loop loads 16 bytes
  uint8_t* d = data->data();
  int pos = 0;
  for (const ArrayData* a : keys) {
    const int w = a->type->FixedWidth();
    if (a->buffers.size() < 2 || !a->buffers[1]) {
      // No values buffer (an all-null column): every row is skipped as a null key.
      for (int64_t i = 0; i < n; ++i) std::memset(d + i * width + pos, 0, w);
      pos += w;
      continue;
    }
    const uint8_t* src = a->buffers[1]->data() + a->offset * w;
    if (n == 0) {
      // Nothing to pack; an empty column may have no data pointer (memcpy from null is UB).
    } else if (w == width) {
      std::memcpy(d, src, static_cast<size_t>(n) * w);
    } else {
      for (int64_t i = 0; i < n; ++i) std::memcpy(d + i * width + pos, src + i * w, w);
    }
    pos += w;
  }
  hashes->resize(n);
  uint64_t* h = hashes->data();
  if (width == 8) {
    for (int64_t i = 0; i < n; ++i) {
      uint64_t lo;
      std::memcpy(&lo, d + i * 8, 8);
      h[i] = MixFixedKey(lo, 0);
    }
    return;
  }
  const uint64_t lo_mask = width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
  const uint64_t hi_mask = width <= 8 ? 0 : width == 16 ? ~uint64_t{0} : (uint64_t{1} << (8 * (width - 8))) - 1;
  for (int64_t i = 0; i < n; ++i) {
    uint64_t lo, hi;
    std::memcpy(&lo, d + i * width, 8);
    std::memcpy(&hi, d + i * width + 8, 8);
    h[i] = MixFixedKey(lo & lo_mask, hi & hi_mask);
  }
}

class ProbeTransform final : public Transform {
 public:
  explicit ProbeTransform(const JoinSpec* spec) : spec_(spec) {}

  base::Status Init() {
    const auto& node = *spec_->node;
    for (const auto& k : node.left_keys) {
      TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(k, spec_->ctx));
      keys_.push_back(std::move(e));
    }
    if (node.condition) {
      TIDE_ASSIGN_OR_RETURN(cond_, ExprEval::Make(node.condition, spec_->ctx));
    }
    return base::Status::OK();
  }

  base::Status Push(BatchPtr probe, const Emit& emit) override {
    const auto& node = *spec_->node;
    const BuildSide& b = *spec_->build;
    const int64_t n = probe->num_rows();
    matched_.assign(n, 0);
    null_key_.assign(n, 0);
    pi_.clear();
    bj_.clear();
    if (spec_->hashed) {
      std::vector<ArrayPtr> kc;
      std::vector<const ArrayData*> kp;
      for (auto& e : keys_) {
        TIDE_ASSIGN_OR_RETURN(ArrayPtr k, e->Eval(*probe));
        kc.push_back(std::move(k));
      }
      for (auto& k : kc) kp.push_back(k.get());
      NullKeyRows(node, kc, n, &null_key_);
      const int fw = spec_->fixed_width;
      if (fw > 0) {
        PackFixedKeys(kp, n, fw, &packed_, &hashes_);
      } else {
        EncodeRows(kp, n, &enc_);
        hashes_.resize(n);
        for (int64_t i = 0; i < n; ++i) {
          auto key = enc_.row(i);
          hashes_[i] = HashKeyBytes(key.data(), key.size());
        }
      }
      auto key_of = [&](int64_t i) {
        return fw > 0 ? std::string_view(reinterpret_cast<const char*>(packed_.data()) + i * fw, fw) : enc_.row(i);
      };
      // The rows to look up: keys without nulls that pass the key filter.
      cand_.resize(n);
      int64_t nc = 0;
      const uint64_t* h = hashes_.data();
      const uint8_t* nk = null_key_.data();
      if (use_filter_ && !b.filter.empty()) {
        const KeyFilter& f = b.filter;
        int64_t valid = 0;
        for (int64_t i = 0; i < n; ++i) {
          cand_[nc] = static_cast<int32_t>(i);
          const bool ok = !nk[i];
          valid += ok;
          nc += ok & f.MayContain(h[i]);
        }
        filter_seen_ += valid;
        filter_passed_ += nc;
        // Most rows pass: the filter only adds work.
        if (filter_seen_ >= kFilterSample && filter_passed_ * 2 > filter_seen_) use_filter_ = false;
      } else {
        for (int64_t i = 0; i < n; ++i) {
          cand_[nc] = static_cast<int32_t>(i);
          nc += !nk[i];
        }
      }
      const int32_t* cand = cand_.data();
      constexpr int64_t kAhead = 16;
      for (int64_t k = 0; k < std::min(nc, kAhead); ++k) b.PartOf(h[cand[k]]).table.Prefetch(h[cand[k]]);
      for (int64_t k = 0; k < nc; ++k) {
        if (k + kAhead < nc) b.PartOf(h[cand[k + kAhead]]).table.Prefetch(h[cand[k + kAhead]]);
        const int64_t i = cand[k];
        auto key = key_of(i);
        const BuildPartition& part = b.PartOf(h[i]);
        const int64_t id = part.table.Find(key, h[i]);
        if (id < 0) continue;
        for (int32_t r = part.head[id]; r >= 0; r = b.next[r]) {
          pi_.push_back(static_cast<int32_t>(i));
          bj_.push_back(r);
        }
        if (pi_.size() >= kFlushPairs) TIDE_RETURN_IF_ERROR(Flush(probe, emit));
      }
    } else {
      const int64_t nb = b.batch->num_rows();
      for (int64_t i = 0; i < n && nb > 0; ++i) {
        for (int64_t r = 0; r < nb; ++r) {
          pi_.push_back(static_cast<int32_t>(i));
          bj_.push_back(static_cast<int32_t>(r));
        }
        if (pi_.size() >= kFlushPairs) TIDE_RETURN_IF_ERROR(Flush(probe, emit));
      }
    }
    TIDE_RETURN_IF_ERROR(Flush(probe, emit));
    return FinishProbeBatch(probe, emit);
  }

 private:
  static constexpr size_t kFlushPairs = 65536;
  // Probe rows (with non-null keys) seen before deciding whether the key filter pays.
  static constexpr int64_t kFilterSample = 1 << 17;

  bool EmitsPairs() const {
    const auto t = spec_->node->join_type;
    return t == PlanJoinType::kInner || t == PlanJoinType::kLeft || t == PlanJoinType::kRight ||
           t == PlanJoinType::kFull || t == PlanJoinType::kCross;
  }

  BatchPtr PairBatch(const RecordBatch& probe, const std::vector<int32_t>& pi, const std::vector<int32_t>& bj,
                     const std::shared_ptr<const columnar::Schema>& schema) {
    const BuildSide& b = *spec_->build;
    const int64_t m = static_cast<int64_t>(pi.size());
    std::vector<ArrayPtr> cols;
    cols.reserve(probe.num_columns() + b.batch->num_columns());
    for (const auto& c : probe.columns()) cols.push_back(Take(*c, pi.data(), m));
    for (const auto& c : b.batch->columns()) cols.push_back(Take(*c, bj.data(), m));
    return std::make_shared<RecordBatch>(schema, std::move(cols), m);
  }

  base::Status Flush(const BatchPtr& probe, const Emit& emit) {
    if (pi_.empty()) return base::Status::OK();
    const auto& node = *spec_->node;
    BuildSide& b = *spec_->build;
    BatchPtr pairs;
    if (cond_) {
      pairs = PairBatch(*probe, pi_, bj_, spec_->pair_schema);
      TIDE_ASSIGN_OR_RETURN(std::vector<int32_t> sel, cond_->Select(*pairs));
      if (sel.size() != pi_.size()) {
        std::vector<int32_t> pi2, bj2;
        pi2.reserve(sel.size());
        bj2.reserve(sel.size());
        for (int32_t s : sel) {
          pi2.push_back(pi_[s]);
          bj2.push_back(bj_[s]);
        }
        if (EmitsPairs()) pairs = TakeBatch(*pairs, sel);
        pi_.swap(pi2);
        bj_.swap(bj2);
      }
    }
    for (int32_t p : pi_) matched_[p] = 1;
    if (b.matched) {
      for (int32_t r : bj_) b.matched[r].store(1, std::memory_order_relaxed);
    }
    if (EmitsPairs() && !pi_.empty()) {
      if (!pairs) pairs = PairBatch(*probe, pi_, bj_, node.schema);
      TIDE_RETURN_IF_ERROR(emit(std::make_shared<RecordBatch>(node.schema, pairs->columns(), pairs->num_rows())));
    }
    pi_.clear();
    bj_.clear();
    return base::Status::OK();
  }

  base::Status FinishProbeBatch(const BatchPtr& probe, const Emit& emit) {
    const auto& node = *spec_->node;
    const BuildSide& b = *spec_->build;
    const int64_t n = probe->num_rows();
    switch (node.join_type) {
      case PlanJoinType::kLeft:
      case PlanJoinType::kFull: {
        std::vector<int32_t> rows, none;
        for (int64_t i = 0; i < n; ++i) {
          if (!matched_[i]) rows.push_back(static_cast<int32_t>(i));
        }
        if (rows.empty()) return base::Status::OK();
        none.assign(rows.size(), -1);
        return emit(PairBatch(*probe, rows, none, node.schema));
      }
      case PlanJoinType::kSemi:
      case PlanJoinType::kAnti: {
        const bool want = node.join_type == PlanJoinType::kSemi;
        std::vector<int32_t> rows;
        for (int64_t i = 0; i < n; ++i) {
          if ((matched_[i] != 0) == want) rows.push_back(static_cast<int32_t>(i));
        }
        if (rows.empty()) return base::Status::OK();
        if (static_cast<int64_t>(rows.size()) == n) {
          return emit(std::make_shared<RecordBatch>(node.schema, probe->columns(), n));
        }
        auto t = TakeBatch(*probe, rows);
        return emit(std::make_shared<RecordBatch>(node.schema, t->columns(), t->num_rows()));
      }
      case PlanJoinType::kMark: {
        columnar::BooleanBuilder mb;
        const bool empty = (b.global_rows >= 0 ? b.global_rows : b.batch->num_rows()) == 0;
        for (int64_t i = 0; i < n; ++i) {
          if (matched_[i]) {
            mb.Append(true);
          } else if (empty) {
            mb.Append(false);
          } else if (null_key_[i] || b.has_null_key) {
            mb.AppendNull();
          } else {
            mb.Append(false);
          }
        }
        std::vector<ArrayPtr> cols = probe->columns();
        cols.push_back(mb.Finish());
        return emit(std::make_shared<RecordBatch>(node.schema, std::move(cols), n));
      }
      default: return base::Status::OK();
    }
  }

  const JoinSpec* spec_;
  std::vector<std::unique_ptr<ExprEval>> keys_;
  std::unique_ptr<ExprEval> cond_;
  EncodedRows enc_;
  std::vector<uint8_t> packed_;  // fixed-width keys: n * fixed_width bytes
  std::vector<uint64_t> hashes_;
  std::vector<uint8_t> matched_;
  std::vector<uint8_t> null_key_;
  std::vector<int32_t> pi_;
  std::vector<int32_t> bj_;
  std::vector<int32_t> cand_;  // rows to look up
  bool use_filter_ = true;
  int64_t filter_seen_ = 0;
  int64_t filter_passed_ = 0;
};

// The key filter of a finished build side, tested in the scan that feeds the probe side (see
// query_context.h RuntimeFilter): the probe keys are scan columns (traced through
// projections, filters and the probe sides of joins), of the fixed-width types the packed-key
// path takes; each row's key is packed and hashed exactly as PackFixedKeys does.
class KeyRuntimeFilter final : public RuntimeFilter {
 public:
  KeyRuntimeFilter(std::shared_ptr<const BuildSide> build, std::vector<int> cols, int width)
      : build_(std::move(build)), cols_(std::move(cols)), width_(width) {}

  void Apply(const RecordBatch& batch, std::vector<int32_t>* rows) const override {
    const KeyFilter& f = build_->filter;
    std::vector<const ArrayData*> keys;
    std::vector<const uint8_t*> data;
    std::vector<int> widths;
    bool nulls = false;
    for (int c : cols_) {
      const ArrayData* a = batch.column(c).get();
      const int w = a->type->FixedWidth();
      if (a->buffers.size() < 2 || !a->buffers[1] || a->null_count == a->length) {
        rows->clear();  // every key null: nothing matches
        return;
      }
      keys.push_back(a);
      data.push_back(a->buffers[1]->data() + a->offset * w);
      widths.push_back(w);
      nulls = nulls || a->null_count > 0;
    }
    int32_t* r = rows->data();
    const size_t n = rows->size();
    size_t out = 0;
    if (keys.size() == 1 && width_ == 8 && !nulls) {
      const uint8_t* d = data[0];
      for (size_t k = 0; k < n; ++k) {
        const int32_t i = r[k];
        uint64_t lo;
        std::memcpy(&lo, d + static_cast<int64_t>(i) * 8, 8);
        r[out] = i;
        out += f.MayContain(MixFixedKey(lo, 0));
      }
      rows->resize(out);
      return;
    }
    const uint64_t lo_mask = width_ >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width_)) - 1;
    const uint64_t hi_mask =
        width_ <= 8 ? 0 : width_ == 16 ? ~uint64_t{0} : (uint64_t{1} << (8 * (width_ - 8))) - 1;
    for (size_t k = 0; k < n; ++k) {
      const int32_t i = r[k];
      uint8_t buf[16] = {};
      bool valid = true;
      int pos = 0;
      for (size_t c = 0; c < keys.size(); ++c) {
        if (nulls && !keys[c]->IsValid(i)) valid = false;
        std::memcpy(buf + pos, data[c] + static_cast<int64_t>(i) * widths[c], widths[c]);
        pos += widths[c];
      }
      uint64_t lo, hi;
      std::memcpy(&lo, buf, 8);
      std::memcpy(&hi, buf + 8, 8);
      r[out] = i;
      out += valid && f.MayContain(MixFixedKey(lo & lo_mask, hi & hi_mask));
    }
    rows->resize(out);
  }

 private:
  std::shared_ptr<const BuildSide> build_;
  std::vector<int> cols_;  // scan output columns, in key order
  int width_;
};

// The scan node output column `col` of `plan` comes from, unchanged (through column
// projections, filters and the probe (left) side of joins that emit each output row from one
// probe row: inner, cross, left, semi, anti, mark); nullptr when it comes from elsewhere.
const sql::PlanNode* TraceToScan(const sql::PlanNode* plan, int col, int* scan_col) {
  while (true) {
    switch (plan->kind) {
      case sql::PlanKind::kScan:
        *scan_col = col;
        return plan;
      case sql::PlanKind::kProject: {
        if (col < 0 || static_cast<size_t>(col) >= plan->exprs.size()) return nullptr;
        const auto& e = *plan->exprs[col];
        if (e.kind != sql::BoundExprKind::kColumn) return nullptr;
        col = e.column;
        plan = plan->children[0].get();
        break;
      }
      case sql::PlanKind::kFilter: plan = plan->children[0].get(); break;
      case sql::PlanKind::kJoin: {
        const auto t = plan->join_type;
        if (t == PlanJoinType::kRight || t == PlanJoinType::kFull) return nullptr;
        if (col >= plan->children[0]->schema->num_fields()) return nullptr;
        plan = plan->children[0].get();
        break;
      }
      default: return nullptr;
    }
  }
}

int CountNode(const sql::PlanNode& plan, const sql::PlanNode* target) {
  int n = &plan == target ? 1 : 0;
  for (const auto& c : plan.children) n += CountNode(*c, target);
  return n;
}

// A runtime filter for the scan feeding the probe side of `node`, or null (the join keeps
// unmatched probe rows, the keys are not packed fixed-width ones, the build side has no key
// filter, or the keys do not all come from one scan that appears once in the probe side).
std::shared_ptr<KeyRuntimeFilter> MakeRuntimeFilter(const sql::PlanNode& node, const JoinSpec& spec,
                                                    const sql::PlanNode** scan) {
  const auto t = node.join_type;
  if (t != PlanJoinType::kInner && t != PlanJoinType::kSemi && t != PlanJoinType::kRight) return nullptr;
  if (spec.fixed_width <= 0 || spec.build->filter.empty()) return nullptr;
  std::vector<int> cols;
  const sql::PlanNode* found = nullptr;
  for (const auto& k : node.left_keys) {
    if (k->kind != sql::BoundExprKind::kColumn) return nullptr;
    int sc = -1;
    const sql::PlanNode* s = TraceToScan(node.children[0].get(), k->column, &sc);
    if (!s || (found && s != found) || sc < 0 || sc >= s->schema->num_fields()) return nullptr;
    if (!s->schema->field(sc)->type()->Equals(*k->type)) return nullptr;
    found = s;
    cols.push_back(sc);
  }
  if (!found || CountNode(*node.children[0], found) != 1) return nullptr;
  *scan = found;
  return std::make_shared<KeyRuntimeFilter>(spec.build, std::move(cols), spec.fixed_width);
}

constexpr const char* kBuildOp = "hash join build";

// Builds the hash table over `batch` (the whole build side, or one spilled partition).
base::Status BuildTable(QueryContext* ctx, const sql::PlanNode& node, BatchPtr batch, BuildSide* b) {
  b->batch = std::move(batch);
  b->ctx = ctx;
  const int64_t n = b->batch->num_rows();
  if (!node.left_keys.empty()) {
    std::vector<ArrayPtr> kc;
    std::vector<const ArrayData*> kp;
    for (const auto& k : node.right_keys) {
      TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(k, ctx));
      TIDE_ASSIGN_OR_RETURN(ArrayPtr col, e->Eval(*b->batch));
      kc.push_back(std::move(col));
    }
    for (auto& k : kc) kp.push_back(k.get());
    std::vector<uint8_t> null_rows;
    NullKeyRows(node, kc, n, &null_rows);
    EncodedRows enc;
    std::vector<uint8_t> packed;
    std::vector<uint64_t> hashes;
    const int fw = FixedKeyWidth(node);
    if (fw > 0) {
      PackFixedKeys(kp, n, fw, &packed, &hashes);
    } else {
      EncodeRows(kp, n, &enc);
      hashes.resize(n);
      constexpr int64_t kChunk = 1 << 16;
      TIDE_RETURN_IF_ERROR(ParallelFor(ctx, (n + kChunk - 1) / kChunk, [&](int64_t c) {
        const int64_t end = std::min(n, (c + 1) * kChunk);
        for (int64_t i = c * kChunk; i < end; ++i) {
          auto key = enc.row(i);
          hashes[i] = HashKeyBytes(key.data(), key.size());
        }
        return base::Status::OK();
      }));
    }
    auto key_of = [&](int64_t i) {
      return fw > 0 ? std::string_view(reinterpret_cast<const char*>(packed.data()) + i * fw, fw) : enc.row(i);
    };
    // Big build sides: 2^bits partitions built in parallel.
    int bits = 0;
    if (ctx->threads() > 1) {
      while (bits < 6 && (n >> bits) > 65536) ++bits;
    }
    b->part_bits = bits;
    b->parts.resize(size_t{1} << bits);
    std::vector<std::vector<int32_t>> rows_of(b->parts.size());
    for (int64_t i = 0; i < n; ++i) {
      if (null_rows[i]) {
        b->has_null_key = true;
        continue;
      }
      rows_of[bits == 0 ? 0 : hashes[i] >> (64 - bits)].push_back(static_cast<int32_t>(i));
    }
    b->next.assign(n, -1);
    int64_t keyed = 0;
    for (const auto& rows : rows_of) keyed += static_cast<int64_t>(rows.size());
    // Only joins that drop unmatched probe rows get one: there it also becomes the probe
    // scan's runtime filter; joins that keep every probe row (left, full, anti, mark) mostly
    // probe keys that match (TPC-H Q13), where building it would be wasted.
    const bool drops_unmatched = node.join_type == PlanJoinType::kInner || node.join_type == PlanJoinType::kSemi ||
                                 node.join_type == PlanJoinType::kRight;
    if (keyed >= kKeyFilterMinRows && drops_unmatched && ctx->settings().join_key_filter) {
      // About 8 bits per key; words set in parallel by partition (atomic ors: the
      // partitions share words).
      uint64_t words = 64;
      while (words * 8 < static_cast<uint64_t>(keyed)) words <<= 1;
      b->filter.words.assign(words, 0);
      b->filter.word_mask = words - 1;
      KeyFilter& f = b->filter;
      TIDE_RETURN_IF_ERROR(ParallelFor(ctx, static_cast<int64_t>(rows_of.size()), [&](int64_t p) {
        for (int32_t i : rows_of[p]) {
          __atomic_fetch_or(&f.words[f.Word(hashes[i])], KeyFilter::Bits(hashes[i]), __ATOMIC_RELAXED);
        }
        return base::Status::OK();
      }));
    }
    TIDE_RETURN_IF_ERROR(ParallelFor(ctx, static_cast<int64_t>(b->parts.size()), [&](int64_t p) {
      BuildPartition& part = b->parts[p];
      const auto& rows = rows_of[p];
      // Insert in reverse so each chain lists build rows in input order.
      for (size_t k = rows.size(); k-- > 0;) {
        const int32_t i = rows[k];
        bool inserted = false;
        const uint32_t id = part.table.FindOrInsert(key_of(i), hashes[i], &inserted);
        if (inserted) {
          part.head.push_back(i);
        } else {
          b->next[i] = part.head[id];
          part.head[id] = i;
        }
      }
      return base::Status::OK();
    }));
  }
  int64_t table_bytes = static_cast<int64_t>(b->filter.words.capacity() * 8);
  for (const auto& p : b->parts) table_bytes += p.table.MemoryBytes() + static_cast<int64_t>(p.head.capacity() * 4);
  const int64_t bytes = BatchBytes(*b->batch) + table_bytes + n * 8;
  if (!ctx->memory().TryReserve(bytes)) {
    return base::Status::ResourceExhausted(std::string(kBuildOp) + ": memory limit of " +
                                           std::to_string(ctx->memory().limit()) + " bytes exceeded (" +
                                           std::to_string(n) + " build rows)");
  }
  b->reserved = bytes;
  if (node.join_type == PlanJoinType::kRight || node.join_type == PlanJoinType::kFull) {
    b->matched.reset(new std::atomic<uint8_t>[std::max<int64_t>(n, 1)]);
    for (int64_t i = 0; i < n; ++i) b->matched[i].store(0, std::memory_order_relaxed);
  }
  return base::Status::OK();
}

bool IsBuildOverflow(const base::Status& s) {
  return s.code() == base::StatusCode::kResourceExhausted && s.message().rfind(kBuildOp, 0) == 0;
}

base::Status Build(Compiler& c, const sql::PlanNode& node, BuildSide* b) {
  TIDE_ASSIGN_OR_RETURN(Stream right, c.Compile(node.children[1]));
  TIDE_ASSIGN_OR_RETURN(auto batches, CollectStream(right, c.ctx(), kBuildOp));
  TIDE_ASSIGN_OR_RETURN(BatchPtr all, ConcatAll(node.children[1]->schema, batches));
  batches.clear();
  return BuildTable(c.ctx(), node, std::move(all), b);
}

// The build rows no probe row matched, with null left columns (right and full joins).
BatchPtr UnmatchedBuildRows(const JoinSpec& spec) {
  const BuildSide& b = *spec.build;
  std::vector<int32_t> rows;
  for (int64_t i = 0; i < b.batch->num_rows(); ++i) {
    if (!b.matched[i].load(std::memory_order_relaxed)) rows.push_back(static_cast<int32_t>(i));
  }
  if (rows.empty()) return nullptr;
  const int64_t m = static_cast<int64_t>(rows.size());
  std::vector<ArrayPtr> cols;
  for (const auto& f : spec.left_schema->fields()) cols.push_back(columnar::MakeNullArray(f->type(), m));
  for (const auto& col : b.batch->columns()) cols.push_back(Take(*col, rows.data(), m));
  return std::make_shared<RecordBatch>(spec.node->schema, std::move(cols), m);
}

constexpr int kJoinPartitions = 32;
// A spilled partition whose build side still does not fit is partitioned again (both sides,
// with another seed) this many levels deep at most.
constexpr int kMaxGraceDepth = 4;

// What every partition task of one grace join shares.
struct GraceJoinState {
  const sql::PlanNode* node = nullptr;
  QueryContext* ctx = nullptr;
  std::shared_ptr<JoinSpec> proto;
  PartitionSpec build_spec;  // right keys
  PartitionSpec probe_spec;  // left keys
  int64_t batch_size = 0;
  bool has_null = false;
  int64_t total_right = 0;
};

// Joins partition p of the spilled sides r (build) and l (probe). When p's build rows do not
// fit in memory, both sides of p are partitioned again with another seed and each
// sub-partition is joined in turn (recursively, up to kMaxGraceDepth levels).
base::Status JoinSpilledPartition(const GraceJoinState& g, const SpillPartitions& r, const SpillPartitions& l, int p,
                                  int depth, const Emit& emit) {
  const sql::PlanNode& node = *g.node;
  const auto jt = node.join_type;
  const bool probe_empty = l.files[p].empty();
  const bool build_empty = r.rows[p] == 0;
  // Partitions that cannot produce a row.
  if (probe_empty && jt != PlanJoinType::kRight && jt != PlanJoinType::kFull) return base::Status::OK();
  if (build_empty && (jt == PlanJoinType::kInner || jt == PlanJoinType::kSemi || jt == PlanJoinType::kRight ||
                      jt == PlanJoinType::kCross)) {
    return base::Status::OK();
  }
  TIDE_RETURN_IF_ERROR(g.ctx->CheckCancelled());
  base::Status built;
  {
    auto spec = std::make_shared<JoinSpec>(*g.proto);
    spec->build = std::make_shared<BuildSide>();
    std::vector<BatchPtr> rb;
    TIDE_RETURN_IF_ERROR(ReadSpillFiles(r.files[p], r.schema, g.batch_size, &rb));
    TIDE_ASSIGN_OR_RETURN(BatchPtr all, ConcatAll(node.children[1]->schema, rb));
    rb.clear();
    built = BuildTable(g.ctx, node, std::move(all), spec->build.get());
    if (built.ok()) {
      spec->build->has_null_key = g.has_null;
      spec->build->global_rows = g.total_right;
      ProbeTransform probe(spec.get());
      TIDE_RETURN_IF_ERROR(probe.Init());
      for (const auto& path : l.files[p]) {
        TIDE_ASSIGN_OR_RETURN(auto reader, SpillReader::Open(path, l.schema));
        while (true) {
          TIDE_ASSIGN_OR_RETURN(auto b, reader->Next(g.batch_size));
          if (!b) break;
          TIDE_RETURN_IF_ERROR(probe.Push(std::move(b), emit));
        }
      }
      if (jt == PlanJoinType::kRight || jt == PlanJoinType::kFull) {
        if (BatchPtr u = UnmatchedBuildRows(*spec)) TIDE_RETURN_IF_ERROR(emit(std::move(u)));
      }
      return base::Status::OK();
    }
    // The failed build's batch and tables are freed here, before partitioning again.
  }
  if (!IsBuildOverflow(built)) return built;
  auto too_big = [&](const std::string& why) {
    return base::Status::ResourceExhausted("hash join: spilled partition " + std::to_string(p) + " of " +
                                           std::to_string(r.rows[p]) + " build rows still does not fit" + why +
                                           ": " + built.message());
  };
  if (depth >= kMaxGraceDepth) return too_big(" after " + std::to_string(depth) + " levels of partitioning");
  PartitionSpec rs = g.build_spec;
  rs.seed = g.build_spec.seed + 7919 * static_cast<uint64_t>(depth);
  rs.saw_null_key = nullptr;  // already known from the first pass
  PartitionSpec ls = g.probe_spec;
  ls.seed = rs.seed;
  TIDE_ASSIGN_OR_RETURN(SpillPartitions sub_r, SpillStreamPartitioned(PartitionStream(r, p, g.batch_size), rs));
  // One key holding every row of the partition: partitioning again cannot split it.
  const int64_t biggest = *std::max_element(sub_r.rows.begin(), sub_r.rows.end());
  if (biggest == r.rows[p]) return too_big(" (its rows share one join key)");
  TIDE_ASSIGN_OR_RETURN(SpillPartitions sub_l, SpillStreamPartitioned(PartitionStream(l, p, g.batch_size), ls));
  for (int q = 0; q < sub_r.num_partitions; ++q) {
    TIDE_RETURN_IF_ERROR(JoinSpilledPartition(g, sub_r, sub_l, q, depth + 1, emit));
  }
  return base::Status::OK();
}

// Grace hash join: both sides are written to partition files by a hash of their keys; each
// partition is then joined on its own (one task per partition, so partitions run in
// parallel on the workers, each within the memory limit).
base::Result<Stream> GraceJoin(Compiler& c, const sql::PlanNode& node, const std::shared_ptr<JoinSpec>& proto) {
  auto right_null = std::make_shared<std::atomic<bool>>(false);
  PartitionSpec rs;
  rs.ctx = c.ctx();
  rs.tag = "join-build";
  rs.num_partitions = kJoinPartitions;
  rs.seed = 101;
  rs.keys = node.right_keys;
  rs.null_safe = node.null_safe;
  rs.saw_null_key = right_null.get();
  TIDE_ASSIGN_OR_RETURN(Stream right, c.Compile(node.children[1]));
  TIDE_ASSIGN_OR_RETURN(auto rparts, SpillStreamPartitioned(right, rs));
  PartitionSpec ls = rs;
  ls.tag = "join-probe";
  ls.keys = node.left_keys;
  ls.saw_null_key = nullptr;
  TIDE_ASSIGN_OR_RETURN(Stream left, c.Compile(node.children[0]));
  TIDE_ASSIGN_OR_RETURN(auto lparts, SpillStreamPartitioned(left, ls));
  auto g = std::make_shared<GraceJoinState>();
  g->node = &node;
  g->ctx = c.ctx();
  g->proto = proto;
  g->build_spec = rs;
  g->build_spec.saw_null_key = nullptr;
  g->probe_spec = ls;
  g->batch_size = c.batch_size();
  g->has_null = right_null->load();
  for (int64_t r : rparts.rows) g->total_right += r;
  auto shared_r = std::make_shared<SpillPartitions>(std::move(rparts));
  auto shared_l = std::make_shared<SpillPartitions>(std::move(lparts));
  Stream st;
  st.schema = node.schema;
  st.source.num_tasks = kJoinPartitions;
  st.source.run = [g, shared_r, shared_l](int64_t p, const Emit& emit) -> base::Status {
    return JoinSpilledPartition(*g, *shared_r, *shared_l, static_cast<int>(p), 1, emit);
  };
  return st;
}

}  // namespace

base::Result<Stream> CompileJoin(Compiler& c, const sql::PlanNode& node) {
  if (node.children.size() != 2) return base::Status::Internal("join needs two children");
  auto spec = std::make_shared<JoinSpec>();
  spec->node = &node;
  spec->ctx = c.ctx();
  spec->build = std::make_shared<BuildSide>();
  spec->hashed = !node.left_keys.empty();
  spec->fixed_width = FixedKeyWidth(node);
  if (node.left_keys.size() != node.right_keys.size()) return base::Status::Internal("join key count mismatch");
  std::vector<columnar::FieldPtr> pf = node.children[0]->schema->fields();
  for (const auto& f : node.children[1]->schema->fields()) pf.push_back(f);
  spec->pair_schema = std::make_shared<columnar::Schema>(pf);
  spec->left_schema = node.children[0]->schema;
  if (auto built = Build(c, node, spec->build.get()); !built.ok()) {
    if (!IsBuildOverflow(built) || !spec->hashed) return built;
    spec->build = std::make_shared<BuildSide>();
    return GraceJoin(c, node, spec);
  }
  // The probe side's scan gets the build side's key filter while it compiles.
  const sql::PlanNode* rf_scan = nullptr;
  std::shared_ptr<KeyRuntimeFilter> rf = MakeRuntimeFilter(node, *spec, &rf_scan);
  if (rf) c.ctx()->AddRuntimeFilter(rf_scan, rf);
  auto probe_side = c.Compile(node.children[0]);
  if (rf) c.ctx()->RemoveRuntimeFilter(rf_scan, rf.get());
  TIDE_ASSIGN_OR_RETURN(Stream st, std::move(probe_side));
  st.transforms.push_back([spec]() -> base::Result<std::unique_ptr<Transform>> {
    auto t = std::make_unique<ProbeTransform>(spec.get());
    TIDE_RETURN_IF_ERROR(t->Init());
    return std::unique_ptr<Transform>(std::move(t));
  });
  st.schema = node.schema;
  // The stream keeps the join state alive.
  auto keep = spec;
  auto run = st.source.run;
  st.source.run = [run, keep](int64_t task, const Emit& emit) { return run(task, emit); };
  if (node.join_type != PlanJoinType::kRight && node.join_type != PlanJoinType::kFull) return st;
  // Right / full: after the probe, the build rows nothing matched, with null left columns.
  st.ordered = false;
  TIDE_ASSIGN_OR_RETURN(Stream probed, MaterializeSpillable(st, c.ctx(), "join-output", c.batch_size()));
  // One more task after the probe output: the unmatched build rows.
  if (BatchPtr u = UnmatchedBuildRows(*spec)) {
    const int64_t n = probed.source.num_tasks;
    auto run = probed.source.run;
    probed.source.num_tasks = n + 1;
    probed.source.run = [run, n, u, spec](int64_t task, const Emit& emit) {
      return task == n ? emit(u) : run(task, emit);
    };
  }
  probed.schema = node.schema;
  return probed;
}

}  // namespace tide::exec::internal
