// cuDNN convolution, batch norm, ReLU and pooling operators. Descriptors,
// algorithm choices and workspaces are built once per input shape (a plan)
// and reused; each call only enqueues cuDNN kernels on the backend stream.
#include <algorithm>
#include <map>

#include "gpu_common.hpp"

namespace dvhpc::nn::gpu {
namespace {

const float kOne = 1.0f, kZero = 0.0f;

class GpuConv2d final : public Conv2dOp {
 public:
  GpuConv2d(std::shared_ptr<Ctx> ctx, const Conv2dSpec& s) : ctx_(std::move(ctx)), s_(s) {
    DVHPC_CHECK_CUDNN(cudnnCreateFilterDescriptor(&wd_));
    DVHPC_CHECK_CUDNN(cudnnSetFilter4dDescriptor(wd_, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, int(s.out_channels),
                                                 int(s.in_channels), int(s.kernel_h), int(s.kernel_w)));
    DVHPC_CHECK_CUDNN(cudnnCreateConvolutionDescriptor(&cd_));
    DVHPC_CHECK_CUDNN(cudnnSetConvolution2dDescriptor(cd_, int(s.pad_h), int(s.pad_w), int(s.stride_h),
                                                      int(s.stride_w), 1, 1, CUDNN_CROSS_CORRELATION,
                                                      CUDNN_DATA_FLOAT));
    // Mixed precision: tensor cores with down-converted inputs, fp32 accumulate.
    DVHPC_CHECK_CUDNN(cudnnSetConvolutionMathType(cd_, ctx_->cudnn_math()));
    bd_.nchw(1, s.out_channels, 1, 1);
  }
  ~GpuConv2d() override {
    DVHPC_WARN_CUDNN(cudnnDestroyFilterDescriptor(wd_));
    DVHPC_WARN_CUDNN(cudnnDestroyConvolutionDescriptor(cd_));
  }

  void forward(const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) override {
    Plan& p = plan(x.shape());
    DVHPC_CHECK_CUDNN(cudnnConvolutionForward(ctx_->cudnn, &kOne, p.xd, x.data(), wd_, w.data(), cd_, p.fwd_algo,
                                              p.ws.data(), p.ws_bytes, &kZero, p.yd, y.data()));
    if (s_.bias) DVHPC_CHECK_CUDNN(cudnnAddTensor(ctx_->cudnn, &kOne, bd_, b.data(), &kOne, p.yd, y.data()));
  }

  void backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& dw, Tensor& db) override {
    Plan& p = plan(x.shape());
    if (dx.defined())
      DVHPC_CHECK_CUDNN(cudnnConvolutionBackwardData(ctx_->cudnn, &kOne, wd_, w.data(), p.yd, dy.data(), cd_,
                                                     p.bwd_data_algo, p.ws.data(), p.ws_bytes, &kZero, p.xd,
                                                     dx.data()));
    DVHPC_CHECK_CUDNN(cudnnConvolutionBackwardFilter(ctx_->cudnn, &kOne, p.xd, x.data(), p.yd, dy.data(), cd_,
                                                     p.bwd_filter_algo, p.ws.data(), p.ws_bytes, &kZero, wd_,
                                                     dw.data()));
    if (s_.bias)
      DVHPC_CHECK_CUDNN(cudnnConvolutionBackwardBias(ctx_->cudnn, &kOne, p.yd, dy.data(), &kZero, bd_, db.data()));
  }

 private:
  struct Plan {
    TensorDesc xd, yd;
    cudnnConvolutionFwdAlgo_t fwd_algo{};
    cudnnConvolutionBwdDataAlgo_t bwd_data_algo{};
    cudnnConvolutionBwdFilterAlgo_t bwd_filter_algo{};
    size_t ws_bytes = 0;
    Tensor ws;
  };

