// The eigenbasis ridge solver against direct dense solves written here
// independently: ridge with an unpenalised intercept in marker space (normal
// equations), brute-force leave-one-out refits, and the REML likelihood of
// the contrasts orthogonal to 1 from a Cholesky factor. Both n < markers and
// n > markers (a relationship matrix with a null space) are covered.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "dvhpc/sim/rng.hpp"
#include "src/gp/held_out_reml.hpp"
#include "src/gp/kernel_ridge.hpp"
#include "src/gp/lambda_search.hpp"

using namespace dvhpc;
using namespace dvhpc::gp;

namespace {

using Mat = std::vector<double>;  // row-major

struct Problem {
  int n, m;
  Mat x;  // [n, m] markers (0/1/2 copies, uncentred)
  std::vector<double> y;
};

Problem make(int n, int m, uint64_t seed, double noise = 1.0) {
  sim::SimRng rng(seed);
  Problem p{n, m, Mat(static_cast<size_t>(n * m)), std::vector<double>(static_cast<size_t>(n))};
  std::vector<double> beta(static_cast<size_t>(m));
  for (auto& b : beta) b = rng.normal() * 0.3;
  for (int i = 0; i < n; ++i) {
    double g = 0;
    for (int j = 0; j < m; ++j) {
      const double v = static_cast<double>(rng.below(3));
      p.x[static_cast<size_t>(i * m + j)] = v;
      g += v * beta[static_cast<size_t>(j)];
    }
    p.y[static_cast<size_t>(i)] = 5 + g + noise * rng.normal();
  }
  return p;
}

Mat gram(const Mat& a, int ra, const Mat& b, int rb, int m) {  // A B^T
  Mat k(static_cast<size_t>(ra * rb), 0.0);
  for (int i = 0; i < ra; ++i)
    for (int j = 0; j < rb; ++j)
      for (int c = 0; c < m; ++c) k[static_cast<size_t>(i * rb + j)] += a[static_cast<size_t>(i * m + c)] * b[static_cast<size_t>(j * m + c)];
  return k;
}

// Solves A x = b for symmetric positive definite A [n, n] by Cholesky; also log det A.
std::vector<double> chol_solve(Mat a, int n, std::vector<double> b, double* logdet) {
  for (int j = 0; j < n; ++j) {
    double d = a[static_cast<size_t>(j * n + j)];
    for (int k = 0; k < j; ++k) d -= a[static_cast<size_t>(j * n + k)] * a[static_cast<size_t>(j * n + k)];
    REQUIRE(d > 0);
    const double l = std::sqrt(d);
    a[static_cast<size_t>(j * n + j)] = l;
    for (int i = j + 1; i < n; ++i) {
      double s = a[static_cast<size_t>(i * n + j)];
      for (int k = 0; k < j; ++k) s -= a[static_cast<size_t>(i * n + k)] * a[static_cast<size_t>(j * n + k)];
      a[static_cast<size_t>(i * n + j)] = s / l;
    }
  }
  if (logdet) {
    *logdet = 0;
    for (int j = 0; j < n; ++j) *logdet += 2 * std::log(a[static_cast<size_t>(j * n + j)]);
  }
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < i; ++k) b[static_cast<size_t>(i)] -= a[static_cast<size_t>(i * n + k)] * b[static_cast<size_t>(k)];
    b[static_cast<size_t>(i)] /= a[static_cast<size_t>(i * n + i)];
  }
  for (int i = n - 1; i >= 0; --i) {
    for (int k = i + 1; k < n; ++k) b[static_cast<size_t>(i)] -= a[static_cast<size_t>(k * n + i)] * b[static_cast<size_t>(k)];
    b[static_cast<size_t>(i)] /= a[static_cast<size_t>(i * n + i)];
  }
  return b;
}

