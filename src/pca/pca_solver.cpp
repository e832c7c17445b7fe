#include "pca_solver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "dense_linalg.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/progress.hpp"
#include "dvhpc/sim/rng.hpp"

namespace dvhpc {
namespace {

// Largest-magnitude entry of each score column positive: a sign that does
// not depend on the rank count or the random start.
void fix_signs(PcaResult& r, int64_t n, int k, int64_t rows) {
  for (int j = 0; j < k; ++j) {
    int64_t at = 0;
    for (int64_t i = 1; i < n; ++i)
      if (std::abs(r.scores[static_cast<size_t>(i * k + j)]) > std::abs(r.scores[static_cast<size_t>(at * k + j)])) at = i;
    if (r.scores[static_cast<size_t>(at * k + j)] >= 0) continue;
    for (int64_t i = 0; i < n; ++i) r.scores[static_cast<size_t>(i * k + j)] *= -1;
    for (int64_t i = 0; i < rows; ++i) r.weights[static_cast<size_t>(i * k + j)] *= -1;
  }
}

std::vector<float> to_float(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

// weights[:, j] = y[:, cols of basis] . w[:, j] / (M lambda_j): y [rows, l], w [l, k].
std::vector<float> variant_weights(const std::vector<float>& y, int64_t rows, int l, const std::vector<double>& w,
                                   int k, const std::vector<double>& sigma2) {
  std::vector<float> out(static_cast<size_t>(rows * k));
  for (int64_t i = 0; i < rows; ++i)
    for (int j = 0; j < k; ++j) {
      double s = 0;
      for (int a = 0; a < l; ++a) s += static_cast<double>(y[static_cast<size_t>(i * l + a)]) * w[static_cast<size_t>(a * k + j)];
      out[static_cast<size_t>(i * k + j)] = sigma2[static_cast<size_t>(j)] > 0 ? static_cast<float>(s / sigma2[static_cast<size_t>(j)]) : 0.0f;
    }
  return out;
}

// Ritz pairs of G on the span of the first `sub` columns of an orthonormal
// basis K, from gram = K^T G K [L, L]: the top-k values and the
// coefficients C [sub, k] of the Ritz vectors K C.
void rayleigh_ritz(const std::vector<double>& gram, int L, int sub, int k, std::vector<double>& values,
                   std::vector<double>& coef) {
  std::vector<double> g(static_cast<size_t>(sub * sub));
  for (int a = 0; a < sub; ++a)
    for (int c = 0; c < sub; ++c) g[static_cast<size_t>(a * sub + c)] = gram[static_cast<size_t>(a * L + c)];
  linalg::symmetric_eigen(g, sub, k, values, coef);
}

// z -= K K^T z for the first `cols` columns of K [n, L] (z [n, l]), twice:
// one classical Gram-Schmidt sweep loses orthogonality when z lies almost
// in span(K); the second restores it (Giraud et al. 2005, "twice is enough").
void project_out(const std::vector<double>& K, int64_t n, int L, int cols, std::vector<double>& z, int l) {
  std::vector<double> c(static_cast<size_t>(cols * l));
  for (int round = 0; round < 2; ++round) {
    std::fill(c.begin(), c.end(), 0.0);
    for (int64_t i = 0; i < n; ++i)
      for (int a = 0; a < cols; ++a) {
        const double k = K[static_cast<size_t>(i * L + a)];
        for (int b = 0; b < l; ++b) c[static_cast<size_t>(a * l + b)] += k * z[static_cast<size_t>(i * l + b)];
      }
    for (int64_t i = 0; i < n; ++i)
      for (int a = 0; a < cols; ++a) {
        const double k = K[static_cast<size_t>(i * L + a)];
        for (int b = 0; b < l; ++b) z[static_cast<size_t>(i * l + b)] -= k * c[static_cast<size_t>(a * l + b)];
      }
  }
}

PcaResult randomized(const Comm& comm, const StandardizedGenotypes& x, const PcaOptions& opt, int k, int l) {
  const int64_t n = x.cols(), rows = x.rows();
  const int blocks = opt.power_iterations + 1, L = blocks * l;
  PcaResult r;
  // Krylov basis K = [Q_0 .. Q_q] [n, L]; Q_0 Gaussian, Q_{i+1} = orth(G Q_i).
  std::vector<double> basis(static_cast<size_t>(n * L)), q(static_cast<size_t>(n * l));
  for (int64_t i = 0; i < n; ++i) {
    sim::SimRng rng(sim::key(opt.seed, {static_cast<uint64_t>(i), 0x70636131}));
    for (int a = 0; a < l; ++a) q[static_cast<size_t>(i * l + a)] = rng.normal();
  }
  linalg::orthonormalize(q, n, l);
  std::vector<float> y(static_cast<size_t>(rows * L)), z;
  Progress progress("pca", blocks, "passes", opt.progress && comm.is_root());
  const auto start = std::chrono::steady_clock::now();
  auto clock = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  for (int b = 0; b < blocks; ++b) {
    for (int64_t i = 0; i < n; ++i)
      for (int a = 0; a < l; ++a) basis[static_cast<size_t>(i * L + b * l + a)] = q[static_cast<size_t>(i * l + a)];
    const bool last = b + 1 == blocks;
    const std::vector<float> qf = to_float(q);
    z.assign(last ? 0 : static_cast<size_t>(n * l), 0.0f);
    // Y[:, block b] = X Q_b (kept for the Rayleigh-Ritz step) and Z = X^T X Q_b, one decode.
    const double t0 = clock();
    x.multiply(qf.data(), l, y.data() + b * l, L, last ? nullptr : z.data());
    log::debug("pass {}: {:.3f} s over the genotypes", b + 1, clock() - t0);
    ++r.passes;
    progress.tick();
    if (last) break;
    q.assign(z.begin(), z.end());
    comm.allreduce_sum(q.data(), static_cast<int64_t>(q.size()));
    // Block Lanczos with full reorthogonalisation: the new block is made
    // orthogonal to the whole basis so far, so K stays orthonormal and the
    // Rayleigh-Ritz step below is well conditioned.
    project_out(basis, n, L, (b + 1) * l, q, l);
    linalg::orthonormalize(q, n, l);
  }
  progress.finish();
  const double t_ritz = clock();
  // Rayleigh-Ritz on span(K) without another pass: K^T G K = (XK)^T (XK) = Y^T Y.
  std::vector<double> gram(static_cast<size_t>(L * L), 0.0);
  linalg::gram_accumulate(y.data(), rows, L, gram.data());
  comm.allreduce_sum(gram.data(), static_cast<int64_t>(gram.size()));
  // Estimates from the first b blocks, b = 1 .. q+1 (the last is the result):
  // how they settle shows convergence at no cost in passes.
  std::vector<double> sigma2, coef;
  for (int b = 1; b <= blocks; ++b) {
    rayleigh_ritz(gram, L, b * l, std::min(k, b * l), sigma2, coef);
    r.ritz.emplace_back(sigma2);
  }
  r.scores.assign(static_cast<size_t>(n * k), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int a = 0; a < L; ++a) {
      const double b = basis[static_cast<size_t>(i * L + a)];
      for (int j = 0; j < k; ++j) r.scores[static_cast<size_t>(i * k + j)] += b * coef[static_cast<size_t>(a * k + j)];
    }
  r.weights = variant_weights(y, rows, L, coef, k, sigma2);
  log::debug("passes {:.3f} s in all, Rayleigh-Ritz and weights {:.3f} s", t_ritz, clock() - t_ritz);
  r.eigenvalues = sigma2;
  return r;
}

PcaResult exact(const Comm& comm, const StandardizedGenotypes& x, int k) {
  const int64_t n = x.cols(), rows = x.rows();
  if (n > 30000)
    throw Error::on_all_ranks(ErrorKind::Config, "pca.method: exact builds a " + std::to_string(n) + " x " +
                                                     std::to_string(n) + " matrix; use pca.method: randomized "
                                                     "above 30,000 samples");
  std::vector<float> g(static_cast<size_t>(n * n), 0.0f);
  x.gram_samples(g.data());
  std::vector<double> gd(g.begin(), g.end());
  g.clear();
  g.shrink_to_fit();
  comm.allreduce_sum(gd.data(), static_cast<int64_t>(gd.size()));
  PcaResult r;
  std::vector<double> values;
  linalg::symmetric_eigen(gd, n, k, values, r.scores);
  r.passes = 2;
  // Variant weights need X v_j: one more pass with the eigenvectors as Q.
  const std::vector<float> vf = to_float(r.scores);
  std::vector<float> y(static_cast<size_t>(rows * k));
  x.multiply(vf.data(), k, y.data(), k, nullptr);
  std::vector<double> eye(static_cast<size_t>(k * k), 0.0);
  for (int j = 0; j < k; ++j) eye[static_cast<size_t>(j * k + j)] = 1.0;
  r.weights = variant_weights(y, rows, k, eye, k, values);
  r.eigenvalues = values;
  return r;
}

}  // namespace

PcaResult run_pca(const Comm& comm, const StandardizedGenotypes& x, const PcaOptions& opt) {
  const int64_t m = comm.allreduce_sum(x.rows());
  const int64_t n = x.cols();
  const int64_t rank_max = std::min(m, n);
  if (opt.components < 1 || opt.components > rank_max)
    throw Error::on_all_ranks(ErrorKind::Config, "pca.components = " + std::to_string(opt.components) +
                                                     " but the matrix has " + std::to_string(n) + " samples and " +
                                                     std::to_string(m) + " usable variants (at most " +
                                                     std::to_string(rank_max) + " components)");
  const int k = opt.components;
  PcaResult r;
  if (opt.method == "exact") {
    r = exact(comm, x, k);
  } else {
    const int l = static_cast<int>(std::min<int64_t>(k + std::max(opt.oversample, 0), rank_max));
    r = randomized(comm, x, opt, k, l);
  }
  r.variants_used = m;
  for (auto& v : r.eigenvalues) v /= static_cast<double>(m);
  for (auto& est : r.ritz)
    for (auto& v : est) v /= static_cast<double>(m);
  fix_signs(r, n, k, x.rows());
  return r;
}

}  // namespace dvhpc
