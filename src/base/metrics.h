// Metrics registry: counters, gauges and histograms with labels, rendered in the Prometheus
// text exposition format (version 0.0.4) for `GET /metrics`.
//
//   auto& produced = registry.AddCounter("tide_kafka_produced_records_total",
//                                        "Records appended through Produce", {"topic"});
//   produced.WithLabels({"orders"}).Increment(n);   // cache the reference on hot paths
//
// Naming follows Prometheus conventions: `tide_` prefix, base units, `_total` for counters.
// Thread-safety: registration, updates and rendering may all run concurrently. Updates to a
// metric are lock-free atomics; WithLabels takes a short lock to find or create the child.
// References returned stay valid for the registry's lifetime.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tide::base {

class Counter {
 public:
  // `delta` must be >= 0 (counters only go up); negative deltas are ignored.
  void Increment(double delta = 1) {
    if (delta > 0) value_.fetch_add(delta, std::memory_order_relaxed);
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `upper_bounds` must be sorted ascending; the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative_counts;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Snap() const;

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket (not cumulative), +Inf last
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Default buckets for latencies in seconds: 100 µs to 10 s.
std::vector<double> LatencyBucketsSeconds();
// Exponential buckets: start, start*factor, ... (count values).
std::vector<double> ExponentialBuckets(double start, double factor, int count);

enum class MetricType { kCounter, kGauge, kHistogram };

// All children of one metric name that differ by label values.
template <typename M>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<M>()> make)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The child for these label values (created on first use). The number of values must match
  // the family's label names; a mismatch is a bug (asserted; extra values are dropped).
  M& WithLabels(const std::vector<std::string>& values) {
    std::vector<std::string> key = values;
    key.resize(label_names_.size());
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = children_[key];
    if (!slot) slot = make_();
    return *slot;
  }
  // The child of a family without labels.
  M& Get() { return WithLabels({}); }
  // Drops a child (for example the metrics of a deleted topic).
  void Remove(const std::vector<std::string>& values) {
    std::lock_guard<std::mutex> lock(mu_);
    children_.erase(values);
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [labels, child] : children_) fn(labels, *child);
  }

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<M>()> make_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;
};

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registering a name twice with the same type returns the existing family; names and label
  // names must be valid Prometheus identifiers (asserted).
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help, std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help, std::vector<double> upper_bounds,
                                  std::vector<std::string> label_names = {});
  // A gauge whose value is computed at scrape time (queue depths, process figures).
  void AddGaugeCallback(const std::string& name, const std::string& help, std::function<double()> fn);
  // A counter whose value is read at scrape time from a source that only grows (CPU seconds).
  void AddCounterCallback(const std::string& name, const std::string& help, std::function<double()> fn);

  // Prometheus text format, families sorted by name.
  std::string RenderPrometheus() const;

 private:
  struct Entry {
    MetricType type;
    std::unique_ptr<Family<Counter>> counters;
    std::unique_ptr<Family<Gauge>> gauges;
    std::unique_ptr<Family<Histogram>> histograms;
    std::string help;
    std::function<double()> callback;
  };
  Entry& Slot(const std::string& name, MetricType type);

  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

bool IsValidMetricName(const std::string& name);
bool IsValidLabelName(const std::string& name);

// Registers the standard process_* metrics (CPU seconds, resident memory, open fds, start
// time) read from /proc at scrape time.
void RegisterProcessMetrics(MetricsRegistry* registry);

}  // namespace tide::base
