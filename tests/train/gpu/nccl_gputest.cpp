// NCCL gradient averaging (src/train/gpu/nccl_reducer.cpp) at one rank, on
// a GPU: the reducer make_reducer picks for GPU tensors must be NCCL's, and
// its scaled sum over one rank must equal the MPI reducer's on the same
// gradients in host memory. Compiled only in CUDA builds (dvhpc_gpu_tests);
// skips itself when no CUDA device is visible. More ranks need mpirun and
// one GPU each, which scripts/gpu_check.sh's single lent GPU does not have.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "dvhpc/comm.hpp"
#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/init.hpp"
#include "dvhpc/nn/layer.hpp"
#include "dvhpc/train/grad_reducer.hpp"

using namespace dvhpc;

TEST_CASE("nccl gpu: one-rank gradient reduction equals MPI's") {
  if (nn::gpu_device_count() == 0) {
    std::printf("SKIP: [nccl gputest] no CUDA device visible\n");
    return;
  }
  const Comm world = Comm::world();
  REQUIRE(world.size() == 1);
  auto gpu = nn::make_backend("gpu");
  auto cpu = nn::make_backend("cpu");
  // Two parameters, one larger than the 4 MiB bucket so that it is split.
  const std::vector<nn::Shape> shapes{{3, 5}, {1100, 1000}};
  std::vector<nn::Param> pg(shapes.size()), pc(shapes.size());
  std::vector<std::vector<float>> grads;
  nn::Rng rng(7);
  for (size_t i = 0; i < shapes.size(); ++i) {
    std::vector<float> g(static_cast<size_t>(nn::shape_numel(shapes[i])));
    for (float& v : g) v = static_cast<float>(rng.uniform()) - 0.5f;
    grads.push_back(g);
    pg[i] = {"p" + std::to_string(i), gpu->from_host(shapes[i], g), gpu->from_host(shapes[i], g)};
    pc[i] = {"p" + std::to_string(i), cpu->from_host(shapes[i], g), cpu->from_host(shapes[i], g)};
  }
  std::vector<nn::Param*> gptr, cptr;
  for (size_t i = 0; i < shapes.size(); ++i) {
    gptr.push_back(&pg[i]);
    cptr.push_back(&pc[i]);
  }
  auto nccl = train::make_reducer(world, *gpu, gptr);
  auto mpi = train::make_reducer(world, *cpu, cptr);
  CHECK(std::string(nccl->kind()) == "NCCL allreduce");
  CHECK(std::string(mpi->kind()) == "MPI_Allreduce");
  nccl->reduce(0.25f);
  mpi->reduce(0.25f);
  for (size_t i = 0; i < shapes.size(); ++i) {
    const std::vector<float> g = gpu->to_host(pg[i].grad), c = cpu->to_host(pc[i].grad);
    REQUIRE(g.size() == c.size());
    size_t bad = 0;
    for (size_t k = 0; k < g.size(); ++k) bad += g[k] != c[k] || c[k] != 0.25f * grads[i][k];
    CHECK_MESSAGE(bad == 0, "parameter " << i << ": " << bad << " of " << g.size() << " values differ");
  }
}
