// Whether Kokkos can be initialised on this machine.
//
// A Kokkos built with CUDA (the CUDA build, scripts/setup.sh --cuda)
// initialises its CUDA backend in Kokkos::initialize and aborts the whole
// process (SIGABRT, no message of ours) when no CUDA device is usable. The
// program's main and the test mains ask first, and then exit with a clear
// error (dvhpc) or skip (tests). Builds on the OpenMP Kokkos always start.
#pragma once

#include <Kokkos_Core.hpp>

#include <string>

#include "dvhpc/gpu_info.hpp"

namespace dvhpc {

// "" when Kokkos can start here; else why not, as one sentence.
inline std::string kokkos_cannot_start() {
#if defined(KOKKOS_ENABLE_CUDA)
  const GpuInfo g = query_gpu_info();
  if (g.device_count == 0)
    return "this dvhpc is the CUDA build (its Kokkos kernels run on CUDA) and needs a CUDA device, but none is usable (" +
           (g.status.empty() ? std::string("no device found") : g.status) + ")";
#endif
  return "";
}

}  // namespace dvhpc
