#include "dvhpc/train/regression_trainer.hpp"

#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <limits>

#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/nn/serialization.hpp"
#include "dvhpc/train/data_order.hpp"
#include "dvhpc/train/fault_injection.hpp"
#include "train_state_io.hpp"

namespace dvhpc::train {
namespace {

// The best weights so far, /best/p<i> (float32, flattened, parameter order)
// with the epoch as an attribute, next to what nn::save_checkpoint and
// write_train_state store in the same file.
void write_best(const std::string& path, const std::vector<std::vector<float>>& best, int64_t epoch) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) throw Error(ErrorKind::Output, "cannot reopen checkpoint '" + path + "'");
  hid_t g = H5Gcreate2(f, "/best", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  bool ok = g >= 0;
  if (ok) {
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(g, "epoch", H5T_NATIVE_INT64, sp, H5P_DEFAULT, H5P_DEFAULT);
    ok = a >= 0 && H5Awrite(a, H5T_NATIVE_INT64, &epoch) >= 0;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
  }
  for (size_t i = 0; ok && i < best.size(); ++i) {
    const hsize_t n = best[i].size();
    hid_t sp = H5Screate_simple(1, &n, nullptr);
    hid_t d = H5Dcreate2(g, ("p" + std::to_string(i)).c_str(), H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    ok = d >= 0 && (n == 0 || H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, best[i].data()) >= 0);
    if (d >= 0) H5Dclose(d);
    H5Sclose(sp);
  }
  if (g >= 0) H5Gclose(g);
  if (H5Fclose(f) < 0 || !ok) throw Error(ErrorKind::Output, "cannot write the best weights to '" + path + "'");
}

// False when the checkpoint has no best weights (no validation epoch yet).
bool read_best(const std::string& path, std::vector<std::vector<float>>& best, int64_t* epoch) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw Error(ErrorKind::Input, "cannot open checkpoint '" + path + "'");
  hid_t g = -1;
  H5E_BEGIN_TRY { g = H5Gopen2(f, "/best", H5P_DEFAULT); }
  H5E_END_TRY;
  bool ok = true;
  if (g >= 0) {
    hid_t a = H5Aopen(g, "epoch", H5P_DEFAULT);
    ok = a >= 0 && H5Aread(a, H5T_NATIVE_INT64, epoch) >= 0;
    if (a >= 0) H5Aclose(a);
    for (size_t i = 0; ok && i < best.size(); ++i) {
      hid_t d = H5Dopen2(g, ("p" + std::to_string(i)).c_str(), H5P_DEFAULT);
      hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
      ok = sp >= 0 && H5Sget_simple_extent_npoints(sp) == static_cast<hssize_t>(best[i].size()) &&
           (best[i].empty() || H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, best[i].data()) >= 0);
      if (sp >= 0) H5Sclose(sp);
      if (d >= 0) H5Dclose(d);
    }
    H5Gclose(g);
  }
  H5Fclose(f);
  if (!ok) throw Error(ErrorKind::Input, "checkpoint '" + path + "' has unreadable or mis-shaped best weights");
  return g >= 0;
}

}  // namespace

RegressionTrainer::RegressionTrainer(const Comm& comm, RegressionProblem& problem, RegressionOptions opt)
    : comm_(comm), problem_(problem), opt_(std::move(opt)) {
  auto split = split_validation(problem_.size(), opt_.validation_fraction, opt_.seed);
  train_idx_ = std::move(split.first);
  val_idx_ = std::move(split.second);
  if (train_idx_.empty())
    throw Error(ErrorKind::Input, "no training examples left after the validation split of " +
                                      std::to_string(problem_.size()));
  // A batch larger than the training set is the whole set (small data sets).
  const auto n = static_cast<int64_t>(train_idx_.size());
  batch_ = opt_.global_batch <= 0 ? n : std::min(opt_.global_batch, n);
  nn::AdamParams ap;
  ap.lr = opt_.learning_rate;
  ap.weight_decay = opt_.weight_decay;
  nn::Model& m = problem_.model();
  adam_ = std::make_unique<nn::Adam>(m.backend(), m.parameters(), ap);
  reducer_ = make_reducer(comm_, m.backend(), m.parameters());
}

RegressionTrainer::~RegressionTrainer() = default;

void RegressionTrainer::keep_best() {
  nn::Model& m = problem_.model();
  const auto params = m.parameters();
  best_.resize(params.size());
  for (size_t i = 0; i < params.size(); ++i) best_[i] = m.backend().to_host(params[i]->value);
}

