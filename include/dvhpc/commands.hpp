// Entry points of the dvhpc commands, called by src/cli/main.cpp after the
// config is loaded and MPI, logging and Kokkos are up. Each runs on every
// rank, records its stages in `times`, and throws dvhpc::Error on failure.
#pragma once

#include "dvhpc/cli.hpp"
#include "dvhpc/comm.hpp"
#include "dvhpc/config.hpp"
#include "dvhpc/timer.hpp"

namespace dvhpc {

struct RunContext {
  const Config& cfg;
  const Comm& comm;
  StageTimes& times;
  const CliArgs& args;
};

void run_command(const RunContext& ctx);

}  // namespace dvhpc
