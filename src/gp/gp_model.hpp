// The interface every `dvhpc gp` model implements, so that cross-validation,
// the final fit, the outputs and the ensemble do not know which model they
// drive. A model fits on some samples (columns of the genotype matrix it was
// made with) and predicts others; one fit may serve several targets (traits
// observed on the same samples), which is what makes GBLUP cheap: one
// eigendecomposition per training set, whatever the number of traits.
//
// Calls are collective (every rank, same arguments, same order) and their
// results identical on every rank and at any rank count. A data-parallel
// model (a neural network trained with allreduce) implements fit/predict
// with all ranks working on each task; run_tasks() then runs the tasks one
// after another. A model whose fit is cheap once shared data exist (GBLUP
// after the relationship matrix) overrides run_tasks() to deal whole tasks
// to ranks.
#pragma once

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "dvhpc/genotype_matrix.hpp"

namespace dvhpc {
class Comm;
class H5File;
}  // namespace dvhpc

namespace dvhpc::gp {

// One training set: the samples to fit on (genotype columns), one target
// vector per trait over them, and the samples to predict.
struct FitTask {
  std::vector<int64_t> train, test;
  std::vector<std::vector<double>> targets;  // [trait][train.size()]
};

struct TaskResult {
  std::vector<std::vector<double>> predictions;  // [trait][test.size()]
  std::vector<double> shrinkage;                 // [trait]; NaN for a model without one
};

// Per-variant linear effects, the portable form of a linear model's final
// fit: prediction = intercept + sum over variants of x_v effect_v, with
// x_v = copies of a1 - 2 a1_freq (missing: 0, mean imputation). Written to
// PREFIX.gp.h5 and read back for gp.predict_from.
struct MarkerEffects {
  std::vector<std::string> id, a1, a2;
  std::vector<double> freq;    // of a1, over the fit's genotyped samples
  std::vector<double> effect;  // [variants, traits], per copy of a1
  std::vector<double> intercept, shrinkage;  // [traits]
};

class GpModel {
 public:
  virtual ~GpModel() = default;
  virtual std::string name() const = 0;

  // Collective: fits on task.train (replacing any earlier fit).
  virtual void fit(const FitTask& task) = 0;
  // Collective: predictions [trait][sample] of the last fit.
  virtual std::vector<std::vector<double>> predict(const std::vector<int64_t>& samples) const = 0;
  // The last fit's shrinkage per trait (NaN where the model has none).
  virtual std::vector<double> shrinkage() const;

  // Collective: fit + predict(test) of every task, in task order.
  virtual std::vector<TaskResult> run_tasks(const std::vector<FitTask>& tasks);

  // Collective: the last fit as marker effects (false: not a linear model,
  // nothing to export).
  virtual bool marker_effects(MarkerEffects* out) const;
};

// Which rank runs each task when whole tasks are dealt to ranks: largest
// training set first, each to the least loaded rank, the load of a task
// being cost(training samples). Deterministic, so every rank agrees.
std::vector<int> deal_tasks(const std::vector<FitTask>& tasks, int ranks, double (*cost)(double n));

inline double nan_value() { return std::numeric_limits<double>::quiet_NaN(); }

}  // namespace dvhpc::gp
