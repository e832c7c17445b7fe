#include "dvhpc/nn/init.hpp"

#include <cmath>

namespace dvhpc::nn {

uint64_t Rng::next_u64() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0); }

double Rng::normal() {
  const double u1 = 1.0 - uniform(), u2 = uniform();  // u1 in (0,1]: log is finite
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

void init_he_normal(Backend& be, Tensor& t, int64_t fan_in, Rng& rng) {
  const double sd = std::sqrt(2.0 / static_cast<double>(fan_in));
  std::vector<float> h(static_cast<size_t>(t.numel()));
  for (float& v : h) v = static_cast<float>(rng.normal() * sd);
  be.upload(h.data(), t);
}

void init_xavier_uniform(Backend& be, Tensor& t, int64_t fan_in, int64_t fan_out, Rng& rng) {
  const double bound = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  std::vector<float> h(static_cast<size_t>(t.numel()));
  for (float& v : h) v = static_cast<float>((2.0 * rng.uniform() - 1.0) * bound);
  be.upload(h.data(), t);
}

}  // namespace dvhpc::nn
