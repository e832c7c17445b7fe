// NCCL gradient averaging for ranks that own a GPU (built with
// DVHPC_ENABLE_CUDA). Gradients stay on the device: NCCL's PreMulSum op
// scales by n_r / B while summing, so no separate scaling kernel or host
// staging is needed. Parameters are reduced in groups of ~bucket_bytes
// (ncclGroupStart/End fuses each group into few kernel launches).
//
// Never a silent hang (collective_watchdog.hpp): a blocking NCCL
// communicator waits forever in cudaStreamSynchronize when a peer died, so the
// communicator is non-blocking (config.blocking = 0) and every wait polls the
// stream and ncclCommGetAsyncError, as NCCL's documentation prescribes for
// fault tolerance. An asynchronous error (a peer's connection gone) or a
// wait longer than `mpi_timeout` aborts the communicator (ncclCommAbort) and
// throws; main() then aborts the MPI job with this rank and step named.
//
// Lives in dvhpc_gpu, which is linked after dvhpc_core: it must not call
// functions defined in dvhpc_core .cpp files (hence raw MPI, the inline
// error helpers of nn/gpu_check.hpp and the header-only watchdog state).
#include <cuda_runtime_api.h>
#include <mpi.h>
#include <nccl.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/nn/gpu_check.hpp"
#include "dvhpc/train/grad_reducer.hpp"

// A non-blocking communicator's calls may return ncclInProgress: the
// operation is queued and its outcome comes through ncclCommGetAsyncError.
#define DVHPC_ENQUEUE_NCCL(x)                                                                        \
  do {                                                                                               \
    const ncclResult_t dvhpc_st_ = (x);                                                              \
    if (dvhpc_st_ != ncclSuccess && dvhpc_st_ != ncclInProgress) fail(#x, ncclGetErrorString(dvhpc_st_)); \
  } while (0)

namespace dvhpc::train {
namespace {

class NcclReducer final : public GradientReducer {
 public:
  NcclReducer(MPI_Comm comm, int rank, int size, std::vector<nn::Param*> params, size_t bucket_bytes)
      : params_(std::move(params)) {
    ncclUniqueId id;
    if (rank == 0) DVHPC_CHECK_NCCL(ncclGetUniqueId(&id));
    {
      watchdog::Wait w("MPI_Bcast (NCCL id)");
      if (MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, comm) != MPI_SUCCESS)
        nn::gpu_library_error("MPI", "MPI_Bcast(ncclUniqueId)", __FILE__, __LINE__, "");
    }
    ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
    config.blocking = 0;
    DVHPC_ENQUEUE_NCCL(ncclCommInitRankConfig(&nccl_, size, id, rank, &config));
    wait_for("ncclCommInitRank", [] { return true; });
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
    if (nccl_) release_comm();
    if (stream_) DVHPC_WARN_CUDA(cudaStreamDestroy(stream_));
  }

  void reduce(float scale) override {
    // Backward ran on the backend's stream(s); make its results visible.
    DVHPC_CHECK_CUDA(cudaDeviceSynchronize());
    ncclRedOp_t op;
    DVHPC_ENQUEUE_NCCL(ncclRedOpCreatePreMulSum(&op, &scale, ncclFloat, ncclScalarHostImmediate, nccl_));
    wait_for("ncclRedOpCreatePreMulSum", [] { return true; });
    for (const auto& g : groups_) {
      DVHPC_ENQUEUE_NCCL(ncclGroupStart());
      for (size_t i : g) {
        nn::Tensor& t = params_[i]->grad;
        DVHPC_ENQUEUE_NCCL(ncclAllReduce(t.data(), t.data(), static_cast<size_t>(t.numel()), ncclFloat, op,
                                         nccl_, stream_));
      }
      DVHPC_ENQUEUE_NCCL(ncclGroupEnd());
      wait_for("ncclGroupEnd (gradients)", [] { return true; });
    }
    // Instead of cudaStreamSynchronize, which would block forever on a dead peer.
    wait_for("NCCL allreduce (gradients)", [this] {
      const cudaError_t q = cudaStreamQuery(stream_);
      if (q == cudaErrorNotReady) return false;
      DVHPC_CHECK_CUDA(q);
      return true;
    });
    DVHPC_ENQUEUE_NCCL(ncclRedOpDestroy(op, nccl_));
    wait_for("ncclRedOpDestroy", [] { return true; });
  }
  const char* kind() const override { return "NCCL allreduce"; }

 private:
  void release_comm() noexcept {
    // Leaving by an exception (a failed step here or elsewhere): peers may be
    // gone, so no collective finalisation, which could wait for them.
    ncclResult_t st = ncclInvalidUsage;  // anything but success/in-progress: abort below
    if (std::uncaught_exceptions() == 0) st = ncclCommFinalize(nccl_);
    const auto t0 = std::chrono::steady_clock::now();
    while (st == ncclInProgress && !expired(t0))
      if (ncclCommGetAsyncError(nccl_, &st) != ncclSuccess) st = ncclSystemError;
    // Finalised: a clean destroy; failed or timed out: abort.
    const ncclResult_t rc = st == ncclSuccess ? ncclCommDestroy(nccl_) : ncclCommAbort(nccl_);
    if (rc != ncclSuccess) nn::gpu_cleanup_warning("NCCL", st == ncclSuccess ? "ncclCommDestroy" : "ncclCommAbort",
                                                   ncclGetErrorString(rc));
  }

  static bool expired(std::chrono::steady_clock::time_point t0) {
    const double t = watchdog::timeout_seconds();
    return t > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > t;
  }

  // Polls until NCCL has no operation in progress and done() holds; an
  // asynchronous NCCL error or the timeout aborts the communicator and throws.
  template <typename Done>
  void wait_for(const char* what, Done done) {
    const auto t0 = std::chrono::steady_clock::now();
    for (;;) {
      ncclResult_t async = ncclSuccess;
      const ncclResult_t rc = ncclCommGetAsyncError(nccl_, &async);
      if (rc != ncclSuccess) fail(what, ncclGetErrorString(rc));
      if (async != ncclSuccess && async != ncclInProgress) fail(what, ncclGetErrorString(async));
      if (async == ncclSuccess && done()) return;
      if (expired(t0)) {
        char msg[160];
        std::snprintf(msg, sizeof msg,
                      "waited %.0f s for other ranks (mpi_timeout); a rank has failed or stopped",
                      watchdog::timeout_seconds());
        fail(what, msg);
      }
      std::this_thread::yield();
    }
  }

  [[noreturn]] void fail(const char* what, const char* detail) {
    if (nccl_) ncclCommAbort(nccl_);  // frees NCCL's resources, ends its kernels
    nccl_ = nullptr;
    throw Error(ErrorKind::Library, std::string(what) + ": " + detail + "; NCCL communicator aborted");
  }

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
