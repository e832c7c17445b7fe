#include "dvhpc/train/example_source.hpp"

#include <algorithm>

#include "dvhpc/error.hpp"

namespace dvhpc::train {

MemoryExamples::MemoryExamples(nn::Shape shape, std::vector<float> x, std::vector<int32_t> y)
    : shape_(std::move(shape)), numel_(nn::shape_numel(shape_)), x_(std::move(x)), y_(std::move(y)) {
  DVHPC_ASSERT(static_cast<int64_t>(x_.size()) == numel_ * static_cast<int64_t>(y_.size()),
               "MemoryExamples: x and y sizes disagree");
}

void MemoryExamples::read(const std::vector<int64_t>& idx, float* x, int32_t* y) const {
  for (size_t i = 0; i < idx.size(); ++i) {
    const int64_t k = idx[i];
    DVHPC_ASSERT(k >= 0 && k < size(), "example index out of range");
    std::copy_n(x_.begin() + k * numel_, numel_, x + static_cast<int64_t>(i) * numel_);
    y[i] = y_[static_cast<size_t>(k)];
  }
}

}  // namespace dvhpc::train
