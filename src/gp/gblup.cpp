#include "gblup.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"
#include "src/pca/standardized_genotypes.hpp"

namespace dvhpc::gp {

Gblup::Gblup(const Comm& comm, const StandardizedGenotypes& x, Shrinkage how)
    : comm_(comm), x_(x), how_(how), n_(x.cols()) {
  // Products in double: with float ones (1e-7) the chosen lambda and the
  // predictions moved by 1e-6 between rank counts.
  k_.assign(static_cast<size_t>(n_ * n_), 0.0);
  x.gram_samples(k_.data());
  comm.allreduce_sum(k_.data(), static_cast<int64_t>(k_.size()));
}

std::vector<double> Gblup::block(const std::vector<int64_t>& rows, const std::vector<int64_t>& cols) const {
  std::vector<double> b(rows.size() * cols.size());
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < cols.size(); ++j) b[i * cols.size() + j] = k_[static_cast<size_t>(rows[i] * n_ + cols[j])];
  return b;
}

void Gblup::cover(const std::vector<int64_t>& samples) {
  if (how_ != Shrinkage::Reml) return;
  if (held_ && std::all_of(samples.begin(), samples.end(), [&](int64_t j) { return base_at_[static_cast<size_t>(j)] >= 0; }))
    return;
  base_ = samples;
  std::sort(base_.begin(), base_.end());
  base_.erase(std::unique(base_.begin(), base_.end()), base_.end());
  base_at_.assign(static_cast<size_t>(n_), -1);
  for (size_t i = 0; i < base_.size(); ++i) base_at_[static_cast<size_t>(base_[i])] = static_cast<int64_t>(i);
  held_ = std::make_unique<HeldOutReml>(block(base_, base_), static_cast<int64_t>(base_.size()));
}

std::vector<RidgeFit> Gblup::solve(const FitTask& task) const {
  std::vector<RidgeFit> fits;
  if (how_ == Shrinkage::Reml) {
    DVHPC_ASSERT(held_, "cover() before solve()");
    std::vector<int64_t> pos;
    for (int64_t j : task.train) pos.push_back(base_at_[static_cast<size_t>(j)]);
    for (const auto& y : task.targets) fits.push_back(held_->fit(pos, y));
    return fits;
  }
  // One decomposition for every trait of the task.
  const KernelRidge kr(block(task.train, task.train), static_cast<int64_t>(task.train.size()));
  for (const auto& y : task.targets) fits.push_back(kr.fit(y, how_));
  return fits;
}

void Gblup::fit(const FitTask& task) {
  cover(task.train);
  // Every rank solves the same problem (no communication); see run_tasks
  // for dealing many fits to ranks.
  fits_ = solve(task);
  train_ = task.train;
}

std::vector<std::vector<double>> Gblup::predict(const std::vector<int64_t>& samples) const {
  const std::vector<double> kn = block(samples, train_);
  std::vector<std::vector<double>> out;
  for (const auto& f : fits_)
    out.push_back(KernelRidge::predict(f, kn.data(), static_cast<int64_t>(samples.size()),
                                       static_cast<int64_t>(train_.size())));
  return out;
}

std::vector<double> Gblup::shrinkage() const {
  std::vector<double> s;
  for (const auto& f : fits_) s.push_back(f.lambda);
  return s;
}

