// REML GBLUP for MANY training sets of one sample set from ONE
// eigendecomposition: the training set is the base set minus an excluded
// block e (a test fold, plus the samples missing the trait), and its fit is
// computed exactly from the base set's decomposition, without decomposing
// the training block itself.
//
// With A = K_c + lambda I over the base set (K_c centred over the base set)
// and B = A^-1 = U diag(1/(s + lambda)) U^T from K_c = U S U^T once:
//   A_tt^-1 = B_tt - B_te B_ee^-1 B_et         (block inverse)
//   log det A_tt = log det A + log det B_ee    (Jacobi's complementary minor)
// so each lambda costs one n_e x n_e Cholesky of B_ee and O(n_e n + n^2)
// products, instead of an n_t^3 eigendecomposition per training set. The
// intercept is a fixed effect (generalised least squares), which makes the
// REML likelihood and the predictions invariant to how K is centred: the
// fit is exactly ridge regression with an unpenalised intercept on the
// training samples (kernel_ridge.hpp), lambda chosen by the REML likelihood
//   -1/2 [(n_t - 1) log(y'Py) + log det A_tt + log 1'A_tt^-1 1],
//   P = A_tt^-1 - A_tt^-1 1 1' A_tt^-1 / 1'A_tt^-1 1   (s_g^2 profiled out).
// Worth it when n_e is well below n (5-fold CV: n_e = n/5).
#pragma once

#include <cstdint>
#include <vector>

#include "kernel_ridge.hpp"

namespace dvhpc::gp {

class HeldOutReml {
 public:
  // k: [n, n] row-major relationship matrix of the base set (uncentred, as
  // Gblup holds it). Throws Error(Input) for n < 3.
  HeldOutReml(const std::vector<double>& k, int64_t n);

  int64_t n() const { return n_; }

  // Fits targets y on the base positions `train` (ascending, no repeats):
  // lambda maximising the REML likelihood, alpha [train.size()], and the
  // intercept for prediction = intercept + k(new, train) . alpha with the
  // uncentred k (RidgeFit's convention).
  RidgeFit fit(const std::vector<int64_t>& train, const std::vector<double>& y) const;
  // The same at a given lambda; *loglik (if set) gets the REML log-likelihood.
  RidgeFit fit_at(const std::vector<int64_t>& train, const std::vector<double>& y, double lambda,
                  double* loglik = nullptr) const;

 private:
  struct Excluded;  // per training set: the excluded rows of U and the rotated targets
  Excluded prepare(const std::vector<int64_t>& train, const std::vector<double>& y) const;
  RidgeFit evaluate(const Excluded& x, double lambda, double* loglik, bool want_alpha) const;
  // Where the search starts: the log lambda maximising the base set's REML
  // likelihood with the excluded targets imputed by the training mean.
  double imputed_start(const Excluded& x, double lo, double hi) const;

  int64_t n_ = 0;
  std::vector<double> s_;   // eigenvalues of the centred K, >= 0
  std::vector<double> ut_;  // [n, n]: row j = eigenvector j (LAPACK's column-major output)
  std::vector<double> cm_;  // column means of the uncentred K
  double scale_ = 1;        // mean eigenvalue: the centre of the lambda search
};

}  // namespace dvhpc::gp
