// Inference of the pileup CNN (make_pileup_cnn) as one chain of oneDNN
// primitives, for `call` on CPUs.
//
// Layer by layer, every tensor is plain NCHW, which leaves oneDNN its
// gemm-based convolutions, and batch norm, ReLU and the residual add each
// make a pass over memory: on the held-out 1 Mb the CNN stage spent 0.93 s
// in convolutions, 0.24 s in batch norm and 0.05-0.09 s in ReLUs. Here
//   - each batch norm is folded into the convolution before it
//     (w' = w * g / sqrt(var + eps), b' = beta - mean * g / sqrt(var + eps));
//   - ReLUs and the residual add are post-ops of the convolutions
//     (block: proj = BN(conv1x1(x)); out = relu(BN(conv2(relu(BN(conv1(x))))) + proj),
//     the add as a "sum" post-op into proj's buffer);
//   - activations stay in the blocked layouts the direct convolutions
//     prefer, from the stem to the global pool.
// Weights are refolded when any parameter's version moves (training bumps
// them), so a plan built before training stays right. Plans are per batch
// size, like the layers' own.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>

#include "cpu_backend.hpp"
#include "plan_cache.hpp"
#include "dvhpc/nn/activation.hpp"
#include "dvhpc/nn/batch_norm.hpp"
#include "dvhpc/nn/conv2d.hpp"
#include "dvhpc/nn/dense.hpp"
#include "dvhpc/nn/inference_plan.hpp"
#include "dvhpc/nn/model.hpp"
#include "dvhpc/nn/pooling.hpp"

namespace dvhpc::nn::cpu {
namespace {

using namespace dnnl;

// A convolution with its batch norm folded in: plain OIHW weights and a bias.
struct FoldedConv {
  Conv2dSpec spec;
  Conv2d* conv = nullptr;
  BatchNorm2d* bn = nullptr;
  std::vector<float> w, b;

  void fold() {
    std::vector<Param*> cp, bp, bb;
    conv->parameters(cp);
    bn->parameters(bp);
    bn->buffers(bb);
    const int64_t co = spec.out_channels, per = spec.in_channels * spec.kernel_h * spec.kernel_w;
    const float *wc = cp[0]->value.data(), *g = bp[0]->value.data(), *beta = bp[1]->value.data();
    const float *mean = bb[0]->value.data(), *var = bb[1]->value.data();
    const float* cb = spec.bias ? cp[1]->value.data() : nullptr;
    w.resize(static_cast<size_t>(co * per));
    b.resize(static_cast<size_t>(co));
    for (int64_t o = 0; o < co; ++o) {
      const float s = g[o] / std::sqrt(var[o] + bn->spec().eps);
      for (int64_t k = 0; k < per; ++k) w[o * per + k] = wc[o * per + k] * s;
      b[o] = beta[o] + ((cb ? cb[o] : 0.0f) - mean[o]) * s;
    }
  }
};

// Conv layer + its BN at layer i, i+1 of a Sequential; nullptr members if not.
FoldedConv folded_at(Sequential& s, size_t i) {
  FoldedConv f;
  if (i + 1 >= s.size()) return f;
  f.conv = dynamic_cast<Conv2d*>(&s.at(i));
  f.bn = dynamic_cast<BatchNorm2d*>(&s.at(i + 1));
  if (f.conv) f.spec = f.conv->spec();
  return f;
}

struct Block {
  FoldedConv conv1, conv2, proj;
};

class CpuFusedCnn final : public InferencePlan {
 public:
  CpuFusedCnn(std::shared_ptr<Ctx> ctx, Backend& be, Model& m, FoldedConv stem, std::vector<Block> blocks,
              Dense* dense)
      : ctx_(std::move(ctx)), be_(be), stem_(std::move(stem)), blocks_(std::move(blocks)), dense_(dense) {
    params_ = m.parameters();
    for (Param* p : m.buffers()) params_.push_back(p);
  }

