// oneDNN convolution and inner-product (dense) operators.
//
// Activations stay in plain NCHW / NC and weights in PyTorch's OIHW / OI so
// tensors pass between layers and backends without reorders; oneDNN's
// gemm-based kernels handle these layouts. Primitives are built once per
// input shape and kept in a map (inference sees a few batch sizes at most).
#include <map>

#include "cpu_backend.hpp"
#include "plan_cache.hpp"

namespace dvhpc::nn::cpu {
namespace {

// Memory objects of a conv/dense plan, created once with no data; the hot
// path only sets their data handles (forward: x,w,b,y; backward: x2,y2,w2,b2).
// Forward of a conv/dense plan (bias only when the layer has one).
template <class Plan, class Ctx>
void run_forward(Plan& p, Ctx& ctx, bool bias, const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) {
  std::unordered_map<int, dnnl::memory> args{
      {DNNL_ARG_SRC, p.x.at(x)}, {DNNL_ARG_WEIGHTS, p.w.at(w)}, {DNNL_ARG_DST, p.y.at(y)}};
  if (bias) args[DNNL_ARG_BIAS] = p.b.at(b);
  p.fwd.execute(ctx.strm, args);
  ctx.strm.wait();
}

// Backward of a conv/dense plan: data gradient (when asked for), then the
// weight and bias gradients; both primitives were built by build_backward.
template <class Plan, class Ctx>
void run_backward(Plan& p, Ctx& ctx, bool bias, const Tensor& x, const Tensor& w, const Tensor& dy, Tensor& dx,
                  Tensor& dw, Tensor& db) {
  using dnnl::memory;
  if (dx.defined())
    p.bwd_data.execute(ctx.strm, {{DNNL_ARG_DIFF_DST, p.y.at(dy)},
                                  {DNNL_ARG_WEIGHTS, p.w.at(w)},
                                  {DNNL_ARG_DIFF_SRC, p.x2.at(dx)}});
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, p.x.at(x)}, {DNNL_ARG_DIFF_DST, p.y2.at(dy)}, {DNNL_ARG_DIFF_WEIGHTS, p.w2.at(dw)}};
  if (bias) args[DNNL_ARG_DIFF_BIAS] = p.b2.at(db);
  p.bwd_weights.execute(ctx.strm, args);
  ctx.strm.wait();
}

template <class Plan>
void bind_memories(Plan& p, const dnnl::engine& e) {
  using dnnl::memory;
  p.x.mem = memory(p.xd, e, nullptr);
  p.w.mem = memory(p.wd, e, nullptr);
  p.b.mem = memory(p.bd, e, nullptr);
  p.y.mem = memory(p.yd, e, nullptr);
  p.x2.mem = memory(p.xd, e, nullptr);
  p.y2.mem = memory(p.yd, e, nullptr);
  p.w2.mem = memory(p.wd, e, nullptr);
  p.b2.mem = memory(p.bd, e, nullptr);
}

using namespace dnnl;

class CpuConv2d final : public Conv2dOp {
 public:
  CpuConv2d(std::shared_ptr<Ctx> ctx, const Conv2dSpec& s) : ctx_(std::move(ctx)), s_(s) {}

  void forward(const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) override {
    Plan& p = plan(x.shape());
    expect_shape(y, p.y_shape, "conv2d output");
    run_forward(p, *ctx_, s_.bias, x, w, b, y);
  }