// Ridge with intercept in marker space: predictions for rows of `xnew`.
std::vector<double> direct_ridge(const Mat& x, const std::vector<double>& y, int n, int m, double lambda,
                                 const Mat& xnew, int nnew) {
  std::vector<double> mean(static_cast<size_t>(m), 0.0);
  double ym = 0;
  for (int i = 0; i < n; ++i) {
    ym += y[static_cast<size_t>(i)] / n;
    for (int j = 0; j < m; ++j) mean[static_cast<size_t>(j)] += x[static_cast<size_t>(i * m + j)] / n;
  }
  Mat a(static_cast<size_t>(m * m), 0.0);
  std::vector<double> rhs(static_cast<size_t>(m), 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < m; ++j) {
      const double xj = x[static_cast<size_t>(i * m + j)] - mean[static_cast<size_t>(j)];
      rhs[static_cast<size_t>(j)] += xj * (y[static_cast<size_t>(i)] - ym);
      for (int l = 0; l < m; ++l) a[static_cast<size_t>(j * m + l)] += xj * (x[static_cast<size_t>(i * m + l)] - mean[static_cast<size_t>(l)]);
    }
  for (int j = 0; j < m; ++j) a[static_cast<size_t>(j * m + j)] += lambda;
  const auto beta = chol_solve(a, m, rhs, nullptr);
  std::vector<double> out;
  for (int e = 0; e < nnew; ++e) {
    double s = ym;
    for (int j = 0; j < m; ++j) s += (xnew[static_cast<size_t>(e * m + j)] - mean[static_cast<size_t>(j)]) * beta[static_cast<size_t>(j)];
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("kernel ridge equals ridge with an intercept in marker space, and its LOO and REML are exact") {
  for (auto [n, m] : {std::pair{40, 60}, std::pair{50, 12}}) {  // n < markers; n > markers (null space)
    CAPTURE(n);
    CAPTURE(m);
    const Problem p = make(n + 7, m, 17u + static_cast<uint64_t>(n));
    const Mat xt(p.x.begin(), p.x.begin() + n * m), xe(p.x.begin() + n * m, p.x.end());
    const std::vector<double> yt(p.y.begin(), p.y.begin() + n);
    const KernelRidge kr(gram(xt, n, xt, n, m), n);
    const Mat ke = gram(xe, 7, xt, n, m);
    for (double lambda : {0.3, 4.0, 55.0}) {
      CAPTURE(lambda);
      const RidgeFit f = kr.fit_at(yt, lambda);
      const auto mine = KernelRidge::predict(f, ke.data(), 7, n);
      const auto ref = direct_ridge(xt, yt, n, m, lambda, xe, 7);
      for (int e = 0; e < 7; ++e) CHECK(mine[static_cast<size_t>(e)] == doctest::Approx(ref[static_cast<size_t>(e)]).epsilon(1e-9));
      double sum = 0;
      for (double a : f.alpha) sum += a;
      CHECK(std::abs(sum) < 1e-9);

      // Leave-one-out by n refits.
      double loo = 0;
      for (int j = 0; j < n; ++j) {
        Mat xr;
        std::vector<double> yr;
        for (int i = 0; i < n; ++i)
          if (i != j) {
            xr.insert(xr.end(), xt.begin() + i * m, xt.begin() + (i + 1) * m);
            yr.push_back(yt[static_cast<size_t>(i)]);
          }
        const Mat xj(xt.begin() + j * m, xt.begin() + (j + 1) * m);
        const double r = yt[static_cast<size_t>(j)] - direct_ridge(xr, yr, n - 1, m, lambda, xj, 1)[0];
        loo += r * r / n;
      }
      CHECK(kr.loo_mse(kr.rotate(yt), lambda) == doctest::Approx(loo).epsilon(1e-8));

      // REML: contrasts z = Q^T y, Q an orthonormal basis of 1-perp
      // (Helmert), V = Q^T K Q + lambda I; -1/2 [N log(z^T V^-1 z) + log det V].
      const int N = n - 1;
      Mat q(static_cast<size_t>(n * N), 0.0);
      for (int c = 0; c < N; ++c) {
        const double norm = std::sqrt(static_cast<double>((c + 1) * (c + 2)));
        for (int i = 0; i <= c; ++i) q[static_cast<size_t>(i * N + c)] = 1.0 / norm;
        q[static_cast<size_t>((c + 1) * N + c)] = -(c + 1) / norm;
      }
      const Mat k = gram(xt, n, xt, n, m);
      Mat v(static_cast<size_t>(N * N), 0.0);
      std::vector<double> z(static_cast<size_t>(N), 0.0);
      for (int a = 0; a < N; ++a) {
        for (int i = 0; i < n; ++i) z[static_cast<size_t>(a)] += q[static_cast<size_t>(i * N + a)] * yt[static_cast<size_t>(i)];
        for (int b = 0; b < N; ++b) {
          double s = 0;
          for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) s += q[static_cast<size_t>(i * N + a)] * k[static_cast<size_t>(i * n + j)] * q[static_cast<size_t>(j * N + b)];
          v[static_cast<size_t>(a * N + b)] = s + (a == b ? lambda : 0.0);
        }
      }
      double logdet = 0;
      const auto vz = chol_solve(v, N, z, &logdet);
      double quad = 0;
      for (int a = 0; a < N; ++a) quad += z[static_cast<size_t>(a)] * vz[static_cast<size_t>(a)];
      CHECK(kr.reml_loglik(kr.rotate(yt), lambda) == doctest::Approx(-0.5 * (N * std::log(quad) + logdet)).epsilon(1e-8));
    }
  }
}

TEST_CASE("kernel ridge chooses the lambda that optimises its criterion") {
  const int n = 60, m = 80;
  const Problem p = make(n, m, 5, 3.0);  // h^2 about 0.3: both optima inside the searched range
  const KernelRidge kr(gram(p.x, n, p.x, n, m), n);
  const auto w = kr.rotate(p.y);
  const RidgeFit reml = kr.fit(p.y, Shrinkage::Reml), loo = kr.fit(p.y, Shrinkage::Loo);
  CAPTURE(reml.lambda);
  CAPTURE(loo.lambda);
  for (double step : {1.02, 1.5, 10.0}) {
    CHECK(kr.reml_loglik(w, reml.lambda) >= kr.reml_loglik(w, reml.lambda * step) - 1e-9);
    CHECK(kr.reml_loglik(w, reml.lambda) >= kr.reml_loglik(w, reml.lambda / step) - 1e-9);
    CHECK(kr.loo_mse(w, loo.lambda) <= kr.loo_mse(w, loo.lambda * step) + 1e-12);
    CHECK(kr.loo_mse(w, loo.lambda) <= kr.loo_mse(w, loo.lambda / step) + 1e-12);
  }
  CHECK(reml.criterion == doctest::Approx(kr.reml_loglik(w, reml.lambda)));
  // A signal in the targets: heritability well inside (0, 1), so lambda is
  // inside the searched range, not at its edge.
  const double mean_eig = [&] {
    double s = 0;
    for (double e : kr.eigenvalues()) s += e;
    return s / (n - 1);
  }();
  CAPTURE(mean_eig);
  for (double l : {reml.lambda, loo.lambda}) {
    CHECK(l > mean_eig * 1e-4);
    CHECK(l < mean_eig * 1e4);
  }
}

TEST_CASE("held-out REML from the base set's decomposition equals decomposing the training block") {
  for (auto [n, m] : {std::pair{50, 70}, std::pair{45, 15}}) {  // with and without a null space
    CAPTURE(n);
    const Problem p = make(n, m, 31u + static_cast<uint64_t>(n), 2.0);
    const Mat k = gram(p.x, n, p.x, n, m);
    const HeldOutReml held(k, n);
    for (int skip : {0, 7}) {  // 0: nothing excluded (the final fit)
      CAPTURE(skip);
      std::vector<int64_t> train, test;
      for (int i = 0; i < n; ++i) (skip && i % skip == 3 ? test : train).push_back(i);
      const int nt = static_cast<int>(train.size());
      Mat kt, ke;
      std::vector<double> yt;
      for (int64_t i : train) {
        yt.push_back(p.y[static_cast<size_t>(i)]);
        for (int64_t j : train) kt.push_back(k[static_cast<size_t>(i * n + j)]);
      }
      for (int64_t i : test)
        for (int64_t j : train) ke.push_back(k[static_cast<size_t>(i * n + j)]);
      const KernelRidge kr(kt, nt);
      for (double lambda : {0.5, 20.0, 400.0}) {
        CAPTURE(lambda);
        double ll = 0;
        const RidgeFit a = held.fit_at(train, yt, lambda, &ll), b = kr.fit_at(yt, lambda);
        // REML up to the constant -1/2 log n_t (the contrasts' basis).
        CHECK(ll + 0.5 * std::log(static_cast<double>(nt)) == doctest::Approx(kr.reml_loglik(kr.rotate(yt), lambda)).epsilon(1e-9));
        const auto pa = KernelRidge::predict(a, kt.data(), nt, nt), pb = KernelRidge::predict(b, kt.data(), nt, nt);
        for (int i = 0; i < nt; ++i) CHECK(pa[static_cast<size_t>(i)] == doctest::Approx(pb[static_cast<size_t>(i)]).epsilon(1e-9));
        const int ne = static_cast<int>(test.size());
        const auto qa = KernelRidge::predict(a, ke.data(), ne, nt), qb = KernelRidge::predict(b, ke.data(), ne, nt);
        for (int i = 0; i < ne; ++i) CHECK(qa[static_cast<size_t>(i)] == doctest::Approx(qb[static_cast<size_t>(i)]).epsilon(1e-9));
      }
      const RidgeFit a = held.fit(train, yt), b = kr.fit(yt, Shrinkage::Reml);
      CHECK(a.lambda == doctest::Approx(b.lambda).epsilon(3e-3));
    }
  }
}

TEST_CASE("lambda search: grid then Brent finds the minimum, or the edge of the range") {
  int calls = 0;
  const auto quad = [&](double t) { return ++calls, (t - 1.234) * (t - 1.234) * (1 + 0.1 * t * t); };
  const SearchResult r = minimize_log_lambda(quad, -5, 5, 11, 1e-6);
  CHECK(r.t == doctest::Approx(1.234).epsilon(1e-5));
  CHECK(r.evaluations == calls);
  CHECK(r.evaluations < 40);
  const SearchResult edge = minimize_log_lambda([](double t) { return t; }, -3, 3, 7, 1e-6);
  CHECK(edge.t == doctest::Approx(-3).epsilon(1e-5));
}

TEST_CASE("lambda search from a start: walks downhill to the minimum from either side, or to a bound") {
  const auto quad = [](double t) { return (t - 1.234) * (t - 1.234) * (1 + 0.1 * t * t); };
  for (double t0 : {-4.0, -1.0, 1.234, 1.5, 4.9}) {
    CAPTURE(t0);
    const SearchResult r = minimize_from(quad, t0, 1.15, -5, 5, 1e-6);
    CHECK(r.t == doctest::Approx(1.234).epsilon(1e-5));
    CHECK(r.value == doctest::Approx(0).epsilon(1e-9));
    CHECK(r.evaluations < 30);
  }
  // Near the answer it needs fewer evaluations than the grid of 11 plus Brent.
  CHECK(minimize_from(quad, 1.0, 1.15, -5, 5, 1e-4).evaluations <
        minimize_log_lambda(quad, -5, 5, 11, 1e-4).evaluations);
  // Monotone criteria end at the bound they fall towards, from inside or outside the range.
  CHECK(minimize_from([](double t) { return t; }, 0.3, 1.15, -3, 3, 1e-6).t == doctest::Approx(-3).epsilon(1e-5));
  CHECK(minimize_from([](double t) { return -t; }, 0.3, 1.15, -3, 3, 1e-6).t == doctest::Approx(3).epsilon(1e-5));
  CHECK(minimize_from([](double t) { return -t; }, 7, 1.15, -3, 3, 1e-6).t == doctest::Approx(3).epsilon(1e-5));
}
