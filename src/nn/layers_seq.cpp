// Dense, Flatten, Dropout and the multi-layer (bi)LSTM.
#include "dvhpc/error.hpp"
#include "dvhpc/nn/dense.hpp"
#include "dvhpc/nn/dropout.hpp"
#include "dvhpc/nn/lstm.hpp"

namespace dvhpc::nn {

Dense::Dense(Backend& be, std::string name, const DenseSpec& spec, Init init, Rng& rng)
    : Layer(be, std::move(name)), spec_(spec), op_(be.make_dense(spec)) {
  w_ = make_param("weight", {spec.out_features, spec.in_features});
  if (init == Init::HeNormal)
    init_he_normal(be, w_.value, spec.in_features, rng);
  else
    init_xavier_uniform(be, w_.value, spec.in_features, spec.out_features, rng);
  if (spec.bias) b_ = make_param("bias", {spec.out_features});
}

Tensor Dense::forward(const Tensor& x, bool training) {
  Tensor y = be_.alloc({x.dim(0), spec_.out_features});
  op_->forward(x, w_.value, b_.value, y);
  x_ = training ? x : Tensor();
  return y;
}

Tensor Dense::backward(const Tensor& dy, bool need_input_grad) {
  if (!x_.defined()) throw Error(ErrorKind::Internal, "nn: " + name_ + ".backward without training forward");
  Tensor dx = need_input_grad ? be_.alloc(x_.shape()) : Tensor();
  op_->backward(x_, w_.value, dy, dx, w_.grad, b_.grad);
  return dx;
}

void Dense::parameters(std::vector<Param*>& out) {
  out.push_back(&w_);
  if (spec_.bias) out.push_back(&b_);
}

Tensor Flatten::forward(const Tensor& x, bool /*training*/) {
  x_shape_ = x.shape();
  return x.reshaped({x.dim(0), x.numel() / x.dim(0)});
}

Tensor Flatten::backward(const Tensor& dy, bool need_input_grad) {
  return need_input_grad ? dy.reshaped(x_shape_) : Tensor();
}

Dropout::Dropout(Backend& be, std::string name, float p, uint64_t seed)
    : Layer(be, std::move(name)), p_(p), seed_(seed) {
  if (!(p >= 0.0f && p < 1.0f))
    throw Error(ErrorKind::Config, "nn: dropout probability must be in [0,1), got " + std::to_string(p));
}

Tensor Dropout::forward(const Tensor& x, bool training) {
  if (!training || p_ == 0.0f) {
    mask_ = Tensor();
    return x;
  }
  Tensor y = be_.alloc(x.shape());
  mask_ = be_.alloc(x.shape());
  // A different stream of masks per call, still a pure function of the seed.
  be_.dropout_forward(x, y, mask_, p_, seed_ * 0x100000001B3ull + (++calls_));
  return y;
}

Tensor Dropout::backward(const Tensor& dy, bool need_input_grad) {
  if (!need_input_grad) return Tensor();
  if (!mask_.defined()) return dy;  // p == 0: identity
  Tensor dx = be_.alloc(dy.shape());
  be_.dropout_backward(dy, mask_, dx);
  return dx;
}

Lstm::Lstm(Backend& be, std::string name, int64_t input_size, int64_t hidden_size, int num_layers,
           bool bidirectional, Rng& rng)
    : Layer(be, std::move(name)), hidden_(hidden_size), bidirectional_(bidirectional) {
  const int64_t d = bidirectional ? 2 : 1;
  for (int l = 0; l < num_layers; ++l) {
    const int64_t in = l == 0 ? input_size : d * hidden_size;
    Sub s;
    s.op = be.make_lstm(LstmSpec{in, hidden_size, bidirectional});
    const std::string p = "l" + std::to_string(l) + ".";
    s.w_ih = make_param(p + "w_ih", {d, 4 * hidden_size, in});
    s.w_hh = make_param(p + "w_hh", {d, 4 * hidden_size, hidden_size});
    s.bias = make_param(p + "bias", {d, 4 * hidden_size});
    init_xavier_uniform(be, s.w_ih.value, in, 4 * hidden_size, rng);
    init_xavier_uniform(be, s.w_hh.value, hidden_size, 4 * hidden_size, rng);
    std::vector<float> b(static_cast<size_t>(d * 4 * hidden_size), 0.0f);
    for (int64_t dir = 0; dir < d; ++dir)
      for (int64_t j = 0; j < hidden_size; ++j) b[dir * 4 * hidden_size + hidden_size + j] = 1.0f;  // forget gate
    be.upload(b.data(), s.bias.value);
    layers_.push_back(std::move(s));
  }
}

Tensor Lstm::forward(const Tensor& x, bool training) {
  if (x.rank() != 3) throw Error(ErrorKind::Internal, "nn: LSTM expects [N,T,C], got " + shape_str(x.shape()));
  Tensor cur = x;
  for (Sub& s : layers_) {
    Tensor y = be_.alloc({x.dim(0), x.dim(1), output_size()});
    s.op->forward(cur, s.w_ih.value, s.w_hh.value, s.bias.value, y, training);
    s.x = training ? cur : Tensor();
    s.y = training ? y : Tensor();
    cur = y;
  }
  return cur;
}

Tensor Lstm::backward(const Tensor& dy, bool need_input_grad) {
  Tensor g = dy;
  for (size_t i = layers_.size(); i-- > 0;) {
    Sub& s = layers_[i];
    if (!s.x.defined()) throw Error(ErrorKind::Internal, "nn: " + name_ + ".backward without training forward");
    Tensor dx = (i > 0 || need_input_grad) ? be_.alloc(s.x.shape()) : Tensor();
    s.op->backward(s.x, s.w_ih.value, s.w_hh.value, s.bias.value, s.y, g, dx, s.w_ih.grad, s.w_hh.grad,
                   s.bias.grad);
    g = dx;
  }
  return g;
}

void Lstm::parameters(std::vector<Param*>& out) {
  for (Sub& s : layers_) {
    out.push_back(&s.w_ih);
    out.push_back(&s.w_hh);
    out.push_back(&s.bias);
  }
}

}  // namespace dvhpc::nn
