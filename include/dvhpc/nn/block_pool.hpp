// A size-bucketed free list of device or host blocks, shared by the CPU and
// GPU backends. Training and inference allocate the same sizes every batch,
// so after the first batch every Backend::alloc is a list pop. The free
// blocks are capped (`max_cached` bytes): `call`'s last batch of every shard
// has a size of its own, and an uncapped pool kept a block of every size it
// ever saw, so a rank's memory grew with the shards it ran. When a release
// would pass the cap, the cached blocks are freed first (the sizes in use
// come back on the next batch). Header-only because the GPU library must
// not depend on dvhpc_core's objects.
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
  BlockPool(RawAlloc a, RawFree f, size_t max_cached)
      : alloc_(std::move(a)), free_(std::move(f)), max_cached_(max_cached) {}
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
        cached_ -= bytes;
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
        if (pool->cached_ + st.bytes > pool->max_cached_) pool->trim_locked();
        if (st.bytes > pool->max_cached_) {
          raw_free(st.ptr);
          return;
        }
        pool->free_lists_[st.bytes].push_back(st.ptr);
        pool->cached_ += st.bytes;
      } else {
        raw_free(st.ptr);
      }
    };
    return s;
  }

  void trim() {
    std::lock_guard<std::mutex> lk(mu_);
    trim_locked();
  }
  size_t cached_bytes() {
    std::lock_guard<std::mutex> lk(mu_);
    return cached_;
  }

 private:
  void trim_locked() {
    for (auto& kv : free_lists_)
      for (void* p : kv.second) free_(p);
    free_lists_.clear();
    cached_ = 0;
  }
  RawAlloc alloc_;
  RawFree free_;
  size_t max_cached_;
  size_t cached_ = 0;
  std::mutex mu_;
  std::map<size_t, std::vector<void*>> free_lists_;
};

}  // namespace dvhpc::nn
