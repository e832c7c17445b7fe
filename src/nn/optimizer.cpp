#include "dvhpc/nn/optimizer.hpp"

namespace dvhpc::nn {

Tensor& Optimizer::slot(const std::string& name, size_t i) {
  auto& v = state_[name];
  if (v.empty()) {
    v.reserve(params_.size());
    for (Param* p : params_) v.push_back(be_.zeros(p->value.shape()));
  }
  return v.at(i);
}

std::vector<std::pair<std::string, Tensor*>> Optimizer::state() {
  std::vector<std::pair<std::string, Tensor*>> out;
  for (const std::string& s : slots())
    for (size_t i = 0; i < params_.size(); ++i) out.emplace_back(s + "/" + params_[i]->name, &slot(s, i));
  return out;
}

void Sgd::step() {
  SgdParams p = p_;
  if (lr_override_ > 0) p.lr = lr_override_;
  for (size_t i = 0; i < params_.size(); ++i)
    be_.sgd_update(params_[i]->value, params_[i]->grad, slot("momentum", i), p);
  ++steps_;
}

void Adam::step() {
  AdamParams p = p_;
  if (lr_override_ > 0) p.lr = lr_override_;
  ++steps_;
  for (size_t i = 0; i < params_.size(); ++i)
    be_.adam_update(params_[i]->value, params_[i]->grad, slot("exp_avg", i), slot("exp_avg_sq", i), p, steps_);
}

}  // namespace dvhpc::nn
