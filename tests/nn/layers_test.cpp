// CPU backend layers against PyTorch goldens (tests/nn/make_golden.py).
#include <doctest/doctest.h>

#include "dvhpc/error.hpp"
#include "dvhpc/nn/activation.hpp"
#include "dvhpc/nn/batch_norm.hpp"
#include "dvhpc/nn/conv2d.hpp"
#include "dvhpc/nn/dense.hpp"
#include "dvhpc/nn/lstm.hpp"
#include "dvhpc/nn/loss.hpp"
#include "dvhpc/nn/pooling.hpp"
#include "golden.hpp"

using namespace dvhpc::nn;
using dvhpc::nn::test::check_close;
using dvhpc::nn::test::Golden;

namespace {

// Loads golden values into the named parameters of a layer.
void set_params(Backend& be, Layer& l, const Golden& g, const std::vector<std::pair<std::string, std::string>>& map) {
  std::vector<Param*> ps;
  l.parameters(ps);
  for (auto& [param, key] : map) {
    Param* p = test::find_param(ps, param);
    REQUIRE(p->value.shape() == g[key].shape);
    be.upload(g[key].data.data(), p->value);
  }
}

void run_conv(const std::string& name, bool bias) {
  auto be = make_cpu_backend();
  Golden g(name);
  const auto& w = g["weight"].shape;
  Conv2dSpec s;
  s.in_channels = w[1];
  s.out_channels = w[0];
  s.kernel_h = w[2];
  s.kernel_w = w[3];
  const bool strided = name.find("s2") != std::string::npos;
  s.stride_h = s.stride_w = strided ? 2 : 1;
  s.pad_h = s.pad_w = w[2] / 2;
  s.bias = bias;
  Rng rng(1);
  Conv2d conv(*be, "conv", s, rng);
  set_params(*be, conv, g, {{"conv.weight", "weight"}});
  if (bias) set_params(*be, conv, g, {{"conv.bias", "bias"}});
  Tensor y = conv.forward(g.tensor(*be, "x"), true);
  check_close(*be, y, g["y"], "y");
  Tensor dx = conv.backward(g.tensor(*be, "g"), true);
  check_close(*be, dx, g["dx"], "dx");
  std::vector<Param*> ps;
  conv.parameters(ps);
  check_close(*be, ps[0]->grad, g["dweight"], "dweight");
  if (bias) check_close(*be, ps[1]->grad, g["dbias"], "dbias");
}

}  // namespace

TEST_CASE("nn: conv2d matches PyTorch (stride 2 with bias)") { run_conv("conv2d_s2_bias", true); }
TEST_CASE("nn: conv2d matches PyTorch (1x1 without bias)") { run_conv("conv2d_1x1_nobias", false); }

TEST_CASE("nn: batch norm training and running statistics and inference match PyTorch") {
  auto be = make_cpu_backend();
  Golden g("batchnorm");
  BatchNorm2d bn(*be, "bn", BatchNormSpec{4, 1e-5f, 0.1f});
  set_params(*be, bn, g, {{"bn.weight", "gamma"}, {"bn.bias", "beta"}});
  Tensor x = g.tensor(*be, "x");
  check_close(*be, bn.forward(x, true), g["y"], "y");
  Tensor dx = bn.backward(g.tensor(*be, "g"), true);
  check_close(*be, dx, g["dx"], "dx", 2e-4f);
  std::vector<Param*> ps, bufs;
  bn.parameters(ps);
  bn.buffers(bufs);
  check_close(*be, ps[0]->grad, g["dgamma"], "dgamma");
  check_close(*be, ps[1]->grad, g["dbeta"], "dbeta");
  check_close(*be, bufs[0]->value, g["running_mean"], "running_mean");
  check_close(*be, bufs[1]->value, g["running_var"], "running_var");
  check_close(*be, bn.forward(x, false), g["y_eval"], "y_eval");
}

TEST_CASE("nn: relu matches PyTorch") {
  auto be = make_cpu_backend();
  Golden g("relu");
  Relu relu(*be, "relu");
  check_close(*be, relu.forward(g.tensor(*be, "x"), true), g["y"], "y");
  check_close(*be, relu.backward(g.tensor(*be, "g"), true), g["dx"], "dx");
}

