// Training throughput and data-parallel efficiency.
//
//   mpirun -np N build/perf/train_bench [rnn|cnn] [global_batch] [steps]
//
// Trains the shipped architecture on synthetic examples of the real shapes
// (count features [33,18] or images [7,100,221]) for `steps` steps at a fixed
// global batch, after 2 warm-up steps, and prints examples/s over all ranks.
// Efficiency from 1 to N ranks = rate(N) / (N * rate(1)), with the same
// global batch (strong scaling of one training step). perf/train_bench.sh
// runs 1 and 2 ranks and writes perf/RESULTS_train.md.
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "dvhpc/comm.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/nn/backend.hpp"
#include "dvhpc/nn/model.hpp"
#include "dvhpc/timer.hpp"
#include "dvhpc/train/data_order.hpp"
#include "dvhpc/train/trainer.hpp"

using namespace dvhpc;

int main(int argc, char** argv) {
  MpiSession mpi(&argc, &argv);
  Comm world = Comm::world();
  log::init(world.rank(), "warn");
  const std::string arch = argc > 1 ? argv[1] : "rnn";
  const int64_t batch = argc > 2 ? std::stoll(argv[2]) : 256;
  const int64_t steps = argc > 3 ? std::stoll(argv[3]) : 20;

  auto be = nn::make_backend("auto");
  std::unique_ptr<nn::Model> model =
      arch == "cnn" ? nn::make_pileup_cnn(*be) : nn::make_pileup_rnn(*be);
  nn::Shape shape = arch == "cnn" ? nn::Shape{7, 100, 221} : nn::Shape{33, 18};
  const int64_t numel = nn::shape_numel(shape);
  const int64_t n = batch * (steps + 3);
  std::vector<float> x(static_cast<size_t>(n * numel));
  std::vector<int32_t> y(static_cast<size_t>(n));
  uint64_t s = 1;
  for (auto& v : x) v = static_cast<float>(((s = train::splitmix64(s)) >> 11) * 0x1.0p-53);
  for (int64_t i = 0; i < n; ++i) y[static_cast<size_t>(i)] = static_cast<int32_t>(i % 3);
  train::MemoryExamples data(shape, std::move(x), std::move(y));

  train::TrainOptions o;
  o.global_batch = batch;
  o.epochs = 1;
  o.validation_fraction = 0.0;
  o.progress = false;
  StageTimes times;
  o.max_steps = 2;  // warm-up: primitive creation, buffer pools
  train::Trainer warm(world, *model, data, o);
  warm.run(times);
  o.max_steps = 2 + steps;
  train::Trainer t(world, *model, data, o);
  // Continue from the warm-up step count without a checkpoint.
  world.barrier();
  auto t0 = std::chrono::steady_clock::now();
  t.run(times);
  world.barrier();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // run() above starts at step 0 again and stops at 2 + steps.
  const double examples = static_cast<double>((2 + steps) * batch);
  if (world.is_root())
    std::printf("arch=%s ranks=%d threads_per_rank=%d global_batch=%lld steps=%lld backend=%s seconds=%.3f "
                "examples_per_s=%.1f\n",
                arch.c_str(), world.size(), omp_get_max_threads(),
                static_cast<long long>(batch), static_cast<long long>(2 + steps), be->name().c_str(), secs,
                examples / secs);
  return 0;
}
