// Hash aggregation (with grouping sets), DISTINCT and set operations.
//
// Each worker aggregates its morsels into a thread-local KeyTable (encoded group keys ->
// group ids) and per-aggregate state arrays; the local tables are merged into the first one
// at the end. Grouping sets run in the same pass: every input row is added once per set, with
// the columns the set leaves out replaced by nulls and the grouping id as an extra key.
#include "columnar/builder.h"
#include "exec/aggregates/aggregate.h"
#include "exec/operators/group_key_packing.h"
#include "exec/operators/hash_table.h"
#include "exec/operators/operators.h"
#include "exec/operators/row_codec.h"
#include "exec/operators/spill_partition.h"
#include "exec/vector_ops.h"

namespace tide::exec::internal {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::RecordBatch;

namespace {

struct AggSpec {
  const sql::PlanNode* node = nullptr;
  QueryContext* ctx = nullptr;
  std::vector<std::vector<int>> sets;  // empty: one set of every group expr, no grouping id
  bool grouping_id = false;
  // Set by a sink that could not reserve memory: the aggregation then spills.
  mutable std::atomic<bool> overflow{false};
  // Set once a sink holds reserved memory: an input that then runs out of memory (a join
  // build below this aggregation) may have been starved by the aggregation's own state, so
  // the aggregation spills as if it had overflowed itself.
  mutable std::atomic<bool> held_memory{false};
};

class AggSink final : public LocalSink {
 public:
  AggSink(const AggSpec* spec, int partitions) : spec_(spec), nparts_(partitions), tables_(partitions), globals_(partitions) {
    while ((1 << part_bits_) < nparts_) ++part_bits_;
  }
  ~AggSink() override {
    if (reserved_ > 0) spec_->ctx->memory().Release(reserved_);
  }

  base::Status Init() {
    const auto& node = *spec_->node;
    for (const auto& g : node.group_exprs) {
      TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(g, spec_->ctx));
      group_evals_.push_back(std::move(e));
    }
    if (spec_->sets.empty() && !node.group_exprs.empty()) {
      std::vector<columnar::TypePtr> types;
      std::vector<bool> nullable;
      for (const auto& g : node.group_exprs) {
        types.push_back(g->type);
        nullable.push_back(g->nullable);
      }
      packer_ = GroupKeyPacker::Make(types, nullable);
    }
    for (const auto& call : node.aggregates) {
      AggInput in;
      for (int i : AggregateInputArgs(call)) {
        TIDE_ASSIGN_OR_RETURN(auto e, ExprEval::Make(call.args[i], spec_->ctx));
        in.args.push_back(std::move(e));
      }
      if (call.filter) {
        TIDE_ASSIGN_OR_RETURN(in.filter, ExprEval::Make(call.filter, spec_->ctx));
      }
      TIDE_ASSIGN_OR_RETURN(in.state, MakeGroupedAggregate(call, spec_->ctx));
      inputs_.push_back(std::move(in));
    }
    return base::Status::OK();
  }

