// Counter-keyed random numbers for `dvhpc simulate`.
//
// Every random choice is drawn from a generator seeded by a hash of the user
// seed and the *identity* of the thing being simulated (span index, fragment
// block and number), never from a stream shared across work items. So the
// output depends only on the seed and the genome, not on how many ranks or
// threads made it, and any rank can regenerate any fragment (a span needs
// the mates of fragments that start in the span before it).
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace dvhpc::sim {

// SplitMix64 finaliser: a bijective 64-bit mix with full avalanche.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Hash of a seed and a tuple of integers (order matters).
inline uint64_t key(uint64_t seed, std::initializer_list<uint64_t> parts) {
  uint64_t h = mix64(seed);
  for (uint64_t p : parts) h = mix64(h ^ mix64(p + 0x632be59bd9b4e019ULL));
  return h;
}

// wyrand: one multiply per number, passes BigCrush/PractRand, 8 bytes of state.
class SimRng {
 public:
  explicit SimRng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    s_ += 0xa0761d6478bd642fULL;
    __uint128_t t = static_cast<__uint128_t>(s_) * (s_ ^ 0xe7037ed1a0b428dbULL);
    return static_cast<uint64_t>(t >> 64) ^ static_cast<uint64_t>(t);
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, n) (Lemire's multiply; bias < n / 2^64).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<__uint128_t>(next()) * n) >> 64);
  }
  bool chance(double p) { return uniform() < p; }
  // Standard normal (Box-Muller; one value per call keeps the stream simple).
  double normal() {
    double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Failures before the first success with success probability p (p in (0,1]).
  int64_t geometric(double p) {
    if (p >= 1.0) return 0;
    double u = 1.0 - uniform();
    return static_cast<int64_t>(std::floor(std::log(u) / std::log1p(-p)));
  }

 private:
  uint64_t s_;
};

}  // namespace dvhpc::sim
