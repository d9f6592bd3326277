#include "base/metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "base/clock.h"

namespace tide::base {
namespace {

void AppendNumber(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out->append(std::to_string(static_cast<int64_t>(v)));
  } else {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out->append(buf, res.ptr);
  }
}

void AppendEscaped(std::string* out, const std::string& s, bool escape_quotes) {
  for (char c : s) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '"' && escape_quotes) {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

// {a="x",b="y"} plus an optional extra label (the histogram's `le`).
void AppendLabels(std::string* out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                  const char* extra_name = nullptr, const std::string& extra_value = "") {
  if (names.empty() && extra_name == nullptr) return;
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!first) out->push_back(',');
    first = false;
    out->append(names[i]);
    out->append("=\"");
    AppendEscaped(out, i < values.size() ? values[i] : std::string(), true);
    out->push_back('"');
  }
  if (extra_name != nullptr) {
    if (!first) out->push_back(',');
    out->append(extra_name);
    out->append("=\"");
    out->append(extra_value);
    out->push_back('"');
  }
  out->push_back('}');
}

void AppendHeader(std::string* out, const std::string& name, const std::string& help, const char* type) {
  out->append("# HELP ");
  out->append(name);
  out->push_back(' ');
  AppendEscaped(out, help, false);
  out->append("\n# TYPE ");
  out->append(name);
  out->push_back(' ');
  out->append(type);
  out->push_back('\n');
}

}  // namespace

bool IsValidMetricName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
              (i > 0 && std::isdigit(static_cast<unsigned char>(c)));
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(const std::string& name) {
  if (name.empty() || name.rfind("__", 0) == 0 || name == "le") return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (i > 0 && std::isdigit(static_cast<unsigned char>(c)));
    if (!ok) return false;
  }
  return true;
}

Histogram::Histogram(std::vector<double> upper_bounds) : upper_bounds_(std::move(upper_bounds)) {
  assert(std::is_sorted(upper_bounds_.begin(), upper_bounds_.end()));
  counts_ = std::make_unique<std::atomic<uint64_t>[]>(upper_bounds_.size() + 1);
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::Observe(double v) {
  size_t bucket = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), v) - upper_bounds_.begin();
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Snap() const {
  Snapshot s;
  s.upper_bounds = upper_bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative_counts.push_back(running);
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  // Report the bucket total as the count so _count always equals the +Inf bucket, even when an
  // Observe races with the scrape.
  s.count = running;
  return s;
}

std::vector<double> LatencyBucketsSeconds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> out;
  double v = start;
  for (int i = 0; i < count; ++i, v *= factor) out.push_back(v);
  return out;
}

MetricsRegistry::Entry& MetricsRegistry::Slot(const std::string& name, MetricType type) {
  assert(IsValidMetricName(name));
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    assert(it->second.type == type && "metric registered twice with different types");
    return it->second;
  }
  Entry& e = entries_[name];
  e.type = type;
  return e;
}

Family<Counter>& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                             std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = Slot(name, MetricType::kCounter);
  if (!e.counters) {
    e.counters = std::make_unique<Family<Counter>>(name, help, std::move(label_names),
                                                   [] { return std::make_unique<Counter>(); });
  }
  return *e.counters;
}

Family<Gauge>& MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                         std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = Slot(name, MetricType::kGauge);
  if (!e.gauges) {
    e.gauges = std::make_unique<Family<Gauge>>(name, help, std::move(label_names),
                                               [] { return std::make_unique<Gauge>(); });
  }
  return *e.gauges;
}

Family<Histogram>& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                                 std::vector<double> upper_bounds,
                                                 std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = Slot(name, MetricType::kHistogram);
  if (!e.histograms) {
    e.histograms = std::make_unique<Family<Histogram>>(
        name, help, std::move(label_names), [b = std::move(upper_bounds)] { return std::make_unique<Histogram>(b); });
  }
  return *e.histograms;
}

void MetricsRegistry::AddGaugeCallback(const std::string& name, const std::string& help, std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = Slot(name, MetricType::kGauge);
  e.help = help;
  e.callback = std::move(fn);
}

