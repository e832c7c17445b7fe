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
  const size_t n = static_cast<size_t>(pred.numel());
  if (normaliser <= 0) normaliser = static_cast<double>(n);
  host_.resize(n);
  be_.download(pred, host_.data());
  double loss = 0;
  const double g = 2.0 / normaliser;
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(host_[i]) - static_cast<double>(targets[i]);
    loss += d * d;
    host_[i] = static_cast<float>(g * d);
  }
  if (dpred_.shape() != pred.shape()) dpred_ = be_.alloc(pred.shape());
  be_.upload(host_.data(), dpred_);
  return loss / normaliser;
}

RowDropout::RowDropout(Backend& be, std::string name, float p, uint64_t seed)
    : Layer(be, std::move(name)), p_(p), seed_(seed) {
  if (!(p >= 0.0f && p < 1.0f))
    throw Error(ErrorKind::Config, "nn: dropout probability must be in [0,1), got " + std::to_string(p));
  if (be.device() != Device::CPU) throw Error(ErrorKind::Config, "nn: row-keyed dropout runs on the CPU backend only");
}

void RowDropout::set_rows(std::vector<uint64_t> keys, uint64_t stream) {
  keys_ = std::move(keys);
  stream_ = stream;
}

Tensor RowDropout::forward(const Tensor& x, bool training) {
  if (!training || p_ == 0.0f) {
    mask_.clear();
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
  const float keep = 1.0f / (1.0f - p_);
  mask_.resize(static_cast<size_t>(x.numel()));
  Tensor y = be_.alloc(x.shape());
  const float* in = x.data();
  float* out = y.data();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < width; ++j) {
      const size_t i = static_cast<size_t>(r * width + j);
      const uint64_t key = keys_[static_cast<size_t>(r)] * static_cast<uint64_t>(width) + static_cast<uint64_t>(j);
      mask_[i] = dropout_uniform(seed, key) >= p_ ? keep : 0.0f;
      out[i] = in[i] * mask_[i];
    }
  return y;
}

Tensor RowDropout::backward(const Tensor& dy, bool need_input_grad) {
  if (!need_input_grad) return Tensor();
  if (mask_.empty()) return dy;  // p == 0 or inference: identity
  if (static_cast<int64_t>(mask_.size()) != dy.numel())
    throw Error(ErrorKind::Internal, "nn: " + name_ + ".backward does not follow its training forward");
  Tensor dx = be_.alloc(dy.shape());
  const float* g = dy.data();
  float* out = dx.data();
  for (size_t i = 0; i < mask_.size(); ++i) out[i] = g[i] * mask_[i];
  return dx;
}

}  // namespace dvhpc::nn
