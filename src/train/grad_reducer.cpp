#include "dvhpc/train/grad_reducer.hpp"

#include <algorithm>
#include <cstring>

#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"

namespace dvhpc::train {
namespace {

class MpiReducer final : public GradientReducer {
 public:
  MpiReducer(const Comm& comm, std::vector<nn::Param*> params, size_t bucket_bytes)
      : comm_(comm), params_(std::move(params)) {
    // Greedy buckets in parameter order; a parameter larger than a bucket
    // gets a bucket of its own.
    const size_t cap = std::max<size_t>(1, bucket_bytes / sizeof(float));
    size_t used = 0;
    buckets_.emplace_back();
    for (size_t i = 0; i < params_.size(); ++i) {
      DVHPC_ASSERT(params_[i]->grad.device() == nn::Device::CPU, "MPI reducer needs host gradients");
      size_t n = static_cast<size_t>(params_[i]->grad.numel());
      if (used > 0 && used + n > cap) {
        buckets_.emplace_back();
        used = 0;
      }
      buckets_.back().push_back(i);
      used += n;
    }
  }

  void reduce(float scale) override {
    for (const auto& b : buckets_) {
      size_t n = 0;
      for (size_t i : b) n += static_cast<size_t>(params_[i]->grad.numel());
      staging_.resize(n);
      size_t off = 0;
      for (size_t i : b) {
        const nn::Tensor& g = params_[i]->grad;
        const float* src = g.data();
        for (int64_t k = 0; k < g.numel(); ++k) staging_[off + static_cast<size_t>(k)] = src[k] * scale;
        off += static_cast<size_t>(g.numel());
      }
      if (comm_.size() > 1) {
        watchdog::Wait w("MPI_Allreduce (gradients)");
        DVHPC_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, staging_.data(), static_cast<int>(n), MPI_FLOAT,
                                      MPI_SUM, comm_.raw()));
      }
      off = 0;
      for (size_t i : b) {
        nn::Tensor& g = params_[i]->grad;
        std::memcpy(g.data(), staging_.data() + off, sizeof(float) * static_cast<size_t>(g.numel()));
        off += static_cast<size_t>(g.numel());
      }
    }
  }
  const char* kind() const override { return "MPI_Allreduce"; }

 private:
  const Comm& comm_;
  std::vector<nn::Param*> params_;
  std::vector<std::vector<size_t>> buckets_;
  std::vector<float> staging_;
};

}  // namespace

std::unique_ptr<GradientReducer> make_mpi_reducer(const Comm& comm, std::vector<nn::Param*> params,
                                                  size_t bucket_bytes) {
  return std::make_unique<MpiReducer>(comm, std::move(params), bucket_bytes);
}

#ifdef DVHPC_HAVE_CUDA
// src/train/gpu/nccl_reducer.cpp
std::unique_ptr<GradientReducer> make_nccl_reducer(MPI_Comm comm, int rank, int size,
                                                   std::vector<nn::Param*> params, size_t bucket_bytes);
#endif

std::unique_ptr<GradientReducer> make_reducer(const Comm& comm, nn::Backend& be,
                                              std::vector<nn::Param*> params, size_t bucket_bytes) {
  if (be.device() == nn::Device::GPU) {
#ifdef DVHPC_HAVE_CUDA
    return make_nccl_reducer(comm.raw(), comm.rank(), comm.size(), std::move(params), bucket_bytes);
#else
    throw Error(ErrorKind::Internal, "GPU backend without CUDA support compiled in");
#endif
  }
  return make_mpi_reducer(comm, std::move(params), bucket_bytes);
}

}  // namespace dvhpc::train
