// Backend: where tensors live and how operators run (CPU/oneDNN or GPU/cuDNN).
//
// Layers and models are written once against this interface. Everything a
// model touches between input and loss stays on the backend's device; only
// upload()/download() cross to the host.
//
// Which operations use which library (for honesty about performance):
//   CPU: conv2d, batch norm, ReLU, max/avg/global pooling, dense and LSTM
//        (forward and backward) are oneDNN primitives; add, dropout,
//        softmax cross-entropy and the SGD/Adam updates are OpenMP loops.
//   GPU: conv2d, batch norm, ReLU, pooling are cuDNN; LSTM is the cuDNN v8
//        RNN API; dense is cuBLAS; add, dropout, softmax-CE and the optimizer
//        updates are small CUDA kernels.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dvhpc/nn/inference_plan.hpp"
#include "dvhpc/nn/ops.hpp"
#include "dvhpc/nn/tensor.hpp"

namespace dvhpc::nn {

class Model;

// GPU compute precision. Storage stays fp32; with Bf16/Fp16 the GPU backend
// lets cuDNN/cuBLAS run convolutions, RNNs and GEMMs on tensor cores with
// reduced-precision inputs and fp32 accumulation (mixed precision).
enum class Precision { Fp32, Bf16, Fp16 };
// "fp32" | "bf16" | "fp16" (config key model.precision, validated there).
inline Precision parse_precision(const std::string& p) {
  return p == "bf16" ? Precision::Bf16 : p == "fp16" ? Precision::Fp16 : Precision::Fp32;
}

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Device device() const = 0;
  virtual std::string name() const = 0;

  // Memory. alloc() contents are undefined; zeros() is filled with 0.
  virtual Tensor alloc(const Shape& shape) = 0;
  Tensor zeros(const Shape& shape) {
    Tensor t = alloc(shape);
    fill(t, 0.0f);
    return t;
  }
  virtual void fill(Tensor& t, float value) = 0;
  virtual void upload(const float* host, Tensor& t) = 0;
  virtual void download(const Tensor& t, float* host) = 0;
  Tensor from_host(const Shape& shape, const std::vector<float>& host) {
    Tensor t = alloc(shape);
    upload(host.data(), t);
    return t;
  }
  std::vector<float> to_host(const Tensor& t) {
    std::vector<float> v(static_cast<size_t>(t.numel()));
    download(t, v.data());
    return v;
  }
  virtual void synchronize() {}

  // Operators (see ops.hpp).
  virtual std::unique_ptr<Conv2dOp> make_conv2d(const Conv2dSpec& spec) = 0;
  virtual std::unique_ptr<BatchNormOp> make_batch_norm(const BatchNormSpec& spec) = 0;
  virtual std::unique_ptr<ReluOp> make_relu() = 0;
  virtual std::unique_ptr<PoolOp> make_pool(const PoolSpec& spec) = 0;
  virtual std::unique_ptr<DenseOp> make_dense(const DenseSpec& spec) = 0;
  virtual std::unique_ptr<LstmOp> make_lstm(const LstmSpec& spec) = 0;

  // Element-wise helpers.
  virtual void add(const Tensor& a, const Tensor& b, Tensor& out) = 0;  // out = a + b
  // Inverted dropout: keep with probability 1-p, scale kept values by 1/(1-p).
  // The mask is a counter-based hash of (seed, index), identical on CPU and GPU.
  virtual void dropout_forward(const Tensor& x, Tensor& y, Tensor& mask, float p, uint64_t seed) = 0;
  virtual void dropout_backward(const Tensor& dy, const Tensor& mask, Tensor& dx) = 0;

  // Mean softmax cross-entropy over the batch. logits [N,K], labels[N] on the
  // host (class indices, copied to the device). Writes softmax probabilities
  // and d(loss)/d(logits); returns the loss.
  virtual float softmax_cross_entropy(const Tensor& logits, const int32_t* labels, Tensor& probs,
                                      Tensor& dlogits) = 0;
  virtual void softmax(const Tensor& logits, Tensor& probs) = 0;

  // Regression heads (`dvhpc gp`, loss.hpp): sum over elements of
  // (pred - target)^2 / normaliser, summed in double; grad = 2 (pred -
  // target) / normaliser, written where pred is. Targets are on the host
  // (pred.numel() values, copied to the device on GPUs). Returns the loss.
  virtual double mean_squared_error(const Tensor& pred, const float* targets, double normaliser, Tensor& grad) = 0;
  // Row-keyed inverted dropout (row_dropout.hpp): element j of row r is kept,
  // scaled by 1/(1-p), iff dropout_uniform(seed, keys[r] * width + j) >= p,
  // width = x.numel() / rows; mask gets 0 or 1/(1-p). keys: `rows` host
  // values. The backward is dropout_backward.
  virtual void row_dropout_forward(const Tensor& x, Tensor& y, Tensor& mask, const uint64_t* keys, int64_t rows,
                                   float p, uint64_t seed) = 0;

  // In-place optimizer updates (PyTorch semantics, L2 weight decay added to
  // the gradient). `step` is 1-based for Adam's bias correction.
  virtual void sgd_update(Tensor& param, const Tensor& grad, Tensor& velocity, const SgdParams& p) = 0;
  virtual void adam_update(Tensor& param, const Tensor& grad, Tensor& m, Tensor& v, const AdamParams& p,
                           int64_t step) = 0;

  // A fused inference path for the whole model, or nullptr (the default):
  // Model::predict then runs its layers one by one.
  virtual std::unique_ptr<InferencePlan> make_inference_plan(Model& /*model*/) { return nullptr; }
};

// "cpu", "gpu" or "auto" (GPU when built with CUDA and a device is present).
// Requesting "gpu" without one throws ErrorKind::Config with the reason.
// `local_rank` picks the GPU (local_rank % visible devices), so ranks on one
// node each take their own device. `cuda_stream` (a cudaStream_t on that
// device, or null) is the stream the GPU backend enqueues on; the caller
// keeps it alive (include/dvhpc/device_context.hpp shares one stream between
// the kernels and the networks). Ignored by the CPU backend.
std::unique_ptr<Backend> make_backend(const std::string& kind = "auto",
                                      Precision gpu_precision = Precision::Fp32, int local_rank = 0,
                                      void* cuda_stream = nullptr);
std::unique_ptr<Backend> make_cpu_backend();
// Number of usable CUDA devices (0 when built without CUDA).
int gpu_device_count();

}  // namespace dvhpc::nn
