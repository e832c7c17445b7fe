// Layer: the unit models are built from, written once for every backend.
//
// forward(x, training) returns a new tensor (from the backend's pool) and, in
// training mode, remembers what backward needs. backward(dy) must follow a
// training forward; it overwrites the gradients of the layer's parameters
// and returns dL/dx, or an undefined tensor when need_input_grad is false
// (the first layer of a model, whose input gradient nobody uses).
#pragma once

#include <string>
#include <vector>

#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/tensor.hpp"

namespace dvhpc::nn {

// A named tensor of a model. Trainable parameters have a gradient; buffers
// (batch-norm running statistics) are saved and loaded but not trained.
struct Param {
  std::string name;
  Tensor value;
  Tensor grad;
};

class Layer {
 public:
  Layer(Backend& backend, std::string name) : be_(backend), name_(std::move(name)) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  virtual Tensor forward(const Tensor& x, bool training) = 0;
  virtual Tensor backward(const Tensor& dy, bool need_input_grad = true) = 0;
  virtual void parameters(std::vector<Param*>& /*out*/) {}
  virtual void buffers(std::vector<Param*>& /*out*/) {}
  const std::string& name() const { return name_; }
  Backend& backend() const { return be_; }

 protected:
  // Creates a parameter named "<layer>.<what>" with a zeroed gradient.
  Param make_param(const std::string& what, const Shape& shape) {
    return Param{name_ + "." + what, be_.zeros(shape), be_.zeros(shape)};
  }
  Backend& be_;
  std::string name_;
};

}  // namespace dvhpc::nn
