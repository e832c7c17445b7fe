// Finite-difference gradient checks of the CPU backend: independent of the
// PyTorch goldens, they catch a backward pass that is wrong in both.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "dvhpc/nn/batch_norm.hpp"
#include "dvhpc/nn/conv2d.hpp"
#include "dvhpc/nn/dense.hpp"
#include "dvhpc/nn/lstm.hpp"
#include "dvhpc/nn/pooling.hpp"
#include "dvhpc/nn/sequential.hpp"

using namespace dvhpc::nn;

namespace {

std::vector<float> randn(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& f : v) f = static_cast<float>(rng.normal());
  return v;
}

// L(x, params) = sum(layer(x) * g). Compares the analytic dL/dx and dL/dparam
// with central differences at a sample of elements.
void gradcheck(Backend& be, Layer& layer, const Shape& xshape, float tol = 2e-2f) {
  const auto xh = randn(static_cast<size_t>(shape_numel(xshape)), 5);
  Tensor x = be.from_host(xshape, xh);
  Tensor y = layer.forward(x, true);
  const auto g = randn(static_cast<size_t>(y.numel()), 6);
  Tensor dx = layer.backward(be.from_host(y.shape(), g), true);
  auto loss = [&]() {
    const auto yh = be.to_host(layer.forward(x, true));
    double s = 0;
    for (size_t i = 0; i < yh.size(); ++i) s += double(yh[i]) * g[i];
    return s;
  };
  auto probe = [&](Tensor& t, const std::vector<float>& analytic, const std::string& what) {
    auto h = be.to_host(t);
    const size_t stride = std::max<size_t>(1, h.size() / 23);
    for (size_t i = 0; i < h.size(); i += stride) {
      const float orig = h[i], eps = 1e-2f * std::max(1.0f, std::fabs(orig));
      h[i] = orig + eps;
      be.upload(h.data(), t);
      const double lp = loss();
      h[i] = orig - eps;
      be.upload(h.data(), t);
      const double lm = loss();
      h[i] = orig;
      be.upload(h.data(), t);
      const double numeric = (lp - lm) / (2.0 * eps);
      CHECK_MESSAGE(std::fabs(numeric - analytic[i]) <= tol * (1.0 + std::fabs(numeric)),
                    what << "[" << i << "]: numeric " << numeric << " analytic " << analytic[i]);
    }
  };
  probe(x, be.to_host(dx), "dx");
  std::vector<Param*> ps;
  layer.parameters(ps);
  for (Param* p : ps) probe(p->value, be.to_host(p->grad), "d" + p->name);
}

}  // namespace

TEST_CASE("nn: finite-difference gradients of conv2d dense pooling and batch norm") {
  auto be = make_cpu_backend();
  Rng rng(2);
  Conv2dSpec cs;
  cs.in_channels = 3;
  cs.out_channels = 4;
  cs.stride_h = 2;
  Conv2d conv(*be, "conv", cs, rng);
  gradcheck(*be, conv, {2, 3, 6, 5});
  Dense fc(*be, "fc", DenseSpec{7, 4, true}, Init::XavierUniform, rng);
  gradcheck(*be, fc, {3, 7});
  Pool2d avg(*be, "avg", PoolSpec{PoolKind::Avg, 3, 3, 2, 2, 1, 1});
  gradcheck(*be, avg, {2, 2, 5, 6});
  BatchNorm2d bn(*be, "bn", BatchNormSpec{3});
  gradcheck(*be, bn, {4, 3, 3, 2}, 3e-2f);
}

TEST_CASE("nn: finite-difference gradients of a stacked bidirectional LSTM") {
  auto be = make_cpu_backend();
  Rng rng(4);
  Lstm lstm(*be, "lstm", 3, 5, 2, true, rng);
  gradcheck(*be, lstm, {2, 4, 3});
}

TEST_CASE("nn: finite-difference gradients through a residual block") {
  auto be = make_cpu_backend();
  Rng rng(5);
  ResidualBlock blk(*be, "blk");
  Conv2dSpec cs;
  cs.in_channels = 2;
  cs.out_channels = 2;
  blk.main().add<Conv2d>("c1", cs, rng);
  blk.main().add<BatchNorm2d>("bn", BatchNormSpec{2});
  gradcheck(*be, blk, {3, 2, 4, 4}, 3e-2f);
}
