#include "dvhpc/device_context.hpp"

#include <cstdio>

#include "dvhpc/error.hpp"

namespace dvhpc {

DeviceContext::DeviceContext(const std::string& kind, nn::Precision precision, int local_rank) {
#if defined(KOKKOS_ENABLE_CUDA)
  // The kernels' device is Kokkos's (main.cpp initialised it on local rank %
  // devices); the networks take the same one and the same stream.
  kernel_device_ = Kokkos::Cuda().cuda_device();
  cudaStream_t s = nullptr;
  if (cudaSetDevice(kernel_device_) != cudaSuccess ||
      cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking) != cudaSuccess)
    throw Error(ErrorKind::Library, std::string("could not create a CUDA stream on device ") +
                                        std::to_string(kernel_device_) + ": " + cudaGetErrorString(cudaGetLastError()));
  stream_ = s;
  exec_ = Kokkos::Cuda(s);
  backend_ = nn::make_backend(kind, precision, kernel_device_, stream_);
#else
  backend_ = nn::make_backend(kind, precision, local_rank);
#endif
  (void)local_rank;
}

DeviceContext::~DeviceContext() {
  backend_.reset();
#if defined(KOKKOS_ENABLE_CUDA)
  exec_.fence();
  exec_ = kernels::ExecSpace();  // drop the instance before its stream
  if (stream_) {
    const cudaError_t rc = cudaStreamDestroy(static_cast<cudaStream_t>(stream_));
    if (rc != cudaSuccess)  // no throwing here; one warning line, as src/nn/gpu's releases do
      std::fprintf(stderr, "dvhpc: warning: cudaStreamDestroy failed while releasing the rank's stream: %s\n",
                   cudaGetErrorString(rc));
  }
#endif
}

bool DeviceContext::shared_memory() const {
  const bool kernels_on_gpu = kernel_device_ >= 0;
  return kernels_on_gpu == (backend_->device() == nn::Device::GPU);
}

std::string DeviceContext::describe() const {
  const std::string kernels = kernel_device_ >= 0 ? "Kokkos CUDA on GPU " + std::to_string(kernel_device_)
                                                  : std::string("Kokkos ") + kernels::ExecSpace::name();
  return kernels + ", networks on " + backend_->name() +
         (shared_memory() ? (kernel_device_ >= 0 ? " (one stream; features and images stay on the GPU)"
                                                 : " (features and images passed in place)")
                          : " (features and images copied between host and GPU)");
}

}  // namespace dvhpc