  Plan& plan(const Shape& xs) {
    auto it = plans_.find(xs);
    if (it != plans_.end()) return it->second;
    Plan& p = plans_[xs];
    const Shape ys = s_.output_shape(xs);
    p.xd.nchw(xs[0], xs[1], xs[2], xs[3]);
    p.yd.nchw(ys[0], ys[1], ys[2], ys[3]);
    // cuDNN's heuristics (the _v7 queries) pick the algorithms once per shape;
    // the first returned algorithm that fits is used.
    int got = 0;
    cudnnConvolutionFwdAlgoPerf_t fperf[8];
    DVHPC_CHECK_CUDNN(cudnnGetConvolutionForwardAlgorithm_v7(ctx_->cudnn, p.xd, wd_, cd_, p.yd, 8, &got, fperf));
    p.fwd_algo = fperf[0].algo;
    cudnnConvolutionBwdDataAlgoPerf_t dperf[8];
    DVHPC_CHECK_CUDNN(cudnnGetConvolutionBackwardDataAlgorithm_v7(ctx_->cudnn, wd_, p.yd, cd_, p.xd, 8, &got, dperf));
    p.bwd_data_algo = dperf[0].algo;
    cudnnConvolutionBwdFilterAlgoPerf_t wperf[8];
    DVHPC_CHECK_CUDNN(cudnnGetConvolutionBackwardFilterAlgorithm_v7(ctx_->cudnn, p.xd, p.yd, cd_, wd_, 8, &got, wperf));
    p.bwd_filter_algo = wperf[0].algo;
    size_t a = 0, b = 0, c = 0;
    DVHPC_CHECK_CUDNN(cudnnGetConvolutionForwardWorkspaceSize(ctx_->cudnn, p.xd, wd_, cd_, p.yd, p.fwd_algo, &a));
    DVHPC_CHECK_CUDNN(cudnnGetConvolutionBackwardDataWorkspaceSize(ctx_->cudnn, wd_, p.yd, cd_, p.xd, p.bwd_data_algo, &b));
    DVHPC_CHECK_CUDNN(cudnnGetConvolutionBackwardFilterWorkspaceSize(ctx_->cudnn, p.xd, p.yd, cd_, wd_, p.bwd_filter_algo, &c));
    p.ws_bytes = std::max({a, b, c, size_t{256}});
    p.ws = ctx_->scratch(p.ws_bytes);
    return p;
  }

  std::shared_ptr<Ctx> ctx_;
  Conv2dSpec s_;
  cudnnFilterDescriptor_t wd_ = nullptr;
  cudnnConvolutionDescriptor_t cd_ = nullptr;
  TensorDesc bd_;
  std::map<Shape, Plan> plans_;
};

class GpuBatchNorm final : public BatchNormOp {
 public:
  GpuBatchNorm(std::shared_ptr<Ctx> ctx, const BatchNormSpec& s) : ctx_(std::move(ctx)), s_(s) {
    pd_.nchw(1, s.channels, 1, 1);
    save_mean_ = ctx_->scratch(s.channels * sizeof(float));
    save_invstd_ = ctx_->scratch(s.channels * sizeof(float));
  }

  void forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& rmean, Tensor& rvar, Tensor& y,
               bool training) override {
    TensorDesc& xd = desc(x.shape());
    if (training)
      // cuDNN keeps the unbiased variance in the running estimate, like PyTorch.
      DVHPC_CHECK_CUDNN(cudnnBatchNormalizationForwardTraining(
          ctx_->cudnn, CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, xd, x.data(), xd, y.data(), pd_, gamma.data(),
          beta.data(), s_.momentum, rmean.data(), rvar.data(), s_.eps, save_mean_.data(), save_invstd_.data()));
    else
      DVHPC_CHECK_CUDNN(cudnnBatchNormalizationForwardInference(ctx_->cudnn, CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero,
                                                                xd, x.data(), xd, y.data(), pd_, gamma.data(),
                                                                beta.data(), rmean.data(), rvar.data(), s_.eps));
  }

  void backward(const Tensor& x, const Tensor& gamma, const Tensor& /*beta*/, const Tensor& dy, Tensor& dx,
                Tensor& dgamma, Tensor& dbeta) override {
    TensorDesc& xd = desc(x.shape());
    DVHPC_CHECK_CUDNN(cudnnBatchNormalizationBackward(ctx_->cudnn, CUDNN_BATCHNORM_SPATIAL, &kOne, &kZero, &kOne,
                                                      &kZero, xd, x.data(), xd, dy.data(), xd, dx.data(), pd_,
                                                      gamma.data(), dgamma.data(), dbeta.data(), s_.eps,
                                                      save_mean_.data(), save_invstd_.data()));
  }

 private:
  TensorDesc& desc(const Shape& xs) {
    auto& d = descs_[xs];
    if (!d) {
      d = std::make_unique<TensorDesc>();
      d->nchw(xs[0], xs[1], xs[2], xs[3]);
    }
    return *d;
  }
  std::shared_ptr<Ctx> ctx_;
  BatchNormSpec s_;
  TensorDesc pd_;
  Tensor save_mean_, save_invstd_;
  std::map<Shape, std::unique_ptr<TensorDesc>> descs_;
};

