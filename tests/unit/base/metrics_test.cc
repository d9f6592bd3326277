#include "base/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace tide::base {
namespace {

TEST(MetricsTest, RendersCountersGaugesWithLabels) {
  MetricsRegistry r;
  auto& produced = r.AddCounter("tide_records_total", "Records produced", {"topic", "partition"});
  produced.WithLabels({"orders", "0"}).Increment(3);
  produced.WithLabels({"orders", "1"}).Increment();
  r.AddGauge("tide_connections", "Open connections").Get().Set(2);
  std::string text = r.RenderPrometheus();
  EXPECT_EQ(text,
            "# HELP tide_connections Open connections\n"
            "# TYPE tide_connections gauge\n"
            "tide_connections 2\n"
            "# HELP tide_records_total Records produced\n"
            "# TYPE tide_records_total counter\n"
            "tide_records_total{topic=\"orders\",partition=\"0\"} 3\n"
            "tide_records_total{topic=\"orders\",partition=\"1\"} 1\n");
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry r;
  r.AddCounter("c_total", "help with \\ and\nnewline", {"l"}).WithLabels({"a\"b\\c\nd"}).Increment();
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("# HELP c_total help with \\\\ and\\nnewline\n"), std::string::npos) << text;
  EXPECT_NE(text.find("c_total{l=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, HistogramIsCumulative) {
  MetricsRegistry r;
  auto& h = r.AddHistogram("lat_seconds", "Latency", {0.1, 1}, {"api"}).WithLabels({"produce"});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("lat_seconds_bucket{api=\"produce\",le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{api=\"produce\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_bucket{api=\"produce\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_sum{api=\"produce\"} 5.55\n"), std::string::npos);
  EXPECT_NE(text.find("lat_seconds_count{api=\"produce\"} 3\n"), std::string::npos);
}

TEST(MetricsTest, SameNameReturnsSameFamily) {
  MetricsRegistry r;
  auto& a = r.AddCounter("x_total", "x");
  auto& b = r.AddCounter("x_total", "x");
  EXPECT_EQ(&a, &b);
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry r;
  auto& c = r.AddCounter("n_total", "n").Get();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Increment();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000);
}

TEST(MetricsTest, ProcessMetricsHaveValues) {
  MetricsRegistry r;
  RegisterProcessMetrics(&r);
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter"), std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
  EXPECT_EQ(text.find("process_resident_memory_bytes 0\n"), std::string::npos);
}

TEST(MetricsTest, ValidatesNames) {
  EXPECT_TRUE(IsValidMetricName("tide_kafka_requests_total"));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("with-dash"));
  EXPECT_TRUE(IsValidLabelName("topic"));
  EXPECT_FALSE(IsValidLabelName("le"));
  EXPECT_FALSE(IsValidLabelName("__reserved"));
}

}  // namespace
}  // namespace tide::base