  Tensor logits(const Tensor& x) override {
    if (stale()) {
      for (FoldedConv* f : convs()) f->fold();
      plans_.clear();
    }
    Plan& p = plan(x.shape());
    // Activations live in one arena shared by every cached plan (only one
    // runs at a time), so the cache costs the largest plan, not the sum.
    if (arena_bytes_ < p.arena_bytes) {
      arena_.reset(static_cast<char*>(std::aligned_alloc(kAlign, p.arena_bytes)));
      if (!arena_) throw Error(ErrorKind::Internal, "nn: cannot allocate " + std::to_string(p.arena_bytes) + " bytes");
      arena_bytes_ = p.arena_bytes;
    }
    for (size_t i = 0; i < p.acts.size(); ++i) p.acts[i].set_data_handle(arena_.get() + p.act_offsets[i]);
    p.input.set_data_handle(x.data());
    Tensor y = be_.alloc({x.dim(0), dense_->spec().out_features});
    p.logits.set_data_handle(y.data());
    for (Step& s : p.steps) s.prim.execute(ctx_->strm, s.args);
    ctx_->strm.wait();
    return y;
  }

 private:
  struct Step {
    primitive prim;
    std::unordered_map<int, memory> args;
  };
  struct Plan {
    memory input, logits;
    std::vector<memory> keep;  // packed weights
    std::vector<memory> acts;  // activations, placed in the arena at act_offsets
    std::vector<size_t> act_offsets;
    size_t arena_bytes = 0;
    std::vector<Step> steps;
  };
  static constexpr size_t kAlign = 64;  // what oneDNN's own allocations use

  // A memory for an activation at the plan's next arena offset (or at `at`).
  memory activation(Plan& p, const memory::desc& d, size_t at = SIZE_MAX) {
    memory m(d, ctx_->eng, nullptr);
    if (at == SIZE_MAX) {
      at = p.arena_bytes;
      p.arena_bytes += (d.get_size() + kAlign - 1) / kAlign * kAlign;
    }
    p.acts.push_back(m);
    p.act_offsets.push_back(at);
    return m;
  }

  std::vector<FoldedConv*> convs() {
    std::vector<FoldedConv*> v{&stem_};
    for (Block& b : blocks_) v.insert(v.end(), {&b.conv1, &b.conv2, &b.proj});
    return v;
  }

  bool stale() {
    bool changed = versions_.size() != params_.size();
    versions_.resize(params_.size());
    for (size_t i = 0; i < params_.size(); ++i) {
      const std::pair<const float*, uint64_t> v{params_[i]->value.data(), params_[i]->value.version()};
      if (versions_[i] != v) changed = true;
      versions_[i] = v;
    }
    return changed;
  }

  // Appends conv(src) with post-ops; the destination is `sum_into` (whose
  // contents the sum post-op adds) or a new memory in the preferred layout.
  memory conv(Plan& p, const FoldedConv& f, const memory& src, bool relu, const memory* sum_into) {
    const memory::dims s = src.get_desc().dims();
    const Shape out = f.spec.output_shape({s[0], s[1], s[2], s[3]});
    const memory::desc dst_md = sum_into ? sum_into->get_desc() : md(to_dims(out), tag::any);
    post_ops po;
    if (sum_into) po.append_sum(1.0f);
    if (relu) po.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
    primitive_attr attr;
    attr.set_post_ops(po);
    const memory::dims wdims{f.spec.out_channels, f.spec.in_channels, f.spec.kernel_h, f.spec.kernel_w};
    const memory::desc w_any = md(wdims, tag::any);
    const memory::desc b_md = md({f.spec.out_channels}, tag::x);
    auto pd = convolution_forward::primitive_desc(
        convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct, src.get_desc(), w_any,
                                  b_md, dst_md, {f.spec.stride_h, f.spec.stride_w}, {f.spec.pad_h, f.spec.pad_w},
                                  {f.spec.pad_h, f.spec.pad_w}),
        attr, ctx_->eng);
    memory w_user(md(wdims, tag::oihw), ctx_->eng, const_cast<float*>(f.w.data()));
    memory w(pd.weights_desc(), ctx_->eng), b(b_md, ctx_->eng);
    reorder(w_user, w).execute(ctx_->strm, w_user, w);
    std::copy(f.b.begin(), f.b.end(), static_cast<float*>(b.get_data_handle()));
    memory dst = sum_into ? *sum_into : activation(p, pd.dst_desc());
    p.keep.insert(p.keep.end(), {w, b});
    p.steps.push_back({convolution_forward(pd), {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b},
                                                 {DNNL_ARG_DST, dst}}});
    return dst;
  }

