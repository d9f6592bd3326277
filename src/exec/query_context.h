// Per-query state shared by the operators and expressions of one running query: settings,
// cancellation, the memory budget and spill directory, the worker pool, and the cache of
// evaluated uncorrelated subqueries.
//
// Memory: operators that hold data (hash aggregation, hash join build, sort, window) reserve
// bytes through MemoryTracker before growing; when a reservation would pass the limit they
// spill to files under spill_dir and release. Past the limit with nothing left to spill the
// query fails with ResourceExhausted naming the operator.
//
// Cancellation: Cancel() may be called from any thread (Ctrl-C in the shell, a server
// request); operators check cancelled() between batches and return Status::Cancelled.
//
// Thread-safety: everything here is safe to use from the query's worker threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "base/thread_pool.h"
#include "columnar/array.h"
#include "sql/logical_plan.h"

namespace tide::exec {

// Session settings that change evaluation (SET key = value in the shell).
struct ExecSettings {
  // spark.sql.ansi.enabled: division by zero, overflow and invalid casts fail the query
  // (naming the expression) instead of producing null. Spark 4's default.
  bool ansi_mode = true;
  // spark.sql.session.timeZone: used to render TIMESTAMP values, and by date_trunc,
  // from_unixtime, to_timestamp etc. "UTC" or a fixed offset "+02:00" / an IANA name.
  std::string time_zone = "UTC";
  // spark.sql.shuffle.partitions has no meaning here; threads decide parallelism.
  int threads = 0;                 // 0: one per core
  int64_t memory_limit = 0;        // bytes for all operators of the query; 0: 60% of RAM
  std::string spill_dir;           // empty: <data dir>/tmp or the system temp dir
  int64_t batch_size = 8192;       // rows per batch operators aim for
  // Hash joins test a bloom filter of the build keys before the table (join_op.cc); off only
  // in tests that compare against the plain lookup.
  bool join_key_filter = true;
};

class MemoryTracker {
 public:
  explicit MemoryTracker(int64_t limit) : limit_(limit) {}
  // Reserves `bytes`; false (reserving nothing) when that would pass the limit.
  bool TryReserve(int64_t bytes);
  void Release(int64_t bytes);
  int64_t used() const { return used_.load(std::memory_order_relaxed); }
  int64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  int64_t limit() const { return limit_; }

 private:
  int64_t limit_;
  std::atomic<int64_t> used_{0};
  std::atomic<int64_t> peak_{0};
};

// A filter a hash join derives from its finished build side for the scan that feeds its probe
// side (a runtime filter): after its own filters, the scan drops the rows whose join keys
// cannot match, before any operator above it sees them. Only joins that drop unmatched probe rows (inner, semi, right) make one.
//
// Thread-safety: Apply is called from several workers at once.
class RuntimeFilter {
 public:
  virtual ~RuntimeFilter() = default;
  // Narrows `rows` (ascending indexes into `batch`, the scan's output) to the rows that may
  // have a match; never drops a row that has one.
  virtual void Apply(const columnar::RecordBatch& batch, std::vector<int32_t>* rows) const = 0;
};

class QueryContext {
 public:
  explicit QueryContext(ExecSettings settings);
  ~QueryContext();

  const ExecSettings& settings() const { return settings_; }
  // current_timestamp() / now() / current_date(): fixed when the query starts, as in Spark.
  int64_t start_time_micros() const { return start_time_micros_; }

  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  // Status::Cancelled("query cancelled") when cancelled, else OK.
  base::Status CheckCancelled() const;

  MemoryTracker& memory() { return memory_; }
  // A fresh file path under the spill directory (created on first use, removed with the
  // context).
  base::Result<std::string> NewSpillPath(const std::string& tag);
  int64_t spilled_bytes() const { return spilled_bytes_.load(); }
  void AddSpilledBytes(int64_t n) { spilled_bytes_ += n; }

  base::ThreadPool& pool();
  int threads() const;

  // The value of an uncorrelated subquery, evaluated once per query (kScalar: one-row column;
  // kIn: the distinct values column; kExists: one-row BOOLEAN). Thread-safe; concurrent
  // callers of the same subquery wait for the first.
  base::Result<columnar::ArrayPtr> SubqueryResult(const sql::BoundExpr& subquery);

  // Runtime filters for the scan plan node `scan`, registered by a join while its probe side
  // compiles (and removed after): the scan's compilation takes those present then.
  void AddRuntimeFilter(const sql::PlanNode* scan, std::shared_ptr<const RuntimeFilter> filter);
  void RemoveRuntimeFilter(const sql::PlanNode* scan, const RuntimeFilter* filter);
  std::vector<std::shared_ptr<const RuntimeFilter>> RuntimeFiltersFor(const sql::PlanNode* scan);

 private:
  ExecSettings settings_;
  int64_t start_time_micros_;
  std::atomic<bool> cancelled_{false};
  MemoryTracker memory_;
  std::atomic<int64_t> spilled_bytes_{0};
  std::string spill_dir_;
  std::unique_ptr<base::ThreadPool> pool_;
  std::mutex mu_;
  std::map<const sql::BoundExpr*, std::shared_future<base::Result<columnar::ArrayPtr>>> subqueries_;
  std::multimap<const sql::PlanNode*, std::shared_ptr<const RuntimeFilter>> runtime_filters_;  // under mu_
};

}  // namespace tide::exec
