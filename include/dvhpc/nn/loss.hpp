// Softmax cross-entropy loss (mean over the batch), PyTorch's
// F.cross_entropy on logits [N,K] with integer class labels.
#pragma once

#include <cstdint>

#include "dvhpc/nn/backend.hpp"

namespace dvhpc::nn {

class SoftmaxCrossEntropy {
 public:
  explicit SoftmaxCrossEntropy(Backend& be) : be_(be) {}
  // Returns the loss; grad() is then d(loss)/d(logits) and probs() the softmax.
  float forward_backward(const Tensor& logits, const int32_t* labels);
  const Tensor& grad() const { return dlogits_; }
  const Tensor& probs() const { return probs_; }

 private:
  Backend& be_;
  Tensor probs_, dlogits_;
};

}  // namespace dvhpc::nn