  base::Status Consume(BatchPtr batch) override {
    const int64_t n = batch->num_rows();
    if (n == 0) return base::Status::OK();
    std::vector<ArrayPtr> groups;
    for (auto& e : group_evals_) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr g, e->Eval(*batch));
      groups.push_back(std::move(g));
    }
    // Aggregate inputs once per batch (shared by every grouping set).
    std::vector<std::vector<ArrayPtr>> args(inputs_.size());
    std::vector<std::vector<uint8_t>> keep(inputs_.size());
    for (size_t a = 0; a < inputs_.size(); ++a) {
      for (auto& e : inputs_[a].args) {
        TIDE_ASSIGN_OR_RETURN(ArrayPtr v, e->Eval(*batch));
        args[a].push_back(std::move(v));
      }
      if (inputs_[a].filter) {
        TIDE_ASSIGN_OR_RETURN(std::vector<int32_t> rows, inputs_[a].filter->Select(*batch));
        keep[a].assign(n, 0);
        for (int32_t r : rows) keep[a][r] = 1;
      }
    }
    const size_t nsets = spec_->sets.empty() ? 1 : spec_->sets.size();
    for (size_t s = 0; s < nsets; ++s) {
      std::vector<ArrayPtr> key_cols;
      if (spec_->sets.empty()) {
        key_cols = groups;
      } else {
        const auto& set = spec_->sets[s];
        int64_t gid = 0;
        const int ng = static_cast<int>(groups.size());
        for (int g = 0; g < ng; ++g) {
          bool in = std::find(set.begin(), set.end(), g) != set.end();
          if (in) {
            key_cols.push_back(groups[g]);
          } else {
            key_cols.push_back(columnar::MakeNullArray(groups[g]->type, n));
            gid |= int64_t{1} << (ng - 1 - g);
          }
        }
        columnar::Int64Builder gb(columnar::Int64());
        gb.Append(gid);
        key_cols.push_back(Broadcast(*gb.Finish(), n));
      }
      std::vector<const ArrayData*> kp;
      for (auto& k : key_cols) kp.push_back(k.get());
      if (packer_ != nullptr) {
        PackedGroupIds(kp, n);
      } else {
        EncodeRows(kp, n, &enc_);
        gids_.resize(n);
        hashes_.resize(n);
        for (int64_t i = 0; i < n; ++i) {
          auto key = enc_.row(i);
          hashes_[i] = HashKeyBytes(key.data(), key.size());
        }
        constexpr int64_t kAhead = 16;
        for (int64_t i = 0; i < n; ++i) {
          if (i + kAhead < n) Prefetch(hashes_[i + kAhead]);
          gids_[i] = Lookup(enc_.row(i), hashes_[i]);
        }
      }
      for (size_t a = 0; a < inputs_.size(); ++a) {
        inputs_[a].state->Resize(num_groups_);
        const uint32_t* g = gids_.data();
        if (!keep[a].empty()) {
          masked_.assign(gids_.begin(), gids_.end());
          for (int64_t i = 0; i < n; ++i) {
            if (!keep[a][i]) masked_[i] = kSkipRow;
          }
          g = masked_.data();
        }
        std::vector<const ArrayData*> ap;
        for (auto& v : args[a]) ap.push_back(v.get());
        TIDE_RETURN_IF_ERROR(inputs_[a].state->Update(ap, g, n));
      }
    }
    return Account();
  }

  // This sink's groups and states as the output batches (used when one sink saw all input).
  base::Result<std::vector<BatchPtr>> Finish(int64_t batch_size) {
    const auto& node = *spec_->node;
    if (node.group_exprs.empty() && spec_->sets.empty() && num_groups_ == 0) {
      Lookup({}, HashKeyBytes(nullptr, 0));
    }
    std::vector<std::string_view> keys(num_groups_);
    for (int64_t g = 0; g < num_groups_; ++g) keys[g] = tables_[gpart_[g]].key(glocal_[g]);
    std::vector<std::unique_ptr<GroupedAggregate>*> states;
    for (auto& in : inputs_) states.push_back(&in.state);
    TIDE_ASSIGN_OR_RETURN(BatchPtr batch, Output(*spec_, keys, states, num_groups_));
    return SplitBatch(batch, batch_size);
  }

  // The key columns decoded from `keys` followed by each state finalized.
  static base::Result<BatchPtr> Output(const AggSpec& spec, const std::vector<std::string_view>& keys,
                                       const std::vector<std::unique_ptr<GroupedAggregate>*>& states, int64_t ng) {
    const auto& node = *spec.node;
    const int nkeys = static_cast<int>(node.group_exprs.size()) + (spec.grouping_id ? 1 : 0);
    std::vector<columnar::TypePtr> key_types;
    std::vector<std::unique_ptr<columnar::ArrayBuilder>> builders;
    std::vector<columnar::ArrayBuilder*> bp;
    for (int k = 0; k < nkeys; ++k) {
      key_types.push_back(node.schema->field(k)->type());
      builders.push_back(columnar::MakeBuilder(key_types.back()));
      bp.push_back(builders.back().get());
    }
    for (int64_t g = 0; g < ng; ++g) TIDE_RETURN_IF_ERROR(DecodeRow(keys[g], key_types, bp));
    std::vector<ArrayPtr> cols;
    for (auto& b : builders) cols.push_back(b->Finish());
    for (auto* st : states) {
      TIDE_ASSIGN_OR_RETURN(ArrayPtr v, (*st)->Finalize(ng));
      cols.push_back(std::move(v));
    }
    return std::make_shared<RecordBatch>(node.schema, std::move(cols), ng);
  }

  // Merges partition p of every sink into fresh states and returns its output.
  static base::Result<BatchPtr> MergePartition(const AggSpec& spec, std::vector<AggSink*>& sinks, int p) {
    KeyTable table;
    std::vector<std::unique_ptr<GroupedAggregate>> states;
    for (const auto& call : spec.node->aggregates) {
      TIDE_ASSIGN_OR_RETURN(auto st, MakeGroupedAggregate(call, spec.ctx));
      states.push_back(std::move(st));
    }
    std::vector<uint32_t> src, dst;
    for (AggSink* s : sinks) {
      const KeyTable& t = s->tables_[p];
      const size_t n = t.size();
      if (n == 0) continue;
      src.resize(n);
      dst.resize(n);
      for (size_t l = 0; l < n; ++l) {
        src[l] = s->globals_[p][l];
        dst[l] = table.FindOrInsert(t.key(static_cast<uint32_t>(l)), t.hash(static_cast<uint32_t>(l)));
      }
      for (size_t a = 0; a < states.size(); ++a) {
        states[a]->Resize(static_cast<int64_t>(table.size()));
        TIDE_RETURN_IF_ERROR(states[a]->Merge(*s->inputs_[a].state, src.data(), dst.data(), static_cast<int64_t>(n)));
      }
      TIDE_RETURN_IF_ERROR(spec.ctx->CheckCancelled());
    }
    const int64_t ng = static_cast<int64_t>(table.size());
    if (ng == 0) return BatchPtr();
    std::vector<std::string_view> keys(ng);
    for (int64_t g = 0; g < ng; ++g) keys[g] = table.key(static_cast<uint32_t>(g));
    std::vector<std::unique_ptr<GroupedAggregate>*> sp;
    for (auto& st : states) sp.push_back(&st);
    return Output(spec, keys, sp, ng);
  }

  int partitions() const { return nparts_; }
  int64_t num_groups() const { return num_groups_; }
  GroupedAggregate& state(size_t a) { return *inputs_[a].state; }
  // Sizes every state to the group count (before partitions merge concurrently).
  void ResizeStates() {
    for (auto& in : inputs_) in.state->Resize(num_groups_);
  }

 private:
  struct AggInput {
    std::vector<std::unique_ptr<ExprEval>> args;
    std::unique_ptr<ExprEval> filter;
    std::unique_ptr<GroupedAggregate> state;
  };

  // Group ids of rows [0, n) into gids_ through the packed-key map (group_key_packing.h):
  // rows it knows skip the row codec; the others are encoded and looked up as usual and
  // their packed keys remembered. The map holds at most kMaxPackedGroups keys (it is a
  // cache: bounded memory that stays in cache); once most rows miss it (many distinct
  // groups) it is dropped for the rest of the input.
  void PackedGroupIds(const std::vector<const ArrayData*>& kp, int64_t n) {
    gids_.resize(n);
    int64_t misses = 0;
    constexpr int64_t kChunk = 1024;
    for (int64_t begin = 0; begin < n; begin += kChunk) {
      const int64_t m = std::min(kChunk, n - begin);
      packer_->Pack(kp, begin, m, &pkeys_, &pok_);
      uint32_t* gids = gids_.data() + begin;
      for (int64_t j = 0; j < m; ++j) {
        PackedKey k = 0;
        uint64_t h = 0;
        if (pok_[j]) {
          k = pkeys_[j];
          h = HashPackedKey(k);
          const uint32_t g = pmap_.Find(k, h);
          if (g != PackedGroupMap::kAbsent) {
            gids[j] = g;
            continue;
          }
        }
        ++misses;
        row_.clear();
        for (const ArrayData* c : kp) EncodeValue(*c, begin + j, &row_);
        const std::string_view key(reinterpret_cast<const char*>(row_.data()), row_.size());
        const uint32_t g = Lookup(key, HashKeyBytes(row_.data(), row_.size()));
        gids[j] = g;
        if (pok_[j] && pmap_.size() < kMaxPackedGroups) pmap_.Insert(k, h, g);
      }
    }
    packed_rows_ += n;
    packed_misses_ += misses;
    if (packed_rows_ >= kPackedProbation && packed_misses_ * 2 > packed_rows_) {
      packer_.reset();
      pmap_.Clear();
      std::vector<PackedKey>().swap(pkeys_);
    }
  }

  int PartitionOfHash(uint64_t h) const { return nparts_ > 1 ? static_cast<int>(h >> (64 - part_bits_)) : 0; }
  void Prefetch(uint64_t h) const { tables_[PartitionOfHash(h)].Prefetch(h); }

  uint32_t Lookup(std::string_view key, uint64_t h) {
    const int p = PartitionOfHash(h);
    bool inserted = false;
    const uint32_t local = tables_[p].FindOrInsert(key, h, &inserted);
    if (!inserted) return globals_[p][local];
    const uint32_t g = static_cast<uint32_t>(num_groups_++);
    globals_[p].push_back(g);
    gpart_.push_back(static_cast<uint16_t>(p));
    glocal_.push_back(local);
    return g;
  }

  base::Status Account() {
    int64_t bytes = static_cast<int64_t>(gpart_.capacity() * 2 + glocal_.capacity() * 4);
    for (auto& t : tables_) bytes += t.MemoryBytes();
    for (auto& gl : globals_) bytes += static_cast<int64_t>(gl.capacity() * 4);
    for (auto& in : inputs_) bytes += in.state->MemoryBytes();
    bytes += pmap_.MemoryBytes();  // bounded (kMaxPackedGroups); per-batch scratch is not counted, as enc_
    if (bytes > reserved_) {
      if (!spec_->ctx->memory().TryReserve(bytes - reserved_)) {
        spec_->overflow.store(true);
        return base::Status::ResourceExhausted("hash aggregation: memory limit of " +
                                               std::to_string(spec_->ctx->memory().limit()) +
                                               " bytes exceeded (" + std::to_string(num_groups_) + " groups)");
      }
      reserved_ = bytes;
      spec_->held_memory.store(true, std::memory_order_relaxed);
    }
    return base::Status::OK();
  }

  const AggSpec* spec_;
  int nparts_;
  int part_bits_ = 0;
  std::vector<std::unique_ptr<ExprEval>> group_evals_;
  std::vector<AggInput> inputs_;
  std::vector<KeyTable> tables_;
  std::vector<std::vector<uint32_t>> globals_;  // per partition: local id -> group id
  std::vector<uint16_t> gpart_;                 // per group: partition
  std::vector<uint32_t> glocal_;                // per group: local id
  int64_t num_groups_ = 0;
  EncodedRows enc_;
  std::vector<uint32_t> gids_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> masked_;
  int64_t reserved_ = 0;
  // The packed-key path (null when the key types do not pack, or once dropped).
  static constexpr size_t kMaxPackedGroups = 16384;
  static constexpr int64_t kPackedProbation = 65536;
  std::unique_ptr<GroupKeyPacker> packer_;
  PackedGroupMap pmap_;
  std::vector<PackedKey> pkeys_;
  std::vector<uint8_t> pok_;
  std::vector<uint8_t> row_;
  int64_t packed_rows_ = 0;
  int64_t packed_misses_ = 0;
};

