// A backend's whole-model inference path. Model::predict uses one when the
// backend offers it for the model's architecture, else runs layer by layer;
// both give the same logits up to float rounding (tests/nn/fused_cnn_test.cpp).
#pragma once

#include "dvhpc/nn/tensor.hpp"

namespace dvhpc::nn {

class InferencePlan {
 public:
  virtual ~InferencePlan() = default;
  // Logits [N, classes] for input x, with the model's current weights.
  virtual Tensor logits(const Tensor& x) = 0;
};

}  // namespace dvhpc::nn
