// oneDNN LSTM operator (one layer, uni- or bidirectional).
//
// oneDNN's LSTM gate order (i, f, c~, o) equals PyTorch's (i, f, g, o), and
// its "ldgoi" weight format is exactly PyTorch's [4H, In] per direction, so
// the canonical weights are plain PyTorch tensors. The primitives want
// their own packed layouts; re-laid-out copies are cached and refreshed only
// when the weight tensor's version changes (after an optimizer step or load).
// Each BiLSTM layer is its own primitive (bidirectional_concat): oneDNN's
// multi-layer mode needs equal input and output widths, which a stacked
// BiLSTM does not have (In -> 2H).
#include <cstring>
#include <map>

#include "cpu_backend.hpp"
#include "plan_cache.hpp"

namespace dvhpc::nn::cpu {
namespace {

using namespace dnnl;

// A user-format tensor and its cached reorder into a primitive's format.
struct CachedWeights {
  memory packed;
  const float* src = nullptr;
  uint64_t version = ~0ull;
  const memory& get(Ctx& ctx, const memory::desc& user_md, const memory::desc& want, const Tensor& t) {
    if (t.data() == src && t.version() == version && packed) return packed;
    memory user(user_md, ctx.eng, t.data());
    if (!packed || packed.get_desc() != want) packed = memory(want, ctx.eng);
    reorder(user, packed).execute(ctx.strm, user, packed);
    ctx.strm.wait();
    src = t.data();
    version = t.version();
    return packed;
  }
};

class CpuLstm final : public LstmOp {
 public:
  CpuLstm(std::shared_ptr<Ctx> ctx, const LstmSpec& s) : ctx_(std::move(ctx)), s_(s) {
    const int64_t d = s_.directions(), h = s_.hidden_size;
    wl_user_ = md({1, d, s_.input_size, 4, h}, tag::ldgoi);
    wi_user_ = md({1, d, h, 4, h}, tag::ldgoi);
    bias_md_ = md({1, d, 4, h}, tag::ldgo);
  }

  void forward(const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& bias, Tensor& y,
               bool training) override {
    Plan& p = plan(x.dim(0), x.dim(1));
    if (training) build_training(p);
    expect_shape(x, {x.dim(0), x.dim(1), s_.input_size}, "lstm input");
    expect_shape(y, {x.dim(0), x.dim(1), s_.directions() * s_.hidden_size}, "lstm output");
    auto& pd = training ? p.train_pd : p.infer_pd;
    auto& wl = training ? p.wl_train : p.wl_infer;
    auto& wi = training ? p.wi_train : p.wi_infer;
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC_LAYER, p.x.at(x)},
        {DNNL_ARG_WEIGHTS_LAYER, wl.get(*ctx_, wl_user_, pd.weights_layer_desc(), w_ih)},
        {DNNL_ARG_WEIGHTS_ITER, wi.get(*ctx_, wi_user_, pd.weights_iter_desc(), w_hh)},
        {DNNL_ARG_BIAS, p.b.at(bias)},
        {DNNL_ARG_DST_LAYER, p.y.at(y)}};
    if (training) args[DNNL_ARG_WORKSPACE] = p.ws;
    (training ? p.train : p.infer).execute(ctx_->strm, args);
    ctx_->strm.wait();
  }

  void backward(const Tensor& x, const Tensor& w_ih, const Tensor& w_hh, const Tensor& bias, const Tensor& y,
                const Tensor& dy, Tensor& dx, Tensor& dw_ih, Tensor& dw_hh, Tensor& dbias) override {
    Plan& p = plan(x.dim(0), x.dim(1));
    build_training(p);
    if (!p.bwd_built) build_backward(p);
    // oneDNN accumulates into the weight gradients, so they start at zero.
    std::memset(p.dwl.get_data_handle(), 0, p.dwl.get_desc().get_size());
    std::memset(p.dwi.get_data_handle(), 0, p.dwi.get_desc().get_size());
    std::memset(dbias.data(), 0, dbias.numel() * sizeof(float));
    Tensor dx_scratch;
    memory dxm = dx.defined() ? p.dx.at(dx) : p.dx_scratch;
    p.bwd.execute(ctx_->strm,
                  {{DNNL_ARG_SRC_LAYER, p.x.at(x)},
                   {DNNL_ARG_WEIGHTS_LAYER, p.wl_bwd.get(*ctx_, wl_user_, p.bwd_pd.weights_layer_desc(), w_ih)},
                   {DNNL_ARG_WEIGHTS_ITER, p.wi_bwd.get(*ctx_, wi_user_, p.bwd_pd.weights_iter_desc(), w_hh)},
                   {DNNL_ARG_BIAS, p.b.at(bias)},
                   {DNNL_ARG_DST_LAYER, p.y.at(y)},
                   {DNNL_ARG_DIFF_DST_LAYER, p.dy.at(dy)},
                   {DNNL_ARG_WORKSPACE, p.ws},
                   {DNNL_ARG_DIFF_SRC_LAYER, dxm},
                   {DNNL_ARG_DIFF_WEIGHTS_LAYER, p.dwl},
                   {DNNL_ARG_DIFF_WEIGHTS_ITER, p.dwi},
                   {DNNL_ARG_DIFF_BIAS, p.db.at(dbias)}});
    memory dwl_user(wl_user_, ctx_->eng, dw_ih.data()), dwi_user(wi_user_, ctx_->eng, dw_hh.data());
    reorder(p.dwl, dwl_user).execute(ctx_->strm, p.dwl, dwl_user);
    reorder(p.dwi, dwi_user).execute(ctx_->strm, p.dwi, dwi_user);
    ctx_->strm.wait();
  }