std::vector<TaskResult> Gblup::run_tasks(const std::vector<FitTask>& tasks) {
  std::vector<int64_t> all;
  for (const auto& t : tasks) {
    all.insert(all.end(), t.train.begin(), t.train.end());
    all.insert(all.end(), t.test.begin(), t.test.end());
  }
  cover(all);  // every rank: one decomposition, then each rank its tasks
  // Largest training set first, each to the least loaded rank (cost ~ n^3).
  const std::vector<int> owner = deal_tasks(tasks, comm_.size(), [](double n) { return n * n * n; });
  // Results packed per task: predictions [trait][test], then shrinkage
  // [trait]; zeros from the ranks that did not run a task, so the sum over
  // ranks is exactly the owner's values.
  std::vector<size_t> offset(tasks.size() + 1, 0);
  for (size_t t = 0; t < tasks.size(); ++t)
    offset[t + 1] = offset[t] + tasks[t].targets.size() * (tasks[t].test.size() + 1);
  std::vector<double> packed(offset.back(), 0.0);
  std::string error;
  try {
    for (size_t t = 0; t < tasks.size(); ++t) {
      if (owner[t] != comm_.rank()) continue;
      const std::vector<RidgeFit> fits = solve(tasks[t]);
      const std::vector<double> kn = block(tasks[t].test, tasks[t].train);
      double* out = packed.data() + offset[t];
      for (size_t j = 0; j < fits.size(); ++j) {
        const auto p = KernelRidge::predict(fits[j], kn.data(), static_cast<int64_t>(tasks[t].test.size()),
                                            static_cast<int64_t>(tasks[t].train.size()));
        std::copy(p.begin(), p.end(), out);
        out += p.size();
      }
      for (const auto& f : fits) *out++ = f.lambda;
    }
  } catch (const std::exception& e) {
    error = e.what();
  }
  comm_.agree_or_throw(error, ErrorKind::Input);
  comm_.allreduce_sum(packed.data(), static_cast<int64_t>(packed.size()));
  std::vector<TaskResult> results(tasks.size());
  for (size_t t = 0; t < tasks.size(); ++t) {
    const double* in = packed.data() + offset[t];
    for (size_t j = 0; j < tasks[t].targets.size(); ++j) {
      results[t].predictions.emplace_back(in, in + tasks[t].test.size());
      in += tasks[t].test.size();
    }
    results[t].shrinkage.assign(in, in + tasks[t].targets.size());
  }
  return results;
}

bool Gblup::marker_effects(MarkerEffects* out) const {
  // beta = X^T alpha per variant: one pass over this rank's rows with the
  // alphas of every trait as the columns of Q.
  const int T = static_cast<int>(fits_.size());
  std::vector<float> q(static_cast<size_t>(n_ * T), 0.0f);
  for (int t = 0; t < T; ++t)
    for (size_t i = 0; i < train_.size(); ++i)
      q[static_cast<size_t>(train_[i] * T + t)] = static_cast<float>(fits_[static_cast<size_t>(t)].alpha[i]);
  std::vector<float> y(static_cast<size_t>(x_.rows() * T), 0.0f);
  x_.multiply(q.data(), T, y.data(), T, nullptr);
  // One line per variant (hex floats are exact), gathered to rank 0 in rank
  // order, which is the variants' order for PLINK and HDF5 input.
  std::string lines;
  char buf[64];
  for (int64_t i = 0; i < x_.rows(); ++i) {
    const VariantId& v = x_.matrix().variants[static_cast<size_t>(x_.kept()[static_cast<size_t>(i)])];
    const double p = x_.alt_freq()[static_cast<size_t>(i)];
    const double s = x_.scaled() ? std::sqrt(2 * p * (1 - p)) : 1.0;  // per copy = per unit of x / s
    lines += v.id + '\t' + v.alt + '\t' + v.ref;
    std::snprintf(buf, sizeof buf, "\t%a", p);
    lines += buf;
    for (int t = 0; t < T; ++t) {
      std::snprintf(buf, sizeof buf, "\t%a", static_cast<double>(y[static_cast<size_t>(i * T + t)]) / s);
      lines += buf;
    }
    lines += '\n';
  }
  const auto parts = comm_.gather(lines, 0);
  *out = MarkerEffects{};
  for (const auto& f : fits_) {
    out->intercept.push_back(f.intercept);
    out->shrinkage.push_back(f.lambda);
  }
  for (const auto& part : parts) {
    std::istringstream in(part);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string id, a1, a2, num;
      f >> id >> a1 >> a2 >> num;
      out->id.push_back(id);
      out->a1.push_back(a1);
      out->a2.push_back(a2);
      out->freq.push_back(std::strtod(num.c_str(), nullptr));
      for (int t = 0; t < T; ++t) {
        f >> num;
        out->effect.push_back(std::strtod(num.c_str(), nullptr));
      }
    }
  }
  return true;
}

}  // namespace dvhpc::gp
