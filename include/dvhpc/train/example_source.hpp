// Where training examples come from: a random-access set of (input, label).
//
// One example is a fixed-shape float tensor (RNN: [33, 18] count features;
// CNN: [C, H, W] image scaled to [0, 1]) and a genotype class 0/1/2. The
// trainer asks for arbitrary index lists (a shuffled batch slice), so
// implementations must serve random access.
#pragma once

#include <cstdint>
#include <vector>

#include "dvhpc/nn/tensor.hpp"

namespace dvhpc::train {

class ExampleSource {
 public:
  virtual ~ExampleSource() = default;
  virtual int64_t size() const = 0;
  // Shape of one example (without the batch dimension).
  virtual nn::Shape example_shape() const = 0;
  // Writes examples `idx` into x (idx.size() * numel floats, row-major) and
  // their labels into y.
  virtual void read(const std::vector<int64_t>& idx, float* x, int32_t* y) const = 0;
};

// Examples held in memory: the RNN's count features are small (2.4 KB per
// example), so whole training sets fit and random access costs nothing.
class MemoryExamples final : public ExampleSource {
 public:
  MemoryExamples(nn::Shape shape, std::vector<float> x, std::vector<int32_t> y);
  int64_t size() const override { return static_cast<int64_t>(y_.size()); }
  nn::Shape example_shape() const override { return shape_; }
  void read(const std::vector<int64_t>& idx, float* x, int32_t* y) const override;

 private:
  nn::Shape shape_;
  int64_t numel_;
  std::vector<float> x_;
  std::vector<int32_t> y_;
};

}  // namespace dvhpc::train
