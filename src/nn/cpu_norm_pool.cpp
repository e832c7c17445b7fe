// oneDNN batch normalization, ReLU and pooling operators.
#include <cmath>
#include <map>

#include "cpu_backend.hpp"
#include "plan_cache.hpp"

namespace dvhpc::nn::cpu {
namespace {

using namespace dnnl;

class CpuBatchNorm final : public BatchNormOp {
 public:
  CpuBatchNorm(std::shared_ptr<Ctx> ctx, const BatchNormSpec& s) : ctx_(std::move(ctx)), s_(s) {
    const auto& e = ctx_->eng;
    auto cd = md({s_.channels}, tag::x);
    scale_.mem = memory(cd, e, nullptr);
    shift_.mem = memory(cd, e, nullptr);
    dscale_.mem = memory(cd, e, nullptr);
    dshift_.mem = memory(cd, e, nullptr);
    stat_mean_.mem = memory(cd, e, nullptr);
    stat_var_.mem = memory(cd, e, nullptr);
    // Batch statistics of the last training forward, kept for backward.
    batch_mean_ = memory(cd, e);
    batch_var_ = memory(cd, e);
  }

  void forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, Tensor& running_mean,
               Tensor& running_var, Tensor& y, bool training) override {
    Plan& p = plan(x.shape());
    if (training) {
      p.train.execute(ctx_->strm, {{DNNL_ARG_SRC, p.x.at(x)},
                                   {DNNL_ARG_DST, p.y.at(y)},
                                   {DNNL_ARG_SCALE, scale_.at(gamma)},
                                   {DNNL_ARG_SHIFT, shift_.at(beta)},
                                   {DNNL_ARG_MEAN, batch_mean_},
                                   {DNNL_ARG_VARIANCE, batch_var_}});
      ctx_->strm.wait();
      // PyTorch keeps the unbiased variance in its running estimate.
      const double n = static_cast<double>(x.numel() / s_.channels);
      const float unbias = n > 1 ? static_cast<float>(n / (n - 1)) : 1.0f;
      const float* bm = static_cast<const float*>(batch_mean_.get_data_handle());
      const float* bv = static_cast<const float*>(batch_var_.get_data_handle());
      float *rm = running_mean.data(), *rv = running_var.data();
      for (int64_t c = 0; c < s_.channels; ++c) {
        rm[c] = (1.0f - s_.momentum) * rm[c] + s_.momentum * bm[c];
        rv[c] = (1.0f - s_.momentum) * rv[c] + s_.momentum * bv[c] * unbias;
      }
    } else {
      p.infer.execute(ctx_->strm, {{DNNL_ARG_SRC, p.x.at(x)},
                                   {DNNL_ARG_DST, p.y.at(y)},
                                   {DNNL_ARG_SCALE, scale_.at(gamma)},
                                   {DNNL_ARG_SHIFT, shift_.at(beta)},
                                   {DNNL_ARG_MEAN, stat_mean_.at(running_mean)},
                                   {DNNL_ARG_VARIANCE, stat_var_.at(running_var)}});
      ctx_->strm.wait();
    }
  }

  void backward(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& dy, Tensor& dx,
                Tensor& dgamma, Tensor& dbeta) override {
    Plan& p = plan(x.shape());
    if (!p.bwd_built) {
      auto d = batch_normalization_backward::desc(prop_kind::backward, p.xd, p.xd, s_.eps, flags());
      p.bwd = batch_normalization_backward(
          batch_normalization_backward::primitive_desc(d, ctx_->eng, p.train_pd));
      p.bwd_built = true;
    }
    p.bwd.execute(ctx_->strm, {{DNNL_ARG_SRC, p.x.at(x)},
                               {DNNL_ARG_DIFF_DST, p.y.at(dy)},
                               {DNNL_ARG_DIFF_SRC, p.dx.at(dx)},
                               {DNNL_ARG_SCALE, scale_.at(gamma)},
                               {DNNL_ARG_SHIFT, shift_.at(beta)},
                               {DNNL_ARG_MEAN, batch_mean_},
                               {DNNL_ARG_VARIANCE, batch_var_},
                               {DNNL_ARG_DIFF_SCALE, dscale_.at(dgamma)},
                               {DNNL_ARG_DIFF_SHIFT, dshift_.at(dbeta)}});
    ctx_->strm.wait();
  }

