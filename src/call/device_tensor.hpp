// A kernels' output View as a tensor of the rank's network backend, so that
// features and images go from the Kokkos kernels to cuDNN (or oneDNN)
// without a host round trip.
//
// When the backend reads the View's memory (both on the host, or both on the
// rank's GPU: DeviceContext::shared_memory) the tensor wraps the View in
// place and keeps it alive. Otherwise the data crosses once: a host View is
// uploaded to the GPU backend; a GPU View is mirrored to the host for oneDNN.
#pragma once

#include <type_traits>

#include "dvhpc/device_context.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/nn/tensor.hpp"

namespace dvhpc {

template <class View>
nn::Tensor as_tensor(DeviceContext& dev, const View& v, nn::Shape shape) {
  static_assert(std::is_same_v<typename View::non_const_value_type, float>, "tensors are fp32");
  using Mem = typename View::memory_space;
  if (!v.span_is_contiguous() || static_cast<int64_t>(v.size()) != nn::shape_numel(shape))
    throw Error(ErrorKind::Internal, "as_tensor: the View is not one contiguous block of shape " + nn::shape_str(shape));
  nn::Backend& be = dev.backend();
  constexpr bool on_host = Kokkos::SpaceAccessibility<Kokkos::HostSpace, Mem>::accessible;
  if (dev.shared_memory()) return nn::Tensor::borrow(v.data(), std::move(shape), be.device(), v);
  if constexpr (on_host) {  // host View, GPU backend
    nn::Tensor t = be.alloc(shape);
    be.upload(v.data(), t);
    return t;
  } else {  // GPU View, CPU backend
    auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
    return nn::Tensor::borrow(h.data(), std::move(shape), be.device(), h);
  }
}

}  // namespace dvhpc
