// GPU backend against the PyTorch goldens and against the CPU backend.
// Compiled only in CUDA builds (dvhpc_gpu_tests); every case skips itself
// with a message when no CUDA device is visible.
#include <doctest/doctest.h>

#include <cstdio>

#include "../golden.hpp"
#include "dvhpc/nn/loss.hpp"
#include "dvhpc/nn/lstm.hpp"
#include "dvhpc/nn/model.hpp"
#include "dvhpc/nn/row_dropout.hpp"

using namespace dvhpc::nn;
using dvhpc::nn::test::check_close;
using dvhpc::nn::test::Golden;
using dvhpc::nn::test::golden_cnn_config;
using dvhpc::nn::test::golden_rnn_config;
using dvhpc::nn::test::load_named;

namespace {

bool no_gpu() {
  if (gpu_device_count() > 0) return false;
  std::printf("SKIP: [nn gputest] no CUDA device visible\n");
  return true;
}

}  // namespace

TEST_CASE("nn gpu: 2-layer BiLSTM (cuDNN v8 RNN) matches PyTorch") {
  if (no_gpu()) return;
  auto be = make_backend("gpu");
  Golden g("lstm_bi2");
  Rng rng(1);
  Lstm lstm(*be, "lstm", 5, 4, 2, true, rng);
  std::vector<Param*> ps;
  lstm.parameters(ps);
  load_named(*be, ps, g, "");
  check_close(*be, lstm.forward(g.tensor(*be, "x"), true), g["y"], "y");
  check_close(*be, lstm.backward(g.tensor(*be, "g"), true), g["dx"], "dx");
  for (Param* p : ps) check_close(*be, p->grad, g["d" + p->name], "d" + p->name);
}

TEST_CASE("nn gpu: pileup RNN and CNN match PyTorch (fp32)") {
  if (no_gpu()) return;
  auto be = make_backend("gpu");
  {
    Golden g("model_rnn");
    auto m = make_pileup_rnn(*be, golden_rnn_config());
    load_named(*be, m->parameters(), g, "param:");
    const auto labels = g.labels();
    Tensor dx;
    CHECK(m->compute_gradients(g.tensor(*be, "x"), labels.data(), &dx) == doctest::Approx(g["loss"].data[0]).epsilon(1e-4));
    check_close(*be, dx, g["dx"], "rnn dx");
    for (Param* p : m->parameters()) check_close(*be, p->grad, g["grad:" + p->name], "rnn grad " + p->name);
  }
  {
    Golden g("model_cnn");
    auto m = make_pileup_cnn(*be, golden_cnn_config());
    load_named(*be, m->parameters(), g, "param:");
    load_named(*be, m->buffers(), g, "param:");
    const auto labels = g.labels();
    Tensor dx;
    CHECK(m->compute_gradients(g.tensor(*be, "x"), labels.data(), &dx) == doctest::Approx(g["loss"].data[0]).epsilon(1e-4));
    check_close(*be, dx, g["dx"], "cnn dx", 2e-4f);
    for (Param* p : m->parameters()) check_close(*be, p->grad, g["grad:" + p->name], "cnn grad " + p->name, 2e-4f);
    for (Param* b : m->buffers()) check_close(*be, b->value, g["after:" + b->name], b->name);
    check_close(*be, m->forward(g.tensor(*be, "x"), false), g["logits_eval"], "cnn eval logits");
  }
}

TEST_CASE("nn gpu: full-size models agree with the CPU backend and bf16 within a looser tolerance") {
  if (no_gpu()) return;
  for (Precision prec : {Precision::Fp32, Precision::Bf16}) {
    auto cpu = make_backend("cpu");
    auto gpu = make_backend("gpu", prec);
    const float tol = prec == Precision::Fp32 ? 1e-3f : 3e-2f;
    Rng rng(11);
    std::vector<float> xr(8 * 33 * 18), xc(2 * 7 * 100 * 221);
    for (float& v : xr) v = float(rng.uniform());
    for (float& v : xc) v = float(rng.uniform());
    auto rc = make_pileup_rnn(*cpu), rg = make_pileup_rnn(*gpu);
    dvhpc::nn::test::GoldenTensor want{{8, 3}, cpu->to_host(rc->predict(cpu->from_host({8, 33, 18}, xr)))};
    check_close(*gpu, rg->predict(gpu->from_host({8, 33, 18}, xr)), want, "rnn probs", tol, tol);
    auto cc = make_pileup_cnn(*cpu), cg = make_pileup_cnn(*gpu);
    want = {{2, 3}, cpu->to_host(cc->predict(cpu->from_host({2, 7, 100, 221}, xc)))};
    check_close(*gpu, cg->predict(gpu->from_host({2, 7, 100, 221}, xc)), want, "cnn probs", tol, tol);
  }
}

TEST_CASE("nn gpu: the regression pieces (MSE loss and gradient, row-keyed dropout) equal the CPU's") {
  if (no_gpu()) return;
  auto gpu = make_backend("gpu");
  auto cpu = make_cpu_backend();
  Rng rng(5);
  std::vector<float> pred(37 * 3), target(37 * 3), x(9 * 50);
  for (float& v : pred) v = static_cast<float>(rng.normal());
  for (float& v : target) v = static_cast<float>(rng.normal());
  for (float& v : x) v = static_cast<float>(rng.normal());
  // Same double arithmetic per element on both sides: gradients bit-equal,
  // losses equal to rounding of the sum's order.
  MeanSquaredError mg(*gpu), mc(*cpu);
  const double lg = mg.forward_backward(gpu->from_host({37, 3}, pred), target.data(), 200.0);
  const double lc = mc.forward_backward(cpu->from_host({37, 3}, pred), target.data(), 200.0);
  CHECK(lg == doctest::Approx(lc).epsilon(1e-12));
  CHECK(gpu->to_host(mg.grad()) == cpu->to_host(mc.grad()));
  // The mask is a hash of (seed, row key, column) on both: identical.
  RowDropout dg(*gpu, "drop", 0.3f, 11), dc(*cpu, "drop", 0.3f, 11);
  const std::vector<uint64_t> keys{4, 8, 15, 16, 23, 42, 99, 100, 7};
  dg.set_rows(keys, 3);
  dc.set_rows(keys, 3);
  CHECK(gpu->to_host(dg.forward(gpu->from_host({9, 50}, x), true)) ==
        cpu->to_host(dc.forward(cpu->from_host({9, 50}, x), true)));
  CHECK(gpu->to_host(dg.backward(gpu->from_host({9, 50}, x), true)) ==
        cpu->to_host(dc.backward(cpu->from_host({9, 50}, x), true)));
}
