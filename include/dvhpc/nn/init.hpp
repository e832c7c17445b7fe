// Seeded weight initialisation, computed on the host and uploaded, so a seed
// gives the same model on every backend, compiler and rank.
//   He (Kaiming) normal, std = sqrt(2 / fan_in): conv and dense layers that
//     feed a ReLU (keeps activation variance constant through ReLUs).
//   Xavier (Glorot) uniform, bound = sqrt(6 / (fan_in + fan_out)): LSTM
//     weights and output layers (no ReLU; balances forward and backward).
// Biases start at 0, except LSTM forget-gate biases at 1 (the usual trick
// that lets early training carry information across the 33 positions).
#pragma once

#include <cstdint>
#include <vector>

#include "dvhpc/nn/backend.hpp"

namespace dvhpc::nn {

// splitmix64-based generator: portable, unlike std::normal_distribution.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next_u64();
  double uniform();  // [0,1)
  double normal();   // N(0,1), Box-Muller
 private:
  uint64_t state_;
};

void init_he_normal(Backend& be, Tensor& t, int64_t fan_in, Rng& rng);
void init_xavier_uniform(Backend& be, Tensor& t, int64_t fan_in, int64_t fan_out, Rng& rng);

}  // namespace dvhpc::nn
