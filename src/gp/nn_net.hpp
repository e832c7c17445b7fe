// The per-sample network of `dvhpc gp`'s neural models and the plumbing both
// share: Dense -> ReLU -> RowDropout per hidden layer, then a Dense output
// with one unit per trait (ONE multi-output network per trait group, not one
// per trait: traits observed on the same samples share the hidden layers,
// which is cheaper and lets correlated traits (wheat's 4 environments)
// inform each other; the loss is the mean over traits of the standardised
// squared errors, so no trait dominates by scale).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dvhpc/config.hpp"
#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/model.hpp"
#include "dvhpc/nn/row_dropout.hpp"
#include "dvhpc/train/regression_trainer.hpp"
#include "gp_model.hpp"
#include "nn_features.hpp"

namespace dvhpc::gp {

struct SampleNet {
  std::unique_ptr<nn::Backend> backend;  // gp.nn.device's (CPU by default: the networks are tiny)
  std::unique_ptr<nn::Model> model;
  std::vector<nn::RowDropout*> dropouts;
  int64_t in = 0, out = 0;

  SampleNet(const std::string& arch, int64_t in, int64_t out, const NnOptions& o);
  // Outputs [rows, out] for input rows `x` [rows, in] (host); in training
  // mode the dropout masks are keyed by `keys` (one per row) and `step`.
  nn::Tensor forward(const std::vector<float>& x, int64_t rows, bool training,
                     const std::vector<uint64_t>& keys = {}, int64_t step = 0);
  // Zeroes the gradients (a rank with no rows this step contributes nothing).
  void zero_gradients();
  std::vector<float> weights() const;  // every parameter, flattened in order
  // Sets every parameter from weights() of a network of the same shape
  // (Error(Input) on a size mismatch).
  void set_weights(const std::vector<float>& w);
  // "fc1.weight [in, h]; ..." : the order and shapes of weights().
  std::string layout() const;
};

// A fit (and inference) runs on ONE thread per rank. The networks are tiny
// (a [32, <= 2,000] by [2,000, 64] product per layer and step), so an OpenMP
// fork/join per oneDNN call costs more than the work: wheat, 5 folds, mlp +
// gcn: 3.0 s at one thread, 28 s at two on the 2-core development machine.
// Ranks are the parallelism (data-parallel training); the thread count is
// restored after.
class OneThread {
 public:
  OneThread();
  ~OneThread();
  OneThread(const OneThread&) = delete;
  OneThread& operator=(const OneThread&) = delete;

 private:
  int saved_ = 1;
};

// A network's final fit as saved in PREFIX.gp.h5 (nn_saved.hpp): the
// architecture (input width, hidden sizes, one output per trait), the
// weights in SampleNet::weights() order and the target scale.
struct SavedNet {
  std::vector<int64_t> traits;  // indices into the file's traits, one output each
  int64_t inputs = 0;
  std::vector<int64_t> hidden;
  std::vector<float> weights;
  std::vector<double> mean, sd;  // per output: prediction = mean + sd * output
  std::string layout;            // SampleNet::layout(), documentation
};

// Rows `ids` of a row-major [*, w] matrix.
std::vector<float> gather_rows(const std::vector<float>& m, int64_t w, const std::vector<int64_t>& ids);

// What mlp and gcn share: fit = standardise the targets, build a fresh
// network (same seed every fit), train it with RegressionTrainer on the
// subclass's problem, keep it; predict = the network's outputs mapped back.
// Calls are collective; results are identical on every rank.
class NeuralGpModel : public GpModel {
 public:
  NeuralGpModel(const Comm& comm, std::shared_ptr<const SampleFeatures> f, NnOptions o);
  void fit(const FitTask& task) override;
  std::vector<std::vector<double>> predict(const std::vector<int64_t>& samples) const override;
  // gp.nn.parallel: data (default) = every task trained data-parallel by
  // all ranks, one after another (GpModel::run_tasks); tasks = whole tasks
  // dealt to ranks, each trained by its rank alone, so the results are
  // bitwise those of a 1-rank run (see nn_features.hpp on why that pays).
  std::vector<TaskResult> run_tasks(const std::vector<FitTask>& tasks) override;

  // Training settings of the next fit (tests set checkpoints, max_steps).
  train::RegressionOptions& training() { return train_opt_; }
  // A checkpoint the next fit resumes from ("" = none).
  std::string resume_from;
  const train::RegressionResult& last_result() const { return result_; }
  std::vector<float> weights() const { return net_ ? net_->weights() : std::vector<float>{}; }
  // The last fit in portable form; `traits` labels its outputs.
  SavedNet saved_net(std::vector<int64_t> traits) const;
  const SampleFeatures& features() const { return *f_; }
  const NnOptions& options() const { return o_; }

 protected:
  // The problem over the task's training samples (examples = positions in
  // task.train), targets z [train, traits] standardised.
  virtual std::unique_ptr<train::RegressionProblem> make_problem(const FitTask& task, std::vector<float> z) = 0;
  // Standardised outputs [samples, traits] of the trained network.
  virtual std::vector<float> outputs(const std::vector<int64_t>& samples) const = 0;

  const Comm& comm_;      // every rank (the model's collectives)
  const Comm* fit_comm_;  // who trains the current fit: comm_, or this rank alone (parallel: tasks)
  std::shared_ptr<const SampleFeatures> f_;
  NnOptions o_;
  train::RegressionOptions train_opt_;
  std::unique_ptr<SampleNet> net_;
  TargetScale scale_;
  train::RegressionResult result_;
};

// Collective: `name` (mlp or gcn) with the gp.nn.* options; `features`
// holds the shared sample features, computed here on first use.
std::unique_ptr<GpModel> make_neural_model(const std::string& name, const Comm& comm, const StandardizedGenotypes& x,
                                           const GpConfig::Nn& cfg, std::shared_ptr<const SampleFeatures>* features);

}  // namespace dvhpc::gp
