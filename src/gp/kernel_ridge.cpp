#include "kernel_ridge.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "dvhpc/error.hpp"
#include "lambda_search.hpp"
#include "src/pca/dense_linalg.hpp"

namespace dvhpc::gp {
namespace {

// The lambda search (lambda_search.hpp): a grid over scale * [1e-5, 1e5]
// (h^2 from ~1 to ~0 for a relationship matrix whose mean eigenvalue is
// `scale`), 4 points per decade, then Brent to 1e-6 in log lambda.
constexpr double kDecades = 5.0;
constexpr int kPerDecade = 4;
constexpr double kTolerance = 1e-6;

}  // namespace

KernelRidge::KernelRidge(const std::vector<double>& k, int64_t n) : n_(n) {
  if (n < 3) throw Error(ErrorKind::Input, "a training set of " + std::to_string(n) + " samples is too small");
  DVHPC_ASSERT(static_cast<int64_t>(k.size()) == n * n, "relationship block size");
  // Double centring: K_c = K - 1 cm^T - cm 1^T + mean(cm), i.e. the markers
  // centred over the training samples.
  cm_.assign(static_cast<size_t>(n), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) cm_[static_cast<size_t>(j)] += k[static_cast<size_t>(i * n + j)];
  double mm = 0;
  for (auto& c : cm_) {
    c /= static_cast<double>(n);
    mm += c;
  }
  mm /= static_cast<double>(n);
  std::vector<double> kc(k.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      kc[static_cast<size_t>(i * n + j)] = k[static_cast<size_t>(i * n + j)] - cm_[static_cast<size_t>(i)] -
                                           cm_[static_cast<size_t>(j)] + mm;
  linalg::symmetric_eigen(kc, n, n, s_, u_);
  double trace = 0;
  for (auto& s : s_) {
    s = std::max(s, 0.0);  // rounding leaves the null directions at +-1e-7 of the largest
    trace += s;
  }
  scale_ = trace > 0 ? trace / static_cast<double>(n - 1) : 1.0;
}

std::vector<double> KernelRidge::rotate(const std::vector<double>& y) const {
  DVHPC_ASSERT(static_cast<int64_t>(y.size()) == n_, "target length");
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(n_);
  std::vector<double> w(static_cast<size_t>(n_), 0.0);
  for (int64_t i = 0; i < n_; ++i) {
    const double yc = y[static_cast<size_t>(i)] - mean;
    const double* row = u_.data() + i * n_;
    for (int64_t j = 0; j < n_; ++j) w[static_cast<size_t>(j)] += row[j] * yc;
  }
  return w;
}

double KernelRidge::reml_loglik(const std::vector<double>& w, double lambda) const {
  // Restricted likelihood of the n - 1 contrasts orthogonal to 1, with s_g^2
  // profiled out (FaST-LMM): -1/2 [N log(sum w^2/(s+l)) + sum log(s+l)] + const;
  // the intercept direction's log(0 + l) is taken out of the determinant.
  const double N = static_cast<double>(n_ - 1);
  double q = 0, logdet = -std::log(lambda);
  for (int64_t i = 0; i < n_; ++i) {
    const double d = s_[static_cast<size_t>(i)] + lambda;
    q += w[static_cast<size_t>(i)] * w[static_cast<size_t>(i)] / d;
    logdet += std::log(d);
  }
  return -0.5 * (N * std::log(std::max(q, std::numeric_limits<double>::min())) + logdet);
}

double KernelRidge::loo_mse(const std::vector<double>& w, double lambda) const {
  // With the intercept, I - H = sum over directions orthogonal to 1 of
  // c_i u_i u_i^T, c_i = lambda / (s_i + lambda); the leave-one-out residual
  // of sample j is e_j / (1 - H_jj) (exact for penalised least squares).
  std::vector<double> c(static_cast<size_t>(n_)), cw(static_cast<size_t>(n_));
  for (int64_t i = 0; i < n_; ++i) {
    c[static_cast<size_t>(i)] = lambda / (s_[static_cast<size_t>(i)] + lambda);
    cw[static_cast<size_t>(i)] = c[static_cast<size_t>(i)] * w[static_cast<size_t>(i)];
  }
  const double inv_n = 1.0 / static_cast<double>(n_);
  double sum = 0;
  for (int64_t j = 0; j < n_; ++j) {
    const double* row = u_.data() + j * n_;
    double e = 0, d = 0;
    for (int64_t i = 0; i < n_; ++i) {
      e += row[i] * cw[static_cast<size_t>(i)];
      d += row[i] * row[i] * c[static_cast<size_t>(i)];
    }
    d -= inv_n;  // the intercept direction (c = 1 there) is not shrunk
    const double r = e / std::max(d, 1e-300);
    sum += r * r;
  }
  return sum * inv_n;
}

double KernelRidge::criterion(const std::vector<double>& w, double lambda, Shrinkage how) const {
  return how == Shrinkage::Reml ? -reml_loglik(w, lambda) : loo_mse(w, lambda);
}

RidgeFit KernelRidge::fit(const std::vector<double>& y, Shrinkage how) const {
  const std::vector<double> w = rotate(y);
  const double c = std::log(scale_), span = kDecades * std::log(10.0);
  const SearchResult best = minimize_log_lambda([&](double t) { return criterion(w, std::exp(t), how); }, c - span,
                                                c + span, static_cast<int>(2 * kDecades * kPerDecade) + 1, kTolerance);
  RidgeFit f = fit_at(y, std::exp(best.t));
  f.criterion = how == Shrinkage::Reml ? -best.value : best.value;
  return f;
}

RidgeFit KernelRidge::fit_at(const std::vector<double>& y, double lambda) const {
  DVHPC_ASSERT(lambda > 0, "lambda must be positive");
  const std::vector<double> w = rotate(y);
  std::vector<double> z(static_cast<size_t>(n_));
  for (int64_t i = 0; i < n_; ++i) z[static_cast<size_t>(i)] = w[static_cast<size_t>(i)] / (s_[static_cast<size_t>(i)] + lambda);
  RidgeFit f;
  f.lambda = lambda;
  f.alpha.assign(static_cast<size_t>(n_), 0.0);
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(n_);
  double shift = 0;
  for (int64_t j = 0; j < n_; ++j) {
    const double* row = u_.data() + j * n_;
    double a = 0;
    for (int64_t i = 0; i < n_; ++i) a += row[i] * z[static_cast<size_t>(i)];
    f.alpha[static_cast<size_t>(j)] = a;
    shift += cm_[static_cast<size_t>(j)] * a;
  }
  // k_c(new) . alpha = k(new) . alpha - cm . alpha, as alpha sums to 0.
  f.intercept = mean - shift;
  return f;
}

std::vector<double> KernelRidge::predict(const RidgeFit& f, const double* k_new, int64_t m, int64_t n) {
  std::vector<double> out(static_cast<size_t>(m));
  for (int64_t e = 0; e < m; ++e) {
    double s = f.intercept;
    for (int64_t i = 0; i < n; ++i) s += k_new[e * n + i] * f.alpha[static_cast<size_t>(i)];
    out[static_cast<size_t>(e)] = s;
  }
  return out;
}

}  // namespace dvhpc::gp
