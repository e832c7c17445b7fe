// The files of `dvhpc gp` (README "dvhpc gp"), each written under a
// temporary name and renamed into place; text and PNG by rank 0, the HDF5
// file collectively.
//
//   PREFIX.gp.tsv              trait model fold n r mse shrinkage: a row per
//                              fold and a `mean` row per trait and model
//   PREFIX.gp.predictions.tsv  FID IID trait fold observed <model>...: the
//                              out-of-fold prediction of every model
//   PREFIX.gp.png              observed vs predicted, a panel per trait and model
//   PREFIX.gp.h5               the final fits (all samples with a value)
//   PREFIX.gp.predicted.tsv    FID IID trait <model>...: gp.predict_from
#pragma once

#include <string>
#include <vector>

#include "dvhpc/commands.hpp"
#include "dvhpc/genotype_matrix.hpp"
#include "gp_model.hpp"

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

// Collective. `effects` [model] (rank 0's content is written).
void write_gp_h5(const RunContext& ctx, const std::string& path, const std::vector<SampleId>& samples,
                 const std::vector<std::string>& traits, const std::vector<std::string>& linear_models,
                 const std::vector<MarkerEffects>& effects);
// Every rank reads; throws Error(Input) for a file that is not a PREFIX.gp.h5.
void read_gp_h5(const std::string& path, std::vector<std::string>* traits, std::vector<std::string>* models,
                std::vector<MarkerEffects>* effects);

// predicted [model][trait][sample].
void write_predicted(const Comm& comm, const std::string& path, const std::vector<SampleId>& samples,
                     const std::vector<std::string>& traits, const std::vector<std::string>& models,
                     const std::vector<std::vector<std::vector<double>>>& predicted);

}  // namespace dvhpc::gp
