// Entry points of the CUDA/cuDNN backend (library dvhpc_gpu, built only with
// DVHPC_ENABLE_CUDA). Use make_backend("gpu") rather than calling these.
#pragma once

#include <memory>

#include "dvhpc/nn/backend.hpp"

namespace dvhpc::nn::gpu {

int device_count();  // 0 when the driver or device is missing (never throws)
std::unique_ptr<Backend> make_backend(Precision precision, int device = 0);

}  // namespace dvhpc::nn::gpu
