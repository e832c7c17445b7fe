// The rank's device: the GPU it owns, the one stream its Kokkos kernels and
// its networks share, and the network backend bound to both.
//
// A command that runs kernels and networks (`call`) makes one per rank and
// hands it to both halves, so that
//   - the kernels (allele counts, features, images) and cuDNN/cuBLAS run on
//     the same device: the one Kokkos was initialised on, chosen by the
//     node-local rank in main.cpp (local rank % visible devices);
//   - they enqueue on the same stream, so a network reads what a kernel
//     wrote without a host synchronisation in between;
//   - features and images stay where they were built: the backend's tensors
//     wrap the kernels' Views (src/call/device_tensor.hpp).
// On builds whose Kokkos runs on the host (OpenMP), the execution space is
// the default OpenMP instance and the backend oneDNN (or cuDNN, when built
// with it and model.device asks for a GPU: then features are uploaded).
#pragma once

#include <memory>
#include <string>

#include "dvhpc/nn/backend.hpp"
#include "kernels/types.hpp"

namespace dvhpc {

class DeviceContext {
 public:
  // kind: model.device ("cpu" | "gpu" | "auto"), as nn::make_backend takes it.
  DeviceContext(const std::string& kind, nn::Precision precision, int local_rank);
  ~DeviceContext();
  DeviceContext(const DeviceContext&) = delete;
  DeviceContext& operator=(const DeviceContext&) = delete;

  nn::Backend& backend() { return *backend_; }
  // The execution space instance every kernel of this rank launches on.
  const kernels::ExecSpace& exec() const { return exec_; }
  // The CUDA device the kernels run on; -1 when they run on the host.
  int kernel_device() const { return kernel_device_; }
  // Whether the backend's tensors can wrap the kernels' Views directly
  // (both on the host, or both on the same GPU).
  bool shared_memory() const;
  // One line for the log: where kernels and networks run.
  std::string describe() const;

 private:
  kernels::ExecSpace exec_;
  int kernel_device_ = -1;
  void* stream_ = nullptr;  // cudaStream_t, owned (CUDA Kokkos builds)
  std::unique_ptr<nn::Backend> backend_;
};

}  // namespace dvhpc
