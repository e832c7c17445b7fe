#include "gp_model.hpp"

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

}  // namespace dvhpc::gp
