// The REST API's optional access control: API keys and per-key rate limits.
//
// ApiKeys     the keys from the configuration. None configured = an open API.
//             Otherwise a request must carry one of them in the X-API-Key
//             header; the service answers 403 when it is missing ("Not
//             authenticated", as FastAPI's APIKeyHeader) or unknown
//             ("Invalid API key"; api_service.h). Keys
//             are kept as SHA-256 digests and a presented key is hashed
//             before the lookup, so the lookup's timing says nothing about
//             how much of a key a guess got right.
// RateLimiter a token bucket per key: the API key, or the client's address
//             when keys are off. A bucket holds at most `burst` tokens, gains
//             `rate_per_second` tokens a second, and a request takes one. A
//             request that finds less than one token is refused with the
//             whole seconds until one is there (rounded up, at least 1): the
//             429's Retry-After.
//
// Bounded memory: a bucket that has refilled to `burst` behaves exactly as a
// bucket not yet made, so such idle buckets are dropped (swept at most once
// per `sweep_interval` per shard, when a new key arrives). At most
// `max_buckets` buckets exist: a new key that finds its shard full, with no
// idle bucket to drop, is refused (Retry-After: until the next sweep may free
// one) rather than evicting a busy bucket, which would hand its owner a
// fresh burst. Keys hash to one of 16 shards of max_buckets/16 buckets each.
//
// Time comes from an injected monotonic clock (tests step it by hand).
//
// Thread safety: ApiKeys is immutable after create(): share it freely.
// RateLimiter::acquire and bucket_count may be called from any number of
// threads at once (one mutex per shard, held for a hash lookup and a few
// arithmetic operations).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "util/status.h"

namespace medallion::api {

// The request header that carries the key.
inline constexpr std::string_view kApiKeyHeader = "X-API-Key";

class ApiKeys {
 public:
  // No keys: every request is let in.
  ApiKeys() = default;
  // Fails with kInvalidArgument on an empty key or one with characters other
  // than visible ASCII (0x21..0x7e): a header value could not carry it
  // intact. Repeated keys count once.
  static util::Result<ApiKeys> create(const std::vector<std::string>& keys);

  // Whether keys are required at all.
  bool enabled() const { return !digests_.empty(); }
  // Whether a request whose X-API-Key header is `presented` ("" when absent)
  // may proceed: always when keys are off, otherwise when it is one of them.
  bool accepts(std::string_view presented) const;
  size_t size() const { return digests_.size(); }

 private:
  std::unordered_set<std::string> digests_;  // hex SHA-256 of each key
};

struct RateLimitOptions {
  // Tokens added per second: the sustained rate allowed per key (> 0).
  double rate_per_second = 0;
  // The bucket's capacity: requests allowed at once after a pause (>= 1).
  double burst = 0;
  // At most this many buckets (keys) are tracked at once (>= 16).
  size_t max_buckets = 100000;
  // Idle buckets are looked for at most this often per shard (> 0).
  std::chrono::nanoseconds sweep_interval = std::chrono::seconds(1);
};

struct RateDecision {
  bool allowed = true;
  // When refused: the Retry-After value in whole seconds (>= 1); else 0.
  int64_t retry_after_seconds = 0;
};

class RateLimiter {
 public:
  // Monotonic time since any fixed origin.
  using Clock = std::function<std::chrono::nanoseconds()>;

  // Fails with kInvalidArgument on options outside their ranges. Without a
  // clock, std::chrono::steady_clock.
  static util::Result<std::unique_ptr<RateLimiter>> create(RateLimitOptions options,
                                                           Clock clock = {});
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes a token from key's bucket, or says how long until one is there.
  RateDecision acquire(std::string_view key);

  // The buckets that exist now (for tests and monitoring).
  size_t bucket_count() const;

  const RateLimitOptions& options() const { return options_; }

 private:
  struct Shard;
  RateLimiter(RateLimitOptions options, Clock clock);

  RateLimitOptions options_;
  Clock clock_;
  size_t shard_capacity_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace medallion::api