class PlainCollect final : public LocalSink {
 public:
  base::Status Consume(BatchPtr b) override {
    batches.push_back(std::move(b));
    return base::Status::OK();
  }
  std::vector<BatchPtr> batches;
};

constexpr int kAggPartitions = 32;

base::Result<std::vector<BatchPtr>> RunAggregationOnce(Compiler& c, const Stream& input, const AggSpec& spec) {
  const auto& node = *spec.node;
  // Global aggregates have one group: no partitions. Otherwise each worker's table is split
  // by hash into partitions merged in parallel.
  const bool global = node.group_exprs.empty() && spec.sets.empty();
  const int parts = global || c.ctx()->threads() <= 1 ? 1 : kAggPartitions;
  SinkFactory f = [&spec, parts]() -> base::Result<std::unique_ptr<LocalSink>> {
    auto s = std::make_unique<AggSink>(&spec, parts);
    TIDE_RETURN_IF_ERROR(s->Init());
    return std::unique_ptr<LocalSink>(std::move(s));
  };
  TIDE_ASSIGN_OR_RETURN(auto sinks, RunStream(input, c.ctx(), f));
  if (sinks.empty()) {
    TIDE_ASSIGN_OR_RETURN(auto s, f());
    sinks.push_back(std::move(s));
  }
  if (sinks.size() == 1) return static_cast<AggSink*>(sinks[0].get())->Finish(c.batch_size());
  std::vector<AggSink*> ss;
  for (auto& s : sinks) {
    auto* a = static_cast<AggSink*>(s.get());
    a->ResizeStates();
    ss.push_back(a);
  }
  if (global) {
    // One group in partition 0 of every sink (or none: the empty-input row).
    TIDE_ASSIGN_OR_RETURN(BatchPtr b, AggSink::MergePartition(spec, ss, 0));
    if (b) return std::vector<BatchPtr>{b};
    return ss[0]->Finish(c.batch_size());
  }
  Stream merge;
  merge.schema = node.schema;
  merge.source.num_tasks = parts;
  merge.source.run = [&spec, &ss](int64_t p, const Emit& emit) -> base::Status {
    TIDE_ASSIGN_OR_RETURN(BatchPtr b, AggSink::MergePartition(spec, ss, static_cast<int>(p)));
    if (!b) return base::Status::OK();
    return emit(std::move(b));
  };
  SinkFactory collect = []() -> base::Result<std::unique_ptr<LocalSink>> {
    return std::unique_ptr<LocalSink>(new PlainCollect());
  };
  TIDE_ASSIGN_OR_RETURN(auto outs, RunStream(merge, c.ctx(), collect));
  std::vector<BatchPtr> out;
  for (auto& o : outs) {
    for (auto& b : static_cast<PlainCollect*>(o.get())->batches) {
      for (auto& piece : SplitBatch(b, c.batch_size())) out.push_back(std::move(piece));
    }
  }
  return out;
}

