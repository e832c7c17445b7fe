// Backend operator interfaces: one object per layer instance.
//
// A layer asks its backend once for an operator (Backend::make_conv2d, ...);
// the operator owns everything that is expensive to set up -- oneDNN
// primitives, cuDNN descriptors, chosen algorithms, workspaces, re-laid-out
// weights -- and caches it per input shape, so the hot path only executes.
// Operators also keep what their own backward pass needs (batch-norm batch
// statistics, max-pool indices, LSTM workspace) from the last training
// forward, so forward(training) must precede backward on the same operator.
//
// Gradient outputs are overwritten, never accumulated. An undefined dx
// Tensor means "input gradient not needed" (first layer) and is skipped.
// Header-only interfaces: the GPU library implements them without linking
// dvhpc_core.
#pragma once

#include <cstdint>

#include "dvhpc/nn/tensor.hpp"

namespace dvhpc::nn {

struct Conv2dSpec {
  int64_t in_channels = 0, out_channels = 0;
  int64_t kernel_h = 3, kernel_w = 3, stride_h = 1, stride_w = 1, pad_h = 1, pad_w = 1;
  bool bias = true;
  Shape output_shape(const Shape& x) const {
    return {x[0], out_channels, (x[2] + 2 * pad_h - kernel_h) / stride_h + 1,
            (x[3] + 2 * pad_w - kernel_w) / stride_w + 1};
  }
};

// x [N,Cin,H,W], w [Cout,Cin,KH,KW] (PyTorch OIHW), b [Cout] -> y [N,Cout,OH,OW].
class Conv2dOp {
 public:
  virtual ~Conv2dOp() = default;
  virtual void forward(const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) = 0;
  virtual void backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& dw,
                        Tensor& db) = 0;
};

struct BatchNormSpec {
  int64_t channels = 0;
  float eps = 1e-5f;
  float momentum = 0.1f;  // PyTorch convention: running = (1-m)*running + m*batch
};

// Spatial batch norm over N,H,W of NCHW. Training uses batch statistics and
// updates the running mean / unbiased running variance like PyTorch.
class BatchNormOp {
 public:
  virtual ~BatchNormOp() = default;
  virtual void forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
                       Tensor& running_var, Tensor& y, bool training) = 0;
  virtual void backward(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& dy,
                        Tensor& dx, Tensor& dgamma, Tensor& dbeta) = 0;
};

// ReLU on any shape; backward uses the forward output (y > 0 <=> x > 0).
class ReluOp {
 public:
  virtual ~ReluOp() = default;
  virtual void forward(const Tensor& x, Tensor& y) = 0;
  virtual void backward(const Tensor& y, const Tensor& dy, Tensor& dx) = 0;
};

enum class PoolKind { Max, Avg };
// Avg pooling counts padding like PyTorch's default (count_include_pad=True).
// Global average pooling is Avg with the kernel equal to the input size.
struct PoolSpec {
  PoolKind kind = PoolKind::Max;
  int64_t kernel_h = 2, kernel_w = 2, stride_h = 2, stride_w = 2, pad_h = 0, pad_w = 0;
  Shape output_shape(const Shape& x) const {
    return {x[0], x[1], (x[2] + 2 * pad_h - kernel_h) / stride_h + 1,
            (x[3] + 2 * pad_w - kernel_w) / stride_w + 1};
  }
};

class PoolOp {
 public:
  virtual ~PoolOp() = default;
  virtual void forward(const Tensor& x, Tensor& y, bool training) = 0;
  virtual void backward(const Tensor& dy, Tensor& dx) = 0;
};

struct DenseSpec {
  int64_t in_features = 0, out_features = 0;
  bool bias = true;
};

// x [N,in], w [out,in] (PyTorch Linear layout), b [out] -> y [N,out].
class DenseOp {
 public:
  virtual ~DenseOp() = default;
  virtual void forward(const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) = 0;
  virtual void backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& dw,
                        Tensor& db) = 0;
};

// One LSTM layer, uni- or bidirectional, zero initial state.
// Weights use PyTorch's layout and gate order (i, f, g, o), per direction d:
//   w_ih [D, 4H, In], w_hh [D, 4H, H], bias [D, 4H] (= PyTorch b_ih + b_hh).
// x [N,T,In] -> y [N,T,D*H], the forward direction's outputs first.
struct LstmSpec {
  int64_t input_size = 0, hidden_size = 0;
  bool bidirectional = true;
  int64_t directions() const { return bidirectional ? 2 : 1; }
};

class LstmOp {
 public:
  virtual ~LstmOp() = default;
  virtual void forward(const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& bias,
                       Tensor& y, bool training) = 0;
  virtual void backward(const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& bias,
                        const Tensor& y, const Tensor& dy, Tensor& dx, Tensor& dw_ih, Tensor& dw_hh,
                        Tensor& dbias) = 0;
};

struct SgdParams {
  float lr = 0.01f, momentum = 0.9f, weight_decay = 0.0f;
};
struct AdamParams {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weight_decay = 0.0f;
};

}  // namespace dvhpc::nn
