// Compiled into dvhpc_gpu only (DVHPC_ENABLE_CUDA).
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include <nccl.h>

#include "dvhpc/gpu_info.hpp"

namespace dvhpc {

GpuInfo query_gpu_info() {
  GpuInfo g;
  g.cuda_compiled = true;
  // Informational: a failed query (no driver installed) leaves 0, which
  // `dvhpc version` prints as "none"; the device count below says why.
  if (cudaRuntimeGetVersion(&g.cuda_runtime_version) != cudaSuccess) g.cuda_runtime_version = 0;
  if (cudaDriverGetVersion(&g.cuda_driver_version) != cudaSuccess) g.cuda_driver_version = 0;
  g.cudnn_version = static_cast<int>(cudnnGetVersion());
  if (ncclGetVersion(&g.nccl_version) != ncclSuccess) g.nccl_version = 0;
  int n = 0;
  cudaError_t rc = cudaGetDeviceCount(&n);
  if (rc != cudaSuccess) {
    g.status = cudaGetErrorString(rc);
    cudaGetLastError();  // clear the sticky error so later probes start clean
    return g;
  }
  g.device_count = n;
  for (int i = 0; i < n; ++i) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, i) == cudaSuccess)
      g.device_names.push_back(std::string(p.name) + " (sm_" + std::to_string(p.major) +
                               std::to_string(p.minor) + ")");
  }
  return g;
}

}  // namespace dvhpc
