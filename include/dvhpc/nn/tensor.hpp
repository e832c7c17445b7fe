// dvhpc::nn::Tensor: a shaped, reference-counted fp32 buffer on one device.
//
// Layouts used throughout the NN engine (row-major, last index fastest):
//   images    NCHW  [batch, channels, height, width]
//   sequences NTC   [batch, time, channels]
//   matrices  NC    [batch, features]
// Tensors are always fp32 at the interface; reduced precision (bf16/fp16) is a
// GPU-internal compute option (see backend.hpp), so models, goldens and
// checkpoints never depend on it.
//
// A Tensor is a handle: copying it shares the buffer. Buffers come from the
// backend (Backend::alloc), which recycles them through a pool so that the
// per-batch allocations of the hot path are free lists, not cudaMalloc/malloc.
// Header-only on purpose: the GPU library uses it without linking dvhpc_core.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

namespace dvhpc::nn {

enum class Device { CPU, GPU };
using Shape = std::vector<int64_t>;

inline int64_t shape_numel(const Shape& s) {
  return std::accumulate(s.begin(), s.end(), int64_t{1}, std::multiplies<int64_t>());
}

inline std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

// Raw storage; `version` is bumped whenever parameters are rewritten (optimizer
// step, load, init) so backends can cache re-laid-out copies of weights.
struct Storage {
  float* ptr = nullptr;
  size_t bytes = 0;
  uint64_t version = 0;
  std::function<void(Storage&)> release;  // returns the block to its pool
  ~Storage() {
    if (release) release(*this);
  }
};

class Tensor {
 public:
  Tensor() = default;
  Tensor(Shape shape, Device device, std::shared_ptr<Storage> storage)
      : shape_(std::move(shape)), device_(device), storage_(std::move(storage)) {}

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_.at(i < 0 ? shape_.size() + i : i); }
  int64_t numel() const { return shape_numel(shape_); }
  Device device() const { return device_; }
  float* data() const { return storage_ ? storage_->ptr : nullptr; }
  uint64_t version() const { return storage_ ? storage_->version : 0; }
  void bump_version() const {
    if (storage_) ++storage_->version;
  }
  // Rows [begin, begin + count) of the leading dimension, sharing this
  // buffer (which stays alive while the slice does): the batches of a
  // larger input, without a copy.
  Tensor rows(int64_t begin, int64_t count) const {
    const int64_t row = shape_.empty() || shape_[0] == 0 ? 0 : numel() / shape_[0];
    auto s = std::make_shared<Storage>();
    s->ptr = data() + begin * row;
    s->bytes = static_cast<size_t>(count * row) * sizeof(float);
    s->release = [keep = storage_](Storage&) {};
    Shape sh = shape_;
    sh[0] = count;
    return Tensor(std::move(sh), device_, std::move(s));
  }
  // A tensor over memory that something else owns (a Kokkos View, ...):
  // `owner` is kept alive as long as the tensor or a slice of it is.
  template <class Owner>
  static Tensor borrow(float* ptr, Shape shape, Device device, Owner owner) {
    auto s = std::make_shared<Storage>();
    s->ptr = ptr;
    s->bytes = static_cast<size_t>(shape_numel(shape)) * sizeof(float);
    s->release = [keep = std::move(owner)](Storage&) {};
    return Tensor(std::move(shape), device, std::move(s));
  }
  // Same buffer, new shape with the same element count (e.g. NTC -> N,T*C).
  Tensor reshaped(Shape s) const {
    Tensor t = *this;
    t.shape_ = std::move(s);
    return t;
  }

 private:
  Shape shape_;
  Device device_ = Device::CPU;
  std::shared_ptr<Storage> storage_;
};

}  // namespace dvhpc::nn
