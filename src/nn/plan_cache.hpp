// oneDNN plans (primitives, memory descriptors, workspaces) cached per input
// shape, at most kMaxPlans of them per layer: the least recently used is
// dropped first. Every distinct batch size gets its own plan, and `call`'s
// last batch of each shard has a size of its own; an unbounded cache made a
// rank's memory grow with the number of shards it ran (the LSTM alone kept
// up to 64 plans of ~10 MB). The results do not depend on the cache.
#pragma once

#include <cstdint>
#include <map>

namespace dvhpc::nn::cpu {

template <typename Key, typename Plan>
class PlanCache {
 public:
  static constexpr size_t kMaxPlans = 4;

  // The cached plan for `key`, or null.
  Plan* find(const Key& key) {
    auto it = plans_.find(key);
    if (it == plans_.end()) return nullptr;
    it->second.used = ++clock_;
    return &it->second.plan;
  }
  // A new, default-constructed plan for `key` (evicting the least recently used).
  Plan& insert(const Key& key) {
    while (plans_.size() >= kMaxPlans) {
      auto oldest = plans_.begin();
      for (auto j = plans_.begin(); j != plans_.end(); ++j)
        if (j->second.used < oldest->second.used) oldest = j;
      plans_.erase(oldest);
    }
    Entry& e = plans_[key];
    e.used = ++clock_;
    return e.plan;
  }
  void clear() { plans_.clear(); }

 private:
  struct Entry {
    Plan plan;
    uint64_t used = 0;
  };
  std::map<Key, Entry> plans_;
  uint64_t clock_ = 0;
};

}  // namespace dvhpc::nn::cpu
