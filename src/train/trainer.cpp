#include "dvhpc/train/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/nn/dropout.hpp"
#include "dvhpc/nn/serialization.hpp"
#include "dvhpc/progress.hpp"
#include "dvhpc/timer.hpp"
#include "dvhpc/train/data_order.hpp"
#include "dvhpc/train/fault_injection.hpp"
#include "train_state_io.hpp"

namespace dvhpc::train {
namespace {

// Dropout layers anywhere in the network (their mask stream is training state).
void collect_dropout(nn::Layer& l, std::vector<nn::Dropout*>& out) {
  if (auto* d = dynamic_cast<nn::Dropout*>(&l)) out.push_back(d);
  if (auto* s = dynamic_cast<nn::Sequential*>(&l))
    for (size_t i = 0; i < s->size(); ++i) collect_dropout(s->at(i), out);
  if (auto* r = dynamic_cast<nn::ResidualBlock*>(&l)) {
    collect_dropout(r->main(), out);
    collect_dropout(r->shortcut(), out);
  }
}

// Averages batch-norm running statistics over ranks so replicas agree.
void average_buffers(const Comm& comm, nn::Model& m) {
  if (comm.size() == 1) return;
  nn::Backend& be = m.backend();
  for (nn::Param* b : m.buffers()) {
    std::vector<float> h(static_cast<size_t>(b->value.numel()));
    be.download(b->value, h.data());
    watchdog::Wait w("MPI_Allreduce (batch-norm statistics)");
    DVHPC_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, h.data(), static_cast<int>(h.size()), MPI_FLOAT, MPI_SUM,
                                  comm.raw()));
    for (float& v : h) v /= static_cast<float>(comm.size());
    be.upload(h.data(), b->value);
  }
}


}  // namespace

Trainer::Trainer(const Comm& comm, nn::Model& model, const ExampleSource& data, TrainOptions opt)
    : comm_(comm), model_(model), data_(data), opt_(std::move(opt)) {
  if (opt_.global_batch < comm_.size())
    throw Error(ErrorKind::Config, "train.batch_size (" + std::to_string(opt_.global_batch) +
                                       ") must be at least the number of ranks (" +
                                       std::to_string(comm_.size()) + ")");
  auto split = split_validation(data_.size(), opt_.validation_fraction, opt_.seed);
  train_idx_ = std::move(split.first);
  val_idx_ = std::move(split.second);
  if (static_cast<int64_t>(train_idx_.size()) < opt_.global_batch)
    throw Error(ErrorKind::Input, "only " + std::to_string(train_idx_.size()) +
                                      " training examples for a global batch of " +
                                      std::to_string(opt_.global_batch) + "; make more examples or lower train.batch_size");
  nn::AdamParams ap;
  ap.lr = opt_.learning_rate;
  ap.weight_decay = opt_.weight_decay;
  adam_ = std::make_unique<nn::Adam>(model_.backend(), model_.parameters(), ap);
  reducer_ = make_reducer(comm_, model_.backend(), model_.parameters());
}

Trainer::~Trainer() = default;

int64_t Trainer::steps_per_epoch() const {
  return static_cast<int64_t>(train_idx_.size()) / opt_.global_batch;
}

float Trainer::learning_rate_at(int64_t step) const {
  const double total = std::max<int64_t>(1, steps_per_epoch() * opt_.epochs);
  const double warm = opt_.warmup_steps > 0 ? std::min(1.0, (step + 1.0) / opt_.warmup_steps) : 1.0;
  const double progress = std::min(1.0, step / total);
  const double cosine = 0.05 + 0.95 * 0.5 * (1.0 + std::cos(M_PI * progress));
  return static_cast<float>(opt_.learning_rate * warm * cosine);
}

