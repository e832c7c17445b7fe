// The files of `dvhpc gp` (README "dvhpc gp"), each written under a
// temporary name and renamed into place; text and PNG by rank 0, the HDF5
// file collectively.
//
//   PREFIX.gp.tsv              trait model fold n r mse shrinkage: a row per
//                              fold and a `mean` row per trait and model
//   PREFIX.gp.predictions.tsv  FID IID trait fold observed <model>...: the
//                              out-of-fold prediction of every model
//   PREFIX.gp.png              observed vs predicted, a panel per trait and model
//   PREFIX.gp.h5               the final fits (all samples with a value):
//                              layout below and in nn_saved.hpp
//   PREFIX.gp.predicted.tsv    FID IID trait <model>...: gp.predict_from
#pragma once

#include <string>
#include <vector>

#include "dvhpc/commands.hpp"
#include "dvhpc/genotype_matrix.hpp"
#include "gp_model.hpp"
#include "nn_saved.hpp"

namespace dvhpc::gp {

// Cross-validation outcome of one trait.
struct TraitResult {
  std::string trait;
  std::vector<int64_t> samples;                // genotype columns in the folds
  std::vector<int> fold;                       // per sample
  std::vector<double> observed;                // per sample
  std::vector<std::vector<double>> predicted;  // [model][sample], out of fold
  std::vector<std::vector<double>> shrinkage;  // [model][fold]
};

// Accuracy of one model on a set of samples.
struct Accuracy {
  int64_t n = 0;
  double r = 0, mse = 0;  // Pearson r (NaN when either side is constant), mean squared error
};
Accuracy accuracy(const std::vector<double>& observed, const std::vector<double>& predicted);

// Per fold, then the mean over folds (r, mse), as written to PREFIX.gp.tsv.
std::vector<Accuracy> fold_accuracy(const TraitResult& t, size_t model, int folds);

void write_cv_table(const Comm& comm, const std::string& path, const std::vector<std::string>& models,
                    const std::vector<TraitResult>& results, int folds);
void write_predictions(const Comm& comm, const std::string& path, const std::vector<SampleId>& samples,
                       const std::vector<std::string>& models, const std::vector<TraitResult>& results);
void write_gp_plot(const Comm& comm, const std::string& path, const std::string& title,
                   const std::vector<std::string>& models, const std::vector<TraitResult>& results, int folds);

// PREFIX.gp.h5 (layout 2):
//   /samples/{fid,iid}, /traits, /provenance
//   /models/layout        int64 [1] = 2 (absent in files written before the
//                         networks were saved: layout 1, GBLUP only)
//   /models/names         every saved model, in gp.models order (the
//                         ensemble not included)
//   /models/ensemble/members  the models the ensemble averages (absent when
//                         gp.models has no ensemble)
//   /models/gblup/{effects,intercept,shrinkage}, /variants/{id,a1,a2,a1_freq}
//                         GBLUP's marker effects (MarkerEffects)
//   /nn/..., /models/{mlp,gcn}/...  the networks (nn_saved.hpp)
struct GpSave {
  std::vector<std::string> models;       // /models/names
  std::vector<MarkerEffects> effects;    // per linear model, in `models` order
  std::vector<NeuralFit> neural;         // per network, in `models` order
  const StandardizedGenotypes* nn_x = nullptr;  // the networks' centred markers
  const SampleFeatures* nn_features = nullptr;
  std::vector<std::string> ensemble;     // members; empty: no ensemble
};
// Collective (rank 0's content of the replicated parts is written).
void write_gp_h5(const RunContext& ctx, const std::string& path, const std::vector<SampleId>& samples,
                 const std::vector<std::string>& traits, const GpSave& save);

// A PREFIX.gp.h5 read back (every rank reads). A network whose groups are
// missing or malformed is left out with a warning naming the reason (the
// other models still predict); throws Error(Input) for a file that is not a
// PREFIX.gp.h5 or that holds no usable model.
struct SavedFit {
  int layout = 1;
  std::vector<std::string> traits;
  std::vector<std::string> linear;      // linear models, with their effects
  std::vector<MarkerEffects> effects;
  NnInputs nn;                          // when `neural` is not empty
  std::vector<NeuralFit> neural;
  bool ensemble = false;
  std::vector<std::string> ensemble_of;  // members present in the file
};
SavedFit read_gp_h5(const std::string& path);

// predicted [model][trait][sample].
void write_predicted(const Comm& comm, const std::string& path, const std::vector<SampleId>& samples,
                     const std::vector<std::string>& traits, const std::vector<std::string>& models,
                     const std::vector<std::vector<std::vector<double>>>& predicted);

}  // namespace dvhpc::gp