void MetricsRegistry::AddCounterCallback(const std::string& name, const std::string& help, std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = Slot(name, MetricType::kCounter);
  e.help = help;
  e.callback = std::move(fn);
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& entry : entries_) {
    // Named references, not structured bindings: the lambdas below capture them.
    const std::string& name = entry.first;
    const Entry& e = entry.second;
    if (e.callback) {
      AppendHeader(&out, name, e.help, e.type == MetricType::kCounter ? "counter" : "gauge");
      out.append(name);
      out.push_back(' ');
      AppendNumber(&out, e.callback());
      out.push_back('\n');
    } else if (e.counters) {
      AppendHeader(&out, name, e.counters->help(), "counter");
      e.counters->ForEach([&](const std::vector<std::string>& labels, const Counter& c) {
        out.append(name);
        AppendLabels(&out, e.counters->label_names(), labels);
        out.push_back(' ');
        AppendNumber(&out, c.value());
        out.push_back('\n');
      });
    } else if (e.gauges) {
      AppendHeader(&out, name, e.gauges->help(), "gauge");
      e.gauges->ForEach([&](const std::vector<std::string>& labels, const Gauge& g) {
        out.append(name);
        AppendLabels(&out, e.gauges->label_names(), labels);
        out.push_back(' ');
        AppendNumber(&out, g.value());
        out.push_back('\n');
      });
    } else if (e.histograms) {
      AppendHeader(&out, name, e.histograms->help(), "histogram");
      const auto& names = e.histograms->label_names();
      e.histograms->ForEach([&](const std::vector<std::string>& labels, const Histogram& h) {
        Histogram::Snapshot s = h.Snap();
        for (size_t i = 0; i <= s.upper_bounds.size(); ++i) {
          std::string le;
          if (i < s.upper_bounds.size()) {
            AppendNumber(&le, s.upper_bounds[i]);
          } else {
            le = "+Inf";
          }
          out.append(name);
          out.append("_bucket");
          AppendLabels(&out, names, labels, "le", le);
          out.push_back(' ');
          AppendNumber(&out, static_cast<double>(s.cumulative_counts[i]));
          out.push_back('\n');
        }
        out.append(name);
        out.append("_sum");
        AppendLabels(&out, names, labels);
        out.push_back(' ');
        AppendNumber(&out, s.sum);
        out.push_back('\n');
        out.append(name);
        out.append("_count");
        AppendLabels(&out, names, labels);
        out.push_back(' ');
        AppendNumber(&out, static_cast<double>(s.count));
        out.push_back('\n');
      });
    }
  }
  return out;
}

namespace {

// Fields of /proc/self/stat after the command name (which may contain spaces).
std::vector<std::string> ProcSelfStat() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  size_t close = line.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 2));
  std::string f;
  while (rest >> f) fields.push_back(f);
  return fields;
}

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

}  // namespace

void RegisterProcessMetrics(MetricsRegistry* registry) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // Fields of /proc/self/stat, counted from `state` (field 3) as index 0.
  constexpr size_t kUtime = 11, kStime = 12, kStartTime = 19, kRss = 21;
  registry->AddCounterCallback("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", [=] {
    auto f = ProcSelfStat();
    return f.size() > kStime ? (std::stod(f[kUtime]) + std::stod(f[kStime])) / ticks : 0.0;
  });
  registry->AddGaugeCallback("process_resident_memory_bytes", "Resident memory size in bytes.", [=] {
    auto f = ProcSelfStat();
    return f.size() > kRss ? std::stod(f[kRss]) * page : 0.0;
  });
  const double start_time = [&] {
    auto f = ProcSelfStat();
    return f.size() > kStartTime ? BootTimeSeconds() + std::stod(f[kStartTime]) / ticks : WallMillis() / 1000.0;
  }();
  registry->AddGaugeCallback("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                             [=] { return start_time; });
  registry->AddGaugeCallback("process_open_fds", "Number of open file descriptors.", [] {
    double n = 0;
    if (DIR* d = opendir("/proc/self/fd")) {
      while (readdir(d) != nullptr) ++n;
      closedir(d);
      n -= 3;  // ".", ".." and the descriptor of this listing
    }
    return n;
  });
}

}  // namespace tide::base
