// `gcn`: a graph convolutional network over the samples (Kipf & Welling
// 2017), as in the seed project: nodes = every genotyped sample, edges = the
// k nearest neighbours by genomic relationship, A_hat = D^-1/2 (A+I) D^-1/2
// (nn_features.hpp), node features F = the principal-component scores.
//   Z = A_hat . net(A_hat F),   net = Dense-ReLU-Dropout(-Dense-ReLU-Dropout)-Dense
// which for one hidden layer is Kipf's two-layer GCN
// A_hat ReLU(A_hat F W1) W2. A_hat F is fixed, so it is formed once;
// A_hat is sparse (~2k+1 entries per row), stored as CSR.
// Transductive: the graph holds training and test samples; the loss uses
// the training nodes' targets only (less an inner validation split for
// early stopping), and the test nodes are predicted from the same graph.
// Full-batch training: one Adam step per epoch (gp.nn.gcn_epochs,
// gp.nn.gcn_learning_rate).
//
// Data parallel (all collectives in GcnProblem::gradients):
//   forward: rank r runs the per-node network on its block of nodes only;
//     the node outputs (n x traits floats) are allgathered;
//   loss: rank r takes a contiguous slice of the batch's training nodes;
//     out_i = sum_j A_ij z_j, gradient 2 (out_i - y_i) / (batch x traits);
//   backward: dz = A_hat^T d(out) of the rank's loss terms, summed over ranks
//     (allreduce of n x traits floats), then each rank backpropagates its own
//     node block; the parameter gradients, summed by GradientReducer, are the
//     full-batch gradient, so the weights at N ranks equal those at 1 rank up
//     to float summation order (dropout masks keyed by node).
#pragma once

#include "nn_net.hpp"

namespace dvhpc::gp {

class GcnModel : public NeuralGpModel {
 public:
  // Not collective: builds the graph from the shared features.
  GcnModel(const Comm& comm, std::shared_ptr<const SampleFeatures> f, NnOptions o);
  std::string name() const override { return "gcn"; }
  const Propagation& graph() const { return a_; }

 protected:
  std::unique_ptr<train::RegressionProblem> make_problem(const FitTask& task, std::vector<float> z) override;
  std::vector<float> outputs(const std::vector<int64_t>& samples) const override;

 private:
  Propagation a_;
  std::vector<float> af_;  // A_hat F [n, width]
};

}  // namespace dvhpc::gp
