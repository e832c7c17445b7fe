// Spatial batch normalisation over NCHW (PyTorch BatchNorm2d semantics):
// gamma = 1, beta = 0 at start; running_mean / running_var are buffers.
#pragma once

#include <memory>

#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

class BatchNorm2d final : public Layer {
 public:
  BatchNorm2d(Backend& be, std::string name, const BatchNormSpec& spec);
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;
  void parameters(std::vector<Param*>& out) override;
  void buffers(std::vector<Param*>& out) override;
  const BatchNormSpec& spec() const { return spec_; }

 private:
  BatchNormSpec spec_;
  std::unique_ptr<BatchNormOp> op_;
  Param gamma_, beta_, mean_, var_;
  Tensor x_;
};

}  // namespace dvhpc::nn
