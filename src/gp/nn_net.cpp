#include "nn_net.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <algorithm>
#include <numeric>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/nn/activation.hpp"
#include "dvhpc/nn/dense.hpp"

namespace dvhpc::gp {

#if defined(_OPENMP)
OneThread::OneThread() : saved_(omp_get_max_threads()) { omp_set_num_threads(1); }
OneThread::~OneThread() { omp_set_num_threads(saved_); }
#else
OneThread::OneThread() = default;
OneThread::~OneThread() = default;
#endif

SampleNet::SampleNet(const std::string& arch, int64_t in_width, int64_t out_width, const NnOptions& o)
    : backend(nn::make_backend(o.device, nn::Precision::Fp32, o.local_rank)), in(in_width), out(out_width) {
  if (o.hidden.empty() || o.hidden.size() > 2)
    throw Error(ErrorKind::Config, "gp.nn.hidden must list 1 or 2 hidden layer sizes");
  model = std::make_unique<nn::Model>(*backend, arch);
  nn::Rng rng(o.seed);
  nn::Sequential& net = model->net();
  int64_t w = in;
  for (size_t l = 0; l < o.hidden.size(); ++l) {
    const std::string s = std::to_string(l + 1);
    net.add<nn::Dense>("fc" + s, nn::DenseSpec{w, o.hidden[l], true}, nn::Init::HeNormal, rng);
    net.add<nn::Relu>("relu" + s);
    dropouts.push_back(&net.add<nn::RowDropout>("dropout" + s, o.dropout, o.seed * 7919 + l));
    w = o.hidden[l];
  }
  net.add<nn::Dense>("out", nn::DenseSpec{w, out, true}, nn::Init::XavierUniform, rng);
}

nn::Tensor SampleNet::forward(const std::vector<float>& x, int64_t rows, bool training,
                              const std::vector<uint64_t>& keys, int64_t step) {
  nn::Tensor t = backend->alloc({rows, in});
  backend->upload(x.data(), t);
  if (training)
    for (auto* d : dropouts) d->set_rows(keys, static_cast<uint64_t>(step));
  return model->forward(t, training);
}

void SampleNet::zero_gradients() {
  for (nn::Param* p : model->parameters()) backend->fill(p->grad, 0.0f);
}

std::vector<float> SampleNet::weights() const {
  std::vector<float> w;
  for (nn::Param* p : model->parameters()) {
    const auto h = backend->to_host(p->value);
    w.insert(w.end(), h.begin(), h.end());
  }
  return w;
}

void SampleNet::set_weights(const std::vector<float>& w) {
  size_t at = 0;
  for (nn::Param* p : model->parameters()) {
    const size_t size = static_cast<size_t>(p->value.numel());
    if (at + size > w.size()) break;
    backend->upload(w.data() + at, p->value);
    p->value.bump_version();
    at += size;
  }
  size_t total = 0;
  for (nn::Param* p : model->parameters()) total += static_cast<size_t>(p->value.numel());
  if (at != total || w.size() != total)
    throw Error(ErrorKind::Input, "saved network weights: " + std::to_string(w.size()) + " values for a network of " +
                                      std::to_string(total) + " (" + layout() + ")");
}

std::string SampleNet::layout() const {
  std::string out;
  for (nn::Param* p : model->parameters()) out += (out.empty() ? "" : "; ") + p->name + " " + nn::shape_str(p->value.shape());
  return out;
}

std::vector<float> gather_rows(const std::vector<float>& m, int64_t w, const std::vector<int64_t>& ids) {
  std::vector<float> out(ids.size() * static_cast<size_t>(w));
  for (size_t i = 0; i < ids.size(); ++i)
    std::copy(m.begin() + ids[i] * w, m.begin() + (ids[i] + 1) * w, out.begin() + static_cast<long>(i) * w);
  return out;
}

NeuralGpModel::NeuralGpModel(const Comm& comm, std::shared_ptr<const SampleFeatures> f, NnOptions o)
    : comm_(comm), fit_comm_(&comm), f_(std::move(f)), o_(std::move(o)) {
  train_opt_.global_batch = o_.batch;
  train_opt_.epochs = o_.epochs;
  train_opt_.learning_rate = o_.learning_rate;
  train_opt_.weight_decay = o_.weight_decay;
  train_opt_.validation_fraction = o_.validation;
  train_opt_.patience = o_.patience;
  train_opt_.seed = o_.seed;
}

void NeuralGpModel::fit(const FitTask& task) {
  if (task.train.size() < 3)
    throw Error::on_all_ranks(ErrorKind::Input, name() + ": a training set of " + std::to_string(task.train.size()) +
                                                    " samples is too small");
  const OneThread one_thread;
  const int64_t T = static_cast<int64_t>(task.targets.size());
  std::vector<float> z = scale_.standardise(task.targets);
  net_ = std::make_unique<SampleNet>("gp_" + name(), f_->width, T, o_);
  std::unique_ptr<train::RegressionProblem> problem = make_problem(task, std::move(z));
  train::RegressionTrainer trainer(*fit_comm_, *problem, train_opt_);
  if (!resume_from.empty()) trainer.resume(resume_from);
  result_ = trainer.run();
  log::debug("{}: {} training samples, batch {}, {} epochs ({} steps){}, best validation mse {:.4f} at epoch {}",
             name(), task.train.size(), trainer.batch_size(), result_.epochs, result_.steps,
             result_.early_stopped ? " (early stop)" : "", result_.best_val_loss, result_.best_epoch);
}

std::vector<std::vector<double>> NeuralGpModel::predict(const std::vector<int64_t>& samples) const {
  if (!net_) throw Error(ErrorKind::Internal, name() + ": predict before fit");
  const OneThread one_thread;
  const std::vector<float> z = outputs(samples);
  const size_t T = scale_.mean.size();
  std::vector<std::vector<double>> out(T, std::vector<double>(samples.size()));
  for (size_t t = 0; t < T; ++t)
    for (size_t i = 0; i < samples.size(); ++i) out[t][i] = scale_.back(z[i * T + t], t);
  return out;
}

SavedNet NeuralGpModel::saved_net(std::vector<int64_t> traits) const {
  if (!net_) throw Error(ErrorKind::Internal, name() + ": saved_net before fit");
  SavedNet s;
  s.traits = std::move(traits);
  s.inputs = f_->width;
  s.hidden = o_.hidden;
  s.weights = net_->weights();
  s.mean = scale_.mean;
  s.sd = scale_.sd;
  s.layout = net_->layout();
  return s;
}

std::vector<TaskResult> NeuralGpModel::run_tasks(const std::vector<FitTask>& tasks) {
  if (!o_.deal_tasks || comm_.size() == 1) return GpModel::run_tasks(tasks);
  // Largest training set first, each to the least loaded rank (cost ~ n).
  const std::vector<int> owner = deal_tasks(tasks, comm_.size(), [](double n) { return n; });
  // Predictions packed per task, zeros from the ranks that did not run it,
  // so the sum over ranks is exactly the owner's values.
  std::vector<size_t> offset(tasks.size() + 1, 0);
  for (size_t t = 0; t < tasks.size(); ++t) offset[t + 1] = offset[t] + tasks[t].targets.size() * tasks[t].test.size();
  std::vector<double> packed(offset.back(), 0.0);
  const Comm self(MPI_COMM_SELF);
  fit_comm_ = &self;
  std::string error;
  try {
    for (size_t t = 0; t < tasks.size(); ++t) {
      if (owner[t] != comm_.rank()) continue;
      fit(tasks[t]);
      double* out = packed.data() + offset[t];
      for (const auto& p : predict(tasks[t].test)) out = std::copy(p.begin(), p.end(), out);
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  fit_comm_ = &comm_;
  net_.reset();  // the last fit differs between ranks: no predict() from it
  comm_.agree_or_throw(error, ErrorKind::Input);
  comm_.allreduce_sum(packed.data(), static_cast<int64_t>(packed.size()));
  std::vector<TaskResult> results(tasks.size());
  for (size_t t = 0; t < tasks.size(); ++t) {
    const double* in = packed.data() + offset[t];
    for (size_t j = 0; j < tasks[t].targets.size(); ++j, in += tasks[t].test.size())
      results[t].predictions.emplace_back(in, in + tasks[t].test.size());
    results[t].shrinkage.assign(tasks[t].targets.size(), nan_value());
  }
  return results;
}

}  // namespace dvhpc::gp