float Trainer::train_step(const std::vector<int64_t>& batch) {
  static const FaultPlan faults(comm_);
  // Named by the watchdog and by abort_with if this step fails or hangs.
  const int64_t step = state_.step + 1;
  watchdog::set_phase("train step " + std::to_string(step) + " (epoch " + std::to_string(state_.epoch + 1) + ")");
  faults.at_step(step);
  const auto [b, e] = rank_slice(static_cast<int64_t>(batch.size()), comm_.rank(), comm_.size());
  std::vector<int64_t> mine(batch.begin() + b, batch.begin() + e);
  const nn::Shape ex = data_.example_shape();
  const int64_t numel = nn::shape_numel(ex);
  xbuf_.resize(static_cast<size_t>(numel) * mine.size());
  ybuf_.resize(mine.size());
  data_.read(mine, xbuf_.data(), ybuf_.data());
  nn::Shape shape{static_cast<int64_t>(mine.size())};
  shape.insert(shape.end(), ex.begin(), ex.end());
  nn::Tensor x = model_.backend().alloc(shape);
  model_.backend().upload(xbuf_.data(), x);
  const float local = model_.compute_gradients(x, ybuf_.data());
  const float share = static_cast<float>(mine.size()) / static_cast<float>(batch.size());
  reducer_->reduce(share);
  adam_->set_lr(learning_rate_at(state_.step));
  adam_->step();
  ++state_.step;
  return static_cast<float>(comm_.allreduce_sum(static_cast<double>(local * share)));
}

EpochMetrics Trainer::validate() {
  // Named by the step it follows, like a training step (see the watchdog's messages).
  watchdog::set_phase("train step " + std::to_string(state_.step) + " (epoch " + std::to_string(state_.epoch + 1) +
                      ", validation)");
  EpochMetrics m;
  const auto [b, e] = rank_slice(static_cast<int64_t>(val_idx_.size()), comm_.rank(), comm_.size());
  const nn::Shape ex = data_.example_shape();
  const int64_t numel = nn::shape_numel(ex);
  const int64_t chunk = std::max<int64_t>(1, opt_.global_batch);
  std::vector<double> sums(1 + 9, 0.0);  // loss sum, 3x3 confusion (truth x predicted)
  for (int64_t s = b; s < e; s += chunk) {
    std::vector<int64_t> idx(val_idx_.begin() + s, val_idx_.begin() + std::min(e, s + chunk));
    xbuf_.resize(static_cast<size_t>(numel) * idx.size());
    ybuf_.resize(idx.size());
    data_.read(idx, xbuf_.data(), ybuf_.data());
    nn::Shape shape{static_cast<int64_t>(idx.size())};
    shape.insert(shape.end(), ex.begin(), ex.end());
    nn::Tensor x = model_.backend().alloc(shape);
    model_.backend().upload(xbuf_.data(), x);
    nn::Tensor p = model_.predict(x);
    std::vector<float> probs(static_cast<size_t>(p.numel()));
    model_.backend().download(p, probs.data());
    const int64_t k = p.dim(1);
    for (size_t i = 0; i < idx.size(); ++i) {
      const float* row = &probs[i * static_cast<size_t>(k)];
      const int y = ybuf_[i];
      const int pred = static_cast<int>(std::max_element(row, row + k) - row);
      sums[0] -= std::log(std::max(1e-12f, row[y]));
      if (y >= 0 && y < 3 && pred < 3) sums[1 + 3 * y + pred] += 1;
    }
  }
  watchdog::Wait w("MPI_Allreduce (validation metrics)");
  DVHPC_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE,
                                MPI_SUM, comm_.raw()));
  double n = 0, correct = 0;
  for (int t = 0; t < 3; ++t)
    for (int p = 0; p < 3; ++p) {
      n += sums[1 + 3 * t + p];
      if (t == p) correct += sums[1 + 3 * t + p];
    }
  m.val_examples = static_cast<int64_t>(n);
  m.val_loss = n > 0 ? sums[0] / n : 0.0;
  m.val_accuracy = n > 0 ? correct / n : 0.0;
  for (int c = 0; c < 3; ++c) {
    double tp = sums[1 + 4 * c], pred = 0, truth = 0;
    for (int o = 0; o < 3; ++o) {
      pred += sums[1 + 3 * o + c];
      truth += sums[1 + 3 * c + o];
    }
    m.precision[static_cast<size_t>(c)] = pred > 0 ? tp / pred : 0.0;
    m.recall[static_cast<size_t>(c)] = truth > 0 ? tp / truth : 0.0;
  }
  return m;
}

