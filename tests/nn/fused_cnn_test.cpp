// The CPU backend's fused pileup-CNN inference (src/nn/cpu_fused_cnn.cpp):
// batch norm folded into the convolutions, ReLU and the residual add as
// post-ops, blocked layouts. It must give PyTorch's eval logits and the layer
// path's, and follow the weights when training changes them.
#include <doctest/doctest.h>

#include <cmath>

#include "dvhpc/nn/model.hpp"
#include "dvhpc/nn/optimizer.hpp"
#include "golden.hpp"

using namespace dvhpc::nn;
using dvhpc::nn::test::check_close;
using dvhpc::nn::test::Golden;
using dvhpc::nn::test::golden_cnn_config;
using dvhpc::nn::test::GoldenTensor;
using dvhpc::nn::test::load_named;

namespace {

// Softmax of golden logits [N, K] as a golden entry, to compare probabilities.
GoldenTensor softmax_of(const GoldenTensor& logits) {
  GoldenTensor p = logits;
  const size_t k = static_cast<size_t>(logits.shape[1]);
  for (size_t r = 0; r * k < p.data.size(); ++r) {
    float mx = p.data[r * k], sum = 0.0f;
    for (size_t c = 0; c < k; ++c) mx = std::max(mx, p.data[r * k + c]);
    for (size_t c = 0; c < k; ++c) sum += (p.data[r * k + c] = std::exp(p.data[r * k + c] - mx));
    for (size_t c = 0; c < k; ++c) p.data[r * k + c] /= sum;
  }
  return p;
}

// Probabilities from the layer-by-layer forward: what the fused path must give.
GoldenTensor layer_path(Backend& be, Model& m, const Tensor& x) {
  Tensor logits = m.forward(x, false);
  Tensor probs = be.alloc(logits.shape());
  be.softmax(logits, probs);
  return GoldenTensor{probs.shape(), be.to_host(probs)};
}

}  // namespace

TEST_CASE("nn: fused CPU CNN inference matches PyTorch eval and the layer path, and follows training") {
  auto be = make_cpu_backend();
  Golden g("model_cnn");
  auto m = make_pileup_cnn(*be, golden_cnn_config());
  load_named(*be, m->parameters(), g, "param:");
  load_named(*be, m->buffers(), g, "after:");  // the running statistics PyTorch's eval logits used
  Tensor x = g.tensor(*be, "x");

  Tensor fused = m->predict(x);
  REQUIRE(m->fused_inference());
  check_close(*be, fused, softmax_of(g["logits_eval"]), "fused vs PyTorch eval", 1e-5f, 1e-4f);
  check_close(*be, fused, layer_path(*be, *m, x), "fused vs layer path", 1e-5f, 1e-4f);

  // A training step moves weights and running statistics; the next predict
  // must refold them, not reuse the plan's old weights.
  Sgd opt(*be, m->parameters(), SgdParams{0.5f, 0.0f, 0.0f});
  const auto labels = g.labels();
  m->train_step(x, labels.data(), opt);
  Tensor after = m->predict(x);
  check_close(*be, after, layer_path(*be, *m, x), "fused vs layer path after a training step", 1e-5f, 1e-4f);
  const auto before = be->to_host(fused), now = be->to_host(after);
  double moved = 0.0;
  for (size_t i = 0; i < now.size(); ++i) moved = std::max(moved, double(std::fabs(now[i] - before[i])));
  CHECK_MESSAGE(moved > 1e-3, "the training step did not change the predictions (max change " << moved << ")");
}

TEST_CASE("nn: the fused path is used for the pileup CNN only, at every batch size") {
  auto be = make_cpu_backend();
  auto rnn = make_pileup_rnn(*be);
  rnn->predict(be->zeros({2, 33, 18}));
  CHECK_FALSE(rnn->fused_inference());
  auto cnn = make_pileup_cnn(*be);
  for (int64_t n : {1, 3, 32}) {
    Tensor x = be->alloc({n, 7, 100, 221});
    std::vector<float> v(static_cast<size_t>(x.numel()));
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>((i * 2654435761u) % 255) / 254.0f;
    be->upload(v.data(), x);
    check_close(*be, cnn->predict(x), layer_path(*be, *cnn, x), "batch " + std::to_string(n), 1e-5f, 1e-4f);
  }
  CHECK(cnn->fused_inference());
}
