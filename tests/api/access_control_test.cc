// ApiKeys and RateLimiter: which keys get in, token-bucket bursts and refill
// against a hand-stepped clock, Retry-After values, the bound on buckets,
// dropping idle buckets, and exact totals under concurrent use.
#include "api/access_control.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace medallion::api {
namespace {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// ApiKeys

TEST(ApiKeys, NoKeysMeansOpen) {
  ApiKeys keys;
  EXPECT_FALSE(keys.enabled());
  EXPECT_TRUE(keys.accepts(""));
  EXPECT_TRUE(keys.accepts("anything"));
  auto empty = ApiKeys::create({});
  ASSERT_TRUE(empty.is_ok());
  EXPECT_FALSE(empty->enabled());
  EXPECT_TRUE(empty->accepts(""));
}

TEST(ApiKeys, AcceptsOnlyConfiguredKeys) {
  auto keys = ApiKeys::create({"k-0123456789abcdef", "second.key"});
  ASSERT_TRUE(keys.is_ok()) << keys.status().to_string();
  EXPECT_TRUE(keys->enabled());
  EXPECT_EQ(keys->size(), 2u);
  EXPECT_TRUE(keys->accepts("k-0123456789abcdef"));
  EXPECT_TRUE(keys->accepts("second.key"));
  EXPECT_FALSE(keys->accepts(""));                     // header missing
  EXPECT_FALSE(keys->accepts("k-0123456789abcde"));    // a prefix
  EXPECT_FALSE(keys->accepts("k-0123456789abcdefX"));  // longer
  EXPECT_FALSE(keys->accepts("K-0123456789ABCDEF"));   // case matters
  EXPECT_FALSE(keys->accepts(" second.key"));
  EXPECT_FALSE(keys->accepts(std::string("second.key\0", 11)));
}

TEST(ApiKeys, RepeatedKeysCountOnce) {
  auto keys = ApiKeys::create({"a1", "a1", "b2"});
  ASSERT_TRUE(keys.is_ok());
  EXPECT_EQ(keys->size(), 2u);
}

TEST(ApiKeys, RefusesKeysAHeaderCannotCarry) {
  for (const std::string& bad :
       {std::string(""), std::string("has space"), std::string("tab\there"),
        std::string("caf\xc3\xa9"), std::string("nul\0x", 5), std::string("del\x7f")}) {
    auto keys = ApiKeys::create({"good", bad});
    ASSERT_FALSE(keys.is_ok()) << bad;
    EXPECT_EQ(keys.status().code(), util::StatusCode::kInvalidArgument);
    EXPECT_NE(keys.status().message().find("API key 2 of 2"), std::string::npos)
        << keys.status().message();
    // The message does not echo the key (it may be a secret).
    if (!bad.empty()) {
      EXPECT_EQ(keys.status().message().find(bad), std::string::npos);
    }
  }
}

TEST(ApiKeys, HeaderName) { EXPECT_EQ(kApiKeyHeader, "X-API-Key"); }

// ---------------------------------------------------------------------------
// RateLimiter

class FakeClock {
 public:
  RateLimiter::Clock clock() {
    return [this] { return std::chrono::nanoseconds(now_.load()); };
  }
  void advance(std::chrono::nanoseconds d) { now_ += d.count(); }

 private:
  // Starts far from 0, as a steady clock does.
  std::atomic<int64_t> now_{1'000'000'000'000};
};

std::unique_ptr<RateLimiter> make_limiter(FakeClock& clock, double rate, double burst,
                                          size_t max_buckets = 100000) {
  RateLimitOptions options;
  options.rate_per_second = rate;
  options.burst = burst;
  options.max_buckets = max_buckets;
  auto limiter = RateLimiter::create(options, clock.clock());
  EXPECT_TRUE(limiter.is_ok()) << limiter.status().to_string();
  return std::move(limiter).value();
}

TEST(RateLimiter, RefusesBadOptions) {
  auto make = [](double rate, double burst, size_t max_buckets) {
    RateLimitOptions o;
    o.rate_per_second = rate;
    o.burst = burst;
    o.max_buckets = max_buckets;
    return RateLimiter::create(o);
  };
  EXPECT_FALSE(make(0, 10, 1000).is_ok());
  EXPECT_FALSE(make(-1, 10, 1000).is_ok());
  EXPECT_FALSE(make(NAN, 10, 1000).is_ok());
  EXPECT_FALSE(make(INFINITY, 10, 1000).is_ok());
  EXPECT_FALSE(make(10, 0.5, 1000).is_ok());
  EXPECT_FALSE(make(10, NAN, 1000).is_ok());
  EXPECT_FALSE(make(10, 10, 15).is_ok());
  EXPECT_TRUE(make(10, 10, 16).is_ok());
  auto bad = make(0, 10, 1000);
  EXPECT_EQ(bad.status().code(), util::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("rate > 0"), std::string::npos);
}

TEST(RateLimiter, BurstThenRefused) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 1, 5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter->acquire("k").allowed) << i;
  const RateDecision d = limiter->acquire("k");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 1);
  // A refused request takes nothing: one second later exactly one more.
  clock.advance(1s);
  EXPECT_TRUE(limiter->acquire("k").allowed);
  EXPECT_FALSE(limiter->acquire("k").allowed);
}

