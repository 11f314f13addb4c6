#include "api/access_control.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "util/sha256.h"

namespace medallion::api {
namespace {

constexpr size_t kShards = 16;
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Whole seconds, rounded up, at least 1. The small slack keeps a wait of
// exactly 2 s computed as 2.0000000001 from becoming 3.
int64_t whole_seconds_up(double seconds) {
  if (!(seconds < 9e15)) return static_cast<int64_t>(9e15);
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(seconds - 1e-9)));
}

}  // namespace

// ---------------------------------------------------------------------------
// ApiKeys

util::Result<ApiKeys> ApiKeys::create(const std::vector<std::string>& keys) {
  ApiKeys out;
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    const bool visible = std::all_of(key.begin(), key.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x21 && static_cast<unsigned char>(c) <= 0x7e;
    });
    if (key.empty() || !visible) {
      return util::Status::invalid_argument(
          "api: API key " + std::to_string(i + 1) + " of " + std::to_string(keys.size()) +
          (key.empty() ? " is empty" : " has characters other than visible ASCII") +
          ": use printable ASCII without spaces (e.g. 32 random hex digits)");
    }
    out.digests_.insert(util::Sha256::of(key));
  }
  return out;
}

bool ApiKeys::accepts(std::string_view presented) const {
  if (digests_.empty()) return true;
  if (presented.empty()) return false;
  return digests_.contains(util::Sha256::of(presented));
}

// ---------------------------------------------------------------------------
// RateLimiter

namespace {

struct Bucket {
  double tokens;       // as of updated_ns
  int64_t updated_ns;  // clock time of the last refill
};

}  // namespace

struct RateLimiter::Shard {
  mutable std::mutex mu;
  std::unordered_map<std::string, Bucket, StringHash, std::equal_to<>> buckets;
  // No bucket is full (droppable) before this time: a lower bound, exact
  // right after a sweep and lowered as buckets are touched.
  int64_t earliest_full_ns = kNever;
  int64_t last_sweep_ns = std::numeric_limits<int64_t>::min() / 2;
};

RateLimiter::RateLimiter(RateLimitOptions options, Clock clock)
    : options_(options),
      clock_(std::move(clock)),
      shard_capacity_(options.max_buckets / kShards),
      shards_(std::make_unique<Shard[]>(kShards)) {}

RateLimiter::~RateLimiter() = default;

util::Result<std::unique_ptr<RateLimiter>> RateLimiter::create(RateLimitOptions options,
                                                               Clock clock) {
  if (!(options.rate_per_second > 0) || !std::isfinite(options.rate_per_second)) {
    return util::Status::invalid_argument(
        "api: rate limit of " + std::to_string(options.rate_per_second) +
        " requests per second: give a rate > 0, or leave rate limits off");
  }
  if (!(options.burst >= 1) || !std::isfinite(options.burst)) {
    return util::Status::invalid_argument("api: rate limit burst of " +
                                          std::to_string(options.burst) +
                                          ": give a burst of at least 1 request");
  }
  if (options.max_buckets < kShards) {
    return util::Status::invalid_argument("api: rate limit max_buckets of " +
                                          std::to_string(options.max_buckets) + ": give at least " +
                                          std::to_string(kShards));
  }
  if (options.sweep_interval.count() <= 0) {
    return util::Status::invalid_argument("api: rate limit sweep interval must be > 0");
  }
  if (!clock) {
    clock = [] {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::steady_clock::now().time_since_epoch());
    };
  }
  return std::unique_ptr<RateLimiter>(new RateLimiter(options, std::move(clock)));
}

RateDecision RateLimiter::acquire(std::string_view key) {
  const int64_t now = clock_().count();
  const double rate = options_.rate_per_second;
  const double burst = options_.burst;
  const double ns_per_token = 1e9 / rate;

  auto refill = [&](Bucket& b) {
    if (now > b.updated_ns) {
      b.tokens = std::min(burst, b.tokens + static_cast<double>(now - b.updated_ns) / ns_per_token);
      b.updated_ns = now;
    }
  };
  auto full_at = [&](const Bucket& b) {
    const double missing = (burst - b.tokens) * ns_per_token;
    if (missing >= 9e18) return kNever;
    return b.updated_ns + static_cast<int64_t>(std::ceil(missing));
  };

  const size_t h = StringHash{}(key);
  Shard& shard = shards_[(h ^ (h >> 32)) % kShards];
  std::lock_guard lock(shard.mu);

  // Drop the buckets that have refilled, when one may have and the last
  // sweep is long enough ago.
  if (now >= shard.earliest_full_ns &&
      now - shard.last_sweep_ns >= options_.sweep_interval.count()) {
    int64_t earliest = kNever;
    for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
      refill(it->second);
      const int64_t full = full_at(it->second);
      if (full <= now) {
        it = shard.buckets.erase(it);
      } else {
        earliest = std::min(earliest, full);
        ++it;
      }
    }
    shard.earliest_full_ns = earliest;
    shard.last_sweep_ns = now;
  }

  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= shard_capacity_) {
      // Full of busy buckets: refuse the newcomer until a sweep may free one.
      const int64_t next_sweep =
          std::max(shard.earliest_full_ns,
                   shard.last_sweep_ns + static_cast<int64_t>(options_.sweep_interval.count()));
      return {false, whole_seconds_up(static_cast<double>(next_sweep - now) / 1e9)};
    }
    it = shard.buckets.emplace(std::string(key), Bucket{burst, now}).first;
  }

  Bucket& b = it->second;
  refill(b);
  RateDecision decision;
  // The slack absorbs rounding in the refill (3 tokens a second for 1/3 s).
  if (b.tokens >= 1 - 1e-9) {
    b.tokens = std::max(0.0, b.tokens - 1);
  } else {
    decision.allowed = false;
    decision.retry_after_seconds = whole_seconds_up((1 - b.tokens) / rate);
  }
  shard.earliest_full_ns = std::min(shard.earliest_full_ns, full_at(b));
  return decision;
}

size_t RateLimiter::bucket_count() const {
  size_t n = 0;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    n += shards_[i].buckets.size();
  }
  return n;
}

}  // namespace medallion::api
