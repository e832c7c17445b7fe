// Image layers: Conv2d, BatchNorm2d, Relu, Pool2d, GlobalAvgPool.
#include "dvhpc/error.hpp"
#include "dvhpc/nn/activation.hpp"
#include "dvhpc/nn/batch_norm.hpp"
#include "dvhpc/nn/conv2d.hpp"
#include "dvhpc/nn/pooling.hpp"

namespace dvhpc::nn {

namespace {
void need_training_state(const Tensor& t, const std::string& layer) {
  if (!t.defined())
    throw Error(ErrorKind::Internal, "nn: " + layer + ".backward called without a training forward");
}
}  // namespace

Conv2d::Conv2d(Backend& be, std::string name, const Conv2dSpec& spec, Rng& rng)
    : Layer(be, std::move(name)), spec_(spec), op_(be.make_conv2d(spec)) {
  w_ = make_param("weight", {spec.out_channels, spec.in_channels, spec.kernel_h, spec.kernel_w});
  init_he_normal(be, w_.value, spec.in_channels * spec.kernel_h * spec.kernel_w, rng);
  if (spec.bias) b_ = make_param("bias", {spec.out_channels});
}

Tensor Conv2d::forward(const Tensor& x, bool training) {
  Tensor y = be_.alloc(spec_.output_shape(x.shape()));
  op_->forward(x, w_.value, b_.value, y);
  x_ = training ? x : Tensor();
  return y;
}

Tensor Conv2d::backward(const Tensor& dy, bool need_input_grad) {
  need_training_state(x_, name_);
  Tensor dx = need_input_grad ? be_.alloc(x_.shape()) : Tensor();
  op_->backward(x_, w_.value, dy, dx, w_.grad, b_.grad);
  return dx;
}

void Conv2d::parameters(std::vector<Param*>& out) {
  out.push_back(&w_);
  if (spec_.bias) out.push_back(&b_);
}

BatchNorm2d::BatchNorm2d(Backend& be, std::string name, const BatchNormSpec& spec)
    : Layer(be, std::move(name)), spec_(spec), op_(be.make_batch_norm(spec)) {
  gamma_ = make_param("weight", {spec.channels});
  be.fill(gamma_.value, 1.0f);
  beta_ = make_param("bias", {spec.channels});
  mean_ = Param{name_ + ".running_mean", be.zeros({spec.channels}), Tensor()};
  var_ = Param{name_ + ".running_var", be.alloc({spec.channels}), Tensor()};
  be.fill(var_.value, 1.0f);
}

Tensor BatchNorm2d::forward(const Tensor& x, bool training) {
  Tensor y = be_.alloc(x.shape());
  op_->forward(x, gamma_.value, beta_.value, mean_.value, var_.value, y, training);
  x_ = training ? x : Tensor();
  return y;
}

Tensor BatchNorm2d::backward(const Tensor& dy, bool /*need_input_grad*/) {
  need_training_state(x_, name_);
  // The backward primitive always produces dx; it is cheap next to the convs.
  Tensor dx = be_.alloc(x_.shape());
  op_->backward(x_, gamma_.value, beta_.value, dy, dx, gamma_.grad, beta_.grad);
  return dx;
}

void BatchNorm2d::parameters(std::vector<Param*>& out) {
  out.push_back(&gamma_);
  out.push_back(&beta_);
}
void BatchNorm2d::buffers(std::vector<Param*>& out) {
  out.push_back(&mean_);
  out.push_back(&var_);
}

Relu::Relu(Backend& be, std::string name) : Layer(be, std::move(name)), op_(be.make_relu()) {}

Tensor Relu::forward(const Tensor& x, bool training) {
  Tensor y = be_.alloc(x.shape());
  op_->forward(x, y);
  y_ = training ? y : Tensor();
  return y;
}

Tensor Relu::backward(const Tensor& dy, bool need_input_grad) {
  need_training_state(y_, name_);
  if (!need_input_grad) return Tensor();
  Tensor dx = be_.alloc(y_.shape());
  op_->backward(y_, dy, dx);
  return dx;
}

Pool2d::Pool2d(Backend& be, std::string name, const PoolSpec& spec)
    : Layer(be, std::move(name)), spec_(spec), op_(be.make_pool(spec)) {}

Tensor Pool2d::forward(const Tensor& x, bool training) {
  Tensor y = be_.alloc(spec_.output_shape(x.shape()));
  op_->forward(x, y, training);
  x_shape_ = x.shape();
  return y;
}

Tensor Pool2d::backward(const Tensor& dy, bool need_input_grad) {
  if (!need_input_grad) return Tensor();
  Tensor dx = be_.alloc(x_shape_);
  op_->backward(dy, dx);
  return dx;
}

GlobalAvgPool::GlobalAvgPool(Backend& be, std::string name) : Layer(be, std::move(name)) {}

PoolOp& GlobalAvgPool::op_for(const Shape& x) {
  auto& op = ops_[{x[2], x[3]}];
  if (!op) {
    PoolSpec s;
    s.kind = PoolKind::Avg;
    s.kernel_h = s.stride_h = x[2];
    s.kernel_w = s.stride_w = x[3];
    op = be_.make_pool(s);
  }
  return *op;
}

Tensor GlobalAvgPool::forward(const Tensor& x, bool training) {
  if (x.rank() != 4) throw Error(ErrorKind::Internal, "nn: global pooling expects NCHW");
  Tensor y = be_.alloc({x.dim(0), x.dim(1), 1, 1});
  op_for(x.shape()).forward(x, y, training);
  x_shape_ = x.shape();
  return y.reshaped({x.dim(0), x.dim(1)});
}

Tensor GlobalAvgPool::backward(const Tensor& dy, bool need_input_grad) {
  if (!need_input_grad) return Tensor();
  Tensor dx = be_.alloc(x_shape_);
  op_for(x_shape_).backward(dy.reshaped({x_shape_[0], x_shape_[1], 1, 1}), dx);
  return dx;
}

}  // namespace dvhpc::nn
