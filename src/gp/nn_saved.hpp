// The final fits of `dvhpc gp`'s networks (mlp, gcn) in PREFIX.gp.h5, and
// their predictions of new samples (gp.predict_from). Layout:
//
//   /nn/variants/{id,a1,a2,a1_freq}  the centred markers' variants (a1 = the
//                                    counted allele, frequency over the fit's
//                                    genotyped samples)
//   /nn/loadings   float [variants, width]  scores of a sample = its centred
//                  a1 counts (copies - 2 a1_freq, missing 0) times this matrix:
//                  exactly the training scores for the fit's own samples
//                  (l_j = X basis_j, nn_features.hpp; to float rounding)
//   /nn/scores     float [samples, width]   the training samples' scores, in
//                  /samples order (the gcn's node features)
//   /models/<mlp|gcn>/nets        int64 [1]: networks, one per trait group
//                                 (traits observed on the same samples)
//   /models/<m>/net<g>/traits     int64: indices into /traits, one per output
//   /models/<m>/net<g>/hidden     int64: hidden layer sizes (input = width)
//   /models/<m>/net<g>/weights    float: SampleNet::weights() (its attribute
//                                 `layout` names every parameter and shape)
//   /models/<m>/net<g>/mean, sd   double per output: prediction = mean + sd * out
//   /models/gcn/graph/{start,col,weight}  the training graph's A_hat (CSR over
//                                 the /samples nodes), neighbours (k),
//                                 kth_similarity (gcn_inductive.hpp)
#pragma once

#include <hdf5.h>

#include <string>
#include <vector>

#include "dvhpc/genotype_matrix.hpp"
#include "gcn_inductive.hpp"
#include "nn_net.hpp"
#include "src/pca/projection.hpp"

namespace dvhpc {
class Comm;
class H5File;
class StandardizedGenotypes;
}  // namespace dvhpc

namespace dvhpc::gp {

// This rank's rows [x.rows(), f.width] of the loadings: L = X basis, in
// double (x must be centred, not scaled: the networks' markers).
std::vector<float> score_loadings(const StandardizedGenotypes& x, const SampleFeatures& f);

// One network model's final fit.
struct NeuralFit {
  std::string name;            // mlp or gcn
  std::vector<SavedNet> nets;  // one per trait group
  GcnGraph graph;              // gcn only (graph.a.n == 0 for mlp)
};

// The inputs every network shares, as read back: loadings per copy of a1
// (Loadings::weight [variants, width]) and the training scores.
struct NnInputs {
  Loadings loadings;
  std::vector<float> scores;  // [samples, width]
};

// Collective: /nn from the features and this rank's variants (`root`: this
// rank writes the replicated datasets).
void write_nn_inputs(H5File& f, const StandardizedGenotypes& x, const SampleFeatures& features, bool root);
// Collective: /models/<fit.name>/... (rank 0's content is written).
void write_neural_fit(H5File& f, const NeuralFit& fit, bool root);

// Read by one rank on its own; Error(Input) names the file and what is wrong.
NnInputs read_nn_inputs(hid_t file, const std::string& path);
NeuralFit read_neural_fit(hid_t file, const std::string& path, const std::string& name, size_t traits,
                          const NnInputs& inputs);

// Collective: the scores [samples, width] of `m`'s samples through the saved
// loadings (variants matched by ID and alleles as pca's projection: swapped
// alleles flipped, others left out; missing genotypes 0), with the counts.
std::vector<float> project_scores(const Comm& comm, const NnInputs& in, const GenotypeMatrix& m, Projection* counts);

// Predictions [trait][sample] of samples with scores `fs` [m, width];
// traits no network of the fit predicts are NaN.
std::vector<std::vector<double>> predict_neural(const NeuralFit& fit, const std::vector<float>& fs, int64_t m,
                                                size_t traits);

}  // namespace dvhpc::gp
