// dvhpc entry point: MPI up, command line and config parsed (agreed across
// ranks), logging and Kokkos up, the command run, the runtime report printed.
// This is the only place where an Error becomes an exit code or an MPI abort.
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <chrono>
#include <dlfcn.h>

#include <cstdio>
#include <functional>
#include <thread>

#include "dvhpc/fault_point.hpp"
#include "dvhpc/cli.hpp"
#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/commands.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/error.hpp"
#include "dvhpc/kokkos_start.hpp"
#include "dvhpc/log.hpp"
#include "dvhpc/timer.hpp"
#include "dvhpc/version.hpp"

// Everything below is inside namespace dvhpc rather than under a global
// `using namespace dvhpc`: in the CUDA build nvcc appends its runtime stub,
// whose math functions call log(), and a global using-directive would make
// that ambiguous with namespace dvhpc::log.
namespace dvhpc {
namespace {

// Runs a step that every rank performs identically (parsing, validation).
// If it fails anywhere, the lowest failing rank prints its message and all
// ranks exit with its code: no MPI_Abort noise, and no rank left waiting.
void agree(const Comm& comm, const std::function<void()>& step) {
  int64_t code = 0;
  std::string msg;
  try {
    step();
  } catch (const Error& e) {
    code = e.exit_code();
    msg = e.what();
  } catch (const std::exception& e) {
    code = static_cast<int64_t>(ErrorKind::Internal);
    msg = e.what();
  }
  std::vector<int64_t> codes = comm.allgather(code);
  auto first = std::find_if(codes.begin(), codes.end(), [](int64_t c) { return c != 0; });
  if (first == codes.end()) return;
  int failing = static_cast<int>(first - codes.begin());
  if (comm.rank() == failing) {
    if (failing == 0)
      std::fprintf(stderr, "dvhpc: error: %s\n", msg.c_str());
    else
      std::fprintf(stderr, "dvhpc: error (rank %d): %s\n", failing, msg.c_str());
    std::fflush(stderr);
  }
  MPI_Finalize();
  std::exit(static_cast<int>(*first));
}

int default_threads(const Comm& comm) {
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1, static_cast<int>(hw) / std::max(1, comm.local_size()));
}

}  // namespace

int run_main(int argc, char** argv) {
  MpiSession mpi(&argc, &argv);
  Comm world = Comm::world();
  auto t0 = std::chrono::steady_clock::now();

  CliArgs args;
  agree(world, [&] { args = parse_cli(argc, argv); });
  if (args.help) {
    if (world.is_root()) std::fputs(args.help_text.c_str(), stdout);
    return 0;
  }

  Config cfg;
  // The CUDA build cannot start Kokkos without a GPU (kokkos_start.hpp).
  const std::string no_kokkos = kokkos_cannot_start();
  if (args.command == "version") {
    if (!no_kokkos.empty()) {  // the report needs no Kokkos; say why it is not up
      if (world.is_root()) std::printf("%sKokkos: not started: %s\n", version_report().c_str(), no_kokkos.c_str());
      return 0;
    }
    Kokkos::InitArguments vargs;
    vargs.disable_warnings = true;
    Kokkos::ScopeGuard kokkos(vargs);
    if (world.is_root()) std::fputs(version_report().c_str(), stdout);
    return 0;
  }
  agree(world, [&] {
    if (!no_kokkos.empty())
      throw Error(ErrorKind::Library,
                  no_kokkos + "; on machines without a GPU use the OpenMP build (scripts/setup.sh)");
  });
  agree(world, [&] {
    cfg = load_config(args.command, args.config_path, args.overrides);
    fault::point(world, "config");
  });

  log::init(world.rank(), cfg.log_level);
  watchdog::set_timeout(cfg.mpi_timeout);  // DVHPC_MPI_TIMEOUT, when set, wins
  int threads = cfg.threads > 0 ? cfg.threads : default_threads(world);
  Kokkos::InitArguments kargs;
  kargs.num_threads = threads;
  kargs.disable_warnings = true;
#if defined(KOKKOS_ENABLE_CUDA)
  // Ranks on one node take one GPU each, by node-local rank; the networks
  // follow the kernels onto it (include/dvhpc/device_context.hpp).
  kargs.device_id = world.local_rank() % std::max(1, query_gpu_info().device_count);
#endif
  Kokkos::ScopeGuard kokkos(kargs);
  // An optimised BLAS (OpenBLAS, which scripts/setup.sh installs) starts a
  // thread per core in every rank; the dense linear algebra of pca and gp
  // gets this rank's share like Kokkos does, so ranks x threads = cores.
  // Looked up at run time: the reference BLAS has no such function.
  if (auto* set_blas_threads = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set_blas_threads(threads);
  log::info("dvhpc {} on {} rank(s) x {} thread(s), config {}", cfg.command, world.size(), threads,
            args.config_path.empty() ? "(none)" : args.config_path);

  StageTimes times;
  try {
    run_command(RunContext{cfg, world, times, args});
  } catch (const Error& e) {
    if (e.all_ranks()) {
      // Every rank holds the same error: print once, exit together.
      if (world.is_root()) std::fprintf(stderr, "dvhpc: error: %s\n", e.what());
      std::fflush(stderr);
      MPI_Finalize();
      return e.exit_code();
    }
    world.abort_with(e.what(), e.exit_code());
  } catch (const std::exception& e) {
    world.abort_with(std::string("internal error: ") + e.what(),
                     static_cast<int>(ErrorKind::Internal));
  }

  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto rows = gather_stage_report(world, times);
  if (world.is_root()) std::fputs(format_stage_report(rows, wall).c_str(), stderr);
  return 0;
}

}  // namespace dvhpc

int main(int argc, char** argv) { return dvhpc::run_main(argc, argv); }
