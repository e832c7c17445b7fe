// Main of the doctest unit-test executable: MPI (as a singleton, no mpirun
// needed) and Kokkos are initialised once around all tests.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <Kokkos_Core.hpp>

#include <cstdlib>

#include "dvhpc/comm.hpp"
#include "dvhpc/log.hpp"

int main(int argc, char** argv) {
  // Without OMP_PROC_BIND, Kokkos prints a warning on stdout, which ctest's
  // test discovery (--list-test-cases) would read as test names.
  setenv("OMP_PROC_BIND", "false", 0);
  dvhpc::MpiSession mpi(&argc, &argv);
  dvhpc::log::init(0, "warn");
  Kokkos::ScopeGuard kokkos(argc, argv);
  doctest::Context ctx(argc, argv);
  return ctx.run();
}
