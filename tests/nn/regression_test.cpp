// The regression pieces of the nn library: the mean-squared-error gradient
// against central differences (through a Dense layer, so the parameter
// gradients are checked too), the global-batch normaliser, and the
// row-keyed dropout's mask depending on the row key, not the row position.
#include <doctest/doctest.h>

#include <cmath>

#include "dvhpc/nn/dense.hpp"
#include "dvhpc/nn/loss.hpp"
#include "dvhpc/nn/row_dropout.hpp"

using namespace dvhpc::nn;

namespace {
std::vector<float> randn(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& f : v) f = static_cast<float>(rng.normal());
  return v;
}
}  // namespace

TEST_CASE("nn: mean squared error gradient matches finite differences") {
  auto be = make_cpu_backend();
  Rng rng(3);
  Dense dense(*be, "fc", DenseSpec{5, 3, true}, Init::XavierUniform, rng);
  const Shape xs{4, 5};
  const auto xh = randn(20, 11), target = randn(12, 12);
  Tensor x = be->from_host(xs, xh);
  MeanSquaredError mse(*be);
  const double loss0 = mse.forward_backward(dense.forward(x, true), target.data());
  // The value: mean of squares.
  const auto y = be->to_host(dense.forward(x, false));
  double ref = 0;
  for (size_t i = 0; i < y.size(); ++i) ref += (double(y[i]) - target[i]) * (double(y[i]) - target[i]);
  CHECK(loss0 == doctest::Approx(ref / 12).epsilon(1e-6));
  // Analytic dL/dpred, then through the layer.
  const auto dpred = be->to_host(mse.grad());
  for (size_t i = 0; i < y.size(); ++i) CHECK(dpred[i] == doctest::Approx(2 * (y[i] - target[i]) / 12).epsilon(1e-5));
  dense.forward(x, true);
  Tensor dx = dense.backward(mse.grad(), true);
  const auto dxh = be->to_host(dx);
  std::vector<Param*> ps;
  dense.parameters(ps);
  const auto dw = be->to_host(ps[0]->grad);
  auto loss_at = [&](Tensor& xin) {
    MeanSquaredError m(*be);
    return m.forward_backward(dense.forward(xin, false), target.data());
  };
  const float h = 1e-2f;
  for (size_t i = 0; i < 20; i += 3) {  // input gradient
    auto xp = xh, xm = xh;
    xp[i] += h, xm[i] -= h;
    Tensor tp = be->from_host(xs, xp), tm = be->from_host(xs, xm);
    const double fd = (loss_at(tp) - loss_at(tm)) / (2 * h);
    CHECK(dxh[i] == doctest::Approx(fd).epsilon(2e-2).scale(1e-3));
  }
  auto w = be->to_host(ps[0]->value);
  for (size_t i = 0; i < w.size(); i += 2) {  // weight gradient
    auto wp = w, wm = w;
    wp[i] += h, wm[i] -= h;
    be->upload(wp.data(), ps[0]->value);
    ps[0]->value.bump_version();
    const double lp = loss_at(x);
    be->upload(wm.data(), ps[0]->value);
    ps[0]->value.bump_version();
    const double lm = loss_at(x);
    CHECK(dw[i] == doctest::Approx((lp - lm) / (2 * h)).epsilon(2e-2).scale(1e-3));
  }
  be->upload(w.data(), ps[0]->value);
  ps[0]->value.bump_version();

  // Two halves with the global normaliser sum to the whole batch's loss and gradient.
  Tensor top = be->from_host({2, 3}, std::vector<float>(y.begin(), y.begin() + 6));
  Tensor bottom = be->from_host({2, 3}, std::vector<float>(y.begin() + 6, y.end()));
  MeanSquaredError a(*be), b(*be);
  const double la = a.forward_backward(top, target.data(), 12), lb = b.forward_backward(bottom, target.data() + 6, 12);
  CHECK(la + lb == doctest::Approx(loss0).epsilon(1e-6));
  const auto ga = be->to_host(a.grad());
  for (size_t i = 0; i < 6; ++i) CHECK(ga[i] == doctest::Approx(dpred[i]).epsilon(1e-6));
}

TEST_CASE("nn: row-keyed dropout masks follow the row key, not the row position") {
  auto be = make_cpu_backend();
  RowDropout d(*be, "drop", 0.5f, 7);
  const std::vector<float> ones(4 * 64, 1.0f);
  Tensor x = be->from_host({4, 64}, ones);
  d.set_rows({10, 11, 12, 13}, 5);
  const auto all = be->to_host(d.forward(x, true));
  Tensor x2 = be->from_host({2, 64}, std::vector<float>(2 * 64, 1.0f));
  d.set_rows({12, 13}, 5);  // the last two rows, as another rank holds them
  const auto part = be->to_host(d.forward(x2, true));
  for (size_t i = 0; i < part.size(); ++i) CHECK(part[i] == all[2 * 64 + i]);
  size_t kept = 0;
  for (float v : all) {
    CHECK((v == 0.0f || v == 2.0f));
    kept += v > 0;
  }
  CHECK(kept > 80);
  CHECK(kept < 176);
  d.set_rows({10, 11, 12, 13}, 6);  // another step: another mask
  const auto m6 = be->to_host(d.forward(x, true));
  CHECK(m6 != all);
  // Backward applies the same mask; inference is the identity.
  CHECK(be->to_host(d.backward(be->from_host({4, 64}, ones), true)) == m6);
  CHECK(be->to_host(d.forward(x, false)) == ones);
  CHECK_THROWS(RowDropout(*be, "bad", 1.0f, 1));
}
