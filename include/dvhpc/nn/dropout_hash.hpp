// Counter-based random numbers for dropout masks: the keep/drop decision for
// element i depends only on (seed, i), so CPU and GPU produce the same mask
// and no RNG state has to live on the device.
#pragma once

#include <cstdint>

#ifdef __CUDACC__
#define DVHPC_HD __host__ __device__
#else
#define DVHPC_HD
#endif

namespace dvhpc::nn {

DVHPC_HD inline float dropout_uniform(uint64_t seed, uint64_t i) {
  uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;  // splitmix64
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<float>(z >> 40) * (1.0f / 16777216.0f);  // [0,1), 24 bits
}

}  // namespace dvhpc::nn