TEST_CASE("nn: max and average pooling match PyTorch") {
  auto be = make_cpu_backend();
  {
    Golden g("maxpool_k2s2");
    Pool2d pool(*be, "pool", PoolSpec{PoolKind::Max, 2, 2, 2, 2, 0, 0});
    check_close(*be, pool.forward(g.tensor(*be, "x"), true), g["y"], "max y");
    check_close(*be, pool.backward(g.tensor(*be, "g"), true), g["dx"], "max dx");
  }
  {
    Golden g("avgpool_k3s2p1");
    Pool2d pool(*be, "pool", PoolSpec{PoolKind::Avg, 3, 3, 2, 2, 1, 1});
    check_close(*be, pool.forward(g.tensor(*be, "x"), true), g["y"], "avg y");
    check_close(*be, pool.backward(g.tensor(*be, "g"), true), g["dx"], "avg dx");
  }
  {
    Golden g("global_avgpool");
    GlobalAvgPool pool(*be, "gap");
    check_close(*be, pool.forward(g.tensor(*be, "x"), true), g["y"], "gap y");
    check_close(*be, pool.backward(g.tensor(*be, "g"), true), g["dx"], "gap dx");
  }
}

TEST_CASE("nn: dense matches PyTorch") {
  auto be = make_cpu_backend();
  Golden g("dense");
  Rng rng(1);
  Dense fc(*be, "fc", DenseSpec{10, 5, true}, Init::HeNormal, rng);
  set_params(*be, fc, g, {{"fc.weight", "weight"}, {"fc.bias", "bias"}});
  check_close(*be, fc.forward(g.tensor(*be, "x"), true), g["y"], "y");
  check_close(*be, fc.backward(g.tensor(*be, "g"), true), g["dx"], "dx");
  std::vector<Param*> ps;
  fc.parameters(ps);
  check_close(*be, ps[0]->grad, g["dweight"], "dweight");
  check_close(*be, ps[1]->grad, g["dbias"], "dbias");
}

TEST_CASE("nn: 2-layer bidirectional LSTM matches PyTorch (forward and dx and weight gradients)") {
  auto be = make_cpu_backend();
  Golden g("lstm_bi2");
  Rng rng(1);
  Lstm lstm(*be, "lstm", 5, 4, 2, true, rng);
  std::vector<std::pair<std::string, std::string>> names;
  for (const char* l : {"l0", "l1"})
    for (const char* w : {"w_ih", "w_hh", "bias"}) {
      const std::string n = std::string("lstm.") + l + "." + w;
      names.emplace_back(n, n);
    }
  set_params(*be, lstm, g, names);
  check_close(*be, lstm.forward(g.tensor(*be, "x"), true), g["y"], "y");
  // Inference mode uses a different primitive and packed weights: same answer.
  check_close(*be, lstm.forward(g.tensor(*be, "x"), false), g["y"], "y (inference)");
  lstm.forward(g.tensor(*be, "x"), true);
  check_close(*be, lstm.backward(g.tensor(*be, "g"), true), g["dx"], "dx");
  std::vector<Param*> ps;
  lstm.parameters(ps);
  for (Param* p : ps) check_close(*be, p->grad, g["d" + p->name], "d" + p->name);
}

TEST_CASE("nn: softmax cross-entropy matches PyTorch") {
  auto be = make_cpu_backend();
  Golden g("softmax_ce");
  SoftmaxCrossEntropy ce(*be);
  const auto labels = g.labels();
  const float loss = ce.forward_backward(g.tensor(*be, "logits"), labels.data());
  CHECK(loss == doctest::Approx(g["loss"].data[0]).epsilon(1e-5));
  check_close(*be, ce.probs(), g["probs"], "probs", 1e-6f);
  check_close(*be, ce.grad(), g["dlogits"], "dlogits", 1e-6f);
  const int32_t bad[5] = {0, 3, 0, 0, 0};
  CHECK_THROWS_AS(ce.forward_backward(g.tensor(*be, "logits"), bad), dvhpc::Error);
}