 private:
  struct Plan {
    memory::desc xd, yd;
    lstm_forward::primitive_desc train_pd, infer_pd;
    lstm_forward train, infer;
    memory ws;
    CachedWeights wl_train, wi_train, wl_infer, wi_infer, wl_bwd, wi_bwd;
    BoundMem x, y, b, dx, dy, db;
    bool train_built = false, bwd_built = false;
    lstm_backward::primitive_desc bwd_pd;
    lstm_backward bwd;
    memory dwl, dwi, dx_scratch;
  };

  rnn_direction dir() const {
    return s_.bidirectional ? rnn_direction::bidirectional_concat : rnn_direction::unidirectional_left2right;
  }
  memory::desc any_w(int64_t in) const {
    return memory::desc({1, s_.directions(), in, 4, s_.hidden_size}, dt::f32, tag::any);
  }

  Plan& plan(int64_t n, int64_t t) {
    const auto key = std::make_pair(n, t);
    if (Plan* hit = plans_.find(key)) return *hit;
    Plan& p = plans_.insert(key);
    // Sequences are [N,T,C] in dvhpc; oneDNN's "ntc" tag reads them as is.
    p.xd = md({t, n, s_.input_size}, tag::ntc);
    p.yd = md({t, n, s_.directions() * s_.hidden_size}, tag::ntc);
    p.infer_pd = forward_pd(p, prop_kind::forward_inference);
    p.infer = lstm_forward(p.infer_pd);
    p.x.mem = memory(p.xd, ctx_->eng, nullptr);
    p.y.mem = memory(p.yd, ctx_->eng, nullptr);
    p.b.mem = memory(bias_md_, ctx_->eng, nullptr);
    return p;
  }

  lstm_forward::primitive_desc forward_pd(const Plan& p, prop_kind pk) const {
    const memory::desc none;
    return lstm_forward::primitive_desc(lstm_forward::desc(pk, dir(), p.xd, none, none, any_w(s_.input_size),
                                                           any_w(s_.hidden_size), bias_md_, p.yd, none, none),
                                        ctx_->eng);
  }

  // The training primitive and its workspace (the largest part of a plan)
  // only where training happens: inference plans stay small.
  void build_training(Plan& p) {
    if (p.train_built) return;
    p.train_pd = forward_pd(p, prop_kind::forward_training);
    p.train = lstm_forward(p.train_pd);
    p.ws = memory(p.train_pd.workspace_desc(), ctx_->eng);
    p.train_built = true;
  }

  void build_backward(Plan& p) {
    const memory::desc none;
    p.bwd_pd = lstm_backward::primitive_desc(
        lstm_backward::desc(prop_kind::backward, dir(), p.xd, none, none, any_w(s_.input_size),
                            any_w(s_.hidden_size), bias_md_, p.yd, none, none, p.xd, none, none,
                            any_w(s_.input_size), any_w(s_.hidden_size), bias_md_, p.yd, none, none),
        ctx_->eng, p.train_pd);
    p.bwd = lstm_backward(p.bwd_pd);
    p.dwl = memory(p.bwd_pd.diff_weights_layer_desc(), ctx_->eng);
    p.dwi = memory(p.bwd_pd.diff_weights_iter_desc(), ctx_->eng);
    p.dx.mem = memory(p.xd, ctx_->eng, nullptr);
    p.dx_scratch = memory(p.xd, ctx_->eng);
    p.dy.mem = memory(p.yd, ctx_->eng, nullptr);
    p.db.mem = memory(bias_md_, ctx_->eng, nullptr);
    p.bwd_built = true;
  }

  std::shared_ptr<Ctx> ctx_;
  LstmSpec s_;
  memory::desc wl_user_, wi_user_, bias_md_;
  PlanCache<std::pair<int64_t, int64_t>, Plan> plans_;
};

}  // namespace

std::unique_ptr<LstmOp> make_lstm(std::shared_ptr<Ctx> ctx, const LstmSpec& spec) {
  return std::make_unique<CpuLstm>(std::move(ctx), spec);
}

}  // namespace dvhpc::nn::cpu
