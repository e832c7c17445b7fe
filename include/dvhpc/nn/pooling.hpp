// Max / average pooling over NCHW, and global average pooling
// [N,C,H,W] -> [N,C] (the pooling op with a kernel covering the whole image,
// built for each input size it meets).
#pragma once

#include <map>
#include <memory>

#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

class Pool2d final : public Layer {
 public:
  Pool2d(Backend& be, std::string name, const PoolSpec& spec);
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;

 private:
  PoolSpec spec_;
  std::unique_ptr<PoolOp> op_;
  Shape x_shape_;
};

class GlobalAvgPool final : public Layer {
 public:
  GlobalAvgPool(Backend& be, std::string name);
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;

 private:
  PoolOp& op_for(const Shape& x);
  std::map<std::pair<int64_t, int64_t>, std::unique_ptr<PoolOp>> ops_;
  Shape x_shape_;
};

}  // namespace dvhpc::nn