TEST(RateLimiter, AllowedDecisionHasNoRetryAfter) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 1, 1);
  const RateDecision d = limiter->acquire("k");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 0);
}

TEST(RateLimiter, RetryAfterRoundsUpWholeSeconds) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 0.25, 1);  // one request per 4 s
  EXPECT_TRUE(limiter->acquire("k").allowed);
  EXPECT_EQ(limiter->acquire("k").retry_after_seconds, 4);
  clock.advance(1500ms);
  EXPECT_EQ(limiter->acquire("k").retry_after_seconds, 3);  // 2.5 s -> 3
  clock.advance(1500ms);
  EXPECT_EQ(limiter->acquire("k").retry_after_seconds, 1);  // 1 s
  clock.advance(900ms);
  EXPECT_EQ(limiter->acquire("k").retry_after_seconds, 1);  // 0.1 s -> 1
  clock.advance(100ms);
  EXPECT_TRUE(limiter->acquire("k").allowed);  // 4 s since the first
}

TEST(RateLimiter, RetryAfterIsAtLeastOneSecond) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 1000, 1);
  EXPECT_TRUE(limiter->acquire("k").allowed);
  const RateDecision d = limiter->acquire("k");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds, 1);  // 1 ms, rounded up
}

TEST(RateLimiter, RefillIsCappedAtBurst) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 10, 3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter->acquire("k").allowed);
  clock.advance(1h);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limiter->acquire("k").allowed;
  EXPECT_EQ(allowed, 3);
}

TEST(RateLimiter, SustainsItsRate) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 3, 1);  // 1/3 s per token: rounding matters
  int allowed = 0;
  for (int i = 0; i < 300; ++i) {
    allowed += limiter->acquire("k").allowed;
    clock.advance(std::chrono::nanoseconds(333'333'334));
  }
  EXPECT_EQ(allowed, 300);
  // Twice as fast as allowed: every other request.
  allowed = 0;
  for (int i = 0; i < 300; ++i) {
    allowed += limiter->acquire("k").allowed;
    clock.advance(std::chrono::nanoseconds(166'666'667));
  }
  EXPECT_NEAR(allowed, 150, 1);
}

TEST(RateLimiter, PartialTokensAccumulate) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 2, 1);
  ASSERT_TRUE(limiter->acquire("k").allowed);
  clock.advance(250ms);
  EXPECT_FALSE(limiter->acquire("k").allowed);  // half a token
  clock.advance(250ms);
  EXPECT_TRUE(limiter->acquire("k").allowed);  // the halves add up
}

TEST(RateLimiter, KeysHaveTheirOwnBuckets) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 1, 2);
  EXPECT_TRUE(limiter->acquire("a").allowed);
  EXPECT_TRUE(limiter->acquire("a").allowed);
  EXPECT_FALSE(limiter->acquire("a").allowed);
  EXPECT_TRUE(limiter->acquire("b").allowed);
  EXPECT_TRUE(limiter->acquire("127.0.0.1").allowed);
  EXPECT_TRUE(limiter->acquire("").allowed);  // even an empty key is one key
  EXPECT_EQ(limiter->bucket_count(), 4u);
}

