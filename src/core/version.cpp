#include "dvhpc/version.hpp"

#include <Kokkos_Core.hpp>
#include <dnnl.hpp>
#include <hdf5.h>
#include <htslib/hts.h>
#include <mpi.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "dvhpc/build_info.hpp"
#include "dvhpc/gpu_info.hpp"

namespace dvhpc {
namespace {
std::string dotted(int v, int major_div, int minor_div) {
  // 90300 -> 9.3.0 (cuDNN), 22800 -> 2.28.0 (NCCL), 13000 -> 13.0 (CUDA)
  std::ostringstream s;
  s << v / major_div << "." << (v % major_div) / minor_div;
  if (minor_div > 1) s << "." << v % minor_div;
  return s.str();
}
}  // namespace

std::string version_report() {
  std::ostringstream o;
  o << "dvhpc " << DVHPC_VERSION_STRING << " (" << DVHPC_BUILD_TYPE << ", " << DVHPC_CXX_COMPILER
    << ")\n";
  o << "htslib " << hts_version() << "\n";

  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
#ifdef H5_HAVE_PARALLEL
  const char* par = "parallel (MPI-IO)";
#else
  const char* par = "serial";
#endif
  o << "HDF5 " << maj << "." << min << "." << rel << " " << par << "\n";

  o << "Kokkos " << KOKKOS_VERSION / 10000 << "." << (KOKKOS_VERSION / 100) % 100 << "."
    << KOKKOS_VERSION % 100 << ", backends:";
#ifdef KOKKOS_ENABLE_SERIAL
  o << " Serial";
#endif
#ifdef KOKKOS_ENABLE_OPENMP
  o << " OpenMP";
#endif
#ifdef KOKKOS_ENABLE_CUDA
  o << " CUDA";
#endif
  o << "; default execution space " << Kokkos::DefaultExecutionSpace::name();
  if (Kokkos::is_initialized())
    o << " (" << Kokkos::DefaultExecutionSpace::concurrency() << " threads)";
  o << "\n";

  char lib[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(lib, &len);
  std::string mpi(lib, len);
  if (auto nl = mpi.find_first_of("\n,"); nl != std::string::npos) mpi = mpi.substr(0, nl);
  int mv = 0, msub = 0;
  MPI_Get_version(&mv, &msub);
  o << "MPI " << mv << "." << msub << ": " << mpi << "\n";

  const dnnl_version_t* dv = dnnl_version();
  o << "oneDNN " << dv->major << "." << dv->minor << "." << dv->patch << " (CPU neural-network backend)\n";

  GpuInfo g = query_gpu_info();
  if (g.cuda_compiled) {
    o << "CUDA support: compiled in (runtime " << dotted(g.cuda_runtime_version, 1000, 10)
      << ", nvcc " << DVHPC_CUDA_COMPILER_VERSION << ", code for sm_80 and sm_90)\n";
    o << "cuDNN support: compiled in (cuDNN " << dotted(g.cudnn_version, 10000, 100) << ")\n";
    o << "NCCL support: compiled in (NCCL " << dotted(g.nccl_version, 10000, 100) << ")\n";
    o << "CUDA driver: "
      << (g.cuda_driver_version ? dotted(g.cuda_driver_version, 1000, 10) : std::string("none"))
      << "\n";
  } else {
    o << "CUDA support: not compiled in\ncuDNN support: not compiled in\nNCCL support: not compiled in\n";
  }
  if (g.device_count > 0) {
    o << "GPU: " << g.device_count << " present:";
    for (const auto& n : g.device_names) o << " " << n;
    o << "\n";
  } else {
    o << "GPU: none present (" << g.status << "); neural networks run on the CPU\n";
  }
  return o.str();
}

}  // namespace dvhpc
