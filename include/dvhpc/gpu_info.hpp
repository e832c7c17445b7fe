// What GPU support this binary has and what the machine offers at run time.
// The CUDA build always links cuDNN/NCCL; the GPU is used only if one exists.
#pragma once

#include <string>
#include <vector>

namespace dvhpc {

struct GpuInfo {
  bool cuda_compiled = false;  // built with DVHPC_ENABLE_CUDA
  int cuda_runtime_version = 0;  // e.g. 13000
  int cuda_driver_version = 0;   // 0 when no driver is installed
  int cudnn_version = 0;         // e.g. 90300
  int nccl_version = 0;          // e.g. 22800
  int device_count = 0;
  std::vector<std::string> device_names;
  std::string status;  // why no device is usable, when device_count == 0
};

// Never throws: a machine without a driver or GPU reports device_count 0.
GpuInfo query_gpu_info();

}  // namespace dvhpc
