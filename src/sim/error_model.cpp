#include "dvhpc/sim/error_model.hpp"

#include <algorithm>
#include <cmath>

#include "dvhpc/sim/rng.hpp"

namespace dvhpc::sim {

double ErrorModel::error_prob(int q) { return std::pow(10.0, -q / 10.0); }

ErrorModel::ErrorModel(int read_length) : len_(read_length) {
  for (int q = 0; q <= kMaxQ; ++q)
    threshold_[static_cast<size_t>(q)] = static_cast<uint64_t>(std::ldexp(error_prob(q), 32));
  table_.resize(static_cast<size_t>(2 * len_ * 256));
  // The table is a fixed function of the read length (its own constant
  // seed), so it is identical on every rank and for every user seed.
  SimRng rng(0x5eed0f11u);
  std::vector<int> draws(256);
  for (int mate = 0; mate < 2; ++mate) {
    for (int c = 0; c < len_; ++c) {
      double x = static_cast<double>(c) / std::max(1, len_ - 1);
      // Mean Q ~37 at the start falling to ~27 (read 1) / ~24 (read 2) at the end.
      double mean = (mate == 0 ? 37.0 - 10.0 * x * x : 36.0 - 12.0 * x * x);
      double low_frac = 0.01 + 0.03 * x;  // occasional low-quality calls, more at the end
      for (int i = 0; i < 256; ++i) {
        double q = rng.chance(low_frac) ? 2.0 + rng.uniform() * (mean - 12.0) : mean + 2.0 * rng.normal();
        draws[static_cast<size_t>(i)] = std::clamp(static_cast<int>(std::lround(q)), kMinQ, kMaxQ);
      }
      std::sort(draws.begin(), draws.end());
      for (int i = 0; i < 256; ++i)
        table_[static_cast<size_t>((mate * len_ + c) * 256 + i)] = static_cast<uint8_t>(draws[static_cast<size_t>(i)]);
    }
  }
}

double ErrorModel::mean_error_prob(int mate, int cycle) const {
  double s = 0;
  for (int i = 0; i < 256; ++i) s += error_prob(quality(mate, cycle, static_cast<uint64_t>(i)));
  return s / 256.0;
}

}  // namespace dvhpc::sim
