// The clock and the summary every benchmark uses: wall seconds on the
// monotonic clock, and the median of repeated runs (these machines are
// noisy, so single runs are never reported).
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace medallion::bench {

inline double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The median of v (the mean of the middle two for an even count); v non-empty.
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace medallion::bench
