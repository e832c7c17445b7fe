// GPU backend: device memory pool, element-wise CUDA kernels (add, dropout,
// softmax cross-entropy, SGD/Adam) and the operator factories. Operators
// themselves are cuDNN/cuBLAS calls in gpu_cnn_ops.cpp and gpu_dense_lstm.cpp.
#include <cmath>
#include <vector>

#include "dvhpc/nn/dropout_hash.hpp"
#include "dvhpc/nn/gpu_backend.hpp"
#include "gpu_common.hpp"

namespace dvhpc::nn::gpu {

namespace {

constexpr int kThreads = 256;
inline unsigned blocks(int64_t n) { return static_cast<unsigned>(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535 * 4)); }

#define DVHPC_GRID_LOOP(i, n) \
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

__global__ void k_fill(float* p, float v, int64_t n) { DVHPC_GRID_LOOP(i, n) p[i] = v; }
__global__ void k_add(const float* a, const float* b, float* o, int64_t n) { DVHPC_GRID_LOOP(i, n) o[i] = a[i] + b[i]; }
__global__ void k_dropout(const float* x, float* y, float* m, float p, float scale, uint64_t seed, int64_t n) {
  DVHPC_GRID_LOOP(i, n) {
    m[i] = dropout_uniform(seed, static_cast<uint64_t>(i)) >= p ? scale : 0.0f;
    y[i] = x[i] * m[i];
  }
}
// Row-keyed dropout (Backend::row_dropout_forward): the same hash as the CPU's.
__global__ void k_row_dropout(const float* x, float* y, float* m, const uint64_t* keys, int64_t width, float p,
                              float keep, uint64_t seed, int64_t n) {
  DVHPC_GRID_LOOP(i, n) {
    const int64_t r = i / width, j = i % width;
    m[i] = dropout_uniform(seed, keys[r] * static_cast<uint64_t>(width) + static_cast<uint64_t>(j)) >= p ? keep : 0.f;
    y[i] = x[i] * m[i];
  }
}
// Mean squared error: grad where pred is, squared differences in double for
// the host to sum ([batch, traits] is small; the sum then has the CPU's order).
__global__ void k_mse(const float* pred, const float* t, float* grad, double* sq, double g, int64_t n) {
  DVHPC_GRID_LOOP(i, n) {
    const double d = static_cast<double>(pred[i]) - static_cast<double>(t[i]);
    sq[i] = d * d;
    grad[i] = static_cast<float>(g * d);
  }
}
__global__ void k_mul(const float* a, const float* b, float* o, int64_t n) { DVHPC_GRID_LOOP(i, n) o[i] = a[i] * b[i]; }

// One thread per row: the class count is tiny (3 genotypes), rows are many.
__global__ void k_softmax(const float* l, float* p, int64_t n, int64_t k) {
  DVHPC_GRID_LOOP(i, n) {
    float mx = l[i * k];
    for (int64_t j = 1; j < k; ++j) mx = fmaxf(mx, l[i * k + j]);
    float s = 0.f;
    for (int64_t j = 0; j < k; ++j) s += (p[i * k + j] = expf(l[i * k + j] - mx));
    for (int64_t j = 0; j < k; ++j) p[i * k + j] /= s;
  }
}
__global__ void k_ce_grad(const float* p, const int32_t* labels, float* d, float* row_loss, int64_t n, int64_t k) {
  DVHPC_GRID_LOOP(i, n) {
    const int32_t c = labels[i];
    row_loss[i] = -logf(fmaxf(p[i * k + c], 1e-30f));
    for (int64_t j = 0; j < k; ++j) d[i * k + j] = (p[i * k + j] - (j == c ? 1.f : 0.f)) / float(n);
  }
}
__global__ void k_sgd(float* w, const float* g, float* v, float lr, float mom, float wd, int64_t n) {
  DVHPC_GRID_LOOP(i, n) {
    const float gi = g[i] + wd * w[i];
    v[i] = mom * v[i] + gi;
    w[i] -= lr * v[i];
  }
}
__global__ void k_adam(float* w, const float* g, float* m, float* v, float b1, float b2, float eps, float wd,
                       float step_size, float inv_sqrt_bc2, int64_t n) {
  DVHPC_GRID_LOOP(i, n) {
    const float gi = g[i] + wd * w[i];
    m[i] = b1 * m[i] + (1.f - b1) * gi;
    v[i] = b2 * v[i] + (1.f - b2) * gi * gi;
    w[i] -= step_size * m[i] / (sqrtf(v[i]) * inv_sqrt_bc2 + eps);
  }
}
__global__ void k_bias_rows(float* y, const float* b, int64_t n, int64_t cols) {
  DVHPC_GRID_LOOP(i, n * cols) y[i] += b[i % cols];
}
__global__ void k_col_sum(const float* dy, float* db, int64_t n, int64_t cols) {
  DVHPC_GRID_LOOP(j, cols) {
    float s = 0.f;
    for (int64_t i = 0; i < n; ++i) s += dy[i * cols + j];
    db[j] = s;
  }
}

void check_launch() { DVHPC_CHECK_CUDA(cudaGetLastError()); }

class GpuBackend final : public Backend {
 public:
  GpuBackend(int device, Precision p, cudaStream_t stream) : ctx_(std::make_shared<Ctx>(device, p, stream)) {}
  Device device() const override { return Device::GPU; }
  std::string name() const override { return "gpu (cuDNN/cuBLAS)"; }

