// Inverted dropout whose mask is keyed by a caller-given id per ROW (example)
// and a stream number (the optimizer step), not by the element's position in
// this rank's tensor: unit j of example e at stream s is kept iff
//   dropout_uniform(seed ^ splitmix(s), e * width + j) >= p.
// nn::Dropout keys its mask by position within the local batch, so a
// data-parallel run at N ranks draws other masks than at 1 rank (the trainer
// documents that caveat); with row keys an example gets the same mask
// whichever rank holds it, so training with dropout gives the same weights at
// any rank count (up to float summation order), and a resumed run draws the
// same masks because the stream is the step, which checkpoints hold.
// Runs on either backend (Backend::row_dropout_forward): on a GPU the mask
// is made where the activations are, so a training step never leaves it.
#pragma once

#include <cstdint>
#include <vector>

#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

class RowDropout final : public Layer {
 public:
  RowDropout(Backend& be, std::string name, float p, uint64_t seed);
  // Keys of the next training forward's rows (one per row) and its stream.
  void set_rows(std::vector<uint64_t> keys, uint64_t stream);
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;
  float p() const { return p_; }

 private:
  float p_;
  uint64_t seed_, stream_ = 0;
  std::vector<uint64_t> keys_;
  Tensor mask_;  // 0 or 1/(1-p) per element of the last training forward (undefined: identity)
};

}  // namespace dvhpc::nn
