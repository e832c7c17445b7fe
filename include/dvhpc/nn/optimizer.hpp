// Optimisers over a model's parameter list (PyTorch semantics):
//   SGD with momentum:  v = m*v + g;  w -= lr*v
//   Adam:               m,v moments with bias correction (Kingma & Ba)
// Weight decay is L2 added to the gradient. The state tensors live on the
// backend's device next to the parameters; state() exposes them by name for
// checkpoints ("<slot>/<param name>").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

class Optimizer {
 public:
  Optimizer(Backend& be, std::vector<Param*> params) : be_(be), params_(std::move(params)) {}
  virtual ~Optimizer() = default;
  virtual void step() = 0;
  virtual std::string kind() const = 0;
  int64_t steps() const { return steps_; }
  void set_steps(int64_t s) { steps_ = s; }
  // Named state tensors (allocated on first use, so a fresh optimizer can be
  // loaded from a checkpoint before its first step).
  std::vector<std::pair<std::string, Tensor*>> state();
  void set_lr(float lr) { lr_override_ = lr; }

 protected:
  virtual std::vector<std::string> slots() const = 0;
  Tensor& slot(const std::string& slot, size_t i);
  Backend& be_;
  std::vector<Param*> params_;
  int64_t steps_ = 0;
  float lr_override_ = -1.0f;

 private:
  std::map<std::string, std::vector<Tensor>> state_;
};

class Sgd final : public Optimizer {
 public:
  Sgd(Backend& be, std::vector<Param*> params, const SgdParams& p) : Optimizer(be, std::move(params)), p_(p) {}
  void step() override;
  std::string kind() const override { return "sgd"; }

 private:
  std::vector<std::string> slots() const override { return {"momentum"}; }
  SgdParams p_;
};

class Adam final : public Optimizer {
 public:
  Adam(Backend& be, std::vector<Param*> params, const AdamParams& p) : Optimizer(be, std::move(params)), p_(p) {}
  void step() override;
  std::string kind() const override { return "adam"; }

 private:
  std::vector<std::string> slots() const override { return {"exp_avg", "exp_avg_sq"}; }
  AdamParams p_;
};

}  // namespace dvhpc::nn
