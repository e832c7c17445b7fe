// Sequential, ResidualBlock and the softmax cross-entropy loss.
#include "dvhpc/nn/sequential.hpp"

#include "dvhpc/error.hpp"
#include "dvhpc/nn/loss.hpp"

namespace dvhpc::nn {

Tensor Sequential::forward(const Tensor& x, bool training) {
  Tensor cur = x;
  for (auto& l : layers_) cur = l->forward(cur, training);
  return cur;
}

Tensor Sequential::backward(const Tensor& dy, bool need_input_grad) {
  Tensor g = dy;
  for (size_t i = layers_.size(); i-- > 0;) g = layers_[i]->backward(g, i > 0 || need_input_grad);
  return g;
}

void Sequential::parameters(std::vector<Param*>& out) {
  for (auto& l : layers_) l->parameters(out);
}
void Sequential::buffers(std::vector<Param*>& out) {
  for (auto& l : layers_) l->buffers(out);
}

ResidualBlock::ResidualBlock(Backend& be, std::string name)
    : Layer(be, name), main_(be, name + ".main"), shortcut_(be, name + ".shortcut"), relu_(be.make_relu()) {}

Tensor ResidualBlock::forward(const Tensor& x, bool training) {
  Tensor a = main_.forward(x, training);
  Tensor s = shortcut_.empty() ? x : shortcut_.forward(x, training);
  if (a.shape() != s.shape())
    throw Error(ErrorKind::Internal, "nn: " + name_ + ": main path " + shape_str(a.shape()) +
                                         " and shortcut " + shape_str(s.shape()) + " differ");
  Tensor z = be_.alloc(a.shape());
  be_.add(a, s, z);
  Tensor y = be_.alloc(a.shape());
  relu_->forward(z, y);
  y_ = training ? y : Tensor();
  return y;
}

Tensor ResidualBlock::backward(const Tensor& dy, bool need_input_grad) {
  if (!y_.defined()) throw Error(ErrorKind::Internal, "nn: " + name_ + ".backward without training forward");
  Tensor dz = be_.alloc(y_.shape());
  relu_->backward(y_, dy, dz);
  Tensor da = main_.backward(dz, need_input_grad);
  if (shortcut_.empty()) {
    if (!need_input_grad) return Tensor();
    Tensor dx = be_.alloc(da.shape());
    be_.add(da, dz, dx);
    return dx;
  }
  Tensor ds = shortcut_.backward(dz, need_input_grad);
  if (!need_input_grad) return Tensor();
  Tensor dx = be_.alloc(da.shape());
  be_.add(da, ds, dx);
  return dx;
}

void ResidualBlock::parameters(std::vector<Param*>& out) {
  main_.parameters(out);
  shortcut_.parameters(out);
}
void ResidualBlock::buffers(std::vector<Param*>& out) {
  main_.buffers(out);
  shortcut_.buffers(out);
}

float SoftmaxCrossEntropy::forward_backward(const Tensor& logits, const int32_t* labels) {
  if (logits.rank() != 2) throw Error(ErrorKind::Internal, "nn: cross-entropy expects logits [N,K]");
  if (probs_.shape() != logits.shape()) {
    probs_ = be_.alloc(logits.shape());
    dlogits_ = be_.alloc(logits.shape());
  }
  return be_.softmax_cross_entropy(logits, labels, probs_, dlogits_);
}

}  // namespace dvhpc::nn