 private:
  struct Plan {
    memory::desc xd;
    batch_normalization_forward::primitive_desc train_pd;
    batch_normalization_forward train, infer;
    BoundMem x, y, dx;
    bool bwd_built = false;
    batch_normalization_backward bwd;
  };
  static normalization_flags flags() { return normalization_flags::use_scale | normalization_flags::use_shift; }

  Plan& plan(const Shape& xs) {
    if (Plan* hit = plans_.find(xs)) return *hit;
    if (xs.size() != 4 || xs[1] != s_.channels)
      throw Error(ErrorKind::Internal, "nn: batch norm expects NCHW with C=" + std::to_string(s_.channels) +
                                           ", got " + shape_str(xs));
    Plan& p = plans_.insert(xs);
    p.xd = md(to_dims(xs), tag::nchw);
    p.train_pd = batch_normalization_forward::primitive_desc(
        batch_normalization_forward::desc(prop_kind::forward_training, p.xd, s_.eps, flags()), ctx_->eng);
    p.train = batch_normalization_forward(p.train_pd);
    p.infer = batch_normalization_forward(batch_normalization_forward::primitive_desc(
        batch_normalization_forward::desc(prop_kind::forward_inference, p.xd, s_.eps,
                                          flags() | normalization_flags::use_global_stats),
        ctx_->eng));
    p.x.mem = memory(p.xd, ctx_->eng, nullptr);
    p.y.mem = memory(p.xd, ctx_->eng, nullptr);
    p.dx.mem = memory(p.xd, ctx_->eng, nullptr);
    return p;
  }

  std::shared_ptr<Ctx> ctx_;
  BatchNormSpec s_;
  BoundMem scale_, shift_, dscale_, dshift_, stat_mean_, stat_var_;
  memory batch_mean_, batch_var_;
  PlanCache<Shape, Plan> plans_;
};

// ReLU is shape-agnostic, so its primitives are keyed by element count.
class CpuRelu final : public ReluOp {
 public:
  explicit CpuRelu(std::shared_ptr<Ctx> ctx) : ctx_(std::move(ctx)) {}

  void forward(const Tensor& x, Tensor& y) override {
    Plan& p = plan(x.numel());
    p.fwd.execute(ctx_->strm, {{DNNL_ARG_SRC, p.a.at(x)}, {DNNL_ARG_DST, p.b.at(y)}});
    ctx_->strm.wait();
  }
  void backward(const Tensor& y, const Tensor& dy, Tensor& dx) override {
    Plan& p = plan(y.numel());
    p.bwd.execute(ctx_->strm,
                  {{DNNL_ARG_DST, p.a.at(y)}, {DNNL_ARG_DIFF_DST, p.b.at(dy)}, {DNNL_ARG_DIFF_SRC, p.c.at(dx)}});
    ctx_->strm.wait();
  }

 private:
  struct Plan {
    eltwise_forward fwd;
    eltwise_backward bwd;
    BoundMem a, b, c;
  };
  Plan& plan(int64_t n) {
    if (Plan* hit = plans_.find(n)) return *hit;
    Plan& p = plans_.insert(n);
    auto d = md({n}, tag::a);
    // The *_use_dst_for_bwd variant lets backward read the output, so layers
    // need not keep the input alive.
    auto fpd = eltwise_forward::primitive_desc(
        eltwise_forward::desc(prop_kind::forward_training, algorithm::eltwise_relu_use_dst_for_bwd, d, 0.f),
        ctx_->eng);
    p.fwd = eltwise_forward(fpd);
    p.bwd = eltwise_backward(eltwise_backward::primitive_desc(
        eltwise_backward::desc(algorithm::eltwise_relu_use_dst_for_bwd, d, d, 0.f), ctx_->eng, fpd));
    p.a.mem = memory(d, ctx_->eng, nullptr);
    p.b.mem = memory(d, ctx_->eng, nullptr);
    p.c.mem = memory(d, ctx_->eng, nullptr);
    return p;
  }
  std::shared_ptr<Ctx> ctx_;
  PlanCache<int64_t, Plan> plans_;
};

class CpuPool final : public PoolOp {
 public:
  CpuPool(std::shared_ptr<Ctx> ctx, const PoolSpec& s) : ctx_(std::move(ctx)), s_(s) {}

