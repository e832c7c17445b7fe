// Ridge regression / GBLUP in sample space, solved exactly through ONE
// eigendecomposition of the training samples' relationship matrix.
//
// Model: y = mu 1 + g + e, g ~ N(0, s_g^2 K), e ~ N(0, s_e^2 I), K = X X^T
// over markers X (samples x variants). The BLUP of g with lambda = s_e^2 /
// s_g^2 is ridge regression of y on X with penalty lambda and an unpenalised
// intercept (sklearn `Ridge(alpha=lambda)`): beta = X^T alpha,
//   alpha = (K_c + lambda I)^-1 (y - mean(y)),   K_c = P K P, P = I - 11^T/n
// (K_c: the markers centred over THESE training samples, as sklearn centres
// each fit). With K_c = U diag(s) U^T once, every lambda and every target
// costs O(n^2) (one U^T y, one U z), and the criteria below cost O(n) (REML)
// or O(n^2) (leave-one-out) per lambda, so lambda is searched on a grid of
// log lambda and refined by golden-section search.
//
// 1 is an eigenvector of K_c with eigenvalue 0 (the intercept direction);
// when K_c has more null directions (n > variants) LAPACK may mix them, so
// every sum below is written to be invariant to the basis of the null space:
// y - mean(y) is orthogonal to 1, and the intercept direction's share of a
// log-determinant is log(lambda), of diag(U U^T) is 1/n.
#pragma once

#include <cstdint>
#include <vector>

namespace dvhpc::gp {

enum class Shrinkage {
  Reml,  // maximise the restricted likelihood of (s_g^2, s_e^2) (GCTA, rrBLUP)
  Loo,   // minimise the exact leave-one-out squared error (sklearn RidgeCV)
};

struct RidgeFit {
  double lambda = 0;
  double intercept = 0;       // prediction = intercept + k_new . alpha (uncentred k_new)
  std::vector<double> alpha;  // [n], sums to 0
  double criterion = 0;       // REML log-likelihood (+ const) or LOO mean squared error at lambda
};

class KernelRidge {
 public:
  // k: [n, n] row-major relationship matrix of the training samples, any
  // centring of the markers (centred here). Throws Error(Input) for n < 3.
  KernelRidge(const std::vector<double>& k, int64_t n);

  int64_t n() const { return n_; }
  const std::vector<double>& eigenvalues() const { return s_; }  // descending, clamped at 0

  // Chooses lambda by `how` and solves; y: [n] targets.
  RidgeFit fit(const std::vector<double>& y, Shrinkage how) const;
  // Solves at a given lambda (> 0).
  RidgeFit fit_at(const std::vector<double>& y, double lambda) const;

  // Criteria at lambda for centred targets rotated into the eigenbasis
  // (w = U^T (y - mean y)); exposed for tests.
  double reml_loglik(const std::vector<double>& w, double lambda) const;
  double loo_mse(const std::vector<double>& w, double lambda) const;
  std::vector<double> rotate(const std::vector<double>& y) const;

  // Predictions for m new samples from their rows of the (uncentred)
  // relationship matrix with the training samples, k_new [m, n].
  static std::vector<double> predict(const RidgeFit& f, const double* k_new, int64_t m, int64_t n);

 private:
  double criterion(const std::vector<double>& w, double lambda, Shrinkage how) const;

  int64_t n_ = 0;
  std::vector<double> s_;   // eigenvalues of K_c, descending, >= 0
  std::vector<double> u_;   // [n, n] row-major, column j = eigenvector j
  std::vector<double> cm_;  // column means of the uncentred K
  double scale_ = 1;        // mean eigenvalue: the centre of the lambda search
};

}  // namespace dvhpc::gp
