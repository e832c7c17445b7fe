// Entry points of the CUDA/cuDNN backend (library dvhpc_gpu, built only with
// DVHPC_ENABLE_CUDA). Use make_backend("gpu") rather than calling these.
#pragma once

#include <memory>

#include "dvhpc/nn/backend.hpp"

namespace dvhpc::nn::gpu {

int device_count();  // 0 when the driver or device is missing (never throws)
// `stream`: a cudaStream_t on `device` to enqueue every operator on, owned
// by the caller (the rank's DeviceContext, whose Kokkos kernels use the same
// stream, so their outputs need no synchronisation before cuDNN reads
// them); null: the backend creates and owns a stream of its own.
std::unique_ptr<Backend> make_backend(Precision precision, int device = 0, void* stream = nullptr);

}  // namespace dvhpc::nn::gpu
