// Host vectors as kernel inputs, one helper for every kernel wrapper.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/types.hpp"

namespace dvhpc::kernels {

// The contents of v as a View in Exec's memory space.
//
// Host memory (OpenMP builds, and the host instantiation of device builds):
// the View aliases v's own storage, unmanaged. No allocation and no copy:
// copying each shard's read batch into fresh Views was a fifth of a call's
// page faults (perf, held-out 1 Mb) on top of the copies themselves.
// Kernels only read these Views; the const_cast exists because the View
// types are shared with kernel outputs.
//
// Device memory (CUDA): a copy enqueued on exec's stream, into *buf when
// given (grown by a quarter when too small, never shrunk, so a wrapper
// called per shard allocates rarely; the result is then a subview of
// exactly v.size() elements), else into a new View. CUDA stages a copy from
// pageable memory before the call returns, so v may go away afterwards;
// on the host it must stay alive and unchanged while the View is in use.
template <class Exec, class T>
Kokkos::View<T*, typename Exec::memory_space> device_view(const Exec& exec, const std::vector<T>& v,
                                                          const char* label,
                                                          Kokkos::View<T*, typename Exec::memory_space>* buf = nullptr) {
  using M = typename Exec::memory_space;
  if constexpr (std::is_same_v<M, HostSpace>) {
    (void)exec;
    (void)label;
    (void)buf;
    return HostUnmanaged<T>(const_cast<T*>(v.data()), v.size());
  } else {
    Kokkos::View<T*, M> d;
    if (buf) {
      if (buf->extent(0) < v.size())
        *buf = Kokkos::View<T*, M>(Kokkos::view_alloc(Kokkos::WithoutInitializing, std::string(label)),
                                   v.size() + v.size() / 4);
      d = Kokkos::subview(*buf, std::make_pair<size_t, size_t>(0, v.size()));
    } else {
      d = Kokkos::View<T*, M>(Kokkos::view_alloc(Kokkos::WithoutInitializing, std::string(label)), v.size());
    }
    if (!v.empty()) Kokkos::deep_copy(exec, d, HostUnmanaged<const T>(v.data(), v.size()));
    return d;
  }
}

}  // namespace dvhpc::kernels
