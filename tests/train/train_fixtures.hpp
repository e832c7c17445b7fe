// Small, learnable synthetic data for trainer tests: count-feature-shaped
// examples [33, 18] whose class shows as a bump in channel `class` at the
// centre position, under noise.
#pragma once

#include "dvhpc/train/data_order.hpp"
#include "dvhpc/train/example_source.hpp"

namespace dvhpc::test {

inline train::MemoryExamples synthetic_examples(int64_t n, uint64_t seed) {
  const int64_t T = 33, C = 18;
  std::vector<float> x(static_cast<size_t>(n * T * C));
  std::vector<int32_t> y(static_cast<size_t>(n));
  uint64_t s = seed;
  auto uniform = [&s] {
    s = train::splitmix64(s);
    return static_cast<float>((s >> 11) * 0x1.0p-53);
  };
  for (int64_t i = 0; i < n; ++i) {
    const int32_t c = static_cast<int32_t>(i % 3);
    y[static_cast<size_t>(i)] = c;
    for (int64_t k = 0; k < T * C; ++k) x[static_cast<size_t>(i * T * C + k)] = 0.3f * uniform();
    x[static_cast<size_t>(i * T * C + 16 * C + c)] += 1.0f;
  }
  return train::MemoryExamples({T, C}, std::move(x), std::move(y));
}

}  // namespace dvhpc::test
