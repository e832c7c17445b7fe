// ReLU activation (any shape).
#pragma once

#include <memory>

#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

class Relu final : public Layer {
 public:
  Relu(Backend& be, std::string name);
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;

 private:
  std::unique_ptr<ReluOp> op_;
  Tensor y_;  // backward needs only the output
};

}  // namespace dvhpc::nn
