// Containers: Sequential (a chain of layers) and ResidualBlock, the basic
// ResNet block  y = relu(main(x) + shortcut(x)),  where main is usually
// conv-bn-relu-conv-bn and shortcut is identity or a 1x1 conv + bn when the
// shape changes.
#pragma once

#include <memory>
#include <vector>

#include "dvhpc/nn/layer.hpp"

namespace dvhpc::nn {

class Sequential final : public Layer {
 public:
  Sequential(Backend& be, std::string name) : Layer(be, std::move(name)) {}
  template <class L, class... Args>
  L& add(Args&&... args) {
    auto l = std::make_unique<L>(be_, std::forward<Args>(args)...);
    L& ref = *l;
    layers_.push_back(std::move(l));
    return ref;
  }
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;
  void parameters(std::vector<Param*>& out) override;
  void buffers(std::vector<Param*>& out) override;
  bool empty() const { return layers_.empty(); }
  size_t size() const { return layers_.size(); }
  Layer& at(size_t i) { return *layers_.at(i); }

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
};

class ResidualBlock final : public Layer {
 public:
  ResidualBlock(Backend& be, std::string name);
  Sequential& main() { return main_; }
  Sequential& shortcut() { return shortcut_; }  // empty = identity
  Tensor forward(const Tensor& x, bool training) override;
  Tensor backward(const Tensor& dy, bool need_input_grad) override;
  void parameters(std::vector<Param*>& out) override;
  void buffers(std::vector<Param*>& out) override;

 private:
  Sequential main_, shortcut_;
  std::unique_ptr<ReluOp> relu_;
  Tensor y_;
};

}  // namespace dvhpc::nn
