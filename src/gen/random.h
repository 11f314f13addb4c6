// Random numbers for the generator, identical on every platform and standard
// library so that a seed always gives the same file.
//
// Rng is xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom
// number generators", 2018), its 256-bit state filled by splitmix64 from a
// (seed, stream) pair: each purpose of the generator (player ids, session
// times, the shuffle, ...) draws from its own stream, so adding draws to one
// purpose does not shift the numbers of another. The distributions are
// written here in integer arithmetic (Lemire's multiply-shift with rejection
// for bounded integers) or exact IEEE operations; std::*_distribution is not
// used because its output differs between library implementations.
//
// Thread safety: an Rng is a value; use one per thread.
#pragma once

#include <cstdint>

namespace medallion::gen {

// The splitmix64 output function (Steele, Lea & Flood 2014): a bijective
// 64-bit mixer, also usable as a hash of an integer.
inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) {
    // splitmix64 over a state that depends on both the seed and the stream.
    uint64_t x = seed ^ mix64(stream + kGolden);
    for (uint64_t& word : s_) {
      x += kGolden;
      word = mix64(x);
    }
  }

  // A generator in exactly this state (not all zero); for checking the
  // algorithm against its reference outputs.
  static Rng from_state(uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3) {
    Rng rng(0, 0);
    rng.s_[0] = s0;
    rng.s_[1] = s1;
    rng.s_[2] = s2;
    rng.s_[3] = s3;
    return rng;
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n); n > 0. Unbiased (Lemire 2019).
  uint64_t below(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi], both inclusive; lo <= hi.
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t s_[4];
};

// The generator's streams. Values are part of the output format of a seed:
// never renumber, only append.
enum class RngStream : uint64_t {
  kPlayerIds = 1,
  kSessionCounts = 2,
  kPlayerCountries = 3,
  kSessions = 4,
  kOrphans = 5,
  kSessionDefects = 6,
  kLineDefects = 7,
  kShuffle = 8,
};

inline Rng make_rng(uint64_t seed, RngStream stream) {
  return Rng(seed, static_cast<uint64_t>(stream));
}

}  // namespace medallion::gen
