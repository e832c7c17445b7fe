// GPU backend internals: the per-backend context shared by all operators.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <memory>

#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/block_pool.hpp"
#include "dvhpc/nn/gpu_check.hpp"

namespace dvhpc::nn::gpu {

// One stream, one cuDNN and one cuBLAS handle bound to it, and the device
// block pool. Every operator enqueues on `stream`; nothing synchronises
// except download(), the loss value and Backend::synchronize(). The stream
// is the caller's when one is given (the rank's DeviceContext shares it with
// the Kokkos kernels), else created here and destroyed with the context.
struct Ctx {
  int device = 0;
  Precision precision = Precision::Fp32;
  cudaStream_t stream = nullptr;
  bool own_stream = true;
  cudnnHandle_t cudnn = nullptr;
  cublasHandle_t cublas = nullptr;
  std::shared_ptr<BlockPool> pool;
  Ctx(int device, Precision p, cudaStream_t external = nullptr);
  ~Ctx();
  Ctx(const Ctx&) = delete;
  Ctx& operator=(const Ctx&) = delete;

  // Device scratch that only grows (workspaces of cuDNN calls); owned by the
  // operator that asked for it, so concurrent operators never share one.
  Tensor scratch(size_t bytes) { return Tensor({int64_t((bytes + 3) / 4)}, Device::GPU, pool->get(bytes)); }
  cudnnMathType_t cudnn_math() const {
    return precision == Precision::Fp32 ? CUDNN_DEFAULT_MATH : CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
  }
};

// RAII holders for cuDNN descriptors, so caches free them.
struct TensorDesc {
  cudnnTensorDescriptor_t d = nullptr;
  TensorDesc() { DVHPC_CHECK_CUDNN(cudnnCreateTensorDescriptor(&d)); }
  ~TensorDesc() { DVHPC_WARN_CUDNN(cudnnDestroyTensorDescriptor(d)); }
  TensorDesc(const TensorDesc&) = delete;
  void nchw(int64_t n, int64_t c, int64_t h, int64_t w) {
    DVHPC_CHECK_CUDNN(cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, int(n), int(c), int(h), int(w)));
  }
  operator cudnnTensorDescriptor_t() const { return d; }
};

// CUDA kernels (gpu_backend.cu) used by the operators.
void launch_bias_rows(float* y, const float* b, int64_t n, int64_t cols, cudaStream_t s);  // y[i,:] += b
void launch_col_sum(const float* dy, float* db, int64_t n, int64_t cols, cudaStream_t s);  // db = sum_i dy[i,:]

std::unique_ptr<Conv2dOp> make_conv2d(std::shared_ptr<Ctx> ctx, const Conv2dSpec& spec);
std::unique_ptr<BatchNormOp> make_batch_norm(std::shared_ptr<Ctx> ctx, const BatchNormSpec& spec);
std::unique_ptr<ReluOp> make_relu(std::shared_ptr<Ctx> ctx);
std::unique_ptr<PoolOp> make_pool(std::shared_ptr<Ctx> ctx, const PoolSpec& spec);
std::unique_ptr<DenseOp> make_dense(std::shared_ptr<Ctx> ctx, const DenseSpec& spec);
std::unique_ptr<LstmOp> make_lstm(std::shared_ptr<Ctx> ctx, const LstmSpec& spec);

}  // namespace dvhpc::nn::gpu
