// Gradient averaging across ranks in buckets.
//
// Each rank computed the mean loss gradient over its local slice of n_r
// examples. The gradient of the global batch (B examples) is
//   g = sum_r (n_r / B) * g_r
// so every rank scales by n_r / B and the reducer sums. Gradients are packed
// into buckets of ~bucket_bytes (fewer, larger messages than one per
// parameter; bounded staging memory), reduced in place, and unpacked.
//
// CPU ranks use MPI_Allreduce. Ranks that own GPUs use NCCL on device
// buffers (src/train/gpu/, built with DVHPC_ENABLE_CUDA): no host staging.
#pragma once

#include <memory>
#include <vector>

#include "dvhpc/nn/layer.hpp"

namespace dvhpc {
class Comm;
}

namespace dvhpc::train {

class GradientReducer {
 public:
  virtual ~GradientReducer() = default;
  // Scales local gradients by `scale` and sums them over all ranks, in place.
  virtual void reduce(float scale) = 0;
  virtual const char* kind() const = 0;
};

// MPI on host memory (CPU backend tensors live in host memory).
std::unique_ptr<GradientReducer> make_mpi_reducer(const Comm& comm, std::vector<nn::Param*> params,
                                                  size_t bucket_bytes = 4 << 20);

// Picks NCCL for GPU tensors (when compiled in) and MPI otherwise.
std::unique_ptr<GradientReducer> make_reducer(const Comm& comm, nn::Backend& be,
                                              std::vector<nn::Param*> params,
                                              size_t bucket_bytes = 4 << 20);

}  // namespace dvhpc::train
