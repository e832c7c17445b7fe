// query_gpu_info() for builds without CUDA; the CUDA build's version is in
// src/gpu/gpu_info.cpp.
#include "dvhpc/gpu_info.hpp"

#ifndef DVHPC_HAVE_CUDA
namespace dvhpc {
GpuInfo query_gpu_info() {
  GpuInfo g;
  g.status = "built without CUDA (configure with -DDVHPC_ENABLE_CUDA=ON)";
  return g;
}
}  // namespace dvhpc
#endif
