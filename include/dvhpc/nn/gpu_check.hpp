// Error checks for CUDA, cuDNN, cuBLAS and NCCL calls: a failing call throws
// dvhpc::Error (ErrorKind::Library) naming the library, the expression, the
// source location and the library's own error string.
#pragma once

#include <string>

#include "dvhpc/error.hpp"

#define DVHPC_CHECK_CUDA(x)                                                                        \
  do {                                                                                             \
    const cudaError_t dvhpc_err_ = (x);                                                            \
    if (dvhpc_err_ != cudaSuccess)                                                                 \
      ::dvhpc::throw_library_error("CUDA", #x, __FILE__, __LINE__, cudaGetErrorString(dvhpc_err_)); \
  } while (0)

#define DVHPC_CHECK_CUDNN(x)                                                                          \
  do {                                                                                                \
    const cudnnStatus_t dvhpc_st_ = (x);                                                              \
    if (dvhpc_st_ != CUDNN_STATUS_SUCCESS)                                                            \
      ::dvhpc::throw_library_error("cuDNN", #x, __FILE__, __LINE__, cudnnGetErrorString(dvhpc_st_)); \
  } while (0)

#define DVHPC_CHECK_CUBLAS(x)                                                                  \
  do {                                                                                         \
    const cublasStatus_t dvhpc_st_ = (x);                                                      \
    if (dvhpc_st_ != CUBLAS_STATUS_SUCCESS)                                                    \
      ::dvhpc::throw_library_error("cuBLAS", #x, __FILE__, __LINE__,                           \
                                   std::string("status ") + std::to_string(int(dvhpc_st_))); \
  } while (0)

#define DVHPC_CHECK_NCCL(x)                                                                          \
  do {                                                                                               \
    const ncclResult_t dvhpc_st_ = (x);                                                              \
    if (dvhpc_st_ != ncclSuccess)                                                                    \
      ::dvhpc::throw_library_error("NCCL", #x, __FILE__, __LINE__, ncclGetErrorString(dvhpc_st_)); \
  } while (0)
