// Fully connected layer y = x W^T + b on [N,in] -> [N,out] (PyTorch Linear
// layout), and Flatten [N,...] -> [N, prod(...)] (a free reshape: every
// tensor is contiguous row-major).
#pragma once

#include <memory>

#include "dvhpc/nn/init.hpp"
#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

enum class Init { HeNormal, XavierUniform };

class Dense final : public Layer {
 public:
  // HeNormal for hidden layers followed by ReLU, XavierUniform for outputs.
  Dense(Backend& be, std::string name, const DenseSpec& spec, Init init, Rng& rng);
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;
  void parameters(std::vector<Param*>& out) override;
  const DenseSpec& spec() const { return spec_; }

 private:
  DenseSpec spec_;
  std::unique_ptr<DenseOp> op_;
  Param w_, b_;
  Tensor x_;
};

class Flatten final : public Layer {
 public:
  Flatten(Backend& be, std::string name) : Layer(be, std::move(name)) {}
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;

 private:
  Shape x_shape_;
};

}  // namespace dvhpc::nn
