#include "gp_model.hpp"

#include <algorithm>
#include <numeric>

namespace dvhpc::gp {

std::vector<double> GpModel::shrinkage() const { return {}; }

std::vector<TaskResult> GpModel::run_tasks(const std::vector<FitTask>& tasks) {
  std::vector<TaskResult> out;
  out.reserve(tasks.size());
  for (const auto& t : tasks) {
    fit(t);
    TaskResult r;
    r.predictions = predict(t.test);
    r.shrinkage = shrinkage();
    r.shrinkage.resize(t.targets.size(), nan_value());
    out.push_back(std::move(r));
  }
  return out;
}

bool GpModel::marker_effects(MarkerEffects*) const { return false; }

std::vector<int> deal_tasks(const std::vector<FitTask>& tasks, int ranks, double (*cost)(double n)) {
  std::vector<size_t> order(tasks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return tasks[a].train.size() > tasks[b].train.size(); });
  std::vector<double> load(static_cast<size_t>(ranks), 0.0);
  std::vector<int> owner(tasks.size());
  for (size_t t : order) {
    const size_t r = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[t] = static_cast<int>(r);
    load[r] += cost(static_cast<double>(tasks[t].train.size()));
  }
  return owner;
}

}  // namespace dvhpc::gp
