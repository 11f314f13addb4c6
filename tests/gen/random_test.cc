#include "gen/random.h"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace medallion::gen {
namespace {

TEST(Random, Mix64IsSplitmix64Output) {
  // The first output of the reference splitmix64 seeded with 0.
  EXPECT_EQ(mix64(0x9e3779b97f4a7c15ULL), 0xe220a8397b1dcdafULL);
}

TEST(Random, Xoshiro256StarStarMatchesReference) {
  // Reference xoshiro256** 1.0 from state {1, 2, 3, 4}.
  Rng rng = Rng::from_state(1, 2, 3, 4);
  EXPECT_EQ(rng.next(), 11520u);
  EXPECT_EQ(rng.next(), 0u);
  EXPECT_EQ(rng.next(), 1509978240u);
  EXPECT_EQ(rng.next(), 1215971899390074240ULL);
}

// Pinned: changing the seeding changes every generated file.
TEST(Random, SeedingIsPinned) {
  Rng rng(1, 1);
  EXPECT_EQ(rng.next(), 0x309714ec38d33b4cULL);
  EXPECT_EQ(rng.next(), 0x1bc11473d28024a0ULL);
  EXPECT_EQ(rng.next(), 0xaa4f7bbef2a5a194ULL);
}

TEST(Random, StreamsAndSeedsDiffer) {
  std::set<uint64_t> firsts;
  for (uint64_t seed = 0; seed < 4; ++seed) {
    for (uint64_t stream = 0; stream < 4; ++stream) firsts.insert(Rng(seed, stream).next());
  }
  EXPECT_EQ(firsts.size(), 16u);
}

TEST(Random, BelowStaysInRangeAndCoversIt) {
  Rng rng(7, 7);
  std::array<int, 10> hits{};
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = rng.below(10);
    ASSERT_LT(v, 10u);
    ++hits[v];
  }
  for (const int h : hits) {
    EXPECT_GT(h, 9400);
    EXPECT_LT(h, 10600);
  }
  EXPECT_EQ(rng.below(1), 0u);
}

TEST(Random, BetweenIsInclusive) {
  Rng rng(3, 9);
  bool saw_lo = false;
  bool saw_hi = false;
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = rng.between(1, 50);
    ASSERT_GE(v, 1);
    ASSERT_LE(v, 50);
    saw_lo |= v == 1;
    saw_hi |= v == 50;
  }
  EXPECT_TRUE(saw_lo);
  EXPECT_TRUE(saw_hi);
}

TEST(Random, UnitIsInHalfOpenInterval) {
  Rng rng(5, 5);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.01);
}

}  // namespace
}  // namespace medallion::gen