TEST(RateLimiter, ManyKeys) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 1, 2);
  constexpr int kKeys = 50000;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kKeys; ++i) {
      ASSERT_TRUE(limiter->acquire("key-" + std::to_string(i)).allowed) << round << " " << i;
    }
  }
  for (int i = 0; i < kKeys; i += 997) {
    EXPECT_FALSE(limiter->acquire("key-" + std::to_string(i)).allowed) << i;
  }
  EXPECT_EQ(limiter->bucket_count(), static_cast<size_t>(kKeys));
}

TEST(RateLimiter, IdleBucketsAreDropped) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 10, 5);  // an empty bucket refills in 0.5 s
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter->acquire("old-" + std::to_string(i)).allowed);
  EXPECT_EQ(limiter->bucket_count(), 1000u);
  clock.advance(2s);  // every bucket full again, and past the sweep interval
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter->acquire("new-" + std::to_string(i)).allowed);
  EXPECT_EQ(limiter->bucket_count(), 1000u);  // the old ones went
  // A dropped bucket comes back full: the same as if it had stayed.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter->acquire("old-1").allowed);
  EXPECT_FALSE(limiter->acquire("old-1").allowed);
}

TEST(RateLimiter, BusyBucketsAreKept) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 1, 5);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter->acquire("busy").allowed);
  clock.advance(2s);  // past the sweep interval, but 3 tokens short of full
  for (int i = 0; i < 200; ++i) limiter->acquire("other-" + std::to_string(i));
  // Had "busy" been dropped it would get 5 again; it has 2.
  EXPECT_TRUE(limiter->acquire("busy").allowed);
  EXPECT_TRUE(limiter->acquire("busy").allowed);
  EXPECT_FALSE(limiter->acquire("busy").allowed);
}

TEST(RateLimiter, NeverMoreThanMaxBuckets) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 1, 1, 32);  // 2 buckets per shard
  int allowed = 0;
  int64_t max_retry = 0;
  for (int i = 0; i < 1000; ++i) {
    const RateDecision d = limiter->acquire("k" + std::to_string(i));
    allowed += d.allowed;
    if (!d.allowed) {
      EXPECT_GE(d.retry_after_seconds, 1);
      max_retry = std::max(max_retry, d.retry_after_seconds);
    }
    ASSERT_LE(limiter->bucket_count(), 32u);
  }
  EXPECT_EQ(allowed, 32);
  EXPECT_LE(max_retry, 2);  // refilled after 1 s, sweeps every 1 s
  // Once the buckets have refilled, new keys get in again.
  clock.advance(1s);
  int later = 0;
  for (int i = 1000; i < 2000; ++i) later += limiter->acquire("k" + std::to_string(i)).allowed;
  EXPECT_EQ(later, 32);
  EXPECT_LE(limiter->bucket_count(), 32u);
}

TEST(RateLimiter, RealClockByDefault) {
  RateLimitOptions options;
  options.rate_per_second = 1;
  options.burst = 2;
  auto limiter = RateLimiter::create(options);
  ASSERT_TRUE(limiter.is_ok());
  EXPECT_TRUE((*limiter)->acquire("k").allowed);
  EXPECT_TRUE((*limiter)->acquire("k").allowed);
  const RateDecision d = (*limiter)->acquire("k");
  EXPECT_FALSE(d.allowed);  // a second does not pass between these calls
  EXPECT_EQ(d.retry_after_seconds, 1);
}

TEST(RateLimiter, ConcurrentCallersShareOneBucketExactly) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 1, 1000);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) allowed += limiter->acquire("shared").allowed;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(RateLimiter, ConcurrentCallersWithManyKeys) {
  FakeClock clock;
  auto limiter = make_limiter(clock, 1, 3);
  constexpr int kThreads = 4;
  constexpr int kKeys = 5000;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  // Every thread asks 2 tokens of every key while the clock moves 1 ms each
  // 1000 keys: each key is asked 8 times and gets its burst of 3.
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kKeys; ++i) {
        const std::string key = "key-" + std::to_string(i);
        allowed += limiter->acquire(key).allowed;
        allowed += limiter->acquire(key).allowed;
        if (t == 0 && i % 1000 == 999) clock.advance(1ms);
      }
    });
  }
  for (auto& t : threads) t.join();
  // The clock moved 5 ms in all: 0.005 tokens per key, not a whole one.
  EXPECT_EQ(allowed.load(), kKeys * 3);
  EXPECT_EQ(limiter->bucket_count(), static_cast<size_t>(kKeys));
}

}  // namespace
}  // namespace medallion::api
