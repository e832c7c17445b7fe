// Principal components of the standardised genotype matrix X [variants,
// samples], distributed by variants over the ranks.
//
// randomized: a randomized block Krylov method (Musco & Musco 2015; the
//   idea of FastPCA/plink2's `approx`, Galinsky et al. 2016) on the
//   relationship matrix G = X^T X. Q_0 [samples, l] is an orthonormalised
//   Gaussian block (l = components + oversample, drawn per sample from the
//   seed, so the same at any rank count), and Q_{i+1} = orth(G Q_i) made
//   orthogonal to all earlier blocks (block Lanczos with full
//   reorthogonalisation, so the basis stays orthonormal). Each
//   block costs ONE pass over the packed genotypes: per tile, Y_t = X_t Q_i
//   (kept) and Z += X_t^T Y_t. Z is summed over ranks (MPI allreduce of
//   samples x l doubles) and orthonormalised (Householder QR) on every rank.
//   After q = power_iterations blocks, the last pass only forms Y = X Q_q.
//   Rayleigh-Ritz on the whole basis K = [Q_0 .. Q_q] needs no further pass:
//   K^T G K = Y^T Y (summed over ranks). The Ritz
//   pairs give eigenvalues, sample eigenvectors K C and variant weights Y C.
//   Krylov converges on clustered eigenvalues far faster than plain subspace
//   iteration of the same passes. Passes over the data: power_iterations + 1.
// exact: the relationship matrix X^T X [samples, samples] summed over ranks
//   and decomposed with LAPACK (dsyevr); for checking and small cohorts.
//
// Eigenvalues are those of plink2's variance-standardised relationship
// matrix, X^T X / M (M = variants used). Scores are the unit-norm sample
// eigenvectors (plink2's .eigenvec). Variant weights w_j = X v_j / (M
// lambda_j) project any sample's standardised genotypes x onto component j
// as x . w_j; for the samples of the fit that gives back their scores.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "standardized_genotypes.hpp"

namespace dvhpc {

class Comm;

struct PcaOptions {
  std::string method = "randomized";  // randomized | exact
  int components = 10;
  int oversample = 5;
  int power_iterations = 7;
  uint64_t seed = 1;
  bool progress = false;  // rank 0 reports passes
};

struct PcaResult {
  int64_t variants_used = 0;        // M, over all ranks
  std::vector<double> eigenvalues;  // [k], descending
  std::vector<double> scores;       // [samples, k] row-major
  std::vector<float> weights;       // [local kept rows, k] row-major
  std::vector<std::vector<double>> ritz;  // randomized: top-k estimates from the first 1, 2, .. q+1 blocks
  int passes = 0;                   // passes over the genotypes
};

// Collective.
PcaResult run_pca(const Comm& comm, const StandardizedGenotypes& x, const PcaOptions& opt);

}  // namespace dvhpc
