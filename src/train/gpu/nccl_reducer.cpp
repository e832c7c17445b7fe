// NCCL gradient averaging for ranks that own a GPU (built with
// DVHPC_ENABLE_CUDA). Gradients stay on the device: NCCL's PreMulSum op
// scales by n_r / B while summing, so no separate scaling kernel or host
// staging is needed. Parameters are reduced in groups of ~bucket_bytes
// (ncclGroupStart/End fuses each group into few kernel launches).
//
// Lives in dvhpc_gpu, which is linked after dvhpc_core: it must not call
// functions defined in dvhpc_core .cpp files (hence raw MPI and the inline
// error helpers of nn/gpu_check.hpp).
#include <cuda_runtime_api.h>
#include <mpi.h>
#include <nccl.h>

#include <memory>
#include <vector>

#include "dvhpc/nn/gpu_check.hpp"
#include "dvhpc/train/grad_reducer.hpp"

namespace dvhpc::train {
namespace {

class NcclReducer final : public GradientReducer {
 public:
  NcclReducer(MPI_Comm comm, int rank, int size, std::vector<nn::Param*> params, size_t bucket_bytes)
      : params_(std::move(params)) {
    ncclUniqueId id;
    if (rank == 0) DVHPC_CHECK_NCCL(ncclGetUniqueId(&id));
    if (MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, comm) != MPI_SUCCESS)
      nn::gpu_library_error("MPI", "MPI_Bcast(ncclUniqueId)", __FILE__, __LINE__, "");
    DVHPC_CHECK_NCCL(ncclCommInitRank(&nccl_, size, id, rank));
    DVHPC_CHECK_CUDA(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    size_t used = 0;
    groups_.emplace_back();
    for (size_t i = 0; i < params_.size(); ++i) {
      size_t bytes = sizeof(float) * static_cast<size_t>(params_[i]->grad.numel());
      if (used > 0 && used + bytes > bucket_bytes) {
        groups_.emplace_back();
        used = 0;
      }
      groups_.back().push_back(i);
      used += bytes;
    }
  }
  ~NcclReducer() override {
    if (stream_) cudaStreamDestroy(stream_);
    if (nccl_) ncclCommDestroy(nccl_);
  }

  void reduce(float scale) override {
    // Backward ran on the backend's stream(s); make its results visible.
    DVHPC_CHECK_CUDA(cudaDeviceSynchronize());
    ncclRedOp_t op;
    DVHPC_CHECK_NCCL(ncclRedOpCreatePreMulSum(&op, &scale, ncclFloat, ncclScalarHostImmediate, nccl_));
    for (const auto& g : groups_) {
      DVHPC_CHECK_NCCL(ncclGroupStart());
      for (size_t i : g) {
        nn::Tensor& t = params_[i]->grad;
        DVHPC_CHECK_NCCL(ncclAllReduce(t.data(), t.data(), static_cast<size_t>(t.numel()), ncclFloat, op,
                                       nccl_, stream_));
      }
      DVHPC_CHECK_NCCL(ncclGroupEnd());
    }
    DVHPC_CHECK_CUDA(cudaStreamSynchronize(stream_));
    DVHPC_CHECK_NCCL(ncclRedOpDestroy(op, nccl_));
  }
  const char* kind() const override { return "NCCL allreduce"; }

 private:
  std::vector<nn::Param*> params_;
  std::vector<std::vector<size_t>> groups_;
  ncclComm_t nccl_ = nullptr;
  cudaStream_t stream_ = nullptr;
};

}  // namespace

std::unique_ptr<GradientReducer> make_nccl_reducer(MPI_Comm comm, int rank, int size,
                                                   std::vector<nn::Param*> params, size_t bucket_bytes) {
  return std::make_unique<NcclReducer>(comm, rank, size, std::move(params), bucket_bytes);
}

}  // namespace dvhpc::train