// The group expressions every grouping set keeps (rows equal on them meet in one partition).
std::vector<sql::BoundExprPtr> PartitionKeys(const AggSpec& spec) {
  const auto& node = *spec.node;
  std::vector<sql::BoundExprPtr> out;
  for (size_t g = 0; g < node.group_exprs.size(); ++g) {
    bool everywhere = true;
    for (const auto& set : spec.sets) {
      everywhere &= std::find(set.begin(), set.end(), static_cast<int>(g)) != set.end();
    }
    if (everywhere) out.push_back(node.group_exprs[g]);
  }
  return out;
}

constexpr int kSpillPartitions = 32;
constexpr int kMaxSpillDepth = 3;

// A global aggregate past the memory limit: only DISTINCT aggregates grow, so when they all
// take the same arguments the input is partitioned by those; each partition's distinct values
// are reduced into the inner aggregates' states, which (holding disjoint value sets) merge
// into the result together with the other aggregates' states.
base::Result<std::vector<BatchPtr>> GlobalDistinctSpill(Compiler& c,
                                                        const std::function<base::Result<Stream>()>& make_input,
                                                        const AggSpec& spec, const base::Status& cause) {
  const auto& aggs = spec.node->aggregates;
  const sql::AggregateCall* first = nullptr;
  for (const auto& a : aggs) {
    if (!a.distinct) continue;
    if (first == nullptr) {
      first = &a;
      continue;
    }
    bool same = a.args.size() == first->args.size();
    for (size_t i = 0; same && i < a.args.size(); ++i) same = sql::BoundExprEquals(*a.args[i], *first->args[i]);
    if (!same) first = nullptr;
    if (!same) break;
  }
  if (first == nullptr) {
    return base::Status::ResourceExhausted(cause.message() +
                                           "; cannot spill a global aggregate without DISTINCT aggregates over the same arguments");
  }
  std::vector<sql::BoundExprPtr> keys;
  for (int i : AggregateInputArgs(*first)) keys.push_back(first->args[i]);
  TIDE_ASSIGN_OR_RETURN(Stream again, make_input());
  PartitionSpec ps;
  ps.ctx = c.ctx();
  ps.tag = "aggregate";
  ps.num_partitions = kSpillPartitions;
  ps.seed = 1;
  ps.keys = keys;
  TIDE_ASSIGN_OR_RETURN(SpillPartitions parts, SpillStreamPartitioned(again, ps));
  std::vector<std::unique_ptr<GroupedAggregate>> total;
  for (const auto& a : aggs) {
    sql::AggregateCall plain = a;
    plain.distinct = false;
    TIDE_ASSIGN_OR_RETURN(auto st, MakeGroupedAggregate(plain, c.ctx()));
    st->Resize(1);
    total.push_back(std::move(st));
  }
  const uint32_t zero = 0;
  const int64_t bs = c.batch_size();
  // Adds one partition's states into `total`; a partition that still does not fit is
  // partitioned again with another seed.
  std::function<base::Status(const SpillPartitions&, int, int)> process =
      [&](const SpillPartitions& ps_parts, int p, int depth) -> base::Status {
    if (ps_parts.rows[p] == 0) return base::Status::OK();
    TIDE_RETURN_IF_ERROR(c.ctx()->CheckCancelled());
    SinkFactory f = [&spec]() -> base::Result<std::unique_ptr<LocalSink>> {
      auto s = std::make_unique<AggSink>(&spec, 1);
      TIDE_RETURN_IF_ERROR(s->Init());
      return std::unique_ptr<LocalSink>(std::move(s));
    };
    spec.overflow.store(false);
    auto sinks_r = RunStream(PartitionStream(ps_parts, p, bs), c.ctx(), f);
    if (!sinks_r.ok()) {
      if (!spec.overflow.load() || depth >= kMaxSpillDepth) {
        return base::Status::ResourceExhausted(sinks_r.status().message() + " (in a spilled partition of " +
                                               std::to_string(ps_parts.rows[p]) + " rows)");
      }
      PartitionSpec sub_spec = ps;
      sub_spec.seed = static_cast<uint64_t>(depth) + 11;
      TIDE_ASSIGN_OR_RETURN(SpillPartitions sub, SpillStreamPartitioned(PartitionStream(ps_parts, p, bs), sub_spec));
      for (int q = 0; q < sub.num_partitions; ++q) TIDE_RETURN_IF_ERROR(process(sub, q, depth + 1));
      return base::Status::OK();
    }
    auto sinks = std::move(sinks_r).value();
    for (size_t a = 0; a < aggs.size(); ++a) {
      // This partition's state: the workers' states merged (distinct sets united) first.
      TIDE_ASSIGN_OR_RETURN(auto merged, MakeGroupedAggregate(aggs[a], c.ctx()));
      merged->Resize(1);
      for (auto& s : sinks) {
        auto* as = static_cast<AggSink*>(s.get());
        if (as->num_groups() == 0) continue;
        as->ResizeStates();
        TIDE_RETURN_IF_ERROR(merged->Merge(as->state(a), &zero, &zero, 1));
      }
      std::unique_ptr<GroupedAggregate> part = std::move(merged);
      if (aggs[a].distinct) {
        TIDE_ASSIGN_OR_RETURN(auto inner, part->ReduceDistinct(1));
        part = std::move(inner);
      }
      TIDE_RETURN_IF_ERROR(total[a]->Merge(*part, &zero, &zero, 1));
    }
    return base::Status::OK();
  };
  for (int p = 0; p < parts.num_partitions; ++p) TIDE_RETURN_IF_ERROR(process(parts, p, 1));
  std::vector<std::string_view> no_keys{std::string_view()};
  std::vector<std::unique_ptr<GroupedAggregate>*> sp;
  for (auto& t : total) sp.push_back(&t);
  TIDE_ASSIGN_OR_RETURN(BatchPtr out, AggSink::Output(spec, no_keys, sp, 1));
  return std::vector<BatchPtr>{out};
}