  Plan& plan(const Shape& xs) {
    if (Plan* hit = plans_.find(xs)) return *hit;
    Plan& p = plans_.insert(xs);
    p.input = memory(md(to_dims(xs), tag::nchw), ctx_->eng, nullptr);
    memory h = conv(p, stem_, p.input, true, nullptr);
    for (const Block& b : blocks_) {
      memory proj = conv(p, b.proj, h, false, nullptr);
      memory m1 = conv(p, b.conv1, h, true, nullptr);
      h = conv(p, b.conv2, m1, true, &proj);  // relu(conv2(m1) + proj), in proj's buffer
    }
    // Global average pool to plain [N, C, 1, 1], read as [N, C] by the dense layer.
    const memory::dims d = h.get_desc().dims();
    memory pooled = activation(p, md({d[0], d[1], 1, 1}, tag::nchw));
    auto pool_pd = pooling_forward::primitive_desc(
        pooling_forward::desc(prop_kind::forward_inference, algorithm::pooling_avg_exclude_padding, h.get_desc(),
                              pooled.get_desc(), {d[2], d[3]}, {d[2], d[3]}, {0, 0}, {0, 0}),
        ctx_->eng);
    p.steps.push_back({pooling_forward(pool_pd), {{DNNL_ARG_SRC, h}, {DNNL_ARG_DST, pooled}}});
    std::vector<Param*> dp;
    dense_->parameters(dp);
    const DenseSpec& ds = dense_->spec();
    memory feat = activation(p, md({d[0], d[1]}, tag::nc), p.act_offsets.back());  // pooled, read as [N, C]
    memory w(md({ds.out_features, ds.in_features}, tag::oi), ctx_->eng, dp[0]->value.data());
    memory b(md({ds.out_features}, tag::x), ctx_->eng, dp[1]->value.data());
    p.logits = memory(md({d[0], ds.out_features}, tag::nc), ctx_->eng, nullptr);
    auto ip_pd = inner_product_forward::primitive_desc(
        inner_product_forward::desc(prop_kind::forward_inference, feat.get_desc(), w.get_desc(), b.get_desc(),
                                    p.logits.get_desc()),
        ctx_->eng);
    p.steps.push_back({inner_product_forward(ip_pd), {{DNNL_ARG_SRC, feat}, {DNNL_ARG_WEIGHTS, w},
                                                      {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, p.logits}}});
    ctx_->strm.wait();  // the weight reorders above
    return p;
  }

  std::shared_ptr<Ctx> ctx_;
  Backend& be_;
  FoldedConv stem_;
  std::vector<Block> blocks_;
  Dense* dense_;
  std::vector<Param*> params_;
  std::vector<std::pair<const float*, uint64_t>> versions_;
  PlanCache<Shape, Plan> plans_;
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> arena_;
  size_t arena_bytes_ = 0;
};

}  // namespace

// The pileup CNN's layer sequence, or nullptr for anything else (the
// model then runs layer by layer).
std::unique_ptr<InferencePlan> make_fused_cnn(std::shared_ptr<Ctx> ctx, Backend& be, Model& m) {
  if (m.arch() != "pileup_cnn") return nullptr;
  Sequential& net = m.net();
  if (net.size() < 5 || !dynamic_cast<Relu*>(&net.at(2))) return nullptr;
  FoldedConv stem = folded_at(net, 0);
  if (!stem.conv || !stem.bn) return nullptr;
  std::vector<Block> blocks;
  size_t i = 3;
  for (; i < net.size(); ++i) {
    auto* rb = dynamic_cast<ResidualBlock*>(&net.at(i));
    if (!rb) break;
    Sequential &mn = rb->main(), &sc = rb->shortcut();
    if (mn.size() != 5 || sc.size() != 2 || !dynamic_cast<Relu*>(&mn.at(2))) return nullptr;
    Block b{folded_at(mn, 0), folded_at(mn, 3), folded_at(sc, 0)};
    if (!b.conv1.conv || !b.conv1.bn || !b.conv2.conv || !b.conv2.bn || !b.proj.conv || !b.proj.bn) return nullptr;
    blocks.push_back(std::move(b));
  }
  if (i + 2 != net.size() || !dynamic_cast<GlobalAvgPool*>(&net.at(i))) return nullptr;
  auto* dense = dynamic_cast<Dense*>(&net.at(i + 1));
  if (!dense || !dense->spec().bias) return nullptr;
  return std::make_unique<CpuFusedCnn>(std::move(ctx), be, m, std::move(stem), std::move(blocks), dense);
}

}  // namespace dvhpc::nn::cpu