  Tensor alloc(const Shape& shape) override {
    return Tensor(shape, Device::GPU, ctx_->pool->get(static_cast<size_t>(shape_numel(shape)) * sizeof(float)));
  }
  void fill(Tensor& t, float v) override {
    k_fill<<<blocks(t.numel()), kThreads, 0, ctx_->stream>>>(t.data(), v, t.numel());
    check_launch();
  }
  void upload(const float* host, Tensor& t) override {
    // Synchronous: the host buffer may be freed as soon as we return.
    DVHPC_CHECK_CUDA(cudaMemcpyAsync(t.data(), host, t.numel() * sizeof(float), cudaMemcpyHostToDevice, ctx_->stream));
    DVHPC_CHECK_CUDA(cudaStreamSynchronize(ctx_->stream));
    t.bump_version();
  }
  void download(const Tensor& t, float* host) override {
    DVHPC_CHECK_CUDA(cudaMemcpyAsync(host, t.data(), t.numel() * sizeof(float), cudaMemcpyDeviceToHost, ctx_->stream));
    DVHPC_CHECK_CUDA(cudaStreamSynchronize(ctx_->stream));
  }
  void synchronize() override { DVHPC_CHECK_CUDA(cudaStreamSynchronize(ctx_->stream)); }

  std::unique_ptr<Conv2dOp> make_conv2d(const Conv2dSpec& s) override { return gpu::make_conv2d(ctx_, s); }
  std::unique_ptr<BatchNormOp> make_batch_norm(const BatchNormSpec& s) override { return gpu::make_batch_norm(ctx_, s); }
  std::unique_ptr<ReluOp> make_relu() override { return gpu::make_relu(ctx_); }
  std::unique_ptr<PoolOp> make_pool(const PoolSpec& s) override { return gpu::make_pool(ctx_, s); }
  std::unique_ptr<DenseOp> make_dense(const DenseSpec& s) override { return gpu::make_dense(ctx_, s); }
  std::unique_ptr<LstmOp> make_lstm(const LstmSpec& s) override { return gpu::make_lstm(ctx_, s); }