  void backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& dw,
                Tensor& db) override {
    Plan& p = plan(x.shape());
    if (!p.bwd_built) build_backward(p);
    run_backward(p, *ctx_, s_.bias, x, w, dy, dx, dw, db);
  }

 private:
  struct Plan {
    Shape y_shape;
    memory::desc xd, wd, bd, yd;
    convolution_forward::primitive_desc fwd_pd;
    convolution_forward fwd;
    BoundMem x, w, b, y, x2, y2, w2, b2;  // *2: second handles so x/dx etc. can alias safely
    bool bwd_built = false;
    convolution_backward_data bwd_data;
    convolution_backward_weights bwd_weights;
  };

  memory::dims strides() const { return {s_.stride_h, s_.stride_w}; }
  memory::dims pads() const { return {s_.pad_h, s_.pad_w}; }

  Plan& plan(const Shape& xs) {
    if (Plan* hit = plans_.find(xs)) return *hit;
    if (xs.size() != 4 || xs[1] != s_.in_channels)
      throw Error(ErrorKind::Internal, "nn: conv2d expects NCHW input with C=" +
                                           std::to_string(s_.in_channels) + ", got " + shape_str(xs));
    Plan& p = plans_.insert(xs);
    p.y_shape = s_.output_shape(xs);
    p.xd = md(to_dims(xs), tag::nchw);
    p.wd = md({s_.out_channels, s_.in_channels, s_.kernel_h, s_.kernel_w}, tag::oihw);
    p.bd = md({s_.out_channels}, tag::x);
    p.yd = md(to_dims(p.y_shape), tag::nchw);
    auto d = s_.bias ? convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct,
                                                 p.xd, p.wd, p.bd, p.yd, strides(), pads(), pads())
                     : convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct,
                                                 p.xd, p.wd, p.yd, strides(), pads(), pads());
    p.fwd_pd = convolution_forward::primitive_desc(d, ctx_->eng);
    p.fwd = convolution_forward(p.fwd_pd);
    bind_memories(p, ctx_->eng);
    return p;
  }

  void build_backward(Plan& p) {
    auto dd = convolution_backward_data::desc(algorithm::convolution_direct, p.xd, p.wd, p.yd, strides(),
                                              pads(), pads());
    p.bwd_data = convolution_backward_data(
        convolution_backward_data::primitive_desc(dd, ctx_->eng, p.fwd_pd));
    auto wd = s_.bias ? convolution_backward_weights::desc(algorithm::convolution_direct, p.xd, p.wd, p.bd,
                                                           p.yd, strides(), pads(), pads())
                      : convolution_backward_weights::desc(algorithm::convolution_direct, p.xd, p.wd, p.yd,
                                                           strides(), pads(), pads());
    p.bwd_weights = convolution_backward_weights(
        convolution_backward_weights::primitive_desc(wd, ctx_->eng, p.fwd_pd));
    p.bwd_built = true;
  }

  std::shared_ptr<Ctx> ctx_;
  Conv2dSpec s_;
  PlanCache<Shape, Plan> plans_;
};

class CpuDense final : public DenseOp {
 public:
  CpuDense(std::shared_ptr<Ctx> ctx, const DenseSpec& s) : ctx_(std::move(ctx)), s_(s) {}

  void forward(const Tensor& x, const Tensor& w, const Tensor& b, Tensor& y) override {
    Plan& p = plan(x.dim(0));
    expect_shape(x, {x.dim(0), s_.in_features}, "dense input");
    run_forward(p, *ctx_, s_.bias, x, w, b, y);
  }

  void backward(const Tensor& x, const Tensor& w, const Tensor& dy, Tensor& dx, Tensor& dw,
                Tensor& db) override {
    Plan& p = plan(x.dim(0));
    if (!p.bwd_built) build_backward(p);
    run_backward(p, *ctx_, s_.bias, x, w, dy, dx, dw, db);
  }

 private:
  struct Plan {
    memory::desc xd, wd, bd, yd;
    inner_product_forward::primitive_desc fwd_pd;
    inner_product_forward fwd;
    BoundMem x, w, b, y, x2, y2, w2, b2;
    bool bwd_built = false;
    inner_product_backward_data bwd_data;
    inner_product_backward_weights bwd_weights;
  };

  Plan& plan(int64_t n) {
    if (Plan* hit = plans_.find(n)) return *hit;
    Plan& p = plans_.insert(n);
    p.xd = md({n, s_.in_features}, tag::nc);
    p.wd = md({s_.out_features, s_.in_features}, tag::oi);
    p.bd = md({s_.out_features}, tag::x);
    p.yd = md({n, s_.out_features}, tag::nc);
    auto d = s_.bias ? inner_product_forward::desc(prop_kind::forward_training, p.xd, p.wd, p.bd, p.yd)
                     : inner_product_forward::desc(prop_kind::forward_training, p.xd, p.wd, p.yd);
    p.fwd_pd = inner_product_forward::primitive_desc(d, ctx_->eng);
    p.fwd = inner_product_forward(p.fwd_pd);
    bind_memories(p, ctx_->eng);
    return p;
  }

  void build_backward(Plan& p) {
    p.bwd_data = inner_product_backward_data(inner_product_backward_data::primitive_desc(
        inner_product_backward_data::desc(p.xd, p.wd, p.yd), ctx_->eng, p.fwd_pd));
    auto wd = s_.bias ? inner_product_backward_weights::desc(p.xd, p.wd, p.bd, p.yd)
                      : inner_product_backward_weights::desc(p.xd, p.wd, p.yd);
    p.bwd_weights = inner_product_backward_weights(
        inner_product_backward_weights::primitive_desc(wd, ctx_->eng, p.fwd_pd));
    p.bwd_built = true;
  }

  std::shared_ptr<Ctx> ctx_;
  DenseSpec s_;
  PlanCache<int64_t, Plan> plans_;
};

}  // namespace

std::unique_ptr<Conv2dOp> make_conv2d(std::shared_ptr<Ctx> ctx, const Conv2dSpec& spec) {
  return std::make_unique<CpuConv2d>(std::move(ctx), spec);
}
std::unique_ptr<DenseOp> make_dense(std::shared_ptr<Ctx> ctx, const DenseSpec& spec) {
  return std::make_unique<CpuDense>(std::move(ctx), spec);
}

}  // namespace dvhpc::nn::cpu
