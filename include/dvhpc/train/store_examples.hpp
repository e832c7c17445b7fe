// Training examples from one or more example stores (PREFIX.examples.h5).
//
// RNN count features are small, so they are read once into memory
// (MemoryExamples). CNN images are large (~150 KB each as float), so they
// are read on demand, batch by batch, converted from the stored uint8 NHWC
// layout to the float NCHW layout the CNN takes, scaled to [0, 1].
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dvhpc/example_store.hpp"
#include "dvhpc/train/example_source.hpp"

namespace dvhpc::train {

// Examples of several stores as one index space. Unlabelled examples (-1)
// are an error: training needs truth.
class StoreImageExamples final : public ExampleSource {
 public:
  explicit StoreImageExamples(const std::vector<std::string>& paths);
  int64_t size() const override { return total_; }
  nn::Shape example_shape() const override;
  void read(const std::vector<int64_t>& idx, float* x, int32_t* y) const override;

 private:
  std::vector<std::unique_ptr<ExampleStore>> stores_;
  std::vector<int64_t> offsets_;  // first global index of each store
  std::vector<int32_t> labels_;
  int64_t total_ = 0;
};

std::unique_ptr<ExampleSource> load_feature_examples(const std::vector<std::string>& paths);

}  // namespace dvhpc::train
