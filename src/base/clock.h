// Clocks. Wall time (for timestamps users see: record timestamps, log lines, retention) and
// monotonic time (for timeouts and durations, immune to wall-clock jumps).
#pragma once

#include <cstdint>
#include <string>

namespace tide::base {

// Milliseconds and microseconds since the Unix epoch (wall clock).
int64_t WallMillis();
int64_t WallMicros();
// Monotonic nanoseconds since an arbitrary fixed point; only differences are meaningful.
int64_t MonotonicNanos();
inline int64_t MonotonicMillis() { return MonotonicNanos() / 1000000; }

// "2026-11-24T21:56:48.123456Z" (UTC, microseconds).
std::string FormatIso8601Micros(int64_t unix_micros);

}  // namespace tide::base
