// `mlp`: a multilayer perceptron on the samples' principal-component scores
// (nn_features.hpp: why scores and not gathered genotypes), 1-2 hidden
// layers with ReLU and dropout, one multi-output network per trait group
// (nn_net.hpp), Adam with L2 weight decay, mean squared error on targets
// standardised per trait, early stopping on an inner validation split.
//
// Data parallel: every rank holds the scores of every sample and walks the
// same global mini-batches; each computes the gradient of its contiguous
// slice of the batch (MeanSquaredError normalised by the GLOBAL batch), the
// GradientReducer sums, every rank takes the same Adam step. Dropout masks
// are keyed by sample, so the weights at N ranks equal those at 1 rank up
// to float summation order.
#pragma once

#include "nn_net.hpp"

namespace dvhpc::gp {

class MlpModel : public NeuralGpModel {
 public:
  using NeuralGpModel::NeuralGpModel;
  std::string name() const override { return "mlp"; }

 protected:
  std::unique_ptr<train::RegressionProblem> make_problem(const FitTask& task, std::vector<float> z) override;
  std::vector<float> outputs(const std::vector<int64_t>& samples) const override;
};

}  // namespace dvhpc::gp
