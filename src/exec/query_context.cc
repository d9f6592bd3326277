#include "exec/query_context.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

#include "base/clock.h"

namespace tide::exec {

namespace {

int64_t DefaultMemoryLimit() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return int64_t{4} << 30;
  return static_cast<int64_t>(static_cast<double>(pages) * static_cast<double>(page_size) * 0.6);
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool MemoryTracker::TryReserve(int64_t bytes) {
  int64_t current = used_.load(std::memory_order_relaxed);
  do {
    if (limit_ > 0 && current + bytes > limit_) return false;
  } while (!used_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
  int64_t now = current + bytes;
  int64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  return true;
}

void MemoryTracker::Release(int64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

QueryContext::QueryContext(ExecSettings settings)
    : settings_(std::move(settings)),
      start_time_micros_(NowMicros()),
      memory_(settings_.memory_limit > 0 ? settings_.memory_limit : DefaultMemoryLimit()) {}

QueryContext::~QueryContext() {
  pool_.reset();  // join workers before the spill files go
  if (!spill_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(spill_dir_, ec);
  }
}

base::Status QueryContext::CheckCancelled() const {
  if (cancelled()) return base::Status::Cancelled("query cancelled");
  return base::Status::OK();
}

base::Result<std::string> QueryContext::NewSpillPath(const std::string& tag) {
  std::lock_guard<std::mutex> lock(mu_);
  if (spill_dir_.empty()) {
    std::string parent = settings_.spill_dir;
    if (parent.empty()) {
      const char* tmp = getenv("TMPDIR");
      parent = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    }
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    std::string templ = parent + "/tide-spill-XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) return base::Status::FromErrno(errno, "creating a spill directory in " + parent);
    spill_dir_ = templ;
  }
  static std::atomic<uint64_t> counter{0};
  return spill_dir_ + "/" + tag + "-" + std::to_string(counter.fetch_add(1)) + ".spill";
}

base::ThreadPool& QueryContext::pool() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!pool_) pool_ = std::make_unique<base::ThreadPool>(static_cast<size_t>(threads()), "tide-query");
  return *pool_;
}

int QueryContext::threads() const {
  if (settings_.threads > 0) return settings_.threads;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void QueryContext::AddRuntimeFilter(const sql::PlanNode* scan, std::shared_ptr<const RuntimeFilter> filter) {
  std::lock_guard<std::mutex> lock(mu_);
  runtime_filters_.emplace(scan, std::move(filter));
}

void QueryContext::RemoveRuntimeFilter(const sql::PlanNode* scan, const RuntimeFilter* filter) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [b, e] = runtime_filters_.equal_range(scan);
  for (auto it = b; it != e; ++it) {
    if (it->second.get() == filter) {
      runtime_filters_.erase(it);
      return;
    }
  }
}

std::vector<std::shared_ptr<const RuntimeFilter>> QueryContext::RuntimeFiltersFor(const sql::PlanNode* scan) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<const RuntimeFilter>> out;
  auto [b, e] = runtime_filters_.equal_range(scan);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

}  // namespace tide::exec
