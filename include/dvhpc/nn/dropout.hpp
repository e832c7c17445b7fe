// Inverted dropout: identity at inference; in training each element is kept
// with probability 1-p and scaled by 1/(1-p). The mask of the k-th training
// call is a hash of (seed, k, element), so runs are reproducible.
#pragma once

#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

class Dropout final : public Layer {
 public:
  Dropout(Backend& be, std::string name, float p, uint64_t seed);
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;
  float p() const { return p_; }
  // Training calls so far: the mask stream position, saved in training
  // checkpoints so a resumed run draws the same masks as an uninterrupted one.
  uint64_t calls() const { return calls_; }
  void set_calls(uint64_t c) { calls_ = c; }

 private:
  float p_;
  uint64_t seed_, calls_ = 0;
  Tensor mask_;
};

}  // namespace dvhpc::nn
