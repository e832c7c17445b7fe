// 2-D convolution layer, NCHW. Parameters: weight [Cout,Cin,KH,KW] (He
// normal, since convolutions here feed ReLUs) and optional bias [Cout].
#pragma once

#include <memory>

#include "dvhpc/nn/init.hpp"
#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

class Conv2d final : public Layer {
 public:
  Conv2d(Backend& be, std::string name, const Conv2dSpec& spec, Rng& rng);
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;
  void parameters(std::vector<Param*>& out) override;
  const Conv2dSpec& spec() const { return spec_; }

 private:
  Conv2dSpec spec_;
  std::unique_ptr<Conv2dOp> op_;
  Param w_, b_;
  Tensor x_;
};

}  // namespace dvhpc::nn