// Aggregates the stream make_input() returns. Past the memory limit the partial state is
// dropped, the input is run again into partition files by a hash of the group keys, and each
// partition is aggregated on its own (partitioned again, with another hash seed, when one
// still does not fit).
base::Result<std::vector<BatchPtr>> RunAggregation(Compiler& c, const std::function<base::Result<Stream>()>& make_input,
                                                   const AggSpec& spec, int depth = 0) {
  TIDE_ASSIGN_OR_RETURN(Stream input, make_input());
  spec.overflow.store(false);
  spec.held_memory.store(false);
  auto r = RunAggregationOnce(c, input, spec);
  if (r.ok()) return r;
  const bool grouped = !spec.node->group_exprs.empty() || !spec.sets.empty();
  const bool starved_input = grouped && r.status().code() == base::StatusCode::kResourceExhausted &&
                             spec.held_memory.load();
  if (!spec.overflow.load() && !starved_input) return r;
  std::vector<sql::BoundExprPtr> keys = PartitionKeys(spec);
  if (spec.node->group_exprs.empty() && spec.sets.empty() && depth == 0) {
    return GlobalDistinctSpill(c, make_input, spec, r.status());
  }
  if (keys.empty() || depth >= kMaxSpillDepth) {
    return base::Status::ResourceExhausted(r.status().message() +
                                           (keys.empty() ? "; cannot spill: no group key common to every grouping set"
                                                         : "; still too large after spilling"));
  }
  TIDE_ASSIGN_OR_RETURN(Stream again, make_input());
  PartitionSpec ps;
  ps.ctx = c.ctx();
  ps.tag = "aggregate";
  ps.num_partitions = kSpillPartitions;
  ps.seed = static_cast<uint64_t>(depth) + 1;
  ps.keys = keys;
  TIDE_ASSIGN_OR_RETURN(SpillPartitions parts, SpillStreamPartitioned(again, ps));
  std::vector<BatchPtr> out;
  const int64_t bs = c.batch_size();
  for (int p = 0; p < parts.num_partitions; ++p) {
    if (parts.rows[p] == 0) continue;
    TIDE_RETURN_IF_ERROR(c.ctx()->CheckCancelled());
    auto mk = [&parts, p, bs]() -> base::Result<Stream> { return PartitionStream(parts, p, bs); };
    TIDE_ASSIGN_OR_RETURN(auto part_out, RunAggregation(c, mk, spec, depth + 1));
    for (auto& b : part_out) out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

base::Result<Stream> CompileAggregate(Compiler& c, const sql::PlanNode& node) {
  auto make_input = [&]() { return c.Compile(node.children[0]); };
  AggSpec spec;
  spec.node = &node;
  spec.ctx = c.ctx();
  spec.sets = node.grouping_sets;
  spec.grouping_id = !node.grouping_sets.empty();
  TIDE_ASSIGN_OR_RETURN(auto batches, RunAggregation(c, make_input, spec));
  return MaterializedStream(node.schema, std::move(batches), c.batch_size(), false);
}

base::Result<Stream> CompileDistinct(Compiler& c, const sql::PlanNode& node) {
  auto make_input = [&]() { return c.Compile(node.children[0]); };
  // DISTINCT is a group-by over every column with no aggregates.
  auto agg = std::make_shared<sql::PlanNode>();
  agg->kind = sql::PlanKind::kAggregate;
  agg->schema = node.schema;
  for (int i = 0; i < node.schema->num_fields(); ++i) {
    agg->group_exprs.push_back(sql::MakeColumn(i, node.schema->field(i)->type(), true, node.schema->field(i)->name()));
  }
  AggSpec spec;
  spec.node = agg.get();
  spec.ctx = c.ctx();
  TIDE_ASSIGN_OR_RETURN(auto batches, RunAggregation(c, make_input, spec));
  return MaterializedStream(node.schema, std::move(batches), c.batch_size(), false);
}

namespace {

// Counts of each distinct row per side (for INTERSECT / EXCEPT / UNION distinct).
struct SideCounts {
  KeyTable table;
  std::vector<int64_t> left;
  std::vector<int64_t> right;
};

base::Status CountRows(Compiler& c, const Stream& st, bool is_left, SideCounts* sc) {
  TIDE_ASSIGN_OR_RETURN(auto batches, CollectStream(st, c.ctx(), "set operation"));
  EncodedRows enc;
  for (const auto& b : batches) {
    TIDE_RETURN_IF_ERROR(c.ctx()->CheckCancelled());
    std::vector<const ArrayData*> cols;
    for (const auto& col : b->columns()) cols.push_back(col.get());
    EncodeRows(cols, b->num_rows(), &enc);
    for (int64_t i = 0; i < b->num_rows(); ++i) {
      auto key = enc.row(i);
      uint32_t id = sc->table.FindOrInsert(key, HashKeyBytes(key.data(), key.size()));
      if (id >= sc->left.size()) {
        sc->left.resize(id + 1, 0);
        sc->right.resize(id + 1, 0);
      }
      (is_left ? sc->left : sc->right)[id]++;
    }
  }
  return base::Status::OK();
}

}  // namespace

base::Result<Stream> CompileSetOp(Compiler& c, const sql::PlanNode& node) {
  if (node.set_op == sql::PlanSetOp::kUnion && node.all) {
    // The children one after another: each child's stream, materialized (spilling past the
    // memory limit), then one stream over all of them.
    std::vector<Stream> parts;
    for (const auto& child : node.children) {
      TIDE_ASSIGN_OR_RETURN(Stream st, c.Compile(child));
      TIDE_ASSIGN_OR_RETURN(Stream m, MaterializeSpillable(st, c.ctx(), "union", c.batch_size()));
      parts.push_back(std::move(m));
    }
    auto shared = std::make_shared<std::vector<Stream>>(std::move(parts));
    Stream out;
    out.schema = node.schema;
    std::vector<int64_t> starts;
    int64_t total = 0;
    for (const auto& p : *shared) {
      starts.push_back(total);
      total += p.source.num_tasks;
    }
    out.source.num_tasks = total;
    auto schema = node.schema;
    out.source.run = [shared, starts, schema](int64_t task, const Emit& emit) {
      size_t k = std::upper_bound(starts.begin(), starts.end(), task) - starts.begin() - 1;
      return (*shared)[k].source.run(task - starts[k], [&](BatchPtr b) {
        return emit(std::make_shared<RecordBatch>(schema, b->columns(), b->num_rows()));
      });
    };
    return out;
  }
  SideCounts sc;
  for (size_t i = 0; i < node.children.size(); ++i) {
    TIDE_ASSIGN_OR_RETURN(Stream st, c.Compile(node.children[i]));
    // UNION (distinct) of n children: every child counts as "left".
    const bool left = node.set_op == sql::PlanSetOp::kUnion || i == 0;
    TIDE_RETURN_IF_ERROR(CountRows(c, st, left, &sc));
  }
  std::vector<columnar::TypePtr> types;
  std::vector<std::unique_ptr<columnar::ArrayBuilder>> builders;
  std::vector<columnar::ArrayBuilder*> bp;
  for (const auto& f : node.schema->fields()) {
    types.push_back(f->type());
    builders.push_back(columnar::MakeBuilder(f->type()));
    bp.push_back(builders.back().get());
  }
  int64_t rows = 0;
  for (size_t id = 0; id < sc.table.size(); ++id) {
    const int64_t l = sc.left[id], r = sc.right[id];
    int64_t times = 0;
    switch (node.set_op) {
      case sql::PlanSetOp::kUnion: times = l > 0 ? 1 : 0; break;
      case sql::PlanSetOp::kIntersect: times = node.all ? std::min(l, r) : (l > 0 && r > 0 ? 1 : 0); break;
      case sql::PlanSetOp::kExcept: times = node.all ? std::max<int64_t>(0, l - r) : (l > 0 && r == 0 ? 1 : 0); break;
    }
    for (int64_t t = 0; t < times; ++t) {
      TIDE_RETURN_IF_ERROR(DecodeRow(sc.table.key(static_cast<uint32_t>(id)), types, bp));
      ++rows;
    }
  }
  std::vector<ArrayPtr> cols;
  for (auto& b : builders) cols.push_back(b->Finish());
  auto batch = std::make_shared<RecordBatch>(node.schema, std::move(cols), rows);
  return MaterializedStream(node.schema, {batch}, c.batch_size(), false);
}

}  // namespace tide::exec::internal
