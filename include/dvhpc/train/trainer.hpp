// Data-parallel training of one model replica per rank.
//
// Every rank holds the full model and walks the same global batch sequence
// (data_order.hpp), computing gradients on its slice; GradientReducer turns
// them into the global-batch gradient, and every rank applies the same Adam
// update, so replicas stay identical without broadcasting weights. With the
// same global batch size the weights at N ranks equal those at 1 rank up to
// float rounding (order of summation), as tests/train/trainer_mpitest.cpp
// checks. Two caveats, both standard in data-parallel training: batch norm
// normalises with per-rank batch statistics (running statistics are averaged
// over ranks at each epoch end), and dropout masks depend on a rank's batch
// slice, so models with dropout > 0 match across rank counts statistically,
// not bit for bit.
//
// Learning rate: linear warm-up over warmup_steps, then cosine decay to 5%
// of the peak at the last step. Validation after every epoch (loss,
// accuracy, per-class precision/recall, reduced over ranks); the best model
// by validation loss is saved; training stops early after `patience` epochs
// without improvement.
//
// Checkpoints (every checkpoint_every steps and at each epoch end) hold the
// weights, the optimizer state and the training state (epoch, next batch,
// step, best loss, patience counter, seed); they are written by rank 0 to a
// temporary name and renamed, so a crash never leaves a torn checkpoint.
// resume() restores all of it, so an interrupted run continues exactly.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dvhpc/nn/model.hpp"
#include "dvhpc/train/example_source.hpp"
#include "dvhpc/train/grad_reducer.hpp"

namespace dvhpc {
class Comm;
class StageTimes;
}  // namespace dvhpc

namespace dvhpc::train {

struct TrainOptions {
  int64_t global_batch = 256;
  int epochs = 10;
  int64_t max_steps = 0;  // stop after this many steps in total (0 = no limit)
  float learning_rate = 1e-3f;
  float weight_decay = 1e-4f;
  int64_t warmup_steps = 100;
  double validation_fraction = 0.1;
  int early_stop_patience = 3;
  int64_t checkpoint_every = 500;
  uint64_t seed = 42;
  std::string checkpoint_path;  // "" = no checkpoints
  std::string best_path;        // "" = do not keep the best model
  bool progress = true;
};

struct EpochMetrics {
  int64_t epoch = 0;
  double train_loss = 0;  // mean over the epoch's steps
  double val_loss = 0;
  double val_accuracy = 0;
  std::array<double, 3> precision{}, recall{};
  int64_t val_examples = 0;
  double examples_per_second = 0;
};

// Training state saved in checkpoints.
struct TrainState {
  int64_t epoch = 0;       // current epoch
  int64_t next_batch = 0;  // next global batch within the epoch
  int64_t step = 0;        // optimizer steps taken
  double best_val_loss = 1e300;
  int64_t bad_epochs = 0;
};

class Trainer {
 public:
  Trainer(const Comm& comm, nn::Model& model, const ExampleSource& data, TrainOptions opt);
  ~Trainer();

  // Restores weights, optimizer and training state from a checkpoint.
  void resume(const std::string& path);
  // Trains until epochs, max_steps or early stopping. Returns the metrics of
  // the epochs completed in this call.
  std::vector<EpochMetrics> run(StageTimes& times);

  const TrainState& state() const { return state_; }
  float learning_rate_at(int64_t step) const;
  int64_t steps_per_epoch() const;
  // Validation over this rank's share, reduced over ranks.
  EpochMetrics validate();

 private:
  void save_checkpoint(const std::string& path, bool with_optimizer);
  float train_step(const std::vector<int64_t>& global_batch);

  const Comm& comm_;
  nn::Model& model_;
  const ExampleSource& data_;
  TrainOptions opt_;
  std::unique_ptr<nn::Optimizer> adam_;
  std::unique_ptr<GradientReducer> reducer_;
  std::vector<int64_t> train_idx_, val_idx_;
  TrainState state_;
  std::vector<float> xbuf_;
  std::vector<int32_t> ybuf_;
};

}  // namespace dvhpc::train