void RegressionTrainer::restore_best() {
  if (best_.empty()) return;
  nn::Model& m = problem_.model();
  const auto params = m.parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    m.backend().upload(best_[i].data(), params[i]->value);
    params[i]->value.bump_version();
  }
}

void RegressionTrainer::save_checkpoint() {
  save_checkpoint_on_root(comm_, opt_.checkpoint_path, [&](const std::string& tmp) {
    nn::save_checkpoint(tmp, problem_.model(), adam_.get());
    write_train_state(tmp, state_, opt_.seed, batch_);
    if (!best_.empty()) write_best(tmp, best_, best_epoch_);
  });
}

void RegressionTrainer::resume(const std::string& path) {
  // Every rank reads the file (a few hundred KB): identical replicas again.
  nn::load_checkpoint(path, problem_.model(), adam_.get());
  state_ = read_train_state(path, opt_.seed, batch_);
  best_.assign(problem_.model().parameters().size(), {});
  const auto params = problem_.model().parameters();
  for (size_t i = 0; i < params.size(); ++i) best_[i].resize(static_cast<size_t>(params[i]->value.numel()));
  if (!read_best(path, best_, &best_epoch_)) best_.clear();
  log::debug("resumed from {}: epoch {}, batch {}, step {}", path, state_.epoch + 1, state_.next_batch, state_.step);
}

RegressionResult RegressionTrainer::run() {
  static const FaultPlan faults(comm_);
  RegressionResult res;
  const int64_t per_epoch = static_cast<int64_t>(train_idx_.size()) / batch_;
  const bool validate = !val_idx_.empty();
  while (state_.epoch < opt_.epochs) {
    const std::vector<int64_t> order = epoch_order(train_idx_, opt_.seed, state_.epoch);
    for (; state_.next_batch < per_epoch; ++state_.next_batch) {
      if (opt_.max_steps > 0 && state_.step >= opt_.max_steps) {
        res.steps = state_.step;
        res.epochs = state_.epoch;
        return res;  // interrupted on purpose: no restore, the caller resumes
      }
      // Named by the watchdog and by abort_with if this step fails or hangs.
      watchdog::set_phase("regression step " + std::to_string(state_.step + 1) + " (epoch " +
                          std::to_string(state_.epoch + 1) + ")");
      faults.at_step(state_.step + 1);
      const auto first = order.begin() + state_.next_batch * batch_;
      problem_.gradients(std::vector<int64_t>(first, first + batch_), state_.step);
      reducer_->reduce(1.0f);  // the problem already scaled its share
      adam_->step();
      ++state_.step;
      if (!opt_.checkpoint_path.empty() && opt_.checkpoint_every > 0 && state_.step % opt_.checkpoint_every == 0) {
        state_.next_batch++;  // the checkpoint resumes after this batch
        save_checkpoint();
        state_.next_batch--;
      }
    }
    bool improved = false;
    if (validate) {
      // Named by the step it follows, like a training step, so a failure
      // here says where training stood (epochs of a small set are a few steps).
      watchdog::set_phase("regression step " + std::to_string(state_.step) + " (epoch " +
                          std::to_string(state_.epoch + 1) + ", validation)");
      // The largest over ranks: equal anyway, but one value makes the
      // stopping decision provably the same everywhere.
      const double v = comm_.allreduce_max(problem_.loss(val_idx_));
      if (!std::isfinite(v))
        throw Error(ErrorKind::Input, "training diverged (validation loss " + std::to_string(v) +
                                          " at epoch " + std::to_string(state_.epoch + 1) + "); lower gp.nn.learning_rate");
      improved = v < state_.best_val_loss;
      if (improved) {
        state_.best_val_loss = v;
        state_.bad_epochs = 0;
        best_epoch_ = state_.epoch + 1;
        keep_best();
      } else {
        ++state_.bad_epochs;
      }
    }
    ++state_.epoch;
    state_.next_batch = 0;
    if (!opt_.checkpoint_path.empty()) save_checkpoint();
    if (validate && state_.bad_epochs >= opt_.patience) {
      res.early_stopped = true;
      break;
    }
  }
  restore_best();
  res.epochs = state_.epoch;
  res.steps = state_.step;
  res.best_epoch = validate ? best_epoch_ : state_.epoch;
  res.best_val_loss = validate ? state_.best_val_loss : std::numeric_limits<double>::quiet_NaN();
  return res;
}

}  // namespace dvhpc::train