  void forward(const Tensor& x, Tensor& y, bool training) override {
    Plan& p = plan(x.shape());
    last_ = &p;
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, p.x.at(x)}, {DNNL_ARG_DST, p.y.at(y)}};
    if (training && s_.kind == PoolKind::Max) args[DNNL_ARG_WORKSPACE] = p.ws;
    (training ? p.train : p.infer).execute(ctx_->strm, args);
    ctx_->strm.wait();
  }

  void backward(const Tensor& dy, Tensor& dx) override {
    if (!last_) throw Error(ErrorKind::Internal, "nn: pooling backward before forward");
    Plan& p = *last_;
    std::unordered_map<int, memory> args{{DNNL_ARG_DIFF_DST, p.y.at(dy)}, {DNNL_ARG_DIFF_SRC, p.x.at(dx)}};
    if (s_.kind == PoolKind::Max) args[DNNL_ARG_WORKSPACE] = p.ws;
    p.bwd.execute(ctx_->strm, args);
    ctx_->strm.wait();
  }

 private:
  struct Plan {
    pooling_forward train, infer;
    pooling_backward bwd;
    memory ws;
    BoundMem x, y;
  };
  algorithm alg() const {
    return s_.kind == PoolKind::Max ? algorithm::pooling_max : algorithm::pooling_avg_include_padding;
  }
  Plan& plan(const Shape& xs) {
    if (Plan* hit = plans_.find(xs)) return *hit;
    if (xs.size() != 4) throw Error(ErrorKind::Internal, "nn: pooling expects NCHW, got " + shape_str(xs));
    Plan& p = plans_.insert(xs);
    auto xd = md(to_dims(xs), tag::nchw), yd = md(to_dims(s_.output_shape(xs)), tag::nchw);
    memory::dims st{s_.stride_h, s_.stride_w}, k{s_.kernel_h, s_.kernel_w}, pad{s_.pad_h, s_.pad_w};
    auto tpd = pooling_forward::primitive_desc(
        pooling_forward::desc(prop_kind::forward_training, alg(), xd, yd, st, k, pad, pad), ctx_->eng);
    p.train = pooling_forward(tpd);
    p.infer = pooling_forward(pooling_forward::primitive_desc(
        pooling_forward::desc(prop_kind::forward_inference, alg(), xd, yd, st, k, pad, pad), ctx_->eng));
    p.bwd = pooling_backward(pooling_backward::primitive_desc(
        pooling_backward::desc(alg(), xd, yd, st, k, pad, pad), ctx_->eng, tpd));
    if (s_.kind == PoolKind::Max) p.ws = memory(tpd.workspace_desc(), ctx_->eng);
    p.x.mem = memory(xd, ctx_->eng, nullptr);
    p.y.mem = memory(yd, ctx_->eng, nullptr);
    return p;
  }
  std::shared_ptr<Ctx> ctx_;
  PoolSpec s_;
  PlanCache<Shape, Plan> plans_;
  Plan* last_ = nullptr;
};

}  // namespace

std::unique_ptr<BatchNormOp> make_batch_norm(std::shared_ptr<Ctx> ctx, const BatchNormSpec& spec) {
  return std::make_unique<CpuBatchNorm>(std::move(ctx), spec);
}
std::unique_ptr<ReluOp> make_relu(std::shared_ptr<Ctx> ctx) { return std::make_unique<CpuRelu>(std::move(ctx)); }
std::unique_ptr<PoolOp> make_pool(std::shared_ptr<Ctx> ctx, const PoolSpec& spec) {
  return std::make_unique<CpuPool>(std::move(ctx), spec);
}

}  // namespace dvhpc::nn::cpu
