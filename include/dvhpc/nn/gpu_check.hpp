// Error checks for CUDA, cuDNN, cuBLAS and NCCL calls: a failing call throws
// dvhpc::Error (ErrorKind::Library) naming the library, the expression, the
// source location and the library's own error string.
//
// Destructors cannot throw (one may run while an error unwinds), so the
// releases there (descriptor and handle destroys, cudaFree, the last stream
// synchronisation) use DVHPC_WARN_CUDA / DVHPC_WARN_CUDNN / DVHPC_WARN_CUBLAS:
// a failure is printed as one warning line naming the call. Such a failure
// usually repeats an earlier asynchronous error (a kernel fault is reported by
// every later call), which the warning then makes visible instead of losing.
//
// Same message as dvhpc::throw_library_error, but inline: dvhpc_gpu is linked
// *after* dvhpc_core, so an out-of-line call from the GPU library into
// dvhpc_core would be an unresolved symbol for executables that do not
// happen to pull src/core/error.cpp in first (seen with nn_bench).
#pragma once

#include <cstdio>
#include <string>

#include "dvhpc/error.hpp"

namespace dvhpc::nn {
[[noreturn]] inline void gpu_library_error(const char* lib, const char* expr, const char* file, int line,
                                           const std::string& detail) {
  std::string f(file);
  const auto slash = f.find_last_of('/');
  if (slash != std::string::npos) f = f.substr(slash + 1);
  std::string msg = std::string(lib) + " call failed: " + expr + " (" + f + ":" + std::to_string(line) + ")";
  if (!detail.empty()) msg += ": " + detail;
  throw Error(ErrorKind::Library, msg);
}
}  // namespace dvhpc::nn

#define DVHPC_CHECK_CUDA(x)                                                                        \
  do {                                                                                             \
    const cudaError_t dvhpc_err_ = (x);                                                            \
    if (dvhpc_err_ != cudaSuccess)                                                                 \
      ::dvhpc::nn::gpu_library_error("CUDA", #x, __FILE__, __LINE__, cudaGetErrorString(dvhpc_err_)); \
  } while (0)

#define DVHPC_CHECK_CUDNN(x)                                                                          \
  do {                                                                                                \
    const cudnnStatus_t dvhpc_st_ = (x);                                                              \
    if (dvhpc_st_ != CUDNN_STATUS_SUCCESS)                                                            \
      ::dvhpc::nn::gpu_library_error("cuDNN", #x, __FILE__, __LINE__, cudnnGetErrorString(dvhpc_st_)); \
  } while (0)

#define DVHPC_CHECK_CUBLAS(x)                                                                  \
  do {                                                                                         \
    const cublasStatus_t dvhpc_st_ = (x);                                                      \
    if (dvhpc_st_ != CUBLAS_STATUS_SUCCESS)                                                    \
      ::dvhpc::nn::gpu_library_error("cuBLAS", #x, __FILE__, __LINE__,                           \
                                   std::string("status ") + std::to_string(int(dvhpc_st_))); \
  } while (0)

#define DVHPC_CHECK_NCCL(x)                                                                          \
  do {                                                                                               \
    const ncclResult_t dvhpc_st_ = (x);                                                              \
    if (dvhpc_st_ != ncclSuccess)                                                                    \
      ::dvhpc::nn::gpu_library_error("NCCL", #x, __FILE__, __LINE__, ncclGetErrorString(dvhpc_st_)); \
  } while (0)

namespace dvhpc::nn {
inline void gpu_cleanup_warning(const char* lib, const char* expr, const char* detail) {
  std::fprintf(stderr, "dvhpc: warning: %s call failed while releasing GPU resources: %s: %s\n", lib, expr, detail);
}
}  // namespace dvhpc::nn

#define DVHPC_WARN_CUDA(x)                                                                  \
  do {                                                                                      \
    const cudaError_t dvhpc_err_ = (x);                                                     \
    if (dvhpc_err_ != cudaSuccess)                                                          \
      ::dvhpc::nn::gpu_cleanup_warning("CUDA", #x, cudaGetErrorString(dvhpc_err_));         \
  } while (0)
#define DVHPC_WARN_CUDNN(x)                                                                 \
  do {                                                                                      \
    const cudnnStatus_t dvhpc_st_ = (x);                                                    \
    if (dvhpc_st_ != CUDNN_STATUS_SUCCESS)                                                  \
      ::dvhpc::nn::gpu_cleanup_warning("cuDNN", #x, cudnnGetErrorString(dvhpc_st_));        \
  } while (0)
#define DVHPC_WARN_CUBLAS(x)                                                                \
  do {                                                                                      \
    const cublasStatus_t dvhpc_st_ = (x);                                                   \
    if (dvhpc_st_ != CUBLAS_STATUS_SUCCESS)                                                 \
      ::dvhpc::nn::gpu_cleanup_warning("cuBLAS", #x, std::to_string(int(dvhpc_st_)).c_str()); \
  } while (0)