  void add(const Tensor& a, const Tensor& b, Tensor& out) override {
    k_add<<<blocks(a.numel()), kThreads, 0, ctx_->stream>>>(a.data(), b.data(), out.data(), a.numel());
    check_launch();
  }
  void dropout_forward(const Tensor& x, Tensor& y, Tensor& mask, float p, uint64_t seed) override {
    const float scale = p < 1.f ? 1.f / (1.f - p) : 0.f;
    k_dropout<<<blocks(x.numel()), kThreads, 0, ctx_->stream>>>(x.data(), y.data(), mask.data(), p, scale, seed, x.numel());
    check_launch();
  }
  void dropout_backward(const Tensor& dy, const Tensor& mask, Tensor& dx) override {
    k_mul<<<blocks(dy.numel()), kThreads, 0, ctx_->stream>>>(dy.data(), mask.data(), dx.data(), dy.numel());
    check_launch();
  }
  double mean_squared_error(const Tensor& pred, const float* targets, double normaliser, Tensor& grad) override {
    const int64_t n = pred.numel();
    // One scratch block: n floats of targets, then n doubles of squares.
    if (mse_buf_.numel() < 3 * n + 1) mse_buf_ = alloc({3 * n + 1});
    float* t = mse_buf_.data();
    double* sq = reinterpret_cast<double*>(mse_buf_.data() + n + (n & 1));  // 8-byte aligned
    DVHPC_CHECK_CUDA(cudaMemcpyAsync(t, targets, n * sizeof(float), cudaMemcpyHostToDevice, ctx_->stream));
    k_mse<<<blocks(n), kThreads, 0, ctx_->stream>>>(pred.data(), t, grad.data(), sq, 2.0 / normaliser, n);
    check_launch();
    std::vector<double> h(static_cast<size_t>(n));
    DVHPC_CHECK_CUDA(cudaMemcpyAsync(h.data(), sq, n * sizeof(double), cudaMemcpyDeviceToHost, ctx_->stream));
    DVHPC_CHECK_CUDA(cudaStreamSynchronize(ctx_->stream));
    double loss = 0;
    for (double v : h) loss += v;
    return loss / normaliser;
  }
  void row_dropout_forward(const Tensor& x, Tensor& y, Tensor& mask, const uint64_t* keys, int64_t rows, float p,
                           uint64_t seed) override {
    if (key_buf_.numel() < 2 * rows) key_buf_ = alloc({2 * rows});  // uint64 keys in a float-sized block
    uint64_t* k = reinterpret_cast<uint64_t*>(key_buf_.data());
    // From pageable memory: staged before the call returns, so `keys` may go.
    DVHPC_CHECK_CUDA(cudaMemcpyAsync(k, keys, rows * sizeof(uint64_t), cudaMemcpyHostToDevice, ctx_->stream));
    const int64_t width = x.numel() / std::max<int64_t>(1, rows);
    k_row_dropout<<<blocks(x.numel()), kThreads, 0, ctx_->stream>>>(x.data(), y.data(), mask.data(), k, width, p,
                                                                    1.f / (1.f - p), seed, x.numel());
    check_launch();
  }
  void softmax(const Tensor& logits, Tensor& probs) override {
    k_softmax<<<blocks(logits.dim(0)), kThreads, 0, ctx_->stream>>>(logits.data(), probs.data(), logits.dim(0), logits.dim(1));
    check_launch();
  }
  float softmax_cross_entropy(const Tensor& logits, const int32_t* labels, Tensor& probs, Tensor& dlogits) override {
    const int64_t n = logits.dim(0), k = logits.dim(1);
    for (int64_t i = 0; i < n; ++i)
      if (labels[i] < 0 || labels[i] >= k)
        throw Error(ErrorKind::Input, "nn: label " + std::to_string(labels[i]) + " outside [0," + std::to_string(k) + ")");
    if (label_buf_.numel() < n) {
      label_buf_ = alloc({n});  // int32 stored in a float-sized block
      loss_buf_ = alloc({n});
    }
    DVHPC_CHECK_CUDA(cudaMemcpyAsync(label_buf_.data(), labels, n * sizeof(int32_t), cudaMemcpyHostToDevice, ctx_->stream));
    softmax(logits, probs);
    k_ce_grad<<<blocks(n), kThreads, 0, ctx_->stream>>>(probs.data(), reinterpret_cast<const int32_t*>(label_buf_.data()),
                                                        dlogits.data(), loss_buf_.data(), n, k);
    check_launch();
    std::vector<float> rows(n);
    DVHPC_CHECK_CUDA(cudaMemcpyAsync(rows.data(), loss_buf_.data(), n * sizeof(float), cudaMemcpyDeviceToHost, ctx_->stream));
    DVHPC_CHECK_CUDA(cudaStreamSynchronize(ctx_->stream));
    double s = 0;
    for (float r : rows) s += r;
    return static_cast<float>(s / n);
  }
  void sgd_update(Tensor& w, const Tensor& g, Tensor& v, const SgdParams& p) override {
    k_sgd<<<blocks(w.numel()), kThreads, 0, ctx_->stream>>>(w.data(), g.data(), v.data(), p.lr, p.momentum, p.weight_decay, w.numel());
    check_launch();
    w.bump_version();
  }
  void adam_update(Tensor& w, const Tensor& g, Tensor& m, Tensor& v, const AdamParams& p, int64_t step) override {
    const float bc1 = 1.f - std::pow(p.beta1, float(step)), bc2 = 1.f - std::pow(p.beta2, float(step));
    k_adam<<<blocks(w.numel()), kThreads, 0, ctx_->stream>>>(w.data(), g.data(), m.data(), v.data(), p.beta1, p.beta2, p.eps,
                                                            p.weight_decay, p.lr / bc1, 1.f / std::sqrt(bc2), w.numel());
    check_launch();
    w.bump_version();
  }