void Trainer::save_checkpoint(const std::string& path, bool with_optimizer) {
  save_checkpoint_on_root(comm_, path, [&](const std::string& tmp) {
    nn::save_checkpoint(tmp, model_, with_optimizer ? adam_.get() : nullptr);
    write_train_state(tmp, state_, opt_.seed, opt_.global_batch);
  });
}

void Trainer::resume(const std::string& path) {
  nn::load_checkpoint(path, model_, adam_.get());
  state_ = read_train_state(path, opt_.seed, opt_.global_batch);
  std::vector<nn::Dropout*> drops;
  collect_dropout(model_.net(), drops);
  for (auto* d : drops) d->set_calls(static_cast<uint64_t>(state_.step));
  log::info("resumed from {}: epoch {}, batch {}, step {}", path, state_.epoch + 1, state_.next_batch,
            state_.step);
}

std::vector<EpochMetrics> Trainer::run(StageTimes& times) {
  std::vector<EpochMetrics> history;
  const int64_t per_epoch = steps_per_epoch();
  const int64_t total = per_epoch * opt_.epochs;
  const int64_t limit = opt_.max_steps > 0 ? std::min(total, opt_.max_steps) : total;
  Progress progress("train", (limit - state_.step) * opt_.global_batch, "examples",
                    comm_.is_root() && opt_.progress, 5.0);
  bool stop = false;
  while (state_.epoch < opt_.epochs && !stop) {
    const std::vector<int64_t> order = epoch_order(train_idx_, opt_.seed, state_.epoch);
    double loss_sum = 0;
    int64_t loss_n = 0;
    auto t0 = std::chrono::steady_clock::now();
    {
      ScopedStage st(times, "train");
      for (; state_.next_batch < per_epoch; ++state_.next_batch) {
        if (state_.step >= limit) {
          stop = true;
          break;
        }
        const auto first = order.begin() + state_.next_batch * opt_.global_batch;
        loss_sum += train_step(std::vector<int64_t>(first, first + opt_.global_batch));
        ++loss_n;
        progress.tick(opt_.global_batch);
        if (!opt_.checkpoint_path.empty() && opt_.checkpoint_every > 0 &&
            state_.step % opt_.checkpoint_every == 0) {
          ScopedStage cs(times, "checkpoint");
          state_.next_batch++;  // the checkpoint resumes after this batch
          save_checkpoint(opt_.checkpoint_path, true);
          state_.next_batch--;
        }
      }
    }
    if (stop) break;  // max_steps reached inside the epoch: no end-of-epoch work
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    average_buffers(comm_, model_);
    EpochMetrics m;
    {
      ScopedStage st(times, "validate");
      m = validate();
    }
    m.epoch = state_.epoch + 1;
    m.train_loss = loss_n ? loss_sum / loss_n : 0.0;
    m.examples_per_second = secs > 0 ? loss_n * opt_.global_batch / secs : 0.0;
    history.push_back(m);
    log::info("epoch {}: train loss {:.4f}, val loss {:.4f}, val acc {:.4f}, recall hom-ref/het/hom-alt "
              "{:.3f}/{:.3f}/{:.3f}, {:.0f} examples/s",
              m.epoch, m.train_loss, m.val_loss, m.val_accuracy, m.recall[0], m.recall[1], m.recall[2],
              m.examples_per_second);
    const bool improved = m.val_loss < state_.best_val_loss;
    if (improved) {
      state_.best_val_loss = m.val_loss;
      state_.bad_epochs = 0;
    } else {
      ++state_.bad_epochs;
    }
    ++state_.epoch;
    state_.next_batch = 0;
    {
      ScopedStage st(times, "checkpoint");
      if (improved && !opt_.best_path.empty()) save_checkpoint(opt_.best_path, false);
      if (!opt_.checkpoint_path.empty()) save_checkpoint(opt_.checkpoint_path, true);
    }
    if (state_.bad_epochs >= opt_.early_stop_patience) {
      log::info("early stop: validation loss has not improved for {} epoch(s)", state_.bad_epochs);
      break;
    }
  }
  progress.finish();
  return history;
}

}  // namespace dvhpc::train
