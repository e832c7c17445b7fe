// Data-parallel training of a regression network (`dvhpc gp`'s mlp and gcn)
// with the pieces of the classification Trainer (trainer.hpp): the same
// global batch sequence at any rank count (data_order.hpp), gradients summed
// over ranks by GradientReducer, one Adam update applied identically on every
// rank, HDF5 checkpoints written by rank 0 under a temporary name.
//
// What differs, and why a separate class rather than a Trainer mode: the
// loss is a mean squared error on float targets that the problem holds
// (Trainer reads int32 labels from an ExampleSource and scores accuracy),
// and a batch need not be a set of independent examples: the GCN's loss
// terms share one forward pass over the whole graph. So the problem computes
// its rank's share of the global batch's gradient itself (RegressionProblem),
// scaled so that the shares SUM to the global gradient; the reducer then
// sums with scale 1. With the same global batch the weights at N ranks equal
// those at 1 rank up to float summation order, dropout included (row-keyed
// masks, row_dropout.hpp), as tests/gp/nn_models_mpitest.cpp checks.
//
// Early stopping: after every epoch the mean squared error on an inner
// validation split of the examples (split_validation: by hash of the index)
// is compared with the best so far; training stops after `patience` epochs
// without improvement and the best epoch's weights are restored. Constant
// learning rate (no warm-up or decay: the networks are small and the runs
// short, and the stopping rule already picks the epoch).
//
// Checkpoints hold the weights, Adam's state, the training state and the
// best weights so far, so resume() continues exactly (same masks, same
// batches, same stopping decision) as if never interrupted.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dvhpc/nn/model.hpp"
#include "dvhpc/train/grad_reducer.hpp"
#include "dvhpc/train/trainer.hpp"

namespace dvhpc::train {

// What RegressionTrainer trains: examples 0..size()-1 with their targets.
class RegressionProblem {
 public:
  virtual ~RegressionProblem() = default;
  // The network (its parameters are trained; its arch names checkpoints).
  virtual nn::Model& model() = 0;
  virtual int64_t size() const = 0;
  // Collective: leaves in the parameters' gradients this rank's share of
  // d(mean squared error over `batch`)/d(params), the shares summing over
  // ranks to the whole batch's gradient; returns this rank's share of the
  // loss (the same sum). `step` keys the dropout masks. Every rank passes
  // the same batch.
  virtual double gradients(const std::vector<int64_t>& batch, int64_t step) = 0;
  // Local (no communication), inference mode: mean squared error over
  // `examples`. Ranks hold identical weights, so all agree.
  virtual double loss(const std::vector<int64_t>& examples) = 0;
};

struct RegressionOptions {
  int64_t global_batch = 32;  // 0 = every training example in one batch (full-batch, as the GCN)
  int epochs = 200;
  int64_t max_steps = 0;  // stop after this many steps in total (0 = no limit; for tests of resume)
  float learning_rate = 1e-3f;
  float weight_decay = 1e-4f;
  double validation_fraction = 0.1;
  int patience = 20;
  int64_t checkpoint_every = 0;  // steps; 0 = at epoch ends only (if checkpoint_path is set)
  uint64_t seed = 1;
  std::string checkpoint_path;   // "" = no checkpoints
};

struct RegressionResult {
  int64_t epochs = 0, steps = 0, best_epoch = 0;
  double best_val_loss = 0;  // of the standardised targets; NaN without a validation split
  bool early_stopped = false;
};

class RegressionTrainer {
 public:
  RegressionTrainer(const Comm& comm, RegressionProblem& problem, RegressionOptions opt);
  ~RegressionTrainer();

  // Restores weights, Adam, training state and best weights from a checkpoint.
  void resume(const std::string& path);
  // Trains until epochs, max_steps or early stopping; at the end (not at
  // max_steps) the best validation epoch's weights are restored.
  RegressionResult run();

  const TrainState& state() const { return state_; }
  int64_t batch_size() const { return batch_; }
  const std::vector<int64_t>& train_examples() const { return train_idx_; }
  const std::vector<int64_t>& validation_examples() const { return val_idx_; }

 private:
  void save_checkpoint();
  void keep_best();
  void restore_best();

  const Comm& comm_;
  RegressionProblem& problem_;
  RegressionOptions opt_;
  std::unique_ptr<nn::Adam> adam_;
  std::unique_ptr<GradientReducer> reducer_;
  std::vector<int64_t> train_idx_, val_idx_;
  int64_t batch_ = 0;
  TrainState state_;
  int64_t best_epoch_ = 0;
  std::vector<std::vector<float>> best_;  // per parameter; empty until a first validation
};

}  // namespace dvhpc::train
