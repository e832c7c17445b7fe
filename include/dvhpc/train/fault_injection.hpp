// Fault injection for the failure tests (tests/cli/train_failures.sh,
// tests/cli/gp_failures.sh), read once per process: on rank
// DVHPC_FAULT_RANK (default: the last rank), at training step N (1-based)
//   DVHPC_FAULT_HANG_AT_STEP=N   the rank stops for good (a deadlock, a stuck disk)
//   DVHPC_FAULT_THROW_AT_STEP=N  the rank throws, as a failed read would
// while the other ranks go on into the step's gradient allreduce. Both
// trainers (trainer.hpp, regression_trainer.hpp) call at_step() each step.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"

namespace dvhpc::train {

struct FaultPlan {
  int64_t hang_at = -1, throw_at = -1;
  explicit FaultPlan(const Comm& comm) {
    const char* r = std::getenv("DVHPC_FAULT_RANK");
    if ((r ? std::atoi(r) : comm.size() - 1) != comm.rank()) return;
    if (const char* h = std::getenv("DVHPC_FAULT_HANG_AT_STEP")) hang_at = std::atoll(h);
    if (const char* t = std::getenv("DVHPC_FAULT_THROW_AT_STEP")) throw_at = std::atoll(t);
  }
  void at_step(int64_t step) const {
    if (step == hang_at)
      for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
    if (step == throw_at)
      throw Error(ErrorKind::Input, "DVHPC_FAULT_THROW_AT_STEP: injected failure in training step " +
                                        std::to_string(step));
  }
};

}  // namespace dvhpc::train
