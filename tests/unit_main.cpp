// Main of the doctest unit-test executables (dvhpc_unit_tests, and
// dvhpc_gpu_tests in CUDA builds): MPI (as a singleton, no mpirun needed)
// and Kokkos are initialised once around all tests.
//
// The CUDA build's Kokkos cannot start without a GPU (dvhpc/kokkos_start.hpp):
// there the executable prints one "SKIP:" line (ctest: skipped) and runs
// nothing. Listing the tests (ctest's discovery at build time) needs no
// Kokkos, so it works on any machine.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <Kokkos_Core.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "dvhpc/comm.hpp"
#include "dvhpc/kokkos_start.hpp"
#include "dvhpc/log.hpp"

int main(int argc, char** argv) {
  // Without OMP_PROC_BIND, Kokkos prints a warning on stdout, which ctest's
  // test discovery (--list-test-cases) would read as test names.
  setenv("OMP_PROC_BIND", "false", 0);
  dvhpc::MpiSession mpi(&argc, &argv);
  dvhpc::log::init(0, "warn");
  bool listing = false;  // doctest's --list-* and their short forms -l*
  for (int i = 1; i < argc; ++i)
    listing = listing || std::strncmp(argv[i], "--list", 6) == 0 || std::strncmp(argv[i], "-l", 2) == 0 ||
              std::strncmp(argv[i], "--dt-list", 9) == 0;
  std::optional<Kokkos::ScopeGuard> kokkos;
  if (!listing) {
    if (const std::string why = dvhpc::kokkos_cannot_start(); !why.empty()) {
      std::printf("SKIP: %s\n", why.c_str());
      return 0;
    }
    kokkos.emplace(argc, argv);
  }
  doctest::Context ctx(argc, argv);
  return ctx.run();
}
