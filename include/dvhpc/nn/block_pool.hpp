// A size-bucketed free list of device or host blocks, shared by the CPU and
// GPU backends. Training and inference allocate the same sizes every batch,
// so after the first batch every Backend::alloc is a list pop. Header-only
// because the GPU library must not depend on dvhpc_core's objects.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "dvhpc/nn/tensor.hpp"

namespace dvhpc::nn {

class BlockPool : public std::enable_shared_from_this<BlockPool> {
 public:
  using RawAlloc = std::function<void*(size_t)>;
  using RawFree = std::function<void(void*)>;
  BlockPool(RawAlloc a, RawFree f) : alloc_(std::move(a)), free_(std::move(f)) {}
  ~BlockPool() { trim(); }

  // Rounds up to 256 bytes so that near-equal sizes share a bucket and every
  // block is aligned for AVX-512 and cuDNN.
  std::shared_ptr<Storage> get(size_t bytes) {
    bytes = ((bytes + 255) / 256) * 256;
    if (bytes == 0) bytes = 256;
    void* p = nullptr;
    {
      std::lock_guard<std::mutex> lk(mu_);
      auto it = free_lists_.find(bytes);
      if (it != free_lists_.end() && !it->second.empty()) {
        p = it->second.back();
        it->second.pop_back();
      }
    }
    if (!p) p = alloc_(bytes);
    auto s = std::make_shared<Storage>();
    s->ptr = static_cast<float*>(p);
    s->bytes = bytes;
    std::weak_ptr<BlockPool> weak = shared_from_this();
    RawFree raw_free = free_;
    s->release = [weak, raw_free](Storage& st) {
      if (auto pool = weak.lock()) {
        std::lock_guard<std::mutex> lk(pool->mu_);
        pool->free_lists_[st.bytes].push_back(st.ptr);
      } else {
        raw_free(st.ptr);
      }
    };
    return s;
  }

  void trim() {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto& kv : free_lists_)
      for (void* p : kv.second) free_(p);
    free_lists_.clear();
  }

 private:
  RawAlloc alloc_;
  RawFree free_;
  std::mutex mu_;
  std::map<size_t, std::vector<void*>> free_lists_;
};

}  // namespace dvhpc::nn
