// CPU backend: oneDNN operators plus OpenMP loops for the element-wise parts
// (add, dropout, softmax cross-entropy, optimizer updates) that oneDNN either
// lacks or would only wrap in extra setup.
#include "cpu_backend.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "dvhpc/error.hpp"
#include "dvhpc/nn/dropout_hash.hpp"

namespace dvhpc::nn {
namespace cpu {

void expect_shape(const Tensor& t, const Shape& s, const char* what) {
  if (t.shape() != s)
    throw Error(ErrorKind::Internal, std::string("nn: ") + what + " has shape " + shape_str(t.shape()) +
                                         ", expected " + shape_str(s));
}

namespace {

void same_size(const Tensor& a, const Tensor& b, const char* what) {
  if (a.numel() != b.numel())
    throw Error(ErrorKind::Internal, std::string("nn: size mismatch in ") + what + ": " +
                                         shape_str(a.shape()) + " vs " + shape_str(b.shape()));
}

class CpuBackend final : public Backend {
 public:
  CpuBackend()
      : ctx_(std::make_shared<Ctx>()),
        pool_(std::make_shared<BlockPool>(
            [](size_t n) {
              void* p = std::aligned_alloc(256, n);
              if (!p) throw Error(ErrorKind::Library, "nn: out of host memory (" + std::to_string(n) + " bytes)");
              return p;
            },
            [](void* p) { std::free(p); },
            // Two CNN groups' input (32 images: 20 MB each) and the RNN's tensors.
            size_t{48} << 20)) {}

  Device device() const override { return Device::CPU; }
  std::string name() const override { return "cpu (oneDNN)"; }

  Tensor alloc(const Shape& shape) override {
    return Tensor(shape, Device::CPU, pool_->get(static_cast<size_t>(shape_numel(shape)) * sizeof(float)));
  }
  void fill(Tensor& t, float value) override {
    float* p = t.data();
    const int64_t n = t.numel();
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; ++i) p[i] = value;
  }
  void upload(const float* host, Tensor& t) override {
    std::memcpy(t.data(), host, t.numel() * sizeof(float));
    t.bump_version();
  }
  void download(const Tensor& t, float* host) override {
    std::memcpy(host, t.data(), t.numel() * sizeof(float));
  }

  std::unique_ptr<Conv2dOp> make_conv2d(const Conv2dSpec& s) override { return cpu::make_conv2d(ctx_, s); }
  std::unique_ptr<BatchNormOp> make_batch_norm(const BatchNormSpec& s) override {
    return cpu::make_batch_norm(ctx_, s);
  }
  std::unique_ptr<ReluOp> make_relu() override { return cpu::make_relu(ctx_); }
  std::unique_ptr<PoolOp> make_pool(const PoolSpec& s) override { return cpu::make_pool(ctx_, s); }
  std::unique_ptr<DenseOp> make_dense(const DenseSpec& s) override { return cpu::make_dense(ctx_, s); }
  std::unique_ptr<LstmOp> make_lstm(const LstmSpec& s) override { return cpu::make_lstm(ctx_, s); }
  std::unique_ptr<InferencePlan> make_inference_plan(Model& m) override { return cpu::make_fused_cnn(ctx_, *this, m); }

  void add(const Tensor& a, const Tensor& b, Tensor& out) override {
    same_size(a, b, "add");
    same_size(a, out, "add");
    const float *pa = a.data(), *pb = b.data();
    float* po = out.data();
    const int64_t n = a.numel();
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; ++i) po[i] = pa[i] + pb[i];
  }

  void dropout_forward(const Tensor& x, Tensor& y, Tensor& mask, float p, uint64_t seed) override {
    same_size(x, y, "dropout");
    same_size(x, mask, "dropout mask");
    const float scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
    const float* px = x.data();
    float *py = y.data(), *pm = mask.data();
    const int64_t n = x.numel();
#pragma omp parallel for if (n > 65536)
    for (int64_t i = 0; i < n; ++i) {
      pm[i] = dropout_uniform(seed, static_cast<uint64_t>(i)) >= p ? scale : 0.0f;
      py[i] = px[i] * pm[i];
    }
  }
  void dropout_backward(const Tensor& dy, const Tensor& mask, Tensor& dx) override {
    same_size(dy, mask, "dropout backward");
    const float *pd = dy.data(), *pm = mask.data();
    float* px = dx.data();
    const int64_t n = dy.numel();
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; ++i) px[i] = pd[i] * pm[i];
  }