 private:
  std::shared_ptr<Ctx> ctx_;
  Tensor label_buf_, loss_buf_, mse_buf_, key_buf_;
};

}  // namespace

void launch_bias_rows(float* y, const float* b, int64_t n, int64_t cols, cudaStream_t s) {
  k_bias_rows<<<blocks(n * cols), kThreads, 0, s>>>(y, b, n, cols);
  check_launch();
}
void launch_col_sum(const float* dy, float* db, int64_t n, int64_t cols, cudaStream_t s) {
  k_col_sum<<<blocks(cols), kThreads, 0, s>>>(dy, db, n, cols);
  check_launch();
}

Ctx::Ctx(int dev, Precision p, cudaStream_t external) : device(dev), precision(p), own_stream(external == nullptr) {
  DVHPC_CHECK_CUDA(cudaSetDevice(dev));
  if (external)
    stream = external;
  else
    DVHPC_CHECK_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  DVHPC_CHECK_CUDNN(cudnnCreate(&cudnn));
  DVHPC_CHECK_CUDNN(cudnnSetStream(cudnn, stream));
  DVHPC_CHECK_CUBLAS(cublasCreate(&cublas));
  DVHPC_CHECK_CUBLAS(cublasSetStream(cublas, stream));
  pool = std::make_shared<BlockPool>(
      [](size_t n) {
        void* ptr = nullptr;
        DVHPC_CHECK_CUDA(cudaMalloc(&ptr, n));
        return ptr;
      },
      [](void* ptr) { DVHPC_WARN_CUDA(cudaFree(ptr)); },
      // cudaMalloc is slow: cache up to 2 GB of free device blocks.
      size_t{2} << 30);
}

Ctx::~Ctx() {
  if (stream) DVHPC_WARN_CUDA(cudaStreamSynchronize(stream));
  pool->trim();
  if (cublas) DVHPC_WARN_CUBLAS(cublasDestroy(cublas));
  if (cudnn) DVHPC_WARN_CUDNN(cudnnDestroy(cudnn));
  if (stream && own_stream) DVHPC_WARN_CUDA(cudaStreamDestroy(stream));
}

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return n;
}

std::unique_ptr<Backend> make_backend(Precision precision, int device, void* stream) {
  return std::make_unique<GpuBackend>(device, precision, static_cast<cudaStream_t>(stream));
}

}  // namespace dvhpc::nn::gpu
