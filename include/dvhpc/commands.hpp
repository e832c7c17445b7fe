// The dvhpc commands. A command is one file (src/<concept>/<name>_command.cpp)
// that registers itself:
//
//   DVHPC_COMMAND(call, "call", "call variants: ...") { ... body using ctx ... }
//
// main() parses the command line and config, brings up MPI, logging and
// Kokkos, and runs the registered command on every rank; `dvhpc --help`
// lists the registry. A command records its stages in `ctx.times` and throws
// dvhpc::Error on failure. (The executables link dvhpc_core whole, so a
// registration is never dropped by the linker.)
#pragma once

#include <string>
#include <vector>

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

struct Command {
  std::string name;     // as typed: "make-examples"
  std::string summary;  // one line for --help
  void (*run)(const RunContext&) = nullptr;
};

// Adds a command (at static initialisation); returns true.
bool register_command(Command c);
// The registered commands, sorted by name.
std::vector<Command> registered_commands();
// Runs the command ctx.cfg.command; Error(Config) when none has that name.
void run_command(const RunContext& ctx);

}  // namespace dvhpc

// Defines `void FN(const RunContext& ctx)` and registers it as NAME.
#define DVHPC_COMMAND(FN, NAME, SUMMARY)                                                       \
  void FN(const ::dvhpc::RunContext& ctx);                                                     \
  namespace {                                                                                  \
  const bool dvhpc_registered_##FN = ::dvhpc::register_command({NAME, SUMMARY, &FN});          \
  }                                                                                            \
  void FN(const ::dvhpc::RunContext& ctx)
