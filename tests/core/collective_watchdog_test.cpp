// The watchdog's bookkeeping (the firing itself ends the process, so it is
// tested end to end by tests/cli/train_failures.sh).
#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>

#include "dvhpc/collective_watchdog.hpp"
#include "dvhpc/timer.hpp"

using namespace dvhpc;

TEST_CASE("watchdog waits nest and restore the outer wait") {
  namespace d = watchdog::detail;
  REQUIRE(d::g_wait_since_ns.load() == 0);
  {
    watchdog::Wait outer("MPI_Bcast");
    const int64_t t_outer = d::g_wait_since_ns.load();
    CHECK(t_outer > 0);
    CHECK(std::string(d::g_wait_what.load()) == "MPI_Bcast");
    {
      watchdog::Wait inner("MPI_Allreduce");
      CHECK(std::string(d::g_wait_what.load()) == "MPI_Allreduce");
      CHECK(d::g_wait_since_ns.load() >= t_outer);
    }
    CHECK(std::string(d::g_wait_what.load()) == "MPI_Bcast");
    CHECK(d::g_wait_since_ns.load() == t_outer);
  }
  CHECK(d::g_wait_since_ns.load() == 0);  // not waiting: the watchdog has nothing to time
  CHECK(d::g_wait_what.load() == nullptr);
}

TEST_CASE("watchdog phase: set, scoped, truncated, kept while an exception unwinds a stage") {
  watchdog::set_phase("load");
  CHECK(watchdog::phase() == "load");
  {
    watchdog::ScopedPhase p("train step 7 (epoch 1)");
    CHECK(watchdog::phase() == "train step 7 (epoch 1)");
  }
  CHECK(watchdog::phase() == "load");
  watchdog::set_phase(std::string(500, 'x'));
  CHECK(watchdog::phase().size() == watchdog::detail::kPhaseChars - 1);

  // A stage ended normally restores the phase before it; a stage left by an
  // exception keeps the phase where the exception was thrown, for abort_with.
  StageTimes times;
  watchdog::set_phase("");
  { ScopedStage st(times, "validate"); }
  CHECK(watchdog::phase() == "");
  try {
    ScopedStage st(times, "train");
    watchdog::set_phase("train step 3 (epoch 1)");
    throw std::runtime_error("read failed");
  } catch (const std::runtime_error&) {
    CHECK(watchdog::phase() == "train step 3 (epoch 1)");
  }
  watchdog::set_phase("");
}

TEST_CASE("watchdog timeout: config value, DVHPC_MPI_TIMEOUT override, message") {
  unsetenv("DVHPC_MPI_TIMEOUT");
  watchdog::set_timeout(42);
  CHECK(watchdog::timeout_seconds() == 42);
  setenv("DVHPC_MPI_TIMEOUT", "5", 1);
  watchdog::set_timeout(600);
  CHECK(watchdog::timeout_seconds() == 5);
  setenv("DVHPC_MPI_TIMEOUT", "not-a-number", 1);
  watchdog::set_timeout(600);
  CHECK(watchdog::timeout_seconds() == 600);
  unsetenv("DVHPC_MPI_TIMEOUT");
  const std::string m =
      watchdog::timeout_message(1, "MPI_Allreduce (gradients)", "train step 12 (epoch 2)", 600.4);
  CHECK(m ==
        "dvhpc: error (rank 1): MPI_Allreduce (gradients) at train step 12 (epoch 2) waited 600 s for other "
        "ranks; a rank has failed or stopped: aborting (mpi_timeout 600 s)");
  watchdog::set_timeout(watchdog::kDefaultTimeoutSeconds);
}
