// Both models and both optimisers against PyTorch goldens.
#include <doctest/doctest.h>

#include "dvhpc/nn/init.hpp"
#include "dvhpc/nn/model.hpp"
#include "golden.hpp"

using namespace dvhpc::nn;
using dvhpc::nn::test::check_close;
using dvhpc::nn::test::Golden;
using dvhpc::nn::test::golden_cnn_config;
using dvhpc::nn::test::golden_rnn_config;
using dvhpc::nn::test::load_named;

namespace {

void check_model(Model& m, const Golden& g, float grad_atol) {
  Backend& be = m.backend();
  const auto labels = g.labels();
  Tensor x = g.tensor(be, "x");
  Tensor dx;
  const float loss = m.compute_gradients(x, labels.data(), &dx);
  CHECK(loss == doctest::Approx(g["loss"].data[0]).epsilon(1e-4));
  check_close(be, dx, g["dx"], "dx", grad_atol);
  for (Param* p : m.parameters()) check_close(be, p->grad, g["grad:" + p->name], "grad " + p->name, grad_atol);
}

}  // namespace

TEST_CASE("nn: pileup RNN matches PyTorch (logits and loss and all gradients)") {
  auto be = make_cpu_backend();
  Golden g("model_rnn");
  auto m = make_pileup_rnn(*be, golden_rnn_config());
  load_named(*be, m->parameters(), g, "param:");
  check_close(*be, m->forward(g.tensor(*be, "x"), false), g["logits"], "logits");
  check_model(*m, g, 1e-4f);
}

TEST_CASE("nn: pileup CNN matches PyTorch (train and eval logits and gradients and running stats)") {
  auto be = make_cpu_backend();
  Golden g("model_cnn");
  auto m = make_pileup_cnn(*be, golden_cnn_config());
  load_named(*be, m->parameters(), g, "param:");
  load_named(*be, m->buffers(), g, "param:");
  check_close(*be, m->forward(g.tensor(*be, "x"), true), g["logits"], "train logits");
  load_named(*be, m->buffers(), g, "param:");  // undo the running-stat update of that forward
  check_model(*m, g, 2e-4f);
  for (Param* b : m->buffers()) check_close(*be, b->value, g["after:" + b->name], b->name);
  check_close(*be, m->forward(g.tensor(*be, "x"), false), g["logits_eval"], "eval logits");
}

TEST_CASE("nn: full-size models build with the documented shapes") {
  auto be = make_cpu_backend();
  auto rnn = make_pileup_rnn(*be);
  Tensor y = rnn->predict(be->zeros({2, 33, 18}));
  CHECK(y.shape() == Shape{2, 3});
  const auto p = be->to_host(y);
  CHECK(p[0] + p[1] + p[2] == doctest::Approx(1.0f));
  auto cnn = make_pileup_cnn(*be);
  CHECK(cnn->predict(be->zeros({1, 7, 100, 221})).shape() == Shape{1, 3});
}

namespace {
template <class Opt, class P>
void check_optimizer(const std::string& name, const P& params) {
  auto be = make_cpu_backend();
  Golden g(name);
  Param p{"w", g.tensor(*be, "w0"), be->zeros({10})};
  Opt opt(*be, {&p}, params);
  for (int i = 0; i < 3; ++i) {
    be->upload(g["g" + std::to_string(i)].data.data(), p.grad);
    opt.step();
  }
  CHECK(opt.steps() == 3);
  check_close(*be, p.value, g["w3"], name, 1e-6f, 1e-5f);
}
}  // namespace

TEST_CASE("nn: SGD with momentum and Adam match torch.optim") {
  check_optimizer<Sgd>("optim_sgd", SgdParams{0.1f, 0.9f, 0.01f});
  check_optimizer<Adam>("optim_adam", AdamParams{0.05f, 0.9f, 0.999f, 1e-8f, 0.01f});
}

TEST_CASE("nn: training reduces the loss of the pileup RNN on a learnable task") {
  auto be = make_cpu_backend();
  PileupRnnConfig c;
  c.hidden = 16;
  c.fc = 32;
  auto m = make_pileup_rnn(*be, c);
  Adam opt(*be, m->parameters(), AdamParams{3e-3f});
  // Label = which of three channels carries the signal at the centre.
  const int64_t n = 48;
  std::vector<float> x(n * 33 * 18, 0.0f);
  std::vector<int32_t> labels(n);
  Rng rng(3);
  for (int64_t i = 0; i < n; ++i) {
    labels[i] = static_cast<int32_t>(i % 3);
    for (int64_t k = 0; k < 33 * 18; ++k) x[i * 33 * 18 + k] = static_cast<float>(rng.normal() * 0.3);
    x[i * 33 * 18 + 16 * 18 + labels[i]] += 2.0f;
  }
  Tensor xt = be->from_host({n, 33, 18}, x);
  const float first = m->train_step(xt, labels.data(), opt);
  float last = first;
  for (int it = 0; it < 30; ++it) last = m->train_step(xt, labels.data(), opt);
  CHECK(last < 0.3f * first);
}
