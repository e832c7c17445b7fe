// Losses.
//   SoftmaxCrossEntropy: mean over the batch, PyTorch's F.cross_entropy on
//     logits [N,K] with integer class labels (classification).
//   MeanSquaredError: sum over a batch of (prediction - target)^2 divided by
//     a normaliser, PyTorch's F.mse_loss (reduction "mean") when the
//     normaliser is the element count N*T (regression, `dvhpc gp`).
#pragma once

#include <cstdint>
#include <vector>

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

// Predictions [N,T] against host targets [N*T] (row-major). A data-parallel
// caller holding a slice of a global batch passes the global element count as
// `normaliser`, so that the slices' gradients SUM to the gradient of the
// global batch's mean (what GradientReducer::reduce(1) forms); 0 = N*T.
// Computed by the backend (Backend::mean_squared_error): the gradient is
// made where the predictions are; only the targets go in and the loss value
// comes out.
class MeanSquaredError {
 public:
  explicit MeanSquaredError(Backend& be) : be_(be) {}
  // Returns sum (p - t)^2 / normaliser; grad() is then d(loss)/d(predictions).
  double forward_backward(const Tensor& predictions, const float* targets, double normaliser = 0);
  const Tensor& grad() const { return dpred_; }

 private:
  Backend& be_;
  Tensor dpred_;
};

}  // namespace dvhpc::nn