class GpuRelu final : public ReluOp {
 public:
  explicit GpuRelu(std::shared_ptr<Ctx> ctx) : ctx_(std::move(ctx)) {
    DVHPC_CHECK_CUDNN(cudnnCreateActivationDescriptor(&ad_));
    DVHPC_CHECK_CUDNN(cudnnSetActivationDescriptor(ad_, CUDNN_ACTIVATION_RELU, CUDNN_NOT_PROPAGATE_NAN, 0.0));
  }
  ~GpuRelu() override { DVHPC_WARN_CUDNN(cudnnDestroyActivationDescriptor(ad_)); }
  void forward(const Tensor& x, Tensor& y) override {
    TensorDesc& d = desc(x.numel());
    DVHPC_CHECK_CUDNN(cudnnActivationForward(ctx_->cudnn, ad_, &kOne, d, x.data(), &kZero, d, y.data()));
  }
  void backward(const Tensor& y, const Tensor& dy, Tensor& dx) override {
    // ReLU's derivative is (x > 0) == (y > 0), so y stands in for x.
    TensorDesc& d = desc(y.numel());
    DVHPC_CHECK_CUDNN(cudnnActivationBackward(ctx_->cudnn, ad_, &kOne, d, y.data(), d, dy.data(), d, y.data(), &kZero,
                                              d, dx.data()));
  }

 private:
  TensorDesc& desc(int64_t n) {  // shape-agnostic: a 1x1x1xN view
    auto& d = descs_[n];
    if (!d) {
      d = std::make_unique<TensorDesc>();
      d->nchw(1, 1, 1, n);
    }
    return *d;
  }
  std::shared_ptr<Ctx> ctx_;
  cudnnActivationDescriptor_t ad_ = nullptr;
  std::map<int64_t, std::unique_ptr<TensorDesc>> descs_;
};

class GpuPool final : public PoolOp {
 public:
  GpuPool(std::shared_ptr<Ctx> ctx, const PoolSpec& s) : ctx_(std::move(ctx)), s_(s) {
    DVHPC_CHECK_CUDNN(cudnnCreatePoolingDescriptor(&pd_));
    DVHPC_CHECK_CUDNN(cudnnSetPooling2dDescriptor(
        pd_, s.kind == PoolKind::Max ? CUDNN_POOLING_MAX : CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING,
        CUDNN_NOT_PROPAGATE_NAN, int(s.kernel_h), int(s.kernel_w), int(s.pad_h), int(s.pad_w), int(s.stride_h),
        int(s.stride_w)));
  }
  ~GpuPool() override { DVHPC_WARN_CUDNN(cudnnDestroyPoolingDescriptor(pd_)); }

  void forward(const Tensor& x, Tensor& y, bool training) override {
    Descs& d = descs(x.shape());
    DVHPC_CHECK_CUDNN(cudnnPoolingForward(ctx_->cudnn, pd_, &kOne, d.x, x.data(), &kZero, d.y, y.data()));
    // cuDNN's pooling backward needs x and y; keep the handles (no copy).
    x_ = training ? x : Tensor();
    y_ = training ? y : Tensor();
  }
  void backward(const Tensor& dy, Tensor& dx) override {
    if (!x_.defined()) throw Error(ErrorKind::Internal, "nn: pooling backward without a training forward");
    Descs& d = descs(x_.shape());
    DVHPC_CHECK_CUDNN(cudnnPoolingBackward(ctx_->cudnn, pd_, &kOne, d.y, y_.data(), d.y, dy.data(), d.x, x_.data(),
                                           &kZero, d.x, dx.data()));
  }

 private:
  struct Descs {
    TensorDesc x, y;
  };
  Descs& descs(const Shape& xs) {
    auto& d = descs_[xs];
    if (!d) {
      d = std::make_unique<Descs>();
      const Shape ys = s_.output_shape(xs);
      d->x.nchw(xs[0], xs[1], xs[2], xs[3]);
      d->y.nchw(ys[0], ys[1], ys[2], ys[3]);
    }
    return *d;
  }
  std::shared_ptr<Ctx> ctx_;
  PoolSpec s_;
  cudnnPoolingDescriptor_t pd_ = nullptr;
  std::map<Shape, std::unique_ptr<Descs>> descs_;
  Tensor x_, y_;
};

}  // namespace

std::unique_ptr<Conv2dOp> make_conv2d(std::shared_ptr<Ctx> ctx, const Conv2dSpec& spec) {
  return std::make_unique<GpuConv2d>(std::move(ctx), spec);
}
std::unique_ptr<BatchNormOp> make_batch_norm(std::shared_ptr<Ctx> ctx, const BatchNormSpec& spec) {
  return std::make_unique<GpuBatchNorm>(std::move(ctx), spec);
}
std::unique_ptr<ReluOp> make_relu(std::shared_ptr<Ctx> ctx) { return std::make_unique<GpuRelu>(std::move(ctx)); }
std::unique_ptr<PoolOp> make_pool(std::shared_ptr<Ctx> ctx, const PoolSpec& spec) {
  return std::make_unique<GpuPool>(std::move(ctx), spec);
}

}  // namespace dvhpc::nn::gpu
