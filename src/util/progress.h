// Progress: the live status line of long work.
//
// On a TTY it redraws one line on stderr at most ~10 times a second:
//   "<label>  1.23M items  45.6 MB  38.2 MB/s"
//   "<label>  45.6 MB / 120.0 MB  38%  38.2 MB/s  ETA 0:12"
// (the total, percentage and ETA only when a total is known; rates after the
// first 0.2 s). It prints nothing when stderr is not a
// TTY or when quiet is set, so scripts and CI logs stay clean. finish()
// erases the live line; the caller prints its own one-line summary.
//
// Thread safety: add() may be called from any thread; redraws are throttled
// and serialized internally.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace medallion::util {

struct ProgressOptions {
  std::string label;
  bool quiet = false;
  uint64_t total_bytes = 0;  // 0 = unknown
  uint64_t total_items = 0;  // 0 = unknown
  std::string item_name = "items";
  // For tests: draw even if stderr is not a TTY, into this fd.
  int force_fd = -1;
};

class Progress {
 public:
  explicit Progress(ProgressOptions options);
  ~Progress();  // calls finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void add(uint64_t items, uint64_t bytes);
  void set_total_bytes(uint64_t total);
  void finish();

  uint64_t items() const { return items_.load(std::memory_order_relaxed); }
  uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  bool enabled() const { return fd_ >= 0; }

  // The line that would be drawn now (exposed for tests).
  std::string render_line() const;
  // The same, as if `elapsed` had passed since construction (deterministic
  // rates and ETAs for tests).
  std::string render_line_at(std::chrono::nanoseconds elapsed) const;

 private:
  void maybe_draw();

  ProgressOptions options_;
  int fd_ = -1;  // where to draw; -1 = disabled
  std::chrono::steady_clock::time_point start_;
  std::atomic<uint64_t> items_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> total_bytes_{0};
  std::atomic<int64_t> next_draw_ns_{0};
  std::mutex draw_mu_;
  bool finished_ = false;
  bool drawn_ = false;
};

// Human units, shared with the one-line summaries commands print:
//   format_count(1234567) == "1.23M" (3 significant digits; k, M, G, T)
//   format_bytes(45612345) == "45.6 MB" (decimal units: B, kB, MB, GB, TB)
//   format_rate(38200000.0) == "38.2 MB/s"
//   format_duration(72.4) == "1:12", format_duration(3725) == "1:02:05"
std::string format_count(uint64_t n);
std::string format_bytes(uint64_t n);
std::string format_rate(double bytes_per_second);
std::string format_duration(double seconds);

}  // namespace medallion::util
