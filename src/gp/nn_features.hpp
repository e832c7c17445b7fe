// What `dvhpc gp`'s neural models (mlp_model.hpp, gcn_model.hpp) share: their
// options (gp.nn.* keys), the reduced genotype representation they take as
// input, the sample-similarity graph of the GCN, and the per-trait target
// standardisation.
//
// Input representation. The genotype matrix holds a block of VARIANTS per
// rank and every sample; data-parallel training needs whole samples on every
// rank. Gathering the 2-bit rows would put the whole matrix (e.g. 2,000 x
// 10,000 x 2 bits = 5 MB, but 53,859 inputs per sample for Arabidopsis) on
// every rank and make the first layer the network's cost. Instead the ranks
// sum their parts of the relationship matrix K = X^T X (n x n, the same
// tiled decode + sgemm as GBLUP; one allreduce of n^2 doubles) and the
// inputs are the principal-component scores of the samples, U sqrt(S) from
// K_c = U S U^T (K centred over all samples). This loses nothing a first
// dense layer could use: every sample's marker vector x_i lies in the span
// of the n sample vectors, x_i = V S^1/2 u_i, so W x_i = (W V)(S^1/2 u_i) and
// a dense layer on the scores represents exactly the dense layers on the
// markers (for the samples of the matrix, test samples included: the basis
// uses their genotypes, never their phenotypes, as GBLUP's K does). Width
// = the non-null components (<= n - 1, at most gp.nn.components). Scores are
// divided by PC1's standard deviation, so the leading inputs have unit
// variance and later ones keep their smaller natural scale (the ridge
// geometry: weight decay then shrinks small-variance directions most).
// The eigendecomposition is done on rank 0 and broadcast, so every rank
// trains on bit-identical inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dvhpc {
class Comm;
class StandardizedGenotypes;
}  // namespace dvhpc

namespace dvhpc::gp {

struct NnOptions {
  std::vector<int64_t> hidden{64};  // 1-2 hidden layers
  int epochs = 200;                 // mlp: passes over the training samples
  int64_t batch = 32;
  float learning_rate = 1e-3f;
  // Adam's L2 weight decay. 0.03 for the mlp: measured on the shared sets
  // (5 folds), 1e-3 overfits Arabidopsis (162 samples: r 0.49 vs 0.80) and
  // 0.1 underfits wheat (r 0.31-0.39 vs 0.39-0.52).
  float weight_decay = 0.03f;
  float dropout = 0.2f;
  int patience = 20;
  uint64_t seed = 1;
  double validation = 0.15;  // inner validation share of each training set
  int64_t components = 0;    // input width cap (0 = every non-null component)
  int64_t neighbours = 10;   // gcn: k of the k-nearest-neighbour graph
  int gcn_epochs = 400;      // gcn: full-batch steps (one per epoch)
  float gcn_learning_rate = 1e-2f;
  // The gcn needs less: its aggregation over ~2k+1 neighbours already
  // smooths (wheat r 0.34-0.40 at 0.03 vs 0.38-0.46 at 1e-3).
  float gcn_weight_decay = 1e-3f;
  // How ranks share the work (NeuralGpModel::run_tasks). Data parallelism
  // pays when a step's compute outweighs the allreduce of its gradients; an
  // mlp step on 32 samples is ~0.2 ms of compute against an allreduce of
  // every weight (e.g. 128k floats), so on these sets dealing whole
  // cross-validation tasks to ranks is the faster way to use them.
  bool deal_tasks = false;
  // Backend of the networks (gp.nn.device: cpu | gpu | auto) and the
  // node-local rank that picks the GPU. On a GPU the forward, loss, dropout,
  // backward and Adam steps stay on the device (gradients: NCCL); each
  // batch's input scores are uploaded from the host.
  std::string device = "cpu";
  int local_rank = 0;
};

struct SampleFeatures {
  int64_t n = 0, width = 0;
  std::vector<double> relationship;  // [n, n] X^T X of all kept variants, summed over ranks
  std::vector<float> scores;         // [n, width] principal-component scores, scaled (see above)
  // [n, width], double: scores = K_c basis (column j = score_j / eigenvalue_j).
  // A sample's scores are linear in its centred markers x: score_j = x . l_j
  // with l_j = X basis_j (the loadings, nn_saved.hpp), exactly for the
  // samples of K (X 1 = 0 and basis_j orthogonal to 1, so K basis = K_c basis).
  std::vector<double> basis;
};

// Collective: K summed over ranks (products in double: with float products
// the null directions of K (n > variants) have eigenvalues of float rounding,
// ~1e-7 of the largest, and would be kept as components that no marker
// vector reproduces), its eigendecomposition on rank 0, scores broadcast.
// Identical on every rank.
std::shared_ptr<const SampleFeatures> sample_features(const Comm& comm, const StandardizedGenotypes& x,
                                                      int64_t max_components);

// The GCN's propagation matrix A_hat = D^-1/2 (A + I) D^-1/2 (Kipf & Welling
// 2017) over the k-nearest-neighbour graph of the samples by genomic
// relationship (K_ij / sqrt(K_ii K_jj): relatedness, not the diagonal's
// inbreeding/missingness scale), symmetrised (an edge if either end has the
// other among its k nearest). Sparse rows: ~(2k+1) entries per sample.
struct Propagation {
  int64_t n = 0;
  int64_t k = 0;  // neighbours per node before symmetrising (gp.nn.neighbours, at most n - 1)
  std::vector<int64_t> start;  // [n + 1] row offsets
  std::vector<int64_t> col;
  std::vector<float> weight;
  // Per node, the similarity of its k-th nearest neighbour: a new sample
  // more similar than this would be among the node's k nearest
  // (gcn_inductive.hpp).
  std::vector<double> kth_similarity;
  // out[i, :] = sum_j A_ij in[j, :] for rows i, widths w.
  void apply(const float* in, int64_t w, float* out) const;
};
Propagation knn_propagation(const SampleFeatures& f, int64_t k);

// Per-trait standardisation over the training samples: mean 0, sd 1 (sd 0:
// 1). The networks learn z = (y - mean) / sd; predictions are mapped back.
struct TargetScale {
  std::vector<double> mean, sd;
  // Row-major [examples, traits] standardised targets.
  std::vector<float> standardise(const std::vector<std::vector<double>>& targets);
  double back(double z, size_t trait) const { return mean[trait] + sd[trait] * z; }
};

}  // namespace dvhpc::gp
