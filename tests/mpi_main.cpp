// Main of the MPI test executable, run by ctest under mpirun -np 1 and -np 2.
// Every rank runs every test; a failure on any rank fails the run.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <Kokkos_Core.hpp>

#include <cstdio>

#include "dvhpc/comm.hpp"
#include "dvhpc/kokkos_start.hpp"
#include "dvhpc/log.hpp"

int main(int argc, char** argv) {
  dvhpc::MpiSession mpi(&argc, &argv);
  dvhpc::Comm world = dvhpc::Comm::world();
  dvhpc::log::init(world.rank(), "warn");
  // The CUDA build's Kokkos cannot start without a GPU (dvhpc/kokkos_start.hpp).
  if (const std::string why = dvhpc::kokkos_cannot_start(); !why.empty()) {
    if (world.rank() == 0) std::printf("SKIP: %s\n", why.c_str());
    return 0;
  }
  Kokkos::ScopeGuard kokkos(argc, argv);
  doctest::Context ctx(argc, argv);
  // Only rank 0 prints the summary; failures on other ranks still print.
  if (world.rank() != 0) ctx.setOption("no-version", true);
  int rc = ctx.run();
  int any = world.allreduce_or(rc != 0) ? 1 : 0;
  return any;
}
