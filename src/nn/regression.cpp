// Regression pieces of the nn library: the mean-squared-error loss and the
// row-keyed dropout (see loss.hpp and row_dropout.hpp for why they exist).
#include <algorithm>
#include <cmath>

#include "dvhpc/error.hpp"
#include "dvhpc/nn/dropout_hash.hpp"
#include "dvhpc/nn/loss.hpp"
#include "dvhpc/nn/row_dropout.hpp"

namespace dvhpc::nn {

double MeanSquaredError::forward_backward(const Tensor& pred, const float* targets, double normaliser) {
  if (pred.rank() != 2) throw Error(ErrorKind::Internal, "nn: mean squared error expects predictions [N,T]");
  if (normaliser <= 0) normaliser = static_cast<double>(pred.numel());
  if (dpred_.shape() != pred.shape()) dpred_ = be_.alloc(pred.shape());
  return be_.mean_squared_error(pred, targets, normaliser, dpred_);
}

RowDropout::RowDropout(Backend& be, std::string name, float p, uint64_t seed)
    : Layer(be, std::move(name)), p_(p), seed_(seed) {
  if (!(p >= 0.0f && p < 1.0f))
    throw Error(ErrorKind::Config, "nn: dropout probability must be in [0,1), got " + std::to_string(p));
}

void RowDropout::set_rows(std::vector<uint64_t> keys, uint64_t stream) {
  keys_ = std::move(keys);
  stream_ = stream;
}

Tensor RowDropout::forward(const Tensor& x, bool training) {
  if (!training || p_ == 0.0f) {
    mask_ = Tensor();
    return x;
  }
  const int64_t rows = x.dim(0), width = x.numel() / std::max<int64_t>(1, rows);
  if (static_cast<int64_t>(keys_.size()) != rows)
    throw Error(ErrorKind::Internal, "nn: " + name_ + ": " + std::to_string(keys_.size()) + " row keys for " +
                                         std::to_string(rows) + " rows");
  // splitmix64 of the stream, so that consecutive steps give unrelated masks.
  uint64_t z = stream_ + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  const uint64_t seed = seed_ ^ z ^ (z >> 31);
  (void)width;
  mask_ = be_.alloc(x.shape());
  Tensor y = be_.alloc(x.shape());
  be_.row_dropout_forward(x, y, mask_, keys_.data(), rows, p_, seed);
  return y;
}

Tensor RowDropout::backward(const Tensor& dy, bool need_input_grad) {
  if (!need_input_grad) return Tensor();
  if (!mask_.defined()) return dy;  // p == 0 or inference: identity
  if (mask_.numel() != dy.numel())
    throw Error(ErrorKind::Internal, "nn: " + name_ + ".backward does not follow its training forward");
  Tensor dx = be_.alloc(dy.shape());
  be_.dropout_backward(dy, mask_, dx);
  return dx;
}

}  // namespace dvhpc::nn
