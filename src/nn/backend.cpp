// Backend selection. The GPU backend exists only in CUDA builds; everything
// else in src/nn is backend-agnostic.
#include "dvhpc/nn/backend.hpp"

#include "dvhpc/error.hpp"

#ifdef DVHPC_HAVE_CUDA
#include "dvhpc/nn/gpu_backend.hpp"
#endif

namespace dvhpc::nn {

int gpu_device_count() {
#ifdef DVHPC_HAVE_CUDA
  return gpu::device_count();
#else
  return 0;
#endif
}

std::unique_ptr<Backend> make_backend(const std::string& kind, Precision gpu_precision, int local_rank,
                                      void* cuda_stream) {
  if (kind == "cpu") return make_cpu_backend();
  if (kind != "gpu" && kind != "auto")
    throw Error(ErrorKind::Config, "nn: unknown backend '" + kind + "' (use cpu, gpu or auto)");
#ifdef DVHPC_HAVE_CUDA
  if (const int n = gpu::device_count(); n > 0) return gpu::make_backend(gpu_precision, local_rank % n, cuda_stream);
  if (kind == "gpu")
    throw Error(ErrorKind::Config, "nn: backend 'gpu' requested but no CUDA device is visible "
                                   "(check nvidia-smi and CUDA_VISIBLE_DEVICES), use 'cpu' or 'auto'");
#else
  (void)gpu_precision;
  (void)local_rank;
  (void)cuda_stream;
  if (kind == "gpu")
    throw Error(ErrorKind::Config, "nn: backend 'gpu' requested but dvhpc was built without CUDA "
                                   "(reconfigure with -DDVHPC_ENABLE_CUDA=ON), use 'cpu' or 'auto'");
#endif
  return make_cpu_backend();
}

}  // namespace dvhpc::nn