  double mean_squared_error(const Tensor& pred, const float* targets, double normaliser, Tensor& grad) override {
    same_size(pred, grad, "mean squared error");
    const float* pp = pred.data();
    float* pg = grad.data();
    const int64_t n = pred.numel();
    const double g = 2.0 / normaliser;
    double loss = 0;
    for (int64_t i = 0; i < n; ++i) {  // serial: [batch, traits] is small, and the sum keeps one order
      const double d = static_cast<double>(pp[i]) - static_cast<double>(targets[i]);
      loss += d * d;
      pg[i] = static_cast<float>(g * d);
    }
    return loss / normaliser;
  }
  void row_dropout_forward(const Tensor& x, Tensor& y, Tensor& mask, const uint64_t* keys, int64_t rows, float p,
                           uint64_t seed) override {
    same_size(x, y, "row dropout");
    same_size(x, mask, "row dropout mask");
    const int64_t width = x.numel() / std::max<int64_t>(1, rows);
    const float keep = 1.0f / (1.0f - p);
    const float* px = x.data();
    float *py = y.data(), *pm = mask.data();
#pragma omp parallel for if (rows * width > 65536)
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < width; ++j) {
        const int64_t i = r * width + j;
        const uint64_t key = keys[r] * static_cast<uint64_t>(width) + static_cast<uint64_t>(j);
        pm[i] = dropout_uniform(seed, key) >= p ? keep : 0.0f;
        py[i] = px[i] * pm[i];
      }
  }

  float softmax_cross_entropy(const Tensor& logits, const int32_t* labels, Tensor& probs,
                              Tensor& dlogits) override {
    softmax(logits, probs);
    const int64_t n = logits.dim(0), k = logits.dim(1);
    const float* pp = probs.data();
    float* pd = dlogits.data();
    double loss = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const int32_t c = labels[i];
      if (c < 0 || c >= k)
        throw Error(ErrorKind::Input, "nn: label " + std::to_string(c) + " outside [0," + std::to_string(k) + ")");
      loss -= std::log(std::max(pp[i * k + c], 1e-30f));
      for (int64_t j = 0; j < k; ++j) pd[i * k + j] = (pp[i * k + j] - (j == c ? 1.0f : 0.0f)) / n;
    }
    return static_cast<float>(loss / n);
  }

  void softmax(const Tensor& logits, Tensor& probs) override {
    same_size(logits, probs, "softmax");
    const int64_t n = logits.dim(0), k = logits.dim(1);
    const float* pl = logits.data();
    float* pp = probs.data();
#pragma omp parallel for if (n > 4096)
    for (int64_t i = 0; i < n; ++i) {
      float mx = pl[i * k];
      for (int64_t j = 1; j < k; ++j) mx = std::max(mx, pl[i * k + j]);
      float sum = 0.0f;
      for (int64_t j = 0; j < k; ++j) sum += (pp[i * k + j] = std::exp(pl[i * k + j] - mx));
      for (int64_t j = 0; j < k; ++j) pp[i * k + j] /= sum;
    }
  }

  void sgd_update(Tensor& param, const Tensor& grad, Tensor& vel, const SgdParams& p) override {
    same_size(param, grad, "sgd");
    float *w = param.data(), *v = vel.data();
    const float* g = grad.data();
    const int64_t n = param.numel();
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; ++i) {
      const float gi = g[i] + p.weight_decay * w[i];
      v[i] = p.momentum * v[i] + gi;  // PyTorch SGD (dampening 0)
      w[i] -= p.lr * v[i];
    }
    param.bump_version();
  }

  void adam_update(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v, const AdamParams& p,
                   int64_t step) override {
    same_size(param, grad, "adam");
    float *w = param.data(), *pm = m.data(), *pv = v.data();
    const float* g = grad.data();
    const int64_t n = param.numel();
    const float bc1 = 1.0f - std::pow(p.beta1, static_cast<float>(step));
    const float bc2 = 1.0f - std::pow(p.beta2, static_cast<float>(step));
    const float step_size = p.lr / bc1, inv_sqrt_bc2 = 1.0f / std::sqrt(bc2);
#pragma omp parallel for simd if (n > 65536)
    for (int64_t i = 0; i < n; ++i) {
      const float gi = g[i] + p.weight_decay * w[i];
      pm[i] = p.beta1 * pm[i] + (1.0f - p.beta1) * gi;
      pv[i] = p.beta2 * pv[i] + (1.0f - p.beta2) * gi * gi;
      w[i] -= step_size * pm[i] / (std::sqrt(pv[i]) * inv_sqrt_bc2 + p.eps);
    }
    param.bump_version();
  }

 private:
  std::shared_ptr<Ctx> ctx_;
  std::shared_ptr<BlockPool> pool_;
};

}  // namespace
}  // namespace cpu

std::unique_ptr<Backend> make_cpu_backend() { return std::make_unique<cpu::CpuBackend>(); }

}  // namespace dvhpc::nn
