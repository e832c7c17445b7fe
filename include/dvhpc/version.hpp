// `dvhpc version`: versions of dvhpc and every library it was built with.
#pragma once

#include <string>

namespace dvhpc {

// Multi-line report: dvhpc, compiler, htslib, HDF5 (+ parallel), Kokkos (+
// backends and threads), MPI, CUDA / cuDNN / NCCL compiled in, GPU present.
// Needs MPI initialised; Kokkos may or may not be initialised.
std::string version_report();

}  // namespace dvhpc
