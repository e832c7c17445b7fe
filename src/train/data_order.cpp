#include "dvhpc/train/data_order.hpp"

#include <algorithm>
#include <cstddef>

namespace dvhpc::train {

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::pair<std::vector<int64_t>, std::vector<int64_t>> split_validation(int64_t n, double fraction,
                                                                      uint64_t seed) {
  std::pair<std::vector<int64_t>, std::vector<int64_t>> out;
  const uint64_t cut = static_cast<uint64_t>(fraction * 1e6);
  for (int64_t i = 0; i < n; ++i) {
    bool val = splitmix64(seed ^ splitmix64(static_cast<uint64_t>(i))) % 1000000 < cut;
    (val ? out.second : out.first).push_back(i);
  }
  return out;
}

std::vector<int64_t> epoch_order(const std::vector<int64_t>& items, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> v = items;
  uint64_t state = splitmix64(seed * 1000003ull + static_cast<uint64_t>(epoch));
  for (std::size_t i = v.size(); i > 1; --i) {
    state = splitmix64(state);
    std::size_t j = static_cast<std::size_t>(state % i);
    std::swap(v[i - 1], v[j]);
  }
  return v;
}

std::pair<int64_t, int64_t> rank_slice(int64_t n, int rank, int nranks) {
  const int64_t base = n / nranks, extra = n % nranks;
  const int64_t begin = rank * base + std::min<int64_t>(rank, extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

}  // namespace dvhpc::train
